use super::declare_rule;
use crate::diagnostic::Finding;
use crate::implementations::gateway_api::{AnnotationReach, keys};
use crate::k8s::model::Model;
use crate::providers;
use crate::yaml::{Node, PathSeg};

declare_rule! {
    /// ## What it does
    /// Flags load-balancer annotations (`service.beta.kubernetes.io/*`, `service.kubernetes.io/*`,
    /// `cloud.google.com/*`, `networking.gke.io/*`, `metallb.universe.tf/*`, Hetzner, OCI,
    /// kube-vip, Cilium LB-IPAM, …) written where the Gateway's implementation does not copy them
    /// to the Service it creates:
    ///
    /// - on the Gateway's `metadata.annotations`, for Envoy Gateway, NGINX Gateway Fabric,
    ///   Contour, kgateway and Cilium, which copy only `spec.infrastructure.annotations` (and
    ///   their config object's Service annotations);
    /// - on `metadata.annotations` of an Istio Gateway that also sets
    ///   `spec.infrastructure.annotations` (istiod copies the metadata ones only while the
    ///   infrastructure ones are unset);
    /// - anywhere on a Traefik Gateway: Traefik serves every Gateway from its chart's Service;
    /// - on `metadata.annotations` of a KubeSphere Gateway (`gateway.kubesphere.io`), whose
    ///   router Service gets only `spec.service.annotations`.
    ///
    /// An annotation that reaches the Service another way (the config object sets the same key)
    /// is not reported.
    ///
    /// ## Why is this bad?
    /// The load balancer never sees the annotation. The PROXY protocol, the internal scheme, the
    /// NLB type or the `Local`-only preserve-source option silently stays off: the load balancer
    /// is provisioned with the provider's defaults, which may be a proxy that hides the client
    /// address, or an external one where an internal one was meant.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: gateway.networking.k8s.io/v1
    /// kind: Gateway
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-type: nlb
    /// spec:
    ///   gatewayClassName: eg
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   gatewayClassName: eg
    ///   infrastructure:
    ///     annotations:
    ///       service.beta.kubernetes.io/aws-load-balancer-type: nlb
    /// ```
    ///
    /// ## References
    /// - https://gateway-api.sigs.k8s.io/geps/gep-1762/
    /// - https://gateway.envoyproxy.io/docs/tasks/operations/customize-envoyproxy/
    /// - https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/#automated-deployment
    "gateway-annotation-not-propagated",
    Warning,
    "load-balancer annotations on a Gateway where its implementation does not copy them to the Service",
    check,
    category: Correctness,
    hops: [LoadBalancer],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for link in &model.gateways {
        let Some(support) = link.proxy.gateway else { continue };
        let gw = &model.objects[link.gateway];
        let reach = support.annotations_of(gw);
        let field = reach.field();
        let infra_path = keys(field);
        let infra = gw.root.at(&infra_path);
        let infra_keys: Vec<&str> =
            infra.and_then(Node::as_map).unwrap_or_default().iter().filter_map(|(k, _)| k.as_str()).collect();
        let reaching = link.view.map(|v| &model.services[v].annotations);
        let reaches = |key: &str| reaching.is_some_and(|a| a.contains_key(key));
        let creator = support.creator;
        let (why, mut keys_at): (String, Vec<(String, Vec<PathSeg<'_>>)>) = match reach {
            AnnotationReach::InfrastructureOnly | AnnotationReach::Field(_) => (
                format!("{creator} copies only `{}` to the Service it creates", field.join(".")),
                metadata_keys(gw, &infra_keys),
            ),
            AnnotationReach::MetadataUnlessInfrastructure if infra.is_some() => (
                format!(
                    "{creator} copies `metadata.annotations` only while `spec.infrastructure.annotations` is unset, and this Gateway sets it"
                ),
                metadata_keys(gw, &infra_keys),
            ),
            AnnotationReach::MetadataUnlessInfrastructure => continue,
            AnnotationReach::Never => {
                let mut all = metadata_keys(gw, &[]);
                for k in &infra_keys {
                    if providers::is_lb_annotation(k) {
                        let mut p = infra_path.clone();
                        p.push(PathSeg::Key(k));
                        all.push(((*k).to_owned(), p));
                    }
                }
                (
                    format!(
                        "{creator} creates no Service per Gateway, so no annotation on the Gateway reaches a load balancer"
                    ),
                    all,
                )
            }
        };
        keys_at.retain(|(k, _)| !reaches(k));
        for (key, path) in keys_at {
            let mut f = Finding::new(
                gw.key_loc(&path),
                format!("the load balancer never sees `{key}`: {why}"),
                format!("move it to {}", support.annotation_hint_of(gw)),
            )
            .on(link.gateway);
            if reach == AnnotationReach::MetadataUnlessInfrastructure {
                f = f.related(gw.key_loc(&infra_path), "with this set, `metadata.annotations` are not copied");
            }
            out.push(f);
        }
    }
}

/// The load-balancer annotations of `metadata.annotations` that `spec.infrastructure.annotations`
/// does not repeat, with their paths.
fn metadata_keys<'o>(gw: &'o crate::k8s::object::Object, infra: &[&str]) -> Vec<(String, Vec<PathSeg<'o>>)> {
    gw.annotations
        .keys()
        .filter(|k| providers::is_lb_annotation(k) && !infra.contains(&k.as_str()))
        .map(|k| (k.clone(), vec![PathSeg::Key("metadata"), PathSeg::Key("annotations"), PathSeg::Key(k.as_str())]))
        .collect()
}
