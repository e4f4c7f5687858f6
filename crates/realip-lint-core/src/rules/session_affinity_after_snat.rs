use super::{declare_rule, describe_cluster};
use crate::diagnostic::Finding;
use crate::k8s::model::{Model, Policy};
use crate::k8s::model::path::ClientIpPath;
use crate::yaml::PathSeg;

declare_rule! {
    /// ## What it does
    /// Flags `sessionAffinity: ClientIP` on an external Service (LoadBalancer, NodePort, or
    /// externalIPs) with `externalTrafficPolicy: Cluster` (written, or unset) and no other
    /// client-IP path (PROXY protocol on both ends, an L7 load balancer, a load balancer that
    /// targets pod IPs directly).
    ///
    /// ## Why is this bad?
    /// Under `Cluster` each node forwards to pods on any node, SNATed to its own address: the
    /// pods see node IPs, never the client's, so whatever the affinity was meant to serve per
    /// client (a session, a cache, a rate limit) sees node addresses. The affinity itself is kept
    /// by kube-proxy per node, keyed on the client address that node sees before SNAT: it holds
    /// while the load balancer sends each client through the same node (a GCE target pool turns
    /// `sessionAffinity: ClientIP` into client-IP stickiness), and breaks where it spreads one
    /// client's connections over nodes. Which of the two happens is the load balancer's, outside
    /// the manifest; the lost client address is certain.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   type: LoadBalancer
    ///   sessionAffinity: ClientIP
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   type: LoadBalancer
    ///   externalTrafficPolicy: Local   # and spread the pods one per node
    ///   sessionAffinity: ClientIP      # with client stickiness on the load balancer too
    /// ```
    /// or cookie-based affinity in an ingress controller.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/networking/virtual-ips/#session-affinity
    /// - https://kubernetes.io/docs/tutorials/services/source-ip/#source-ip-for-services-with-type-loadbalancer
    "session-affinity-after-snat",
    Warning,
    "`sessionAffinity: ClientIP` on an external Service whose traffic is SNATed",
    check,
    category: ClientIp,
    hops: [Node],
    fix: [Unsafe],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for view in &model.services {
        if !view.external || view.policy != Policy::Cluster {
            continue;
        }
        let obj = &model.objects[view.obj];
        let Some(svc) = obj.service() else { continue };
        if svc.spec.as_ref().and_then(|s| s.session_affinity.as_deref()) != Some("ClientIP") {
            continue;
        }
        if !matches!(model.path(view).cluster, ClientIpPath::No) {
            continue;
        }
        let advice = super::advice::local_with_spread(model, view);
        out.push(
            Finding::new(
                obj.loc_at(&[PathSeg::Key("spec"), PathSeg::Key("sessionAffinity")]),
                format!(
                    "`sessionAffinity: ClientIP` on {}: each node forwards, SNATed, to pods on any node, so the pods see node IPs, not the client's; the affinity, kept per node, holds only while the load balancer sends each client through the same node (a GCE target pool does for `ClientIP`; others may spread one client over nodes)",
                    describe_cluster(view)
                ),
                format!(
                    "{}, so each node serves clients from its own pods with their real address, and keep a client on one node with the load balancer's source-IP stickiness; or move the affinity to an ingress controller (cookie affinity)",
                    advice.help
                ),
            )
            .on(view.obj)
            .fix(advice.fix)
            .related(view.policy_at.loc, "SNAT to node IPs"),
        );
    }
}
