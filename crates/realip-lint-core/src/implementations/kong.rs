//! Kong: settings are `KONG_*` environment variables of the proxy container, whether the input
//! holds the proxy as a workload (the ingress controller's chart) or as the pod template of a Kong
//! Gateway Operator `GatewayConfiguration` (Kong/kong-operator@cefc384: one DataPlane, with
//! its ingress Service, per Gateway), or of a `DataPlane` written by hand (the operator's
//! standalone mode, paired with a `ControlPlane` or none): the same options one level up
//! (`api/gateway-operator/v1beta1/dataplane_types.go`).

use std::collections::BTreeMap;

use super::{
    COMMAS_OR_SPACES, HeaderTrust, Implementation, IngressSupport, Lookup, Trust, controller_default, env_value,
    images, list_entries,
};
use crate::implementations::gateway_api::{
    AnnotationReach, DataPlane, Effect, GATEWAY_NAME_LABEL, GatewayCtx, GatewaySupport, Layers, ParamIssue,
    RenderedPods, ServiceSide, merge_annotations, rendered_spread, rendered_workload, with_infra,
};
use crate::k8s::object::{ObjId, Object, Place, Workload, WorkloadKind};
use crate::k8s::provenance::{Setting, Sourced};

pub static IMPLEMENTATION: Implementation = Implementation {
    name: "Kong",
    ingress_class_controllers: &["ingress-controllers.konghq.com/kong"],
    // `vars.DefaultControllerName` of the operator (kong-operator and gateway-operator).
    gateway_controllers: &["konghq.com/gateway-operator"],
    ingress: Some(&INGRESS),
    gateway: Some(&GATEWAY),
    reads_rate_limits: true,
    ..Implementation::DEFAULT
};

static INGRESS: IngressSupport = IngressSupport {
    recognise,
    local_hint: "with the Kong Helm chart: `proxy.externalTrafficPolicy: Local`",
    chart_daemon_set: "`deployment.daemonset: true`",
    proxy_protocol,
    trust,
    rate_limits,
    ..IngressSupport::DEFAULT
};

static GATEWAY: GatewaySupport = GatewaySupport {
    creator: "Kong Gateway Operator",
    // A DataPlane of the input is one written by hand: those the operator makes for a Gateway
    // are never in manifests.
    gateway_kinds: &[(GROUP, "v1beta1", "DataPlane", "dataplanes")],
    own_annotations: Some(&["spec", "network", "services", "ingress", "annotations"]),
    config_kinds: &[
        (GROUP, "GatewayConfiguration", "gatewayconfigurations"),
        // Their `rate-limiting` plugins (`rate-limit-wrong-hop`, and what `migrate` compares).
        ("configuration.konghq.com", "KongPlugin", "kongplugins"),
        ("configuration.konghq.com", "KongClusterPlugin", "kongclusterplugins"),
    ],
    // `mergeInfrastructureIntoDataPlane`: `spec.infrastructure.annotations` go onto the ingress
    // Service after the GatewayConfiguration's (controller/gateway/controller_reconciler_utils.go).
    annotations: AnnotationReach::InfrastructureOnly,
    annotation_hint: "`spec.infrastructure.annotations`, or the GatewayConfiguration's `spec.dataPlaneOptions.network.services.ingress.annotations`",
    data_plane: Some(data_plane),
    rate_limits: gateway_rate_limits,
    ..GatewaySupport::DEFAULT
};

const GROUP: &str = "gateway-operator.konghq.com";
const WHOSE: &str = "Kong Gateway Operator's default";
const EXPECTED: &str = "a GatewayConfiguration (`group: gateway-operator.konghq.com`, `kind: GatewayConfiguration`)";

