//! Envoy as an edge proxy: Contour's data plane, or a standalone Envoy.
//! Gateway API (projectcontour/contour@31c4bb3 = v1.33.6): the provisioner
//! runs a contour and an Envoy per Gateway (`envoy-<gateway>`: a DaemonSet unless the class's
//! `ContourDeployment` says `workloadType: Deployment`) behind a Service with `Local` by default.

use super::{Implementation, IngressSupport, Lookup, Trust, flags, images, label_is};
use crate::implementations::gateway_api::{
    AnnotationReach, DataPlane, Effect, GatewayCtx, GatewaySupport, Layers, ParamIssue, ParamRef, RenderedPods,
    ServiceSide, Sourced, hop_trust, keys, merge_annotations,
};
use crate::k8s::object::{ObjId, Object, Place, Workload, WorkloadKind};
use crate::k8s::provenance::{Setting, unknown};
use crate::k8s::spread::Spread;
use crate::yaml::Node;

pub static IMPLEMENTATION: Implementation = Implementation {
    name: "Envoy",
    ingress_class_controllers: &["projectcontour.io/contour"],
    gateway_controllers: &["projectcontour.io/gateway-controller"],
    ingress: Some(&INGRESS),
    gateway: Some(&GATEWAY),
    ..Implementation::DEFAULT
};

static INGRESS: IngressSupport = IngressSupport {
    recognise,
    local_hint: "Contour's example Service `envoy` sets `externalTrafficPolicy: Local` over the Envoy DaemonSet",
    proxy_protocol,
    trust_unread: Some("`network.num-trusted-hops` in the Contour configuration"),
    allow_lists,
    rate_limits,
    ..IngressSupport::DEFAULT
};

static GATEWAY: GatewaySupport = GatewaySupport {
    creator: "Contour's provisioner",
    config_kinds: &[
        (GROUP, "ContourDeployment", "contourdeployments"),
        // Their IP filters and rate limits (`allowlist-wrong-hop`, `rate-limit-wrong-hop`).
        (GROUP, "HTTPProxy", "httpproxies"),
    ],
    // internal/provisioner/controller/gateway.go copies `spec.infrastructure` labels and
    // annotations only.
    annotations: AnnotationReach::InfrastructureOnly,
    annotation_hint: "`spec.infrastructure.annotations` (Contour v1.28.0+), or the ContourDeployment's `spec.envoy.networkPublishing.serviceAnnotations`",
    data_plane: Some(data_plane),
    unused_class_issues,
    ..GatewaySupport::DEFAULT
};

const GROUP: &str = "projectcontour.io";
const WHOSE: &str = "Contour's default";

fn recognise(obj: &Object, w: &Workload) -> bool {
    images(w).any(|i| i.ends_with("envoyproxy/envoy") || i.ends_with("envoyproxy/envoy-distroless"))
        && (label_is(w, "app", "envoy")
            || obj.namespace.as_deref() == Some("projectcontour")
            || label_is(w, "app.kubernetes.io/component", "envoy"))
}

/// `contour serve --use-proxy-protocol` lives on the contour Deployment, not on Envoy; unless the
/// flag is seen here, the setting is elsewhere.
fn proxy_protocol(lookup: &Lookup<'_>, ctrl: ObjId) -> Setting<bool> {
    let obj = &lookup.objects[ctrl];
    let found = lookup.objects.iter().any(|o| {
        !o.shadowed
            && o.namespace == obj.namespace
            && o.workload().is_some_and(|w| flags(w).any(|(_, _, f, _)| f == "--use-proxy-protocol"))
    });
    if found {
        unknown("`--use-proxy-protocol` is set on contour")
    } else {
        unknown("Contour's PROXY setting (`--use-proxy-protocol` or ContourConfiguration) is not in the input")
    }
}

/// What Contour's provisioner refuses in a GatewayClass's `parametersRef`: another kind than a
/// ContourDeployment, or no namespace (the class is then not Accepted, `InvalidParameters`).
/// Checked whether or not a Gateway in the input uses the class.
pub fn class_issue(class: &Object, r: &ParamRef) -> Option<ParamIssue> {
    if r.is(GROUP, "ContourDeployment") && r.namespace.is_some() {
        return None;
    }
    let place = |path: &[&str]| Place { loc: class.key_loc(&keys(path)), obj: r.holder };
    let stops = Effect::StopsTraffic(
        "Contour's provisioner marks the GatewayClass not Accepted (`InvalidParameters`) and provisions no Envoy for its Gateways".into(),
    );
    let expected = "a ContourDeployment (`group: projectcontour.io`, `kind: ContourDeployment`)";
    Some(if r.is(GROUP, "ContourDeployment") {
        ParamIssue {
            at: place(&["spec", "parametersRef"]),
            problem: "the reference names no `namespace` (a ContourDeployment is namespaced)".into(),
            effect: stops,
            fix: "add the ContourDeployment's `namespace` to `spec.parametersRef`".into(),
        }
    } else {
        ParamIssue {
            at: Place { loc: class.loc_at(&keys(&["spec", "parametersRef", "kind"])), obj: r.holder },
            problem: format!("`{}` is not {expected}", if r.gk().is_empty() { "(no kind)".to_owned() } else { r.gk() }),
            effect: stops,
            fix: format!("reference {expected}, or remove the `parametersRef`"),
        }
    })
}

