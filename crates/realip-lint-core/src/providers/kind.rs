//! cloud-provider-kind: load balancers for kind clusters (kubernetes-sigs/cloud-provider-kind).
//! What it does to the client address is not modelled: it runs an Envoy proxy container per
//! Service, so the trace says unknown rather than guess.

use super::LbProvider;

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "kind",
    title: "cloud-provider-kind",
    source: "kubernetes-sigs/cloud-provider-kind",
    ..LbProvider::DEFAULT
};
