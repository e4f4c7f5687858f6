//! Inputs built to break a linter: each must give a clear diagnostic in bounded time and memory,
//! and the rest of the input must still be linted. Time bounds here are generous hang guards
//! (speed is measured by the benchmark, not by tests).

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{BIN, Dir};

const GOOD: &str =
    "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  selector: {app: web}\n";

/// Run with a hang guard; returns the output and the parsed JSON report.
fn lint(args: &[&str], stdin: Option<&[u8]>) -> (Output, serde_json::Value) {
    let start = Instant::now();
    let mut child = Command::new(BIN)
        .args(args)
        .args(["-o", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.map(<[u8]>::to_vec);
    let writer = std::thread::spawn(move || {
        if let Some(d) = data {
            let _ = input.write_all(&d);
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(start.elapsed() < Duration::from_mins(2), "took {:?}", start.elapsed());
    let report =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out, report)
}

fn messages(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {}", d["rule"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect()
}

fn has(report: &serde_json::Value, needle: &str) -> bool {
    messages(report).iter().any(|m| m.contains(needle))
}

#[test]
fn an_alias_bomb_is_refused_and_the_next_file_is_linted() {
    let d = Dir::new("bomb");
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    let bomb = d.file("bomb.yaml", text);
    let good = d.file("good.yaml", GOOD);
    let (out, r) = lint(&["-f", bomb.to_str().unwrap(), "-f", good.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(has(&r, "`alias-nodes` limit"), "{:?}", messages(&r));
    assert_eq!(r["summary"]["objects"], 1, "the other file is still linted");
}

#[test]
fn ten_thousand_levels_of_nesting_block_and_flow() {
    let block: String = (0..10_000usize).flat_map(|i| [" ".repeat(i), "- \n".to_owned()]).collect();
    for (tag, text) in [("flow", "[".repeat(10_000)), ("block", "- ".repeat(10_000)), ("indented block", block)] {
        let (out, r) = lint(&["-f", "-"], Some(text.as_bytes()));
        assert_eq!(out.status.code(), Some(1), "{tag}");
        assert!(has(&r, "`nesting` limit"), "{tag}: {:?}", messages(&r));
    }
}

#[test]
fn a_100_mb_manifest_is_refused_by_the_size_limit_without_reading_it_whole() {
    let d = Dir::new("big");
    let mut f = std::fs::File::create(d.path().join("big.yaml")).unwrap();
    let chunk = "# padding padding padding padding padding padding padding padding padding\n".repeat(1000);
    let mut written = 0;
    while written < 100 * 1024 * 1024 {
        f.write_all(chunk.as_bytes()).unwrap();
        written += chunk.len();
    }
    drop(f);
    let good = d.file("good.yaml", GOOD);
    let (out, r) = lint(&["-f", d.path().to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(has(&r, "`file-bytes` limit"), "{:?}", messages(&r));
    assert_eq!(r["summary"]["objects"], 1);
    let _ = good;
    // And through a pipe, where the size is not known in advance.
    let big = std::fs::read(d.path().join("big.yaml")).unwrap();
    let (_, r) = lint(&["-f", "-"], Some(&big));
    assert!(has(&r, "`file-bytes` limit"));
}

#[test]
fn the_size_limit_is_configurable() {
    let d = Dir::new("limit");
    d.file(".realip-lint.yaml", "limits: {file-bytes: 50, documents: 2}\n");
    let small = d.file("small.yaml", "a: 1\n");
    let over = d.file("over.yaml", GOOD);
    let many = d.file("many.yaml", "a: 1\n---\na: 2\n---\na: 3\n");
    let out = Command::new(BIN)
        .args(["-f", "small.yaml", "-f", "over.yaml", "-f", "many.yaml", "-o", "json"])
        .current_dir(d.path())
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = messages(&r);
    assert!(m.iter().any(|x| x.contains("over the `file-bytes` limit of 50 bytes")), "{m:?}");
    assert!(m.iter().any(|x| x.contains("more than 2 documents")), "{m:?}");
    let _ = (small, over, many);
}

#[test]
fn a_hundred_thousand_documents_in_one_stream() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n".repeat(100_000);
    let (out, r) = lint(&["-f", "-"], Some(text.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    assert!(has(&r, "more than 50000 documents"), "{:?}", &messages(&r)[..3.min(messages(&r).len())]);
}

#[test]
fn binary_invalid_utf8_and_utf16_are_reported_at_their_place() {
    let d = Dir::new("enc");
    let bin = d.file("bin.yaml", [0u8, 1, 2, 3, 0xff, 0xfe, 0, 0x80]);
    let bad = d.file("bad.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \xe9t\xe9}\n");
    let utf16: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain("kind: Service\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let wide = d.file("wide.yaml", utf16);
    let good = d.file("good.yaml", GOOD);
    let (out, r) = lint(&["-f", d.path().to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    let diags = r["diagnostics"].as_array().unwrap();
    let find = |file: &Path| {
        diags
            .iter()
            .find(|x| x["file"].as_str().unwrap().ends_with(file.file_name().unwrap().to_str().unwrap()))
            .unwrap()
    };
    assert!(find(&bin)["message"].as_str().unwrap().contains("binary"));
    let b = find(&bad);
    assert!(b["message"].as_str().unwrap().contains("not UTF-8"));
    assert_eq!(b["start"]["offset"], 48, "the exact byte");
    assert_eq!((b["start"]["line"].as_u64(), b["start"]["column"].as_u64()), (Some(3), Some(18)));
    assert!(find(&wide)["message"].as_str().unwrap().contains("UTF-16"));
    assert_eq!(r["summary"]["objects"], 1, "{good:?}");
}

#[test]
fn crlf_positions_are_exact() {
    let text = GOOD.replace('\n', "\r\n");
    let (_, r) = lint(&["-f", "-"], Some(text.as_bytes()));
    let d = &r["diagnostics"][0];
    assert_eq!((d["start"]["line"].as_u64(), d["start"]["column"].as_u64()), (Some(5), Some(9)));
    assert_eq!(d["start"]["offset"], 69, "four CRs before line 5");
    assert_eq!(&text[69..77], "NodePort");
}

#[test]
fn walks_survive_loops_dangling_links_fifos_odd_names_and_empty_files() {
    let d = Dir::new("walk");
    std::fs::create_dir_all(d.path().join("sub")).unwrap();
    std::os::unix::fs::symlink(d.path(), d.path().join("sub/loop")).unwrap();
    std::os::unix::fs::symlink(d.path().join("nowhere.yaml"), d.path().join("dangling.yaml")).unwrap();
    assert!(Command::new("mkfifo").arg(d.path().join("pipe.yaml")).status().unwrap().success());
    std::fs::create_dir_all(d.path().join("x.yaml")).unwrap();
    d.file("x.yaml/inner.yaml", GOOD.replace("web", "inner"));
    d.file("empty.yaml", "");
    d.file("good.yaml", GOOD);
    let (out, r) = lint(&["-f", d.path().to_str().unwrap(), "-R"], None);
    let m = messages(&r);
    assert!(m.iter().any(|x| x.contains("symbolic link loop")), "{m:?}");
    assert!(m.iter().any(|x| x.contains("cannot read the file")), "{m:?}");
    assert!(m.iter().any(|x| x.contains("not a regular file")), "{m:?}");
    assert_eq!(r["summary"]["objects"], 2, "good.yaml and x.yaml/inner.yaml: {m:?}");
    assert_eq!(out.status.code(), Some(1), "the dangling link is an error");
}
