use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{declare_rule, local_view, size_range};
use crate::diagnostic::{Finding, Loc};
use crate::k8s::model::Model;
use crate::k8s::nodes::eligible;
use crate::k8s::object::{ObjData, ObjId, WorkloadKind, selector_matches};
use crate::k8s::rollout::Bound;
use crate::k8s::spread::{self, OnePerNode};
use crate::yaml::PathSeg;

declare_rule! {
    /// ## What it does
    /// Flags a PodDisruptionBudget over pods that must stay spread (a workload behind an
    /// external Service with `externalTrafficPolicy: Local`, or one with a one-per-node
    /// constraint: required hostname anti-affinity, a `hostPort`, `hostNetwork` with declared
    /// ports) when the budget
    ///
    /// - allows no eviction at all: `minAvailable` at or above the replica count, `100%`, or
    ///   `maxUnavailable: 0` / `0%` (with the disruption controller's arithmetic: percentages of
    ///   the replicas round up; with an HPA, at every size it allows), or
    /// - allows exactly one eviction while the evicted pod cannot be placed again: a one-per-node
    ///   constraint with as many replicas as eligible nodes (Node objects or `--nodes`). The
    ///   replacement stays `Pending` while the drained node is cordoned, and the budget then
    ///   refuses every further eviction until that node returns.
    ///
    /// The selector is read as the budget's written API version reads it: in `policy/v1` an
    /// empty selector (`{}`) selects every pod of the namespace, in `policy/v1beta1` none.
    /// A budget that also selects DaemonSet pods is left alone: how many of them run is not in
    /// the manifests, and `kubectl drain --ignore-daemonsets` does not evict them anyway.
    ///
    /// ## Why is this bad?
    /// `kubectl drain`, cluster upgrades and the cluster autoscaler evict pods through the
    /// budget. When the budget allows no eviction, they retry until someone intervenes: node
    /// upgrades hang, autoscaler scale-downs never happen. Rolling updates ignore budgets, so the
    /// problem shows only at maintenance time.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// spec:
    ///   minAvailable: 2          # the Deployment runs 2 replicas
    ///   selector: {matchLabels: {app: ingress}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   maxUnavailable: 1
    ///   selector: {matchLabels: {app: ingress}}
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-budgets
    /// - https://kubernetes.io/docs/tasks/run-application/configure-pdb/#rounding-logic-when-specifying-percentages
    /// - https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/
    "pdb-blocks-drain",
    Warning,
    "a PodDisruptionBudget that lets no node drain",
    check,
    category: Availability,
}

