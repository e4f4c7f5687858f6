//! The human format: miette reports with the source snippet, labels, help and the rule's link.

use std::fmt;

use crate::Source;
use crate::diagnostic::{Diagnostic, Report, Severity};
use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};

/// One related place in its own file: a snippet of that file with the place labelled, shown
/// under the main snippet (rendered without a message of its own: the label says it).
#[derive(Debug)]
struct Aside {
    source: NamedSource<String>,
    label: LabeledSpan,
}

impl fmt::Display for Aside {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}
impl std::error::Error for Aside {}
impl MietteDiagnostic for Aside {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.label.clone())))
    }
}

#[derive(Debug)]
struct Rendered {
    message: String,
    code: String,
    severity: miette::Severity,
    help: String,
    url: String,
    /// Absent when the labelled line is too long to show (a minified file): the message then
    /// carries the position.
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    asides: Vec<Aside>,
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for Rendered {}
impl MietteDiagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }
    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.url))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(self.labels.iter().cloned()))
    }
}

fn span(d_start: u32, d_end: u32) -> SourceSpan {
    SourceSpan::new((d_start as usize).into(), (d_end - d_start) as usize)
}

fn severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// Lines longer than this are not shown as a snippet.
const MAX_SNIPPET_LINE: usize = 400;

fn line_too_long(text: &str, offset: u32) -> bool {
    let at = (offset as usize).min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    end - start > MAX_SNIPPET_LINE
}

fn convert(d: &Diagnostic, sources: &[Source]) -> Rendered {
    let src = &sources[d.source];
    let long = line_too_long(&src.text, d.start.offset);
    // A stream (`<stdin>`, `<kustomize DIR>`, `<cluster CONTEXT>`) is no file the user can open:
    // the label names the object too.
    let label = match &d.object {
        Some(object) if super::is_stream_name(&d.file) => {
            format!("{}: {}", d.severity.as_str(), object.label())
        }
        _ => d.severity.as_str().to_owned(),
    };
    let mut labels = vec![LabeledSpan::new_primary_with_span(Some(label), span(d.start.offset, d.end.offset))];
    let mut asides = Vec::new();
    for (r, &file) in d.related.iter().zip(&d.related_sources) {
        let label = LabeledSpan::new_with_span(Some(r.message.clone()), span(r.start.offset, r.end.offset));
        if file == d.source {
            labels.push(label);
        } else if !line_too_long(&sources[file].text, r.start.offset) {
            asides.push(Aside { source: NamedSource::new(&r.file, sources[file].text.clone()), label });
        }
    }
    Rendered {
        message: if long {
            format!("{} (at {}:{}:{})", d.message, d.file, d.start.line, d.start.column)
        } else {
            d.message.clone()
        },
        code: d.rule.to_owned(),
        severity: severity(d.severity),
        help: d.help.clone(),
        url: d.url.clone(),
        source: (!long).then(|| NamedSource::new(&d.file, src.text.clone())),
        labels,
        asides,
    }
}

/// Render every diagnostic, the run's notices and a summary line.
pub fn render(report: &Report, sources: &[Source], color: bool, width: usize) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    // Lines are wrapped here, where code spans and YAML are known, not by miette.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false)
        .with_urls(true)
        .with_wrap_lines(false);
    // The columns miette's indents take: `  ☞ ` before a message, `  help: ` before help, and
    // the 2 it keeps free.
    let (message_width, help_width) = (width.saturating_sub(6), width.saturating_sub(10));
    let mut out = String::new();
    for d in &report.diagnostics {
        let mut rendered = convert(d, sources);
        rendered.message = wrap_message(&rendered.message, message_width);
        rendered.help = wrap(&rendered.help, help_width);
        if let Some(fix) = &d.fix {
            rendered.help.push('\n');
            rendered.help.push_str(&wrap(&super::fix_line(fix), help_width));
        }
        let mut text = String::new();
        let _ = handler.render_report(&mut text, &rendered);
        // The snippets of related places in other files go under the main snippet, before help.
        let mut snippets = String::new();
        for aside in &rendered.asides {
            let mut snippet = String::new();
            let _ = handler.render_report(&mut snippet, aside);
            snippets.push_str(snippet.trim_start_matches('\n'));
        }
        match text.find("\n  help: ") {
            Some(at) if !snippets.is_empty() => text.insert_str(at + 1, &snippets),
            _ => text.push_str(&snippets),
        }
        out.push_str(&text);
        out.push('\n');
    }
    for n in &report.notices {
        let note = wrap(&format!("note[{}]: {}", n.id, n.message), width.saturating_sub(4));
        out.push_str(&format!("{}\n", note.replace('\n', "\n  ")));
        out.push_str(&format!("  help: {}\n\n", wrap(&n.help, help_width).replace('\n', "\n        ")));
    }
    out.push_str(&super::summary_line(report));
    out.push_str(&super::fixable_line(report));
    out
}

