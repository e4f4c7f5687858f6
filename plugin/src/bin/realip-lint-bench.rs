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
    let inputs = read_inputs(std::slice::from_ref(dir), true, None);
    let bytes: usize = inputs.sources.iter().map(|s| s.text.len()).sum();
    let mut best = f64::MAX;
    let mut objects = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        match mode.as_str() {
            "parse" => {
                objects =
                    realip_lint_plugin::parallel::map(&inputs.sources, threads, |s| yaml::scan(&s.text)).iter().sum();
            }
            "lint" => {
                let report = realip_lint_plugin::lint_parallel(&inputs.sources, &Options::default(), threads);
                objects = report.summary.objects;
                std::hint::black_box(report.to_json());
            }
            other => {
                eprintln!("unknown mode {other}");
                std::process::exit(2);
            }
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    #[allow(clippy::cast_precision_loss)]
    let mb = bytes as f64 / 1_000_000.0;
    println!(
        "{{\"mode\": \"{mode}\", \"threads\": {threads}, \"files\": {}, \"bytes\": {bytes}, \"seconds\": {best:.4}, \"mb_per_s\": {:.1}, \"units\": {objects}}}",
        inputs.sources.len(),
        mb / best
    );
}
