//! Traefik: settings are entryPoint arguments.

use super::gateway_api::{AnnotationReach, GatewaySupport};
use super::{
    AllowList, COMMAS_OR_SPACES, Compares, HeaderTrust, Implementation, IngressSupport, Lookup, Trust, admits_anyone,
    arg_loc, controller_default, flags, images, label_is, list_entries,
};
use crate::k8s::object::{ObjId, Object, Place, Workload};
use crate::k8s::provenance::{Setting, Sourced, unknown};

pub static IMPLEMENTATION: Implementation = Implementation {
    name: "Traefik",
    ingress_class_controllers: &["traefik.io/ingress-controller"],
    gateway_controllers: &["traefik.io/gateway-controller"],
    ingress: Some(&INGRESS),
    gateway: Some(&GATEWAY),
    reads_rate_limits: true,
    ..Implementation::DEFAULT
};

static INGRESS: IngressSupport = IngressSupport {
    recognise,
    local_hint: "with the Traefik Helm chart: `service.spec.externalTrafficPolicy: Local`",
    chart_daemon_set: "`deployment.kind: DaemonSet`",
    proxy_protocol,
    // PROXY-enabled entryPoints accept connections with or without the header.
    proxy_protocol_optional: true,
    trust,
    allow_lists,
    rate_limits,
    ..IngressSupport::DEFAULT
};

/// Traefik provisions nothing per Gateway: the chart's one Service (its `service.spec`, so
/// `Cluster` unless set) serves every Gateway, and a listener's `port` must be an entryPoint's.
static GATEWAY: GatewaySupport = GatewaySupport {
    creator: "Traefik",
    annotations: AnnotationReach::Never,
    annotation_hint: "the Traefik chart's `service.annotations`",
    // Middlewares (v3 `traefik.io`, v2 `traefik.containo.us`) whose `ipAllowList` its routers run,
    // and the IngressRoutes that name them.
    config_kinds: &[
        ("traefik.io", "Middleware", "middlewares"),
        ("traefik.containo.us", "Middleware", "middlewares"),
        ("traefik.io", "IngressRoute", "ingressroutes"),
        ("traefik.containo.us", "IngressRoute", "ingressroutes"),
    ],
    ..GatewaySupport::DEFAULT
};

fn recognise(_: &Object, w: &Workload) -> bool {
    images(w).any(|i| i == "traefik" || i.ends_with("/traefik") || i.ends_with("library-traefik"))
        || label_is(w, "app.kubernetes.io/name", "traefik")
}

fn proxy_protocol(lookup: &Lookup<'_>, ctrl: ObjId) -> Setting<bool> {
    let obj = &lookup.objects[ctrl];
    let off = || Ok(controller_default(lookup, &IMPLEMENTATION, false, ctrl, None));
    let Some(w) = obj.workload() else { return off() };
    for (ci, ai, flag, _) in flags(w) {
        let lower = flag.to_ascii_lowercase();
        if lower.starts_with("--entrypoints.")
            && (lower.ends_with(".proxyprotocol.trustedips") || lower.ends_with(".proxyprotocol.insecure"))
        {
            return Ok(Sourced::written(true, Place { loc: arg_loc(obj, w, ci, ai), obj: ctrl }));
        }
        if lower == "--configfile" {
            return unknown("Traefik reads a static configuration file (`--configfile`)");
        }
    }
    off()
}

fn trust(lookup: &Lookup<'_>, ctrl: ObjId) -> Trust {
    let obj = &lookup.objects[ctrl];
    let Some(w) = obj.workload() else { return Trust::default() };
    let text = lookup.texts.get(obj.file).copied();
    let mut trust = Trust::default();
    for (ci, ai, flag, value) in flags(w) {
        let lower = flag.to_ascii_lowercase();
        if !lower.starts_with("--entrypoints.") {
            continue;
        }
        let loc = arg_loc(obj, w, ci, ai);
        if lower.ends_with(".proxyprotocol.insecure") && value.is_none_or(|v| v.eq_ignore_ascii_case("true")) {
            trust.proxy_from_anyone = Some(("`proxyProtocol.insecure` is on".into(), Place { loc, obj: ctrl }));
        } else if lower.ends_with(".forwardedheaders.insecure") && value.is_none_or(|v| v.eq_ignore_ascii_case("true"))
        {
            trust.header = Some(HeaderTrust {
                setting: flag.to_owned(),
                loc,
                obj: ctrl,
                from_anyone: Some("`forwardedHeaders.insecure` trusts X-Forwarded-* from every client".into()),
                anyone_loc: Some(loc),
                restrict_hint: "drop `forwardedHeaders.insecure` and list the load balancer's addresses in `forwardedHeaders.trustedIPs`",
                positional: false,
                depth: None,
                off_hint: None,
            });
        } else if lower.ends_with(".trustedips") {
            let setting = if lower.contains(".proxyprotocol.") {
                "proxyProtocol.trustedIPs"
            } else {
                "forwardedHeaders.trustedIPs"
            };
            let Some(v) = value else { continue };
            let at = text.and_then(|t| t.get(loc.span.range())).and_then(|raw| raw.find(v)).unwrap_or(0);
            let value_loc = crate::diagnostic::Loc {
                file: loc.file,
                span: crate::source::Span::new(loc.span.start + crate::source::to_u32(at), loc.span.end),
            };
            let entries = list_entries(ctrl, text, setting, v, value_loc, false, COMMAS_OR_SPACES);
            if let Some(e) = admits_anyone(&entries).filter(|_| setting == "proxyProtocol.trustedIPs") {
                trust.proxy_from_anyone = Some((
                    format!("`proxyProtocol.trustedIPs` includes `{}`", e.value),
                    Place { loc: e.loc, obj: e.obj },
                ));
            }
            if setting == "forwardedHeaders.trustedIPs" && trust.header.is_none() {
                trust.header = Some(HeaderTrust::listed(
                    flag.to_owned(),
                    loc,
                    ctrl,
                    "forwardedHeaders.trustedIPs",
                    &entries,
                    "list only the load balancer's addresses in `forwardedHeaders.trustedIPs`",
                ));
            }
            trust.entries.extend(entries);
        }
    }
    trust
}

