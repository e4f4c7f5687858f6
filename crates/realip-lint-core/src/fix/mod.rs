//! Fixes: edits to the original text that a finding carries, with a title and an applicability
//! (ruff's three kinds), applied by every face the same way (`--fix`/`--diff`, the language
//! server's code actions, the Wasm `fix()`).
//!
//! A fix is computed from the same facts as the finding's help, so the two cannot disagree; the
//! edits come from [`edit`], which writes YAML (or JSON) in the style of the text around it.

pub mod edit;

use serde::Serialize;

use crate::source::{Position, Span};
pub use crate::yaml::path::Segment as Seg;

pub use edit::{Editor, Value};

/// How sure a fix is, in ruff's sense. Ordered: a face that applies `Unsafe` applies `Safe` too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// A suggestion that needs the user's judgement: shown, never applied.
    DisplayOnly,
    /// Changes behaviour on purpose (`externalTrafficPolicy: Local` with the spread it needs):
    /// applied with `--unsafe-fixes`.
    Unsafe,
    /// Keeps the intent and cannot break what works (a mis-cased `local` → `Local`): applied by
    /// `--fix`.
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "display-only",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

/// One replacement of a byte range of one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The index of the source.
    pub file: usize,
    pub span: Span,
    pub text: String,
}

/// What a rule attaches to a finding: changes to objects, in the terms of their fields; the
/// run turns them into edits of the text (`k8s::object::fix_edits`), and drops a fix it cannot
/// write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub changes: Vec<Change>,
}

/// One change to one object's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The object's index in the model.
    pub obj: usize,
    /// The field, from the object's root: keys and list indexes.
    pub at: Vec<Seg>,
    pub what: What,
}

/// A path of keys: `keys(&["spec", "type"])`.
pub fn keys(keys: &[&str]) -> Vec<Seg> {
    keys.iter().map(|k| Seg::Key((*k).to_owned())).collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// Set the field (creating the mappings on the way) to a value; a scalar keeps its quoting.
    Set(Value),
    /// Remove the field.
    Remove,
    /// Append an item to the list at the field (creating it).
    Push(Value),
    /// Set several keys of the mapping at the field (creating it), in one change: keys that
    /// are written are replaced, the others inserted together.
    Merge(Vec<(String, Value)>),
    /// Rename the field's key (its quoting kept), its value untouched.
    RenameKey(String),
}

impl Fix {
    pub fn new(title: impl Into<String>, applicability: Applicability) -> Self {
        Self { title: title.into(), applicability, changes: Vec::new() }
    }

    #[must_use]
    pub fn set(mut self, obj: usize, at: &[&str], value: Value) -> Self {
        self.changes.push(Change { obj, at: keys(at), what: What::Set(value) });
        self
    }

    #[must_use]
    pub fn remove(mut self, obj: usize, at: &[&str]) -> Self {
        self.changes.push(Change { obj, at: keys(at), what: What::Remove });
        self
    }

    #[must_use]
    pub fn push(mut self, obj: usize, at: &[&str], item: Value) -> Self {
        self.changes.push(Change { obj, at: keys(at), what: What::Push(item) });
        self
    }

    #[must_use]
    pub fn merge(mut self, obj: usize, at: &[&str], pairs: Vec<(String, Value)>) -> Self {
        self.changes.push(Change { obj, at: keys(at), what: What::Merge(pairs) });
        self
    }

    #[must_use]
    pub fn change(mut self, change: Change) -> Self {
        self.changes.push(change);
        self
    }
}

/// A fix as every face shows it (`"fix"` of a diagnostic in the JSON contract).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixOut {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<EditOut>,
    /// The fields changed, by object (not serialised): what tests may see differ after it.
    #[serde(skip)]
    pub fields: Vec<(Option<String>, Vec<Seg>)>,
}

/// An edit with the positions of its range (end exclusive) in the file as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditOut {
    pub file: String,
    pub start: Position,
    pub end: Position,
    pub text: String,
    /// The index of the source (not serialised).
    #[serde(skip)]
    pub source: usize,
}

impl EditOut {
    pub fn span(&self) -> Span {
        Span::new(self.start.offset, self.end.offset)
    }
}

/// Why edits could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyError {
    /// Two edits overlap (or a range is outside the text or not on character boundaries).
    Overlap,
}

/// Apply edits to one text. Edits are sorted by range; touching is allowed, overlapping is not;
/// two insertions at the same offset keep their given order.
pub fn apply(text: &str, edits: &[(Span, &str)]) -> Result<String, ApplyError> {
    let mut sorted: Vec<(usize, &(Span, &str))> = edits.iter().enumerate().collect();
    sorted.sort_by_key(|(i, (span, _))| (span.start, span.end, *i));
    let mut out = String::with_capacity(text.len() + edits.iter().map(|(_, t)| t.len()).sum::<usize>());
    let mut at = 0usize;
    for (_, (span, new)) in sorted {
        let range = span.range();
        if range.start < at
            || range.end > text.len()
            || range.start > range.end
            || !text.is_char_boundary(range.start)
            || !text.is_char_boundary(range.end)
        {
            return Err(ApplyError::Overlap);
        }
        out.push_str(&text[at..range.start]);
        out.push_str(new);
        at = range.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// A unified diff of one file (`--- a/NAME`, `+++ b/NAME`, three lines of context), as `--diff`
/// prints it; empty when the texts are equal.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = diff.unified_diff().context_radius(3).header(&format!("a/{name}"), &format!("b/{name}")).to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_refuse_overlaps() {
        let t = "a: local\nb: x\n";
        assert_eq!(
            apply(t, &[(Span::new(3, 8), "Local"), (Span::new(14, 14), "c: y\n")]).unwrap(),
            "a: Local\nb: x\nc: y\n"
        );
        assert_eq!(apply(t, &[(Span::new(3, 8), "L"), (Span::new(5, 6), "x")]), Err(ApplyError::Overlap));
        assert_eq!(apply(t, &[(Span::new(3, 99), "L")]), Err(ApplyError::Overlap));
        assert_eq!(apply("é", &[(Span::new(1, 1), "x")]), Err(ApplyError::Overlap), "not a char boundary");
        // Insertions at one offset keep their order.
        assert_eq!(apply(t, &[(Span::new(0, 0), "1"), (Span::new(0, 0), "2")]).unwrap(), format!("12{t}"));
    }

    #[test]
    fn unified_diff_names_the_file() {
        assert_eq!(unified_diff("a.yaml", "x\n", "x\n"), "");
        assert_eq!(
            unified_diff("a.yaml", "a: local\nb: 1\n", "a: Local\nb: 1\n"),
            "--- a/a.yaml\n+++ b/a.yaml\n@@ -1,2 +1,2 @@\n-a: local\n+a: Local\n b: 1\n"
        );
    }

    #[test]
    fn applicability_serialises_as_the_contract_says() {
        assert_eq!(serde_json::to_string(&Applicability::DisplayOnly).unwrap(), "\"display-only\"");
    }
}
