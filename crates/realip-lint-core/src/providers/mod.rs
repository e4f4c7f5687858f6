//! Load-balancer providers: the clouds' and bare-metal load balancers in front of a Service, one
//! file each, behind one registry ([`PROVIDERS`]). A provider says which annotations and classes
//! show it is present, what its load balancer does to the client address as far as a Service's
//! annotations tell ([`LbFacts`]), and what a plain `type: LoadBalancer` gets from it when
//! `cloud:` names it. Rules, the model and the trace ask the functions here and never name a
//! provider. Only what the annotations make certain is certain. The annotations are those that
//! reach the Service: a Service's own, or those a Gateway implementation copies onto the Service
//! it creates.
//!
//! Adding a provider: a file here with its `PROVIDER`, and one line in [`PROVIDERS`].

use crate::k8s::object::{ObjId, Object, Workload};

mod alibaba;
mod aws;
mod azure;
mod cilium;
mod cloudscale;
mod digitalocean;
mod gcp;
mod hetzner;
mod huawei;
mod k3s;
mod kind;
mod kube_vip;
mod linode;
mod metallb;
mod oci;
mod openstack;
mod qingcloud;
mod scaleway;
mod tencent;

/// Every provider, in the order `cloud:` lists them. [`LbFacts::of`] folds over them in this
/// order, a later provider's fact winning over an earlier one's (which matters only for a
/// Service that carries two providers' annotations).
pub static PROVIDERS: &[&LbProvider] = &[
    &aws::PROVIDER,
    &gcp::PROVIDER,
    &azure::PROVIDER,
    &digitalocean::PROVIDER,
    &hetzner::PROVIDER,
    &linode::PROVIDER,
    &oci::PROVIDER,
    &alibaba::PROVIDER,
    &tencent::PROVIDER,
    &huawei::PROVIDER,
    &qingcloud::PROVIDER,
    &openstack::PROVIDER,
    &scaleway::PROVIDER,
    &cloudscale::PROVIDER,
    &metallb::PROVIDER,
    &kube_vip::PROVIDER,
    &cilium::PROVIDER,
    &k3s::PROVIDER,
    &kind::PROVIDER,
];

/// The `cloud:` value that names no provider (the default).
pub const UNKNOWN: &str = "unknown";

/// One port of the Service, as a load balancer sees it.
#[derive(Debug, Clone, Default)]
pub struct LbPort {
    pub port: i32,
    /// `protocol: UDP` (or SCTP): no connection to proxy, and AWS keeps the source always.
    pub udp: bool,
    /// `appProtocol`, lower-cased (`http`, `https`, `kubernetes.io/h2c`).
    pub app_protocol: Option<String>,
}

/// What a provider reads of a Service: its annotations, class, traffic policy and ports.
pub struct LbInput<'a> {
    /// The annotations that reach the Service, key and value.
    pub annotations: Vec<(&'a str, &'a str)>,
    pub class: Option<&'a str>,
    /// `externalTrafficPolicy: Local`.
    pub local: bool,
    /// `externalTrafficPolicy: Cluster`, written or defaulted (not an invalid value).
    pub cluster: bool,
    /// The Service's ports (empty: not known, as for a Gateway's rendered Service).
    pub ports: &'a [LbPort],
    /// The manifest's `status.loadBalancer.ingress` already shows `ipMode: Proxy`.
    pub status_ip_mode_proxy: bool,
    /// The `cloud:` setting, if any.
    pub cloud: Option<&'a str>,
    /// Every object of the input (indexed by `ObjId`), for a provider's own config objects
    /// (MetalLB's pools and advertisements); shadowed ones are skipped.
    pub objects: &'a [Object],
}

impl<'a> LbInput<'a> {
    /// The value of an annotation, if set.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.annotations.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    fn tcp_ports(&self) -> impl Iterator<Item = &LbPort> {
        self.ports.iter().filter(|p| !p.udp)
    }

    /// The live objects of one of a provider's config kinds, with their ids.
    fn config_objects(&self, group: &'a str, kind: &'a str) -> impl Iterator<Item = (ObjId, &'a Object)> + 'a {
        self.objects.iter().enumerate().filter(move |(_, o)| !o.shadowed && o.kind == kind && o.group() == group)
    }
}

