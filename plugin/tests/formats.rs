//! `-o sarif` and `-o github` as code scanning and GitHub Actions read them: SARIF validated
//! against the official 2.1.0 schema, both at exactly the places `-o json` gives; and the README's
//! GitHub Actions workflows, whose lint commands are run here as written.

mod common;

use std::process::{Command, Output};

use common::{BIN, Dir, json, plugin_path, repo, run_in, sarif_errors, stderr, stdout};
use realip_lint_core::diagnostic::rule_url;
use realip_lint_core::registry::RULES;
use realip_lint_core::yaml::{Node, parse_stream};
use serde_json::Value;

fn assert_valid_sarif(log: &Value) {
    let errors = sarif_errors(log);
    assert!(errors.is_empty(), "the SARIF log breaks the schema:\n{}", errors.join("\n"));
}

fn sarif_level(severity: &Value) -> &'static str {
    match severity.as_str().unwrap() {
        "error" => "error",
        "warning" => "warning",
        "info" => "note",
        other => panic!("severity {other}"),
    }
}

/// A SARIF region and a JSON diagnostic's `start`/`end` are the same place.
fn assert_same_place(region: &Value, start: &Value, end: &Value) {
    assert_eq!(region["startLine"], start["line"]);
    assert_eq!(region["startColumn"], start["column"]);
    assert_eq!(region["endLine"], end["line"]);
    assert_eq!(region["endColumn"], end["column"]);
    assert_eq!(region["byteOffset"], start["offset"]);
    assert_eq!(
        region["byteLength"].as_u64().unwrap(),
        end["offset"].as_u64().unwrap() - start["offset"].as_u64().unwrap()
    );
}

#[test]
fn sarif_is_valid_sarif_2_1_0_with_the_rules_and_the_places_of_the_json() {
    let repo = repo();
    let sarif_out = run_in(&repo, &["-f", "examples/", "-o", "sarif"], None);
    let json_out = run_in(&repo, &["-f", "examples/", "-o", "json"], None);
    assert_eq!(sarif_out.status.code(), json_out.status.code(), "the exit code does not depend on the format");
    assert_eq!(sarif_out.status.code(), Some(1));
    let log = json(&sarif_out);
    assert_valid_sarif(&log);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], format!("file://{}/", repo.display()));

    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "realip-lint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len(), "every rule, not only those that fired");
    for (descriptor, rule) in rules.iter().zip(RULES) {
        assert_eq!(descriptor["id"], rule.name);
        assert_eq!(descriptor["name"], rule.name);
        assert_eq!(descriptor["shortDescription"]["text"], rule.summary);
        let full = descriptor["fullDescription"]["text"].as_str().unwrap();
        assert!(!full.is_empty() && rule.manual().replace('\n', " ").contains(&full[..40.min(full.len())]));
        assert_eq!(descriptor["help"]["markdown"], rule.manual().trim_end());
        assert_eq!(descriptor["helpUri"], rule_url(rule.name));
        assert_eq!(descriptor["defaultConfiguration"]["level"], sarif_level(&Value::from(rule.severity.as_str())));
    }

    // The validation bites: a level SARIF does not know breaks it.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!sarif_errors(&broken).is_empty(), "an invalid log must fail the schema check");

    let report = json(&json_out);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), diagnostics.len());
    assert!(diagnostics.iter().any(|d| !d["related"].as_array().unwrap().is_empty()));
    for (r, d) in results.iter().zip(diagnostics) {
        assert_eq!(r["ruleId"], d["rule"]);
        assert_eq!(rules[common::index(&r["ruleIndex"])]["id"], d["rule"]);
        assert_eq!(r["level"], sarif_level(&d["severity"]));
        assert_eq!(
            r["message"]["text"],
            format!("{}\n\nhelp: {}", d["message"].as_str().unwrap(), d["help"].as_str().unwrap())
        );
        let physical = &r["locations"][0]["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uri"], d["file"], "examples/… is already relative");
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_same_place(&physical["region"], &d["start"], &d["end"]);
        let object = &d["object"];
        let logical = &r["locations"][0]["logicalLocations"][0];
        assert_eq!(logical["name"], object["name"]);
        assert_eq!(logical["properties"]["kind"], object["kind"]);
        let related = d["related"].as_array().unwrap();
        let sarif_related = r["relatedLocations"].as_array().map_or(&[][..], Vec::as_slice);
        assert_eq!(sarif_related.len(), related.len());
        for (s, j) in sarif_related.iter().zip(related) {
            assert_eq!(s["message"]["text"], j["message"]);
            assert_eq!(s["physicalLocation"]["artifactLocation"]["uri"], j["file"]);
            assert_same_place(&s["physicalLocation"]["region"], &j["start"], &j["end"]);
        }
    }
}

