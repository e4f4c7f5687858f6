//! `--fix` and `--diff` on the file system: which inputs may be rewritten, and the rewrite itself
//! (only when the text changes, atomically, keeping the permissions, never through a symbolic
//! link that leads out of the tree the user gave).

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Why `--fix` or `--diff` cannot run on these inputs, if so.
pub fn refused(fix: bool, paths: &[String], kustomize: bool, cluster: bool) -> Option<String> {
    let flag = if fix { "--fix" } else { "--diff" };
    if cluster {
        return Some(format!(
            "{flag} edits manifest files, and --cluster reads live objects: lint the files you apply instead, e.g. `kubectl realip-lint -f deploy/ -R {flag}`"
        ));
    }
    if kustomize {
        return Some(format!(
            "{flag} edits manifest files, and -k lints kustomize's rendered output: run it over the kustomization's files instead, e.g. `kubectl realip-lint -f base/ -R {flag}`"
        ));
    }
    if fix && paths.iter().any(|p| p == "-") {
        return Some(
            "--fix does not rewrite standard input: use --diff to print the changes, or give the file with -f"
                .to_owned(),
        );
    }
    None
}

/// Where a name is: its folders resolved, not its last component (a link stays the link).
fn location(path: &Path) -> Option<PathBuf> {
    match (path.parent().filter(|p| !p.as_os_str().is_empty()), path.file_name()) {
        (Some(parent), Some(file)) => std::fs::canonicalize(parent).ok().map(|p| p.join(file)),
        (None, Some(file)) => std::env::current_dir().ok().map(|d| d.join(file)),
        _ => std::fs::canonicalize(path).ok(),
    }
}

/// Rewrites inputs with their fixed texts, each real file once.
#[derive(Default)]
pub struct Writer {
    written: Vec<(PathBuf, String)>,
}

impl Writer {
    /// Rewrite one input. `roots` are the paths the user gave: the name must be inside one of
    /// them, and so must the file it leads to once symbolic links are resolved.
    pub fn write(&mut self, name: &str, text: &str, roots: &[String]) -> Result<(), String> {
        let real = check(name, roots)?;
        if let Some((_, done)) = self.written.iter().find(|(p, _)| *p == real) {
            return if done == text {
                Ok(())
            } else {
                Err(format!("{name}: not rewritten: the same file was read under another name and fixed differently"))
            };
        }
        write(name, &real, text)?;
        self.written.push((real, text.to_owned()));
        Ok(())
    }
}

/// The real file behind `name`, when it may be rewritten.
fn check(name: &str, roots: &[String]) -> Result<PathBuf, String> {
    let path = Path::new(name);
    let real = std::fs::canonicalize(path).map_err(|e| format!("{name}: cannot resolve the path: {e}"))?;
    let at = location(path).unwrap_or_else(|| real.clone());
    let roots: Vec<PathBuf> = roots
        .iter()
        .filter(|r| *r != "-")
        .flat_map(|r| [location(Path::new(r)), std::fs::canonicalize(r).ok()])
        .flatten()
        .collect();
    let under = |p: &Path| roots.iter().any(|g| p == g || p.starts_with(g));
    let inside = under(&at) && under(&real);
    if !inside {
        return Err(format!(
            "{name}: not rewritten: it is a symbolic link to {}, outside the paths given; fix that file where it lives",
            real.display()
        ));
    }
    Ok(real)
}

fn write(name: &str, real: &Path, text: &str) -> Result<(), String> {
    let old = std::fs::read(real).map_err(|e| format!("{name}: cannot read: {e}"))?;
    if old == text.as_bytes() {
        return Ok(());
    }
    let permissions = std::fs::metadata(real).map_err(|e| format!("{name}: {e}"))?.permissions();
    let dir = real.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let file_name = real.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.realip-lint-{}", std::process::id()));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::set_permissions(&tmp, permissions)?;
        std::fs::rename(&tmp, real)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{name}: cannot write the fixed file: {e}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_and_renders_are_refused_with_what_to_do() {
        assert!(refused(true, &["-".into()], false, false).unwrap().contains("use --diff"));
        assert!(refused(false, &["-".into()], false, false).is_none(), "--diff of stdin prints the changes");
        assert!(refused(true, &[], true, false).unwrap().contains("-f base/ -R --fix"));
        assert!(refused(false, &[], false, true).unwrap().contains("--cluster reads live objects"));
        assert!(refused(true, &["a.yaml".into()], false, false).is_none());
    }
}
