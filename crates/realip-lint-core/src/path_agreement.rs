//! The client-IP path and the rules agree, in both directions, over every fixture, the examples
//! and the whole corpus: an entry whose address is lost or forgeable has a finding on its path,
//! and every client-IP finding sits on a hop of some entry, of a kind its rule speaks for.

use std::path::{Path as FsPath, PathBuf};

use crate::diagnostic::ObjectRef;
use crate::k8s::model::path::{Carrier, HopKind};
use crate::rules::Category;
use crate::{Options, Source, build_models, registry, run_rules};

fn root() -> PathBuf {
    FsPath::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus() -> PathBuf {
    let dir = std::env::var_os("REALIP_CORPUS").map_or_else(|| root().join("../shared/corpus"), PathBuf::from);
    assert!(dir.is_dir(), "the corpus is missing: expected {} (set REALIP_CORPUS)", dir.display());
    dir
}

fn manifest(p: &FsPath) -> bool {
    p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
}

/// Every manifest below `dir` outside Helm charts' `templates/`, in name order.
fn files(dir: &FsPath, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            let chart = p.file_name().is_some_and(|n| n == "templates") && dir.join("Chart.yaml").is_file();
            if !chart && !p.is_symlink() {
                files(&p, out);
            }
        } else if manifest(&p) {
            out.push(p);
        }
    }
}

fn read(paths: &[PathBuf]) -> Vec<Source> {
    paths.iter().filter_map(|p| Some(Source::new(p.display().to_string(), std::fs::read_to_string(p).ok()?))).collect()
}

fn options_of(first_line: &str) -> Options {
    let mut options = Options::default();
    let Some(args) = first_line.strip_prefix("# args:") else { return options };
    let words: Vec<&str> = args.split_whitespace().collect();
    for pair in words.chunks(2) {
        match pair {
            ["--nodes", n] => options.nodes = n.parse().ok(),
            ["--namespace" | "-n", ns] => options.namespace = Some((*ns).to_owned()),
            ["--cloud", c] => options.cloud = Some((*c).to_owned()),
            _ => {}
        }
    }
    options
}

/// What disagrees between the paths and the findings of these sources.
fn disagreements(what: &str, sources: &[Source], options: &Options) -> Vec<String> {
    let loaded = crate::k8s::load::load(sources, crate::namespace(options), &options.limits);
    let mut out = Vec::new();
    for model in build_models(sources, loaded, options) {
        let report = run_rules(sources, std::slice::from_ref(&model), options);
        // A finding the user suppressed is still a finding on the path.
        let findings: Vec<&crate::Diagnostic> =
            report.diagnostics.iter().chain(report.suppressed.iter().map(|s| &s.diagnostic)).collect();
        let on_hop = |d: &crate::Diagnostic, kind: HopKind, objects: &[usize]| {
            registry::rule(d.rule).is_some_and(|r| r.hops.contains(&kind))
                && d.object.as_ref().is_some_and(|o| {
                    objects.iter().any(|&i| model.objects[i].reference().as_ref() == Some::<&ObjectRef>(o))
                })
        };
        for e in &model.entries {
            if !matches!(e.path.carrier, Carrier::Lost | Carrier::Forgeable) {
                continue;
            }
            let found = e.path.hops.iter().any(|h| findings.iter().any(|d| on_hop(d, h.kind, &h.objects)));
            if !found {
                let name = model.objects[e.obj].display();
                out.push(format!("{what}: {} {name}: {:?} with no finding on its path", e.kind, e.path.carrier));
            }
        }
        for d in &findings {
            if registry::rule(d.rule).is_none_or(|r| r.category != Category::ClientIp) {
                continue;
            }
            let found = model.entries.iter().any(|e| e.path.hops.iter().any(|h| on_hop(d, h.kind, &h.objects)));
            if !found {
                out.push(format!("{what}: {} at {}:{} is on no hop of any entry", d.rule, d.file, d.start.line));
            }
        }
    }
    out
}

#[test]
fn every_fixture_and_example_agrees_with_its_paths() {
    let mut bad = Vec::new();
    let fixtures = FsPath::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for rule in registry::RULES {
        let Ok(entries) = std::fs::read_dir(fixtures.join(rule.name)) else { continue };
        let mut cases: Vec<PathBuf> =
            entries.filter_map(|e| Some(e.ok()?.path())).filter(|p| p.is_dir() || manifest(p)).collect();
        cases.sort();
        for case in cases {
            let mut paths = Vec::new();
            if case.is_dir() {
                files(&case, &mut paths);
            } else {
                paths.push(case.clone());
            }
            let sources = read(&paths);
            let first = sources.first().and_then(|s| s.text.lines().next()).unwrap_or_default().to_owned();
            bad.extend(disagreements(&case.display().to_string(), &sources, &options_of(&first)));
        }
    }
    let mut paths = Vec::new();
    files(&root().join("examples"), &mut paths);
    bad.extend(disagreements("examples", &read(&paths), &Options::default()));
    assert!(bad.is_empty(), "{} disagreements:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn the_corpus_agrees_with_its_paths() {
    let real = corpus().join("real");
    let mut folders: Vec<PathBuf> =
        std::fs::read_dir(&real).unwrap().filter_map(|e| Some(e.ok()?.path())).filter(|p| p.is_dir()).collect();
    folders.sort();
    assert!(folders.len() > 20, "only {} corpus folders: is the corpus whole?", folders.len());
    let mut bad = Vec::new();
    for folder in folders {
        let mut paths = Vec::new();
        files(&folder, &mut paths);
        bad.extend(disagreements(&folder.display().to_string(), &read(&paths), &Options::default()));
    }
    assert!(bad.is_empty(), "{} disagreements:\n{}", bad.len(), bad.join("\n"));
}
