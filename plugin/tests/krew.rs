//! The release: the krew manifest (`plugin/krew/realip-lint.yaml`) has what krew's validation
//! requires for every platform; the release script (`scripts/release.sh`) packs the archives it
//! points at, writes SHA256SUMS and every platform's sha256 into it; the release workflow, the
//! Dockerfile and the script name the same targets; and the GitHub Action's steps run here,
//! without GitHub, against an archive packed from the binary this test run built. The cross builds
//! themselves (musl amd64 and arm64, through qemu-user) are `bash tests/release.sh`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};

use common::{BIN, Dir, repo, sarif_errors, sha256, stderr, stdout};
use realip_lint_core::yaml::{Node, parse_stream};

fn manifest_at(path: &Path) -> (String, Node) {
    let text = std::fs::read_to_string(path).unwrap();
    yaml_text(&text)
}

fn yaml_text(text: &str) -> (String, Node) {
    let doc = parse_stream(text).into_iter().next().unwrap();
    assert!(doc.problems.is_empty(), "{:?}", doc.problems);
    (text.to_owned(), doc.root.unwrap())
}

fn str_at<'a>(node: &'a Node, path: &[&str]) -> &'a str {
    let mut n = node;
    for key in path {
        n = n.get(key).unwrap_or_else(|| panic!("no {}", path.join(".")));
    }
    n.as_str().unwrap_or_else(|| panic!("{} is not a string", path.join(".")))
}

fn seq_at<'a>(node: &'a Node, path: &[&str]) -> &'a [Node] {
    let mut n = node;
    for key in path {
        n = n.get(key).unwrap_or_else(|| panic!("no {}", path.join(".")));
    }
    n.as_seq().unwrap_or_else(|| panic!("{} is not a list", path.join(".")))
}

fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn crate_version() -> String {
    format!("v{}", env!("CARGO_PKG_VERSION"))
}

/// The release script's table: Rust target -> (krew os, krew arch).
fn release_targets() -> BTreeMap<String, (String, String)> {
    let out = Command::new("bash").arg(repo().join("scripts/release.sh")).arg("targets").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let table: BTreeMap<String, (String, String)> = stdout(&out)
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(f.len(), 3, "{l}");
            (f[0].to_owned(), (f[1].to_owned(), f[2].to_owned()))
        })
        .collect();
    // The static Linux builds for both architectures, macOS on both, Windows.
    let platforms: BTreeSet<(&str, &str)> = table.values().map(|(o, a)| (o.as_str(), a.as_str())).collect();
    for p in [("linux", "amd64"), ("linux", "arm64"), ("darwin", "amd64"), ("darwin", "arm64"), ("windows", "amd64")] {
        assert!(platforms.contains(&p), "{p:?} in {table:?}");
    }
    assert_eq!(table["x86_64-unknown-linux-musl"], ("linux".to_owned(), "amd64".to_owned()));
    assert_eq!(table["aarch64-unknown-linux-musl"], ("linux".to_owned(), "arm64".to_owned()));
    table
}

/// The rustc that builds wasm/pkg (`rustc_pinned` in wasm/build.sh): `1.95.0`.
fn pinned_rustc() -> String {
    let build = std::fs::read_to_string(repo().join("wasm/build.sh")).unwrap();
    let line = build.lines().find(|l| l.starts_with("rustc_pinned=")).unwrap();
    line.split_whitespace().nth(1).unwrap().to_owned()
}

