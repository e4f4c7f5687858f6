use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::Model;
use crate::k8s::model::path::Loss;

declare_rule! {
    /// ## What it does
    /// Flags a proxy that decodes PROXY protocol from its load balancer and also takes the
    /// client address from X-Forwarded-For by hop count: an Envoy Gateway ClientTrafficPolicy
    /// with `proxyProtocol` and `clientIPDetection.xForwardedFor.numTrustedHops`, Istio's
    /// `gatewayTopology` with `proxyProtocol` and `numTrustedProxies`, a kgateway ListenerPolicy
    /// with `proxyProtocol` and `xffNumTrustedHops`, Contour with PROXY and `num-trusted-hops`.
    ///
    /// ## Why is this bad?
    /// With PROXY protocol the load balancer hands over the client's address in the PROXY
    /// header and appends nothing to X-Forwarded-For. A hop count then makes the proxy replace
    /// that address with an entry counted from the right of the X-Forwarded-For the request
    /// carries, which the client wrote: any client sets the address that logs, allow-lists and
    /// per-client rate limits see. Hop counts are right only when that many HTTP proxies that
    /// append the header (a CDN) sit in front; a CDN of varying depth needs trusted CIDRs instead.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClientTrafficPolicy
    /// spec:
    ///   proxyProtocol: {}
    ///   clientIPDetection:
    ///     xForwardedFor:
    ///       numTrustedHops: 1
    /// ```
    ///
    /// Use instead: PROXY protocol alone (remove `clientIPDetection`), or, behind a CDN that
    /// appends X-Forwarded-For, `xForwardedFor.trustedCIDRs` with the CDN's ranges.
    ///
    /// ## References
    /// - envoyproxy/gateway `api/v1alpha1/clienttrafficpolicy_types.go` (`ClientIPDetectionSettings`)
    /// - https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_conn_man/headers#x-forwarded-for (`xff_num_trusted_hops`)
    /// - istio/api `mesh/v1alpha1/proxy.proto` (`Topology`)
    "proxy-protocol-with-forwarded-trust",
    Warning,
    "a listener decodes PROXY protocol and also takes the client from X-Forwarded-For by hop count",
    check,
    category: ClientIp,
    hops: [Controller],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    let mut seen = Vec::new();
    for view in &model.services {
        let Some(ci) = view.controller else { continue };
        if model.path(view).path.loss != Some(Loss::PositionalBehindProxy) || seen.contains(&ci) {
            continue;
        }
        seen.push(ci);
        let ctrl = &model.controllers[ci];
        let Some(h) = &ctrl.trust.header else { continue };
        let name = ctrl.proxy.map_or("the proxy", |p| p.name);
        let mut f = Finding::new(
            h.loc,
            format!(
                "{name} decodes PROXY protocol from the load balancer of {} and then takes the client address from X-Forwarded-For by hop count (`{}`): the load balancer appends nothing to that header, so the entry chosen is one the client wrote, and any client can set the address the proxy logs and checks",
                view.name, h.setting
            ),
            format!(
                "drop the hop count and let the PROXY header carry the client ({}); behind a CDN that appends X-Forwarded-For, trust its published ranges (trusted CIDRs) instead of a hop count",
                h.off_hint.unwrap_or("remove the X-Forwarded-For trust")
            ),
        )
        .on(h.obj);
        if let Some(a) = view.lb.sends_proxy.and_then(|a| view.annotation_at(a)) {
            f = f.related(a.loc, "the load balancer sends PROXY headers");
        }
        out.push(f);
    }
}
