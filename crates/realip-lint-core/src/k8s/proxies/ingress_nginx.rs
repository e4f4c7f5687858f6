//! ingress-nginx (kubernetes/ingress-nginx), also the KubeSphere router (`domain.md` §3.1, §3.8).

use super::{Lookup, Proxy, configmap_bool, flags, images, label_is};
use crate::k8s::model::Setting;
use crate::k8s::object::{ObjId, Object, Workload};

pub static PROXY: Proxy = Proxy {
    name: "ingress-nginx",
    ingress_class_controllers: &["k8s.io/ingress-nginx"],
    gateway_controllers: &[],
    recognise,
    local_hint: "with the ingress-nginx Helm chart: `controller.service.externalTrafficPolicy: Local` and `controller.kind: DaemonSet`",
    proxy_protocol,
};

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
    configmap_bool(lookup, ctrl, &["--configmap"], "use-proxy-protocol", false)
}