/// Contour GatewayClasses that no Gateway in the input uses, with what the provisioner refuses
/// in them (a class's status does not wait for a Gateway).
fn unused_class_issues(objects: &[Object], used: &[ObjId]) -> Vec<ParamIssue> {
    objects
        .iter()
        .enumerate()
        .filter(|(i, o)| {
            !o.shadowed
                && !used.contains(i)
                && o.kind == "GatewayClass"
                && o.group() == "gateway.networking.k8s.io"
                && o.root.at(&keys(&["spec", "controllerName"])).and_then(Node::as_str)
                    == IMPLEMENTATION.gateway_controllers.first().copied()
        })
        .filter_map(|(i, o)| class_issue(o, &ParamRef::of_class(o, i)?))
        .collect()
}

fn envoy(rest: &[&'static str]) -> Vec<&'static str> {
    ["spec", "envoy"].iter().chain(rest).copied().collect()
}

#[allow(clippy::unnecessary_wraps)] // `GatewaySupport::data_plane`'s signature: other implementations return `None`
fn data_plane(ctx: &GatewayCtx<'_>) -> Option<DataPlane> {
    let objects = ctx.lookup.objects;
    let mut issues = Vec::new();
    let mut known = true;
    if let Some(r) = ctx.gateway_ref() {
        issues.push(ParamIssue {
            at: ctx.key_place(ctx.gateway, &["spec", "infrastructure", "parametersRef"]),
            problem: format!(
                "a Gateway-level `parametersRef` (`{}` here) is never read by Contour's provisioner",
                r.gk()
            ),
            effect: Effect::Ignored("the Gateway is provisioned without these settings".into()),
            fix: "put the settings in a ContourDeployment that the GatewayClass's `spec.parametersRef` names".into(),
        });
    }
    let mut layers = Layers::default();
    if let Some(r) = ctx.class_ref() {
        if let Some(issue) = class_issue(ctx.obj(r.holder), &r) {
            issues.push(issue);
            return Some(DataPlane {
                service: None,
                pods: None,
                proxy_protocol: unknown("the GatewayClass is not accepted"),
                proxy_protocol_optional: false,
                trust: Trust::default(),
                settings_at: ctx.class_at(),
                local_hint: String::new(),
                issues,
                shared: None,
                listeners: Vec::new(),
            });
        } else if let Some(o) = ctx.resolve_params(&r, None, &mut issues) {
            layers.objs.push(o);
        } else {
            known = false;
        }
    }
    let fallback = ctx.class_at();
    let runtime = ["spec", "runtimeSettings", "envoy"];
    let pp_path = [&runtime[..], &["listener", "useProxyProtocol"]].concat();
    let hops_path = [&runtime[..], &["network", "numTrustedHops"]].concat();
    let proxy_protocol = if known {
        match layers.get(objects, &pp_path) {
            Some((o, n)) => match crate::k8s::object::scalar_value(n).and_then(|v| v.as_bool()) {
                Some(b) => Ok(Sourced::written(b, ctx.place(o, &pp_path))),
                None => unknown("`useProxyProtocol` is not a boolean"),
            },
            None => Ok(Sourced::default(false, WHOSE, layers.default_at(ctx, &pp_path, fallback))),
        }
    } else {
        unknown("the ContourDeployment that holds `runtimeSettings` is not in the input")
    };
    let mut trust = Trust::default();
    if let Some((o, n)) = layers.get(objects, &hops_path)
        && let Some(h) = crate::k8s::object::scalar_value(n).and_then(|v| v.as_i64()).filter(|h| *h > 0)
    {
        trust.header = Some(hop_trust(
            format!("runtimeSettings.envoy.network.numTrustedHops: {h}"),
            ctx.place(o, &hops_path),
            "set `numTrustedHops` to the number of L7 proxies in front, 0 behind an L4 load balancer",
            u32::try_from(h).unwrap_or(u32::MAX),
        ));
    }
    let mut dp = DataPlane {
        service: None,
        pods: None,
        proxy_protocol,
        proxy_protocol_optional: false,
        trust,
        settings_at: layers.default_at(ctx, &runtime, fallback),
        local_hint: "in the ContourDeployment: `spec.envoy.networkPublishing.externalTrafficPolicy: Local` (or leave it out: `Local` is Contour's default)".into(),
        issues,
        shared: None,
        listeners: Vec::new(),
    };
    if !known {
        return Some(dp);
    }
    let publishing = layers.string(ctx, &envoy(&["networkPublishing", "type"]), "LoadBalancerService", WHOSE, fallback);
    let ty = match publishing.value.as_str() {
        "NodePortService" => "NodePort",
        "ClusterIPService" => "ClusterIP",
        _ => "LoadBalancer",
    };
    let svc_type = Sourced { value: ty.to_owned(), origin: publishing.origin };
    let policy = layers.string(ctx, &envoy(&["networkPublishing", "externalTrafficPolicy"]), "Local", WHOSE, fallback);
    let annotations = merge_annotations(vec![
        ctx.infra_annotations(),
        layers.map_entries(ctx, &envoy(&["networkPublishing", "serviceAnnotations"])),
    ]);
    dp.service = Some(ServiceSide::new(svc_type, policy, annotations));
    let workload = layers.string(ctx, &envoy(&["workloadType"]), "DaemonSet", WHOSE, fallback);
    dp.pods = Some(if workload.value == "Deployment" {
        // `deployment.replicas` wins over the deprecated `envoy.replicas`; both default to 2.
        let count = if layers.has(objects, &envoy(&["deployment", "replicas"])) {
            layers.int(ctx, &envoy(&["deployment", "replicas"]), 2, WHOSE, fallback)
        } else {
            layers.int(ctx, &envoy(&["replicas"]), 2, WHOSE, fallback)
        };
        // The provisioner always adds a preferred hostname anti-affinity to the Envoy pods.
        RenderedPods {
            kind: WorkloadKind::Deployment,
            count,
            autoscaled: false,
            count_field: "spec.envoy.deployment.replicas",
            spread: Spread { soft_anti_affinity: Some(workload.place().loc), ..Spread::default() },
            spread_hint: "use `spec.envoy.workloadType: DaemonSet` (Contour's default)".into(),
            spread_plan: None,
        }
    } else {
        RenderedPods {
            kind: WorkloadKind::DaemonSet,
            count: Sourced { value: 0, origin: workload.origin },
            autoscaled: false,
            count_field: "spec.envoy.workloadType",
            spread: Spread { daemon_set: true, ..Spread::default() },
            spread_hint: String::new(),
            spread_plan: None,
        }
    });
    Some(dp)
}

/// The places an HTTPProxy sets per-request policies: its virtual host, and each route.
fn httpproxy_scopes(o: &Object) -> Vec<Vec<crate::yaml::PathSeg<'static>>> {
    let mut out = Vec::new();
    if o.root.at(&keys(&["spec", "virtualhost"])).is_some() {
        out.push(keys(&["spec", "virtualhost"]));
    }
    let routes = o.root.at(&keys(&["spec", "routes"])).and_then(Node::as_seq).unwrap_or_default();
    out.extend((0..routes.len()).map(|ri| super::indexed(&["spec", "routes"], ri, &[])));
    out
}

fn httpproxies<'a>(lookup: &'a Lookup<'_>) -> impl Iterator<Item = (ObjId, &'a Object)> {
    lookup.objects.iter().enumerate().filter(|(_, o)| !o.shadowed && o.kind == "HTTPProxy" && o.group() == GROUP)
}

