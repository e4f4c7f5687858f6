use super::{declare_rule, lb_notes};
use crate::diagnostic::Finding;
use crate::k8s::model::Model;
use crate::providers::NoteKind;

declare_rule! {
    /// ## What it does
    /// Flags a Service whose load balancer sends PROXY protocol to a proxy that expects it,
    /// when the load balancer's status would publish an IP in `VIP` mode and no provider
    /// workaround is set: DigitalOcean without `do-loadbalancer-hostname`, Linode without
    /// `linode-loadbalancer-hostname-only-ingress`, OCI without
    /// `oci.oraclecloud.com/ingress-ip-mode: proxy`, and Azure Private Link PROXY (whose
    /// non-Private-Link clients get no header). Never for AWS (its status is a hostname), and
    /// not for Hetzner, OpenStack/OVH or Scaleway, whose controllers publish `ipMode: Proxy`
    /// themselves, nor when the manifest's status already shows `ipMode: Proxy`.
    ///
    /// ## Why is this bad?
    /// kube-proxy captures traffic from inside the cluster to a load balancer IP and sends it
    /// straight to the Service's pods. Those connections carry no PROXY header, and a proxy that
    /// requires one rejects them: cert-manager's HTTP-01 self-check, in-cluster clients of the
    /// public hostname and monitoring probes fail while outside clients work.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol: "true"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol: "true"
    ///     service.beta.kubernetes.io/do-loadbalancer-hostname: lb.example.com
    /// ```
    ///
    /// ## References
    /// - https://github.com/kubernetes/kubernetes/issues/66607
    /// - https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceStatus (`ipMode`)
    /// - digitalocean/digitalocean-cloud-controller-manager `docs/controllers/services/annotations.md`; linode/linode-cloud-controller-manager `cloud/linode/loadbalancers.go`
    "proxy-protocol-hairpin",
    Warning,
    "in-cluster clients of the load balancer's IP reach the PROXY-protocol proxy without the header",
    check,
    category: Availability,
    hops: [LoadBalancer],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (view, f) in lb_notes(model, NoteKind::Hairpin) {
        // Only where the proxy behind certainly requires the header.
        let requires = view.controller.is_some_and(|ci| {
            let ctrl = &model.controllers[ci];
            !ctrl.proxy_protocol_optional && ctrl.proxy_protocol.as_ref().is_ok_and(|s| s.value)
        });
        if requires {
            out.push(f);
        }
    }
}
