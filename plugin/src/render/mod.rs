pub mod github;
pub mod sarif;
pub mod trace;

use std::path::{Component, Path, PathBuf};

pub use realip_lint_core::emit::is_stream_name;

/// The path of a source relative to `cwd` with `/` separators, when the file lies under `cwd`
/// (as code scanning and GitHub annotations expect); `None` for paths outside it and for streams.
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

/// Percent-encode a path for a URI: everything but the unreserved characters and `/`.
pub fn uri_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// How a finding's object is named in text: `Service shop/web`, `Node worker-1`.
pub fn object_label(object: &realip_lint_core::diagnostic::ObjectRef) -> String {
    match &object.namespace {
        Some(ns) => format!("{} {ns}/{}", object.kind, object.name),
        None => format!("{} {}", object.kind, object.name),
    }
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

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_escape("deploy/my app/ü.yaml"), "deploy/my%20app/%C3%BC.yaml");
        assert_eq!(uri_escape("<stdin>"), "%3Cstdin%3E");
    }
}
