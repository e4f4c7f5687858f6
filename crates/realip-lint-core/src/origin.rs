//! Findings on a kustomize render, moved back to the user's files. `kubectl kustomize` records,
//! when a Kustomization asks for `buildMetadata: [originAnnotations, transformerAnnotations]`,
//! the file each object came from (`config.kubernetes.io/origin`) and the Kustomizations whose
//! transformers changed it (`alpha.config.kubernetes.io/transformations`). A face renders the
//! user's directory once as it is (the stream that is linted) and once wrapped with those
//! annotations, and gives both here with a way to read the files they name: each place in the
//! stream is moved to the patch, the Kustomization field or the resource file that wrote its
//! value, and stays in the stream only where nothing wrote it (a generated ConfigMap, a
//! remote base). No I/O here: the face reads the files.

use std::collections::HashMap;

use crate::diagnostic::Report;
use crate::source::{LineIndex, Position, Source, Span};
use crate::trace::TraceReport;
use crate::yaml::path::{Segment, path_to};
use crate::yaml::{Node, parse_stream};

const ORIGIN: &str = "config.kubernetes.io/origin";
const TRANSFORMATIONS: &str = "alpha.config.kubernetes.io/transformations";

/// An object's identity in a render: kind, namespace, name (`apiVersion` aside: kustomize keys
/// on group and kind, and a render holds each once).
type Identity = (String, String, String);

fn identity(root: &Node) -> Option<Identity> {
    let meta = root.get("metadata")?;
    Some((
        root.get("kind")?.as_str()?.to_owned(),
        meta.get("namespace").and_then(Node::as_str).unwrap_or_default().to_owned(),
        meta.get("name")?.as_str()?.to_owned(),
    ))
}

/// Where an object of the render came from.
#[derive(Debug, Default)]
struct Provenance {
    /// `path` of the origin annotation, as kustomize wrote it (relative to the wrapper).
    origin: Option<String>,
    /// `configuredIn` of each transformation, in the order they were applied.
    transformers: Vec<(String, String)>,
}

fn provenance(root: &Node) -> Provenance {
    let annotations = root.get("metadata").and_then(|m| m.get("annotations"));
    let text = |key: &str| annotations.and_then(|a| a.get(key)).and_then(Node::as_str).map(str::to_owned);
    let mut out = Provenance::default();
    if let Some(origin) = text(ORIGIN) {
        for doc in parse_stream(&origin) {
            // A remote base (`repo:`) has no file here: it stays in the stream.
            if let Some(root) = doc.root
                && root.get("repo").is_none()
            {
                out.origin = root.get("path").and_then(Node::as_str).map(str::to_owned);
            }
        }
    }
    if let Some(list) = text(TRANSFORMATIONS) {
        for doc in parse_stream(&list) {
            for item in doc.root.as_ref().and_then(Node::as_seq).unwrap_or_default() {
                let file = item.get("configuredIn").and_then(Node::as_str);
                let kind = item.get("configuredBy").and_then(|b| b.get("kind")).and_then(Node::as_str);
                if let (Some(file), Some(kind)) = (file, kind) {
                    out.transformers.push((file.to_owned(), kind.to_owned()));
                }
            }
        }
    }
    out
}

/// A file named by the annotations: its name for the user, its text, its documents.
struct File {
    source: usize,
    docs: Vec<Node>,
}

/// Moves places in kustomize renders back to the files that wrote them.
pub struct Remapper<'a> {
    /// The sources that were linted; a render is one of them.
    sources: &'a [Source],
    /// Per render (index into `sources`): its documents, and what each object's annotated twin
    /// says of its provenance.
    renders: HashMap<usize, Render>,
    read: &'a mut dyn FnMut(&str) -> Option<(String, String)>,
    /// Files read so far, by the path the annotations give.
    files: HashMap<String, Option<File>>,
    /// The texts of those files, as sources after `sources` (for snippets).
    extra: Vec<Source>,
    indexes: HashMap<usize, LineIndex>,
}