const WEB: &str =
    "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  selector: {app: web}\n";
const ANTI: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 4\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: api}}}\n      containers: [{name: api, image: nginx}]\n";

fn fingerprints(log: &Value) -> Vec<(String, String)> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                r["partialFingerprints"]["realipLint/v1"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn sarif_for_code_scanning_fingerprints_suppressions_notifications_precision() {
    let dir = Dir::new("realip-sarif-cs");
    let annotated = WEB.replace(
        "name: web}",
        "name: quiet, annotations: {ignore-check.realip-lint.io/external-service-cluster-policy: \"metrics only\"}}",
    );
    let vendored = WEB.replace("name: web", "name: vendored");
    std::fs::write(dir.path().join("svc.yaml"), format!("{WEB}---\n{annotated}---\n{vendored}")).unwrap();
    std::fs::write(dir.path().join("api.yaml"), ANTI).unwrap();
    std::fs::write(
        dir.path().join(".realip-lint.yaml"),
        "exempt:\n  - {kind: Service, name: vendored, rules: [external-service-cluster-policy]}\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &["-f", "svc.yaml", "-f", "api.yaml", "-f", "gone.yaml", "-o", "sarif"], None);
    assert_eq!(out.status.code(), Some(2), "a missing path is a usage error: {}", stderr(&out));
    let log = json(&out);
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "realip-lint/");

    // Tool notifications: the usage error, and the checks skipped without a node count.
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    let ids: Vec<(&str, &str)> =
        notes.iter().map(|n| (n["descriptor"]["id"].as_str().unwrap(), n["level"].as_str().unwrap())).collect();
    assert_eq!(ids, [("usage-error", "error"), ("node-count-unknown", "note")]);
    assert!(notes[0]["message"]["text"].as_str().unwrap().contains("gone.yaml"));
    assert!(notes[1]["message"]["text"].as_str().unwrap().contains("--nodes N"));

    // Suppressed findings are results with their suppression; the others have none.
    let results = run["results"].as_array().unwrap();
    let suppressed: Vec<(&str, &str)> = results
        .iter()
        .filter_map(|r| {
            let s = r.get("suppressions")?;
            Some((r["locations"][0]["logicalLocations"][0]["name"].as_str().unwrap(), s[0]["kind"].as_str().unwrap()))
        })
        .collect();
    assert_eq!(suppressed, [("quiet", "inSource"), ("vendored", "external")]);
    let active = results.iter().filter(|r| r.get("suppressions").is_none()).count();
    let json_out = json(&run_in(dir.path(), &["-f", "svc.yaml", "-f", "api.yaml", "-o", "json"], None));
    assert_eq!(
        active,
        json_out["diagnostics"].as_array().unwrap().len(),
        "the JSON is unchanged: suppressed findings are not in it"
    );

    // Every rule says how precise it is.
    for d in run["tool"]["driver"]["rules"].as_array().unwrap() {
        let p = d["properties"]["precision"].as_str().unwrap();
        assert!(["very-high", "high", "medium"].contains(&p), "{}: {p}", d["id"]);
    }
    let precision = |id: &str| {
        run["tool"]["driver"]["rules"].as_array().unwrap().iter().find(|d| d["id"] == id).unwrap()["properties"]["precision"].clone()
    };
    assert_eq!(precision("rolling-update-invalid"), "very-high");
    assert_eq!(precision("soft-spread-only"), "medium");

    // Fingerprints survive lines inserted above the objects, and differ between findings.
    let before = fingerprints(&log);
    let unique: std::collections::BTreeSet<&String> = before.iter().map(|(_, f)| f).collect();
    assert_eq!(unique.len(), before.len(), "{before:?}");
    std::fs::write(dir.path().join("svc.yaml"), format!("# a comment\n\n{WEB}---\n{annotated}---\n{vendored}"))
        .unwrap();
    std::fs::write(dir.path().join("api.yaml"), ANTI.replace("spec:\n  replicas", "spec:\n  # four\n  replicas"))
        .unwrap();
    let after = json(&run_in(dir.path(), &["-f", "svc.yaml", "-f", "api.yaml", "-o", "sarif"], None));
    assert_eq!(fingerprints(&after), before, "no line in the fingerprint");
    assert_ne!(
        after["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        "the lines did move"
    );
    assert_eq!(after["runs"][0]["invocations"][0]["executionSuccessful"], true);
}

/// A NodePort Service whose flagged value follows non-ASCII text on its line, behind a BOM: code
/// point columns differ from byte columns there.
const UNICODE: &str = "\u{feff}apiVersion: v1\nkind: Service\nmetadata: {name: wéb, labels: {team: été}}\nspec: {selector: {app: wéb}, type: NodePort}\n";

#[test]
fn sarif_paths_are_relative_to_the_working_directory_and_columns_count_code_points() {
    let work = Dir::new("realip-sarif");
    let root = work.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("deploy/sub dir")).unwrap();
    std::fs::create_dir_all(root.join("elsewhere")).unwrap();
    std::fs::write(root.join("deploy/sub dir/svc.yaml"), UNICODE).unwrap();
    std::fs::write(root.join("elsewhere/svc.yaml"), UNICODE).unwrap();
    let absolute = root.join("deploy").display().to_string();

    // Given as an absolute path: JSON keeps it, SARIF makes it relative to the working directory.
    let j = json(&run_in(&root, &["-f", &absolute, "-R", "-o", "json"], None));
    let s = json(&run_in(&root, &["-f", &absolute, "-R", "-o", "sarif"], None));
    assert_valid_sarif(&s);
    let d = &j["diagnostics"][0];
    assert_eq!(d["file"], format!("{absolute}/sub dir/svc.yaml"));
    let location = &s["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"],
        serde_json::json!({"uri": "deploy/sub%20dir/svc.yaml", "uriBaseId": "%SRCROOT%"})
    );
    assert_same_place(&location["region"], &d["start"], &d["end"]);
    let line = UNICODE.lines().nth(3).unwrap();
    let byte_column = line.find("NodePort").unwrap() + 1;
    let column = line[..byte_column - 1].chars().count() + 1;
    assert_eq!(d["start"]["line"], 4);
    assert_eq!(d["start"]["column"], column, "columns count code points");
    assert_ne!(column, byte_column, "the test needs a line where the two differ");
    assert_eq!(location["region"]["startColumn"], column);

    // From a subdirectory, a file outside it: an absolute file URI.
    let s = json(&run_in(&root.join("deploy"), &["-f", "../elsewhere/svc.yaml", "-o", "sarif"], None));
    assert_valid_sarif(&s);
    assert_eq!(
        s["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"],
        serde_json::json!({"uri": format!("file://{}/elsewhere/svc.yaml", root.display())})
    );

    // Standard input is no file: its name, encoded and described.
    let s = json(&run_in(&root, &["-f", "-", "-o", "sarif"], Some(UNICODE)));
    assert_valid_sarif(&s);
    assert_eq!(
        s["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"],
        serde_json::json!({"uri": "%3Cstdin%3E", "description": {"text": "<stdin>"}})
    );
}

