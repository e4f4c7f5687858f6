//! Native vs Wasm parity: every fixture, every example, every project folder of
//! `../shared/corpus/real` (or `$REALIP_CORPUS`), the Helm templates of the corpus, and a few
//! cases made to be awkward (BOM, CRLF, bytes that are not UTF-8, a chart on disk, a config file
//! with every setting, a bad config, a missing path) go through the native binary
//! (`kubectl-realip_lint -o json`) and through the Node runner over the committed, optimised Wasm
//! module (`tests/parity.js`, which also calls the module's `lint()` directly). Standard output
//! must be the same bytes, and so must standard error and the exit code; `trace -o json` must be
//! what the module's `trace()` returns. `-o concise` (the hook's default) is compared too: the
//! two hooks print the same lines.
//!
//! The binary is given directories as a user gives them (`-f dir -R`); the runner, which lints
//! files (what pre-commit passes), gets the files the binary's walk finds, under the same names.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{BIN, corpus, repo};
use realip_lint_plugin::walk::read_inputs;

/// One comparison: the binary's arguments and the runner's.
struct Unit {
    label: String,
    cli: Vec<String>,
    node: Vec<String>,
    /// Standard input, for `-f -`.
    stdin: Vec<u8>,
    /// Also compare `--diff --unsafe-fixes` with the module's `fix()`.
    fix: bool,
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|&a| a.to_owned()).collect()
}

/// The files the binary reads for `given` (with `-R`), under the names it reports them by.
fn walked(given: &str, recursive: bool) -> Vec<String> {
    let inputs = read_inputs(&[given.to_owned()], recursive, None);
    assert!(inputs.errors.is_empty(), "{given}: {:?}", inputs.errors);
    inputs.sources.into_iter().map(|s| s.name).collect()
}

/// A directory as a user lints it: `-f dir -R` for the binary, its files for the runner.
fn dir_unit(label: &str, dir: &str, recursive: bool, options: &[String]) -> Unit {
    let mut cli = s(&["-f", dir]);
    if recursive {
        cli.push("-R".into());
    }
    cli.extend(options.iter().cloned());
    cli.extend(s(&["-o", "json"]));
    let mut node = walked(dir, recursive);
    assert!(!node.is_empty(), "{label}: no files in {dir}");
    node.extend(options.iter().cloned());
    node.extend(s(&["-o", "json"]));
    Unit { label: label.to_owned(), cli, node, stdin: Vec::new(), fix: false }
}

/// A unit made with `-o json`, asking for `-o concise` instead.
fn concise(unit: Unit) -> Unit {
    output(unit, "concise")
}

/// A unit made with `-o json`, asking for another format.
fn output(mut unit: Unit, format: &str) -> Unit {
    for args in [&mut unit.cli, &mut unit.node] {
        let last = args.last_mut().expect("`-o json` ends a unit");
        assert_eq!(last, "json");
        *last = format.into();
    }
    unit
}

/// The same arguments for both.
fn same(label: &str, args: &[String]) -> Unit {
    Unit { label: label.to_owned(), cli: args.to_vec(), node: args.to_vec(), stdin: Vec::new(), fix: false }
}

fn fixture_units(units: &mut Vec<Unit>) -> usize {
    let root = "crates/realip-lint-core/tests/fixtures";
    let mut rules: Vec<PathBuf> = std::fs::read_dir(repo().join(root)).unwrap().map(|e| e.unwrap().path()).collect();
    rules.sort();
    let mut n = 0;
    for rule in rules.iter().filter(|p| p.is_dir()) {
        let mut cases: Vec<PathBuf> = std::fs::read_dir(rule)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"))
            .collect();
        cases.sort();
        for case in cases {
            let rel = case.strip_prefix(repo()).unwrap().display().to_string();
            // `# args: --nodes 3` on a fixture's first line: the options its snapshot is made with.
            let first_file = if case.is_dir() { repo().join(&walked(&rel, true)[0]) } else { case.clone() };
            let first = std::fs::read_to_string(first_file).unwrap();
            let options: Vec<String> = first
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("# args:"))
                .map(|a| a.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default();
            let mut unit = if case.is_dir() {
                dir_unit(&rel, &rel, true, &options)
            } else {
                let mut args = s(&["-f", &rel, "-o", "json"]);
                args.extend(options);
                same(&rel, &args)
            };
            unit.fix = true;
            units.push(unit);
            n += 1;
        }
    }
    n
}

