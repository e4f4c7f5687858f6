//! Ingress controllers and Gateway data planes: how each is recognised, where its settings live,
//! and how its Helm chart sets what the rules ask for. Rules never name an implementation; adding
//! one is one file here (and its fixtures).

mod cilium;
mod contour;
mod envoy_gateway;
mod f5_nginx;
pub mod gateway_api;
mod haproxy;
mod ingress_nginx;
mod istio;
mod kgateway;
mod kong;
mod kubesphere;
mod nginx_gateway_fabric;
mod traefik;

use crate::diagnostic::Loc;
use crate::k8s::object::{ObjId, Object, Place, Workload};
use crate::k8s::provenance::{Setting, Sourced, unknown};
use crate::yaml::PathSeg;
use gateway_api::GatewaySupport;

/// One ingress controller or Gateway implementation: its names, and what it brings to each
/// side of the model. Each side is a descriptor with a `DEFAULT`, so an implementation writes only
/// what differs (`..IngressSupport::DEFAULT`) and a new capability is one default field.
pub struct Implementation {
    /// The name users know it by.
    pub name: &'static str,
    /// IngressClass `spec.controller` values.
    pub ingress_class_controllers: &'static [&'static str],
    /// GatewayClass `spec.controllerName` values (the Gateway API data planes).
    pub gateway_controllers: &'static [&'static str],
    /// When the project stopped maintaining it, if it did.
    pub retired: Option<&'static str>,
    /// Its controller as a workload of the input (an ingress controller, or proxy pods the
    /// input holds): how it is recognised and where its settings live. `None`: the input never
    /// holds its data plane as a workload of its own.
    pub ingress: Option<&'static IngressSupport>,
    /// Gateway API: how its Gateways become data planes (`docs/decisions.md`, Gateway API).
    pub gateway: Option<&'static GatewaySupport>,
    /// Its rate limits are read (`IngressSupport::rate_limits`, `ingress_rate_limits`,
    /// `GatewaySupport::rate_limits`): `false`, none found means none known, not none set.
    pub reads_rate_limits: bool,
}

impl Implementation {
    pub const DEFAULT: Implementation = Implementation {
        name: "",
        ingress_class_controllers: &[],
        gateway_controllers: &[],
        retired: None,
        ingress: None,
        gateway: None,
        reads_rate_limits: false,
    };

    /// Whose default an unwritten setting is: `ingress-nginx's default`.
    pub fn whose_default(&self) -> String {
        format!("{}'s default", self.name)
    }
}

