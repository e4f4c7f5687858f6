//! The client-IP path of every entry point, computed once when the model is built: each hop from
//! the client to the pods, what carries the client address after it, and where it is lost,
//! forgeable or unknown, and why. Rules ask questions of it ([`ViewPath::cluster`], the hops'
//! carriers); `trace` serialises it. A rule declares the hops it speaks for
//! ([`crate::rules::RuleDef::hops`]), so the trace lists a rule at a hop because the rule says
//! so, never by a list kept in step by hand.

use serde::Serialize;

use super::{GatewayLink, Model, Policy, ServiceView, routes};
use crate::diagnostic::Loc;
use crate::implementations;
use crate::k8s::object::{ObjData, ObjId, selector_matches};
use crate::k8s::provenance::{Origin, Sourced, Unknown};
use crate::providers::{self, DefaultLb};
use crate::yaml::PathSeg;

/// What carries the client address from a hop on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Carrier {
    /// The TCP source address of the connection.
    TcpSource,
    /// A PROXY protocol header in front of the connection.
    ProxyHeader,
    /// An HTTP header (`X-Forwarded-For` / `X-Real-IP`).
    Header,
    /// Gone: the source is a node or load balancer address.
    Lost,
    /// Whatever the client wrote: a header trusted from anyone.
    Forgeable,
    /// Not knowable from the input.
    Unknown,
}

/// The kinds of hop a path has; a rule names those it speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HopKind {
    /// Client → the load balancer a `LoadBalancer` Service gets.
    LoadBalancer,
    /// Load balancer (or client) → a node, and kube-proxy's forwarding.
    Node,
    /// Node → the ingress controller or Gateway data plane.
    Controller,
    /// → the pods: the Service's workloads, or the backends of an Ingress or a Gateway listener.
    Backends,
}

/// A labelled place on a hop.
#[derive(Debug, Clone)]
pub struct Mark {
    pub loc: Loc,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Hop {
    pub kind: HopKind,
    pub from: String,
    pub to: String,
    /// What this hop does to the client address.
    pub does: String,
    pub carries: Carrier,
    pub places: Vec<Mark>,
    /// The objects whose findings belong to this hop (by the rules that speak for its kind).
    pub objects: Vec<ObjId>,
}

/// A path, or its first part (a Service's hops before the pods).
#[derive(Debug, Clone)]
pub struct Path {
    pub hops: Vec<Hop>,
    /// What carries the address at the end.
    pub carrier: Carrier,
    /// For a lost or forgeable address: where it happens.
    pub at: Option<Mark>,
    /// Why it is lost or forgeable.
    pub loss: Option<Loss>,
    /// For an unknown one: the missing fact, and what would settle it.
    pub missing: Option<(String, String)>,
    pub assumptions: Vec<String>,
}

/// Why the client address is lost (or forgeable) where [`Path::at`] says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// The load balancer targets pod IPs and does not keep the source (`certain`: the
    /// annotations show the controller that reads them owns the Service).
    IpTargets { annotation: &'static str, certain: bool },
    /// The `cloud:` setting's default load balancer opens its own connection.
    CloudProxy,
    /// The Service's annotations make a connection-terminating load balancer (`certain`: they
    /// settle it; else it depends on something the message names).
    LbProxy { certain: bool },
    /// A pass-through load balancer with client IP preservation turned off.
    SourceDropped,
    /// kube-proxy SNATs under a `Cluster` policy.
    Snat,
    /// The load balancer sends PROXY headers the proxy does not expect.
    ProxyNotExpected,
    /// The proxy expects PROXY headers nothing sends.
    ProxyNotSent,
    /// An L7 load balancer adds X-Forwarded-For and the proxy does not trust it.
    HeaderNotTrusted,
    /// The proxy trusts a client-IP header from anyone (forgeable).
    TrustsAnyone,
    /// The proxy trusts an X-Forwarded-For entry by position with nothing in front (forgeable).
    Positional,
    /// The proxy takes an X-Forwarded-For entry further from the right than the proxies in front
    /// append (a hop count above 1 behind a CDN): the client wrote it.
    DeeperThanFront,
    /// The proxy decodes PROXY protocol and then trusts an X-Forwarded-For entry by position:
    /// the load balancer in front appends nothing, so the entry is the client's (forgeable).
    PositionalBehindProxy,
}

impl Path {
    fn unknown(missing: String, settle: String) -> Self {
        Path {
            hops: Vec::new(),
            carrier: Carrier::Unknown,
            at: None,
            loss: None,
            missing: Some((missing, settle)),
            assumptions: Vec::new(),
        }
    }

    /// The hop of a kind, if the path has one.
    pub fn hop(&self, kind: HopKind) -> Option<&Hop> {
        self.hops.iter().find(|h| h.kind == kind)
    }
}

/// How the client address can survive a `Cluster` policy on an entry point: the question the
/// policy rules ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientIpPath {
    /// There is one: the data plane, the load balancer or PROXY protocol carries it.
    Yes,
    /// The load balancer sends PROXY headers and the proxy's setting is not in the input.
    Unknown(String),
    /// The load balancer sends PROXY headers and the proxy does not expect them: not a path,
    /// and not the policy rules' business (`proxy-protocol-mismatch`).
    Mismatch,
    /// The load balancer in front already loses it, whatever the policy: not the policy
    /// rules' business either (the load-balancer rules speak).
    LostBefore,
    No,
}

