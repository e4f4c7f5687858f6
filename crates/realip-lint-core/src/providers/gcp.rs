//! Google Cloud: GKE's load balancers (`cloud.google.com/*`, `networking.gke.io/*`).

use super::{Annotations, DefaultLb, LbFacts, LbProvider, one_of};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "gcp",
    annotation_prefixes: &["cloud.google.com/", "networking.gke.io/"],
    class_prefixes: &["networking.gke.io/"],
    facts,
    // GKE's default external load balancer is a pass-through Network Load Balancer.
    default_lb: DefaultLb::Passthrough,
};

const RBS: &str = "cloud.google.com/l4-rbs";

fn facts(annotation: &Annotations<'_>, facts: &mut LbFacts) {
    if one_of(annotation, RBS, &["enabled"]) {
        facts.passthrough = Some((RBS, "a GKE external passthrough Network Load Balancer"));
    }
}
