//! The core's diagnostics, fixes and manuals in the protocol's terms.

use std::collections::HashMap;
use std::str::FromStr;

use lsp_types as lsp;
use realip_lint_core::diagnostic::{Diagnostic, Severity};
use realip_lint_core::fix::{Applicability, FixOut};
use realip_lint_core::source::Span;

use super::position::Encoding;
use super::workspace::{ConfigState, Snapshot};

pub const SOURCE: &str = "realip-lint";

fn uri(s: &str) -> Option<lsp::Uri> {
    lsp::Uri::from_str(s).ok()
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// The range of a byte span of source `i`, in the client's encoding.
pub fn range(snapshot: &Snapshot, i: usize, start: u32, end: u32, encoding: Encoding) -> lsp::Range {
    let (file, source) = (&snapshot.files[i], &snapshot.sources[i]);
    file.lines.range(&source.text, start, end, encoding)
}

/// One finding: its exact range, severity, rule with its manual's URL, and the related places
/// (in any file of the workspace).
pub fn diagnostic(snapshot: &Snapshot, d: &Diagnostic, encoding: Encoding) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .zip(&d.related_sources)
        .filter(|(_, i)| **i < snapshot.files.len())
        .filter_map(|(r, &i)| {
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri: uri(&snapshot.files[i].uri)?,
                    range: range(snapshot, i, r.start.offset, r.end.offset, encoding),
                },
                message: r.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: range(snapshot, d.source, d.start.offset, d.end.offset, encoding),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.rule.to_owned())),
        code_description: uri(&d.url).map(|href| lsp::CodeDescription { href }),
        source: Some(SOURCE.to_owned()),
        // The help and the manual are in the hover: the message stays one line in the editor.
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// The config file's problems, each at its place.
pub fn config_diagnostics(config: &ConfigState, encoding: Encoding) -> Vec<lsp::Diagnostic> {
    config
        .errors
        .iter()
        .map(|e| lsp::Diagnostic {
            range: config.lines.range(&config.text, e.span.start, e.span.end, encoding),
            severity: Some(lsp::DiagnosticSeverity::ERROR),
            code: Some(lsp::NumberOrString::String("config".to_owned())),
            source: Some(SOURCE.to_owned()),
            message: format!("{} (nothing is linted until the config file is fixed)", e.message),
            ..lsp::Diagnostic::default()
        })
        .collect()
}

/// The title of a fix's code action.
pub fn action_title(fix: &FixOut) -> String {
    match fix.applicability {
        Applicability::Safe => fix.title.clone(),
        Applicability::Unsafe => format!("{} (unsafe: changes behaviour on purpose)", fix.title),
        Applicability::DisplayOnly => format!("{} (suggestion)", fix.title),
    }
}

/// What a hover on a finding shows: the finding, its fix, and the rule's manual (`explain`).
pub fn hover_markdown(d: &Diagnostic, snapshot: &Snapshot) -> String {
    let mut out = format!("**{}** ({}): {}\n\n", d.rule, d.severity.as_str(), d.message);
    if !d.help.is_empty() {
        out.push_str(&format!("help: {}\n\n", d.help));
    }
    if let Some(fix) = &d.fix {
        match fix.applicability {
            Applicability::Safe => out.push_str(&format!("Quick fix (safe): {}\n\n", fix.title)),
            Applicability::Unsafe => {
                out.push_str(&format!("Quick fix (unsafe: changes behaviour on purpose): {}\n\n", fix.title));
            }
            Applicability::DisplayOnly => {
                out.push_str(&format!("Suggested fix (review it; not applied as an edit): {}\n\n", fix.title));
                for e in &fix.edits {
                    let at = format!("{}:{}:{}", display_name(&e.file), e.start.line, e.start.column);
                    let old =
                        snapshot.sources.get(e.source).and_then(|s| s.text.get(e.span().range())).unwrap_or_default();
                    if e.text.is_empty() {
                        out.push_str(&format!("- at {at}, remove:\n\n{}\n", fence(old)));
                    } else if old.is_empty() {
                        out.push_str(&format!("- at {at}, insert:\n\n{}\n", fence(&e.text)));
                    } else {
                        out.push_str(&format!("- at {at}, replace:\n\n{}\nwith:\n\n{}\n", fence(old), fence(&e.text)));
                    }
                }
            }
        }
    }
    if let Some(rule) = realip_lint_core::registry::rule(d.rule) {
        out.push_str("---\n\n");
        out.push_str(&realip_lint_core::emit::docs::explain(rule));
    }
    out
}

