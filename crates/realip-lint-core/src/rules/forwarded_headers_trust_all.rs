use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::Model;

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
