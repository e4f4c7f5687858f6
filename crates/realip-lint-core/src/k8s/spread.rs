//! How a workload's pods spread over nodes: the one-per-node constraints, hostname topology
//! spread, soft anti-affinity, and terms that spread nothing because they miss their own pods.

use crate::fix::{Change, Value};
use k8s_openapi::api::core::v1::PodAffinityTerm;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::object::{Object, Workload, WorkloadKind, selector_matches};
use crate::diagnostic::Loc;
use crate::yaml::PathSeg;

pub const HOSTNAME: &str = "kubernetes.io/hostname";
const ZONE_KEYS: &[&str] = &[
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnePerNodeKind {
    AntiAffinity,
    HostPort,
    HostNetwork,
}

#[derive(Debug, Clone)]
pub struct OnePerNode {
    pub kind: OnePerNodeKind,
    pub loc: Loc,
    /// The constraint also holds between revisions: a new pod cannot join an old pod's node. A
    /// required anti-affinity term with `matchLabelKeys: [pod-template-hash]` counts only pods of
    /// its own revision, so it does not.
    pub spans_revisions: bool,
    /// The anti-affinity selector requires a label that usually changes with each release
    /// (`app.kubernetes.io/version`, `version`, `helm.sh/chart`, `chart`): a rollout that
    /// changes it is not blocked by the old pods, one that keeps it is.
    pub revision_label: Option<String>,
}

impl OnePerNode {
    pub fn describe(&self) -> &'static str {
        match self.kind {
            OnePerNodeKind::AntiAffinity => "required pod anti-affinity on kubernetes.io/hostname",
            OnePerNodeKind::HostPort => "a hostPort",
            OnePerNodeKind::HostNetwork => "hostNetwork with declared container ports",
        }
    }
}

/// Which kind of spreading term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    RequiredAntiAffinity,
    PreferredAntiAffinity,
    TopologySpread,
}

impl TermKind {
    pub fn describe(self) -> &'static str {
        match self {
            TermKind::RequiredAntiAffinity => "required pod anti-affinity term",
            TermKind::PreferredAntiAffinity => "preferred pod anti-affinity term",
            TermKind::TopologySpread => "topologySpreadConstraint",
        }
    }
}

