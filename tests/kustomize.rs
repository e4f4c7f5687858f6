//! `kubectl realip-lint -k DIR`: the real `kubectl kustomize` renders a real base and overlay
//! (`tests/data/kustomize`), and the diagnostics name the rendered stream and the object.

mod common;

use std::process::{Command, Output};

use common::{BIN, Dir, json, plugin_path, repo, stderr, stdout};

const OVERLAY: &str = "tests/data/kustomize/overlays/prod";

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
    assert_eq!(d["file"], format!("<kustomize {OVERLAY}>"));
    assert_eq!(
        d["object"],
        serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "prod", "name": "prod-web"}),
        "the overlay's namespace and name prefix"
    );
    assert_eq!(d["related"][0]["file"], format!("<kustomize {OVERLAY}>"));

    // The positions are those of what `kubectl kustomize` printed: the overlay's replica count.
    let rendered = kubectl(&["kustomize", OVERLAY], &path);
    let text = stdout(&rendered);
    let (start, end) = (common::index(&d["start"]["offset"]), common::index(&d["end"]["offset"]));
    assert_eq!(&text[start..end], "3");
    assert_eq!(text.lines().nth(common::index(&d["start"]["line"]) - 1).unwrap(), "  replicas: 3");
    let (rs, re) =
        (common::index(&d["related"][0]["start"]["offset"]), common::index(&d["related"][0]["end"]["offset"]));
    assert_eq!(&text[rs..re], "Local", "the overlay's patch");

    // The human report names the stream and, since it is no file, the object.
    let human = stdout(&kubectl(&["realip-lint", "-k", OVERLAY], &path));
    assert!(human.contains(&format!("<kustomize {OVERLAY}>:")), "{human}");
    assert!(human.contains("warning: Deployment prod/prod-web"), "{human}");

    // The base alone is a ClusterIP Service: nothing to report. -k combines with -f.
    let base =
        kubectl(&["realip-lint", "-k", "tests/data/kustomize/base", "-f", "examples/nodes.yaml", "-o", "json"], &path);
    assert_eq!(base.status.code(), Some(0), "{}", stderr(&base));
    assert_eq!(json(&base)["summary"]["files"], 2);
}

#[test]
fn a_failing_kustomize_or_a_missing_kubectl_is_a_clear_usage_error() {
    let (plugin, path) = plugin_path();
    let out = kubectl(
        &["realip-lint", "-k", "tests/data/kustomize/overlays/broken", "-f", "examples/nodes.yaml", "-o", "json"],
        &path,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: `kubectl kustomize tests/data/kustomize/overlays/broken` failed (exit 1): "),
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
