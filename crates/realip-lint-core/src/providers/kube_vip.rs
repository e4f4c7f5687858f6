//! kube-vip: virtual IPs for Services, announced over ARP or BGP.

use super::LbProvider;

pub(super) const PROVIDER: LbProvider =
    LbProvider { name: "kube-vip", annotation_prefixes: &["kube-vip.io/"], ..LbProvider::DEFAULT };
