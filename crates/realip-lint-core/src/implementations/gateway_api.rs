//! Gateway API: what a Gateway turns into. The generic part lives here:
//! which class and implementation a Gateway has, its `parametersRef`s, the policies that target
//! it, config objects layered over each other, and the shapes an implementation returns. Each
//! implementation's defaults and precedence live in its own file under `implementations/`.

use std::collections::BTreeMap;

use super::{self as proxies, Implementation, Lookup, Trust};
use crate::k8s::object::{ObjId, Object, Place, WorkloadKind, scalar_string};
use crate::k8s::provenance::Setting;
pub use crate::k8s::provenance::Sourced;
use crate::k8s::spread::Spread;
use crate::yaml::{Node, PathSeg};

/// The Gateway API group.
pub const GROUP: &str = "gateway.networking.k8s.io";

/// The route kinds of the Gateway API, standard and experimental, as (group, kind, plural).
pub const ROUTE_KINDS: &[(&str, &str, &str)] = &[
    (GROUP, "HTTPRoute", "httproutes"),
    (GROUP, "GRPCRoute", "grpcroutes"),
    (GROUP, "TLSRoute", "tlsroutes"),
    (GROUP, "TCPRoute", "tcproutes"),
    (GROUP, "UDPRoute", "udproutes"),
];

/// Is this kind read from its YAML tree: a Gateway API object the model links, or a config
/// object of a Gateway implementation or of a load-balancer provider?
pub fn reads_tree(group: &str, kind: &str) -> bool {
    tree_kinds().any(|(gr, k)| gr == group && k == kind)
}

/// Every (group, kind) read from its tree: the Gateway API's, each implementation's config
/// kinds, and each load-balancer provider's.
pub fn tree_kinds() -> impl Iterator<Item = (&'static str, &'static str)> {
    cluster_kinds().map(|(group, kind, _)| (group, kind))
}

/// The kinds read from their trees as (group, kind, plural): what `--cluster` asks a cluster for
/// when it serves them (as `plural.group`), in registry order.
pub fn cluster_kinds() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    [(GROUP, "GatewayClass", "gatewayclasses"), (GROUP, "Gateway", "gateways")]
        .into_iter()
        .chain(ROUTE_KINDS.iter().copied())
        .chain(proxies::IMPLEMENTATIONS.iter().filter_map(|p| p.gateway).flat_map(|g| {
            g.gateway_kinds.iter().map(|(gr, _, k, p)| (*gr, *k, *p)).chain(g.config_kinds.iter().copied())
        }))
        // The load-balancer providers' config kinds (MetalLB's pools and advertisements).
        .chain(crate::providers::config_kinds())
}

/// Is this object a Gateway: the Gateway API's, or a gateway kind of an implementation's own
/// ([`GatewaySupport::gateway_kinds`])?
pub fn is_gateway(o: &Object) -> bool {
    (o.kind == "Gateway" && o.group() == GROUP) || own_gateway_of(o).is_some()
}

/// The implementation whose own gateway kind this object is. One a Gateway owns (a cluster's
/// Kong DataPlane, made by the operator for a Gateway) is that Gateway's, not a gateway by itself.
pub fn own_gateway_of(o: &Object) -> Option<&'static Implementation> {
    let owners = o.root.at(&keys(&["metadata", "ownerReferences"])).and_then(Node::as_seq).unwrap_or_default();
    if owners.iter().any(|r| r.get("kind").and_then(Node::as_str) == Some("Gateway")) {
        return None;
    }
    proxies::IMPLEMENTATIONS.iter().copied().find(|p| {
        p.gateway.is_some_and(|g| {
            g.gateway_kinds.iter().any(|(gr, v, k, _)| {
                *k == o.kind && o.api_version.split_once('/').is_some_and(|(og, ov)| og == *gr && ov == *v)
            })
        })
    })
}

/// What messages call this gateway: `Gateway`, or the kind of an implementation's own
/// (`DataPlane`).
pub fn gateway_noun(o: &Object) -> &'static str {
    own_gateway_of(o)
        .and_then(|p| p.gateway)
        .and_then(|g| g.gateway_kinds.iter().find(|(_, _, k, _)| *k == o.kind))
        .map_or("Gateway", |(_, _, k, _)| k)
}

