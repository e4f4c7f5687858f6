use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::Model;

declare_rule! {
    /// ## What it does
    /// Flags a proxy that believes the client address in a PROXY protocol header from any peer:
    /// Traefik's `entryPoints.<name>.proxyProtocol.insecure`, or `proxyProtocol.trustedIPs`
    /// with `0.0.0.0/0`; NGINX Gateway Fabric's `rewriteClientIP` in `ProxyProtocol` mode with
    /// `trustedAddresses` of `0.0.0.0/0` or `::/0`; behind a LoadBalancer or NodePort Service.
    ///
    /// ## Why is this bad?
    /// A load balancer writes the PROXY header at the start of each connection, so clients that
    /// come through it cannot forge one. But whoever reaches the proxy's port directly (a node
    /// port on a node's address, the pod from inside the cluster) can open a connection with a
    /// PROXY header of its own, naming any address, and the proxy believes it: logs, allow-lists
    /// and per-client rate limits see that address.
    ///
    /// ## Example
    /// ```yaml
    /// args:
    ///   - --entryPoints.web.proxyProtocol.insecure=true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// args:
    ///   - --entryPoints.web.proxyProtocol.trustedIPs=10.0.0.0/16   # the load balancer's addresses
    /// ```
    ///
    /// ## References
    /// - https://doc.traefik.io/traefik/routing/entrypoints/#proxyprotocol
    /// - nginx/nginx-gateway-fabric `apis/v1alpha2/nginxproxy_types.go` (`RewriteClientIP`)
    "proxy-protocol-trust-all",
    Warning,
    "PROXY protocol addresses are believed from any peer",
    check,
    category: ClientIp,
    hops: [Controller],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (ci, ctrl) in model.controllers.iter().enumerate() {
        let Some((why, at)) = &ctrl.trust.proxy_from_anyone else { continue };
        let Some(front) = model.services.iter().find(|v| v.external && v.controller == Some(ci)) else { continue };
        let name = ctrl.proxy.map_or("the proxy", |p| p.name);
        out.push(
            Finding::new(
                at.loc,
                format!(
                    "{name} believes the client address in a PROXY header from any peer ({why}): whoever reaches its port directly, past the load balancer of {} (a node port, the pod), names any address it likes",
                    front.name
                ),
                "list only the load balancer's addresses (or its subnet) as the peers whose PROXY headers are believed",
            )
            .on(at.obj),
        );
    }
}
