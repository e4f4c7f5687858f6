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

/// The hostnames an Ingress serves, with their ports: each rule's `host` (`*` for a rule without
/// one, or a `defaultBackend` alone) on port 80, and on 443 too where a `tls` entry lists it (a
/// `tls` entry without `hosts` covers every host).
pub fn ingress_hosts(ing: &k8s_openapi::api::networking::v1::Ingress) -> Vec<(String, u16)> {
    let Some(spec) = ing.spec.as_ref() else { return Vec::new() };
    let mut hosts: Vec<String> =
        spec.rules.iter().flatten().map(|r| r.host.clone().unwrap_or_else(|| "*".into())).collect();
    if hosts.is_empty() && spec.default_backend.is_some() {
        hosts.push("*".into());
    }
    let tls = spec.tls.iter().flatten();
    let mut out = Vec::new();
    for h in &hosts {
        out.push((h.clone(), 80));
        let covered = tls.clone().any(|t| t.hosts.as_ref().is_none_or(|hs| hs.is_empty() || hs.contains(h)));
        if covered {
            out.push((h.clone(), 443));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Does a route hostname fall under a listener hostname (`*.example.com` covers any subdomain,
/// not `example.com` itself)?
fn host_matches(listener: &str, route: &str) -> bool {
    if listener == route {
        return true;
    }
    match (listener.strip_prefix("*."), route.strip_prefix("*.")) {
        (Some(suffix), None) => route.strip_suffix(suffix).is_some_and(|l| l.ends_with('.') && l.len() > 1),
        (None, Some(suffix)) => listener.strip_suffix(suffix).is_some_and(|l| l.ends_with('.') && l.len() > 1),
        _ => false,
    }
}

/// The hostnames a Gateway listener serves, on its port: its attached routes' `hostnames` that
/// its own `hostname` admits (a route without any serves the listener's), else the listener's
/// `hostname`, else `*` (any host).
pub fn listener_hosts(model: &Model, listener: &Node, attached: &Attached) -> Vec<(String, u16)> {
    let field = |k: &str| listener.get(k).and_then(scalar_string);
    let Some(port) = field("port").and_then(|p| p.parse::<u16>().ok()) else { return Vec::new() };
    let own = field("hostname");
    let mut hosts = Vec::new();
    for &r in &attached.routes {
        let names: Vec<String> = model.objects[r]
            .root
            .at(&[PathSeg::Key("spec"), PathSeg::Key("hostnames")])
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(scalar_string)
            .collect();
        if names.is_empty() {
            hosts.push(own.clone().unwrap_or_else(|| "*".into()));
        }
        hosts.extend(names.into_iter().filter(|n| own.as_deref().is_none_or(|o| host_matches(o, n))));
    }
    if hosts.is_empty() {
        hosts.push(own.unwrap_or_else(|| "*".into()));
    }
    hosts.sort();
    hosts.dedup();
    hosts.into_iter().map(|h| (h, port)).collect()
}

#[cfg(test)]
mod tests {
    use super::host_matches;

    #[test]
    fn listener_hostnames_admit_routes_by_the_gateway_api_rules() {
        assert!(host_matches("shop.example.com", "shop.example.com"));
        assert!(host_matches("*.example.com", "shop.example.com"));
        assert!(host_matches("shop.example.com", "*.example.com"));
        assert!(!host_matches("*.example.com", "example.com"));
        assert!(!host_matches("api.example.com", "shop.example.com"));
    }
}
