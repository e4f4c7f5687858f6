//! Kong (`domain.md` §3.4): settings are `KONG_*` environment variables of the proxy container.

use super::{Lookup, Proxy, images};
use crate::k8s::model::Setting;
use crate::k8s::object::{ObjId, Object, Workload};
use crate::yaml::PathSeg;

pub static PROXY: Proxy = Proxy {
    name: "Kong",
    ingress_class_controllers: &["ingress-controllers.konghq.com/kong"],
    gateway_controllers: &[],
    recognise,
    local_hint: "with the Kong Helm chart: `proxy.externalTrafficPolicy: Local` and `deployment.daemonset: true`",
    proxy_protocol,
};

fn recognise(_: &Object, w: &Workload) -> bool {
    images(w)
        .any(|i| i == "kong" || i.ends_with("/kong") || i.ends_with("kong/kong-gateway") || i.ends_with("kong-gateway"))
}

fn proxy_protocol(lookup: &Lookup<'_>, ctrl: ObjId) -> Setting<bool> {
    let obj = &lookup.objects[ctrl];
    let Some(w) = obj.workload() else { return Setting::Default(false) };
    for (ci, c) in w.pod.containers.iter().enumerate() {
        for (ei, e) in c.env.iter().flatten().enumerate() {
            if e.name == "KONG_PROXY_LISTEN" {
                let Some(v) = &e.value else {
                    return Setting::Unknown("KONG_PROXY_LISTEN comes from a reference".into());
                };
                let mut path = w.pod_path();
                path.extend([
                    PathSeg::Key("containers"),
                    PathSeg::Index(ci),
                    PathSeg::Key("env"),
                    PathSeg::Index(ei),
                    PathSeg::Key("value"),
                ]);
                return Setting::Set(v.contains("proxy_protocol"), obj.loc_at(&path), ctrl);
            }
        }
    }
    Setting::Default(false)
}
