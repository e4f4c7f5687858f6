//! ingress-nginx (kubernetes/ingress-nginx), also the KubeSphere router.

use super::{
    HeaderTrust, Implementation, IngressSupport, Lookup, Trust, cm_value, configmap_bool, controller_configmap, flags,
    images, is_anywhere, label_is, list_entries, parse_bool,
};
use crate::diagnostic::Loc;
use crate::k8s::object::{ObjId, Object, Workload};
use crate::k8s::provenance::Setting;

pub static IMPLEMENTATION: Implementation = Implementation {
    name: "ingress-nginx",
    ingress_class_controllers: &["k8s.io/ingress-nginx"],
    retired: Some("March 2026"),
    ingress: Some(&INGRESS),
    reads_rate_limits: true,
    ..Implementation::DEFAULT
};

static INGRESS: IngressSupport = IngressSupport {
    recognise,
    local_hint: "with the ingress-nginx Helm chart: `controller.service.externalTrafficPolicy: Local`",
    chart_daemon_set: "`controller.kind: DaemonSet`",
    proxy_protocol,
    trust,
    allow_list_annotations: &[
        "nginx.ingress.kubernetes.io/whitelist-source-range",
        "nginx.ingress.kubernetes.io/allowlist-source-range",
        "nginx.ingress.kubernetes.io/denylist-source-range",
    ],
    main_container_images: &["ingress-nginx", "nginx-ingress-controller"],
    // Its default backend answers 404 (Azure/AKS#2903).
    root_is_404: true,
    ingress_rate_limits,
    ..IngressSupport::DEFAULT
};

/// `limit-rps`, `limit-rpm` and `limit-connections`: nginx `limit_req_zone` and
/// `limit_conn_zone` keyed on `$binary_remote_addr` (through a map that empties it for
/// `limit-whitelist`), the address after the realip module (`nginx.tmpl`,
/// `internal/ingress/annotations/ratelimit`).
fn ingress_rate_limits(obj: &Object, i: ObjId) -> Vec<super::RateLimit> {
    ["limit-rps", "limit-rpm", "limit-connections"]
        .into_iter()
        .filter_map(|key| {
            let full = format!("nginx.ingress.kubernetes.io/{key}");
            let v = obj.annotation(&full)?;
            Some(super::RateLimit::annotation(
                obj,
                i,
                &full,
                RATE_LIMIT_FIX,
                super::Keyed::Client,
                format!("`{key}: {v}` per client address"),
            ))
        })
        .collect()
}

const RATE_LIMIT_FIX: &str = "the controller counts the address its real-IP settings produce: trust X-Forwarded-For only from the proxy in front (`use-forwarded-headers` with `proxy-real-ip-cidr` set to its addresses), or use PROXY protocol on both ends, or `externalTrafficPolicy: Local` with no header trust";

const CONFIGMAP_FLAG: &[&str] = &["--configmap"];

fn recognise(_: &Object, w: &Workload) -> bool {
    images(w).any(|i| {
        i.ends_with("ingress-nginx/controller")
            || i.ends_with("ingress-nginx/controller-chroot")
            || i.ends_with("kubernetes-ingress-controller/nginx-ingress-controller")
            || i.ends_with("kubesphere/nginx-ingress-controller")
            || i.ends_with("kubesphere/ingress-nginx-controller")
    }) || (label_is(w, "app.kubernetes.io/name", "ingress-nginx")
        && label_is(w, "app.kubernetes.io/component", "controller"))
        || flags(w).any(|(_, _, f, _)| f == "/nginx-ingress-controller")
        || w.pod.containers.iter().any(|c| c.command.iter().flatten().any(|a| a == "/nginx-ingress-controller"))
}

fn proxy_protocol(lookup: &Lookup<'_>, ctrl: ObjId) -> Setting<bool> {
    configmap_bool(lookup, &IMPLEMENTATION, ctrl, CONFIGMAP_FLAG, "use-proxy-protocol", false)
}

/// nginx.tmpl: the realip module reads `real_ip_header proxy_protocol` when PROXY protocol is on,
/// else the forwarded-for header when `use-forwarded-headers` or `enable-real-ip` is on, trusting
/// every `proxy-real-ip-cidr` entry (default `0.0.0.0/0`).
fn trust(lookup: &Lookup<'_>, ctrl: ObjId) -> Trust {
    let Ok(Some(cm)) = controller_configmap(lookup, ctrl, CONFIGMAP_FLAG) else { return Trust::default() };
    let text = lookup.texts.get(lookup.objects[cm].file).copied();
    trust_of(|key| cm_value(lookup, cm, key).map(|(v, loc)| (v.to_owned(), loc)), cm, text)
}

/// The trust of ingress-nginx's ConfigMap settings, each read by `get` (its value and place) from
/// `obj`: the controller's ConfigMap, or whatever renders into it (a KubeSphere Gateway's
/// `spec.controller.config`).
pub(super) fn trust_of(get: impl Fn(&str) -> Option<(String, Loc)>, obj: ObjId, text: Option<&str>) -> Trust {
    let on = |key: &str| get(key).filter(|(v, _)| parse_bool(v) == Some(true));
    let cidr = get("proxy-real-ip-cidr");
    // configmap.go: `splitAndTrimSpace(val, ",")`; nginx.tmpl writes one `set_real_ip_from` per
    // entry, and only when `use-forwarded-headers`, `use-proxy-protocol` or `enable-real-ip` is
    // on: otherwise nginx never sees the list.
    let real_ip = ["use-proxy-protocol", "use-forwarded-headers", "enable-real-ip"].iter().any(|k| on(k).is_some());
    let entries = cidr
        .as_ref()
        .filter(|_| real_ip)
        .map(|(v, loc)| list_entries(obj, text, "proxy-real-ip-cidr", v, *loc, true, &[',']))
        .unwrap_or_default();
    let mut trust = Trust { header: None, entries, ..Trust::default() };
    if on("use-proxy-protocol").is_some() {
        return trust;
    }
    let Some((key, (_, loc))) =
        [("use-forwarded-headers", on("use-forwarded-headers")), ("enable-real-ip", on("enable-real-ip"))]
            .into_iter()
            .find_map(|(k, v)| v.map(|v| (k, v)))
    else {
        return trust;
    };
    let anywhere = trust.entries.iter().find(|e| is_anywhere(&e.value));
    let from_anyone = match (cidr, anywhere) {
        (None, _) => Some("`proxy-real-ip-cidr` is not set, and its default is 0.0.0.0/0".to_owned()),
        (Some(_), Some(e)) => Some(format!("`proxy-real-ip-cidr` includes {}", e.value)),
        (Some(_), None) => None,
    };
    trust.header = Some(HeaderTrust {
        setting: format!("{key}: \"true\""),
        loc,
        obj,
        from_anyone,
        anyone_loc: anywhere.map(|e| e.loc),
        restrict_hint: "set `proxy-real-ip-cidr` to the load balancer's addresses only (on AWS, the VPC CIDR)",
        positional: false,
        depth: None,
        off_hint: None,
    });
    trust
}
