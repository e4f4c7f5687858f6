//! Scaleway: its cloud controller manager (`service.beta.kubernetes.io/scw-loadbalancer-*`,
//! scaleway/scaleway-cloud-controller-manager `scaleway/loadbalancers.go`,
//! `docs/loadbalancer-annotations.md`).

use super::{LbFacts, LbInput, LbProvider, Proxying, go_true};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "scaleway",
    title: "the Scaleway load balancer",
    annotation_prefixes: &["service.beta.kubernetes.io/scw-loadbalancer-"],
    facts,
    source: "scaleway/scaleway-cloud-controller-manager `docs/loadbalancer-annotations.md`",
    ..LbProvider::DEFAULT
};

const PROXY_V1: &str = "service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v1";
const PROXY_V2: &str = "service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v2";
/// Deprecated, still read.
const SEND_PROXY_V2: &str = "service.beta.kubernetes.io/scw-loadbalancer-send-proxy-v2";
const PROTOCOL_HTTP: &str = "service.beta.kubernetes.io/scw-loadbalancer-protocol-http";

/// Which TCP ports a PROXY annotation covers: `true` or `*` for all, else a port list.
fn covers(input: &LbInput<'_>, value: &str) -> Option<bool> {
    let v = value.trim();
    if v == "true" || v == "*" {
        return Some(true);
    }
    if v == "false" || v.is_empty() {
        return Some(false);
    }
    let ports: Vec<i32> = v.split(',').map(|p| p.trim().parse().ok()).collect::<Option<_>>()?;
    let tcp: Vec<i32> = input.tcp_ports().map(|p| p.port).collect();
    if !tcp.is_empty() && tcp.iter().all(|p| ports.contains(p)) { Some(true) } else { None }
}

fn facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    if !PROVIDER.shown(input) {
        return;
    }
    for key in [PROXY_V1, PROXY_V2] {
        match input.get(key).map(|v| covers(input, v)) {
            Some(Some(true)) => facts.sends_proxy = Some(key),
            Some(None) => {
                facts.carrier_unknown = Some((key, "PROXY protocol on some ports, or a value not understood".into()));
            }
            _ => {}
        }
    }
    if go_true(input, SEND_PROXY_V2) {
        facts.sends_proxy = Some(SEND_PROXY_V2);
    }
    // An HTTP backend adds X-Forwarded-For (Scaleway's load balancer docs).
    if go_true(input, PROTOCOL_HTTP) && facts.sends_proxy.is_none() {
        facts.adds_xff = Some(PROTOCOL_HTTP);
    }
    if facts.sends_proxy.is_none() && facts.adds_xff.is_none() && facts.carrier_unknown.is_none() {
        facts.proxies = Some(Proxying {
            key: None,
            what: "a Scaleway load balancer in TCP mode, which opens its own connection to the nodes",
            certain: true,
            unless: "",
        });
    }
}