impl std::fmt::Debug for Implementation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// The ingress half: what the model can ask of an implementation's controller workload.
pub struct IngressSupport {
    /// Is this workload one of its data-plane pods?
    pub recognise: fn(&Object, &Workload) -> bool,
    /// How its usual install (Helm chart values) sets `externalTrafficPolicy: Local`.
    pub local_hint: &'static str,
    /// With the chart of `local_hint`: the value that runs the controller as a DaemonSet (said
    /// only when its pods are not spread already).
    pub chart_daemon_set: &'static str,
    /// Whether it expects PROXY protocol headers, and where that is set.
    pub proxy_protocol: fn(&Lookup<'_>, ObjId) -> Setting<bool>,
    /// It accepts connections with and without a PROXY header (so expecting one that never
    /// comes breaks nothing).
    pub proxy_protocol_optional: bool,
    /// Which client-IP headers it trusts, from whom, and its trusted-proxy lists.
    pub trust: fn(&Lookup<'_>, ObjId) -> Trust,
    /// Where its header trust is set when the model does not read it (Contour's configuration
    /// file): without it, "it does not trust X-Forwarded-For" is not certain.
    pub trust_unread: Option<&'static str>,
    /// Ingress annotations that restrict clients by source address (an allow-list or deny-list
    /// the controller evaluates on the address it sees).
    pub allow_list_annotations: &'static [&'static str],
    /// Substrings of the image of its main container: where a finding about the controller
    /// itself (its image, its version) is labelled. Empty, or no match: the first container.
    pub main_container_images: &'static [&'static str],
    /// It answers `GET /` without a matching Ingress with a 404 (its default backend), so an
    /// HTTP health probe on `/` fails against it.
    pub root_is_404: bool,
    /// Objects besides its own settings that also turn PROXY protocol on for its listeners
    /// (an Istio EnvoyFilter that inserts the PROXY listener filter), where each does.
    pub proxy_protocol_filters: fn(&Lookup<'_>, ObjId) -> Vec<Place>,
    /// Its allow-lists and deny-lists on client addresses (objects besides Ingress annotations:
    /// Traefik Middlewares, Istio AuthorizationPolicies) that apply to this workload, and which
    /// address each compares.
    pub allow_lists: fn(&Lookup<'_>, ObjId) -> Vec<AllowList>,
    /// Its rate limits in objects besides Ingress annotations (Traefik RateLimit Middlewares,
    /// Kong `rate-limiting` plugins), for this workload.
    pub rate_limits: fn(&Lookup<'_>, ObjId) -> Vec<RateLimit>,
    /// The rate limits an Ingress's annotations set for it (ingress-nginx `limit-rps`).
    pub ingress_rate_limits: fn(&Object, ObjId) -> Vec<RateLimit>,
}

impl IngressSupport {
    pub const DEFAULT: IngressSupport = IngressSupport {
        recognise: never,
        local_hint: "",
        chart_daemon_set: "",
        proxy_protocol: proxy_protocol_unknown,
        proxy_protocol_optional: false,
        trust: no_trust,
        trust_unread: None,
        allow_list_annotations: &[],
        main_container_images: &[],
        root_is_404: false,
        proxy_protocol_filters: |_, _| Vec::new(),
        allow_lists: |_, _| Vec::new(),
        rate_limits: |_, _| Vec::new(),
        ingress_rate_limits: |_, _| Vec::new(),
    };

    /// The main container of one of its workloads (see `main_container_images`).
    pub fn main_container(&self, w: &Workload) -> usize {
        w.pod
            .containers
            .iter()
            .position(|c| c.image.as_deref().is_some_and(|i| self.main_container_images.iter().any(|m| i.contains(m))))
            .unwrap_or(0)
    }
}

/// A workload it never runs as (its data plane is rendered, or recognised by its class only).
pub fn never(_: &Object, _: &Workload) -> bool {
    false
}

/// Where PROXY protocol is set is not known for this implementation.
pub fn proxy_protocol_unknown(_: &Lookup<'_>, _: ObjId) -> Setting<bool> {
    unknown("where this controller sets PROXY protocol is not known")
}

/// A controller's default, labelled where a user would write it: under `cm`'s `data` (the config
/// object read, with the key), else on the controller workload.
pub fn controller_default<T>(
    lookup: &Lookup<'_>,
    proxy: &Implementation,
    value: T,
    ctrl: ObjId,
    cm: Option<(ObjId, &str)>,
) -> Sourced<T> {
    let at = match cm {
        Some((cm, key)) => cm_key_place(lookup, cm, key),
        None => Place { loc: lookup.objects[ctrl].name_loc(), obj: ctrl },
    };
    Sourced::default(value, proxy.whose_default(), at)
}

/// Where a ConfigMap's `data` key is written, or would be.
pub fn cm_key_place(lookup: &Lookup<'_>, cm: ObjId, key: &str) -> Place {
    Place { loc: lookup.objects[cm].key_loc(&[PathSeg::Key("data"), PathSeg::Key(key)]), obj: cm }
}

/// The registry: every implementation the model knows. The order is the order of `--cluster`'s
/// optional kinds (`gateway_api::tree_kinds`); the first implementation that recognises a
/// workload takes it.
pub static IMPLEMENTATIONS: &[&Implementation] = &[
    &ingress_nginx::IMPLEMENTATION,
    &f5_nginx::IMPLEMENTATION,
    &traefik::IMPLEMENTATION,
    &haproxy::IMPLEMENTATION,
    &kong::IMPLEMENTATION,
    &istio::IMPLEMENTATION,
    &envoy_gateway::IMPLEMENTATION,
    &nginx_gateway_fabric::IMPLEMENTATION,
    &kgateway::IMPLEMENTATION,
    &contour::IMPLEMENTATION,
    &cilium::IMPLEMENTATION,
    &kubesphere::IMPLEMENTATION,
];

/// The implementation that names this controller string (IngressClass or GatewayClass).
pub fn by_controller_string(s: &str) -> Option<&'static Implementation> {
    IMPLEMENTATIONS
        .iter()
        .copied()
        .find(|p| p.ingress_class_controllers.contains(&s) || p.gateway_controllers.contains(&s))
}

/// The words a message may open with to name an implementation: the first word of each name and
/// of each Gateway data plane's creator (`Contour's provisioner` gives `Contour`).
pub fn name_words() -> impl Iterator<Item = &'static str> {
    IMPLEMENTATIONS
        .iter()
        .flat_map(|p| [Some(p.name), p.gateway.map(|g| g.creator)])
        .flatten()
        .filter_map(|n| n.split_whitespace().next())
        .map(|w| w.strip_suffix("'s").unwrap_or(w))
}

/// Every allow-list annotation an implementation reads, with the implementation.
pub fn allow_list_annotations() -> impl Iterator<Item = (&'static str, &'static Implementation)> {
    IMPLEMENTATIONS
        .iter()
        .copied()
        .filter_map(|p| Some((p, p.ingress?)))
        .flat_map(|(p, i)| i.allow_list_annotations.iter().map(move |a| (*a, p)))
}

/// An allow-list or deny-list of client addresses that a proxy evaluates (a SecurityPolicy's
/// `clientCIDRs`, an AuthorizationPolicy's `ipBlocks`, a Middleware's `sourceRange`, an
/// ingress-nginx `whitelist-source-range`), and which address it compares.
#[derive(Debug, Clone)]
pub struct AllowList {
    /// The object that holds it.
    pub obj: ObjId,
    /// The CIDR list.
    pub at: Loc,
    /// `the SecurityPolicy's \`clientCIDRs\``, as a message names it.
    pub what: String,
    pub compares: Compares,
    /// What makes it compare the client's address, in the implementation's terms.
    pub fix: &'static str,
    /// The routes it applies to, when it is attached to routes rather than to the whole data
    /// plane (an Envoy Gateway SecurityPolicy that targets an HTTPRoute); empty: everything.
    pub routes: Vec<ObjId>,
    /// Where a router of the input runs it, when that is written elsewhere (a Traefik
    /// Middleware named by an Ingress, IngressRoute or HTTPRoute), and how to label it.
    pub runs_at: Option<(Loc, String)>,
}

/// The address an allow-list compares.
#[derive(Debug, Clone)]
pub enum Compares {
    /// The connection's peer (after PROXY protocol, which rewrites it): headers do not change it.
    Peer,
    /// The connection's physical peer: neither PROXY protocol nor headers change it (Envoy RBAC
    /// `direct_remote_ip`, "always the physical peer even if the remote_ip is inferred from for
    /// example the x-forwarder-for header, proxy protocol": Istio `ipBlocks`).
    PhysicalPeer,
    /// The client address the proxy detected, by its own client-IP settings (its [`Trust`]).
    Detected,
    /// The X-Forwarded-For entry at this depth from the right, as it reaches the check.
    XffDepth { setting: String, at: Place },
}

impl AllowList {
    /// Every allow-list an Ingress carries in its annotations, with the implementation that
    /// reads it: each compares the client address the controller detected.
    pub fn of_ingress(obj: &Object, i: ObjId) -> Vec<(AllowList, &'static Implementation)> {
        allow_list_annotations()
            .filter_map(|(key, p)| {
                obj.annotation(key)?;
                let at = obj.loc_at(&[PathSeg::Key("metadata"), PathSeg::Key("annotations"), PathSeg::Key(key)]);
                Some((
                    AllowList {
                        obj: i,
                        at,
                        what: format!("`{key}`"),
                        compares: Compares::Detected,
                        fix: "the controller checks the address its real-IP settings produce: trust X-Forwarded-For only from the proxy in front (ingress-nginx: `proxy-real-ip-cidr` with its addresses), or use PROXY protocol on both ends, or `externalTrafficPolicy: Local` with no header trust",
                        routes: Vec::new(),
                        runs_at: None,
                    },
                    p,
                ))
            })
            .collect()
    }
}

/// A rate limit a proxy applies: what it counts requests by. One keyed on the client address is
/// judged like an allow-list, on the hop where it runs (`rate-limit-wrong-hop`,
/// `rate-limit-forgeable`): counted by a proxy's address, every client shares one limit;
/// counted by an address a client writes, each picks its own.
#[derive(Debug, Clone)]
pub struct RateLimit {
    /// Where it is written, the address it compares (meaningful when `keyed` is `Client`), how
    /// to make that the client's, and the routes it applies to.
    pub check: AllowList,
    pub keyed: Keyed,
    /// What it counts by, as `migrate` reports it: "`limit-rps: 5` per client address".
    pub text: String,
}

/// What a rate limit counts requests by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyed {
    /// Each client address (as `check.compares` finds it) has its own limit.
    Client,
    /// One limit for every client (a token bucket per proxy, a limit per host).
    Shared,
    /// A key that is not an address (a header, a consumer, a path).
    Other,
}

