//! Istio ingress gateways (`domain.md` §3.6); the mesh config usually lives outside the manifests.

use super::{Lookup, Proxy, images, label_is};
use crate::k8s::model::Setting;
use crate::k8s::object::{ObjId, Object, Workload};

pub static PROXY: Proxy = Proxy {
    name: "Istio ingress gateway",
    ingress_class_controllers: &["istio.io/ingress-controller"],
    gateway_controllers: &["istio.io/gateway-controller"],
    recognise,
    local_hint: "with the Istio gateway Helm chart: `service.externalTrafficPolicy: Local`",
    proxy_protocol,
    proxy_protocol_optional: false,
    trust: super::no_trust,
    retired: None,
    gateway: None,
};

fn recognise(_: &Object, w: &Workload) -> bool {
    label_is(w, "istio", "ingressgateway")
        || label_is(w, "app", "istio-ingressgateway")
        || (images(w).any(|i| i.ends_with("istio/proxyv2"))
            && w.pod.containers.iter().any(|c| c.args.iter().flatten().any(|a| a == "router")))
}

fn proxy_protocol(lookup: &Lookup<'_>, ctrl: ObjId) -> Setting<bool> {
    let w = lookup.objects[ctrl].workload();
    match w.and_then(|w| w.pod_annotations.get("proxy.istio.io/config")) {
        Some(cfg) => Setting::Unknown(format!(
            "the gateway's `proxy.istio.io/config` is {}",
            if cfg.contains("proxyProtocol") { "set with proxyProtocol" } else { "set without proxyProtocol" }
        )),
        None => Setting::Unknown("Istio's mesh config (`gatewayTopology.proxyProtocol`) is not in the input".into()),
    }
}
