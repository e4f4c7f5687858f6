//! The fixtures, read as the fixture test and the meta-tests read them.
//!
//! A fixture is `tests/fixtures/<rule>/<case>.yaml` (or `.yml`, `.json`, or a `<case>/` folder of
//! files). `fail*` cases must produce the rule, `info*` cases must produce it at info level only,
//! `pass*` cases must not. A first line `# args: --nodes 3 --namespace x` sets options.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use realip_lint_core::registry::RULES;
use realip_lint_core::{Options, Report, Severity, Source};

pub fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// One fixture: the rule it is written for and its case (a file or a folder).
pub struct Fixture {
    pub rule: &'static str,
    pub path: PathBuf,
}

impl Fixture {
    /// `fail`, `fail-networkpolicy`, `pass` …: the file stem, also the snapshot's name.
    pub fn case(&self) -> String {
        self.path.file_stem().unwrap().to_string_lossy().into_owned()
    }

    /// The test's name: `rule/case`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.rule, self.case())
    }

    /// The files, named `<rule>/<file>` (`<rule>/<case>/<file>` for a folder).
    pub fn sources(&self) -> Vec<Source> {
        let parent = self.path.parent().unwrap();
        let name = |p: &Path| format!("{}/{}", self.rule, p.strip_prefix(parent).unwrap().display());
        if self.path.is_dir() {
            let mut files = Vec::new();
            files_below(&self.path, &mut files);
            files.iter().map(|f| Source::new(name(f), std::fs::read_to_string(f).unwrap())).collect()
        } else {
            vec![Source::new(name(&self.path), std::fs::read_to_string(&self.path).unwrap())]
        }
    }

    /// The options with only this fixture's rule on: a new rule does not change its snapshot.
    pub fn options_own_rule(&self, sources: &[Source]) -> Options {
        let mut options = options(sources);
        for rule in RULES.iter().filter(|r| r.name != self.rule) {
            options.rule_levels.insert(rule.name.to_owned(), None);
        }
        options
    }

    /// What is wrong with the report for this case's prefix (`fail`, `info`, `pass`), if anything.
    pub fn expectation_failure(&self, report: &Report) -> Option<String> {
        let case = self.case();
        let rule = self.rule;
        let hits = report.diagnostics.iter().filter(|d| d.rule == rule).count();
        let louder = report.diagnostics.iter().any(|d| d.rule == rule && d.severity != Severity::Info);
        if case.starts_with("fail") && hits == 0 {
            Some(format!("{rule}/{case}: expected `{rule}` to fire"))
        } else if case.starts_with("info") && (hits == 0 || louder) {
            Some(format!("{rule}/{case}: expected `{rule}` to fire as info only"))
        } else if case.starts_with("pass") && hits > 0 {
            Some(format!("{rule}/{case}: expected `{rule}` not to fire"))
        } else {
            None
        }
    }
}

fn files_below(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    for p in entries {
        if p.is_dir() {
            files_below(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

/// The options of the first file's first line (`# args:`), every rule on.
pub fn options(sources: &[Source]) -> Options {
    options_of(sources[0].text.lines().next().unwrap_or_default())
}

pub fn options_of(first_line: &str) -> Options {
    let mut options = Options::default();
    let Some(args) = first_line.strip_prefix("# args:") else { return options };
    let words: Vec<&str> = args.split_whitespace().collect();
    for pair in words.chunks(2) {
        match pair {
            ["--nodes", n] => options.nodes = Some(n.parse().expect("--nodes N")),
            ["--namespace" | "-n", ns] => options.namespace = Some((*ns).to_owned()),
            ["--cloud", c] => options.cloud = Some((*c).to_owned()),
            other => panic!("unknown fixture args {other:?}"),
        }
    }
    options
}

/// The cases of one rule, sorted.
pub fn fixtures_of(rule: &'static str) -> Vec<Fixture> {
    let dir = fixtures_root().join(rule);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"))
        .collect();
    paths.sort();
    paths.into_iter().map(|path| Fixture { rule, path }).collect()
}

/// Every fixture of every registered rule, in the registry's order.
pub fn all_fixtures() -> Vec<Fixture> {
    RULES.iter().flat_map(|r| fixtures_of(r.name)).collect()
}
