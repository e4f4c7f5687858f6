//! Istio ingress gateways; the mesh config usually lives outside the manifests.
//! Gateway API (istio/istio@86c9f01): istiod renders a Deployment and a
//! Service `<gateway>-<class>` per Gateway from its template (no `externalTrafficPolicy`, so
//! `Cluster`), patched by the class-wide defaults ConfigMap and the Gateway's own parameters
//! ConfigMap (`deployment`, `service`, … keys holding strategic-merge patches).

use std::collections::BTreeMap;

use super::{AllowList, Compares, Implementation, IngressSupport, Lookup, Trust, images, indexed, label_is};
use crate::implementations::gateway_api::{
    AnnotationReach, DataPlane, Effect, GatewayCtx, GatewaySupport, ParamIssue, RenderedPods, ServiceSide, Sourced,
    hop_trust, inside, keys,
};
use crate::k8s::object::{ObjData, ObjId, Object, Place, Workload, WorkloadKind, scalar_string};
use crate::k8s::provenance::{Setting, unknown};
use crate::source::Span;
use crate::yaml::{Node, NodeKind, PathSeg};

pub static IMPLEMENTATION: Implementation = Implementation {
    name: "Istio ingress gateway",
    ingress_class_controllers: &["istio.io/ingress-controller"],
    gateway_controllers: &["istio.io/gateway-controller"],
    ingress: Some(&INGRESS),
    gateway: Some(&GATEWAY),
    ..Implementation::DEFAULT
};

static INGRESS: IngressSupport = IngressSupport {
    recognise,
    local_hint: "with the Istio gateway Helm chart: `service.externalTrafficPolicy: Local`",
    proxy_protocol,
    proxy_protocol_filters,
    allow_lists: ingress_allow_lists,
    trust: ingress_trust,
    ..IngressSupport::DEFAULT
};

const ENVOY_FILTER_GROUP: &str = "networking.istio.io";
const SECURITY_GROUP: &str = "security.istio.io";
/// The root namespace's EnvoyFilters apply to every workload of the mesh.
const ROOT_NAMESPACE: &str = "istio-system";
const PROXY_FILTER: &str = "envoy.filters.listener.proxy_protocol";

/// EnvoyFilters of the input that insert Envoy's PROXY listener filter into this gateway's
/// listeners: in its namespace (or the root namespace) with a `workloadSelector` its pod labels
/// match, or none. Each is the place of the filter's name.
fn proxy_protocol_filters(lookup: &Lookup<'_>, ctrl: ObjId) -> Vec<Place> {
    let obj = &lookup.objects[ctrl];
    let Some(w) = obj.workload() else { return Vec::new() };
    envoy_filters(lookup.objects, obj.namespace.as_deref(), &w.pod_labels)
}

/// The live objects of an Istio kind that reach pods in `namespace`: their own namespace or the
/// root namespace's (which applies mesh-wide).
fn in_scope<'o>(
    objects: &'o [Object],
    group: &'static str,
    kind: &'static str,
    namespace: Option<&'o str>,
) -> impl Iterator<Item = (ObjId, &'o Object)> + 'o {
    objects.iter().enumerate().filter(move |(_, o)| {
        let ns = o.namespace.as_deref();
        !o.shadowed && o.kind == kind && o.group() == group && (ns == namespace || ns == Some(ROOT_NAMESPACE))
    })
}

/// Does a label map (a `workloadSelector.labels` or `selector.matchLabels`) select these pods?
/// No map selects every pod of the scope.
fn selects_pods(selector: Option<&Node>, pod_labels: &BTreeMap<String, String>) -> bool {
    selector.and_then(Node::as_map).is_none_or(|m| {
        m.iter().all(|(k, v)| {
            k.as_str().is_some_and(|k| pod_labels.get(k).map(String::as_str) == scalar_string(v).as_deref())
        })
    })
}

pub(crate) fn envoy_filters(
    objects: &[Object],
    namespace: Option<&str>,
    pod_labels: &BTreeMap<String, String>,
) -> Vec<Place> {
    let mut out = Vec::new();
    for (i, f) in in_scope(objects, ENVOY_FILTER_GROUP, "EnvoyFilter", namespace) {
        if !selects_pods(f.root.at(&keys(&["spec", "workloadSelector", "labels"])), pod_labels) {
            continue;
        }
        let patches = f.root.at(&keys(&["spec", "configPatches"])).and_then(Node::as_seq).unwrap_or_default();
        for patch in patches {
            let applies = patch.get("applyTo").and_then(scalar_string);
            if !matches!(applies.as_deref(), Some("LISTENER" | "LISTENER_FILTER")) {
                continue;
            }
            if let Some(name) = find_scalar(patch, PROXY_FILTER) {
                out.push(Place { loc: f.loc(name.span), obj: i });
            }
        }
    }
    out
}

/// The first scalar node below `node` whose value is `value`.
fn find_scalar<'n>(node: &'n Node, value: &str) -> Option<&'n Node> {
    match &node.kind {
        NodeKind::Scalar(_) => (scalar_string(node).as_deref() == Some(value)).then_some(node),
        NodeKind::Seq(items) => items.iter().find_map(|n| find_scalar(n, value)),
        NodeKind::Map(entries) => entries.iter().find_map(|(_, v)| find_scalar(v, value)),
    }
}