const IP_FILTER_FIX: &str = "`source: Peer` matches the connection's physical peer, which PROXY protocol does not change: `externalTrafficPolicy: Local` behind a load balancer that passes the client's address through makes it the client; with PROXY protocol or behind an HTTP proxy or CDN, use `source: Remote` (the address after PROXY and `num-trusted-hops`)";
const REMOTE_FIX: &str = "Contour's Envoy takes the remote address after PROXY protocol (`--use-proxy-protocol`) and X-Forwarded-For hops (`network.num-trusted-hops` in the Contour configuration): behind an L4 load balancer, PROXY protocol or `externalTrafficPolicy: Local`; behind an HTTP proxy or CDN, `num-trusted-hops` equal to the number of proxies that append X-Forwarded-For";

/// HTTPProxy `ipAllowPolicy` / `ipDenyPolicy` (Contour v1.25.0+), on the virtual host or a
/// route: each filter's `source` is `Peer` ("the ip of the network request, ignoring PROXY and
/// X-Forwarded-For": Envoy RBAC `direct_remote_ip`) or `Remote` ("the ip address of the client,
/// accounting for PROXY and X-Forwarded-For": `remote_ip`) (projectcontour/contour
/// `apis/projectcontour/v1/httpproxy.go` `IPFilterPolicy`, `internal/envoy/v3/route.go`).
fn allow_lists(lookup: &Lookup<'_>, _: ObjId) -> Vec<super::AllowList> {
    use crate::k8s::object::scalar_string;
    use crate::yaml::PathSeg;
    let mut out = Vec::new();
    for (i, o) in httpproxies(lookup) {
        for scope in httpproxy_scopes(o) {
            for field in ["ipAllowPolicy", "ipDenyPolicy"] {
                let mut path = scope.clone();
                path.push(PathSeg::Key(field));
                let filters = o.root.at(&path).and_then(Node::as_seq).unwrap_or_default();
                for (fi, f) in filters.iter().enumerate() {
                    let remote = match f.get("source").and_then(scalar_string).as_deref() {
                        Some("Remote") => true,
                        Some("Peer") => false,
                        _ => continue,
                    };
                    let mut at = path.clone();
                    at.extend([PathSeg::Index(fi), PathSeg::Key("source")]);
                    out.push(super::AllowList {
                        obj: i,
                        at: o.loc_at(&at),
                        what: format!("{}'s `{field}`", o.display()),
                        compares: if remote { super::Compares::Detected } else { super::Compares::PhysicalPeer },
                        fix: if remote { REMOTE_FIX } else { IP_FILTER_FIX },
                        // The HTTPProxy is the route it applies to.
                        routes: vec![i],
                        runs_at: None,
                    });
                }
            }
        }
    }
    out
}

