//! From sources to objects: documents, `List`s, what is not a manifest, removed API versions,
//! typed conversion (what kubectl would refuse becomes an `invalid-manifest`), duplicates.

use std::collections::{BTreeMap, HashMap, HashSet};

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::autoscaling::{v1 as autoscaling_v1, v2 as autoscaling_v2};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::networking::v1 as networking;
use k8s_openapi::api::policy::v1 as policy;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::object::{
    DaemonSetRollout, DeploymentRollout, Hpa, ObjData, Object, Workload, WorkloadKind, group_of, is_cluster_scoped,
    meta_maps,
};
use crate::diagnostic::{Loc, ObjectRef};
use crate::limits::Limits;
use crate::source::{Source, Span, to_u32};
use crate::yaml::{Level, Node, NodeKind, PathSeg, YamlProblem, parse_stream, parse_stream_keeping, scalar};

/// A document or file that cannot be read as a Kubernetes object.
#[derive(Debug, Clone)]
pub struct Invalid {
    pub loc: Loc,
    pub message: String,
    pub help: String,
    pub related: Option<(Loc, String)>,
    pub object: Option<ObjectRef>,
    /// An info rather than an error (a Helm chart's templates, skipped).
    pub info: bool,
}

#[derive(Debug, Default)]
pub struct Loaded {
    pub objects: Vec<Object>,
    pub invalid: Vec<Invalid>,
    /// (later, earlier): the same object twice; the later one wins.
    pub duplicates: Vec<(usize, usize)>,
    pub skipped: usize,
}

const HELM_HELP: &str =
    "render the chart first and lint the output: `helm template <release> <chart> | kubectl realip-lint -f -`";

/// Is a document of this `apiVersion` and `kind` read in full? Others keep only their identity,
/// so their trees are not built (a CRD's schema is most of a repository's bytes). Lists are
/// read for their items. Every kind the model reads must pass here.
pub fn reads_kind(api_version: &str, kind: &str) -> bool {
    let version = api_version.rsplit('/').next().unwrap_or_default();
    let group = group_of(api_version);
    kind.ends_with("List")
        || successor(group, version, kind).is_some()
        || crate::implementations::gateway_api::reads_tree(group, kind)
}

/// How the API version of a kind the rules read maps to what it is read as.
fn successor(group: &str, version: &str, kind: &str) -> Option<&'static str> {
    let gv = (group, version);
    Some(match kind {
        "Service" | "Pod" | "ReplicationController" | "ConfigMap" | "Node" if gv == ("", "v1") => "v1",
        "Deployment" | "DaemonSet" | "ReplicaSet" => match gv {
            ("apps", "v1" | "v1beta2") | ("extensions", "v1beta1") => "apps/v1",
            ("apps", "v1beta1") if kind == "Deployment" => "apps/v1",
            _ => return None,
        },
        "StatefulSet" => match gv {
            ("apps", "v1" | "v1beta1" | "v1beta2") => "apps/v1",
            _ => return None,
        },
        "Ingress" => match gv {
            ("networking.k8s.io", "v1" | "v1beta1") | ("extensions", "v1beta1") => "networking.k8s.io/v1",
            _ => return None,
        },
        "IngressClass" => match gv {
            ("networking.k8s.io", "v1" | "v1beta1") => "networking.k8s.io/v1",
            _ => return None,
        },
        "NetworkPolicy" => match gv {
            ("networking.k8s.io", "v1") | ("extensions", "v1beta1") => "networking.k8s.io/v1",
            _ => return None,
        },
        "HorizontalPodAutoscaler" => match gv {
            ("autoscaling", "v1") => "autoscaling/v1",
            ("autoscaling", "v2" | "v2beta1" | "v2beta2") => "autoscaling/v2",
            _ => return None,
        },
        "PodDisruptionBudget" => match gv {
            ("policy", "v1" | "v1beta1") => "policy/v1",
            _ => return None,
        },
        _ => return None,
    })
}

/// What happens to one source before parsing: read it, or skip it as not a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Read,
    /// Chart metadata (`Chart.yaml`).
    ChartMeta,
    /// A template of the Helm chart in this directory.
    ChartTemplate(String),
    /// A patch a Kustomization in the input lists.
    Patch,
}

