//! Scaleway: its cloud controller manager (`service.beta.kubernetes.io/scw-loadbalancer-*`).

use super::{Annotations, LbFacts, LbProvider, one_of};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "scaleway",
    annotation_prefixes: &["service.beta.kubernetes.io/scw-loadbalancer-"],
    facts,
    ..LbProvider::DEFAULT
};

const PROXY_V2: &str = "service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v2";

fn facts(annotation: &Annotations<'_>, facts: &mut LbFacts) {
    if one_of(annotation, PROXY_V2, &["true"]) {
        facts.sends_proxy = Some(PROXY_V2);
    }
}