/// The Gateway half: what an implementation brings to the Gateway API side of the model.
pub struct GatewaySupport {
    /// Who creates the data plane, as messages name it ("the Service {creator} creates").
    pub creator: &'static str,
    /// GatewayClass names the implementation creates by itself at install (a Gateway naming
    /// one needs no GatewayClass in the input).
    pub builtin_classes: &'static [&'static str],
    /// Kinds of its own that are gateways by themselves, with no GatewayClass (KubeSphere's
    /// `gateway.kubesphere.io/v1alpha1` Gateway), read from their trees: (group, version, kind,
    /// plural). Each object of one, of that version, is an entry point of this implementation,
    /// its data plane derived from the object alone (`data_plane`, with no class).
    pub gateway_kinds: &'static [(&'static str, &'static str, &'static str, &'static str)],
    /// Config kinds read from their trees: (group, kind, plural).
    pub config_kinds: &'static [(&'static str, &'static str, &'static str)],
    /// Which of a Gateway's annotations reach the Service it gets.
    pub annotations: AnnotationReach,
    /// Where an object of one of `gateway_kinds` holds its Service's annotations, when that
    /// differs from `annotations` (Kong's DataPlane vs a Gateway).
    pub own_annotations: Option<&'static [&'static str]>,
    /// Where load-balancer annotations belong instead, in the implementation's terms.
    pub annotation_hint: &'static str,
    /// The labels it puts on the Service it creates for a Gateway, besides GEP-1762's
    /// `gateway.networking.k8s.io/gateway-name`: a Service of the input so labelled is the
    /// Gateway's own.
    pub own_service_labels: Option<OwnServiceLabels>,
    /// How a Gateway becomes a data plane. `None`: Gateways are served by the implementation's
    /// own workload and Service, which the input holds like any other (Traefik's chart).
    pub data_plane: Option<fn(&GatewayCtx<'_>) -> Option<DataPlane>>,
    /// The allow-lists and deny-lists of client addresses that apply to a Gateway's data plane
    /// (policies that target it), and which address each compares.
    pub allow_lists: fn(&GatewayCtx<'_>) -> Vec<proxies::AllowList>,
    /// The rate limits that apply to a Gateway's data plane (policies that target it or its
    /// routes), and what each counts requests by.
    pub rate_limits: fn(&GatewayCtx<'_>) -> Vec<proxies::RateLimit>,
    /// Policies it does not apply to a Gateway because another claims the same scope (Envoy
    /// Gateway marks the later ClientTrafficPolicy `Conflicted`), where they set client-IP fields.
    pub ignored_policies: fn(&GatewayCtx<'_>) -> Vec<IgnoredPolicy>,
    /// What it refuses in a GatewayClass no Gateway of the input uses (given the objects, and
    /// the classes that are used).
    pub unused_class_issues: fn(&[Object], &[ObjId]) -> Vec<ParamIssue>,
}

impl GatewaySupport {
    pub const DEFAULT: GatewaySupport = GatewaySupport {
        creator: "",
        builtin_classes: &[],
        gateway_kinds: &[],
        config_kinds: &[],
        annotations: AnnotationReach::InfrastructureOnly,
        own_annotations: None,
        annotation_hint: "`spec.infrastructure.annotations`",
        own_service_labels: None,
        data_plane: None,
        allow_lists: |_| Vec::new(),
        rate_limits: |_| Vec::new(),
        ignored_policies: |_| Vec::new(),
        unused_class_issues: no_class_issues,
    };
}

impl GatewaySupport {
    /// Which of this gateway's annotations reach its Service: `own_annotations` for one of the
    /// implementation's own gateway kinds, else `annotations`.
    pub fn annotations_of(&self, gw: &Object) -> AnnotationReach {
        match self.own_annotations {
            Some(path) if own_gateway_of(gw).is_some() => AnnotationReach::Field(path),
            _ => self.annotations,
        }
    }

    /// Where load-balancer annotations belong on this gateway, in the implementation's terms.
    pub fn annotation_hint_of(&self, gw: &Object) -> String {
        match self.own_annotations {
            Some(path) if own_gateway_of(gw).is_some() => format!("`{}`", path.join(".")),
            _ => self.annotation_hint.to_owned(),
        }
    }
}

/// Labels that name the Gateway a Service belongs to: its name, and its namespace.
#[derive(Debug, Clone, Copy)]
pub struct OwnServiceLabels {
    pub name: &'static str,
    pub namespace: &'static str,
}

/// GEP-1762: the label conformant implementations put on what they create for a Gateway (in the
/// Gateway's namespace).
pub const GATEWAY_NAME_LABEL: &str = "gateway.networking.k8s.io/gateway-name";

/// Is this Service the one created for this Gateway, by its labels? Every implementation's own
/// labels count, whichever implementation the Gateway has.
pub fn is_own_service(svc: &Object, gw: &Object) -> bool {
    let Some(name) = gw.name.as_deref() else { return false };
    (svc.labels.get(GATEWAY_NAME_LABEL).map(String::as_str) == Some(name) && svc.namespace == gw.namespace)
        || proxies::IMPLEMENTATIONS.iter().filter_map(|p| p.gateway?.own_service_labels).any(|l| {
            svc.labels.get(l.name).map(String::as_str) == Some(name)
                && svc.labels.get(l.namespace) == gw.namespace.as_ref()
        })
}

/// What an implementation refuses in unused classes by default: nothing.
pub fn no_class_issues(_: &[Object], _: &[ObjId]) -> Vec<ParamIssue> {
    Vec::new()
}

/// Which Gateway annotations reach the data-plane Service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnotationReach {
    /// Only `spec.infrastructure.annotations` (and the config object's own Service annotations).
    InfrastructureOnly,
    /// `spec.infrastructure.annotations` when set, else every `metadata.annotations` entry.
    MetadataUnlessInfrastructure,
    /// None: the Gateway gets no Service of its own.
    Never,
    /// Only the annotations at this path of the Gateway (a gateway kind of the implementation's
    /// own: KubeSphere's `spec.service.annotations`).
    Field(&'static [&'static str]),
}

impl AnnotationReach {
    /// The path of the Gateway whose annotations reach the Service (besides `metadata`'s, for
    /// [`AnnotationReach::MetadataUnlessInfrastructure`]).
    pub fn field(self) -> &'static [&'static str] {
        match self {
            AnnotationReach::Field(path) => path,
            _ => &["spec", "infrastructure", "annotations"],
        }
    }
}

