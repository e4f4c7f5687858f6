//! Every rule, one line each.

pub use crate::suggest::{closest, did_you_mean, edit_distance};

pub use crate::rules::{RULES, rule};

/// One rule as `rules -o json` and the Wasm `rules()` list it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleInfo {
    pub name: &'static str,
    pub severity: crate::Severity,
    pub summary: &'static str,
    pub url: String,
}

/// Every rule: name, default severity, one line, docs link.
pub fn rule_infos() -> Vec<RuleInfo> {
    RULES
        .iter()
        .map(|r| RuleInfo {
            name: r.name,
            severity: r.severity,
            summary: r.summary,
            url: crate::diagnostic::rule_url(r.name),
        })
        .collect()
}

/// What `rules -o json` prints: [`rule_infos`] as pretty JSON and a newline.
pub fn rules_json() -> String {
    let mut out = serde_json::to_string_pretty(&rule_infos()).unwrap_or_default();
    out.push('\n');
    out
}

/// Every rule's name, in the catalog's order (what `config::parse` checks rule names against).
pub fn names() -> Vec<&'static str> {
    RULES.iter().map(|r| r.name).collect()
}

/// The rule closest to a misspelt name, if any.
pub fn similar_rule(name: &str) -> Option<&'static str> {
    closest(name, RULES.iter().map(|r| r.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_and_suggestions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("nodez", "nodes"), 1);
        assert_eq!(closest("nodez", ["nodes", "rules", "exclude"]), Some("nodes"));
        assert_eq!(closest("zzzzzz", ["nodes", "rules"]), None, "nothing close: no suggestion");
        assert_eq!(similar_rule("duplicate-objects"), Some("duplicate-object"));
        assert_eq!(similar_rule("pdb-block-drain"), Some("pdb-blocks-drain"));
        assert_eq!(similar_rule("whatever"), None);
        assert_eq!(did_you_mean("exempts", ["exempt"]), "; did you mean `exempt`?");
        assert_eq!(closest("warn", ["error", "warning", "info"]), Some("warning"), "a prefix");
        assert_eq!(closest("local", ["local-a", "local-b"]), None, "an ambiguous prefix");
    }
}
