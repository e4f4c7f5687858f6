//! Span-preserving YAML: every key and value of every document, with its exact byte range.
//!
//! Built on granit-parser's event stream (see `docs/decisions.md`). The tree is small and owned;
//! aliases are expanded in place (with a node budget against alias bombs), `<<` merge keys are
//! applied, duplicate keys are reported at the second key while the tree is still built, and a
//! syntax error abandons only its own document: parsing resumes at the next `---`.

pub mod path;
pub mod scalar;

use std::collections::HashMap;

use granit_parser::{Event, Options, Parser, ScalarStyle};

pub use scalar::{Resolved, resolve_plain};

use compact_str::CompactString;

use crate::source::{Span, to_u32};

use crate::limits::{Limits, MAX_NESTING};

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// Inline up to 24 bytes: most keys and values of a manifest allocate nothing of their own.
    pub value: CompactString,
    /// Plain scalars are resolved (null, bool, number); every other style is a string.
    pub plain: bool,
    /// An explicit tag such as `!!str`, as its core-schema suffix (`str`) or full text.
    pub tag: Option<Box<str>>,
}

/// A problem found while reading YAML, at an exact place.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlProblem {
    pub span: Span,
    pub message: String,
    /// Secondary place (the first key of a duplicate).
    pub related: Option<(Span, String)>,
    /// What the problem does to its document.
    pub level: Level,
}

/// What a YAML problem does to its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// kubectl cannot read the document: it is not read.
    Fatal,
    /// kubectl refuses the file, but the document reads as kubectl would read it alone: it is
    /// reported as an error and still read.
    Error,
    /// Whether it matters depends on the tool that applies the document (a duplicate key): it
    /// is reported as an info and the document is read as `kubectl apply -f` reads it.
    Info,
}

