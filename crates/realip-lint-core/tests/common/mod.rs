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

/// A fix's edits applied to its sources (no other fix's).
pub fn apply_fix(sources: &[Source], fix: &realip_lint_core::fix::FixOut) -> Result<Vec<Source>, String> {
    let mut out = sources.to_vec();
    for (i, source) in out.iter_mut().enumerate() {
        let edits: Vec<_> = fix.edits.iter().filter(|e| e.source == i).map(|e| (e.span(), e.text.as_str())).collect();
        if !edits.is_empty() {
            source.text = realip_lint_core::fix::apply(&source.text, &edits).map_err(|e| format!("{e:?}"))?;
        }
    }
    Ok(out)
}

/// The unified diff a fix makes, file by file.
pub fn fix_diff(before: &[Source], after: &[Source]) -> String {
    before.iter().zip(after).map(|(a, b)| realip_lint_core::fix::unified_diff(&a.name, &a.text, &b.text)).collect()
}

/// What must hold for a fix that can be applied: its finding goes, no warning or error comes,
/// fixing everything the rule can fix a second time changes nothing, the text still parses (no
/// new YAML problem), and the objects are the same apart from the fields the fix names.
pub fn fix_failure(sources: &[Source], options: &Options, d: &realip_lint_core::Diagnostic) -> Option<String> {
    let before = realip_lint_core::lint(sources, options);
    if let Some(failure) = applied_fix_failure(sources, options, &before, d) {
        return Some(failure);
    }
    let mut own = options.clone();
    for rule in RULES.iter().filter(|r| r.name != d.rule) {
        own.rule_levels.insert(rule.name.to_owned(), None);
    }
    fixing_twice_failure(sources, &own)
}

/// [`fix_failure`] but for the second fixing, given the report of the sources as they are.
pub fn applied_fix_failure(
    sources: &[Source],
    options: &Options,
    before: &Report,
    d: &realip_lint_core::Diagnostic,
) -> Option<String> {
    let fix = d.fix.as_ref()?;
    if fix.applicability == realip_lint_core::fix::Applicability::DisplayOnly {
        return None;
    }
    let after = match apply_fix(sources, fix) {
        Ok(a) => a,
        Err(e) => return Some(format!("the fix's edits do not apply: {e}")),
    };
    if after.iter().zip(sources).all(|(a, b)| a.text == b.text) {
        return Some("the fix changes nothing".into());
    }
    let key = |d: &realip_lint_core::Diagnostic| d.key(&d.file);
    let report = realip_lint_core::lint(&after, options);
    if report.diagnostics.iter().any(|x| key(x) == key(d)) {
        return Some(format!("`{}` still fires after the fix", d.rule));
    }
    let old: std::collections::HashSet<_> =
        before.diagnostics.iter().filter(|x| x.severity > Severity::Info).map(key).collect();
    if let Some(new) = report.diagnostics.iter().find(|x| x.severity > Severity::Info && !old.contains(&key(x))) {
        return Some(format!("the fix adds {} `{}`: {}", new.severity.as_str(), new.rule, new.message));
    }
    for (a, b) in sources.iter().zip(&after) {
        let problems =
            |t: &str| realip_lint_core::yaml::parse_stream(t).iter().map(|d| d.problems.len()).sum::<usize>();
        if problems(&b.text) > problems(&a.text) {
            return Some(format!("{} no longer parses cleanly after the fix", b.name));
        }
        if std::path::Path::new(&b.name).extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
            && serde_json::from_str::<serde_json::Value>(&a.text).is_ok()
            && let Err(e) = serde_json::from_str::<serde_json::Value>(&b.text)
        {
            return Some(format!("{} is no longer JSON after the fix: {e}", b.name));
        }
    }
    same_objects_apart_from(sources, &after, &fix.fields)
}

