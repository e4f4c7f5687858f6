//! Cilium's LB-IPAM with L2 announcements or BGP: the address reaches the node unchanged.

use super::{DefaultLb, LbProvider};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "cilium",
    title: "Cilium's load-balancer IPAM",
    annotation_prefixes: &["lbipam.cilium.io/", "io.cilium/lb-ipam"],
    default_lb: DefaultLb::Passthrough,
    source: "https://docs.cilium.io/en/stable/network/lb-ipam/",
    ..LbProvider::DEFAULT
};
