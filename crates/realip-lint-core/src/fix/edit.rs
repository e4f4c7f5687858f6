//! Edits that write YAML the way the text around them is written: block or flow, the
//! document's indentation step and list style, its line endings, quoting kept on replaced
//! scalars, JSON where the input is JSON. Comments outside the edited range are never touched.

use super::Edit;
use crate::source::{Span, to_u32};
use crate::yaml::{Node, NodeKind, Resolved, resolve_plain};

/// A value to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Str(String),
    Int(i64),
    Bool(bool),
    Map(Vec<(String, Value)>),
    Seq(Vec<Value>),
}

impl Value {
    pub fn str(s: impl Into<String>) -> Self {
        Value::Str(s.into())
    }

    /// A mapping from pairs.
    pub fn map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Self {
        Value::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The value as YAML flow, on one line: what help prose quotes (`{maxSkew: 1, …}`), so the
    /// prose and the edit are one text.
    pub fn flow(&self) -> String {
        let mut out = String::new();
        write_flow(self, false, &mut out);
        out
    }

    /// The value written under `key:` as a block, with a two-space step, for help that shows a
    /// snippet (each line after the first indented by `indent`).
    pub fn block(&self, key: &str, indent: usize) -> String {
        let style = Style { step: 2, seq_indent: 2, nl: "\n", json: false };
        let mut out = String::new();
        write_entry(key, self, indent, &style, &mut out);
        out
    }
}

fn plain_ok(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'))
        && s.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '/')
        && matches!(resolve_plain(s), Resolved::Str)
}

fn write_str(s: &str, json: bool, out: &mut String) {
    if !json && plain_ok(s) {
        out.push_str(s);
    } else {
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    }
}

fn write_scalar(v: &Value, json: bool, out: &mut String) -> bool {
    match v {
        Value::Str(s) => write_str(s, json, out),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        _ => return false,
    }
    true
}

fn write_flow(v: &Value, json: bool, out: &mut String) {
    if write_scalar(v, json, out) {
        return;
    }
    match v {
        Value::Map(pairs) => {
            out.push('{');
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_str(k, json, out);
                out.push_str(": ");
                write_flow(v, json, out);
            }
            out.push('}');
        }
        Value::Seq(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_flow(v, json, out);
            }
            out.push(']');
        }
        _ => {}
    }
}

/// How the text writes block collections.
#[derive(Debug, Clone, Copy)]
struct Style {
    /// Spaces per nesting level.
    step: usize,
    /// Spaces before `- ` relative to the key of the list (0: `containers:\n- name: x`).
    seq_indent: usize,
    nl: &'static str,
    json: bool,
}

/// `key: value` for a block mapping at `indent` (the key is already placed; this writes
/// `key:` and what follows, nested lines starting with `nl`).
fn write_entry(key: &str, v: &Value, indent: usize, style: &Style, out: &mut String) {
    write_str(key, false, out);
    out.push(':');
    write_block_value(v, indent, style, out);
}

/// What follows `key:` (or `- `) for a value whose key sits at `indent`.
fn write_block_value(v: &Value, indent: usize, style: &Style, out: &mut String) {
    match v {
        Value::Map(pairs) if !pairs.is_empty() => {
            for (k, v) in pairs {
                out.push_str(style.nl);
                out.push_str(&" ".repeat(indent + style.step));
                write_entry(k, v, indent + style.step, style, out);
            }
        }
        Value::Seq(items) if !items.is_empty() => {
            for item in items {
                out.push_str(style.nl);
                out.push_str(&" ".repeat(indent + style.seq_indent));
                out.push('-');
                write_item(item, indent + style.seq_indent + 2, style, out);
            }
        }
        _ => {
            out.push(' ');
            write_flow(v, false, out);
        }
    }
}

/// A list item after its `- `, its keys at `indent`.
fn write_item(v: &Value, indent: usize, style: &Style, out: &mut String) {
    match v {
        Value::Map(pairs) if !pairs.is_empty() => {
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i == 0 {
                    out.push(' ');
                } else {
                    out.push_str(style.nl);
                    out.push_str(&" ".repeat(indent));
                }
                write_entry(k, v, indent, style, out);
            }
        }
        _ => {
            out.push(' ');
            write_flow(v, false, out);
        }
    }
}