/// Fixing everything (safe and unsafe) twice: the second time changes nothing.
pub fn fixing_twice_failure(sources: &[Source], options: &Options) -> Option<String> {
    use realip_lint_core::run::{Mode, fix_all};
    let once = fix_all(sources, Mode::Unsafe, &|s| realip_lint_core::lint(s, options));
    let twice = fix_all(&once.sources, Mode::Unsafe, &|s| realip_lint_core::lint(s, options));
    twice
        .sources
        .iter()
        .zip(&once.sources)
        .find(|(a, b)| a.text != b.text)
        .map(|(a, _)| format!("fixing a second time changes {} again", a.name))
}

/// The objects of two runs as JSON, by their reference, with the given fields taken out.
fn same_objects_apart_from(
    before: &[Source],
    after: &[Source],
    fields: &[(Option<String>, Vec<realip_lint_core::fix::Seg>)],
) -> Option<String> {
    use realip_lint_core::k8s::load::load;
    let limits = realip_lint_core::limits::Limits::default();
    // A field created with its parents is taken out at the first parent that was absent.
    let cut: Vec<_> = fields
        .iter()
        .map(|(obj, path)| {
            let old = load(before, "default", &limits)
                .objects
                .iter()
                .find(|o| obj.is_some() && o.reference().map(|r| r.label()) == *obj)
                .map(|o| to_json(&o.root));
            let mut n = path.len();
            if let Some(old) = old {
                for i in 1..=path.len() {
                    if get(&old, &path[..i]).is_none() {
                        n = i;
                        break;
                    }
                }
            }
            (obj.clone(), path[..n].to_vec())
        })
        .collect();
    let objects = |s: &[Source]| {
        load(s, "default", &limits)
            .objects
            .iter()
            .map(|o| {
                let mut v = to_json(&o.root);
                let r = o.reference().map(|r| r.label());
                for (obj, path) in &cut {
                    if obj.is_some() && *obj == r {
                        remove(&mut v, path);
                    }
                }
                (r, v)
            })
            .collect::<Vec<_>>()
    };
    let (a, b) = (objects(before), objects(after));
    if a.len() != b.len() {
        return Some(format!("the fix changes the number of objects: {} → {}", a.len(), b.len()));
    }
    a.iter()
        .zip(&b)
        .find(|(x, y)| x != y)
        .map(|(x, y)| format!("the fix changes more than its fields in {:?}:\n{}\n{}", x.0, x.1, y.1))
}

fn to_json(node: &realip_lint_core::yaml::Node) -> serde_json::Value {
    use realip_lint_core::yaml::NodeKind;
    match &node.kind {
        NodeKind::Scalar(s) => serde_json::Value::String(s.value.to_string()),
        NodeKind::Seq(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        NodeKind::Map(m) => serde_json::Value::Object(
            m.iter().map(|(k, v)| (k.as_str().unwrap_or("?").to_owned(), to_json(v))).collect(),
        ),
    }
}

fn get<'a>(v: &'a serde_json::Value, path: &[realip_lint_core::fix::Seg]) -> Option<&'a serde_json::Value> {
    use realip_lint_core::fix::Seg;
    path.iter().try_fold(v, |at, seg| match seg {
        Seg::Key(k) => at.get(k.as_str()),
        Seg::Index(i) => at.get(*i),
    })
}

fn remove(v: &mut serde_json::Value, path: &[realip_lint_core::fix::Seg]) {
    use realip_lint_core::fix::Seg;
    let Some((last, parent)) = path.split_last() else { return };
    let mut at = v;
    for seg in parent {
        let next = match seg {
            Seg::Key(k) => at.get_mut(k.as_str()),
            Seg::Index(i) => at.get_mut(*i),
        };
        match next {
            Some(n) => at = n,
            None => return,
        }
    }
    match (last, at) {
        (Seg::Key(k), serde_json::Value::Object(m)) => {
            m.remove(k.as_str());
        }
        (Seg::Index(i), serde_json::Value::Array(a)) if *i < a.len() => {
            a.remove(*i);
        }
        _ => {}
    }
}
