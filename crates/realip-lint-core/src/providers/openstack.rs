//! OpenStack Octavia (and OVHcloud's Public Cloud Load Balancer, which is Octavia):
//! kubernetes/cloud-provider-openstack `pkg/openstack/loadbalancer.go`.

use super::{LbFacts, LbInput, LbProvider, go_true};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "openstack",
    title: "the OpenStack Octavia load balancer",
    annotation_prefixes: &["loadbalancer.openstack.org/", "loadbalancer.ovhcloud.com/"],
    facts,
    source: "kubernetes/cloud-provider-openstack `pkg/openstack/loadbalancer.go`",
    ..LbProvider::DEFAULT
};

const PROXY: &str = "loadbalancer.openstack.org/proxy-protocol";
const XFF: &str = "loadbalancer.openstack.org/x-forwarded-for";

fn facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    // `getProxyProtocolFromServiceAnnotation`: `true`, `v1` or `v2`.
    match input.get(PROXY).map(str::trim) {
        Some("true" | "v1" | "v2") => facts.sends_proxy = Some(PROXY),
        Some("false" | "") | None => {}
        Some(v) => facts.carrier_unknown = Some((PROXY, format!("`{v}` is not a value Octavia's controller knows"))),
    }
    // An HTTP listener that inserts X-Forwarded-For.
    if go_true(input, XFF) {
        facts.adds_xff = Some(XFF);
    }
}
