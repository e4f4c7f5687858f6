//! The plugin binary as users run it: inputs with kubectl's `-f`/`-R`/`-n` semantics, stdin,
//! pipes, output formats, exit codes, `rules`, `explain`, `--version`.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{BIN, json, repo};

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    common::run_in(&repo(), args, stdin)
}

const NODEPORT: &str =
    "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  selector: {app: web}\n";

#[test]
fn stdin_is_named_by_stdin_filename_and_namespace_defaults() {
    let out = run(&["-f", "-", "--stdin-filename", "deploy/web.yaml", "-n", "shop", "-o", "json"], Some(NODEPORT));
    assert_eq!(out.status.code(), Some(0), "an info is below the default fail level");
    let r = json(&out);
    let d = &r["diagnostics"][0];
    assert_eq!(d["file"], "deploy/web.yaml");
    assert_eq!(d["rule"], "external-service-cluster-policy");
    assert_eq!(d["severity"], "info");
    assert_eq!(d["start"], serde_json::json!({"line": 5, "column": 9, "offset": 65}));
    assert_eq!(d["end"], serde_json::json!({"line": 5, "column": 17, "offset": 73}));
    assert_eq!(
        d["object"],
        serde_json::json!({"apiVersion": "v1", "kind": "Service", "namespace": "shop", "name": "web"})
    );
    assert_eq!(
        d["url"],
        "https://github.com/realip-lint/realip-lint/blob/main/docs/rules.md#external-service-cluster-policy"
    );
    assert_eq!(
        r["summary"],
        serde_json::json!({"files": 1, "objects": 1, "skipped": 0, "error": 0, "warning": 0, "info": 1})
    );
    let plain = run(&["-f", "-"], Some(NODEPORT));
    assert!(String::from_utf8_lossy(&plain.stdout).contains("<stdin>:5:9"));
}

#[test]
fn fail_on_sets_the_exit_code() {
    assert_eq!(run(&["-f", "-", "--fail-on", "info"], Some(NODEPORT)).status.code(), Some(1));
    assert_eq!(run(&["-f", "examples/", "--fail-on", "never"], None).status.code(), Some(0));
    assert_eq!(run(&["-f", "examples/", "--fail-on", "error"], None).status.code(), Some(1));
    assert_eq!(run(&["-f", "examples/nodeport-local.yaml", "--fail-on", "error"], None).status.code(), Some(0));
}

#[test]
fn usage_errors_exit_2_after_linting_the_rest() {
    let bad_flag = run(&["-f", "examples/", "--no-such-flag"], None);
    assert_eq!(bad_flag.status.code(), Some(2));
    let missing = run(&["-f", "examples/nodeport-local.yaml", "-f", "missing.yaml", "-o", "json"], None);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(json(&missing)["summary"]["files"], 1, "usage errors never go into the JSON");
    assert!(String::from_utf8_lossy(&missing.stderr).contains("the path \"missing.yaml\" does not exist"));
    assert_eq!(run(&[], None).status.code(), Some(2));
    let unknown = run(&["explain", "no-such-rule"], None);
    assert_eq!(unknown.status.code(), Some(2));
    let typo = run(&["explain", "pdb-block-drain"], None);
    assert_eq!(typo.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&typo.stderr),
        "error: unknown rule `pdb-block-drain`; did you mean `pdb-blocks-drain`? `kubectl realip-lint rules` lists them\n"
    );
}

