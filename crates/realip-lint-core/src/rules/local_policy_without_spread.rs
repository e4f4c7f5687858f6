use super::{declare_rule, policy_loc};
use crate::diagnostic::Finding;
use crate::k8s::model::{Model, Policy};
use crate::k8s::object::WorkloadKind;
use crate::k8s::spread;
use crate::yaml::PathSeg;

declare_rule! {
    /// ## What it does
    /// Flags a workload behind an external Service with `externalTrafficPolicy: Local` that runs
    /// two or more pods (replicas, or an HPA's `minReplicas`) with nothing that spreads them
    /// across nodes: no required or preferred pod anti-affinity on `kubernetes.io/hostname`, no
    /// hostname topologySpreadConstraint, no host port, and not a DaemonSet.
    ///
    /// A spreading term whose selector misses the pod's own labels spreads nothing; the message
    /// says so. A spread over zones only is `spread-topology-not-hostname`'s case.
    ///
    /// ## Why is this bad?
    /// With `Local`, a node forwards only to pods on itself and the load balancer balances per
    /// node, not per pod. Pods that stack on one node leave the other nodes without a local
    /// endpoint: the load balancer takes them out (or, without health checks, their connections
    /// time out), and the nodes that are left carry uneven load. One node failure can then take
    /// every pod at once.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// spec:
    ///   replicas: 3
    ///   template:
    ///     metadata: {labels: {app: web}}
    ///     spec: {containers: [{name: web, image: nginx}]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       topologySpreadConstraints:
    ///         - maxSkew: 1
    ///           topologyKey: kubernetes.io/hostname
    ///           whenUnsatisfiable: DoNotSchedule
    ///           labelSelector: {matchLabels: {app: web}}
    ///           matchLabelKeys: [pod-template-hash]
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#caveats-and-limitations-when-preserving-source-ips
    /// - https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
    "local-policy-without-spread",
    Warning,
    "pods behind a `Local` Service are not spread across nodes",
    check,
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (wi, obj, w) in model.workloads() {
        if w.kind == WorkloadKind::DaemonSet || w.kind == WorkloadKind::Pod {
            continue;
        }
        let Some(view) = model.services_of(wi).find(|v| v.external && v.policy == Policy::Local) else { continue };
        let hpa = model.hpa(wi);
        let count = hpa.map_or_else(|| w.replica_count(), |(_, h)| h.min_replicas.unwrap_or(1));
        if count < 2 {
            continue;
        }
        let s = spread::analyse(obj, w);
        if s.any() || s.zone_only.is_some() {
            continue;
        }
        let svc = &model.objects[view.obj];
        let (loc, object, what) = match hpa {
            Some((hi, h)) => (
                model.objects[hi].loc_at(&[PathSeg::Key("spec"), PathSeg::Key("minReplicas")]),
                hi,
                format!("at least {} pods (its HPA's minReplicas)", h.min_replicas.unwrap_or(1)),
            ),
            None => (obj.loc_at(&[PathSeg::Key("spec"), PathSeg::Key("replicas")]), wi, format!("{count} replicas")),
        };
        let mut message = format!(
            "{} runs {what} behind {} with `externalTrafficPolicy: Local`, but nothing spreads them across nodes",
            obj.display(),
            svc.display()
        );
        if let Some(m) = s.mismatched.first() {
            message.push_str(&format!(" (a spreading term exists, but {})", m.why));
        }
        let labels = w.pod_labels.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ");
        let mut f = Finding::new(
            loc,
            message,
            format!(
                "add to the pod template: `topologySpreadConstraints: [{{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {{matchLabels: {{{labels}}}}}, matchLabelKeys: [pod-template-hash]}}]`, or use required pod anti-affinity on kubernetes.io/hostname, or a DaemonSet"
            ),
        )
        .on(object)
        .related(policy_loc(model, view), "only nodes with a local pod receive traffic");
        if hpa.is_some() {
            f.also_object = Some(wi);
        }
        if let Some(m) = s.mismatched.first() {
            f = f.related(m.loc, "this term spreads nothing");
        }
        out.push(f);
    }
}
