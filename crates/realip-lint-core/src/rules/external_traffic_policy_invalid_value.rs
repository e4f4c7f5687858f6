use super::declare_rule;
use crate::diagnostic::Finding;
use crate::fix::{Applicability, Fix, Value};
use crate::k8s::model::{Model, is_external};
use crate::yaml::PathSeg;

declare_rule! {
    /// ## What it does
    /// Flags `externalTrafficPolicy` or `internalTrafficPolicy` values other than exactly
    /// `Cluster` or `Local`: `local`, `OnlyLocal`, `Global`, `cluster`, … An empty
    /// `internalTrafficPolicy: ""` is one of them: the field is a pointer that the API server
    /// defaults only when it is absent, so `""` is refused (an empty `externalTrafficPolicy` is
    /// defaulted).
    ///
    /// ## Why is this bad?
    /// The API server compares the value case-sensitively and rejects the Service:
    /// `spec.externalTrafficPolicy: Unsupported value: "local": supported values: "Cluster", "Local"`.
    /// `OnlyLocal` and `Global` are the values of the pre-1.7 beta annotation, not of the field.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   type: LoadBalancer
    ///   externalTrafficPolicy: local
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
    /// - https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/
    /// - https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go
    "external-traffic-policy-invalid-value",
    Error,
    "`externalTrafficPolicy`/`internalTrafficPolicy` is not exactly `Cluster` or `Local`",
    check,
    category: Correctness,
    hops: [Node],
    fix: [Safe],
}

fn corrected(v: &str) -> Option<&'static str> {
    match v.trim().to_ascii_lowercase().as_str() {
        "local" | "onlylocal" | "only-local" => Some("Local"),
        "cluster" | "global" => Some("Cluster"),
        _ => None,
    }
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (i, obj) in model.live() {
        let Some(svc) = obj.service() else { continue };
        let Some(spec) = &svc.spec else { continue };
        // `externalTrafficPolicy` is a plain string the API server defaults when empty;
        // `internalTrafficPolicy` is a pointer, defaulted only when absent or null, so `""` is
        // refused like any other value (defaults.go `SetDefaults_Service`).
        let fields = [
            ("externalTrafficPolicy", spec.external_traffic_policy.as_deref(), is_external(svc), true),
            ("internalTrafficPolicy", spec.internal_traffic_policy.as_deref(), true, false),
        ];
        for (field, value, applies, empty_defaults) in fields {
            // On an internal Service `externalTrafficPolicy` is another rule's.
            let Some(value) = value.filter(|v| !(empty_defaults && v.is_empty())) else { continue };
            if !applies || matches!(value, "Cluster" | "Local") {
                continue;
            }
            let (help, fix) = match corrected(value) {
                Some(c) => (
                    format!("write `{field}: {c}` (the value is case-sensitive)"),
                    Some(Fix::new(format!("write `{field}: {c}`"), Applicability::Safe).set(
                        i,
                        &["spec", field],
                        Value::str(c),
                    )),
                ),
                None => (format!("write `{field}: Local` or `{field}: Cluster`"), None),
            };
            out.push(
                Finding::new(
                    obj.loc_at(&[PathSeg::Key("spec"), PathSeg::Key(field)]),
                    format!(
                        "`{field}: {}` is not a valid value: the API server accepts only `Cluster` or `Local`",
                        if value.is_empty() { "\"\"" } else { value }
                    ),
                    help,
                )
                .on(i)
                .fix(fix),
            );
        }
    }
}