/// One load-balancer provider.
pub struct LbProvider {
    /// Its `cloud:` value in `.realip-lint.yaml`.
    pub name: &'static str,
    /// How messages name its load balancer (`a Hetzner Cloud load balancer`).
    pub title: &'static str,
    /// Prefixes of the annotation keys its controllers read from a Service (besides the shared
    /// [`KUBERNETES_PREFIXES`]), which show it is present.
    pub annotation_prefixes: &'static [&'static str],
    /// Prefixes of the `spec.loadBalancerClass` values its own controllers own: a Service with
    /// such a class still gets its load balancer (and its annotations are still read), while any
    /// other class hands the Service to another implementation.
    pub class_prefixes: &'static [&'static str],
    /// What its load balancer does to the client address, from the Service: it sets the facts
    /// its annotations make certain and leaves the others alone.
    pub facts: fn(&LbInput<'_>, &mut LbFacts),
    /// What a plain `type: LoadBalancer` without its annotations gets under `cloud: <name>`.
    pub default_lb: DefaultLb,
    /// Where its facts come from (the provider's controller code or docs), for the rules' manuals.
    pub source: &'static str,
    /// The Service annotations that make its load balancer add X-Forwarded-For for HTTP on port
    /// 80, as the entries of a YAML flow mapping (empty: none known).
    pub header_annotations: &'static str,
    /// Its config kinds read from their trees: (group, kind, plural).
    pub config_kinds: &'static [(&'static str, &'static str, &'static str)],
    /// Recognises the workload that announces its addresses from the nodes (MetalLB's speaker,
    /// kube-vip's DaemonSet); `None`: it has none in the cluster, or it is not recognised.
    pub announcer: Option<fn(&Object, &Workload) -> Option<Announcer>>,
}

impl std::fmt::Debug for LbProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl LbProvider {
    /// A provider that is only a name: no annotations, no classes, nothing known. Each provider
    /// writes `..LbProvider::DEFAULT` after what it knows, so a new field is one default here.
    pub const DEFAULT: LbProvider = LbProvider {
        name: "",
        title: "the load balancer",
        annotation_prefixes: &[],
        class_prefixes: &[],
        facts: |_, _| {},
        default_lb: DefaultLb::Unknown,
        source: "",
        header_annotations: "",
        config_kinds: &[],
        announcer: None,
    };

    /// Does an annotation key show this provider?
    fn shown_by(&self, key: &str) -> bool {
        self.annotation_prefixes.iter().any(|p| key.starts_with(p))
    }

    /// Does one of the Service's annotations belong to this provider?
    fn shown(&self, input: &LbInput<'_>) -> bool {
        input.annotations.iter().any(|(k, _)| self.shown_by(k))
    }

    /// Is this provider evidently in front of the Service: one of its annotations, or `cloud:`?
    fn evident(&self, input: &LbInput<'_>) -> bool {
        input.cloud == Some(self.name) || self.shown(input)
    }
}

/// A workload that announces a provider's addresses from the nodes it runs on. Under
/// `externalTrafficPolicy: Local` only nodes with a local endpoint announce, so the address is
/// announced only where it and the Service's pods share a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Announcer {
    /// It does not announce from Nodes labelled
    /// `node.kubernetes.io/exclude-from-external-load-balancers`.
    pub skips_excluded_nodes: bool,
}

/// One node answers for the Service's address (layer 2 announcement), so with `Local` all
/// traffic enters the pods of that one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneNode {
    /// Why, as a clause (`MetalLB announces its pool `lan` in layer 2 mode only`).
    pub why: String,
    /// The object that makes it so (the L2Advertisement).
    pub at: ObjId,
}

/// What a provider's default load balancer does with the client's connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultLb {
    /// Not known here: the trace assumes it passes the connection through, and says so.
    Unknown,
    /// It passes the connection through with the client's source address.
    Passthrough,
    /// It opens its own connection (a proxy): the source becomes the load balancer. The text
    /// says why, for the trace.
    Proxies(&'static str),
}

/// A load balancer that opens its own connection to the nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proxying {
    /// The annotation that makes it so (`None`: the provider's annotations as a whole).
    pub key: Option<&'static str>,
    /// What it is (`a Hetzner Cloud load balancer in TCP mode`).
    pub what: &'static str,
    /// The annotations settle it (else it depends on something outside the manifest, which
    /// `unless` names).
    pub certain: bool,
    pub unless: &'static str,
}