/// Where an object holds the DataPlane's options: a GatewayConfiguration under
/// `spec.dataPlaneOptions` (the same in v1beta1 and v2beta1), a DataPlane directly under `spec`.
struct Shape {
    kind: &'static str,
    /// The ingress Service's options.
    ingress: &'static [&'static str],
    /// The Deployment's options.
    deployment: &'static [&'static str],
    /// The pod template the operator applies to the DataPlane's Deployment.
    pods: &'static [&'static str],
    /// The pod label whose key every proxy pod has, and the keys a spreading term matches on.
    pod_label: (&'static str, &'static [&'static str]),
    /// The replica count's field, and the autoscaler minimum's, as messages name them.
    count_fields: (&'static str, &'static str),
}

static CONFIG: Shape = Shape {
    kind: "GatewayConfiguration",
    ingress: &["spec", "dataPlaneOptions", "network", "services", "ingress"],
    deployment: &["spec", "dataPlaneOptions", "deployment"],
    pods: &["spec", "dataPlaneOptions", "deployment", "podTemplateSpec", "spec"],
    pod_label: (GATEWAY_NAME_LABEL, &[GATEWAY_NAME_LABEL, "pod-template-hash"]),
    count_fields: (
        "spec.dataPlaneOptions.deployment.replicas",
        "spec.dataPlaneOptions.deployment.scaling.horizontal.minReplicas",
    ),
};

/// `GenerateNewDeploymentForDataPlane` labels the pods `app: <the DataPlane's name>`
/// (pkg/utils/kubernetes/resources/deployments.go).
static DATAPLANE: Shape = Shape {
    kind: "DataPlane",
    ingress: &["spec", "network", "services", "ingress"],
    deployment: &["spec", "deployment"],
    pods: &["spec", "deployment", "podTemplateSpec", "spec"],
    pod_label: ("app", &["app", "pod-template-hash"]),
    count_fields: ("spec.deployment.replicas", "spec.deployment.scaling.horizontal.minReplicas"),
};

impl Shape {
    fn ingress(&self, rest: &[&'static str]) -> Vec<&'static str> {
        self.ingress.iter().chain(rest).copied().collect()
    }

    fn deployment(&self, rest: &[&'static str]) -> Vec<&'static str> {
        self.deployment.iter().chain(rest).copied().collect()
    }
}

fn recognise(_: &Object, w: &Workload) -> bool {
    images(w).any(|i| i == "kong" || i.ends_with("/kong") || i.ends_with("kong-gateway"))
}

#[allow(clippy::unnecessary_wraps)] // `IngressSupport::proxy_protocol`'s signature: others return `unknown`
fn proxy_protocol(lookup: &Lookup<'_>, ctrl: ObjId) -> Setting<bool> {
    let obj = &lookup.objects[ctrl];
    let written = obj.workload().and_then(|w| proxy_listen(obj, w, ctrl));
    Ok(written.unwrap_or_else(|| controller_default(lookup, &IMPLEMENTATION, false, ctrl, None)))
}

/// `KONG_PROXY_LISTEN` as written: does a listener carry the `proxy_protocol` flag?
fn proxy_listen(obj: &Object, w: &Workload, id: ObjId) -> Option<Sourced<bool>> {
    env_value(obj, w, "KONG_PROXY_LISTEN")
        .map(|(_, v, loc)| Sourced::written(v.contains("proxy_protocol"), Place { loc, obj: id }))
}

fn trust(lookup: &Lookup<'_>, ctrl: ObjId) -> Trust {
    let obj = &lookup.objects[ctrl];
    obj.workload().map(|w| env_trust(lookup, ctrl, w)).unwrap_or_default()
}

/// `trusted_ips` (default none) are the sources whose `real_ip_header` (default `X-Real-IP`) Kong
/// believes; `w` is the object's proxy pods (a workload, or a pod template it renders).
fn env_trust(lookup: &Lookup<'_>, id: ObjId, w: &Workload) -> Trust {
    let obj = &lookup.objects[id];
    let text = lookup.texts.get(obj.file).copied();
    let Some((_, ips, loc)) = env_value(obj, w, "KONG_TRUSTED_IPS") else { return Trust::default() };
    let entries = list_entries(id, text, "trusted_ips", ips, loc, false, COMMAS_OR_SPACES);
    let header = env_value(obj, w, "KONG_REAL_IP_HEADER").map_or("X-Real-IP", |(_, v, _)| v);
    let mut trust = Trust { header: None, entries, ..Trust::default() };
    if header.trim() != "proxy_protocol" {
        trust.header = Some(HeaderTrust::listed(
            format!("KONG_TRUSTED_IPS (real_ip_header {header})"),
            loc,
            id,
            "trusted_ips",
            &trust.entries,
            "list only the load balancer's addresses in `KONG_TRUSTED_IPS`",
        ));
    }
    trust
}

/// A Gateway of the operator: the class's GatewayConfiguration (none: the operator's defaults),
/// with the Gateway's own (`spec.infrastructure.parametersRef`, in its namespace) merged over it
/// (`getOrCreateGatewayConfiguration`); or a DataPlane of the input, by itself.
#[allow(clippy::unnecessary_wraps)] // `GatewaySupport::data_plane`'s signature: other implementations return `None`
fn data_plane(ctx: &GatewayCtx<'_>) -> Option<DataPlane> {
    if ctx.gw().kind == DATAPLANE.kind {
        let layers = Layers { objs: vec![ctx.gateway] };
        return Some(render(ctx, &DATAPLANE, &layers, true, Vec::new(), ctx.key_place(ctx.gateway, &["spec"])));
    }
    let mut issues = Vec::new();
    let mut known = true;
    let mut layers = Layers::default();
    // `GetFromParametersRef` and `ValidateParametersRefGroupKind` (internal/utils/gatewayconfig/get.go).
    // A Gateway-level one of another kind makes the Gateway not Accepted, and the reconcile stops
    // there (controller/gateway/controller.go); a class-level one fails the reconcile.
    let refs = [
        (
            ctx.class_ref(),
            "fails to reconcile the Gateway (\"controller only supports gateway-operator.konghq.com/GatewayConfiguration resources for GatewayClass parametersRef\")",
        ),
        (
            ctx.gateway_ref(),
            "marks the Gateway not Accepted (`InvalidParameters`: \"only gateway-operator.konghq.com/GatewayConfiguration is supported\")",
        ),
    ];
    for (r, refused) in refs {
        let Some(r) = r else { continue };
        if !r.is(GROUP, "GatewayConfiguration") {
            issues.push(ParamIssue::wrong_kind(
                ctx,
                &r,
                EXPECTED,
                Effect::StopsTraffic(format!("Kong Gateway Operator {refused} and creates no DataPlane for it")),
            ));
            known = false;
        } else if r.holder != ctx.gateway && r.namespace.is_none() {
            issues.push(ParamIssue {
                at: ctx.key_place(r.holder, &r.path),
                problem: "the reference names no `namespace` (a GatewayConfiguration is namespaced)".into(),
                effect: Effect::StopsTraffic(
                    "Kong Gateway Operator fails to reconcile the Gateway (\"ParametersRef: namespace must be provided\") and creates no DataPlane for it".into(),
                ),
                fix: "add the GatewayConfiguration's `namespace` to `spec.parametersRef`".into(),
            });
            known = false;
        } else if let Some(o) = ctx.resolve_params(&r, None, &mut issues) {
            layers.objs.push(o);
        } else {
            known = false;
        }
    }
    Some(render(ctx, &CONFIG, &layers, known, issues, ctx.class_at()))
}

/// The data plane the options in `layers` (shaped as `shape`) render; `known`: every layer is
/// in the input (else only the proxy's settings are read, not its Service or pods).
fn render(
    ctx: &GatewayCtx<'_>,
    shape: &Shape,
    layers: &Layers,
    known: bool,
    issues: Vec<ParamIssue>,
    fallback: Place,
) -> DataPlane {
    let top = layers.top();
    let settings_at = top.map_or(fallback, |o| ctx.key_place(o, shape.pods));
    let local_hint = if shape.kind == DATAPLANE.kind {
        "in the DataPlane: `spec: {network: {services: {ingress: {externalTrafficPolicy: Local}}}}`"
    } else {
        "in the GatewayConfiguration: `spec: {dataPlaneOptions: {network: {services: {ingress: {externalTrafficPolicy: Local}}}}}`"
    };
    let mut dp = DataPlane {
        service: None,
        pods: None,
        proxy_protocol: Ok(Sourced::default(false, WHOSE, settings_at)),
        proxy_protocol_optional: false,
        trust: Trust::default(),
        settings_at,
        local_hint: local_hint.into(),
        issues,
        shared: None,
        listeners: Vec::new(),
    };
    // The proxy's `KONG_*` settings, from the topmost pod template that sets its containers.
    if let Some((o, _)) = layers.get(ctx.lookup.objects, &[shape.pods, &["containers"]].concat()) {
        let (w, _) =
            rendered_workload(ctx.obj(o), WorkloadKind::Deployment, shape.pods, BTreeMap::new(), &["containers"]);
        if let Some(pp) = proxy_listen(ctx.obj(o), &w, o) {
            dp.proxy_protocol = Ok(pp);
        }
        dp.trust = env_trust(ctx.lookup, o, &w);
    }
    if !known {
        return dp;
    }
    // `DefaultDataPlaneIngressServiceType` (pkg/utils/kubernetes/resources/services.go).
    let svc_type = layers.string(ctx, &shape.ingress(&["type"]), "LoadBalancer", WHOSE, fallback);
    // No CRD default: the operator keeps Kubernetes' `Cluster` unless one is set
    // (controller/dataplane/owned_resources.go).
    let policy = layers.string(ctx, &shape.ingress(&["externalTrafficPolicy"]), "Cluster", WHOSE, fallback);
    let mut annotations = vec![layers.map_entries(ctx, &shape.ingress(&["annotations"]))];
    if shape.kind == CONFIG.kind {
        annotations.push(ctx.infra_annotations());
    }
    dp.service = Some(ServiceSide::new(svc_type, policy, merge_annotations(annotations)));
    dp.pods = Some(pods(ctx, shape, layers, fallback));
    dp
}

/// The DataPlane's Deployment: `deployment.replicas` (unset: the Deployment's default, 1), or
/// the minimum of `deployment.scaling.horizontal` (an HPA); a Gateway's pods carry GEP-1762's
/// gateway-name label (`setGatewayNameLabelInDataPlane`) and its infrastructure labels, a
/// DataPlane's `app: <name>`.
fn pods(ctx: &GatewayCtx<'_>, shape: &Shape, layers: &Layers, fallback: Place) -> RenderedPods {
    let objects = ctx.lookup.objects;
    let (count, autoscaled, count_field) = if layers.has(objects, &shape.deployment(&["scaling", "horizontal"])) {
        (
            layers.int(
                ctx,
                &shape.deployment(&["scaling", "horizontal", "minReplicas"]),
                1,
                "the HPA's default",
                fallback,
            ),
            true,
            shape.count_fields.1,
        )
    } else {
        (
            // The operator copies it to the Deployment as it is (pkg/utils/kubernetes/resources/deployments.go).
            layers.int(ctx, &shape.deployment(&["replicas"]), 1, "Kubernetes' default", fallback),
            false,
            shape.count_fields.0,
        )
    };
    let (key, match_keys) = shape.pod_label;
    let labels: BTreeMap<String, String> = [(key.to_owned(), ctx.name().to_owned())].into_iter().collect();
    let labels = if shape.kind == CONFIG.kind { with_infra(ctx, labels) } else { labels };
    let spread = layers
        .get(objects, &[shape.pods, &["affinity"]].concat())
        .or_else(|| layers.get(objects, &[shape.pods, &["topologySpreadConstraints"]].concat()))
        .map(|(o, _)| rendered_spread(&objects[o], WorkloadKind::Deployment, shape.pods, labels))
        .unwrap_or_default();
    let (spread_hint, spread_plan) = crate::implementations::gateway_api::config_spread(
        objects,
        layers,
        shape.kind,
        shape.pods,
        (key, match_keys),
        "",
    );
    RenderedPods { kind: WorkloadKind::Deployment, count, autoscaled, count_field, spread, spread_hint, spread_plan }
}

const PLUGINS_ANNOTATION: &str = "konghq.com/plugins";

/// Does this object's `konghq.com/plugins` annotation name the plugin `name`?
fn names_plugin(o: &Object, name: &str) -> bool {
    o.annotation(PLUGINS_ANNOTATION).is_some_and(|v| v.split(',').any(|p| p.trim() == name))
}

/// A `rate-limiting` (or `rate-limiting-advanced`) KongPlugin or KongClusterPlugin, by what it
/// counts: `config.limit_by` (`identifier` for the advanced one), `consumer` unless set, and
/// every identifier falls back to `kong.client.get_forwarded_ip()` when it has no value
/// (Kong/kong `kong/plugins/rate-limiting/handler.lua` `get_identifier`, `schema.lua`): the
/// address after `trusted_ips` and `real_ip_header`.
fn rate_limit_of(lookup: &Lookup<'_>, i: ObjId, routes: Vec<ObjId>) -> Option<super::RateLimit> {
    use crate::implementations::gateway_api::keys;
    use crate::k8s::object::scalar_string;
    let o = &lookup.objects[i];
    if o.shadowed
        || !matches!(o.kind.as_str(), "KongPlugin" | "KongClusterPlugin")
        || o.group() != "configuration.konghq.com"
    {
        return None;
    }
    let plugin = o.root.get("plugin").and_then(scalar_string)?;
    let field = match plugin.as_str() {
        "rate-limiting" => "limit_by",
        "rate-limiting-advanced" => "identifier",
        _ => return None,
    };
    let by = o.root.at(&keys(&["config", field])).and_then(scalar_string);
    let (keyed, text) = match by.as_deref().unwrap_or("consumer") {
        "ip" => (super::Keyed::Client, format!("{} `{plugin}` per client address (`{field}: ip`)", o.display())),
        "service" => (super::Keyed::Shared, format!("{} `{plugin}` per Service, shared by every client", o.display())),
        other => (
            super::Keyed::Other,
            format!("{} `{plugin}` per {other} (the client address where a request has none)", o.display()),
        ),
    };
    let at = if by.is_some() { o.loc_at(&keys(&["config", field])) } else { o.key_loc(&keys(&["plugin"])) };
    let name = o.name.as_deref()?;
    let runs_at = lookup
        .objects
        .iter()
        .find(|r| !r.shadowed && names_plugin(r, name) && (o.kind == "KongClusterPlugin" || r.namespace == o.namespace))
        .map(|r| {
            let path = keys(&["metadata", "annotations", PLUGINS_ANNOTATION]);
            (r.loc_at(&path), format!("{} runs it", r.display()))
        });
    let check = super::AllowList {
        obj: i,
        at,
        what: format!("{}'s `{plugin}`", o.display()),
        compares: super::Compares::Detected,
        fix: "Kong counts the address its real-IP settings produce: `KONG_TRUSTED_IPS` with the proxy in front's addresses (and `KONG_REAL_IP_HEADER`), or PROXY protocol (`proxy_protocol` in `KONG_PROXY_LISTEN`, `KONG_REAL_IP_HEADER: proxy_protocol`), or `externalTrafficPolicy: Local`",
        routes,
        runs_at,
    };
    Some(super::RateLimit { check, keyed, text })
}

/// Every rate-limiting plugin of the input: the Kong of the input runs those its objects name
/// (a plugin named elsewhere, or a global KongClusterPlugin, too).
fn rate_limits(lookup: &Lookup<'_>, _: ObjId) -> Vec<super::RateLimit> {
    (0..lookup.objects.len()).filter_map(|i| rate_limit_of(lookup, i, Vec::new())).collect()
}

/// A Gateway's: the plugins its attached routes name (for those routes), and global
/// KongClusterPlugins (label `global: "true"`).
fn gateway_rate_limits(ctx: &GatewayCtx<'_>) -> Vec<super::RateLimit> {
    let routes = ctx.attached_routes();
    (0..ctx.lookup.objects.len())
        .filter_map(|i| {
            let o = &ctx.lookup.objects[i];
            let name = o.name.as_deref()?;
            let global = o.kind == "KongClusterPlugin" && o.labels.get("global").map(String::as_str) == Some("true");
            let naming: Vec<ObjId> = routes
                .iter()
                .copied()
                .filter(|&r| {
                    let r = &ctx.lookup.objects[r];
                    names_plugin(r, name) && (o.kind == "KongClusterPlugin" || r.namespace == o.namespace)
                })
                .collect();
            if !global && naming.is_empty() {
                return None;
            }
            rate_limit_of(ctx.lookup, i, if global { Vec::new() } else { naming })
        })
        .collect()
}
