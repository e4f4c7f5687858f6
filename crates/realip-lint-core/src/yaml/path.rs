//! The field path of a place in a document: `spec.ports[0].port`,
//! `metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-type"]`.
//!
//! A path names a place by the keys and indexes that lead to it, not by its line, so it survives
//! edits elsewhere in the file: SARIF fingerprints and the baseline key findings on it, and a
//! rendered object's place can be looked up in the file it came from.

use std::fmt;

use super::{Node, NodeKind, PathSeg};
use crate::source::Span;

/// One step of a [`FieldPath`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// A mapping key (a key that is not a scalar is `?`).
    Key(String),
    Index(usize),
}

/// The keys and indexes from a document's root to a node; empty for the root itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    /// The path as [`Node::at`] walks it.
    pub fn segs(&self) -> Vec<PathSeg<'_>> {
        self.0
            .iter()
            .map(|s| match s {
                Segment::Key(k) => PathSeg::Key(k),
                Segment::Index(i) => PathSeg::Index(*i),
            })
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The path of the innermost node of `root` whose extent holds `span`: a key's own path when the
/// span is on the key token, the value's when it is in the value. A span outside `root` gives
/// `None`; a span on `root` but on no entry (between entries, on a `-`) gives the deepest
/// collection that holds it.
pub fn path_to(root: &Node, span: Span) -> Option<FieldPath> {
    if !contains(root.span, span) {
        return None;
    }
    let mut path = Vec::new();
    let mut node = root;
    'descend: loop {
        match &node.kind {
            NodeKind::Scalar(_) => break,
            NodeKind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    if contains(item.span, span) {
                        path.push(Segment::Index(i));
                        node = item;
                        continue 'descend;
                    }
                }
                break;
            }
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    let key = || Segment::Key(k.as_str().map_or_else(|| "?".to_owned(), str::to_owned));
                    if contains(k.span, span) {
                        path.push(key());
                        break 'descend;
                    }
                    if contains(v.span, span) {
                        path.push(key());
                        node = v;
                        continue 'descend;
                    }
                }
                break;
            }
        }
    }
    Some(FieldPath(path))
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// A key written as `.key` when it is a plain name, else as `["key"]` (JSON string escapes).
fn is_plain(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Segment::Index(n) => write!(f, "[{n}]")?,
                Segment::Key(k) if is_plain(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Segment::Key(k) => {
                    write!(f, "[{}]", serde_json::to_string(k).map_err(|_| fmt::Error)?)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_stream;

    const SVC: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: nlb
spec:
  ports:
    - port: 80
      targetPort: 8080
    - {port: 443, name: \"a b\"}
";

    fn at(text: &str, needle: &str, nth: usize) -> Option<String> {
        let root = parse_stream(text).remove(0).root.unwrap();
        let start = text.match_indices(needle).nth(nth).unwrap().0;
        let span = Span::new(u32::try_from(start).unwrap(), u32::try_from(start + needle.len()).unwrap());
        path_to(&root, span).map(|p| p.to_string())
    }

    #[test]
    fn keys_indexes_and_quoted_keys() {
        assert_eq!(at(SVC, "80", 0).as_deref(), Some("spec.ports[0].port"));
        assert_eq!(at(SVC, "targetPort", 0).as_deref(), Some("spec.ports[0].targetPort"), "a key token");
        assert_eq!(at(SVC, "443", 0).as_deref(), Some("spec.ports[1].port"), "flow style");
        assert_eq!(at(SVC, "\"a b\"", 0).as_deref(), Some("spec.ports[1].name"));
        assert_eq!(
            at(SVC, "nlb", 0).as_deref(),
            Some(r#"metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-type"]"#)
        );
        assert_eq!(at(SVC, "web", 0).as_deref(), Some("metadata.name"));
        assert_eq!(at(SVC, "apiVersion", 0).as_deref(), Some("apiVersion"));
    }

    #[test]
    fn the_path_does_not_depend_on_the_line() {
        let shifted = SVC.replace("metadata:\n", "metadata:\n  # a comment\n  labels: {a: b}\n");
        assert_eq!(at(&shifted, "80", 0), at(SVC, "80", 0));
        assert_eq!(at(&shifted, "nlb", 0), at(SVC, "nlb", 0));
    }

    #[test]
    fn outside_or_between() {
        let root = parse_stream(SVC).remove(0).root.unwrap();
        let end = u32::try_from(SVC.len()).unwrap();
        assert_eq!(path_to(&root, Span::new(end + 1, end + 2)), None);
        let whole = path_to(&root, root.span).unwrap();
        assert!(whole.is_empty());
        assert_eq!(whole.to_string(), "");
        // The `-` of the first item: inside `spec.ports`, on no item.
        assert_eq!(at(SVC, "- port", 0).as_deref(), Some("spec.ports"));
    }

    #[test]
    fn segs_walk_back_to_the_node() {
        let root = parse_stream(SVC).remove(0).root.unwrap();
        let start = u32::try_from(SVC.find("8080").unwrap()).unwrap();
        let path = path_to(&root, Span::new(start, start + 4)).unwrap();
        assert_eq!(root.at(&path.segs()).and_then(Node::as_str), Some("8080"));
        let odd = FieldPath(vec![Segment::Key(String::new()), Segment::Key("x\"y".into()), Segment::Index(2)]);
        assert_eq!(odd.to_string(), r#"[""]["x\"y"][2]"#);
    }
}
