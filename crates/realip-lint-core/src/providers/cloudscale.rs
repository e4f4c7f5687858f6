//! cloudscale.ch: its cloud controller manager (`k8s.cloudscale.ch/*`).

use super::{LbFacts, LbInput, LbProvider, one_of};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "cloudscale",
    title: "the cloudscale.ch load balancer",
    annotation_prefixes: &["k8s.cloudscale.ch/"],
    facts,
    ..LbProvider::DEFAULT
};

const POOL_PROTOCOL: &str = "k8s.cloudscale.ch/loadbalancer-pool-protocol";

fn facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    if one_of(input, POOL_PROTOCOL, &["proxy", "proxyv2"]) {
        facts.sends_proxy = Some(POOL_PROTOCOL);
    }
}