/// Writes edits into one input text.
#[derive(Debug, Clone, Copy)]
pub struct Editor<'a> {
    pub text: &'a str,
    pub file: usize,
    style: Style,
}

impl<'a> Editor<'a> {
    pub fn new(text: &'a str, file: usize) -> Self {
        let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        let json = trimmed.starts_with('{') || trimmed.starts_with('[');
        let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let (step, seq_indent) = detect_indent(text);
        Self { text, file, style: Style { step, seq_indent, nl, json } }
    }

    fn edit(&self, start: u32, end: u32, text: String) -> Edit {
        Edit { file: self.file, span: Span::new(start, end), text }
    }

    fn is_flow(&self, node: &Node) -> bool {
        matches!(self.text.as_bytes().get(node.span.start as usize), Some(b'{' | b'['))
    }

    /// Replace a scalar's value, keeping its quoting (a plain scalar stays plain when the new
    /// value can be plain).
    pub fn replace(&self, node: &Node, value: &Value) -> Edit {
        let old = self.text.get(node.span.range()).unwrap_or_default();
        let mut out = String::new();
        match (value, old.as_bytes().first()) {
            (Value::Str(s), Some(b'\'')) if !self.style.json => {
                out.push('\'');
                out.push_str(&s.replace('\'', "''"));
                out.push('\'');
            }
            (Value::Str(s), Some(b'"')) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
            _ => write_flow(value, self.style.json, &mut out),
        }
        self.edit(node.span.start, node.span.end, out)
    }

    /// Set `path` under the mapping `map` to `value`: replaces the scalar there, or inserts the
    /// missing keys (nested) after the mapping's last entry. `None` when the path runs through a
    /// value that is not a mapping, or ends at a collection (the caller decides how to merge).
    pub fn set(&self, map: &Node, path: &[&str], value: &Value) -> Option<Edit> {
        let (first, rest) = path.split_first()?;
        match map.entry(first) {
            Some((k, v)) if Self::inside(map, k) => {
                if rest.is_empty() {
                    return matches!(v.kind, NodeKind::Scalar(_))
                        .then(|| if is_null(v) { self.fill_null(k, v, value) } else { self.replace(v, value) });
                }
                match &v.kind {
                    NodeKind::Map(_) => self.set(v, rest, value),
                    NodeKind::Scalar(_) if is_null(v) => Some(self.fill_null(k, v, &nest(rest, value.clone()))),
                    _ => None,
                }
            }
            Some(_) => None,
            None => self.insert(map, first, &nest(rest, value.clone())),
        }
    }

    /// Append `item` to the list at `key` of `map`, creating the list when absent.
    pub fn push(&self, map: &Node, key: &str, item: &Value) -> Option<Edit> {
        match map.entry(key) {
            None => self.insert(map, key, &Value::Seq(vec![item.clone()])),
            Some((k, v)) if Self::inside(map, k) => match &v.kind {
                NodeKind::Seq(items) if self.is_flow(v) || self.style.json => {
                    let mut text = String::new();
                    let close = v.span.end.checked_sub(1)?;
                    (self.text.as_bytes().get(close as usize) == Some(&b']')).then_some(())?;
                    if let Some(last) = items.last() {
                        text.push_str(", ");
                        write_flow(item, self.style.json, &mut text);
                        Some(self.edit(last.span.end, last.span.end, text))
                    } else {
                        write_flow(item, self.style.json, &mut text);
                        Some(self.edit(close, close, text))
                    }
                }
                NodeKind::Seq(items) => {
                    let last = items.last()?;
                    let dash = self.line_start(items.first()?.span.start);
                    let indent = self.text[dash as usize..].find('-')?;
                    let mut text = String::new();
                    text.push_str(self.style.nl);
                    text.push_str(&" ".repeat(indent));
                    text.push('-');
                    write_item(item, indent + 2, &self.style, &mut text);
                    let at = self.line_end(leaf_end(self.text, last));
                    Some(self.edit(at, at, text))
                }
                NodeKind::Scalar(_) if is_null(v) => Some(self.fill_null(k, v, &Value::Seq(vec![item.clone()]))),
                _ => None,
            },
            Some(_) => None,
        }
    }

