//! How the objects connect: Services to the workloads behind them, ingress controllers and their
//! settings, HPAs to their targets, and the nodes a workload may run on.
//!
//! Gateway API data planes enter the model as further `ServiceView`s with a
//! `Controller` attached: rules iterate `services` and `controllers` and never ask where a view
//! came from, so a new data-plane source needs no rule changes.

pub(crate) mod path;
pub(crate) mod routes;

use std::collections::{BTreeMap, HashMap};

use crate::annotations::ROLE;
use crate::diagnostic::Loc;
use crate::k8s::load::{Invalid, Loaded};
use crate::k8s::object::{ObjData, ObjId, Object, Place, Workload, selector_matches};
// Re-exported where rules and trace have always found it.
use crate::implementations::gateway_api::{self as gateway, GatewayCtx, ParamIssue, RenderedPods};
use crate::implementations::{self as proxies, IMPLEMENTATIONS, Implementation, IngressSupport, Lookup};
pub use crate::k8s::provenance::Setting;
use crate::k8s::provenance::unknown;
use crate::providers::{self, LbFacts, LbInput, LbPort};
use crate::yaml::PathSeg;

/// `externalTrafficPolicy` as the API server would leave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Cluster,
    Local,
    /// Not one of the two (reported by `external-traffic-policy-invalid-value`).
    Invalid,
}

