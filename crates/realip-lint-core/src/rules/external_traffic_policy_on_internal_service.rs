use super::declare_rule;
use crate::diagnostic::Finding;
use crate::fix::{Applicability, Fix, What};
use crate::k8s::model::{Model, is_external};
use crate::yaml::PathSeg;

declare_rule! {
    /// ## What it does
    /// Flags `externalTrafficPolicy` on a Service that is not externally accessible: a
    /// `ClusterIP` Service (a missing `type` included, headless included) without
    /// `externalIPs`, or an `ExternalName` Service. Also on the Service a Gateway implementation
    /// renders: a policy that reaches a `ClusterIP` Service through an unchecked patch (NGINX
    /// Gateway Fabric's NginxProxy `kubernetes.service.patches`) is an error like a written one;
    /// one in the implementation's own field, which it drops for a `ClusterIP` Service, is an
    /// info (it does nothing).
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
    fix: [Unsafe, Safe],
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
        .on(i)
        // The API server refuses the object: removing the field makes it apply, which changes
        // what happens on purpose.
        .fix(Some(Fix::new("remove `externalTrafficPolicy`", Applicability::Unsafe).remove(i, &["spec", "externalTrafficPolicy"])));
        if ty.is_some() {
            f = f.related(obj.loc_at(&type_path), "the Service type");
        }
        out.push(f);
    }
    rendered(model, out);
}

/// The Services Gateway implementations render from their config.
fn rendered(model: &Model, out: &mut Vec<Finding>) {
    for view in model.services.iter().filter(|v| v.noun == "Gateway" && !v.external && v.policy_written) {
        let what = format!("{} ({})", view.name, view.svc_type);
        // The rendered Service would be refused: removing the patch's field changes that on
        // purpose; a field the implementation leaves off changes nothing when removed.
        let (f, applicability) = if view.policy_patched {
            (Finding::new(
                view.policy_at.loc,
                format!(
                    "this patch puts `externalTrafficPolicy` on {what}: the API server rejects the rendered Service (\"may only be set for externally-accessible services\")"
                ),
                "remove `externalTrafficPolicy` from the patch, or make the Service external (`type: LoadBalancer` or `NodePort`)",
            ), Applicability::Unsafe)
        } else {(
            Finding::new(
                view.policy_at.loc,
                format!("`externalTrafficPolicy` here does nothing: {what} is not externally accessible, so the implementation leaves it off"),
                "remove `externalTrafficPolicy`, or make the Service external (`type: LoadBalancer` or `NodePort`)",
            )
            .severity(crate::diagnostic::Severity::Info), Applicability::Safe)
        };
        let fix = view.policy_at.change(&model.objects, What::Remove)
            .map(|c| Fix::new("remove `externalTrafficPolicy`", applicability).change(c));
        out.push(f.on(view.policy_at.obj).related(view.type_at.loc, "the Service type").fix(fix));
    }
}