/// A spreading term that matches no pod of its own workload.
#[derive(Debug, Clone)]
pub struct Mismatch {
    /// The term's `topologyKey`.
    pub loc: Loc,
    /// The part that excludes the pod's own labels: the first `matchLabels` value or
    /// `matchExpressions` entry that fails, the `namespaces` list, `mismatchLabelKeys`; or the
    /// `topologyKey` when the term has no selector at all.
    pub at: Loc,
    pub why: String,
    pub kind: TermKind,
    pub topology_key: String,
    /// The selector names none of the pod's own label pairs nor the workload's own name: it
    /// selects another application's pods, which anti-affinity does on purpose ("keep away from
    /// the database"). `false` for a term without a selector, a selector that shares a label
    /// pair with the pod or names the workload, and a `namespaces` or `mismatchLabelKeys`
    /// exclusion.
    pub other_app: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Spread {
    pub one_per_node: Option<OnePerNode>,
    /// A hostname topologySpreadConstraint (`true` when `DoNotSchedule`).
    pub hostname_tsc: Option<(bool, Loc)>,
    pub soft_anti_affinity: Option<Loc>,
    /// What makes the best hostname spread soft: the `preferredDuringScheduling…` key of a
    /// preferred anti-affinity term, or `whenUnsatisfiable: ScheduleAnyway`.
    pub soft_at: Option<Loc>,
    /// The first one-per-node constraint that also holds between revisions (see
    /// [`OnePerNode::spans_revisions`]): a Deployment's surge pod cannot join an old pod's node.
    pub blocks_surge: Option<OnePerNode>,
    /// The first one-per-node anti-affinity term scoped to the pod's own revision by
    /// `matchLabelKeys: [pod-template-hash]`: it blocks a surge pod only where the API server
    /// drops `matchLabelKeys` from pod (anti-)affinity (Kubernetes before 1.31, where the
    /// `MatchLabelKeysInPodAffinity` feature is off by default).
    pub blocks_surge_before_1_31: Option<OnePerNode>,
    /// The first constraint through ports (a `hostPort`, or `hostNetwork` with declared ports).
    pub host_port: Option<OnePerNode>,
    /// Spread only across zones or regions: the first such term's `topologyKey`.
    pub zone_only: Option<Loc>,
    pub zone_key: Option<String>,
    pub mismatched: Vec<Mismatch>,
    pub daemon_set: bool,
    /// A term whose namespace selector cannot be evaluated from the input.
    pub uncertain: bool,
}

impl Spread {
    /// Any spread at all across nodes.
    pub fn any(&self) -> bool {
        self.daemon_set
            || self.one_per_node.is_some()
            || self.hostname_tsc.is_some()
            || self.soft_anti_affinity.is_some()
            || self.uncertain
    }
}

/// A path segment below a term, owning its key (label keys are data).
#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

/// The place at `base` + `rest`: the value, or the key of the nearest existing parent.
fn loc_below(obj: &Object, base: &[PathSeg<'_>], rest: &[Seg]) -> Loc {
    let mut p: Vec<PathSeg<'_>> = base.to_vec();
    p.extend(rest.iter().map(|s| match s {
        Seg::Key(k) => PathSeg::Key(k.as_str()),
        Seg::Index(i) => PathSeg::Index(*i),
    }));
    obj.loc_at(&p)
}

impl Spread {
    fn zone(&mut self, loc: Loc, key: &str) {
        if self.zone_only.is_none() {
            self.zone_only = Some(loc);
            self.zone_key = Some(key.to_owned());
        }
    }
}

enum SelfMatch {
    Yes,
    /// Why not, where, and whether the selector names another application.
    No(String, Vec<Seg>, bool),
    Unknown,
}

/// The first requirement of `sel` that the labels fail, as a path below the selector, and
/// whether the selector is about another application's pods: it shares no label pair with the
/// pod and none of its values is the workload's own name.
fn failing_requirement(
    sel: &LabelSelector,
    labels: &std::collections::BTreeMap<String, String>,
    own_name: Option<&str>,
) -> (Vec<Seg>, bool) {
    let shares_pair = sel.match_labels.iter().flatten().any(|(k, v)| labels.get(k) == Some(v))
        || sel.match_expressions.iter().flatten().any(|e| {
            e.operator == "In" && labels.get(&e.key).is_some_and(|v| e.values.iter().flatten().any(|x| x == v))
        });
    let names_self = own_name.is_some_and(|name| {
        sel.match_labels.iter().flatten().any(|(_, v)| v == name)
            || sel.match_expressions.iter().flatten().any(|e| e.values.iter().flatten().any(|x| x == name))
    });
    let mut at = Vec::new();
    if let Some(ml) = &sel.match_labels
        && let Some((k, _)) = ml.iter().find(|(k, v)| labels.get(*k) != Some(*v))
    {
        at = vec![Seg::Key("matchLabels".into()), Seg::Key(k.clone())];
    } else if let Some(exprs) = &sel.match_expressions {
        for (i, e) in exprs.iter().enumerate() {
            let one = LabelSelector { match_labels: None, match_expressions: Some(vec![e.clone()]) };
            if !selector_matches(&one, labels) {
                // The values an `In`/`NotIn` compares with, else the key that is (not) there.
                let part = if e.values.as_ref().is_some_and(|v| !v.is_empty()) { "values" } else { "key" };
                at = vec![Seg::Key("matchExpressions".into()), Seg::Index(i), Seg::Key(part.into())];
                break;
            }
        }
    }
    (at, !shares_pair && !names_self)
}

fn term_self_match(term: &PodAffinityTerm, obj: &Object, w: &Workload) -> SelfMatch {
    let Some(sel) = &term.label_selector else {
        return SelfMatch::No("it has no labelSelector, so it matches no pods".into(), Vec::new(), false);
    };
    if !selector_matches(sel, &w.pod_labels) {
        let (mut at, other) = failing_requirement(sel, &w.pod_labels, obj.name.as_deref());
        at.insert(0, Seg::Key("labelSelector".into()));
        return SelfMatch::No("its labelSelector does not match the pod template's own labels".into(), at, other);
    }
    if term.mismatch_label_keys.as_ref().is_some_and(|k| !k.is_empty()) {
        return SelfMatch::No(
            "its mismatchLabelKeys exclude the pod's own revision".into(),
            vec![Seg::Key("mismatchLabelKeys".into())],
            false,
        );
    }
    if let Some(ns_sel) = &term.namespace_selector {
        let empty = ns_sel.match_labels.as_ref().is_none_or(std::collections::BTreeMap::is_empty)
            && ns_sel.match_expressions.as_ref().is_none_or(Vec::is_empty);
        return if empty { SelfMatch::Yes } else { SelfMatch::Unknown };
    }
    if let Some(nss) = term.namespaces.as_ref().filter(|n| !n.is_empty()) {
        let own = obj.namespace.as_deref().unwrap_or("default");
        if !nss.iter().any(|n| n == own) {
            return SelfMatch::No(
                format!("its `namespaces` do not include the pod's own namespace `{own}`"),
                vec![Seg::Key("namespaces".into())],
                false,
            );
        }
    }
    SelfMatch::Yes
}

/// Label keys whose values usually change with each release.
const RELEASE_KEYS: &[&str] = &["app.kubernetes.io/version", "version", "helm.sh/chart", "chart"];

/// A release-bound label the term's selector requires, if any.
fn release_label(term: &PodAffinityTerm) -> Option<String> {
    let sel = term.label_selector.as_ref()?;
    let in_labels = sel.match_labels.iter().flatten().map(|(k, _)| k);
    let in_exprs = sel.match_expressions.iter().flatten().filter(|e| e.operator == "In").map(|e| &e.key);
    in_labels.chain(in_exprs).find(|k| RELEASE_KEYS.contains(&k.as_str())).cloned()
}

/// Does the term count only pods of the incoming pod's own revision?
fn revision_scoped(term: &PodAffinityTerm) -> bool {
    term.match_label_keys.iter().flatten().any(|k| k == "pod-template-hash")
}

pub fn analyse(obj: &Object, w: &Workload) -> Spread {
    let mut s = Spread { daemon_set: w.kind == WorkloadKind::DaemonSet, ..Spread::default() };
    let base = w.pod_path();
    let at = |rest: &[PathSeg<'_>]| {
        let mut p = base.clone();
        p.extend_from_slice(rest);
        obj.loc_at(&p)
    };
    let mut constraints: Vec<OnePerNode> = Vec::new();
    let anti = w.pod.affinity.as_ref().and_then(|a| a.pod_anti_affinity.as_ref());
    if let Some(anti) = anti {
        let required = "requiredDuringSchedulingIgnoredDuringExecution";
        for (i, term) in anti.required_during_scheduling_ignored_during_execution.iter().flatten().enumerate() {
            let term_path =
                [PathSeg::Key("affinity"), PathSeg::Key("podAntiAffinity"), PathSeg::Key(required), PathSeg::Index(i)];
            let loc = at(&[&term_path[..], &[PathSeg::Key("topologyKey")]].concat());
            match term_self_match(term, obj, w) {
                SelfMatch::Yes if term.topology_key == HOSTNAME => {
                    constraints.push(OnePerNode {
                        kind: OnePerNodeKind::AntiAffinity,
                        loc,
                        spans_revisions: !revision_scoped(term),
                        revision_label: release_label(term),
                    });
                }
                SelfMatch::Yes if ZONE_KEYS.contains(&term.topology_key.as_str()) => {
                    s.zone(loc, &term.topology_key);
                }
                SelfMatch::Yes => {}
                SelfMatch::No(why, rest, other_app) => {
                    let mut full = base.clone();
                    full.extend_from_slice(&term_path);
                    let at = if rest.is_empty() { loc } else { loc_below(obj, &full, &rest) };
                    s.mismatched.push(Mismatch {
                        loc,
                        at,
                        why,
                        kind: TermKind::RequiredAntiAffinity,
                        topology_key: term.topology_key.clone(),
                        other_app,
                    });
                }
                SelfMatch::Unknown => s.uncertain = true,
            }
        }
        let preferred = "preferredDuringSchedulingIgnoredDuringExecution";
        for (i, wt) in anti.preferred_during_scheduling_ignored_during_execution.iter().flatten().enumerate() {
            let term = &wt.pod_affinity_term;
            let term_path = [
                PathSeg::Key("affinity"),
                PathSeg::Key("podAntiAffinity"),
                PathSeg::Key(preferred),
                PathSeg::Index(i),
                PathSeg::Key("podAffinityTerm"),
            ];
            let loc = at(&[&term_path[..], &[PathSeg::Key("topologyKey")]].concat());
            match term_self_match(term, obj, w) {
                SelfMatch::Yes if term.topology_key == HOSTNAME => {
                    if s.soft_anti_affinity.is_none() {
                        s.soft_anti_affinity = Some(loc);
                        let mut key = base.clone();
                        key.extend_from_slice(&term_path[..3]);
                        s.soft_at = Some(obj.key_loc(&key));
                    }
                }
                SelfMatch::Yes if ZONE_KEYS.contains(&term.topology_key.as_str()) => {
                    s.zone(loc, &term.topology_key);
                }
                SelfMatch::Yes => {}
                SelfMatch::No(why, rest, other_app) => {
                    let mut full = base.clone();
                    full.extend_from_slice(&term_path);
                    let at = if rest.is_empty() { loc } else { loc_below(obj, &full, &rest) };
                    s.mismatched.push(Mismatch {
                        loc,
                        at,
                        why,
                        kind: TermKind::PreferredAntiAffinity,
                        topology_key: term.topology_key.clone(),
                        other_app,
                    });
                }
                SelfMatch::Unknown => s.uncertain = true,
            }
        }
    }
    for (i, c) in w.pod.topology_spread_constraints.iter().flatten().enumerate() {
        let term_path = [PathSeg::Key("topologySpreadConstraints"), PathSeg::Index(i)];
        let loc = at(&[&term_path[..], &[PathSeg::Key("topologyKey")]].concat());
        let matches = c.label_selector.as_ref().is_some_and(|sel| selector_matches(sel, &w.pod_labels));
        if !matches {
            let (why, at, other_app) = match &c.label_selector {
                None => ("it has no labelSelector, so it counts no pods".to_owned(), loc, false),
                Some(sel) => {
                    let (mut rest, other) = failing_requirement(sel, &w.pod_labels, obj.name.as_deref());
                    rest.insert(0, Seg::Key("labelSelector".into()));
                    let mut full = base.clone();
                    full.extend_from_slice(&term_path);
                    (
                        "its labelSelector does not match the pod template's own labels".to_owned(),
                        loc_below(obj, &full, &rest),
                        other,
                    )
                }
            };
            s.mismatched.push(Mismatch {
                loc,
                at,
                why,
                kind: TermKind::TopologySpread,
                topology_key: c.topology_key.clone(),
                other_app,
            });
            continue;
        }
        if c.topology_key == HOSTNAME {
            let hard = c.when_unsatisfiable.as_str() != "ScheduleAnyway";
            if s.hostname_tsc.is_none_or(|(h, _)| !h && hard) {
                s.hostname_tsc = Some((hard, loc));
                if !hard && s.soft_at.is_none() {
                    s.soft_at = Some(at(&[&term_path[..], &[PathSeg::Key("whenUnsatisfiable")]].concat()));
                }
            }
        } else if ZONE_KEYS.contains(&c.topology_key.as_str()) {
            s.zone(loc, &c.topology_key);
        }
    }
    // Ports: an explicit hostPort, or hostNetwork with declared ports (API defaulting turns them
    // into host ports on the pods).
    for (ci, c) in w.pod.containers.iter().enumerate() {
        for (pi, p) in c.ports.iter().flatten().enumerate() {
            if p.host_port.is_some_and(|h| h > 0) {
                let loc = at(&[
                    PathSeg::Key("containers"),
                    PathSeg::Index(ci),
                    PathSeg::Key("ports"),
                    PathSeg::Index(pi),
                    PathSeg::Key("hostPort"),
                ]);
                constraints.push(OnePerNode {
                    kind: OnePerNodeKind::HostPort,
                    loc,
                    spans_revisions: true,
                    revision_label: None,
                });
            }
        }
    }
    if w.pod.host_network == Some(true)
        && w.pod.containers.iter().any(|c| c.ports.as_ref().is_some_and(|p| !p.is_empty()))
    {
        constraints.push(OnePerNode {
            kind: OnePerNodeKind::HostNetwork,
            loc: at(&[PathSeg::Key("hostNetwork")]),
            spans_revisions: true,
            revision_label: None,
        });
    }
    s.blocks_surge = constraints.iter().find(|c| c.spans_revisions).cloned();
    s.blocks_surge_before_1_31 = constraints.iter().find(|c| !c.spans_revisions).cloned();
    s.host_port = constraints.iter().find(|c| c.kind != OnePerNodeKind::AntiAffinity).cloned();
    s.one_per_node = constraints.into_iter().next();
    s
}

/// The constraint that spreads a set's pods across nodes and never stops them scheduling for
/// want of nodes (`maxSkew: 1` on `kubernetes.io/hostname`, `DoNotSchedule`), selecting the
/// pods by `labels`, each revision (and each Gateway, for a shared config) apart by
/// `match_label_keys`.
pub fn hostname_spread<'a>(labels: impl IntoIterator<Item = (&'a str, &'a str)>, match_label_keys: &[&str]) -> Value {
    let mut pairs = vec![
        ("maxSkew", Value::Int(1)),
        ("topologyKey", Value::str("kubernetes.io/hostname")),
        ("whenUnsatisfiable", Value::str("DoNotSchedule")),
        (
            "labelSelector",
            Value::map([("matchLabels", Value::map(labels.into_iter().map(|(k, v)| (k, Value::str(v)))))]),
        ),
    ];
    if !match_label_keys.is_empty() {
        pairs.push(("matchLabelKeys", Value::Seq(match_label_keys.iter().map(|k| Value::str(*k)).collect())));
    }
    Value::map(pairs)
}

/// The constraint for proxy pods that a config object shared by several Gateways renders: it
/// selects every pod that carries `key` and keeps pods apart only from those with the same
/// values of `match_label_keys` (the Gateway's own name, its revision), so one constraint is
/// right for each Gateway that uses the config.
pub fn hostname_spread_by_key(key: &str, match_label_keys: &[&str]) -> Value {
    Value::map([
        ("maxSkew", Value::Int(1)),
        ("topologyKey", Value::str("kubernetes.io/hostname")),
        ("whenUnsatisfiable", Value::str("DoNotSchedule")),
        (
            "labelSelector",
            Value::map([(
                "matchExpressions",
                Value::Seq(vec![Value::map([("key", Value::str(key)), ("operator", Value::str("Exists"))])]),
            )]),
        ),
        ("matchLabelKeys", Value::Seq(match_label_keys.iter().map(|k| Value::str(*k)).collect())),
    ])
}

/// Where a set's spread goes, and what to write there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpreadPlan {
    /// The change (a constraint appended to the list), when the object to write is in the input.
    pub change: Option<Change>,
    /// `add to the pod template (spec.template.spec): `topologySpreadConstraints: [{…}]``.
    pub text: String,
}
