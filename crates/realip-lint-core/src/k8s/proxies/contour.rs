//! Envoy as an edge proxy: Contour's data plane, or a standalone Envoy (`domain.md` §3.5).

use super::{Lookup, Proxy, flags, images, label_is};
use crate::k8s::model::Setting;
use crate::k8s::object::{ObjId, Object, Workload};

pub static PROXY: Proxy = Proxy {
    name: "Envoy",
    ingress_class_controllers: &["projectcontour.io/contour"],
    gateway_controllers: &["projectcontour.io/gateway-controller"],
    recognise,
    local_hint: "Contour's example Service `envoy` sets `externalTrafficPolicy: Local` over the Envoy DaemonSet",
    proxy_protocol,
    proxy_protocol_optional: false,
    trust: super::no_trust,
    retired: None,
    gateway: None,
};

fn recognise(obj: &Object, w: &Workload) -> bool {
    images(w).any(|i| i.ends_with("envoyproxy/envoy") || i.ends_with("envoyproxy/envoy-distroless"))
        && (label_is(w, "app", "envoy")
            || obj.namespace.as_deref() == Some("projectcontour")
            || label_is(w, "app.kubernetes.io/component", "envoy"))
}

/// `contour serve --use-proxy-protocol` lives on the contour Deployment, not on Envoy; unless the
/// flag is seen here, the setting is elsewhere.
fn proxy_protocol(lookup: &Lookup<'_>, ctrl: ObjId) -> Setting<bool> {
    let obj = &lookup.objects[ctrl];
    let found = lookup.objects.iter().any(|o| {
        !o.shadowed
            && o.namespace == obj.namespace
            && o.workload().is_some_and(|w| flags(w).any(|(_, _, f, _)| f == "--use-proxy-protocol"))
    });
    if found {
        Setting::Unknown("`--use-proxy-protocol` is set on contour".into())
    } else {
        Setting::Unknown(
            "Contour's PROXY setting (`--use-proxy-protocol` or ContourConfiguration) is not in the input".into(),
        )
    }
}
