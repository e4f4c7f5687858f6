use super::{declare_rule, lb_notes};
use crate::diagnostic::Finding;
use crate::k8s::model::Model;
use crate::providers::NoteKind;

declare_rule! {
    /// ## What it does
    /// Flags an AWS NLB with instance targets, `externalTrafficPolicy: Local` and PROXY protocol
    /// v2 (`aws-load-balancer-proxy-protocol: "*"`, the per-target-group list, or the
    /// `proxy_protocol_v2.enabled=true` attribute) whose health check is left at its default.
    ///
    /// ## Why is this bad?
    /// The default health check for instance targets under `Local` is HTTP to kube-proxy's
    /// health-check node port. With PROXY v2 on the target group, that check is sent with a
    /// PROXY header too, which kube-proxy does not parse: targets fail, and the AWS Load Balancer
    /// Controller's documentation says not to combine PROXY v2, instance mode and `Local`.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-type: external
    ///     service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: instance
    ///     service.beta.kubernetes.io/aws-load-balancer-proxy-protocol: "*"
    /// spec:
    ///   type: LoadBalancer
    ///   externalTrafficPolicy: Local
    /// ```
    ///
    /// Use instead: IP targets with PROXY protocol, or instance targets with `Local` and no PROXY
    /// protocol (they keep the client's address).
    ///
    /// ## References
    /// - kubernetes-sigs/aws-load-balancer-controller `docs/guide/service/nlb.md`, `annotations.md`
    "aws-proxy-protocol-instance-local",
    Warning,
    "PROXY protocol with instance targets and `Local` fails the default health check",
    check,
    category: Availability,
    hops: [LoadBalancer],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    out.extend(lb_notes(model, NoteKind::ProxyInstanceLocal).map(|(_, f)| f));
}
