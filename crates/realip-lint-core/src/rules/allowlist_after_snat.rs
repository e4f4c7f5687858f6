use super::declare_rule;
use crate::diagnostic::Finding;
use crate::implementations::{self, Implementation};
use crate::k8s::model::{Model, Policy, ServiceView};
use crate::k8s::object::{ObjData, selector_matches};
use crate::k8s::model::path::ClientIpPath;
use crate::yaml::PathSeg;

declare_rule! {
    /// ## What it does
    /// Notes a source-IP allow-list that can only see node addresses: an Ingress annotation such
    /// as `nginx.ingress.kubernetes.io/whitelist-source-range` (or `allowlist-source-range`,
    /// `denylist-source-range`, HAProxy's `allow-list`/`deny-list`) whose controller sits behind an
    /// external Service with `Cluster` policy and no client-IP path; or a NetworkPolicy `ipBlock`
    /// that selects pods behind such a Service.
    ///
    /// ## Why is this bad?
    /// kube-proxy SNATs the traffic to node IPs before the controller (or the NetworkPolicy)
    /// sees it. The allow-list then admits every client (if node ranges are listed) or none.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Ingress
    /// metadata:
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/whitelist-source-range: 203.0.113.0/24
    /// # ingress-nginx's Service: type LoadBalancer, externalTrafficPolicy unset (Cluster)
    /// ```
    ///
    /// Use instead: give the controller's Service `externalTrafficPolicy: Local` (with the
    /// controller spread one per node), or a client-IP path such as PROXY protocol on both ends.
    ///
    /// ## References
    /// - https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#whitelist-source-range
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
    "allowlist-after-snat",
    Info,
    "a source-IP allow-list behind a `Cluster` Service filters node IPs",
    check,
    category: ClientIp,
    hops: [Backends],
}

/// A Service in front of this controller that loses the client IP.
fn snat_front<'m>(model: &'m Model, proxy: &Implementation) -> Option<&'m ServiceView> {
    model.services.iter().find(|v| {
        v.external
            && v.policy == Policy::Cluster
            && v.controller.is_some_and(|c| model.controllers[c].proxy.is_some_and(|p| std::ptr::eq(p, proxy)))
            && matches!(model.path(v).cluster, ClientIpPath::No)
    })
}

/// The implementation an Ingress is served by: its class's IngressClass, else the one whose
/// annotation it carries.
fn ingress_proxy(
    model: &Model,
    class: Option<&str>,
    annotation_owner: &'static Implementation,
) -> &'static Implementation {
    let by_class = class.and_then(|c| {
        model.live().find_map(|(_, o)| match &o.data {
            ObjData::IngressClass(ic) if o.name.as_deref() == Some(c) => {
                implementations::by_controller_string(ic.spec.as_ref()?.controller.as_deref()?)
            }
            _ => None,
        })
    });
    by_class.unwrap_or(annotation_owner)
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (i, obj) in model.live() {
        match &obj.data {
            ObjData::Ingress(ing) => {
                let class = ing
                    .spec
                    .as_ref()
                    .and_then(|s| s.ingress_class_name.as_deref())
                    .or_else(|| obj.annotation("kubernetes.io/ingress.class"));
                for (key, owner) in implementations::allow_list_annotations() {
                    if obj.annotation(key).is_none() {
                        continue;
                    }
                    let proxy = ingress_proxy(model, class, owner);
                    let Some(front) = snat_front(model, proxy) else { continue };
                    out.push(
                        Finding::new(
                            obj.loc_at(&[PathSeg::Key("metadata"), PathSeg::Key("annotations"), PathSeg::Key(key)]),
                            format!("this allow-list filters node IPs: {} sees node addresses behind {} (`Cluster` policy, SNAT)", proxy.name, front.name),
                            format!("set `externalTrafficPolicy: Local` on {} and spread the controller across nodes, or give it a client-IP path (PROXY protocol on both ends)", front.name),
                        )
                        .on(i)
                        .related(front.policy_at.loc, "the client address is lost here"),
                    );
                }
            }
            ObjData::NetworkPolicy(np) => network_policy(model, i, np, out),
            _ => {}
        }
    }
}

fn network_policy(
    model: &Model,
    i: usize,
    np: &k8s_openapi::api::networking::v1::NetworkPolicy,
    out: &mut Vec<Finding>,
) {
    let obj = &model.objects[i];
    let Some(spec) = &np.spec else { return };
    // The external Cluster Services whose backends this policy selects.
    let front = model.services.iter().find(|v| {
        v.external
            && v.policy == Policy::Cluster
            && matches!(model.path(v).cluster, ClientIpPath::No)
            && v.backends.iter().any(|b| {
                let w = &model.objects[*b];
                w.namespace == obj.namespace
                    && w.workload().is_some_and(|wl| {
                        spec.pod_selector.as_ref().is_none_or(|sel| selector_matches(sel, &wl.pod_labels))
                    })
            })
    });
    let Some(front) = front else { return };
    for (ri, rule) in spec.ingress.iter().flatten().enumerate() {
        for (fi, from) in rule.from.iter().flatten().enumerate() {
            if from.ip_block.is_none() {
                continue;
            }
            let path = [
                PathSeg::Key("spec"),
                PathSeg::Key("ingress"),
                PathSeg::Index(ri),
                PathSeg::Key("from"),
                PathSeg::Index(fi),
                PathSeg::Key("ipBlock"),
                PathSeg::Key("cidr"),
            ];
            out.push(
                Finding::new(
                    obj.loc_at(&path),
                    format!("this ipBlock sees node IPs for traffic through {} (`Cluster` policy SNATs external clients to node addresses)", front.name),
                    format!("set `externalTrafficPolicy: Local` on {} (and spread its pods across nodes) so the policy sees client addresses", front.name),
                )
                .on(i)
                .related(front.policy_at.loc, "the client address is lost here"),
            );
        }
    }
}
