//! Azure: the AKS cloud provider (`service.beta.kubernetes.io/azure-*`).

use super::{Annotations, DefaultLb, LbFacts, LbProvider, one_of};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "azure",
    annotation_prefixes: &["service.beta.kubernetes.io/azure-"],
    facts,
    // The Azure Standard Load Balancer passes connections through.
    default_lb: DefaultLb::Passthrough,
    ..LbProvider::DEFAULT
};

/// PROXY protocol on a Private Link Service in front of the load balancer.
const PLS_PROXY: &str = "service.beta.kubernetes.io/azure-pls-proxy-protocol";

fn facts(annotation: &Annotations<'_>, facts: &mut LbFacts) {
    if one_of(annotation, PLS_PROXY, &["true"]) {
        facts.sends_proxy = Some(PLS_PROXY);
    }
}
