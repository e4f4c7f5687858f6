//! Runs over a repository as teams keep one: environments linted apart (so a parent folder loses
//! no finding of an environment), directory walks that honour `.gitignore` and skip dependency
//! folders, and files that are not manifests (JSON with comments) left alone.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{BIN, Dir, json};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).output().unwrap()
}

fn rules(report: &serde_json::Value) -> Vec<(String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["file"].as_str().unwrap().to_owned(), d["rule"].as_str().unwrap().to_owned()))
        .collect()
}

const SERVICE_LOCAL: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  selector: {app: web}\n  ports: [{port: 80}]\n";
const SERVICE_CLUSTER: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: ClusterIP\n  selector: {app: web}\n  ports: [{port: 80}]\n";

fn deployment(replicas: u32, spread: bool) -> String {
    let spread = if spread {
        "      topologySpreadConstraints:\n      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}\n"
    } else {
        ""
    };
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n{spread}      containers: [{{name: web, image: nginx}}]\n"
    )
}

#[test]
fn a_parent_folder_reports_every_finding_of_each_environment() {
    let d = Dir::new("realip-envs");
    // dev forgot the spread; prod has it. Both define the same objects.
    d.file("envs/dev/service.yaml", SERVICE_LOCAL);
    d.file("envs/dev/deployment.yaml", deployment(3, false));
    d.file("envs/prod/service.yaml", SERVICE_LOCAL);
    d.file("envs/prod/deployment.yaml", deployment(3, true));
    let dev = json(&run(d.path(), &["-f", "envs/dev", "-R", "-o", "json"]));
    let dev_rules = rules(&dev);
    assert!(
        dev_rules.contains(&("envs/dev/deployment.yaml".into(), "local-policy-without-spread".into())),
        "{dev_rules:?}"
    );
    let out = run(d.path(), &["-f", "envs", "-R", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1), "the dev warning fails the run");
    let all = json(&out);
    for diag in dev["diagnostics"].as_array().unwrap() {
        assert!(all["diagnostics"].as_array().unwrap().contains(diag), "lost: {diag}");
    }
    let all_rules = rules(&all);
    assert!(!all_rules.iter().any(|(_, r)| r == "duplicate-object"), "environments are not duplicates: {all_rules:?}");
    // The same from the repository's root, and whatever the thread count.
    let root = json(&run(d.path(), &["-f", ".", "-R", "-o", "json", "--threads", "1"]));
    assert_eq!(rules(&root).len(), all_rules.len(), "{:?}", rules(&root));
}

#[test]
fn a_service_never_selects_a_workload_of_another_environment() {
    let d = Dir::new("realip-envs-link");
    // dev: a ClusterIP Service over 3 unspread pods (nothing to say). prod: the same Service made
    // `Local`, and no Deployment of its own. Linked together, prod's Service would select dev's pods.
    d.file("envs/dev/service.yaml", SERVICE_CLUSTER);
    d.file("envs/dev/deployment.yaml", deployment(3, false));
    d.file("envs/prod/service.yaml", SERVICE_LOCAL);
    let all = json(&run(d.path(), &["-f", "envs", "-R", "-o", "json"]));
    let all_rules = rules(&all);
    assert!(!all_rules.iter().any(|(_, r)| r == "local-policy-without-spread"), "{all_rules:?}");
    // Two files of one folder are one world: there the later copy wins, and says so.
    d.file("one/a.yaml", SERVICE_CLUSTER);
    d.file("one/b.yaml", SERVICE_LOCAL);
    d.file("one/c.yaml", deployment(3, false));
    let one = rules(&json(&run(d.path(), &["-f", "one", "-o", "json"])));
    assert!(one.contains(&("one/b.yaml".into(), "duplicate-object".into())), "{one:?}");
    assert!(one.contains(&("one/c.yaml".into(), "local-policy-without-spread".into())), "{one:?}");
}

