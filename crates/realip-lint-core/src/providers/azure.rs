//! Azure: kubernetes-sigs/cloud-provider-azure (`pkg/provider/azure_loadbalancer.go`
//! `getExpectedLBRules`, `azure_loadbalancer_healthprobe.go` `buildHealthProbeRulesForPort`,
//! `pkg/consts/consts.go`).

use super::{DefaultLb, LbFacts, LbInput, LbProvider, NoteKind, one_of};
use crate::diagnostic::Severity;

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "azure",
    title: "the Azure load balancer",
    annotation_prefixes: &["service.beta.kubernetes.io/azure-", "service.beta.kubernetes.io/port_"],
    facts,
    // The Azure Standard Load Balancer passes connections through (floating IP).
    default_lb: DefaultLb::Passthrough,
    source: "kubernetes-sigs/cloud-provider-azure `pkg/provider/azure_loadbalancer_healthprobe.go`",
    ..LbProvider::DEFAULT
};

/// PROXY protocol on a Private Link Service in front of the load balancer.
const PLS_PROXY: &str = "service.beta.kubernetes.io/azure-pls-proxy-protocol";
const PROBE_PROTOCOL: &str = "service.beta.kubernetes.io/azure-load-balancer-health-probe-protocol";
const PROBE_PATH: &str = "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path";

fn facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    if one_of(input, PLS_PROXY, &["true"]) {
        facts.sends_proxy = Some(PLS_PROXY);
        if !input.status_ip_mode_proxy {
            facts.note(
                NoteKind::Hairpin,
                Severity::Warning,
                Some(PLS_PROXY),
                "gets PROXY protocol only from the Private Link Service: clients of the load balancer's own address (in the cluster or the VNet) reach the proxy without a PROXY header, and a proxy that requires one rejects them",
                "serve Private Link consumers from a separate Service (its own load balancer) with PROXY protocol, and keep this one without it",
            );
        }
    }
    if input.cluster && PROVIDER.evident(input) {
        probe_paths(input, facts);
    }
}

/// Under `Cluster`, each port gets its own probe on the node port; an HTTP(S) probe without a
/// path asks for `/`.
fn probe_paths(input: &LbInput<'_>, facts: &mut LbFacts) {
    let global_protocol = input.get(PROBE_PROTOCOL).map(|v| v.trim().to_ascii_lowercase());
    for port in input.tcp_ports() {
        let n = port.port;
        let key = |what: &str| format!("service.beta.kubernetes.io/port_{n}_{what}");
        if input.get(&key("no_probe_rule")).is_some_and(|v| v.trim() == "true") {
            continue;
        }
        // `port_<N>_health-probe_protocol` > the port's appProtocol > the global annotation > TCP.
        let (protocol, from) = match input.get(&key("health-probe_protocol")) {
            Some(p) => (p.trim().to_ascii_lowercase(), Some(key("health-probe_protocol"))),
            None => match (&port.app_protocol, &global_protocol) {
                (Some(a), _) => (a.clone(), None),
                (None, Some(g)) => (g.clone(), Some(PROBE_PROTOCOL.to_owned())),
                (None, None) => continue,
            },
        };
        if protocol != "http" && protocol != "https" {
            continue;
        }
        if input.get(&key("health-probe_request-path")).is_some() || input.get(PROBE_PATH).is_some() {
            continue;
        }
        let by = from.as_deref().map_or_else(|| format!("`appProtocol: {protocol}` on port {n}"), |k| format!("`{k}`"));
        facts.note(
            NoteKind::ProbeDefaultPath,
            Severity::Info,
            from.as_deref(),
            format!(
                "gets an {} health probe on port {n}'s node port ({by}) with no request path, so Azure probes `/` and counts only a 200 as healthy",
                protocol.to_uppercase()
            ),
            format!(
                "add `service.beta.kubernetes.io/port_{n}_health-probe_request-path: /healthz` (a path the backend answers with 200), or set `externalTrafficPolicy: Local` (Azure then probes kube-proxy's health-check node port)"
            ),
        );
    }
}