impl RateLimit {
    /// Every rate limit an Ingress's annotations set, with the implementation that reads them.
    pub fn of_ingress(obj: &Object, i: ObjId) -> Vec<(RateLimit, &'static Implementation)> {
        IMPLEMENTATIONS
            .iter()
            .copied()
            .filter_map(|p| Some((p, p.ingress?)))
            .flat_map(|(p, s)| (s.ingress_rate_limits)(obj, i).into_iter().map(move |r| (r, p)))
            .collect()
    }

    /// A rate limit an Ingress annotation sets, keyed on the address the controller detected.
    pub fn annotation(obj: &Object, i: ObjId, key: &str, fix: &'static str, keyed: Keyed, text: String) -> Self {
        let at = obj.loc_at(&[PathSeg::Key("metadata"), PathSeg::Key("annotations"), PathSeg::Key(key)]);
        let check = AllowList {
            obj: i,
            at,
            what: format!("`{key}`"),
            compares: Compares::Detected,
            fix,
            routes: Vec::new(),
            runs_at: None,
        };
        RateLimit { check, keyed, text }
    }

    /// A rate limit whose key is the client address.
    pub fn per_client(check: AllowList, text: String) -> Self {
        RateLimit { check, keyed: Keyed::Client, text }
    }
}

/// A path to an item of a list and below: `before[index].after`.
pub fn indexed<'a>(before: &[&'a str], index: usize, after: &[&'a str]) -> Vec<PathSeg<'a>> {
    before
        .iter()
        .map(|k| PathSeg::Key(k))
        .chain([PathSeg::Index(index)])
        .chain(after.iter().map(|k| PathSeg::Key(k)))
        .collect()
}

/// The controller believes a client-IP header (X-Forwarded-For, X-Real-IP, a custom one).
#[derive(Debug, Clone)]
pub struct HeaderTrust {
    /// The setting that turns it on, as the user wrote it (`use-forwarded-headers: "true"`).
    pub setting: String,
    pub loc: Loc,
    /// The object that holds the setting (a ConfigMap, or the controller's workload).
    pub obj: ObjId,
    /// Why it trusts any source (`None`: only listed sources).
    pub from_anyone: Option<String>,
    /// Where the trust-all value is written (absent when it is a default).
    pub anyone_loc: Option<Loc>,
    /// How to restrict it, in the controller's own terms.
    pub restrict_hint: &'static str,
    /// It trusts an entry by its position in the header (a hop count), whoever sent it: right
    /// only when that many proxies that append the header sit in front.
    pub positional: bool,
    /// For a hop count: the X-Forwarded-For entry it takes, counted from the right (1: the
    /// rightmost, the one the nearest appending proxy wrote).
    pub depth: Option<u32>,
    /// How to turn the header trust off, in the controller's terms (`None`: ingress-nginx's
    /// `use-forwarded-headers: "false"` stands as the example).
    pub off_hint: Option<&'static str>,
}

/// One entry of a trusted-proxy list (`proxy-real-ip-cidr`, `trustedIPs`, `trusted_ips`, …).
#[derive(Debug, Clone)]
pub struct TrustedEntry {
    pub setting: &'static str,
    pub value: String,
    pub loc: Loc,
    pub obj: ObjId,
    /// nginx resolves host names in `set_real_ip_from`.
    pub hostname_ok: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Trust {
    pub header: Option<HeaderTrust>,
    pub entries: Vec<TrustedEntry>,
    /// PROXY protocol headers are believed from any peer: why, and where that is written.
    pub proxy_from_anyone: Option<(String, Place)>,
}

/// Does a trusted-address list admit every address?
pub fn admits_anyone(entries: &[TrustedEntry]) -> Option<&TrustedEntry> {
    entries.iter().find(|e| matches!(e.value.trim(), "0.0.0.0/0" | "::/0"))
}

/// Read access to the objects for an implementation's settings lookups.
pub struct Lookup<'a> {
    pub objects: &'a [Object],
    /// The source texts, to place entries inside a value.
    pub texts: &'a [&'a str],
}

