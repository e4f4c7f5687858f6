use super::{declare_rule, pod_sets};
use crate::diagnostic::Finding;
use crate::fix::{Applicability, Fix};
use crate::k8s::model::{Model, Policy};
use crate::k8s::object::WorkloadKind;

declare_rule! {
    /// ## What it does
    /// Flags a workload behind an external Service with `externalTrafficPolicy: Local` that runs
    /// two or more pods (replicas, or an HPA's `minReplicas`) with nothing that spreads them
    /// across nodes: no required or preferred pod anti-affinity on `kubernetes.io/hostname`, no
    /// hostname topologySpreadConstraint, no host port, and not a DaemonSet.
    ///
    /// A spreading term whose selector misses the pod's own labels spreads nothing; the message
    /// says so. A spread over zones only is `spread-topology-not-hostname`'s case.
    ///
    /// The proxy pods a Gateway API implementation renders count too, from its config object
    /// (EnvoyProxy `envoyDeployment`, NginxProxy `deployment`, GatewayParameters `podTemplate`, the
    /// Istio `deployment` overlay); Contour's Envoy Deployment always gets a preferred hostname
    /// anti-affinity, and a DaemonSet is spread by definition.
    ///
    /// ## Why is this bad?
    /// With `Local`, a node forwards only to pods on itself and the load balancer balances per
    /// node, not per pod. Pods that stack on one node leave the other nodes without a local
    /// endpoint: the load balancer takes them out (or, without health checks, their connections
    /// time out), and the nodes that are left carry uneven load. One node failure can then take
    /// every pod at once.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// spec:
    ///   replicas: 3
    ///   template:
    ///     metadata: {labels: {app: web}}
    ///     spec: {containers: [{name: web, image: nginx}]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       topologySpreadConstraints:
    ///         - maxSkew: 1
    ///           topologyKey: kubernetes.io/hostname
    ///           whenUnsatisfiable: DoNotSchedule
    ///           labelSelector: {matchLabels: {app: web}}
    ///           matchLabelKeys: [pod-template-hash]
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#caveats-and-limitations-when-preserving-source-ips
    /// - https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
    "local-policy-without-spread",
    Warning,
    "pods behind a `Local` Service are not spread across nodes",
    check,
    category: Availability,
    hops: [Backends],
    fix: [Unsafe],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    for view in &model.services {
        if !view.external || view.policy != Policy::Local {
            continue;
        }
        for set in pod_sets(model, view) {
            if set.kind == WorkloadKind::DaemonSet || set.kind == WorkloadKind::Pod || !seen.insert(set.key) {
                continue;
            }
            if set.count.count < 2 {
                continue;
            }
            let s = &set.spread;
            if s.any() || s.zone_only.is_some() {
                continue;
            }
            let mut message = format!(
                "{} runs {} behind {} with `externalTrafficPolicy: Local`, but nothing spreads them across nodes",
                set.name, set.count.what, view.name
            );
            if let Some(m) = s.mismatched.first() {
                message.push_str(&format!(" (a spreading term exists, but {})", m.why));
            }
            let fix = super::advice::spread_plan(model, &set).and_then(|plan| plan.change).map(|c| {
                Fix::new(format!("spread {} across nodes", set.name), Applicability::Unsafe).change(c)
            });
            let mut f = Finding::new(set.count.loc, message, set.spread_hint.clone())
                .on(set.count.object)
                .fix(fix)
                .related(view.policy_at.loc, "only nodes with a local pod receive traffic");
            f.also_object = set.count.also_object;
            if let Some(m) = s.mismatched.first() {
                f = f.related(m.loc, "this term spreads nothing");
            }
            // The load balancer weights nodes by their pods: stacked pods cost no balance, only
            // the node they share.
            if let Some(at) = view.lb.weights_by_pods.and_then(|k| view.annotation_at(k)) {
                f.message.push_str(
                    "; the load balancer weights nodes by their pods, so traffic stays balanced, but pods stacked on one node still go down with it",
                );
                f = f.related(at.loc, "weights nodes by their pods").severity(crate::diagnostic::Severity::Info);
            }
            // One node answers for the address: spreading the pods does not spread the traffic.
            if let Some(one) = &view.lb.one_node {
                f.message.push_str(&format!(
                    "; {}, so one node takes all the traffic wherever the pods are: spreading them does not spread the traffic, it only keeps a replica on another node for failover",
                    one.why
                ));
                f = f
                    .related(model.objects[one.at].name_loc(), "announces the address from one node")
                    .severity(crate::diagnostic::Severity::Info);
            }
            out.push(f);
        }
    }
}
