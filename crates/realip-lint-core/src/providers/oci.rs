//! Oracle Cloud (OKE): its cloud controller manager, for the flexible load balancer (`lb`, the
//! default) and the network load balancer (`nlb`) (oracle/oci-cloud-controller-manager
//! `pkg/cloudprovider/providers/oci/load_balancer_spec.go`).

use super::{LbFacts, LbInput, LbProvider, NoteKind, Proxying, go_bool, go_true};
use crate::diagnostic::Severity;

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "oci",
    title: "the OCI load balancer",
    annotation_prefixes: &[
        "oci.oraclecloud.com/",
        "oci-network-load-balancer.oraclecloud.com/",
        "service.beta.kubernetes.io/oci-load-balancer-",
    ],
    facts,
    source: "oracle/oci-cloud-controller-manager `pkg/cloudprovider/providers/oci/load_balancer_spec.go`",
    ..LbProvider::DEFAULT
};

const TYPE: &str = "oci.oraclecloud.com/load-balancer-type";
const LB_PROXY: &str = "service.beta.kubernetes.io/oci-load-balancer-connection-proxy-protocol-version";
const LB_BACKEND_PROTOCOL: &str = "service.beta.kubernetes.io/oci-load-balancer-backend-protocol";
const NLB_PRESERVE: &str = "oci-network-load-balancer.oraclecloud.com/is-preserve-source";
const NLB_PROXY: &str = "oci-network-load-balancer.oraclecloud.com/is-ppv2-enabled";
const IP_MODE: &str = "oci.oraclecloud.com/ingress-ip-mode";

fn facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    if !PROVIDER.shown(input) {
        return;
    }
    let ty = input.get(TYPE).map(str::trim);
    // `getPreserveSource` compares the type to `nlb` exactly.
    let nlb = ty == Some("nlb");
    if nlb {
        nlb_facts(input, facts);
    } else if ty.is_some_and(|t| t.eq_ignore_ascii_case("nlb")) {
        facts.carrier_unknown = Some((
            TYPE,
            format!(
                "`{TYPE}: {}` makes an NLB, but the controller reads `is-preserve-source` only for the exact value `nlb`",
                ty.unwrap_or_default()
            ),
        ));
    } else {
        lb_facts(input, facts);
    }
    if input.get(NLB_PRESERVE).is_some() && !nlb {
        facts.note(
            NoteKind::NeedsLocal,
            Severity::Info,
            Some(NLB_PRESERVE),
            "sets `is-preserve-source`, which the OCI controller reads only for a network load balancer (`oci.oraclecloud.com/load-balancer-type: nlb`): here it does nothing",
            "remove it, or make the load balancer an NLB (`oci.oraclecloud.com/load-balancer-type: nlb`) with `externalTrafficPolicy: Local`",
        );
    }
    let ip_mode_proxy = input.get(IP_MODE).is_some_and(|v| v.trim().eq_ignore_ascii_case("proxy"));
    if facts.sends_proxy.is_some_and(|k| k == LB_PROXY || k == NLB_PROXY)
        && !ip_mode_proxy
        && !input.status_ip_mode_proxy
    {
        facts.note(
            NoteKind::Hairpin,
            Severity::Warning,
            facts.sends_proxy,
            "gets PROXY protocol from an OCI load balancer whose status publishes its IP in `VIP` mode: kube-proxy routes in-cluster clients of that IP straight to the proxy, without a PROXY header, and the proxy rejects them",
            "add `oci.oraclecloud.com/ingress-ip-mode: proxy` (Kubernetes 1.30+), so in-cluster clients of the IP go through the load balancer",
        );
    }
}

fn lb_facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    if let Some(v) = input.get(LB_PROXY) {
        if matches!(v.trim(), "1" | "2") {
            facts.sends_proxy = Some(LB_PROXY);
        } else {
            facts.carrier_unknown = Some((LB_PROXY, format!("`{v}` is not a PROXY protocol version (1 or 2)")));
        }
    }
    if input.get(LB_BACKEND_PROTOCOL).is_some_and(|v| v.trim().eq_ignore_ascii_case("http")) {
        // An HTTP listener always adds X-Forwarded-For (OCI's "HTTP Headers" docs).
        facts.adds_xff = Some(LB_BACKEND_PROTOCOL);
    }
    if facts.sends_proxy.is_none() && facts.adds_xff.is_none() && facts.carrier_unknown.is_none() {
        facts.proxies = Some(Proxying {
            key: input.get(TYPE).map(|_| TYPE),
            what: "an OCI flexible load balancer (`lb`, the default type) with a TCP backend set, which opens its own connection to the nodes",
            certain: true,
            unless: "",
        });
    }
}

fn nlb_facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    if go_true(input, NLB_PROXY) {
        facts.sends_proxy = Some(NLB_PROXY);
    }
    match input.get(NLB_PRESERVE) {
        Some(_) if input.cluster => facts.note(
            NoteKind::NeedsLocal,
            Severity::Error,
            Some(NLB_PRESERVE),
            "sets `is-preserve-source` on a network load balancer with `externalTrafficPolicy: Cluster`: the OCI controller refuses any value there (\"annotation cannot be set when externalTrafficPolicy is set to Cluster\"), so no load balancer is created",
            "remove the annotation, or set `externalTrafficPolicy: Local` (where source preservation is the default)",
        ),
        Some(v) if go_bool(v.trim()).is_none() => facts.note(
            NoteKind::NeedsLocal,
            Severity::Error,
            Some(NLB_PRESERVE),
            format!("sets `is-preserve-source: {v}`, which is not a boolean: the OCI controller refuses the Service"),
            "write `\"true\"` or `\"false\"`",
        ),
        Some(v) if go_bool(v.trim()) == Some(false) && facts.sends_proxy.is_none() => {
            facts.source_dropped = Some(NLB_PRESERVE.to_owned());
        }
        _ => {}
    }
    facts.passthrough = Some((TYPE, "an OCI network load balancer"));
}
