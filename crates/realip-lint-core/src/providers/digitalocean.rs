//! DigitalOcean: its cloud controller manager (`service.beta.kubernetes.io/do-loadbalancer-*`,
//! digitalocean/digitalocean-cloud-controller-manager `cloud-controller-manager/do/loadbalancers.go`,
//! `annotations.go`, `docs/controllers/services/annotations.md`).

use super::{DefaultLb, LbFacts, LbInput, LbProvider, NoteKind, Proxying, go_bool, one_of};
use crate::diagnostic::Severity;

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "digitalocean",
    title: "the DigitalOcean load balancer",
    annotation_prefixes: &["service.beta.kubernetes.io/do-loadbalancer-"],
    facts,
    // The controller's default type is `REGIONAL_NETWORK` (a pass-through network load
    // balancer) since v0.1.61.
    default_lb: DefaultLb::Passthrough,
    source: "digitalocean/digitalocean-cloud-controller-manager `do/loadbalancers.go`",
    ..LbProvider::DEFAULT
};

const PROXY: &str = "service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol";
const TYPE: &str = "service.beta.kubernetes.io/do-loadbalancer-type";
const PROTOCOL: &str = "service.beta.kubernetes.io/do-loadbalancer-protocol";
const TLS_PASSTHROUGH: &str = "service.beta.kubernetes.io/do-loadbalancer-tls-passthrough";
const STICKY: &str = "service.beta.kubernetes.io/do-loadbalancer-sticky-sessions-type";
const HOSTNAME: &str = "service.beta.kubernetes.io/do-loadbalancer-hostname";

fn facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    match input.get(PROXY).map(go_bool) {
        Some(Some(true)) => facts.sends_proxy = Some(PROXY),
        Some(None) => {
            facts.carrier_unknown = Some((
                PROXY,
                "the value is not a boolean (`strconv.ParseBool`): the DigitalOcean controller refuses the Service"
                    .into(),
            ));
        }
        _ => {}
    }
    if one_of(input, TYPE, &["REGIONAL_NETWORK"]) {
        facts.passthrough = Some((TYPE, "a DigitalOcean regional network load balancer"));
    } else if one_of(input, TYPE, &["REGIONAL"]) && facts.sends_proxy.is_none() {
        let http = input.get(PROTOCOL).map(|v| v.trim().to_ascii_lowercase()).is_some_and(|p| p.starts_with("http"));
        let passthrough_tls = input.get(TLS_PASSTHROUGH).map(go_bool) == Some(Some(true));
        if http && !passthrough_tls {
            // HTTP forwarding rules add X-Forwarded-For (DigitalOcean's load balancer docs).
            facts.adds_xff = Some(PROTOCOL);
        } else {
            facts.proxies = Some(Proxying {
                key: Some(TYPE),
                what: "a DigitalOcean regional load balancer (`REGIONAL`), which terminates the connection and opens its own to the node port",
                certain: true,
                unless: "",
            });
        }
    }
    if one_of(input, STICKY, &["cookies"]) && input.cluster {
        facts.note(
            NoteKind::NeedsLocal,
            Severity::Warning,
            Some(STICKY),
            "sets cookie sticky sessions, which DigitalOcean documents as requiring `externalTrafficPolicy: Local`: under `Cluster` the cookie pins a node, kube-proxy then picks any pod, and the pod sees the node's address",
            "set `externalTrafficPolicy: Local` (with the pods spread across nodes), or drop sticky sessions",
        );
    }
    if facts.sends_proxy == Some(PROXY) && input.get(HOSTNAME).is_none() && !input.status_ip_mode_proxy {
        facts.note(
            NoteKind::Hairpin,
            Severity::Warning,
            facts.sends_proxy,
            "gets PROXY protocol from a DigitalOcean load balancer whose status publishes its IP (the controller sets no `ipMode`): kube-proxy routes in-cluster clients of that IP straight to the proxy, without a PROXY header, and the proxy rejects them (cert-manager's HTTP-01 self-check, for one)",
            "add `service.beta.kubernetes.io/do-loadbalancer-hostname: <a DNS name pointing at the load balancer>`, so the status carries the hostname and in-cluster clients go through the load balancer",
        );
    }
}