/// The path through one Service view (and the controller behind it), up to the pods.
#[derive(Debug, Clone)]
pub struct ViewPath {
    pub path: Path,
    /// Whether a `Cluster` policy would lose the address here (whatever the policy is).
    pub cluster: ClientIpPath,
}

/// One entry point: an external Service, an Ingress, or one listener of a Gateway.
#[derive(Debug, Clone)]
pub struct EntryPath {
    /// `Service`, `Ingress`, `Gateway`, or `Controller` (an ingress controller nothing in the
    /// input fronts).
    pub kind: &'static str,
    pub obj: ObjId,
    /// Where the entry is named (for a Gateway, the listener's name).
    pub at: Loc,
    /// For a Gateway: the listener (`http (HTTP port 80)`).
    pub listener: Option<String>,
    pub path: Path,
    /// The hostnames it serves, each with its port: an Ingress's rule hosts (port 80, and 443
    /// for those its `tls` lists), a listener's routes' hostnames (or its own) on its port; `*`
    /// for any host. Empty for a Service or a controller.
    pub served: Vec<(String, u16)>,
    /// The Service view in front (index into `Model::services`) and the controller (index into
    /// `Model::controllers`) the path goes through, when known.
    pub view: Option<usize>,
    pub controller: Option<usize>,
}

/// The path through every Service view of the model, in the order of `model.services`.
pub(crate) fn view_paths(model: &Model) -> Vec<ViewPath> {
    model.services.iter().map(|view| service_path(model, view)).collect()
}

/// Every entry point of the model: external Services (not a Gateway's), each Gateway listener,
/// each Ingress.
pub(crate) fn entries(model: &Model, views: &[ViewPath]) -> Vec<EntryPath> {
    let mut out = Vec::new();
    let gateway_views: Vec<usize> = model
        .gateways
        .iter()
        .flat_map(|g| g.view.into_iter().chain(g.listeners.iter().filter_map(|(_, _, v)| *v)))
        .collect();
    for (vi, view) in model.services.iter().enumerate() {
        if !view.external || gateway_views.contains(&vi) {
            continue;
        }
        let mut path = views[vi].path.clone();
        path.hops.push(pods_hop(model, view, &path));
        out.push(EntryPath {
            kind: "Service",
            obj: view.obj,
            at: model.objects[view.obj].name_loc(),
            listener: None,
            path,
            served: Vec::new(),
            view: Some(vi),
            controller: view.controller,
        });
    }
    for link in &model.gateways {
        out.extend(gateway_entries(model, views, link));
    }
    for (i, obj) in model.live() {
        if let ObjData::Ingress(ing) = &obj.data {
            let (path, view, controller) = ingress_path(model, views, i, ing);
            out.push(EntryPath {
                kind: "Ingress",
                obj: i,
                at: obj.name_loc(),
                listener: None,
                path,
                served: routes::ingress_hosts(ing),
                view,
                controller,
            });
        }
    }
    // An ingress controller with no external Service in front: what reaches it is unknown, and
    // what it does with the address is still its own hop.
    for (ci, ctrl) in model.controllers.iter().enumerate() {
        let fronted = model.services.iter().any(|v| v.external && v.controller == Some(ci));
        if fronted
            || model.gateways.iter().any(|g| g.controller == Some(ci) || g.listeners.iter().any(|(_, c, _)| *c == ci))
        {
            continue;
        }
        let name = ctrl.proxy.map_or("the ingress controller", |p| p.name);
        let w = &model.objects[ctrl.obj];
        let mut path = Path::unknown(
            format!("what sends traffic to {name} ({}): no external Service in the input selects it", w.display()),
            "lint the Service in front of the controller together with it".into(),
        );
        let missing = path.missing.take();
        controller_hop(model, ci, &mut path, None);
        path.missing = path.missing.or(missing);
        out.push(EntryPath {
            kind: "Controller",
            obj: ctrl.obj,
            at: w.name_loc(),
            listener: None,
            path,
            served: Vec::new(),
            view: None,
            controller: Some(ci),
        });
    }
    out
}

fn mark(loc: Loc, label: impl Into<String>) -> Mark {
    Mark { loc, label: label.into() }
}