/// Inputs made to be awkward, and config files, in a temporary folder.
fn made_units(units: &mut Vec<Unit>, dir: &Path) {
    let nodeport = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    note: \"é🚀\"\n    realip-lint.io/client-ip: required\nspec:\n  type: NodePort\n  selector: {app: web}\n";
    std::fs::create_dir_all(dir.join("web/templates")).unwrap();
    std::fs::create_dir_all(dir.join("vendor")).unwrap();
    std::fs::write(dir.join("bom.yaml"), format!("\u{feff}{nodeport}")).unwrap();
    std::fs::write(dir.join("crlf.yaml"), nodeport.replace("web", "crlf").replace('\n', "\r\n")).unwrap();
    let mut bytes = b"# caf\xe9 \xf0\x9f\x98 \xed\xa0\x80 \xc0\xaf \xff\xfe\n".to_vec();
    bytes.extend_from_slice(nodeport.replace("web", "latin").replace("\"\u{e9}", "\"\u{e9}\u{fffd}").as_bytes());
    bytes.extend_from_slice(b"---\nkind: \xe9\n");
    std::fs::write(dir.join("not-utf8.yaml"), bytes).unwrap();
    std::fs::write(dir.join("utf16.yaml"), b"\xff\xfek\x00i\x00n\x00d\x00").unwrap();
    std::fs::write(dir.join("binary.json"), b"{\"a\": \"\x00\x01\x9f\"}").unwrap();
    std::fs::write(dir.join("big.yaml"), nodeport.replace("name: web", "name: big").repeat(40)).unwrap();
    std::fs::write(dir.join("web/Chart.yaml"), "apiVersion: v2\nname: web\nversion: 0.1.0\n").unwrap();
    std::fs::write(dir.join("web/templates/svc.yaml"), "kind: Service\nmetadata: {name: {{ .Release.Name }}}\n")
        .unwrap();
    std::fs::write(dir.join("vendor/svc.yaml"), nodeport.replace("name: web", "name: vendored")).unwrap();
    std::fs::write(
        dir.join("list.json"),
        r#"{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "j", "namespace": "x"}, "spec": {"type": "LoadBalancer", "externalTrafficPolicy": "local"}}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("config.yaml"),
        "nodes: 2\nfail-on: error\ndataplane: kube-proxy\ncloud: aws\nrules:\n  external-service-cluster-policy: warning\n  duplicate-object: off\nexclude: [\"vendor/**\"]\nexempt:\n  - {kind: Service, name: crlf, rules: [external-service-cluster-policy]}\nlimits: {file-bytes: 4000}\n",
    )
    .unwrap();
    std::fs::write(dir.join("bad-config.yaml"), "nodes: 0\nrulez: {}\nrules:\n  no-such-rule: off\n").unwrap();
    let d = dir.display().to_string();
    let config = format!("{d}/config.yaml");
    units.push(dir_unit("made inputs", &d, true, &[]));
    units.push(dir_unit("made inputs, nodes and namespace", &d, true, &s(&["--nodes", "1", "-n", "shop"])));
    units.push(dir_unit("made inputs, a config with every setting", &d, true, &s(&["--config", &config])));
    units.push(dir_unit(
        "made inputs, flags win over the config",
        &d,
        true,
        &s(&["--config", &config, "--nodes", "7", "--fail-on", "never"]),
    ));
    units.push(same(
        "a bad config: exit 2, errors on stderr",
        &s(&["-f", &format!("{d}/bom.yaml"), "--config", &format!("{d}/bad-config.yaml"), "-o", "json"]),
    ));
    units.push(same(
        "a bad config, concise: exit 2, errors on stderr",
        &s(&["-f", &format!("{d}/bom.yaml"), "--config", &format!("{d}/bad-config.yaml"), "-o", "concise"]),
    ));
    units.push(concise(dir_unit("made inputs -o concise", &d, true, &s(&["--config", &config]))));
    let mut big_stdin = same("standard input over the size limit", &s(&["-f", "-", "--config", &config, "-o", "json"]));
    big_stdin.stdin = nodeport.repeat(40).into_bytes();
    units.push(big_stdin);
    let mut small_stdin =
        same("standard input, named", &s(&["-f", "-", "--stdin-filename", "deploy/std.yaml", "-o", "json"]));
    small_stdin.stdin = format!("\u{feff}{nodeport}").into_bytes();
    units.push(small_stdin);
    units.push(same(
        "a missing path: exit 2 after the rest",
        &s(&["-f", &format!("{d}/crlf.yaml"), "-f", &format!("{d}/missing.yaml"), "-o", "json"]),
    ));
}

