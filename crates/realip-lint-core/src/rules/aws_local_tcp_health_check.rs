use super::{declare_rule, lb_notes};
use crate::diagnostic::Finding;
use crate::k8s::model::Model;
use crate::providers::NoteKind;

declare_rule! {
    /// ## What it does
    /// Flags an AWS NLB with instance targets and `externalTrafficPolicy: Local` whose health
    /// check is switched to TCP (`aws-load-balancer-healthcheck-protocol: tcp`).
    ///
    /// ## Why is this bad?
    /// With `Local`, the health check's port defaults to the Service's health-check node port,
    /// where kube-proxy listens on every node and answers `503` over HTTP where no pod is ready.
    /// A TCP check only sees the port open, so every node passes, and the nodes without a pod
    /// drop the connections they receive. A warning when the port is left at that default; an
    /// info when the port is also overridden (the traffic port fails on empty nodes only by
    /// dropping, and a drain loses kube-proxy's terminating-endpoint signal).
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-type: nlb
    ///     service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol: tcp
    /// spec:
    ///   type: LoadBalancer
    ///   externalTrafficPolicy: Local
    /// ```
    ///
    /// Use instead: remove `aws-load-balancer-healthcheck-protocol`; with `Local` the default is
    /// HTTP on the health-check node port.
    ///
    /// ## References
    /// - kubernetes-sigs/aws-load-balancer-controller `docs/guide/service/annotations.md` ("do not use tcp for health check" with `Local`)
    /// - kubernetes/kubernetes `pkg/proxy/healthcheck/service_health.go`
    "aws-local-tcp-health-check",
    Warning,
    "a TCP health check with `Local` passes on every node",
    check,
    category: Availability,
    hops: [LoadBalancer],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    out.extend(lb_notes(model, NoteKind::TcpHealthCheckLocal).map(|(_, f)| f));
}