/// The effective Service of a Gateway.
#[derive(Debug, Clone)]
pub struct ServiceSide {
    pub svc_type: Sourced<String>,
    /// `externalTrafficPolicy` as it reaches the Service (any string: an invalid value stays
    /// invalid).
    pub policy: Sourced<String>,
    /// The annotations that reach the Service, each with where it is written.
    pub annotations: Vec<(String, String, Place)>,
    /// The data plane keeps the client's address whatever the policy (and why).
    pub keeps_client_ip: Option<String>,
    /// The implementation renders the policy whatever its config says (no field sets it): why,
    /// and what it documents for keeping the client address instead.
    pub policy_fixed: Option<FixedPolicy>,
    /// The policy reaches the rendered Service through a patch the implementation applies
    /// unchecked, so the API server judges it (a field of its own it may drop instead).
    pub policy_patched: bool,
    /// `loadBalancerSourceRanges` as the config sets them on the Service, and where.
    pub source_ranges: Option<(Vec<String>, Place)>,
}

impl ServiceSide {
    /// A Service of this type, policy and annotations, with nothing else known about it.
    pub fn new(svc_type: Sourced<String>, policy: Sourced<String>, annotations: Vec<(String, String, Place)>) -> Self {
        ServiceSide {
            svc_type,
            policy,
            annotations,
            keeps_client_ip: None,
            policy_fixed: None,
            policy_patched: false,
            source_ranges: None,
        }
    }
}

/// A traffic policy no field of the implementation's config sets.
#[derive(Debug, Clone)]
pub struct FixedPolicy {
    /// Why (`KubeSphere's Gateway has no field for it: …`).
    pub why: String,
    /// What the implementation documents for keeping the client address, given the annotations
    /// that make the load balancer add X-Forwarded-For (a YAML flow mapping's entries, or a
    /// placeholder): YAML for the Gateway's spec.
    pub instead: fn(&str) -> String,
}

/// The proxy pods an implementation runs for a Gateway, as its config renders them.
#[derive(Debug)]
pub struct RenderedPods {
    pub kind: WorkloadKind,
    /// Replicas, or an autoscaler's minimum.
    pub count: Sourced<i32>,
    /// The count is an autoscaler's minimum (the field is named in `count_field`).
    pub autoscaled: bool,
    /// The field the count is (or would be) written in, for messages: `envoyDeployment.replicas`.
    pub count_field: &'static str,
    pub spread: Spread,
    /// How to spread them, in the implementation's terms.
    pub spread_hint: String,
    /// The same as a change to the config, when the config object is in the input.
    pub spread_plan: Option<crate::k8s::spread::SpreadPlan>,
}

/// The spread of a Gateway's rendered proxy pods, written in its config: a hostname constraint
/// appended to `<pod_path>.topologySpreadConstraints` of the most specific config object (of
/// `kind`), selecting the pods that carry `key` and keeping each Gateway and revision apart by
/// `match_label_keys`, so a config shared by several Gateways gets one constraint right for
/// each. The help text and the change are made from the same value; `or` is another way, in
/// prose. No change when the object is not in the input, or it already has a required hostname
/// constraint (a second one is refused).
pub fn config_spread(
    objects: &[Object],
    layers: &Layers,
    kind: &str,
    pod_path: &[&str],
    (key, match_label_keys): (&str, &[&str]),
    or: &str,
) -> (String, Option<crate::k8s::spread::SpreadPlan>) {
    let item = crate::k8s::spread::hostname_spread_by_key(key, match_label_keys);
    let text = format!("add to the {kind}: `{}.topologySpreadConstraints: [{}]`{or}", pod_path.join("."), item.flow());
    let list: Vec<&str> = pod_path.iter().copied().chain(["topologySpreadConstraints"]).collect();
    let change = layers.top().filter(|&o| objects[o].kind == kind).and_then(|o| {
        let has_required = objects[o].root.at(&keys(&list)).and_then(Node::as_seq).is_some_and(|items| {
            items.iter().any(|t| {
                t.get("topologyKey").and_then(Node::as_str) == Some("kubernetes.io/hostname")
                    && t.get("whenUnsatisfiable").and_then(Node::as_str).is_none_or(|w| w == "DoNotSchedule")
            })
        });
        (!has_required).then(|| crate::fix::Change {
            obj: o,
            at: crate::fix::keys(&list),
            what: crate::fix::What::Push(item),
        })
    });
    (text.clone(), Some(crate::k8s::spread::SpreadPlan { change, text }))
}