/// From the client through a Service (and the controller behind it, if any), up to the pods.
fn service_path(model: &Model, view: &ServiceView) -> ViewPath {
    let mut path = Path {
        hops: Vec::new(),
        carrier: Carrier::TcpSource,
        at: None,
        loss: None,
        missing: None,
        assumptions: Vec::new(),
    };
    let type_loc = view.type_at.loc;
    let ann = |key: &str| view.annotation_at(key).map_or(type_loc, |p| p.loc);
    // The objects that hold this Service's settings (for a Gateway: the Gateway, its config
    // object, its class), where the rules report what they find.
    let mut svc_objects = vec![view.obj, view.type_at.obj, view.policy_at.obj];
    svc_objects.extend(view.annotations.values().map(|(_, p)| p.obj));
    svc_objects.extend(view.rendered_by);
    svc_objects.sort_unstable();
    svc_objects.dedup();
    // Client → load balancer (or straight to a node).
    let mut skip_node = false;
    if view.svc_type == "LoadBalancer" {
        let lb = &view.lb;
        let title = lb.provider.map_or("the load balancer", |p| p.title);
        let (does, carrier, loc) = if let Some(a) = lb.direct_to_pod {
            skip_node = true;
            if lb.sends_proxy.is_some() {
                ("targets pod IPs directly and sends a PROXY protocol header".to_owned(), Carrier::ProxyHeader, ann(a))
            } else if lb.pod_targets_keep_source {
                ("targets pod IPs directly, keeping the client's source address".to_owned(), Carrier::TcpSource, ann(a))
            } else if lb.pod_targets_certain {
                path.loss = Some(Loss::IpTargets { annotation: a, certain: true });
                ("targets pod IPs directly; IP targets do not keep the client address unless `preserve_client_ip.enabled=true` or PROXY protocol".to_owned(), Carrier::Lost, ann(a))
            } else {
                path.missing = Some((
                    format!("whether the load balancer targets pod IPs (`{a}`): only the AWS Load Balancer Controller reads it, and whether it owns the Service is not in the manifest"),
                    "set `spec.loadBalancerClass: service.k8s.aws/nlb` (or `aws-load-balancer-type: external`) to make the owner certain".into(),
                ));
                (
                    "may target pod IPs directly, which do not keep the client address".to_owned(),
                    Carrier::Unknown,
                    ann(a),
                )
            }
        } else if let Some(a) = lb.sends_proxy {
            (format!("sends a PROXY protocol header with the client address (`{a}`)"), Carrier::ProxyHeader, ann(a))
        } else if let Some(a) = lb.adds_xff {
            (format!("is an L7 load balancer and adds X-Forwarded-For (`{a}`)"), Carrier::Header, ann(a))
        } else if let Some((a, why)) = &lb.carrier_unknown {
            path.missing = Some((
                format!("what {title} passes on: {why}"),
                "check the load balancer's listener in the provider's console, or write the setting the provider documents".into(),
            ));
            (format!("may or may not carry the client address (`{a}`)"), Carrier::Unknown, ann(a))
        } else if let Some(k) = &lb.unknown_switch {
            path.missing = Some((
                format!(
                    "what `{k}` does: it looks like a PROXY protocol or X-Forwarded-For switch, but it is not a setting realip-lint knows"
                ),
                "check the key against the provider's documentation (a misspelt key does nothing)".into(),
            ));
            (format!("may or may not carry the client address (`{k}`)"), Carrier::Unknown, ann(k))
        } else if let Some(a) = &lb.source_dropped {
            path.loss = Some(Loss::SourceDropped);
            (
                format!(
                    "passes the connection through with client IP preservation turned off (`{a}`): the source becomes the load balancer"
                ),
                Carrier::Lost,
                ann(a),
            )
        } else if let Some(p) = lb.proxies {
            path.loss = Some(Loss::LbProxy { certain: p.certain });
            let loc = p.key.map_or(type_loc, &ann);
            (format!("is {}: the source becomes the load balancer", p.what), Carrier::Lost, loc)
        } else if let Some((a, what)) = lb.passthrough {
            (format!("passes the connection through: {what} (`{a}`)"), Carrier::TcpSource, ann(a))
        } else if let Some(p) = lb.provider.filter(|p| p.default_lb == DefaultLb::Passthrough) {
            (format!("passes the connection through ({})", p.title), Carrier::TcpSource, type_loc)
        } else if let Some((cloud, DefaultLb::Proxies(why))) = model
            .cloud
            .as_deref()
            .filter(|c| lb.provider.is_none_or(|p| p.name == *c))
            .map(|c| (c, providers::default_lb(c)))
        {
            path.loss = Some(Loss::CloudProxy);
            (
                format!("proxies the connection (`cloud: {cloud}`: {why}): the source becomes the load balancer"),
                Carrier::Lost,
                type_loc,
            )
        } else {
            path.assumptions.push(format!(
                "a LoadBalancer without provider annotations passes the client's address through, as the default load balancers of `cloud:` {} do; set `cloud:` in .realip-lint.yaml if yours proxies connections ({})",
                providers::passthrough_names(),
                providers::proxying_names(),
            ));
            (
                "passes the connection through (assumed: no provider annotation says otherwise)".to_owned(),
                Carrier::TcpSource,
                type_loc,
            )
        };
        let mut does = does;
        let mut carrier = carrier;
        let mut places = vec![mark(loc, "the load balancer")];
        // Behind a CDN the load balancer's source is the CDN: the client is in the
        // X-Forwarded-For the CDN appended (a PROXY header carries the CDN's address).
        if let Some((cdn, at)) = view.behind_cdn
            && matches!(carrier, Carrier::TcpSource | Carrier::ProxyHeader)
        {
            does = format!(
                "{does}; clients reach it only through {} (`loadBalancerSourceRanges` are its ranges), an HTTP proxy that appends the client to X-Forwarded-For",
                cdn.name
            );
            carrier = Carrier::Header;
            places.push(mark(at.loc, format!("only {}'s ranges", cdn.name)));
        }
        for clause in lb.notes.iter().filter_map(providers::LbNote::trace_clause) {
            does.push_str("; ");
            does.push_str(clause);
        }
        if carrier == Carrier::Lost {
            path.at = Some(mark(loc, "the client address is lost here"));
        }
        path.carrier = carrier;
        path.hops.push(Hop {
            kind: HopKind::LoadBalancer,
            from: "client".into(),
            to: "load balancer".into(),
            does,
            carries: carrier,
            places,
            objects: svc_objects.clone(),
        });
    }
    // What a `Cluster` policy would do here, from the carrier that reaches the node.
    let cluster = cluster_question(model, view, &path, skip_node);
    // Load balancer (or client) → node → kube-proxy.
    if !skip_node {
        let ploc = view.policy_at.loc;
        let from = if view.svc_type == "LoadBalancer" { "load balancer" } else { "client" };
        let how = match view.svc_type.as_str() {
            "LoadBalancer" | "NodePort" => "a node port",
            _ => "an external IP",
        };
        let (does, carrier) = match (path.carrier, view.policy) {
            (Carrier::TcpSource, _) if view.keeps_client_ip.is_some() => (
                format!("enters through {how}; {}", view.keeps_client_ip.as_deref().unwrap_or_default()),
                Carrier::TcpSource,
            ),
            (Carrier::TcpSource, _) if model.dataplane.is_dsr() => (
                format!(
                    "kube-proxy's replacement returns directly to the client (`dataplane: {}`): the source is kept",
                    model.dataplane.name()
                ),
                Carrier::TcpSource,
            ),
            (Carrier::TcpSource, Policy::Local) => (
                format!(
                    "enters through {how}; `externalTrafficPolicy: Local` delivers only to pods on that node, keeping the source"
                ),
                Carrier::TcpSource,
            ),
            (Carrier::TcpSource, _) => {
                path.at = Some(mark(ploc, "SNAT to the node IP"));
                path.loss = Some(Loss::Snat);
                (
                    format!(
                        "enters through {how}; with `Cluster` policy kube-proxy SNATs the connection to the node's IP"
                    ),
                    Carrier::Lost,
                )
            }
            (c @ (Carrier::ProxyHeader | Carrier::Header), _) => {
                ("kube-proxy forwards it; SNAT does not touch the client address in the header".into(), c)
            }
            (c, _) => ("kube-proxy forwards it".into(), c),
        };
        path.carrier = carrier;
        path.hops.push(Hop {
            kind: HopKind::Node,
            from: from.into(),
            to: "node (kube-proxy)".into(),
            does,
            carries: carrier,
            places: vec![mark(ploc, "traffic policy")],
            objects: svc_objects,
        });
    }
    // Node → ingress controller.
    if let Some(ci) = view.controller {
        controller_hop(model, ci, &mut path, view.behind_cdn.map(|(cdn, _)| cdn));
    }
    ViewPath { path, cluster }
}