#[test]
fn sarif_of_a_kustomize_build_is_valid_too() {
    let out = run_in(&repo(), &["-k", "plugin/tests/data/kustomize/overlays/prod", "-o", "sarif"], None);
    let log = json(&out);
    assert_valid_sarif(&log);
    let location = &log["runs"][0]["results"][0]["locations"][0];
    // Code scanning can place it: the user's file, relative to the checkout.
    assert_eq!(
        location["physicalLocation"]["artifactLocation"]["uri"],
        "plugin/tests/data/kustomize/overlays/prod/kustomization.yaml"
    );
    assert_eq!(location["logicalLocations"][0]["fullyQualifiedName"], "Deployment/prod/prod-web");
}

/// One parsed workflow command: `::<command> <k=v,…>::<message>`, unescaped.
#[derive(Debug)]
struct Annotation {
    command: String,
    properties: Vec<(String, String)>,
    message: String,
}

fn unescape(s: &str) -> String {
    s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
}

fn annotations(out: &Output) -> Vec<Annotation> {
    stdout(out)
        .lines()
        .filter_map(|line| line.strip_prefix("::"))
        .map(|line| {
            let (head, message) = line.split_once("::").unwrap();
            let (command, props) = head.split_once(' ').unwrap();
            let properties = props
                .split(',')
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap();
                    (k.to_owned(), unescape(v))
                })
                .collect();
            Annotation { command: command.to_owned(), properties, message: unescape(message) }
        })
        .collect()
}