/// krew's own checks (apiVersion, kind, a safe name equal to the file name, a one-line short
/// description, a `vX.Y.Z` version, and for each platform: uri, a sha256 of 64 lowercase hex,
/// bin, `files` entries with `from` and `to`, an `os`/`arch` selector, no platform twice), and
/// ours: the version is the crate's, each platform is one the release script builds, its archive
/// is a GitHub release download of this repository, the binary is the one cargo builds (`.exe` on
/// Windows), and LICENSE is installed with it. Returns the platforms, in order.
fn check_manifest(path: &Path) -> Vec<(String, String)> {
    let (_, m) = manifest_at(path);
    assert_eq!(str_at(&m, &["apiVersion"]), "krew.googlecontainertools.github.com/v1alpha2");
    assert_eq!(str_at(&m, &["kind"]), "Plugin");
    let name = str_at(&m, &["metadata", "name"]);
    assert_eq!(Some(name), path.file_stem().and_then(|s| s.to_str()), "krew-index wants plugins/<name>.yaml");
    // The naming guide: lowercase words joined by hyphens, no kube/kubernetes/kubectl prefix.
    assert!(is_kebab(name), "{name} is kebab-case");
    assert!(!["kube", "k8s", "kubectl"].iter().any(|p| name.starts_with(p)), "no stutter: {name}");
    assert_eq!(name, "realip-lint");

    let version = str_at(&m, &["spec", "version"]);
    assert_eq!(version, crate_version(), "the manifest's version is the crate's");
    let short = str_at(&m, &["spec", "shortDescription"]);
    assert!(!short.is_empty() && !short.contains(['\r', '\n']));
    assert!(!str_at(&m, &["spec", "description"]).trim().is_empty());
    assert_eq!(str_at(&m, &["spec", "homepage"]), "https://github.com/realip-lint/realip-lint");

    let table = release_targets();
    let platforms = seq_at(&m, &["spec", "platforms"]);
    assert!(!platforms.is_empty());
    let mut seen = Vec::new();
    for p in platforms {
        let labels = p.get("selector").and_then(|s| s.get("matchLabels")).and_then(Node::as_map).unwrap();
        assert!(
            labels.iter().all(|(k, _)| matches!(k.as_str(), Some("os" | "arch"))) && labels.len() == 2,
            "krew selects on os and arch"
        );
        let os = str_at(p, &["selector", "matchLabels", "os"]);
        let arch = str_at(p, &["selector", "matchLabels", "arch"]);
        assert!(table.values().any(|(o, a)| o == os && a == arch), "{os}/{arch} is not built by scripts/release.sh");
        let uri = str_at(p, &["uri"]);
        assert_eq!(
            uri,
            format!(
                "https://github.com/realip-lint/realip-lint/releases/download/{version}/kubectl-realip_lint-{version}-{os}-{arch}.tar.gz"
            )
        );
        let sha = str_at(p, &["sha256"]);
        assert!(is_sha256(sha), "sha256 {sha}");
        assert_ne!(sha, "0".repeat(64), "the release script fills the sha256 in");
        let bin = str_at(p, &["bin"]);
        let exe = if os == "windows" { ".exe" } else { "" };
        assert_eq!(
            bin,
            format!("kubectl-{}{exe}", name.replace('-', "_")),
            "kubectl finds `kubectl {name}` as this file"
        );
        assert!(BIN.ends_with(&format!("/{}", bin.trim_end_matches(".exe"))), "the binary cargo builds: {BIN}");
        let files = seq_at(p, &["files"]);
        let from: Vec<&str> = files
            .iter()
            .map(|f| {
                assert_eq!(str_at(f, &["to"]), ".");
                str_at(f, &["from"])
            })
            .collect();
        assert_eq!(from, [bin, "LICENSE"]);
        let platform = (os.to_owned(), arch.to_owned());
        assert!(!seen.contains(&platform), "{os}/{arch} twice");
        seen.push(platform);
    }
    seen
}

#[test]
fn the_krew_manifest_has_what_krew_requires_for_every_platform() {
    let seen = check_manifest(&repo().join("plugin/krew/realip-lint.yaml"));
    // The static Linux builds, made and tested here (tests/release.sh); the release workflow
    // writes macOS and Windows in too.
    for p in [("linux", "amd64"), ("linux", "arm64")] {
        assert!(seen.contains(&(p.0.to_owned(), p.1.to_owned())), "{p:?} in {seen:?}");
    }
}

/// `bash scripts/release.sh ARGS` with the dist folder, manifest and README given.
fn release(args: &[&str], dist: &Path, manifest: &Path, readme: &Path) -> Output {
    Command::new("bash")
        .arg(repo().join("scripts/release.sh"))
        .args(args)
        .env("REALIP_RELEASE_DIST", dist)
        .env("REALIP_RELEASE_MANIFEST", manifest)
        .env("REALIP_RELEASE_README", readme)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap()
}

