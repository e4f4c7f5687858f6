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

mod alibaba;
mod aws;
mod azure;
mod cilium;
mod cloudscale;
mod digitalocean;
mod gcp;
mod hetzner;
mod huawei;
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
];

/// The `cloud:` value that names no provider (the default).
pub const UNKNOWN: &str = "unknown";

/// A Service's annotations as a provider reads them: the value of a key, if set.
pub type Annotations<'a> = dyn Fn(&str) -> Option<&'a str> + 'a;

/// One load-balancer provider.
pub struct LbProvider {
    /// Its `cloud:` value in `.realip-lint.yaml`.
    pub name: &'static str,
    /// Prefixes of the annotation keys its controllers read from a Service (besides the shared
    /// [`KUBERNETES_PREFIXES`]), which show it is present.
    pub annotation_prefixes: &'static [&'static str],
    /// Prefixes of the `spec.loadBalancerClass` values its own controllers own: a Service with
    /// such a class still gets its load balancer (and its annotations are still read), while any
    /// other class hands the Service to another implementation.
    pub class_prefixes: &'static [&'static str],
    /// What its load balancer does to the client address, from the Service's annotations: it
    /// sets the facts its annotations make certain and leaves the others alone.
    pub facts: fn(&Annotations<'_>, &mut LbFacts),
    /// What a plain `type: LoadBalancer` without its annotations gets under `cloud: <name>`.
    pub default_lb: DefaultLb,
}

impl LbProvider {
    /// A provider that is only a name: no annotations, no classes, nothing known. Each provider
    /// writes `..LbProvider::DEFAULT` after what it knows, so a new field is one default here.
    pub const DEFAULT: LbProvider = LbProvider {
        name: "",
        annotation_prefixes: &[],
        class_prefixes: &[],
        facts: |_, _| {},
        default_lb: DefaultLb::Unknown,
    };
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

/// A load balancer's behaviour as far as the Service's annotations tell.
#[derive(Debug, Clone, Default)]
pub struct LbFacts {
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
}

impl LbFacts {
    /// The facts of a Service's annotations, every provider's in [`PROVIDERS`] order.
    pub fn of<'a>(annotation: impl Fn(&str) -> Option<&'a str> + 'a) -> Self {
        let mut facts = LbFacts::default();
        for provider in PROVIDERS {
            (provider.facts)(&annotation, &mut facts);
        }
        facts
    }
}

/// The prefixes Kubernetes gives cloud providers for their Service annotations, shared by many.
pub const KUBERNETES_PREFIXES: &[&str] = &["service.beta.kubernetes.io/", "service.kubernetes.io/"];

/// Is this annotation key one that a load-balancer provider reads from a Service?
pub fn is_lb_annotation(key: &str) -> bool {
    KUBERNETES_PREFIXES.iter().chain(PROVIDERS.iter().flat_map(|p| p.annotation_prefixes)).any(|p| key.starts_with(p))
}

/// The `cloud:` values: [`UNKNOWN`], then every provider's name.
pub fn names() -> impl Iterator<Item = &'static str> {
    std::iter::once(UNKNOWN).chain(PROVIDERS.iter().map(|p| p.name))
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
fn one_of(annotation: &Annotations<'_>, key: &str, values: &[&str]) -> bool {
    annotation(key).is_some_and(|v| values.contains(&v.trim()))
}

/// Go's `strconv.ParseBool` yielding true on the raw value (`1`, `t`, `T`, `TRUE`, `true`,
/// `True`; no trimming: `" true"` is an error there), as the DigitalOcean (`do/annotations.go`
/// `getBool`) and Hetzner (`annotation.Name.BoolFromService`) controllers read their switches.
fn go_true(annotation: &Annotations<'_>, key: &str) -> bool {
    annotation(key).is_some_and(|v| matches!(v, "1" | "t" | "T" | "TRUE" | "true" | "True"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(pairs: &[(&str, &str)]) -> LbFacts {
        LbFacts::of(|k| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| *v))
    }

    #[test]
    fn cloud_values_are_the_registry_in_order() {
        let names: Vec<&str> = names().collect();
        assert_eq!(
            names.join(" "),
            "unknown aws gcp azure digitalocean hetzner linode oci alibaba tencent huawei qingcloud openstack scaleway cloudscale metallb kube-vip cilium"
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
}