    /// Remove `key` and its value from `map`. `None` when it is the mapping's only entry, or the
    /// first key of a block list item (the caller removes the item or the parent instead).
    pub fn remove(&self, map: &Node, key: &str) -> Option<Edit> {
        let entries = map.as_map()?;
        let idx = entries.iter().rposition(|(k, _)| k.as_str() == Some(key))?;
        let (k, v) = &entries[idx];
        if entries.len() < 2 || !Self::inside(map, k) {
            return None;
        }
        if self.is_flow(map) || self.style.json {
            // `a: 1, key: v` → `a: 1`; `key: v, b: 2` → `b: 2`.
            return if idx > 0 {
                let prev = &entries[idx - 1].1;
                Some(self.edit(prev.span.end, v.span.end, String::new()))
            } else {
                let next = &entries[1].0;
                Some(self.edit(k.span.start, next.span.start, String::new()))
            };
        }
        let start = self.line_start(k.span.start);
        if !self.text[start as usize..k.span.start as usize].trim().is_empty() {
            return None;
        }
        let end = self.line_end(leaf_end(self.text, v));
        let end = if self.text[end as usize..].starts_with("\r\n") {
            end + 2
        } else if self.text[end as usize..].starts_with('\n') {
            end + 1
        } else {
            end
        };
        Some(self.edit(start, end, String::new()))
    }

    /// Whether a key node is written inside the mapping (not brought in by `<<` or an alias).
    fn inside(map: &Node, key: &Node) -> bool {
        key.span.start >= map.span.start && key.span.end <= map.span.end && !key.span.is_empty()
    }

    fn insert(&self, map: &Node, key: &str, value: &Value) -> Option<Edit> {
        self.insert_pairs(map, &[(key.to_owned(), value.clone())])
    }

    /// New keys after a mapping's last entry, in one edit.
    fn insert_pairs(&self, map: &Node, pairs: &[(String, Value)]) -> Option<Edit> {
        let entries = map.as_map()?;
        if self.is_flow(map) || self.style.json {
            let close = map.span.end.checked_sub(1)?;
            (self.text.as_bytes().get(close as usize) == Some(&b'}')).then_some(())?;
            let mut text = String::new();
            let last = entries.iter().filter(|(k, _)| Self::inside(map, k)).max_by_key(|(_, v)| v.span.end);
            // A mapping written over several lines gets its new keys on lines of their own.
            let sep = match last {
                Some((last_key, _))
                    if self.text[map.span.start as usize..last_key.span.start as usize].contains('\n') =>
                {
                    let col = last_key.span.start - self.line_start(last_key.span.start);
                    format!(",{}{}", self.style.nl, " ".repeat(col as usize))
                }
                _ => ", ".to_owned(),
            };
            for (i, (key, value)) in pairs.iter().enumerate() {
                if i > 0 || last.is_some() {
                    text.push_str(&sep);
                }
                write_str(key, self.style.json, &mut text);
                text.push_str(": ");
                write_flow(value, self.style.json, &mut text);
            }
            let at = last.map_or(close, |(_, v)| v.span.end);
            return Some(self.edit(at, at, text));
        }
        let written: Vec<&(Node, Node)> = entries.iter().filter(|(k, _)| Self::inside(map, k)).collect();
        let first = written.first()?;
        let indent = (first.0.span.start - self.line_start(first.0.span.start)) as usize;
        let (_, last_value) = written.iter().max_by_key(|(_, v)| v.span.end)?;
        let at = self.line_end(leaf_end(self.text, last_value));
        let mut text = String::new();
        for (key, value) in pairs {
            text.push_str(self.style.nl);
            text.push_str(&" ".repeat(indent));
            write_entry(key, value, indent, &self.style, &mut text);
        }
        Some(self.edit(at, at, text))
    }

    /// Set several keys of `map` at once: scalars there are replaced, missing keys inserted
    /// together. `None` when one of them holds a collection.
    pub fn merge(&self, map: &Node, pairs: &[(String, Value)]) -> Option<Vec<Edit>> {
        let mut edits = Vec::new();
        let mut missing = Vec::new();
        for (key, value) in pairs {
            match map.entry(key) {
                Some((k, v)) if Self::inside(map, k) && matches!(v.kind, NodeKind::Scalar(_)) && !is_null(v) => {
                    edits.push(self.replace(v, value));
                }
                Some((k, v)) if Self::inside(map, k) && is_null(v) => edits.push(self.fill_null(k, v, value)),
                Some(_) => return None,
                None => missing.push((key.clone(), value.clone())),
            }
        }
        if !missing.is_empty() {
            edits.push(self.insert_pairs(map, &missing)?);
        }
        Some(edits)
    }

