//! Kubernetes objects as the model keeps them: identity, the spanned tree for labels, and the
//! typed value (k8s-openapi) for the kinds that rules read.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::networking::v1 as networking;
use k8s_openapi::api::policy::v1 as policy;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use crate::diagnostic::{Loc, ObjectRef};
use crate::fix::{Change, Edit, Editor, Fix, Seg, What};
use crate::source::Span;
use crate::yaml::{Node, NodeKind, PathSeg};

/// Index of an object in `Model::objects`.
pub type ObjId = usize;

#[derive(Debug)]
pub struct Object {
    pub file: usize,
    /// The object's own mapping (a List item's mapping for List items).
    pub root: Node,
    /// `apiVersion` as written.
    pub api_version: String,
    /// `apiVersion` the object is read as (its successor when the written one was removed).
    pub read_as: String,
    pub kind: String,
    pub name: Option<String>,
    /// The effective namespace (`None` for cluster-scoped kinds).
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub data: ObjData,
    /// A later definition of the same object replaces this one.
    pub shadowed: bool,
}

#[derive(Debug)]
pub enum ObjData {
    Service(Box<core::Service>),
    Workload(Box<Workload>),
    Ingress(Box<networking::Ingress>),
    IngressClass(Box<networking::IngressClass>),
    /// Its `data` is read from `root` (`Object::config_data`): typing has checked that every
    /// value is a string, and a second copy of it (Grafana dashboards…) would only cost memory.
    ConfigMap,
    Hpa(Hpa),
    Pdb(Box<policy::PodDisruptionBudget>),
    NetworkPolicy(Box<networking::NetworkPolicy>),
    Node(Box<core::Node>),
    /// A kind read from its YAML tree (Gateway API objects and the Gateway implementations'
    /// config objects, which k8s-openapi has no types for): `root` is kept whole.
    Raw,
    /// A kind no rule reads: only its identity is kept.
    Other,
}

/// A place in the input and the object that holds it (where a finding labelled there is
/// reported, and where its suppression annotation goes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub loc: Loc,
    pub obj: ObjId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    ReplicationController,
    Pod,
}

impl WorkloadKind {
    pub fn from_kind(kind: &str) -> Option<Self> {
        Some(match kind {
            "Deployment" => Self::Deployment,
            "StatefulSet" => Self::StatefulSet,
            "DaemonSet" => Self::DaemonSet,
            "ReplicaSet" => Self::ReplicaSet,
            "ReplicationController" => Self::ReplicationController,
            "Pod" => Self::Pod,
            _ => return None,
        })
    }
}

/// Any pod-creating object, reduced to what the model needs.
#[derive(Debug)]
pub struct Workload {
    pub kind: WorkloadKind,
    /// `spec.replicas` as written (`None`: absent; the API default is 1). Always `None` for
    /// DaemonSets and Pods.
    pub replicas: Option<i32>,
    pub selector: Option<LabelSelector>,
    pub pod_labels: BTreeMap<String, String>,
    pub pod_annotations: BTreeMap<String, String>,
    pub pod: core::PodSpec,
    /// Where the pod spec sits in the object's tree.
    pub pod_path: &'static [&'static str],
    /// What the rollout rules read of a Deployment or a DaemonSet (its typed object is not kept).
    pub deployment: Option<DeploymentRollout>,
    pub daemon_set: Option<DaemonSetRollout>,
    pub owners: Vec<(String, String)>,
}

/// A Deployment's `spec.strategy`.
#[derive(Debug, Default)]
pub struct DeploymentRollout {
    pub strategy: Option<apps::DeploymentStrategy>,
}

/// A DaemonSet's `spec.updateStrategy`.
#[derive(Debug, Default)]
pub struct DaemonSetRollout {
    pub update_strategy: Option<apps::DaemonSetUpdateStrategy>,
}

impl Workload {
    /// The replica count the API server would default to.
    pub fn replica_count(&self) -> i32 {
        match self.kind {
            WorkloadKind::DaemonSet => 0,
            WorkloadKind::Pod => 1,
            _ => self.replicas.unwrap_or(1),
        }
    }

    pub fn pod_path(&self) -> Vec<PathSeg<'static>> {
        self.pod_path.iter().map(|k| PathSeg::Key(k)).collect()
    }
}

/// An HPA, either version, reduced to what the rules need.
#[derive(Debug)]
pub struct Hpa {
    pub target_kind: String,
    pub target_name: String,
    pub min_replicas: Option<i32>,
    pub max_replicas: i32,
}

