//! Envoy Gateway (envoyproxy/gateway@d32f282): one Envoy Service and
//! Deployment per Gateway, shaped by `EnvoyProxy` objects (class-level, Gateway-level; the
//! Gateway's replaces the class's unless `mergeType` says merge) and the client-IP settings of
//! the `ClientTrafficPolicy` objects that target the Gateway.

use std::collections::BTreeMap;

use super::{
    AllowList, COMMAS_OR_SPACES, Compares, HeaderTrust, Implementation, IngressSupport, Lookup, Trust, label_is,
    list_entries,
};
use crate::implementations::gateway_api::{
    AnnotationReach, DataPlane, Effect, GatewayCtx, GatewaySupport, Layers, ListenerSettings, OwnServiceLabels,
    ParamIssue, RenderedPods, ServiceSide, Sourced, hop_trust, inside, merge_annotations, with_infra,
};
use crate::k8s::object::{ObjId, Object, Place, Workload, WorkloadKind, scalar_string};
use crate::k8s::provenance::{Setting, unknown};

pub static IMPLEMENTATION: Implementation = Implementation {
    name: "Envoy Gateway",
    gateway_controllers: &["gateway.envoyproxy.io/gatewayclass-controller"],
    ingress: Some(&INGRESS),
    gateway: Some(&GATEWAY),
    reads_rate_limits: true,
    ..Implementation::DEFAULT
};

static INGRESS: IngressSupport = IngressSupport {
    recognise,
    local_hint: "Envoy Gateway's EnvoyProxy `spec.provider.kubernetes.envoyService.externalTrafficPolicy: Local` (its default)",
    proxy_protocol,
    trust_unread: Some("the ClientTrafficPolicy of the Gateway these pods serve"),
    ..IngressSupport::DEFAULT
};

static GATEWAY: GatewaySupport = GatewaySupport {
    creator: "Envoy Gateway",
    config_kinds: &[
        (GROUP, "EnvoyProxy", "envoyproxies"),
        (GROUP, "ClientTrafficPolicy", "clienttrafficpolicies"),
        (GROUP, "SecurityPolicy", "securitypolicies"),
        // Its `rateLimit` (what `migrate` compares per client).
        (GROUP, "BackendTrafficPolicy", "backendtrafficpolicies"),
    ],
    annotations: AnnotationReach::InfrastructureOnly,
    annotation_hint: "`spec.infrastructure.annotations`, or the EnvoyProxy's `spec.provider.kubernetes.envoyService.annotations`",
    data_plane: Some(data_plane),
    allow_lists,
    rate_limits,
    ignored_policies,
    own_service_labels: Some(OwnServiceLabels {
        name: "gateway.envoyproxy.io/owning-gateway-name",
        namespace: "gateway.envoyproxy.io/owning-gateway-namespace",
    }),
    ..GatewaySupport::DEFAULT
};

const GROUP: &str = "gateway.envoyproxy.io";
const WHOSE: &str = "Envoy Gateway's default";
const OFF_HINT: &str = "remove `clientIPDetection` from the ClientTrafficPolicy (Envoy then takes the TCP peer)";
const K8S: [&str; 3] = ["spec", "provider", "kubernetes"];
const POD_PATH: &[&str] = &["spec", "provider", "kubernetes", "envoyDeployment", "pod"];

/// The Envoy pods Envoy Gateway renders (a cluster dump holds them): `EnvoyAppLabel()`.
fn recognise(_: &Object, w: &Workload) -> bool {
    label_is(w, "app.kubernetes.io/managed-by", "envoy-gateway") && label_is(w, "app.kubernetes.io/component", "proxy")
}

/// Is an Envoy Gateway controller in the input, of a version before v1.`minor`.0 by its image tag?
fn controller_before(objects: &[Object], minor: u32) -> bool {
    controllers(objects).filter_map(|(_, tag)| tag).any(|tag| {
        let mut parts = tag.trim_start_matches('v').split('.').map(|p| p.parse::<u32>().ok());
        match (parts.next().flatten(), parts.next().flatten()) {
            (Some(0), Some(_)) => true,
            (Some(1), Some(m)) => m < minor,
            _ => false,
        }
    })
}

/// The Envoy Gateway controllers of the input: each one's object and image tag (if any).
fn controllers(objects: &[Object]) -> impl Iterator<Item = (&Object, Option<&str>)> {
    objects.iter().filter(|o| !o.shadowed).filter_map(|o| Some((o, o.workload()?))).flat_map(|(o, w)| {
        w.pod.containers.iter().filter_map(|c| c.image.as_deref()).filter_map(move |image| {
            let no_digest = image.split('@').next().unwrap_or(image);
            let (repo, tag) = match no_digest.rsplit_once(':') {
                Some((r, t)) if !r.ends_with('/') && !t.contains('/') => (r, Some(t)),
                _ => (no_digest, None),
            };
            repo.ends_with("envoyproxy/gateway").then_some((o, tag))
        })
    })
}

