//! Gateway API routes: which routes attach to a Gateway listener, and the backend Services they
//! send to, so a Gateway entry's path ends at the real backend pods (the Gateway API spec's
//! `parentRefs`, `sectionName`, `port` and `allowedRoutes` rules, and `backendRefs` defaults).

use super::Model;
use crate::implementations::gateway_api::{GROUP, ROUTE_KINDS};
use crate::k8s::object::{ObjId, Object, scalar_string};
use crate::yaml::{Node, PathSeg};

/// A Gateway listener as routes see it.
pub struct Listener {
    pub name: Option<String>,
    pub port: Option<i64>,
    /// `allowedRoutes.namespaces.from` (`Same` when not written).
    from: String,
}

impl Listener {
    pub fn of(node: &Node) -> Self {
        let field = |k: &str| node.get(k).and_then(scalar_string);
        let from = node
            .at(&[PathSeg::Key("allowedRoutes"), PathSeg::Key("namespaces"), PathSeg::Key("from")])
            .and_then(scalar_string)
            .unwrap_or_else(|| "Same".to_owned());
        Listener { name: field("name"), port: field("port").and_then(|p| p.parse().ok()), from }
    }
}

/// What the routes attached to one listener send to.
#[derive(Default)]
pub struct Attached {
    pub routes: Vec<ObjId>,
    /// Backend Services in the input, with the route that names them.
    pub services: Vec<ObjId>,
    /// Backend Services the routes name that are not in the input (`ns/name`).
    pub missing: Vec<String>,
}

fn is_route(o: &Object) -> bool {
    ROUTE_KINDS.iter().any(|(g, k, _)| o.group() == *g && o.kind == *k)
}

/// Does this `parentRefs` entry of a route in `route_ns` name this listener of the Gateway?
fn names_listener(parent: &Node, route_ns: &str, gw: &Object, listener: &Listener) -> bool {
    let field = |k: &str| parent.get(k).and_then(scalar_string);
    let group_ok = field("group").is_none_or(|g| g == GROUP);
    let kind_ok = field("kind").is_none_or(|k| k == "Gateway");
    let ns = field("namespace").unwrap_or_else(|| route_ns.to_owned());
    let gw_ns = gw.namespace.as_deref().unwrap_or("default");
    let name_ok = field("name").as_deref() == gw.name.as_deref() && ns == gw_ns;
    let section_ok = field("sectionName").is_none_or(|s| listener.name.as_deref() == Some(s.as_str()));
    let port_ok = field("port").and_then(|p| p.parse::<i64>().ok()).is_none_or(|p| listener.port == Some(p));
    group_ok && kind_ok && name_ok && section_ok && port_ok
}

/// Does the listener admit routes from this namespace? `Same`, `All`; a `Selector` is taken as
/// admitting (the Namespace objects' labels are rarely in the input).
fn admits(listener: &Listener, gw: &Object, route_ns: &str) -> bool {
    match listener.from.as_str() {
        "All" | "Selector" => true,
        _ => gw.namespace.as_deref().unwrap_or("default") == route_ns,
    }
}

/// The routes of the input attached to a listener of a Gateway, and their backend Services.
pub fn attached(model: &Model, gateway: ObjId, listener: &Listener) -> Attached {
    let gw = &model.objects[gateway];
    let mut out = Attached::default();
    for (ri, route) in model.live().filter(|(_, o)| is_route(o)) {
        let route_ns = route.namespace.as_deref().unwrap_or("default");
        let parents = route.root.at(&[PathSeg::Key("spec"), PathSeg::Key("parentRefs")]).and_then(Node::as_seq);
        let attached = parents.unwrap_or_default().iter().any(|p| names_listener(p, route_ns, gw, listener));
        if !attached || !admits(listener, gw, route_ns) {
            continue;
        }
        out.routes.push(ri);
        let rules = route.root.at(&[PathSeg::Key("spec"), PathSeg::Key("rules")]).and_then(Node::as_seq);
        for rule in rules.unwrap_or_default() {
            for backend in rule.get("backendRefs").and_then(Node::as_seq).unwrap_or_default() {
                let field = |k: &str| backend.get(k).and_then(scalar_string);
                if field("group").is_some_and(|g| !g.is_empty()) || field("kind").is_some_and(|k| k != "Service") {
                    continue;
                }
                let Some(name) = field("name") else { continue };
                let ns = field("namespace").unwrap_or_else(|| route_ns.to_owned());
                let found = model.live().find(|(_, o)| {
                    o.service().is_some()
                        && o.name.as_deref() == Some(name.as_str())
                        && o.namespace.as_deref().unwrap_or("default") == ns
                });
                match found {
                    Some((si, _)) if !out.services.contains(&si) => out.services.push(si),
                    Some(_) => {}
                    None => {
                        let what = format!("{ns}/{name}");
                        if !out.missing.contains(&what) {
                            out.missing.push(what);
                        }
                    }
                }
            }
        }
    }
    out
}