/// Whether a `Cluster` policy loses the client address on this view, from what reaches the node:
/// the data plane or the load balancer may carry it past kube-proxy's SNAT.
fn cluster_question(model: &Model, view: &ServiceView, path: &Path, skip_node: bool) -> ClientIpPath {
    if model.dataplane.is_dsr() || view.keeps_client_ip.is_some() || skip_node {
        return ClientIpPath::Yes;
    }
    // An L7 load balancer's header wins over PROXY: the controller reads the header whatever it
    // does with PROXY (the rules say so; `proxy-protocol-mismatch` speaks for the rest).
    if view.lb.adds_xff.is_some() {
        return ClientIpPath::Yes;
    }
    match path.carrier {
        Carrier::ProxyHeader => {}
        // A header from the load balancer (or a CDN in front) survives SNAT.
        Carrier::Header => return ClientIpPath::Yes,
        // Lost at the load balancer already: the policy changes nothing (the load-balancer rules
        // speak).
        Carrier::Lost => return ClientIpPath::LostBefore,
        Carrier::Unknown => {
            let why = path.missing.as_ref().map_or_else(String::new, |(m, _)| m.clone());
            return ClientIpPath::Unknown(why);
        }
        _ => return ClientIpPath::No,
    }
    let a = view.lb.sends_proxy.unwrap_or_default();
    let Some(ci) = view.controller else { return ClientIpPath::Yes };
    match &model.controllers[ci].proxy_protocol {
        Ok(Sourced { value: true, .. }) => ClientIpPath::Yes,
        Ok(Sourced { value: false, .. }) => ClientIpPath::Mismatch,
        Err(Unknown(why)) => ClientIpPath::Unknown(format!(
            "the load balancer sends PROXY protocol headers (`{a}`), but whether the controller expects them is not known: {why}"
        )),
    }
}