/// An entry point whose traffic policy matters: a Service object, or the effective Service of a
/// Gateway. Every value carries the place that set it, or, for a default,
/// the place a user would write it, so rules label views alike whatever they came from.
#[derive(Debug, Clone)]
pub struct ServiceView {
    /// The object the entry point is: the Service, or the Gateway.
    pub obj: ObjId,
    /// How messages name it: `Service ns/name`, `the Service Istio creates for Gateway ns/name`.
    pub name: String,
    /// How a sentence about its type opens: `a LoadBalancer Service`, `the LoadBalancer Service
    /// Istio creates for Gateway ns/name`.
    pub what: String,
    /// What `obj` is (`Service`, `Gateway`), for labels on it.
    pub noun: &'static str,
    pub svc_type: String,
    /// Where `type` is written (or would be).
    pub type_at: Place,
    pub external: bool,
    pub policy: Policy,
    /// Where `externalTrafficPolicy` is written; when it is not: for a Service, what makes it
    /// external (the `type` value, or the `externalIPs` key); for a Gateway, where a user would
    /// write it.
    pub policy_at: Place,
    pub policy_written: bool,
    /// Whose default an unwritten policy is (`Istio's default`); `None` for the API default.
    pub policy_default_of: Option<String>,
    /// The annotations that reach the Service, each with the place of its key.
    pub annotations: BTreeMap<String, (String, Place)>,
    /// Backing workloads in the input.
    pub backends: Vec<ObjId>,
    /// Proxy pods its implementation renders (index into `Model::rendered`).
    pub rendered: Option<usize>,
    /// Index into `Model::controllers` when a backend is an ingress controller.
    pub controller: Option<usize>,
    pub lb: LbFacts,
    /// The data plane keeps the client's address whatever the policy (and why).
    pub keeps_client_ip: Option<String>,
    /// A CDN its `loadBalancerSourceRanges` admit alone (so every client comes through it), and
    /// where those ranges are written.
    pub behind_cdn: Option<(&'static crate::cdn::Cdn, Place)>,
    /// No field of the implementation's config sets the policy (and what it documents instead).
    pub policy_fixed: Option<gateway::FixedPolicy>,
    /// The policy reaches the rendered Service through an unchecked patch (the API server judges it).
    pub policy_patched: bool,
    /// The object of the input this Service was rendered from (a gateway kind of an
    /// implementation's own), which speaks for it.
    pub rendered_by: Option<ObjId>,
}

impl ServiceView {
    /// Where an annotation that reaches the Service is written (its key).
    pub fn annotation_at(&self, key: &str) -> Option<Place> {
        self.annotations.get(key).map(|(_, p)| *p)
    }
}

/// An ingress controller (or Gateway data plane) recognised in the input.
#[derive(Debug, Clone)]
pub struct Controller {
    pub proxy: Option<&'static Implementation>,
    /// The object that stands for it: its workload, or the Gateway whose data plane it is.
    pub obj: ObjId,
    /// Declared with `realip-lint.io/role: ingress-controller`.
    pub declared: bool,
    pub proxy_protocol: Setting<bool>,
    /// It accepts connections with and without a PROXY header.
    pub proxy_protocol_optional: bool,
    /// Objects besides its settings that also turn PROXY protocol on (an Istio EnvoyFilter).
    pub proxy_protocol_filters: Vec<Place>,
    pub trust: proxies::Trust,
    /// Its allow-lists and deny-lists of client addresses (besides Ingress annotations).
    pub allow_lists: Vec<proxies::AllowList>,
    /// Its rate limits (besides Ingress annotations), and what each counts requests by.
    pub rate_limits: Vec<proxies::RateLimit>,
    /// Where its header trust is set when the model does not read it.
    pub trust_unread: Option<&'static str>,
    /// A related label that shows which controller this is: the workload a Service selects, or
    /// the GatewayClass that names the implementation.
    pub link: (Loc, String),
    /// Where its client-IP settings are written, or would be.
    pub settings_at: Loc,
    /// How to set `externalTrafficPolicy: Local` in its install's terms.
    pub local_hint: String,
    /// In the same terms, what runs it as a DaemonSet (for when its pods are not spread).
    pub chart_daemon_set: &'static str,
    /// The Gateway listener whose own settings these are (a policy attached by `sectionName`);
    /// `None`: the whole data plane's.
    pub listener: Option<String>,
}

impl Controller {
    /// ` on listener `api``, for a listener's own settings; empty otherwise.
    pub fn on_listener(&self) -> String {
        self.listener.as_ref().map(|l| format!(" on listener `{l}`")).unwrap_or_default()
    }
}

/// Proxy pods a Gateway implementation renders from config (not objects of the input).
#[derive(Debug)]
pub struct Rendered {
    /// `the proxy Deployment Envoy Gateway creates for Gateway ns/name`.
    pub name: String,
    pub pods: RenderedPods,
}

/// A Gateway whose implementation is known, and what the model made of it.
#[derive(Debug)]
pub struct GatewayLink {
    pub gateway: ObjId,
    /// The GatewayClass in the input (`None`: one the implementation creates itself).
    pub class: Option<ObjId>,
    pub proxy: &'static Implementation,
    pub controller: Option<usize>,
    pub view: Option<usize>,
    pub issues: Vec<ParamIssue>,
    /// Listeners with client-IP settings of their own (a policy attached by `sectionName`):
    /// each name with its own controller and view (the data plane's, with those settings).
    pub listeners: Vec<(String, usize, Option<usize>)>,
    /// Policies the implementation does not apply to this Gateway (another claims the scope).
    pub ignored: Vec<crate::implementations::gateway_api::IgnoredPolicy>,
}

pub struct ModelOptions {
    pub nodes: Option<u32>,
    pub dataplane: crate::dataplane::Dataplane,
    pub cloud: Option<String>,
}

pub struct Model {
    pub objects: Vec<Object>,
    pub invalid: Vec<Invalid>,
    pub duplicates: Vec<(ObjId, ObjId)>,
    pub skipped: usize,
    pub services: Vec<ServiceView>,
    pub controllers: Vec<Controller>,
    /// Gateways whose implementation is known.
    pub gateways: Vec<GatewayLink>,
    /// What an implementation refuses in a GatewayClass no Gateway in the input uses.
    pub class_issues: Vec<ParamIssue>,
    /// Proxy pods rendered by Gateway implementations.
    pub rendered: Vec<Rendered>,
    /// Workload → the HPA that scales it.
    pub hpas: HashMap<ObjId, ObjId>,
    pub nodes_flag: Option<u32>,
    /// Checks skipped or weakened because the eligible node count is unknown (see
    /// [`Model::note_node_count_unknown`]); the run reads it after each rule.
    pub node_count_unknown: std::sync::atomic::AtomicU32,
    /// (kind, namespace, name) of every live object that can own pods.
    owners_present: std::collections::HashSet<(String, String, String)>,
    pub dataplane: crate::dataplane::Dataplane,
    pub cloud: Option<String>,
    /// The client-IP path through each Service view, in the order of `services`.
    pub view_paths: Vec<path::ViewPath>,
    /// Every entry point's client-IP path ([`super::path`]): what the trace shows.
    pub entries: Vec<path::EntryPath>,
}

/// The API server's `ExternallyAccessible`: LoadBalancer, NodePort, or ClusterIP (a missing type
/// included, headless included) with at least one `externalIPs` entry.
pub fn is_external(svc: &k8s_openapi::api::core::v1::Service) -> bool {
    let spec = svc.spec.as_ref();
    let ty = spec.and_then(|s| s.type_.as_deref()).unwrap_or("ClusterIP");
    match ty {
        "LoadBalancer" | "NodePort" => true,
        "ClusterIP" | "" => spec.and_then(|s| s.external_ips.as_ref()).is_some_and(|ips| !ips.is_empty()),
        _ => false,
    }
}

impl Model {
    /// A rule skipped or weakened a check because the eligible node count (E) is unknown: the
    /// run then tells the user how to give it (the `node-count-unknown` notice).
    pub fn note_node_count_unknown(&self) {
        self.node_count_unknown.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn build(loaded: Loaded, options: &ModelOptions, texts: &[&str]) -> Self {
        let Loaded { objects, invalid, duplicates, skipped } = loaded;
        let mut model = Model {
            objects,
            invalid,
            duplicates,
            skipped,
            services: Vec::new(),
            controllers: Vec::new(),
            gateways: Vec::new(),
            class_issues: Vec::new(),
            rendered: Vec::new(),
            hpas: HashMap::new(),
            nodes_flag: options.nodes,
            node_count_unknown: std::sync::atomic::AtomicU32::new(0),
            owners_present: std::collections::HashSet::new(),
            dataplane: options.dataplane,
            cloud: options.cloud.clone(),
            view_paths: Vec::new(),
            entries: Vec::new(),
        };
        model.owners_present = model
            .live()
            .filter(|(_, o)| o.workload().is_some() || matches!(o.kind.as_str(), "Job" | "CronJob"))
            .filter_map(|(_, o)| Some((o.kind.clone(), o.namespace.clone().unwrap_or_default(), o.name.clone()?)))
            .collect();
        model.link_hpas();
        model.find_controllers(texts);
        let (gateway_views, rendered_services) = model.link_gateways(texts);
        model.link_services(&rendered_services);
        model.add_gateway_views(gateway_views);
        model.view_paths = path::view_paths(&model);
        model.entries = path::entries(&model, &model.view_paths);
        model
    }

    /// The client-IP path through a Service view of this model.
    pub fn path(&self, view: &ServiceView) -> &path::ViewPath {
        let vi = self.services.iter().position(|v| std::ptr::eq(v, view)).expect("a view of this model");
        &self.view_paths[vi]
    }

    /// Was this object defined more than once in the run (so which copy is meant is a guess)?
    pub fn duplicated(&self, id: ObjId) -> bool {
        self.duplicates.iter().any(|&(later, earlier)| later == id || earlier == id)
    }

    /// Live objects: not replaced by a later definition.
    pub fn live(&self) -> impl Iterator<Item = (ObjId, &Object)> {
        self.objects.iter().enumerate().filter(|(_, o)| !o.shadowed)
    }

    pub fn workloads(&self) -> impl Iterator<Item = (ObjId, &Object, &Workload)> {
        self.live().filter_map(|(i, o)| o.workload().map(|w| (i, o, w)))
    }

    /// Is this ReplicaSet or Pod owned by a workload in the input (so counted through it)?
    pub fn owned_by_input(&self, obj: &Object, w: &Workload) -> bool {
        w.owners.iter().any(|(kind, name)| {
            self.owners_present.contains(&(kind.clone(), obj.namespace.clone().unwrap_or_default(), name.clone()))
        })
    }

    fn link_hpas(&mut self) {
        let mut links = HashMap::new();
        for (hi, h) in self.live() {
            let ObjData::Hpa(hpa) = &h.data else { continue };
            if let Some((wi, _)) = self.live().find(|(_, o)| {
                o.kind == hpa.target_kind
                    && o.name.as_deref() == Some(hpa.target_name.as_str())
                    && o.namespace == h.namespace
                    && o.workload().is_some()
            }) {
                links.insert(wi, hi);
            }
        }
        self.hpas = links;
    }

    fn find_controllers(&mut self, texts: &[&str]) {
        // IngressClass controller strings name implementations; a workload whose flags carry one
        // of them is that implementation's controller.
        let class_strings: Vec<String> = self
            .live()
            .filter_map(|(_, o)| match &o.data {
                ObjData::IngressClass(ic) => ic.spec.as_ref()?.controller.clone(),
                _ => None,
            })
            .collect();
        let mut found = Vec::new();
        for (i, o, w) in self.workloads() {
            if self.owned_by_input(o, w) {
                continue;
            }
            let declared = o.annotation(ROLE) == Some("ingress-controller")
                || w.pod_annotations.get(ROLE).map(String::as_str) == Some("ingress-controller");
            let by_class = proxies::flags(w).filter_map(|(_, _, _, v)| v).find_map(|v| {
                class_strings.iter().find(|c| c.as_str() == v).and_then(|c| proxies::by_controller_string(c))
            });
            let proxy =
                IMPLEMENTATIONS.iter().copied().find(|p| p.ingress.is_some_and(|i| (i.recognise)(o, w))).or(by_class);
            if proxy.is_some() || declared {
                found.push((i, proxy, declared));
            }
        }
        let lookup = Lookup { objects: &self.objects, texts };
        self.controllers = found
            .into_iter()
            .map(|(workload, proxy, declared)| {
                let w = &self.objects[workload];
                let name = proxy.map_or("the ingress controller", |p| p.name);
                // An implementation found by its IngressClass string only, with no ingress half,
                // has the ingress defaults.
                let ingress = proxy.map(|p| p.ingress.unwrap_or(&IngressSupport::DEFAULT));
                let filters = ingress.map(|i| (i.proxy_protocol_filters)(&lookup, workload)).unwrap_or_default();
                let mut proxy_protocol = ingress.map_or_else(
                    || unknown("the controller is declared, not recognised"),
                    |i| (i.proxy_protocol)(&lookup, workload),
                );
                // A filter that inserts the PROXY listener filter makes the proxy expect PROXY
                // headers whatever its own setting says.
                if let Some(at) = filters.first().filter(|_| !proxy_protocol.as_ref().is_ok_and(|s| s.value)) {
                    proxy_protocol = Ok(crate::k8s::provenance::Sourced::written(true, *at));
                }
                Controller {
                    proxy,
                    obj: workload,
                    declared,
                    proxy_protocol,
                    proxy_protocol_filters: filters,
                    proxy_protocol_optional: ingress.is_some_and(|i| i.proxy_protocol_optional),
                    trust: ingress.map(|i| (i.trust)(&lookup, workload)).unwrap_or_default(),
                    allow_lists: ingress.map(|i| (i.allow_lists)(&lookup, workload)).unwrap_or_default(),
                    rate_limits: ingress.map(|i| (i.rate_limits)(&lookup, workload)).unwrap_or_default(),
                    trust_unread: ingress.and_then(|i| i.trust_unread),
                    link: (w.name_loc(), format!("the Service selects this {} ({name})", w.kind)),
                    settings_at: w.name_loc(),
                    local_hint: ingress.map(|i| i.local_hint.to_owned()).unwrap_or_default(),
                    chart_daemon_set: ingress.map_or("", |i| i.chart_daemon_set),
                    listener: None,
                }
            })
            .collect();
    }

    /// Each Gateway with a known implementation: a Controller for its data plane and, where the
    /// input settles it, a view of its effective Service (added after the Service views) and
    /// its rendered proxy pods. Returns the views, and the Services of the input that are a
    /// Gateway's own (labelled with its name), which stand for it instead of a derived view.
    fn link_gateways(&mut self, texts: &[&str]) -> (Vec<ServiceView>, Vec<(ObjId, usize)>) {
        let lookup = Lookup { objects: &self.objects, texts };
        let mut views = Vec::new();
        let mut as_applied = Vec::new();
        let mut links = Vec::new();
        let mut controllers = Vec::new();
        let mut rendered = Vec::new();
        // Gateways that share one data plane (Envoy Gateway's `mergeGateways`): key → link.
        let mut shared: HashMap<String, (Option<usize>, Option<usize>)> = HashMap::new();
        let base = self.controllers.len();
        let gws: Vec<ObjId> = self.live().filter(|(_, o)| gateway::is_gateway(o)).map(|(i, _)| i).collect();
        for gi in gws {
            let gw = &self.objects[gi];
            // A gateway kind of an implementation's own names its implementation, with no class.
            let own = gateway::own_gateway_of(gw);
            let class_name = gw.str_at(&gateway::keys(&["spec", "gatewayClassName"])).unwrap_or_default();
            let class = self
                .live()
                .find(|(_, o)| {
                    own.is_none()
                        && o.kind == "GatewayClass"
                        && o.group() == gateway::GROUP
                        && o.name.as_deref() == Some(&class_name)
                })
                .map(|(i, _)| i);
            let proxy = match class {
                _ if own.is_some() => own,
                Some(c) => self.objects[c]
                    .str_at(&gateway::keys(&["spec", "controllerName"]))
                    .and_then(|s| proxies::by_controller_string(&s)),
                None => IMPLEMENTATIONS
                    .iter()
                    .copied()
                    .find(|p| p.gateway.is_some_and(|g| g.builtin_classes.contains(&class_name.as_str()))),
            };
            let Some(proxy) = proxy else { continue };
            let Some(support) = proxy.gateway else { continue };
            let mut link = GatewayLink {
                gateway: gi,
                class,
                proxy,
                controller: None,
                view: None,
                issues: Vec::new(),
                listeners: Vec::new(),
                ignored: Vec::new(),
            };
            let Some(derive) = support.data_plane else {
                // Served by the implementation's own workload and Service in the input.
                link.controller = self.controllers.iter().position(|c| c.proxy.is_some_and(|p| std::ptr::eq(p, proxy)));
                links.push(link);
                continue;
            };
            let ctx = GatewayCtx { lookup: &lookup, gateway: gi, class, proxy };
            link.ignored = (support.ignored_policies)(&ctx);
            let Some(dp) = derive(&ctx) else {
                links.push(link);
                continue;
            };
            link.issues = dp.issues;
            if let Some(key) = &dp.shared
                && let Some(&(c, v)) = shared.get(key)
            {
                link.controller = c;
                link.view = v;
                links.push(link);
                continue;
            }
            let ci = base + controllers.len();
            let class_at = match class {
                _ if own.is_some() => ctx.place(gi, &["kind"]),
                Some(c) => ctx.place(c, &["spec", "controllerName"]),
                None => ctx.class_at(),
            };
            controllers.push(Controller {
                proxy: Some(proxy),
                obj: gi,
                declared: false,
                proxy_protocol: dp.proxy_protocol,
                proxy_protocol_optional: dp.proxy_protocol_optional,
                proxy_protocol_filters: Vec::new(),
                trust: dp.trust,
                allow_lists: (support.allow_lists)(&ctx),
                rate_limits: (support.rate_limits)(&ctx),
                trust_unread: None,
                link: (
                    class_at.loc,
                    if own.is_some() {
                        format!("a `{}` {}: {} renders its data plane", gw.group(), gw.kind, support.creator)
                    } else if class.is_some() {
                        format!("GatewayClass `{class_name}` makes {} the Gateway's data plane", proxy.name)
                    } else {
                        format!("`{class_name}`: the GatewayClass {} creates itself", support.creator)
                    },
                ),
                settings_at: dp.settings_at.loc,
                local_hint: dp.local_hint,
                chart_daemon_set: "",
                listener: None,
            });
            link.controller = Some(ci);
            let own = self.gateway_service(gw);
            if let Some(si) = own {
                // The Service as applied is linted as a Service, with this data plane behind it.
                as_applied.push((si, ci));
            } else if let Some(svc) = dp.service {
                let of =
                    if dp.shared.is_some() { format!("the Gateways of class `{class_name}`") } else { gw.display() };
                let ri = dp.pods.map(|pods| {
                    let kind = match pods.kind {
                        crate::k8s::object::WorkloadKind::DaemonSet => "DaemonSet",
                        _ => "Deployment",
                    };
                    rendered.push(Rendered {
                        name: format!("the proxy {kind} {} creates for {of}", support.creator),
                        pods,
                    });
                    rendered.len() - 1
                });
                let vi = views.len();
                views.push(gateway_view(gi, &of, support.creator, svc, ri, ci, self));
                link.view = Some(vi);
            }
            // A listener with settings of its own: the same data plane, its own controller (and
            // view, so its path and the rules see those settings).
            for l in dp.listeners {
                let mut c = controllers[ci - base].clone();
                c.proxy_protocol = l.proxy_protocol;
                c.proxy_protocol_optional = l.proxy_protocol_optional;
                c.trust = l.trust;
                c.settings_at = l.settings_at.loc;
                c.listener = Some(l.name.clone());
                let lci = base + controllers.len();
                controllers.push(c);
                let lvi = link.view.map(|vi| {
                    let mut v = views[vi].clone();
                    v.controller = Some(lci);
                    views.push(v);
                    views.len() - 1
                });
                link.listeners.push((l.name, lci, lvi));
            }
            if let Some(key) = dp.shared {
                shared.insert(key, (link.controller, link.view));
            }
            links.push(link);
        }
        self.controllers.extend(controllers);
        self.rendered = rendered;
        let used: Vec<ObjId> = links.iter().filter_map(|l| l.class).collect();
        self.class_issues = IMPLEMENTATIONS
            .iter()
            .filter_map(|p| p.gateway)
            .flat_map(|g| (g.unused_class_issues)(&self.objects, &used))
            .collect();
        self.gateways = links;
        (views, as_applied)
    }

    /// A Service of the input labelled as a Gateway's own (GEP-1762's
    /// `gateway.networking.k8s.io/gateway-name`, or an implementation's `own_service_labels`).
    fn gateway_service(&self, gw: &Object) -> Option<ObjId> {
        self.live().find(|(_, o)| o.service().is_some() && gateway::is_own_service(o, gw)).map(|(i, _)| i)
    }

    fn add_gateway_views(&mut self, views: Vec<ServiceView>) {
        let offset = self.services.len();
        for link in &mut self.gateways {
            if let Some(v) = &mut link.view {
                *v += offset;
            }
            for (_, _, v) in &mut link.listeners {
                if let Some(v) = v {
                    *v += offset;
                }
            }
        }
        self.services.extend(views);
        // A Service an implementation renders from its own gateway kind carries that kind's name
        // and namespace (KubeSphere's router Service `kubesphere-router-<project>` in
        // `kubesphere-controls-system`): in a cluster dump its policy is fixed the same way, and
        // the Gateway's view speaks for it.
        let fixed: Vec<(Option<String>, Option<String>, gateway::FixedPolicy, ObjId)> = self
            .services
            .iter()
            .filter(|v| v.noun == "Gateway")
            .filter_map(|v| {
                let g = &self.objects[v.obj];
                Some((g.name.clone(), g.namespace.clone(), v.policy_fixed.clone()?, v.obj))
            })
            .collect();
        for v in self.services.iter_mut().filter(|v| v.noun == "Service" && v.policy_fixed.is_none()) {
            let o = &self.objects[v.obj];
            if let Some((.., f, g)) = fixed.iter().find(|(n, ns, ..)| *n == o.name && *ns == o.namespace) {
                v.policy_fixed = Some(f.clone());
                v.rendered_by = Some(*g);
            }
        }
    }

    fn link_services(&mut self, gateway_services: &[(ObjId, usize)]) {
        let mut views = Vec::new();
        for (si, o) in self.live() {
            let Some(svc) = o.service() else { continue };
            let spec = svc.spec.clone().unwrap_or_default();
            let ty = spec.type_.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| "ClusterIP".into());
            let etp = spec.external_traffic_policy.clone().filter(|p| !p.is_empty());
            let policy = match etp.as_deref() {
                None | Some("Cluster") => Policy::Cluster,
                Some("Local") => Policy::Local,
                Some(_) => Policy::Invalid,
            };
            let backends = self.backends(o, spec.selector.as_ref());
            let declared_ctrl = o.annotation(ROLE) == Some("ingress-controller");
            let controller = self.controllers.iter().position(|c| backends.contains(&c.obj));
            let controller = controller.or_else(|| {
                declared_ctrl.then(|| {
                    // A Service declared as a controller's: its first backend stands for it.
                    backends.first().and_then(|b| self.controllers.iter().position(|c| c.obj == *b))
                })?
            });
            let controller = controller.or_else(|| gateway_services.iter().find(|(s, _)| *s == si).map(|(_, c)| *c));
            let at = |path: &[PathSeg<'_>]| Place { loc: o.loc_at(path), obj: si };
            let ty_path = [PathSeg::Key("spec"), PathSeg::Key("type")];
            let policy_at = if etp.is_some() {
                at(&[PathSeg::Key("spec"), PathSeg::Key("externalTrafficPolicy")])
            } else if matches!(ty.as_str(), "LoadBalancer" | "NodePort") {
                at(&ty_path)
            } else {
                Place { loc: o.key_loc(&[PathSeg::Key("spec"), PathSeg::Key("externalIPs")]), obj: si }
            };
            let annotations = annotation_places(o, si);
            // A NodePort Service, or one another implementation takes (`loadBalancerClass`), has
            // no cloud load balancer: its provider annotations do nothing.
            let lb = if providers::cloud_load_balancer(&ty, spec.load_balancer_class.as_deref()) {
                let ports: Vec<LbPort> = spec
                    .ports
                    .iter()
                    .flatten()
                    .map(|p| LbPort {
                        port: p.port,
                        udp: p.protocol.as_deref().is_some_and(|pr| pr != "TCP"),
                        app_protocol: p.app_protocol.as_deref().map(str::to_ascii_lowercase),
                    })
                    .collect();
                let status_ip_mode_proxy = svc
                    .status
                    .as_ref()
                    .and_then(|st| st.load_balancer.as_ref()?.ingress.as_ref())
                    .is_some_and(|ing| ing.iter().any(|i| i.ip_mode.as_deref() == Some("Proxy")));
                LbFacts::of(&LbInput {
                    annotations: o.annotations.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
                    class: spec.load_balancer_class.as_deref(),
                    local: policy == Policy::Local,
                    cluster: policy == Policy::Cluster,
                    ports: &ports,
                    status_ip_mode_proxy,
                    cloud: self.cloud.as_deref(),
                    objects: &self.objects,
                })
            } else {
                LbFacts::default()
            };
            let behind_cdn = spec
                .load_balancer_source_ranges
                .as_deref()
                .and_then(|r| crate::cdn::fronting(r.iter().map(String::as_str)))
                .filter(|_| ty == "LoadBalancer")
                .map(|c| (c, at(&[PathSeg::Key("spec"), PathSeg::Key("loadBalancerSourceRanges")])));
            views.push(ServiceView {
                obj: si,
                name: o.display(),
                what: format!("a {ty} Service"),
                noun: "Service",
                type_at: at(&ty_path),
                svc_type: ty,
                external: is_external(svc),
                policy,
                policy_at,
                policy_written: etp.is_some(),
                policy_default_of: None,
                annotations,
                backends,
                rendered: None,
                controller,
                lb,
                keeps_client_ip: None,
                behind_cdn,
                policy_fixed: None,
                policy_patched: false,
                rendered_by: None,
            });
        }
        self.services = views;
    }

    /// Workloads in the Service's namespace whose pod labels the selector matches, each counted
    /// once (a ReplicaSet or Pod owned by a workload in the input is that workload's).
    fn backends(&self, svc: &Object, selector: Option<&BTreeMap<String, String>>) -> Vec<ObjId> {
        let Some(selector) = selector.filter(|s| !s.is_empty()) else { return Vec::new() };
        let sel = k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
            match_labels: Some(selector.clone()),
            match_expressions: None,
        };
        self.workloads()
            .filter(|(_, o, w)| {
                o.namespace == svc.namespace && selector_matches(&sel, &w.pod_labels) && !self.owned_by_input(o, w)
            })
            .map(|(i, _, _)| i)
            .collect()
    }

