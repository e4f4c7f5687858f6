//! Ingress controllers and Gateway data planes: how each is recognised, where its settings live,
//! and how its Helm chart sets what the rules ask for. Rules never name an implementation; adding
//! one is one file here (and its fixtures).

mod contour;
mod f5_nginx;
mod haproxy;
mod ingress_nginx;
mod istio;
mod kong;
mod traefik;

use super::model::Setting;
use super::object::{ObjId, Object, Workload};
use crate::yaml::PathSeg;

/// What the model can ask of an implementation.
pub struct Proxy {
    /// The name users know it by.
    pub name: &'static str,
    /// IngressClass `spec.controller` values.
    pub ingress_class_controllers: &'static [&'static str],
    /// GatewayClass `spec.controllerName` values (the Gateway API data planes).
    pub gateway_controllers: &'static [&'static str],
    /// Is this workload one of its data-plane pods?
    pub recognise: fn(&Object, &Workload) -> bool,
    /// How its usual install (Helm chart values) sets `externalTrafficPolicy: Local`.
    pub local_hint: &'static str,
    /// Whether it expects PROXY protocol headers, and where that is set.
    pub proxy_protocol: fn(&Lookup<'_>, ObjId) -> Setting<bool>,
}

/// Read access to the objects for an implementation's settings lookups.
pub struct Lookup<'a> {
    pub objects: &'a [Object],
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

pub static PROXIES: &[&Proxy] = &[
    &ingress_nginx::PROXY,
    &f5_nginx::PROXY,
    &traefik::PROXY,
    &haproxy::PROXY,
    &kong::PROXY,
    &contour::PROXY,
    &istio::PROXY,
];

/// The implementation that names this controller string (IngressClass or GatewayClass).
pub fn by_controller_string(s: &str) -> Option<&'static Proxy> {
    PROXIES.iter().copied().find(|p| p.ingress_class_controllers.contains(&s) || p.gateway_controllers.contains(&s))
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

/// The setting of a boolean key in a ConfigMap named by a controller flag.
pub fn configmap_bool(
    lookup: &Lookup<'_>,
    ctrl: ObjId,
    flag_names: &[&str],
    key: &str,
    default: bool,
) -> Setting<bool> {
    let obj = &lookup.objects[ctrl];
    let Some(w) = obj.workload() else { return Setting::Default(default) };
    let Some((ci, value)) =
        flags(w).find(|(_, _, f, v)| flag_names.contains(f) && v.is_some()).map(|(ci, _, _, v)| (ci, v))
    else {
        return Setting::Default(default);
    };
    let Some((ns, name)) = value.and_then(|v| namespaced_ref(obj, w, ci, v)) else {
        return Setting::Unknown(format!(
            "the ConfigMap named by `{}` could not be resolved",
            value.unwrap_or_default()
        ));
    };
    let Some(cm) = lookup.find("ConfigMap", &ns, &name) else {
        return Setting::Unknown(format!("ConfigMap {ns}/{name} is not in the input"));
    };
    let cm_obj = &lookup.objects[cm];
    let super::object::ObjData::ConfigMap(data) = &cm_obj.data else { return Setting::Default(default) };
    match data.get(key) {
        Some(v) => {
            let path = [PathSeg::Key("data"), PathSeg::Key(key)];
            match parse_bool(v) {
                Some(b) => Setting::Set(b, cm_obj.loc_at(&path), cm),
                None => Setting::Unknown(format!("`{key}: {v}` in ConfigMap {ns}/{name} is not a boolean")),
            }
        }
        None => Setting::Default(default),
    }
}
