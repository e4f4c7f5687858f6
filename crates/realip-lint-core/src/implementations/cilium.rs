//! Cilium's Gateway API: cilium-operator creates a Service
//! `cilium-gateway-<gateway>` without a selector, and eBPF hands its LoadBalancer and NodePort
//! traffic to the node-local Envoy with the client's address intact, whatever
//! `externalTrafficPolicy` says. There are no per-Gateway pods. Settings come from the
//! `CiliumGatewayClassConfig` the GatewayClass names, else the cluster-wide `cilium-config`.

use super::{Implementation, IngressSupport, Lookup, Trust, cm_key_place, cm_value, parse_bool};
use crate::implementations::gateway_api::{
    AnnotationReach, DataPlane, Effect, GatewayCtx, GatewaySupport, Layers, ParamIssue, ServiceSide, Sourced, hop_trust,
};
use crate::k8s::object::{ObjData, ObjId, Place};
use crate::k8s::provenance::{Setting, unknown};

pub static IMPLEMENTATION: Implementation = Implementation {
    name: "Cilium",
    ingress_class_controllers: &["cilium.io/ingress-controller"],
    gateway_controllers: &["io.cilium/gateway-controller"],
    ingress: Some(&INGRESS),
    gateway: Some(&GATEWAY),
    ..Implementation::DEFAULT
};

static INGRESS: IngressSupport = IngressSupport {
    proxy_protocol,
    trust_unread: Some("Cilium's Envoy configuration (`xffNumTrustedHops`)"),
    ..IngressSupport::DEFAULT
};

static GATEWAY: GatewaySupport = GatewaySupport {
    creator: "cilium-operator",
    config_kinds: &[(GROUP, "CiliumGatewayClassConfig", "ciliumgatewayclassconfigs")],
    // The translator reads `spec.infrastructure.annotations` only (operator/pkg/model/ingestion/
    // gateway.go, every version read).
    annotations: AnnotationReach::InfrastructureOnly,
    annotation_hint: "`spec.infrastructure.annotations`",
    data_plane: Some(data_plane),
    ..GatewaySupport::DEFAULT
};

const GROUP: &str = "cilium.io";
const WHOSE: &str = "Cilium's default";
const EXPECTED: &str = "a CiliumGatewayClassConfig (`group: cilium.io`, `kind: CiliumGatewayClassConfig`)";

fn proxy_protocol(_: &Lookup<'_>, _: ObjId) -> Setting<bool> {
    unknown("Cilium's PROXY setting is `enable-gateway-api-proxy-protocol` in cilium-config")
}

/// The cluster's `cilium-config` ConfigMap, if the input holds it.
fn cilium_config(ctx: &GatewayCtx<'_>) -> Option<ObjId> {
    ctx.lookup
        .objects
        .iter()
        .position(|o| !o.shadowed && matches!(o.data, ObjData::ConfigMap) && o.name.as_deref() == Some("cilium-config"))
}