/// Node → the ingress controller (or Gateway data plane); `cdn`: the CDN that is the only way in,
/// which appends one X-Forwarded-For entry.
fn controller_hop(model: &Model, ci: usize, path: &mut Path, cdn: Option<&crate::cdn::Cdn>) {
    let ctrl = &model.controllers[ci];
    let name = ctrl.proxy.map_or("the ingress controller", |p| p.name);
    let w = &model.objects[ctrl.obj];
    let mut places = vec![mark(w.name_loc(), name)];
    let mut objects = vec![ctrl.obj];
    let header = ctrl.trust.header.as_ref();
    if let Some(h) = header {
        places.push(mark(h.loc, format!("`{}`", h.setting)));
        objects.push(h.obj);
    }
    if let Some(at) = ctrl.proxy_protocol.as_ref().ok().and_then(Sourced::written_at) {
        places.push(mark(at.loc, "PROXY protocol setting"));
        objects.push(at.obj);
    }
    // The trusted-proxy lists' objects: what is wrong in them is said on this hop.
    objects.extend(ctrl.trust.entries.iter().map(|e| e.obj));
    // Its allow-lists compare the address this hop hands on.
    objects.extend(ctrl.allow_lists.iter().map(|a| a.obj));
    objects.extend(ctrl.rate_limits.iter().map(|r| r.check.obj));
    objects.sort_unstable();
    objects.dedup();
    let optional = ctrl.proxy_protocol_optional;
    let anyone = header.and_then(|h| h.from_anyone.as_ref().map(|why| (h, why)));
    let (does, carrier) = match (path.carrier, &ctrl.proxy_protocol) {
        (Carrier::ProxyHeader, Ok(Sourced { value: true, .. })) if header.is_some_and(|h| h.positional) => {
            let h = header.unwrap_or_else(|| unreachable!());
            path.at = Some(mark(h.loc, "trusts an X-Forwarded-For entry by its position behind PROXY protocol"));
            path.loss = Some(Loss::PositionalBehindProxy);
            (
                format!(
                    "{name} reads the client from the PROXY header, then replaces it with an X-Forwarded-For entry chosen by hop count (`{}`): behind a load balancer that only adds PROXY headers, that entry is one the client wrote",
                    h.setting
                ),
                Carrier::Forgeable,
            )
        }
        (Carrier::ProxyHeader, Ok(Sourced { value: true, .. })) => (
            format!("{name} reads the PROXY header and writes the client into X-Forwarded-For / X-Real-IP"),
            Carrier::Header,
        ),
        (Carrier::ProxyHeader, Err(Unknown(why))) => {
            path.missing = Some((
                format!("whether {name} expects PROXY headers: {why}"),
                "add the controller's configuration to the input".into(),
            ));
            (format!("{name} may or may not expect the PROXY header"), Carrier::Unknown)
        }
        (Carrier::ProxyHeader, _) => {
            path.at = Some(mark(ctrl.settings_at, "does not expect PROXY headers"));
            path.loss = Some(Loss::ProxyNotExpected);
            (format!("{name} does not expect PROXY headers: requests fail"), Carrier::Lost)
        }
        (Carrier::TcpSource | Carrier::Header, _) if anyone.is_some() => {
            let (h, why) = anyone.unwrap_or_else(|| unreachable!());
            path.at = Some(mark(h.anyone_loc.unwrap_or(h.loc), "trusts client-written headers"));
            path.loss = Some(Loss::TrustsAnyone);
            (format!("{name} takes the client address from a header anyone can write ({why})"), Carrier::Forgeable)
        }
        (Carrier::TcpSource, _) if header.is_some_and(|h| h.positional) => {
            let h = header.unwrap_or_else(|| unreachable!());
            path.at = Some(mark(h.loc, "trusts an X-Forwarded-For entry by its position"));
            path.loss = Some(Loss::Positional);
            (
                format!(
                    "{name} takes the client address from X-Forwarded-For by hop count (`{}`), and nothing in front appends to it: the client wrote it",
                    h.setting
                ),
                Carrier::Forgeable,
            )
        }
        (Carrier::TcpSource, Ok(Sourced { value: true, origin: Origin::Written(at) })) if !optional => {
            path.at = Some(mark(at.loc, "expects PROXY headers nobody sends"));
            path.loss = Some(Loss::ProxyNotSent);
            (format!("{name} expects PROXY headers that nothing sends: connections fail"), Carrier::Lost)
        }
        (Carrier::TcpSource, _) => (
            format!("{name} sees the client as the TCP source and writes it into X-Forwarded-For / X-Real-IP"),
            Carrier::Header,
        ),
        // Behind a CDN that appends one entry, a hop count past it takes an entry the client
        // wrote (`forwarded-headers-trust-all` says so at the setting).
        (Carrier::Header, _)
            if let (Some(h), Some(cdn)) = (header, cdn)
                && let Some(depth) = h.depth.filter(|d| *d > 1) =>
        {
            path.at = Some(mark(h.loc, format!("takes entry {depth} from the right; {} appends one", cdn.name)));
            path.loss = Some(Loss::DeeperThanFront);
            (
                format!(
                    "{name} takes the client from X-Forwarded-For entry {depth} from the right (`{}`), but only {} appends to it in front: that entry is one the client wrote",
                    h.setting, cdn.name
                ),
                Carrier::Forgeable,
            )
        }
        (Carrier::Header, _) if header.is_some() => {
            (format!("{name} takes the client from X-Forwarded-For, trusting only the listed sources"), Carrier::Header)
        }
        (Carrier::Header, _) => {
            path.at = Some(mark(ctrl.settings_at, "does not trust the load balancer's X-Forwarded-For"));
            path.loss = Some(Loss::HeaderNotTrusted);
            (
                format!("{name} does not trust X-Forwarded-For, so it sees and forwards the load balancer's address"),
                Carrier::Lost,
            )
        }
        (Carrier::Lost, _) => {
            let whose = if path.loss == Some(Loss::Snat) { "node addresses" } else { "the load balancer's addresses" };
            (format!("{name} sees {whose} and forwards them in X-Forwarded-For"), Carrier::Lost)
        }
        (c, _) => (format!("{name} forwards the request"), c),
    };
    path.carrier = carrier;
    path.hops.push(Hop {
        kind: HopKind::Controller,
        from: "node (kube-proxy)".into(),
        to: format!("{name} ({})", w.display()),
        does,
        carries: carrier,
        places,
        objects,
    });
}

