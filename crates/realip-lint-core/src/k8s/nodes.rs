//! Eligible nodes (E): Node objects in the input win, filtered per workload; then `--nodes`.

use k8s_openapi::api::core::v1::{NodeSelectorRequirement, NodeSelectorTerm, Toleration};

use super::model::Model;
use super::object::{Workload, WorkloadKind};

pub const EXCLUDE_LB: &str = "node.kubernetes.io/exclude-from-external-load-balancers";

/// The taint a cordoned node (`spec.unschedulable: true`) stands for.
const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";

/// Where E came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeSource {
    /// Counted from Node objects: (eligible, total given).
    Objects(u32, u32),
    Flag,
}

#[derive(Debug, Clone, Copy)]
pub struct Eligible {
    pub count: u32,
    pub source: NodeSource,
}

impl Eligible {
    pub fn describe(&self) -> String {
        match self.source {
            NodeSource::Objects(e, total) if e == total => format!("{e} node{}", plural(e)),
            NodeSource::Objects(e, total) => format!("{e} eligible node{} (of {total} Node objects)", plural(e)),
            NodeSource::Flag => format!("{} node{} (--nodes)", self.count, plural(self.count)),
        }
    }
}

pub fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// E for this workload; `lb_path` also drops nodes excluded from load balancers.
pub fn eligible(model: &Model, w: &Workload, lb_path: bool) -> Option<Eligible> {
    let nodes: Vec<_> = model.node_objects().collect();
    if nodes.is_empty() {
        return model.nodes_flag.map(|count| Eligible { count, source: NodeSource::Flag });
    }
    let total = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
    let count = nodes
        .iter()
        .filter(|(_, o, n)| fits(w, &o.labels, n) && !(lb_path && o.labels.contains_key(EXCLUDE_LB)))
        .count();
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    Some(Eligible { count, source: NodeSource::Objects(count, total) })
}

/// Why a workload's pods and a DaemonSet's (a load balancer's announcer) can never share a node,
/// when that is certain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Apart {
    /// Counted on the Node objects of the input: the nodes the pods may run on (never empty),
    /// and how many of them the DaemonSet could run on but that are excluded from load balancers
    /// (it skips them).
    Nodes { pod_nodes: Vec<String>, excluded: usize },
    /// Without Node objects: both `nodeSelector`s ask for one label with different values.
    Selectors { key: String, pods: String, daemon: String },
}

/// Can the workload's pods and the DaemonSet's never share a node? `skips_excluded`: the
/// DaemonSet does nothing on Nodes labelled [`EXCLUDE_LB`]. `None` when they may, or when the
/// input cannot tell (no Node object, and no conflicting `nodeSelector`; or no node fits the pods,
/// which other rules report).
pub fn apart(model: &Model, pods: &Workload, daemon: &Workload, skips_excluded: bool) -> Option<Apart> {
    let nodes: Vec<_> = model.node_objects().collect();
    if nodes.is_empty() {
        let (a, b) = (pods.pod.node_selector.as_ref()?, daemon.pod.node_selector.as_ref()?);
        return a.iter().find_map(|(k, v)| {
            let d = b.get(k).filter(|d| *d != v)?;
            Some(Apart::Selectors { key: k.clone(), pods: v.clone(), daemon: d.clone() })
        });
    }
    let mut pod_nodes = Vec::new();
    let mut excluded = 0;
    for (_, o, n) in &nodes {
        if !fits(pods, &o.labels, n) {
            continue;
        }
        pod_nodes.push(o.name.clone().unwrap_or_default());
        if fits(daemon, &o.labels, n) {
            if !(skips_excluded && o.labels.contains_key(EXCLUDE_LB)) {
                return None;
            }
            excluded += 1;
        }
    }
    (!pod_nodes.is_empty()).then_some(Apart::Nodes { pod_nodes, excluded })
}

fn fits(
    w: &Workload,
    labels: &std::collections::BTreeMap<String, String>,
    node: &k8s_openapi::api::core::v1::Node,
) -> bool {
    let spec = node.spec.clone().unwrap_or_default();
    let tolerations = w.pod.tolerations.clone().unwrap_or_default();
    // The scheduler's NodeUnschedulable filter: a cordoned node takes a pod that tolerates
    // `node.kubernetes.io/unschedulable:NoSchedule` (the DaemonSet controller adds that
    // toleration to its pods).
    if spec.unschedulable == Some(true)
        && w.kind != WorkloadKind::DaemonSet
        && !tolerations.iter().any(|tol| tolerates(tol, UNSCHEDULABLE_TAINT, None, "NoSchedule"))
    {
        return false;
    }
    if let Some(sel) = &w.pod.node_selector
        && !sel.iter().all(|(k, v)| labels.get(k) == Some(v))
    {
        return false;
    }
    let required = w
        .pod
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|na| na.required_during_scheduling_ignored_during_execution.as_ref());
    if let Some(req) = required {
        let name = node.metadata.name.as_deref().unwrap_or_default();
        if !req.node_selector_terms.iter().any(|t| term_matches(t, labels, name)) {
            return false;
        }
    }
    spec.taints.iter().flatten().all(|t| {
        !matches!(t.effect.as_str(), "NoSchedule" | "NoExecute")
            || tolerations.iter().any(|tol| tolerates(tol, &t.key, t.value.as_deref(), &t.effect))
    })
}

fn term_matches(term: &NodeSelectorTerm, labels: &std::collections::BTreeMap<String, String>, name: &str) -> bool {
    let exprs = term.match_expressions.iter().flatten().all(|e| requirement(e, labels.get(&e.key).map(String::as_str)));
    let fields = term.match_fields.iter().flatten().all(|e| e.key != "metadata.name" || requirement(e, Some(name)));
    let empty = term.match_expressions.as_ref().is_none_or(Vec::is_empty)
        && term.match_fields.as_ref().is_none_or(Vec::is_empty);
    !empty && exprs && fields
}

fn requirement(e: &NodeSelectorRequirement, have: Option<&str>) -> bool {
    let values = e.values.as_deref().unwrap_or_default();
    match e.operator.as_str() {
        "In" => have.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => have.is_none_or(|v| !values.iter().any(|x| x == v)),
        "Exists" => have.is_some(),
        "DoesNotExist" => have.is_none(),
        "Gt" | "Lt" => {
            let (Some(h), Some(x)) =
                (have.and_then(|h| h.parse::<i64>().ok()), values.first().and_then(|x| x.parse::<i64>().ok()))
            else {
                return false;
            };
            if e.operator == "Gt" { h > x } else { h < x }
        }
        _ => false,
    }
}

fn tolerates(tol: &Toleration, key: &str, value: Option<&str>, effect: &str) -> bool {
    if tol.effect.as_deref().is_some_and(|e| !e.is_empty() && e != effect) {
        return false;
    }
    let op = tol.operator.as_deref().unwrap_or("Equal");
    match tol.key.as_deref() {
        None | Some("") => op == "Exists",
        Some(k) if k != key => false,
        Some(_) => op == "Exists" || tol.value.as_deref().unwrap_or_default() == value.unwrap_or_default(),
    }
}
