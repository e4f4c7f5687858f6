//! Cilium: LB-IPAM addresses and their L2 or BGP announcements.

use super::LbProvider;

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "cilium",
    annotation_prefixes: &["lbipam.cilium.io/", "io.cilium/lb-ipam"],
    ..LbProvider::DEFAULT
};
