//! k3s ServiceLB (klipper-lb): publishes node addresses; with `Local` only nodes with a ready
//! endpoint (k3s-io/k3s `pkg/cloudprovider/servicelb.go`, k3s-io/klipper-lb `entry`).

use super::{DefaultLb, LbProvider};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "k3s",
    title: "k3s ServiceLB",
    annotation_prefixes: &["svccontroller.k3s.cattle.io/"],
    // The svclb pod DNATs to the node port (Cluster: MASQUERADE); under Local k3s's maintainers
    // say kube-proxy catches the address first and the client is kept (k3s-io/k3s#7798).
    default_lb: DefaultLb::Passthrough,
    source: "k3s-io/k3s `pkg/cloudprovider/servicelb.go`",
    ..LbProvider::DEFAULT
};
