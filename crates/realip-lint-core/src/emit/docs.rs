//! Rule documentation rendered from the rules' own doc comments: `explain` and `docs/rules.md`.

use crate::diagnostic::rule_url;
use crate::registry::RULES;
use crate::rules::RuleDef;

/// What `kubectl realip-lint explain <rule>` prints (the core's text, shared with the Wasm module).
pub fn explain(rule: &RuleDef) -> String {
    rule.explain()
}

/// `docs/rules.md`, generated; a test fails when the committed file differs.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# realip-lint rules\n\n<!-- Generated from the rules' doc comments by `REALIP_UPDATE_DOCS=1 cargo test --workspace --test meta`; do not edit. -->\n\n| rule | default severity | what it flags |\n|---|---|---|\n",
    );
    for r in RULES {
        out.push_str(&format!("| [`{}`](#{}) | {} | {} |\n", r.name, r.name, r.severity.as_str(), r.summary));
    }
    for r in RULES {
        out.push_str(&format!("\n## {}\n\nDefault severity: **{}**. Suppress with the annotation `ignore-check.realip-lint.io/{}: \"<reason>\"`.\n\n", r.name, r.severity.as_str(), r.name));
        // The manual's headings move one level down under the rule's own.
        for line in r.manual().trim_end().lines() {
            if line.starts_with("## ") {
                out.push('#');
            }
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&r.fix_line());
        out.push('\n');
    }
    out
}

/// The rule table of the README, between its markers.
pub fn readme_table() -> String {
    let mut out = String::from("| rule | severity | what it flags |\n|---|---|---|\n");
    for r in RULES {
        out.push_str(&format!("| [`{}`]({}) | {} | {} |\n", r.name, rule_url(r.name), r.severity.as_str(), r.summary));
    }
    out
}