fn property<'a>(a: &'a Annotation, key: &str) -> Option<&'a str> {
    a.properties.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

#[test]
fn github_annotations_carry_the_places_of_the_json() {
    let repo = repo();
    let out = run_in(&repo, &["-f", "examples/", "-o", "github"], None);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&run_in(&repo, &["-f", "examples/", "-o", "json"], None));
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let found = annotations(&out);
    assert_eq!(found.len(), diagnostics.len());
    let text = stdout(&out);
    let plain: Vec<&str> = text.lines().filter(|l| !l.starts_with("::")).collect();
    assert_eq!(plain.len(), 1, "besides the commands, only the summary line: {plain:?}");
    assert!(plain[0].ends_with("skipped as not manifests)"), "{plain:?}");
    for (a, d) in found.iter().zip(diagnostics) {
        let expected = match d["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        assert_eq!(a.command, expected);
        assert_eq!(
            a.properties.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["file", "line", "col", "endLine", "endColumn", "title"]
        );
        assert_eq!(property(a, "file"), d["file"].as_str());
        assert_eq!(property(a, "line"), Some(d["start"]["line"].to_string().as_str()));
        assert_eq!(property(a, "col"), Some(d["start"]["column"].to_string().as_str()));
        assert_eq!(property(a, "endLine"), Some(d["end"]["line"].to_string().as_str()));
        assert_eq!(property(a, "endColumn"), Some(d["end"]["column"].to_string().as_str()));
        assert_eq!(property(a, "title"), d["rule"].as_str());
        assert_eq!(
            a.message,
            format!(
                "{}\n\nhelp: {}\n{}",
                d["message"].as_str().unwrap(),
                d["help"].as_str().unwrap(),
                d["url"].as_str().unwrap()
            )
        );
    }
}

#[test]
fn github_annotations_escape_what_the_format_requires() {
    let work = Dir::new("realip-github");
    let root = work.path().canonicalize().unwrap();
    let name = "we%b,a:b.yaml";
    std::fs::write(root.join(name), UNICODE).unwrap();
    // (`-f` splits at commas, as kubectl does: the file is found by walking its directory.)
    let out = run_in(&root, &["-f", ".", "-o", "github", "--fail-on", "info"], None);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let line = text.lines().next().unwrap();
    assert!(line.starts_with("::notice file=we%25b%2Ca%3Ab.yaml,line=4,col="), "{line}");
    assert!(!line.contains('\r'));
    assert!(line.contains("%0A%0Ahelp: "), "newlines in the message are escaped: {line}");
    let found = annotations(&out);
    assert_eq!(property(&found[0], "file"), Some(name), "relative to the working directory, unescaped back");

    // Standard input is no file to annotate: the place and object lead the message instead.
    let out = run_in(&root, &["-f", "-", "-o", "github"], Some(UNICODE));
    let found = annotations(&out);
    assert_eq!(found[0].properties, [("title".to_owned(), "external-service-cluster-policy".to_owned())]);
    assert!(found[0].message.starts_with("<stdin>:4:"), "{}", found[0].message);
    assert!(found[0].message.contains(": Service default/wéb: "), "{}", found[0].message);
}