/// What a bad `parametersRef` does.
#[derive(Debug, Clone)]
pub enum Effect {
    /// The controller rejects the Gateway (or class) or renders nothing: no traffic (why).
    StopsTraffic(String),
    /// The controller ignores the reference: traffic flows without the settings (why).
    Ignored(String),
    /// The referenced object is not in the input (it may live elsewhere).
    NotInInput,
}

/// A `parametersRef` the implementation does not accept, or whose object is not in the input.
#[derive(Debug, Clone)]
pub struct ParamIssue {
    pub at: Place,
    /// What is wrong, as a phrase: "`kind: ConfigMap` is not an EnvoyProxy".
    pub problem: String,
    pub effect: Effect,
    pub fix: String,
}

/// A policy an implementation does not apply, because another one claims the same scope.
#[derive(Debug, Clone)]
pub struct IgnoredPolicy {
    /// The policy not applied.
    pub at: Place,
    /// The one applied instead.
    pub applied: Place,
    /// What happens, as a phrase: "Envoy Gateway applies ClientTrafficPolicy apps/a to Gateway
    /// apps/web and marks this one `Conflicted`, so its `clientIPDetection` does not apply".
    pub problem: String,
    pub fix: String,
}

/// A Gateway's data plane as its implementation derives it.
#[derive(Debug)]
pub struct DataPlane {
    /// `None` when the Service cannot be known from the input (a config object is missing; the
    /// issue says which) or is not created.
    pub service: Option<ServiceSide>,
    /// `None`: no per-Gateway pods, or unknown.
    pub pods: Option<RenderedPods>,
    pub proxy_protocol: Setting<bool>,
    /// Connections without a PROXY header are accepted too.
    pub proxy_protocol_optional: bool,
    pub trust: Trust,
    /// Where the proxy's client-IP settings are written, or would be.
    pub settings_at: Place,
    /// How to set `Local` in the implementation's terms.
    pub local_hint: String,
    pub issues: Vec<ParamIssue>,
    /// Gateways with the same key share one data plane (Envoy Gateway's `mergeGateways`).
    pub shared: Option<String>,
    /// Listeners whose client-IP settings differ from the data plane's: a policy attached to
    /// the listener (`sectionName`) replaces the Gateway-level one there.
    pub listeners: Vec<ListenerSettings>,
}

/// The client-IP settings of one listener, where a policy attached to it by `sectionName` sets
/// them.
#[derive(Debug)]
pub struct ListenerSettings {
    /// The listener's name.
    pub name: String,
    pub proxy_protocol: Setting<bool>,
    pub proxy_protocol_optional: bool,
    pub trust: Trust,
    pub settings_at: Place,
}

/// A `parametersRef` as written.
#[derive(Debug, Clone)]
pub struct ParamRef {
    pub group: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// The object that holds it (GatewayClass or Gateway) and its path.
    pub holder: ObjId,
    pub path: Vec<&'static str>,
}

impl ParamRef {
    fn read(obj: &Object, holder: ObjId, path: &[&'static str]) -> Option<Self> {
        let node = obj.root.at(&keys(path))?;
        node.as_map()?;
        let field = |k: &str| node.get(k).and_then(scalar_string);
        Some(ParamRef {
            group: field("group").unwrap_or_default(),
            kind: field("kind").unwrap_or_default(),
            name: field("name").unwrap_or_default(),
            namespace: field("namespace").filter(|n| !n.is_empty()),
            holder,
            path: path.to_vec(),
        })
    }

    /// A GatewayClass's `spec.parametersRef`, read without a Gateway (a class no Gateway in the
    /// input uses).
    pub fn of_class(class: &Object, id: ObjId) -> Option<Self> {
        Self::read(class, id, &["spec", "parametersRef"])
    }

    /// `group/kind` as written (`ConfigMap` for the core group).
    pub fn gk(&self) -> String {
        if self.group.is_empty() { self.kind.clone() } else { format!("{}/{}", self.group, self.kind) }
    }

    pub fn is(&self, group: &str, kind: &str) -> bool {
        self.group == group && self.kind == kind
    }
}

/// The path segments for a path of keys.
pub fn keys<'a>(path: &[&'a str]) -> Vec<PathSeg<'a>> {
    path.iter().map(|k| PathSeg::Key(k)).collect()
}

/// Everything an implementation needs to derive one Gateway's data plane.
pub struct GatewayCtx<'a> {
    pub lookup: &'a Lookup<'a>,
    pub gateway: ObjId,
    /// The GatewayClass in the input (`None` for one the implementation creates itself).
    pub class: Option<ObjId>,
    pub proxy: &'static Implementation,
}