/// The last hop of a Service's own entry: to its pods (or, behind a controller, to the pods of
/// what the controller serves).
fn pods_hop(model: &Model, view: &ServiceView, path: &Path) -> Hop {
    let behind = view.controller.is_some();
    let to = match view.backends.as_slice() {
        _ if behind => "the pods behind the Ingresses (or routes) it serves".to_owned(),
        [] => "pods (no workload in the input matches the selector)".to_owned(),
        [one] => format!("pods of {}", model.objects[*one].display()),
        many => format!("pods of {} workloads", many.len()),
    };
    let places = if behind {
        Vec::new()
    } else {
        view.backends.iter().map(|b| mark(model.objects[*b].name_loc(), "backing workload")).collect()
    };
    let objects = if behind {
        view.rendered.map(|r| vec![model.rendered(r).pods.count.place().obj]).unwrap_or_default()
    } else {
        let mut objects = view.backends.clone();
        objects.extend(network_policies(model, &view.backends));
        objects
    };
    Hop {
        kind: HopKind::Backends,
        from: if behind { "ingress controller" } else { "node (kube-proxy)" }.into(),
        to,
        does: if behind {
            "the controller proxies each request to the backend Service's pods; the client address travels in X-Forwarded-For / X-Real-IP".into()
        } else {
            "delivered to a pod".into()
        },
        carries: path.carrier,
        places,
        objects,
    }
}

/// The NetworkPolicies that select some of these workloads' pods (their `ipBlock`s see what
/// reaches the pods).
fn network_policies(model: &Model, workloads: &[ObjId]) -> Vec<ObjId> {
    model
        .live()
        .filter_map(|(i, o)| match &o.data {
            ObjData::NetworkPolicy(np) => {
                let sel = np.spec.as_ref().and_then(|s| s.pod_selector.as_ref());
                workloads
                    .iter()
                    .any(|&b| {
                        let w = &model.objects[b];
                        w.namespace == o.namespace
                            && w.workload().is_some_and(|wl| sel.is_none_or(|s| selector_matches(s, &wl.pod_labels)))
                    })
                    .then_some(i)
            }
            _ => None,
        })
        .collect()
}

