//! NGINX Gateway Fabric 2.x (nginx/nginx-gateway-fabric@e55bfe3): one nginx
//! Service and Deployment per Gateway, named `<gateway>-<class>` in the Gateway's namespace,
//! shaped by `NginxProxy` objects (class-level, then Gateway-level, merged field by field) whose
//! `rewriteClientIP` also sets PROXY protocol and X-Forwarded-For trust.

use std::collections::BTreeMap;

use super::{COMMAS_OR_SPACES, HeaderTrust, Implementation, Trust, admits_anyone, list_entries};
use crate::implementations::gateway_api::{
    AnnotationReach, DataPlane, Effect, GatewayCtx, GatewaySupport, Layers, ParamIssue, RenderedPods, ServiceSide,
    Sourced, keys, with_infra,
};
use crate::k8s::object::{Place, WorkloadKind, scalar_string};
use crate::k8s::provenance::{Setting, unknown};
use crate::k8s::spread::Spread;
use crate::yaml::Node;

pub static IMPLEMENTATION: Implementation = Implementation {
    name: "NGINX Gateway Fabric",
    gateway_controllers: &["gateway.nginx.org/nginx-gateway-controller"],
    gateway: Some(&GATEWAY),
    reads_rate_limits: true,
    ..Implementation::DEFAULT
};

static GATEWAY: GatewaySupport = GatewaySupport {
    creator: "NGINX Gateway Fabric",
    // RateLimitPolicy: what `migrate` compares per client.
    config_kinds: &[(GROUP, "NginxProxy", "nginxproxies"), (GROUP, "RateLimitPolicy", "ratelimitpolicies")],
    annotations: AnnotationReach::InfrastructureOnly,
    annotation_hint: "`spec.infrastructure.annotations` (NginxProxy has no Service annotations field)",
    data_plane: Some(data_plane),
    rate_limits,
    ..GatewaySupport::DEFAULT
};

const GROUP: &str = "gateway.nginx.org";
const WHOSE: &str = "NGINX Gateway Fabric's default";
const POD_PATH: &[&str] = &["spec", "kubernetes", "deployment", "pod"];
const EXPECTED: &str = "an NginxProxy (`group: gateway.nginx.org`, `kind: NginxProxy`)";

