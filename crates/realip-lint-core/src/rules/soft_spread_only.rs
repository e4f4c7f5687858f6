use super::{declare_rule, local_view, pod_count};
use crate::diagnostic::Finding;
use crate::fix::{Applicability, Fix, Value, What};
use crate::k8s::model::Model;
use crate::k8s::object::WorkloadKind;
use crate::k8s::spread;

declare_rule! {
    /// ## What it does
    /// Notes a workload behind an external Service with `externalTrafficPolicy: Local` that runs
    /// two or more pods and is spread across nodes only softly: by preferred pod anti-affinity
    /// (`preferredDuringSchedulingIgnoredDuringExecution`) or by a `kubernetes.io/hostname`
    /// topologySpreadConstraint with `whenUnsatisfiable: ScheduleAnyway`, and by nothing
    /// required.
    ///
    /// ## Why is this bad?
    /// A soft spread is a score, not a rule: when nodes are full, tainted, or the pods are
    /// created faster than the scheduler's view updates (a rollout, a scale-up), several pods may
    /// land on one node. With `Local`, the load balancer balances per node, so stacked pods share
    /// one node's traffic while another node has no local pod and is taken out of rotation.
    ///
    /// ## Example
    /// ```yaml
    /// affinity:
    ///   podAntiAffinity:
    ///     preferredDuringSchedulingIgnoredDuringExecution:
    ///       - weight: 100
    ///         podAffinityTerm:
    ///           topologyKey: kubernetes.io/hostname
    ///           labelSelector: {matchLabels: {app: web}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// topologySpreadConstraints:
    ///   - maxSkew: 1
    ///     topologyKey: kubernetes.io/hostname
    ///     whenUnsatisfiable: DoNotSchedule   # spreads evenly, never blocks on the count
    ///     labelSelector: {matchLabels: {app: web}}
    ///     matchLabelKeys: [pod-template-hash]
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
    /// - https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
    "soft-spread-only",
    Info,
    "pods behind a `Local` Service are spread only by preferences",
    check,
    category: Availability,
    hops: [Backends],
    fix: [Unsafe],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (wi, obj, w) in model.workloads() {
        if matches!(w.kind, WorkloadKind::DaemonSet | WorkloadKind::Pod) {
            continue;
        }
        let Some(view) = local_view(model, wi) else { continue };
        let count = pod_count(model, wi);
        if count.count < 2 {
            continue;
        }
        let s = spread::analyse(obj, w);
        let hard_tsc = s.hostname_tsc.is_some_and(|(hard, _)| hard);
        if s.one_per_node.is_some() || hard_tsc || s.uncertain {
            continue;
        }
        let Some(at) = s.soft_at else { continue };
        let how = if s.soft_anti_affinity.is_some() {
            "preferred pod anti-affinity"
        } else {
            "a `ScheduleAnyway` topologySpreadConstraint"
        };
        // A `ScheduleAnyway` constraint becomes required where it is written; a preferred
        // anti-affinity gets a required hostname constraint beside it (required anti-affinity
        // would cap the replicas at the node count).
        let (help, fix) = if s.soft_anti_affinity.is_none() {
            let change = crate::k8s::object::Place { loc: at, obj: wi }
                .change(&model.objects, What::Set(Value::str("DoNotSchedule")));
            (
                "make the spread required: `whenUnsatisfiable: DoNotSchedule` on this `kubernetes.io/hostname` topologySpreadConstraint (with `maxSkew: 1` it never blocks on the count), or `requiredDuringSchedulingIgnoredDuringExecution` anti-affinity (caps the replicas at the node count)".to_owned(),
                change.map(|c| Fix::new("write `whenUnsatisfiable: DoNotSchedule`", Applicability::Unsafe).change(c)),
            )
        } else {
            match super::advice::workload_plan(model, wi) {
                Some(plan) => (
                    format!(
                        "make the spread required: {} (never blocks on the count), or make the anti-affinity `requiredDuringSchedulingIgnoredDuringExecution` (caps the replicas at the node count)",
                        plan.text
                    ),
                    plan.change.map(|c| Fix::new(format!("spread {} across nodes", obj.display()), Applicability::Unsafe).change(c)),
                ),
                None => ("make the spread required: a `kubernetes.io/hostname` topologySpreadConstraint with `maxSkew: 1` and `whenUnsatisfiable: DoNotSchedule` (never blocks on the count), or `requiredDuringSchedulingIgnoredDuringExecution` anti-affinity (caps the replicas at the node count)".to_owned(), None),
            }
        };
        let mut f = Finding::new(
            at,
            format!(
                "{} runs {} behind {} with `externalTrafficPolicy: Local`, spread across nodes only by {how}: the scheduler may still put several pods on one node and leave another without a local endpoint",
                obj.display(),
                count.what,
                view.name
            ),
            help,
        )
        .on(wi)
        .fix(fix)
        .related(view.policy_at.loc, "only nodes with a local pod receive traffic");
        if count.also_object.is_some() {
            f = f.related(count.loc, "the HPA keeps at least this many");
        }
        out.push(f);
    }
}
