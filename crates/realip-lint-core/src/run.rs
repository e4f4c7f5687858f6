//! What every face does around the lint, once its I/O is done: the settings (what the caller
//! says wins over the config file), the usage errors and the exit code. The kubectl plugin and
//! the Wasm module both go through [`settings`] and [`Settings::finish`], so the two cannot
//! disagree on any of it.

use crate::config::{ConfigFile, FailOn};
use crate::diagnostic::Diagnostic;
use crate::fix::Applicability;
use crate::source::Span;
use crate::{Options, Report, Source, lint};

/// What the command line (or a JavaScript caller) says; each value given wins over the config.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// The namespace of objects that name none (`-n`).
    pub namespace: Option<String>,
    /// Eligible nodes when the input has no Node objects (`--nodes`).
    pub nodes: Option<u32>,
    /// `--fail-on`.
    pub fail_on: Option<FailOn>,
    /// The load-balancer provider a plain `type: LoadBalancer` gets (`--cloud`).
    pub cloud: Option<String>,
}

/// The settings of a run: the lint options (limits included, which a face needs before it
/// reads), the fail level, and the config file's usage errors.
#[derive(Debug, Clone)]
pub struct Settings {
    pub options: Options,
    pub fail_on: FailOn,
    pub config_errors: Vec<String>,
}

/// The settings from the config file (if any) and the overrides.
pub fn settings(config: Option<&ConfigFile>, overrides: &Overrides) -> Settings {
    let mut options = config.map_or_else(Options::default, |c| Options::from_config(&c.config));
    options.namespace.clone_from(&overrides.namespace);
    if overrides.nodes.is_some() {
        options.nodes = overrides.nodes;
    }
    let fail_on = overrides.fail_on.or_else(|| config.and_then(|c| c.config.fail_on)).unwrap_or_default();
    let mut config_errors = config.map(|c| c.errors.clone()).unwrap_or_default();
    if let Some(cloud) = &overrides.cloud {
        // A name the config file would refuse is a usage error here too, with the same words.
        match crate::config::cloud_error(cloud) {
            None => options.cloud = Some(cloud.clone()),
            Some(e) => config_errors.push(format!("--cloud: {e}")),
        }
    }
    Settings { options, fail_on, config_errors }
}

impl Settings {
    /// Every usage error, the config file's first, then the face's own (a path that does not
    /// exist): reported on standard error after the output, never in the JSON.
    pub fn errors(&self, face_errors: Vec<String>) -> Vec<String> {
        let mut errors = self.config_errors.clone();
        errors.extend(face_errors);
        errors
    }

    /// The exit code of a lint: `2` on a usage error, else `1` with a finding at or above the
    /// fail level, else `0`.
    pub fn exit_code(&self, report: &Report, errors: &[String]) -> u8 {
        if errors.is_empty() { u8::from(self.fail_on.fails(report)) } else { 2 }
    }
}

/// The result of a lint run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// `None` when the config file is bad: a run stops before linting (exit 2, no report), as
    /// the settings it would lint with are not the user's.
    pub report: Option<Report>,
    /// See [`Settings::errors`].
    pub errors: Vec<String>,
    /// See [`Settings::exit_code`].
    pub exit_code: u8,
}