/// Removed versions of kinds no rule reads, which `removed-api-version` reports (so their files
/// keep their text): (apiVersion, kind, removed in, what to write).
pub const REMOVED_UNREAD: &[(&str, &str, &str, &str)] = &[
    (
        "policy/v1beta1",
        "PodSecurityPolicy",
        "1.25",
        "remove it: PodSecurityPolicy has no successor API; use Pod Security Admission (namespace labels `pod-security.kubernetes.io/enforce`)",
    ),
    ("batch/v1beta1", "CronJob", "1.25", "write `apiVersion: batch/v1`"),
];

/// What one source yields; sources can be loaded independently (in parallel, by a face that
/// has threads) and then assembled in input order.
#[derive(Debug, Default)]
pub struct FileLoad {
    pub objects: Vec<Object>,
    pub invalid: Vec<Invalid>,
    pub skipped: usize,
}

impl FileLoad {
    /// Can a diagnostic or a message still quote this file's text? Not when it holds only kinds
    /// no rule reads (CRDs, RBAC: most of a repository's bytes) and no problem: such objects are
    /// neither linked nor reported, so a face that owns the text may free it before the rules
    /// run. The corpus test checks that doing so changes no output.
    pub fn needs_text(&self) -> bool {
        !self.invalid.is_empty()
            || self.objects.iter().any(|o| {
                !matches!(o.data, ObjData::Other)
                    || REMOVED_UNREAD.iter().any(|(a, k, _, _)| o.api_version == *a && o.kind == *k)
            })
    }
}

/// Decide, from names and Kustomization files alone, which sources are read.
pub fn plan(sources: &[Source]) -> Vec<Plan> {
    let patches = kustomize_patches(sources);
    let charts = chart_templates(sources);
    sources
        .iter()
        .enumerate()
        .map(|(file, source)| {
            if matches!(basename(&source.name), "Chart.yaml" | "Chart.yml") {
                Plan::ChartMeta
            } else if let Some(chart) = charts.get(&file) {
                Plan::ChartTemplate(chart.clone())
            } else if patches.contains(&normalize(&source.name)) {
                Plan::Patch
            } else {
                Plan::Read
            }
        })
        .collect()
}

/// Read one source into objects. Pure: no other source is looked at.
pub fn load_file(file: usize, source: &Source, namespace: &str, limits: &Limits) -> FileLoad {
    let mut out = Loaded::default();
    if let Some(u) = &source.unreadable {
        let end = source.text[u.offset as usize..].chars().next().map_or(u.offset, |c| u.offset + to_u32(c.len_utf8()));
        out.invalid.push(Invalid {
            loc: Loc { file, span: Span::new(u.offset, end) },
            message: u.message.clone(),
            help: if u.info {
                "nothing to do if this is intended".into()
            } else {
                "fix the file so that `kubectl apply --dry-run=client -f` reads it".into()
            },
            related: None,
            object: None,
            info: u.info,
        });
    } else if source.text.len() > limits.file_bytes {
        out.invalid.push(Invalid {
            loc: Loc { file, span: Span::new(0, 0) },
            message: format!(
                "the file is {} bytes, over the `file-bytes` limit of {} bytes: it is not read",
                source.text.len(),
                limits.file_bytes
            ),
            help: Limits::raise_hint("file-bytes"),
            related: None,
            object: None,
            info: false,
        });
    } else {
        let mut reader =
            Reader { file, text: &source.text, namespace, out: &mut out, syntax_problems: 0, limited: false };
        for doc in parse_stream_keeping(&source.text, limits, &reads_kind) {
            reader.document(doc);
        }
        let (syntax_problems, limited) = (reader.syntax_problems, reader.limited);
        // A file that does not parse and is evidently not meant as a manifest (JSON with
        // comments such as `.devcontainer/devcontainer.json`, a template of some other tool) is
        // skipped like any YAML without `apiVersion` and `kind`; one that names them is still
        // an error at its exact place.
        if syntax_problems > 0
            && !limited
            && out.objects.is_empty()
            && out.invalid.len() == syntax_problems
            && !looks_like_manifest(&source.text)
        {
            out.invalid.clear();
            out.skipped += 1;
        }
    }
    FileLoad { objects: out.objects, invalid: out.invalid, skipped: out.skipped }
}

