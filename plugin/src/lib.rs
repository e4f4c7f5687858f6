//! The kubectl plugin's pieces, shared by its binary and its tests.

pub mod args;
pub mod config;
pub mod docs;
pub mod kubectl;
pub mod parallel;
pub mod render;
pub mod walk;

use realip_lint_core::k8s::load::{self, Plan};
use realip_lint_core::{Options, Report, Source};

/// Lint with the per-file work (parsing, typing) spread over `threads` threads; the result is
/// the same as `realip_lint_core::lint` byte for byte.
pub fn lint_parallel(sources: &[Source], options: &Options, threads: usize) -> Report {
    let plans = load::plan(sources);
    let namespace = realip_lint_core::namespace(options);
    let indexes: Vec<usize> = (0..sources.len()).collect();
    let loads = parallel::map(&indexes, threads, |&i| {
        (plans[i] == Plan::Read).then(|| load::load_file(i, &sources[i], namespace, &options.limits))
    });
    realip_lint_core::lint_loaded(sources, load::assemble(&plans, loads), options)
}
