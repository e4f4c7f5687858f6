use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::{Model, Policy};
use crate::k8s::nodes::{NodeSource, eligible};
use crate::k8s::object::{ObjId, WorkloadKind};
use crate::k8s::spread;

declare_rule! {
    /// ## What it does
    /// Flags a `type: NodePort` Service with `externalTrafficPolicy: Local` whose pods do not run
    /// on every node: a backing workload that is not a DaemonSet, or a DaemonSet narrowed by a
    /// `nodeSelector` or required node affinity (unless the Node objects in the input all match).
    /// A workload held to one pod per node (required hostname anti-affinity, a hostPort) with at
    /// least as many replicas as nodes, every node eligible (`--nodes` or Node objects), and no
    /// HPA runs on every node and is not flagged.
    ///
    /// A `LoadBalancer` Service with `Local` gets a `healthCheckNodePort` that the cloud load
    /// balancer probes to skip nodes without a pod; a NodePort Service gets none. Whatever sends
    /// clients to the node ports (DNS with node addresses, a hand-made load balancer, the
    /// clients themselves) has no way to learn which nodes serve.
    ///
    /// ## Why is this bad?
    /// With `Local`, a node without a local pod drops the connection: no reset, no redirect, so
    /// the client waits for a timeout. Every client sent to such a node fails, and which nodes
    /// those are changes with every rollout and reschedule.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   type: NodePort
    ///   externalTrafficPolicy: Local
    ///   selector: {app: web}     # a Deployment with 2 replicas, on 2 of 5 nodes
    /// ```
    ///
    /// Use instead: run the pods as a DaemonSet (one on every node that receives traffic),
    /// ```yaml
    /// kind: DaemonSet
    /// ```
    /// or make the Service `type: LoadBalancer`, whose load balancer health-checks each node, or
    /// health-check the node port itself from the load balancer you run.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/tutorials/services/source-ip/#source-ip-for-services-with-type-nodeport
    /// - https://kubernetes.io/docs/reference/networking/virtual-ips/#external-traffic-policy
    "nodeport-local-without-health-checks",
    Warning,
    "a NodePort Service with `Local` and pods on some nodes only: the other nodes drop connections",
    check,
    category: Availability,
    hops: [Node],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for view in &model.services {
        if view.svc_type != "NodePort" || view.policy != Policy::Local {
            continue;
        }
        let Some((wi, why)) = view.backends.iter().find_map(|b| some_nodes_only(model, *b).map(|why| (*b, why))) else {
            continue;
        };
        let svc = &model.objects[view.obj];
        let obj = &model.objects[wi];
        out.push(
            Finding::new(
                view.policy_at.loc,
                format!(
                    "{} is a NodePort Service with `externalTrafficPolicy: Local` in front of {}, which does not run on every node: NodePort Services get no health-check port, so connections to a node without a local pod are dropped and time out",
                    svc.display(),
                    obj.display()
                ),
                format!("{}, or make the Service `type: LoadBalancer` so its load balancer health-checks the nodes, or have whatever sends traffic to the node port health-check it on each node", if obj.workload().is_some_and(|w| w.kind == WorkloadKind::DaemonSet) {
                    "let the DaemonSet run on every node clients reach (drop its node selector), or send node-port traffic to the selected nodes only"
                } else {
                    "run the pods as a DaemonSet (`kind: DaemonSet`, one on every node clients reach)"
                }),
            )
            .on(view.obj)
            .related(obj.name_loc(), why),
        );
    }
}

/// Why the workload's pods run on some nodes only, or `None` when they certainly run on every
/// node: a DaemonSet not narrowed by a node selector or required node affinity (or whose Node
/// objects all fit it), or a workload held to one pod per node (required hostname anti-affinity
/// or a hostPort) with at least as many replicas as there are nodes, and every node eligible.
fn some_nodes_only(model: &Model, wi: ObjId) -> Option<&'static str> {
    let obj = &model.objects[wi];
    let w = obj.workload()?;
    let all_fit = || {
        eligible(model, w, false).is_some_and(|e| match e.source {
            NodeSource::Objects(fit, total) => fit == total,
            NodeSource::Flag => true,
        })
    };
    if w.kind == WorkloadKind::DaemonSet {
        let narrowed = w.pod.node_selector.as_ref().is_some_and(|s| !s.is_empty())
            || w.pod
                .affinity
                .as_ref()
                .and_then(|a| a.node_affinity.as_ref())
                .is_some_and(|na| na.required_during_scheduling_ignored_during_execution.is_some());
        let only_some = narrowed && !(model.node_objects().next().is_some() && all_fit());
        return only_some.then_some(
            "a DaemonSet narrowed by its node selector or node affinity: its pods run on the matching nodes only",
        );
    }
    let every_node = spread::analyse(obj, w).one_per_node.is_some()
        && model.hpa(wi).is_none()
        && all_fit()
        && eligible(model, w, false).is_some_and(|e| w.replica_count().unsigned_abs() >= e.count);
    (!every_node).then_some("its pods run on some nodes only")
}