impl GatewayCtx<'_> {
    pub fn gw(&self) -> &Object {
        &self.lookup.objects[self.gateway]
    }

    pub fn obj(&self, id: ObjId) -> &Object {
        &self.lookup.objects[id]
    }

    pub fn ns(&self) -> &str {
        self.gw().namespace.as_deref().unwrap_or("default")
    }

    pub fn name(&self) -> &str {
        self.gw().name.as_deref().unwrap_or_default()
    }

    pub fn class_name(&self) -> String {
        self.gw().str_at(&keys(&["spec", "gatewayClassName"])).unwrap_or_default()
    }

    /// `Gateway ns/name`.
    pub fn display(&self) -> String {
        self.gw().display()
    }

    /// The place of `path` in an object: its value, or the key of its nearest existing parent.
    pub fn place(&self, obj: ObjId, path: &[&str]) -> Place {
        Place { loc: self.obj(obj).loc_at(&keys(path)), obj }
    }

    /// The key token at `path` (or of its nearest existing parent).
    pub fn key_place(&self, obj: ObjId, path: &[&str]) -> Place {
        Place { loc: self.obj(obj).key_loc(&keys(path)), obj }
    }

    /// The Gateway's `gatewayClassName` value: where a default is labelled when no config
    /// object is in the input.
    pub fn class_at(&self) -> Place {
        self.place(self.gateway, &["spec", "gatewayClassName"])
    }

    pub fn class_ref(&self) -> Option<ParamRef> {
        let c = self.class?;
        ParamRef::read(self.obj(c), c, &["spec", "parametersRef"])
    }

    pub fn gateway_ref(&self) -> Option<ParamRef> {
        ParamRef::read(self.gw(), self.gateway, &["spec", "infrastructure", "parametersRef"])
    }

    /// Where a reference's kind is written (what a wrong-kind finding labels).
    pub fn ref_kind_at(&self, r: &ParamRef) -> Place {
        let mut p = r.path.clone();
        p.push("kind");
        self.place(r.holder, &p)
    }

    /// Where a reference's name is written (what a missing-object finding labels).
    pub fn ref_name_at(&self, r: &ParamRef) -> Place {
        let mut p = r.path.clone();
        p.push("name");
        self.place(r.holder, &p)
    }

    /// The referenced object, if it is in the input: a Gateway-level reference lives in the
    /// Gateway's namespace; a class-level one in its `namespace` (`default_ns` when absent and
    /// the implementation assumes one).
    pub fn referent(&self, r: &ParamRef, default_ns: Option<&str>) -> Option<ObjId> {
        let ns = self.referent_ns(r, default_ns);
        self.lookup.objects.iter().position(|o| {
            !o.shadowed
                && o.kind == r.kind
                && o.group() == r.group
                && o.name.as_deref() == Some(r.name.as_str())
                && o.namespace == ns
        })
    }

    /// The namespace a reference's object lives in (see `referent`).
    fn referent_ns(&self, r: &ParamRef, default_ns: Option<&str>) -> Option<String> {
        if r.holder == self.gateway {
            Some(self.ns().to_owned())
        } else {
            r.namespace.clone().or_else(|| default_ns.map(str::to_owned))
        }
    }

    /// Resolve a `parametersRef` of a kind the implementation reads: the referenced object, or
    /// `None` with an issue saying it is not in the input (the settings it holds are unknown).
    /// What a reference of the wrong kind does differs by implementation and is theirs to say.
    pub fn resolve_params(
        &self,
        r: &ParamRef,
        default_ns: Option<&str>,
        issues: &mut Vec<ParamIssue>,
    ) -> Option<ObjId> {
        let found = self.referent(r, default_ns);
        if found.is_none() {
            issues.push(ParamIssue::not_in_input(self, r, default_ns));
        }
        found
    }

    /// `spec.infrastructure.annotations`, each with the place of its key.
    pub fn infra_annotations(&self) -> Vec<(String, String, Place)> {
        self.map_entries(self.gateway, &["spec", "infrastructure", "annotations"])
    }

    /// `spec.infrastructure.labels`: GEP-1762 puts them on every generated object, the proxy
    /// pods included (what a spreading term may select).
    pub fn infra_labels(&self) -> BTreeMap<String, String> {
        self.map_entries(self.gateway, &["spec", "infrastructure", "labels"])
            .into_iter()
            .map(|(k, v, _)| (k, v))
            .collect()
    }

    /// The string entries of a mapping, each with the place of its key.
    pub fn map_entries(&self, obj: ObjId, path: &[&str]) -> Vec<(String, String, Place)> {
        let o = self.obj(obj);
        let Some(m) = o.root.at(&keys(path)).and_then(Node::as_map) else { return Vec::new() };
        m.iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), scalar_string(v).unwrap_or_default(), k)))
            .map(|(k, v, key)| (k, v, Place { loc: o.loc(key.span), obj }))
            .collect()
    }

    /// The Gateway's labels (what `targetSelectors` match).
    fn gateway_labels(&self) -> &BTreeMap<String, String> {
        &self.gw().labels
    }

    /// The HTTPRoutes and GRPCRoutes of the input whose `parentRefs` name this Gateway (kind
    /// Gateway, the route's namespace unless given).
    pub fn attached_routes(&self) -> Vec<ObjId> {
        let (ns, name) = (self.ns(), self.name());
        self.lookup
            .objects
            .iter()
            .enumerate()
            .filter(|(_, o)| !o.shadowed && o.group() == GROUP && matches!(o.kind.as_str(), "HTTPRoute" | "GRPCRoute"))
            .filter(|(_, o)| {
                let own_ns = o.namespace.as_deref().unwrap_or("default");
                let parents = o.root.at(&keys(&["spec", "parentRefs"])).and_then(Node::as_seq).unwrap_or_default();
                parents.iter().any(|p| {
                    p.get("kind").and_then(scalar_string).is_none_or(|k| k == "Gateway")
                        && p.get("name").and_then(scalar_string).as_deref() == Some(name)
                        && p.get("namespace").and_then(scalar_string).as_deref().unwrap_or(own_ns) == ns
                })
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Objects of `group`/`kinds` that attach to the Gateway (with no routes: all of it), then
    /// those that target routes attached to it (with those routes): a policy judged on the
    /// Gateway's path, for the requests it applies to.
    pub fn policies(&self, group: &str, kinds: &[&str]) -> Vec<(ObjId, Vec<ObjId>)> {
        let whole = self.targeting(group, kinds).into_iter().map(|p| (p, Vec::new()));
        whole.chain(self.targeting_routes(group, kinds)).collect()
    }

    /// Objects of `group`/`kinds` that target routes attached to this Gateway (`targetRefs` in
    /// the route's namespace), each with those routes.
    pub fn targeting_routes(&self, group: &str, kinds: &[&str]) -> Vec<(ObjId, Vec<ObjId>)> {
        let routes = self.attached_routes();
        let objects = self.lookup.objects;
        objects
            .iter()
            .enumerate()
            .filter(|(_, o)| !o.shadowed && o.group() == group && kinds.contains(&o.kind.as_str()))
            .filter_map(|(i, o)| {
                let refs = o.root.at(&keys(&["spec", "targetRefs"])).and_then(Node::as_seq).unwrap_or_default();
                let hit: Vec<ObjId> = routes
                    .iter()
                    .copied()
                    .filter(|&ri| {
                        let r = &objects[ri];
                        r.namespace == o.namespace
                            && refs.iter().any(|t| {
                                t.get("kind").and_then(scalar_string).as_deref() == Some(r.kind.as_str())
                                    && t.get("name").and_then(scalar_string) == r.name
                            })
                    })
                    .collect();
                (!hit.is_empty()).then_some((i, hit))
            })
            .collect()
    }

    /// Objects of `group`/`kinds` in the Gateway's namespace that attach to it: a `targetRefs`
    /// entry (or the older single `targetRef`) naming it, or a `targetSelectors` entry whose
    /// labels it has.
    pub fn targeting(&self, group: &str, kinds: &[&str]) -> Vec<ObjId> {
        self.targeting_sections(group, kinds).into_iter().map(|(i, _)| i).collect()
    }

    /// [`GatewayCtx::targeting`], each object with the listeners it names by `sectionName`
    /// (empty: it attaches to the whole Gateway).
    pub fn targeting_sections(&self, group: &str, kinds: &[&str]) -> Vec<(ObjId, Vec<String>)> {
        let ns = self.ns();
        let name = self.name();
        self.lookup
            .objects
            .iter()
            .enumerate()
            .filter(|(_, o)| {
                !o.shadowed
                    && o.group() == group
                    && kinds.contains(&o.kind.as_str())
                    && o.namespace.as_deref() == Some(ns)
            })
            .filter(|(_, o)| {
                let names_it = |n: &Node| {
                    let kind = n.get("kind").and_then(scalar_string);
                    let grp = n.get("group").and_then(scalar_string);
                    kind.as_deref() == Some("Gateway")
                        && grp.as_deref().is_none_or(|g| g == GROUP)
                        && n.get("name").and_then(scalar_string).as_deref() == Some(name)
                };
                let refs = o.root.at(&keys(&["spec", "targetRefs"])).and_then(Node::as_seq).unwrap_or_default();
                let single = o.root.at(&keys(&["spec", "targetRef"]));
                let selectors =
                    o.root.at(&keys(&["spec", "targetSelectors"])).and_then(Node::as_seq).unwrap_or_default();
                refs.iter().any(names_it)
                    || single.is_some_and(names_it)
                    || selectors.iter().any(|s| {
                        s.get("kind").and_then(scalar_string).as_deref() == Some("Gateway")
                            && selects(s, self.gateway_labels())
                    })
            })
            .map(|(i, o)| {
                // Listed sections, unless some reference (or a selector) takes the whole Gateway.
                let name = self.name();
                let refs = o.root.at(&keys(&["spec", "targetRefs"])).and_then(Node::as_seq).unwrap_or_default();
                let single = o.root.at(&keys(&["spec", "targetRef"]));
                let naming: Vec<&Node> = refs
                    .iter()
                    .chain(single)
                    .filter(|n| n.get("name").and_then(scalar_string).as_deref() == Some(name))
                    .collect();
                let whole = naming.is_empty() || naming.iter().any(|n| n.get("sectionName").is_none());
                let sections = if whole {
                    Vec::new()
                } else {
                    naming.iter().filter_map(|n| n.get("sectionName").and_then(scalar_string)).collect()
                };
                (i, sections)
            })
            .collect()
    }
}

/// Does a `targetSelectors` entry select these labels: its `matchLabels` and `matchExpressions`
/// (In, NotIn, Exists, DoesNotExist) all hold, and it has at least one of them?
fn selects(selector: &Node, labels: &BTreeMap<String, String>) -> bool {
    let match_labels = selector.get("matchLabels").and_then(Node::as_map).unwrap_or_default();
    let expressions = selector.get("matchExpressions").and_then(Node::as_seq).unwrap_or_default();
    if match_labels.is_empty() && expressions.is_empty() {
        return false;
    }
    let labels_hold = match_labels
        .iter()
        .all(|(k, v)| k.as_str().is_some_and(|k| labels.get(k).map(String::as_str) == scalar_string(v).as_deref()));
    let expressions_hold = expressions.iter().all(|e| {
        let Some(key) = e.get("key").and_then(scalar_string) else { return false };
        let values: Vec<String> =
            e.get("values").and_then(Node::as_seq).unwrap_or_default().iter().filter_map(scalar_string).collect();
        let value = labels.get(&key);
        match e.get("operator").and_then(scalar_string).as_deref() {
            Some("In") => value.is_some_and(|v| values.contains(v)),
            Some("NotIn") => value.is_none_or(|v| !values.contains(v)),
            Some("Exists") => value.is_some(),
            Some("DoesNotExist") => value.is_none(),
            _ => false,
        }
    });
    labels_hold && expressions_hold
}

/// Config objects layered over each other, lowest first: a value is the topmost one written.
#[derive(Debug, Clone, Default)]
pub struct Layers {
    pub objs: Vec<ObjId>,
}

impl Layers {
    pub fn top(&self) -> Option<ObjId> {
        self.objs.last().copied()
    }

    /// The topmost layer that has `path`, and the node there.
    pub fn get<'o>(&self, objects: &'o [Object], path: &[&str]) -> Option<(ObjId, &'o Node)> {
        let segs = keys(path);
        self.objs.iter().rev().find_map(|&o| objects[o].root.at(&segs).map(|n| (o, n)))
    }

    /// A string setting: written in a layer, or `default` labelled where it would be written
    /// (the top layer's nearest parent, else `fallback`).
    pub fn string(
        &self,
        ctx: &GatewayCtx<'_>,
        path: &[&str],
        default: &str,
        whose: &str,
        fallback: Place,
    ) -> Sourced<String> {
        match self.get(ctx.lookup.objects, path) {
            Some((o, n)) if scalar_string(n).is_some() => {
                Sourced::written(scalar_string(n).unwrap_or_default(), ctx.place(o, path))
            }
            _ => Sourced::default(default.to_owned(), whose, self.default_at(ctx, path, fallback)),
        }
    }

    /// Where a value absent from every layer would be written.
    pub fn default_at(&self, ctx: &GatewayCtx<'_>, path: &[&str], fallback: Place) -> Place {
        self.top().map_or(fallback, |o| ctx.key_place(o, path))
    }

    /// An integer setting, as `string` does it.
    pub fn int(&self, ctx: &GatewayCtx<'_>, path: &[&str], default: i32, whose: &str, fallback: Place) -> Sourced<i32> {
        match self.get(ctx.lookup.objects, path) {
            Some((o, n)) => match crate::k8s::object::scalar_value(n).and_then(|v| v.as_i64()) {
                Some(v) => Sourced::written(i32::try_from(v).unwrap_or(i32::MAX), ctx.place(o, path)),
                None => Sourced::default(default, whose, self.default_at(ctx, path, fallback)),
            },
            None => Sourced::default(default, whose, self.default_at(ctx, path, fallback)),
        }
    }

    /// Does any layer have `path`?
    pub fn has(&self, objects: &[Object], path: &[&str]) -> bool {
        self.get(objects, path).is_some()
    }

    /// The string entries of the mapping at `path`, merged over the layers (upper keys win).
    pub fn map_entries(&self, ctx: &GatewayCtx<'_>, path: &[&str]) -> Vec<(String, String, Place)> {
        let mut out: Vec<(String, String, Place)> = Vec::new();
        for &o in &self.objs {
            for (k, v, p) in ctx.map_entries(o, path) {
                out.retain(|(ek, _, _)| *ek != k);
                out.push((k, v, p));
            }
        }
        out
    }
}

/// Merge annotations: later entries win over earlier ones with the same key.
pub fn merge_annotations(layers: Vec<Vec<(String, String, Place)>>) -> Vec<(String, String, Place)> {
    let mut out: Vec<(String, String, Place)> = Vec::new();
    for layer in layers {
        for (k, v, p) in layer {
            out.retain(|(ek, _, _)| *ek != k);
            out.push((k, v, p));
        }
    }
    out
}

/// The pod spec fields that spread pods (`affinity`, `topologySpreadConstraints`) under
/// `pod_path` in a config object, as a workload the spread analysis can read. `labels` are the
/// pod labels the implementation is known to set; a spreading term that misses them is treated
/// as uncertain (the implementation may set more than the sources show), never as "spreads
/// nothing".
pub fn rendered_spread(
    obj: &Object,
    kind: WorkloadKind,
    pod_path: &'static [&'static str],
    labels: BTreeMap<String, String>,
) -> Spread {
    let (w, unreadable) = rendered_workload(obj, kind, pod_path, labels, &["affinity", "topologySpreadConstraints"]);
    let mut s = crate::k8s::spread::analyse(obj, &w);
    if unreadable || !s.mismatched.is_empty() {
        s.mismatched.clear();
        s.uncertain = true;
    }
    s
}

