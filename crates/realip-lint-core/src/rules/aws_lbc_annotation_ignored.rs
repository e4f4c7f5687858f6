use super::{declare_rule, lb_notes};
use crate::diagnostic::Finding;
use crate::k8s::model::Model;
use crate::providers::NoteKind;

declare_rule! {
    /// ## What it does
    /// Flags annotations of the AWS Load Balancer Controller on a Service that
    /// `aws-load-balancer-type: nlb` hands to the in-tree AWS provider, where they cost something:
    /// `aws-load-balancer-scheme: internal`, which the in-tree provider never reads.
    ///
    /// ## Why is this bad?
    /// The in-tree provider makes an NLB internal only with
    /// `service.beta.kubernetes.io/aws-load-balancer-internal`; with the controller's `scheme`
    /// key alone it builds an internet-facing NLB for a Service its author meant to keep inside
    /// the VPC. A warning, not an error: if the controller's webhook adopted the Service when it
    /// was created (it sets `spec.loadBalancerClass`), the controller owns it and reads the key;
    /// the Service's `spec.loadBalancerClass` in the cluster settles it.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-type: nlb
    ///     service.beta.kubernetes.io/aws-load-balancer-scheme: internal
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-type: nlb
    ///     service.beta.kubernetes.io/aws-load-balancer-internal: "true"
    /// ```
    ///
    /// ## References
    /// - kubernetes/cloud-provider-aws `pkg/providers/v1/aws.go`
    /// - kubernetes-sigs/aws-load-balancer-controller `pkg/service/service_utils.go` (`IsServiceSupported`)
    "aws-lbc-annotation-ignored",
    Warning,
    "an AWS Load Balancer Controller annotation on a Service the in-tree provider owns",
    check,
    category: Correctness,
    hops: [LoadBalancer],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    out.extend(lb_notes(model, NoteKind::AnnotationIgnored).map(|(_, f)| f));
}
