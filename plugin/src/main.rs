//! `kubectl realip-lint`: the kubectl plugin face of realip-lint.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use realip_lint_core::baseline;
use realip_lint_core::diagnostic::{Diagnostic, Report, count};
use realip_lint_core::emit::{self, EmitContext, docs};
use realip_lint_core::fix;
use realip_lint_core::origin::Remapper;
use realip_lint_core::registry::{self, RULES};
use realip_lint_core::run::{self, Overrides, Settings};

use realip_lint_plugin::args::{self, Cli, Command, Format, ListFormat};
use realip_lint_plugin::{config, kubectl, render, walk};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Some(Command::Rules { output }) => rules(output),
        Some(Command::Explain { rule }) => explain(&rule),
        Some(Command::Trace(args)) => trace(&args),
        Some(Command::Lsp { .. }) => realip_lint_plugin::lsp::run(),
        Some(Command::Migrate(args)) => ExitCode::from(realip_lint_plugin::migrate::run(&args)),
        None => lint(&cli.lint),
    }
}

fn rules(output: ListFormat) -> ExitCode {
    let mut out = String::new();
    match output {
        ListFormat::Json => out = registry::rules_json(),
        ListFormat::Human => {
            let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
            for r in RULES {
                out.push_str(&format!("{:width$}  {:7}  {}\n", r.name, r.severity.as_str(), r.summary));
            }
        }
    }
    print(&out);
    ExitCode::SUCCESS
}

fn explain(name: &str) -> ExitCode {
    let Some(rule) = registry::rule(name) else {
        let hint = registry::similar_rule(name).map_or_else(String::new, |r| format!("did you mean `{r}`? "));
        eprintln!("error: unknown rule `{name}`; {hint}`kubectl realip-lint rules` lists them");
        return ExitCode::from(2);
    };
    print(&docs::explain(rule));
    ExitCode::SUCCESS
}

fn print(s: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(s.as_bytes());
    let _ = stdout.flush();
}

/// What every command that reads manifests starts from.
struct Prepared {
    inputs: walk::Inputs,
    /// Options, fail level and the config file's errors (the core's, shared with the Wasm face).
    settings: Settings,
    threads: usize,
    /// Every usage error (bad config, missing paths), reported after the output.
    errors: Vec<String>,
    renders: Renders,
}

fn prepare(args: &args::LintArgs) -> Option<Prepared> {
    let paths: Vec<String> = args.filename.iter().chain(&args.files).cloned().collect();
    if paths.is_empty() && args.kustomize.is_empty() && !args.cluster {
        eprintln!(
            "error: no input: give manifests with -f <file|dir|->, a kustomization with -k <dir>, or read the cluster with --cluster; e.g. `kubectl realip-lint -f deploy/ -R`"
        );
        return None;
    }
    if !args.cluster && (args.context.is_some() || args.kubeconfig.is_some() || args.all_namespaces) {
        eprintln!("error: --context, --kubeconfig and -A/--all-namespaces go with --cluster");
        return None;
    }
    let overrides = Overrides {
        namespace: args.namespace.clone(),
        nodes: args.nodes,
        fail_on: args.fail_on.map(Into::into),
        cloud: args.cloud.clone(),
    };
    let (loaded, settings) = config::settings(args.config.as_deref(), &overrides);
    let excluded = |p: &std::path::Path| loaded.as_ref().is_some_and(|l| l.excludes(p));
    // A bad config stops the run before anything is read or reported: its settings are not the
    // user's, and a report made without them (in CI: an upload) would mislead.
    if report_usage_errors(&settings.config_errors) {
        return None;
    }
    let threads = args.threads.map_or_else(realip_lint_plugin::parallel::default_threads, usize::from);
    let mut inputs = walk::read_inputs_with(
        &paths,
        walk::Walk { recursive: args.recursive, respect_ignore: !args.no_ignore },
        args.stdin_filename.as_deref(),
        &excluded,
        &settings.options.limits,
        threads,
    );
    let mut renders = Renders::default();
    for dir in &args.kustomize {
        match kubectl::kustomize(dir) {
            Ok(k) => {
                if let Some((annotated, base)) = k.annotated {
                    renders.streams.push((inputs.sources.len(), annotated));
                    renders.base.get_or_insert(base);
                }
                inputs.sources.push(k.source);
            }
            Err(e) => inputs.errors.push(e),
        }
    }
    if args.cluster {
        let (source, error) = kubectl::cluster(&kubectl::ClusterArgs {
            context: args.context.clone(),
            kubeconfig: args.kubeconfig.clone(),
            namespace: args.namespace.clone(),
            all_namespaces: args.all_namespaces,
        });
        inputs.sources.extend(source);
        inputs.errors.extend(error);
    }
    let errors = settings.errors(std::mem::take(&mut inputs.errors));
    Some(Prepared { inputs, settings, threads, errors, renders })
}

