//! Every rule, one line each.

use crate::rules::{self, RuleDef};

pub static RULES: &[&RuleDef] = &[
    // Tier 1
    &rules::ingress_controller_cluster_policy::RULE,
    &rules::local_policy_without_spread::RULE,
    &rules::hard_anti_affinity_replicas_exceed_nodes::RULE,
    &rules::external_service_cluster_policy::RULE,
    &rules::external_traffic_policy_invalid_value::RULE,
    &rules::external_traffic_policy_on_internal_service::RULE,
    &rules::removed_api_version::RULE,
    &rules::duplicate_object::RULE,
    &rules::invalid_suppression::RULE,
    &rules::invalid_manifest::RULE,
    // Tier 2: scheduling, rollout and Service settings
    &rules::rollout_deadlock_one_per_node::RULE,
    &rules::host_port_rollout_conflict::RULE,
    &rules::rolling_update_invalid::RULE,
    &rules::local_policy_single_endpoint::RULE,
    &rules::nodeport_local_without_health_checks::RULE,
    &rules::spread_selector_mismatch::RULE,
    &rules::soft_spread_only::RULE,
    &rules::spread_topology_not_hostname::RULE,
    &rules::pdb_blocks_drain::RULE,
    &rules::health_check_node_port_misuse::RULE,
    &rules::session_affinity_after_snat::RULE,
    // Tier 2: what the ingress controller trusts
    &rules::proxy_protocol_mismatch::RULE,
    &rules::forwarded_headers_trust_all::RULE,
    &rules::forwarded_headers_behind_l4::RULE,
    &rules::forwarded_headers_not_trusted::RULE,
    &rules::forwarded_trust_cidr_invalid::RULE,
    &rules::allowlist_after_snat::RULE,
    &rules::ingress_nginx_retired::RULE,
    // Tier 3: load balancers
    &rules::aws_nlb_ip_target_client_ip_lost::RULE,
    // Gateway API
    &rules::gateway_parameters_invalid::RULE,
    &rules::gateway_annotation_not_propagated::RULE,
];

pub fn rule(name: &str) -> Option<&'static RuleDef> {
    RULES.iter().copied().find(|r| r.name == name)
}

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

/// The candidate closest to `word` by edit distance, when it is close enough to be a typo (at
/// most a third of the word's length, and at least one edit), else the one candidate that `word`
/// begins (`warn` → `warning`): for "did you mean `X`?".
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let limit = (word.chars().count() / 3).max(1);
    let near = candidates
        .iter()
        .map(|&c| (edit_distance(word, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c);
    near.or_else(
        || match candidates.iter().filter(|c| word.len() >= 3 && c.starts_with(word)).collect::<Vec<_>>()[..] {
            [&only] => Some(only),
            _ => None,
        },
    )
}

/// ` (did you mean `X`?)`, or nothing.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates).map_or_else(String::new, |c| format!("; did you mean `{c}`?"))
}

/// The rule closest to a misspelt name, if any.
pub fn similar_rule(name: &str) -> Option<&'static str> {
    closest(name, RULES.iter().map(|r| r.name))
}

/// Levenshtein distance over characters (insertions, deletions, substitutions).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
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
