use super::allowlist_wrong_hop::{Subject, Verdict, judgements};
use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::Model;

declare_rule! {
    /// ## What it does
    /// Warns where a per-client rate limit keys on an address any client can choose:
    /// the limits `rate-limit-wrong-hop` reads, where the proxy takes the client from
    /// X-Forwarded-For kept from anyone (ingress-nginx `use-forwarded-headers: "true"` with
    /// `proxy-real-ip-cidr` unset, a hop count with only an L4 load balancer in front, Traefik
    /// `ipStrategy.depth` or `excludedIPs` on an entryPoint with `forwardedHeaders.insecure`).
    ///
    /// ## Why is this bad?
    /// The client writes the entry the limit is counted by, so it gets a fresh limit for every
    /// address it writes: the rate limit stops nothing. The facts are those of
    /// `allowlist-forgeable` (which address each proxy takes from the header) and
    /// `rate-limit-wrong-hop` (what each limit counts by).
    ///
    /// ## Example
    /// ```yaml
    /// kind: ConfigMap   # ingress-nginx's
    /// data:
    ///   use-forwarded-headers: "true"   # proxy-real-ip-cidr unset: 0.0.0.0/0
    /// ---
    /// kind: Ingress
    /// metadata:
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/limit-rps: "10"
    /// ```
    ///
    /// Use instead: trust X-Forwarded-For only from proxies that append it, by their addresses
    /// (`proxy-real-ip-cidr`, `trustedCIDRs`, `forwardedHeaders.trustedIPs`); behind an L4 load
    /// balancer, drop the header trust and use PROXY protocol or `externalTrafficPolicy: Local`.
    ///
    /// ## References
    /// - https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#proxy-real-ip-cidr
    /// - https://doc.traefik.io/traefik/middlewares/http/ratelimit/#sourcecriterionipstrategydepth
    /// - https://gateway.envoyproxy.io/docs/api/extension_types/#xforwardedforsettings
    "rate-limit-forgeable",
    Warning,
    "a per-client rate limit keys on an address any client can write, so it limits no one",
    check,
    category: ClientIp,
    hops: [Controller, Backends],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    out.extend(
        judgements(model, Subject::RateLimit).into_iter().filter(|(v, _)| *v == Verdict::Forgeable).map(|(_, f)| f),
    );
}