/// The `sourceRange` of every `ipAllowList` (v3) or `ipWhiteList` (v2, deprecated in v2.11)
/// Middleware of the input: the routers of the one Traefik run them. Without `ipStrategy` (or
/// with depth 0 and no `excludedIPs`) it compares `RemoteAddr`, the TCP peer or the trusted
/// PROXY address; with `depth` N, the Nth X-Forwarded-For entry from the right as it reaches
/// the middleware (traefik `pkg/config/dynamic/middlewares.go` `IPStrategy.Get`); with
/// `excludedIPs`, the first entry from the right not in them.
fn allow_lists(lookup: &Lookup<'_>, _: ObjId) -> Vec<AllowList> {
    let mut out = Vec::new();
    for (i, m) in lookup.objects.iter().enumerate() {
        if m.shadowed || m.kind != "Middleware" || !matches!(m.group(), "traefik.io" | "traefik.containo.us") {
            continue;
        }
        for field in ["ipAllowList", "ipWhiteList"] {
            let Some(spec) = m.root.at(&super::gateway_api::keys(&["spec", field])) else { continue };
            if spec.get("sourceRange").is_none() {
                continue;
            }
            let at = m.key_loc(&super::gateway_api::keys(&["spec", field, "sourceRange"]));
            let compares = strategy_compares(m, i, &["spec", field]);
            out.push(AllowList {
                obj: i,
                at,
                what: format!("this Middleware's `{field}.sourceRange`"),
                compares,
                fix: FIX,
                routes: Vec::new(),
                runs_at: runs_at(lookup, i),
            });
        }
    }
    out
}

const FIX: &str = "behind an L4 load balancer, PROXY protocol (`entryPoints.<name>.proxyProtocol.trustedIPs` with the load balancer's addresses) or `externalTrafficPolicy: Local` makes `RemoteAddr` the client; behind an HTTP proxy or CDN, `ipStrategy.depth` equal to the number of proxies that append X-Forwarded-For, with only their addresses in `forwardedHeaders.trustedIPs`";

