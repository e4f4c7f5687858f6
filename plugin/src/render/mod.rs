//! What the plugin adds to the core's formats (`realip_lint_core::emit`): the trace's text, and
//! paths resolved on the file system.

pub mod trace;

use std::path::{Component, Path, PathBuf};

pub use realip_lint_core::emit::is_stream_name;

/// The path of a source relative to `cwd` with `/` separators, when the file lies under `cwd`
/// (as code scanning and GitHub annotations expect); `None` for paths outside it and for streams.
/// The plugin's `EmitContext::relativize`: as `emit::relative_lexical`, and the real paths
/// compared when a symbolic link is on the way.
pub fn relative_path(name: &str, cwd: &Path) -> Option<String> {
    if is_stream_name(name) {
        return None;
    }
    let lexical = normalize(&cwd.join(name));
    let rel = match lexical.strip_prefix(cwd) {
        Ok(r) => r.to_path_buf(),
        // A path through a symbolic link (`/tmp` → `/private/tmp`): compare the real paths.
        Err(_) => {
            let real = std::fs::canonicalize(&lexical).ok()?;
            let cwd = std::fs::canonicalize(cwd).ok()?;
            real.strip_prefix(&cwd).ok()?.to_path_buf()
        }
    };
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if parts.is_empty() { None } else { Some(parts.join("/")) }
}

/// `.` and `..` resolved without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(c);
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_to_the_working_directory() {
        let cwd = Path::new("/work/repo");
        assert_eq!(relative_path("deploy/a.yaml", cwd).as_deref(), Some("deploy/a.yaml"));
        assert_eq!(relative_path("./deploy/../deploy/a.yaml", cwd).as_deref(), Some("deploy/a.yaml"));
        assert_eq!(relative_path("/work/repo/x/b.yml", cwd).as_deref(), Some("x/b.yml"));
        assert_eq!(relative_path("../other/c.yaml", cwd), None);
        assert_eq!(relative_path("/etc/c.yaml", cwd), None);
        assert_eq!(relative_path("<stdin>", cwd), None);
        assert_eq!(relative_path("<kustomize overlays/prod>", cwd), None);
    }
}
