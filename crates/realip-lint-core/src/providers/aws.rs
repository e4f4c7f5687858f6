//! AWS: the in-tree cloud provider (classic ELB, and NLB with `aws-load-balancer-type: nlb`)
//! and the AWS Load Balancer Controller (`loadBalancerClass: service.k8s.aws/nlb`, types
//! `external` and `nlb-ip`). Facts from kubernetes/cloud-provider-aws (`pkg/providers/v1/aws.go`,
//! `aws_loadbalancer.go`, `aws_validations.go`) and kubernetes-sigs/aws-load-balancer-controller
//! (`pkg/service/service_utils.go`, `model_build_target_group.go`, `docs/guide/service/annotations.md`).

use super::{DefaultLb, LbFacts, LbInput, LbProvider, NoteKind, Proxying, one_of};
use crate::diagnostic::Severity;

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "aws",
    title: "the AWS load balancer",
    annotation_prefixes: &["service.beta.kubernetes.io/aws-load-balancer-"],
    class_prefixes: &["service.k8s.aws/"],
    facts,
    default_lb: DefaultLb::Proxies(
        "the in-tree AWS load balancer is a classic ELB, which opens its own TCP connection, unless the AWS Load Balancer Controller's webhook made the Service an NLB",
    ),
    source: "kubernetes/cloud-provider-aws `pkg/providers/v1/aws.go`; kubernetes-sigs/aws-load-balancer-controller `docs/guide/service/annotations.md`",
    header_annotations: "",
    ..LbProvider::DEFAULT
};

const PROXY: &str = "service.beta.kubernetes.io/aws-load-balancer-proxy-protocol";
const PROXY_PER_TG: &str = "service.beta.kubernetes.io/aws-load-balancer-proxy-protocol-per-target-group";
const TARGET_GROUP: &str = "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes";
const BACKEND_PROTOCOL: &str = "service.beta.kubernetes.io/aws-load-balancer-backend-protocol";
const TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-type";
const TARGET_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";
const HC_PROTOCOL: &str = "service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol";
const HC_PORT: &str = "service.beta.kubernetes.io/aws-load-balancer-healthcheck-port";
const SCHEME: &str = "service.beta.kubernetes.io/aws-load-balancer-scheme";

/// Which controller builds the load balancer, as the Service shows it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// The in-tree provider's classic ELB (no type annotation, no class).
    Classic,
    /// The in-tree provider's NLB (`aws-load-balancer-type: nlb`), instance targets.
    InTreeNlb,
    /// The AWS Load Balancer Controller, with IP or instance targets.
    Controller { ip: bool },
    /// `external` without a target type: neither controller reconciles it.
    Nobody,
}

fn owner(input: &LbInput<'_>) -> Option<Owner> {
    let ty = input.get(TYPE).map(str::trim);
    let target = input.get(TARGET_TYPE).map(str::trim);
    if input.class.is_some() {
        // `cloud_load_balancer` lets only the Load Balancer Controller's own classes through.
        return Some(Owner::Controller { ip: ty == Some("nlb-ip") || target == Some("ip") });
    }
    match ty {
        Some("nlb-ip") => Some(Owner::Controller { ip: true }),
        Some("external") => match target {
            Some("ip") => Some(Owner::Controller { ip: true }),
            Some("instance") => Some(Owner::Controller { ip: false }),
            _ => Some(Owner::Nobody),
        },
        Some("nlb") => Some(Owner::InTreeNlb),
        None if PROVIDER.shown(input) => Some(Owner::Classic),
        _ => None,
    }
}

/// `key=value` pairs of a target-group attributes annotation.
fn attribute(attributes: Option<&str>, key: &str) -> Option<bool> {
    attributes?.split(',').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k.trim() == key).then(|| v.trim() == "true")
    })
}

/// One TCP port's target group, as the Load Balancer Controller builds it.
struct TargetGroup<'a> {
    /// The annotation that decides its client IP preservation, and its value.
    preserve: Option<(&'a str, bool)>,
    /// The annotation that turns PROXY protocol v2 on for it.
    proxy: Option<&'static str>,
}

fn target_group<'a>(input: &LbInput<'a>, port: Option<i32>, in_tree: bool) -> TargetGroup<'a> {
    let global = input.get(TARGET_GROUP);
    // Per-port attributes win; an empty value keeps the global ones (the in-tree provider reads
    // only the global annotation).
    let per_port = port
        .filter(|_| !in_tree)
        .and_then(|p| {
            let key = format!("{TARGET_GROUP}.{p}");
            input.annotations.iter().find(|(k, _)| *k == key).copied()
        })
        .filter(|(_, v)| !v.trim().is_empty());
    let preserve = per_port
        .and_then(|(k, v)| Some((k, attribute(Some(v), "preserve_client_ip.enabled")?)))
        .or_else(|| Some((TARGET_GROUP, attribute(global, "preserve_client_ip.enabled")?)));
    let listed = |list: &str| port.is_some_and(|p| list.split(',').any(|x| x.trim() == p.to_string()));
    let proxy = if !in_tree && one_of(input, PROXY, &["*"]) {
        Some(PROXY)
    } else if !in_tree && input.get(PROXY_PER_TG).is_some_and(listed) {
        Some(PROXY_PER_TG)
    } else if per_port
        .and_then(|(_, v)| attribute(Some(v), "proxy_protocol_v2.enabled"))
        .or_else(|| attribute(global, "proxy_protocol_v2.enabled"))
        == Some(true)
    {
        Some(TARGET_GROUP)
    } else {
        None
    };
    TargetGroup { preserve, proxy }
}

