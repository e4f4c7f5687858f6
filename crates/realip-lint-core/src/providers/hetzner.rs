//! Hetzner Cloud: its cloud controller manager (`load-balancer.hetzner.cloud/*`,
//! hetznercloud/hcloud-cloud-controller-manager `hcloud/load_balancers.go`,
//! `docs/reference/load_balancer_annotations.md`).

use super::{DefaultLb, LbFacts, LbInput, LbProvider, Proxying, go_bool};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "hetzner",
    title: "the Hetzner Cloud load balancer",
    annotation_prefixes: &["load-balancer.hetzner.cloud/"],
    facts,
    default_lb: DefaultLb::Proxies("a Hetzner load balancer in TCP mode opens its own connection"),
    source: "hetznercloud/hcloud-cloud-controller-manager `hcloud/load_balancers.go`",
    ..LbProvider::DEFAULT
};

const PROXY: &str = "load-balancer.hetzner.cloud/uses-proxyprotocol";
const PROTOCOL: &str = "load-balancer.hetzner.cloud/protocol";

fn facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    if !PROVIDER.shown(input) {
        return;
    }
    match input.get(PROXY).map(go_bool) {
        Some(Some(true)) => facts.sends_proxy = Some(PROXY),
        Some(None) => {
            facts.carrier_unknown = Some((PROXY, "the value is not a boolean the Hetzner controller accepts".into()));
        }
        // Not written: the cluster default (`HCLOUD_LOAD_BALANCERS_USES_PROXYPROTOCOL`) decides.
        None => {}
        Some(Some(false)) => {}
    }
    match input.get(PROTOCOL).map(|v| v.trim().to_ascii_lowercase()) {
        // An HTTP(S) service adds X-Forwarded-For (hcloud-cloud-controller-manager#92, #171).
        Some(p) if (p == "http" || p == "https") && facts.sends_proxy.is_none() => facts.adds_xff = Some(PROTOCOL),
        _ if facts.sends_proxy.is_some() || facts.carrier_unknown.is_some() => {}
        _ => {
            let explicit_off = input.get(PROXY).map(go_bool) == Some(Some(false));
            facts.proxies = Some(Proxying {
                key: Some(if explicit_off { PROXY } else { PROTOCOL }),
                what: "a Hetzner Cloud load balancer in TCP mode, which opens its own connection to the nodes",
                certain: explicit_off,
                unless: "unless the cluster-wide default `HCLOUD_LOAD_BALANCERS_USES_PROXYPROTOCOL` turns PROXY protocol on",
            });
        }
    }
}
