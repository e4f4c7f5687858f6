use super::{declare_rule, local_view, pod_count};
use crate::diagnostic::Finding;
use crate::fix::{Applicability, Fix};
use crate::k8s::model::Model;
use crate::k8s::object::WorkloadKind;
use crate::k8s::spread;

declare_rule! {
    /// ## What it does
    /// Flags a workload behind an external Service with `externalTrafficPolicy: Local` that runs
    /// two or more pods and is spread only across zones or regions
    /// (`topology.kubernetes.io/zone`, `topology.kubernetes.io/region`, or their deprecated
    /// `failure-domain.beta.kubernetes.io/*` forms), with nothing that spreads it across nodes.
    ///
    /// ## Why is this bad?
    /// A zone spread keeps the pods in different zones, but inside a zone several of them may
    /// share one node. With `Local`, the load balancer sends each node the same share of traffic
    /// and only nodes with a local pod answer: the stacked pods split one node's share while the
    /// zone's other nodes have no endpoint and are taken out of rotation, and one node failure
    /// can take several pods at once.
    ///
    /// ## Example
    /// ```yaml
    /// topologySpreadConstraints:
    ///   - maxSkew: 1
    ///     topologyKey: topology.kubernetes.io/zone
    ///     whenUnsatisfiable: DoNotSchedule
    ///     labelSelector: {matchLabels: {app: web}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// topologySpreadConstraints:
    ///   - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule,
    ///      labelSelector: {matchLabels: {app: web}}}
    ///   - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule,
    ///      labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [pod-template-hash]}
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/#example-multiple-topologyspreadconstraints
    /// - https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#caveats-and-limitations-when-preserving-source-ips
    "spread-topology-not-hostname",
    Warning,
    "pods behind a `Local` Service are spread across zones but not across nodes",
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
        let (Some(at), false) = (s.zone_only, s.any()) else { continue };
        let key = s.zone_key.as_deref().unwrap_or("topology.kubernetes.io/zone");
        let plan = super::advice::workload_plan(model, wi);
        let help = match &plan {
            Some(plan) => format!("spread across nodes too: {}", plan.text),
            None => "spread across nodes too: a `kubernetes.io/hostname` topologySpreadConstraint with `maxSkew: 1` and `whenUnsatisfiable: DoNotSchedule` that selects the pods".to_owned(),
        };
        let fix = plan
            .and_then(|p| p.change)
            .map(|c| Fix::new(format!("spread {} across nodes", obj.display()), Applicability::Unsafe).change(c));
        let mut f = Finding::new(
            at,
            format!(
                "{} runs {} behind {} with `externalTrafficPolicy: Local`, spread only by `{key}`: several pods may still share a node, and the nodes left without one drop out of the load balancer",
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
