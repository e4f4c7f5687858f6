//! Linode / Akamai: its cloud controller manager (`service.beta.kubernetes.io/linode-loadbalancer-*`,
//! linode/linode-cloud-controller-manager `cloud/linode/loadbalancers_helpers.go`
//! `getPortProxyProtocol`, `loadbalancers.go` `makeLoadBalancerStatus`).

use super::{DefaultLb, LbFacts, LbInput, LbProvider, NoteKind, Proxying, go_true, one_of};
use crate::diagnostic::Severity;

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "linode",
    title: "the Linode NodeBalancer",
    annotation_prefixes: &["service.beta.kubernetes.io/linode-loadbalancer-"],
    facts,
    default_lb: DefaultLb::Proxies("a Linode NodeBalancer opens its own TCP connection"),
    source: "linode/linode-cloud-controller-manager `cloud/linode/loadbalancers_helpers.go`",
    ..LbProvider::DEFAULT
};

const PROXY: &str = "service.beta.kubernetes.io/linode-loadbalancer-default-proxy-protocol";
/// The deprecated key, still read after the current one.
const PROXY_OLD: &str = "service.beta.kubernetes.io/linode-loadbalancer-proxy-protocol";
const PROTOCOL: &str = "service.beta.kubernetes.io/linode-loadbalancer-default-protocol";
const PORT_PREFIX: &str = "service.beta.kubernetes.io/linode-loadbalancer-port-";
const HOSTNAME_ONLY: &str = "service.beta.kubernetes.io/linode-loadbalancer-hostname-only-ingress";

fn facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    if !PROVIDER.shown(input) {
        return;
    }
    // The controller lower-cases the value: `V2` works.
    let (key, value) = match (input.get(PROXY), input.get(PROXY_OLD)) {
        (Some(v), _) => (PROXY, Some(v)),
        (None, Some(v)) => (PROXY_OLD, Some(v)),
        (None, None) => (PROXY, None),
    };
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        Some("v1" | "v2") => facts.sends_proxy = Some(key),
        Some("none") | None => {}
        Some(v) => facts.carrier_unknown = Some((key, format!("`{v}` is not a PROXY protocol version Linode knows"))),
    }
    if input.annotations.iter().any(|(k, v)| k.starts_with(PORT_PREFIX) && v.contains("proxy-protocol")) {
        facts.carrier_unknown = Some((
            PROXY,
            "a per-port `linode-loadbalancer-port-<N>` setting chooses PROXY protocol for some ports".into(),
        ));
    }
    if one_of(input, PROTOCOL, &["http", "https"]) {
        facts.adds_xff = Some(PROTOCOL);
    }
    if facts.sends_proxy.is_none() && facts.adds_xff.is_none() && facts.carrier_unknown.is_none() {
        facts.proxies = Some(Proxying {
            key: None,
            what: "a Linode NodeBalancer in TCP mode, which opens its own connection to the nodes",
            certain: true,
            unless: "",
        });
    }
    if facts.sends_proxy.is_some_and(|k| k == PROXY || k == PROXY_OLD)
        && !go_true(input, HOSTNAME_ONLY)
        && !input.status_ip_mode_proxy
    {
        facts.note(
            NoteKind::Hairpin,
            Severity::Warning,
            facts.sends_proxy,
            "gets PROXY protocol from a NodeBalancer whose status publishes its IP (the Linode controller sets no `ipMode`): kube-proxy routes in-cluster clients of that IP straight to the proxy, without a PROXY header, and the proxy rejects them (cert-manager's HTTP-01 self-check, for one)",
            "add `service.beta.kubernetes.io/linode-loadbalancer-hostname-only-ingress: \"true\"`, so the status carries only the hostname and in-cluster clients go through the NodeBalancer",
        );
    }
}