impl Lookup<'_> {
    /// The (non-shadowed) object of a kind in a namespace.
    pub fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<ObjId> {
        self.objects.iter().position(|o| {
            !o.shadowed
                && o.kind == kind
                && o.namespace.as_deref() == Some(namespace)
                && o.name.as_deref() == Some(name)
        })
    }
}

/// The image repository without registry-independent tag or digest: `a/b/c:1.2@sha…` → `a/b/c`.
pub fn image_repo(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    match no_digest.rfind(':') {
        Some(i) if !no_digest[i..].contains('/') => &no_digest[..i],
        _ => no_digest,
    }
}

pub fn images(w: &Workload) -> impl Iterator<Item = &str> {
    w.pod.containers.iter().filter_map(|c| c.image.as_deref()).map(image_repo)
}

/// Every argument (command and args) of every container, split at `=` into (flag, value).
pub fn flags(w: &Workload) -> impl Iterator<Item = (usize, usize, &str, Option<&str>)> {
    w.pod.containers.iter().enumerate().flat_map(|(ci, c)| {
        c.args.iter().flatten().enumerate().map(move |(ai, a)| {
            let (flag, value) = match a.split_once('=') {
                Some((f, v)) => (f, Some(v)),
                None => (a.as_str(), None),
            };
            (ci, ai, flag, value)
        })
    })
}

