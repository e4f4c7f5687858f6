//! The typed Kubernetes kinds: one entry each for every kind the rules read as a typed object,
//! saying which API versions it is read from (removed ones upgraded to their successor), how a
//! document is prepared and typed, and the resource `--cluster` asks a cluster for. A kind the
//! rules start to read is one entry here (and its `ObjData`); the Gateway API's kinds and the
//! implementations' config kinds are read from their trees instead (`gateway::tree_kinds`).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::autoscaling::{v1 as autoscaling_v1, v2 as autoscaling_v2};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::networking::v1 as networking;
use k8s_openapi::api::policy::v1 as policy;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::object::{DaemonSetRollout, DeploymentRollout, Hpa, ObjData, Workload, WorkloadKind, meta_maps};

/// One typed kind.
pub struct TypedKind {
    pub kind: &'static str,
    /// (group, version, read as): each API version it is read from, and the version it is read
    /// as (a removed version reads as its successor).
    pub versions: &'static [(&'static str, &'static str, &'static str)],
    /// The `resource.group` that `--cluster` lists, so no short name or look-alike CRD can shadow
    /// it. `None` for Pods, ReplicaSets and ReplicationControllers: in a live cluster they are the
    /// children of the workloads listed, and linting them twice would repeat every finding.
    pub cluster: Option<&'static str>,
    /// Before typing, with the (group, version) written: apply what a removed API version
    /// meant, and drop what no rule reads and typing would only trip over.
    prepare: fn(&mut Value, &str, &str),
    /// Type the prepared value, read as the given `apiVersion`.
    convert: fn(&str, &Value) -> Result<Converted, TypeError>,
}

const CORE_V1: &[(&str, &str, &str)] = &[("", "v1", "v1")];
const DEPLOYMENT: &[(&str, &str, &str)] = &[
    ("apps", "v1", "apps/v1"),
    ("apps", "v1beta2", "apps/v1"),
    ("extensions", "v1beta1", "apps/v1"),
    ("apps", "v1beta1", "apps/v1"),
];
const DAEMON_AND_REPLICA_SET: &[(&str, &str, &str)] =
    &[("apps", "v1", "apps/v1"), ("apps", "v1beta2", "apps/v1"), ("extensions", "v1beta1", "apps/v1")];
const STATEFUL_SET: &[(&str, &str, &str)] =
    &[("apps", "v1", "apps/v1"), ("apps", "v1beta1", "apps/v1"), ("apps", "v1beta2", "apps/v1")];

