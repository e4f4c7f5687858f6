//! F5 NGINX Ingress Controller (nginxinc/kubernetes-ingress), not to be confused with
//! ingress-nginx.

use super::{
    COMMAS_OR_SPACES, HeaderTrust, Implementation, IngressSupport, Lookup, Trust, cm_value, configmap_bool,
    controller_configmap, images, list_entries,
};
use crate::k8s::object::{ObjId, Object, Workload};
use crate::k8s::provenance::Setting;

pub static IMPLEMENTATION: Implementation = Implementation {
    name: "F5 NGINX Ingress Controller",
    ingress_class_controllers: &["nginx.org/ingress-controller"],
    ingress: Some(&INGRESS),
    reads_rate_limits: true,
    ..Implementation::DEFAULT
};

static INGRESS: IngressSupport = IngressSupport {
    recognise,
    local_hint: "with the nginx-ingress Helm chart: `controller.service.externalTrafficPolicy: Local`",
    chart_daemon_set: "`controller.kind: daemonset`",
    proxy_protocol,
    trust,
    ingress_rate_limits,
    ..IngressSupport::DEFAULT
};

/// `nginx.org/limit-req-rate`, keyed on `nginx.org/limit-req-key`, `${binary_remote_addr}`
/// unless set (nginx/kubernetes-ingress `internal/configs/annotations.go`): the address after
/// the realip module when the key is the remote address.
fn ingress_rate_limits(obj: &Object, i: ObjId) -> Vec<super::RateLimit> {
    let Some(rate) = obj.annotation("nginx.org/limit-req-rate") else { return Vec::new() };
    let key = obj.annotation("nginx.org/limit-req-key").unwrap_or("${binary_remote_addr}");
    let (keyed, text) = if key.contains("remote_addr") {
        (super::Keyed::Client, format!("`limit-req-rate: {rate}` per client address (`{key}`)"))
    } else {
        (super::Keyed::Other, format!("`limit-req-rate: {rate}` keyed on `{key}`, not the client address"))
    };
    vec![super::RateLimit::annotation(obj, i, "nginx.org/limit-req-rate", RATE_LIMIT_FIX, keyed, text)]
}

const RATE_LIMIT_FIX: &str = "the controller counts the address its real-IP settings produce: `real-ip-header` with `set-real-ip-from` set to the proxy in front, or PROXY protocol on both ends (`proxy-protocol: \"True\"`), or `externalTrafficPolicy: Local`";

const CONFIGMAP_FLAG: &[&str] = &["-nginx-configmaps", "--nginx-configmaps"];

fn recognise(_: &Object, w: &Workload) -> bool {
    images(w).any(|i| i.ends_with("nginx/nginx-ingress") || i.contains("nginx-plus-ingress"))
}

fn proxy_protocol(lookup: &Lookup<'_>, ctrl: ObjId) -> Setting<bool> {
    configmap_bool(lookup, &IMPLEMENTATION, ctrl, CONFIGMAP_FLAG, "proxy-protocol", false)
}

/// `real-ip-header` names the header the realip module reads, from the `set-real-ip-from` list.
fn trust(lookup: &Lookup<'_>, ctrl: ObjId) -> Trust {
    let Ok(Some(cm)) = controller_configmap(lookup, ctrl, CONFIGMAP_FLAG) else { return Trust::default() };
    let text = lookup.texts.get(lookup.objects[cm].file).copied();
    let from = cm_value(lookup, cm, "set-real-ip-from");
    let entries = from
        .map(|(v, loc)| list_entries(cm, text, "set-real-ip-from", v, loc, true, COMMAS_OR_SPACES))
        .unwrap_or_default();
    let mut trust = Trust { header: None, entries, ..Trust::default() };
    let header =
        cm_value(lookup, cm, "real-ip-header").filter(|(v, _)| v.trim() != "proxy_protocol" && !v.trim().is_empty());
    if let (Some((h, loc)), Some(_)) = (header, from) {
        trust.header = Some(HeaderTrust::listed(
            format!("real-ip-header: {h}"),
            loc,
            cm,
            "set-real-ip-from",
            &trust.entries,
            "list only the load balancer's addresses in `set-real-ip-from`",
        ));
    }
    trust
}
