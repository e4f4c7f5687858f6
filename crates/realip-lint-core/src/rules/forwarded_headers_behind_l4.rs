use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::Model;

declare_rule! {
    /// ## What it does
    /// Flags an ingress controller that trusts `X-Forwarded-For` (or another client-IP header)
    /// when the only way in is a LoadBalancer Service whose load balancer is a pass-through L4 one
    /// (no annotation makes it an L7 load balancer that adds the header, and no PROXY protocol),
    /// or a NodePort Service that clients reach directly (zero hops in front).
    ///
    /// It fires when that trust can be abused: the trusted sources include everyone, the trust is
    /// a hop count (Envoy's `xff_num_trusted_hops` as Envoy Gateway, Contour, kgateway, Istio and
    /// Cilium expose it: the entry at that position is believed whoever wrote it), or the Service
    /// has `Cluster` policy, so every client arrives SNATed from a node IP, which a trusted range
    /// such as the VPC CIDR covers. With `Local` and a narrow trusted range the header is ignored
    /// (clients are not in the range), which is useless but harmless.
    ///
    /// Gateway API data planes count through their effective Service.
    ///
    /// NodePort Services are not judged: an L7 load balancer outside the manifests (a GKE
    /// Ingress, an appliance) may sit in front of them.
    ///
    /// ## Why is this bad?
    /// An L4 load balancer passes bytes through; it never writes `X-Forwarded-For`. Every such
    /// header the controller sees was written by the client, so trusting it lets clients choose
    /// their address (or, with a narrow trusted range, trusts nothing and only misleads). The TCP
    /// source already is the client with `externalTrafficPolicy: Local`.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec: {type: LoadBalancer}          # Cluster: clients arrive from node IPs
    /// ---
    /// kind: ConfigMap        # ingress-nginx
    /// data:
    ///   use-forwarded-headers: "true"
    ///   proxy-real-ip-cidr: "10.0.0.0/8"  # covers the node IPs
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// data:
    ///   use-forwarded-headers: "false"   # the TCP source is the client behind an L4 load balancer
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#use-forwarded-headers
    /// - https://kubernetes.io/docs/tutorials/services/source-ip/
    "forwarded-headers-behind-l4",
    Warning,
    "the controller trusts X-Forwarded-For behind a pass-through (L4) load balancer",
    check,
    category: ClientIp,
    hops: [Controller],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (ci, ctrl) in model.controllers.iter().enumerate() {
        let Some(h) = &ctrl.trust.header else { continue };
        let fronts: Vec<_> = model.services.iter().filter(|v| v.external && v.controller == Some(ci)).collect();
        // A front Service defined twice may be another environment's: no verdict then.
        let all_l4 = !fronts.is_empty()
            && fronts.iter().all(|v| !model.duplicated(v.obj))
            && fronts
                .iter()
                .all(|v| {
                    matches!(v.svc_type.as_str(), "LoadBalancer" | "NodePort")
                        && v.lb.adds_xff.is_none()
                        && v.lb.sends_proxy.is_none()
                        && v.lb.carrier_unknown.is_none()
                        && v.lb.unknown_switch.is_none()
                        && v.behind_cdn.is_none()
                        // An install whose documented client-IP path is a header the load
                        // balancer adds from settings outside the manifest (KubeSphere's
                        // gateway: QingCloud's "get client IP" listener option).
                        && v.policy_fixed.is_none()
                });
        let snat = fronts.iter().any(|v| v.policy == crate::k8s::model::Policy::Cluster);
        if !all_l4 || !(snat || h.from_anyone.is_some() || h.positional) {
            continue;
        }
        let name = ctrl.proxy.map_or("the controller", |p| p.name);
        let front = fronts[0];
        // A NodePort Service: clients reach the node port directly, nothing in front.
        let (what, label) = if front.svc_type == "NodePort" {
            (format!("clients reach it directly through a node port ({})", front.name), "a node port: nothing in front adds X-Forwarded-For")
        } else {
            (format!("only a pass-through L4 load balancer ({}) sits in front", front.name), "an L4 load balancer adds no X-Forwarded-For")
        };
        let help = if h.positional {
            format!(
                "{}, and keep the client's TCP source with `externalTrafficPolicy: Local`, or put PROXY protocol on both ends",
                h.restrict_hint
            )
        } else {
            let off = h.off_hint.unwrap_or("turn header trust off (ingress-nginx: `use-forwarded-headers: \"false\"`)");
            format!(
                "{off} and keep the client's TCP source with `externalTrafficPolicy: Local`, or put PROXY protocol on both ends"
            )
        };
        out.push(
            Finding::new(
                h.loc,
                format!(
                    "{name} trusts a client-IP header (`{}`), but {what}: every such header was written by the client",
                    h.setting
                ),
                help,
            )
            .on(h.obj)
            .related(front.type_at.loc, label),
        );
    }
}
