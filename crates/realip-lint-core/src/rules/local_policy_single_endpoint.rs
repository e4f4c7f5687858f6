use std::collections::HashSet;

use super::{declare_rule, pod_sets};
use crate::diagnostic::Finding;
use crate::fix::{Applicability, Fix, Value};
use crate::k8s::model::{Model, Policy};
use crate::k8s::object::WorkloadKind;

declare_rule! {
    /// ## What it does
    /// Notes an external Service with `externalTrafficPolicy: Local` whose backing workloads run
    /// exactly one pod between them: `replicas: 1` (or no `replicas`), an HPA with
    /// `minReplicas: 1`, or a bare Pod. DaemonSets run one pod per node and are not this case.
    ///
    /// This is an info: the official single-replica manifests of several ingress controllers do
    /// it on purpose, and it is a fair choice for a test cluster. It is worth knowing what it
    /// costs.
    ///
    /// Envoy Gateway and NGINX Gateway Fabric run one proxy replica behind a `Local` Service by
    /// default, so a Gateway on their defaults is this case; the label sits where the replica
    /// count would be written.
    ///
    /// ## Why is this bad?
    /// With `Local`, only the node that runs the pod forwards traffic, so every load-balancer
    /// health check but one fails by design. When the pod moves (a rollout, a drain, a node
    /// failure), the new node starts failing and another starts passing, and the load balancer
    /// drops connections until its health checks converge, typically for tens of seconds.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec: {type: LoadBalancer, externalTrafficPolicy: Local, selector: {app: web}}
    /// ---
    /// kind: Deployment
    /// spec:
    ///   replicas: 1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// kind: Deployment
    /// spec:
    ///   replicas: 2
    ///   template:
    ///     spec:
    ///       topologySpreadConstraints:
    ///         - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule,
    ///            labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [pod-template-hash]}
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip
    /// - https://kubernetes.io/docs/tutorials/services/source-ip/#source-ip-for-services-with-type-loadbalancer
    "local-policy-single-endpoint",
    Info,
    "a `Local` Service in front of exactly one pod",
    check,
    category: Availability,
    hops: [Backends],
    fix: [DisplayOnly],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    let mut seen = HashSet::new();
    for view in &model.services {
        if !view.external || view.policy != Policy::Local {
            continue;
        }
        let sets = pod_sets(model, view);
        if sets.is_empty() || sets.iter().any(|s| s.kind == WorkloadKind::DaemonSet) {
            continue;
        }
        if sets.iter().map(|s| i64::from(s.count.count.max(0))).sum::<i64>() != 1 {
            continue;
        }
        let Some(set) = sets.into_iter().find(|s| s.count.count == 1) else { continue };
        if !seen.insert(set.key) {
            continue;
        }
        let count = &set.count;
        let when = match count.also_object {
            Some(_) => format!(" whenever {} scales it to its minReplicas 1", model.objects[count.object].display()),
            None => String::new(),
        };
        let runs = if set.kind == WorkloadKind::Pod { "is the only pod" } else { "runs a single pod" };
        let cost = if view.svc_type == "LoadBalancer" {
            "one node takes all the traffic, and when the pod moves the load balancer drops connections until its health checks converge"
        } else {
            "only the node that runs it answers, and which node that is changes whenever the pod moves"
        };
        let mut f = Finding::new(
            count.loc,
            format!("{} {runs} behind {} with `externalTrafficPolicy: Local`{when}: {cost}", set.name, view.name),
            format!(
                "if the downtime on every reschedule matters, run two or more replicas spread across nodes (`{}: 2` with a `kubernetes.io/hostname` topologySpreadConstraint, `maxSkew: 1`, `whenUnsatisfiable: DoNotSchedule`){}",
                set.count_field.unwrap_or("replicas"),
                // Pods an implementation renders are of the kind it makes (a config field, if
                // any, picks another: its own advice says so).
                if set.count_field.is_some() { "" } else { ", or a DaemonSet" }
            ),
        )
        .on(count.object)
        .related(view.policy_at.loc, "only the node with the pod receives traffic")
        .fix(two_spread(model, &set));
        f.also_object = count.also_object;
        out.push(f);
    }
}

/// Two pods, spread across nodes (when they are not already), where the count is written: a
/// suggestion, as whether the downtime matters is the user's call.
fn two_spread(model: &Model, set: &super::PodSet) -> Option<Fix> {
    if set.kind == WorkloadKind::Pod {
        return None;
    }
    // Rendered pods are counted in a config object; a count labelled on the Gateway (no config
    // object in the input) or inside a ConfigMap's embedded YAML has no object path to write.
    let holder = &model.objects[set.count.object];
    if set.count_field.is_some() && (crate::implementations::gateway_api::is_gateway(holder) || holder.kind == "ConfigMap") {
        return None;
    }
    let field = set.count_field.unwrap_or(if set.count.also_object.is_some() { "spec.minReplicas" } else { "spec.replicas" });
    let at: Vec<&str> = field.split('.').collect();
    let mut fix = Fix::new(format!("run 2 pods spread across nodes (`{field}: 2`)"), Applicability::DisplayOnly).set(
        set.count.object,
        &at,
        Value::Int(2),
    );
    if !set.spread.any() {
        fix = fix.change(super::advice::spread_plan(model, set)?.change?);
    }
    Some(fix)
}
