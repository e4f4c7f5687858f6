//! Huawei Cloud: CCE's elastic load balancers (`kubernetes.io/elb.*`).

use super::LbProvider;

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "huawei",
    title: "the Huawei Cloud ELB",
    annotation_prefixes: &["kubernetes.io/elb."],
    ..LbProvider::DEFAULT
};