/// Put per-source loads together in input order (`loads[i]` is `None` where the plan skips).
pub fn assemble(plans: &[Plan], loads: Vec<Option<FileLoad>>) -> Loaded {
    let mut out = Loaded::default();
    let mut charts_reported = HashSet::new();
    for (file, (plan, load)) in plans.iter().zip(loads).enumerate() {
        match plan {
            Plan::Read => {
                if let Some(l) = load {
                    out.objects.extend(l.objects);
                    out.invalid.extend(l.invalid);
                    out.skipped += l.skipped;
                }
            }
            Plan::ChartMeta | Plan::Patch => out.skipped += 1,
            Plan::ChartTemplate(chart) => {
                out.skipped += 1;
                if charts_reported.insert(chart.clone()) {
                    out.invalid.push(Invalid {
                        loc: Loc { file, span: Span::new(0, 0) },
                        message: format!("Helm chart templates of `{chart}` are not manifests; they were skipped"),
                        help: HELM_HELP.into(),
                        related: None,
                        object: None,
                        info: true,
                    });
                }
            }
        }
    }
    out
}

/// Read every source. `namespace` is what objects without one live in (`-n`).
pub fn load(sources: &[Source], namespace: &str, limits: &Limits) -> Loaded {
    let plans = plan(sources);
    let loads = sources
        .iter()
        .enumerate()
        .zip(&plans)
        .map(|((file, source), plan)| (*plan == Plan::Read).then(|| load_file(file, source, namespace, limits)))
        .collect();
    assemble(&plans, loads)
}

struct Reader<'a> {
    file: usize,
    text: &'a str,
    namespace: &'a str,
    out: &'a mut Loaded,
    /// How many of `out.invalid` are syntax problems of the YAML (or JSON) itself.
    syntax_problems: usize,
    /// A limit stopped the reading.
    limited: bool,
}

/// Does this text name `apiVersion` or `kind` as a key (YAML or JSON), or hold a template's
/// `{{` (a Helm template, refused with its own help), so that it is meant as a Kubernetes
/// manifest even where it does not parse?
fn looks_like_manifest(text: &str) -> bool {
    text.contains("{{")
        || ["apiVersion", "kind"].iter().any(|key| {
            text.match_indices(key).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                let key_start = before.is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '{' | ',' | '-'));
                let rest = text[at + key.len()..].trim_start_matches(['"', '\'']);
                key_start && rest.trim_start_matches([' ', '\t']).starts_with(':')
            })
        })
}

