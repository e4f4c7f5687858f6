//! The kubectl plugin's pieces, shared by its binary and its tests.

pub mod args;
pub mod config;
pub mod fix;
pub mod kubectl;
pub mod lsp;
pub mod migrate;
pub mod parallel;
pub mod render;
pub mod walk;

use std::sync::Mutex;

use realip_lint_core::k8s::load::{self, Plan};
use realip_lint_core::k8s::model::Model;
use realip_lint_core::{Options, Report, Source};

/// A lint's report, and the model it was made from.
pub struct Linted {
    pub report: Report,
    /// Every object's tree and typed value: freeing them is a walk over the whole input (5 % of
    /// a lint on the corpus), so the caller decides when. The command line never does, as the
    /// process ends right after the output: see `main.rs`.
    pub models: Vec<Model>,
}

/// Lint with the per-file work (parsing, typing) spread over `threads` threads; the report is
/// the same as `realip_lint_core::lint`'s byte for byte. The text of a file nothing can be
/// reported in (only kinds no rule reads) is freed once it is loaded: it was half the
/// corpus's bytes and a third of the peak memory.
pub fn lint_parallel(sources: &mut [Source], options: &Options, threads: usize) -> Linted {
    let plans = load::plan(sources);
    let namespace = realip_lint_core::namespace(options);
    let indexes: Vec<usize> = (0..sources.len()).collect();
    // Each file is loaded by one thread, which frees its text at once when it can: the lock only
    // lends the source out and is never contended.
    let cells: Vec<Mutex<&mut Source>> = sources.iter_mut().map(Mutex::new).collect();
    let loads = parallel::map(&indexes, threads, |&i| {
        if plans[i] != Plan::Read {
            return None;
        }
        let mut source = cells[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let load = load::load_file(i, &source, namespace, &options.limits);
        if !load.needs_text() {
            source.text = String::new();
        }
        Some(load)
    });
    drop(cells);
    let sources = &*sources;
    let models = realip_lint_core::build_models(sources, load::assemble(&plans, loads), options);
    let report = realip_lint_core::run_rules(sources, &models, options);
    Linted { report, models }
}
