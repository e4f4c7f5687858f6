use super::declare_rule;
use crate::diagnostic::{Finding, Severity};
use crate::implementations::{AllowList, Compares, Keyed, RateLimit};
use crate::k8s::model::path::{Carrier, HopKind, Loss, Path};
use crate::k8s::model::{Controller, Model, ServiceView};

declare_rule! {
    /// ## What it does
    /// Checks each allow-list or deny-list of client addresses on the hop where it runs, and
    /// warns where the address it compares is not the client's: the load balancer's (it proxies
    /// the connection), a node's (kube-proxy SNAT under a `Cluster` policy) or a CDN's (the TCP
    /// peer is the CDN). It reads Envoy Gateway SecurityPolicy
    /// `spec.authorization.rules[].principal.clientCIDRs` (the client address after the
    /// ClientTrafficPolicy's `clientIPDetection`; without one, the TCP peer or PROXY address),
    /// whether it targets the Gateway or an HTTPRoute or GRPCRoute attached to it (as
    /// ingress2gateway writes `whitelist-source-range`),
    /// Istio AuthorizationPolicy `ipBlocks` (the connection's physical peer, which PROXY protocol
    /// does not change) and
    /// `remoteIpBlocks` on the gateways they select, Traefik Middleware `ipAllowList` (v3) and
    /// `ipWhiteList` (v2) `sourceRange` without `ipStrategy` (the TCP peer; the finding shows the
    /// Ingress, IngressRoute or HTTPRoute of the input that runs it), Contour HTTPProxy
    /// `ipAllowPolicy` and `ipDenyPolicy` (`source: Peer`, the physical peer; `source: Remote`,
    /// the address after PROXY and `num-trusted-hops`), and Ingress
    /// allow-list annotations such as `nginx.ingress.kubernetes.io/whitelist-source-range` (the
    /// address after the controller's real-IP settings). An Ingress annotation behind kube-proxy
    /// SNAT is left to `allowlist-after-snat`, which reports it at the annotation.
    ///
    /// Info instead of a warning where what sits in front is not in the manifests, or where the
    /// proxy's header trust is set somewhere the model does not read (Contour's configuration
    /// file): the finding says "may" and names the missing fact.
    ///
    /// ## Why is this bad?
    /// The list matches one address for every client: it admits everyone (if that address is
    /// listed) or no one. Read at each project's source: Envoy Gateway `clientCIDRs` match
    /// `source_ip`, the detected client (`api/v1alpha1/authorization_types.go`,
    /// `internal/xds/translator/authorization.go`); Istio `ipBlocks` are `direct_remote_ip`, "always the
    /// physical peer even if the remote_ip is inferred from for example the x-forwarder-for header,
    /// proxy protocol" (Envoy `config/rbac/v3/rbac.proto`), and `remoteIpBlocks` are `remote_ip`,
    /// the PROXY or X-Forwarded-For address (`pilot/pkg/security/authz/model/principal.go`);
    /// Traefik without `ipStrategy` compares `RemoteAddr` (`pkg/config/dynamic/middlewares.go`
    /// `IPStrategy.Get`); ingress-nginx `allow`/`deny` test `$remote_addr` after realip (`nginx.tmpl`).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: traefik.io/v1alpha1
    /// kind: Middleware
    /// spec:
    ///   ipAllowList:
    ///     sourceRange: [203.0.113.0/24]
    /// # Traefik's Service: type LoadBalancer, externalTrafficPolicy unset (Cluster)
    /// ```
    ///
    /// Use instead: carry the client to the hop that checks: `externalTrafficPolicy: Local` or
    /// PROXY protocol behind an L4 load balancer; behind an HTTP proxy or CDN, compare the
    /// X-Forwarded-For entry it appends (Traefik `ipStrategy.depth: 1` with the proxy in
    /// `forwardedHeaders.trustedIPs`, Istio `remoteIpBlocks` with `numTrustedProxies: 1`, Envoy
    /// Gateway `clientIPDetection.xForwardedFor.trustedCIDRs`).
    ///
    /// ## References
    /// - https://gateway.envoyproxy.io/docs/api/extension_types/#principal
    /// - https://istio.io/latest/docs/reference/config/security/authorization-policy/#Source
    /// - https://doc.traefik.io/traefik/middlewares/http/ipallowlist/
    /// - https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#whitelist-source-range
    "allowlist-wrong-hop",
    Warning,
    "an allow-list compares the load balancer's, a node's or a CDN's address, not the client's",
    check,
    category: ClientIp,
    hops: [Controller, Backends],
}

/// What an allow-list finds on a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    WrongHop,
    Forgeable,
}

/// What is judged: an allow-list (it admits or refuses an address) or a per-client rate limit
/// (it counts requests by an address). The same address, the same hop; the consequence differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Subject {
    AllowList,
    RateLimit,
}

