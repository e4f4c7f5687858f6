//! kgateway (kgateway-dev/kgateway `pkg/kgateway/deployer/
//! gateway_parameters.go` @204f645): one Envoy Service and Deployment per Gateway, named like the
//! Gateway, from `GatewayParameters` (the class's, deep-merged under the Gateway's) over
//! in-memory defaults (replicas 1, `type: LoadBalancer`, no `externalTrafficPolicy`); listener
//! settings from `ListenerPolicy` (and the older `HTTPListenerPolicy`) objects that target it.

use std::collections::BTreeMap;

use super::{Implementation, Trust};
use crate::implementations::gateway_api::{
    AnnotationReach, DataPlane, Effect, GatewayCtx, GatewaySupport, Layers, ParamIssue, RenderedPods, ServiceSide,
    hop_trust, keys, merge_annotations, with_infra,
};
use crate::k8s::object::{Place, WorkloadKind};
use crate::k8s::provenance::{Setting, Sourced, unknown};

pub static IMPLEMENTATION: Implementation = Implementation {
    name: "kgateway",
    gateway_controllers: &["kgateway.dev/kgateway"],
    gateway: Some(&GATEWAY),
    reads_rate_limits: true,
    ..Implementation::DEFAULT
};

static GATEWAY: GatewaySupport = GatewaySupport {
    creator: "kgateway",
    config_kinds: &[
        (GROUP, "GatewayParameters", "gatewayparameters"),
        (GROUP, "ListenerPolicy", "listenerpolicies"),
        (GROUP, "HTTPListenerPolicy", "httplistenerpolicies"),
        // Its `rateLimit` (what `migrate` compares per client).
        (GROUP, "TrafficPolicy", "trafficpolicies"),
    ],
    // `translateInfraMeta(gw.Spec.Infrastructure.Annotations)`: metadata is not read.
    annotations: AnnotationReach::InfrastructureOnly,
    annotation_hint: "`spec.infrastructure.annotations`, or the GatewayParameters' `spec.kube.service.extraAnnotations`",
    data_plane: Some(data_plane),
    rate_limits,
    ..GatewaySupport::DEFAULT
};

const GROUP: &str = "gateway.kgateway.dev";
const PARAMS_ANNOTATION: &str = "gateway.kgateway.dev/gateway-parameters-name";
const WHOSE: &str = "kgateway's default";
const POD_PATH: &[&str] = &["spec", "kube", "podTemplate"];
const EXPECTED: &str = "a GatewayParameters (`group: gateway.kgateway.dev`, `kind: GatewayParameters`)";

