//! Kubernetes-shaped YAML: objects of the kinds the rules read, with fields drawn from the
//! values the rules care about (types, policies, provider annotations, controller images,
//! flags, spreading terms), so that the fuzzer spends its time inside the model and the rules.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use realip_lint_core::{Options, Source, lint};

const KINDS: &[(&str, &str)] = &[
    ("v1", "Service"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "DaemonSet"),
    ("apps/v1", "StatefulSet"),
    ("extensions/v1beta1", "Deployment"),
    ("v1", "ConfigMap"),
    ("v1", "Node"),
    ("v1", "Pod"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("autoscaling/v1", "HorizontalPodAutoscaler"),
    ("policy/v1", "PodDisruptionBudget"),
    ("networking.k8s.io/v1", "Ingress"),
    ("networking.k8s.io/v1", "IngressClass"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("v1", "List"),
];
const NAMES: &[&str] = &["web", "ingress-nginx-controller", "traefik", "kong", "api", ""];
const NAMESPACES: &[&str] = &["default", "ingress-nginx", "shop"];
const TYPES: &[&str] = &["LoadBalancer", "NodePort", "ClusterIP", "ExternalName", "", "local"];
const POLICIES: &[&str] = &["Local", "Cluster", "local", "OnlyLocal", "", "~"];
const ANNOTATIONS: &[&str] = &[
    "service.beta.kubernetes.io/aws-load-balancer-proxy-protocol: \"*\"",
    "service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol: \"true\"",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip",
    "service.beta.kubernetes.io/external-traffic: OnlyLocal",
    "realip-lint.io/role: ingress-controller",
    "realip-lint.io/client-ip: required",
    "ignore-check.realip-lint.io/all: \"x\"",
    "ignore-check.realip-lint.io/nope: \"\"",
    "nginx.ingress.kubernetes.io/whitelist-source-range: 1.2.3.0/24",
    "sidecar.istio.io/inject: yes",
];
const IMAGES: &[&str] = &[
    "registry.k8s.io/ingress-nginx/controller:v1.15.1",
    "traefik:v3",
    "kong:3.9",
    "nginx/nginx-ingress:4",
    "haproxytech/kubernetes-ingress",
    "envoyproxy/envoy:v1",
    "nginx",
];
const ARGS: &[&str] = &[
    "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
    "--configmap=ingress-nginx/web",
    "--entryPoints.web.forwardedHeaders.insecure",
    "--entryPoints.web.proxyProtocol.trustedIPs=10.0.0.0/8,x",
    "-nginx-configmaps=default/web",
    "/nginx-ingress-controller",
];
const DATA: &[&str] = &[
    "use-proxy-protocol: \"true\"",
    "use-forwarded-headers: \"true\"",
    "proxy-real-ip-cidr: \"XXX/XX, 0.0.0.0/0\"",
    "enable-real-ip: \"1\"",
    "set-real-ip-from: 0.0.0.0/0",
    "real-ip-header: X-Forwarded-For",
];
const SCALARS: &[&str] = &["1", "0", "-1", "\"3\"", "25%", "100%", "0%", "99999999999", "~", "[]", "{}", "yes"];

#[derive(Arbitrary, Debug)]
struct Doc {
    kind: u8,
    name: u8,
    namespace: u8,
    svc_type: u8,
    policy: u8,
    annotations: Vec<u8>,
    labels: u8,
    replicas: u8,
    image: u8,
    args: Vec<u8>,
    data: Vec<u8>,
    anti_affinity: Option<(bool, u8)>,
    tsc: Option<(u8, bool)>,
    host: u8,
    surge: Option<(u8, u8)>,
    raw: Option<String>,
}

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list[i as usize % list.len()]
}

fn render(d: &Doc, out: &mut String) {
    let (api, kind) = KINDS[d.kind as usize % KINDS.len()];
    let name = pick(NAMES, d.name);
    let app = if d.labels % 2 == 0 { "web" } else { "edge" };
    out.push_str(&format!("apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: {}\n", pick(NAMESPACES, d.namespace)));
    if !d.annotations.is_empty() {
        out.push_str("  annotations:\n");
        for a in d.annotations.iter().take(4) {
            out.push_str(&format!("    {}\n", pick(ANNOTATIONS, *a)));
        }
    }
    out.push_str(&format!("  labels: {{app: {app}}}\n"));
    match kind {
        "Service" => out.push_str(&format!(
            "spec:\n  type: {}\n  externalTrafficPolicy: {}\n  selector: {{app: {app}}}\n  healthCheckNodePort: {}\n  sessionAffinity: ClientIP\n",
            pick(TYPES, d.svc_type),
            pick(POLICIES, d.policy),
            pick(SCALARS, d.host)
        )),
        "ConfigMap" => {
            out.push_str("data:\n");
            for x in d.data.iter().take(4) {
                out.push_str(&format!("  {}\n", pick(DATA, *x)));
            }
        }
        "Node" => out.push_str(&format!(
            "spec:\n  unschedulable: {}\n  taints: [{{key: k, effect: NoSchedule}}]\n",
            d.host % 2 == 0
        )),
        "HorizontalPodAutoscaler" => out.push_str(&format!(
            "spec:\n  scaleTargetRef: {{kind: Deployment, name: {name}}}\n  minReplicas: {}\n  maxReplicas: {}\n",
            pick(SCALARS, d.replicas),
            d.replicas % 9
        )),
        "PodDisruptionBudget" => out.push_str(&format!("spec:\n  minAvailable: {}\n  selector: {{matchLabels: {{app: {app}}}}}\n", pick(SCALARS, d.replicas))),
        "IngressClass" => out.push_str("spec:\n  controller: k8s.io/ingress-nginx\n"),
        "Ingress" => out.push_str("spec:\n  ingressClassName: nginx\n"),
        "NetworkPolicy" => out.push_str(&format!("spec:\n  podSelector: {{matchLabels: {{app: {app}}}}}\n  ingress:\n    - from: [{{ipBlock: {{cidr: 1.2.3.0/24}}}}]\n")),
        "List" => out.push_str("items: []\n"),
        _ => {
            let pod = if kind == "Pod" { "spec:\n" } else { "" };
            if kind != "Pod" {
                out.push_str(&format!("spec:\n  replicas: {}\n  selector: {{matchLabels: {{app: {app}}}}}\n", pick(SCALARS, d.replicas)));
                if let Some((s, u)) = d.surge {
                    out.push_str(&format!("  strategy: {{rollingUpdate: {{maxSurge: {}, maxUnavailable: {}}}}}\n", pick(SCALARS, s), pick(SCALARS, u)));
                }
                out.push_str(&format!("  template:\n    metadata: {{labels: {{app: {app}}}}}\n    spec:\n"));
            } else {
                out.push_str(pod);
            }
            let ind = if kind == "Pod" { "  " } else { "      " };
            out.push_str(&format!("{ind}hostNetwork: {}\n", d.host % 3 == 0));
            if let Some((required, k)) = d.anti_affinity {
                let which = if required { "requiredDuringSchedulingIgnoredDuringExecution" } else { "preferredDuringSchedulingIgnoredDuringExecution" };
                let key = if k % 2 == 0 { "kubernetes.io/hostname" } else { "topology.kubernetes.io/zone" };
                if required {
                    out.push_str(&format!("{ind}affinity: {{podAntiAffinity: {{{which}: [{{topologyKey: {key}, labelSelector: {{matchLabels: {{app: web}}}}}}]}}}}\n"));
                } else {
                    out.push_str(&format!("{ind}affinity: {{podAntiAffinity: {{{which}: [{{weight: 1, podAffinityTerm: {{topologyKey: {key}, labelSelector: {{matchLabels: {{app: web}}}}}}}}]}}}}\n"));
                }
            }
            if let Some((skew, hard)) = d.tsc {
                let when = if hard { "DoNotSchedule" } else { "ScheduleAnyway" };
                out.push_str(&format!("{ind}topologySpreadConstraints: [{{maxSkew: {skew}, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: {when}, labelSelector: {{matchLabels: {{app: {app}}}}}}}]\n"));
            }
            out.push_str(&format!("{ind}containers:\n{ind}  - name: c\n{ind}    image: {}\n{ind}    ports: [{{containerPort: 80, hostPort: {}}}]\n", pick(IMAGES, d.image), pick(SCALARS, d.host)));
            if !d.args.is_empty() {
                out.push_str(&format!("{ind}    args:\n"));
                for a in d.args.iter().take(3) {
                    out.push_str(&format!("{ind}      - {}\n", pick(ARGS, *a)));
                }
            }
        }
    }
    if let Some(raw) = &d.raw {
        out.push_str(raw);
        out.push('\n');
    }
}

fuzz_target!(|bytes: &[u8]| {
    let mut u = Unstructured::new(bytes);
    let Ok(docs) = Vec::<Doc>::arbitrary(&mut u) else { return };
    let nodes = u.int_in_range(0..=6u32).ok().filter(|n| *n > 0);
    let mut text = String::new();
    for d in docs.iter().take(12) {
        render(d, &mut text);
        text.push_str("---\n");
    }
    let sources = [Source::new("a.yaml", text)];
    let report = lint(&sources, &Options { nodes, ..Options::default() });
    let _ = realip_lint_core::emit::json::render(&report);
});