/// The `-k` renders whose findings move back to the user's files (`realip_lint_core::origin`).
#[derive(Default)]
struct Renders {
    /// (index of the rendered stream among the sources, its annotated twin).
    streams: Vec<(usize, String)>,
    /// The folder the annotations' paths are relative to.
    base: Option<std::path::PathBuf>,
}

impl Renders {
    /// Run `f` with a remapper over these renders; gives the files it read (they follow the
    /// sources, for the snippets of the human report).
    fn remap(
        &self,
        sources: &[realip_lint_core::Source],
        f: impl FnOnce(&mut Remapper),
    ) -> Vec<realip_lint_core::Source> {
        let Some(base) = &self.base else { return Vec::new() };
        let cwd = std::env::current_dir().unwrap_or_default();
        let mut read = kubectl::origin_reader(base, &cwd);
        let mut remapper = Remapper::new(sources, &mut read);
        for (stream, annotated) in &self.streams {
            remapper.add_render(*stream, annotated);
        }
        f(&mut remapper);
        remapper.into_extra()
    }
}

/// Print usage errors; true when there were any (exit 2).
fn report_usage_errors(errors: &[String]) -> bool {
    for e in errors {
        eprintln!("error: {e}");
    }
    !errors.is_empty()
}

fn color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn lint(args: &args::LintArgs) -> ExitCode {
    if args.fix || args.diff {
        return fix(args);
    }
    if args.unsafe_fixes {
        eprintln!(
            "error: --unsafe-fixes goes with --fix or --diff: `--fix --unsafe-fixes` applies them, `--diff --unsafe-fixes` shows them"
        );
        return ExitCode::from(2);
    }
    let Some(mut p) = prepare(args) else { return ExitCode::from(2) };
    let cwd = std::env::current_dir().unwrap_or_default();
    let baseline = match args.baseline.as_deref().map(|f| BaselineFile::open(f, &cwd)).transpose() {
        Ok(b) => b,
        Err(e) => {
            report_usage_errors(&[e]);
            return ExitCode::from(2);
        }
    };
    let linted = realip_lint_plugin::lint_parallel(&mut p.inputs.sources, &p.settings.options, p.threads);
    // The process ends after the output: the operating system takes the model back at once,
    // where dropping it would walk every tree (as rustc and ruff do with their large state).
    std::mem::forget(linted.models);
    let mut report = linted.report;
    let extra = p.renders.remap(&p.inputs.sources, |r| r.remap_report(&mut report));
    p.inputs.sources.extend(extra);
    // After the remap: the baseline keys findings on the files the user edits.
    if let Some(b) = &baseline
        && let Err(e) = b.apply(&mut report, args.update_baseline)
    {
        report_usage_errors(&[e]);
        return ExitCode::from(2);
    }
    print_report(args.output, &report, &p.inputs.sources, &p.errors, &cwd);
    report_usage_errors(&p.errors);
    ExitCode::from(p.settings.exit_code(&report, &p.errors))
}

