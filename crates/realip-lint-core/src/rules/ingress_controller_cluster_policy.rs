use super::{declare_rule, describe_cluster};
use crate::annotations::ROLE;
use crate::diagnostic::{Finding, Severity};
use crate::k8s::model::{Model, Policy};
use crate::k8s::model::path::ClientIpPath;

declare_rule! {
    /// ## What it does
    /// Flags an external Service (LoadBalancer, NodePort, or externalIPs) in front of an ingress
    /// controller or gateway proxy whose `externalTrafficPolicy` is `Cluster` (written, or unset,
    /// which means `Cluster`) when nothing else carries the client address: no PROXY protocol on
    /// both ends, no L7 load balancer adding X-Forwarded-For, no load balancer that targets pods.
    ///
    /// ## Why is this bad?
    /// With `Cluster`, kube-proxy forwards a connection that arrives on one node to a controller
    /// pod on any node and rewrites its source address to the node's own (SNAT). The controller
    /// then sees a node IP as the client and writes it into `X-Forwarded-For` and `X-Real-IP` for
    /// every backend: access logs, allow-lists (`whitelist-source-range`), rate limits and geo
    /// rules all act on node addresses instead of clients.
    ///
    /// When the load balancer sends PROXY protocol headers but the controller's setting is not in
    /// the input (its ConfigMap lives elsewhere), the finding is an info that says which object
    /// would settle it.
    ///
    /// Gateway API data planes count through their effective Service, with each
    /// implementation's default: an unset policy is `Local` for Envoy Gateway, NGINX Gateway
    /// Fabric and Contour (no finding) and `Cluster` for Istio, kgateway and Kong Gateway
    /// Operator (a Gateway's GatewayConfiguration, or a DataPlane written by hand); Envoy Gateway's controller-wide default EnvoyProxy (`envoyProxy:` in the
    /// `envoy-gateway-config` ConfigMap) counts where no EnvoyProxy replaces it; Traefik serves
    /// Gateways from its chart's Service; a Cilium Gateway keeps the client address in either
    /// mode (no finding). A KubeSphere Gateway's router Service, whose policy no field sets, is
    /// `kubesphere-gateway-cluster-policy`'s. A default is labelled where a user would write the value: the config
    /// object's field (EnvoyProxy, NginxProxy, GatewayParameters, GatewayConfiguration, the Istio
    /// parameters ConfigMap), or the Gateway's `gatewayClassName` when no config object is in the
    /// input.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
    /// spec:
    ///   type: LoadBalancer          # externalTrafficPolicy unset: Cluster
    ///   selector: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   type: LoadBalancer
    ///   externalTrafficPolicy: Local  # and run the controller one pod per node (a DaemonSet)
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/tutorials/services/source-ip/
    /// - https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip
    /// - https://kubernetes.github.io/ingress-nginx/deploy/baremetal/
    "ingress-controller-cluster-policy",
    Warning,
    "an ingress controller behind an external Service with `Cluster` policy sees node IPs, not clients",
    check,
    category: ClientIp,
    hops: [Node],
    fix: [Unsafe],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for view in &model.services {
        // A policy no field sets is not this rule's to ask for (`kubesphere-gateway-cluster-policy`).
        if !view.external || view.policy != Policy::Cluster || view.policy_fixed.is_some() {
            continue;
        }
        let obj = &model.objects[view.obj];
        let declared = obj.annotation(ROLE) == Some("ingress-controller");
        if view.controller.is_none() && !declared {
            continue;
        }
        let ctrl = view.controller.map(|c| &model.controllers[c]);
        let name = ctrl.and_then(|c| c.proxy).map_or("the ingress controller", |p| p.name);
        let advice = super::advice::local_with_spread(model, view);
        let hint = ctrl
            .filter(|c| !c.local_hint.is_empty())
            .map(|c| match c.chart_daemon_set {
                "" => format!("; {}", c.local_hint),
                _ if advice.spread => format!("; {}", c.local_hint),
                daemon_set => format!("; {} and {daemon_set}", c.local_hint),
            })
            .unwrap_or_default();
        let (help, fix) = (format!("{}{hint}", advice.help), advice.fix);
        let mut finding = match &model.path(view).cluster {
            ClientIpPath::Yes | ClientIpPath::Mismatch | ClientIpPath::LostBefore => continue,
            ClientIpPath::No => Finding::new(
                view.policy_at.loc,
                format!(
                    "{name} is behind {}: kube-proxy SNATs client connections, so {name} sees node IPs, not client IPs",
                    describe_cluster(view)
                ),
                help,
            ),
            ClientIpPath::Unknown(why) => Finding::new(
                view.policy_at.loc,
                format!("{name} is behind {}; {why}", describe_cluster(view)),
                format!("add the controller's configuration to the input to settle it, or {help}"),
            )
            .severity(Severity::Info),
        }
        .on(view.policy_at.obj)
        .fix(fix);
        if let Some(c) = ctrl {
            finding = finding.related(c.link.0, c.link.1.clone());
        }
        out.push(finding);
    }
}
