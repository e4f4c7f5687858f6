//! From sources to objects: documents, `List`s, what is not a manifest, removed API versions,
//! typed conversion (what kubectl would refuse becomes an `invalid-manifest`), duplicates.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Value, json};

use super::kinds::{self, Converted, PathPart};
use super::object::{ObjData, Object, group_of, is_cluster_scoped};
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
        || super::kinds::read_as(group, version, kind).is_some()
        || crate::implementations::gateway_api::reads_tree(group, kind)
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
        let Some(read_as) = kinds::read_as(&group, &version, &kind) else {
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
        kinds::prepare(&mut value, &group, &version, &kind);
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
        let (path, message, complete) = match kinds::convert(kind, read_as, &value) {
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
