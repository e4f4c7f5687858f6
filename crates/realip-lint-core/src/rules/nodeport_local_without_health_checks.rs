use super::{declare_rule, policy_loc};
use crate::diagnostic::Finding;
use crate::k8s::model::{Model, Policy};
use crate::k8s::object::WorkloadKind;

declare_rule! {
    /// ## What it does
    /// Flags a `type: NodePort` Service with `externalTrafficPolicy: Local` whose pods do not run
    /// on every node: a backing workload that is not a DaemonSet.
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
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for view in &model.services {
        if view.svc_type != "NodePort" || view.policy != Policy::Local {
            continue;
        }
        let Some(&wi) = view
            .backends
            .iter()
            .find(|b| model.objects[**b].workload().is_some_and(|w| w.kind != WorkloadKind::DaemonSet))
        else {
            continue;
        };
        let svc = &model.objects[view.obj];
        let obj = &model.objects[wi];
        out.push(
            Finding::new(
                policy_loc(model, view),
                format!(
                    "{} is a NodePort Service with `externalTrafficPolicy: Local` in front of {}, which does not run on every node: NodePort Services get no health-check port, so connections to a node without a local pod are dropped and time out",
                    svc.display(),
                    obj.display()
                ),
                "run the pods as a DaemonSet (`kind: DaemonSet`, one on every node clients reach), or make the Service `type: LoadBalancer` so its load balancer health-checks the nodes, or have whatever sends traffic to the node port health-check it on each node",
            )
            .on(view.obj)
            .related(obj.name_loc(), "its pods run on some nodes only"),
        );
    }
}