/// What a provider knows about one setting of a Service that a rule reports: the rules read
/// these by kind and never name a provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LbNote {
    pub kind: NoteKind,
    pub severity: crate::diagnostic::Severity,
    /// The annotation it is about (`None`: the Service's traffic policy).
    pub key: Option<String>,
    /// What happens, as a clause after the Service's name.
    pub message: String,
    pub help: String,
}

impl LbNote {
    /// What the note means for traffic through the load balancer, for the trace's hop (`None`:
    /// nothing that changes where traffic goes).
    pub fn trace_clause(&self) -> Option<&'static str> {
        use crate::diagnostic::Severity::{Error, Warning};
        match (self.kind, self.severity) {
            (NoteKind::LeaseWithLocal, _) => Some("never announced: kube-vip refuses a shared lease with `Local`"),
            (NoteKind::TcpHealthCheckLocal, Warning) => {
                Some("blackholed on nodes without pods: its TCP health check passes on every node")
            }
            (NoteKind::ProxyInstanceLocal, _) => {
                Some("targets fail their health checks, which carry a PROXY header kube-proxy does not parse")
            }
            (NoteKind::NeedsLocal, Error) => Some("no load balancer: the provider refuses the Service"),
            (NoteKind::Hairpin, _) => Some("in-cluster clients of its IP bypass it and send no PROXY header"),
            _ => None,
        }
    }
}

/// The kinds of [`LbNote`], one per rule that reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// A provider annotation that acts only with `externalTrafficPolicy: Local`, or that the
    /// provider refuses with the policy the Service has.
    NeedsLocal,
    /// A TCP health check on the health-check node port: every node passes it under `Local`.
    TcpHealthCheckLocal,
    /// PROXY protocol with instance targets and `Local`: the default HTTP health check fails.
    ProxyInstanceLocal,
    /// Client IP preservation turned off on instance targets.
    PreserveDisabled,
    /// A PROXY annotation the controller that owns the Service never reads.
    ProxyAnnotationIgnored,
    /// An annotation of another controller than the one that owns the Service.
    AnnotationIgnored,
    /// An HTTP health probe on `/` in front of a proxy that answers 404 there.
    ProbeDefaultPath,
    /// In-cluster clients reach the PROXY-protocol proxy without the load balancer's header.
    Hairpin,
    /// The announcer refuses the Service (kube-vip's common lease with `Local`).
    LeaseWithLocal,
}

/// A load balancer's behaviour as far as the Service tells.
#[derive(Debug, Clone, Default)]
pub struct LbFacts {
    /// The provider the Service itself shows (its class or an annotation of its own prefix).
    pub provider: Option<&'static LbProvider>,
    /// The annotation that makes the load balancer send PROXY protocol headers.
    pub sends_proxy: Option<&'static str>,
    /// The annotation that makes it an L7 load balancer adding X-Forwarded-For.
    pub adds_xff: Option<&'static str>,
    /// The annotation that sends traffic straight to pod IPs (no NodePort, no kube-proxy).
    pub direct_to_pod: Option<&'static str>,
    /// Pod-IP targets ([`LbFacts::direct_to_pod`]) keep the client's source address.
    pub pod_targets_keep_source: bool,
    /// The annotations show that the controller that reads the target type owns the Service
    /// (else the pod-IP targets are only likely).
    pub pod_targets_certain: bool,
    /// The annotation that makes it a known pass-through (L4) load balancer, and what it is.
    pub passthrough: Option<(&'static str, &'static str)>,
    /// A connection-terminating load balancer: without PROXY protocol or an HTTP header the
    /// client address is lost at it, whatever the traffic policy.
    pub proxies: Option<Proxying>,
    /// The annotation that turns client IP preservation off on a pass-through load balancer.
    pub source_dropped: Option<String>,
    /// An annotation that looks like a PROXY or header switch but whose effect the input does
    /// not settle (a value not understood, or a controller that may not read it): the carrier
    /// is unknown, and why.
    pub carrier_unknown: Option<(&'static str, String)>,
    /// A provider annotation whose key looks like a PROXY or client-IP header switch but is not
    /// one realip-lint knows (a misspelling, a newer key): what the load balancer sends is
    /// unknown, never "nothing".
    pub unknown_switch: Option<String>,
    /// With `Local`, the load balancer weights nodes by their pods (or binds only nodes with
    /// pods), so stacking pods on a node costs no balance: the annotation.
    pub weights_by_pods: Option<&'static str>,
    /// One node answers for the address (layer 2 mode, as the input's config objects show).
    pub one_node: Option<OneNode>,
    /// The provider evidently in front of the Service (an annotation of its own, or `cloud:`)
    /// whose announcing workload the input may hold.
    pub announced_by: Option<&'static LbProvider>,
    pub notes: Vec<LbNote>,
}

impl LbFacts {
    /// The facts of a Service: every provider's, in [`PROVIDERS`] order.
    pub fn of(input: &LbInput<'_>) -> Self {
        let mut facts = LbFacts { provider: shown_provider(input), ..LbFacts::default() };
        for provider in PROVIDERS {
            (provider.facts)(input, &mut facts);
        }
        facts.announced_by = PROVIDERS.iter().copied().find(|p| p.announcer.is_some() && p.evident(input));
        if facts.sends_proxy.is_none() && facts.adds_xff.is_none() && facts.carrier_unknown.is_none() {
            facts.unknown_switch = input
                .annotations
                .iter()
                .map(|(k, _)| *k)
                .find(|k| looks_like_switch(k) && !KNOWN_SWITCHES.contains(k))
                .map(str::to_owned);
        }
        // What a proxy does to UDP (no connection to terminate) is not modelled.
        if !input.ports.is_empty() && input.ports.iter().all(|p| p.udp) {
            facts.proxies = None;
        }
        facts
    }

