//! The real-manifest sweep: every project folder of `../shared/corpus/real` (or `$REALIP_CORPUS`)
//! linted as one run, as a user would lint one repository. Fails on a panic, on an
//! `invalid-manifest` that is not in the reviewed list `tests/corpus/expected-invalid.tsv`, and
//! when the per-rule counts differ from `tests/corpus/summary.tsv` (the review record of what a
//! change did to real findings). `REALIP_UPDATE_CORPUS=1` rewrites both files; new invalid
//! entries get the reason `UNREVIEWED`, which fails until a person writes the reason.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::corpus;
use realip_lint_core::emit::json;
use realip_lint_core::{Options, lint};
use realip_lint_plugin::walk::read_inputs;

fn record_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus")
}

fn folders(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> =
        std::fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    out.sort();
    out
}

/// Lint one folder the way `kubectl realip-lint -f <folder> -R` does, file names relative to
/// the corpus root so the record is the same on every machine.
fn lint_folder(real: &Path, folder: &Path) -> realip_lint_core::Report {
    let (report, inputs) = lint_folder_serial(real, folder);
    // The plugin's parallel path gives the same report, byte for byte, whatever the threads.
    let parallel = realip_lint_plugin::lint_parallel(&mut inputs.sources.clone(), &Options::default(), 3).report;
    assert!(json::render(&report) == json::render(&parallel), "{}: parallel and serial lint differ", folder.display());
    report
}

fn lint_folder_serial(real: &Path, folder: &Path) -> (realip_lint_core::Report, realip_lint_plugin::walk::Inputs) {
    let mut inputs = read_inputs(&[folder.display().to_string()], true, None);
    assert!(inputs.errors.is_empty(), "{}: {:?}", folder.display(), inputs.errors);
    let prefix = format!("{}/", real.display());
    for s in &mut inputs.sources {
        s.name = s.name.strip_prefix(&prefix).unwrap_or(&s.name).to_owned();
    }
    (lint(&inputs.sources, &Options::default()), inputs)
}

#[test]
fn the_real_corpus_lints_without_panics_or_unexpected_invalid_manifests() {
    let real = corpus().join("real");
    let mut invalid = Vec::new();
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut panics = Vec::new();
    let (mut files, mut objects) = (0, 0);
    for folder in folders(&real) {
        let result = std::panic::catch_unwind(|| lint_folder(&real, &folder));
        let Ok(report) = result else {
            panics.push(folder.display().to_string());
            continue;
        };
        files += report.summary.files;
        objects += report.summary.objects;
        for d in &report.diagnostics {
            *counts.entry((d.rule.to_owned(), d.severity.as_str().to_owned())).or_default() += 1;
            if d.rule == "invalid-manifest" && d.severity == realip_lint_core::Severity::Error {
                invalid.push(format!(
                    "{}\t{}:{}\t{}",
                    d.file,
                    d.start.line,
                    d.start.column,
                    d.message.replace('\t', " ")
                ));
            }
        }
    }
    assert!(panics.is_empty(), "panicked on {panics:?}");
    assert!(files > 2000, "only {files} files read: is the corpus whole?");

    let expected_path = record_dir().join("expected-invalid.tsv");
    let expected_text = std::fs::read_to_string(&expected_path).unwrap_or_default();
    // file, position, message -> reason
    let mut reasons: BTreeMap<String, String> = BTreeMap::new();
    for line in expected_text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let mut parts = line.rsplitn(2, '\t');
        let reason = parts.next().unwrap().to_owned();
        reasons.insert(parts.next().unwrap_or_default().to_owned(), reason);
    }
    let found: BTreeSet<String> = invalid.into_iter().collect();
    let mut summary = format!("# rule\tseverity\tcount, over {files} files and {objects} objects\n");
    for ((rule, sev), n) in &counts {
        summary.push_str(&format!("{rule}\t{sev}\t{n}\n"));
    }
    if std::env::var_os("REALIP_UPDATE_CORPUS").is_some() {
        let mut text = String::from("# file\tposition\tmessage\treason (reviewed: why kubectl rejects it too)\n");
        for f in &found {
            text.push_str(&format!("{f}\t{}\n", reasons.get(f).map_or("UNREVIEWED", String::as_str)));
        }
        std::fs::write(&expected_path, text).unwrap();
        std::fs::write(record_dir().join("summary.tsv"), &summary).unwrap();
    }
    let unexpected: Vec<_> = found.iter().filter(|f| !reasons.contains_key(*f)).collect();
    let gone: Vec<_> = reasons.keys().filter(|k| !found.contains(*k)).collect();
    let unreviewed: Vec<_> =
        reasons.iter().filter(|(_, r)| r.as_str() == "UNREVIEWED" || r.trim().is_empty()).map(|(k, _)| k).collect();
    assert!(unexpected.is_empty(), "invalid-manifest not in tests/corpus/expected-invalid.tsv:\n{unexpected:#?}");
    assert!(gone.is_empty(), "expected invalid-manifest no longer reported (update the list):\n{gone:#?}");
    assert!(unreviewed.is_empty(), "entries without a reviewed reason:\n{unreviewed:#?}");
    let committed = std::fs::read_to_string(record_dir().join("summary.tsv")).unwrap_or_default();
    assert!(
        committed == summary,
        "per-rule counts over the corpus changed; review them and run with REALIP_UPDATE_CORPUS=1:\n--- committed\n{committed}--- now\n{summary}"
    );
}