pub fn label_is(w: &Workload, key: &str, value: &str) -> bool {
    w.pod_labels.get(key).is_some_and(|v| v == value)
}

/// A `ns/name` reference from a flag such as `--configmap=$(POD_NAMESPACE)/name`, with
/// `$(POD_NAMESPACE)` (or any env var read from `metadata.namespace`) resolved.
pub fn namespaced_ref(obj: &Object, w: &Workload, container: usize, value: &str) -> Option<(String, String)> {
    let (ns, name) = value.split_once('/')?;
    let ns = if let Some(var) = ns.strip_prefix("$(").and_then(|v| v.strip_suffix(')')) {
        let env = w.pod.containers.get(container)?.env.as_ref()?;
        let e = env.iter().find(|e| e.name == var)?;
        if let Some(v) = &e.value {
            v.clone()
        } else {
            let field = e.value_from.as_ref()?.field_ref.as_ref()?;
            if field.field_path != "metadata.namespace" {
                return None;
            }
            obj.namespace.clone()?
        }
    } else {
        ns.to_owned()
    };
    Some((ns, name.to_owned()))
}

/// Go's `strconv.ParseBool`, which most controllers use for their string settings.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim() {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// The ConfigMap a controller flag names: `Ok(Some)` in the input, `Ok(None)` no such flag (the
/// controller runs on defaults), `Err(why)` named but not in the input.
pub fn controller_configmap(lookup: &Lookup<'_>, ctrl: ObjId, flag_names: &[&str]) -> Result<Option<ObjId>, String> {
    let obj = &lookup.objects[ctrl];
    let Some(w) = obj.workload() else { return Ok(None) };
    let Some((ci, value)) =
        flags(w).find(|(_, _, f, v)| flag_names.contains(f) && v.is_some()).map(|(ci, _, _, v)| (ci, v))
    else {
        return Ok(None);
    };
    let value = value.unwrap_or_default();
    let Some((ns, name)) = namespaced_ref(obj, w, ci, value) else {
        return Err(format!("the ConfigMap named by `{value}` could not be resolved"));
    };
    lookup.find("ConfigMap", &ns, &name).map(Some).ok_or_else(|| format!("ConfigMap {ns}/{name} is not in the input"))
}

