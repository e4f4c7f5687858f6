//! Advice that several rules give, made once from the facts of the manifest at hand, as help
//! prose and as a fix from the same values: so the help never tells a DaemonSet to become one,
//! never asks a spread workload to spread, and its YAML is the text the fix writes.

use super::PodSet;
use crate::fix::{Applicability, Change, Fix, Value, What, keys};
use crate::k8s::model::{Model, ServiceView};
use crate::k8s::object::WorkloadKind;
pub use crate::k8s::spread::{SpreadPlan, hostname_spread};

/// How a set is spread today, when it already keeps its pods apart on nodes: `is a DaemonSet,
/// so it runs one pod on each node`; `None` when it does not (or only as a preference).
pub fn already_spread(set: &PodSet) -> Option<String> {
    let s = &set.spread;
    if set.kind == WorkloadKind::DaemonSet || s.daemon_set {
        return Some(format!("{} already runs one pod on each node", set.name));
    }
    if let Some(one) = &s.one_per_node {
        return Some(format!("{} already runs at most one pod per node ({})", set.name, one.describe()));
    }
    if let Some((true, _)) = s.hostname_tsc {
        return Some(format!(
            "{} is already spread across nodes by a `kubernetes.io/hostname` topologySpreadConstraint",
            set.name
        ));
    }
    None
}

/// The spread for one set of pods: a workload of the input gets a constraint in its pod
/// template (none when it already has a required hostname constraint: a second one for the same
/// key is refused by the API server); rendered proxy pods get what their implementation's
/// config takes.
pub fn spread_plan(model: &Model, set: &PodSet) -> Option<SpreadPlan> {
    match &set.spread_plan {
        Some(plan) => Some(plan.clone()),
        None => workload_plan(model, set.key),
    }
}

/// The spread for a workload of the input: a hostname constraint in its pod template that
/// selects its pods by their labels (none for a DaemonSet, a bare Pod or a template without
/// labels).
pub fn workload_plan(model: &Model, wi: crate::k8s::object::ObjId) -> Option<SpreadPlan> {
    let obj = model.objects.get(wi)?;
    let w = obj.workload()?;
    if w.kind == WorkloadKind::DaemonSet || w.kind == WorkloadKind::Pod || w.pod_labels.is_empty() {
        return None;
    }
    let pod = obj.root.at(&w.pod_path())?;
    let has_required_hostname = pod.get("topologySpreadConstraints").and_then(|l| l.as_seq()).is_some_and(|items| {
        items.iter().any(|t| {
            t.get("topologyKey").and_then(|k| k.as_str()) == Some("kubernetes.io/hostname")
                && t.get("whenUnsatisfiable").and_then(|k| k.as_str()).is_none_or(|w| w == "DoNotSchedule")
        })
    });
    // Pods of one revision apart from another's: a Deployment's ReplicaSets differ by
    // `pod-template-hash`, so a rollout's new pods are not counted against the old ones.
    let keys_: &[&str] = if w.kind == WorkloadKind::Deployment { &["pod-template-hash"] } else { &[] };
    let item = hostname_spread(w.pod_labels.iter().map(|(k, v)| (k.as_str(), v.as_str())), keys_);
    let mut at: Vec<&str> = w.pod_path.to_vec();
    at.push("topologySpreadConstraints");
    let text =
        format!("add to the pod template (`{}`): `topologySpreadConstraints: [{}]`", w.pod_path.join("."), item.flow());
    let change = (!has_required_hostname).then(|| Change { obj: wi, at: keys(&at), what: What::Push(item) });
    Some(SpreadPlan { change, text })
}

/// What [`local_with_spread`] advises.
pub struct LocalAdvice {
    pub help: String,
    pub fix: Option<Fix>,
    /// Every set of pods behind the Service is spread one per node already.
    pub spread: bool,
}

/// `externalTrafficPolicy: Local` on a view's Service, with the spread its pods need: the help
/// and the fix of the rules that ask for `Local` (unsafe: it changes behaviour on purpose).
pub fn local_with_spread(model: &Model, view: &ServiceView) -> LocalAdvice {
    let mut help = "set `externalTrafficPolicy: Local` on the Service".to_owned();
    let mut changes = Vec::new();
    let obj = &model.objects[view.obj];
    // A Service a Gateway implementation renders (in the input as applied) is rewritten by it:
    // the field to change is in its config, not in the Service.
    let managed = view.controller.is_some_and(|c| model.objects[model.controllers[c].obj].workload().is_none());
    let in_service = model.objects[view.policy_at.obj].kind == "Service";
    if view.policy_written && !(managed && in_service) {
        changes.extend(view.policy_at.change(&model.objects, What::Set(Value::str("Local"))));
    } else if obj.kind == "Service" && view.rendered.is_none() && !managed {
        changes.push(Change {
            obj: view.obj,
            at: keys(&["spec", "externalTrafficPolicy"]),
            what: What::Set(Value::str("Local")),
        });
    }
    let mut complete = !changes.is_empty();
    let mut spread_names = Vec::new();
    let mut spread = true;
    for set in super::pod_sets(model, view) {
        if let Some(done) = already_spread(&set) {
            help.push_str(&format!("; {done}"));
            continue;
        }
        // Without a load balancer's health checks, every node clients reach needs a local pod.
        if view.svc_type == "NodePort" {
            help.push_str(&format!(
                ", and run {} on every node clients reach (a DaemonSet): a NodePort Service has no health checks, so a node without a local pod drops its connections",
                set.name
            ));
            spread = false;
            complete = false;
            continue;
        }
        if set.count.count < 2 {
            continue;
        }
        spread = false;
        match spread_plan(model, &set) {
            Some(plan) => {
                help.push_str(&format!(", and spread {} across nodes: {}", set.name, plan.text));
                match plan.change {
                    Some(c) => {
                        changes.push(c);
                        spread_names.push(set.name.clone());
                    }
                    None => complete = false,
                }
            }
            None => {
                let how = if set.spread_hint.is_empty() {
                    "a `kubernetes.io/hostname` topologySpreadConstraint, `maxSkew: 1`, `whenUnsatisfiable: DoNotSchedule`"
                } else {
                    set.spread_hint.as_str()
                };
                help.push_str(&format!(", and spread {} across nodes: {how}", set.name));
                complete = false;
            }
        }
    }
    let title = if spread_names.is_empty() {
        "set `externalTrafficPolicy: Local`".to_owned()
    } else {
        format!("set `externalTrafficPolicy: Local` and spread {} across nodes", spread_names.join(" and "))
    };
    let fix = complete.then(|| changes.into_iter().fold(Fix::new(title, Applicability::Unsafe), Fix::change));
    LocalAdvice { help, fix, spread }
}
