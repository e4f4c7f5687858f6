//! Alibaba Cloud (ACK): kubernetes/cloud-provider-alibaba-cloud (`pkg/controller/service/clbv1/listeners.go`,
//! `nlbv2/listeners.go`, `reconcile/backend/backend.go`).

use super::{LbFacts, LbInput, LbProvider};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "alibaba",
    title: "the Alibaba Cloud load balancer",
    annotation_prefixes: &[
        "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-",
        "service.beta.kubernetes.io/alicloud-loadbalancer-",
    ],
    facts,
    // CLB TCP listeners pass the client address through.
    default_lb: super::DefaultLb::Passthrough,
    source: "kubernetes/cloud-provider-alibaba-cloud `pkg/controller/service/clbv1/listeners.go`",
    ..LbProvider::DEFAULT
};

const PROXY: &str = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-proxy-protocol";
const PROTOCOL_PORT: &str = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port";
/// The older prefix, still read after the current one.
const PROTOCOL_PORT_OLD: &str = "service.beta.kubernetes.io/alicloud-loadbalancer-protocol-port";
const BACKEND_TYPE: &str = "service.beta.kubernetes.io/backend-type";

fn facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    // The CLB listener reads exactly `on`; the NLB one any case.
    if let Some(v) = input.get(PROXY) {
        if v.trim().eq_ignore_ascii_case("on") {
            facts.sends_proxy = Some(PROXY);
        } else if !v.trim().eq_ignore_ascii_case("off") {
            facts.carrier_unknown =
                Some((PROXY, format!("`{v}`: Alibaba's controllers turn PROXY protocol on with `on`")));
        }
    }
    // `protocol-port: "https:443,http:80"` (exact lower case, no spaces): HTTP(S) listeners
    // always add X-Forwarded-For; TCP listeners pass the client address through.
    if let Some(v) = input.get(PROTOCOL_PORT).or_else(|| input.get(PROTOCOL_PORT_OLD)) {
        let http: Vec<bool> = v.split(',').map(|pp| pp.starts_with("http:") || pp.starts_with("https:")).collect();
        if http.iter().all(|h| *h) && facts.sends_proxy.is_none() {
            facts.adds_xff = Some(PROTOCOL_PORT);
        } else if http.iter().any(|h| *h) && facts.sends_proxy.is_none() {
            facts.carrier_unknown =
                Some((PROTOCOL_PORT, "some listeners are HTTP (adding X-Forwarded-For) and some TCP".into()));
        }
    }
    if input.get(BACKEND_TYPE).map(str::trim) == Some("eni") {
        facts.direct_to_pod = Some(BACKEND_TYPE);
        facts.pod_targets_keep_source = true;
        facts.pod_targets_certain = true;
    }
}