/// One entry per listener of a Gateway: through its data plane (the Service and proxy its
/// implementation creates, or the implementation's own Service in the input) to the backends of
/// the routes attached to it.
fn gateway_entries(model: &Model, views: &[ViewPath], link: &GatewayLink) -> Vec<EntryPath> {
    let gw = &model.objects[link.gateway];
    let name = link.proxy.name;
    // A gateway kind of an implementation's own has no listeners (one entry) and serves Ingresses.
    let own = implementations::gateway_api::own_gateway_of(gw).is_some();
    let front = link.view.or_else(|| {
        let ci = link.controller?;
        model.services.iter().position(|v| v.external && v.controller == Some(ci))
    });
    let template_of = |front: Option<usize>| match front {
        Some(vi) if model.services[vi].external => {
            let view = &model.services[vi];
            let mut path = views[vi].path.clone();
            let last = pods_hop(model, view, &path);
            path.hops.push(Hop {
                kind: HopKind::Backends,
                from: name.to_owned(),
                to: if own { "the pods behind the Ingresses it serves" } else { "the backends of the routes attached to the listener" }.into(),
                does: format!(
                    "{name} proxies each request to the {} backend pods; the client address travels in X-Forwarded-For / X-Real-IP",
                    if own { "Ingress's" } else { "route's" }
                ),
                carries: path.carrier,
                places: vec![mark(gw.name_loc(), "the Gateway")],
                objects: last.objects,
            });
            path
        }
        Some(vi) => {
            let view = &model.services[vi];
            Path::unknown(
                format!("{} is a {} Service: no way in from outside the cluster", view.name, view.svc_type),
                "a LoadBalancer or NodePort Service type in the implementation's config, or whatever fronts it".into(),
            )
        }
        None => {
            let (missing, settle) = link.issues.first().map_or_else(
                || {
                    (
                        format!("{name}'s Service and proxy for {} are not in the input", gw.display()),
                        "lint the implementation's manifests together with the Gateway".to_owned(),
                    )
                },
                |i| (i.problem.clone(), i.fix.clone()),
            );
            Path::unknown(missing, settle)
        }
    };
    if own {
        return vec![EntryPath {
            kind: implementations::gateway_api::gateway_noun(gw),
            obj: link.gateway,
            at: gw.name_loc(),
            listener: None,
            path: template_of(front),
            served: Vec::new(),
            view: front,
            controller: link.controller,
        }];
    }
    let listeners = gw
        .root
        .at(&[PathSeg::Key("spec"), PathSeg::Key("listeners")])
        .and_then(crate::yaml::Node::as_seq)
        .unwrap_or_default();
    let field = |n: &crate::yaml::Node, k: &str| n.get(k).and_then(crate::k8s::object::scalar_string);
    listeners
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let at =
                gw.loc_at(&[PathSeg::Key("spec"), PathSeg::Key("listeners"), PathSeg::Index(i), PathSeg::Key("name")]);
            let what = format!(
                "{} ({} port {})",
                field(l, "name").unwrap_or_default(),
                field(l, "protocol").unwrap_or_default(),
                field(l, "port").unwrap_or_default()
            );
            // A listener with settings of its own goes through its own controller and view.
            let (front, controller) = field(l, "name")
                .and_then(|n| link.listeners.iter().find(|(ln, ..)| *ln == n))
                .map_or((front, link.controller), |(_, c, v)| (v.or(front), Some(*c)));
            let mut path = template_of(front);
            let attached = routes::attached(model, link.gateway, &routes::Listener::of(l));
            if !attached.routes.is_empty()
                && let Some(last) = path.hops.last_mut().filter(|h| h.kind == HopKind::Backends)
            {
                *last = routes_hop(model, name, &attached, path.carrier);
            }
            // Contour decodes PROXY on its HTTP and HTTPS listeners only: a TCP listener is a
            // listener-level TCP proxy with no listener filters (projectcontour/contour
            // `internal/xdscache/v3/listener.go`), so a load balancer's PROXY header reaches the
            // backend as data (`proxy-protocol-mismatch` says so at the listener).
            let contour = link.controller.and_then(|c| model.controllers[c].proxy).is_some_and(implementations::is_contour);
            let sends_proxy = front.is_some_and(|vi| model.services[vi].lb.sends_proxy.is_some());
            // (When the whole data plane already fails on the header, the path says so already.)
            if contour && sends_proxy && field(l, "protocol").as_deref() == Some("TCP") && path.carrier != Carrier::Lost {
                let protocol = gw.loc_at(&[PathSeg::Key("spec"), PathSeg::Key("listeners"), PathSeg::Index(i), PathSeg::Key("protocol")]);
                if let Some(ctrl) = path.hops.iter_mut().rev().find(|h| h.kind == HopKind::Controller) {
                    ctrl.does = format!(
                        "{name} decodes PROXY protocol on HTTP and HTTPS listeners only: on this TCP listener the load balancer's header goes to the backend as data"
                    );
                    ctrl.carries = Carrier::Lost;
                }
                if let Some(last) = path.hops.last_mut().filter(|h| h.kind == HopKind::Backends) {
                    last.carries = Carrier::Lost;
                }
                path.carrier = Carrier::Lost;
                path.loss = Some(Loss::ProxyNotExpected);
                path.at = Some(mark(protocol, "a TCP listener: no PROXY protocol"));
            }
            // An L4 listener forwards a stream: no header to write the client into.
            let l4 = matches!(field(l, "protocol").as_deref(), Some("TCP" | "UDP" | "TLS"));
            if l4
                && matches!(path.carrier, Carrier::Header | Carrier::TcpSource)
                && let Some(last) = path.hops.last_mut().filter(|h| h.kind == HopKind::Backends)
            {
                last.does = format!(
                    "{name} forwards the stream to the route's backend pods: they see {name}'s address, unless it sends PROXY protocol upstream"
                );
                last.carries = Carrier::Unknown;
                // No HTTP header on a stream: the proxy sees the client, and writes it nowhere.
                if let Some(ctrl) = path.hops.iter_mut().rev().find(|h| h.kind == HopKind::Controller) {
                    ctrl.does = format!(
                        "{name} sees the client's address but proxies a TCP stream: there is no HTTP header to write it into"
                    );
                    ctrl.carries = Carrier::Unknown;
                }
                path.carrier = Carrier::Unknown;
                path.missing = Some((
                    format!("whether {name} sends PROXY protocol to the backends of this {} listener", field(l, "protocol").unwrap_or_default()),
                    "a policy on the backend (for Envoy Gateway, a BackendTrafficPolicy with `proxyProtocol`), and the backend's own PROXY setting".into(),
                ));
            }
            let served = routes::listener_hosts(model, l, &attached);
            EntryPath {
                kind: "Gateway",
                obj: link.gateway,
                at,
                listener: Some(what),
                path,
                served,
                view: front,
                controller,
            }
        })
        .collect()
}