fn svc(rest: &[&'static str]) -> Vec<&'static str> {
    ["spec", "kubernetes", "service"].iter().chain(rest).copied().collect()
}

#[allow(clippy::unnecessary_wraps)] // `GatewaySupport::data_plane`'s signature: other implementations return `None`
fn data_plane(ctx: &GatewayCtx<'_>) -> Option<DataPlane> {
    let mut issues = Vec::new();
    let mut known = true;
    let mut layers = Layers::default();
    if let Some(r) = ctx.class_ref() {
        if !r.is(GROUP, "NginxProxy") || r.namespace.is_none() {
            let mut issue = ParamIssue::wrong_kind(
                ctx,
                &r,
                EXPECTED,
                Effect::Ignored(
                    "NGINX Gateway Fabric keeps the GatewayClass Accepted with reason `InvalidParameters` and ignores the reference"
                        .into(),
                ),
            );
            if r.is(GROUP, "NginxProxy") {
                issue.problem = "the reference names no `namespace` (an NginxProxy is namespaced)".into();
                issue.at = ctx.key_place(r.holder, &["spec", "parametersRef"]);
                issue.fix = "add the NginxProxy's `namespace` to `spec.parametersRef`".into();
            }
            issues.push(issue);
        } else if let Some(o) = ctx.resolve_params(&r, None, &mut issues) {
            layers.objs.push(o);
        } else {
            known = false;
        }
    }
    if let Some(r) = ctx.gateway_ref() {
        if !r.is(GROUP, "NginxProxy") {
            issues.push(ParamIssue::wrong_kind(
                ctx,
                &r,
                EXPECTED,
                Effect::Ignored(
                    "NGINX Gateway Fabric marks the Gateway not Accepted (`InvalidParameters`) but keeps it programmed without the settings"
                        .into(),
                ),
            ));
        } else if let Some(o) = ctx.resolve_params(&r, None, &mut issues) {
            layers.objs.push(o);
        } else {
            known = false;
        }
    }
    let fallback = ctx.class_at();
    let (proxy_protocol, trust) = if known {
        client_ip(ctx, &layers)
    } else {
        (unknown("the NginxProxy that holds `rewriteClientIP` is not in the input"), Trust::default())
    };
    let settings_at = layers.default_at(ctx, &["spec", "rewriteClientIP"], fallback);
    let mut dp = DataPlane {
        service: None,
        pods: None,
        proxy_protocol,
        proxy_protocol_optional: false,
        trust,
        settings_at,
        local_hint: "in the NginxProxy: `spec.kubernetes.service.externalTrafficPolicy: Local` (or leave it out: `Local` is NGINX Gateway Fabric's default)".into(),
        issues,
        shared: None,
        listeners: Vec::new(),
    };
    if !known {
        return Some(dp);
    }
    let svc_type = service_field(ctx, &layers, "type", "LoadBalancer", fallback);
    let mut policy = service_field(ctx, &layers, "externalTrafficPolicy", "Local", fallback);
    let patched = patched_policy(ctx, &layers);
    let policy_patched = patched.is_some();
    if let Some(p) = patched {
        policy = p;
    }
    dp.service = Some(ServiceSide {
        svc_type,
        policy,
        annotations: ctx.infra_annotations(),
        keeps_client_ip: None,
        policy_fixed: None,
        policy_patched,
        source_ranges: layers
            .get(ctx.lookup.objects, &["spec", "kubernetes", "service", "loadBalancerSourceRanges"])
            .and_then(|(o, n)| {
                let ranges = n.as_seq()?.iter().filter_map(scalar_string).collect();
                Some((ranges, ctx.key_place(o, &["spec", "kubernetes", "service", "loadBalancerSourceRanges"])))
            }),
    });
    dp.pods = Some(pods(ctx, &layers, fallback));
    Some(dp)
}

/// A `spec.kubernetes.service` field over the layers. The CRD defaults `type` and
/// `externalTrafficPolicy` inside any `service` object it stores, so a Gateway-level NginxProxy
/// that writes `service` at all replaces a class-level value with the default (derived from the
/// CRD's defaults).
fn service_field(
    ctx: &GatewayCtx<'_>,
    layers: &Layers,
    field: &'static str,
    default: &str,
    fallback: Place,
) -> Sourced<String> {
    let objects = ctx.lookup.objects;
    for &o in layers.objs.iter().rev() {
        let obj = &objects[o];
        if let Some(v) = obj.str_at(&keys(&svc(&[field]))) {
            return Sourced::written(v, ctx.place(o, &svc(&[field])));
        }
        if obj.root.at(&keys(&svc(&[]))).and_then(Node::as_map).is_some() {
            return Sourced::default(
                default.to_owned(),
                "the NginxProxy CRD's default",
                ctx.key_place(o, &svc(&[field])),
            );
        }
    }
    Sourced::default(default.to_owned(), WHOSE, layers.default_at(ctx, &svc(&[field]), fallback))
}

/// `spec.kubernetes.service.patches` are applied last: a StrategicMerge or Merge patch that sets
/// `spec.externalTrafficPolicy`, or a JSONPatch operation on `/spec/externalTrafficPolicy`.
fn patched_policy(ctx: &GatewayCtx<'_>, layers: &Layers) -> Option<Sourced<String>> {
    let objects = ctx.lookup.objects;
    let (o, patches) = layers.get(objects, &svc(&["patches"]))?;
    let obj = &objects[o];
    let mut found = None;
    for p in patches.as_seq().unwrap_or_default() {
        let value = p.get("value");
        if let Some(n) = value.and_then(|v| v.get("spec")).and_then(|s| s.get("externalTrafficPolicy")) {
            found = scalar_string(n).map(|v| Sourced::written(v, Place { loc: obj.loc(n.span), obj: o }));
        }
        for op in value.and_then(Node::as_seq).unwrap_or_default() {
            if op.get("path").and_then(scalar_string).as_deref() == Some("/spec/externalTrafficPolicy")
                && let Some(n) = op.get("value")
            {
                found = scalar_string(n).map(|v| Sourced::written(v, Place { loc: obj.loc(n.span), obj: o }));
            }
        }
    }
    found
}

/// The label every Gateway's nginx pods carry, with the Gateway's name.
const GATEWAY_NAME: &str = "gateway.networking.k8s.io/gateway-name";

fn pods(ctx: &GatewayCtx<'_>, layers: &Layers, fallback: Place) -> RenderedPods {
    let objects = ctx.lookup.objects;
    let k8s =
        |rest: &[&'static str]| -> Vec<&'static str> { ["spec", "kubernetes"].iter().chain(rest).copied().collect() };
    if let Some((o, _)) = layers.get(objects, &k8s(&["daemonSet"])) {
        return RenderedPods {
            kind: WorkloadKind::DaemonSet,
            count: Sourced::written(0, ctx.key_place(o, &k8s(&["daemonSet"]))),
            autoscaled: false,
            count_field: "spec.kubernetes.daemonSet",
            spread: Spread { daemon_set: true, ..Spread::default() },
            spread_hint: String::new(),
            spread_plan: None,
        };
    }
    let autoscaled = layers
        .get(objects, &k8s(&["deployment", "autoscaling", "enable"]))
        .is_some_and(|(o, _)| objects[o].bool_at(&keys(&k8s(&["deployment", "autoscaling", "enable"]))) == Some(true));
    let (count, field) = if autoscaled {
        (
            layers.int(ctx, &k8s(&["deployment", "autoscaling", "minReplicas"]), 1, "the HPA's default", fallback),
            "spec.kubernetes.deployment.autoscaling.minReplicas",
        )
    } else {
        (layers.int(ctx, &k8s(&["deployment", "replicas"]), 1, WHOSE, fallback), "spec.kubernetes.deployment.replicas")
    };
    let labels: BTreeMap<String, String> = [
        ("app.kubernetes.io/name".to_owned(), format!("{}-{}", ctx.name(), ctx.class_name())),
        ("gateway.networking.k8s.io/gateway-name".to_owned(), ctx.name().to_owned()),
    ]
    .into_iter()
    .collect();
    let spread = layers
        .get(objects, &k8s(&["deployment", "pod", "affinity"]))
        .or_else(|| layers.get(objects, &k8s(&["deployment", "pod", "topologySpreadConstraints"])))
        .map(|(o, _)| {
            crate::implementations::gateway_api::rendered_spread(
                &objects[o],
                WorkloadKind::Deployment,
                POD_PATH,
                with_infra(ctx, labels),
            )
        })
        .unwrap_or_default();
    let (spread_hint, spread_plan) = crate::implementations::gateway_api::config_spread(
        objects,
        layers,
        "NginxProxy",
        POD_PATH,
        (GATEWAY_NAME, &[GATEWAY_NAME, "pod-template-hash"]),
        ", or run nginx as a `daemonSet`",
    );
    RenderedPods {
        kind: WorkloadKind::Deployment,
        count,
        autoscaled,
        count_field: field,
        spread,
        spread_hint,
        spread_plan,
    }
}

/// `spec.rewriteClientIP` (v1.5.0+): `mode: ProxyProtocol` puts `proxy_protocol` on every
/// listen; `mode: XForwardedFor` trusts the header from `trustedAddresses` (a list that an upper
/// layer replaces, not extends). Without `rewriteClientIP` the client is the TCP peer.
fn client_ip(ctx: &GatewayCtx<'_>, layers: &Layers) -> (Setting<bool>, Trust) {
    let objects = ctx.lookup.objects;
    let mode_path = ["spec", "rewriteClientIP", "mode"];
    let mode = layers.get(objects, &mode_path).and_then(|(o, n)| Some((o, scalar_string(n)?)));
    let mut trust = Trust::default();
    if let Some((o, n)) = layers.get(objects, &["spec", "rewriteClientIP", "trustedAddresses"]) {
        let obj = &objects[o];
        let text = ctx.lookup.texts.get(obj.file).copied();
        for item in n.as_seq().unwrap_or_default() {
            let Some(value) = item.get("value") else { continue };
            let Some(v) = scalar_string(value) else { continue };
            let hostname = item.get("type").and_then(scalar_string).as_deref() == Some("Hostname");
            trust.entries.extend(list_entries(
                o,
                text,
                "trustedAddresses",
                &v,
                obj.loc(value.span),
                hostname,
                COMMAS_OR_SPACES,
            ));
        }
    }
    let setting = match &mode {
        Some((o, m)) if m == "ProxyProtocol" => {
            if let Some(e) = admits_anyone(&trust.entries) {
                trust.proxy_from_anyone = Some((
                    format!("`rewriteClientIP.trustedAddresses` includes `{}`", e.value),
                    Place { loc: e.loc, obj: e.obj },
                ));
            }
            Ok(Sourced::written(true, ctx.place(*o, &mode_path)))
        }
        Some((o, m)) => {
            let at = ctx.place(*o, &mode_path);
            if m == "XForwardedFor" {
                let mut header = HeaderTrust::listed(
                    "rewriteClientIP.mode: XForwardedFor".into(),
                    at.loc,
                    *o,
                    "trustedAddresses",
                    &trust.entries,
                    "list only the load balancer's addresses in `rewriteClientIP.trustedAddresses`",
                );
                header.off_hint = Some("remove `rewriteClientIP` from the NginxProxy (nginx then takes the TCP peer)");
                trust.header = Some(header);
            }
            Ok(Sourced::written(false, at))
        }
        None => {
            Ok(Sourced::default(false, WHOSE, layers.default_at(ctx, &["spec", "rewriteClientIP"], ctx.class_at())))
        }
    };
    (setting, trust)
}

/// The RateLimitPolicies that apply to the Gateway (targeting it or a route attached to it):
/// each `rateLimit.local.rules[].key` is an nginx `limit_req_zone` key
/// (`apis/v1alpha1/ratelimitpolicy_types.go`, `internal/controller/nginx/config/policies/ratelimit`):
/// per client when it is the remote address, which `rewriteClientIP` rewrites.
fn rate_limits(ctx: &GatewayCtx<'_>) -> Vec<super::RateLimit> {
    let policies = ctx.policies(GROUP, &["RateLimitPolicy"]);
    let mut out = Vec::new();
    for (p, routes) in policies {
        let o = &ctx.lookup.objects[p];
        let rules = o.root.at(&keys(&["spec", "rateLimit", "local", "rules"])).and_then(Node::as_seq);
        for (ri, rule) in rules.unwrap_or_default().iter().enumerate() {
            let key = rule.get("key").and_then(scalar_string).unwrap_or_default();
            let (keyed, text) = if key.contains("remote_addr") {
                (super::Keyed::Client, format!("{} `rateLimit` per client address (`key: {key}`)", o.display()))
            } else {
                (super::Keyed::Other, format!("{} `rateLimit` keyed on `{key}`, not the client address", o.display()))
            };
            let check = super::AllowList {
                obj: p,
                at: o.loc_at(&super::indexed(&["spec", "rateLimit", "local", "rules"], ri, &["key"])),
                what: format!("{}'s `rateLimit`", o.display()),
                compares: super::Compares::Detected,
                fix: "nginx counts the address `rewriteClientIP` produces: in the NginxProxy, `rewriteClientIP` with `mode: ProxyProtocol` (the load balancer sending PROXY) or `mode: XForwardedFor` with `trustedAddresses` listing only the proxy in front, or `externalTrafficPolicy: Local` without `rewriteClientIP`",
                routes: routes.clone(),
                runs_at: None,
            };
            out.push(super::RateLimit { check, keyed, text });
        }
    }
    out
}
