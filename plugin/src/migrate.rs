//! `kubectl realip-lint migrate --before OLD --after NEW`: read both sides as `-f` and `-k` read
//! their inputs, compare them with `realip_lint_core::migrate`, and print the report: a table
//! per hostname, written to be pasted into a pull request's review, or `-o json`.

use std::io::Write as _;

use std::path::PathBuf;

use realip_lint_core::Source;
use realip_lint_core::migrate::{self, Side};
use realip_lint_core::origin::Remapper;
use realip_lint_core::run::Overrides;

use crate::args::{MigrateArgs, MigrateFormat};
use crate::{config, kubectl, walk};

/// Run the subcommand; the exit code: 2 on a usage error, 1 when a change is at or above the
/// fail level (an outage is an error; a lost or newly forgeable address a warning; any other
/// change information), else 0.
pub fn run(args: &MigrateArgs) -> u8 {
    let overrides = Overrides {
        namespace: args.namespace.clone(),
        nodes: args.nodes,
        fail_on: args.fail_on.map(Into::into),
        cloud: args.cloud.clone(),
    };
    let (loaded, settings) = config::settings(args.config.as_deref(), &overrides);
    let excluded = |p: &std::path::Path| loaded.as_ref().is_some_and(|l| l.excludes(p));
    if !settings.config_errors.is_empty() {
        for e in &settings.config_errors {
            eprintln!("error: {e}");
        }
        return 2;
    }
    if args.before.iter().any(|p| p == "-") && args.after.iter().any(|p| p == "-") {
        eprintln!("error: standard input (`-`) can be one side only: give the other side as files");
        return 2;
    }
    let walk = walk::Walk { recursive: args.recursive, respect_ignore: !args.no_ignore };
    let threads = crate::parallel::default_threads();
    let read = |paths: &[String], dirs: &[String]| {
        let mut inputs = walk::read_inputs_with(paths, walk, None, &excluded, &settings.options.limits, threads);
        let mut renders = Vec::new();
        for dir in dirs {
            match kubectl::kustomize(dir) {
                Ok(k) => {
                    if let Some((annotated, base)) = k.annotated {
                        renders.push((inputs.sources.len(), annotated, base));
                    }
                    inputs.sources.push(k.source);
                }
                Err(e) => inputs.errors.push(e),
            }
        }
        (inputs, renders)
    };
    let (old, old_renders) = read(&args.before, &args.before_kustomize);
    let (new, new_renders) = read(&args.after, &args.after_kustomize);
    let mut report = migrate::migrate(
        &Side { sources: &old.sources, options: &settings.options },
        &Side { sources: &new.sources, options: &settings.options },
    );
    // A `-k` side's places move from the rendered stream to the files that wrote them, as a
    // lint's findings do.
    remap(&mut report, "before", &old.sources, &old_renders);
    remap(&mut report, "after", &new.sources, &new_renders);
    let errors: Vec<String> = old.errors.iter().chain(&new.errors).cloned().collect();
    let cwd = std::env::current_dir().unwrap_or_default();
    let cwd_text = cwd.to_string_lossy();
    let relativize = |name: &str| crate::render::relative_path(name, &cwd);
    let ctx = realip_lint_core::emit::EmitContext {
        relativize: &relativize,
        ..realip_lint_core::emit::EmitContext::new(&new.sources, &errors, &cwd_text)
    };
    let out = match args.output {
        MigrateFormat::Json => report.to_json(),
        MigrateFormat::Human => migrate::render(&report),
        MigrateFormat::Sarif => migrate::sarif(&report, &ctx),
        MigrateFormat::Github => migrate::github(&report, &ctx),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    for e in &errors {
        eprintln!("error: {e}");
    }
    if !errors.is_empty() {
        return 2;
    }
    u8::from(report.fails(settings.fail_on))
}

/// Move the places of one side that lie in a kustomize render to the files that wrote them.
fn remap(report: &mut migrate::MigrateReport, side: &str, sources: &[Source], renders: &[(usize, String, PathBuf)]) {
    let Some((_, _, base)) = renders.first() else { return };
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut read = kubectl::origin_reader(base, &cwd);
    let mut remapper = Remapper::new(sources, &mut read);
    for (stream, annotated, _) in renders {
        remapper.add_render(*stream, annotated);
    }
    for d in report.hosts.iter_mut().flat_map(|h| h.differences.iter_mut()) {
        for p in d.places.iter_mut().filter(|p| p.side == side) {
            remapper.remap_place(&mut p.place.file, &mut p.place.start, &mut p.place.end);
        }
    }
}
