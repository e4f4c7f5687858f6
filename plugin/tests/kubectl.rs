//! End to end through the real `kubectl`: the built plugin on `PATH`, dispatched by kubectl as
//! `kubectl realip-lint`, and listed by `kubectl plugin list`.

mod common;

use std::process::{Command, Output};

use common::{plugin_path, repo};

fn kubectl(args: &[&str], path: &str) -> Output {
    Command::new("kubectl")
        .args(args)
        .current_dir(repo())
        .env("PATH", path)
        .env("KUBECONFIG", "/dev/null")
        .output()
        .expect("kubectl must be installed: the end-to-end test runs the real kubectl")
}

#[test]
fn kubectl_dispatches_to_the_plugin_and_the_exit_code_passes_through() {
    let (_dir, path) = plugin_path();
    let out = kubectl(&["realip-lint", "-f", "examples/", "-o", "json"], &path);
    assert_eq!(
        out.status.code(),
        Some(1),
        "examples have warnings and an error: exit 1; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap()).collect();
    for rule in [
        "ingress-controller-cluster-policy",
        "local-policy-without-spread",
        "hard-anti-affinity-replicas-exceed-nodes",
        "external-service-cluster-policy",
    ] {
        assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
    }
    let first = &report["diagnostics"][0];
    assert_eq!(first["file"], "examples/lb-ingress-controller.yaml");
    assert_eq!(first["start"]["line"], 9);

    let clean = kubectl(&["realip-lint", "-f", "examples/nodes.yaml"], &path);
    assert_eq!(clean.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&clean.stdout).contains("0 errors, 0 warnings"));

    let missing = kubectl(&["realip-lint", "-f", "examples/nodes.yaml", "-f", "no/such/file.yaml"], &path);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does not exist"));
    assert!(String::from_utf8_lossy(&missing.stdout).contains("in 1 file"), "the rest is still linted");

    let version = kubectl(&["realip-lint", "--version"], &path);
    assert!(String::from_utf8_lossy(&version.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn kubectl_plugin_list_shows_the_plugin() {
    let (dir, path) = plugin_path();
    let out = kubectl(&["plugin", "list"], &path);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains(&dir.path().join("kubectl-realip_lint").display().to_string()),
        "{listed}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