/// The address an `ipStrategy` under `base` picks. Without one (or with depth 0 and no
/// `excludedIPs`) `RemoteAddr`, the TCP peer or the trusted PROXY address; with `depth` N, the
/// Nth X-Forwarded-For entry from the right as it reaches the middleware (traefik
/// `pkg/config/dynamic/middlewares.go` `IPStrategy.Get`); with `excludedIPs`, the first entry
/// from the right not in them (`pkg/ip/strategy.go` `PoolStrategy`; the CRD: "scan the
/// X-Forwarded-For header and select the first IP not in the list"), read from the header like a
/// depth, so a client writes it wherever the header is kept from anyone.
fn strategy_compares(m: &Object, i: ObjId, base: &[&'static str]) -> Compares {
    let keys = super::gateway_api::keys;
    let path = |rest: &[&'static str]| keys(&[base, rest].concat());
    let strategy = m.root.at(&path(&["ipStrategy"]));
    let depth = strategy
        .and_then(|s| s.get("depth"))
        .and_then(crate::k8s::object::scalar_value)
        .and_then(|v| v.as_i64())
        .unwrap_or(0);
    if depth > 0 {
        Compares::XffDepth {
            setting: format!("ipStrategy.depth: {depth}"),
            at: Place { loc: m.loc_at(&path(&["ipStrategy", "depth"])), obj: i },
        }
    } else if strategy.and_then(|s| s.get("excludedIPs")).is_some() {
        Compares::XffDepth {
            setting: "ipStrategy.excludedIPs".to_owned(),
            at: Place { loc: m.key_loc(&path(&["ipStrategy", "excludedIPs"])), obj: i },
        }
    } else {
        Compares::Peer
    }
}

/// The `rateLimit` of every Middleware of the input, by its `sourceCriterion`: `ipStrategy`
/// (an address, as for an allow-list), `requestHeaderName` (a header's value) or `requestHost`
/// (the host, shared by every client); none set, the remote address ("If none are set, the
/// default is to use the request's remote address field (as an ipStrategy)",
/// `pkg/config/dynamic/middlewares.go` `SourceCriterion`).
fn rate_limits(lookup: &Lookup<'_>, _: ObjId) -> Vec<super::RateLimit> {
    use crate::k8s::object::scalar_string;
    let mut out = Vec::new();
    for (i, m) in lookup.objects.iter().enumerate() {
        if m.shadowed || m.kind != "Middleware" || !matches!(m.group(), "traefik.io" | "traefik.containo.us") {
            continue;
        }
        let keys = super::gateway_api::keys;
        let Some(rl) = m.root.at(&keys(&["spec", "rateLimit"])) else { continue };
        let criterion = rl.get("sourceCriterion");
        let header = criterion.and_then(|c| c.get("requestHeaderName")).and_then(scalar_string);
        let host = criterion.and_then(|c| c.get("requestHost")).and_then(scalar_string).as_deref() == Some("true");
        let compares = strategy_compares(m, i, &["spec", "rateLimit", "sourceCriterion"]);
        let (keyed, text) = match (&compares, header, host) {
            (Compares::XffDepth { setting, .. }, _, _) => {
                (super::Keyed::Client, format!("{} `rateLimit` per X-Forwarded-For entry (`{setting}`)", m.display()))
            }
            (_, Some(h), _) => (super::Keyed::Other, format!("{} `rateLimit` per `{h}` header value", m.display())),
            (_, _, true) => {
                (super::Keyed::Shared, format!("{} `rateLimit` per host, shared by every client", m.display()))
            }
            _ => (super::Keyed::Client, format!("{} `rateLimit` per client address (the remote address)", m.display())),
        };
        let check = AllowList {
            obj: i,
            at: m.key_loc(&keys(&["spec", "rateLimit"])),
            what: "this Middleware's `rateLimit`".to_owned(),
            compares,
            fix: FIX,
            routes: Vec::new(),
            runs_at: runs_at(lookup, i),
        };
        out.push(super::RateLimit { check, keyed, text });
    }
    out
}

/// Where a router of the input runs Middleware `mi`: an Ingress's
/// `traefik.ingress.kubernetes.io/router.middlewares` (`<namespace>-<name>@kubernetescrd`), an
/// IngressRoute route's `middlewares` (its own namespace unless given), or an HTTPRoute rule's
/// `ExtensionRef` filter (the route's namespace). Every Middleware of the input is still judged as
/// run by the Traefik of the input: a router elsewhere may name it.
fn runs_at(lookup: &Lookup<'_>, mi: ObjId) -> Option<(crate::diagnostic::Loc, String)> {
    use super::gateway_api::keys;
    use crate::k8s::object::scalar_string;
    use crate::yaml::{Node, PathSeg};
    let m = &lookup.objects[mi];
    let (ns, name) = (m.namespace.as_deref().unwrap_or("default"), m.name.as_deref()?);
    let provider_ref = format!("{ns}-{name}@kubernetescrd");
    let label = |o: &Object| format!("{} runs this Middleware", o.display());
    lookup.objects.iter().filter(|o| !o.shadowed).find_map(|o| {
        let own_ns = o.namespace.as_deref().unwrap_or("default");
        match (o.kind.as_str(), o.group()) {
            ("Ingress", "networking.k8s.io" | "extensions") => {
                const KEY: &str = "traefik.ingress.kubernetes.io/router.middlewares";
                let names = o.annotation(KEY)?;
                names.split(',').any(|n| n.trim() == provider_ref).then(|| {
                    let at = [PathSeg::Key("metadata"), PathSeg::Key("annotations"), PathSeg::Key(KEY)];
                    (o.loc_at(&at), label(o))
                })
            }
            ("IngressRoute", "traefik.io" | "traefik.containo.us") => {
                let routes = o.root.at(&keys(&["spec", "routes"])).and_then(Node::as_seq).unwrap_or_default();
                routes.iter().flat_map(|r| r.get("middlewares").and_then(Node::as_seq).unwrap_or_default()).find_map(
                    |mw| {
                        let names_it = mw.get("name").and_then(scalar_string).as_deref() == Some(name)
                            && mw.get("namespace").and_then(scalar_string).as_deref().unwrap_or(own_ns) == ns;
                        names_it.then(|| (o.loc(mw.get("name").map_or(mw.span, |n| n.span)), label(o)))
                    },
                )
            }
            ("HTTPRoute", super::gateway_api::GROUP) if own_ns == ns => {
                let rules = o.root.at(&keys(&["spec", "rules"])).and_then(Node::as_seq).unwrap_or_default();
                rules.iter().flat_map(|r| r.get("filters").and_then(Node::as_seq).unwrap_or_default()).find_map(|f| {
                    let e = f.get("extensionRef")?;
                    let names_it = e.get("kind").and_then(scalar_string).as_deref() == Some("Middleware")
                        && e.get("name").and_then(scalar_string).as_deref() == Some(name);
                    names_it.then(|| (o.loc(e.get("name").map_or(e.span, |n| n.span)), label(o)))
                })
            }
            _ => None,
        }
    })
}
