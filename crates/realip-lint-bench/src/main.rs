//! The benchmark driver: one measurement per process, so that `/usr/bin/time` gives each its
//! own peak memory. `scripts/bench.sh` runs it in every mode and prints the comparison.
//!
//! Usage: `realip-lint-bench <parse|lint> <dir> [threads] [rounds]` — prints one JSON line.

use std::time::Instant;

use realip_lint_core::{Options, yaml};
use realip_lint_plugin::walk::read_inputs;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(dir)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: realip-lint-bench <parse|lint> <dir> [threads] [rounds]");
        std::process::exit(2);
    };
    let threads: usize = args.get(3).and_then(|t| t.parse().ok()).unwrap_or(1);
    let rounds: usize = args.get(4).and_then(|r| r.parse().ok()).unwrap_or(3);
    let read = || read_inputs(std::slice::from_ref(dir), true, None);
    let first = read();
    let bytes: usize = first.sources.iter().map(|s| s.text.len()).sum();
    let files = first.sources.len();
    let mut next = Some(first);
    let mut best = f64::MAX;
    let mut objects = 0;
    for _ in 0..rounds {
        // The lint frees texts it will not quote: each round lints a fresh read, as a run does.
        let mut inputs = next.take().unwrap_or_else(read);
        let start = Instant::now();
        // What the command line frees at exit, freed after the clock stops (it never frees it).
        let mut keep = None;
        match mode.as_str() {
            "parse" => {
                objects =
                    realip_lint_plugin::parallel::map(&inputs.sources, threads, |s| yaml::scan(&s.text)).iter().sum();
            }
            "lint" => {
                let linted = realip_lint_plugin::lint_parallel(&mut inputs.sources, &Options::default(), threads);
                objects = linted.report.summary.objects;
                std::hint::black_box(realip_lint_core::emit::json::render(&linted.report));
                keep = Some(linted);
            }
            other => {
                eprintln!("unknown mode {other}");
                std::process::exit(2);
            }
        }
        best = best.min(start.elapsed().as_secs_f64());
        drop(keep);
    }
    #[allow(clippy::cast_precision_loss)]
    let mb = bytes as f64 / 1_000_000.0;
    println!(
        "{{\"mode\": \"{mode}\", \"threads\": {threads}, \"files\": {}, \"bytes\": {bytes}, \"seconds\": {best:.4}, \"mb_per_s\": {:.1}, \"units\": {objects}}}",
        files,
        mb / best
    );
}