    /// Give a `key:` with no value (null) its value.
    fn fill_null(&self, key: &Node, null: &Node, value: &Value) -> Edit {
        let indent = (key.span.start - self.line_start(key.span.start)) as usize;
        let mut text = String::new();
        match value {
            Value::Map(p) if !p.is_empty() && !self.style.json => {
                write_block_value(value, indent, &self.style, &mut text);
            }
            Value::Seq(s) if !s.is_empty() && !self.style.json => {
                write_block_value(value, indent, &self.style, &mut text);
            }
            _ => {
                text.push(' ');
                write_flow(value, self.style.json, &mut text);
            }
        }
        // An empty null sits right after `key:`; a written `~`/`null` is replaced.
        let old = &self.text[null.span.range()];
        if old.is_empty() {
            let at = key.span.end + self.text[key.span.end as usize..].find(':').map_or(0, |i| to_u32(i) + 1);
            self.edit(at, at, text)
        } else {
            let start = null.span.start;
            let start = if self.text[..start as usize].ends_with(' ') { start - 1 } else { start };
            self.edit(start, null.span.end, text)
        }
    }

    fn line_start(&self, at: u32) -> u32 {
        self.text[..at as usize].rfind('\n').map_or(0, |i| to_u32(i) + 1)
    }

    /// The end of the line holding `at`, before its `\r\n` or `\n` (after a trailing comment).
    fn line_end(&self, at: u32) -> u32 {
        let nl = self.text[at as usize..].find('\n').map_or(self.text.len(), |i| at as usize + i);
        let end = if nl > at as usize && self.text.as_bytes()[nl - 1] == b'\r' { nl - 1 } else { nl };
        to_u32(end.max(at as usize))
    }
}

/// Where the last scalar written in a node ends: a block collection's range runs on to the
/// next token, a block scalar's over its line breaks.
fn leaf_end(text: &str, node: &Node) -> u32 {
    let end = match &node.kind {
        NodeKind::Map(m) if !matches!(text.as_bytes().get(node.span.start as usize), Some(b'{')) => {
            m.iter().map(|(_, v)| v).max_by_key(|v| v.span.end).map_or(node.span.end, |v| leaf_end(text, v))
        }
        NodeKind::Seq(s) if !matches!(text.as_bytes().get(node.span.start as usize), Some(b'[')) => {
            s.last().map_or(node.span.end, |v| leaf_end(text, v))
        }
        _ => node.span.end,
    };
    let mut end = end.min(node.span.end.max(end));
    while end > node.span.start && matches!(text.as_bytes()[end as usize - 1], b'\n' | b'\r' | b' ' | b'\t') {
        end -= 1;
    }
    end
}

fn is_null(v: &Node) -> bool {
    matches!(&v.kind, NodeKind::Scalar(s) if s.plain && matches!(resolve_plain(&s.value), Resolved::Null))
}

/// `rest` nested around `value`: `[a, b], v` → `{a: {b: v}}`.
fn nest(rest: &[&str], value: Value) -> Value {
    rest.iter().rev().fold(value, |v, k| Value::Map(vec![((*k).to_owned(), v)]))
}

