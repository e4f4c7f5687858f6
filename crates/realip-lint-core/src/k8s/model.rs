//! How the objects connect: Services to the workloads behind them, ingress controllers and their
//! settings, HPAs to their targets, and the nodes a workload may run on.
//!
//! Gateway API data planes (`domain.md` §3.10) enter the model as further `ServiceView`s with a
//! `Controller` attached: rules iterate `services` and `controllers` and never ask where a view
//! came from, so a new data-plane source needs no rule changes.

use std::collections::{BTreeMap, HashMap};

use super::lb::LbFacts;
use super::load::{Invalid, Loaded};
use super::object::{ObjData, ObjId, Object, Workload, selector_matches};
use super::proxies::{self, Lookup, Proxy};
use crate::diagnostic::Loc;
use crate::yaml::PathSeg;

/// A setting of a controller: written somewhere, defaulted, or not knowable from the input.
#[derive(Debug, Clone)]
pub enum Setting<T> {
    /// Written at this place, in this object.
    Set(T, Loc, ObjId),
    /// Not written: the implementation's default (with the config object read, if any).
    Default(T, Option<ObjId>),
    /// Lives where the input does not show (the reason says where).
    Unknown(String),
}

impl<T: Copy> Setting<T> {
    pub fn value(&self) -> Option<T> {
        match self {
            Setting::Set(v, ..) | Setting::Default(v, _) => Some(*v),
            Setting::Unknown(_) => None,
        }
    }
}

/// `externalTrafficPolicy` as the API server would leave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Cluster,
    Local,
    /// Not one of the two (reported by `external-traffic-policy-invalid-value`).
    Invalid,
}

/// An entry point whose traffic policy matters: a Service object (or, later, the effective
/// Service of a Gateway).
#[derive(Debug)]
pub struct ServiceView {
    /// The object that holds the labels.
    pub obj: ObjId,
    pub svc_type: String,
    pub external: bool,
    pub policy: Policy,
    /// Where `externalTrafficPolicy` is written, if it is.
    pub policy_path: Vec<PathSeg<'static>>,
    pub policy_written: bool,
    pub backends: Vec<ObjId>,
    /// Index into `Model::controllers` when a backend is an ingress controller.
    pub controller: Option<usize>,
    pub lb: LbFacts,
}

/// An ingress controller (or Gateway data plane) recognised in the input.
#[derive(Debug)]
pub struct Controller {
    pub proxy: Option<&'static Proxy>,
    pub workload: ObjId,
    /// Declared with `realip-lint.io/role: ingress-controller`.
    pub declared: bool,
    pub proxy_protocol: Setting<bool>,
    pub trust: proxies::Trust,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

pub struct ModelOptions {
    pub nodes: Option<u32>,
    pub dataplane: crate::config::Dataplane,
    pub cloud: Option<String>,
}

pub struct Model {
    pub objects: Vec<Object>,
    pub invalid: Vec<Invalid>,
    pub duplicates: Vec<(ObjId, ObjId)>,
    pub skipped: usize,
    pub services: Vec<ServiceView>,
    pub controllers: Vec<Controller>,
    /// Workload → the HPA that scales it.
    pub hpas: HashMap<ObjId, ObjId>,
    pub nodes_flag: Option<u32>,
    /// (kind, namespace, name) of every live object that can own pods.
    owners_present: std::collections::HashSet<(String, String, String)>,
    pub dataplane: crate::config::Dataplane,
    pub cloud: Option<String>,
}

pub const ROLE: &str = "realip-lint.io/role";
pub const CLIENT_IP: &str = "realip-lint.io/client-ip";

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
    pub fn build(loaded: Loaded, options: &ModelOptions, texts: &[&str]) -> Self {
        let Loaded { objects, invalid, duplicates, skipped } = loaded;
        let mut model = Model {
            objects,
            invalid,
            duplicates,
            skipped,
            services: Vec::new(),
            controllers: Vec::new(),
            hpas: HashMap::new(),
            nodes_flag: options.nodes,
            owners_present: std::collections::HashSet::new(),
            dataplane: options.dataplane,
            cloud: options.cloud.clone(),
        };
        model.owners_present = model
            .live()
            .filter(|(_, o)| o.workload().is_some() || matches!(o.kind.as_str(), "Job" | "CronJob"))
            .filter_map(|(_, o)| Some((o.kind.clone(), o.namespace.clone().unwrap_or_default(), o.name.clone()?)))
            .collect();
        model.link_hpas();
        model.find_controllers(texts);
        model.link_services();
        model
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
            let proxy = proxies::PROXIES.iter().copied().find(|p| (p.recognise)(o, w)).or(by_class);
            if proxy.is_some() || declared {
                found.push((i, proxy, declared));
            }
        }
        let lookup = Lookup { objects: &self.objects, texts };
        self.controllers = found
            .into_iter()
            .map(|(workload, proxy, declared)| Controller {
                proxy,
                workload,
                declared,
                proxy_protocol: proxy.map_or_else(
                    || Setting::Unknown("the controller is declared, not recognised".into()),
                    |p| (p.proxy_protocol)(&lookup, workload),
                ),
                trust: proxy.map(|p| (p.trust)(&lookup, workload)).unwrap_or_default(),
            })
            .collect();
    }

    fn link_services(&mut self) {
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
            let controller = self.controllers.iter().position(|c| backends.contains(&c.workload));
            let controller = controller.or_else(|| {
                declared_ctrl.then(|| {
                    // A Service declared as a controller's: its first backend stands for it.
                    backends.first().and_then(|b| self.controllers.iter().position(|c| c.workload == *b))
                })?
            });
            views.push(ServiceView {
                obj: si,
                svc_type: ty,
                external: is_external(svc),
                policy,
                policy_path: vec![PathSeg::Key("spec"), PathSeg::Key("externalTrafficPolicy")],
                policy_written: etp.is_some(),
                backends,
                controller,
                lb: LbFacts::of(o),
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

    pub fn hpa(&self, workload: ObjId) -> Option<(ObjId, &super::object::Hpa)> {
        let hi = *self.hpas.get(&workload)?;
        match &self.objects[hi].data {
            ObjData::Hpa(h) => Some((hi, h)),
            _ => None,
        }
    }

    pub fn node_objects(&self) -> impl Iterator<Item = (ObjId, &Object, &k8s_openapi::api::core::v1::Node)> {
        self.live().filter_map(|(i, o)| match &o.data {
            ObjData::Node(n) => Some((i, o, n.as_ref())),
            _ => None,
        })
    }
}