impl Subject {
    /// `certain`: what sits in front is in the input; otherwise the message says "may".
    fn wrong(self, what: &str, whose: &str, why: &str, certain: bool) -> String {
        let may = if certain { "" } else { "may " };
        match self {
            Subject::AllowList => {
                let verb = if certain { "compares" } else { "compare" };
                format!("{what} {may}{verb} {whose}, not the client's: {why}")
            }
            Subject::RateLimit => {
                let verb = if certain { "keys" } else { "key" };
                format!("{what} {may}{verb} its limit on {whose}, not the client's, so clients share one limit: {why}")
            }
        }
    }

    fn forgeable(self, what: &str, how: &str) -> String {
        match self {
            Subject::AllowList => format!("{what} compares an address any client can choose: {how}"),
            Subject::RateLimit => format!(
                "{what} keys its limit on an address any client can choose, so a client escapes the limit by sending another: {how}"
            ),
        }
    }

    fn entry_label(self) -> &'static str {
        match self {
            Subject::AllowList => "the X-Forwarded-For entry it compares",
            Subject::RateLimit => "the X-Forwarded-For entry it keys on",
        }
    }

    fn unknown(self, what: &str, missing: &str) -> String {
        match self {
            Subject::AllowList => format!("{what} may not compare the client's address: {missing}"),
            Subject::RateLimit => format!("{what} may not key its limit on the client's address: {missing}"),
        }
    }
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    out.extend(
        judgements(model, Subject::AllowList).into_iter().filter(|(v, _)| *v == Verdict::WrongHop).map(|(_, f)| f),
    );
}

/// Every allow-list (or per-client rate limit) of the model judged on the path that reaches it:
/// the controllers' own (on the first external Service in front that gives a verdict), and the
/// Ingresses' annotations (on the Ingress's path).
pub(super) fn judgements(model: &Model, subject: Subject) -> Vec<(Verdict, Finding)> {
    let mut out = Vec::new();
    for (ci, ctrl) in model.controllers.iter().enumerate() {
        let checks: Vec<&AllowList> = match subject {
            Subject::AllowList => ctrl.allow_lists.iter().collect(),
            Subject::RateLimit => {
                ctrl.rate_limits.iter().filter(|r| r.keyed == Keyed::Client).map(|r| &r.check).collect()
            }
        };
        for al in checks {
            let found = model
                .services
                .iter()
                .filter(|v| v.external && v.controller == Some(ci))
                .find_map(|v| judge(al, &model.path(v).path, Some(ctrl), Some(v), false, subject));
            out.extend(found.map(|(v, f)| match &al.runs_at {
                Some((loc, label)) => (v, f.related(*loc, label.clone())),
                None => (v, f),
            }));
        }
    }
    for e in model.entries.iter().filter(|e| e.kind == "Ingress") {
        let obj = &model.objects[e.obj];
        let checks: Vec<AllowList> = match subject {
            Subject::AllowList => AllowList::of_ingress(obj, e.obj).into_iter().map(|(a, _)| a).collect(),
            Subject::RateLimit => RateLimit::of_ingress(obj, e.obj)
                .into_iter()
                .filter(|(r, _)| r.keyed == Keyed::Client)
                .map(|(r, _)| r.check)
                .collect(),
        };
        for al in &checks {
            // `allowlist-after-snat` reports Ingress allow-list annotations behind SNAT.
            out.extend(judge(al, &e.path, None, None, subject == Subject::AllowList, subject));
        }
    }
    out.sort_by_key(|(_, f)| (f.loc.file, f.loc.span.start));
    out.dedup_by(|a, b| a.1.loc == b.1.loc && a.1.message == b.1.message);
    out
}

