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
    /// The edits that fix it, when a fix is mechanical (made from the facts the help says).
    pub fix: Option<crate::fix::Fix>,
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
            fix: None,
        }
    }

    #[must_use]
    pub fn fix(mut self, fix: Option<crate::fix::Fix>) -> Self {
        self.fix = fix;
        self
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

impl ObjectRef {
    /// How text names the object: `Service shop/web`, `Node worker-1`.
    pub fn label(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }
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
    diagnostics.sort_by(order);
}

/// The order of [`sort`]: file, line, column, rule, message.
pub fn order(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    (&a.file, a.start.line, a.start.column, a.rule, &a.message).cmp(&(
        &b.file,
        b.start.line,
        b.start.column,
        b.rule,
        &b.message,
    ))
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
    /// The fix, when the rule has a mechanical one (absent from the JSON otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<crate::fix::FixOut>,
    /// The index of the source the diagnostic is in (not serialised; renderers use it).
    #[serde(skip)]
    pub source: usize,
    #[serde(skip)]
    pub related_sources: Vec<usize>,
    /// The field path of the primary place in its object (`spec.ports[0].port`), when the
    /// place is in an object's tree: what fingerprints and the baseline key on (not serialised).
    #[serde(skip)]
    pub path: Option<String>,
}

impl Diagnostic {
    /// What identifies the finding across edits that move it: the rule, the object and the field
    /// path, never the line (the file is the caller's, as it names files relative to a root).
    pub fn key(&self, file: &str) -> FindingKey {
        FindingKey {
            file: file.to_owned(),
            object: self.object.as_ref().map(ObjectRef::label),
            rule: self.rule.to_owned(),
            path: self.path.clone(),
        }
    }
}

/// See [`Diagnostic::key`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FindingKey {
    pub file: String,
    /// `Service shop/web`, `Node worker-1`.
    pub object: Option<String>,
    pub rule: String,
    pub path: Option<String>,
}

impl FindingKey {
    /// A stable hash of the key (FNV-1a, 128 bits as two 64-bit halves), in hexadecimal: SARIF's
    /// `partialFingerprints`. Stable across releases, platforms and runs.
    pub fn fingerprint(&self) -> String {
        let text = format!(
            "{}\0{}\0{}\0{}",
            self.file,
            self.object.as_deref().unwrap_or_default(),
            self.rule,
            self.path.as_deref().unwrap_or_default()
        );
        let fnv = |seed: u64| text.bytes().fold(seed, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
        format!("{:016x}{:016x}", fnv(0xcbf2_9ce4_8422_2325), fnv(0x6c62_272e_07bb_0142))
    }
}

/// Why a finding is not reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressedBy {
    /// A `realip-lint.io/ignore` annotation on the object.
    Annotation,
    /// An `exempt:` entry of the config file.
    Config,
    /// An entry of the baseline file (`--baseline`).
    Baseline,
}

/// A finding that was found and silenced: not in the JSON, the human output or the exit code;
/// SARIF lists it with its suppression, so code scanning knows it was dismissed on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub diagnostic: Diagnostic,
    pub by: SuppressedBy,
}

/// Something about the run as a whole that the user should know (not a finding): a check that
/// could not be made and how to enable it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub id: &'static str,
    pub message: String,
    pub help: String,
}

/// The id of the notice that checks needing the eligible node count were skipped.
pub const NODE_COUNT_UNKNOWN: &str = "node-count-unknown";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub objects: usize,
    pub skipped: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// The result of one run: `{"version": 1, "diagnostics": [...], "summary": {...}}`, and
/// `"notices": [...]` when there are any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub version: u32,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
    /// Findings silenced by an annotation, the config or a baseline (not serialised).
    #[serde(skip)]
    pub suppressed: Vec<Suppressed>,
}

impl Report {
    /// The highest severity present, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.diagnostics.iter().map(|d| d.severity).max()
    }

    /// Count the diagnostics by severity again (after some were taken out: a baseline).
    pub fn recount(&mut self) {
        let s = &mut self.summary;
        (s.error, s.warning, s.info) = (0, 0, 0);
        for d in &self.diagnostics {
            match d.severity {
                Severity::Error => s.error += 1,
                Severity::Warning => s.warning += 1,
                Severity::Info => s.info += 1,
            }
        }
    }
}

/// `1 error`, `2 errors`, `0 errors`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
