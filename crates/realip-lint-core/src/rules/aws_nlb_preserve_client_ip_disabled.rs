use super::{declare_rule, lb_notes};
use crate::diagnostic::Finding;
use crate::k8s::model::Model;
use crate::providers::NoteKind;

declare_rule! {
    /// ## What it does
    /// Flags an AWS Network Load Balancer with instance targets whose target-group attributes
    /// turn client IP preservation off (`preserve_client_ip.enabled=false`, globally or for a
    /// port with `aws-load-balancer-target-group-attributes.<port>`) on a TCP port without PROXY
    /// protocol.
    ///
    /// ## Why is this bad?
    /// Instance targets preserve the client's address by default; turned off, the NLB rewrites
    /// the source to its own private address before the node, so `externalTrafficPolicy: Local`
    /// cannot bring the client back and every pod sees the load balancer.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-type: external
    ///     service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: instance
    ///     service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: preserve_client_ip.enabled=false
    /// spec:
    ///   type: LoadBalancer
    ///   externalTrafficPolicy: Local
    /// ```
    ///
    /// Use instead: drop `preserve_client_ip.enabled=false`, or turn PROXY protocol v2 on at
    /// both ends.
    ///
    /// ## References
    /// - kubernetes-sigs/aws-load-balancer-controller `docs/guide/service/annotations.md` (target group attributes)
    /// - https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation
    "aws-nlb-preserve-client-ip-disabled",
    Warning,
    "an AWS NLB with instance targets has client IP preservation turned off",
    check,
    category: ClientIp,
    hops: [LoadBalancer],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    out.extend(lb_notes(model, NoteKind::PreserveDisabled).map(|(_, f)| f));
}