fn proxy_protocol(_: &Lookup<'_>, _: ObjId) -> Setting<bool> {
    unknown("Envoy Gateway sets PROXY protocol in a ClientTrafficPolicy that targets the Gateway")
}

fn path(rest: &[&'static str]) -> Vec<&'static str> {
    K8S.iter().chain(rest).copied().collect()
}

#[allow(clippy::unnecessary_wraps)] // `GatewaySupport::data_plane`'s signature: other implementations return `None`
fn data_plane(ctx: &GatewayCtx<'_>) -> Option<DataPlane> {
    let objects = ctx.lookup.objects;
    let mut issues = Vec::new();
    // Whether the settings behind the Service are known from the input.
    let mut known = true;
    let mut class_ep = None;
    if let Some(r) = ctx.class_ref() {
        if !r.is(GROUP, "EnvoyProxy") {
            issues.push(ParamIssue::wrong_kind(
                ctx,
                &r,
                "an EnvoyProxy (`group: gateway.envoyproxy.io`, `kind: EnvoyProxy`)",
                Effect::Ignored(
                    "Envoy Gateway marks the GatewayClass not Accepted (`InvalidParameters`) and applies none of it"
                        .into(),
                ),
            ));
            known = false;
        } else if let Some(o) = ctx.resolve_params(&r, Some("default"), &mut issues) {
            class_ep = Some(o);
        } else {
            known = false;
        }
    }
    let merged = class_ep.is_some_and(|o| {
        objects[o].bool_at(&crate::implementations::gateway_api::keys(&["spec", "mergeGateways"])) == Some(true)
    });
    let mut gw_ep = None;
    if let Some(r) = ctx.gateway_ref() {
        let stops = |why: &str| {
            Effect::StopsTraffic(format!(
                "Envoy Gateway marks the Gateway not Accepted (`InvalidParameters`: {why}) and programs none of its listeners"
            ))
        };
        if merged {
            issues.push(ParamIssue {
                at: ctx.key_place(ctx.gateway, &["spec", "infrastructure", "parametersRef"]),
                problem:
                    "a Gateway-level `parametersRef` under a GatewayClass whose EnvoyProxy sets `mergeGateways: true`"
                        .into(),
                effect: stops(
                    "infrastructure.parametersref must be nil when MergeGateways feature is enabled by gatewayclass",
                ),
                fix: "remove `spec.infrastructure.parametersRef`: merged Gateways share the class's EnvoyProxy".into(),
            });
            return Some(rejected(ctx, issues));
        } else if !r.is(GROUP, "EnvoyProxy") || r.name.is_empty() {
            let expected = "an EnvoyProxy (`group: gateway.envoyproxy.io`, `kind: EnvoyProxy`)";
            // Envoy Gateway refuses the Gateway for it from v1.3.0; an older controller in the
            // input ignores the reference instead.
            if controller_before(objects, 3) {
                issues.push(ParamIssue::wrong_kind(
                    ctx,
                    &r,
                    expected,
                    Effect::Ignored(
                        "the Envoy Gateway controller in the input (before v1.3.0) ignores it and provisions the Gateway on the class's settings; from v1.3.0 it marks the Gateway not Accepted".into(),
                    ),
                ));
            } else {
                let mut issue =
                    ParamIssue::wrong_kind(ctx, &r, expected, stops("unsupported parametersRef for gateway"));
                if let Effect::StopsTraffic(why) = &mut issue.effect {
                    why.push_str(" (Envoy Gateway v1.3.0 and later; earlier versions ignore the reference)");
                }
                issues.push(issue);
                return Some(rejected(ctx, issues));
            }
        } else if let Some(o) = ctx.resolve_params(&r, None, &mut issues) {
            gw_ep = Some(o);
        } else {
            known = false;
        }
    }
    // The Gateway's EnvoyProxy replaces the class's unless its `mergeType` merges them.
    let mut layers = Layers::default();
    match gw_ep {
        Some(g) => {
            if let (Some(c), true) = (class_ep, merges(&objects[g])) {
                layers.objs.push(c);
            }
            layers.objs.push(g);
        }
        None => layers.objs.extend(class_ep),
    }
    // The controller-wide default sits under them only when no EnvoyProxy replaces it: the
    // class's `mergeType`, else the Gateway's, decides (`MergeEnvoyProxyConfigs`, step 2).
    let first_merge_type =
        [class_ep, gw_ep].into_iter().flatten().map(|o| &objects[o]).find(|o| merge_type(o).is_some());
    let base = match (class_ep.is_some() || gw_ep.is_some(), first_merge_type) {
        (false, _) => ControllerDefault::find(ctx),
        (true, Some(o)) if merges(o) => ControllerDefault::find(ctx),
        _ => None,
    };
    let fallback = ctx.class_at();
    let ((proxy_protocol, optional, trust, settings_at), listeners) =
        client_ip_per_listener(ctx, &layers, base.as_ref());
    let mut dp = DataPlane {
        service: None,
        pods: None,
        proxy_protocol,
        proxy_protocol_optional: optional,
        trust,
        settings_at,
        local_hint: "in the EnvoyProxy: `spec.provider.kubernetes.envoyService.externalTrafficPolicy: Local` (or leave it out: `Local` is Envoy Gateway's default)".into(),
        issues,
        shared: merged.then(|| format!("envoy-gateway/{}", ctx.class_name())),
        listeners,
    };
    if !known {
        return Some(dp);
    }
    let from_layers_or_base = |rest: &[&'static str], default: &str| {
        let p = path(rest);
        match (&base, layers.has(objects, &p)) {
            (Some(b), false) => b.string(ctx, &p[1..]),
            _ => None,
        }
        .unwrap_or_else(|| layers.string(ctx, &p, default, WHOSE, fallback))
    };
    let svc_type = from_layers_or_base(&["envoyService", "type"], "LoadBalancer");
    let mut policy = from_layers_or_base(&["envoyService", "externalTrafficPolicy"], "Local");
    // `envoyService.patch` is applied last (the layers' own, else the controller-wide default's).
    let patched = path(&["envoyService", "patch", "value", "spec", "externalTrafficPolicy"]);
    let mut by_patch = false;
    if let Some((o, n)) = layers.get(objects, &patched)
        && let Some(v) = scalar_string(n)
    {
        policy = Sourced::written(v, ctx.place(o, &patched));
        by_patch = true;
    } else if !layers.has(objects, &path(&["envoyService", "patch"]))
        && let Some(v) = base.as_ref().and_then(|b| b.string(ctx, &patched[1..]))
    {
        policy = v;
        by_patch = true;
    }
    let field = if by_patch {
        "envoyService.patch.value.spec.externalTrafficPolicy: Local` (the patch is applied last, over `envoyService.externalTrafficPolicy`)"
    } else {
        "envoyService.externalTrafficPolicy: Local` (or leave it out: `Local` is Envoy Gateway's default)"
    };
    if base.as_ref().is_some_and(|b| policy.place().obj == b.at.obj) {
        dp.local_hint = format!(
            "in the `{}` ConfigMap's `{}`: `envoyProxy.provider.kubernetes.{field}",
            ControllerDefault::CONFIG_MAP,
            ControllerDefault::KEY
        );
    } else if by_patch {
        dp.local_hint = format!("in the EnvoyProxy: `spec.provider.kubernetes.{field}");
    }
    let annotations = merge_annotations(vec![
        ctx.infra_annotations(),
        base.as_ref().map(|b| b.map_entries(ctx, &path(&["envoyService", "annotations"])[1..])).unwrap_or_default(),
        layers.map_entries(ctx, &path(&["envoyService", "annotations"])),
    ]);
    let mut service = ServiceSide::new(svc_type, policy, annotations);
    // `envoyService.loadBalancerSourceRanges` (the layers', else the default's).
    let ranges_path = path(&["envoyService", "loadBalancerSourceRanges"]);
    let seq =
        |n: &crate::yaml::Node| -> Option<Vec<String>> { Some(n.as_seq()?.iter().filter_map(scalar_string).collect()) };
    service.source_ranges = match layers.get(objects, &ranges_path) {
        Some((o, n)) => seq(n).map(|r| (r, ctx.key_place(o, &ranges_path))),
        None => {
            base.as_ref().and_then(|b| Some((seq(b.get(&ranges_path[1..])?)?, b.key_place(ctx, &ranges_path[1..]))))
        }
    };
    dp.service = Some(service);
    dp.pods = Some(pods(ctx, &layers, base.as_ref(), fallback));
    Some(dp)
}

/// An EnvoyProxy's `spec.mergeType`, if it sets one.
fn merge_type(o: &Object) -> Option<String> {
    o.str_at(&crate::implementations::gateway_api::keys(&["spec", "mergeType"]))
}

/// Does this EnvoyProxy merge into the less specific one (rather than replace it)?
fn merges(o: &Object) -> bool {
    matches!(merge_type(o).as_deref(), Some("StrategicMerge" | "JSONMerge"))
}

/// The controller-wide default EnvoyProxy (v1.7.0+, envoyproxy/gateway@cf54ff9): top-level
/// `envoyProxy:` (an EnvoyProxy's `spec`) of the EnvoyGateway document in the
/// `envoy-gateway-config` ConfigMap, key `envoy-gateway.yaml`, in the controller's namespace.
struct ControllerDefault {
    /// The parsed `envoyProxy` mapping.
    spec: crate::yaml::Node,
    /// The ConfigMap value that holds it.
    at: Place,
}

impl ControllerDefault {
    const CONFIG_MAP: &str = "envoy-gateway-config";
    const KEY: &str = "envoy-gateway.yaml";

    /// The default in the input: the ConfigMap in the namespace of an Envoy Gateway controller
    /// of the input (none: any namespace). An older controller does not read it.
    fn find(ctx: &GatewayCtx<'_>) -> Option<Self> {
        let objects = ctx.lookup.objects;
        if controller_before(objects, 7) {
            return None;
        }
        let namespaces: Vec<&str> = controllers(objects).filter_map(|(o, _)| o.namespace.as_deref()).collect();
        objects.iter().enumerate().filter(|(_, o)| !o.shadowed).find_map(|(i, o)| {
            if o.kind != "ConfigMap"
                || o.name.as_deref() != Some(Self::CONFIG_MAP)
                || !(namespaces.is_empty() || o.namespace.as_deref().is_some_and(|n| namespaces.contains(&n)))
            {
                return None;
            }
            let (text, loc) = super::cm_value(ctx.lookup, i, Self::KEY)?;
            let root = crate::yaml::parse_stream(text).into_iter().next().and_then(|d| d.root)?;
            if root.get("kind").and_then(scalar_string).as_deref() != Some("EnvoyGateway") {
                return None;
            }
            let spec = root.get("envoyProxy")?.clone();
            Some(ControllerDefault { spec, at: Place { loc, obj: i } })
        })
    }

    /// A string setting at `path` of the default's spec, placed at its line in the ConfigMap.
    fn string(&self, ctx: &GatewayCtx<'_>, path: &[&str]) -> Option<Sourced<String>> {
        let v = scalar_string(self.get(path)?)?;
        let key = path.last().copied().unwrap_or_default();
        Some(Sourced::written(v.clone(), inside(ctx, self.at, &format!("{key}: {v}"))))
    }

    /// An integer setting at `path`, placed as `string` does it.
    fn int(&self, ctx: &GatewayCtx<'_>, path: &[&str]) -> Option<Sourced<i32>> {
        let v = crate::k8s::object::scalar_value(self.get(path)?)?.as_i64()?;
        let key = path.last().copied().unwrap_or_default();
        Some(Sourced::written(i32::try_from(v).unwrap_or(i32::MAX), inside(ctx, self.at, &format!("{key}: {v}"))))
    }

    /// The node at `path` of the default's spec (an EnvoyProxy path without its `spec`).
    fn get(&self, path: &[&str]) -> Option<&crate::yaml::Node> {
        self.spec.at(&crate::implementations::gateway_api::keys(path))
    }

    /// Where the key at the end of `path` is written in the ConfigMap (else the whole value).
    fn key_place(&self, ctx: &GatewayCtx<'_>, path: &[&str]) -> Place {
        inside(ctx, self.at, &format!("{}:", path.last().copied().unwrap_or_default()))
    }

    /// The string entries of the mapping at `path`, each placed at its key in the ConfigMap.
    fn map_entries(&self, ctx: &GatewayCtx<'_>, path: &[&str]) -> Vec<(String, String, Place)> {
        let Some(m) =
            self.spec.at(&crate::implementations::gateway_api::keys(path)).and_then(crate::yaml::Node::as_map)
        else {
            return Vec::new();
        };
        m.iter()
            .filter_map(|(k, v)| {
                let k = k.as_str()?.to_owned();
                let at = inside(ctx, self.at, &k);
                Some((k, scalar_string(v).unwrap_or_default(), at))
            })
            .collect()
    }
}

/// A Gateway Envoy Gateway will not accept: no data plane to judge, only the issue.
fn rejected(ctx: &GatewayCtx<'_>, issues: Vec<ParamIssue>) -> DataPlane {
    DataPlane {
        service: None,
        pods: None,
        proxy_protocol: unknown("the Gateway is not accepted"),
        proxy_protocol_optional: false,
        trust: Trust::default(),
        settings_at: ctx.place(ctx.gateway, &["metadata", "name"]),
        local_hint: String::new(),
        issues,
        shared: None,
        listeners: Vec::new(),
    }
}

/// The proxy pods: from the EnvoyProxy layers, or where they leave a field out, the
/// controller-wide default's (`base`, present only where no EnvoyProxy replaces it).
fn pods(ctx: &GatewayCtx<'_>, layers: &Layers, base: Option<&ControllerDefault>, fallback: Place) -> RenderedPods {
    let objects = ctx.lookup.objects;
    // Which layer sets `rest`: an EnvoyProxy (`Some(Some(obj))`), the default (`Some(None)`).
    let set_by = |rest: &[&'static str]| -> Option<Option<ObjId>> {
        let p = path(rest);
        match layers.get(objects, &p) {
            Some((o, _)) => Some(Some(o)),
            None => base.and_then(|b| b.get(&p[1..])).map(|_| None),
        }
    };
    let labels: BTreeMap<String, String> = [
        ("app.kubernetes.io/name", "envoy"),
        ("app.kubernetes.io/component", "proxy"),
        ("app.kubernetes.io/managed-by", "envoy-gateway"),
        ("gateway.envoyproxy.io/owning-gateway-name", ctx.name()),
        ("gateway.envoyproxy.io/owning-gateway-namespace", ctx.ns()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    if let Some(o) = set_by(&["envoyDaemonSet"]) {
        let at = match (o, base) {
            (Some(o), _) => ctx.key_place(o, &path(&["envoyDaemonSet"])),
            (None, Some(b)) => b.key_place(ctx, &["envoyDaemonSet"]),
            (None, None) => fallback,
        };
        return RenderedPods {
            kind: WorkloadKind::DaemonSet,
            count: Sourced::written(0, at),
            autoscaled: false,
            count_field: if o.is_none() {
                "envoyProxy.provider.kubernetes.envoyDaemonSet"
            } else {
                "spec.provider.kubernetes.envoyDaemonSet"
            },
            spread: crate::k8s::spread::Spread { daemon_set: true, ..Default::default() },
            spread_hint: String::new(),
            spread_plan: None,
        };
    }
    // An integer from the layers, else the default's, else `default` (labelled as `Layers::int` does).
    let int = |rest: &[&'static str], default: i32, whose: &str| {
        let p = path(rest);
        match (layers.has(objects, &p), base.and_then(|b| b.int(ctx, &p[1..]))) {
            (false, Some(v)) => v,
            _ => layers.int(ctx, &p, default, whose, fallback),
        }
    };
    // Fields are named where the count is written: an EnvoyProxy, or the default's ConfigMap.
    let (count, autoscaled, mut field) = if set_by(&["envoyHpa"]).is_some() {
        (
            int(&["envoyHpa", "minReplicas"], 1, "the HPA's default"),
            true,
            "spec.provider.kubernetes.envoyHpa.minReplicas",
        )
    } else {
        (int(&["envoyDeployment", "replicas"], 1, WHOSE), false, "spec.provider.kubernetes.envoyDeployment.replicas")
    };
    // Only the default in the input: what to change lives in its ConfigMap.
    let in_default = layers.top().is_none().then_some(base).flatten();
    if in_default.is_some() {
        field = if autoscaled {
            "envoyProxy.provider.kubernetes.envoyHpa.minReplicas"
        } else {
            "envoyProxy.provider.kubernetes.envoyDeployment.replicas"
        };
    }
    let spread_by = set_by(&["envoyDeployment", "pod", "affinity"])
        .or_else(|| set_by(&["envoyDeployment", "pod", "topologySpreadConstraints"]));
    let spread = match spread_by {
        Some(Some(o)) => crate::implementations::gateway_api::rendered_spread(
            &objects[o],
            WorkloadKind::Deployment,
            POD_PATH,
            with_infra(ctx, labels),
        ),
        // The default's pod template is YAML inside a ConfigMap string: spread, but not read
        // term by term (no rule claims the pods are unspread).
        Some(None) => crate::k8s::spread::Spread { uncertain: true, ..Default::default() },
        None => crate::k8s::spread::Spread::default(),
    };
    // Pods of every Gateway the EnvoyProxy serves carry the owning-gateway labels: one
    // constraint keeps each Gateway's pods (and revisions) apart from each other's.
    let by = (
        "gateway.envoyproxy.io/owning-gateway-name",
        &[
            "gateway.envoyproxy.io/owning-gateway-name",
            "gateway.envoyproxy.io/owning-gateway-namespace",
            "pod-template-hash",
        ][..],
    );
    let or = ", or run Envoy as `envoyDaemonSet`";
    let (spread_hint, spread_plan) = match in_default {
        // YAML inside a ConfigMap string: said, not written.
        Some(_) => {
            let text = format!(
                "add to the `{}` ConfigMap's `{}`: `envoyProxy.provider.kubernetes.envoyDeployment.pod.topologySpreadConstraints: [{}]`{or}",
                ControllerDefault::CONFIG_MAP,
                ControllerDefault::KEY,
                crate::k8s::spread::hostname_spread_by_key(by.0, by.1).flow()
            );
            (text.clone(), Some(crate::k8s::spread::SpreadPlan { change: None, text }))
        }
        None => crate::implementations::gateway_api::config_spread(objects, layers, "EnvoyProxy", POD_PATH, by, or),
    };
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

/// PROXY protocol and client-IP detection from the ClientTrafficPolicies that target the
/// Gateway: `spec.proxyProtocol` (v1.5.0+, `optional: true` also takes connections without
/// the header), the deprecated `spec.enableProxyProtocol`, and `spec.clientIPDetection`.
/// A ClientTrafficPolicy that names a listener (`sectionName`) replaces the Gateway-level ones
/// on that listener (Envoy Gateway marks those `Overridden` there): the Gateway-level settings,
/// and each such listener's own.
fn client_ip_per_listener(
    ctx: &GatewayCtx<'_>,
    layers: &Layers,
    base: Option<&ControllerDefault>,
) -> ((Setting<bool>, bool, Trust, Place), Vec<ListenerSettings>) {
    let attached = ctx.targeting_sections(GROUP, &["ClientTrafficPolicy"]);
    let whole: Vec<ObjId> = attached.iter().filter(|(_, s)| s.is_empty()).map(|(i, _)| *i).collect();
    let whole = first_applied(ctx.lookup.objects, &whole);
    // A section that names no listener is refused (`validateGatewayListenerSectionName`): that
    // reference applies nowhere.
    let listeners = ctx.gw().root.at(&crate::implementations::gateway_api::keys(&["spec", "listeners"]));
    let exists = |name: &str| {
        listeners
            .and_then(crate::yaml::Node::as_seq)
            .unwrap_or_default()
            .iter()
            .any(|l| l.get("name").and_then(scalar_string).as_deref() == Some(name))
    };
    let mut names: Vec<&String> = attached.iter().flat_map(|(_, s)| s).filter(|n| exists(n)).collect();
    names.sort();
    names.dedup();
    let listeners = names
        .into_iter()
        .map(|name| {
            let own: Vec<ObjId> = attached.iter().filter(|(_, s)| s.contains(name)).map(|(i, _)| *i).collect();
            let own = first_applied(ctx.lookup.objects, &own);
            let (proxy_protocol, proxy_protocol_optional, trust, settings_at) = client_ip(ctx, layers, base, &own);
            ListenerSettings { name: name.clone(), proxy_protocol, proxy_protocol_optional, trust, settings_at }
        })
        .collect();
    (client_ip(ctx, layers, base, &whole), listeners)
}

/// Of several ClientTrafficPolicies that claim the same scope (the whole Gateway, or one
/// listener), the one Envoy Gateway applies: the oldest, then the first by namespace and name
/// (`internal/gatewayapi/resource/resource.go` sorts them so); the others are marked
/// `Conflicted` and apply nowhere (`internal/gatewayapi/clienttrafficpolicy.go`). Applied together
/// from manifests, they share a creation second, so namespace and name decide.
fn first_applied(objects: &[crate::k8s::object::Object], policies: &[ObjId]) -> Vec<ObjId> {
    let created = |o: &crate::k8s::object::Object| {
        o.str_at(&crate::implementations::gateway_api::keys(&["metadata", "creationTimestamp"])).unwrap_or_default()
    };
    let first = policies.iter().copied().min_by(|&a, &b| {
        let (a, b) = (&objects[a], &objects[b]);
        (created(a), &a.namespace, &a.name).cmp(&(created(b), &b.namespace, &b.name))
    });
    first.into_iter().collect()
}

fn client_ip(
    ctx: &GatewayCtx<'_>,
    layers: &Layers,
    base: Option<&ControllerDefault>,
    policies: &[ObjId],
) -> (Setting<bool>, bool, Trust, Place) {
    let objects = ctx.lookup.objects;
    let keys = crate::implementations::gateway_api::keys;
    let mut trust = Trust::default();
    let mut pp: Option<(Place, bool)> = None;
    for &p in policies {
        let o = &objects[p];
        if o.root.at(&keys(&["spec", "proxyProtocol"])).is_some() {
            let optional = o.bool_at(&keys(&["spec", "proxyProtocol", "optional"])) == Some(true);
            pp = Some((ctx.key_place(p, &["spec", "proxyProtocol"]), optional));
        } else if o.bool_at(&keys(&["spec", "enableProxyProtocol"])) == Some(true) {
            pp = Some((ctx.place(p, &["spec", "enableProxyProtocol"]), false));
        }
        let xff = ["spec", "clientIPDetection", "xForwardedFor"];
        let hops = [&xff[..], &["numTrustedHops"]].concat();
        let cidrs = [&xff[..], &["trustedCIDRs"]].concat();
        if let Some(n) = o.int_at(&keys(&hops)) {
            // Translated to `xff_num_trusted_hops: N-1` with the XFF extension (internal/xds/
            // translator/listener.go `xffNumTrustedHops`), 0 for 0: the Nth entry from the right
            // (the API's doc), the rightmost for 0 and 1. Any N trusts a client-written entry
            // when nothing in front appends.
            trust.header = Some(hop_trust(
                format!("clientIPDetection.xForwardedFor.numTrustedHops: {n}"),
                ctx.place(p, &hops),
                "remove `clientIPDetection` from the ClientTrafficPolicy (Envoy then takes the TCP peer), or use `trustedCIDRs` with the load balancer's addresses",
                u32::try_from(n.max(1)).unwrap_or(u32::MAX),
            ));
        } else if let Some(seq) = o.root.at(&keys(&cidrs)).and_then(crate::yaml::Node::as_seq) {
            let text = ctx.lookup.texts.get(o.file).copied();
            let mut entries = Vec::new();
            for item in seq {
                if let Some(v) = scalar_string(item) {
                    entries.extend(list_entries(
                        p,
                        text,
                        "trustedCIDRs",
                        &v,
                        o.loc(item.span),
                        false,
                        COMMAS_OR_SPACES,
                    ));
                }
            }
            let mut header = HeaderTrust::listed(
                "clientIPDetection.xForwardedFor.trustedCIDRs".into(),
                ctx.key_place(p, &cidrs).loc,
                p,
                "trustedCIDRs",
                &entries,
                "list only the load balancer's addresses in `clientIPDetection.xForwardedFor.trustedCIDRs`",
            );
            header.off_hint = Some(OFF_HINT);
            trust.header = Some(header);
            trust.entries.extend(entries);
        } else if let Some(name) = o.str_at(&keys(&["spec", "clientIPDetection", "customHeader", "name"])) {
            // Any client can send the header unless only the load balancer can reach the proxy.
            let ranges_at = path(&["envoyService", "loadBalancerSourceRanges"]);
            let ranges = layers.has(objects, &ranges_at) || base.is_some_and(|b| b.get(&ranges_at[1..]).is_some());
            let at = ctx.place(p, &["spec", "clientIPDetection", "customHeader", "name"]);
            trust.header = Some(HeaderTrust {
                setting: format!("clientIPDetection.customHeader.name: {name}"),
                loc: at.loc,
                obj: p,
                from_anyone: (!ranges).then(|| format!("`{name}` is taken from any client that sends it (no `loadBalancerSourceRanges` keeps others out)")),
                anyone_loc: (!ranges).then_some(at.loc),
                restrict_hint: "remove `customHeader` unless a load balancer that overwrites the header is the only way in (`envoyService.loadBalancerSourceRanges`)",
                positional: false,
                depth: None,
                off_hint: Some(OFF_HINT),
            });
        }
    }
    let settings_at = policies
        .first()
        .map_or_else(|| ctx.place(ctx.gateway, &["metadata", "name"]), |&p| ctx.key_place(p, &["spec"]));
    let setting = match (pp, policies.first()) {
        (Some((at, _)), _) => Ok(Sourced::written(true, at)),
        (None, Some(&p)) => Ok(Sourced::default(false, WHOSE, ctx.key_place(p, &["spec", "proxyProtocol"]))),
        (None, None) => unknown(format!(
            "no ClientTrafficPolicy in the input targets {} (without one, Envoy Gateway expects no PROXY header)",
            ctx.display()
        )),
    };
    (setting, pp.is_some_and(|(_, o)| o), trust, settings_at)
}

/// The `clientCIDRs` of the SecurityPolicies that target the Gateway: Envoy matches them against
/// `source_ip`, the client address after the ClientTrafficPolicy's `clientIPDetection` (the TCP
/// peer, or the PROXY address, without one) (authorization_types.go `Principal`, translator
/// authorization.go `buildIPPredicate`).
fn allow_lists(ctx: &GatewayCtx<'_>) -> Vec<AllowList> {
    let keys = crate::implementations::gateway_api::keys;
    let mut out = Vec::new();
    // Gateway-level policies, then route-level ones (a SecurityPolicy that targets an HTTPRoute
    // or GRPCRoute attached to this Gateway, as ingress2gateway writes them): the same check, on
    // that route's requests.
    let policies = ctx.policies(GROUP, &["SecurityPolicy"]);
    for (p, routes) in policies {
        let o = &ctx.lookup.objects[p];
        let rules = o.root.at(&keys(&["spec", "authorization", "rules"])).and_then(crate::yaml::Node::as_seq);
        for (ri, rule) in rules.unwrap_or_default().iter().enumerate() {
            if rule.get("principal").and_then(|pr| pr.get("clientCIDRs")).is_none() {
                continue;
            }
            let path = super::indexed(&["spec", "authorization", "rules"], ri, &["principal", "clientCIDRs"]);
            out.push(AllowList {
                obj: p,
                at: o.key_loc(&path),
                what: format!("{}'s `clientCIDRs`", o.display()),
                compares: Compares::Detected,
                fix: "Envoy Gateway matches `clientCIDRs` against the client address its ClientTrafficPolicy detects: behind an L4 load balancer, `proxyProtocol: {}` (with the load balancer sending PROXY) or `externalTrafficPolicy: Local` and no `clientIPDetection`; behind an HTTP proxy or CDN, `clientIPDetection.xForwardedFor.trustedCIDRs` with its addresses",
                routes: routes.clone(),
                runs_at: None,
            });
        }
    }
    out
}

const CLIENT_FIX: &str = "Envoy Gateway keys a `sourceCIDR` selector on the client address its ClientTrafficPolicy detects: behind an L4 load balancer, `proxyProtocol: {}` (with the load balancer sending PROXY) or `externalTrafficPolicy: Local` and no `clientIPDetection`; behind an HTTP proxy or CDN, `clientIPDetection.xForwardedFor.trustedCIDRs` with its addresses";

/// The BackendTrafficPolicies' `rateLimit` that apply to the Gateway (targeting it or a route
/// attached to it): a rule whose `clientSelectors` have a `sourceCIDR` of `type: Distinct` counts
/// each client address apart, Envoy's `masked_remote_address` descriptor on the detected client
/// (`api/v1alpha1/ratelimit_types.go` `SourceMatchDistinct`: "Each IP Address within the
/// specified Source IP CIDR is treated as a distinct client selector"); any other rule is one
/// limit for every client it selects.
fn rate_limits(ctx: &GatewayCtx<'_>) -> Vec<crate::implementations::RateLimit> {
    use crate::implementations::{Keyed, RateLimit};
    use crate::k8s::object::scalar_string;
    use crate::yaml::Node;
    let keys = crate::implementations::gateway_api::keys;
    let policies = ctx.policies(GROUP, &["BackendTrafficPolicy"]);
    let mut out = Vec::new();
    for (p, routes) in policies {
        let o = &ctx.lookup.objects[p];
        let Some(rl) = o.root.at(&keys(&["spec", "rateLimit"])) else { continue };
        // The first `sourceCIDR` of `type: Distinct`, where the check is written.
        let distinct = ["global", "local"].into_iter().find_map(|scope| {
            let rules = rl.at(&keys(&[scope, "rules"])).and_then(Node::as_seq).unwrap_or_default();
            rules.iter().enumerate().find_map(|(ri, r)| {
                let selectors = r.get("clientSelectors").and_then(Node::as_seq).unwrap_or_default();
                selectors
                    .iter()
                    .position(|s| {
                        s.at(&keys(&["sourceCIDR", "type"])).and_then(scalar_string).as_deref() == Some("Distinct")
                    })
                    .map(|si| {
                        let mut path = crate::implementations::indexed(
                            &["spec", "rateLimit", scope, "rules"],
                            ri,
                            &["clientSelectors"],
                        );
                        path.push(crate::yaml::PathSeg::Index(si));
                        path.push(crate::yaml::PathSeg::Key("sourceCIDR"));
                        o.key_loc(&path)
                    })
            })
        });
        let (keyed, text, at) = match distinct {
            Some(at) => (
                Keyed::Client,
                format!("{} `rateLimit` per client address (`sourceCIDR` `type: Distinct`)", o.display()),
                at,
            ),
            None => (
                Keyed::Shared,
                format!("{} `rateLimit` shared by every client", o.display()),
                o.key_loc(&keys(&["spec", "rateLimit"])),
            ),
        };
        let check = AllowList {
            obj: p,
            at,
            what: format!("{}'s `rateLimit`", o.display()),
            compares: Compares::Detected,
            fix: CLIENT_FIX,
            routes,
            runs_at: None,
        };
        out.push(RateLimit { check, keyed, text });
    }
    out
}

/// The ClientTrafficPolicies that set client-IP fields but are not applied, because another
/// policy claims the same scope (the whole Gateway, or one listener by `sectionName`) and comes
/// first ([`first_applied`]): Envoy Gateway marks them `Conflicted`
/// (`internal/gatewayapi/clienttrafficpolicy.go`).
fn ignored_policies(ctx: &GatewayCtx<'_>) -> Vec<crate::implementations::gateway_api::IgnoredPolicy> {
    use crate::implementations::gateway_api::IgnoredPolicy;
    let objects = ctx.lookup.objects;
    let keys = crate::implementations::gateway_api::keys;
    let attached = ctx.targeting_sections(GROUP, &["ClientTrafficPolicy"]);
    let mut scopes: Vec<(String, Vec<ObjId>)> =
        vec![(ctx.display(), attached.iter().filter(|(_, s)| s.is_empty()).map(|(i, _)| *i).collect())];
    let mut names: Vec<&String> = attached.iter().flat_map(|(_, s)| s).collect();
    names.sort();
    names.dedup();
    for name in names {
        let own = attached.iter().filter(|(_, s)| s.contains(name)).map(|(i, _)| *i).collect();
        scopes.push((format!("listener `{name}` of {}", ctx.display()), own));
    }
    let mut out = Vec::new();
    for (scope, policies) in scopes {
        let Some(&winner) = first_applied(objects, &policies).first() else { continue };
        for &p in policies.iter().filter(|&&p| p != winner) {
            let o = &objects[p];
            let fields: Vec<String> = ["clientIPDetection", "proxyProtocol", "enableProxyProtocol"]
                .iter()
                .filter(|f| o.root.at(&keys(&["spec", f])).is_some())
                .map(|f| format!("`{f}`"))
                .collect();
            if fields.is_empty() {
                continue;
            }
            let w = &objects[winner];
            out.push(IgnoredPolicy {
                at: ctx.place(p, &["metadata", "name"]),
                applied: ctx.place(winner, &["metadata", "name"]),
                problem: format!(
                    "{} is not applied to {scope}: Envoy Gateway applies {} there (the older one; created together, the first by namespace and name) and marks this one `Conflicted`, so its {} {} not apply",
                    o.display(),
                    w.display(),
                    fields.join(" and "),
                    if fields.len() == 1 { "does" } else { "do" },
                ),
                fix: format!("move its settings into {}, which is applied, and delete this one", w.display()),
            });
        }
    }
    out
}
