//! `trace`: text snapshots of the classic topologies (`examples/`) and of the ingress-nginx
//! provider manifests from the corpus, and the agreement of every verdict with the rules over
//! all fixtures and the whole corpus.

mod common;

use std::path::Path;
use std::process::Command;

use common::{BIN, repo};
use realip_lint_core::trace::{TraceReport, VerdictKind, trace};
use realip_lint_core::{Options, Severity, Source};
use realip_lint_plugin::render;
use realip_lint_plugin::walk::read_inputs;

fn traced(path: &str, cwd: &Path) -> String {
    let out = Command::new(BIN).args(["trace", "-f", path]).current_dir(cwd).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_classic_topologies() {
    insta::assert_snapshot!("examples", traced("examples/", &repo()));
}

#[test]
fn ingress_nginx_provider_manifests() {
    let root = common::corpus().join("real");
    for provider in ["baremetal", "cloud", "aws", "do"] {
        let file = format!("kubernetes__ingress-nginx/deploy/static/provider/{provider}/deploy.yaml");
        insta::assert_snapshot!(format!("ingress-nginx-{provider}"), traced(&file, &root));
    }
}

#[test]
fn gateway_listeners() {
    // One Gateway per implementation's trap: Istio's `Cluster`, Cilium's kept address, PROXY on
    // both ends for Envoy Gateway, Traefik's own Service, a hop count behind an L4 load
    // balancer, a config object missing from the input, routes bound per listener, Kong Gateway
    // Operator's `Cluster` default, and Envoy Gateway's controller-wide default EnvoyProxy.
    let fixtures = repo().join("crates/realip-lint-core/tests/fixtures");
    let mut out = String::new();
    for case in [
        "ingress-controller-cluster-policy/fail-istio-gateway.yaml",
        "ingress-controller-cluster-policy/pass-cilium-gateway.yaml",
        "ingress-controller-cluster-policy/fail-traefik-gateway.yaml",
        "proxy-protocol-mismatch/pass-envoy-gateway.yaml",
        "forwarded-headers-behind-l4/fail-envoy-gateway-hops.yaml",
        "gateway-parameters-invalid/info-missing-envoyproxy.yaml",
        "ingress-controller-cluster-policy/pass-envoy-gateway-routes.yaml",
        "ingress-controller-cluster-policy/fail-kong-gateway-operator.yaml",
        "ingress-controller-cluster-policy/fail-envoy-gateway-controller-default.yaml",
    ] {
        out.push_str(&traced(case, &fixtures));
        out.push('\n');
    }
    insta::assert_snapshot!("gateways", out);
}

#[test]
fn json_has_the_documented_shape() {
    let out = Command::new(BIN).args(["trace", "-f", "examples/", "-o", "json"]).current_dir(repo()).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    for e in entries {
        assert!(["Service", "Ingress"].contains(&e["kind"].as_str().unwrap()));
        assert!(e["start"]["line"].is_u64() && e["file"].is_string());
        let kind = e["verdict"]["kind"].as_str().unwrap();
        assert!(["preserved", "preserved-in-header", "lost", "forgeable", "unknown", "broken"].contains(&kind));
        if kind == "lost" {
            assert!(e["verdict"]["where"]["file"].is_string());
        }
        for hop in e["hops"].as_array().unwrap() {
            assert!(hop["carries"].is_string() && hop["does"].is_string() && hop["places"].is_array());
        }
    }
}

/// Rules that say the client address does not arrive intact.
const BROKEN: &[&str] = &[
    "ingress-controller-cluster-policy",
    "external-service-cluster-policy",
    "proxy-protocol-mismatch",
    "forwarded-headers-trust-all",
    "forwarded-headers-behind-l4",
];

/// Checks the verdicts against the rules; gives how many entries trace as `broken`.
fn check_agreement(report: &TraceReport, what: &str) -> usize {
    for e in &report.entries {
        // `broken` is the trace's word for what `proxy-protocol-mismatch` reports: connections
        // fail.
        if e.verdict.kind == VerdictKind::Broken {
            assert!(
                e.hops
                    .iter()
                    .flat_map(|h| &h.rules)
                    .any(|r| r.rule == "proxy-protocol-mismatch" && r.severity >= Severity::Warning),
                "{what}: {} {:?} traces as broken, and proxy-protocol-mismatch does not say so",
                e.kind,
                e.object
            );
        }
        if !matches!(e.verdict.kind, VerdictKind::Preserved | VerdictKind::PreservedInHeader) {
            continue;
        }
        for hop in &e.hops {
            for r in &hop.rules {
                assert!(
                    !(BROKEN.contains(&r.rule) && r.severity >= Severity::Warning),
                    "{what}: {} {:?} traces as {:?} but {} says {}",
                    e.kind,
                    e.object,
                    e.verdict.kind,
                    r.rule,
                    r.severity.as_str()
                );
            }
        }
    }
    report.entries.iter().filter(|e| e.verdict.kind == VerdictKind::Broken).count()
}

#[test]
fn verdicts_agree_with_the_rules_on_every_fixture_and_the_corpus() {
    let fixtures = repo().join("crates/realip-lint-core/tests/fixtures");
    let mut cases = 0;
    let mut broken = 0;
    for rule in std::fs::read_dir(&fixtures).unwrap() {
        for case in std::fs::read_dir(rule.unwrap().path()).unwrap() {
            let path = case.unwrap().path();
            if path.extension().is_some_and(|e| e == "snap") {
                continue;
            }
            let inputs = read_inputs(&[path.display().to_string()], true, None);
            let first = inputs
                .sources
                .first()
                .map(|s| s.text.lines().next().unwrap_or_default().to_owned())
                .unwrap_or_default();
            let nodes = first.strip_prefix("# args: --nodes ").and_then(|n| n.trim().parse().ok());
            broken += check_agreement(
                &trace(&inputs.sources, &Options { nodes, ..Options::default() }),
                &path.display().to_string(),
            );
            cases += 1;
        }
    }
    assert!(cases > 50, "only {cases} fixtures");
    assert!(broken >= 8, "only {broken} fixtures trace as broken (the proxy-protocol-mismatch ones do)");
    let real = common::corpus().join("real");
    let mut entries = 0;
    for folder in std::fs::read_dir(&real).unwrap() {
        let folder = folder.unwrap().path();
        let inputs = read_inputs(&[folder.display().to_string()], true, None);
        let report = trace(&inputs.sources, &Options::default());
        entries += report.entries.len();
        let _ = check_agreement(&report, &folder.display().to_string());
        let text = render::trace::render(&report, false);
        assert!(!text.is_empty());
    }
    assert!(entries > 100, "only {entries} entry points traced over the corpus");
    let _ = Source::new("", "");
}