static GATEWAY: GatewaySupport = GatewaySupport {
    creator: "istiod",
    // istiod creates GatewayClass `istio` itself (`PILOT_GATEWAY_API_DEFAULT_GATEWAYCLASS_NAME`).
    builtin_classes: &["istio"],
    annotations: AnnotationReach::MetadataUnlessInfrastructure,
    annotation_hint: "`spec.infrastructure.annotations` (once that is set, istiod copies no `metadata.annotations`)",
    data_plane: Some(data_plane),
    // EnvoyFilters that insert the PROXY listener filter into its gateways.
    // AuthorizationPolicies whose `ipBlocks`/`remoteIpBlocks` its gateways evaluate.
    config_kinds: &[
        (ENVOY_FILTER_GROUP, "EnvoyFilter", "envoyfilters"),
        (SECURITY_GROUP, "AuthorizationPolicy", "authorizationpolicies"),
    ],
    allow_lists: gateway_allow_lists,
    ..GatewaySupport::DEFAULT
};

fn recognise(_: &Object, w: &Workload) -> bool {
    label_is(w, "istio", "ingressgateway")
        || label_is(w, "app", "istio-ingressgateway")
        // A gateway installed by injection (Istio's "gateway injection" docs): istiod's
        // `gateway` template replaces the `image: auto` container with the proxy.
        || w.pod_annotations.get("inject.istio.io/templates").is_some_and(|t| t.split(',').any(|t| t.trim() == "gateway"))
        || (images(w).any(|i| i.ends_with("istio/proxyv2"))
            && w.pod.containers.iter().any(|c| c.args.iter().flatten().any(|a| a == "router")))
}

fn proxy_protocol(lookup: &Lookup<'_>, ctrl: ObjId) -> Setting<bool> {
    const KEY: &str = "proxy.istio.io/config";
    let obj = &lookup.objects[ctrl];
    let w = obj.workload();
    match w.and_then(|w| w.pod_annotations.get(KEY).map(|cfg| (w, cfg))) {
        Some((w, cfg)) => {
            let parsed = crate::yaml::parse_stream(cfg).into_iter().next().and_then(|d| d.root);
            if parsed.as_ref().and_then(|r| r.at(&keys(&["gatewayTopology", "proxyProtocol"]))).is_some() {
                let mut path = w.pod_path();
                path.truncate(path.len().saturating_sub(1));
                path.extend([PathSeg::Key("metadata"), PathSeg::Key("annotations"), PathSeg::Key(KEY)]);
                return Ok(Sourced::written(true, Place { loc: obj.key_loc(&path), obj: ctrl }));
            }
            unknown(format!(
                "the gateway's `{KEY}` sets no `gatewayTopology.proxyProtocol`, and the mesh-wide default is not in the input"
            ))
        }
        None => unknown("Istio's mesh config (`gatewayTopology.proxyProtocol`) is not in the input"),
    }
}

