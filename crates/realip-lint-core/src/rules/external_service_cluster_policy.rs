use super::{declare_rule, describe_cluster};
use crate::annotations::{CLIENT_IP, ROLE};
use crate::fix::Applicability;
use crate::diagnostic::{Finding, Severity};
use crate::k8s::model::{Model, Policy};
use crate::k8s::model::path::ClientIpPath;

declare_rule! {
    /// ## What it does
    /// Notes an external Service (LoadBalancer, NodePort, or externalIPs) with
    /// `externalTrafficPolicy: Cluster` (written, or unset) that is not in front of an ingress
    /// controller and has no other client-IP path. Its pods see node IPs as the source of every
    /// external connection.
    ///
    /// This is an info: many services do not care about the client address. Annotate a Service
    /// whose pods need it with `realip-lint.io/client-ip: required` and the finding becomes a
    /// warning.
    ///
    /// ## Why is this bad?
    /// kube-proxy SNATs traffic that enters a node for a `Cluster` Service, so logs, allow-lists,
    /// rate limits and `sessionAffinity: ClientIP` all see node addresses.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: api
    ///   annotations: {realip-lint.io/client-ip: required}
    /// spec:
    ///   type: NodePort
    ///   selector: {app: api}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   type: NodePort
    ///   externalTrafficPolicy: Local   # and spread the pods one per node
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/tutorials/services/source-ip/
    /// - https://kubernetes.io/docs/reference/networking/virtual-ips/#external-traffic-policy
    "external-service-cluster-policy",
    Info,
    "an external Service with `Cluster` policy: its pods see node IPs",
    check,
    category: ClientIp,
    hops: [Node],
    fix: [DisplayOnly, Unsafe],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for view in &model.services {
        if !view.external || view.policy != Policy::Cluster || view.controller.is_some() {
            continue;
        }
        let obj = &model.objects[view.obj];
        if obj.annotation(ROLE) == Some("ingress-controller") {
            continue;
        }
        if !matches!(model.path(view).cluster, ClientIpPath::No) {
            continue;
        }
        let required = obj.annotation(CLIENT_IP) == Some("required");
        let super::advice::LocalAdvice { help: local, fix, .. } = super::advice::local_with_spread(model, view);
        // Whether the pods need the address is the user's call, unless the annotation says so.
        let fix = fix.map(|mut f| {
            f.applicability = if required { Applicability::Unsafe } else { Applicability::DisplayOnly };
            f
        });
        let mut f = Finding::new(
            view.policy_at.loc,
            format!("{}: external clients reach its pods with a node IP as source", describe_cluster(view)),
            format!(
                "if the pods need the client address, {local}; or put a client-IP path in front (PROXY protocol on both ends, an L7 load balancer)"
            ),
        )
        .on(view.obj)
        .fix(fix);
        if required {
            f = f.severity(Severity::Warning).related(
                obj.loc_at(&[
                    crate::yaml::PathSeg::Key("metadata"),
                    crate::yaml::PathSeg::Key("annotations"),
                    crate::yaml::PathSeg::Key(CLIENT_IP),
                ]),
                "the client address is required here",
            );
        }
        out.push(f);
    }
}
