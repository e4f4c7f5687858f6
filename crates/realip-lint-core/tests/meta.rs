//! The meta-tests that keep the rule set whole: every rule has its fixtures and the manual's
//! headings, every fixture linted with all rules on keeps its own rule's findings, and every
//! message has the shape the house style asks for; and `docs/rules.md` is what the rules say.

mod common;

use common::{all_fixtures, fixtures_of, fixtures_root};
use realip_lint_core::emit::docs;
use realip_lint_core::lint;
use realip_lint_core::registry::RULES;

#[test]
fn every_rule_has_failing_and_passing_fixtures() {
    for rule in RULES {
        let names: Vec<String> = fixtures_of(rule.name).iter().map(common::Fixture::case).collect();
        assert!(names.iter().any(|n| n.starts_with("fail")), "{}: no fail fixture", rule.name);
        assert!(names.iter().any(|n| n.starts_with("pass")), "{}: no pass fixture", rule.name);
    }
}

#[test]
fn every_fixture_folder_is_a_rule() {
    for entry in std::fs::read_dir(fixtures_root()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(RULES.iter().any(|r| r.name == name), "tests/fixtures/{name}: no rule of that name");
    }
}

#[test]
fn every_rule_manual_has_the_fixed_headings() {
    for rule in RULES {
        let manual = rule.manual();
        let mut at = 0;
        for heading in ["## What it does", "## Why is this bad?", "## Example", "Use instead:", "## References"] {
            let found =
                manual[at..].find(heading).unwrap_or_else(|| panic!("{}: missing or misplaced `{heading}`", rule.name));
            at += found;
        }
        assert!(!rule.summary.ends_with('.'), "{}: summary ends with a period", rule.name);
    }
}

/// The fixture test lints each fixture with its own rule only; with every rule on, the rule must
/// find the same (no rule leans on another's findings) and nothing may panic.
#[test]
fn every_fixture_with_all_rules_on_keeps_its_own_rules_findings() {
    let mut failures = Vec::new();
    for fixture in all_fixtures() {
        let sources = fixture.sources();
        let all = lint(&sources, &common::options(&sources));
        let own = lint(&sources, &fixture.options_own_rule(&sources));
        if let Some(failure) = fixture.expectation_failure(&all) {
            failures.push(format!("{failure} (all rules on)"));
        }
        let mine = |r: &realip_lint_core::Report| {
            let found: Vec<String> =
                r.diagnostics.iter().filter(|d| d.rule == fixture.rule).map(|d| format!("{d:?}")).collect();
            let suppressed: Vec<String> = r
                .suppressed
                .iter()
                .filter(|s| s.diagnostic.rule == fixture.rule)
                .map(|s| format!("{:?}", s.diagnostic))
                .collect();
            (found, suppressed)
        };
        if mine(&all) != mine(&own) {
            failures.push(format!("{}: its rule finds otherwise with every rule on", fixture.name()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_message_is_lowercase_without_a_period_and_has_help() {
    for fixture in all_fixtures() {
        let sources = fixture.sources();
        for d in lint(&sources, &common::options(&sources)).diagnostics {
            let c = d.message.chars().next().unwrap();
            assert!(
                !c.is_ascii_uppercase() || d.message.split_whitespace().next().is_some_and(is_proper_noun),
                "{}: message starts uppercase: {}",
                d.rule,
                d.message
            );
            assert!(!d.message.ends_with('.'), "{}: message ends with a period: {}", d.rule, d.message);
            assert!(!d.help.is_empty(), "{}: no help", d.rule);
            assert!(d.start.offset <= d.end.offset);
        }
    }
}

/// Kinds, YAML and Helm may start a message, and so may the implementations' names and config
/// kinds (from the core's registry, so a new implementation needs no entry here).
fn is_proper_noun(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && [
            "Deployment",
            "DaemonSet",
            "Pod",
            "Node",
            "NetworkPolicy",
            "PodDisruptionBudget",
            "StatefulSet",
            "ReplicaSet",
            "ReplicationController",
            "Service",
            "ConfigMap",
            "YAML",
            "Helm",
            "HorizontalPodAutoscaler",
            "Ingress",
            "IngressClass",
            "Gateway",
            "GatewayClass",
        ]
        .iter()
        .copied()
        .chain(realip_lint_core::implementations::name_words())
        .chain(realip_lint_core::implementations::gateway_api::cluster_kinds().map(|(_, kind, _)| kind))
        .any(|p| word.trim_matches(|c: char| !c.is_alphanumeric()) == p)
}

/// `docs/rules.md` and the README's rule table are generated from the rules' doc comments;
/// `REALIP_UPDATE_DOCS=1 cargo test --workspace --test meta` rewrites both.
#[test]
fn docs_rules_md_is_generated_from_the_rules() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = repo.join("docs/rules.md");
    let fresh = docs::rules_markdown();
    if std::env::var_os("REALIP_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        let readme = repo.join("README.md");
        let text = std::fs::read_to_string(&readme).unwrap();
        let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
        let (a, b) = (text.find(start).unwrap() + start.len(), text.find(end).unwrap());
        std::fs::write(&readme, format!("{}{}{}", &text[..a], docs::readme_table(), &text[b..])).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/rules.md is out of date: run `REALIP_UPDATE_DOCS=1 cargo test --workspace --test meta`"
    );
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    assert!(
        readme.contains(&docs::readme_table()),
        "the README's rule table is out of date: run `REALIP_UPDATE_DOCS=1 cargo test --workspace --test meta`"
    );
}

/// A rule's manual says which kinds of fix it has (`fix:` in its declaration); its fixtures hold
/// it to that: each kind declared appears on some fixture, and no other kind does.
#[test]
fn every_rule_fixes_what_its_manual_says() {
    let mut problems = Vec::new();
    for rule in RULES {
        let mut seen = std::collections::BTreeSet::new();
        for fixture in common::fixtures_of(rule.name) {
            let sources = fixture.sources();
            let report = realip_lint_core::lint(&sources, &fixture.options_own_rule(&sources));
            seen.extend(report.diagnostics.iter().filter_map(|d| d.fix.as_ref()).map(|f| f.applicability));
        }
        let declared: std::collections::BTreeSet<_> = rule.fixes.iter().copied().collect();
        if seen != declared {
            problems.push(format!("{}: the manual says {declared:?}, the fixtures show {seen:?}", rule.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
