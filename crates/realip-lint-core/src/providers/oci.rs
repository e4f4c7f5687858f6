//! Oracle Cloud (OCI): load balancers and network load balancers of its cloud controller manager.

use super::LbProvider;

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "oci",
    annotation_prefixes: &["oci.oraclecloud.com/", "oci-network-load-balancer.oraclecloud.com/"],
    ..LbProvider::DEFAULT
};