#[test]
fn directories_follow_kubectl_semantics() {
    let dir = std::env::temp_dir().join(format!("realip-walk-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("a.yaml"), NODEPORT).unwrap();
    std::fs::write(dir.join("b.txt"), NODEPORT).unwrap();
    std::fs::write(dir.join("sub/c.yml"), NODEPORT.replace("web", "api")).unwrap();
    std::fs::write(
        dir.join("sub/d.json"),
        r#"{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "j"}, "spec": {"type": "NodePort"}}"#,
    )
    .unwrap();
    let d = dir.display().to_string();
    let flat = json(&run(&["-f", &d, "-o", "json"], None));
    assert_eq!(
        flat["summary"]["files"], 1,
        "a directory gives its .yaml/.yml/.json files, not others, not subdirectories"
    );
    let deep = json(&run(&["-f", &d, "-R", "-o", "json"], None));
    assert_eq!(deep["summary"]["files"], 3);
    let files: Vec<String> =
        deep["diagnostics"].as_array().unwrap().iter().map(|x| x["file"].as_str().unwrap().to_owned()).collect();
    assert!(files.contains(&format!("{d}/sub/d.json")), "{files:?}");
    let explicit = json(&run(&["-f", &format!("{d}/b.txt"), "-o", "json"], None));
    assert_eq!(explicit["summary"]["objects"], 1, "a file given by name is read whatever its extension");
    let comma = json(&run(&["-f", &format!("{d}/a.yaml,{d}/sub/c.yml"), "-o", "json"], None));
    assert_eq!(comma["summary"]["files"], 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn files_can_be_given_as_arguments_as_pre_commit_passes_them() {
    let out = run(
        &["examples/nodeport-local.yaml", "-o", "json", "examples/nodes.yaml", "-f", "examples/nodeport-cluster.yaml"],
        None,
    );
    let r = json(&out);
    assert_eq!(r["summary"]["files"], 3);
    let first: Vec<&str> = r["diagnostics"].as_array().unwrap().iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert!(first.contains(&"examples/nodeport-local.yaml") && first.contains(&"examples/nodeport-cluster.yaml"));
    assert_eq!(run(&["examples/missing.yaml"], None).status.code(), Some(2));
}

#[test]
fn a_pipe_is_read_like_a_file() {
    // What `-f <(helm template …)` hands over: a FIFO path.
    let fifo = std::env::temp_dir().join(format!("realip-fifo-{}", std::process::id()));
    let _ = std::fs::remove_file(&fifo);
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let path = fifo.clone();
    let writer = std::thread::spawn(move || std::fs::write(&path, NODEPORT).unwrap());
    let out = run(&["-f", &fifo.display().to_string(), "-o", "json"], None);
    writer.join().unwrap();
    std::fs::remove_file(&fifo).unwrap();
    assert_eq!(json(&out)["summary"]["objects"], 1);
}

#[test]
fn rules_and_explain_and_version() {
    let list = run(&["rules", "-o", "json"], None);
    assert_eq!(list.status.code(), Some(0));
    let rules = json(&list);
    let names: Vec<&str> = rules.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"local-policy-without-spread") && names.contains(&"invalid-manifest"));
    assert!(rules.as_array().unwrap().iter().all(|r| r["severity"].is_string() && r["summary"].is_string()));
    let human = String::from_utf8(run(&["rules"], None).stdout).unwrap();
    assert!(human.lines().any(|l| l.starts_with("ingress-controller-cluster-policy") && l.contains("warning")));
    let explain = String::from_utf8(run(&["explain", "local-policy-without-spread"], None).stdout).unwrap();
    assert!(explain.starts_with("# local-policy-without-spread (warning)"));
    assert!(explain.contains("## Why is this bad?") && explain.contains("topologySpreadConstraints"));
    let version = String::from_utf8(run(&["--version"], None).stdout).unwrap();
    assert!(version.contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn a_bom_counts_in_offsets_not_in_columns() {
    let text = format!("\u{feff}{NODEPORT}");
    let r = json(&run(&["-f", "-", "-o", "json"], Some(&text)));
    let d = &r["diagnostics"][0];
    assert_eq!(d["start"]["line"], 5);
    assert_eq!(d["start"]["column"], 9);
    assert_eq!(d["start"]["offset"], 68);
}

#[test]
fn human_output_has_no_colour_off_a_terminal() {
    let out = run(&["-f", "examples/nodeport-local.yaml"], None);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "no escape codes when stdout is not a terminal");
    assert!(text.contains("examples/nodeport-local.yaml:23:13"));
    assert!(text.contains("local-policy-without-spread"));
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).output().unwrap()
}

const ANTI: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 4\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}\n      containers: [{name: web, image: nginx}]\n";

#[test]
fn the_config_file_is_found_upward_and_flags_win_over_it() {
    let root = std::env::temp_dir().join(format!("realip-config-{}", std::process::id()));
    let deploy = root.join("deploy");
    std::fs::create_dir_all(deploy.join("vendor")).unwrap();
    std::fs::create_dir_all(root.join("charts")).unwrap();
    std::fs::write(
        root.join(".realip-lint.yaml"),
        "nodes: 3\nfail-on: error\nrules:\n  external-service-cluster-policy: warning\nexclude: [\"charts/**\", vendor]\nexempt:\n  - {kind: Service, name: legacy, rules: [external-service-cluster-policy]}\n",
    )
    .unwrap();
    std::fs::write(deploy.join("web.yaml"), ANTI).unwrap();
    std::fs::write(
        deploy.join("svc.yaml"),
        NODEPORT.to_owned() + "---\n" + &NODEPORT.replace("name: web", "name: legacy"),
    )
    .unwrap();
    std::fs::write(deploy.join("vendor/x.yaml"), NODEPORT.replace("name: web", "name: vendored")).unwrap();
    std::fs::write(root.join("charts/y.yaml"), NODEPORT.replace("name: web", "name: charted")).unwrap();

    // From a subdirectory: the config above applies (nodes 3 → the 4 replicas are an error).
    let out = run_in(&deploy, &["-f", ".", "-R", "-f", "../charts", "-o", "json"]);
    let r = json(&out);
    let rules: Vec<(&str, &str)> = r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    assert!(rules.contains(&("hard-anti-affinity-replicas-exceed-nodes", "error")), "{rules:?}");
    assert!(rules.contains(&("external-service-cluster-policy", "warning")), "severity from the config: {rules:?}");
    assert_eq!(
        rules.iter().filter(|(r, _)| *r == "external-service-cluster-policy").count(),
        1,
        "legacy is exempt, vendor/ and charts/ excluded: {rules:?}"
    );
    assert_eq!(r["summary"]["files"], 2);
    assert_eq!(out.status.code(), Some(1), "fail-on: error from the config, and there is an error");

    // Flags win: more nodes than replicas, and a fail level above what is found.
    let out = run_in(&deploy, &["-f", ".", "--nodes", "5", "--fail-on", "never", "-o", "json"]);
    let r = json(&out);
    assert!(
        !r["diagnostics"].as_array().unwrap().iter().any(|d| d["rule"] == "hard-anti-affinity-replicas-exceed-nodes")
    );
    assert_eq!(out.status.code(), Some(0));

    // A bad config is a usage error at its exact place, with the closest name; the run stops
    // before the report (a report made without the user's settings would mislead, or in CI be
    // uploaded), in every format.
    std::fs::write(
        root.join("bad.yaml"),
        "nodes: 3\nrulez: {}\nrules:\n  no-such-rule: off\n  pdb-block-drain: off\nexempt:\n  - {kind: Service, name: x, rules: [duplicate-objects]}\n",
    )
    .unwrap();
    for format in ["json", "human", "sarif", "github", "concise"] {
        let out = run_in(&deploy, &["-f", "web.yaml", "--config", "../bad.yaml", "-o", format]);
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty(), "no report after a bad config (-o {format})");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("../bad.yaml:2:1: unknown setting `rulez`"), "{err}");
        assert!(err.contains("; did you mean `rules`?"), "{err}");
        assert!(
            err.contains("../bad.yaml:4:3: unknown rule `no-such-rule` (`kubectl realip-lint rules` lists them)\n"),
            "nothing close: {err}"
        );
        assert!(err.contains("../bad.yaml:5:3: unknown rule `pdb-block-drain` (`kubectl realip-lint rules` lists them); did you mean `pdb-blocks-drain`?"), "{err}");
        assert!(
            err.contains("../bad.yaml:7:38: unknown rule `duplicate-objects`")
                && err.contains("did you mean `duplicate-object`?"),
            "{err}"
        );
    }
    std::fs::remove_dir_all(&root).unwrap();
}

fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).envs(env.iter().copied()).output().unwrap()
}

fn rule_objects(out: &Output) -> Vec<String> {
    json(out)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {}", d["rule"].as_str().unwrap(), d["object"]["name"].as_str().unwrap()))
        .collect()
}

#[test]
fn a_baseline_hides_known_findings_across_line_shifts_until_they_expire() {
    let root = std::env::temp_dir().join(format!("realip-baseline-{}", std::process::id()));
    let deploy = root.join("deploy");
    std::fs::create_dir_all(&deploy).unwrap();
    let svc = format!("{NODEPORT}---\n{}", NODEPORT.replace("name: web", "name: api"));
    std::fs::write(deploy.join("svc.yaml"), &svc).unwrap();
    std::fs::write(deploy.join("web.yaml"), ANTI).unwrap();
    let args = ["-f", "deploy", "--nodes", "3", "--baseline", "ci/baseline.yaml", "-o", "json"];
    std::fs::create_dir_all(root.join("ci")).unwrap();

    // No baseline yet: it is written with every finding, the run passes, one line says so.
    let out = run_in(&root, &args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(rule_objects(&out).is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("note: wrote ci/baseline.yaml with 4 findings"), "{err}");
    let written = std::fs::read_to_string(root.join("ci/baseline.yaml")).unwrap();
    assert!(written.contains("  - file: \"../deploy/svc.yaml\"\n    object: \"Service default/api\"\n"), "{written}");
    assert!(
        !written.lines().any(|l| l.trim_start().starts_with("line:")),
        "keyed on the path, never the line: {written}"
    );

    // Lines inserted above every object, and a new finding: only the new one is reported.
    std::fs::write(deploy.join("svc.yaml"), format!("# moved down\n\n{svc}")).unwrap();
    std::fs::write(
        deploy.join("web.yaml"),
        format!("# a comment\n{}", ANTI.replace("spec:\n  replicas", "spec:\n  # four\n  replicas")),
    )
    .unwrap();
    std::fs::write(deploy.join("new.yaml"), NODEPORT.replace("name: web", "name: new")).unwrap();
    let out = run_in(&root, &args);
    assert_eq!(rule_objects(&out), ["external-service-cluster-policy new"]);
    assert_eq!(json(&out)["summary"]["info"], 1, "the summary counts what is reported");
    assert_eq!(out.status.code(), Some(0), "an info is below the fail level");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "note: 4 findings hidden by the baseline ci/baseline.yaml\n");
    // From another working directory, the entries still match (paths relative to the baseline).
    let out = run_in(&deploy, &["-f", ".", "--nodes", "3", "--baseline", "../ci/baseline.yaml", "-o", "json"]);
    assert_eq!(rule_objects(&out), ["external-service-cluster-policy new"]);

    // Multiplicity: two equal findings need two entries. Drop one of web's two entries.
    let mut entries: Vec<&str> = written.split("\n  # ").collect();
    let web_entry = entries.iter().position(|e| e.contains("hard-anti-affinity")).unwrap();
    let dropped = entries.remove(web_entry);
    std::fs::write(root.join("ci/baseline.yaml"), entries.join("\n  # ")).unwrap();
    let out = run_in(&root, &args);
    assert_eq!(rule_objects(&out).len(), 2, "the new one and the one no longer listed: {:?}", rule_objects(&out));
    assert!(dropped.contains("object: \"Deployment default/web\""));

    // An entry past its date no longer hides its finding, and the run says so.
    let dated = written.replacen(
        "    object: \"Service default/api\"\n    rule: \"external-service-cluster-policy\"\n    path: \"spec.type\"\n",
        "    object: \"Service default/api\"\n    rule: \"external-service-cluster-policy\"\n    path: \"spec.type\"\n    expires: 2026-06-30\n",
        1,
    );
    assert_ne!(dated, written);
    std::fs::write(root.join("ci/baseline.yaml"), &dated).unwrap();
    let on_the_day = run_env(&root, &args, &[("REALIP_LINT_TODAY", "2026-06-30")]);
    assert_eq!(rule_objects(&on_the_day), ["external-service-cluster-policy new"], "valid through its date");
    let later = run_env(&root, &args, &[("REALIP_LINT_TODAY", "2026-07-01")]);
    assert_eq!(rule_objects(&later), ["external-service-cluster-policy new", "external-service-cluster-policy api"]);
    let err = String::from_utf8_lossy(&later.stderr);
    assert!(
        err.contains(": the baseline entry for `external-service-cluster-policy` on Service default/api expired on 2026-06-30: its finding is reported again"),
        "{err}"
    );

    // --update-baseline rewrites it with every current finding, keeping the dates.
    let mut update = args.to_vec();
    update.push("--update-baseline");
    let out = run_env(&root, &update, &[("REALIP_LINT_TODAY", "2026-07-01")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(rule_objects(&out).is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("note: rewrote ci/baseline.yaml with 5 findings"));
    let rewritten = std::fs::read_to_string(root.join("ci/baseline.yaml")).unwrap();
    assert!(
        rewritten.contains("object: \"Service default/new\"") && rewritten.contains("expires: 2026-06-30"),
        "{rewritten}"
    );

    // A malformed baseline is a usage error at its exact place, before any report.
    std::fs::write(
        root.join("ci/baseline.yaml"),
        "version: 1\nfindings:\n  - {file: a.yaml, rule: x, expires: soon}\n",
    )
    .unwrap();
    let out = run_in(&root, &args);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: ci/baseline.yaml:3:38: `expires: soon` is not a date written YYYY-MM-DD\n"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn an_unknown_node_count_is_said_once_where_a_check_needed_it() {
    let alone = run(&["-f", "examples/lb-local-anti-affinity.yaml"], None);
    let human = String::from_utf8_lossy(&alone.stdout);
    assert_eq!(human.matches("note[node-count-unknown]").count(), 1, "{human}");
    assert!(human.contains("`--nodes N`, or `nodes: N` in `.realip-lint.yaml`, or add the"), "{human}");
    assert!(
        human.contains("`hard-anti-affinity-replicas-exceed-nodes` and `rollout-deadlock-one-per-node`"),
        "{human}"
    );
    assert!(
        human.ends_with("\n\n0 errors, 0 warnings, 0 infos in 1 file (2 objects read, 0 skipped as not manifests)\n"),
        "{human}"
    );
    let r = json(&run(&["-f", "examples/lb-local-anti-affinity.yaml", "-o", "json"], None));
    assert_eq!(r["notices"].as_array().unwrap().len(), 1);
    assert_eq!(r["notices"][0]["id"], "node-count-unknown");
    assert!(r["notices"][0]["help"].as_str().unwrap().contains("--nodes N"));
    let concise =
        String::from_utf8(run(&["-f", "examples/lb-local-anti-affinity.yaml", "-o", "concise"], None).stdout).unwrap();
    assert!(concise.starts_with("note[node-count-unknown]: the number of eligible nodes is unknown"), "{concise}");
    let github =
        String::from_utf8(run(&["-f", "examples/lb-local-anti-affinity.yaml", "-o", "github"], None).stdout).unwrap();
    assert!(github.starts_with("::notice title=realip-lint%3A node-count-unknown::"), "{github}");
    // Settled by the flag or by Node objects; and never said where no check needed the count.
    for args in [
        &["-f", "examples/lb-local-anti-affinity.yaml", "--nodes", "3", "-o", "json"][..],
        &["-f", "examples/lb-local-anti-affinity.yaml", "-f", "examples/nodes.yaml", "-o", "json"],
        &["-f", "examples/nodeport-local.yaml", "-f", "examples/lb-ingress-controller.yaml", "-o", "json"],
    ] {
        let r = json(&run(args, None));
        assert!(r.get("notices").is_none(), "{args:?}: {r}");
    }
}

#[test]
fn concise_is_one_line_per_finding() {
    let out = run(&["-f", "examples/", "-o", "concise"], None);
    let json_out = json(&run(&["-f", "examples/", "-o", "json"], None));
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let diagnostics = json_out["diagnostics"].as_array().unwrap();
    assert_eq!(lines.len(), diagnostics.len() + 1, "one line each, then the summary: {text}");
    for (line, d) in lines.iter().zip(diagnostics) {
        let expected = format!(
            "{}:{}:{}: {} {}: {}",
            d["file"].as_str().unwrap(),
            d["start"]["line"],
            d["start"]["column"],
            d["severity"].as_str().unwrap(),
            d["rule"].as_str().unwrap(),
            d["message"].as_str().unwrap()
        );
        assert_eq!(*line, expected);
    }
    assert_eq!(
        lines.last().unwrap(),
        &"2 errors, 4 warnings, 1 info in 5 files (12 objects read, 0 skipped as not manifests)"
    );
    // The system pre-commit hook's entry says `-o concise`; a user's `-o json` after it wins.
    let last_wins = run(&["-o", "concise", "-f", "examples/", "-o", "json"], None);
    assert_eq!(json(&last_wins), json_out);
}
