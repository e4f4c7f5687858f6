use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::Model;
use crate::k8s::model::path::Loss;

declare_rule! {
    /// ## What it does
    /// Flags an ingress controller that takes the client address from `X-Forwarded-For`,
    /// `X-Real-IP` or another header sent by any source: ingress-nginx `use-forwarded-headers` or
    /// `enable-real-ip` with `proxy-real-ip-cidr` absent (its default is `0.0.0.0/0`) or
    /// `0.0.0.0/0`; Traefik `forwardedHeaders.insecure`; Kong `trusted_ips` 0.0.0.0/0 with a
    /// header as `real_ip_header`; F5 NGINX `set-real-ip-from: 0.0.0.0/0`; HAProxy `src-ip-header`;
    /// Envoy Gateway `clientIPDetection.xForwardedFor.trustedCIDRs` with `0.0.0.0/0` or `::/0`, or
    /// `customHeader` with nothing that keeps other clients out; NGINX Gateway Fabric
    /// `rewriteClientIP.mode: XForwardedFor` with such a `trustedAddresses` entry.
    ///
    /// It also flags a hop count that reaches past the proxies in front: behind a CDN the
    /// manifests show as the only way in (a Service whose `loadBalancerSourceRanges` are exactly
    /// its published ranges), one entry is appended, so a hop count above 1 (Envoy Gateway
    /// `numTrustedHops`, Istio `numTrustedProxies`, Contour `numTrustedHops`, kgateway
    /// `xffNumTrustedHops`, Cilium `gateway-api-xff-num-trusted-hops`: each takes the Nth entry
    /// from the right) takes an entry the client wrote. Where the number of proxies in front
    /// varies (tiered CDNs, a CDN behind another), no count is right: trust the CDN's published
    /// ranges instead.
    ///
    /// ## Why is this bad?
    /// Any client can send `X-Forwarded-For: 10.0.0.1` and become that address: allow-lists,
    /// rate limits, audit logs and geo rules all trust a value the attacker chose. Trust the
    /// header only from the load balancer's addresses.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ConfigMap        # ingress-nginx
    /// data:
    ///   use-forwarded-headers: "true"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// data:
    ///   use-forwarded-headers: "true"
    ///   proxy-real-ip-cidr: "10.0.0.0/16"   # the load balancer's addresses only
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#proxy-real-ip-cidr
    /// - https://doc.traefik.io/traefik/routing/entrypoints/#forwarded-headers
    /// - https://docs.konghq.com/gateway/latest/reference/configuration/#trusted_ips
    /// - https://gateway.envoyproxy.io/docs/api/extension_types/#xforwardedforsettings
    /// - https://istio.io/latest/docs/ops/configuration/traffic-management/network-topologies/
    "forwarded-headers-trust-all",
    Warning,
    "the controller trusts X-Forwarded-For / X-Real-IP from any source: clients can forge their IP",
    check,
    category: ClientIp,
    hops: [Controller],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (ci, ctrl) in model.controllers.iter().enumerate() {
        let Some(h) = &ctrl.trust.header else { continue };
        deeper_than_front(model, ci, h, out);
        let Some(why) = &h.from_anyone else { continue };
        let name = ctrl.proxy.map_or("the controller", |p| p.name);
        let loc = h.anyone_loc.unwrap_or(h.loc);
        let mut f = Finding::new(
            loc,
            format!("{name} takes the client address from a request header sent by anyone ({why}): any client can forge its IP"),
            format!("{}; or, behind an L4 load balancer, turn header trust off and keep the TCP source with `externalTrafficPolicy: Local`", h.restrict_hint),
        )
        .on(h.obj);
        if loc != h.loc {
            f = f.related(h.loc, format!("`{}` turns header trust on", h.setting));
        }
        if let Some(view) = model.services.iter().find(|v| v.external && v.controller == Some(ci)) {
            f = f.related(
                model.objects[view.obj].name_loc(),
                format!("clients reach the controller through this {}", view.noun),
            );
        }
        out.push(f);
    }
}

/// A hop count past the one entry a CDN in front appends (the path says where).
fn deeper_than_front(model: &Model, ci: usize, h: &crate::implementations::HeaderTrust, out: &mut Vec<Finding>) {
    let Some(depth) = h.depth else { return };
    let Some((view, cdn, at)) = model.services.iter().filter(|v| v.external && v.controller == Some(ci)).find_map(|v| {
        let (cdn, at) = v.behind_cdn?;
        (model.path(v).path.loss == Some(Loss::DeeperThanFront)).then_some((v, cdn, at))
    }) else {
        return;
    };
    let name = model.controllers[ci].proxy.map_or("the controller", |p| p.name);
    out.push(
        Finding::new(
            h.loc,
            format!(
                "{name} takes the client address from X-Forwarded-For entry {depth} from the right (`{}`), but only {cdn} reaches {} and {cdn} appends one entry: entry {depth} is one the client wrote, so any client can forge its IP",
                h.setting,
                view.name,
                cdn = cdn.name
            ),
            if h.setting.starts_with("clientIPDetection.") {
                // Envoy Gateway can trust addresses instead of a count.
                format!(
                    "count only the proxies that append in front: 1 for {cdn} alone; where that number varies (a tiered CDN, or a CDN behind another), trust {cdn}'s published ranges ({}) in `clientIPDetection.xForwardedFor.trustedCIDRs` instead of a count",
                    cdn.source,
                    cdn = cdn.name
                )
            } else {
                format!(
                    "count only the proxies that append in front: 1 for {} alone (a count is right only while that number is fixed: a tiered CDN, or a CDN behind another, changes it)",
                    cdn.name
                )
            },
        )
        .on(h.obj)
        .related(at.loc, format!("only {}'s ranges reach the load balancer", cdn.name)),
    );
}