const WHOSE: &str = "Istio's default";
const OVERLAYS: &[&str] =
    &["deployment", "service", "serviceAccount", "horizontalPodAutoscaler", "podDisruptionBudget"];
/// Annotations istiod's template leaves off what it renders.
const OMITTED: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "gateway.istio.io/name-override",
    "gateway.istio.io/service-account",
    "gateway.istio.io/controller-version",
];

/// One parameters ConfigMap: its overlays, parsed, each with the place of its value.
struct Overlays {
    cm: ObjId,
    parsed: BTreeMap<String, (Node, Place)>,
}

impl Overlays {
    fn read(ctx: &GatewayCtx<'_>, cm: ObjId, issues: &mut Vec<ParamIssue>) -> Self {
        let obj = ctx.obj(cm);
        let mut parsed = BTreeMap::new();
        if matches!(obj.data, ObjData::ConfigMap) {
            for (key, text) in obj.config_data() {
                let at = ctx.place(cm, &["data", key]);
                if !OVERLAYS.contains(&key) {
                    issues.push(ParamIssue {
                        at: ctx.key_place(cm, &["data", key]),
                        problem: format!("`{key}` is not an overlay istiod knows ({})", OVERLAYS.join(", ")),
                        effect: Effect::StopsTraffic(
                            "istiod fails to render the Gateway (`unsupported overlay`): its Deployment and Service are neither created nor updated".into(),
                        ),
                        fix: format!("use one of the keys {}", OVERLAYS.join(", ")),
                    });
                    continue;
                }
                let root = crate::yaml::parse_stream(text).into_iter().next().and_then(|d| d.root);
                if let Some(root) = root {
                    parsed.insert(key.to_owned(), (root, at));
                }
            }
        }
        Overlays { cm, parsed }
    }

    fn get(&self, overlay: &str, path: &[&str]) -> Option<(&Node, Place)> {
        let (root, at) = self.parsed.get(overlay)?;
        Some((root.at(&keys(path))?, *at))
    }
}

/// Where istiod reads class-wide defaults: the namespace of an istiod in the input, else the
/// usual ones (`istio-system`, AKS's `aks-istio-system`).
fn system_namespaces(ctx: &GatewayCtx<'_>) -> Vec<String> {
    let istiod: Vec<String> = ctx
        .lookup
        .objects
        .iter()
        .filter(|o| !o.shadowed)
        .filter(|o| o.workload().is_some_and(|w| super::images(w).any(|i| i.ends_with("/pilot"))))
        .filter_map(|o| o.namespace.clone())
        .collect();
    if istiod.is_empty() { vec!["istio-system".into(), "aks-istio-system".into()] } else { istiod }
}