/// Wrap `text` to `width` columns for a terminal, so that what a user copies still works: lines
/// break only at spaces outside `code spans`; a line that starts with white space (YAML, a
/// command) and the lines of a ``` block are kept whole; a word or code span wider than
/// `width` gets a line of its own rather than a break.
pub fn wrap(text: &str, width: usize) -> String {
    wrap_with(text, width, false)
}

/// A message: as [`wrap`], but a code span wider than a line (an API server's error quoted
/// whole) breaks at its spaces rather than run past the edge; messages are read, not pasted.
pub fn wrap_message(text: &str, width: usize) -> String {
    wrap_with(text, width, true)
}

fn wrap_with(text: &str, width: usize, split_wide: bool) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut fenced = false;
    for line in text.split('\n') {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            out.push(line.to_owned());
            continue;
        }
        if fenced || line.starts_with([' ', '\t']) || line.chars().count() <= width {
            out.push(line.to_owned());
            continue;
        }
        let mut current = String::new();
        let mut current_width = 0;
        let words = words(line).into_iter().flat_map(|word| {
            let wide = split_wide && word.chars().count() > width;
            let parts: Vec<&str> = if wide { word.split(' ').filter(|p| !p.is_empty()).collect() } else { vec![word] };
            parts
        });
        for word in words {
            let w = word.chars().count();
            if current.is_empty() {
                current.push_str(word);
                current_width = w;
            } else if current_width + 1 + w <= width {
                current.push(' ');
                current.push_str(word);
                current_width += 1 + w;
            } else {
                out.push(std::mem::take(&mut current));
                current.push_str(word);
                current_width = w;
            }
        }
        out.push(current);
    }
    out.join("\n")
}

/// The words of a line: split at spaces outside backtick code spans (an unclosed span runs to
/// the end of the line).
fn words(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut code = false;
    for (i, c) in line.char_indices() {
        match c {
            '`' => code = !code,
            ' ' if !code => {
                if i > start {
                    out.push(&line[start..i]);
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < line.len() {
        out.push(&line[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_never_breaks_a_code_span_or_yaml() {
        let help = "add to the pod template: `topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname}]`, or a DaemonSet";
        let wrapped = wrap(help, 40);
        assert_eq!(
            wrapped,
            "add to the pod template:\n`topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname}]`,\nor a DaemonSet"
        );
        let yaml = "write it so:\n  spec:\n    externalTrafficPolicy: Local   # a long comment that goes well past the width\nthen apply it again, and the client address reaches the pods";
        let wrapped = wrap(yaml, 30);
        assert!(
            wrapped.contains("\n    externalTrafficPolicy: Local   # a long comment that goes well past the width\n"),
            "{wrapped}"
        );
        assert!(wrapped.ends_with("then apply it again, and the\nclient address reaches the\npods"), "{wrapped}");
        let fenced = "```yaml\nmetadata: {name: a very long name that does not fit here}\n```";
        assert_eq!(wrap(fenced, 10), fenced);
        assert_eq!(
            wrap("Service ingress-nginx/ingress-nginx-controller here", 20),
            "Service\ningress-nginx/ingress-nginx-controller\nhere",
            "no break at a hyphen"
        );
        assert_eq!(wrap("short", 3), "short");
        let quoted = "the API server rejects it (`spec.x: Invalid value: 1: may not be set`)";
        assert_eq!(
            wrap_message(quoted, 30),
            "the API server rejects it\n(`spec.x: Invalid value: 1:\nmay not be set`)"
        );
        assert_eq!(wrap(quoted, 30), "the API server rejects it\n(`spec.x: Invalid value: 1: may not be set`)");
    }
}