impl Reader<'_> {
    fn loc(&self, span: Span) -> Loc {
        Loc { file: self.file, span }
    }

    fn invalid(&mut self, span: Span, message: String, related: Option<(Span, String)>, object: Option<ObjectRef>) {
        // A Helm template that failed to read: say so, at its first `{{`.
        let doc_helm = self.text.find("{{");
        let (span, message, help) = match doc_helm {
            Some(at) if !self.out.invalid.iter().any(|i| i.loc.file == self.file) => (
                Span::new(to_u32(at), to_u32(at + 2)),
                format!(
                    "a Helm template (`{{{{ … }}}}`) is not a manifest: render it with `helm template` first ({message})"
                ),
                HELM_HELP.to_owned(),
            ),
            Some(_) => return,
            None => (span, message, "fix the document so that `kubectl apply --dry-run=client` accepts it".to_owned()),
        };
        let related = related.map(|(s, m)| (self.loc(s), m));
        self.out.invalid.push(Invalid { loc: self.loc(span), message, help, related, object, info: false });
    }

    fn problem(&mut self, p: YamlProblem) {
        // A limit that stopped the reading (nesting, aliases, documents) is never taken for "not
        // a manifest": the file must be reported, whatever it holds.
        let limit = p.message.contains("` limit");
        let before = self.out.invalid.len();
        if p.level == Level::Info {
            let related = p.related.map(|(s, m)| (self.loc(s), m));
            self.out.invalid.push(Invalid {
                loc: self.loc(p.span),
                message: p.message,
                help: "keep one of the two keys".into(),
                related,
                object: None,
                info: true,
            });
        } else {
            let directive = p.level == Level::Error;
            self.invalid(p.span, p.message, p.related, None);
            // The only error that keeps its document is a directive before `---`.
            if directive
                && self.out.invalid.len() > before
                && let Some(inv) = self.out.invalid.last_mut()
            {
                "remove the directive line: kubectl reads every document as YAML 1.1 without it"
                    .clone_into(&mut inv.help);
            }
        }
        self.limited |= limit;
        if !limit {
            self.syntax_problems += self.out.invalid.len() - before;
        }
    }

    fn document(&mut self, doc: crate::yaml::Document) {
        let fatal = doc.problems.iter().any(|p| p.level == Level::Fatal);
        for p in doc.problems {
            self.problem(p);
        }
        if fatal {
            return;
        }
        let Some(root) = doc.root else { return };
        self.object(root, None);
    }

    /// Read one object (or a List). `list` is the `(apiVersion, kind)` of an enclosing typed list.
    fn object(&mut self, root: Node, list: Option<(&str, &str)>) {
        if root.as_map().is_none() {
            if list.is_some() {
                self.invalid(root.span, "a List item must be a mapping".into(), None, None);
            } else if !matches!(&root.kind, NodeKind::Scalar(s) if s.value.is_empty()) {
                self.out.skipped += 1;
            }
            return;
        }
        let api_version = match self.string_field(&root, "apiVersion") {
            Ok(v) => v.or_else(|| list.map(|l| l.0.to_owned())),
            Err(()) => return,
        };
        let kind = match self.string_field(&root, "kind") {
            Ok(v) => v.or_else(|| list.map(|l| l.1.to_owned())),
            Err(()) => return,
        };
        let (api_version, kind) = match (api_version, kind) {
            (Some(a), Some(k)) => (a, k),
            (None, None) => {
                self.out.skipped += 1;
                return;
            }
            (Some(_), None) => {
                let key = root.entry("apiVersion").map_or(root.span, |(k, _)| k.span);
                self.invalid(key, "the document has an `apiVersion` but no `kind`".into(), None, None);
                return;
            }
            (None, Some(_)) => {
                let key = root.entry("kind").map_or(root.span, |(k, _)| k.span);
                self.invalid(key, "the document has a `kind` but no `apiVersion`".into(), None, None);
                return;
            }
        };
        if kind.ends_with("List") && root.get("items").is_some() {
            self.list(root, &api_version, &kind);
            return;
        }
        let group = group_of(&api_version);
        if matches!(kind.as_str(), "Kustomization" | "Component") && group.starts_with("kustomize.config.k8s.io") {
            self.out.skipped += 1;
            return;
        }
        self.read(root, api_version, kind);
    }

    fn list(&mut self, root: Node, api_version: &str, kind: &str) {
        let item_kind = kind.strip_suffix("List").filter(|k| !k.is_empty()).map(str::to_owned);
        let NodeKind::Map(entries) = root.kind else { return };
        for (k, v) in entries {
            if k.as_str() != Some("items") {
                continue;
            }
            match v.kind {
                NodeKind::Seq(items) => {
                    for item in items {
                        let ctx = item_kind.as_deref().map(|k| (api_version, k));
                        self.object(item, ctx);
                    }
                }
                NodeKind::Scalar(ref s) if s.plain && s.value.is_empty() || s.value == "null" => {}
                _ => self.invalid(v.span, format!("`items` of a {kind} must be a list"), None, None),
            }
        }
    }

    /// A top-level string field; `Err` after reporting a value of the wrong type.
    fn string_field(&mut self, root: &Node, key: &str) -> Result<Option<String>, ()> {
        let Some(v) = root.get(key) else { return Ok(None) };
        if let NodeKind::Scalar(s) = &v.kind {
            match scalar::scalar_json(&s.value, s.plain, s.tag.as_deref()) {
                Value::String(s) if !s.is_empty() => Ok(Some(s)),
                Value::Null => Ok(None),
                Value::String(_) => {
                    self.invalid(v.span, format!("`{key}` is empty"), None, None);
                    Err(())
                }
                other => {
                    self.invalid(v.span, format!("`{key}` must be a string, not {}", json_type(&other)), None, None);
                    Err(())
                }
            }
        } else {
            self.invalid(v.span, format!("`{key}` must be a string"), None, None);
            Err(())
        }
    }

    fn read(&mut self, root: Node, api_version: String, kind: String) {
        let group = group_of(&api_version).to_owned();
        let version = api_version.rsplit('/').next().unwrap_or_default().to_owned();
        let meta_name = meta_string(&root, "name");
        let namespace = if is_cluster_scoped(&kind) {
            None
        } else {
            Some(meta_string(&root, "namespace").unwrap_or_else(|| self.namespace.to_owned()))
        };
        let reference = meta_name.clone().map(|name| ObjectRef {
            api_version: api_version.clone(),
            kind: kind.clone(),
            namespace: namespace.clone(),
            name,
        });
        let Some(read_as) = successor(&group, &version, &kind) else {
            // Gateway API objects and the implementations' config objects are read from their
            // trees (no typed values exist for them); any other kind keeps its identity only
            // (for duplicates).
            let (labels, annotations) = (meta_map(&root, "labels"), meta_map(&root, "annotations"));
            let (root, data) = if crate::implementations::gateway_api::reads_tree(&group, &kind) {
                (root, ObjData::Raw)
            } else {
                (strip_to_metadata(root), ObjData::Other)
            };
            self.out.objects.push(Object {
                file: self.file,
                root,
                read_as: api_version.clone(),
                api_version,
                kind,
                name: meta_name,
                namespace,
                labels,
                annotations,
                data,
                shadowed: false,
            });
            return;
        };
        let mut value = match scalar::to_json(&root) {
            Ok(v) => v,
            Err(p) => {
                self.invalid(p.span, p.message, None, reference);
                return;
            }
        };
        upgrade(&mut value, &group, &version, &kind);
        if kind == "ConfigMap" {
            // Go's base64 decoder skips line breaks; the rules never read binary data.
            if let Some(m) = value.as_object_mut() {
                m.remove("binaryData");
            }
        }
        value["apiVersion"] = Value::String(read_as.to_owned());
        let (typed, errors) = type_leniently(&kind, read_as, value);
        let linked = typed.is_some();
        for (path, message) in errors {
            let segs: Vec<PathSeg<'_>> = path
                .iter()
                .map(|s| match s {
                    PathPart::Key(k) => PathSeg::Key(k),
                    PathPart::Index(i) => PathSeg::Index(*i),
                })
                .collect();
            let span = match root.at(&segs) {
                Some(n) if !segs.is_empty() => n.span,
                _ => root.nearest(&segs).0.span,
            };
            let dotted = dotted(&path);
            let message = if dotted.is_empty() { message } else { format!("{dotted}: {message}") };
            let before = self.out.invalid.len();
            self.invalid(span, message, None, reference.clone());
            // Say what the other rules see: the object without this value, or nothing of it.
            if self.out.invalid.len() > before
                && let Some(inv) = self.out.invalid.last_mut()
                && inv.help.starts_with("fix the document")
            {
                inv.help.push_str(if linked {
                    "; until then the other rules check the object without this value"
                } else {
                    "; until then the other rules do not see the object"
                });
            }
        }
        if let Some((data, labels, annotations)) = typed {
            self.out.objects.push(Object {
                file: self.file,
                root,
                api_version,
                read_as: read_as.to_owned(),
                kind,
                name: meta_name,
                namespace,
                labels,
                annotations,
                data,
                shadowed: false,
            });
        }
    }
}

