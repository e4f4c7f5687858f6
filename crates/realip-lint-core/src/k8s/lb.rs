//! What a load balancer does with the client address, read from the Service's provider
//! annotations (`domain.md` §4). Only what the annotations make certain is certain. The
//! annotations are those that reach the Service: a Service's own, or those a Gateway
//! implementation copies onto the Service it creates.

/// A load balancer's behaviour as far as the Service's annotations tell.
#[derive(Debug, Clone, Default)]
pub struct LbFacts {
    /// The annotation that makes the load balancer send PROXY protocol headers.
    pub sends_proxy: Option<&'static str>,
    /// The annotation that makes it an L7 load balancer adding X-Forwarded-For.
    pub adds_xff: Option<&'static str>,
    /// The annotation that sends traffic straight to pod IPs (no NodePort, no kube-proxy).
    pub direct_to_pod: Option<&'static str>,
    /// The annotation that makes it a known pass-through (L4) load balancer, and what it is.
    pub passthrough: Option<(&'static str, &'static str)>,
}

/// How a provider's controller reads an annotation's value.
enum Reads {
    /// One of these values, compared after trimming.
    OneOf(&'static [&'static str]),
    /// Go's `strconv.ParseBool` on the raw value (`1`, `t`, `T`, `TRUE`, `true`, `True`), as
    /// the DigitalOcean (`do/annotations.go` `getBool`) and Hetzner (`annotation.Name.
    /// BoolFromService`) controllers do.
    GoBool,
}

const PROXY_ANNOTATIONS: &[(&str, Reads)] = &[
    ("service.beta.kubernetes.io/aws-load-balancer-proxy-protocol", Reads::OneOf(&["*"])),
    ("service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol", Reads::GoBool),
    ("load-balancer.hetzner.cloud/uses-proxyprotocol", Reads::GoBool),
    ("service.beta.kubernetes.io/linode-loadbalancer-default-proxy-protocol", Reads::OneOf(&["v1", "v2"])),
    ("service.beta.kubernetes.io/azure-pls-proxy-protocol", Reads::OneOf(&["true"])),
    ("service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v2", Reads::OneOf(&["true"])),
    ("k8s.cloudscale.ch/loadbalancer-pool-protocol", Reads::OneOf(&["proxy", "proxyv2"])),
];

/// Go's `strconv.ParseBool` yielding true (no trimming: `" true"` is an error there).
fn go_true(v: &str) -> bool {
    matches!(v, "1" | "t" | "T" | "TRUE" | "true" | "True")
}

/// Does a Service get a load balancer from the cloud whose annotations are read here? Only a
/// `LoadBalancer` Service does, and not when `spec.loadBalancerClass` hands it to another
/// implementation (the cloud-provider service controller skips a Service with a class; MetalLB,
/// Cilium's L2 announcer and the like create no cloud load balancer). The classes of the
/// clouds' own controllers (AWS Load Balancer Controller, GKE) still read the annotations.
pub fn cloud_load_balancer(svc_type: &str, class: Option<&str>) -> bool {
    svc_type == "LoadBalancer"
        && class.is_none_or(|c| c.starts_with("service.k8s.aws/") || c.starts_with("networking.gke.io/"))
}

impl LbFacts {
    pub fn of<'a>(annotation: impl Fn(&str) -> Option<&'a str>) -> Self {
        let mut facts = LbFacts::default();
        for (key, reads) in PROXY_ANNOTATIONS {
            let on = annotation(key).is_some_and(|v| match reads {
                Reads::OneOf(values) => values.contains(&v.trim()),
                Reads::GoBool => go_true(v),
            });
            if on {
                facts.sends_proxy = Some(key);
            }
        }
        let tg = "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes";
        let tg_value = annotation(tg).unwrap_or_default();
        if tg_value.split(',').any(|kv| kv.trim() == "proxy_protocol_v2.enabled=true") {
            facts.sends_proxy = Some(tg);
        }
        let xff: &[(&'static str, &[&str])] = &[
            ("service.beta.kubernetes.io/aws-load-balancer-backend-protocol", &["http", "https"]),
            ("service.beta.kubernetes.io/linode-loadbalancer-default-protocol", &["http", "https"]),
        ];
        let aws_l4 = annotation("service.beta.kubernetes.io/aws-load-balancer-type").is_some();
        for (key, values) in xff {
            if aws_l4 && key.contains("aws-") {
                continue;
            }
            if annotation(key).is_some_and(|v| values.contains(&v.trim())) {
                facts.adds_xff = Some(key);
            }
        }
        let qc = "service.beta.kubernetes.io/qingcloud-lb-listener-forwardfor";
        if annotation(qc).is_some_and(|v| v.contains(":1")) {
            facts.adds_xff = Some(qc);
        }
        let target = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";
        if annotation(target).is_some_and(|v| v.trim() == "ip") {
            facts.direct_to_pod = Some(target);
        }
        let aws_type = "service.beta.kubernetes.io/aws-load-balancer-type";
        match annotation(aws_type).map(str::trim) {
            Some("nlb") => facts.passthrough = Some((aws_type, "an AWS Network Load Balancer (instance targets)")),
            Some("external") if facts.direct_to_pod.is_none() => {
                facts.passthrough = Some((
                    aws_type,
                    "an AWS Network Load Balancer of the AWS Load Balancer Controller (instance targets)",
                ));
            }
            _ => {}
        }
        let gke = "cloud.google.com/l4-rbs";
        if annotation(gke).is_some_and(|v| v.trim() == "enabled") {
            facts.passthrough = Some((gke, "a GKE external passthrough Network Load Balancer"));
        }
        let do_type = "service.beta.kubernetes.io/do-loadbalancer-type";
        if annotation(do_type).is_some_and(|v| v.trim() == "REGIONAL_NETWORK") {
            facts.passthrough = Some((do_type, "a DigitalOcean regional network load balancer"));
        }
        let tke = "service.cloud.tencent.com/direct-access";
        if annotation(tke).is_some_and(|v| v.trim() == "true") {
            facts.direct_to_pod = Some(tke);
        }
        facts
    }
}
