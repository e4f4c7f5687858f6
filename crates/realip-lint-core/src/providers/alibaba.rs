//! Alibaba Cloud: its cloud controller manager (`service.beta.kubernetes.io/alibaba-cloud-loadbalancer-*`).

use super::LbProvider;

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "alibaba",
    annotation_prefixes: &["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-"],
    ..LbProvider::DEFAULT
};