#[test]
fn directory_walks_honour_gitignore_and_skip_dependency_folders() {
    let d = Dir::new("realip-ignore");
    let broken = "apiVersion: v1\nkind: Service\nmetadata: {name: x\n";
    d.file(".gitignore", "generated/\n*.out.yaml\n");
    d.file("deploy/ok.yaml", SERVICE_CLUSTER);
    d.file("deploy/generated/bad.yaml", broken);
    d.file("deploy/x.out.yaml", broken);
    d.file("node_modules/pkg/bad.yaml", broken);
    d.file("target/bad.yaml", broken);
    d.file(".venv/lib/bad.yaml", broken);
    let out = run(d.path(), &["-f", ".", "-R", "-o", "json"]);
    let report = json(&out);
    assert_eq!(report["summary"]["files"], 1, "{report}");
    assert_eq!(out.status.code(), Some(0));
    // `--no-ignore` walks everything.
    let out = run(d.path(), &["-f", ".", "-R", "-o", "json", "--no-ignore"]);
    let files: Vec<String> = rules(&json(&out)).into_iter().map(|(f, _)| f).collect();
    for f in ["deploy/generated/bad.yaml", "deploy/x.out.yaml", "node_modules/pkg/bad.yaml", "target/bad.yaml"] {
        assert!(files.iter().any(|x| x == f), "{f} not linted with --no-ignore: {files:?}");
    }
    assert_eq!(out.status.code(), Some(1));
    // A file named on the command line is read even when ignored.
    let out = run(d.path(), &["-f", "deploy/x.out.yaml", "-o", "json"]);
    assert_eq!(rules(&json(&out)), vec![("deploy/x.out.yaml".to_owned(), "invalid-manifest".to_owned())]);
}

#[test]
fn files_that_are_not_manifests_stay_quiet_and_broken_manifests_do_not() {
    let d = Dir::new("realip-jsonc");
    // The stock devcontainer: JSON with comments.
    d.file(
        ".devcontainer/devcontainer.json",
        "// For format details, see https://aka.ms/devcontainer.json.\n{\n  \"name\": \"Rust\",\n  \"image\": \"mcr.microsoft.com/devcontainers/rust:1\", // the image\n  /* features */\n  \"features\": {}\n}\n",
    );
    d.file(".vscode/settings.json", "{\n  // comment\n  \"editor.formatOnSave\": true,\n}\n");
    let out = run(d.path(), &["-f", ".", "-R", "-o", "json"]);
    let report = json(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert_eq!(report["diagnostics"], serde_json::json!([]));
    assert_eq!(report["summary"]["skipped"], 2);
    // A broken JSON manifest names `kind`: still an error, at its place.
    d.file("svc.json", "{\n  \"apiVersion\": \"v1\",\n  // a comment kubectl refuses\n  \"kind\": \"Service\"\n}\n");
    let out = run(d.path(), &["-f", "svc.json", "-o", "json"]);
    let report = json(&out);
    assert_eq!(out.status.code(), Some(1));
    let diag = &report["diagnostics"][0];
    // YAML reads the comment into a key of the flow mapping, so `kind` is gone, as for kubectl.
    assert_eq!((diag["rule"].as_str(), diag["start"]["line"].as_u64()), (Some("invalid-manifest"), Some(2)), "{diag}");
    assert_eq!(diag["message"], "the document has an `apiVersion` but no `kind`");
}

/// `cargo install --locked --path plugin` installs what the plugin package builds as binaries:
/// exactly `kubectl-realip_lint` (the bench driver is a crate of its own).
#[test]
fn the_plugin_package_builds_one_binary() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--no-deps", "--locked", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let plugin = meta["packages"].as_array().unwrap().iter().find(|p| p["name"] == "kubectl-realip-lint").unwrap();
    let bins: Vec<&str> = plugin["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"].as_array().unwrap().iter().any(|k| k == "bin"))
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(bins, ["kubectl-realip_lint"]);
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).unwrap();
    assert!(readme.contains("cargo install --locked --path plugin"), "the README's install command");
}
