use super::{declare_rule, local_view};
use crate::diagnostic::{Finding, Severity};
use crate::k8s::model::Model;
use crate::k8s::object::WorkloadKind;
use crate::k8s::spread::{self, TermKind};
use crate::yaml::PathSeg;

declare_rule! {
    /// ## What it does
    /// Flags a pod anti-affinity term or a topologySpreadConstraint that does not select the
    /// workload's own pods, so it spreads nothing: its `labelSelector` does not match the pod
    /// template's labels (or is missing), its `namespaces` leave out the pod's own namespace, or
    /// its `mismatchLabelKeys` exclude the pod's own revision.
    ///
    /// A warning when the workload backs an external Service with `externalTrafficPolicy: Local`,
    /// where the spread is what keeps every node that receives traffic served; an info otherwise
    /// (and for DaemonSets, which run one pod per node anyway).
    ///
    /// An anti-affinity term whose selector shares no label (key and value) with the pod and
    /// does not name the workload itself (`app: openelb-controller` for a Deployment of that
    /// name) keeps the pods away from *another* application (a database, a noisy neighbour),
    /// which is what anti-affinity is also for: such a term is not reported.
    ///
    /// ## Why is this bad?
    /// The scheduler evaluates the term against pods it does not select: a required term is
    /// always satisfied, a preferred one never scores, a spread constraint counts zero pods in
    /// every domain. The pods stack on nodes as if the term were not there, which is usually
    /// found out only when one node failure takes several replicas at once, or a `Local` node
    /// without a pod drops traffic. Helm charts cause it when the selector and the template take
    /// their labels from different helpers.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   template:
    ///     metadata:
    ///       labels: {app.kubernetes.io/name: web}
    ///     spec:
    ///       topologySpreadConstraints:
    ///         - maxSkew: 1
    ///           topologyKey: kubernetes.io/hostname
    ///           whenUnsatisfiable: DoNotSchedule
    ///           labelSelector: {matchLabels: {app: web}}   # the pods have no `app` label
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///           labelSelector: {matchLabels: {app.kubernetes.io/name: web}}
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
    /// - https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/#spread-constraint-definition
    "spread-selector-mismatch",
    Warning,
    "a spreading term whose selector misses the workload's own pods",
    check,
    category: Availability,
    hops: [Backends],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (wi, obj, w) in model.workloads() {
        if model.owned_by_input(obj, w) {
            continue;
        }
        let s = spread::analyse(obj, w);
        for m in &s.mismatched {
            if m.other_app && m.kind != TermKind::TopologySpread {
                continue;
            }
            let view = local_view(model, wi).filter(|_| w.kind != WorkloadKind::DaemonSet);
            let labels = if w.pod_labels.is_empty() {
                "{}".to_owned()
            } else {
                let l = w.pod_labels.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ");
                format!("{{{l}}}")
            };
            let help = if m.why.contains("namespaces") {
                format!(
                    "add `{}` to the term's `namespaces`, or remove `namespaces` (the pod's own namespace is the default)",
                    obj.namespace.as_deref().unwrap_or("default")
                )
            } else if m.why.contains("mismatchLabelKeys") {
                "remove `mismatchLabelKeys`; to count only the pod's own revision, use `matchLabelKeys: [pod-template-hash]`".to_owned()
            } else {
                format!("select the pod template's own labels: `labelSelector: {{matchLabels: {labels}}}`")
            };
            let mut message = format!(
                "the {} on `{}` of {} does not select the workload's own pods ({}), so it spreads nothing",
                m.kind.describe(),
                m.topology_key,
                obj.display(),
                m.why
            );
            let mut f = Finding::new(m.at, String::new(), help).on(wi);
            if m.at != m.loc {
                f = f.related(m.loc, "this term");
            }
            let mut labels_path = w.pod_path();
            labels_path.pop();
            labels_path.extend([PathSeg::Key("metadata"), PathSeg::Key("labels")]);
            if w.kind == WorkloadKind::Pod {
                labels_path = vec![PathSeg::Key("metadata"), PathSeg::Key("labels")];
            }
            f = f.related(obj.key_loc(&labels_path), "the pods' own labels");
            match view {
                Some(v) => {
                    message.push_str(&format!(
                        ", and {} with `externalTrafficPolicy: Local` relies on the pods being spread",
                        model.objects[v.obj].display()
                    ));
                    f = f.related(v.policy_at.loc, "only nodes with a local pod receive traffic");
                }
                None => f = f.severity(Severity::Info),
            }
            f.message = message;
            out.push(f);
        }
    }
}
