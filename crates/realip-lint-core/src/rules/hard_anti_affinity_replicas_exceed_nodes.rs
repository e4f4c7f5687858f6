use super::declare_rule;
use crate::diagnostic::{Finding, Severity};
use crate::k8s::model::Model;
use crate::k8s::nodes::{eligible, plural};
use crate::k8s::object::WorkloadKind;
use crate::k8s::spread;
use crate::yaml::PathSeg;

declare_rule! {
    /// ## What it does
    /// Flags a workload whose pods can run at most one per node (required pod anti-affinity on
    /// `kubernetes.io/hostname`, a `hostPort`, or `hostNetwork` with declared ports) and that asks
    /// for more replicas than there are eligible nodes. With an HPA over it, a `minReplicas` above
    /// the node count is an error and a `maxReplicas` above it a warning.
    ///
    /// Eligible nodes come from Node objects in the input (filtered by the pod's nodeSelector,
    /// required node affinity, tolerations, and cordoned nodes), else from `--nodes`. Without
    /// either the rule stays silent.
    ///
    /// ## Why is this bad?
    /// The extra pods stay `Pending` for ever (`0/3 nodes are available: 3 node(s) didn't match
    /// pod anti-affinity rules`, or `didn't have free ports`). Scale-ups by the HPA create pods
    /// that never run, and a rolling update may have no node to put its surge pod on.
    ///
    /// ## Example
    /// ```yaml
    /// # with --nodes 3
    /// spec:
    ///   replicas: 4
    ///   template:
    ///     spec:
    ///       affinity:
    ///         podAntiAffinity:
    ///           requiredDuringSchedulingIgnoredDuringExecution:
    ///             - topologyKey: kubernetes.io/hostname
    ///               labelSelector: {matchLabels: {app: web}}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   replicas: 3   # at most the node count, or a topologySpreadConstraint, or a DaemonSet
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
    /// - https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
    "hard-anti-affinity-replicas-exceed-nodes",
    Error,
    "more replicas than eligible nodes under a one-per-node constraint",
    check,
    category: Availability,
    hops: [Backends],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (wi, obj, w) in model.workloads() {
        if matches!(w.kind, WorkloadKind::DaemonSet | WorkloadKind::Pod) {
            continue;
        }
        let s = spread::analyse(obj, w);
        let Some(one) = s.one_per_node else { continue };
        let Some(e) = eligible(model, w, false) else {
            // More than one pod could exceed the (unknown) node count.
            if model.hpa(wi).map_or(w.replica_count(), |(_, h)| h.max_replicas) > 1 {
                model.note_node_count_unknown();
            }
            continue;
        };
        if e.count == 0 {
            continue;
        }
        let nodes = e.describe();
        let help = format!(
            "lower the replicas to at most {}, add nodes, or spread with a `kubernetes.io/hostname` topologySpreadConstraint (`maxSkew: 1`), which never blocks on the count",
            e.count
        );
        let mut push = |loc, object, n: i32, asks: String, severity: Severity, also| {
            let pending = n.unsigned_abs().saturating_sub(e.count);
            let stay = match (severity, pending) {
                (Severity::Error, 1) => "stays",
                (Severity::Error, _) => "stay",
                _ => "would stay",
            };
            let mut f = Finding::new(
                loc,
                format!(
                    "{asks} under {}, but only {nodes} can take one: {pending} pod{} {stay} Pending",
                    one.describe(),
                    plural(pending)
                ),
                help.clone(),
            )
            .on(object)
            .related(one.loc, "allows one pod per node")
            .severity(severity);
            f.also_object = also;
            out.push(f);
        };
        if let Some((hi, h)) = model.hpa(wi) {
            let hpa = &model.objects[hi];
            let min = h.min_replicas.unwrap_or(1);
            if min.unsigned_abs() > e.count {
                push(
                    hpa.loc_at(&[PathSeg::Key("spec"), PathSeg::Key("minReplicas")]),
                    hi,
                    min,
                    format!("{} keeps at least {min} replicas of {}", hpa.display(), obj.display()),
                    Severity::Error,
                    Some(wi),
                );
            } else if h.max_replicas.unsigned_abs() > e.count {
                push(
                    hpa.loc_at(&[PathSeg::Key("spec"), PathSeg::Key("maxReplicas")]),
                    hi,
                    h.max_replicas,
                    format!("{} may scale {} to {} replicas", hpa.display(), obj.display(), h.max_replicas),
                    Severity::Warning,
                    Some(wi),
                );
            }
        } else {
            let n = w.replica_count();
            if n.unsigned_abs() > e.count {
                push(
                    obj.loc_at(&[PathSeg::Key("spec"), PathSeg::Key("replicas")]),
                    wi,
                    n,
                    format!("{} asks for {n} replicas", obj.display()),
                    Severity::Error,
                    None,
                );
            }
        }
    }
}
