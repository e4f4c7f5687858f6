use super::allowlist_wrong_hop::{Subject, Verdict, judgements};
use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::Model;

declare_rule! {
    /// ## What it does
    /// Warns where an allow-list or deny-list of client addresses compares an address any client
    /// can choose: an Envoy Gateway SecurityPolicy `clientCIDRs` or an Istio AuthorizationPolicy
    /// `remoteIpBlocks` behind a ClientTrafficPolicy `xForwardedFor.numTrustedHops` or
    /// `gatewayTopology.numTrustedProxies` with only an L4 load balancer in front (nothing appends
    /// X-Forwarded-For, so the entry is the client's); a Traefik `ipAllowList` with
    /// `ipStrategy.depth` or `ipStrategy.excludedIPs` on an entryPoint with
    /// `forwardedHeaders.insecure` (or `trustedIPs` admitting everyone); an ingress-nginx `whitelist-source-range` with
    /// `use-forwarded-headers: "true"` and `proxy-real-ip-cidr` unset (0.0.0.0/0) or admitting
    /// everyone.
    ///
    /// ## Why is this bad?
    /// The client writes the X-Forwarded-For entry the list compares, so anyone passes it by
    /// sending an allowed address. Read at each project's source: Envoy Gateway `clientCIDRs`
    /// match the detected client, and `numTrustedHops: 1` is the rightmost entry
    /// (`api/v1alpha1/clienttrafficpolicy_types.go`); Istio `remoteIpBlocks` are the Nth entry
    /// from the right (`mesh/v1alpha1/proxy.proto` `numTrustedProxies`); Traefik `depth` reads
    /// `xffs[len-depth]`, `excludedIPs` the first entry from the right not in them (the CRD:
    /// "scan the X-Forwarded-For header and select the first IP not in the list"), and
    /// `forwardedHeaders.insecure` keeps X-Forwarded-For from anyone
    /// (`pkg/ip/strategy.go`, `pkg/middlewares/forwardedheaders`); ingress-nginx `allow`/`deny`
    /// test `$remote_addr` after realip, and `proxy-real-ip-cidr` defaults to 0.0.0.0/0
    /// (`nginx.tmpl`, `config.go` `NewDefault`).
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClientTrafficPolicy
    /// spec:
    ///   clientIPDetection: {xForwardedFor: {numTrustedHops: 1}}
    /// ---
    /// kind: SecurityPolicy
    /// spec:
    ///   authorization:
    ///     defaultAction: Deny
    ///     rules:
    ///       - action: Allow
    ///         principal: {clientCIDRs: [203.0.113.0/24]}
    /// # the Envoy Service: a pass-through L4 load balancer
    /// ```
    ///
    /// Use instead: trust X-Forwarded-For only from proxies that append it (a CDN, an L7 load
    /// balancer) and by their addresses (`trustedCIDRs`, `forwardedHeaders.trustedIPs`,
    /// `proxy-real-ip-cidr`); behind an L4 load balancer, drop the header trust and use PROXY
    /// protocol or `externalTrafficPolicy: Local`.
    ///
    /// ## References
    /// - https://gateway.envoyproxy.io/docs/api/extension_types/#xforwardedforsettings
    /// - https://istio.io/latest/docs/ops/configuration/traffic-management/network-topologies/
    /// - https://doc.traefik.io/traefik/middlewares/http/ipallowlist/#ipstrategydepth
    /// - https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#proxy-real-ip-cidr
    "allowlist-forgeable",
    Warning,
    "an allow-list compares an X-Forwarded-For entry any client can write",
    check,
    category: ClientIp,
    hops: [Controller, Backends],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    out.extend(judgements(model, Subject::AllowList).into_iter().filter(|(v, _)| *v == Verdict::Forgeable).map(|(_, f)| f));
}
