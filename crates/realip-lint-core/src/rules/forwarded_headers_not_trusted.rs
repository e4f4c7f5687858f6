use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::Model;
use crate::k8s::model::path::{HopKind, Loss};

declare_rule! {
    /// ## What it does
    /// Notes an ingress controller or gateway proxy behind an L7 load balancer that adds
    /// X-Forwarded-For (the provider annotations say so) when the controller does not trust that
    /// header.
    ///
    /// ## Why is this bad?
    /// The load balancer opens its own connection and writes the client's address into
    /// X-Forwarded-For; a controller that does not read it sees the load balancer as the client
    /// and passes that address on (ingress-nginx, by default, even replaces the header). Whether
    /// the controller trusts the header may be set outside the input (a ConfigMap or flags not
    /// linted with it), so this is an info.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-backend-protocol: http
    /// spec:
    ///   type: LoadBalancer
    ///   selector: {app: ingress-nginx}
    /// ```
    ///
    /// Use instead: the controller's trusted-proxy setting, listing the load balancer's
    /// addresses (ingress-nginx: `use-forwarded-headers: "true"` with `proxy-real-ip-cidr`).
    ///
    /// ## References
    /// - https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#use-forwarded-headers
    /// - https://kubernetes.io/docs/tutorials/services/source-ip/
    "forwarded-headers-not-trusted",
    Info,
    "an L7 load balancer adds X-Forwarded-For and the controller behind it does not trust it",
    check,
    category: ClientIp,
    hops: [Controller],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for view in &model.services {
        let path = &model.path(view).path;
        if path.loss != Some(Loss::HeaderNotTrusted) {
            continue;
        }
        let (Some(ci), Some(lb)) = (view.controller, path.hop(HopKind::LoadBalancer)) else { continue };
        let ctrl = &model.controllers[ci];
        let name = ctrl.proxy.map_or("the ingress controller", |p| p.name);
        // Behind a CDN the manifests show, the CDN is the L7 hop whose address the proxy sees.
        let f = match view.behind_cdn {
            Some((cdn, at)) => Finding::new(
                ctrl.settings_at,
                format!(
                    "{name} does not trust X-Forwarded-For, but only {cdn} reaches {} and {cdn} puts the client's address there: {name} sees {cdn}'s addresses",
                    view.name,
                    cdn = cdn.name
                ),
                format!(
                    "make {name} take the client address from X-Forwarded-For, trusting only {}'s published ranges ({}) or the one entry it appends",
                    cdn.name, cdn.source
                ),
            )
            .related(at.loc, format!("only {}'s ranges reach the load balancer", cdn.name)),
            None => {
                let f = Finding::new(
                    ctrl.settings_at,
                    format!(
                        "{name} does not trust X-Forwarded-For, but the load balancer of {} is L7 and puts the client's address there: {name} sees the load balancer's address",
                        view.name
                    ),
                    format!(
                        "make {name} take the client address from X-Forwarded-For, trusting only the load balancer's addresses (its trusted-proxy setting), or use a pass-through load balancer"
                    ),
                );
                match lb.places.first() {
                    Some(m) => f.related(m.loc, "adds X-Forwarded-For"),
                    None => f,
                }
            }
        }
        .on(ctrl.obj);
        out.push(f);
    }
}