/// One document of a stream: its extent, its root (absent after a syntax error or when empty),
/// and the problems found in it.
#[derive(Debug)]
pub struct Document {
    pub span: Span,
    pub root: Option<Node>,
    pub problems: Vec<YamlProblem>,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(&s.value),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The entry (key node, value node) of a mapping.
    pub fn entry(&self, key: &str) -> Option<&(Node, Node)> {
        self.as_map()?.iter().rev().find(|(k, _)| k.as_str() == Some(key))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Walk a path of mapping keys and sequence indexes.
    pub fn at(&self, path: &[PathSeg<'_>]) -> Option<&Node> {
        let mut node = self;
        for seg in path {
            node = match seg {
                PathSeg::Key(k) => node.get(k)?,
                PathSeg::Index(i) => node.as_seq()?.get(*i)?,
            };
        }
        Some(node)
    }

    /// The key node of the last path segment when it is a key, else the node itself.
    pub fn key_at(&self, path: &[PathSeg<'_>]) -> Option<&Node> {
        match path.split_last()? {
            (PathSeg::Key(k), parent) => self.at(parent)?.entry(k).map(|(k, _)| k),
            (PathSeg::Index(_), _) => self.at(path),
        }
    }

    /// The deepest node that exists along `path` and how many segments it consumed: the key
    /// token of the last existing key, which is where a finding about an absent field points.
    pub fn nearest(&self, path: &[PathSeg<'_>]) -> (&Node, usize) {
        let mut best = (self, 0);
        for n in 1..=path.len() {
            match self.key_at(&path[..n]) {
                Some(node) => best = (node, n),
                None => break,
            }
        }
        best
    }

    fn count(&self) -> usize {
        match &self.kind {
            NodeKind::Scalar(_) => 1,
            NodeKind::Seq(s) => 1 + s.iter().map(Node::count).sum::<usize>(),
            NodeKind::Map(m) => 1 + m.iter().map(|(k, v)| k.count() + v.count()).sum::<usize>(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSeg<'a> {
    Key(&'a str),
    Index(usize),
}

enum Frame {
    Seq { start: u32, anchor: usize, items: Vec<Node> },
    Map { start: u32, anchor: usize, entries: Vec<(Node, Node)>, pending_key: Option<Node> },
}

struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    problems: Vec<YamlProblem>,
    budget: usize,
    /// The document's top-level `apiVersion` and `kind`, once read.
    api: Option<String>,
    kind: Option<String>,
    /// The document is of a kind nobody reads: top-level collections other than `metadata` are
    /// walked (for duplicate keys) but not built.
    skipping: bool,
    skip: Option<Skip>,
}

/// A collection walked without building it.
struct Skip {
    start: u32,
    /// Per open collection: the keys of a mapping seen so far and whether a key comes next;
    /// `None` for a sequence.
    frames: Vec<Option<SkipMap>>,
}

/// The keys of a walked mapping so far, and whether a key comes next.
type SkipMap = (Vec<(String, Span)>, bool);

impl Skip {
    /// A node (scalar, alias or collection start) arrives in the innermost collection.
    fn node(&mut self, key: Option<(&str, Span, bool)>, problems: &mut Vec<YamlProblem>) {
        if let Some(Some((keys, expect_key))) = self.frames.last_mut() {
            if *expect_key && let Some((k, span, plain)) = key {
                if let Some(what) = scalar::refused_key(k, plain, None) {
                    problems.push(refused_key(span, what));
                }
                if let Some((_, first)) = keys.iter().find(|(seen, _)| seen == k) {
                    problems.push(duplicate_key(span, *first, k));
                } else {
                    keys.push((k.to_owned(), span));
                }
            }
            *expect_key = !*expect_key;
        }
    }
}

impl Builder {
    fn push_node(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, pending_key, .. }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
    }

    fn anchored(&mut self, anchor: usize, node: Node) -> Node {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        node
    }

    fn finish_map(&mut self, start: u32, end: u32, entries: Vec<(Node, Node)>) -> Node {
        for (k, _) in &entries {
            if let NodeKind::Scalar(s) = &k.kind
                && let Some(what) = scalar::refused_key(&s.value, s.plain, s.tag.as_deref())
            {
                self.problems.push(refused_key(k.span, what));
            }
        }
        let mut entries = self.merge_keys(entries);
        self.check_duplicates(&entries);
        // Trees live until the output is written: no growth slack (it was 45 % of a tree).
        entries.shrink_to_fit();
        Node { span: Span::new(start, end), kind: NodeKind::Map(entries) }
    }

    /// Apply `<<` merge keys: explicit keys win, then earlier merged mappings over later ones.
    fn merge_keys(&mut self, entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
        if !entries.iter().any(|(k, _)| is_merge_key(k)) {
            return entries;
        }
        let mut explicit = Vec::new();
        let mut sources: Vec<Node> = Vec::new();
        for (k, v) in entries {
            if is_merge_key(&k) {
                match v.kind {
                    NodeKind::Map(_) => sources.push(v),
                    NodeKind::Seq(items) => {
                        for item in items {
                            if item.as_map().is_some() {
                                sources.push(item);
                            } else {
                                self.problems.push(YamlProblem {
                                    span: item.span,
                                    message: "a `<<` merge key takes a mapping or a list of mappings".into(),
                                    related: None,
                                    level: Level::Fatal,
                                });
                            }
                        }
                    }
                    NodeKind::Scalar(_) => self.problems.push(YamlProblem {
                        span: v.span,
                        message: "a `<<` merge key takes a mapping or a list of mappings".into(),
                        related: None,
                        level: Level::Fatal,
                    }),
                }
            } else {
                explicit.push((k, v));
            }
        }
        let mut merged = explicit;
        for source in sources {
            if let NodeKind::Map(src) = source.kind {
                for (k, v) in src {
                    if !merged.iter().any(|(mk, _)| same_key(mk, &k)) {
                        merged.push((k, v));
                    }
                }
            }
        }
        merged
    }

    fn check_duplicates(&mut self, entries: &[(Node, Node)]) {
        fn key(n: &Node) -> Option<&str> {
            match &n.kind {
                NodeKind::Scalar(s) => Some(s.value.as_str()),
                _ => None,
            }
        }
        if entries.len() < 2 {
            return;
        }
        let mut report = |first: Span, second: &Node, k: &str| {
            self.problems.push(duplicate_key(second.span, first, k));
        };
        // Most mappings are small: a linear scan beats hashing them.
        if entries.len() <= 16 {
            for (i, (k, _)) in entries.iter().enumerate() {
                let Some(name) = key(k) else { continue };
                if let Some((first, _)) = entries[..i].iter().find(|(f, _)| key(f) == Some(name))
                    && first.span.start < k.span.start
                {
                    report(first.span, k, name);
                }
            }
            return;
        }
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for (k, _) in entries {
            let Some(name) = key(k) else { continue };
            if let Some(first) = seen.insert(name, k.span)
                && first.start < k.span.start
            {
                report(first, k, name);
            }
        }
    }
}

/// A key written twice in one mapping. sigs.k8s.io/yaml (go-yaml v2, not strict) keeps the last
/// value, so `kubectl apply -f` and Helm apply the document with it; kustomize (kyaml, go-yaml
/// v3) refuses the document. The tree keeps both entries and every reader takes the last.
fn duplicate_key(span: Span, first: Span, k: &str) -> YamlProblem {
    YamlProblem {
        span,
        message: format!(
            "duplicate key `{k}`: `kubectl apply -f` and Helm keep this last value (the one checked here) and drop the first; kustomize (`kubectl apply -k`, Flux, Argo CD) refuses the document"
        ),
        related: Some((first, "first defined here, ignored".into())),
        level: Level::Info,
    }
}

/// A key kubectl cannot turn into JSON (see [`scalar::refused_key`]).
fn refused_key(span: Span, what: &str) -> YamlProblem {
    YamlProblem {
        span,
        message: format!(
            "{what}: kubectl refuses the document (sigs.k8s.io/yaml converts only string, integer, float and boolean keys: `unsupported map key of type`)"
        ),
        related: None,
        level: Level::Fatal,
    }
}

fn is_merge_key(k: &Node) -> bool {
    matches!(&k.kind, NodeKind::Scalar(s) if s.plain && s.value == "<<" && s.tag.is_none())
}

fn same_key(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (NodeKind::Scalar(x), NodeKind::Scalar(y)) => x.value == y.value,
        _ => false,
    }
}

fn byte(marker: &granit_parser::Marker) -> u32 {
    to_u32(marker.byte_offset().unwrap_or(0))
}

/// Walk the parser's events without building anything: the floor of what reading YAML costs
/// with this parser (the benchmark's parse-only baseline). Returns the number of events.
pub fn scan(text: &str) -> usize {
    let mut options = Options::default();
    options.block_scalar_eof_without_line_feed = true;
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut events = 0;
    loop {
        match parser.next_event() {
            Some(Ok(_)) => events += 1,
            Some(Err(_)) => match parser.proceed_next_document() {
                Ok(true) => {}
                _ => break,
            },
            None => break,
        }
    }
    events
}

/// Parse a whole stream into documents with the default limits.
pub fn parse_stream(text: &str) -> Vec<Document> {
    parse_stream_with(text, &Limits::default())
}

/// Parse a whole stream into documents. Never panics; a syntax error ends its own document only;
/// the limits on documents, nesting and alias expansion end the stream or the document with a
/// problem that names the limit.
pub fn parse_stream_with(text: &str, limits: &Limits) -> Vec<Document> {
    parse_stream_keeping(text, limits, &|_, _| true)
}

/// As [`parse_stream_with`], building in full only the documents whose `apiVersion` and `kind`
/// `keep` accepts; of the others only the top level and `metadata` are built (every key is still
/// checked for duplicates).
pub fn parse_stream_keeping(text: &str, limits: &Limits, keep: &dyn Fn(&str, &str) -> bool) -> Vec<Document> {
    let mut options = Options::default();
    options.block_scalar_eof_without_line_feed = true;
    let nesting = limits.nesting.clamp(1, MAX_NESTING);
    options.flow_nesting_limit = nesting;
    options.block_nesting_limit = nesting;
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut docs: Vec<Document> = Vec::new();
    let mut budget = limits.alias_nodes;
    let mut current: Option<(u32, Builder)> = None;
    // Where the last document ended: directives are looked for between it and the next `---`.
    let mut last_end = 0usize;
    while let Some(item) = parser.next_event() {
        match item {
            Err(err) => {
                let at = byte(err.marker());
                last_end = last_end.max(at as usize);
                let (start, mut b) = current.take().unwrap_or_else(|| (at, new_builder(budget)));
                let message = if matches!(err.kind(), granit_parser::ErrorKind::RecursionLimitExceeded) {
                    format!(
                        "collections nested deeper than {nesting} levels: the document is not read (the `nesting` limit; {})",
                        Limits::raise_hint("nesting")
                    )
                } else {
                    syntax_message(&err)
                };
                b.problems.push(YamlProblem {
                    span: error_span(text, at),
                    message,
                    related: None,
                    level: Level::Fatal,
                });
                budget = b.budget;
                docs.push(Document { span: Span::new(start.min(at), at), root: None, problems: b.problems });
                match parser.proceed_next_document() {
                    Ok(true) => {}
                    Ok(false) | Err(_) => break,
                }
            }
            Ok((event, span)) => {
                let (s, e) = (byte(&span.start), byte(&span.end));
                match event {
                    Event::StreamStart => {}
                    Event::StreamEnd => break,
                    Event::DocumentStart(..) => {
                        if docs.len() >= limits.documents {
                            docs.push(Document {
                                span: Span::new(s, e.max(s)),
                                root: None,
                                problems: vec![YamlProblem {
                                    span: Span::new(s, e.max(s)),
                                    message: format!(
                                        "more than {} documents in one file: the rest is not read (the `documents` limit; {})",
                                        limits.documents,
                                        Limits::raise_hint("documents")
                                    ),
                                    related: None,
                                    level: Level::Fatal,
                                }],
                            });
                            break;
                        }
                        let mut b = new_builder(budget);
                        b.problems.extend(directives(text, last_end, e as usize));
                        current = Some((s, b));
                    }
                    Event::DocumentEnd => {
                        last_end = last_end.max(e as usize);
                        if let Some((start, b)) = current.take() {
                            budget = b.budget;
                            docs.push(Document {
                                span: Span::new(start, e.max(start)),
                                root: b.root,
                                problems: b.problems,
                            });
                        }
                    }
                    Event::Scalar(value, style, anchor, tag) => {
                        let Some((_, b)) = current.as_mut() else { continue };
                        if let Some(skip) = b.skip.as_mut() {
                            let plain = style == ScalarStyle::Plain && tag.is_none();
                            skip.node(Some((&value, Span::new(s, e), plain)), &mut b.problems);
                            continue;
                        }
                        let plain = style == ScalarStyle::Plain;
                        let tag =
                            tag.map(|t| t.core_suffix().map_or_else(|| t.original(), str::to_owned).into_boxed_str());
                        let node = Node {
                            span: Span::new(s, e),
                            kind: NodeKind::Scalar(Scalar { value: CompactString::from(value), plain, tag }),
                        };
                        let node = b.anchored(anchor, node);
                        b.push_node(node);
                        b.note_top_level(keep);
                    }
                    Event::SequenceStart(..) | Event::MappingStart(..) => {
                        let Some((_, b)) = current.as_mut() else { continue };
                        let is_map = matches!(event, Event::MappingStart(..));
                        if b.skip.is_none() && b.starts_skip() {
                            b.skip = Some(Skip { start: s, frames: Vec::new() });
                        }
                        if let Some(skip) = b.skip.as_mut() {
                            skip.node(None, &mut b.problems);
                            skip.frames.push(is_map.then(|| (Vec::new(), true)));
                            continue;
                        }
                        match event {
                            Event::SequenceStart(_, anchor, _) => {
                                b.stack.push(Frame::Seq { start: s, anchor, items: Vec::new() });
                            }
                            Event::MappingStart(_, anchor, _) => {
                                b.stack.push(Frame::Map { start: s, anchor, entries: Vec::new(), pending_key: None });
                            }
                            _ => {}
                        }
                    }
                    Event::SequenceEnd | Event::MappingEnd => {
                        let Some((_, b)) = current.as_mut() else { continue };
                        if let Some(skip) = b.skip.as_mut() {
                            skip.frames.pop();
                            if skip.frames.is_empty() {
                                // The region ends: its place in the tree holds an empty value.
                                let start = skip.start;
                                b.skip = None;
                                let kind = NodeKind::Scalar(Scalar {
                                    value: CompactString::default(),
                                    plain: false,
                                    tag: None,
                                });
                                b.push_node(Node { span: Span::new(start, e.max(start)), kind });
                            }
                            continue;
                        }
                        let node = match b.stack.pop() {
                            Some(Frame::Seq { start, anchor, mut items }) => {
                                items.shrink_to_fit();
                                let n = Node { span: Span::new(start, e.max(start)), kind: NodeKind::Seq(items) };
                                b.anchored(anchor, n)
                            }
                            Some(Frame::Map { start, anchor, entries, .. }) => {
                                let n = b.finish_map(start, e.max(start), entries);
                                b.anchored(anchor, n)
                            }
                            None => continue,
                        };
                        b.push_node(node);
                    }
                    Event::Alias(id) => {
                        let Some((_, b)) = current.as_mut() else { continue };
                        if let Some(skip) = b.skip.as_mut() {
                            skip.node(None, &mut b.problems);
                            continue;
                        }
                        let Some(target) = b.anchors.get(&id).cloned() else { continue };
                        let cost = target.count();
                        if cost <= b.budget {
                            b.budget -= cost;
                            let mut node = target;
                            node.span = Span::new(s, e);
                            b.push_node(node);
                            continue;
                        }
                        // An alias bomb: refuse this document, go on with the next.
                        let (start, mut b) = current.take().unwrap_or_else(|| (s, new_builder(0)));
                        b.problems.push(YamlProblem {
                            span: Span::new(s, e),
                            message: format!(
                                "aliases expand to more than {} nodes (an alias bomb?): the document is not read (the `alias-nodes` limit; {})",
                                limits.alias_nodes,
                                Limits::raise_hint("alias-nodes")
                            ),
                            related: None,
                            level: Level::Fatal,
                        });
                        budget = 0;
                        docs.push(Document { span: Span::new(start, e), root: None, problems: b.problems });
                        match parser.proceed_next_document() {
                            Ok(true) => {}
                            Ok(false) | Err(_) => break,
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    if let Some((start, b)) = current.take() {
        docs.push(Document { span: Span::new(start, to_u32(text.len())), root: b.root, problems: b.problems });
    }
    docs
}

fn new_builder(budget: usize) -> Builder {
    Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        problems: Vec::new(),
        budget,
        api: None,
        kind: None,
        skipping: false,
        skip: None,
    }
}

impl Builder {
    /// After a top-level entry: note `apiVersion` and `kind`, and decide whether to build the rest.
    fn note_top_level(&mut self, keep: &dyn Fn(&str, &str) -> bool) {
        if self.stack.len() != 1 || self.skipping {
            return;
        }
        let Some(Frame::Map { entries, .. }) = self.stack.last() else { return };
        let Some((k, v)) = entries.last() else { return };
        match (k.as_str(), v.as_str()) {
            (Some("apiVersion"), Some(a)) => self.api = Some(a.to_owned()),
            (Some("kind"), Some(kd)) => self.kind = Some(kd.to_owned()),
            _ => return,
        }
        if let (Some(a), Some(kd)) = (&self.api, &self.kind) {
            self.skipping = !keep(a, kd);
        }
    }

    /// Does a collection starting now begin a region that is walked, not built?
    fn starts_skip(&self) -> bool {
        self.skipping
            && self.stack.len() == 1
            && matches!(self.stack.last(), Some(Frame::Map { pending_key: Some(k), .. })
                if !matches!(k.as_str(), Some("metadata" | "apiVersion" | "kind")))
    }
}

/// `%YAML` and `%TAG` directives in `text[from..to]` (before a document's `---`). kubectl's
/// document reader (apimachinery `YAMLReader`) splits a stream at `---` lines, so a directive
/// is left as a document of its own, which go-yaml then cannot read (`did not find expected
/// <document start>`): kubectl refuses the file. The document after the `---` reads as if the
/// directive were not there, so it is still read.
fn directives(text: &str, from: usize, to: usize) -> Vec<YamlProblem> {
    let Some(region) = text.get(from..to.min(text.len())) else { return Vec::new() };
    let mut out = Vec::new();
    let mut at = from;
    for line in region.split_inclusive('\n') {
        if line.starts_with('%') {
            let len = line.trim_end().len();
            let name = line.split_whitespace().next().unwrap_or("%");
            out.push(YamlProblem {
                span: Span::new(to_u32(at), to_u32(at + len)),
                message: format!(
                    "a `{name}` directive: kubectl splits the file at `---` lines, leaves the directive alone in a document it cannot read (`did not find expected <document start>`) and refuses the file"
                ),
                related: None,
                level: Level::Error,
            });
        }
        at += line.len();
    }
    out
}

/// A one-character span at a syntax error (empty at the end of the text).
fn error_span(text: &str, at: u32) -> Span {
    let at_usize = (at as usize).min(text.len());
    let len = text[at_usize..].chars().next().map_or(0, char::len_utf8);
    Span::new(to_u32(at_usize), to_u32(at_usize + len))
}

fn syntax_message(err: &granit_parser::ScanError) -> String {
    let info = err.info();
    let info = info.trim();
    format!("YAML syntax error: {info}")
}

#[cfg(test)]
mod tests;
