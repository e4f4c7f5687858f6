//! The rules: one file each, named after the rule. A rule reads the model and returns findings;
//! the context (`crate::lint`) stamps name, severity and docs URL, and applies configuration and
//! suppression.

pub mod advice;

use crate::diagnostic::{Finding, Loc, Severity};
use crate::k8s::model::path::HopKind;
use crate::k8s::model::{Model, Policy, ServiceView};
use crate::k8s::object::WorkloadKind;
use crate::k8s::spread::{self, Spread};
use crate::providers::NoteKind;
use crate::yaml::PathSeg;

/// The rules, in the catalog's order: each name is a module `rules/<name>.rs` declaring its
/// `RULE`, and the list is [`RULES`]. Adding a rule is its file and one line here.
macro_rules! rules {
    ($($(#[$attr:meta])* $name:ident,)*) => {
        $($(#[$attr])* pub(crate) mod $name;)*
        /// Every rule, in the catalog's order.
        pub static RULES: &[&RuleDef] = &[$(&$name::RULE),*];
    };
}

rules! {
    // Tier 1
    ingress_controller_cluster_policy,
    local_policy_without_spread,
    hard_anti_affinity_replicas_exceed_nodes,
    external_service_cluster_policy,
    external_traffic_policy_invalid_value,
    external_traffic_policy_on_internal_service,
    removed_api_version,
    duplicate_object,
    invalid_suppression,
    invalid_manifest,
    // Tier 2: scheduling, rollout and Service settings
    rollout_deadlock_one_per_node,
    host_port_rollout_conflict,
    rolling_update_invalid,
    local_policy_single_endpoint,
    nodeport_local_without_health_checks,
    spread_selector_mismatch,
    soft_spread_only,
    spread_topology_not_hostname,
    pdb_blocks_drain,
    health_check_node_port_misuse,
    session_affinity_after_snat,
    // Tier 2: what the ingress controller trusts
    proxy_protocol_mismatch,
    forwarded_headers_trust_all,
    forwarded_headers_behind_l4,
    forwarded_headers_not_trusted,
    forwarded_trust_cidr_invalid,
    proxy_protocol_with_forwarded_trust,
    proxy_protocol_trust_all,
    proxy_protocol_configured_twice,
    istio_proxy_protocol_envoyfilter,
    allowlist_after_snat,
    allowlist_wrong_hop,
    allowlist_forgeable,
    rate_limit_wrong_hop,
    rate_limit_forgeable,
    ingress_nginx_retired,
    // Tier 3: load balancers
    aws_nlb_ip_target_client_ip_lost,
    aws_nlb_preserve_client_ip_disabled,
    aws_proxy_protocol_annotation_ignored,
    aws_lbc_annotation_ignored,
    aws_local_tcp_health_check,
    aws_proxy_protocol_instance_local,
    proxy_lb_client_ip_lost,
    provider_annotation_needs_local,
    proxy_protocol_hairpin,
    azure_health_probe_default_path,
    kube_vip_lease_with_local,
    kubesphere_gateway_cluster_policy,
    metallb_local_single_node,
    lb_announcer_not_on_pod_nodes,
    // Gateway API
    gateway_parameters_invalid,
    gateway_annotation_not_propagated,
    gateway_policy_conflicted,
}

/// The rule of this name.
pub fn rule(name: &str) -> Option<&'static RuleDef> {
    RULES.iter().copied().find(|r| r.name == name)
}

/// A rule: its metadata, its manual (the doc comment) and its check.
pub struct RuleDef {
    pub name: &'static str,
    pub severity: Severity,
    /// One line for `rules`.
    pub summary: &'static str,
    /// The user manual: the rule file's doc comment.
    pub doc: &'static str,
    pub check: fn(&Model, &mut Vec<Finding>),
    pub category: Category,
    /// The hops of the client-IP path ([`crate::k8s::model::path`]) the rule speaks for: `trace` lists
    /// its findings there. Empty for a rule about something other than the client address.
    pub hops: &'static [HopKind],
    /// The kinds of fix its findings carry (a meta-test holds the fixtures to it); empty when
    /// no fix is mechanical.
    pub fixes: &'static [crate::fix::Applicability],
}

impl RuleDef {
    /// The manual with the doc comment's leading spaces removed.
    pub fn manual(&self) -> String {
        let mut out = String::new();
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// What `explain <rule>` prints, in every face: a heading, the manual, its fixes, the docs
    /// link.
    pub fn explain(&self) -> String {
        format!(
            "# {} ({})\n\n{}\n\n{}\n\n{}\n",
            self.name,
            self.severity.as_str(),
            self.manual().trim_end(),
            self.fix_line(),
            crate::diagnostic::rule_url(self.name)
        )
    }

    /// What the manual says of the rule's fixes: `Fix: safe (applied by `--fix`).`
    pub fn fix_line(&self) -> String {
        use crate::fix::Applicability as A;
        let kinds: Vec<&str> = self
            .fixes
            .iter()
            .map(|a| match a {
                A::Safe => "safe (applied by `--fix`: it keeps the intent and cannot break what works)",
                A::Unsafe => "unsafe (applied by `--fix --unsafe-fixes`: it changes behaviour on purpose)",
                A::DisplayOnly => "display only (shown with the finding, never applied: it needs your judgement)",
            })
            .collect();
        match kinds.as_slice() {
            [] => "Fix: none that a machine can apply; the help says what to change.".to_owned(),
            [one] => format!("Fix: {one}."),
            many => format!("Fix: {}, depending on the case.", many.join("; or ")),
        }
    }
}

/// What a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Where the client address is lost, forged or broken on its path: every finding sits on a
    /// hop of some entry's client-IP path (a test over fixtures and corpus checks it).
    ClientIp,
    /// What keeping the client address costs in availability: spreading, endpoints, rollouts.
    Availability,
    /// Values the API server or a controller refuses, removed APIs, the input itself.
    Correctness,
}

/// Declare a rule from its doc comment (the manual), name, default severity, summary and check.
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $name:literal, $sev:ident, $summary:literal, $check:path, category: $cat:ident $(, hops: [$($hop:ident),*])? $(, fix: [$($fix:ident),*])? $(,)?) => {
        pub static RULE: $crate::rules::RuleDef = $crate::rules::RuleDef {
            name: $name,
            severity: $crate::diagnostic::Severity::$sev,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            check: $check,
            category: $crate::rules::Category::$cat,
            hops: &[$($($crate::k8s::model::path::HopKind::$hop),*)?],
            fixes: &[$($($crate::fix::Applicability::$fix),*)?],
        };
    };
}
pub(crate) use declare_rule;

/// The load-balancer provider's notes of one kind on every Service, each as a finding at the
/// annotation it is about (or the traffic policy): `<Service> <what the note says>`, with the
/// note's severity.
pub fn lb_notes(model: &Model, kind: NoteKind) -> impl Iterator<Item = (&ServiceView, Finding)> {
    model.services.iter().flat_map(move |view| {
        view.lb.notes.iter().filter(move |n| n.kind == kind).map(move |n| {
            let at = n.key.as_deref().and_then(|k| view.annotation_at(k)).unwrap_or(view.policy_at);
            let f = Finding::new(at.loc, format!("{} {}", view.name, n.message), n.help.clone())
                .on(at.obj)
                .severity(n.severity);
            (view, f)
        })
    })
}

/// `externalTrafficPolicy: Cluster` (as written) or `externalTrafficPolicy` unset (→ Cluster).
pub fn describe_cluster(view: &ServiceView) -> String {
    if view.policy_written {
        format!("{} with `externalTrafficPolicy: Cluster`", view.what)
    } else {
        let whose = view.policy_default_of.as_deref().map(|d| format!("{d}, ")).unwrap_or_default();
        format!("{} without `externalTrafficPolicy` ({whose}so `Cluster`)", view.what)
    }
}

/// How many pods a workload keeps at least, and where that number is written: the HPA's
/// `minReplicas` when an HPA scales it (the finding then sits on the HPA and its suppression also
/// covers the workload), else `spec.replicas` (or its nearest parent; a bare Pod's name).
pub struct PodCount {
    pub count: i32,
    pub loc: Loc,
    pub object: crate::k8s::object::ObjId,
    pub also_object: Option<crate::k8s::object::ObjId>,
    /// `3 replicas`, `at least 2 pods (its HPA's minReplicas)`, `1 pod`.
    pub what: String,
}

pub fn pod_count(model: &Model, wi: crate::k8s::object::ObjId) -> PodCount {
    let obj = &model.objects[wi];
    let w = obj.workload().expect("a workload");
    if let Some((hi, h)) = model.hpa(wi) {
        let min = h.min_replicas.unwrap_or(1);
        return PodCount {
            count: min,
            loc: model.objects[hi].loc_at(&[PathSeg::Key("spec"), PathSeg::Key("minReplicas")]),
            object: hi,
            also_object: Some(wi),
            what: format!("at least {min} pod{} (its HPA's minReplicas)", if min == 1 { "" } else { "s" }),
        };
    }
    let count = w.replica_count();
    let (loc, what) = if w.kind == crate::k8s::object::WorkloadKind::Pod {
        (obj.name_loc(), "1 pod".to_owned())
    } else {
        (
            obj.loc_at(&[PathSeg::Key("spec"), PathSeg::Key("replicas")]),
            format!("{count} replica{}", if count == 1 { "" } else { "s" }),
        )
    };
    PodCount { count, loc, object: wi, also_object: None, what }
}

/// The first external Service with `externalTrafficPolicy: Local` that the workload backs.
pub fn local_view(model: &Model, wi: crate::k8s::object::ObjId) -> Option<&ServiceView> {
    model.services_of(wi).find(|v| v.external && v.policy == Policy::Local)
}

/// The sizes a workload runs at: its HPA's `minReplicas` (default 1) to `maxReplicas`, else its
/// replica count.
pub fn size_range(model: &Model, wi: crate::k8s::object::ObjId) -> (u32, u32) {
    if let Some((_, h)) = model.hpa(wi) {
        let min = h.min_replicas.unwrap_or(1).max(0).unsigned_abs();
        return (min, h.max_replicas.max(0).unsigned_abs().max(min));
    }
    let n = model.objects[wi].workload().map_or(0, |w| w.replica_count().max(0).unsigned_abs());
    (n, n)
}

/// A set of pods behind a view: a workload of the input, or the proxy pods a Gateway
/// implementation renders from config. Rules about spreading and endpoints read these, whichever
/// they are.
pub struct PodSet {
    /// Identity, to report each set once: the workload, or `usize::MAX - i` for rendered set i.
    pub key: usize,
    /// `Deployment ns/name`, `the proxy Deployment Istio creates for Gateway ns/name`.
    pub name: String,
    pub kind: WorkloadKind,
    pub count: PodCount,
    pub spread: Spread,
    /// How to spread them (the YAML to write, and where), in prose.
    pub spread_hint: String,
    /// The same as a change, for rendered pods whose implementation's config takes one (a
    /// workload of the input gets its plan from [`advice::spread_plan`]).
    pub spread_plan: Option<advice::SpreadPlan>,
    /// The config field that sets the count, for pods a Gateway implementation renders.
    pub count_field: Option<&'static str>,
}

/// The pod sets behind a view: its backing workloads, then its rendered proxy pods.
pub fn pod_sets(model: &Model, view: &ServiceView) -> Vec<PodSet> {
    let mut out: Vec<PodSet> = view
        .backends
        .iter()
        .filter_map(|&wi| {
            let obj = &model.objects[wi];
            let w = obj.workload()?;
            let mut set = PodSet {
                key: wi,
                name: obj.display(),
                kind: w.kind,
                count: pod_count(model, wi),
                spread: spread::analyse(obj, w),
                spread_hint: String::new(),
                spread_plan: None,
                count_field: None,
            };
            set.spread_hint = match advice::spread_plan(model, &set) {
                Some(plan) => format!("{}, or required pod anti-affinity on `kubernetes.io/hostname`", plan.text),
                None if w.pod_labels.is_empty() => "give the pod template labels, then spread the pods with a `kubernetes.io/hostname` topologySpreadConstraint (`maxSkew: 1`, `whenUnsatisfiable: DoNotSchedule`) that selects them".to_owned(),
                None => "spread the pods with a `kubernetes.io/hostname` topologySpreadConstraint (`maxSkew: 1`, `whenUnsatisfiable: DoNotSchedule`)".to_owned(),
            };
            Some(set)
        })
        .collect();
    if let Some(ri) = view.rendered {
        let r = model.rendered(ri);
        let n = r.pods.count.value;
        let what = if r.pods.autoscaled {
            format!("at least {n} pod{} (`{}`)", if n == 1 { "" } else { "s" }, r.pods.count_field)
        } else {
            let whose = r.pods.count.whose().map(|d| format!(", {d}")).unwrap_or_default();
            format!("{n} replica{} (`{}`{whose})", if n == 1 { "" } else { "s" }, r.pods.count_field)
        };
        out.push(PodSet {
            key: usize::MAX - ri,
            name: r.name.clone(),
            kind: r.pods.kind,
            count: PodCount {
                count: n,
                loc: r.pods.count.place().loc,
                object: r.pods.count.place().obj,
                also_object: None,
                what,
            },
            spread: r.pods.spread.clone(),
            spread_hint: r.pods.spread_hint.clone(),
            spread_plan: r.pods.spread_plan.clone(),
            count_field: Some(r.pods.count_field),
        });
    }
    out
}