/// How many values typing may set aside in one object before it gives up on the object.
const MAX_TYPING_FIXES: usize = 32;

/// Type an object as the API server decodes it, and keep what types.
///
/// A `null` where Go has a string or a boolean is that type's zero value (`encoding/json` leaves
/// the field untouched, so a label `version:` with no value is `""`, as are a ConfigMap key with
/// no value and an `args` item `~`): not an error. Any other value of the wrong type is an error,
/// and the object is typed again without it (the key removed, a list item replaced by its zero
/// value), so that one bad value does not hide the object from the other rules. Returns the typed
/// object (`None` when it cannot be typed at all) and the errors, each at its path.
fn type_leniently(kind: &str, read_as: &str, mut value: Value) -> (Option<Converted>, Vec<(Vec<PathPart>, String)>) {
    let mut errors: Vec<(Vec<PathPart>, String)> = Vec::new();
    for _ in 0..MAX_TYPING_FIXES {
        let (path, message, complete) = match convert(kind, read_as, &value) {
            Ok(c) => return (Some(c), errors),
            Err(e) => e,
        };
        let slot = if complete { value_at(&mut value, &path) } else { None };
        let Some(slot) = slot else {
            errors.push((path, message));
            return (None, errors);
        };
        if slot.is_null() {
            if message.contains("expected a string") {
                *slot = Value::String(String::new());
                continue;
            }
            if message.contains("expected true or false") {
                *slot = Value::Bool(false);
                continue;
            }
        }
        if path.is_empty() || errors.iter().any(|(p, _)| same_path(p, &path)) {
            errors.push((path, message));
            return (None, errors);
        }
        errors.push((path.clone(), message.clone()));
        set_aside(&mut value, &path, &message);
    }
    (None, errors)
}

