//! The KubeSphere gateway (kubesphere/kubesphere): a `gateway.kubesphere.io/v1alpha1` `Gateway`
//! is a gateway by itself, with no GatewayClass. Its operator renders it into an ingress-nginx
//! install (`config/gateway/templates/nginx-ingress.yaml`@0f1c815): `spec.service.{type,
//! annotations}` become the router Service's (in `kubesphere-controls-system`), whose
//! `externalTrafficPolicy` is never set, so always `Cluster`; `spec.controller.config` becomes the
//! ingress-nginx ConfigMap (`use-forwarded-headers`, `proxy-real-ip-cidr`, `use-proxy-protocol`).
//! The fields are `staging/src/kubesphere.io/api/gateway/v1alpha1/gateway_types.go`@27eefd6; the
//! chart's defaults (`service.type: LoadBalancer`) are `config/gateway/values.yaml`@0f1c815.

use super::ingress_nginx::trust_of;
use super::{Implementation, parse_bool};
use crate::diagnostic::Loc;
use crate::implementations::gateway_api::{
    AnnotationReach, DataPlane, FixedPolicy, GatewayCtx, GatewaySupport, ServiceSide, Sourced, keys,
};
use crate::k8s::object::{Place, scalar_string};
use crate::k8s::provenance::{Setting, unknown};

pub static IMPLEMENTATION: Implementation =
    Implementation { name: "KubeSphere ingress-nginx", gateway: Some(&GATEWAY), ..Implementation::DEFAULT };

static GATEWAY: GatewaySupport = GatewaySupport {
    creator: "KubeSphere",
    // `v2alpha2` (the KubeSphere 4 extension) carries Helm values instead, where the policy can be set.
    gateway_kinds: &[(GROUP, "v1alpha1", "Gateway", "gateways")],
    annotations: AnnotationReach::Field(ANNOTATIONS),
    annotation_hint: "`spec.service.annotations`",
    data_plane: Some(data_plane),
    ..GatewaySupport::DEFAULT
};

const GROUP: &str = "gateway.kubesphere.io";
const ANNOTATIONS: &[&str] = &["spec", "service", "annotations"];
const CONFIG: &[&str] = &["spec", "controller", "config"];
const WHOSE: &str = "KubeSphere's gateway chart default";

#[allow(clippy::unnecessary_wraps)] // `GatewaySupport::data_plane`'s signature: other implementations return `None`
fn data_plane(ctx: &GatewayCtx<'_>) -> Option<DataPlane> {
    let gw = ctx.gateway;
    // `spec.controller.config` as the ingress-nginx ConfigMap's data, each value with its place.
    let get = |key: &str| -> Option<(String, Loc)> {
        let path: Vec<&str> = CONFIG.iter().copied().chain([key]).collect();
        let value = ctx.gw().root.at(&keys(&path)).and_then(scalar_string)?;
        Some((value, ctx.place(gw, &path).loc))
    };
    let proxy_protocol: Setting<bool> = match get("use-proxy-protocol") {
        Some((v, loc)) => match parse_bool(&v) {
            Some(b) => Ok(Sourced::written(b, Place { loc, obj: gw })),
            None => unknown(format!("`use-proxy-protocol: {v}` is not a boolean")),
        },
        None => Ok(Sourced::default(false, WHOSE, ctx.key_place(gw, CONFIG))),
    };
    let text = ctx.lookup.texts.get(ctx.gw().file).copied();
    let trust = trust_of(get, gw, text);
    let svc_type = match ctx.gw().str_at(&keys(&["spec", "service", "type"])) {
        Some(t) => Sourced::written(t, ctx.place(gw, &["spec", "service", "type"])),
        None => Sourced::default("LoadBalancer".to_owned(), WHOSE, ctx.key_place(gw, &["spec", "service", "type"])),
    };
    let policy = Sourced::default(
        "Cluster".to_owned(),
        "KubeSphere's router Service never sets it",
        ctx.key_place(gw, &["spec", "service"]),
    );
    Some(DataPlane {
        service: Some(ServiceSide {
            svc_type,
            policy,
            annotations: ctx.map_entries(gw, ANNOTATIONS),
            keeps_client_ip: None,
            policy_fixed: Some(FixedPolicy {
                why: "KubeSphere's Gateway has no field for `externalTrafficPolicy`, and the router Service it renders never sets it".into(),
                instead,
            }),
            policy_patched: false,
            source_ranges: None,
        }),
        pods: None,
        proxy_protocol,
        proxy_protocol_optional: false,
        trust,
        settings_at: ctx.key_place(gw, CONFIG),
        local_hint: String::new(),
        issues: Vec::new(),
        shared: None,
        listeners: Vec::new(),
    })
}

/// What KubeSphere documents for keeping the client address: a load balancer's "get client IP"
/// listener setting with the forwarded headers trusted, or a load balancer sending to the ingress
/// controller with `Local`.
fn instead(header_annotations: &str) -> String {
    format!(
        "KubeSphere documents two ways: turn on the load balancer's \"get client IP\" (X-Forwarded-For) listener setting and trust that header from the load balancer only, in the Gateway: `spec: {{service: {{type: LoadBalancer, annotations: {{{header_annotations}}}}}, controller: {{config: {{use-forwarded-headers: \"true\", proxy-real-ip-cidr: \"<the load balancer's addresses>\"}}}}}}`; or put a load balancer that forwards to the ingress controller's pods with `externalTrafficPolicy: Local` in front (a Service you manage, not the Gateway's)"
    )
}