fn data_plane(ctx: &GatewayCtx<'_>) -> Option<DataPlane> {
    let gw = ctx.gw();
    // A Hostname address makes the Gateway unmanaged: istiod renders nothing.
    let addresses = gw.root.at(&keys(&["spec", "addresses"])).and_then(Node::as_seq).unwrap_or_default();
    if addresses.iter().any(|a| a.get("type").and_then(scalar_string).as_deref() == Some("Hostname")) {
        return None;
    }
    let mut issues = Vec::new();
    let mut known = true;
    let mut layers: Vec<Overlays> = Vec::new();
    // The class-wide defaults: a ConfigMap labelled `gateway.istio.io/defaults-for-class`, read
    // only from istiod's own namespace (deploymentcontroller.go: `o.GetNamespace() ==
    // dc.systemNamespace`).
    let class = ctx.class_name();
    let system = system_namespaces(ctx);
    if let Some(cm) = ctx.lookup.objects.iter().position(|o| {
        !o.shadowed
            && matches!(o.data, ObjData::ConfigMap)
            && o.labels.get("gateway.istio.io/defaults-for-class") == Some(&class)
            && o.namespace.as_deref().is_some_and(|ns| system.iter().any(|s| s == ns))
    }) {
        layers.push(Overlays::read(ctx, cm, &mut issues));
    }
    if let Some(r) = ctx.gateway_ref() {
        if !r.is("", "ConfigMap") {
            issues.push(ParamIssue::wrong_kind(
                ctx,
                &r,
                "a ConfigMap (`group: \"\"`, `kind: ConfigMap`)",
                Effect::StopsTraffic(
                    "istiod fails to render the Gateway (`unknown infrastructure parameters type`): its Deployment and Service are neither created nor updated".into(),
                ),
            ));
            return Some(empty(ctx, issues, unknown("the Gateway is not rendered")));
        } else if let Some(cm) = ctx.resolve_params(&r, None, &mut issues) {
            layers.push(Overlays::read(ctx, cm, &mut issues));
        } else {
            known = false;
        }
    }
    if issues.iter().any(|i| matches!(i.effect, Effect::StopsTraffic(_))) {
        return Some(empty(ctx, issues, unknown("the Gateway is not rendered")));
    }
    let fallback = ctx.class_at();
    let top = |overlay: &str, path: &[&str]| layers.iter().rev().find_map(|l| l.get(overlay, path));
    // Annotations istiod copies to the Service, the Deployment and its pods.
    let infra = gw.root.at(&keys(&["spec", "infrastructure", "annotations"])).is_some();
    let copied: Vec<(String, String, Place)> =
        if infra { ctx.infra_annotations() } else { ctx.map_entries(ctx.gateway, &["metadata", "annotations"]) }
            .into_iter()
            .filter(|(k, _, _)| !OMITTED.contains(&k.as_str()))
            .collect();
    let (proxy_protocol, trust, settings_at) = client_ip(ctx, &copied, &layers);
    let mut dp = DataPlane {
        service: None,
        pods: None,
        proxy_protocol,
        proxy_protocol_optional: false,
        trust,
        settings_at,
        local_hint: "in the Gateway's parameters ConfigMap (`spec.infrastructure.parametersRef`): `service: |` with `spec: {externalTrafficPolicy: Local}`".into(),
        issues,
        shared: None,
        listeners: Vec::new(),
    };
    if !known {
        return Some(dp);
    }
    let mut svc_type = Sourced::default("LoadBalancer".to_owned(), WHOSE, fallback);
    if let Some(v) = gw.annotation("networking.istio.io/service-type") {
        svc_type = Sourced::written(
            v.to_owned(),
            ctx.place(ctx.gateway, &["metadata", "annotations", "networking.istio.io/service-type"]),
        );
    }
    if let Some((n, at)) = top("service", &["spec", "type"])
        && let Some(v) = scalar_string(n)
    {
        svc_type = Sourced::written(v.clone(), inside(ctx, at, &format!("type: {v}")));
    }
    let policy =
        match top("service", &["spec", "externalTrafficPolicy"]).and_then(|(n, at)| Some((scalar_string(n)?, at))) {
            Some((v, at)) => Sourced::written(v.clone(), inside(ctx, at, &format!("externalTrafficPolicy: {v}"))),
            None => Sourced::default(
                String::new(),
                "istiod's Service template sets none",
                layers.last().map_or(fallback, |l| ctx.key_place(l.cm, &["data", "service"])),
            ),
        };
    let mut annotations = copied;
    for l in &layers {
        if let Some((root, at)) = l.parsed.get("service")
            && let Some(m) = root.at(&keys(&["metadata", "annotations"])).and_then(Node::as_map)
        {
            for (k, v) in m {
                let (Some(k), Some(v)) = (k.as_str(), scalar_string(v)) else { continue };
                annotations.retain(|(ek, _, _)| ek != k);
                annotations.push((k.to_owned(), v, inside(ctx, *at, k)));
            }
        }
    }
    dp.service = Some(ServiceSide::new(svc_type, policy, annotations));
    dp.pods = Some(pods(ctx, &layers, fallback));
    Some(dp)
}

fn empty(ctx: &GatewayCtx<'_>, issues: Vec<ParamIssue>, pp: Setting<bool>) -> DataPlane {
    DataPlane {
        service: None,
        pods: None,
        proxy_protocol: pp,
        proxy_protocol_optional: false,
        trust: Trust::default(),
        settings_at: ctx.place(ctx.gateway, &["metadata", "name"]),
        local_hint: String::new(),
        issues,
        shared: None,
        listeners: Vec::new(),
    }
}

