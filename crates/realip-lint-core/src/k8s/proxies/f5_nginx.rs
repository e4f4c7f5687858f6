//! F5 NGINX Ingress Controller (nginxinc/kubernetes-ingress), not to be confused with
//! ingress-nginx (`domain.md` §3.7).

use super::{Lookup, Proxy, configmap_bool, images};
use crate::k8s::model::Setting;
use crate::k8s::object::{ObjId, Object, Workload};

pub static PROXY: Proxy = Proxy {
    name: "F5 NGINX Ingress Controller",
    ingress_class_controllers: &["nginx.org/ingress-controller"],
    gateway_controllers: &[],
    recognise,
    local_hint: "with the nginx-ingress Helm chart: `controller.service.externalTrafficPolicy: Local` and `controller.kind: daemonset`",
    proxy_protocol,
};

fn recognise(_: &Object, w: &Workload) -> bool {
    images(w).any(|i| i.ends_with("nginx/nginx-ingress") || i.contains("nginx-plus-ingress"))
}

fn proxy_protocol(lookup: &Lookup<'_>, ctrl: ObjId) -> Setting<bool> {
    configmap_bool(lookup, ctrl, &["-nginx-configmaps", "--nginx-configmaps"], "proxy-protocol", false)
}
