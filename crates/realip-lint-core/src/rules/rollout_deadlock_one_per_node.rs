use super::{declare_rule, size_range};
use crate::fix::{Applicability, Fix, Value};
use crate::diagnostic::{Finding, Loc, Severity};
use crate::k8s::model::Model;
use crate::k8s::nodes::eligible;
use crate::k8s::object::WorkloadKind;
use crate::k8s::rollout::{self, Field, Strategy, deployment_fenceposts};
use crate::k8s::spread::{self, OnePerNodeKind};
use crate::yaml::PathSeg;

declare_rule! {
    /// ## What it does
    /// Flags a Deployment whose pods run at most one per node (required pod anti-affinity on
    /// `kubernetes.io/hostname`, a `hostPort`, or `hostNetwork` with declared ports) and whose
    /// rolling update resolves `maxUnavailable` to 0 while it runs as many replicas as there are
    /// eligible nodes. With more replicas than nodes the Pending ones already count as
    /// unavailable, so the rollout also stalls while `maxUnavailable` is at most replicas minus
    /// nodes.
    ///
    /// The arithmetic is the Deployment controller's: `maxSurge` and `maxUnavailable` default to
    /// 25%; a percentage of the replicas rounds up for the surge and down for unavailability; when
    /// both come to 0 the controller allows one unavailable pod instead. So the defaults give
    /// `maxUnavailable` 0 for 1 to 3 replicas, and `maxSurge: 1, maxUnavailable: 0` (a common
    /// "zero-downtime" setting) gives it for every size. With an HPA the rule checks every size
    /// between `minReplicas` and `maxReplicas`.
    ///
    /// Eligible nodes come from Node objects in the input, else `--nodes`. Without either the
    /// rule reports an info: the rollout will stall once the replicas reach the node count. An
    /// anti-affinity selector that requires a release label (`app.kubernetes.io/version`,
    /// `version`, `helm.sh/chart`, `chart`) blocks only the rollouts that keep that label, so
    /// that case is an info too.
    ///
    /// ## Why is this bad?
    /// The rollout may remove a running pod only while more than `replicas - maxUnavailable` are
    /// available, and may add a surge pod only where a node has no replica. Every eligible node
    /// already runs a replica, so the surge pod stays `Pending` (`didn't match pod anti-affinity
    /// rules`, or `didn't have free ports`), no old pod is ever removed, and the
    /// Deployment sits at `ProgressDeadlineExceeded` with the old version serving until someone
    /// steps in. Kubernetes does not roll back by itself.
    ///
    /// ## Example
    /// ```yaml
    /// # with --nodes 3
    /// kind: Deployment
    /// spec:
    ///   replicas: 3          # 25% of 3 rounds down: maxUnavailable 0
    ///   template:
    ///     spec:
    ///       affinity:
    ///         podAntiAffinity:
    ///           requiredDuringSchedulingIgnoredDuringExecution:
    ///             - topologyKey: kubernetes.io/hostname
    ///               labelSelector: {matchLabels: {app: edge}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   strategy:
    ///     type: RollingUpdate
    ///     rollingUpdate: {maxSurge: 0, maxUnavailable: 1}   # an old pod goes first and frees its node
    /// ```
    /// or `strategy: {type: Recreate}`, or `matchLabelKeys: [pod-template-hash]` on the
    /// anti-affinity term (Kubernetes 1.31+: the new revision then ignores the old pods; two pods
    /// may briefly share a node). Before 1.31 the API server drops `matchLabelKeys` from pod
    /// anti-affinity, so a term that relies on it is reported as an info that names the version.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-unavailable
    /// - https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-surge
    /// - https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
    "rollout-deadlock-one-per-node",
    Error,
    "a rolling update that can neither surge nor remove a pod under a one-per-node constraint",
    check,
    category: Availability,
    hops: [Backends],
    fix: [Unsafe],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (wi, obj, w) in model.workloads() {
        if w.kind != WorkloadKind::Deployment {
            continue;
        }
        let Some(d) = &w.deployment else { continue };
        let s = spread::analyse(obj, w);
        // A term with `matchLabelKeys: [pod-template-hash]` lets the new revision ignore the old
        // pods from Kubernetes 1.31 on; before, the API server drops the key and it blocks.
        let (one, before_1_31) = match (s.blocks_surge, s.blocks_surge_before_1_31) {
            (Some(one), _) => (one, false),
            (None, Some(one)) => (one, true),
            (None, None) => continue,
        };
        let Strategy::Rolling { max_surge, max_unavailable } = rollout::deployment_strategy(obj, wi, d) else {
            continue;
        };
        // The API server refuses these; `rolling-update-invalid` says so.
        if max_surge.bound().invalid().is_some()
            || max_unavailable.bound().invalid().is_some()
            || max_unavailable.bound().over_100_percent()
            || (max_surge.bound().is_zero() && max_unavailable.bound().is_zero())
        {
            continue;
        }
        let unavailable_at = |n: u32| deployment_fenceposts(max_surge.bound(), max_unavailable.bound(), n);
        let unavailable = |n: u32| unavailable_at(n).map_or(u32::MAX, |f| f.unavailable);
        // With `n` replicas on `e` nodes, min(n, e) run; an old pod may go only while more than
        // `n - unavailable` are available, and a surge pod only lands on a node without one.
        let stuck = |n: u32, e: u32| n >= e && unavailable(n) <= n - e;
        let hpa = model.hpa(wi);
        let (low, high) = size_range(model, wi);
        if low == 0 || high < low {
            continue;
        }
        let arithmetic = |n: u32| {
            let f = unavailable_at(n).unwrap_or(rollout::Fenceposts { surge: 0, unavailable: 0, forced: false });
            format!("{} and {}", max_surge.describe_resolved(f.surge), max_unavailable.describe_resolved(f.unavailable))
        };
        let constraint = one.describe();
        let why = |n: u32, e: u32| {
            let base = "a surge pod needs a node without a replica, and no running pod may go first";
            if n > e {
                let pending = n - e;
                format!(
                    "only {e} of the {n} can run, so the {pending} Pending one{} already use{} up the unavailability allowed; {base}",
                    if pending == 1 { "" } else { "s" },
                    if pending == 1 { "s" } else { "" }
                )
            } else {
                base.to_owned()
            }
        };
        let e = eligible(model, w, false);
        // The replica count `maxUnavailable` must reach at the largest stuck size.
        let mut needed = 1;
        let (message, severity) = match (e, hpa) {
            (Some(e), _) if e.count == 0 => continue,
            (Some(e), None) => {
                if !stuck(low, e.count) {
                    continue;
                }
                needed = low - e.count + 1;
                (
                    format!(
                        "{} cannot finish a rolling update: {} on {} under {constraint}, with {}: {}",
                        obj.display(),
                        replicas(low),
                        e.describe(),
                        arithmetic(low),
                        why(low, e.count)
                    ),
                    Severity::Error,
                )
            }
            (Some(e), Some((hi, _))) => {
                // n - e - unavailable(n) never falls as n grows: the stuck sizes are `from..=high`.
                let Some(from) = (low..=high).take(100_000).find(|n| stuck(*n, e.count)) else { continue };
                needed = high - e.count + 1;
                let hpa_obj = &model.objects[hi];
                if from == low {
                    (
                        format!(
                            "{} cannot finish a rolling update at any size {} allows ({}) on {} under {constraint}: at {} {}; {}",
                            obj.display(),
                            hpa_obj.display(),
                            range(low, high),
                            e.describe(),
                            replicas(low),
                            arithmetic(low),
                            why(low, e.count)
                        ),
                        Severity::Error,
                    )
                } else {
                    (
                        format!(
                            "{} will stall on rolling updates whenever {} runs it at {} on {} under {constraint}: at {} {}; {}",
                            obj.display(),
                            hpa_obj.display(),
                            range(from, high),
                            e.describe(),
                            replicas(from),
                            arithmetic(from),
                            why(from, e.count)
                        ),
                        Severity::Info,
                    )
                }
            }
            (None, _) => {
                // Unknown E: report the certain part, maxUnavailable 0 (stuck once n reaches E).
                model.note_node_count_unknown();
                if unavailable(low) != 0 {
                    continue;
                }
                let mut last = low;
                while last < high && last - low < 100_000 && unavailable(last + 1) == 0 {
                    last += 1;
                }
                (
                    format!(
                        "{} will stall once replicas reach the node count: {} under {constraint}, with {}; then {} (`--nodes` or Node objects would settle it)",
                        obj.display(),
                        match hpa {
                            Some(_) if last == high => format!("{} (its HPA)", range(low, high)),
                            Some(_) => format!("{} (its HPA; maxUnavailable is 0 up to {last})", range(low, high)),
                            None => replicas(low),
                        },
                        arithmetic(low),
                        why(low, low)
                    ),
                    Severity::Info,
                )
            }
        };
        // A selector on a release label blocks only rollouts that keep that label.
        let (message, severity) = match &one.revision_label {
            Some(key) if severity == Severity::Error => (
                format!(
                    "{message} (on every rollout that keeps the `{key}` label the anti-affinity selector requires; one that changes it is not blocked by the old pods)"
                ),
                Severity::Info,
            ),
            _ => (message, severity),
        };
        let (message, severity) = if before_1_31 {
            (
                format!(
                    "{message} — only on Kubernetes before 1.31, whose API server drops `matchLabelKeys` from pod anti-affinity (feature `MatchLabelKeysInPodAffinity`, on by default from 1.31): from 1.31 the new revision ignores the old pods; the cluster's version settles it"
                ),
                Severity::Info,
            )
        } else {
            (message, severity)
        };
        let (loc, object, also) = primary(model, obj, wi, hpa.map(|(hi, _)| hi), &max_unavailable);
        let mut help = format!(
            "let old pods go first: `strategy: {{type: RollingUpdate, rollingUpdate: {{maxSurge: 0, maxUnavailable: {needed}}}}}`, or use `strategy: {{type: Recreate}}`"
        );
        if before_1_31 {
            help.push_str(", or run Kubernetes 1.31 or later");
        } else if one.kind == OnePerNodeKind::AntiAffinity {
            help.push_str(", or add `matchLabelKeys: [pod-template-hash]` to the anti-affinity term (Kubernetes 1.31+; the new revision then ignores the old pods, and two pods may briefly share a node)");
        }
        let fix = Fix::new(
            format!("let old pods go first: `maxSurge: 0`, `maxUnavailable: {needed}`"),
            Applicability::Unsafe,
        )
        .merge(
            wi,
            &["spec", "strategy", "rollingUpdate"],
            vec![("maxSurge".into(), Value::Int(0)), ("maxUnavailable".into(), Value::Int(i64::from(needed)))],
        );
        let mut finding = Finding::new(loc, message, help)
            .on(object)
            .related(one.loc, "allows one pod per node")
            .severity(severity)
            .fix(Some(fix));
        finding.also_object = also;
        out.push(finding);
    }
}

fn replicas(n: u32) -> String {
    format!("{n} replica{}", if n == 1 { "" } else { "s" })
}

fn range(a: u32, b: u32) -> String {
    if a == b { replicas(a) } else { format!("{a}–{b} replicas") }
}

/// What decides that `maxUnavailable` is 0: the written value; else the count a percentage
/// rounds down against (the HPA's `minReplicas`, or `spec.replicas`); else the nearest parent of
/// `maxUnavailable`.
fn primary(
    model: &Model,
    obj: &crate::k8s::object::Object,
    wi: usize,
    hpa: Option<usize>,
    max_unavailable: &Field,
) -> (Loc, usize, Option<usize>) {
    if max_unavailable.written() {
        return (max_unavailable.loc(), wi, None);
    }
    if let Some(hi) = hpa {
        return (model.objects[hi].loc_at(&[PathSeg::Key("spec"), PathSeg::Key("minReplicas")]), hi, Some(wi));
    }
    let replicas = [PathSeg::Key("spec"), PathSeg::Key("replicas")];
    if obj.node(&replicas).is_some() {
        return (obj.loc_at(&replicas), wi, None);
    }
    (max_unavailable.loc(), wi, None)
}