fn kube(rest: &[&'static str]) -> Vec<&'static str> {
    ["spec", "kube"].iter().chain(rest).copied().collect()
}

fn data_plane(ctx: &GatewayCtx<'_>) -> Option<DataPlane> {
    let objects = ctx.lookup.objects;
    let mut issues = Vec::new();
    let mut known = true;
    let mut layers = Layers::default();
    if let Some(r) = ctx.class_ref() {
        // kgateway fetches a GatewayParameters by the reference's name and namespace whatever
        // its kind says, and renders nothing when there is none.
        if !r.is(GROUP, "GatewayParameters") {
            issues.push(ParamIssue::wrong_kind(
                ctx,
                &r,
                EXPECTED,
                Effect::Ignored(
                    "kgateway reads class parameters only from a GatewayParameters of that name (current releases render no proxy when there is none)".into(),
                ),
            ));
            known = false;
        } else if let Some(o) = ctx.resolve_params(&r, None, &mut issues) {
            layers.objs.push(o);
        } else {
            known = false;
        }
    }
    if ctx.gateway_ref().is_none()
        && let Some(name) = ctx.gw().annotation(PARAMS_ANNOTATION)
    {
        // Releases before `infrastructure.parametersRef` (kgateway-dev/kgateway@06ff8b9,
        // internal/kgateway/deployer/deployer.go) named the Gateway's GatewayParameters, in its
        // namespace, with an annotation.
        match ctx.lookup.find("GatewayParameters", ctx.ns(), name).filter(|&o| objects[o].group() == GROUP) {
            Some(o) => layers.objs.push(o),
            None => {
                issues.push(ParamIssue {
                    at: ctx.place(ctx.gateway, &["metadata", "annotations", PARAMS_ANNOTATION]),
                    problem: format!("GatewayParameters {}/{name} is not in the input", ctx.ns()),
                    effect: Effect::NotInInput,
                    fix: "lint it together with the Gateway it configures (`-f` both files), so the rules that need its settings can judge them".into(),
                });
                known = false;
            }
        }
    }
    if let Some(r) = ctx.gateway_ref() {
        if !r.is(GROUP, "GatewayParameters") {
            // Current main refuses to render the Gateway (`invalid kind … for GatewayParameters`);
            // releases that took the `gateway.kgateway.dev/gateway-parameters-name` annotation
            // instead ignore the reference. Either way its settings do not apply.
            issues.push(ParamIssue::wrong_kind(
                ctx,
                &r,
                EXPECTED,
                Effect::Ignored(
                    "its settings never apply; current kgateway renders no Service or Deployment for the Gateway (`invalid kind for GatewayParameters`)".into(),
                ),
            ));
            known = false;
        } else if let Some(o) = ctx.resolve_params(&r, None, &mut issues) {
            layers.objs.push(o);
        } else {
            known = false;
        }
    }
    // A self-managed Gateway gets no provisioned data plane.
    if layers.has(objects, &["spec", "selfManaged"]) {
        return None;
    }
    let fallback = ctx.class_at();
    let (proxy_protocol, trust, settings_at) = client_ip(ctx);
    let mut dp = DataPlane {
        service: None,
        pods: None,
        proxy_protocol,
        proxy_protocol_optional: false,
        trust,
        settings_at,
        local_hint: "in the GatewayParameters: `spec.kube.service.externalTrafficPolicy: Local`".into(),
        issues,
        shared: None,
        listeners: Vec::new(),
    };
    if !known {
        return Some(dp);
    }
    let svc_type = layers.string(ctx, &kube(&["service", "type"]), "LoadBalancer", WHOSE, fallback);
    let policy = layers.string(ctx, &kube(&["service", "externalTrafficPolicy"]), "", "kgateway writes none", fallback);
    // The Gateway's infrastructure annotations win over `extraAnnotations`.
    let annotations = merge_annotations(vec![
        layers.map_entries(ctx, &kube(&["service", "extraAnnotations"])),
        ctx.infra_annotations(),
    ]);
    dp.service = Some(ServiceSide::new(svc_type, policy, annotations));
    let labels: BTreeMap<String, String> =
        [("gateway.networking.k8s.io/gateway-name".to_owned(), ctx.name().to_owned())].into_iter().collect();
    let spread = layers
        .get(objects, &kube(&["podTemplate", "affinity"]))
        .or_else(|| layers.get(objects, &kube(&["podTemplate", "topologySpreadConstraints"])))
        .map(|(o, _)| {
            crate::implementations::gateway_api::rendered_spread(
                &objects[o],
                WorkloadKind::Deployment,
                POD_PATH,
                with_infra(ctx, labels),
            )
        })
        .unwrap_or_default();
    let gateway_name = "gateway.networking.k8s.io/gateway-name";
    let (spread_hint, spread_plan) = crate::implementations::gateway_api::config_spread(
        objects,
        &layers,
        "GatewayParameters",
        POD_PATH,
        (gateway_name, &[gateway_name, "pod-template-hash"]),
        "",
    );
    dp.pods = Some(RenderedPods {
        kind: WorkloadKind::Deployment,
        count: layers.int(ctx, &kube(&["deployment", "replicas"]), 1, WHOSE, fallback),
        autoscaled: false,
        count_field: "spec.kube.deployment.replicas",
        spread,
        spread_hint,
        spread_plan,
    });
    Some(dp)
}

/// `ListenerPolicy` `spec.default` (or a `spec.perPort[].listener`): `proxyProtocol: {}` and
/// `httpSettings.xffNumTrustedHops`; the older `HTTPListenerPolicy` `spec.xffNumTrustedHops`.
fn client_ip(ctx: &GatewayCtx<'_>) -> (Setting<bool>, Trust, Place) {
    let objects = ctx.lookup.objects;
    let policies = ctx.targeting(GROUP, &["ListenerPolicy", "HTTPListenerPolicy"]);
    let mut pp = None;
    let mut trust = Trust::default();
    for &p in &policies {
        let o = &objects[p];
        let mut listeners: Vec<Vec<crate::yaml::PathSeg<'_>>> = vec![keys(&["spec", "default"])];
        let per_port = o.root.at(&keys(&["spec", "perPort"])).and_then(crate::yaml::Node::as_seq).map_or(0, <[_]>::len);
        for i in 0..per_port {
            listeners.push(vec![
                crate::yaml::PathSeg::Key("spec"),
                crate::yaml::PathSeg::Key("perPort"),
                crate::yaml::PathSeg::Index(i),
                crate::yaml::PathSeg::Key("listener"),
            ]);
        }
        for base in listeners {
            let at = |rest: &[&'static str]| {
                let mut path = base.clone();
                path.extend(keys(rest));
                path
            };
            if o.root.at(&at(&["proxyProtocol"])).is_some() {
                pp = Some(Place { loc: o.key_loc(&at(&["proxyProtocol"])), obj: p });
            }
            if let Some(n) = o.int_at(&at(&["httpSettings", "xffNumTrustedHops"])).filter(|n| *n > 0) {
                trust.header = Some(hop_trust(
                    format!("httpSettings.xffNumTrustedHops: {n}"),
                    Place { loc: o.loc_at(&at(&["httpSettings", "xffNumTrustedHops"])), obj: p },
                    "set `xffNumTrustedHops` to the number of L7 proxies in front, 0 behind an L4 load balancer",
                    u32::try_from(n).unwrap_or(u32::MAX),
                ));
            }
        }
        if let Some(n) = o.int_at(&keys(&["spec", "xffNumTrustedHops"])).filter(|n| *n > 0) {
            trust.header = Some(hop_trust(
                format!("xffNumTrustedHops: {n}"),
                ctx.place(p, &["spec", "xffNumTrustedHops"]),
                "set `xffNumTrustedHops` to the number of L7 proxies in front, 0 behind an L4 load balancer",
                u32::try_from(n).unwrap_or(u32::MAX),
            ));
        }
    }
    let settings_at = policies
        .first()
        .map_or_else(|| ctx.place(ctx.gateway, &["metadata", "name"]), |&p| ctx.key_place(p, &["spec"]));
    let setting = match (pp, policies.iter().find(|&&p| objects[p].kind == "ListenerPolicy")) {
        (Some(at), _) => Ok(Sourced::written(true, at)),
        (None, Some(&p)) => Ok(Sourced::default(false, WHOSE, ctx.key_place(p, &["spec", "default", "proxyProtocol"]))),
        (None, None) => unknown(format!(
            "no ListenerPolicy in the input targets {} (without one, kgateway expects no PROXY header)",
            ctx.display()
        )),
    };
    (setting, trust, settings_at)
}

/// The TrafficPolicies' `rateLimit` that apply to the Gateway (targeting it or a route attached
/// to it) (`api/v1alpha1/kgateway/traffic_policy_types.go`): `local.tokenBucket` is one bucket
/// per Envoy, shared by every client; a `global` descriptor with an entry of
/// `type: RemoteAddress` counts each client address apart (Envoy's `remote_address` action, the
/// detected client).
fn rate_limits(ctx: &GatewayCtx<'_>) -> Vec<super::RateLimit> {
    use crate::k8s::object::scalar_string;
    use crate::yaml::{Node, PathSeg};
    let policies = ctx.policies(GROUP, &["TrafficPolicy"]);
    let mut out = Vec::new();
    for (p, routes) in policies {
        let o = &ctx.lookup.objects[p];
        let Some(rl) = o.root.at(&keys(&["spec", "rateLimit"])) else { continue };
        let check = |at, what: String| super::AllowList {
            obj: p,
            at,
            what,
            compares: super::Compares::Detected,
            fix: "kgateway counts the client address Envoy detects: behind an L4 load balancer, a ListenerPolicy `proxyProtocol: {}` (with the load balancer sending PROXY) or `externalTrafficPolicy: Local`; behind an HTTP proxy or CDN, `httpSettings.xffNumTrustedHops` equal to the number of proxies that append X-Forwarded-For",
            routes: routes.clone(),
            runs_at: None,
        };
        if rl.at(&keys(&["local", "tokenBucket"])).is_some() {
            let at = o.key_loc(&keys(&["spec", "rateLimit", "local"]));
            out.push(super::RateLimit {
                check: check(at, format!("{}'s local `rateLimit`", o.display())),
                keyed: super::Keyed::Shared,
                text: format!("{} local `rateLimit` shared by every client (a token bucket per Envoy)", o.display()),
            });
        }
        let descriptors = rl.at(&keys(&["global", "descriptors"])).and_then(Node::as_seq).unwrap_or_default();
        if descriptors.is_empty() {
            continue;
        }
        let remote = descriptors.iter().enumerate().find_map(|(di, d)| {
            let entries = d.get("entries").and_then(Node::as_seq).unwrap_or_default();
            entries.iter().position(|e| e.get("type").and_then(scalar_string).as_deref() == Some("RemoteAddress")).map(
                |ei| {
                    let mut path = super::indexed(&["spec", "rateLimit", "global", "descriptors"], di, &["entries"]);
                    path.push(PathSeg::Index(ei));
                    path.push(PathSeg::Key("type"));
                    o.loc_at(&path)
                },
            )
        });
        out.push(match remote {
            Some(at) => super::RateLimit {
                check: check(at, format!("{}'s global `rateLimit`", o.display())),
                keyed: super::Keyed::Client,
                text: format!("{} global `rateLimit` per client address (a `RemoteAddress` descriptor)", o.display()),
            },
            None => super::RateLimit {
                check: check(
                    o.key_loc(&keys(&["spec", "rateLimit", "global"])),
                    format!("{}'s global `rateLimit`", o.display()),
                ),
                keyed: super::Keyed::Other,
                text: format!("{} global `rateLimit` keyed on its descriptors, not the client address", o.display()),
            },
        });
    }
    out
}