/// A ConfigMap's `data` value and where it is written.
pub fn cm_value<'a>(lookup: &'a Lookup<'_>, cm: ObjId, key: &str) -> Option<(&'a str, Loc)> {
    let obj = &lookup.objects[cm];
    if !matches!(obj.data, crate::k8s::object::ObjData::ConfigMap) {
        return None;
    }
    let v = obj.config_value(key)?;
    Some((v, obj.loc_at(&[PathSeg::Key("data"), PathSeg::Key(key)])))
}

/// The setting of a boolean key in a ConfigMap named by a controller flag.
pub fn configmap_bool(
    lookup: &Lookup<'_>,
    proxy: &Implementation,
    ctrl: ObjId,
    flag_names: &[&str],
    key: &str,
    default: bool,
) -> Setting<bool> {
    let cm = match controller_configmap(lookup, ctrl, flag_names) {
        Ok(Some(cm)) => cm,
        Ok(None) => return Ok(controller_default(lookup, proxy, default, ctrl, None)),
        Err(why) => return unknown(why),
    };
    match cm_value(lookup, cm, key) {
        Some((v, loc)) => match parse_bool(v) {
            Some(b) => Ok(Sourced::written(b, Place { loc, obj: cm })),
            None => unknown(format!("`{key}: {v}` is not a boolean")),
        },
        None => Ok(controller_default(lookup, proxy, default, ctrl, Some((cm, key)))),
    }
}

/// Commas and spaces: how most controllers split a list of addresses.
pub const COMMAS_OR_SPACES: &[char] = &[',', ' '];

/// Split a list at `separators` into entries with their places inside `loc`'s text
/// (ingress-nginx splits at commas only).
pub fn list_entries(
    obj: ObjId,
    source_text: Option<&str>,
    setting: &'static str,
    value: &str,
    loc: Loc,
    hostname_ok: bool,
    separators: &[char],
) -> Vec<TrustedEntry> {
    let raw = source_text.and_then(|t| t.get(loc.span.range()));
    value
        .split(separators)
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| {
            // Point at the entry itself when it can be found verbatim in the source.
            let span = raw.and_then(|r| r.find(e)).map_or(loc.span, |at| {
                let start = loc.span.start + crate::source::to_u32(at);
                crate::source::Span::new(start, start + crate::source::to_u32(e.len()))
            });
            TrustedEntry { setting, value: e.to_owned(), loc: Loc { file: loc.file, span }, obj, hostname_ok }
        })
        .collect()
}

