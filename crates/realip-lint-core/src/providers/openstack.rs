//! OpenStack (and OVHcloud): Octavia load balancers of cloud-provider-openstack.

use super::LbProvider;

pub(super) const PROVIDER: LbProvider = LbProvider { name: "openstack", ..LbProvider::DEFAULT };
