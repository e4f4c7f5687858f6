use super::{declare_rule, lb_notes};
use crate::diagnostic::Finding;
use crate::k8s::model::Model;
use crate::providers::NoteKind;

declare_rule! {
    /// ## What it does
    /// Flags a load-balancer provider's annotation that acts only with
    /// `externalTrafficPolicy: Local`, or that the provider refuses with the Service's policy:
    ///
    /// - **error**: OCI `oci-network-load-balancer.oraclecloud.com/is-preserve-source` (any
    ///   value) on a network load balancer with `Cluster`, or with a value that is not a boolean:
    ///   the OCI controller refuses the Service and creates no load balancer;
    /// - **warning**: GKE `networking.gke.io/weighted-load-balancing` on `Cluster` or with a value
    ///   other than `pods-per-node` (ignored); DigitalOcean cookie sticky sessions on `Cluster`;
    ///   TKE `service.kubernetes.io/local-svc-only-bind-node-with-pod` on `Cluster`;
    /// - **info**: TKE `local-svc-weighted-balance` without the bind annotation; GKE weighting
    ///   on a Service that may get a target-pool load balancer (no `l4-rbs`, no class, not
    ///   internal); OCI `is-preserve-source` on a flexible load balancer (never read).
    ///
    /// ## Why is this bad?
    /// The author asked for the client address (or for balancing by pods), and the provider does
    /// nothing with the request, or refuses the Service outright.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     networking.gke.io/weighted-load-balancing: pods-per-node
    /// spec:
    ///   type: LoadBalancer
    /// ```
    ///
    /// Use instead: add `externalTrafficPolicy: Local`.
    ///
    /// ## References
    /// - oracle/oci-cloud-controller-manager `pkg/cloudprovider/providers/oci/load_balancer_spec.go` (`getPreserveSource`)
    /// - kubernetes/ingress-gce `pkg/l4/resources/l4netlb.go`; https://cloud.google.com/kubernetes-engine/docs/how-to/external-svc-lb-rbs
    /// - digitalocean/digitalocean-cloud-controller-manager `docs/controllers/services/annotations.md`
    /// - https://www.tencentcloud.com/document/product/457/39142
    "provider-annotation-needs-local",
    Warning,
    "a provider annotation that acts only with `Local`, or that the provider refuses",
    check,
    category: ClientIp,
    hops: [LoadBalancer],
    fix: [Unsafe],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    // The fix is `Local` itself, where the note asks for it; other notes (an annotation it is
    // documented with) stay prose.
    out.extend(lb_notes(model, NoteKind::NeedsLocal).map(|(view, f)| {
        let fix = (view.policy == crate::k8s::model::Policy::Cluster)
            .then(|| super::advice::local_with_spread(model, view).fix)
            .flatten();
        f.fix(fix)
    }));
}