/// Every typed kind; `--cluster` asks for their resources in this order.
pub static KINDS: &[TypedKind] = &[
    TypedKind {
        kind: "Service",
        versions: CORE_V1,
        cluster: Some("services"),
        prepare: |_, _, _| {},
        convert: |r, v| convert_typed("Service", r, v),
    },
    TypedKind {
        kind: "Deployment",
        versions: DEPLOYMENT,
        cluster: Some("deployments.apps"),
        prepare: |v, g, ver| upgrade_workload(v, g, ver, "Deployment"),
        convert: |_, v| workload("Deployment", v),
    },
    TypedKind {
        kind: "DaemonSet",
        versions: DAEMON_AND_REPLICA_SET,
        cluster: Some("daemonsets.apps"),
        prepare: |v, g, ver| upgrade_workload(v, g, ver, "DaemonSet"),
        convert: |_, v| workload("DaemonSet", v),
    },
    TypedKind {
        kind: "StatefulSet",
        versions: STATEFUL_SET,
        cluster: Some("statefulsets.apps"),
        prepare: |v, g, ver| upgrade_workload(v, g, ver, "StatefulSet"),
        convert: |_, v| workload("StatefulSet", v),
    },
    TypedKind {
        kind: "Ingress",
        versions: &[
            ("networking.k8s.io", "v1", "networking.k8s.io/v1"),
            ("networking.k8s.io", "v1beta1", "networking.k8s.io/v1"),
            ("extensions", "v1beta1", "networking.k8s.io/v1"),
        ],
        cluster: Some("ingresses.networking.k8s.io"),
        prepare: |v, _, ver| upgrade_ingress(v, ver),
        convert: |r, v| convert_typed("Ingress", r, v),
    },
    TypedKind {
        kind: "IngressClass",
        versions: &[
            ("networking.k8s.io", "v1", "networking.k8s.io/v1"),
            ("networking.k8s.io", "v1beta1", "networking.k8s.io/v1"),
        ],
        cluster: Some("ingressclasses.networking.k8s.io"),
        prepare: |_, _, _| {},
        convert: |r, v| convert_typed("IngressClass", r, v),
    },
    TypedKind {
        kind: "NetworkPolicy",
        versions: &[
            ("networking.k8s.io", "v1", "networking.k8s.io/v1"),
            ("extensions", "v1beta1", "networking.k8s.io/v1"),
        ],
        cluster: Some("networkpolicies.networking.k8s.io"),
        prepare: |_, _, _| {},
        convert: |r, v| convert_typed("NetworkPolicy", r, v),
    },
    TypedKind {
        kind: "ConfigMap",
        versions: CORE_V1,
        cluster: Some("configmaps"),
        // Go's base64 decoder skips line breaks; the rules never read binary data.
        prepare: |v, _, _| {
            if let Some(m) = v.as_object_mut() {
                m.remove("binaryData");
            }
        },
        convert: |r, v| convert_typed("ConfigMap", r, v),
    },
    TypedKind {
        kind: "HorizontalPodAutoscaler",
        versions: &[
            ("autoscaling", "v1", "autoscaling/v1"),
            ("autoscaling", "v2", "autoscaling/v2"),
            ("autoscaling", "v2beta1", "autoscaling/v2"),
            ("autoscaling", "v2beta2", "autoscaling/v2"),
        ],
        cluster: Some("horizontalpodautoscalers.autoscaling"),
        prepare: |v, _, ver| upgrade_hpa(v, ver),
        convert: |r, v| convert_typed("HorizontalPodAutoscaler", r, v),
    },
    TypedKind {
        kind: "PodDisruptionBudget",
        versions: &[("policy", "v1", "policy/v1"), ("policy", "v1beta1", "policy/v1")],
        cluster: Some("poddisruptionbudgets.policy"),
        prepare: |_, _, _| {},
        convert: |r, v| convert_typed("PodDisruptionBudget", r, v),
    },
    TypedKind {
        kind: "Node",
        versions: CORE_V1,
        cluster: Some("nodes"),
        prepare: |_, _, _| {},
        convert: |r, v| convert_typed("Node", r, v),
    },
    TypedKind {
        kind: "Pod",
        versions: CORE_V1,
        cluster: None,
        prepare: |_, _, _| {},
        convert: |_, v| workload("Pod", v),
    },
    TypedKind {
        kind: "ReplicaSet",
        versions: DAEMON_AND_REPLICA_SET,
        cluster: None,
        prepare: |v, g, ver| upgrade_workload(v, g, ver, "ReplicaSet"),
        convert: |_, v| workload("ReplicaSet", v),
    },
    TypedKind {
        kind: "ReplicationController",
        versions: CORE_V1,
        cluster: None,
        prepare: |_, _, _| {},
        convert: |_, v| workload("ReplicationController", v),
    },
];

fn entry(kind: &str) -> Option<&'static TypedKind> {
    KINDS.iter().find(|k| k.kind == kind)
}

/// What an object of this group, version and kind is read as: `None` when no rule reads it as
/// a typed object.
pub fn read_as(group: &str, version: &str, kind: &str) -> Option<&'static str> {
    entry(kind)?.versions.iter().find(|(g, v, _)| *g == group && *v == version).map(|(_, _, r)| *r)
}

/// The resources `--cluster` reads on every cluster, as `resource.group`.
pub fn cluster_kinds() -> impl Iterator<Item = &'static str> {
    KINDS.iter().filter_map(|k| k.cluster)
}

/// Prepare a document of a typed kind for typing (see [`TypedKind`]).
pub(super) fn prepare(value: &mut Value, group: &str, version: &str, kind: &str) {
    if let Some(k) = entry(kind) {
        (k.prepare)(value, group, version);
    }
}

/// Type a prepared document of a typed kind.
pub(super) fn convert(kind: &str, read_as: &str, value: &Value) -> Result<Converted, TypeError> {
    match entry(kind) {
        Some(k) => (k.convert)(read_as, value),
        None => Err((Vec::new(), format!("unexpected kind {kind}"), false)),
    }
}

