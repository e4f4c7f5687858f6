//! Every fixture, rendered exactly as a user sees it, against its committed snapshot: one test per
//! fixture, named `rule/case` (`cargo test --workspace --test fixtures -- allowlist-after-snat/`).
//!
//! Each fixture is linted with only its own rule on, so a new rule or a change to another rule
//! leaves its snapshot alone; `meta.rs` lints every fixture with all rules on. The snapshot
//! `<case>.snap` beside the fixture holds the human output (no colour, 100 columns) and the
//! diagnostics' exact positions. `INSTA_UPDATE=always` rewrites the snapshots that differ (review
//! the diff); by default a differing snapshot is written beside it as `<case>.snap.new`.

mod common;

use std::fmt::Write as _;

use common::{Fixture, all_fixtures};
use libtest_mimic::{Arguments, Failed, Trial};
use realip_lint_core::emit::human;
use realip_lint_core::lint;

fn check(fixture: &Fixture) -> Result<(), Failed> {
    let sources = fixture.sources();
    let report = lint(&sources, &fixture.options_own_rule(&sources));
    let mut out = human::render(&report, &sources, false, 100);
    out.push_str("\n--- positions ---\n");
    for d in &report.diagnostics {
        let _ = writeln!(
            out,
            "{} {} {}:{}:{}-{}:{} [{}..{}]",
            d.severity.as_str(),
            d.rule,
            d.file,
            d.start.line,
            d.start.column,
            d.end.line,
            d.end.column,
            d.start.offset,
            d.end.offset
        );
    }
    // Each fix: its diff in the snapshot, and what must hold once it is applied.
    let mut fix_failures = Vec::new();
    let all_rules = common::options(&sources);
    for d in &report.diagnostics {
        let Some(fix) = &d.fix else { continue };
        let _ = writeln!(
            out,
            "\n--- fix for {} at {}:{}: {} ({}) ---",
            d.rule,
            d.start.line,
            d.start.column,
            fix.title,
            fix.applicability.as_str()
        );
        match common::apply_fix(&sources, fix) {
            Ok(after) => out.push_str(&common::fix_diff(&sources, &after)),
            Err(e) => out.push_str(&format!("(the edits do not apply: {e})\n")),
        }
        if let Some(failure) = common::fix_failure(&sources, &all_rules, d) {
            fix_failures.push(format!("{} at {}:{}: {failure}", d.rule, d.start.line, d.start.column));
        }
    }
    // Both checks, so a case that fails its expectation still has its snapshot written on update.
    let expectation = fixture.expectation_failure(&report);
    let case = fixture.case();
    let snapshot = std::panic::catch_unwind(|| {
        insta::with_settings!({
            snapshot_path => fixture.path.parent().unwrap(),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(case, out);
        });
    });
    let expectation = match (expectation, fix_failures.is_empty()) {
        (e, true) => e,
        (Some(e), false) => Some(format!("{e}; {}", fix_failures.join("; "))),
        (None, false) => Some(fix_failures.join("; ")),
    };
    match (expectation, snapshot) {
        (Some(failure), Ok(())) => Err(failure.into()),
        (Some(failure), Err(_)) => Err(format!("{failure}; and the snapshot differs").into()),
        (None, Err(_)) => Err("the snapshot differs".into()),
        (None, Ok(())) => Ok(()),
    }
}

fn main() {
    let args = Arguments::from_args();
    let trials = all_fixtures().into_iter().map(|f| Trial::test(f.name(), move || check(&f))).collect();
    libtest_mimic::run(&args, trials).exit();
}
