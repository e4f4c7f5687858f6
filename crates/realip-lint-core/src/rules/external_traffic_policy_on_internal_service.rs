use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::{Model, is_external};
use crate::yaml::PathSeg;

declare_rule! {
    /// ## What it does
    /// Flags `externalTrafficPolicy` on a Service that is not externally accessible: a
    /// `ClusterIP` Service (a missing `type` included, headless included) without
    /// `externalIPs`, or an `ExternalName` Service.
    ///
    /// ## Why is this bad?
    /// The API server refuses to create it: `spec.externalTrafficPolicy: Invalid value: "Local":
    /// may only be set for externally-accessible services` (older releases: `ExternalTrafficPolicy
    /// can only be set on NodePort and LoadBalancer service`). An update that changes `type` to
    /// ClusterIP may slip through because the field is wiped, but the same manifest fails on a
    /// fresh cluster. Either the field is a leftover or the `type` is wrong.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   type: ClusterIP
    ///   externalTrafficPolicy: Local
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   type: LoadBalancer
    ///   externalTrafficPolicy: Local
    /// ```
    ///
    /// ## References
    /// - https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go
    /// - https://github.com/kubernetes/kubernetes/blob/master/pkg/api/service/util.go
    "external-traffic-policy-on-internal-service",
    Error,
    "`externalTrafficPolicy` on a Service that is not NodePort, LoadBalancer or externalIPs",
    check,
    category: Correctness,
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (i, obj) in model.live() {
        let Some(svc) = obj.service() else { continue };
        let Some(spec) = &svc.spec else { continue };
        let Some(value) = spec.external_traffic_policy.as_deref().filter(|v| !v.is_empty()) else { continue };
        if is_external(svc) {
            continue;
        }
        let ty = spec.type_.as_deref().filter(|t| !t.is_empty());
        let what = match ty {
            Some("ExternalName") => "an ExternalName Service".to_owned(),
            Some(t) => format!("a {t} Service without `externalIPs`"),
            None => "a Service without `type` (so ClusterIP) and without `externalIPs`".to_owned(),
        };
        let type_path = [PathSeg::Key("spec"), PathSeg::Key("type")];
        let mut f = Finding::new(
            obj.loc_at(&[PathSeg::Key("spec"), PathSeg::Key("externalTrafficPolicy")]),
            format!("`externalTrafficPolicy: {value}` on {what}: the API server rejects it (\"may only be set for externally-accessible services\")"),
            "remove `externalTrafficPolicy`, or make the Service external: `type: LoadBalancer` or `type: NodePort`",
        )
        .on(i);
        if ty.is_some() {
            f = f.related(obj.loc_at(&type_path), "the Service type");
        }
        out.push(f);
    }
}