/// `--fix` and `--diff`: lint, apply the fixes the mode allows, lint again until nothing changes
/// (the core's `run::fix_all`, as the Wasm `fix()` does); then rewrite the files, or print the
/// diff.
fn fix(args: &args::LintArgs) -> ExitCode {
    let paths: Vec<String> = args.filename.iter().chain(&args.files).cloned().collect();
    if let Some(why) = realip_lint_plugin::fix::refused(args.fix, &paths, !args.kustomize.is_empty(), args.cluster) {
        eprintln!("error: {why}");
        return ExitCode::from(2);
    }
    let Some(p) = prepare(args) else { return ExitCode::from(2) };
    let mode = if args.unsafe_fixes { run::Mode::Unsafe } else { run::Mode::Safe };
    let (options, threads) = (&p.settings.options, p.threads);
    let fixed = run::fix_all(&p.inputs.sources, mode, &|sources| {
        realip_lint_plugin::lint_parallel(&mut sources.to_vec(), options, threads).report
    });
    let changed: Vec<usize> = fixed.changed(&p.inputs.sources).collect();
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = |i: usize| {
        let name = &p.inputs.sources[i].name;
        render::relative_path(name, &cwd).unwrap_or_else(|| name.clone())
    };
    let names: Vec<String> = changed.iter().map(|&i| shown(i)).collect();
    if args.diff {
        let diff: String = changed
            .iter()
            .map(|&i| fix::unified_diff(&shown(i), &p.inputs.sources[i].text, &fixed.sources[i].text))
            .collect();
        print(&diff);
        eprintln!("{}", run::fix_summary(&fixed, &names, mode, false));
        if report_usage_errors(&p.errors) {
            return ExitCode::from(2);
        }
        return if changed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) };
    }
    let mut errors = p.errors.clone();
    let mut writer = realip_lint_plugin::fix::Writer::default();
    for &i in &changed {
        if let Err(e) = writer.write(&p.inputs.sources[i].name, &fixed.sources[i].text, &paths) {
            errors.push(e);
        }
    }
    print_report(args.output, &fixed.report, &fixed.sources, &errors, &cwd);
    // What was done goes where it cannot break a machine-read output.
    eprintln!("{}", run::fix_summary(&fixed, &names, mode, true));
    report_usage_errors(&errors);
    ExitCode::from(p.settings.exit_code(&fixed.report, &errors))
}

/// The report in the format asked for, on standard output, file names relative to `cwd`.
fn print_report(
    format: Format,
    report: &Report,
    sources: &[realip_lint_core::Source],
    errors: &[String],
    cwd: &std::path::Path,
) {
    let cwd_text = cwd.to_string_lossy();
    let relativize = |name: &str| render::relative_path(name, cwd);
    let ctx = EmitContext {
        color: color(),
        width: terminal_width(),
        relativize: &relativize,
        ..EmitContext::new(sources, errors, &cwd_text)
    };
    print(&emit::emit(format, report, &ctx));
}

fn trace(args: &args::LintArgs) -> ExitCode {
    if args.fix || args.diff || args.unsafe_fixes {
        eprintln!(
            "error: trace shows the client-IP path; --fix and --diff go with the lint: `kubectl realip-lint -f <path> --fix`"
        );
        return ExitCode::from(2);
    }
    if !matches!(args.output, Format::Human | Format::Json) {
        eprintln!(
            "error: trace prints -o human or -o json; SARIF, GitHub annotations and concise lines are for findings"
        );
        return ExitCode::from(2);
    }
    if args.baseline.is_some() {
        eprintln!("error: --baseline is for findings; trace shows every entry point");
        return ExitCode::from(2);
    }
    let Some(p) = prepare(args) else { return ExitCode::from(2) };
    let mut report = realip_lint_core::trace::trace(&p.inputs.sources, &p.settings.options);
    p.renders.remap(&p.inputs.sources, |r| r.remap_trace(&mut report));
    match args.output {
        Format::Json => print(&report.to_json()),
        _ => print(&render::trace::render(&report, color())),
    }
    if report_usage_errors(&p.errors) { ExitCode::from(2) } else { ExitCode::SUCCESS }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|&w: &usize| w >= 40).unwrap_or(100)
}

/// The `--baseline` file: where it is, and what it lists (`None`: it does not exist yet).
struct BaselineFile {
    path: std::path::PathBuf,
    /// The folder the entries' file names are relative to: the baseline's own, so the file
    /// works from any working directory.
    dir: std::path::PathBuf,
    cwd: std::path::PathBuf,
    listed: Option<baseline::Baseline>,
}

