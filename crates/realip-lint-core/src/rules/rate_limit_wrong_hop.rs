use super::allowlist_wrong_hop::{Subject, Verdict, judgements};
use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::Model;

declare_rule! {
    /// ## What it does
    /// Checks each per-client rate limit on the hop where it runs, and warns where the address
    /// it keys the limit on is not the client's: the load balancer's (it proxies the
    /// connection), a node's (kube-proxy SNAT under a `Cluster` policy) or a CDN's (the TCP peer
    /// is the CDN). It reads ingress-nginx `limit-rps`, `limit-rpm` and `limit-connections`, F5
    /// NGINX `nginx.org/limit-req-rate` keyed on the remote address, Traefik `rateLimit`
    /// Middlewares without `sourceCriterion` (the remote address), Envoy Gateway
    /// BackendTrafficPolicy `rateLimit` rules with a `sourceCIDR` of `type: Distinct`, NGINX
    /// Gateway Fabric RateLimitPolicy keys on `$binary_remote_addr`, kgateway TrafficPolicy
    /// global limits with a `RemoteAddress` descriptor entry, Contour HTTPProxy global
    /// `rateLimitPolicy` descriptors with a `remoteAddress` entry, and Kong `rate-limiting` plugins
    /// with `limit_by: ip`, each on the Gateway or controller it applies to (route-level
    /// policies included).
    ///
    /// Info instead of a warning where what sits in front is not in the manifests, or where the
    /// proxy's header trust is set somewhere the model does not read (the finding says "may").
    ///
    /// ## Why is this bad?
    /// Every client arrives with the same address, so all of them share one client's limit: the
    /// first busy minute answers 429 to everyone. Read at each project's source: ingress-nginx
    /// keys `limit_req_zone` on `$binary_remote_addr` after realip (`nginx.tmpl`); Traefik's
    /// default source is the request's remote address (`pkg/middlewares/extractor.go`
    /// `GetSourceExtractor`); Envoy Gateway's `Distinct` source CIDR "treats each IP address as a
    /// distinct client" on the detected client (`api/v1alpha1/ratelimit_types.go`); NGINX Gateway
    /// Fabric's `key` is an nginx `limit_req_zone` key (`apis/v1alpha1/ratelimitpolicy_types.go`);
    /// kgateway's `RemoteAddress` entry is Envoy's `remote_address` action; Kong's identifier
    /// falls back to `kong.client.get_forwarded_ip()` (`kong/plugins/rate-limiting/handler.lua`).
    ///
    /// ## Example
    /// ```yaml
    /// kind: Ingress
    /// metadata:
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/limit-rps: "10"
    /// # the controller's Service: type LoadBalancer, externalTrafficPolicy unset (Cluster)
    /// ```
    ///
    /// Use instead: carry the client to the hop that counts: `externalTrafficPolicy: Local` or
    /// PROXY protocol behind an L4 load balancer; behind an HTTP proxy or CDN, trust the
    /// X-Forwarded-For entry it appends, by its addresses (`proxy-real-ip-cidr`, `trustedCIDRs`,
    /// `forwardedHeaders.trustedIPs` with `ipStrategy.depth`, `KONG_TRUSTED_IPS`).
    ///
    /// ## References
    /// - https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#rate-limiting
    /// - https://doc.traefik.io/traefik/middlewares/http/ratelimit/#sourcecriterion
    /// - https://gateway.envoyproxy.io/docs/tasks/traffic/global-rate-limit/
    /// - https://docs.nginx.com/nginx-gateway-fabric/traffic-management/rate-limiting/
    /// - https://developer.konghq.com/plugins/rate-limiting/
    "rate-limit-wrong-hop",
    Warning,
    "a per-client rate limit keys on the load balancer's, a node's or a CDN's address, so every client shares one limit",
    check,
    category: ClientIp,
    hops: [Controller, Backends],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    out.extend(
        judgements(model, Subject::RateLimit).into_iter().filter(|(v, _)| *v == Verdict::WrongHop).map(|(_, f)| f),
    );
}