impl HeaderTrust {
    /// Header trust limited to a list of sources: from anyone when the list holds 0.0.0.0/0 or
    /// ::/0.
    pub fn listed(
        setting: String,
        loc: Loc,
        obj: ObjId,
        list: &str,
        entries: &[TrustedEntry],
        restrict_hint: &'static str,
    ) -> Self {
        let anywhere = entries.iter().find(|e| is_anywhere(&e.value));
        HeaderTrust {
            setting,
            loc,
            obj,
            from_anyone: anywhere.map(|e| format!("`{list}` includes {}", e.value)),
            anyone_loc: anywhere.map(|e| e.loc),
            restrict_hint,
            positional: false,
            depth: None,
            off_hint: None,
        }
    }
}

pub fn is_anywhere(cidr: &str) -> bool {
    matches!(cidr.trim(), "0.0.0.0/0" | "::/0" | "0/0")
}

/// The environment variable of a container, and where its value is written.
pub fn env_value<'a>(obj: &'a Object, w: &'a Workload, name: &str) -> Option<(usize, &'a str, Loc)> {
    for (ci, c) in w.pod.containers.iter().enumerate() {
        for (ei, e) in c.env.iter().flatten().enumerate() {
            if e.name == name {
                let v = e.value.as_deref()?;
                let mut path = w.pod_path();
                path.extend([
                    PathSeg::Key("containers"),
                    PathSeg::Index(ci),
                    PathSeg::Key("env"),
                    PathSeg::Index(ei),
                    PathSeg::Key("value"),
                ]);
                return Some((ci, v, obj.loc_at(&path)));
            }
        }
    }
    None
}

/// The place of a container argument.
pub fn arg_loc(obj: &Object, w: &Workload, container: usize, arg: usize) -> Loc {
    let mut path = w.pod_path();
    path.extend([PathSeg::Key("containers"), PathSeg::Index(container), PathSeg::Key("args"), PathSeg::Index(arg)]);
    obj.loc_at(&path)
}

/// A controller with no client-IP header settings of its own in the input.
/// Contour: its Gateway TCP listeners take no PROXY protocol (`proxy-protocol-mismatch`).
pub fn is_contour(p: &Implementation) -> bool {
    std::ptr::eq(p, &raw const contour::IMPLEMENTATION)
}

pub fn no_trust(_: &Lookup<'_>, _: ObjId) -> Trust {
    Trust::default()
}

#[cfg(test)]
mod tests {
    use super::IMPLEMENTATIONS;

    #[test]
    fn names_and_controller_strings_name_one_implementation_each() {
        let mut names = std::collections::HashSet::new();
        let mut controllers = std::collections::HashSet::new();
        for p in IMPLEMENTATIONS {
            assert!(!p.name.is_empty() && names.insert(p.name), "{}", p.name);
            for c in p.ingress_class_controllers.iter().chain(p.gateway_controllers) {
                assert!(controllers.insert(*c), "{c} names two implementations");
            }
            assert!(p.ingress.is_some() || p.gateway.is_some(), "{} has neither half", p.name);
        }
    }

    #[test]
    fn config_kinds_are_named_as_kubectl_names_them() {
        for (group, kind, plural) in super::gateway_api::cluster_kinds() {
            assert!(!group.is_empty() && !kind.is_empty(), "{kind}.{group}");
            assert!(
                plural.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) && plural.ends_with('s'),
                "{plural}"
            );
            assert!(plural.starts_with(&kind.to_ascii_lowercase()[..kind.len() - 1]), "{plural} for {kind}");
        }
    }
}