/// The pod spec `fields` under `pod_path` in a config object (a pod template the implementation
/// applies to its proxy pods), as a workload the model's readers can take, and whether any of
/// them could not be read (then the workload lacks them).
pub fn rendered_workload(
    obj: &Object,
    kind: WorkloadKind,
    pod_path: &'static [&'static str],
    labels: BTreeMap<String, String>,
    fields: &[&str],
) -> (crate::k8s::object::Workload, bool) {
    let pod = obj.root.at(&keys(pod_path));
    let mut spec = serde_json::Map::new();
    let mut unreadable = false;
    for &key in fields {
        if let Some(n) = pod.and_then(|p| p.get(key)) {
            match crate::yaml::scalar::to_json(n) {
                Ok(v) => {
                    spec.insert(key.to_owned(), v);
                }
                Err(_) => unreadable = true,
            }
        }
    }
    spec.entry("containers").or_insert_with(|| serde_json::Value::Array(Vec::new()));
    let pod_spec: k8s_openapi::api::core::v1::PodSpec = serde_json::from_value(serde_json::Value::Object(spec))
        .unwrap_or_else(|_| {
            unreadable = true;
            k8s_openapi::api::core::v1::PodSpec::default()
        });
    let w = crate::k8s::object::Workload {
        kind,
        replicas: None,
        selector: None,
        pod_labels: labels,
        pod_annotations: BTreeMap::new(),
        pod: pod_spec,
        pod_path,
        deployment: None,
        daemon_set: None,
        owners: Vec::new(),
    };
    (w, unreadable)
}