fn facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    let Some(owner) = owner(input) else { return };
    match owner {
        Owner::Classic => classic(input, facts),
        Owner::Nobody => {
            facts.carrier_unknown = Some((
                TYPE,
                "`aws-load-balancer-type: external` without `aws-load-balancer-nlb-target-type` is reconciled by neither AWS controller, unless the Load Balancer Controller's webhook gives the Service its class".into(),
            ));
        }
        Owner::InTreeNlb | Owner::Controller { .. } => nlb(input, facts, owner),
    }
}

fn classic(input: &LbInput<'_>, facts: &mut LbFacts) {
    if one_of(input, TARGET_TYPE, &["ip"]) {
        // Only the AWS Load Balancer Controller reads the target type: pod-IP targets if its
        // webhook adopted the Service, a classic ELB if not.
        facts.direct_to_pod = Some(TARGET_TYPE);
        facts.pod_targets_keep_source = one_of(input, PROXY, &["*"])
            || attribute(input.get(TARGET_GROUP), "preserve_client_ip.enabled") == Some(true)
            || attribute(input.get(TARGET_GROUP), "proxy_protocol_v2.enabled") == Some(true);
        return;
    }
    match input.get(PROXY).map(str::trim) {
        Some("*") => facts.sends_proxy = Some(PROXY),
        Some(v) => {
            facts.carrier_unknown = Some((
                PROXY,
                format!("`aws-load-balancer-proxy-protocol: {v}`: the only value AWS accepts is `\"*\"`"),
            ));
        }
        None => {}
    }
    if one_of(input, BACKEND_PROTOCOL, &["http", "https"]) {
        facts.adds_xff = Some(BACKEND_PROTOCOL);
    }
    if facts.sends_proxy.is_none() && facts.adds_xff.is_none() {
        facts.proxies = Some(Proxying {
            key: None,
            what: "a classic ELB (no `aws-load-balancer-type`), which opens its own TCP connection",
            certain: false,
            unless: "unless the AWS Load Balancer Controller's webhook gave the Service `loadBalancerClass: service.k8s.aws/nlb` when it was created (the NLB then passes connections through)",
        });
    }
}

