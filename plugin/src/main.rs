//! `kubectl realip-lint`: the kubectl plugin face of realip-lint.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use realip_lint_core::origin::Remapper;
use realip_lint_core::registry::{self, RULES};
use realip_lint_core::run::{self, Overrides, Settings};

use realip_lint_plugin::args::{self, Cli, Command, Format, ListFormat};
use realip_lint_plugin::{config, docs, kubectl, render, walk};

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
        eprintln!("error: unknown rule `{name}`; `kubectl realip-lint rules` lists them");
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
    let loaded = config::load(args.config.as_deref());
    let excluded = |p: &std::path::Path| loaded.as_ref().is_some_and(|l| l.excludes(p));
    let overrides =
        Overrides { namespace: args.namespace.clone(), nodes: args.nodes, fail_on: args.fail_on.map(Into::into) };
    let settings = run::settings(loaded.as_ref().map(|l| &l.file), &overrides);
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
    let Some(mut p) = prepare(args) else { return ExitCode::from(2) };
    let linted = realip_lint_plugin::lint_parallel(&mut p.inputs.sources, &p.settings.options, p.threads);
    // The process ends after the output: the operating system takes the model back at once,
    // where dropping it would walk every tree (as rustc and ruff do with their large state).
    std::mem::forget(linted.models);
    let mut report = linted.report;
    let extra = p.renders.remap(&p.inputs.sources, |r| r.remap_report(&mut report));
    p.inputs.sources.extend(extra);
    let cwd = std::env::current_dir().unwrap_or_default();
    match args.output {
        Format::Json => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            let _ = report.write_json(&mut stdout).and_then(|()| stdout.flush());
        }
        Format::Sarif => print(&render::sarif::render(&report, &cwd)),
        Format::Github => print(&render::github::render(&report, &cwd)),
        Format::Human => print(&render::human::render(&report, &p.inputs.sources, color(), terminal_width())),
    }
    report_usage_errors(&p.errors);
    ExitCode::from(p.settings.exit_code(&report, &p.errors))
}

fn trace(args: &args::LintArgs) -> ExitCode {
    if matches!(args.output, Format::Sarif | Format::Github) {
        eprintln!("error: trace prints -o human or -o json; SARIF and GitHub annotations are for findings");
        return ExitCode::from(2);
    }
    let Some(p) = prepare(args) else { return ExitCode::from(2) };
    let mut report = realip_lint_core::trace::trace(&p.inputs.sources, &p.settings.options);
    p.renders.remap(&p.inputs.sources, |r| r.remap_trace(&mut report));
    match args.output {
        Format::Json => print(&report.to_json()),
        Format::Human | Format::Sarif | Format::Github => print(&render::trace::render(&report, color())),
    }
    if report_usage_errors(&p.errors) { ExitCode::from(2) } else { ExitCode::SUCCESS }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|&w: &usize| w >= 40).unwrap_or(100)
}