    fn note(
        &mut self,
        kind: NoteKind,
        severity: crate::diagnostic::Severity,
        key: Option<&str>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.notes.push(LbNote {
            kind,
            severity,
            key: key.map(str::to_owned),
            message: message.into(),
            help: help.into(),
        });
    }
}

/// The PROXY and header switches the providers here read (see each provider's file); any other
/// provider key that looks like one is not understood.
const KNOWN_SWITCHES: &[&str] = &[
    "service.beta.kubernetes.io/aws-load-balancer-proxy-protocol",
    "service.beta.kubernetes.io/aws-load-balancer-proxy-protocol-per-target-group",
    "service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol",
    "load-balancer.hetzner.cloud/uses-proxyprotocol",
    "service.beta.kubernetes.io/linode-loadbalancer-default-proxy-protocol",
    "service.beta.kubernetes.io/linode-loadbalancer-proxy-protocol",
    "service.beta.kubernetes.io/oci-load-balancer-connection-proxy-protocol-version",
    "oci-network-load-balancer.oraclecloud.com/is-ppv2-enabled",
    "service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v1",
    "service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v2",
    "service.beta.kubernetes.io/scw-loadbalancer-send-proxy-v2",
    "loadbalancer.openstack.org/proxy-protocol",
    "loadbalancer.openstack.org/x-forwarded-for",
    "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-proxy-protocol",
    "service.beta.kubernetes.io/azure-pls-proxy-protocol",
    "service.beta.kubernetes.io/qingcloud-lb-listener-forwardfor",
    "k8s.cloudscale.ch/loadbalancer-pool-protocol",
];

/// Does a provider annotation key look like a PROXY protocol or X-Forwarded-For switch?
fn looks_like_switch(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    is_lb_annotation(key)
        && ["proxy-protocol", "proxyprotocol", "proxy_protocol", "send-proxy", "x-forwarded-for", "forwardfor"]
            .iter()
            .any(|w| k.contains(w))
}

/// The provider a Service shows by itself: its `loadBalancerClass`, else the first provider an
/// annotation key belongs to.
fn shown_provider(input: &LbInput<'_>) -> Option<&'static LbProvider> {
    if let Some(class) = input.class {
        return PROVIDERS.iter().copied().find(|p| p.class_prefixes.iter().any(|c| class.starts_with(c)));
    }
    PROVIDERS.iter().copied().find(|p| p.shown(input))
}

/// The prefixes Kubernetes gives cloud providers for their Service annotations, shared by many.
pub const KUBERNETES_PREFIXES: &[&str] = &["service.beta.kubernetes.io/", "service.kubernetes.io/"];

/// Is this annotation key one that a load-balancer provider reads from a Service?
pub fn is_lb_annotation(key: &str) -> bool {
    KUBERNETES_PREFIXES.iter().chain(PROVIDERS.iter().flat_map(|p| p.annotation_prefixes)).any(|p| key.starts_with(p))
}

/// Every provider's config kinds read from their trees: (group, kind, plural).
pub fn config_kinds() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    PROVIDERS.iter().flat_map(|p| p.config_kinds.iter().copied())
}

/// The images of a workload's containers (not its init containers).
fn images(w: &Workload) -> impl Iterator<Item = &str> {
    w.pod.containers.iter().filter_map(|c| c.image.as_deref())
}

/// Are these labels on the workload's pods or on the workload itself?
fn labelled(o: &Object, w: &Workload, pairs: &[(&str, &str)]) -> bool {
    [&o.labels, &w.pod_labels].iter().any(|l| pairs.iter().all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v)))
}