/// One selected workload.
struct Selected {
    wi: ObjId,
    low: u32,
    high: u32,
    one: Option<OnePerNode>,
    local: Option<usize>,
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (pi, pobj) in model.live() {
        let ObjData::Pdb(pdb) = &pobj.data else { continue };
        let Some(spec) = &pdb.spec else { continue };
        let (field, value) = match (&spec.min_available, &spec.max_unavailable) {
            (Some(v), None) => ("minAvailable", v),
            (None, Some(v)) => ("maxUnavailable", v),
            // Neither: no budget. Both: the API server rejects the object.
            _ => continue,
        };
        let bound = Bound::of(value);
        if bound.invalid().is_some() {
            continue;
        }
        let Some(sel) = &spec.selector else { continue };
        let empty = sel.match_labels.as_ref().is_none_or(std::collections::BTreeMap::is_empty)
            && sel.match_expressions.as_ref().is_none_or(Vec::is_empty);
        if empty && pobj.api_version == "policy/v1beta1" {
            continue;
        }
        let mut selected = Vec::new();
        let mut daemon_set = false;
        for (wi, o, w) in model.workloads() {
            if o.namespace != pobj.namespace || model.owned_by_input(o, w) || !selector_matches(sel, &w.pod_labels) {
                continue;
            }
            if w.kind == WorkloadKind::DaemonSet {
                // Its pods count as healthy for an integer `minAvailable`, but how many run is
                // not known here: leave the budget alone.
                daemon_set = true;
                break;
            }
            let (low, high) = size_range(model, wi);
            let one = spread::analyse(o, w).one_per_node;
            let local = local_view(model, wi).map(|v| v.obj);
            selected.push(Selected { wi, low, high, one, local });
        }
        if daemon_set {
            continue;
        }
        let Some(such) = selected.iter().find(|s| s.one.is_some() || s.local.is_some()) else { continue };
        let low: u32 = selected.iter().map(|s| s.low).sum();
        let high: u32 = selected.iter().map(|s| s.high).sum();
        if high == 0 {
            continue;
        }
        let desired = |n: u32| -> Option<u32> {
            Some(match field {
                "maxUnavailable" => n.saturating_sub(bound.scaled(n, true)?),
                _ => match &bound {
                    b @ Bound::Percent(_) => b.scaled(n, true)?,
                    b => b.scaled(n, false)?,
                },
            })
        };
        let allowed = |n: u32, healthy: u32| desired(n).map(|d| i64::from(healthy) - i64::from(d));
        let loc = pobj.loc_at(&[PathSeg::Key("spec"), PathSeg::Key(field)]);
        let workload = &model.objects[such.wi];
        let pods = if selected.len() == 1 {
            format!("{}'s pods", workload.display())
        } else {
            format!("the pods of {} workloads ({} among them)", selected.len(), workload.display())
        };
        let sizes = if low == high { replicas(low) } else { format!("{low}–{high} replicas") };
        let shown = match value {
            IntOrString::Int(i) => i.to_string(),
            IntOrString::String(s) => s.clone(),
        };
        // (a) No eviction at any size.
        let blocks_all = (low.max(1)..=high).take(100_000).all(|n| allowed(n, n).is_some_and(|a| a <= 0));
        if blocks_all {
            let why = match field {
                "maxUnavailable" => "no pod may be unavailable".to_owned(),
                _ if low == high => format!("{} of {low} must stay available", desired(low).unwrap_or(low)),
                _ => "at least as many as run must stay available at every size the HPA allows".to_owned(),
            };
            out.push(finding(
                model,
                pi,
                loc,
                such,
                format!(
                    "{} allows no voluntary eviction of {pods} ({field}: {shown} with {sizes}: {why}), so `kubectl drain`, node upgrades and the cluster autoscaler hang on every node that runs one",
                    pobj.display()
                ),
                "allow one eviction at a time: `maxUnavailable: 1` instead (the replacement pod starts elsewhere while the node drains)",
            ));
            continue;
        }
        // (b) One eviction that cannot be placed again under a one-per-node constraint.
        let Some(one) = &such.one else { continue };
        let w = model.objects[such.wi].workload().expect("a workload");
        // Only a budget over this one workload: other selected pods change what is healthy.
        if low != high || selected.len() != 1 {
            continue;
        }
        let Some(e) = eligible(model, w, false) else {
            model.note_node_count_unknown();
            continue;
        };
        if e.count == 0 || such.low < e.count {
            continue;
        }
        // Pods beyond E never run, so they are not healthy.
        let healthy = low - (such.low - e.count);
        if allowed(low, healthy) != Some(1) {
            continue;
        }
        out.push(
            finding(
                model,
                pi,
                loc,
                such,
                format!(
                    "{} allows one eviction of {pods}, but under {} {} fill{} all {}: the evicted pod stays Pending while its node is drained, and the budget then refuses every further eviction until that node returns",
                    pobj.display(),
                    one.describe(),
                    replicas(such.low),
                    if such.low == 1 { "s" } else { "" },
                    e.describe()
                ),
                "leave room for a replacement: run fewer replicas than eligible nodes, or allow more evictions (`maxUnavailable: 2`), or spread with a `kubernetes.io/hostname` topologySpreadConstraint (`maxSkew: 1`), which lets the replacement share a node",
            )
            .related(one.loc, "allows one pod per node"),
        );
    }
}

fn finding(model: &Model, pi: ObjId, loc: Loc, such: &Selected, message: String, help: &str) -> Finding {
    let obj = &model.objects[such.wi];
    let mut f = Finding::new(loc, message, help).on(pi).related(obj.name_loc(), "the pods it covers");
    if let Some(si) = such.local
        && let Some(view) = model.services.iter().find(|v| v.obj == si)
    {
        f = f.related(view.policy_at.loc, "these pods serve a `Local` Service");
    }
    f
}

fn replicas(n: u32) -> String {
    format!("{n} replica{}", if n == 1 { "" } else { "s" })
}
