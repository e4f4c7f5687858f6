//! Linode (Akamai): NodeBalancers of its cloud controller manager
//! (`service.beta.kubernetes.io/linode-loadbalancer-*`).

use super::{Annotations, DefaultLb, LbFacts, LbProvider, one_of};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "linode",
    annotation_prefixes: &["service.beta.kubernetes.io/linode-loadbalancer-"],
    facts,
    default_lb: DefaultLb::Proxies("a Linode NodeBalancer opens its own TCP connection"),
    ..LbProvider::DEFAULT
};

const PROXY: &str = "service.beta.kubernetes.io/linode-loadbalancer-default-proxy-protocol";
const PROTOCOL: &str = "service.beta.kubernetes.io/linode-loadbalancer-default-protocol";

fn facts(annotation: &Annotations<'_>, facts: &mut LbFacts) {
    if one_of(annotation, PROXY, &["v1", "v2"]) {
        facts.sends_proxy = Some(PROXY);
    }
    if one_of(annotation, PROTOCOL, &["http", "https"]) {
        facts.adds_xff = Some(PROTOCOL);
    }
}
