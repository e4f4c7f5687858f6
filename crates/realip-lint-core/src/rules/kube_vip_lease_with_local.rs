use super::{declare_rule, lb_notes};
use crate::diagnostic::Finding;
use crate::k8s::model::Model;
use crate::providers::NoteKind;

declare_rule! {
    /// ## What it does
    /// Flags a Service with `kube-vip.io/leaseName` (a lease shared by several Services) and a
    /// traffic policy other than `Cluster`.
    ///
    /// ## Why is this bad?
    /// kube-vip refuses to reconcile a Service on a common lease unless its policy is `Cluster`
    /// (the annotation and the check arrived together in kube-vip v1.0.1): the address is never
    /// announced, and the Service is unreachable from outside.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     kube-vip.io/leaseName: shared-vip
    /// spec:
    ///   type: LoadBalancer
    ///   externalTrafficPolicy: Local
    /// ```
    ///
    /// Use instead: `externalTrafficPolicy: Cluster`, or no `kube-vip.io/leaseName` (the
    /// Service's own election then runs among the nodes with its pods).
    ///
    /// ## References
    /// - kube-vip/kube-vip `pkg/services/processor.go`
    "kube-vip-lease-with-local",
    Error,
    "kube-vip refuses a shared lease with `externalTrafficPolicy: Local`",
    check,
    category: Availability,
    hops: [LoadBalancer],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    out.extend(lb_notes(model, NoteKind::LeaseWithLocal).map(|(_, f)| f));
}
