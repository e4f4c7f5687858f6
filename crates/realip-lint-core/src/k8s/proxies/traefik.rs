//! Traefik (`domain.md` §3.2): settings are entryPoint arguments.

use super::{Lookup, Proxy, flags, images, label_is};
use crate::k8s::model::Setting;
use crate::k8s::object::{ObjId, Object, Workload};
use crate::yaml::PathSeg;

pub static PROXY: Proxy = Proxy {
    name: "Traefik",
    ingress_class_controllers: &["traefik.io/ingress-controller"],
    gateway_controllers: &["traefik.io/gateway-controller"],
    recognise,
    local_hint: "with the Traefik Helm chart: `service.spec.externalTrafficPolicy: Local` and `deployment.kind: DaemonSet`",
    proxy_protocol,
};

fn recognise(_: &Object, w: &Workload) -> bool {
    images(w).any(|i| i == "traefik" || i.ends_with("/traefik") || i.ends_with("library-traefik"))
        || label_is(w, "app.kubernetes.io/name", "traefik")
}

fn proxy_protocol(lookup: &Lookup<'_>, ctrl: ObjId) -> Setting<bool> {
    let obj = &lookup.objects[ctrl];
    let Some(w) = obj.workload() else { return Setting::Default(false) };
    for (ci, ai, flag, _) in flags(w) {
        let lower = flag.to_ascii_lowercase();
        if lower.starts_with("--entrypoints.")
            && (lower.ends_with(".proxyprotocol.trustedips") || lower.ends_with(".proxyprotocol.insecure"))
        {
            let mut path = w.pod_path();
            path.extend([PathSeg::Key("containers"), PathSeg::Index(ci), PathSeg::Key("args"), PathSeg::Index(ai)]);
            return Setting::Set(true, obj.loc_at(&path), ctrl);
        }
        if lower == "--configfile" {
            return Setting::Unknown("Traefik reads a static configuration file (`--configfile`)".into());
        }
    }
    Setting::Default(false)
}
