use super::{declare_rule, describe_cluster};
use crate::diagnostic::{Finding, Severity};
use crate::k8s::model::path::ClientIpPath;
use crate::k8s::model::{Model, Policy};
use crate::providers;

declare_rule! {
    /// ## What it does
    /// Flags a KubeSphere gateway (`gateway.kubesphere.io/v1alpha1` `Gateway`) whose router
    /// Service loses the client address to kube-proxy's SNAT. KubeSphere renders the Gateway into
    /// an ingress-nginx install: `spec.service.type` and `spec.service.annotations` become the
    /// router Service's, but no field sets its `externalTrafficPolicy`, so it is always
    /// `Cluster`. (KubeSphere 4's gateway extension, `gateway.kubesphere.io/v2alpha2`, passes
    /// the ingress-nginx chart's values through, where the policy can be set: not this rule's.)
    ///
    /// - `type: NodePort`: a **warning**. No load balancer sits in front to carry the client
    ///   address, and every connection is SNATed to a node address.
    /// - `type: LoadBalancer` (the chart's default) with no load-balancer-side carrier in
    ///   `spec.service.annotations` (no X-Forwarded-For on an HTTP listener, such as QingCloud's
    ///   `qingcloud-lb-listener-forwardfor` bit 1 on a `qingcloud-lb-listener-protocol` HTTP
    ///   listener, and no PROXY protocol annotation): an **info**. The load balancer's listener
    ///   may still add the header through settings outside the manifest (its console's "get
    ///   client IP"); its listener settings settle it.
    ///
    /// Silent when the load balancer carries the address and `spec.controller.config` takes it:
    /// X-Forwarded-For with `use-forwarded-headers: "true"` (and `proxy-real-ip-cidr`), or PROXY
    /// protocol on both ends. A header the controller does not trust, PROXY headers it does not
    /// expect, or a load balancer that certainly proxies are the business of
    /// `forwarded-headers-not-trusted`, `proxy-protocol-mismatch` and `proxy-lb-client-ip-lost`.
    ///
    /// ## Why is this bad?
    /// Under `Cluster`, kube-proxy forwards a connection arriving on one node to an ingress-nginx
    /// pod on any node and rewrites its source to the node's address. ingress-nginx then writes a
    /// node IP into `X-Forwarded-For` and `X-Real-IP` for every backend: access logs,
    /// `whitelist-source-range`, rate limits and KubeSphere's gateway logs all see node
    /// addresses. Unlike a plain ingress-nginx Service, the policy cannot be changed on the
    /// Gateway: the operator would revert an edit of the rendered Service.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: gateway.kubesphere.io/v1alpha1
    /// kind: Gateway
    /// metadata: {name: kubesphere-router-demo, namespace: kubesphere-controls-system}
    /// spec:
    ///   service:
    ///     type: NodePort          # the router Service is always Cluster: SNAT
    /// ```
    ///
    /// Use instead:
    ///
    /// On QingCloud, an HTTP listener with "get client IP" (`forwardfor` bit 1), trusted by
    /// ingress-nginx from the load balancer's addresses only:
    /// ```yaml
    /// spec:
    ///   service:
    ///     type: LoadBalancer
    ///     annotations:
    ///       service.beta.kubernetes.io/qingcloud-lb-listener-protocol: "80:http"
    ///       service.beta.kubernetes.io/qingcloud-lb-listener-forwardfor: "80:1"
    ///   controller:
    ///     config:
    ///       use-forwarded-headers: "true"
    ///       proxy-real-ip-cidr: "192.168.0.0/24"   # the load balancer's addresses
    /// ```
    /// Or put a load balancer that sends to the ingress controller's pods with
    /// `externalTrafficPolicy: Local` in front (a Service you manage).
    ///
    /// ## References
    /// - kubesphere/kubesphere `staging/src/kubesphere.io/api/gateway/v1alpha1/gateway_types.go`
    ///   (`spec.service` has only `type` and `annotations`)
    /// - kubesphere/kubesphere `config/gateway/templates/nginx-ingress.yaml` (the router Service
    ///   leaves `externalTrafficPolicy` unset; `spec.controller.config` becomes the ConfigMap) and
    ///   `config/gateway/values.yaml` (`service.type: LoadBalancer`)
    /// - yunify/qingcloud-cloud-controller-manager `docs/configure.md` (listener protocol,
    ///   `forwardfor`: "get client IP")
    /// - https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#use-forwarded-headers
    "kubesphere-gateway-cluster-policy",
    Warning,
    "a KubeSphere gateway's router Service is always `Cluster`: without a load-balancer header its controller sees node IPs",
    check,
    category: ClientIp,
    hops: [LoadBalancer, Node],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for view in &model.services {
        let Some(fixed) = &view.policy_fixed else { continue };
        // The rendered router Service in a cluster dump: the Gateway's own view speaks for it.
        if !view.external || view.policy != Policy::Cluster || view.noun != "Gateway" {
            continue;
        }
        let ctrl = view.controller.map(|c| &model.controllers[c]);
        let name = ctrl.and_then(|c| c.proxy).map_or("the ingress controller", |p| p.name);
        let header = providers::header_annotations(view.lb.provider, model.cloud.as_deref())
            .unwrap_or("<the annotations your load balancer documents for X-Forwarded-For>");
        let instead = (fixed.instead)(header);
        let lb = view.svc_type == "LoadBalancer";
        let finding = match &model.path(view).cluster {
            ClientIpPath::No if lb => Finding::new(
                view.type_at.loc,
                format!(
                    "{}, and nothing in its annotations makes the load balancer carry the client address (X-Forwarded-For on an HTTP listener, or PROXY protocol): unless its listeners add the header by settings outside the manifest, kube-proxy SNATs connections and {name} sees node IPs",
                    describe_cluster(view)
                ),
                format!("the load balancer's listener settings settle it (its \"get client IP\" option); {instead}"),
            )
            .severity(Severity::Info),
            ClientIpPath::No => Finding::new(
                view.type_at.loc,
                format!(
                    "{}: no load balancer in front carries the client address, so kube-proxy SNATs every connection and {name} sees node IPs, not clients",
                    describe_cluster(view)
                ),
                instead,
            ),
            ClientIpPath::Unknown(why) => Finding::new(
                view.type_at.loc,
                format!("{}; {why}", describe_cluster(view)),
                format!("the load balancer's listener settings settle it; {instead}"),
            )
            .severity(Severity::Info),
            ClientIpPath::Yes | ClientIpPath::Mismatch | ClientIpPath::LostBefore => continue,
        };
        let mut finding = finding.on(view.type_at.obj).related(view.policy_at.loc, fixed.why.clone());
        if let Some(c) = ctrl {
            finding = finding.related(c.link.0, c.link.1.clone());
        }
        out.push(finding);
    }
}