/// What the removed workload API versions meant: the old APIs' defaults, written out.
fn upgrade_workload(value: &mut Value, group: &str, version: &str, kind: &str) {
    let old_workload = matches!((group, version), ("extensions" | "apps", "v1beta1"));
    if old_workload && matches!(kind, "Deployment" | "DaemonSet" | "ReplicaSet" | "StatefulSet") {
        // The old APIs defaulted the selector from the pod template's labels.
        if value.pointer("/spec/selector").is_none_or(Value::is_null)
            && let Some(labels) = value.pointer("/spec/template/metadata/labels").cloned()
            && let Some(spec) = value.get_mut("spec").and_then(Value::as_object_mut)
        {
            spec.insert("selector".into(), json!({ "matchLabels": labels }));
        }
        if kind == "Deployment" && group == "extensions" {
            // extensions/v1beta1 defaulted both rolling-update bounds to 1, not 25%.
            let strategy = value.pointer("/spec/strategy/type").and_then(Value::as_str).unwrap_or("RollingUpdate");
            if strategy == "RollingUpdate"
                && let Some(spec) = value.get_mut("spec").and_then(Value::as_object_mut)
            {
                let s = spec.entry("strategy").or_insert_with(|| json!({}));
                if let Some(s) = s.as_object_mut() {
                    let ru = s.entry("rollingUpdate").or_insert_with(|| json!({}));
                    if let Some(ru) = ru.as_object_mut() {
                        ru.entry("maxSurge").or_insert(json!(1));
                        ru.entry("maxUnavailable").or_insert(json!(1));
                    }
                }
            }
        }
        if kind == "DaemonSet"
            && group == "extensions"
            && let Some(spec) = value.get_mut("spec").and_then(Value::as_object_mut)
        {
            let s = spec.entry("updateStrategy").or_insert_with(|| json!({}));
            if let Some(s) = s.as_object_mut() {
                s.entry("type").or_insert(json!("OnDelete"));
            }
        }
    }
}

/// What `v1beta1` Ingresses meant: backends in the old shape, paths without a type.
fn upgrade_ingress(value: &mut Value, version: &str) {
    if version == "v1beta1"
        && let Some(spec) = value.get_mut("spec").and_then(Value::as_object_mut)
    {
        if let Some(backend) = spec.remove("backend") {
            spec.insert("defaultBackend".into(), convert_backend(backend));
        }
        if let Some(rules) = spec.get_mut("rules").and_then(Value::as_array_mut) {
            for rule in rules {
                let Some(paths) = rule.pointer_mut("/http/paths").and_then(Value::as_array_mut) else { continue };
                for p in paths {
                    let Some(p) = p.as_object_mut() else { continue };
                    if let Some(b) = p.remove("backend") {
                        p.insert("backend".into(), convert_backend(b));
                    }
                    p.entry("pathType").or_insert(json!("ImplementationSpecific"));
                }
            }
        }
    }
}

/// What the `v2beta*` autoscalers meant, as far as the rules read them.
fn upgrade_hpa(value: &mut Value, version: &str) {
    if version.starts_with("v2beta") {
        // Metrics changed shape; the rules read only the bounds and the target.
        if let Some(spec) = value.get_mut("spec").and_then(Value::as_object_mut) {
            spec.remove("metrics");
            spec.remove("behavior");
        }
    }
}

fn convert_backend(backend: Value) -> Value {
    let Value::Object(mut b) = backend else { return backend };
    let name = b.remove("serviceName");
    let port = b.remove("servicePort");
    if name.is_some() || port.is_some() {
        let port = match port {
            Some(Value::Number(n)) => json!({ "number": n }),
            Some(Value::String(s)) => {
                s.parse::<i64>().map_or_else(|_| json!({ "name": s }), |n| json!({ "number": n }))
            }
            _ => json!({}),
        };
        b.insert("service".into(), json!({ "name": name.unwrap_or(Value::Null), "port": port }));
    }
    Value::Object(b)
}

#[derive(Debug, Clone)]
pub(super) enum PathPart {
    Key(String),
    Index(usize),
}

pub(super) type Converted = (ObjData, BTreeMap<String, String>, BTreeMap<String, String>);

/// A typing error: its path, its message, and whether the path is whole (every segment a key
/// or an index).
pub(super) type TypeError = (Vec<PathPart>, String, bool);

fn de<T: DeserializeOwned>(value: &Value) -> Result<T, TypeError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut complete = true;
        let path = e
            .path()
            .iter()
            .filter_map(|seg| match seg {
                serde_path_to_error::Segment::Map { key } => Some(PathPart::Key(key.clone())),
                serde_path_to_error::Segment::Seq { index } => Some(PathPart::Index(*index)),
                _ => {
                    complete = false;
                    None
                }
            })
            .collect();
        (path, friendly(&e.into_inner().to_string()), complete)
    })
}

/// serde's wording, in Kubernetes terms.
fn friendly(msg: &str) -> String {
    let msg = msg.split(" at line ").next().unwrap_or(msg);
    msg.replace("expected i32", "expected an integer")
        .replace("expected i64", "expected an integer")
        .replace("expected a string", "expected a string (quote it)")
        .replace("expected a boolean", "expected true or false")
        .replace("invalid type: ", "wrong type: ")
}

