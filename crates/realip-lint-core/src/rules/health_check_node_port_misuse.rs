use super::declare_rule;
use crate::diagnostic::{Finding, Severity};
use crate::k8s::model::{Model, Policy};
use crate::yaml::PathSeg;

declare_rule! {
    /// ## What it does
    /// Flags `spec.healthCheckNodePort` where the API server rejects it: on any Service that is
    /// not `type: LoadBalancer` with `externalTrafficPolicy: Local` (a LoadBalancer without
    /// `externalTrafficPolicy` is `Cluster`), or with a value outside 1–65535. `0` means unset.
    ///
    /// A value outside the default NodePort range (30000–32767) is an info: the allocator takes
    /// it only if the cluster's `--service-node-port-range` includes it, which a linter cannot
    /// know.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` fails (`spec.healthCheckNodePort: Invalid value: 32000: may only be set
    /// when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'`). The field is
    /// often left behind when a Service is switched from `Local` to `Cluster` or from
    /// LoadBalancer to NodePort; an update may even pass, because the API server clears fields
    /// that no longer apply, while a fresh install from the same manifest fails.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   type: NodePort
    ///   externalTrafficPolicy: Local
    ///   healthCheckNodePort: 32000
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   type: LoadBalancer          # the only type with a health-check node port
    ///   externalTrafficPolicy: Local
    ///   healthCheckNodePort: 32000  # or leave it out and let Kubernetes allocate one
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip
    /// - https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec
    "health-check-node-port-misuse",
    Error,
    "`healthCheckNodePort` where the API server rejects it",
    check,
    category: Correctness,
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for view in &model.services {
        let obj = &model.objects[view.obj];
        let Some(svc) = obj.service() else { continue };
        let Some(port) = svc.spec.as_ref().and_then(|s| s.health_check_node_port).filter(|p| *p != 0) else {
            continue;
        };
        // An invalid policy is `external-traffic-policy-invalid-value`'s error already.
        if view.policy == Policy::Invalid {
            continue;
        }
        let loc = obj.loc_at(&[PathSeg::Key("spec"), PathSeg::Key("healthCheckNodePort")]);
        let needed = view.svc_type == "LoadBalancer" && view.policy == Policy::Local;
        if !needed {
            let what = match (view.svc_type.as_str(), view.policy, view.policy_written) {
                ("LoadBalancer", _, true) => "a LoadBalancer Service with `externalTrafficPolicy: Cluster`".to_owned(),
                ("LoadBalancer", _, false) => {
                    "a LoadBalancer Service without `externalTrafficPolicy` (so `Cluster`)".to_owned()
                }
                ("ExternalName", _, _) => "an ExternalName Service".to_owned(),
                (ty, _, _) => format!("a {ty} Service"),
            };
            let help = if view.svc_type == "LoadBalancer" {
                "remove `healthCheckNodePort`, or set `externalTrafficPolicy: Local` if the pods need the client address (the load balancer then probes this port)"
            } else {
                "remove `healthCheckNodePort`: only `type: LoadBalancer` with `externalTrafficPolicy: Local` gets a health-check node port"
            };
            let mut f = Finding::new(
                loc,
                format!(
                    "`healthCheckNodePort: {port}` on {what}: the API server rejects it (`spec.healthCheckNodePort: Invalid value: {port}: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'`)"
                ),
                help,
            )
            .on(view.obj);
            let ty = [PathSeg::Key("spec"), PathSeg::Key("type")];
            if view.svc_type == "LoadBalancer" {
                let why = if view.policy_written { "not `Local`" } else { "without `externalTrafficPolicy: Local`" };
                f = f.related(view.policy_at.loc, why);
            } else if obj.node(&ty).is_some() {
                f = f.related(obj.loc_at(&ty), "not `LoadBalancer`");
            }
            out.push(f);
        } else if !(1..=65535).contains(&port) {
            out.push(
                Finding::new(
                    loc,
                    format!(
                        "`healthCheckNodePort: {port}` is not a port: the API server rejects it (`spec.healthCheckNodePort: Invalid value: {port}: must be between 1 and 65535, inclusive`)"
                    ),
                    "leave `healthCheckNodePort` out and let Kubernetes allocate one, or write a port of the cluster's NodePort range (30000–32767 by default)",
                )
                .on(view.obj),
            );
        } else if !(30000..=32767).contains(&port) {
            out.push(
                Finding::new(
                    loc,
                    format!(
                        "`healthCheckNodePort: {port}` is outside the default NodePort range 30000–32767: creating the Service fails unless the cluster's `--service-node-port-range` includes it"
                    ),
                    "leave `healthCheckNodePort` out and let Kubernetes allocate one, or check the cluster's `--service-node-port-range`",
                )
                .on(view.obj)
                .severity(Severity::Info),
            );
        }
    }
}
