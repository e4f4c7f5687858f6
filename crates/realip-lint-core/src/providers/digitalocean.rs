//! DigitalOcean: its cloud controller manager (`service.beta.kubernetes.io/do-loadbalancer-*`).

use super::{Annotations, DefaultLb, LbFacts, LbProvider, go_true, one_of};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "digitalocean",
    annotation_prefixes: &["service.beta.kubernetes.io/do-loadbalancer-"],
    facts,
    // As the trace has assumed so far; `cloud-lb.md` says the default `REGIONAL` type opens its
    // own connection (M), to be settled with the provider's facts.
    default_lb: DefaultLb::Passthrough,
    ..LbProvider::DEFAULT
};

const PROXY: &str = "service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol";
const TYPE: &str = "service.beta.kubernetes.io/do-loadbalancer-type";

fn facts(annotation: &Annotations<'_>, facts: &mut LbFacts) {
    if go_true(annotation, PROXY) {
        facts.sends_proxy = Some(PROXY);
    }
    if one_of(annotation, TYPE, &["REGIONAL_NETWORK"]) {
        facts.passthrough = Some((TYPE, "a DigitalOcean regional network load balancer"));
    }
}
