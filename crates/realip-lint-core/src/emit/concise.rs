//! `-o concise`, and what the Node pre-commit hook prints: one line per diagnostic,
//! `file:line:column: severity rule: message` (what editors' problem matchers read), then the
//! notices and the summary line.

use crate::diagnostic::{Diagnostic, Report};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&line(d));
    }
    for n in &report.notices {
        out.push_str(&format!("note[{}]: {}; {}\n", n.id, n.message, n.help));
    }
    out.push_str(&super::summary_line(report));
    out
}

/// `file:line:column: severity rule: message` and a newline; a line break in the message (none
/// is written today) is a space, so a finding is always one line.
pub fn line(d: &Diagnostic) -> String {
    let message = d.message.replace(['\r', '\n'], " ");
    format!("{}:{}:{}: {} {}: {message}\n", d.file, d.start.line, d.start.column, d.severity.as_str(), d.rule)
}