#[test]
fn helm_templates_outside_a_chart_are_refused_cleanly() {
    let root = corpus().join("helm-templates");
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_file())
        .collect();
    assert!(files.len() >= 30, "only {} Helm templates found", files.len());
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let source = realip_lint_core::Source::new(f.display().to_string(), text);
        let report = lint(std::slice::from_ref(&source), &Options::default());
        let invalid: Vec<_> = report.diagnostics.iter().filter(|d| d.rule == "invalid-manifest").collect();
        assert_eq!(invalid.len(), 1, "{}: {:#?}", f.display(), report.diagnostics);
        let d = invalid[0];
        assert!(
            d.message.contains("Helm template") && d.help.contains("helm template"),
            "{}: {}",
            f.display(),
            d.message
        );
        assert_eq!(
            &source.text[d.start.offset as usize..d.end.offset as usize],
            "{{",
            "{}: label not on `{{{{`",
            f.display()
        );
    }
}

/// The files `yaml-libs.md` names: valid YAML that kubectl accepts and strict parsers refuse.
#[test]
fn the_named_hard_files_read_cleanly_and_duplicates_point_at_the_second_key() {
    let real = corpus().join("real");
    let clean = [
        "kubernetes__ingress-nginx@a18daabc/examples/daemonset/nginx-ingress-daemonset.yaml",
        "kubernetes__ingress-nginx@a18daabc/examples/scaling-deployment/nginx-ingress-deployment.yaml",
        "GoogleCloudPlatform__gke-networking-recipes/gateway/grpc/fe-deployment.yaml",
        "GoogleCloudPlatform__gke-networking-recipes/ingress/single-cluster/ingress-custom-grpc-health-check/example/fe-deployment.yaml",
        "kubesphere__ks-installer/roles/ks-core/ks-core/files/ks-core/crds/storage.kubesphere.io_storageclasseraccessor.yaml",
        "traefik__traefik/integration/fixtures/k8s/00-experimental-v1.5.1.yml",
    ];
    for f in clean {
        let text = std::fs::read_to_string(real.join(f)).unwrap();
        let report = lint(&[realip_lint_core::Source::new(f, text)], &Options::default());
        assert!(report.summary.objects > 0, "{f}: nothing read");
        assert!(!report.diagnostics.iter().any(|d| d.rule == "invalid-manifest"), "{f}: {:#?}", report.diagnostics);
    }
    let dups = [
        ("kubernetes__examples/_archived/openshift-origin/etcd-controller.yaml", 12, 3),
        ("kubernetes__examples/_archived/openshift-origin/etcd-discovery-controller.yaml", 12, 3),
        ("kubernetes__examples/_archived/openshift-origin/openshift-controller.yaml", 12, 3),
        ("kubernetes__examples/_archived/persistent-volume-provisioning/quobyte/quobyte-admin-secret.yaml", 9, 1),
        ("kubernetes__examples/_archived/volumes/scaleio/sc-pvc.yaml", 12, 3),
    ];
    for (f, line, column) in dups {
        let text = std::fs::read_to_string(real.join(f)).unwrap();
        let report = lint(&[realip_lint_core::Source::new(f, text)], &Options::default());
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.rule == "invalid-manifest")
            .unwrap_or_else(|| panic!("{f}: no invalid-manifest"));
        assert!(d.message.contains("duplicate key"), "{f}: {}", d.message);
        assert_eq!((d.start.line, d.start.column), (line, column), "{f}");
    }
}