/// The document's indentation step and list indent: the first block key nested under another,
/// and the first `- ` under a `key:`. Two and two (`key:\n  - x`) when the text shows neither.
fn detect_indent(text: &str) -> (usize, usize) {
    let mut step = None;
    let mut seq = None;
    let mut prev: Option<(usize, &str)> = None;
    for line in text.lines().take(2000) {
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') || body.starts_with("---") {
            continue;
        }
        let indent = line.len() - body.len();
        if let Some((pi, pbody)) = prev
            && pbody.trim_end().ends_with(':')
        {
            if body.starts_with("- ") || body == "-" {
                seq.get_or_insert(indent.saturating_sub(pi));
            } else if indent > pi && step.is_none() && !pbody.starts_with("- ") {
                step = Some(indent - pi);
            }
        }
        if step.is_some() && seq.is_some() {
            break;
        }
        prev = Some((indent, body));
    }
    let step = step.filter(|s| (1..=8).contains(s)).unwrap_or(2);
    (step, seq.filter(|s| *s <= 8).unwrap_or(step))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply;
    use crate::yaml::parse_stream;

    fn root(text: &str) -> Node {
        parse_stream(text).into_iter().next().and_then(|d| d.root).expect("a document")
    }

    fn run(text: &str, f: impl Fn(&Editor<'_>, &Node) -> Option<Edit>) -> String {
        let r = root(text);
        let e = Editor::new(text, 0);
        let edit = f(&e, &r).expect("an edit");
        let out = apply(text, &[(edit.span, &edit.text)]).unwrap();
        assert!(parse_stream(&out).iter().all(|d| d.problems.is_empty()), "still YAML:\n{out}");
        out
    }

    #[test]
    fn replace_keeps_quoting() {
        let t = "a: local\nb: \"local\"\nc: 'local' # keep\n";
        let out = run(t, |e, r| Some(e.replace(r.get("a")?, &Value::str("Local"))));
        assert_eq!(out, "a: Local\nb: \"local\"\nc: 'local' # keep\n");
        let out = run(t, |e, r| Some(e.replace(r.get("b")?, &Value::str("Local"))));
        assert!(out.contains("b: \"Local\""));
        let out = run(t, |e, r| Some(e.replace(r.get("c")?, &Value::str("it's"))));
        assert!(out.contains("c: 'it''s' # keep"));
        // A plain value that would read as a bool is quoted.
        let out = run(t, |e, r| Some(e.replace(r.get("a")?, &Value::str("true"))));
        assert!(out.starts_with("a: \"true\"\n"));
    }

    #[test]
    fn set_inserts_nested_keys_in_block_style_after_the_last_entry() {
        let t = "spec:\n    type: LoadBalancer # the LB\n    ports:\n    - port: 80\nstatus: {}\n";
        let out = run(t, |e, r| e.set(r, &["spec", "externalTrafficPolicy"], &Value::str("Local")));
        assert_eq!(
            out,
            "spec:\n    type: LoadBalancer # the LB\n    ports:\n    - port: 80\n    externalTrafficPolicy: Local\nstatus: {}\n"
        );
        let out = run(t, |e, r| e.set(r, &["spec", "type"], &Value::str("NodePort")));
        assert!(out.contains("type: NodePort # the LB"));
        let spread = Value::map([
            ("a", Value::Int(1)),
            ("b", Value::Seq(vec![Value::map([("x", Value::str("w")), ("z", Value::Bool(true))])])),
        ]);
        let out = run(t, |e, r| e.set(r, &["spec", "deep", "more"], &spread));
        assert!(
            out.contains("    - port: 80\n    deep:\n        more:\n            a: 1\n            b:\n            - x: w\n              z: true\nstatus"),
            "{out}"
        );
    }

    #[test]
    fn set_in_flow_json_and_crlf() {
        let t = "spec: {type: LoadBalancer, ports: [{port: 80}]}\n";
        let out = run(t, |e, r| e.set(r, &["spec", "externalTrafficPolicy"], &Value::str("Local")));
        assert_eq!(out, "spec: {type: LoadBalancer, ports: [{port: 80}], externalTrafficPolicy: Local}\n");
        let t = "metadata: {}\n";
        let out = run(t, |e, r| e.set(r, &["metadata", "annotations", "a/b"], &Value::str("x y")));
        assert_eq!(out, "metadata: {annotations: {a/b: \"x y\"}}\n");
        let t = "{\n  \"spec\": {\n    \"type\": \"LoadBalancer\"\n  }\n}\n";
        let out = run(t, |e, r| e.set(r, &["spec", "externalTrafficPolicy"], &Value::str("Local")));
        assert_eq!(
            out,
            "{\n  \"spec\": {\n    \"type\": \"LoadBalancer\",\n    \"externalTrafficPolicy\": \"Local\"\n  }\n}\n"
        );
        assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());
        let t = "spec:\r\n  type: LoadBalancer\r\n";
        let out = run(t, |e, r| e.set(r, &["spec", "externalTrafficPolicy"], &Value::str("Local")));
        assert_eq!(out, "spec:\r\n  type: LoadBalancer\r\n  externalTrafficPolicy: Local\r\n");
    }

    #[test]
    fn set_fills_a_null_and_push_appends() {
        let t = "metadata:\n  name: x\n  annotations:\nspec: {}\n";
        let out = run(t, |e, r| e.set(r, &["metadata", "annotations", "k"], &Value::str("v")));
        assert_eq!(out, "metadata:\n  name: x\n  annotations:\n    k: v\nspec: {}\n");
        let t = "spec:\n  containers:\n  - name: a\n    image: x\n";
        let out = run(t, |e, r| e.push(r.get("spec")?, "containers", &Value::map([("name", Value::str("b"))])));
        assert_eq!(out, "spec:\n  containers:\n  - name: a\n    image: x\n  - name: b\n");
        let out = run(t, |e, r| e.push(r.get("spec")?, "tolerations", &Value::map([("key", Value::str("k"))])));
        assert_eq!(out, "spec:\n  containers:\n  - name: a\n    image: x\n  tolerations:\n  - key: k\n");
        let t = "spec: {ports: [{port: 80}]}\n";
        let out = run(t, |e, r| e.push(r.get("spec")?, "ports", &Value::map([("port", Value::Int(443))])));
        assert_eq!(out, "spec: {ports: [{port: 80}, {port: 443}]}\n");
    }

    #[test]
    fn remove_takes_the_whole_entry() {
        let t = "spec:\n  type: ClusterIP\n  externalTrafficPolicy: Local # no\n  ports:\n  - port: 80\n";
        let out = run(t, |e, r| e.remove(r.get("spec")?, "externalTrafficPolicy"));
        assert_eq!(out, "spec:\n  type: ClusterIP\n  ports:\n  - port: 80\n");
        let t = "spec: {type: ClusterIP, externalTrafficPolicy: Local}\n";
        let out = run(t, |e, r| e.remove(r.get("spec")?, "externalTrafficPolicy"));
        assert_eq!(out, "spec: {type: ClusterIP}\n");
        let out = run(t, |e, r| e.remove(r.get("spec")?, "type"));
        assert_eq!(out, "spec: {externalTrafficPolicy: Local}\n");
        // The only entry, and a list item's first key, are the caller's.
        assert!(Editor::new("a: {b: 1}\n", 0).remove(root("a: {b: 1}\n").get("a").unwrap(), "b").is_none());
        let t = "- a: 1\n  b: 2\n";
        assert!(Editor::new(t, 0).remove(&root(t).as_seq().unwrap()[0], "a").is_none());
    }

    #[test]
    fn merge_replaces_and_inserts_together() {
        let t = "strategy:\n  type: RollingUpdate\n  rollingUpdate:\n    maxSurge: 25%\n";
        let r = root(t);
        let e = Editor::new(t, 0);
        let ru = r.get("strategy").and_then(|s| s.get("rollingUpdate")).unwrap();
        let pairs = [("maxSurge".to_owned(), Value::Int(0)), ("maxUnavailable".to_owned(), Value::Int(1))];
        let edits = e.merge(ru, &pairs).unwrap();
        let spans: Vec<_> = edits.iter().map(|x| (x.span, x.text.as_str())).collect();
        assert_eq!(
            apply(t, &spans).unwrap(),
            "strategy:\n  type: RollingUpdate\n  rollingUpdate:\n    maxSurge: 0\n    maxUnavailable: 1\n"
        );
        let t = "spec: {strategy: {rollingUpdate: {}}}\n";
        let r = root(t);
        let ru = r.get("spec").and_then(|s| s.get("strategy")).and_then(|s| s.get("rollingUpdate")).unwrap();
        let edits = Editor::new(t, 0).merge(ru, &pairs).unwrap();
        let spans: Vec<_> = edits.iter().map(|x| (x.span, x.text.as_str())).collect();
        assert_eq!(apply(t, &spans).unwrap(), "spec: {strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}}\n");
    }

    #[test]
    fn detects_the_documents_indentation() {
        assert_eq!(detect_indent("a:\n    b: 1\n    c:\n    - x\n"), (4, 0));
        assert_eq!(detect_indent("a:\n  b:\n    - x\n"), (2, 2));
        assert_eq!(detect_indent("a: 1\n"), (2, 2));
    }

    #[test]
    fn flow_text_is_what_help_quotes() {
        let v = Value::map([("maxSkew", Value::Int(1)), ("topologyKey", Value::str("kubernetes.io/hostname"))]);
        assert_eq!(v.flow(), "{maxSkew: 1, topologyKey: kubernetes.io/hostname}");
        assert_eq!(Value::str("10.0.0.0/8").flow(), "10.0.0.0/8");
        assert_eq!(Value::str("a: b").flow(), "\"a: b\"");
    }
}