fn same_path(a: &[PathPart], b: &[PathPart]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (PathPart::Key(x), PathPart::Key(y)) => x == y,
            (PathPart::Index(x), PathPart::Index(y)) => x == y,
            _ => false,
        })
}

fn value_at<'v>(value: &'v mut Value, path: &[PathPart]) -> Option<&'v mut Value> {
    let mut v = value;
    for p in path {
        v = match p {
            PathPart::Key(k) => v.as_object_mut()?.get_mut(k)?,
            PathPart::Index(i) => v.as_array_mut()?.get_mut(*i)?,
        };
    }
    Some(v)
}

/// Take a value that does not type out of the object: remove its key, or (a list item, whose
/// index the other items keep) replace it with the zero value of what was expected.
fn set_aside(value: &mut Value, path: &[PathPart], message: &str) {
    let Some((last, parent)) = path.split_last() else { return };
    let Some(parent) = value_at(value, parent) else { return };
    match (last, parent) {
        (PathPart::Key(k), Value::Object(m)) => {
            m.remove(k);
        }
        (PathPart::Index(i), Value::Array(items)) => {
            let zero = if message.contains("expected a string") {
                Value::String(String::new())
            } else if message.contains("expected true or false") {
                Value::Bool(false)
            } else if message.contains("expected an integer") {
                json!(0)
            } else if message.contains("expected a sequence") {
                json!([])
            } else {
                json!({})
            };
            if let Some(item) = items.get_mut(*i) {
                *item = zero;
            }
        }
        _ => {}
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn meta_string(root: &Node, key: &str) -> Option<String> {
    let v = root.get("metadata")?.get(key)?;
    match &v.kind {
        NodeKind::Scalar(s) if !s.value.is_empty() => Some(s.value.to_string()),
        _ => None,
    }
}

fn meta_map(root: &Node, key: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(m) = root.get("metadata").and_then(|m| m.get(key)).and_then(Node::as_map) {
        for (k, v) in m {
            if let (Some(k), NodeKind::Scalar(s)) = (k.as_str(), &v.kind) {
                // A null value is `""` to Go's decoder; any other scalar is its text.
                let v = match scalar::scalar_json(&s.value, s.plain, s.tag.as_deref()) {
                    Value::Null => String::new(),
                    _ => s.value.to_string(),
                };
                out.insert(k.to_owned(), v);
            }
        }
    }
    out
}

/// Keep only what identifies an object of a kind no rule reads (its tree is dropped).
fn strip_to_metadata(root: Node) -> Node {
    let span = root.span;
    let NodeKind::Map(entries) = root.kind else { return Node { span, kind: NodeKind::Map(Vec::new()) } };
    let kept = entries
        .into_iter()
        .filter(|(k, _)| matches!(k.as_str(), Some("apiVersion" | "kind" | "metadata")))
        .map(|(k, v)| {
            if k.as_str() == Some("metadata") {
                let vs = v.span;
                let inner = match v.kind {
                    NodeKind::Map(m) => m
                        .into_iter()
                        .filter(|(k, _)| matches!(k.as_str(), Some("name" | "namespace" | "annotations")))
                        .collect(),
                    _ => Vec::new(),
                };
                (k, Node { span: vs, kind: NodeKind::Map(inner) })
            } else {
                (k, v)
            }
        })
        .collect();
    Node { span, kind: NodeKind::Map(kept) }
}

/// Apply what a removed API version meant, so the object reads as its successor would.
fn upgrade(value: &mut Value, group: &str, version: &str, kind: &str) {
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
    if kind == "Ingress"
        && version == "v1beta1"
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
    if kind == "HorizontalPodAutoscaler" && version.starts_with("v2beta") {
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
enum PathPart {
    Key(String),
    Index(usize),
}

fn dotted(path: &[PathPart]) -> String {
    let mut s = String::new();
    for p in path {
        match p {
            PathPart::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            PathPart::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

type Converted = (ObjData, BTreeMap<String, String>, BTreeMap<String, String>);

/// A typing error: its path, its message, and whether the path is whole (every segment a key
/// or an index).
type TypeError = (Vec<PathPart>, String, bool);

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

fn convert(kind: &str, read_as: &str, value: &Value) -> Result<Converted, TypeError> {
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

/// The same (group, kind, namespace, name) twice in one world: the later wins.
pub(crate) fn mark_duplicates(out: &mut Loaded) {
    let mut seen: HashMap<(String, String, Option<String>, String), usize> = HashMap::new();
    for i in 0..out.objects.len() {
        let o = &out.objects[i];
        // Kinds no rule reads are not linked, so a second copy changes nothing.
        if matches!(o.data, ObjData::Other) {
            continue;
        }
        let Some(name) = o.name.clone() else { continue };
        let key = (o.group().to_owned(), o.kind.clone(), o.namespace.clone(), name);
        if let Some(earlier) = seen.insert(key, i) {
            out.objects[earlier].shadowed = true;
            out.duplicates.push((i, earlier));
        }
    }
}

fn basename(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn dirname(path: &str) -> &str {
    path.rfind(['/', '\\']).map_or("", |i| &path[..i])
}

/// `a/./b/../c` → `a/c`, for comparing paths as given.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') { format!("/{joined}") } else { joined }
}

/// Paths that a Kustomization in the input lists as patches.
fn kustomize_patches(sources: &[Source]) -> HashSet<String> {
    let mut out = HashSet::new();
    for s in sources {
        let base = basename(&s.name);
        if !matches!(base, "kustomization.yaml" | "kustomization.yml" | "Kustomization") {
            continue;
        }
        let dir = dirname(&s.name);
        for doc in parse_stream(&s.text) {
            let Some(root) = doc.root else { continue };
            let mut add = |p: &str| {
                out.insert(normalize(&if dir.is_empty() { p.to_owned() } else { format!("{dir}/{p}") }));
            };
            for key in ["patchesStrategicMerge", "patches", "patchesJson6902"] {
                for item in root.get(key).and_then(Node::as_seq).unwrap_or_default() {
                    if let Some(p) = item.as_str() {
                        add(p);
                    } else if let Some(p) = item.get("path").and_then(Node::as_str) {
                        add(p);
                    }
                }
            }
        }
    }
    out
}

/// Sources that are templates of a Helm chart whose `Chart.yaml` is also an input:
/// `<chart>/templates/**` beside `<chart>/Chart.yaml`. Maps each to its chart directory.
fn chart_templates(sources: &[Source]) -> HashMap<usize, String> {
    let charts: HashSet<String> = sources
        .iter()
        .filter(|s| matches!(basename(&s.name), "Chart.yaml" | "Chart.yml"))
        .map(|s| normalize(dirname(&s.name)))
        .collect();
    let mut out = HashMap::new();
    for (i, s) in sources.iter().enumerate() {
        if let Some(chart) = s.chart.clone() {
            out.insert(i, chart);
            continue;
        }
        if charts.is_empty() {
            continue;
        }
        let norm = normalize(&s.name);
        let mut rest = norm.as_str();
        while let Some(at) = rest.rfind("/templates/").or_else(|| rest.starts_with("templates/").then_some(0)) {
            let chart = if at == 0 && rest.starts_with("templates/") { "" } else { &rest[..at] };
            if charts.contains(chart) {
                out.insert(i, if chart.is_empty() { ".".into() } else { chart.to_owned() });
                break;
            }
            if at == 0 {
                break;
            }
            rest = &rest[..at];
        }
    }
    out
}
