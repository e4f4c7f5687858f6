//! QingCloud: yunify/qingcloud-cloud-controller-manager (`docs/configure.md`): listeners per
//! port, "get client IP" (X-Forwarded-For) on HTTP listeners.

use super::{LbFacts, LbInput, LbProvider, Proxying};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "qingcloud",
    title: "the QingCloud load balancer",
    annotation_prefixes: &["service.beta.kubernetes.io/qingcloud-"],
    facts,
    source: "yunify/qingcloud-cloud-controller-manager `docs/configure.md`",
    header_annotations: "service.beta.kubernetes.io/qingcloud-lb-listener-protocol: \"80:http\", service.beta.kubernetes.io/qingcloud-lb-listener-forwardfor: \"80:1\"",
    ..LbProvider::DEFAULT
};

/// `"<port>:1"` turns on "get client IP" (X-Forwarded-For) for a listener.
const FORWARDFOR: &str = "service.beta.kubernetes.io/qingcloud-lb-listener-forwardfor";
/// `"<port>:http"`: the listener's protocol.
const PROTOCOL: &str = "service.beta.kubernetes.io/qingcloud-lb-listener-protocol";
/// `"<port>:<bits>"`: bit 2 makes a TCP listener pass the client's address through.
const LISTENER_OPTION: &str = "service.beta.kubernetes.io/qingcloud-lb-listener-listeneroption";

/// `"80:1,443:0"` as (port, value) pairs.
fn per_port(value: &str) -> impl Iterator<Item = (&str, &str)> {
    value.split(',').filter_map(|pair| {
        let (port, v) = pair.split_once(':')?;
        Some((port.trim(), v.trim()))
    })
}

fn bits(value: &str, port: &str, bit: u32) -> bool {
    per_port(value).any(|(p, v)| p == port && v.parse::<u32>().is_ok_and(|b| b & bit == bit))
}

fn facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    if !PROVIDER.shown(input) {
        return;
    }
    let forwardfor = input.get(FORWARDFOR).unwrap_or_default();
    let protocols = input.get(PROTOCOL).unwrap_or_default();
    let options = input.get(LISTENER_OPTION).unwrap_or_default();
    let ports: Vec<String> = if input.ports.is_empty() {
        per_port(forwardfor).chain(per_port(options)).map(|(p, _)| p.to_owned()).collect()
    } else {
        input.tcp_ports().map(|p| p.port.to_string()).collect()
    };
    // X-Forwarded-For only on an HTTP listener whose "forwardfor" has the client-IP bit (a bit
    // mask: `value & 1`); bit 2 of "listeneroption" makes a TCP listener transparent.
    let http = |port: &str| per_port(protocols).any(|(p, proto)| p == port && proto.eq_ignore_ascii_case("http"));
    let header = |port: &str| http(port) && bits(forwardfor, port, 1);
    let through = |port: &str| bits(options, port, 2);
    if !ports.is_empty() && ports.iter().all(|p| header(p)) {
        facts.adds_xff = Some(FORWARDFOR);
    } else if !ports.is_empty() && ports.iter().all(|p| through(p)) {
        facts.passthrough = Some((LISTENER_OPTION, "a QingCloud listener that passes the client address through"));
    } else if ports.iter().all(|p| !header(p) && !through(p)) {
        facts.proxies = Some(Proxying {
            key: None,
            what: "a QingCloud load balancer whose listeners proxy connections (no `listeneroption` bit 2, no X-Forwarded-For)",
            certain: true,
            unless: "",
        });
    } else {
        facts.carrier_unknown =
            Some((FORWARDFOR, "the QingCloud listeners differ: some carry the client address, some do not".into()));
    }
}
