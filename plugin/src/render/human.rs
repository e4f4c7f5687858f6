//! The human format: miette reports with the source snippet, labels, help and the rule's link.

use std::fmt;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};
use realip_lint_core::Source;
use realip_lint_core::diagnostic::{Diagnostic, Report, Severity};

/// One related place in its own file, shown under the main report.
#[derive(Debug)]
struct Aside {
    message: String,
    source: NamedSource<String>,
    label: LabeledSpan,
}

impl fmt::Display for Aside {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
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
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn MietteDiagnostic> + 'a>> {
        if self.asides.is_empty() {
            return None;
        }
        Some(Box::new(self.asides.iter().map(|a| a as &dyn MietteDiagnostic)))
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
            format!("{}: {}", d.severity.as_str(), super::object_label(object))
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
            asides.push(Aside {
                message: r.message.clone(),
                source: NamedSource::new(&r.file, sources[file].text.clone()),
                label,
            });
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

/// Render every diagnostic and a summary line.
pub fn render(report: &Report, sources: &[Source], color: bool, width: usize) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(width).with_links(false).with_urls(true);
    let mut out = String::new();
    for d in &report.diagnostics {
        let rendered = convert(d, sources);
        let _ = handler.render_report(&mut out, &rendered);
        out.push('\n');
    }
    out.push_str(&report.summary_line());
    out
}