fn convert_typed(kind: &str, read_as: &str, value: &Value) -> Result<Converted, TypeError> {
    Ok(match kind {
        "Service" => {
            let s: core::Service = de(value)?;
            let (l, a) = meta_maps(&s.metadata);
            (ObjData::Service(Box::new(s)), l, a)
        }
        "ConfigMap" => {
            let c: core::ConfigMap = de(value)?;
            let (l, a) = meta_maps(&c.metadata);
            (ObjData::ConfigMap, l, a)
        }
        "Node" => {
            let n: core::Node = de(value)?;
            let (l, a) = meta_maps(&n.metadata);
            (ObjData::Node(Box::new(n)), l, a)
        }
        "Ingress" => {
            let i: networking::Ingress = de(value)?;
            let (l, a) = meta_maps(&i.metadata);
            (ObjData::Ingress(Box::new(i)), l, a)
        }
        "IngressClass" => {
            let i: networking::IngressClass = de(value)?;
            let (l, a) = meta_maps(&i.metadata);
            (ObjData::IngressClass(Box::new(i)), l, a)
        }
        "NetworkPolicy" => {
            let n: networking::NetworkPolicy = de(value)?;
            let (l, a) = meta_maps(&n.metadata);
            (ObjData::NetworkPolicy(Box::new(n)), l, a)
        }
        "PodDisruptionBudget" => {
            let p: policy::PodDisruptionBudget = de(value)?;
            let (l, a) = meta_maps(&p.metadata);
            (ObjData::Pdb(Box::new(p)), l, a)
        }
        "HorizontalPodAutoscaler" if read_as == "autoscaling/v1" => {
            let h: autoscaling_v1::HorizontalPodAutoscaler = de(value)?;
            let (l, a) = meta_maps(&h.metadata);
            let spec = h.spec;
            let hpa = Hpa {
                target_kind: spec.scale_target_ref.kind,
                target_name: spec.scale_target_ref.name,
                min_replicas: spec.min_replicas,
                max_replicas: spec.max_replicas,
            };
            (ObjData::Hpa(hpa), l, a)
        }
        "HorizontalPodAutoscaler" => {
            let h: autoscaling_v2::HorizontalPodAutoscaler = de(value)?;
            let (l, a) = meta_maps(&h.metadata);
            let spec = h.spec;
            let hpa = Hpa {
                target_kind: spec.scale_target_ref.kind,
                target_name: spec.scale_target_ref.name,
                min_replicas: spec.min_replicas,
                max_replicas: spec.max_replicas,
            };
            (ObjData::Hpa(hpa), l, a)
        }
        _ => return workload(kind, value),
    })
}

const TEMPLATE_SPEC: &[&str] = &["spec", "template", "spec"];
const POD_SPEC: &[&str] = &["spec"];