struct Render {
    docs: Vec<Node>,
    provenance: HashMap<Identity, Provenance>,
}

/// A place moved back: the source (an index after the linted ones for a file read here), the
/// file's name and the span.
struct Moved {
    source: usize,
    span: Span,
}

impl<'a> Remapper<'a> {
    /// `read(path)` reads a file the annotations name (a path relative to the wrapper
    /// Kustomization, as kustomize writes it), giving the name to report it under and its text.
    pub fn new(sources: &'a [Source], read: &'a mut dyn FnMut(&str) -> Option<(String, String)>) -> Self {
        Self {
            sources,
            renders: HashMap::new(),
            read,
            files: HashMap::new(),
            extra: Vec::new(),
            indexes: HashMap::new(),
        }
    }

    /// The render `sources[stream]` and its annotated twin.
    pub fn add_render(&mut self, stream: usize, annotated: &str) {
        let docs: Vec<Node> = parse_stream(&self.sources[stream].text).into_iter().filter_map(|d| d.root).collect();
        let mut provenance = HashMap::new();
        for doc in parse_stream(annotated) {
            let Some(root) = doc.root else { continue };
            if let Some(id) = identity(&root) {
                provenance.insert(id, self::provenance(&root));
            }
        }
        self.renders.insert(stream, Render { docs, provenance });
    }

    /// The files read to place findings: they follow the linted sources, so a diagnostic's
    /// `source` index reaches them in `[sources, extra].concat()`.
    pub fn into_extra(self) -> Vec<Source> {
        self.extra
    }

    fn text(&self, source: usize) -> &str {
        match source.checked_sub(self.sources.len()) {
            Some(i) => &self.extra[i].text,
            None => &self.sources[source].text,
        }
    }

    fn name(&self, source: usize) -> &str {
        match source.checked_sub(self.sources.len()) {
            Some(i) => &self.extra[i].name,
            None => &self.sources[source].name,
        }
    }

    fn position(&mut self, source: usize, offset: u32) -> Position {
        if !self.indexes.contains_key(&source) {
            let index = LineIndex::new(self.text(source));
            self.indexes.insert(source, index);
        }
        self.indexes[&source].position(self.text(source), offset)
    }

    fn file(&mut self, path: &str) -> Option<&File> {
        if !self.files.contains_key(path) {
            let file = (self.read)(path).map(|(name, text)| {
                let docs = parse_stream(&text).into_iter().filter_map(|d| d.root).collect();
                self.extra.push(Source::new(name, text));
                File { source: self.sources.len() + self.extra.len() - 1, docs }
            });
            self.files.insert(path.to_owned(), file);
        }
        self.files[path].as_ref()
    }

