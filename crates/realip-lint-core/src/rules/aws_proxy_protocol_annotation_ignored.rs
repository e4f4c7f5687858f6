use super::{declare_rule, lb_notes};
use crate::diagnostic::Finding;
use crate::k8s::model::Model;
use crate::providers::NoteKind;

declare_rule! {
    /// ## What it does
    /// Flags `service.beta.kubernetes.io/aws-load-balancer-proxy-protocol` on a Service that
    /// `aws-load-balancer-type: nlb` (without `spec.loadBalancerClass`) hands to the in-tree AWS
    /// provider.
    ///
    /// ## Why is this bad?
    /// The in-tree provider reads the PROXY annotation only for classic ELBs; its NLB branch
    /// returns before it (kubernetes/cloud-provider-aws `pkg/providers/v1/aws.go`,
    /// `EnsureLoadBalancer`). Only the AWS Load Balancer Controller reads it, and only if its
    /// webhook adopted the Service when it was created. Whether a PROXY header arrives therefore
    /// depends on the cluster, not on the manifest: an info, and the trace says the carrier is
    /// unknown rather than claim a header.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-type: nlb
    ///     service.beta.kubernetes.io/aws-load-balancer-proxy-protocol: "*"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-type: external
    ///     service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: instance
    ///     service.beta.kubernetes.io/aws-load-balancer-proxy-protocol: "*"
    /// ```
    ///
    /// ## References
    /// - kubernetes/cloud-provider-aws `pkg/providers/v1/aws.go` (`EnsureLoadBalancer`), `aws_validations.go`
    /// - kubernetes-sigs/aws-load-balancer-controller `docs/guide/service/annotations.md`
    "aws-proxy-protocol-annotation-ignored",
    Info,
    "the in-tree AWS provider ignores the PROXY protocol annotation on an NLB",
    check,
    category: ClientIp,
    hops: [LoadBalancer],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    out.extend(lb_notes(model, NoteKind::ProxyAnnotationIgnored).map(|(_, f)| f));
}