fn pods(ctx: &GatewayCtx<'_>, layers: &[Overlays], fallback: Place) -> RenderedPods {
    let top = |overlay: &str, path: &[&str]| layers.iter().rev().find_map(|l| l.get(overlay, path));
    let int =
        |n: &Node| crate::k8s::object::scalar_value(n).and_then(|v| v.as_i64()).and_then(|v| i32::try_from(v).ok());
    let (count, autoscaled, field) = if let Some((n, at)) = top("horizontalPodAutoscaler", &["spec", "minReplicas"]) {
        let v = int(n).unwrap_or(1);
        (
            Sourced::written(v, inside(ctx, at, &format!("minReplicas: {v}"))),
            true,
            "horizontalPodAutoscaler: spec.minReplicas",
        )
    } else if let Some((n, at)) = top("deployment", &["spec", "replicas"]) {
        let v = int(n).unwrap_or(1);
        (Sourced::written(v, inside(ctx, at, &format!("replicas: {v}"))), false, "deployment: spec.replicas")
    } else {
        let at = layers.last().map_or(fallback, |l| ctx.key_place(l.cm, &["data", "deployment"]));
        (Sourced::default(1, WHOSE, at), false, "deployment: spec.replicas")
    };
    // The spreading terms of the `deployment` overlay, labelled on the overlay's value.
    let spread = layers
        .iter()
        .rev()
        .find_map(|l| {
            let (root, at) = l.parsed.get("deployment")?;
            let spec = root.at(&keys(&["spec", "template", "spec"]))?;
            (spec.get("affinity").is_some() || spec.get("topologySpreadConstraints").is_some()).then_some((root, at))
        })
        .map(|(root, at)| {
            let mut tree = root.clone();
            flatten(&mut tree, at.loc.span);
            let cm = ctx.obj(at.obj);
            let synthetic = Object {
                file: cm.file,
                root: tree,
                api_version: "apps/v1".into(),
                read_as: "apps/v1".into(),
                kind: "Deployment".into(),
                name: Some(format!("{}-{}", ctx.name(), ctx.class_name())),
                namespace: Some(ctx.ns().to_owned()),
                labels: BTreeMap::new(),
                annotations: BTreeMap::new(),
                data: ObjData::Other,
                shadowed: false,
            };
            let labels =
                [("gateway.networking.k8s.io/gateway-name".to_owned(), ctx.name().to_owned())].into_iter().collect();
            crate::implementations::gateway_api::rendered_spread(
                &synthetic,
                WorkloadKind::Deployment,
                &["spec", "template", "spec"],
                labels,
            )
        })
        .unwrap_or_default();
    RenderedPods {
        kind: WorkloadKind::Deployment,
        count,
        autoscaled,
        count_field: field,
        spread,
        spread_hint: format!(
            "add to the `deployment` overlay of the Gateway's parameters ConfigMap: `spec: {{template: {{spec: {{topologySpreadConstraints: [{{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {{matchLabels: {{gateway.networking.k8s.io/gateway-name: {}}}}}, matchLabelKeys: [pod-template-hash]}}]}}}}}}`",
            ctx.name()
        ),
        spread_plan: None,
    }
}

/// Every span of a tree set to `span` (an overlay's nodes sit inside one string value).
fn flatten(node: &mut Node, span: Span) {
    node.span = span;
    match &mut node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| flatten(n, span)),
        NodeKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            flatten(k, span);
            flatten(v, span);
        }),
    }
}