    /// Move a span of a render back to where its value was written.
    fn move_span(&mut self, stream: usize, span: Span) -> Option<Moved> {
        let render = self.renders.get(&stream)?;
        let doc = render.docs.iter().find(|d| d.span.start <= span.start && span.end <= d.span.end)?;
        let id = identity(doc)?;
        let path = path_to(doc, span)?;
        let segs = path.segs();
        // On the key token (a finding about an absent field points there), or in the value.
        let is_key = matches!(path.0.last(), Some(Segment::Key(_)))
            && doc.key_at(&segs).is_some_and(|k| k.span.start <= span.start && span.end <= k.span.end);
        let rendered_value = doc.at(&segs).and_then(Node::as_str).map(str::to_owned);
        let path = path.to_string();
        let provenance = render.provenance.get(&id)?;
        let origin = provenance.origin.clone()?;
        let transformers = provenance.transformers.clone();
        // The object as its resource file writes it: kind, and the name before prefixes.
        let (source, original) = {
            let file = self.file(&origin)?;
            let original = file
                .docs
                .iter()
                .filter(|d| d.get("kind").and_then(Node::as_str) == Some(id.0.as_str()))
                .min_by_key(|d| {
                    let name = d.get("metadata").and_then(|m| m.get("name")).and_then(Node::as_str).unwrap_or_default();
                    // The exact name, then one the render extends (prefix, suffix), then any.
                    if name == id.2 {
                        0
                    } else if !name.is_empty() && id.2.contains(name) {
                        1
                    } else {
                        2
                    }
                })?
                .clone();
            (file.source, original)
        };
        let original_name =
            original.get("metadata").and_then(|m| m.get("name")).and_then(Node::as_str).unwrap_or_default().to_owned();
        let pick = |root: &Node| -> Option<Span> {
            if is_key { root.key_at(&segs).map(|n| n.span) } else { root.at(&segs).map(|n| n.span) }
        };
        let value_of = |root: &Node| root.at(&segs).and_then(Node::as_str).map(str::to_owned);
        // The last transformer that can have written this field, newest first.
        let mut fallback = None;
        let mut seen = Vec::new();
        // A patch's name only says which object it patches: a name is the resource's.
        let is_name = path == "metadata.name";
        for (kustomization, kind) in transformers.iter().rev().filter(|_| !is_name) {
            if seen.contains(&(kustomization, kind)) {
                continue;
            }
            seen.push((kustomization, kind));
            let candidates = self.transformer_places(kustomization, kind, &id, &original_name, &path, &pick, &value_of);
            for (source, span, value) in candidates {
                if value.is_some() && value == rendered_value {
                    return Some(Moved { source, span });
                }
                fallback.get_or_insert(Moved { source, span });
            }
        }
        if let Some(span) = pick(&original)
            && (value_of(&original) == rendered_value || fallback.is_none())
        {
            return Some(Moved { source, span });
        }
        if let Some(moved) = fallback {
            return Some(moved);
        }
        // Nothing wrote the field itself: the nearest part of the object the file does write.
        let (node, _) = original.nearest(&segs);
        Some(Moved { source, span: node.span })
    }

    /// The places a transformer configured in `kustomization` writes this field: the matching
    /// document of each patch file it lists, `replicas:`, `namespace:`.
    #[allow(clippy::too_many_arguments)]
    fn transformer_places(
        &mut self,
        kustomization: &str,
        kind: &str,
        id: &Identity,
        original_name: &str,
        path: &str,
        pick: &dyn Fn(&Node) -> Option<Span>,
        value_of: &dyn Fn(&Node) -> Option<String>,
    ) -> Vec<(usize, Span, Option<String>)> {
        let Some(file) = self.file(kustomization) else { return Vec::new() };
        let (k_source, k_docs) = (file.source, file.docs.clone());
        let Some(k) = k_docs.first() else { return Vec::new() };
        let dir = kustomization.rsplit_once('/').map_or("", |(d, _)| d);
        let mut out = Vec::new();
        match kind {
            "PatchTransformer" | "PatchStrategicMergeTransformer" => {
                let mut paths = Vec::new();
                for key in ["patches", "patchesStrategicMerge"] {
                    for item in k.get(key).and_then(Node::as_seq).unwrap_or_default() {
                        if let Some(p) = item.as_str().or_else(|| item.get("path").and_then(Node::as_str)) {
                            paths.push(if dir.is_empty() { p.to_owned() } else { format!("{dir}/{p}") });
                        }
                    }
                }
                for p in paths.iter().rev() {
                    let Some(patch) = self.file(p) else { continue };
                    let source = patch.source;
                    for doc in &patch.docs {
                        let kind_ok = doc.get("kind").and_then(Node::as_str).is_none_or(|k| k == id.0);
                        let name = doc.get("metadata").and_then(|m| m.get("name")).and_then(Node::as_str);
                        if kind_ok
                            && name.is_none_or(|n| n == original_name || n == id.2)
                            && let Some(span) = pick(doc)
                        {
                            out.push((source, span, value_of(doc)));
                        }
                    }
                }
            }
            "ReplicaCountTransformer" if path == "spec.replicas" => {
                for item in k.get("replicas").and_then(Node::as_seq).unwrap_or_default() {
                    let name = item.get("name").and_then(Node::as_str);
                    if (name == Some(original_name) || name == Some(id.2.as_str()))
                        && let Some(count) = item.get("count")
                    {
                        out.push((k_source, count.span, count.as_str().map(str::to_owned)));
                    }
                }
            }
            "NamespaceTransformer" if path == "metadata.namespace" => {
                if let Some(ns) = k.get("namespace") {
                    out.push((k_source, ns.span, ns.as_str().map(str::to_owned)));
                }
            }
            _ => {}
        }
        out
    }