/// Lint `sources` (read with `settings.options.limits`) on one thread; `face_errors` are the
/// usage errors the face met while reading its inputs (the rest was still read and is linted).
pub fn run(sources: &[Source], settings: &Settings, face_errors: Vec<String>) -> Outcome {
    let errors = settings.errors(face_errors);
    if !settings.config_errors.is_empty() {
        return Outcome { report: None, errors, exit_code: 2 };
    }
    let report = lint(sources, &settings.options);
    let exit_code = settings.exit_code(&report, &errors);
    Outcome { report: Some(report), errors, exit_code }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODEPORT: &str =
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  selector: {app: web}\n";

    fn code(sources: &[Source], config: Option<&ConfigFile>, o: &Overrides, face: Vec<String>) -> u8 {
        run(sources, &settings(config, o), face).exit_code
    }

    #[test]
    fn the_exit_code_follows_the_fail_level_and_usage_errors() {
        let sources = [Source::new("a.yaml", NODEPORT)];
        let none = Overrides::default();
        assert_eq!(code(&sources, None, &none, Vec::new()), 0, "an info is below `warning`");
        let info = Overrides { fail_on: Some(FailOn::Info), ..Overrides::default() };
        assert_eq!(code(&sources, None, &info, Vec::new()), 1);
        let config = ConfigFile::parse(".realip-lint.yaml", "fail-on: info\n", &crate::registry::names());
        assert_eq!(code(&sources, Some(&config), &none, Vec::new()), 1, "the config's fail level");
        let never = Overrides { fail_on: Some(FailOn::Never), ..Overrides::default() };
        assert_eq!(code(&sources, Some(&config), &never, Vec::new()), 0, "the flag wins");
        let out = run(&sources, &settings(None, &none), vec!["the path \"x\" does not exist".into()]);
        let files = out.report.as_ref().map(|r| r.summary.files);
        assert_eq!((out.exit_code, files), (2, Some(1)), "a usage error, after linting the rest");
        let bad = ConfigFile::parse("c.yaml", "nodez: 1\n", &crate::registry::names());
        let out = run(&sources, &settings(Some(&bad), &none), vec!["later".into()]);
        assert_eq!(out.exit_code, 2);
        assert!(out.report.is_none(), "a bad config stops before the report");
        assert!(out.errors[0].starts_with("c.yaml:1:1: unknown setting") && out.errors[1] == "later");
    }

    #[test]
    fn cloud_is_checked_like_the_config_value() {
        let aws = Overrides { cloud: Some("aws".into()), ..Overrides::default() };
        assert_eq!(settings(None, &aws).options.cloud.as_deref(), Some("aws"));
        let typo = Overrides { cloud: Some("awss".into()), ..Overrides::default() };
        let s = settings(None, &typo);
        assert!(s.options.cloud.is_none());
        assert!(s.config_errors[0].starts_with("--cloud: `cloud: awss` is not one of"), "{:?}", s.config_errors);
        assert!(s.config_errors[0].ends_with("did you mean `aws`?"), "{:?}", s.config_errors);
        let out = run(&[Source::new("a.yaml", NODEPORT)], &s, Vec::new());
        assert_eq!((out.exit_code, out.report.is_none()), (2, true), "a usage error stops the run");
    }

    #[test]
    fn overrides_win_over_the_config() {
        let config = ConfigFile::parse(
            ".realip-lint.yaml",
            "nodes: 3\nfail-on: error\nlimits: {file-bytes: 100}\n",
            &crate::registry::names(),
        );
        let s = settings(Some(&config), &Overrides::default());
        assert_eq!((s.options.nodes, s.fail_on, s.options.limits.file_bytes), (Some(3), FailOn::Error, 100));
        let o = Overrides { namespace: Some("shop".into()), nodes: Some(5), fail_on: Some(FailOn::Never), cloud: None };
        let s = settings(Some(&config), &o);
        assert_eq!(
            (s.options.nodes, s.options.namespace.as_deref(), s.fail_on),
            (Some(5), Some("shop"), FailOn::Never)
        );
    }
}

/// Which fixes a run applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Safe fixes only (`--fix`).
    Safe,
    /// Safe and unsafe fixes (`--fix --unsafe-fixes`).
    Unsafe,
}

impl Mode {
    pub fn applies(self, a: Applicability) -> bool {
        match self {
            Mode::Safe => a == Applicability::Safe,
            Mode::Unsafe => a >= Applicability::Unsafe,
        }
    }
}