/// `proxy.istio.io/config` on the gateway pods: from the Gateway's annotations that istiod
/// copies to the pod template, or the `deployment` overlay's pod annotations. Its
/// `gatewayTopology.proxyProtocol` turns PROXY on; `numTrustedProxies` trusts X-Forwarded-For
/// by hop count. Without it the mesh config decides, which the input rarely holds.
fn client_ip(
    ctx: &GatewayCtx<'_>,
    copied: &[(String, String, Place)],
    layers: &[Overlays],
) -> (Setting<bool>, Trust, Place) {
    const KEY: &str = "proxy.istio.io/config";
    let top = |overlay: &str, path: &[&str]| layers.iter().rev().find_map(|l| l.get(overlay, path));
    let from_overlay = top("deployment", &["spec", "template", "metadata", "annotations", KEY])
        .and_then(|(n, at)| Some((scalar_string(n)?, inside(ctx, at, KEY))));
    let from_gateway = copied.iter().find(|(k, _, _)| k == KEY).map(|(_, v, at)| (v.clone(), *at));
    let Some((config, at)) = from_overlay.or(from_gateway) else {
        return (
            unknown("Istio's mesh config (`meshConfig.defaultConfig.gatewayTopology`) is not in the input"),
            Trust::default(),
            ctx.place(ctx.gateway, &["metadata", "name"]),
        );
    };
    let parsed = crate::yaml::parse_stream(&config).into_iter().next().and_then(|d| d.root);
    let topology = parsed.as_ref().and_then(|r| r.get("gatewayTopology"));
    let mut trust = Trust::default();
    if let Some(n) = topology
        .and_then(|t| t.get("numTrustedProxies"))
        .and_then(crate::k8s::object::scalar_value)
        .and_then(|v| v.as_i64())
        && n > 0
    {
        trust.header = Some(hop_trust(
            format!("gatewayTopology.numTrustedProxies: {n}"),
            inside(ctx, at, "numTrustedProxies"),
            "set `numTrustedProxies` to the number of L7 proxies in front, or drop it behind an L4 load balancer",
            u32::try_from(n).unwrap_or(u32::MAX),
        ));
    }
    let pp = match topology.and_then(|t| t.get("proxyProtocol")) {
        Some(_) => Ok(Sourced::written(true, inside(ctx, at, "proxyProtocol"))),
        None => unknown(format!(
            "the gateway's `{KEY}` sets no `gatewayTopology.proxyProtocol`, and the mesh-wide default is not in the input"
        )),
    };
    (pp, trust, at)
}

/// `gatewayTopology.numTrustedProxies` in a classic or injected gateway's pod annotation
/// `proxy.istio.io/config`: X-Forwarded-For trusted by hop count, as on a Gateway API gateway
/// (`mesh/v1alpha1/proxy.proto`: the client address is the Nth entry from the right). Without
/// the annotation the mesh config decides, which the input rarely holds: nothing is trusted here.
fn ingress_trust(lookup: &Lookup<'_>, ctrl: ObjId) -> Trust {
    const KEY: &str = "proxy.istio.io/config";
    let obj = &lookup.objects[ctrl];
    let mut trust = Trust::default();
    let Some(w) = obj.workload() else { return trust };
    let Some(cfg) = w.pod_annotations.get(KEY) else { return trust };
    let parsed = crate::yaml::parse_stream(cfg).into_iter().next().and_then(|d| d.root);
    if let Some(n) = parsed
        .as_ref()
        .and_then(|r| r.at(&keys(&["gatewayTopology", "numTrustedProxies"])))
        .and_then(crate::k8s::object::scalar_value)
        .and_then(|v| v.as_i64())
        && n > 0
    {
        let mut path = w.pod_path();
        path.truncate(path.len().saturating_sub(1));
        path.extend([PathSeg::Key("metadata"), PathSeg::Key("annotations"), PathSeg::Key(KEY)]);
        let at = Place { loc: obj.loc_at(&path), obj: ctrl };
        trust.header = Some(hop_trust(
            format!("gatewayTopology.numTrustedProxies: {n}"),
            crate::implementations::gateway_api::inside_of(lookup, at, "numTrustedProxies"),
            "set `numTrustedProxies` to the number of L7 proxies in front, or drop it behind an L4 load balancer",
            u32::try_from(n).unwrap_or(u32::MAX),
        ));
    }
    trust
}

fn ingress_allow_lists(lookup: &Lookup<'_>, ctrl: ObjId) -> Vec<AllowList> {
    let obj = &lookup.objects[ctrl];
    let Some(w) = obj.workload() else { return Vec::new() };
    authorization_policies(lookup.objects, obj.namespace.as_deref(), &w.pod_labels, None)
}