fn nlb(input: &LbInput<'_>, facts: &mut LbFacts, owner: Owner) {
    let in_tree = owner == Owner::InTreeNlb;
    let ports: Vec<Option<i32>> =
        if input.ports.is_empty() { vec![None] } else { input.tcp_ports().map(|p| Some(p.port)).collect() };
    let groups: Vec<TargetGroup<'_>> = ports.iter().map(|p| target_group(input, *p, in_tree)).collect();
    let proxy_on_all = !groups.is_empty() && groups.iter().all(|g| g.proxy.is_some());
    let proxy_on_some = groups.iter().find_map(|g| g.proxy);
    match (proxy_on_all, proxy_on_some) {
        (true, Some(k)) => facts.sends_proxy = Some(k),
        (false, Some(k)) => {
            facts.carrier_unknown = Some((k, "PROXY protocol is on for some of the Service's TCP ports only".into()));
        }
        _ => {}
    }
    if in_tree && input.get(PROXY).is_some() && facts.sends_proxy.is_none() {
        facts.carrier_unknown = Some((
            PROXY,
            "the in-tree AWS provider ignores `aws-load-balancer-proxy-protocol` on an NLB; only the AWS Load Balancer Controller reads it, if its webhook adopted the Service".into(),
        ));
        facts.note(
            NoteKind::ProxyAnnotationIgnored,
            Severity::Info,
            Some(PROXY),
            "is an NLB of the in-tree AWS provider (`aws-load-balancer-type: nlb`, no `loadBalancerClass`), which never reads `aws-load-balancer-proxy-protocol`: no PROXY header is sent unless the AWS Load Balancer Controller's webhook adopted the Service",
            "let the AWS Load Balancer Controller own it (`spec.loadBalancerClass: service.k8s.aws/nlb`, or `aws-load-balancer-type: external` with `aws-load-balancer-nlb-target-type: instance`), or turn PROXY v2 on with `service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: proxy_protocol_v2.enabled=true` (cloud-provider-aws v1.34+)",
        );
    }
    if in_tree && input.get(SCHEME).map(str::trim) == Some("internal") {
        facts.note(
            NoteKind::AnnotationIgnored,
            Severity::Warning,
            Some(SCHEME),
            "asks for an internal NLB with `aws-load-balancer-scheme`, which only the AWS Load Balancer Controller reads; `aws-load-balancer-type: nlb` hands the Service to the in-tree provider, which builds an internet-facing NLB (unless the controller's webhook adopted the Service when it was created)",
            "use the in-tree key `service.beta.kubernetes.io/aws-load-balancer-internal: \"true\"`, or let the AWS Load Balancer Controller own the Service (`spec.loadBalancerClass: service.k8s.aws/nlb`)",
        );
    }
    let type_key = if input.get(TYPE).is_some() { TYPE } else { TARGET_TYPE };
    if owner == (Owner::Controller { ip: true }) {
        facts.direct_to_pod = Some(if input.get(TARGET_TYPE).is_some() { TARGET_TYPE } else { TYPE });
        facts.pod_targets_certain = true;
        // UDP keeps the source always; TCP only with preservation or PROXY.
        facts.pod_targets_keep_source = groups.iter().all(|g| g.proxy.is_some() || g.preserve.is_some_and(|(_, v)| v));
        return;
    }
    if in_tree && one_of(input, TARGET_TYPE, &["ip"]) {
        // The in-tree provider ignores the target type; the Load Balancer Controller, if its
        // webhook adopted the Service, would target pod IPs.
        facts.direct_to_pod = Some(TARGET_TYPE);
        facts.pod_targets_certain = false;
        facts.pod_targets_keep_source = groups.iter().all(|g| g.proxy.is_some() || g.preserve.is_some_and(|(_, v)| v));
        return;
    }
    facts.passthrough = Some((
        type_key,
        if in_tree {
            "an AWS Network Load Balancer (instance targets)"
        } else {
            "an AWS Network Load Balancer of the AWS Load Balancer Controller (instance targets)"
        },
    ));
    // Instance targets keep the source unless preservation is turned off.
    if let Some((key, _)) = groups.iter().filter(|g| g.proxy.is_none()).find_map(|g| g.preserve.filter(|(_, v)| !v)) {
        facts.source_dropped = Some(key.to_owned());
        facts.note(
            NoteKind::PreserveDisabled,
            Severity::Warning,
            Some(key),
            "turns client IP preservation off (`preserve_client_ip.enabled=false`) on an NLB with instance targets and no PROXY protocol: the pods see the load balancer's private addresses, and `externalTrafficPolicy: Local` cannot bring the client back",
            "remove `preserve_client_ip.enabled=false` (instance targets preserve the client by default), or turn PROXY protocol v2 on at both ends",
        );
    }
    health_checks(input, facts, in_tree);
}

/// Instance targets under `Local`: what the health check sees.
fn health_checks(input: &LbInput<'_>, facts: &mut LbFacts, in_tree: bool) {
    if !input.local {
        return;
    }
    let protocol = input.get(HC_PROTOCOL).map(|v| v.trim().to_ascii_lowercase());
    let port = input.get(HC_PORT).map(str::trim);
    if protocol.as_deref() == Some("tcp") {
        let (severity, why) = match port {
            None => (
                Severity::Warning,
                "a TCP health check on the health-check node port passes on every node, because kube-proxy listens there on all of them and answers 503 only over HTTP: nodes without a pod stay in service and drop what they receive",
            ),
            Some(_) => (
                Severity::Info,
                "a TCP health check on the traffic port fails on nodes without a pod only by dropping, and drains lose kube-proxy's signal for terminating endpoints",
            ),
        };
        facts.note(
            NoteKind::TcpHealthCheckLocal,
            severity,
            Some(HC_PROTOCOL),
            format!("has `externalTrafficPolicy: Local` and `aws-load-balancer-healthcheck-protocol: tcp`: {why}"),
            "remove `aws-load-balancer-healthcheck-protocol` (and `-healthcheck-port`): with `Local` the default is HTTP on the health-check node port, which fails on nodes without a ready pod",
        );
    }
    let overridden = protocol.is_some() || port.is_some();
    if facts.sends_proxy.is_some() && !overridden {
        let via = if in_tree { "the in-tree provider's" } else { "the AWS Load Balancer Controller's" };
        facts.note(
            NoteKind::ProxyInstanceLocal,
            Severity::Warning,
            facts.sends_proxy,
            format!(
                "sends PROXY protocol v2 to instance targets with `externalTrafficPolicy: Local`: {via} default health check (HTTP to kube-proxy's health-check node port) then also carries a PROXY header, which kube-proxy does not parse, so targets fail their checks (the AWS Load Balancer Controller's docs advise against this combination)"
            ),
            "use IP targets (`aws-load-balancer-nlb-target-type: ip`) with PROXY protocol, or keep instance targets with `Local` and drop PROXY protocol (instance targets keep the client's address)",
        );
    }
}
