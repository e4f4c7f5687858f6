//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` per diagnostic, at
//! exactly the place `-o json` gives, so the finding shows inline on the pull request.
//!
//! `::warning file=deploy/svc.yaml,line=9,col=9,endLine=9,endColumn=21,title=<rule>::<message>`:
//! the message escapes `%`, CR and LF; property values also escape `:` and `,` (what
//! `@actions/core` does, and what the runner reverses).

use super::{EmitContext, is_stream_name, summary_line};
use crate::diagnostic::{Diagnostic, Report, Severity};

/// The workflow command of a severity.
pub fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escape a command's message (its data).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One line per diagnostic, a `::notice` per run notice (a check that could not be made), then
/// the summary as plain log text.
pub fn render(report: &Report, ctx: &EmitContext<'_>) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&annotation(d, ctx));
        out.push('\n');
    }
    for n in &report.notices {
        let title = escape_property(&format!("realip-lint: {}", n.id));
        out.push_str(&format!(
            "::notice title={title}::{}\n",
            escape_data(&format!("{}\n\nhelp: {}", n.message, n.help))
        ));
    }
    out.push_str(&summary_line(report));
    out
}

/// The workflow command of one diagnostic. A finding in a file gets its place as properties (the
/// path relative to the working directory, which is the checkout in a workflow); one in a stream
/// (`<stdin>`, `<kustomize DIR>`, `<cluster CONTEXT>`) has no file to point at, so the stream,
/// line, column and object lead the message instead.
pub fn annotation(d: &Diagnostic, ctx: &EmitContext<'_>) -> String {
    let mut properties = Vec::new();
    let mut message = String::new();
    if is_stream_name(&d.file) {
        message.push_str(&format!("{}:{}:{}: ", d.file, d.start.line, d.start.column));
        if let Some(object) = &d.object {
            message.push_str(&format!("{}: ", object.label()));
        }
    } else {
        let file = (ctx.relativize)(&d.file).unwrap_or_else(|| d.file.clone());
        properties.push(format!("file={}", escape_property(&file)));
        properties.push(format!("line={}", d.start.line));
        properties.push(format!("col={}", d.start.column));
        properties.push(format!("endLine={}", d.end.line));
        properties.push(format!("endColumn={}", d.end.column));
    }
    properties.push(format!("title={}", escape_property(d.rule)));
    message.push_str(&format!("{}\n\nhelp: {}\n{}", d.message, d.help, d.url));
    format!("::{} {}::{}", command(d.severity), properties.join(","), escape_data(&message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_workflow_command_format() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
        assert_eq!(escape_data("%0A"), "%250A", "an escape sequence in the text is not taken for one");
    }
}