fn display_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Text in a code block whose fence is longer than any backtick run inside it.
fn fence(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let body = text.strip_suffix('\n').unwrap_or(text);
    format!("{fence}yaml\n{body}\n{fence}\n")
}

/// What the editor holds of a file of a result, now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Now {
    /// The document is open with the text that was linted, at this version.
    Open(i32),
    /// Not open, and linted from disk.
    Disk,
    /// Changed since (or closed since): the result's places are not its places.
    Stale,
}

/// Edits (source index, byte span, new text) as one workspace edit: `documentChanges` with the
/// open documents' versions when the client takes them (it then refuses edits to a document
/// that changed since), else `changes`.
pub fn workspace_edit(
    snapshot: &Snapshot,
    edits: &[(usize, Span, String)],
    now: &[Now],
    client: Client,
) -> Option<lsp::WorkspaceEdit> {
    let encoding = client.encoding;
    let mut by_file: Vec<(usize, Vec<lsp::TextEdit>)> = Vec::new();
    for (i, span, text) in edits {
        let edit = lsp::TextEdit { range: range(snapshot, *i, span.start, span.end, encoding), new_text: text.clone() };
        match by_file.iter_mut().find(|(f, _)| f == i) {
            Some((_, list)) => list.push(edit),
            None => by_file.push((*i, vec![edit])),
        }
    }
    if client.document_changes {
        let mut changes = Vec::new();
        for (i, list) in by_file {
            changes.push(lsp::TextDocumentEdit {
                text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                    uri: uri(&snapshot.files[i].uri)?,
                    version: match now.get(i) {
                        Some(Now::Open(v)) => Some(*v),
                        _ => None,
                    },
                },
                edits: list.into_iter().map(lsp::OneOf::Left).collect(),
            });
        }
        return Some(lsp::WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Edits(changes)),
            ..lsp::WorkspaceEdit::default()
        });
    }
    // The `Uri` keys are only hashed by their text, which never changes.
    #[allow(clippy::mutable_key_type)]
    let mut changes = HashMap::new();
    for (i, list) in by_file {
        changes.insert(uri(&snapshot.files[i].uri)?, list);
    }
    Some(lsp::WorkspaceEdit { changes: Some(changes), ..lsp::WorkspaceEdit::default() })
}

/// How the client takes positions and edits.
#[derive(Debug, Clone, Copy)]
pub struct Client {
    pub encoding: Encoding,
    /// `documentChanges` (with versions) rather than `changes`.
    pub document_changes: bool,
}

/// The quick fixes of the findings of source `i` that touch the byte range `from..=to`, when
/// no file their edits change is stale. A suggestion (display-only) is never an edit: the hover
/// shows it.
pub fn quick_fixes(
    snapshot: &Snapshot,
    i: usize,
    (from, to): (u32, u32),
    now: &[Now],
    client: Client,
) -> Vec<lsp::CodeAction> {
    let Some(report) = &snapshot.report else { return Vec::new() };
    let mut actions = Vec::new();
    for d in report.diagnostics.iter().filter(|d| d.source == i && d.start.offset <= to && from <= d.end.offset) {
        let Some(fix) = &d.fix else { continue };
        if fix.applicability == Applicability::DisplayOnly
            || fix.edits.iter().any(|e| now.get(e.source).is_none_or(|n| *n == Now::Stale))
        {
            continue;
        }
        actions.push(lsp::CodeAction {
            title: action_title(fix),
            kind: Some(lsp::CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diagnostic(snapshot, d, client.encoding)]),
            edit: workspace_edit(snapshot, &fix_edits(fix), now, client),
            is_preferred: Some(fix.applicability == Applicability::Safe),
            ..lsp::CodeAction::default()
        });
    }
    actions
}

