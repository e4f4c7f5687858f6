//! Finding and reading `.realip-lint.yaml` (the core parses it).

use std::path::{Path, PathBuf};

use realip_lint_core::config::{self, Config, FILE_NAMES};

pub struct Loaded {
    pub config: Config,
    /// The folder `exclude` globs are relative to.
    pub dir: PathBuf,
    /// Usage errors, each `path:line:column: message`.
    pub errors: Vec<String>,
}

/// `--config`, else the first `.realip-lint.yaml` from the working directory upward.
pub fn load(explicit: Option<&Path>) -> Option<Loaded> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => find(&std::env::current_dir().ok()?)?,
    };
    let dir = std::fs::canonicalize(&path).ok().and_then(|p| p.parent().map(Path::to_path_buf)).unwrap_or_default();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            return Some(Loaded {
                config: Config::default(),
                dir,
                errors: vec![format!("{}: cannot read the config file: {e}", path.display())],
            });
        }
    };
    let (config, errs) = config::parse(&text);
    let errors =
        errs.iter().map(|e| format!("{}:{}:{}: {}", path.display(), e.start.line, e.start.column, e.message)).collect();
    Some(Loaded { config, dir, errors })
}

fn find(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        for name in FILE_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        dir = d.parent();
    }
    None
}

impl Loaded {
    /// Is this file excluded by the config's globs (relative to the config file's folder)?
    pub fn excludes(&self, path: &Path) -> bool {
        if self.config.exclude.is_empty() {
            return false;
        }
        let Ok(abs) = std::fs::canonicalize(path) else { return false };
        let Ok(rel) = abs.strip_prefix(&self.dir) else { return false };
        let rel = rel.to_string_lossy().replace('\\', "/");
        self.config.exclude.iter().any(|g| config::glob_match(g, &rel))
    }
}
