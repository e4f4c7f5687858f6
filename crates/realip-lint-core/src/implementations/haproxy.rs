//! HAProxy Kubernetes Ingress (haproxytech) and HAProxy Ingress (jcmoraisjr).

use super::{
    COMMAS_OR_SPACES, HeaderTrust, Implementation, IngressSupport, Lookup, Trust, cm_value, controller_configmap,
    controller_default, images, list_entries,
};
use crate::k8s::object::{ObjId, Object, Place, Workload};
use crate::k8s::provenance::{Setting, Sourced, unknown};

pub static IMPLEMENTATION: Implementation = Implementation {
    name: "HAProxy Ingress",
    ingress_class_controllers: &["haproxy.org/ingress-controller", "haproxy-ingress.github.io/controller"],
    gateway_controllers: &["haproxy.org/gateway-controller", "gate.haproxy.org/hug"],
    ingress: Some(&INGRESS),
    ..Implementation::DEFAULT
};

static INGRESS: IngressSupport = IngressSupport {
    recognise,
    local_hint: "with the HAProxy Helm chart: `controller.service.externalTrafficPolicy: Local`",
    chart_daemon_set: "`controller.kind: DaemonSet`",
    proxy_protocol,
    trust,
    allow_list_annotations: &[
        "haproxy.org/allow-list",
        "haproxy.org/whitelist",
        "haproxy.org/deny-list",
        "haproxy.org/blacklist",
    ],
    ..IngressSupport::DEFAULT
};

const CONFIGMAP_FLAG: &[&str] = &["--configmap"];

fn recognise(_: &Object, w: &Workload) -> bool {
    images(w).any(|i| i.ends_with("haproxytech/kubernetes-ingress") || i.ends_with("haproxy-ingress"))
}

/// haproxytech's `proxy-protocol` key lists the sources allowed to send PROXY headers.
fn proxy_protocol(lookup: &Lookup<'_>, ctrl: ObjId) -> Setting<bool> {
    let cm = match controller_configmap(lookup, ctrl, CONFIGMAP_FLAG) {
        Ok(Some(cm)) => cm,
        Ok(None) => return Ok(controller_default(lookup, &IMPLEMENTATION, false, ctrl, None)),
        Err(why) => return unknown(why),
    };
    match cm_value(lookup, cm, "proxy-protocol").filter(|(v, _)| !v.trim().is_empty()) {
        Some((_, loc)) => Ok(Sourced::written(true, Place { loc, obj: cm })),
        None => Ok(controller_default(lookup, &IMPLEMENTATION, false, ctrl, Some((cm, "proxy-protocol")))),
    }
}

/// `src-ip-header` takes the client address from a header, with no source restriction.
fn trust(lookup: &Lookup<'_>, ctrl: ObjId) -> Trust {
    let Ok(Some(cm)) = controller_configmap(lookup, ctrl, CONFIGMAP_FLAG) else { return Trust::default() };
    let text = lookup.texts.get(lookup.objects[cm].file).copied();
    let entries = cm_value(lookup, cm, "proxy-protocol")
        .map(|(v, loc)| list_entries(cm, text, "proxy-protocol", v, loc, false, COMMAS_OR_SPACES))
        .unwrap_or_default();
    let header =
        cm_value(lookup, cm, "src-ip-header").filter(|(v, _)| !v.trim().is_empty()).map(|(v, loc)| HeaderTrust {
            setting: format!("src-ip-header: {v}"),
            loc,
            obj: cm,
            from_anyone: Some("`src-ip-header` believes the header from any source".into()),
            anyone_loc: Some(loc),
            restrict_hint: "remove `src-ip-header` unless only a load balancer can reach the controller",
            positional: false,
            depth: None,
            off_hint: None,
        });
    Trust { header, entries, ..Trust::default() }
}
