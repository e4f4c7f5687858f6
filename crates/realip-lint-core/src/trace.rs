//! `trace`: for every way into the cluster, the hops from the client to the pods, what carries
//! the client address after each hop, and a verdict. Built on the same model as the rules, and
//! linked to the diagnostics they report, so the two cannot disagree.

use serde::Serialize;

use crate::diagnostic::{Loc, ObjectRef, Report, Severity};
use crate::k8s::model::GatewayLink;
use crate::k8s::model::{Model, Policy, ServiceView, Setting};
use crate::k8s::object::{ObjData, ObjId};
use crate::k8s::proxies;
use crate::providers::{self, DefaultLb};
use crate::rules::policy_loc;
use crate::source::{LineIndex, Position, Source};
use crate::yaml::PathSeg;

/// What carries the client address from a hop on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub file: String,
    pub start: Position,
    pub end: Position,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    pub rule: &'static str,
    pub severity: Severity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    pub from: String,
    pub to: String,
    /// What this hop does to the client address.
    pub does: String,
    pub carries: Carrier,
    pub places: Vec<Place>,
    /// Rules that fire on the objects of this hop.
    pub rules: Vec<RuleRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictKind {
    Preserved,
    PreservedInHeader,
    Lost,
    Forgeable,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub kind: VerdictKind,
    pub detail: String,
    /// For `preserved-in-header`: which header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// For `lost` and `forgeable`: where.
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    pub at: Option<Place>,
    /// For `unknown`: the fact that is missing, and what would settle it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settle: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// `Service`, `Ingress` or `Gateway` (one entry per listener).
    pub kind: String,
    pub object: Option<ObjectRef>,
    /// For a Gateway: the listener (`http`, HTTP port 80).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listener: Option<String>,
    pub file: String,
    pub start: Position,
    pub end: Position,
    pub hops: Vec<Hop>,
    pub verdict: Verdict,
    pub assumptions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceReport {
    pub version: u32,
    pub entries: Vec<Entry>,
}

impl TraceReport {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Trace every entry point of these sources.
pub fn trace(sources: &[Source], options: &crate::Options) -> TraceReport {
    let loaded = crate::k8s::load::load(sources, crate::namespace(options), &options.limits);
    let indexes: Vec<LineIndex> = sources.iter().map(|s| LineIndex::new(&s.text)).collect();
    let mut out = TraceReport { version: 1, entries: Vec::new() };
    // Each world on its own, as the rules see it (`k8s::worlds`).
    for model in crate::build_models(sources, loaded, options) {
        let report = crate::run_rules(sources, std::slice::from_ref(&model), options);
        let tracer =
            Tracer { sources, model: &model, report: &report, indexes: &indexes, cloud: options.cloud.as_deref() };
        out.entries.extend(tracer.run().entries);
    }
    out
}

struct Tracer<'a> {
    sources: &'a [Source],
    model: &'a Model,
    report: &'a Report,
    indexes: &'a [LineIndex],
    cloud: Option<&'a str>,
}

/// The rules that speak about each hop.
const NODE_RULES: &[&str] = &[
    "ingress-controller-cluster-policy",
    "external-service-cluster-policy",
    "nodeport-local-without-health-checks",
    "session-affinity-after-snat",
    "external-traffic-policy-invalid-value",
];
const LB_RULES: &[&str] = &["proxy-protocol-mismatch", "removed-api-version"];
const CONTROLLER_RULES: &[&str] = &[
    "proxy-protocol-mismatch",
    "forwarded-headers-trust-all",
    "forwarded-headers-behind-l4",
    "forwarded-trust-cidr-invalid",
];
const POD_RULES: &[&str] = &[
    "local-policy-without-spread",
    "local-policy-single-endpoint",
    "hard-anti-affinity-replicas-exceed-nodes",
    "rollout-deadlock-one-per-node",
    "soft-spread-only",
    "spread-topology-not-hostname",
    "spread-selector-mismatch",
];

struct Path {
    hops: Vec<Hop>,
    carrier: Carrier,
    at: Option<Place>,
    missing: Option<(String, String)>,
    assumptions: Vec<String>,
}

impl Tracer<'_> {
    fn place(&self, loc: Loc, label: impl Into<String>) -> Place {
        let text = &self.sources[loc.file].text;
        let idx = &self.indexes[loc.file];
        Place {
            file: self.sources[loc.file].name.clone(),
            start: idx.position(text, loc.span.start),
            end: idx.position(text, loc.span.end),
            label: label.into(),
        }
    }

    fn rules_on(&self, objects: &[ObjId], names: &[&str]) -> Vec<RuleRef> {
        let refs: Vec<ObjectRef> = objects.iter().filter_map(|o| self.model.objects[*o].reference()).collect();
        let mut out: Vec<RuleRef> = self
            .report
            .diagnostics
            .iter()
            .filter(|d| names.contains(&d.rule) && d.object.as_ref().is_some_and(|o| refs.contains(o)))
            .map(|d| RuleRef { rule: d.rule, severity: d.severity })
            .collect();
        out.sort_by(|a, b| a.rule.cmp(b.rule));
        out.dedup();
        out
    }

    fn run(&self) -> TraceReport {
        let mut entries = Vec::new();
        let gateway_views: Vec<usize> = self.model.gateways.iter().filter_map(|g| g.view).collect();
        for (vi, view) in self.model.services.iter().enumerate() {
            if !view.external || gateway_views.contains(&vi) {
                continue;
            }
            let path = self.service_path(view);
            let svc = &self.model.objects[view.obj];
            entries.push(self.entry("Service", view.obj, svc.name_loc(), path));
        }
        for link in &self.model.gateways {
            entries.extend(self.gateway_entries(link));
        }
        for (i, obj) in self.model.live() {
            if let ObjData::Ingress(ing) = &obj.data {
                let path = self.ingress_path(i, ing);
                entries.push(self.entry("Ingress", i, obj.name_loc(), path));
            }
        }
        TraceReport { version: 1, entries }
    }

    fn entry(&self, kind: &str, obj: ObjId, loc: Loc, path: Path) -> Entry {
        let p = self.place(loc, kind);
        let verdict = verdict(&path);
        Entry {
            kind: kind.to_owned(),
            object: self.model.objects[obj].reference(),
            listener: None,
            file: p.file,
            start: p.start,
            end: p.end,
            hops: path.hops,
            verdict,
            assumptions: path.assumptions,
        }
    }

    /// From the client through a Service (and the controller behind it, if any) to the pods.
    fn service_path(&self, view: &ServiceView) -> Path {
        let model = self.model;
        let mut path =
            Path { hops: Vec::new(), carrier: Carrier::TcpSource, at: None, missing: None, assumptions: Vec::new() };
        let type_loc = view.type_at.loc;
        let ann = |key: &str| view.annotation_at(key).map_or(type_loc, |p| p.loc);
        // The objects that hold this Service's settings (for a Gateway: the Gateway, its config
        // object, its class), where the rules report what they find.
        let mut svc_objects = vec![view.obj, view.type_at.obj, view.policy_at.obj];
        svc_objects.extend(view.annotations.values().map(|(_, p)| p.obj));
        svc_objects.sort_unstable();
        svc_objects.dedup();
        // Client → load balancer (or straight to a node).
        let mut skip_node = false;
        if view.svc_type == "LoadBalancer" {
            let (does, carrier, loc) = if let Some(a) = view.lb.direct_to_pod {
                skip_node = true;
                if view.lb.sends_proxy.is_some() {
                    (
                        "targets pod IPs directly and sends a PROXY protocol header".to_owned(),
                        Carrier::ProxyHeader,
                        ann(a),
                    )
                } else if view.lb.pod_targets_keep_source {
                    (
                        "targets pod IPs directly, keeping the client's source address".to_owned(),
                        Carrier::TcpSource,
                        ann(a),
                    )
                } else {
                    ("targets pod IPs directly; IP targets do not keep the client address unless `preserve_client_ip.enabled=true` or PROXY protocol".to_owned(), Carrier::Lost, ann(a))
                }
            } else if let Some(a) = view.lb.sends_proxy {
                (format!("sends a PROXY protocol header with the client address (`{a}`)"), Carrier::ProxyHeader, ann(a))
            } else if let Some(a) = view.lb.adds_xff {
                (format!("is an L7 load balancer and adds X-Forwarded-For (`{a}`)"), Carrier::Header, ann(a))
            } else if let Some((a, what)) = view.lb.passthrough {
                (format!("passes the connection through: {what} (`{a}`)"), Carrier::TcpSource, ann(a))
            } else if let Some((cloud, DefaultLb::Proxies(why))) = self.cloud.map(|c| (c, providers::default_lb(c))) {
                (
                    format!("proxies the connection (`cloud: {cloud}`: {why}): the source becomes the load balancer"),
                    Carrier::Lost,
                    type_loc,
                )
            } else {
                path.assumptions.push(
                    "a LoadBalancer without provider annotations passes the client's address through (as the default load balancers of GKE, AKS, DigitalOcean and MetalLB do); set `cloud:` in .realip-lint.yaml if yours proxies connections (AWS classic ELB, Linode, Hetzner)".into(),
                );
                (
                    "passes the connection through (assumed: no provider annotation says otherwise)".to_owned(),
                    Carrier::TcpSource,
                    type_loc,
                )
            };
            if carrier == Carrier::Lost {
                path.at = Some(self.place(loc, "the client address is lost here"));
            }
            path.carrier = carrier.clone();
            path.hops.push(Hop {
                from: "client".into(),
                to: "load balancer".into(),
                does,
                carries: carrier,
                places: vec![self.place(loc, "the load balancer")],
                rules: self.rules_on(&svc_objects, LB_RULES),
            });
        }
        // Load balancer (or client) → node → kube-proxy.
        if !skip_node {
            let ploc = policy_loc(model, view);
            let from = if view.svc_type == "LoadBalancer" { "load balancer" } else { "client" };
            let how = match view.svc_type.as_str() {
                "LoadBalancer" | "NodePort" => "a node port",
                _ => "an external IP",
            };
            let (does, carrier) = match (&path.carrier, view.policy) {
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
                    path.at = Some(self.place(ploc, "SNAT to the node IP"));
                    (
                        format!(
                            "enters through {how}; with `Cluster` policy kube-proxy SNATs the connection to the node's IP"
                        ),
                        Carrier::Lost,
                    )
                }
                (c @ (Carrier::ProxyHeader | Carrier::Header), _) => {
                    ("kube-proxy forwards it; SNAT does not touch the client address in the header".into(), c.clone())
                }
                (c, _) => ("kube-proxy forwards it".into(), c.clone()),
            };
            path.carrier = carrier.clone();
            path.hops.push(Hop {
                from: from.into(),
                to: "node (kube-proxy)".into(),
                does,
                carries: carrier,
                places: vec![self.place(ploc, "traffic policy")],
                rules: self.rules_on(&svc_objects, NODE_RULES),
            });
        }
        // Node → ingress controller.
        if let Some(ci) = view.controller {
            self.controller_hop(ci, &mut path);
        }
        // → pods.
        let to = match view.backends.as_slice() {
            _ if view.controller.is_some() => "the pods behind the Ingresses (or routes) it serves".to_owned(),
            [] => "pods (no workload in the input matches the selector)".to_owned(),
            [one] => format!("pods of {}", model.objects[*one].display()),
            many => format!("pods of {} workloads", many.len()),
        };
        let places = if view.controller.is_some() {
            Vec::new()
        } else {
            view.backends.iter().map(|b| self.place(model.objects[*b].name_loc(), "backing workload")).collect()
        };
        let from = if view.controller.is_some() { "ingress controller" } else { "node (kube-proxy)" };
        path.hops.push(Hop {
            from: from.into(),
            to,
            does: if view.controller.is_some() {
                "the controller proxies each request to the backend Service's pods; the client address travels in X-Forwarded-For / X-Real-IP".into()
            } else {
                "delivered to a pod".into()
            },
            carries: path.carrier.clone(),
            places,
            rules: if view.controller.is_some() {
                view.rendered.map_or_else(Vec::new, |r| {
                    self.rules_on(&[model.rendered(r).pods.count.at.obj], POD_RULES)
                })
            } else {
                self.rules_on(&view.backends, POD_RULES)
            },
        });
        path
    }

    fn controller_hop(&self, ci: usize, path: &mut Path) {
        let model = self.model;
        let ctrl = &model.controllers[ci];
        let name = ctrl.proxy.map_or("the ingress controller", |p| p.name);
        let w = &model.objects[ctrl.obj];
        let mut places = vec![self.place(w.name_loc(), name)];
        let mut objects = vec![ctrl.obj];
        let header = ctrl.trust.header.as_ref();
        if let Some(h) = header {
            places.push(self.place(h.loc, format!("`{}`", h.setting)));
            objects.push(h.obj);
        }
        if let Setting::Set(_, loc, o) = &ctrl.proxy_protocol {
            places.push(self.place(*loc, "PROXY protocol setting"));
            objects.push(*o);
        }
        let optional = ctrl.proxy_protocol_optional;
        let anyone = header.and_then(|h| h.from_anyone.as_ref().map(|why| (h, why)));
        let (does, carrier) = match (&path.carrier, &ctrl.proxy_protocol) {
            (Carrier::ProxyHeader, Setting::Set(true, ..) | Setting::Default(true, _)) => (
                format!("{name} reads the PROXY header and writes the client into X-Forwarded-For / X-Real-IP"),
                Carrier::Header,
            ),
            (Carrier::ProxyHeader, Setting::Unknown(why)) => {
                path.missing = Some((
                    format!("whether {name} expects PROXY headers: {why}"),
                    "add the controller's configuration to the input".into(),
                ));
                (format!("{name} may or may not expect the PROXY header"), Carrier::Unknown)
            }
            (Carrier::ProxyHeader, _) => {
                path.at = Some(self.place(ctrl.settings_at, "does not expect PROXY headers"));
                (format!("{name} does not expect PROXY headers: requests fail"), Carrier::Lost)
            }
            (Carrier::TcpSource | Carrier::Header, _) if anyone.is_some() => {
                let (h, why) = anyone.unwrap_or_else(|| unreachable!());
                path.at = Some(self.place(h.anyone_loc.unwrap_or(h.loc), "trusts client-written headers"));
                (format!("{name} takes the client address from a header anyone can write ({why})"), Carrier::Forgeable)
            }
            (Carrier::TcpSource, _) if header.is_some_and(|h| h.positional) => {
                let h = header.unwrap_or_else(|| unreachable!());
                path.at = Some(self.place(h.loc, "trusts an X-Forwarded-For entry by its position"));
                (
                    format!(
                        "{name} takes the client address from X-Forwarded-For by hop count (`{}`), and nothing in front appends to it: the client wrote it",
                        h.setting
                    ),
                    Carrier::Forgeable,
                )
            }
            (Carrier::TcpSource, Setting::Set(true, loc, _)) if !optional => {
                path.at = Some(self.place(*loc, "expects PROXY headers nobody sends"));
                (format!("{name} expects PROXY headers that nothing sends: connections fail"), Carrier::Lost)
            }
            (Carrier::TcpSource, _) => (
                format!("{name} sees the client as the TCP source and writes it into X-Forwarded-For / X-Real-IP"),
                Carrier::Header,
            ),
            (Carrier::Header, _) if header.is_some() => (
                format!("{name} takes the client from X-Forwarded-For, trusting only the listed sources"),
                Carrier::Header,
            ),
            (Carrier::Header, _) => {
                path.at = Some(self.place(ctrl.settings_at, "does not trust the load balancer's X-Forwarded-For"));
                (
                    format!(
                        "{name} does not trust X-Forwarded-For, so it sees and forwards the load balancer's address"
                    ),
                    Carrier::Lost,
                )
            }
            (Carrier::Lost, _) => {
                (format!("{name} sees node addresses and forwards them in X-Forwarded-For"), Carrier::Lost)
            }
            (c, _) => (format!("{name} forwards the request"), c.clone()),
        };
        path.carrier = carrier.clone();
        path.hops.push(Hop {
            from: "node (kube-proxy)".into(),
            to: format!("{name} ({})", w.display()),
            does,
            carries: carrier,
            places,
            rules: self.rules_on(&objects, CONTROLLER_RULES),
        });
    }

    /// One entry per listener of a Gateway: through its data plane (the Service and proxy its
    /// implementation creates, or the implementation's own Service in the input) to the backends
    /// of the routes attached to it.
    fn gateway_entries(&self, link: &GatewayLink) -> Vec<Entry> {
        let model = self.model;
        let gw = &model.objects[link.gateway];
        let name = link.proxy.name;
        let front = link.view.map(|v| &model.services[v]).or_else(|| {
            let ci = link.controller?;
            model.services.iter().find(|v| v.external && v.controller == Some(ci))
        });
        let template = match front {
            Some(view) if view.external => {
                let mut path = self.service_path(view);
                let last = path.hops.pop();
                path.hops.push(Hop {
                    from: name.to_owned(),
                    to: "the backends of the routes attached to the listener".into(),
                    does: format!(
                        "{name} proxies each request to the route's backend pods; the client address travels in X-Forwarded-For / X-Real-IP"
                    ),
                    carries: path.carrier.clone(),
                    places: vec![self.place(gw.name_loc(), "the Gateway")],
                    rules: last.map(|h| h.rules).unwrap_or_default(),
                });
                path
            }
            Some(view) => Path {
                hops: Vec::new(),
                carrier: Carrier::Unknown,
                at: None,
                missing: Some((
                    format!("{} is a {} Service: no way in from outside the cluster", view.name, view.svc_type),
                    "a LoadBalancer or NodePort Service type in the implementation's config, or whatever fronts it"
                        .into(),
                )),
                assumptions: Vec::new(),
            },
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
                Path {
                    hops: Vec::new(),
                    carrier: Carrier::Unknown,
                    at: None,
                    missing: Some((missing, settle)),
                    assumptions: Vec::new(),
                }
            }
        };
        let listeners = gw
            .root
            .at(&[PathSeg::Key("spec"), PathSeg::Key("listeners")])
            .and_then(crate::yaml::Node::as_seq)
            .unwrap_or_default();
        let field = |n: &crate::yaml::Node, k: &str| n.get(k).and_then(crate::k8s::object::scalar_string);
        let mut out = Vec::new();
        for (i, l) in listeners.iter().enumerate() {
            let at =
                gw.loc_at(&[PathSeg::Key("spec"), PathSeg::Key("listeners"), PathSeg::Index(i), PathSeg::Key("name")]);
            let what = format!(
                "{} ({} port {})",
                field(l, "name").unwrap_or_default(),
                field(l, "protocol").unwrap_or_default(),
                field(l, "port").unwrap_or_default()
            );
            let path = Path {
                hops: template.hops.clone(),
                carrier: template.carrier.clone(),
                at: template.at.clone(),
                missing: template.missing.clone(),
                assumptions: template.assumptions.clone(),
            };
            let mut e = self.entry("Gateway", link.gateway, at, path);
            e.listener = Some(what);
            out.push(e);
        }
        out
    }

    /// From the client through the Ingress's controller (and its Service) to the backend pods.
    fn ingress_path(&self, i: ObjId, ing: &k8s_openapi::api::networking::v1::Ingress) -> Path {
        let model = self.model;
        let obj = &model.objects[i];
        let class = ing
            .spec
            .as_ref()
            .and_then(|s| s.ingress_class_name.as_deref())
            .or_else(|| obj.annotation("kubernetes.io/ingress.class"));
        let by_class = class.and_then(|c| {
            model.live().find_map(|(_, o)| match &o.data {
                ObjData::IngressClass(ic) if o.name.as_deref() == Some(c) => {
                    proxies::by_controller_string(ic.spec.as_ref()?.controller.as_deref()?)
                }
                _ => None,
            })
        });
        // The controller: the class's implementation, else the only controller in the input.
        let ctrl = model.controllers.iter().position(|c| match by_class {
            Some(p) => c.proxy.is_some_and(|cp| std::ptr::eq(cp, p)),
            None => model.controllers.len() == 1,
        });
        let front = ctrl.and_then(|ci| model.services.iter().find(|v| v.external && v.controller == Some(ci)));
        let Some(front) = front else {
            let what = match class {
                Some(c) => format!("the ingress controller of class `{c}` and its Service are not in the input"),
                None => "the Ingress names no class, and no single ingress controller is in the input".to_owned(),
            };
            return Path {
                hops: Vec::new(),
                carrier: Carrier::Unknown,
                at: None,
                missing: Some((what, "lint the controller's manifests together with the Ingress (or `kubectl get svc,deploy,ds,cm,ingressclass -A -o yaml`)".into())),
                assumptions: Vec::new(),
            };
        };
        let mut path = self.service_path(front);
        // The last hop becomes: controller → this Ingress's backend Services.
        path.hops.pop();
        let backends: Vec<String> = ing
            .spec
            .iter()
            .flat_map(|s| {
                let rules = s
                    .rules
                    .iter()
                    .flatten()
                    .flat_map(|r| r.http.iter().flat_map(|h| h.paths.iter()).map(|p| &p.backend));
                s.default_backend
                    .iter()
                    .chain(rules)
                    .filter_map(|b| b.service.as_ref().map(|s| s.name.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut names = backends.clone();
        names.sort();
        names.dedup();
        path.hops.push(Hop {
            from: "ingress controller".into(),
            to: if names.is_empty() { "backends".into() } else { format!("Service {} → pods", names.join(", ")) },
            does: "the controller proxies each request to the backend pods; the client address travels in X-Forwarded-For / X-Real-IP".into(),
            carries: path.carrier.clone(),
            places: vec![self.place(obj.name_loc(), "the Ingress")],
            rules: self.rules_on(&[i], &["allowlist-after-snat"]),
        });
        path
    }
}

fn verdict(path: &Path) -> Verdict {
    let base = Verdict {
        kind: VerdictKind::Unknown,
        detail: String::new(),
        header: None,
        at: None,
        missing: None,
        settle: None,
    };
    match &path.carrier {
        Carrier::TcpSource => Verdict {
            kind: VerdictKind::Preserved,
            detail: "the pods see the client's address as the TCP source".into(),
            ..base
        },
        Carrier::ProxyHeader => Verdict {
            kind: VerdictKind::PreservedInHeader,
            detail: "the pods receive the client's address in a PROXY protocol header (they must parse it)".into(),
            header: Some("PROXY protocol".into()),
            ..base
        },
        Carrier::Header => Verdict {
            kind: VerdictKind::PreservedInHeader,
            detail: "the pods receive the client's address in X-Forwarded-For / X-Real-IP".into(),
            header: Some("X-Forwarded-For".into()),
            ..base
        },
        Carrier::Lost => Verdict {
            kind: VerdictKind::Lost,
            detail: "the pods see a node or load balancer address, not the client's".into(),
            at: path.at.clone(),
            ..base
        },
        Carrier::Forgeable => Verdict {
            kind: VerdictKind::Forgeable,
            detail: "the client address comes from a header any client can write".into(),
            at: path.at.clone(),
            ..base
        },
        Carrier::Unknown => {
            let (missing, settle) = path.missing.clone().unwrap_or_default();
            Verdict {
                kind: VerdictKind::Unknown,
                detail: "a fact the verdict needs is not in the input".into(),
                missing: Some(missing),
                settle: Some(settle),
                ..base
            }
        }
    }
}