/// The fixes of one report that can be applied together: in the contract's order, each fix whose
/// edits overlap none of an earlier chosen fix's (a fix spanning files is taken whole or not at
/// all). Returns the new text of each changed source, by source index, and the diagnostics fixed.
pub fn apply_fixes(sources: &[Source], report: &Report, mode: Mode) -> (Vec<(usize, String)>, Vec<Diagnostic>) {
    let mut taken: Vec<Vec<(Span, &str)>> = vec![Vec::new(); sources.len()];
    let mut fixed = Vec::new();
    for d in &report.diagnostics {
        let Some(fix) = &d.fix else { continue };
        if !mode.applies(fix.applicability) || fix.edits.is_empty() {
            continue;
        }
        let clashes = clashes(&fix.edits, &taken, sources.len());
        if clashes {
            continue;
        }
        for e in &fix.edits {
            taken[e.source].push((e.span(), e.text.as_str()));
        }
        fixed.push(d.clone());
    }
    let mut out = Vec::new();
    for (i, edits) in taken.iter().enumerate() {
        if edits.is_empty() {
            continue;
        }
        if let Ok(text) = crate::fix::apply(&sources[i].text, edits)
            && text != sources[i].text
        {
            out.push((i, text));
        }
    }
    (out, fixed)
}

/// Whether a fix's edits cannot be applied with those already taken (by source): a range outside
/// the sources, or one that overlaps a taken edit. Within one fix, insertions at one offset are
/// in the order the core wrote them (the deeper mapping's first), so only shared bytes clash.
fn clashes(edits: &[crate::fix::EditOut], taken: &[Vec<(Span, &str)>], sources: usize) -> bool {
    edits.iter().enumerate().any(|(i, e)| {
        e.source >= sources
            || taken[e.source].iter().any(|(s, _)| overlaps(*s, e.span()))
            || edits.iter().enumerate().any(|(j, o)| {
                i != j && o.source == e.source && o.span().start < e.span().end && e.span().start < o.span().end
            })
    })
}

/// Two ranges overlap when they share a byte, or when both insert at the same offset (their
/// order would be arbitrary).
fn overlaps(a: Span, b: Span) -> bool {
    (a.start < b.end && b.start < a.end) || (a.is_empty() && b.is_empty() && a.start == b.start)
}

/// The outcome of [`fix_all`].
#[derive(Debug, Clone)]
pub struct Fixed {
    /// The sources after fixing (unchanged ones as they were).
    pub sources: Vec<Source>,
    /// The report of the fixed sources.
    pub report: Report,
    /// What was fixed, as found before each pass.
    pub fixed: Vec<Diagnostic>,
}

impl Fixed {
    /// The indexes of the sources whose text changed.
    pub fn changed<'a>(&'a self, before: &'a [Source]) -> impl Iterator<Item = usize> + 'a {
        self.sources.iter().zip(before).enumerate().filter(|(_, (a, b))| a.text != b.text).map(|(i, _)| i)
    }
}

/// The line that says what a fix run did: `fixed 2 findings in 1 file (svc.yaml)` (or, for a
/// diff, `would fix …`), and what a mode with more fixes would still do. `names` are the changed
/// files as the face shows them. The CLI prints it on standard error; the Wasm `fix()` returns it.
pub fn fix_summary(fixed: &Fixed, names: &[String], mode: Mode, applied: bool) -> String {
    let unsafe_left = fixed
        .report
        .diagnostics
        .iter()
        .filter(|d| d.fix.as_ref().is_some_and(|f| f.applicability == Applicability::Unsafe))
        .count();
    let hint = if mode == Mode::Safe && unsafe_left > 0 {
        format!("; --unsafe-fixes would fix {unsafe_left} more (they change behaviour on purpose)")
    } else {
        String::new()
    };
    let findings = crate::diagnostic::count(fixed.fixed.len(), "finding", "findings");
    let files = crate::diagnostic::count(names.len(), "file", "files");
    match (names.is_empty(), applied) {
        (true, true) => format!("fixed nothing{hint}"),
        (true, false) => format!("nothing to fix{hint}"),
        (false, true) => format!("fixed {findings} in {files} ({}){hint}", names.join(", ")),
        (false, false) => format!("would fix {findings} in {files}{hint}"),
    }
}