/// The data plane → the backend Services of the routes attached to a listener, and their pods.
fn routes_hop(model: &Model, name: &str, attached: &routes::Attached, carrier: Carrier) -> Hop {
    let mut places: Vec<Mark> = attached
        .routes
        .iter()
        .map(|&r| {
            let o = &model.objects[r];
            mark(o.name_loc(), format!("{} attached to the listener", o.kind))
        })
        .collect();
    places.extend(attached.services.iter().map(|&s| mark(model.objects[s].name_loc(), "backend Service")));
    let mut objects: Vec<ObjId> = attached.routes.clone();
    objects.extend(&attached.services);
    let workloads: Vec<ObjId> = model
        .services
        .iter()
        .filter(|v| attached.services.contains(&v.obj))
        .flat_map(|v| v.backends.iter().copied())
        .collect();
    objects.extend(&workloads);
    objects.extend(network_policies(model, &workloads));
    objects.sort_unstable();
    objects.dedup();
    let mut names: Vec<String> = attached.services.iter().map(|&s| model.objects[s].display()).collect();
    names.extend(attached.missing.iter().map(|m| format!("Service {m} (not in the input)")));
    Hop {
        kind: HopKind::Backends,
        from: name.to_owned(),
        to: if names.is_empty() { "the routes' backends".into() } else { format!("{} → pods", names.join(", ")) },
        does: format!(
            "{name} proxies each request to the route's backend pods; the client address travels in X-Forwarded-For / X-Real-IP"
        ),
        carries: carrier,
        places,
        objects,
    }
}

/// From the client through the Ingress's controller (and its Service) to the backend pods.
fn ingress_path(
    model: &Model,
    views: &[ViewPath],
    i: ObjId,
    ing: &k8s_openapi::api::networking::v1::Ingress,
) -> (Path, Option<usize>, Option<usize>) {
    let obj = &model.objects[i];
    let class = ing
        .spec
        .as_ref()
        .and_then(|s| s.ingress_class_name.as_deref())
        .or_else(|| obj.annotation("kubernetes.io/ingress.class"));
    let by_class = class.and_then(|c| {
        model.live().find_map(|(_, o)| match &o.data {
            ObjData::IngressClass(ic) if o.name.as_deref() == Some(c) => {
                implementations::by_controller_string(ic.spec.as_ref()?.controller.as_deref()?)
            }
            _ => None,
        })
    });
    // The controller: the class's implementation, else the only controller in the input.
    let ctrl = model.controllers.iter().position(|c| match by_class {
        Some(p) => c.proxy.is_some_and(|cp| std::ptr::eq(cp, p)),
        None => model.controllers.len() == 1,
    });
    let front = ctrl.and_then(|ci| model.services.iter().position(|v| v.external && v.controller == Some(ci)));
    let Some(front) = front else {
        let what = match class {
            Some(c) => format!("the ingress controller of class `{c}` and its Service are not in the input"),
            None => "the Ingress names no class, and no single ingress controller is in the input".to_owned(),
        };
        let path = Path::unknown(
            what,
            "lint the controller's manifests together with the Ingress (or `kubectl get svc,deploy,ds,cm,ingressclass -A -o yaml`)".into(),
        );
        return (path, None, ctrl);
    };
    let mut path = views[front].path.clone();
    // The last hop: controller → this Ingress's backend Services.
    let mut names: Vec<String> = ing
        .spec
        .iter()
        .flat_map(|s| {
            let rules =
                s.rules.iter().flatten().flat_map(|r| r.http.iter().flat_map(|h| h.paths.iter()).map(|p| &p.backend));
            s.default_backend
                .iter()
                .chain(rules)
                .filter_map(|b| b.service.as_ref().map(|s| s.name.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    names.sort();
    names.dedup();
    path.hops.push(Hop {
        kind: HopKind::Backends,
        from: "ingress controller".into(),
        to: if names.is_empty() { "backends".into() } else { format!("Service {} → pods", names.join(", ")) },
        does: "the controller proxies each request to the backend pods; the client address travels in X-Forwarded-For / X-Real-IP".into(),
        carries: path.carrier,
        places: vec![mark(obj.name_loc(), "the Ingress")],
        objects: vec![i],
    });
    (path, Some(front), ctrl)
}