impl ParamIssue {
    /// The referenced object is not in the input: the settings it holds are unknown.
    pub fn not_in_input(ctx: &GatewayCtx<'_>, r: &ParamRef, default_ns: Option<&str>) -> Self {
        let name = match ctx.referent_ns(r, default_ns) {
            Some(ns) => format!("{ns}/{}", r.name),
            None => r.name.clone(),
        };
        ParamIssue {
            at: ctx.ref_name_at(r),
            problem: format!("{} {name} is not in the input", r.kind),
            effect: Effect::NotInInput,
            fix: format!(
                "lint it together with the {} it configures (`-f` both files), so the rules that need its settings can judge them",
                if r.holder == ctx.gateway { "Gateway" } else { "GatewayClass" }
            ),
        }
    }

    /// A reference to a kind the implementation does not read.
    pub fn wrong_kind(ctx: &GatewayCtx<'_>, r: &ParamRef, expected: &str, effect: Effect) -> Self {
        ParamIssue {
            at: ctx.ref_kind_at(r),
            problem: format!("`{}` is not {expected}", if r.gk().is_empty() { "(no kind)".to_owned() } else { r.gk() }),
            effect,
            fix: format!("reference {expected}, or remove the `parametersRef`"),
        }
    }
}

/// Trust in the N-th X-Forwarded-For entry from the right (Envoy's `xff_num_trusted_hops`): the
/// client writes every entry a pass-through load balancer forwards.
/// X-Forwarded-For trusted by hop count: `depth` is the entry taken, counted from the right.
pub fn hop_trust(setting: String, at: Place, restrict_hint: &'static str, depth: u32) -> proxies::HeaderTrust {
    proxies::HeaderTrust {
        setting,
        loc: at.loc,
        obj: at.obj,
        from_anyone: None,
        anyone_loc: None,
        restrict_hint,
        positional: true,
        depth: Some(depth),
        off_hint: None,
    }
}

