//! `kubectl realip-lint -k DIR`: the real `kubectl kustomize` renders a real base and overlay
//! (`plugin/tests/data/kustomize`), and the diagnostics name the rendered stream and the object.

mod common;

use std::process::{Command, Output};

use common::{BIN, Dir, json, plugin_path, repo, stderr, stdout};

const OVERLAY: &str = "plugin/tests/data/kustomize/overlays/prod";

fn kubectl(args: &[&str], path: &str) -> Output {
    common::kubectl()
        .args(args)
        .current_dir(repo())
        .env("PATH", path)
        .env("KUBECONFIG", "/dev/null")
        .output()
        .expect("kubectl must be installed: -k runs `kubectl kustomize`")
}

#[test]
fn the_overlay_is_rendered_by_kubectl_kustomize_and_linted() {
    let (_plugin, path) = plugin_path();
    let out = kubectl(&["realip-lint", "-k", OVERLAY, "-o", "json"], &path);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["objects"], 2);
    let d = &report["diagnostics"][0];
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 1, "{report:#}");
    assert_eq!(d["rule"], "local-policy-without-spread");
    assert_eq!(
        d["object"],
        serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "prod", "name": "prod-web"}),
        "the overlay's namespace and name prefix"
    );
    // The finding lands where the user wrote the value: the overlay's `replicas:` count (kustomize's
    // ReplicaCountTransformer), and its related place on the patch that set `Local`.
    let at = |file: &serde_json::Value, start: &serde_json::Value, end: &serde_json::Value| {
        let text = std::fs::read_to_string(repo().join(file.as_str().unwrap())).unwrap();
        let line = text.lines().nth(common::index(&start["line"]) - 1).unwrap().to_owned();
        (text[common::index(&start["offset"])..common::index(&end["offset"])].to_owned(), line)
    };
    assert_eq!(d["file"], "plugin/tests/data/kustomize/overlays/prod/kustomization.yaml");
    assert_eq!(at(&d["file"], &d["start"], &d["end"]), ("3".to_owned(), "    count: 3".to_owned()));
    let r = &d["related"][0];
    assert_eq!(r["file"], "plugin/tests/data/kustomize/overlays/prod/service-lb.yaml", "the overlay's patch");
    assert_eq!(at(&r["file"], &r["start"], &r["end"]).0, "Local");

    // The human report shows the user's file and names the object.
    let human = stdout(&kubectl(&["realip-lint", "-k", OVERLAY], &path));
    assert!(human.contains("plugin/tests/data/kustomize/overlays/prod/kustomization.yaml:11:12"), "{human}");
    assert!(
        human.contains("warning: Deployment prod/prod-web") || human.contains("Deployment prod/prod-web runs 3"),
        "{human}"
    );

    // The trace's places move the same way: the entry is the Service's name in the base, its
    // node hop the patch's `Local`.
    let trace = json(&kubectl(&["realip-lint", "trace", "-k", OVERLAY, "-o", "json"], &path));
    let entry = &trace["entries"][0];
    assert_eq!(entry["file"], "plugin/tests/data/kustomize/base/service.yaml", "{trace:#}");
    assert_eq!(at(&entry["file"], &entry["start"], &entry["end"]).0, "web");
    let places: Vec<(String, String)> = entry["hops"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|h| h["places"].as_array().unwrap().clone())
        .map(|p| (p["file"].as_str().unwrap().to_owned(), at(&p["file"], &p["start"], &p["end"]).0))
        .collect();
    assert!(
        places.contains(&("plugin/tests/data/kustomize/overlays/prod/service-lb.yaml".to_owned(), "Local".to_owned())),
        "{places:?}"
    );
    let rendered = trace.to_string();
    assert!(!rendered.contains("<kustomize"), "every place has an origin here: {trace:#}");

    // The base alone is a ClusterIP Service: nothing to report. -k combines with -f.
    let base = kubectl(
        &["realip-lint", "-k", "plugin/tests/data/kustomize/base", "-f", "examples/nodes.yaml", "-o", "json"],
        &path,
    );
    assert_eq!(base.status.code(), Some(0), "{}", stderr(&base));
    assert_eq!(json(&base)["summary"]["files"], 2);
}

#[test]
fn a_failing_kustomize_or_a_missing_kubectl_is_a_clear_usage_error() {
    let (plugin, path) = plugin_path();
    let out = kubectl(
        &[
            "realip-lint",
            "-k",
            "plugin/tests/data/kustomize/overlays/broken",
            "-f",
            "examples/nodes.yaml",
            "-o",
            "json",
        ],
        &path,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: `kubectl kustomize plugin/tests/data/kustomize/overlays/broken` failed (exit 1): "),
        "{err}"
    );
    assert!(err.contains("no-such-file.yaml"), "kubectl's reason: {err}");
    assert!(!err.contains("run.go"), "without klog's header: {err}");
    assert_eq!(json(&out)["summary"]["files"], 1, "the rest is still linted");

    let missing = kubectl(&["realip-lint", "-k", "no/such/dir"], &path);
    assert_eq!(missing.status.code(), Some(2));

    // kubectl absent from PATH.
    let empty = Dir::new("realip-no-kubectl");
    let out = Command::new(BIN).args(["-k", OVERLAY]).current_dir(repo()).env("PATH", empty.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("error: kubectl was not found on PATH"), "{}", stderr(&out));
    drop(plugin);
}