impl BaselineFile {
    /// Read and check it; a malformed file is a usage error at its exact place.
    fn open(path: &std::path::Path, cwd: &std::path::Path) -> Result<Self, String> {
        let shown = path.display().to_string();
        let listed = match std::fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| format!("{shown}: the baseline is not UTF-8 text"))?;
                Some(baseline::parse(&shown, &text)?)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(format!("{shown}: cannot read the baseline: {e}")),
        };
        let abs = render::normalize(&cwd.join(path));
        let dir = abs.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
        Ok(Self { path: path.to_path_buf(), dir, cwd: cwd.to_path_buf(), listed })
    }

    /// How an entry names a finding's file: relative to the baseline's folder, `/`-separated.
    fn file_of(&self, d: &Diagnostic) -> String {
        if render::is_stream_name(&d.file) {
            return d.file.clone();
        }
        let abs = render::normalize(&self.cwd.join(&d.file));
        let abs = std::fs::canonicalize(&abs).unwrap_or(abs);
        relative_to(&abs, &self.dir).unwrap_or_else(|| d.file.clone())
    }

    /// Write the file (when it does not exist, or with `--update-baseline`) or hide what it
    /// lists; either way, one line on standard error says what happened.
    fn apply(&self, report: &mut Report, update: bool) -> Result<(), String> {
        let shown = self.path.display();
        let file_of = |d: &Diagnostic| self.file_of(d);
        let empty = baseline::Baseline::default();
        let today = today();
        match &self.listed {
            Some(listed) if !update => {
                let applied = baseline::apply(report, listed, &file_of, &today);
                let mut note =
                    format!("note: {} hidden by the baseline {shown}", count(applied.hidden, "finding", "findings"));
                if applied.unmatched > 0 {
                    note.push_str(&format!(
                        " ({} no longer found: `--update-baseline` drops {})",
                        count(applied.unmatched, "entry is", "entries are"),
                        if applied.unmatched == 1 { "it" } else { "them" }
                    ));
                }
                eprintln!("{note}");
                for e in &applied.expired {
                    eprintln!(
                        "note: {shown}:{}: the baseline entry for `{}`{} expired on {}: its finding is reported again",
                        e.line,
                        e.key.rule,
                        e.key.object.as_ref().map_or_else(String::new, |o| format!(" on {o}")),
                        e.expires.as_deref().unwrap_or_default()
                    );
                }
            }
            listed => {
                let text = baseline::write(&report.diagnostics, &file_of, listed.as_ref().unwrap_or(&empty));
                std::fs::write(&self.path, text).map_err(|e| format!("{shown}: cannot write the baseline: {e}"))?;
                let n = report.diagnostics.len();
                // From now on the file lists them all: this run reports what the next one will.
                let written =
                    baseline::parse(&shown.to_string(), &baseline::write(&report.diagnostics, &file_of, &empty))?;
                baseline::apply(report, &written, &file_of, &today);
                eprintln!(
                    "note: {} {shown} with {}: later runs with --baseline report only new findings",
                    if listed.is_some() { "rewrote" } else { "wrote" },
                    count(n, "finding", "findings")
                );
            }
        }
        Ok(())
    }
}

/// `path` relative to the folder `base` (both absolute), with `..` where it lies outside it and
/// `/` separators; `None` when they share no root (another drive).
fn relative_to(path: &std::path::Path, base: &std::path::Path) -> Option<String> {
    let (p, b): (Vec<_>, Vec<_>) = (path.components().collect(), base.components().collect());
    if p.first() != b.first() {
        return None;
    }
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let up = std::iter::repeat_n("..".to_owned(), b.len() - common);
    let down = p[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned());
    Some(up.chain(down).collect::<Vec<_>>().join("/"))
}

/// Today as `YYYY-MM-DD` (UTC), for baseline expiry; `REALIP_LINT_TODAY` sets it (tests).
fn today() -> String {
    if let Ok(day) = std::env::var("REALIP_LINT_TODAY") {
        return day;
    }
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::{civil_from_days, relative_to};
    use std::path::Path;

    #[test]
    fn paths_relative_to_the_baseline_folder() {
        let rel = |p: &str, b: &str| relative_to(Path::new(p), Path::new(b));
        assert_eq!(rel("/r/deploy/a.yaml", "/r/ci").as_deref(), Some("../deploy/a.yaml"));
        assert_eq!(rel("/r/a.yaml", "/r").as_deref(), Some("a.yaml"));
        assert_eq!(rel("/r/ci/x/a.yaml", "/r/ci").as_deref(), Some("x/a.yaml"));
        assert_eq!(rel("/a.yaml", "/r/s").as_deref(), Some("../../a.yaml"));
    }

    #[test]
    fn days_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
