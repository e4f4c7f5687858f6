//! Every rule, one line each.

use crate::rules::{self, RuleDef};
pub use crate::suggest::{closest, did_you_mean, edit_distance};

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
    &rules::forwarded_trust_cidr_invalid::RULE,
    &rules::allowlist_after_snat::RULE,
    &rules::ingress_nginx_retired::RULE,
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
