//! `-o json`: the JSON contract of `docs/json.md`, byte for byte what the Wasm `lint` returns.

use crate::diagnostic::Report;

/// The report as pretty JSON and a newline.
pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).unwrap_or_default();
    s.push('\n');
    s
}
