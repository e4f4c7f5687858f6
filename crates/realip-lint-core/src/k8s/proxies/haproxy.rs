//! HAProxy Kubernetes Ingress (haproxytech) and HAProxy Ingress (jcmoraisjr) (`domain.md` §3.3).

use super::{Lookup, Proxy, images};
use crate::k8s::model::Setting;
use crate::k8s::object::{ObjData, ObjId, Object, Workload};
use crate::yaml::PathSeg;

pub static PROXY: Proxy = Proxy {
    name: "HAProxy Ingress",
    ingress_class_controllers: &["haproxy.org/ingress-controller", "haproxy-ingress.github.io/controller"],
    gateway_controllers: &["haproxy.org/gateway-controller", "gate.haproxy.org/hug"],
    recognise,
    local_hint: "with the HAProxy Helm chart: `controller.service.externalTrafficPolicy: Local` and `controller.kind: DaemonSet`",
    proxy_protocol,
};

fn recognise(_: &Object, w: &Workload) -> bool {
    images(w).any(|i| i.ends_with("haproxytech/kubernetes-ingress") || i.ends_with("haproxy-ingress"))
}

/// haproxytech's `proxy-protocol` key lists the sources allowed to send PROXY headers.
fn proxy_protocol(lookup: &Lookup<'_>, ctrl: ObjId) -> Setting<bool> {
    let obj = &lookup.objects[ctrl];
    let Some(w) = obj.workload() else { return Setting::Default(false) };
    let Some((ci, value)) =
        super::flags(w).find(|(_, _, f, v)| *f == "--configmap" && v.is_some()).map(|(ci, _, _, v)| (ci, v))
    else {
        return Setting::Default(false);
    };
    let Some((ns, name)) = value.and_then(|v| super::namespaced_ref(obj, w, ci, v)) else {
        return Setting::Unknown("the controller's ConfigMap could not be resolved".into());
    };
    let Some(cm) = lookup.find("ConfigMap", &ns, &name) else {
        return Setting::Unknown(format!("ConfigMap {ns}/{name} is not in the input"));
    };
    let cm_obj = &lookup.objects[cm];
    let ObjData::ConfigMap(data) = &cm_obj.data else { return Setting::Default(false) };
    match data.get("proxy-protocol").map(|v| v.trim()) {
        Some(v) if !v.is_empty() => {
            Setting::Set(true, cm_obj.loc_at(&[PathSeg::Key("data"), PathSeg::Key("proxy-protocol")]), cm)
        }
        _ => Setting::Default(false),
    }
}
