//! Finding and reading `.realip-lint.yaml` (the core parses it and applies its `exclude`).

use std::path::{Path, PathBuf};

use realip_lint_core::config::{ConfigFile, FILE_NAMES};

pub struct Loaded {
    /// The settings and the usage errors, each `path:line:column: message`.
    pub file: ConfigFile,
    /// The folder `exclude` globs are relative to.
    pub dir: PathBuf,
}

/// `--config`, else the first `.realip-lint.yaml` from the working directory upward.
pub fn load(explicit: Option<&Path>) -> Option<Loaded> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => find(&std::env::current_dir().ok()?)?,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string());
    Some(parse_at(&path, text.as_deref().map_err(String::as_str)))
}

/// The config file at `path` with this text (read from disk, or an editor's unsaved buffer), or
/// why it could not be read.
pub fn parse_at(path: &Path, text: Result<&str, &str>) -> Loaded {
    let dir = std::fs::canonicalize(path).ok().and_then(|p| p.parent().map(Path::to_path_buf)).unwrap_or_default();
    let name = path.display().to_string();
    let file = match text {
        Ok(text) => ConfigFile::parse(&name, text, &realip_lint_core::registry::names()),
        Err(e) => ConfigFile::unreadable(&name, e),
    };
    Loaded { file, dir }
}

/// The first `.realip-lint.yaml` (or `.yml`) from `start` upward.
pub fn find(start: &Path) -> Option<PathBuf> {
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
        if self.file.config.exclude.is_empty() {
            return false;
        }
        let Ok(abs) = std::fs::canonicalize(path) else { return false };
        self.file.config.excludes(&self.dir.to_string_lossy(), &abs.to_string_lossy())
    }
}

/// The config file (`--config`, or the one found from the working directory) and the settings
/// the flags make with it: what every command that lints starts from.
pub fn settings(
    explicit: Option<&Path>,
    overrides: &realip_lint_core::run::Overrides,
) -> (Option<Loaded>, realip_lint_core::run::Settings) {
    let loaded = load(explicit);
    let settings = realip_lint_core::run::settings(loaded.as_ref().map(|l| &l.file), overrides);
    (loaded, settings)
}
