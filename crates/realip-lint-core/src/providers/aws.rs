//! AWS: the in-tree cloud provider (classic ELB, and NLB with `aws-load-balancer-type: nlb`)
//! and the AWS Load Balancer Controller (`loadBalancerClass: service.k8s.aws/nlb`, types
//! `external` and `nlb-ip`).

use super::{Annotations, DefaultLb, LbFacts, LbProvider, one_of};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "aws",
    annotation_prefixes: &["service.beta.kubernetes.io/aws-load-balancer-"],
    class_prefixes: &["service.k8s.aws/"],
    facts,
    default_lb: DefaultLb::Proxies(
        "the in-tree AWS load balancer is a classic ELB, which opens its own TCP connection",
    ),
};

const PROXY: &str = "service.beta.kubernetes.io/aws-load-balancer-proxy-protocol";
const TARGET_GROUP: &str = "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes";
const BACKEND_PROTOCOL: &str = "service.beta.kubernetes.io/aws-load-balancer-backend-protocol";
const TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-type";
const TARGET_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";

fn facts(annotation: &Annotations<'_>, facts: &mut LbFacts) {
    if one_of(annotation, PROXY, &["*"]) {
        facts.sends_proxy = Some(PROXY);
    }
    let attributes = annotation(TARGET_GROUP).unwrap_or_default();
    if attributes.split(',').any(|kv| kv.trim() == "proxy_protocol_v2.enabled=true") {
        facts.sends_proxy = Some(TARGET_GROUP);
    }
    // An HTTP(S) backend makes the classic ELB an L7 proxy; an NLB (any type) never is.
    if annotation(TYPE).is_none() && one_of(annotation, BACKEND_PROTOCOL, &["http", "https"]) {
        facts.adds_xff = Some(BACKEND_PROTOCOL);
    }
    let ip_targets = one_of(annotation, TARGET_TYPE, &["ip"]);
    if ip_targets {
        facts.direct_to_pod = Some(TARGET_TYPE);
        // Only the AWS Load Balancer Controller reads the target type, and these types are
        // its own; `nlb` is the in-tree controller's unless the LBC's webhook adopted it.
        facts.pod_targets_certain = matches!(annotation(TYPE).map(str::trim), Some("external" | "nlb-ip"));
    }
    if attributes.contains("preserve_client_ip.enabled=true") {
        facts.pod_targets_keep_source = true;
    }
    match annotation(TYPE).map(str::trim) {
        Some("nlb") => facts.passthrough = Some((TYPE, "an AWS Network Load Balancer (instance targets)")),
        Some("external") if !ip_targets => {
            facts.passthrough =
                Some((TYPE, "an AWS Network Load Balancer of the AWS Load Balancer Controller (instance targets)"));
        }
        _ => {}
    }
}