fn run_cli(args: &[String], stdin: &[u8]) -> (String, String, i32) {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin); // the binary may stop reading at its size limit
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap(), out.status.code().unwrap_or(-1))
}

/// The runner's stdout, stderr and exit code, the module's `trace()` (when there was no usage
/// error), and for a unit with `fix`, the module's `fix()` in unsafe mode: the diffs, and how
/// many findings it fixed.
type NodeResult = (String, String, i32, Option<String>, Option<(String, u64)>);

fn run_node(units: &[Unit]) -> Vec<NodeResult> {
    let jobs: Vec<serde_json::Value> =
        units.iter().map(|u| serde_json::json!({"argv": u.node, "stdin": u.stdin, "fix": u.fix})).collect();
    let mut child = Command::new("node")
        .arg("tests/parity.js")
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node is required (the Wasm module runs in Node): install Node 18.3 or later");
    let input = serde_json::to_vec(&jobs).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "tests/parity.js failed");
    let results: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    results
        .iter()
        .map(|r| {
            (
                r["stdout"].as_str().unwrap().to_owned(),
                r["stderr"].as_str().unwrap().to_owned(),
                i32::try_from(r["code"].as_i64().unwrap()).unwrap(),
                r["trace"].as_str().map(str::to_owned),
                r["fix"].as_object().map(|f| (f["diff"].as_str().unwrap().to_owned(), f["count"].as_u64().unwrap())),
            )
        })
        .collect()
}

/// The first line where two texts differ, for the failure message.
fn first_difference(a: &str, b: &str) -> String {
    let (mut la, mut lb) = (a.lines(), b.lines());
    for n in 1.. {
        match (la.next(), lb.next()) {
            (None, None) => return "only in line endings".into(),
            (x, y) if x != y => return format!("line {n}:\n  native: {x:?}\n  wasm:   {y:?}"),
            _ => {}
        }
    }
    unreachable!()
}

