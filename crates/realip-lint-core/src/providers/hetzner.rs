//! Hetzner Cloud: its cloud controller manager (`load-balancer.hetzner.cloud/*`).

use super::{Annotations, DefaultLb, LbFacts, LbProvider, go_true};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "hetzner",
    annotation_prefixes: &["load-balancer.hetzner.cloud/"],
    facts,
    default_lb: DefaultLb::Proxies("a Hetzner load balancer in TCP mode opens its own connection"),
    ..LbProvider::DEFAULT
};

const PROXY: &str = "load-balancer.hetzner.cloud/uses-proxyprotocol";

fn facts(annotation: &Annotations<'_>, facts: &mut LbFacts) {
    if go_true(annotation, PROXY) {
        facts.sends_proxy = Some(PROXY);
    }
}