/// HTTPProxy `rateLimitPolicy`, on the virtual host or a route: `local` is applied by each Envoy
/// pod, one limit for every client ("local rate limit policies apply per Envoy pod"); `global`
/// sends descriptors to a rate limit service, per client with a `remoteAddress` entry ("the
/// client's IP address (from x-forwarded-for)") (`apis/projectcontour/v1/httpproxy.go`).
fn rate_limits(lookup: &Lookup<'_>, _: ObjId) -> Vec<super::RateLimit> {
    use crate::yaml::PathSeg;
    let mut out = Vec::new();
    for (i, o) in httpproxies(lookup) {
        for scope in httpproxy_scopes(o) {
            let mut base = scope.clone();
            base.push(PathSeg::Key("rateLimitPolicy"));
            let Some(policy) = o.root.at(&base) else { continue };
            let check = |at, what: String| super::AllowList {
                obj: i,
                at,
                what,
                compares: super::Compares::Detected,
                fix: REMOTE_FIX,
                routes: vec![i],
                runs_at: None,
            };
            if policy.get("local").is_some() {
                let mut at = base.clone();
                at.push(PathSeg::Key("local"));
                out.push(super::RateLimit {
                    check: check(o.key_loc(&at), format!("{}'s local `rateLimitPolicy`", o.display())),
                    keyed: super::Keyed::Shared,
                    text: format!("{} local `rateLimitPolicy` shared by every client (one per Envoy pod)", o.display()),
                });
            }
            let descriptors = policy.at(&keys(&["global", "descriptors"])).and_then(Node::as_seq).unwrap_or_default();
            if descriptors.is_empty() {
                continue;
            }
            let remote = descriptors.iter().enumerate().find_map(|(di, d)| {
                let entries = d.get("entries").and_then(Node::as_seq).unwrap_or_default();
                entries.iter().position(|e| e.get("remoteAddress").is_some()).map(|ei| {
                    let mut at = base.clone();
                    at.extend([PathSeg::Key("global"), PathSeg::Key("descriptors"), PathSeg::Index(di)]);
                    at.extend([PathSeg::Key("entries"), PathSeg::Index(ei), PathSeg::Key("remoteAddress")]);
                    o.key_loc(&at)
                })
            });
            let what = format!("{}'s global `rateLimitPolicy`", o.display());
            let mut global = base.clone();
            global.push(PathSeg::Key("global"));
            out.push(match remote {
                Some(at) => super::RateLimit {
                    check: check(at, what),
                    keyed: super::Keyed::Client,
                    text: format!(
                        "{} global `rateLimitPolicy` per client address (a `remoteAddress` descriptor)",
                        o.display()
                    ),
                },
                None => super::RateLimit {
                    check: check(o.key_loc(&global), what),
                    keyed: super::Keyed::Other,
                    text: format!(
                        "{} global `rateLimitPolicy` keyed on its descriptors, not the client address",
                        o.display()
                    ),
                },
            });
        }
    }
    out
}
