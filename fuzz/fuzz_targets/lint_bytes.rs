//! Arbitrary bytes, as a file: decoding, YAML, typing, the model and every rule must neither
//! panic nor hang, and every position must lie inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use realip_lint_core::{Options, Source, lint};

fuzz_target!(|data: &[u8]| {
    let source = Source::from_bytes("fuzz.yaml", data.to_vec());
    let len = source.text.len() as u32;
    let report = lint(std::slice::from_ref(&source), &Options { nodes: Some(3), ..Options::default() });
    for d in &report.diagnostics {
        assert!(d.start.offset <= d.end.offset && d.end.offset <= len.max(d.end.offset.min(len)));
    }
    let _ = realip_lint_core::emit::json::render(&report);
});