fn judge(
    al: &AllowList,
    path: &Path,
    ctrl: Option<&Controller>,
    view: Option<&ServiceView>,
    snat_elsewhere: bool,
    subject: Subject,
) -> Option<(Verdict, Finding)> {
    let k = path.hops.iter().position(|h| h.kind == HopKind::Controller)?;
    let hop = &path.hops[k];
    let before = path.hops.get(k.checked_sub(1)?)?;
    let what = &al.what;
    let cause = path.at.as_ref();
    let unknown = || {
        let (missing, settle) = path.missing.clone()?;
        Some((
            Verdict::WrongHop,
            Finding::new(al.at, subject.unknown(what, &missing), format!("{settle}; {}", al.fix))
            .on(al.obj)
            .severity(Severity::Info),
        ))
    };
    let wrong = |whose: &str, why: String, at: Option<(crate::diagnostic::Loc, String)>, certain: bool| {
        let mut f = Finding::new(al.at, subject.wrong(what, whose, &why, certain), al.fix).on(al.obj);
        if let Some((loc, label)) = at {
            f = f.related(loc, label);
        }
        if !certain {
            f = f.severity(Severity::Info);
        }
        Some((Verdict::WrongHop, f))
    };
    let lost = || {
        let at = cause.map(|m| (m.loc, m.label.clone()));
        match path.loss? {
            Loss::Snat => wrong(
                "a node's address",
                "kube-proxy SNATs the connection to the node's IP under the `Cluster` policy".into(),
                at,
                true,
            ),
            // The proxy drops the connection: other rules speak.
            Loss::ProxyNotExpected | Loss::ProxyNotSent => None,
            // Where the proxy's header trust is set outside what is read, "it does not trust
            // X-Forwarded-For" is not certain (as `forwarded-headers-not-trusted` says).
            Loss::HeaderNotTrusted if let Some(unread) = ctrl.and_then(|c| c.trust_unread) => wrong(
                "the load balancer's address",
                format!("the load balancer carries the client in X-Forwarded-For, and whether the proxy trusts it is set in {unread}, which is not read"),
                at,
                false,
            ),
            Loss::HeaderNotTrusted => match view.and_then(|v| v.behind_cdn) {
                Some((cdn, _)) => wrong(
                    &format!("{}'s address", cdn.name),
                    format!("only {} reaches the load balancer, and it carries the client in X-Forwarded-For, which the proxy does not trust", cdn.name),
                    at,
                    true,
                ),
                None => wrong(
                    "the load balancer's address",
                    "the load balancer carries the client in X-Forwarded-For, which the proxy does not trust".into(),
                    at,
                    true,
                ),
            },
            Loss::LbProxy { certain } | Loss::IpTargets { certain, .. } => wrong(
                "the load balancer's address",
                "the load balancer opens its own connection to the proxy".into(),
                at,
                certain,
            ),
            Loss::CloudProxy | Loss::SourceDropped => wrong(
                "the load balancer's address",
                "the load balancer opens its own connection to the proxy".into(),
                at,
                true,
            ),
            Loss::TrustsAnyone | Loss::Positional | Loss::PositionalBehindProxy | Loss::DeeperThanFront => None,
        }
    };
    match &al.compares {
        // PROXY protocol carries the client, but the check reads the TCP connection's own peer.
        Compares::PhysicalPeer if before.carries == Carrier::ProxyHeader => {
            let lb = path.hops.iter().find(|h| h.kind == HopKind::LoadBalancer);
            let at = lb.and_then(|h| h.places.first()).map(|m| (m.loc, "sends PROXY: the client is in the header, not the TCP source".to_owned()));
            let header = "the PROXY header carries the client, and it matches the connection's physical peer, which PROXY protocol does not change";
            match view {
                Some(v) if v.lb.proxies.is_some() => wrong(
                    "the load balancer's address",
                    format!("the load balancer opens its own connection; {header}"),
                    at,
                    true,
                ),
                Some(v) if v.policy == crate::k8s::model::Policy::Cluster => wrong(
                    "a node's address",
                    format!("kube-proxy SNATs the connection to the node's IP under the `Cluster` policy; {header}"),
                    at,
                    true,
                ),
                _ => wrong(
                    "the load balancer's address",
                    format!("{header}: the client's only where the load balancer also keeps the client's source address"),
                    at,
                    false,
                ),
            }
        }
        Compares::Peer | Compares::PhysicalPeer => match before.carries {
            Carrier::Header => {
                if let Some((cdn, at)) = view.and_then(|v| v.behind_cdn) {
                    return wrong(
                        &format!("{}'s address", cdn.name),
                        format!("clients reach the load balancer only through {}, so the TCP peer is the CDN", cdn.name),
                        Some((at.loc, format!("only {}'s ranges reach the load balancer", cdn.name))),
                        true,
                    );
                }
                let lb = path.hops.iter().find(|h| h.kind == HopKind::LoadBalancer);
                wrong(
                    "the load balancer's address",
                    "an L7 load balancer proxies the connection and carries the client only in X-Forwarded-For".into(),
                    lb.and_then(|h| h.places.first()).map(|m| (m.loc, "an L7 load balancer: the TCP peer is its address".to_owned())),
                    true,
                )
            }
            Carrier::Lost => lost(),
            Carrier::Unknown => unknown(),
            _ => None,
        },
        Compares::Detected => match hop.carries {
            Carrier::Forgeable => {
                let at = cause?;
                Some((
                    Verdict::Forgeable,
                    Finding::new(al.at, subject.forgeable(what, &hop.does), al.fix)
                    .on(al.obj)
                    .related(at.loc, at.label.clone()),
                ))
            }
            // `allowlist-after-snat` reports Ingress annotations behind SNAT.
            Carrier::Lost if snat_elsewhere && path.loss == Some(Loss::Snat) => None,
            Carrier::Lost => lost(),
            Carrier::Unknown => unknown(),
            _ => None,
        },
        Compares::XffDepth { setting, at } => {
            let h = ctrl?.trust.header.as_ref()?;
            let why = h.from_anyone.as_ref()?;
            Some((
                Verdict::Forgeable,
                Finding::new(
                    al.at,
                    subject.forgeable(what, &format!("`{setting}` reads X-Forwarded-For, and {why}, so the entry it takes is one the client can write")),
                    al.fix,
                )
                .on(al.obj)
                .related(at.loc, subject.entry_label())
                .related(h.anyone_loc.unwrap_or(h.loc), "X-Forwarded-For is kept from any client here"),
            ))
        }
    }
}