/// How many lint-and-fix passes [`fix_all`] makes at most (a fix may enable another; a pass that
/// changes nothing ends it).
pub const MAX_PASSES: usize = 8;

/// Lint, apply the fixes `mode` allows, lint again, until nothing changes: the text `--fix` writes
/// and the report it prints. `lint` is the face's lint (it may add a config or a baseline).
pub fn fix_all(sources: &[Source], mode: Mode, lint: &dyn Fn(&[Source]) -> Report) -> Fixed {
    let mut current: Vec<Source> = sources.to_vec();
    let mut report = lint(&current);
    let mut fixed = Vec::new();
    for _ in 0..MAX_PASSES {
        let (changes, done) = apply_fixes(&current, &report, mode);
        if changes.is_empty() {
            break;
        }
        for (i, text) in changes {
            current[i].text = text;
        }
        fixed.extend(done);
        report = lint(&current);
    }
    Fixed { sources: current, report, fixed }
}

#[cfg(test)]
mod fix_tests {
    use super::*;

    #[test]
    fn modes_apply_what_they_say() {
        assert!(Mode::Safe.applies(Applicability::Safe));
        assert!(!Mode::Safe.applies(Applicability::Unsafe));
        assert!(Mode::Unsafe.applies(Applicability::Unsafe));
        assert!(!Mode::Unsafe.applies(Applicability::DisplayOnly));
    }

    fn edit(source: usize, start: u32, end: u32) -> crate::fix::EditOut {
        let at = |offset| crate::source::Position { line: 1, column: 1, offset };
        crate::fix::EditOut { file: String::new(), start: at(start), end: at(end), text: "x".into(), source }
    }

    #[test]
    fn fixes_clash_on_shared_bytes_and_on_another_fixs_insertion_point() {
        let none: Vec<Vec<(Span, &str)>> = vec![Vec::new(), Vec::new()];
        // Two insertions at one offset in one fix: ordered by the core, no clash.
        assert!(!clashes(&[edit(0, 5, 5), edit(0, 5, 5)], &none, 2));
        assert!(clashes(&[edit(0, 2, 6), edit(0, 5, 8)], &none, 2), "shared bytes");
        assert!(clashes(&[edit(2, 0, 0)], &none, 2), "no such source");
        let taken = vec![vec![(Span::new(5, 5), "y")], Vec::new()];
        assert!(clashes(&[edit(0, 5, 5)], &taken, 2), "another fix inserts there");
        assert!(!clashes(&[edit(1, 5, 5)], &taken, 2), "another file");
    }

    #[test]
    fn fix_all_applies_until_nothing_changes_and_keeps_the_rest() {
        let text = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: local # keep me\n  selector: {app: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {type: NodePort, externalTrafficPolicy: \"cluster\", selector: {app: b}}\n";
        let sources = [Source::new("a.yaml", text)];
        let options = Options::default();
        let fixed = fix_all(&sources, Mode::Safe, &|s| lint(s, &options));
        assert_eq!(fixed.fixed.len(), 2);
        assert_eq!(fixed.changed(&sources).collect::<Vec<_>>(), vec![0]);
        let out = &fixed.sources[0].text;
        assert!(out.contains("externalTrafficPolicy: Local # keep me"), "{out}");
        assert!(out.contains("externalTrafficPolicy: \"Cluster\","), "{out}");
        assert!(fixed.report.diagnostics.iter().all(|d| d.rule != "external-traffic-policy-invalid-value"));
        // Unsafe fixes wait for the unsafe mode.
        let internal = "apiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec:\n  type: ClusterIP\n  externalTrafficPolicy: Local\n  ports: [{port: 80}]\n";
        let sources = [Source::new("c.yaml", internal)];
        assert_eq!(fix_all(&sources, Mode::Safe, &|s| lint(s, &options)).changed(&sources).count(), 0);
        let fixed = fix_all(&sources, Mode::Unsafe, &|s| lint(s, &options));
        assert_eq!(fixed.sources[0].text, internal.replace("  externalTrafficPolicy: Local\n", ""));
    }
}