fn listing(archive: &Path) -> Vec<(String, String)> {
    let list = Command::new("tar").arg("-tvzf").arg(archive).output().unwrap();
    assert!(list.status.success());
    let text = String::from_utf8(list.stdout).unwrap();
    assert!(text.lines().all(|l| l.contains(" 0/0 ")), "owned by root, no user names: {text}");
    text.lines()
        .map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            (fields[0].to_owned(), (*fields.last().unwrap()).to_owned())
        })
        .collect()
}

#[test]
fn the_release_script_packs_each_platform_and_writes_sha256sums_and_the_manifest() {
    let repo = repo();
    let work = Dir::new("realip-release");
    let dist = work.path().join("dist");
    let krew = work.path().join("krew");
    std::fs::create_dir_all(&krew).unwrap();
    let manifest = krew.join("realip-lint.yaml");
    std::fs::copy(repo.join("plugin/krew/realip-lint.yaml"), &manifest).unwrap();
    // The README's install commands as of an older release: the script writes the version in.
    let readme = work.path().join("README.md");
    let current = std::fs::read_to_string(repo.join("README.md")).unwrap();
    let version = crate_version();
    let old = current.replace(&version, "v0.0.9");
    assert!(old.contains("releases/download/v0.0.9/kubectl-realip_lint-v0.0.9-linux-amd64.tar.gz"));
    assert!(
        old.contains("realip-lint/realip-lint@v0.0.9") && old.contains("kubectl-realip_lint-v0.0.9-$os-$arch.tar.gz")
    );
    std::fs::write(&readme, &old).unwrap();

    // The binary this run built stands in for each target's (the cross builds: tests/release.sh).
    for target in ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl", "x86_64-pc-windows-msvc"] {
        let out = release(&["pack", target, BIN], &dist, &manifest, &readme);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let linux = dist.join(format!("kubectl-realip_lint-{version}-linux-amd64.tar.gz"));
    let arm = dist.join(format!("kubectl-realip_lint-{version}-linux-arm64.tar.gz"));
    let windows = dist.join(format!("kubectl-realip_lint-{version}-windows-amd64.tar.gz"));
    let entries =
        |exe: &str| vec![("-rwxr-xr-x".to_owned(), exe.to_owned()), ("-rw-r--r--".to_owned(), "LICENSE".to_owned())];
    assert_eq!(listing(&linux), entries("kubectl-realip_lint"));
    assert_eq!(listing(&windows), entries("kubectl-realip_lint.exe"));
    assert_eq!(sha256(&linux), sha256(&arm), "the same binary and time give the same archive");

    let unpacked = work.path().join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    assert!(Command::new("tar").arg("-xzf").arg(&linux).arg("-C").arg(&unpacked).status().unwrap().success());
    assert_eq!(std::fs::read(unpacked.join("LICENSE")).unwrap(), std::fs::read(repo.join("LICENSE")).unwrap());
    assert_eq!(std::fs::read(unpacked.join("kubectl-realip_lint")).unwrap(), std::fs::read(BIN).unwrap());

    let out = release(&["sums"], &dist, &manifest, &readme);
    assert!(out.status.success(), "{}", stderr(&out));
    // SHA256SUMS: `sha256sum -c` format, the table's order.
    let sums = std::fs::read_to_string(dist.join("SHA256SUMS")).unwrap();
    let mut expected = String::new();
    for a in [&linux, &arm, &windows] {
        expected.push_str(&format!("{}  {}\n", sha256(a), a.file_name().unwrap().to_str().unwrap()));
    }
    assert_eq!(sums, expected);
    let check = Command::new("sha256sum").arg("-c").arg("SHA256SUMS").current_dir(&dist).output().unwrap();
    assert!(check.status.success(), "{}", stderr(&check));

    // The manifest: one platform per archive with its sha256, the rest of the file unchanged.
    let platforms = check_manifest(&manifest);
    let platform = |os: &str, arch: &str| (os.to_owned(), arch.to_owned());
    assert_eq!(platforms, [platform("linux", "amd64"), platform("linux", "arm64"), platform("windows", "amd64")]);
    let (after, m) = manifest_at(&manifest);
    let shas: Vec<&str> = seq_at(&m, &["spec", "platforms"]).iter().map(|p| str_at(p, &["sha256"])).collect();
    assert_eq!(shas, [sha256(&linux), sha256(&arm), sha256(&windows)]);
    let before = std::fs::read_to_string(repo.join("plugin/krew/realip-lint.yaml")).unwrap();
    let head = |t: &str| t[..t.find("\n  platforms:\n").unwrap()].to_owned();
    assert_eq!(head(&after), head(&before), "only the platforms are written");
    assert_eq!(std::fs::read_to_string(&readme).unwrap(), current, "every install command names {version}");

    // Again: the same archives, the same manifest.
    let out = release(&["sums"], &dist, &manifest, &readme);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), after);

    // An archive of another version left in the folder is refused, not published.
    std::fs::copy(&linux, dist.join("kubectl-realip_lint-v0.0.1-linux-amd64.tar.gz")).unwrap();
    let out = release(&["sums"], &dist, &manifest, &readme);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("kubectl-realip_lint-v0.0.1-linux-amd64.tar.gz is no archive of"),
        "{}",
        stderr(&out)
    );
    let out = release(&["pack", "sparc-unknown-linux-gnu", BIN], &dist, &manifest, &readme);
    assert!(!out.status.success() && stderr(&out).contains("unknown target sparc-unknown-linux-gnu"));
}