    /// The Service views a workload backs.
    pub fn services_of(&self, workload: ObjId) -> impl Iterator<Item = &ServiceView> {
        self.services.iter().filter(move |s| s.backends.contains(&workload))
    }

    pub fn hpa(&self, workload: ObjId) -> Option<(ObjId, &crate::k8s::object::Hpa)> {
        let hi = *self.hpas.get(&workload)?;
        match &self.objects[hi].data {
            ObjData::Hpa(h) => Some((hi, h)),
            _ => None,
        }
    }

    /// The proxy pods a Gateway implementation renders.
    pub fn rendered(&self, i: usize) -> &Rendered {
        &self.rendered[i]
    }

    pub fn node_objects(&self) -> impl Iterator<Item = (ObjId, &Object, &k8s_openapi::api::core::v1::Node)> {
        self.live().filter_map(|(i, o)| match &o.data {
            ObjData::Node(n) => Some((i, o, n.as_ref())),
            _ => None,
        })
    }
}

/// A Service's annotations, each with the place of its key.
fn annotation_places(o: &Object, id: ObjId) -> BTreeMap<String, (String, Place)> {
    o.annotations
        .iter()
        .map(|(k, v)| {
            let loc = o.key_loc(&[PathSeg::Key("metadata"), PathSeg::Key("annotations"), PathSeg::Key(k)]);
            (k.clone(), (v.clone(), Place { loc, obj: id }))
        })
        .collect()
}

/// The view of a Gateway's effective Service.
fn gateway_view(
    gi: ObjId,
    of: &str,
    implementation: &str,
    svc: gateway::ServiceSide,
    rendered: Option<usize>,
    controller: usize,
    model: &Model,
) -> ServiceView {
    let ty = svc.svc_type.value.clone();
    // Only a CDN's ranges admitted: it is the only way in.
    let behind_cdn = svc
        .source_ranges
        .as_ref()
        .filter(|_| ty == "LoadBalancer")
        .and_then(|(r, at)| Some((crate::cdn::fronting(r.iter().map(String::as_str))?, *at)));
    let policy = match svc.policy.value.as_str() {
        "" | "Cluster" => Policy::Cluster,
        "Local" => Policy::Local,
        _ => Policy::Invalid,
    };
    let annotations: BTreeMap<String, (String, Place)> =
        svc.annotations.into_iter().map(|(k, v, p)| (k, (v, p))).collect();
    let lb = if providers::cloud_load_balancer(&ty, None) {
        LbFacts::of(&LbInput {
            annotations: annotations.iter().map(|(k, (v, _))| (k.as_str(), v.as_str())).collect(),
            class: None,
            local: policy == Policy::Local,
            cluster: policy == Policy::Cluster,
            ports: &[],
            status_ip_mode_proxy: false,
            cloud: model.cloud.as_deref(),
            objects: &model.objects,
        })
    } else {
        LbFacts::default()
    };
    ServiceView {
        obj: gi,
        name: format!("the Service {implementation} creates for {of}"),
        what: format!("the {ty} Service {implementation} creates for {of}"),
        noun: gateway::gateway_noun(&model.objects[gi]),
        external: matches!(ty.as_str(), "LoadBalancer" | "NodePort"),
        svc_type: ty,
        type_at: svc.svc_type.place(),
        policy,
        policy_at: svc.policy.place(),
        policy_written: !svc.policy.is_default(),
        policy_default_of: svc.policy.whose().map(str::to_owned),
        annotations,
        backends: Vec::new(),
        rendered,
        controller: Some(controller),
        lb,
        keeps_client_ip: svc.keeps_client_ip,
        behind_cdn,
        policy_fixed: svc.policy_fixed,
        policy_patched: svc.policy_patched,
        rendered_by: None,
    }
}
