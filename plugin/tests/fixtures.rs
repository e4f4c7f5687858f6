//! Every rule's fixtures, rendered exactly as a user sees them, against the committed snapshots;
//! and the meta-tests that keep the rule set whole.
//!
//! A fixture is `crates/realip-lint-core/tests/fixtures/<rule>/<case>.yaml` (or a `<case>/`
//! folder of files). `fail*` cases must produce the rule, `pass*` cases must not. A first line
//! `# args: --nodes 3 --namespace x` sets options. The snapshot `<case>.snap` beside it holds the
//! human output (no colour, 100 columns) and the diagnostics' exact positions.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use realip_lint_core::emit::{docs, human};
use realip_lint_core::registry::RULES;
use realip_lint_core::{Options, Source, lint};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/realip-lint-core/tests/fixtures")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn options_of(first_line: &str) -> Options {
    let mut options = Options::default();
    let Some(args) = first_line.strip_prefix("# args:") else { return options };
    let words: Vec<&str> = args.split_whitespace().collect();
    for pair in words.chunks(2) {
        match pair {
            ["--nodes", n] => options.nodes = Some(n.parse().expect("--nodes N")),
            ["--namespace" | "-n", ns] => options.namespace = Some((*ns).to_owned()),
            other => panic!("unknown fixture args {other:?}"),
        }
    }
    options
}

fn sources_of(rule: &str, case: &Path) -> Vec<Source> {
    let name = |p: &Path| format!("{rule}/{}", p.strip_prefix(case.parent().unwrap()).unwrap().display());
    if case.is_dir() {
        let files: Vec<PathBuf> = walkdir::WalkDir::new(case)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .filter(|p| p.is_file())
            .collect();
        files.iter().map(|f| Source::new(name(f), std::fs::read_to_string(f).unwrap())).collect()
    } else {
        vec![Source::new(name(case), std::fs::read_to_string(case).unwrap())]
    }
}

fn cases(rule: &str) -> Vec<PathBuf> {
    let dir = fixtures_root().join(rule);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"))
        .collect();
    out.sort();
    out
}

fn case_name(case: &Path) -> String {
    case.file_stem().unwrap().to_string_lossy().into_owned()
}

#[test]
fn every_fixture_matches_its_snapshot() {
    let mut failures = Vec::new();
    for rule in RULES {
        for case in cases(rule.name) {
            let sources = sources_of(rule.name, &case);
            let first = sources[0].text.lines().next().unwrap_or_default().to_owned();
            let report = lint(&sources, &options_of(&first));
            let name = case_name(&case);
            let hits = report.diagnostics.iter().filter(|d| d.rule == rule.name).count();
            if name.starts_with("fail") && hits == 0 {
                failures.push(format!("{}/{name}: expected `{}` to fire", rule.name, rule.name));
            }
            let louder = report
                .diagnostics
                .iter()
                .any(|d| d.rule == rule.name && d.severity != realip_lint_core::Severity::Info);
            if name.starts_with("info") && (hits == 0 || louder) {
                failures.push(format!("{}/{name}: expected `{}` to fire as info only", rule.name, rule.name));
            }
            if name.starts_with("pass") && hits > 0 {
                failures.push(format!("{}/{name}: expected `{}` not to fire", rule.name, rule.name));
            }
            let mut out = human::render(&report, &sources, false, 100);
            out.push_str("\n--- positions ---\n");
            for d in &report.diagnostics {
                let _ = writeln!(
                    out,
                    "{} {} {}:{}:{}-{}:{} [{}..{}]",
                    d.severity.as_str(),
                    d.rule,
                    d.file,
                    d.start.line,
                    d.start.column,
                    d.end.line,
                    d.end.column,
                    d.start.offset,
                    d.end.offset
                );
            }
            insta::with_settings!({
                snapshot_path => case.parent().unwrap(),
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(name, out);
            });
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_failing_and_passing_fixtures() {
    for rule in RULES {
        let names: Vec<String> = cases(rule.name).iter().map(|c| case_name(c)).collect();
        assert!(names.iter().any(|n| n.starts_with("fail")), "{}: no fail fixture", rule.name);
        assert!(names.iter().any(|n| n.starts_with("pass")), "{}: no pass fixture", rule.name);
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

#[test]
fn every_message_is_lowercase_without_a_period_and_has_help() {
    for rule in RULES {
        for case in cases(rule.name) {
            let sources = sources_of(rule.name, &case);
            let first = sources[0].text.lines().next().unwrap_or_default().to_owned();
            for d in lint(&sources, &options_of(&first)).diagnostics {
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
}

/// Kinds and product names may start a message.
fn is_proper_noun(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && [
            "Deployment",
            "DaemonSet",
            "Pod",
            "Node",
            "NetworkPolicy",
            "PodDisruptionBudget",
            "Envoy",
            "StatefulSet",
            "ReplicaSet",
            "ReplicationController",
            "Service",
            "ConfigMap",
            "YAML",
            "Helm",
            "Traefik",
            "Kong",
            "HAProxy",
            "F5",
            "Istio",
            "Contour",
            "HorizontalPodAutoscaler",
            "Ingress",
            "IngressClass",
            "Gateway",
            "GatewayClass",
            "EnvoyProxy",
            "NginxProxy",
            "GatewayParameters",
            "ContourDeployment",
            "CiliumGatewayClassConfig",
            "ClientTrafficPolicy",
            "ListenerPolicy",
            "Cilium",
            "NGINX",
        ]
        .iter()
        .any(|p| word.trim_matches(|c: char| !c.is_alphanumeric()) == *p)
}

#[test]
fn docs_rules_md_is_generated_from_the_rules() {
    let path = repo_root().join("docs/rules.md");
    let fresh = docs::rules_markdown();
    if std::env::var_os("REALIP_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        let readme = repo_root().join("README.md");
        let text = std::fs::read_to_string(&readme).unwrap();
        let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
        let (a, b) = (text.find(start).unwrap() + start.len(), text.find(end).unwrap());
        std::fs::write(&readme, format!("{}{}{}", &text[..a], docs::readme_table(), &text[b..])).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/rules.md is out of date: run `REALIP_UPDATE_DOCS=1 cargo test -p kubectl-realip-lint --test fixtures`"
    );
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    assert!(
        readme.contains(&docs::readme_table()),
        "the README's rule table is out of date: run `REALIP_UPDATE_DOCS=1 cargo test -p kubectl-realip-lint --test fixtures`"
    );
}