    /// Move every place of the report that lies in a render; diagnostics are sorted again.
    pub fn remap_report(&mut self, report: &mut Report) {
        // Suppressed findings too: SARIF lists them at their places.
        let suppressed = report.suppressed.iter_mut().map(|s| &mut s.diagnostic);
        for d in report.diagnostics.iter_mut().chain(suppressed) {
            if let Some(m) = self.move_span(d.source, Span::new(d.start.offset, d.end.offset)) {
                d.source = m.source;
                self.name(m.source).clone_into(&mut d.file);
                d.start = self.position(m.source, m.span.start);
                d.end = self.position(m.source, m.span.end);
            }
            for (r, source) in d.related.iter_mut().zip(d.related_sources.iter_mut()) {
                if let Some(m) = self.move_span(*source, Span::new(r.start.offset, r.end.offset)) {
                    *source = m.source;
                    self.name(m.source).clone_into(&mut r.file);
                    r.start = self.position(m.source, m.span.start);
                    r.end = self.position(m.source, m.span.end);
                }
            }
        }
        crate::diagnostic::sort(&mut report.diagnostics);
    }

    /// Move every place of a trace that lies in a render.
    /// Move one place of a rendered stream (a trace place, a `migrate` place) to the file that
    /// wrote it; a place elsewhere stays.
    pub fn remap_place(&mut self, file: &mut String, start: &mut Position, end: &mut Position) {
        let Some(stream) = self.renders.keys().copied().find(|&i| self.sources[i].name == *file) else { return };
        if let Some(m) = self.move_span(stream, Span::new(start.offset, end.offset)) {
            self.name(m.source).clone_into(file);
            *start = self.position(m.source, m.span.start);
            *end = self.position(m.source, m.span.end);
        }
    }