#[allow(clippy::unnecessary_wraps)] // `GatewaySupport::data_plane`'s signature: other implementations return `None`
fn data_plane(ctx: &GatewayCtx<'_>) -> Option<DataPlane> {
    let mut issues = Vec::new();
    let mut known = true;
    if let Some(r) = ctx.gateway_ref() {
        // Never read; cilium/cilium PR #46730 (merged June 2026, in no release checked) also
        // marks such a Gateway not Accepted. Either way its settings do not apply.
        issues.push(ParamIssue {
            at: ctx.key_place(ctx.gateway, &["spec", "infrastructure", "parametersRef"]),
            problem: format!("Cilium reads no Gateway-level parameters (`{}` here)", r.gk()),
            effect: Effect::Ignored(
                "the settings never apply; current Cilium main also marks the Gateway not Accepted (`InvalidParameters`)".into(),
            ),
            fix: "move the settings to a CiliumGatewayClassConfig that the GatewayClass's `spec.parametersRef` names, and remove `spec.infrastructure.parametersRef`".into(),
        });
    }
    let mut layers = Layers::default();
    if let Some(r) = ctx.class_ref() {
        if !r.is(GROUP, "CiliumGatewayClassConfig") || r.namespace.is_none() {
            let mut issue = ParamIssue::wrong_kind(
                ctx,
                &r,
                EXPECTED,
                Effect::Ignored(
                    "Cilium reads only a CiliumGatewayClassConfig; current releases mark the class's Gateways not Accepted (`InvalidParameters`)".into(),
                ),
            );
            if r.is(GROUP, "CiliumGatewayClassConfig") {
                issue.problem = "the reference names no `namespace` (a CiliumGatewayClassConfig is namespaced)".into();
                issue.at = ctx.key_place(r.holder, &["spec", "parametersRef"]);
                issue.fix = "add the CiliumGatewayClassConfig's `namespace` to `spec.parametersRef`".into();
            }
            issues.push(issue);
            known = false;
        } else if let Some(o) = ctx.resolve_params(&r, None, &mut issues) {
            layers.objs.push(o);
        } else {
            known = false;
        }
    }
    let config = cilium_config(ctx);
    let (proxy_protocol, trust) = match config {
        Some(cm) => {
            let pp = match cm_value(ctx.lookup, cm, "enable-gateway-api-proxy-protocol") {
                Some((v, loc)) => match parse_bool(v) {
                    Some(b) => Ok(Sourced::written(b, Place { loc, obj: cm })),
                    None => unknown(format!("`enable-gateway-api-proxy-protocol: {v}` is not a boolean")),
                },
                None => Ok(Sourced::default(
                    false,
                    WHOSE,
                    cm_key_place(ctx.lookup, cm, "enable-gateway-api-proxy-protocol"),
                )),
            };
            let mut trust = Trust::default();
            if let Some((v, loc)) = cm_value(ctx.lookup, cm, "gateway-api-xff-num-trusted-hops")
                && let Some(n) = v.trim().parse::<u32>().ok().filter(|n| *n > 0)
            {
                trust.header = Some(hop_trust(
                    format!("gateway-api-xff-num-trusted-hops: \"{}\"", v.trim()),
                    Place { loc, obj: cm },
                    "set `gateway-api-xff-num-trusted-hops` (Helm `gatewayAPI.xffNumTrustedHops`) to the number of L7 proxies in front, 0 behind an L4 load balancer",
                    n,
                ));
            }
            (pp, trust)
        }
        None => {
            (unknown("cilium-config (Helm `gatewayAPI.enableProxyProtocol`) is not in the input"), Trust::default())
        }
    };
    let fallback = ctx.class_at();
    let mut dp = DataPlane {
        service: None,
        pods: None,
        proxy_protocol,
        proxy_protocol_optional: false,
        trust,
        settings_at: config
            .map_or_else(|| ctx.place(ctx.gateway, &["metadata", "name"]), |cm| ctx.key_place(cm, &["data"])),
        local_hint: String::new(),
        issues,
        shared: None,
        listeners: Vec::new(),
    };
    if !known {
        return Some(dp);
    }
    let svc_type = layers.string(ctx, &["spec", "service", "type"], "LoadBalancer", WHOSE, fallback);
    let mut policy = layers.string(ctx, &["spec", "service", "externalTrafficPolicy"], "Cluster", WHOSE, fallback);
    if policy.is_default()
        && let Some(cm) = config
        && let Some((v, loc)) = cm_value(ctx.lookup, cm, "gateway-api-service-externaltrafficpolicy")
    {
        policy = Sourced::written(v.to_owned(), Place { loc, obj: cm });
    }
    dp.service = Some(ServiceSide {
        svc_type,
        policy,
        annotations: ctx.infra_annotations(),
        keeps_client_ip: Some(
            "Cilium hands the Gateway's load-balancer and node-port traffic to the node-local Envoy with the client address intact, whatever `externalTrafficPolicy` says".into(),
        ),
        policy_fixed: None,
        policy_patched: false,
            source_ranges: None,
    });
    Some(dp)
}