/// A fix's edits, by source index.
pub fn fix_edits(fix: &FixOut) -> Vec<(usize, Span, String)> {
    fix.edits.iter().map(|e| (e.source, e.span(), e.text.clone())).collect()
}

/// The one edit that turns `old` into `new`: the middle between their common prefix and
/// suffix (on character boundaries), so the editor keeps the cursor and marks around it.
pub fn minimal_edit(old: &str, new: &str) -> (Span, String) {
    let mut prefix = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old.bytes().rev().zip(new.bytes().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    (Span::new(to_u32(prefix), to_u32(old.len() - suffix)), new[prefix..new.len() - suffix].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::position::Lines;
    use crate::lsp::workspace::File;
    use realip_lint_core::{Options, Source};

    fn snapshot(text: &str) -> Snapshot {
        let sources = vec![Source::new("/w/a.yaml", text)];
        let report = realip_lint_core::lint(&sources, &Options::default());
        Snapshot {
            generation: 0,
            files: vec![File { uri: "file:///w/a.yaml".to_owned(), version: None, lines: Lines::new(text) }],
            sources,
            report: Some(report),
            config: None,
            options: Options::default(),
            notes: Vec::new(),
        }
    }

    const MISCASED: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: local\n";

    #[test]
    fn suggestions_are_shown_in_the_hover_never_offered_as_edits() {
        let client = Client { encoding: Encoding::Utf16, document_changes: false };
        let mut s = snapshot(MISCASED);
        let at = u32::try_from(MISCASED.find("local").unwrap()).unwrap();
        let actions = quick_fixes(&s, 0, (at, at), &[Now::Disk], client);
        assert_eq!(actions.len(), 1);
        assert_eq!(actions[0].is_preferred, Some(true));
        assert!(quick_fixes(&s, 0, (at, at), &[Now::Stale], client).is_empty(), "not for a changed file");
        assert!(quick_fixes(&s, 0, (0, 3), &[Now::Disk], client).is_empty(), "not away from the finding");
        let report = s.report.as_mut().unwrap();
        let fix = report.diagnostics[0].fix.as_mut().unwrap();
        fix.applicability = Applicability::DisplayOnly;
        let d = report.diagnostics[0].clone();
        assert!(quick_fixes(&s, 0, (at, at), &[Now::Disk], client).is_empty());
        let hover = hover_markdown(&d, &s);
        assert!(
            hover.contains(
                "Suggested fix (review it; not applied as an edit): write `externalTrafficPolicy: Local`\n\n- at a.yaml:6:26, replace:\n\n```yaml\nlocal\n```\n\nwith:\n\n```yaml\nLocal\n```\n"
            ),
            "{hover}"
        );
        assert_eq!(action_title(d.fix.as_ref().unwrap()), "write `externalTrafficPolicy: Local` (suggestion)");
    }

    #[test]
    fn the_minimal_edit_turns_old_into_new() {
        let cases = [
            ("a: local\nb: 1\n", "a: Local\nb: 1\n"),
            ("x", "x"),
            ("", "abc"),
            ("abc", ""),
            ("aaa", "aaaa"),
            ("é1", "è1"),
            ("😀a😀", "😀b😀"),
            ("a: 1\n  externalTrafficPolicy: Local\nb: 2\n", "a: 1\nb: 2\n"),
        ];
        for (old, new) in cases {
            let (span, text) = minimal_edit(old, new);
            let applied = realip_lint_core::fix::apply(old, &[(span, text.as_str())]).unwrap();
            assert_eq!(applied, new, "{old:?} -> {new:?}: {span:?} {text:?}");
        }
        assert_eq!(minimal_edit("a: local\n", "a: Local\n"), (Span::new(3, 4), "L".to_owned()));
    }

    #[test]
    fn fences_outlast_the_backticks_inside() {
        assert_eq!(fence("a: 1\n"), "```yaml\na: 1\n```\n");
        assert_eq!(fence("a: ````x"), "`````yaml\na: ````x\n`````\n");
    }
}
