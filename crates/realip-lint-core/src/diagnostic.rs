//! The diagnostic types and their JSON shape: one contract for the CLI, the Wasm module, SARIF and
//! the playground (see `docs/json.md`).

use serde::Serialize;

use crate::source::{Position, Span};

/// Where every rule's documentation lives; `<base>#<rule>` is the rule's page.
pub const DOCS_BASE: &str = "https://github.com/realip-lint/realip-lint/blob/main/docs/rules.md";

pub fn rule_url(rule: &str) -> String {
    format!("{DOCS_BASE}#{rule}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A place in one of the inputs: the index of the source and a byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub file: usize,
    pub span: Span,
}

/// What a rule returns: message, help, the primary place, and labelled related places.
#[derive(Debug, Clone)]
pub struct Finding {
    pub loc: Loc,
    pub message: String,
    pub help: String,
    pub related: Vec<(Loc, String)>,
    /// Overrides the rule's default severity for this case (the catalog says which).
    pub severity: Option<Severity>,
    /// The object the finding is reported on (where its suppression annotation goes).
    pub object: Option<usize>,
    /// Another object whose suppression also covers this finding (the workload of an HPA).
    pub also_object: Option<usize>,
    /// For a finding on a document that is not a readable object: what could be read of it.
    pub object_ref: Option<ObjectRef>,
}

impl Finding {
    pub fn new(loc: Loc, message: impl Into<String>, help: impl Into<String>) -> Self {
        Self {
            loc,
            message: message.into(),
            help: help.into(),
            related: Vec::new(),
            severity: None,
            object: None,
            also_object: None,
            object_ref: None,
        }
    }

    #[must_use]
    pub fn on(mut self, object: usize) -> Self {
        self.object = Some(object);
        self
    }

    #[must_use]
    pub fn related(mut self, loc: Loc, message: impl Into<String>) -> Self {
        self.related.push((loc, message.into()));
        self
    }

    #[must_use]
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub file: String,
    pub start: Position,
    pub end: Position,
    pub message: String,
}

/// The order of the contract: by file, line, column, rule, then message.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.start.line, a.start.column, a.rule, &a.message).cmp(&(
            &b.file,
            b.start.line,
            b.start.column,
            b.rule,
            &b.message,
        ))
    });
}

/// One diagnostic as every face shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    pub url: String,
    pub file: String,
    pub start: Position,
    pub end: Position,
    pub object: Option<ObjectRef>,
    pub related: Vec<Related>,
    /// The index of the source the diagnostic is in (not serialised; renderers use it).
    #[serde(skip)]
    pub source: usize,
    #[serde(skip)]
    pub related_sources: Vec<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub objects: usize,
    pub skipped: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// The result of one run: `{"version": 1, "diagnostics": [...], "summary": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub version: u32,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
}

impl Report {
    /// The JSON of the contract, byte for byte what `-o json` prints and the Wasm `lint` returns.
    /// [`Report::to_json`] written to `out` as it is made, without holding the text.
    pub fn write_json(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        out.write_all(b"\n")
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The highest severity present, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.diagnostics.iter().map(|d| d.severity).max()
    }

    /// The last line of the human output: counts by severity, files, objects, skipped documents.
    pub fn summary_line(&self) -> String {
        let s = &self.summary;
        let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        format!(
            "{}, {}, {} in {} ({} read, {} skipped as not manifests)\n",
            count(s.error, "error"),
            count(s.warning, "warning"),
            count(s.info, "info"),
            count(s.files, "file"),
            count(s.objects, "object"),
            s.skipped
        )
    }

    /// One diagnostic a line, `file:line:column: severity[rule] message`, with its related places
    /// and its help indented below it, then the summary line: what the Node pre-commit hook
    /// prints (it has no source renderer), and what editors' problem matchers read.
    pub fn to_concise(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            let at = |file: &str, p: &Position| format!("{file}:{}:{}", p.line, p.column);
            out.push_str(&format!("{}: {}[{}] {}\n", at(&d.file, &d.start), d.severity.as_str(), d.rule, d.message));
            for r in &d.related {
                out.push_str(&format!("  {}: {}\n", at(&r.file, &r.start), r.message));
            }
            if !d.help.is_empty() {
                out.push_str(&format!("  help: {}\n", d.help));
            }
        }
        out.push_str(&self.summary_line());
        out
    }
}
