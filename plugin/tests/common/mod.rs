//! Helpers shared by the end-to-end tests: the binary under test, the checkout and the corpus,
//! temporary folders, reading the binary's output, and the SARIF schema check.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_kubectl-realip_lint");

/// The checkout (the plugin's parent folder).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

/// `../shared/corpus` beside the checkout, or `$REALIP_CORPUS`; a missing corpus is a failure.
pub fn corpus() -> PathBuf {
    let dir = std::env::var_os("REALIP_CORPUS").map_or_else(|| repo().join("../shared/corpus"), PathBuf::from);
    assert!(
        dir.join("real").is_dir(),
        "the corpus is missing: expected {} (set REALIP_CORPUS); a missing corpus is a failure, not a skip",
        dir.display()
    );
    dir.canonicalize().unwrap()
}

/// A directory removed when dropped.
pub struct Dir(PathBuf);

impl Dir {
    pub fn new(prefix: &str) -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let p = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
    /// Write a file below the folder (its parent folders made), and give its path.
    pub fn file(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A directory holding the plugin under its kubectl name, and a PATH with it before the system's,
/// so `kubectl realip-lint` dispatches to the binary under test.
pub fn plugin_path() -> (Dir, String) {
    let dir = Dir::new("kubectl-plugin");
    std::fs::copy(BIN, dir.path().join("kubectl-realip_lint")).unwrap();
    let path = format!("{}:{}", dir.path().display(), std::env::var("PATH").unwrap_or_default());
    (dir, path)
}

pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: stdout {}\nstderr {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The real kubectl, or a clear failure: these tests exist to run it.
pub fn kubectl() -> Command {
    Command::new("kubectl")
}

/// sha256 of a file, by coreutils' `sha256sum`.
pub fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().expect("sha256sum (coreutils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_owned()
}

/// A JSON number as an index or byte offset.
pub fn index(v: &serde_json::Value) -> usize {
    usize::try_from(v.as_u64().expect("a non-negative number")).unwrap()
}

/// The official SARIF 2.1.0 schema (`plugin/tests/data/sarif`) finds these faults, formats included.
pub fn sarif_errors(log: &serde_json::Value) -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("plugin/tests/data/sarif/sarif-schema-2.1.0.json")).unwrap();
    // The schema's pattern for `run.language` has a lone `]`, a literal in ECMA-262 (Annex B) that
    // the crate's check of the schema itself (`format: regex`) rejects; escaped, it means the same.
    let lone = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(text.contains(lone), "the official schema, unchanged");
    let schema: serde_json::Value =
        serde_json::from_str(&text.replace(lone, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#)).unwrap();
    let validator = jsonschema::draft7::options().should_validate_formats(true).build(&schema).unwrap();
    validator.iter_errors(log).map(|e| format!("{e} (at {}, schema {})", e.instance_path(), e.schema_path())).collect()
}

/// Run the binary in `dir` with `args`, feeding `stdin` when given.
pub fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        // A usage error exits before reading its input: the pipe may be closed by then.
        match child.stdin.take().unwrap().write_all(input.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            r => r.unwrap(),
        }
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}
