//! Helpers shared by the end-to-end tests that drive kubectl, kustomize and the release script.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_kubectl-realip_lint");

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
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