#[test]
fn native_and_wasm_give_the_same_bytes() {
    // Both faces and the walk that lists the runner's files resolve relative paths from here.
    std::env::set_current_dir(repo()).unwrap();
    let tmp = std::env::temp_dir().join(format!("realip-parity-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let mut units = Vec::new();

    let fixtures = fixture_units(&mut units);
    assert!(fixtures >= 40, "only {fixtures} fixture cases found");

    units.push(dir_unit("examples/", "examples/", false, &[]));
    // `-o concise`, the Node hook's default: the same lines from the binary and the hook,
    // notices included (one example alone has no node count).
    units.push(concise(dir_unit("examples/ -o concise", "examples/", false, &s(&["--fail-on", "error"]))));
    units.push(same(
        "one example -o concise: the node-count notice",
        &s(&["-f", "examples/lb-local-anti-affinity.yaml", "-o", "concise"]),
    ));
    // Every format the module writes (all of the CLI's but `human`), paths relative to the
    // working directory included.
    for name in realip_lint_core::emit::Format::NAMES.into_iter().filter(|&n| n != "human") {
        units.push(output(dir_unit(&format!("examples/ -o {name}"), "examples/", false, &[]), name));
    }
    units.push(dir_unit("examples/ --nodes 5 -n shop", "examples/", false, &s(&["--nodes", "5", "-n", "shop"])));
    let mut examples: Vec<PathBuf> =
        std::fs::read_dir(repo().join("examples")).unwrap().map(|e| e.unwrap().path()).collect();
    examples.sort();
    for e in &examples {
        let rel = format!("examples/{}", e.file_name().unwrap().to_string_lossy());
        units.push(same(&rel, &s(&["-f", &rel, "-o", "json"])));
    }

    let real = corpus().join("real");
    let mut folders: Vec<PathBuf> =
        std::fs::read_dir(&real).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    folders.sort();
    assert!(folders.len() >= 30, "only {} corpus folders", folders.len());
    let mut corpus_files = 0;
    for f in &folders {
        let d = f.display().to_string();
        let unit = dir_unit(&d, &d, true, &[]);
        corpus_files += unit.node.len() - 2;
        units.push(unit);
    }
    assert!(corpus_files > 2000, "only {corpus_files} corpus files: is the corpus whole?");
    let helm = corpus().join("helm-templates").display().to_string();
    units.push(dir_unit(&helm, &helm, true, &[]));

    made_units(&mut units, &tmp);

    let (node, native, traces) = std::thread::scope(|scope| {
        let node = scope.spawn(|| run_node(&units));
        let native: Vec<_> = units.iter().map(|u| run_cli(&u.cli, &u.stdin)).collect();
        let traces: Vec<_> = units
            .iter()
            .map(|u| {
                run_cli(&std::iter::once("trace".to_owned()).chain(u.cli.iter().cloned()).collect::<Vec<_>>(), &u.stdin)
            })
            .collect();
        (node.join().unwrap(), native, traces)
    });
    let _ = std::fs::remove_dir_all(&tmp);

    // `--diff --unsafe-fixes` against the module's `fix()`: the same edits, the same count.
    let mut failures = Vec::new();
    let mut fixes = 0;
    for (u, w) in units.iter().zip(&node).filter(|(u, _)| u.fix) {
        let args: Vec<String> = u.cli.iter().cloned().chain(s(&["--diff", "--unsafe-fixes"])).collect();
        let (diff, said, _) = run_cli(&args, &u.stdin);
        let count = said
            .strip_prefix("would fix ")
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0);
        match &w.4 {
            Some((wasm_diff, wasm_count)) => {
                if *wasm_diff != diff {
                    failures.push(format!(
                        "{}: --diff differs from fix() at {}",
                        u.label,
                        first_difference(&diff, wasm_diff)
                    ));
                }
                if *wasm_count != count {
                    failures.push(format!("{}: --diff fixes {count}, fix() {wasm_count}", u.label));
                }
                fixes += count;
            }
            None => failures.push(format!("{}: no fix() from the module", u.label)),
        }
    }
    assert!(fixes >= 20, "only {fixes} fixes over the fixtures: is fix() compared?");
    for (((u, n), w), t) in units.iter().zip(&native).zip(&node).zip(&traces) {
        match &w.3 {
            Some(trace) if t.2 == 0 && *trace != t.0 => {
                failures.push(format!("{}: trace -o json differs at {}", u.label, first_difference(&t.0, trace)));
            }
            None if t.2 == 0 => failures.push(format!("{}: no trace() from the module", u.label)),
            _ => {}
        }
        if n.0 != w.0 {
            failures.push(format!("{}: -o json differs at {}", u.label, first_difference(&n.0, &w.0)));
        }
        if n.1 != w.1 {
            failures.push(format!("{}: stderr differs:\n  native: {:?}\n  wasm:   {:?}", u.label, n.1, w.1));
        }
        if n.2 != w.2 {
            failures.push(format!("{}: exit code {} native, {} wasm", u.label, n.2, w.2));
        }
        // A bad config stops before the report: only then may standard output stay empty.
        if (n.0.is_empty() && !u.label.starts_with("a bad config")) || !(0..=2).contains(&n.2) {
            failures.push(format!("{}: the binary printed nothing or crashed ({}): {}", u.label, n.2, n.1));
        }
    }
    let codes: Vec<i32> = native.iter().map(|n| n.2).collect();
    assert!(codes.contains(&0) && codes.contains(&1) && codes.contains(&2), "every exit code is exercised: {codes:?}");
    assert!(failures.is_empty(), "{} of {} runs differ:\n{}", failures.len(), units.len(), failures.join("\n"));
}