impl Object {
    /// A ConfigMap's `data`, by key (the last of a duplicated key wins, as in the API server).
    pub fn config_data(&self) -> BTreeMap<&str, &str> {
        let Some(NodeKind::Map(entries)) = self.root.get("data").map(|n| &n.kind) else { return BTreeMap::new() };
        entries.iter().filter_map(|(k, v)| Some((k.as_str()?, v.as_str()?))).collect()
    }

    /// One value of a ConfigMap's `data`.
    pub fn config_value(&self, key: &str) -> Option<&str> {
        self.root.get("data")?.get(key)?.as_str()
    }

    pub fn group(&self) -> &str {
        group_of(&self.read_as)
    }

    pub fn service(&self) -> Option<&core::Service> {
        match &self.data {
            ObjData::Service(s) => Some(s),
            _ => None,
        }
    }

    pub fn workload(&self) -> Option<&Workload> {
        match &self.data {
            ObjData::Workload(w) => Some(w),
            _ => None,
        }
    }

    pub fn loc(&self, span: Span) -> Loc {
        Loc { file: self.file, span }
    }

    /// The value node at `path`, if present.
    pub fn node(&self, path: &[PathSeg<'_>]) -> Option<&Node> {
        self.root.at(path)
    }

    /// The place to label for `path`: the value when present, else the key token of the
    /// nearest parent that exists.
    pub fn loc_at(&self, path: &[PathSeg<'_>]) -> Loc {
        match self.root.at(path) {
            Some(n) => self.loc(n.span),
            None => self.loc(self.root.nearest(path).0.span),
        }
    }

    /// The key token at `path` (or of its nearest existing parent).
    pub fn key_loc(&self, path: &[PathSeg<'_>]) -> Loc {
        self.loc(self.root.nearest(path).0.span)
    }

    /// Where the object names itself: `metadata.name`'s value, else `kind`'s.
    pub fn name_loc(&self) -> Loc {
        let path = [PathSeg::Key("metadata"), PathSeg::Key("name")];
        match self.root.at(&path) {
            Some(n) => self.loc(n.span),
            None => self.loc_at(&[PathSeg::Key("kind")]),
        }
    }

    pub fn display(&self) -> String {
        let name = self.name.as_deref().unwrap_or("<unnamed>");
        match &self.namespace {
            Some(ns) => format!("{} {ns}/{name}", self.kind),
            None => format!("{} {name}", self.kind),
        }
    }

    pub fn reference(&self) -> Option<ObjectRef> {
        Some(ObjectRef {
            api_version: self.api_version.clone(),
            kind: self.kind.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone()?,
        })
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.get(key).map(String::as_str)
    }

    /// A scalar at `path` as the API server reads it into a string field (`80` → `"80"`).
    pub fn str_at(&self, path: &[PathSeg<'_>]) -> Option<String> {
        scalar_string(self.root.at(path)?)
    }

    /// A boolean at `path` (YAML 1.1 booleans, as kubectl reads them).
    pub fn bool_at(&self, path: &[PathSeg<'_>]) -> Option<bool> {
        scalar_value(self.root.at(path)?)?.as_bool()
    }

    /// An integer at `path`.
    pub fn int_at(&self, path: &[PathSeg<'_>]) -> Option<i64> {
        scalar_value(self.root.at(path)?)?.as_i64()
    }
}

/// What a scalar node means (`None` for a mapping or a list).
pub fn scalar_value(node: &Node) -> Option<serde_json::Value> {
    match &node.kind {
        crate::yaml::NodeKind::Scalar(s) => Some(crate::yaml::scalar::scalar_json(&s.value, s.plain, s.tag.as_deref())),
        _ => None,
    }
}

/// A scalar node as a string field would hold it; `None` for null, mappings and lists.
pub fn scalar_string(node: &Node) -> Option<String> {
    match scalar_value(node)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Null => None,
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

pub fn meta_maps(meta: &ObjectMeta) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    (meta.labels.clone().unwrap_or_default(), meta.annotations.clone().unwrap_or_default())
}

/// Does a label selector select these labels? `None` selects nothing (a Service without a
/// selector has no backing workloads); an empty selector selects everything.
pub fn selector_matches(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    if let Some(ml) = &selector.match_labels
        && !ml.iter().all(|(k, v)| labels.get(k) == Some(v))
    {
        return false;
    }
    if let Some(exprs) = &selector.match_expressions {
        for e in exprs {
            let values = e.values.as_deref().unwrap_or_default();
            let have = labels.get(&e.key);
            let ok = match e.operator.as_str() {
                "In" => have.is_some_and(|v| values.contains(v)),
                "NotIn" => have.is_none_or(|v| !values.contains(v)),
                "Exists" => have.is_some(),
                "DoesNotExist" => have.is_none(),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

/// Kinds whose objects are cluster-scoped (no namespace).
pub fn is_cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Node"
            | "Namespace"
            | "IngressClass"
            | "GatewayClass"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "PersistentVolume"
            | "StorageClass"
            | "PriorityClass"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
            | "APIService"
            | "CSIDriver"
            | "CSINode"
            | "RuntimeClass"
            | "VolumeAttachment"
            | "ClusterIssuer"
            | "PodSecurityPolicy"
            | "CertificateSigningRequest"
            | "IPAddressPool"
            | "ServiceCIDR"
            | "IPAddress"
    )
}

/// A fix's changes as edits of the text, or `None` when a change cannot be written (a path through a value
/// that is not a mapping, a field brought in by an alias or a merge key): no fix is better
/// than a wrong one.
pub fn fix_edits(fix: &Fix, objects: &[Object], texts: &[&str]) -> Option<Vec<Edit>> {
    let mut edits = Vec::new();
    for c in &fix.changes {
        let obj = objects.get(c.obj)?;
        let text = texts.get(obj.file)?;
        let editor = Editor::new(text, obj.file);
        // Walk to the last list index; keys after it are the editor's to find or create.
        let split = c.at.iter().rposition(|s| matches!(s, Seg::Index(_))).map_or(0, |i| i + 1);
        let mut node = &obj.root;
        for seg in &c.at[..split] {
            node = match seg {
                Seg::Key(k) => node.get(k)?,
                Seg::Index(i) => node.as_seq()?.get(*i)?,
            };
        }
        let keys: Vec<&str> = c.at[split..].iter().map(|s| if let Seg::Key(k) = s { k.as_str() } else { "" }).collect();
        let edit = match &c.what {
            What::Set(v) => editor.set(node, &keys, v)?,
            What::Remove => {
                let (last, parent) = keys.split_last()?;
                for k in parent {
                    node = node.get(k)?;
                }
                editor.remove(node, last)?
            }
            What::Push(v) => {
                let (last, parent) = keys.split_last()?;
                // A list under mappings that do not exist yet is written with them.
                let start = node;
                let mut found = Some(node);
                for k in parent {
                    found = found.and_then(|n| n.get(k));
                }
                match found {
                    Some(parent) if parent.as_map().is_some() => editor.push(parent, last, v)?,
                    Some(_) => return None,
                    None => editor.set(start, &keys, &crate::fix::Value::Seq(vec![v.clone()]))?,
                }
            }
            What::RenameKey(new) => {
                let (last, parent) = keys.split_last()?;
                for k in parent {
                    node = node.get(k)?;
                }
                let (key, _) = node.entry(last)?;
                (key.span.start >= node.span.start && key.span.end <= node.span.end).then_some(())?;
                editor.replace(key, &crate::fix::Value::str(new.clone()))
            }
            What::Merge(pairs) => {
                let start = node;
                let mut found = Some(node);
                for k in &keys {
                    found = found.and_then(|n| n.get(k));
                }
                match found {
                    Some(map) if map.as_map().is_some() => {
                        edits.extend(editor.merge(map, pairs)?);
                        continue;
                    }
                    Some(_) => return None,
                    None => editor.set(start, &keys, &crate::fix::Value::Map(pairs.clone()))?,
                }
            }
        };
        edits.push(edit);
    }
    Some(edits)
}

impl Place {
    /// A change to the field this place is on (the place a finding points at).
    pub fn change(self, objects: &[Object], what: What) -> Option<Change> {
        let obj = objects.get(self.obj)?;
        (obj.file == self.loc.file).then_some(())?;
        let path = crate::yaml::path::path_to(&obj.root, self.loc.span)?;
        // The place must be the field's own node (or its key), not a place inside a string that
        // holds YAML of its own (a ConfigMap's embedded config): that is no field to edit.
        let node = obj.root.at(&path.segs())?;
        let key = obj.root.key_at(&path.segs());
        (node.span == self.loc.span || key.is_some_and(|k| k.span == self.loc.span)).then_some(())?;
        Some(Change { obj: self.obj, at: path.0, what })
    }
}