/// Pod labels an implementation sets, with the Gateway's `spec.infrastructure.labels` added.
pub fn with_infra(ctx: &GatewayCtx<'_>, mut labels: BTreeMap<String, String>) -> BTreeMap<String, String> {
    for (k, v) in ctx.infra_labels() {
        labels.entry(k).or_insert(v);
    }
    labels
}

/// The place of `needle` inside a string value (a YAML document in a ConfigMap key, an
/// annotation) when the source holds it verbatim, else the whole value (a block scalar's lines
/// are not the string's).
pub fn inside(ctx: &GatewayCtx<'_>, at: Place, needle: &str) -> Place {
    inside_of(ctx.lookup, at, needle)
}

/// [`inside`] with the input's objects and texts.
pub fn inside_of(lookup: &Lookup<'_>, at: Place, needle: &str) -> Place {
    let Some(obj) = lookup.objects.get(at.obj) else { return at };
    let text = lookup.texts.get(obj.file).copied().unwrap_or_default();
    let raw = text.get(at.loc.span.range()).unwrap_or_default();
    match raw.find(needle) {
        Some(i) => {
            let start = at.loc.span.start + crate::source::to_u32(i);
            Place {
                loc: crate::diagnostic::Loc {
                    file: at.loc.file,
                    span: crate::source::Span::new(start, start + crate::source::to_u32(needle.len())),
                },
                obj: at.obj,
            }
        }
        None => at,
    }
}