    pub fn remap_trace(&mut self, trace: &mut TraceReport) {
        let mut place =
            |file: &mut String, start: &mut Position, end: &mut Position| self.remap_place(file, start, end);
        for entry in &mut trace.entries {
            place(&mut entry.file, &mut entry.start, &mut entry.end);
            for hop in &mut entry.hops {
                for p in &mut hop.places {
                    place(&mut p.file, &mut p.start, &mut p.end);
                }
            }
            if let Some(p) = &mut entry.verdict.at {
                place(&mut p.file, &mut p.start, &mut p.end);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, lint};

    const RENDER: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: prod-web\n  namespace: prod\nspec:\n  replicas: 3\n  template:\n    spec:\n      hostNetwork: true\n      containers: [{name: a, image: x, ports: [{containerPort: 80}]}]\n";
    const ANNOTATED: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  annotations:\n    config.kubernetes.io/origin: |\n      path: ../app/base/deploy.yaml\n    alpha.config.kubernetes.io/transformations: |\n      - configuredIn: ../app/prod/kustomization.yaml\n        configuredBy: {apiVersion: builtin, kind: PatchTransformer}\n      - configuredIn: ../app/prod/kustomization.yaml\n        configuredBy: {apiVersion: builtin, kind: NamespaceTransformer}\n  name: prod-web\n  namespace: prod\nspec:\n  replicas: 3\n  template:\n    spec:\n      hostNetwork: true\n      containers: [{name: a, image: x, ports: [{containerPort: 80}]}]\n";

    fn files(path: &str) -> Option<(String, String)> {
        let text = match path {
            "../app/base/deploy.yaml" => {
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  template:\n    spec: {}\n"
            }
            "../app/prod/kustomization.yaml" => {
                "namespace: prod\nnamePrefix: prod-\npatches:\n  - path: replicas.yaml\n"
            }
            "../app/prod/replicas.yaml" => {
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n"
            }
            _ => return None,
        };
        Some((path.trim_start_matches("../").to_owned(), text.to_owned()))
    }

    fn moved(render: &str, annotated: &str, needle: &str) -> (String, String) {
        let sources = [Source::new("<kustomize app/prod>", render)];
        let mut read = files;
        let mut r = Remapper::new(&sources, &mut read);
        r.add_render(0, annotated);
        let at = to_span(render, needle);
        match r.move_span(0, at) {
            Some(m) => {
                let text = r.text(m.source)[m.span.start as usize..m.span.end as usize].to_owned();
                (r.name(m.source).to_owned(), text)
            }
            None => (String::from("<stream>"), render[at.start as usize..at.end as usize].to_owned()),
        }
    }

    /// The span of `needle`, or of what follows `|` in it (`namespace: |prod`).
    fn to_span(text: &str, needle: &str) -> Span {
        let (before, word) = needle.split_once('|').unwrap_or(("", needle));
        let at = text.find(&format!("{before}{word}")).unwrap() + before.len();
        Span::new(u32::try_from(at).unwrap(), u32::try_from(at + word.len()).unwrap())
    }

    #[test]
    fn a_value_goes_to_the_patch_that_wrote_it_then_the_resource() {
        assert_eq!(moved(RENDER, ANNOTATED, "3"), ("app/prod/replicas.yaml".into(), "3".into()));
        assert_eq!(moved(RENDER, ANNOTATED, "replicas"), ("app/prod/replicas.yaml".into(), "replicas".into()));
        assert_eq!(moved(RENDER, ANNOTATED, "prod-web"), ("app/base/deploy.yaml".into(), "web".into()), "a name");
        assert_eq!(moved(RENDER, ANNOTATED, "namespace: |prod"), ("app/prod/kustomization.yaml".into(), "prod".into()));
    }

    #[test]
    fn a_field_nobody_wrote_goes_to_its_nearest_written_parent() {
        let (file, text) = moved(RENDER, ANNOTATED, "true");
        assert_eq!((file.as_str(), text.as_str()), ("app/base/deploy.yaml", "spec"));
    }

    #[test]
    fn without_an_origin_a_place_stays_in_the_stream() {
        let plain = ANNOTATED.replace("config.kubernetes.io/origin", "x");
        assert_eq!(moved(RENDER, &plain, "3"), ("<stream>".into(), "3".into()));
        let remote =
            ANNOTATED.replace("path: ../app/base/deploy.yaml", "repo: https://example.com/x\n      path: a.yaml");
        assert_eq!(moved(RENDER, &remote, "3").0, "<stream>");
    }

    #[test]
    fn a_report_is_moved_and_sorted_again() {
        let sources = [Source::new("<kustomize app/prod>", RENDER)];
        let mut report = lint(&sources, &Options { nodes: Some(2), ..Options::default() });
        assert!(report.diagnostics.iter().any(|d| d.file.starts_with("<kustomize")), "{report:#?}");
        let mut read = files;
        let mut r = Remapper::new(&sources, &mut read);
        r.add_render(0, ANNOTATED);
        r.remap_report(&mut report);
        let extra = r.into_extra();
        for d in &report.diagnostics {
            assert!(!d.file.starts_with("<kustomize"), "{d:#?}");
            assert_eq!(extra[d.source - sources.len()].name, d.file);
        }
    }
}
