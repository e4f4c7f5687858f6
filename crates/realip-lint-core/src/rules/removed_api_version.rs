use super::declare_rule;
use crate::fix::{Applicability, Fix, Value};
use crate::diagnostic::{Finding, Severity};
use crate::k8s::model::Model;
use crate::k8s::object::Object;
use crate::yaml::PathSeg;

declare_rule! {
    /// ## What it does
    /// Flags objects of the kinds realip-lint reads (Service, workloads, Ingress, IngressClass,
    /// HPA, PDB, NetworkPolicy) written with a group-version that no supported Kubernetes serves
    /// (`extensions/v1beta1`, `apps/v1beta1`, `apps/v1beta2`, `networking.k8s.io/v1beta1`,
    /// `autoscaling/v2beta1`, `autoscaling/v2beta2`, `policy/v1beta1`), two often-left removed
    /// versions of kinds it does not read (`policy/v1beta1` PodSecurityPolicy, `batch/v1beta1`
    /// CronJob, both removed in 1.25), and, as a warning, the
    /// pre-1.8 annotations `service.beta.kubernetes.io/external-traffic` and
    /// `service.beta.kubernetes.io/healthcheck-nodeport` (and their alpha forms), which current
    /// Kubernetes ignores.
    ///
    /// Either way the object is still linted, read as its successor with the old defaults (an
    /// old workload without `spec.selector` selects its template's labels).
    ///
    /// ## Why is this bad?
    /// `kubectl apply` fails with `no matches for kind "Deployment" in version
    /// "extensions/v1beta1"`. The old annotation is silently ignored: a Service that says
    /// `external-traffic: OnlyLocal` runs with `Cluster` and loses the client IP.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: extensions/v1beta1
    /// kind: Deployment
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// spec:
    ///   selector: {matchLabels: {app: web}}   # required in apps/v1
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/using-api/deprecation-guide/
    /// - https://github.com/kubernetes/kubernetes/pull/50224
    "removed-api-version",
    Error,
    "a removed apiVersion (kubectl apply fails) or a pre-1.8 annotation that is ignored",
    check,
    category: Correctness,
    hops: [LoadBalancer],
    fix: [Unsafe],
}

fn removed_in(obj: &Object) -> &'static str {
    match (obj.api_version.as_str(), obj.kind.as_str()) {
        ("extensions/v1beta1" | "networking.k8s.io/v1beta1", "Ingress" | "IngressClass") => "1.22",
        ("policy/v1beta1" | "autoscaling/v2beta1", _) => "1.25",
        ("autoscaling/v2beta2", _) => "1.26",
        _ => "1.16",
    }
}

const LEGACY: &[(&str, &str)] = &[
    ("service.beta.kubernetes.io/external-traffic", "spec.externalTrafficPolicy"),
    ("service.beta.kubernetes.io/healthcheck-nodeport", "spec.healthCheckNodePort"),
    ("service.alpha.kubernetes.io/external-traffic", "spec.externalTrafficPolicy"),
    ("service.alpha.kubernetes.io/healthcheck-nodeport", "spec.healthCheckNodePort"),
];

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (i, obj) in model.objects.iter().enumerate() {
        if let Some((_, _, removed, fix)) =
            crate::k8s::load::REMOVED_UNREAD.iter().find(|(a, k, _, _)| obj.api_version == *a && obj.kind == *k)
        {
            out.push(
                Finding::new(
                    obj.loc_at(&[PathSeg::Key("apiVersion")]),
                    format!(
                        "`{}` {} is no longer served (removed in Kubernetes {removed}): `kubectl apply` fails",
                        obj.api_version, obj.kind
                    ),
                    (*fix).to_owned(),
                )
                .on(i),
            );
            continue;
        }
        if obj.api_version != obj.read_as {
            let extra = match (obj.api_version.as_str(), obj.kind.as_str()) {
                ("extensions/v1beta1" | "apps/v1beta1", "Deployment" | "DaemonSet" | "ReplicaSet" | "StatefulSet")
                    if obj.root.at(&[PathSeg::Key("spec"), PathSeg::Key("selector")]).is_none() =>
                {
                    " and write `spec.selector` (required there; here it defaulted to the template's labels)"
                }
                (_, "Ingress") => " with `pathType` on each path and `service: {name, port: {number}}` backends",
                (_, "HorizontalPodAutoscaler") => " with `metrics[].resource.target`",
                _ => "",
            };
            out.push(
                Finding::new(
                    obj.loc_at(&[PathSeg::Key("apiVersion")]),
                    format!(
                        "`{}` {} is no longer served (removed in Kubernetes {}): `kubectl apply` fails; it is linted as `{}`",
                        obj.api_version,
                        obj.kind,
                        removed_in(obj),
                        obj.read_as
                    ),
                    format!("write `apiVersion: {}`{extra}", obj.read_as),
                )
                .on(i)
                // Where the served version reads the same fields, the version is the whole fix;
                // it is not safe: a field may mean something else there (an empty PDB selector
                // selects no pod in policy/v1beta1, every pod in policy/v1).
                .fix(extra.is_empty().then(|| {
                    Fix::new(format!("write `apiVersion: {}`", obj.read_as), Applicability::Unsafe).set(
                        i,
                        &["apiVersion"],
                        Value::str(obj.read_as.clone()),
                    )
                })),
            );
            continue;
        }
        if obj.service().is_none() || obj.shadowed {
            continue;
        }
        let found: Vec<_> = LEGACY.iter().filter(|(k, _)| obj.annotations.contains_key(*k)).collect();
        let Some((first, field)) = found.first() else { continue };
        let names = found.iter().map(|(k, _)| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        let fields = found.iter().map(|(_, f)| format!("`{f}`")).collect::<Vec<_>>().join(" and ");
        let value = obj.annotations.get(*first).map(String::as_str).unwrap_or_default();
        let hint = match value {
            "OnlyLocal" => " (`OnlyLocal` is `externalTrafficPolicy: Local`)",
            "Global" => " (`Global` is `externalTrafficPolicy: Cluster`)",
            _ => "",
        };
        let _ = field;
        out.push(
            Finding::new(
                obj.key_loc(&[PathSeg::Key("metadata"), PathSeg::Key("annotations"), PathSeg::Key(first)]),
                format!(
                    "{names} {} ignored since Kubernetes 1.8: the Service runs as if it were absent",
                    if found.len() == 1 { "is" } else { "are" }
                ),
                format!("use {fields} instead{hint}"),
            )
            .on(i)
            .severity(Severity::Warning),
        );
    }
}
