//! MetalLB: bare-metal load balancer addresses announced over L2 or BGP.

use super::LbProvider;

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "metallb",
    annotation_prefixes: &["metallb.universe.tf/", "metallb.io/"],
    // MetalLB hands the connection to the node unchanged.
    default_lb: super::DefaultLb::Passthrough,
    ..LbProvider::DEFAULT
};