/// The `cloud:` values: [`UNKNOWN`], then every provider's name.
pub fn names() -> impl Iterator<Item = &'static str> {
    std::iter::once(UNKNOWN).chain(PROVIDERS.iter().map(|p| p.name))
}

/// The `cloud:` names of the providers whose default load balancer passes connections through
/// (`gcp, azure, …`).
pub fn passthrough_names() -> String {
    let t: Vec<&str> = PROVIDERS.iter().filter(|p| p.default_lb == DefaultLb::Passthrough).map(|p| p.name).collect();
    t.join(", ")
}

/// The `cloud:` names of the providers whose default load balancer opens its own connection.
pub fn proxying_names() -> String {
    let t: Vec<&str> =
        PROVIDERS.iter().filter(|p| matches!(p.default_lb, DefaultLb::Proxies(_))).map(|p| p.name).collect();
    t.join(", ")
}

/// The annotations that make the load balancer of this provider (else of `cloud:`) add
/// X-Forwarded-For, as a YAML flow mapping's entries ([`LbProvider::header_annotations`]).
pub fn header_annotations(provider: Option<&LbProvider>, cloud: Option<&str>) -> Option<&'static str> {
    provider
        .map(|p| p.name)
        .or(cloud)
        .and_then(|name| PROVIDERS.iter().find(|p| p.name == name))
        .map(|p| p.header_annotations)
        .filter(|a| !a.is_empty())
}

/// What a plain `type: LoadBalancer` gets under `cloud: <cloud>`.
pub fn default_lb(cloud: &str) -> DefaultLb {
    PROVIDERS.iter().find(|p| p.name == cloud).map_or(DefaultLb::Unknown, |p| p.default_lb)
}

/// Does a Service get a load balancer from the cloud whose annotations are read here? Only a
/// `LoadBalancer` Service does, and not when `spec.loadBalancerClass` hands it to another
/// implementation (the cloud-provider service controller skips a Service with a class; MetalLB,
/// Cilium's L2 announcer and the like create no cloud load balancer). The classes of the
/// clouds' own controllers ([`LbProvider::class_prefixes`]) still read the annotations.
pub fn cloud_load_balancer(svc_type: &str, class: Option<&str>) -> bool {
    svc_type == "LoadBalancer"
        && class.is_none_or(|c| PROVIDERS.iter().flat_map(|p| p.class_prefixes).any(|p| c.starts_with(p)))
}

/// Is the annotation's value, trimmed, one of these?
fn one_of(input: &LbInput<'_>, key: &str, values: &[&str]) -> bool {
    input.get(key).is_some_and(|v| values.contains(&v.trim()))
}

/// Go's `strconv.ParseBool` yielding true on the raw value (`1`, `t`, `T`, `TRUE`, `true`,
/// `True`; no trimming: `" true"` is an error there), as the DigitalOcean (`do/annotations.go`
/// `getBool`) and Hetzner (`annotation.Name.BoolFromService`) controllers read their switches.
fn go_true(input: &LbInput<'_>, key: &str) -> bool {
    input.get(key).is_some_and(|v| matches!(v, "1" | "t" | "T" | "TRUE" | "true" | "True"))
}