/// The workflow's text, parsed.
fn workflow() -> Node {
    let text = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap();
    yaml_text(&text).1
}

/// The `run:` scripts of a job's steps, joined.
fn job_scripts(wf: &Node, job: &str) -> String {
    seq_at(wf, &["jobs", job, "steps"])
        .iter()
        .filter_map(|s| s.get("run").and_then(Node::as_str))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_release_workflow_builds_every_target_of_the_script_and_the_manifest_on_a_native_runner() {
    let wf = workflow();
    let tags: Vec<&str> = seq_at(&wf, &["on", "push", "tags"]).iter().filter_map(Node::as_str).collect();
    assert_eq!(tags, ["v*"]);
    assert_eq!(str_at(&wf, &["env", "RUSTUP_TOOLCHAIN"]), pinned_rustc(), "the rustc of wasm/build.sh");

    let table = release_targets();
    let mut built = BTreeMap::new();
    for entry in seq_at(&wf, &["jobs", "build", "strategy", "matrix", "include"]) {
        let target = str_at(entry, &["target"]);
        let runner = str_at(entry, &["runner"]);
        // Native: the runner's OS and architecture are the target's (no emulation, no SDK).
        let native = match target {
            "x86_64-unknown-linux-musl" => runner.starts_with("ubuntu-") && !runner.ends_with("-arm"),
            "aarch64-unknown-linux-musl" => runner.starts_with("ubuntu-") && runner.ends_with("-arm"),
            "x86_64-apple-darwin" => runner.starts_with("macos-") && runner.ends_with("-intel"),
            "aarch64-apple-darwin" => {
                runner.starts_with("macos-") && !runner.ends_with("-intel") && runner != "macos-13"
            }
            "x86_64-pc-windows-msvc" => runner.starts_with("windows-") && !runner.ends_with("-arm"),
            other => panic!("{other} is not a target of scripts/release.sh"),
        };
        assert!(native, "{target} on {runner}");
        assert!(built.insert(target.to_owned(), table[target].clone()).is_none(), "{target} twice");
    }
    assert_eq!(built, table, "the workflow builds exactly the script's targets");
    let manifest = check_manifest(&repo().join("plugin/krew/realip-lint.yaml"));
    for p in &manifest {
        assert!(built.values().any(|b| b == p), "the manifest's {p:?} is built by the workflow");
    }

    let build = job_scripts(&wf, "build");
    assert!(build.contains(r#"bash scripts/release.sh build "${{ matrix.target }}""#), "{build}");
    assert!(build.contains(r#"bash scripts/release.sh pack "${{ matrix.target }}""#), "{build}");
    assert!(build.contains(r#"test "$GITHUB_REF_NAME" = "$(bash scripts/release.sh version)""#), "{build}");
    assert_eq!(str_at(&wf, &["jobs", "build", "runs-on"]), "${{ matrix.runner }}");
    let publish = job_scripts(&wf, "publish");
    assert_eq!(str_at(&wf, &["jobs", "publish", "needs"]), "build");
    assert!(publish.contains("bash scripts/release.sh sums"), "{publish}");
    assert!(publish.contains("target/dist/*.tar.gz target/dist/SHA256SUMS plugin/krew/realip-lint.yaml"), "{publish}");
    assert_eq!(str_at(&wf, &["jobs", "publish", "permissions", "contents"]), "write");
    // Nothing but the publish and image jobs can write.
    assert_eq!(str_at(&wf, &["permissions", "contents"]), "read");
}

#[test]
fn the_dockerfile_builds_the_release_binaries_onto_an_empty_image() {
    let text = std::fs::read_to_string(repo().join("Dockerfile")).unwrap();
    // Instructions, with continuation lines joined and comments dropped.
    let mut instructions: Vec<String> = Vec::new();
    let mut open = false;
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let part = line.trim().trim_end_matches('\\').trim().to_owned();
        if open {
            let last = instructions.last_mut().unwrap();
            last.push(' ');
            last.push_str(&part);
        } else if !part.is_empty() {
            instructions.push(part);
        }
        open = line.trim_end().ends_with('\\');
    }
    let stages: Vec<usize> =
        instructions.iter().enumerate().filter(|(_, i)| i.starts_with("FROM ")).map(|(n, _)| n).collect();
    assert_eq!(stages.len(), 2, "{instructions:#?}");
    let build = &instructions[stages[0]..stages[1]];
    let last = &instructions[stages[1]..];
    assert_eq!(build[0], format!("FROM --platform=$BUILDPLATFORM rust:{}-slim-bookworm AS build", pinned_rustc()));
    assert!(
        build.contains(&format!("ENV RUSTUP_TOOLCHAIN={}", pinned_rustc())),
        "the toolchain file's `stable` does not apply"
    );
    // TARGETARCH maps onto the release's static Linux targets.
    let table = release_targets();
    let run: String = build.iter().filter(|i| i.starts_with("RUN ")).cloned().collect::<Vec<_>>().join("\n");
    for (target, (os, arch)) in &table {
        if os == "linux" {
            assert!(run.contains(&format!("{arch}) echo {target} ;;")), "{arch} -> {target}: {run}");
        }
    }
    // The binary is the release script's, the same command as the release workflow's.
    assert!(
        run.contains(r#"RUN bash scripts/release.sh build "$(cat /rust-target)" && mkdir /out && cp "target/$(cat /rust-target)/release/kubectl-realip_lint" LICENSE /out/"#),
        "{run}"
    );
    assert_eq!(
        last,
        [
            "FROM scratch",
            "COPY --from=build /out/kubectl-realip_lint /kubectl-realip_lint",
            "COPY --from=build /out/LICENSE /LICENSE",
            "WORKDIR /work",
            "USER 65532:65532",
            r#"ENTRYPOINT ["/kubectl-realip_lint"]"#,
        ]
    );
    // The build context leaves out build outputs and dependency trees.
    let ignore = std::fs::read_to_string(repo().join(".dockerignore")).unwrap();
    for dir in ["target/", "**/node_modules/", ".git/"] {
        assert!(ignore.lines().any(|l| l == dir), "{dir} in .dockerignore");
    }
}

/// What one run of the action's steps did.
struct ActionRun {
    /// Each step: its id or name, and the exit code of its script (None: a `uses:` step, not run here).
    steps: Vec<(String, Option<i32>)>,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    log: String,
}

/// Run the composite action's steps as the runner does, without GitHub: each `run:` script with
/// `bash --noprofile --norc -eo pipefail`, its `env:` evaluated (`inputs.*` from `inputs` or the
/// defaults, `github.action_ref`, `steps.*.outputs.*`), `GITHUB_OUTPUT` and `GITHUB_PATH` honoured,
/// until a step fails. `uses:` steps are checked, not run.
fn run_action(inputs: &[(&str, &str)], runner: &[(&str, &str)], workspace: &Path, temp: &Path) -> ActionRun {
    let text = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    let (_, action) = yaml_text(&text);
    assert_eq!(str_at(&action, &["runs", "using"]), "composite");
    let declared = action.get("inputs").and_then(Node::as_map).unwrap();
    let mut values: BTreeMap<String, String> = declared
        .iter()
        .map(|(k, v)| {
            (k.as_str().unwrap().to_owned(), v.get("default").and_then(Node::as_str).unwrap_or("").to_owned())
        })
        .collect();
    for (k, v) in inputs {
        assert!(values.contains_key(*k), "the action has no input {k}");
        values.insert((*k).to_owned(), (*v).to_owned());
    }
    let mut outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut path = std::env::var("PATH").unwrap();
    let mut steps = Vec::new();
    let mut log = String::new();
    let eval = |value: &str, outputs: &BTreeMap<String, BTreeMap<String, String>>| -> String {
        let Some(expr) = value.strip_prefix("${{ ").and_then(|v| v.strip_suffix(" }}")) else {
            assert!(!value.contains("${{"), "one expression per value: {value}");
            return value.to_owned();
        };
        let parts: Vec<&str> = expr.split('.').collect();
        match parts.as_slice() {
            ["inputs", name] => values.get(*name).unwrap_or_else(|| panic!("no input {name}")).clone(),
            ["github", "action_ref"] => "main".to_owned(),
            ["steps", id, "outputs", name] => outputs.get(*id).and_then(|o| o.get(*name)).cloned().unwrap_or_default(),
            _ => panic!("an expression this test does not evaluate: {expr}"),
        }
    };
    for (n, step) in seq_at(&action, &["runs", "steps"]).iter().enumerate() {
        let id = step.get("id").and_then(Node::as_str).map_or_else(|| format!("step{n}"), str::to_owned);
        if let Some(uses) = step.get("uses").and_then(Node::as_str) {
            assert_eq!(uses, "github/codeql-action/upload-sarif@v4");
            assert_eq!(str_at(step, &["if"]), "${{ inputs.upload-sarif == 'true' }}");
            let sarif = eval(str_at(step, &["with", "sarif_file"]), &outputs);
            assert!(workspace.join(&sarif).is_file(), "the upload finds {sarif}");
            steps.push((id, None));
            continue;
        }
        let script = str_at(step, &["run"]);
        assert!(!script.contains("${{"), "inputs reach scripts through env: only (no injection): {script}");
        assert_eq!(str_at(step, &["shell"]), "bash");
        let output_file = temp.join(format!("output-{n}"));
        let path_file = temp.join(format!("path-{n}"));
        std::fs::write(&output_file, "").unwrap();
        std::fs::write(&path_file, "").unwrap();
        let script_file = temp.join(format!("step-{n}.sh"));
        std::fs::write(&script_file, script).unwrap();
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(workspace)
            .env("PATH", &path)
            .env("GITHUB_WORKSPACE", workspace)
            .env("RUNNER_TEMP", temp)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_PATH", &path_file);
        for (k, v) in runner {
            cmd.env(k, v);
        }
        for (k, v) in step.get("env").and_then(Node::as_map).unwrap_or(&[]) {
            cmd.env(k.as_str().unwrap(), eval(v.as_str().unwrap(), &outputs));
        }
        let out = cmd.output().unwrap();
        log.push_str(&format!("== {id}\n{}{}", stdout(&out), stderr(&out)));
        let set: BTreeMap<String, String> = std::fs::read_to_string(&output_file)
            .unwrap()
            .lines()
            .map(|l| {
                let (k, v) = l.split_once('=').unwrap();
                (k.to_owned(), v.to_owned())
            })
            .collect();
        outputs.insert(id.clone(), set);
        for dir in std::fs::read_to_string(&path_file).unwrap().lines() {
            path = format!("{dir}:{path}");
        }
        let code = out.status.code();
        steps.push((id, code));
        if code != Some(0) {
            break;
        }
    }
    ActionRun { steps, outputs, log }
}

#[test]
fn the_github_action_installs_the_checked_archive_lints_and_writes_valid_sarif() {
    let repo = repo();
    let work = Dir::new("realip-action");
    let version = crate_version();
    // The release folder as GitHub serves it: <download-url>/<version>/{archive, SHA256SUMS}.
    let releases = work.path().join("releases");
    let dist = releases.join(&version);
    let arch = match std::env::consts::ARCH {
        "x86_64" => ("x86_64-unknown-linux-musl", "X64"),
        "aarch64" => ("aarch64-unknown-linux-musl", "ARM64"),
        other => panic!("no release target for {other}"),
    };
    let manifest = work.path().join("realip-lint.yaml");
    std::fs::copy(repo.join("plugin/krew/realip-lint.yaml"), &manifest).unwrap();
    for args in [&["pack", arch.0, BIN][..], &["sums"]] {
        let out = release(args, &dist, &manifest, Path::new(""));
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let workspace = work.path().join("workspace");
    std::fs::create_dir_all(workspace.join("deploy/apps")).unwrap();
    std::fs::copy(repo.join("examples/nodeport-cluster.yaml"), workspace.join("deploy/nodeport-cluster.yaml")).unwrap();
    std::fs::copy(
        repo.join("examples/lb-ingress-controller.yaml"),
        workspace.join("deploy/apps/lb-ingress-controller.yaml"),
    )
    .unwrap();
    let url = format!("file://{}", releases.display());
    let runner = [("RUNNER_OS", "Linux"), ("RUNNER_ARCH", arch.1)];
    let temp = |name: &str| {
        let t = work.path().join(name);
        std::fs::create_dir_all(&t).unwrap();
        t
    };

    let inputs = [
        ("version", version.as_str()),
        ("path", "deploy"),
        ("nodes", "3"),
        ("sarif-file", "out/realip-lint.sarif"),
        ("download-url", &url),
    ];
    let run = run_action(&inputs, &runner, &workspace, &temp("t1"));
    let ids: Vec<(&str, Option<i32>)> = run.steps.iter().map(|(id, c)| (id.as_str(), *c)).collect();
    assert_eq!(ids, [("install", Some(0)), ("lint", Some(0)), ("step2", None), ("step3", Some(1))], "{}", run.log);
    assert!(
        run.log.contains(&format!("== install\nkubectl realip-lint {}\n", env!("CARGO_PKG_VERSION"))),
        "{}",
        run.log
    );
    assert!(
        run.log.contains("kubectl-realip_lint -f deploy -R --nodes 3 -o sarif > out/realip-lint.sarif"),
        "{}",
        run.log
    );
    assert_eq!(run.outputs["lint"]["exit-code"], "1", "the examples fail at the default level");
    assert_eq!(run.outputs["lint"]["sarif-file"], "out/realip-lint.sarif");
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(workspace.join("out/realip-lint.sarif")).unwrap()).unwrap();
    let errors = sarif_errors(&sarif);
    assert!(errors.is_empty(), "{errors:?}");
    let files: BTreeSet<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        BTreeSet::from(["deploy/apps/lb-ingress-controller.yaml", "deploy/nodeport-cluster.yaml"]),
        "-R walked"
    );
    assert!(run.log.contains("::error title=realip-lint::kubectl-realip_lint exited with 1"), "{}", run.log);

    // --fail-on never: the job passes, the report is still written.
    let never = [
        ("version", version.as_str()),
        ("path", "deploy"),
        ("fail-on", "never"),
        ("recursive", "false"),
        ("download-url", &url),
    ];
    let run = run_action(&never, &runner, &workspace, &temp("t2"));
    assert_eq!(run.steps.last().unwrap().1, Some(0), "{}", run.log);
    assert!(
        run.log.contains("kubectl-realip_lint -f deploy --fail-on never -o sarif > realip-lint.sarif"),
        "{}",
        run.log
    );
    assert!(workspace.join("realip-lint.sarif").is_file());

    // An archive that is not the one SHA256SUMS names is never run.
    let archive = dist.join(format!(
        "kubectl-realip_lint-{version}-linux-{}.tar.gz",
        if arch.1 == "X64" { "amd64" } else { "arm64" }
    ));
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.push(0);
    std::fs::write(&archive, bytes).unwrap();
    let run = run_action(&inputs, &runner, &workspace, &temp("t3"));
    assert_eq!(run.steps, [("install".to_owned(), Some(1))], "{}", run.log);
    assert!(run.log.contains("SHA256SUMS says"), "{}", run.log);

    // No release for the runner, or no version to install: a clear error.
    let run = run_action(&inputs, &[("RUNNER_OS", "Linux"), ("RUNNER_ARCH", "ARM")], &workspace, &temp("t4"));
    assert!(run.log.contains("no release for the runner architecture ARM"), "{}", run.log);
    let run = run_action(&[("download-url", &url)], &runner, &workspace, &temp("t5"));
    assert!(run.log.contains("set the input version (vX.Y.Z): the action is used at `main`"), "{}", run.log);
    assert_eq!(run.steps, [("install".to_owned(), Some(1))]);
}
