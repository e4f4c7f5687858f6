//! MetalLB (metallb/metallb `speaker/layer2_controller.go`, `website/content/usage/_index.md`).

use super::{DefaultLb, LbProvider};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "metallb",
    title: "MetalLB",
    annotation_prefixes: &["metallb.universe.tf/", "metallb.io/"],
    // MetalLB hands the connection to the node unchanged.
    default_lb: DefaultLb::Passthrough,
    source: "metallb/metallb `speaker/layer2_controller.go`",
    ..LbProvider::DEFAULT
};