/// A repository-wide run loses no finding of a folder that is linted apart (an environment whose
/// objects collide with a sibling's, `k8s::worlds`): every folder of every project whose files
/// are whole worlds of the project's run reports nothing the project's run does not. Folders
/// linked with the rest of the project are counted, not asserted: more context may settle a
/// finding there (a ConfigMap elsewhere that enables PROXY protocol).
#[test]
fn a_repository_run_loses_no_finding_of_a_folder_linted_apart() {
    use realip_lint_core::k8s::{load, worlds};
    let real = corpus().join("real");
    // What a user sees of a finding (the source indexes differ between runs).
    let key = |d: &realip_lint_core::Diagnostic| serde_json::to_string(d).unwrap();
    let (mut apart, mut linked, mut context_losses) = (0, 0, 0);
    let mut lost = Vec::new();
    for project in folders(&real) {
        let whole = lint_folder(&real, &project);
        let whole: BTreeSet<String> = whole.diagnostics.iter().map(key).collect();
        let all = read_inputs(&[project.display().to_string()], true, None).sources;
        let loaded = load::load(&all, "default", &realip_lint_core::limits::Limits::default());
        let mut world_of: BTreeMap<&str, usize> = BTreeMap::new();
        for (w, world) in worlds::assign(&all, &loaded).iter().enumerate() {
            for &f in &world.files {
                world_of.insert(all[f].name.as_str(), w);
            }
        }
        let dirs: Vec<PathBuf> = walkdir::WalkDir::new(&project)
            .min_depth(1)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .filter(|p| p.is_dir())
            .collect();
        for dir in dirs {
            let prefix = format!("{}/", dir.display());
            let inside: BTreeSet<usize> =
                world_of.iter().filter(|(n, _)| n.starts_with(&prefix)).map(|(_, w)| *w).collect();
            if inside.is_empty() {
                continue;
            }
            let whole_worlds = world_of.iter().all(|(n, w)| !inside.contains(w) || n.starts_with(&prefix));
            let part = lint_folder_serial(&real, &dir).0;
            let missing: Vec<String> = part
                .diagnostics
                .iter()
                .filter(|d| !whole.contains(&key(d)))
                .map(|d| format!("{}:{}:{} {}", d.file, d.start.line, d.start.column, d.rule))
                .collect();
            if whole_worlds {
                apart += 1;
                lost.extend(missing);
            } else {
                linked += 1;
                context_losses += missing.len();
                for m in &missing {
                    eprintln!("settled by the rest of the project: {m}");
                }
            }
        }
    }
    eprintln!(
        "folders linted apart: {apart}; linked with the rest: {linked}, where the whole run settles {context_losses} findings of the folder alone"
    );
    assert!(apart > 10, "only {apart} folders are linted apart: is the corpus whole?");
    assert!(lost.is_empty(), "findings of folders linted apart that the repository run lost:\n{lost:#?}");
}

/// The fixture checks of fixes (`crates/realip-lint-core/tests/common`), shared.
#[path = "../../crates/realip-lint-core/tests/common/mod.rs"]
mod fixture_common;

/// Every fix the corpus gets, safe or unsafe, applied in memory to its folder: its finding goes,
/// no warning or error comes, the text still parses, the objects change only in the fields the
/// fix names, and fixing everything a second time changes nothing.
#[test]
fn every_fix_on_the_corpus_holds() {
    let real = corpus().join("real");
    let options = Options::default();
    let (mut fixes, mut problems) = (0, Vec::new());
    for folder in folders(&real) {
        let (report, inputs) = lint_folder_serial(&real, &folder);
        let mut any = false;
        for d in report.diagnostics.iter().filter(|d| d.fix.is_some()) {
            if d.fix.as_ref().is_some_and(|f| f.applicability == realip_lint_core::fix::Applicability::DisplayOnly) {
                continue;
            }
            fixes += 1;
            any = true;
            if let Some(p) = fixture_common::applied_fix_failure(&inputs.sources, &options, &report, d) {
                problems.push(format!("{}:{}:{} {}: {p}", d.file, d.start.line, d.start.column, d.rule));
            }
        }
        if any && let Some(p) = fixture_common::fixing_twice_failure(&inputs.sources, &options) {
            problems.push(format!("{}: {p}", folder.display()));
        }
    }
    assert!(problems.is_empty(), "{} of {fixes} fixes fail:\n{}", problems.len(), problems.join("\n"));
    assert!(fixes > 10, "only {fixes} fixes on the corpus: are the fixes attached?");
}
