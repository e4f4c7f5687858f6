//! cloudscale.ch: its cloud controller manager (`k8s.cloudscale.ch/*`).

use super::{Annotations, LbFacts, LbProvider, one_of};

pub(super) const PROVIDER: LbProvider =
    LbProvider { name: "cloudscale", annotation_prefixes: &["k8s.cloudscale.ch/"], facts, ..LbProvider::DEFAULT };

const POOL_PROTOCOL: &str = "k8s.cloudscale.ch/loadbalancer-pool-protocol";

fn facts(annotation: &Annotations<'_>, facts: &mut LbFacts) {
    if one_of(annotation, POOL_PROTOCOL, &["proxy", "proxyv2"]) {
        facts.sends_proxy = Some(POOL_PROTOCOL);
    }
}
