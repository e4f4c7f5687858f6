//! How a workload's pods spread over nodes: the one-per-node constraints, hostname topology
//! spread, soft anti-affinity, and terms that spread nothing because they miss their own pods
//! (`domain.md` §2, `rules.md` "One-per-node constraint" and "Spread").

use k8s_openapi::api::core::v1::PodAffinityTerm;

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

/// A spreading term that matches no pod of its own workload.
#[derive(Debug, Clone)]
pub struct Mismatch {
    pub loc: Loc,
    pub why: String,
}

#[derive(Debug, Clone, Default)]
pub struct Spread {
    pub one_per_node: Option<OnePerNode>,
    /// A hostname topologySpreadConstraint (`true` when `DoNotSchedule`).
    pub hostname_tsc: Option<(bool, Loc)>,
    pub soft_anti_affinity: Option<Loc>,
    /// Spread only across zones or regions.
    pub zone_only: Option<Loc>,
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

enum SelfMatch {
    Yes,
    No(String),
    Unknown,
}

fn term_self_match(term: &PodAffinityTerm, obj: &Object, w: &Workload) -> SelfMatch {
    let Some(sel) = &term.label_selector else {
        return SelfMatch::No("it has no labelSelector, so it matches no pods".into());
    };
    if !selector_matches(sel, &w.pod_labels) {
        return SelfMatch::No("its labelSelector does not match the pod template's own labels".into());
    }
    if term.mismatch_label_keys.as_ref().is_some_and(|k| !k.is_empty()) {
        return SelfMatch::No("its mismatchLabelKeys exclude the pod's own revision".into());
    }
    if let Some(ns_sel) = &term.namespace_selector {
        let empty = ns_sel.match_labels.as_ref().is_none_or(std::collections::BTreeMap::is_empty)
            && ns_sel.match_expressions.as_ref().is_none_or(Vec::is_empty);
        return if empty { SelfMatch::Yes } else { SelfMatch::Unknown };
    }
    if let Some(nss) = term.namespaces.as_ref().filter(|n| !n.is_empty()) {
        let own = obj.namespace.as_deref().unwrap_or("default");
        if !nss.iter().any(|n| n == own) {
            return SelfMatch::No(format!("its `namespaces` do not include the pod's own namespace `{own}`"));
        }
    }
    SelfMatch::Yes
}

pub fn analyse(obj: &Object, w: &Workload) -> Spread {
    let mut s = Spread { daemon_set: w.kind == WorkloadKind::DaemonSet, ..Spread::default() };
    let base = w.pod_path();
    let at = |rest: &[PathSeg<'static>]| {
        let mut p = base.clone();
        p.extend_from_slice(rest);
        obj.loc_at(&p)
    };
    let anti = w.pod.affinity.as_ref().and_then(|a| a.pod_anti_affinity.as_ref());
    if let Some(anti) = anti {
        for (i, term) in anti.required_during_scheduling_ignored_during_execution.iter().flatten().enumerate() {
            let loc = at(&[
                PathSeg::Key("affinity"),
                PathSeg::Key("podAntiAffinity"),
                PathSeg::Key("requiredDuringSchedulingIgnoredDuringExecution"),
                PathSeg::Index(i),
                PathSeg::Key("topologyKey"),
            ]);
            match term_self_match(term, obj, w) {
                SelfMatch::Yes if term.topology_key == HOSTNAME => {
                    s.one_per_node.get_or_insert(OnePerNode { kind: OnePerNodeKind::AntiAffinity, loc });
                }
                SelfMatch::Yes if ZONE_KEYS.contains(&term.topology_key.as_str()) => {
                    s.zone_only.get_or_insert(loc);
                }
                SelfMatch::Yes => {}
                SelfMatch::No(why) => s.mismatched.push(Mismatch { loc, why }),
                SelfMatch::Unknown => s.uncertain = true,
            }
        }
        for (i, wt) in anti.preferred_during_scheduling_ignored_during_execution.iter().flatten().enumerate() {
            let term = &wt.pod_affinity_term;
            let loc = at(&[
                PathSeg::Key("affinity"),
                PathSeg::Key("podAntiAffinity"),
                PathSeg::Key("preferredDuringSchedulingIgnoredDuringExecution"),
                PathSeg::Index(i),
                PathSeg::Key("podAffinityTerm"),
                PathSeg::Key("topologyKey"),
            ]);
            match term_self_match(term, obj, w) {
                SelfMatch::Yes if term.topology_key == HOSTNAME => {
                    s.soft_anti_affinity.get_or_insert(loc);
                }
                SelfMatch::Yes if ZONE_KEYS.contains(&term.topology_key.as_str()) => {
                    s.zone_only.get_or_insert(loc);
                }
                SelfMatch::Yes => {}
                SelfMatch::No(why) => s.mismatched.push(Mismatch { loc, why }),
                SelfMatch::Unknown => s.uncertain = true,
            }
        }
    }
    for (i, c) in w.pod.topology_spread_constraints.iter().flatten().enumerate() {
        let loc = at(&[PathSeg::Key("topologySpreadConstraints"), PathSeg::Index(i), PathSeg::Key("topologyKey")]);
        let matches = c.label_selector.as_ref().is_some_and(|sel| selector_matches(sel, &w.pod_labels));
        if !matches {
            let why = if c.label_selector.is_none() {
                "it has no labelSelector, so it counts no pods".to_owned()
            } else {
                "its labelSelector does not match the pod template's own labels".to_owned()
            };
            s.mismatched.push(Mismatch { loc, why });
            continue;
        }
        if c.topology_key == HOSTNAME {
            let hard = c.when_unsatisfiable.as_str() != "ScheduleAnyway";
            if s.hostname_tsc.is_none_or(|(h, _)| !h && hard) {
                s.hostname_tsc = Some((hard, loc));
            }
        } else if ZONE_KEYS.contains(&c.topology_key.as_str()) {
            s.zone_only.get_or_insert(loc);
        }
    }
    // Ports: an explicit hostPort, or hostNetwork with declared ports (API defaulting turns them
    // into host ports on the pods).
    for (ci, c) in w.pod.containers.iter().enumerate() {
        for (pi, p) in c.ports.iter().flatten().enumerate() {
            if p.host_port.is_some_and(|h| h > 0) && s.one_per_node.is_none() {
                let loc = at(&[
                    PathSeg::Key("containers"),
                    PathSeg::Index(ci),
                    PathSeg::Key("ports"),
                    PathSeg::Index(pi),
                    PathSeg::Key("hostPort"),
                ]);
                s.one_per_node = Some(OnePerNode { kind: OnePerNodeKind::HostPort, loc });
            }
        }
    }
    if w.pod.host_network == Some(true)
        && s.one_per_node.is_none()
        && w.pod.containers.iter().any(|c| c.ports.as_ref().is_some_and(|p| !p.is_empty()))
    {
        s.one_per_node =
            Some(OnePerNode { kind: OnePerNodeKind::HostNetwork, loc: at(&[PathSeg::Key("hostNetwork")]) });
    }
    s
}
