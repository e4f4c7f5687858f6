use std::collections::HashSet;

use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::Model;

declare_rule! {
    /// ## What it does
    /// Warns where a Gateway policy that sets client-IP fields is not applied because another
    /// policy of the same kind claims the same scope: two Envoy Gateway ClientTrafficPolicies on
    /// one Gateway (by `targetRefs` or `targetSelectors`), or on one listener (`sectionName`).
    ///
    /// ## Why is this bad?
    /// Envoy Gateway applies one ClientTrafficPolicy per scope, the oldest and then the first by
    /// namespace and name (`internal/gatewayapi/resource/resource.go` sorts them so), and marks
    /// the others `Conflicted`: their `clientIPDetection` or `proxyProtocol` never reaches Envoy
    /// (`internal/gatewayapi/clienttrafficpolicy.go`). Policies applied together share a creation
    /// second, so the name decides: a policy that reads the client from X-Forwarded-For can
    /// silently lose to one that only sets timeouts.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClientTrafficPolicy
    /// metadata: {name: a-timeouts, namespace: apps}
    /// spec:
    ///   targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: web}]
    ///   timeout: {http: {idleTimeout: 5m}}
    /// ---
    /// kind: ClientTrafficPolicy
    /// metadata: {name: client-ip, namespace: apps}
    /// spec:
    ///   targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: web}]
    ///   clientIPDetection: {xForwardedFor: {trustedCIDRs: [10.0.0.0/8]}}
    /// ```
    ///
    /// Use instead: one ClientTrafficPolicy per Gateway (or per listener) with all its settings.
    ///
    /// ## References
    /// - https://gateway.envoyproxy.io/docs/api/extension_types/#clienttrafficpolicy
    /// - https://gateway-api.sigs.k8s.io/geps/gep-713/#conflict-resolution
    "gateway-policy-conflicted",
    Warning,
    "a Gateway policy with client-IP settings is not applied: another one claims the same Gateway or listener",
    check,
    category: Correctness,
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    let mut seen = HashSet::new();
    for link in &model.gateways {
        for ignored in &link.ignored {
            if !seen.insert(ignored.at.loc) {
                continue;
            }
            out.push(
                Finding::new(ignored.at.loc, ignored.problem.clone(), ignored.fix.clone())
                    .on(ignored.at.obj)
                    .related(ignored.applied.loc, "applied instead"),
            );
        }
    }
}
