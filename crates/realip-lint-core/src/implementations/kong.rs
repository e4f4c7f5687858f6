//! Kong: settings are `KONG_*` environment variables of the proxy container.

use super::{
    COMMAS_OR_SPACES, HeaderTrust, Implementation, IngressSupport, Lookup, Trust, controller_default, env_value,
    images, list_entries,
};
use crate::k8s::object::{ObjId, Object, Place, Workload};
use crate::k8s::provenance::{Setting, Sourced};

pub static IMPLEMENTATION: Implementation = Implementation {
    name: "Kong",
    ingress_class_controllers: &["ingress-controllers.konghq.com/kong"],
    ingress: Some(&INGRESS),
    ..Implementation::DEFAULT
};

static INGRESS: IngressSupport = IngressSupport {
    recognise,
    local_hint: "with the Kong Helm chart: `proxy.externalTrafficPolicy: Local` and `deployment.daemonset: true`",
    proxy_protocol,
    trust,
    ..IngressSupport::DEFAULT
};

fn recognise(_: &Object, w: &Workload) -> bool {
    images(w).any(|i| i == "kong" || i.ends_with("/kong") || i.ends_with("kong-gateway"))
}

fn proxy_protocol(lookup: &Lookup<'_>, ctrl: ObjId) -> Setting<bool> {
    let obj = &lookup.objects[ctrl];
    let off = || Ok(controller_default(lookup, &IMPLEMENTATION, false, ctrl, None));
    let Some(w) = obj.workload() else { return off() };
    match env_value(obj, w, "KONG_PROXY_LISTEN") {
        Some((_, v, loc)) => Ok(Sourced::written(v.contains("proxy_protocol"), Place { loc, obj: ctrl })),
        None => off(),
    }
}

/// `trusted_ips` (default none) are the sources whose `real_ip_header` (default `X-Real-IP`) Kong
/// believes.
fn trust(lookup: &Lookup<'_>, ctrl: ObjId) -> Trust {
    let obj = &lookup.objects[ctrl];
    let Some(w) = obj.workload() else { return Trust::default() };
    let text = lookup.texts.get(obj.file).copied();
    let Some((_, ips, loc)) = env_value(obj, w, "KONG_TRUSTED_IPS") else { return Trust::default() };
    let entries = list_entries(ctrl, text, "trusted_ips", ips, loc, false, COMMAS_OR_SPACES);
    let header = env_value(obj, w, "KONG_REAL_IP_HEADER").map_or("X-Real-IP", |(_, v, _)| v);
    let mut trust = Trust { header: None, entries, ..Trust::default() };
    if header.trim() != "proxy_protocol" {
        trust.header = Some(HeaderTrust::listed(
            format!("KONG_TRUSTED_IPS (real_ip_header {header})"),
            loc,
            ctrl,
            "trusted_ips",
            &trust.entries,
            "list only the load balancer's addresses in `KONG_TRUSTED_IPS`",
        ));
    }
    trust
}