/// The fenced ```yaml blocks of the README that are GitHub Actions workflows.
fn readme_workflows() -> Vec<(String, Node)> {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut out = Vec::new();
    let mut rest = readme.as_str();
    while let Some(start) = rest.find("```yaml\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").unwrap();
        let text = &body[..end];
        if text.contains("runs-on:") {
            let root = parse_stream(text).into_iter().next().and_then(|d| d.root).unwrap();
            out.push((text.to_owned(), root));
        }
        rest = &body[end + 3..];
    }
    out
}

fn steps(workflow: &Node) -> Vec<&Node> {
    let jobs = workflow.get("jobs").unwrap().as_map().unwrap();
    jobs.iter().flat_map(|(_, job)| job.get("steps").unwrap().as_seq().unwrap()).collect()
}

/// The krew manifest's download URI of the linux/amd64 archive.
fn krew_uri() -> String {
    let text = std::fs::read_to_string(repo().join("plugin/krew/realip-lint.yaml")).unwrap();
    let root = parse_stream(&text).into_iter().next().and_then(|d| d.root).unwrap();
    let platforms = root.get("spec").unwrap().get("platforms").unwrap().as_seq().unwrap();
    let linux = platforms
        .iter()
        .find(|p| {
            let labels = p.get("selector").unwrap().get("matchLabels").unwrap();
            labels.get("os").and_then(Node::as_str) == Some("linux")
                && labels.get("arch").and_then(Node::as_str) == Some("amd64")
        })
        .unwrap();
    linux.get("uri").unwrap().as_str().unwrap().to_owned()
}

#[test]
fn the_readme_workflows_run_the_commands_tested_here() {
    let workflows = readme_workflows();
    assert_eq!(workflows.len(), 2, "one for code scanning (SARIF), one for annotations");
    let (_plugin, path) = plugin_path();
    let uri = krew_uri();
    let mut formats = Vec::new();
    for (text, workflow) in &workflows {
        let steps = steps(workflow);
        let install = steps
            .iter()
            .filter_map(|s| s.get("run").and_then(Node::as_str))
            .find(|r| r.contains("curl"))
            .expect("a step installs the plugin");
        assert!(install.contains(&uri), "the install step downloads the archive the krew manifest names: {install}");
        assert!(install.contains("kubectl-realip_lint"), "{install}");

        // A repository with manifests under deploy/: the examples.
        let workspace = Dir::new("realip-workflow");
        std::fs::create_dir_all(workspace.path().join("deploy/apps")).unwrap();
        for entry in std::fs::read_dir(repo().join("examples")).unwrap() {
            let entry = entry.unwrap();
            // `examples/migrate` is a pair of sides for `migrate`, not manifests of one repository.
            if entry.path().is_dir() {
                continue;
            }
            std::fs::copy(entry.path(), workspace.path().join("deploy/apps").join(entry.file_name())).unwrap();
        }
        let lint: Vec<&str> = steps
            .iter()
            .filter_map(|s| s.get("run").and_then(Node::as_str))
            .filter(|r| r.contains("kubectl realip-lint"))
            .collect();
        assert_eq!(lint.len(), 1, "{text}");
        // As GitHub runs `run:` on Linux: `bash -e` (the default shell), through the real kubectl.
        let out = Command::new("bash")
            .args(["-e", "-c", lint[0]])
            .current_dir(workspace.path())
            .env("PATH", &path)
            .env("KUBECONFIG", "/dev/null")
            .output()
            .unwrap();
        if text.contains("upload-sarif") {
            formats.push("sarif");
            assert!(text.contains("security-events: write"), "uploading SARIF needs this permission");
            assert_eq!(out.status.code(), Some(0), "the upload step must still run: {}", stderr(&out));
            let sarif_file = steps
                .iter()
                .find_map(|s| s.get("with").and_then(|w| w.get("sarif_file")).and_then(Node::as_str))
                .unwrap();
            let log: Value =
                serde_json::from_slice(&std::fs::read(workspace.path().join(sarif_file)).unwrap()).unwrap();
            assert_valid_sarif(&log);
            let results = log["runs"][0]["results"].as_array().unwrap();
            assert!(!results.is_empty());
            assert!(results.iter().all(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .starts_with("deploy/apps/")
            }));
        } else {
            formats.push("github");
            assert!(lint[0].contains("-o github"));
            assert_eq!(out.status.code(), Some(1), "findings fail the job: {}", stderr(&out));
            let found = annotations(&out);
            assert!(!found.is_empty());
            assert!(found.iter().all(|a| property(a, "file").is_some_and(|f| f.starts_with("deploy/apps/"))));
        }
    }
    formats.sort_unstable();
    assert_eq!(formats, ["github", "sarif"]);
}