/// The pods istiod renders for a Gateway carry `gateway.networking.k8s.io/gateway-name`.
fn gateway_allow_lists(ctx: &GatewayCtx<'_>) -> Vec<AllowList> {
    let labels: BTreeMap<String, String> =
        [("gateway.networking.k8s.io/gateway-name".to_owned(), ctx.name().to_owned())].into_iter().collect();
    authorization_policies(ctx.lookup.objects, Some(ctx.ns()), &labels, Some(ctx.name()))
}

/// The `ipBlocks`/`notIpBlocks` (the connection's physical peer, PROXY protocol or not: Envoy RBAC
/// `direct_remote_ip`; istio/api: "populated from the source address of the IP packet") and
/// `remoteIpBlocks`/`notRemoteIpBlocks` (the client address after PROXY protocol and
/// `numTrustedProxies`: `remote_ip`; istio/api: "populated from X-Forwarded-For header or proxy
/// protocol") of the AuthorizationPolicies that apply to these pods: in their namespace or the
/// root namespace, with a `selector` their labels match or none, or (for a Gateway's pods) a
/// `targetRefs` entry naming the Gateway (istio/api `security/v1beta1/authorization_policy.proto`,
/// istio/istio `pilot/pkg/security/authz/model/generator.go`).
fn authorization_policies(
    objects: &[Object],
    namespace: Option<&str>,
    pod_labels: &BTreeMap<String, String>,
    gateway: Option<&str>,
) -> Vec<AllowList> {
    let mut out = Vec::new();
    for (i, p) in in_scope(objects, SECURITY_GROUP, "AuthorizationPolicy", namespace) {
        let refs: Vec<&Node> = p
            .root
            .at(&keys(&["spec", "targetRefs"]))
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .chain(p.root.at(&keys(&["spec", "targetRef"])))
            .collect();
        let applies = if refs.is_empty() {
            selects_pods(p.root.at(&keys(&["spec", "selector", "matchLabels"])), pod_labels)
        } else {
            refs.iter().any(|r| {
                r.get("kind").and_then(scalar_string).as_deref() == Some("Gateway")
                    && gateway.is_some_and(|g| r.get("name").and_then(scalar_string).as_deref() == Some(g))
            })
        };
        if !applies {
            continue;
        }
        let rules = p.root.at(&keys(&["spec", "rules"])).and_then(Node::as_seq).unwrap_or_default();
        for (ri, rule) in rules.iter().enumerate() {
            let froms = rule.get("from").and_then(Node::as_seq).unwrap_or_default();
            for (fi, from) in froms.iter().enumerate() {
                for field in ["ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks"] {
                    if from.get("source").and_then(|s| s.get(field)).is_none() {
                        continue;
                    }
                    let mut path = indexed(&["spec", "rules"], ri, &["from"]);
                    path.extend([PathSeg::Index(fi), PathSeg::Key("source"), PathSeg::Key(field)]);
                    // `remoteIpBlocks` and `notRemoteIpBlocks`: the client address, not the peer.
                    let remote = matches!(field, "remoteIpBlocks" | "notRemoteIpBlocks");
                    out.push(AllowList {
                        obj: i,
                        at: p.key_loc(&path),
                        what: format!("this AuthorizationPolicy's `{field}`"),
                        compares: if remote { Compares::Detected } else { Compares::PhysicalPeer },
                        fix: if remote {
                            "`remoteIpBlocks` match the client address the gateway detects: the X-Forwarded-For entry `numTrustedProxies` picks (set it to the number of HTTP proxies in front that append the header: a CDN, an L7 load balancer), or the PROXY address (`gatewayTopology.proxyProtocol: {}`); behind an L4 load balancer, drop `numTrustedProxies` and use PROXY protocol or `externalTrafficPolicy: Local`"
                        } else {
                            "`ipBlocks` match the connection's physical peer, which PROXY protocol does not change: behind a load balancer that passes the client's address through, `externalTrafficPolicy: Local` makes it the client; with PROXY protocol, match `remoteIpBlocks` (with `gatewayTopology.proxyProtocol: {}`); behind an HTTP proxy or CDN, `remoteIpBlocks` with `gatewayTopology.numTrustedProxies` counting the proxies that append X-Forwarded-For"
                        },
                        routes: Vec::new(),
                        runs_at: None,
                    });
                }
            }
        }
    }
    out
}