fn workload(kind: &str, value: &Value) -> Result<Converted, TypeError> {
    let wk = WorkloadKind::from_kind(kind).ok_or_else(|| (Vec::new(), format!("unexpected kind {kind}"), false))?;
    macro_rules! templated {
        ($t:ty) => {{
            let mut o: $t = de(value)?;
            let (l, a) = meta_maps(&o.metadata);
            // The pod template moves to the workload; the typed object keeps the rest (strategy,
            // selector) without a second copy of the pod spec.
            let template = std::mem::take(&mut o.spec.template);
            let selector = o.spec.selector.clone();
            (o, l, a, selector, template)
        }};
    }
    let owners = |meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta| {
        meta.owner_references.iter().flatten().map(|o| (o.kind.clone(), o.name.clone())).collect::<Vec<_>>()
    };
    let mut w = Workload {
        kind: wk,
        replicas: None,
        selector: None,
        pod_labels: BTreeMap::new(),
        pod_annotations: BTreeMap::new(),
        pod: core::PodSpec::default(),
        pod_path: TEMPLATE_SPEC,
        deployment: None,
        daemon_set: None,
        owners: Vec::new(),
    };
    let (labels, annotations, template) = match wk {
        WorkloadKind::Deployment => {
            let (o, l, a, selector, t) = templated!(apps::Deployment);
            w.replicas = o.spec.replicas;
            w.selector = Some(selector);
            w.owners = owners(&o.metadata);
            w.deployment = Some(DeploymentRollout { strategy: o.spec.strategy });
            (l, a, Some(t))
        }
        WorkloadKind::StatefulSet => {
            let (o, l, a, selector, t) = templated!(apps::StatefulSet);
            w.replicas = o.spec.replicas;
            w.selector = Some(selector);
            w.owners = owners(&o.metadata);
            (l, a, Some(t))
        }
        WorkloadKind::DaemonSet => {
            let (o, l, a, selector, t) = templated!(apps::DaemonSet);
            w.selector = Some(selector);
            w.owners = owners(&o.metadata);
            w.daemon_set = Some(DaemonSetRollout { update_strategy: o.spec.update_strategy });
            (l, a, Some(t))
        }
        WorkloadKind::ReplicaSet => {
            let (o, l, a, selector, t) = templated!(apps::ReplicaSet);
            w.replicas = o.spec.replicas;
            w.selector = Some(selector);
            w.owners = owners(&o.metadata);
            (l, a, t)
        }
        WorkloadKind::ReplicationController => {
            let o: core::ReplicationController = de(value)?;
            let (l, a) = meta_maps(&o.metadata);
            let spec = o.spec.clone().unwrap_or_default();
            w.replicas = spec.replicas;
            // A missing selector defaults to the template's labels.
            let t = spec.template.clone();
            let sel = spec
                .selector
                .clone()
                .filter(|s| !s.is_empty())
                .or_else(|| t.as_ref().and_then(|t| t.metadata.as_ref()?.labels.clone()));
            w.selector = sel.map(|m| k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
                match_labels: Some(m),
                match_expressions: None,
            });
            w.owners = owners(&o.metadata);
            (l, a, t)
        }
        WorkloadKind::Pod => {
            let o: core::Pod = de(value)?;
            let (l, a) = meta_maps(&o.metadata);
            w.pod_labels.clone_from(&l);
            w.pod_annotations.clone_from(&a);
            w.pod = o.spec.clone().unwrap_or_default();
            w.pod_path = POD_SPEC;
            w.owners = owners(&o.metadata);
            (l, a, None)
        }
    };
    if let Some(t) = template {
        if let Some(m) = t.metadata {
            w.pod_labels = m.labels.unwrap_or_default();
            w.pod_annotations = m.annotations.unwrap_or_default();
        }
        w.pod = t.spec.unwrap_or_default();
    }
    slim(&mut w.pod);
    Ok((ObjData::Workload(Box::new(w)), labels, annotations))
}

/// Free the parts of a pod spec no rule reads, once typing has checked them. k8s-openapi's
/// structs are large (a `Volume` is 3 KB, a `Container` 2 KB before its contents): without this,
/// the typed pods were a fifth of the memory of a lint. Their mistakes are still reported
/// (fixture `invalid-manifest/fail-wrong-type-unread-field`). A rule that starts reading one of
/// these fields must take it out of this list.
fn slim(pod: &mut core::PodSpec) {
    pod.volumes = None;
    pod.init_containers = None;
    pod.ephemeral_containers = None;
    pod.security_context = None;
    pod.dns_config = None;
    pod.host_aliases = None;
    pod.image_pull_secrets = None;
    pod.readiness_gates = None;
    pod.resource_claims = None;
    pod.overhead = None;
    for c in &mut pod.containers {
        c.volume_mounts = None;
        c.volume_devices = None;
        c.liveness_probe = None;
        c.readiness_probe = None;
        c.startup_probe = None;
        c.lifecycle = None;
        c.security_context = None;
        c.env_from = None;
        c.resources = None;
        c.resize_policy = None;
        c.restart_policy_rules = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_versions_read_as_their_successors() {
        assert_eq!(read_as("extensions", "v1beta1", "Deployment"), Some("apps/v1"));
        assert_eq!(read_as("apps", "v1beta1", "Deployment"), Some("apps/v1"));
        assert_eq!(read_as("apps", "v1beta1", "DaemonSet"), None);
        assert_eq!(read_as("autoscaling", "v2beta2", "HorizontalPodAutoscaler"), Some("autoscaling/v2"));
        assert_eq!(read_as("", "v1", "Secret"), None);
        assert_eq!(read_as("apps", "v1", "Service"), None);
    }

    #[test]
    fn the_cluster_reads_the_parents_not_the_children() {
        assert_eq!(
            cluster_kinds().collect::<Vec<_>>().join(","),
            "services,deployments.apps,daemonsets.apps,statefulsets.apps,ingresses.networking.k8s.io,ingressclasses.networking.k8s.io,networkpolicies.networking.k8s.io,configmaps,horizontalpodautoscalers.autoscaling,poddisruptionbudgets.policy,nodes"
        );
    }
}