/// The code spans of a text: what is between pairs of backticks.
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[test]
fn human_help_never_breaks_a_code_span_at_any_width() {
    // Every fixture of every rule, rendered as a user sees it at several terminal widths: each
    // code span of a help text (what a user copies) is on one line, whole.
    let root = repo().join("crates/realip-lint-core/tests/fixtures");
    let mut checked = 0;
    for rule in RULES {
        let Ok(entries) = std::fs::read_dir(root.join(rule.name)) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let sources = vec![realip_lint_core::Source::new(
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            )];
            let report = realip_lint_core::lint(&sources, &realip_lint_core::Options::default());
            for width in [50, 80, 100] {
                let text = realip_lint_core::emit::human::render(&report, &sources, false, width);
                for d in &report.diagnostics {
                    for span in code_spans(&d.help) {
                        assert!(
                            text.contains(&format!("`{span}`")),
                            "{}: help span `{span}` broken at width {width}:\n{text}",
                            path.display()
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 300, "only {checked} code spans checked");
}

/// Every name of `Format::NAMES` is a value of `-o`, and the CLI prints the bytes of the core's
/// `emit` for it (the Wasm `run` is held to the same bytes in `wasm/src/shell.rs` and
/// `tests/parity.rs`).
#[test]
fn every_format_name_is_an_output_of_the_cli_with_the_cores_bytes() {
    use realip_lint_core::emit::{self, EmitContext, Format};
    // A finding with related places, and the node-count notice.
    let read = |name: &str| std::fs::read_to_string(repo().join("examples").join(name)).unwrap();
    let text = format!("{}---\n{}", read("lb-ingress-controller.yaml"), read("lb-local-anti-affinity.yaml"));
    let dir = Dir::new("realip-formats-all");
    std::fs::create_dir_all(dir.path().join("deploy")).unwrap();
    std::fs::write(dir.path().join("deploy/svc.yaml"), &text).unwrap();
    let cwd = std::fs::canonicalize(dir.path()).unwrap();
    let sources = [realip_lint_core::Source::new("deploy/svc.yaml", text)];
    let report = realip_lint_core::lint(&sources, &realip_lint_core::Options::default());
    assert!(!report.diagnostics.is_empty() && !report.notices.is_empty(), "a finding and the node-count notice");
    let cwd_text = cwd.to_string_lossy();
    let relativize = |name: &str| realip_lint_plugin::render::relative_path(name, &cwd);
    let ctx = EmitContext { relativize: &relativize, ..EmitContext::new(&sources, &[], &cwd_text) };
    for name in Format::NAMES {
        let out = Command::new(BIN)
            .args(["-f", "deploy/svc.yaml", "-o", name])
            .current_dir(&cwd)
            .env("COLUMNS", "100")
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        assert_ne!(out.status.code(), Some(2), "-o {name}: {}", stderr(&out));
        assert_eq!(stdout(&out), emit::emit(Format::parse(name).unwrap(), &report, &ctx), "-o {name}");
    }
}
