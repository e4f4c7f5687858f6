use super::declare_rule;
use crate::diagnostic::{Finding, Severity};
use crate::k8s::model::Model;
use crate::k8s::model::path::Loss;

declare_rule! {
    /// ## What it does
    /// Flags a LoadBalancer Service whose AWS Network Load Balancer targets pod IPs
    /// (`service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip`) with neither client
    /// IP preservation (`preserve_client_ip.enabled=true` in
    /// `aws-load-balancer-target-group-attributes`) nor PROXY protocol.
    ///
    /// ## Why is this bad?
    /// With IP targets over TCP, the NLB does not keep the client's source address by default:
    /// the pods see the load balancer's private addresses, whatever `externalTrafficPolicy` says
    /// (the traffic never passes a node port). Only the AWS Load Balancer Controller reads the
    /// target type: the finding is a warning when the Service is certainly its own
    /// (`aws-load-balancer-type: external` or `nlb-ip`), and an info with `nlb`, which the
    /// in-tree controller serves with instance targets unless the Load Balancer Controller's
    /// webhook adopted the Service.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-type: external
    ///     service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
    /// spec:
    ///   type: LoadBalancer
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-type: external
    ///     service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
    ///     service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: preserve_client_ip.enabled=true
    /// ```
    /// or PROXY protocol on both ends (`aws-load-balancer-proxy-protocol: "*"`).
    ///
    /// ## References
    /// - https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/#target-group-attributes
    /// - https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation
    "aws-nlb-ip-target-client-ip-lost",
    Warning,
    "an AWS NLB with IP targets keeps neither the client address nor sends PROXY protocol",
    check,
    category: ClientIp,
    hops: [LoadBalancer],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for view in &model.services {
        let lb = &view.lb;
        let (annotation, certain) = match (model.path(view).path.loss, lb.direct_to_pod) {
            (Some(Loss::IpTargets { annotation, certain }), _) => (annotation, certain),
            // Pod-IP targets only if the Load Balancer Controller owns the Service.
            (_, Some(a)) if !lb.pod_targets_certain && !lb.pod_targets_keep_source && lb.sends_proxy.is_none() => {
                (a, false)
            }
            _ => continue,
        };
        let Some(at) = view.annotation_at(annotation) else { continue };
        let whose = if certain {
            String::new()
        } else {
            " if the AWS Load Balancer Controller owns it (its webhook adopts `aws-load-balancer-type: nlb` Services; the in-tree controller ignores the target type)".to_owned()
        };
        let mut f = Finding::new(
            at.loc,
            format!(
                "the Network Load Balancer of {} targets pod IPs{whose}: IP targets do not keep the client address, so the pods see the load balancer's addresses",
                view.name
            ),
            "add `service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: preserve_client_ip.enabled=true`, or PROXY protocol on both ends (`service.beta.kubernetes.io/aws-load-balancer-proxy-protocol: \"*\"` and the proxy's PROXY setting)",
        )
        .on(at.obj);
        if !certain {
            f = f.severity(Severity::Info);
        }
        out.push(f);
    }
}
