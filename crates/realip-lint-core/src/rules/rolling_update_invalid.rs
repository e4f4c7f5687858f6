use super::declare_rule;
use crate::diagnostic::Finding;
use crate::fix::{Applicability, Fix, Value};
use crate::k8s::model::Model;
use crate::k8s::object::WorkloadKind;
use crate::k8s::rollout::{self, API_DEFAULT, Field, Strategy};
use crate::k8s::spread;
use crate::yaml::PathSeg;

declare_rule! {
    /// ## What it does
    /// Flags rolling-update parameters that the API server rejects, so `kubectl apply` fails:
    ///
    /// - a Deployment with `maxSurge` and `maxUnavailable` both 0 (`0` or `"0%"`). Percentages
    ///   that merely *resolve* to 0 are accepted: the controller then allows one unavailable pod;
    /// - a DaemonSet with both 0, or both non-zero after defaulting. `maxUnavailable` defaults to
    ///   1 and `maxSurge` to 0, each on its own, so `maxSurge: 1` alone is rejected: a surging
    ///   DaemonSet must also write `maxUnavailable: 0`;
    /// - a negative value, a string that is not a percentage (`"1"`, `"25 %"`), a Deployment's
    ///   `maxUnavailable` or either DaemonSet value above `100%`;
    /// - a `strategy.type` that is neither `RollingUpdate` nor `Recreate` (DaemonSet and
    ///   StatefulSet `updateStrategy.type`: `RollingUpdate` or `OnDelete`), and a Deployment's
    ///   `rollingUpdate` beside `type: Recreate`.
    ///
    /// ## Why is this bad?
    /// The object is refused (`spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may
    /// not be set when maxUnavailable is non-zero`), so the change never reaches the cluster:
    /// the pipeline fails, or, inside a Helm release or a GitOps sync, the whole release does.
    ///
    /// ## Example
    /// ```yaml
    /// kind: DaemonSet
    /// spec:
    ///   updateStrategy:
    ///     type: RollingUpdate
    ///     rollingUpdate: {maxSurge: 1}   # maxUnavailable defaults to 1: both non-zero
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   updateStrategy:
    ///     type: RollingUpdate
    ///     rollingUpdate: {maxSurge: 1, maxUnavailable: 0}   # or {maxSurge: 0, maxUnavailable: 1} with a host port
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment
    /// - https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/
    "rolling-update-invalid",
    Error,
    "rolling-update parameters the API server rejects",
    check,
    category: Correctness,
    fix: [Safe],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (wi, obj, w) in model.workloads() {
        if w.kind == WorkloadKind::StatefulSet {
            // apps/v1 defaults an empty type to RollingUpdate; validation accepts only the two.
            let path = [PathSeg::Key("spec"), PathSeg::Key("updateStrategy"), PathSeg::Key("type")];
            if let Some(ty) = obj.str_at(&path).filter(|t| !t.is_empty() && t != "RollingUpdate" && t != "OnDelete") {
                out.push(
                    Finding::new(
                        obj.loc_at(&path),
                        format!(
                            "{} has update strategy type `{ty}`, which the API server rejects (`spec.updateStrategy.type: Unsupported value: \"{ty}\": supported values: \"OnDelete\", \"RollingUpdate\"`)",
                            obj.display()
                        ),
                        "write one of \"OnDelete\", \"RollingUpdate\" (exact case)",
                    )
                    .on(wi)
                    .fix(recase(wi, &["spec", "updateStrategy", "type"], &ty, &["OnDelete", "RollingUpdate"])),
                );
            }
            continue;
        }
        let daemon_set = match (w.kind, &w.deployment, &w.daemon_set) {
            (WorkloadKind::Deployment, Some(_), _) => false,
            (WorkloadKind::DaemonSet, _, Some(_)) => true,
            _ => continue,
        };
        let strategy = match (&w.deployment, &w.daemon_set) {
            (Some(d), _) if !daemon_set => rollout::deployment_strategy(obj, wi, d),
            (_, Some(ds)) => rollout::daemon_set_strategy(obj, wi, ds),
            _ => continue,
        };
        let field_path = if daemon_set { "spec.updateStrategy" } else { "spec.strategy" };
        let mut push = |f: Finding| out.push(f.on(wi));
        let (max_surge, max_unavailable) = match strategy {
            Strategy::BadType(ty, loc) => {
                let supported =
                    if daemon_set { "\"OnDelete\", \"RollingUpdate\"" } else { "\"Recreate\", \"RollingUpdate\"" };
                push(Finding::new(
                    loc,
                    format!(
                        "{} has update strategy type `{ty}`, which the API server rejects (`{field_path}.type: Unsupported value: \"{ty}\": supported values: {supported}`)",
                        obj.display()
                    ),
                    format!("write one of {supported} (exact case)"),
                )
                .fix(recase(
                    wi,
                    if daemon_set { &["spec", "updateStrategy", "type"] } else { &["spec", "strategy", "type"] },
                    &ty,
                    if daemon_set { &["OnDelete", "RollingUpdate"] } else { &["Recreate", "RollingUpdate"] },
                )));
                continue;
            }
            Strategy::NotRolling("Recreate")
                if w.deployment
                    .as_ref()
                    .is_some_and(|d| d.strategy.as_ref().is_some_and(|s| s.rolling_update.is_some())) =>
            {
                push(Finding::new(
                    rollout::rolling_update_loc(obj, false),
                    format!(
                        "{} sets `rollingUpdate` beside `type: Recreate`, which the API server rejects (`spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'`)",
                        obj.display()
                    ),
                    "remove `rollingUpdate` (or set `type: RollingUpdate`)",
                ));
                continue;
            }
            Strategy::NotRolling(_) => continue,
            Strategy::Rolling { max_surge, max_unavailable } => (max_surge, max_unavailable),
        };
        let rolling = format!("{field_path}.rollingUpdate");
        let mut any_bad = false;
        for f in [&max_surge, &max_unavailable] {
            if let Some(why) = f.bound().invalid() {
                any_bad = true;
                push(Finding::new(
                    f.loc(),
                    format!(
                        "{} has `{}: {}`, which the API server rejects (`{rolling}.{}: Invalid value: {}: {why}`)",
                        obj.display(),
                        f.name,
                        f.bound().show(),
                        f.name,
                        f.bound().api_value()
                    ),
                    format!(
                        "write a non-negative count without quotes (`{}: 1`) or a percentage (`{}: 25%`)",
                        f.name, f.name
                    ),
                ));
            }
            // Deployments check only `maxUnavailable` against 100%; DaemonSets check both.
            if f.bound().over_100_percent() && (daemon_set || f.name == "maxUnavailable") {
                any_bad = true;
                push(Finding::new(
                    f.loc(),
                    format!(
                        "{} has `{}: {}`, which the API server rejects (`{rolling}.{}: Invalid value: {}: must not be greater than 100%`)",
                        obj.display(),
                        f.name,
                        f.bound().show(),
                        f.name,
                        f.bound().api_value()
                    ),
                    format!("write at most `{}: 100%`", f.name),
                ));
            }
        }
        if any_bad {
            continue;
        }
        let (surge_zero, unavailable_zero) = (max_surge.bound().is_zero(), max_unavailable.bound().is_zero());
        if surge_zero && unavailable_zero {
            let (fix, api) = if daemon_set {
                (
                    "`rollingUpdate: {maxSurge: 0, maxUnavailable: 1}` (replace in place), or `{maxSurge: 1, maxUnavailable: 0}` (surge, when the pods hold no host port)",
                    format!("{rolling}.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"),
                )
            } else {
                (
                    "`rollingUpdate: {maxSurge: 1, maxUnavailable: 0}` (start a new pod first), or `{maxSurge: 0, maxUnavailable: 1}` (remove an old pod first, needed under a one-per-node constraint)",
                    format!(
                        "{rolling}.maxUnavailable: Invalid value: {}: may not be 0 when `maxSurge` is 0",
                        max_unavailable.bound().api_value()
                    ),
                )
            };
            push(Finding::new(
                max_unavailable.loc(),
                format!(
                    "{} has {} and {}: a rolling update could neither add nor remove a pod, and the API server rejects it (`{api}`)",
                    obj.display(),
                    max_surge.describe(),
                    max_unavailable.describe()
                ),
                format!("make one of them non-zero: {fix}"),
            ));
        } else if daemon_set && !surge_zero && !unavailable_zero {
            let host_port = spread::analyse(obj, w).host_port.is_some();
            let fix = if host_port {
                "its pods hold a host port, so a surge pod could not start beside the old one: drop `maxSurge` (`rollingUpdate: {maxSurge: 0, maxUnavailable: 1}`)"
            } else {
                "to surge, also write `maxUnavailable: 0` (`rollingUpdate: {maxSurge: 1, maxUnavailable: 0}`); to replace pods in place, drop `maxSurge`"
            };
            push(Finding::new(
                max_surge.loc(),
                format!(
                    "{} has {} and {}: a DaemonSet may have only one of them non-zero, so the API server rejects it (`{rolling}.maxSurge: Invalid value: {}: may not be set when maxUnavailable is non-zero`)",
                    obj.display(),
                    max_surge.describe(),
                    unavailable_note(&max_unavailable),
                    max_surge.bound().api_value()
                ),
                fix,
            ));
        }
    }
}

/// `maxUnavailable 1 (the default when it is not written)`.
fn unavailable_note(f: &Field) -> String {
    match f.value.whose() {
        Some(API_DEFAULT) => format!("{} {} (the default when it is not written)", f.name, f.bound().show()),
        _ => f.describe(),
    }
}

/// A type the API server refuses only for its case (`rollingupdate`) written as it evidently
/// means: a safe fix.
fn recase(wi: usize, at: &[&str], ty: &str, supported: &[&str]) -> Option<Fix> {
    let right = supported.iter().find(|s| s.eq_ignore_ascii_case(ty))?;
    Some(Fix::new(format!("write `type: {right}`"), Applicability::Safe).set(wi, at, Value::str(*right)))
}