/// Go's `strconv.ParseBool`: the value, or `None` when the controller would refuse it.
fn go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(pairs: &[(&str, &str)]) -> LbFacts {
        LbFacts::of(&LbInput {
            annotations: pairs.to_vec(),
            class: None,
            local: true,
            cluster: false,
            ports: &[],
            status_ip_mode_proxy: false,
            cloud: None,
            objects: &[],
        })
    }

    #[test]
    fn cloud_values_are_the_registry_in_order() {
        let names: Vec<&str> = names().collect();
        assert_eq!(
            names.join(" "),
            "unknown aws gcp azure digitalocean hetzner linode oci alibaba tencent huawei qingcloud openstack scaleway cloudscale metallb kube-vip cilium k3s kind"
        );
        assert_eq!(default_lb("linode"), DefaultLb::Proxies("a Linode NodeBalancer opens its own TCP connection"));
        assert_eq!(default_lb("unknown"), DefaultLb::Unknown);
    }

    #[test]
    fn lb_annotations_and_classes() {
        for key in [
            "service.beta.kubernetes.io/x",
            "load-balancer.hetzner.cloud/type",
            "kubernetes.io/elb.id",
            "io.cilium/lb-ipam-ips",
        ] {
            assert!(is_lb_annotation(key), "{key}");
        }
        assert!(!is_lb_annotation("example.com/x"));
        assert!(cloud_load_balancer("LoadBalancer", None));
        assert!(cloud_load_balancer("LoadBalancer", Some("service.k8s.aws/nlb")));
        assert!(!cloud_load_balancer("LoadBalancer", Some("io.cilium/l2-announcer")));
        assert!(!cloud_load_balancer("NodePort", None));
    }

    #[test]
    fn facts_fold_over_the_providers() {
        let tg = "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes";
        let ip = [("service.beta.kubernetes.io/aws-load-balancer-nlb-target-type", "ip")];
        assert!(facts(&ip).direct_to_pod.is_some() && !facts(&ip).pod_targets_keep_source);
        let kept = facts(&[ip[0], (tg, "preserve_client_ip.enabled=true")]);
        assert!(kept.pod_targets_keep_source);
        let tke = facts(&[ip[0], ("service.cloud.tencent.com/direct-access", "true")]);
        assert_eq!(tke.direct_to_pod, Some("service.cloud.tencent.com/direct-access"));
        assert!(tke.pod_targets_keep_source);
        let proxy = facts(&[("service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol", "True")]);
        assert!(proxy.sends_proxy.is_some());
        let classic_http = [("service.beta.kubernetes.io/aws-load-balancer-backend-protocol", "http")];
        assert!(facts(&classic_http).adds_xff.is_some());
        let nlb_http = [classic_http[0], ("service.beta.kubernetes.io/aws-load-balancer-type", "nlb")];
        assert!(facts(&nlb_http).adds_xff.is_none() && facts(&nlb_http).passthrough.is_some());
    }

    #[test]
    fn providers_are_recognised_from_the_service() {
        let hetzner = facts(&[("load-balancer.hetzner.cloud/location", "fsn1")]);
        assert_eq!(hetzner.provider.map(|p| p.name), Some("hetzner"));
        assert!(hetzner.proxies.is_some_and(|p| !p.certain));
        let off = facts(&[("load-balancer.hetzner.cloud/uses-proxyprotocol", "false")]);
        assert!(off.proxies.is_some_and(|p| p.certain));
        // A switch the controller would refuse: unknown, never absent.
        let odd = facts(&[("load-balancer.hetzner.cloud/uses-proxyprotocol", "yes")]);
        assert!(odd.carrier_unknown.is_some() && odd.sends_proxy.is_none());
        // Spellings of PROXY protocol across providers.
        for (k, v) in [
            ("service.beta.kubernetes.io/oci-load-balancer-connection-proxy-protocol-version", "2"),
            ("service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v2", "*"),
            ("loadbalancer.openstack.org/proxy-protocol", "v1"),
            ("service.beta.kubernetes.io/alibaba-cloud-loadbalancer-proxy-protocol", "on"),
            ("service.beta.kubernetes.io/linode-loadbalancer-proxy-protocol", "V2"),
        ] {
            assert_eq!(facts(&[(k, v)]).sends_proxy, Some(k), "{k}: {v}");
        }
        let class = LbFacts::of(&LbInput {
            annotations: vec![],
            class: Some("service.k8s.aws/nlb"),
            local: true,
            cluster: false,
            ports: &[],
            status_ip_mode_proxy: false,
            cloud: Some("aws"),
            objects: &[],
        });
        assert_eq!(class.provider.map(|p| p.name), Some("aws"));
        assert!(class.passthrough.is_some() && class.proxies.is_none());
    }
}
