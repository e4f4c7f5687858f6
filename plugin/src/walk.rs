//! Finding and reading the inputs, as `kubectl apply -f` does: a file is read whatever its
//! extension; a directory contributes its `.yaml`, `.yml` and `.json` files (all levels with
//! `-R`), in lexical order; `-` is standard input. Files are read on several threads; the order
//! of the sources is the order of the walk, whatever the thread count.

use std::io::Read;
use std::path::{Path, PathBuf};

use realip_lint_core::Source;
use realip_lint_core::limits::Limits;

/// The sources read, and the usage errors met (reported after linting the rest).
#[derive(Default)]
pub struct Inputs {
    pub sources: Vec<Source>,
    pub errors: Vec<String>,
}

/// Something to read, found by the walk.
enum Pending {
    File { path: PathBuf, name: String },
    Ready(Source),
}

/// How directories are walked.
#[derive(Debug, Clone, Copy)]
pub struct Walk {
    /// Every level below (`-R`), not only the files directly in the directory.
    pub recursive: bool,
    /// Honour `.gitignore`, `.ignore` and git's excludes, and skip dependency and cache folders
    /// (`node_modules`, `target`, virtual environments); `--no-ignore` turns it off.
    pub respect_ignore: bool,
}

pub fn read_inputs(paths: &[String], recursive: bool, stdin_name: Option<&str>) -> Inputs {
    let walk = Walk { recursive, respect_ignore: true };
    read_inputs_with(paths, walk, stdin_name, &|_| false, &Limits::default(), 1)
}

/// As [`read_inputs`], leaving out the files `excluded` says (by path on disk), with the size
/// limit, on `threads` threads.
pub fn read_inputs_with(
    paths: &[String],
    walk: Walk,
    stdin_name: Option<&str>,
    excluded: &dyn Fn(&Path) -> bool,
    limits: &Limits,
    threads: usize,
) -> Inputs {
    let mut errors = Vec::new();
    let mut pending = Vec::new();
    let mut stdin_read = false;
    for given in paths {
        if given == "-" {
            if stdin_read {
                errors.push("standard input (`-f -`) can be given only once".into());
                continue;
            }
            stdin_read = true;
            let name = stdin_name.unwrap_or("<stdin>");
            pending.push(Pending::Ready(read_limited(std::io::stdin().lock(), name, limits, 0)));
            continue;
        }
        if given.starts_with("http://") || given.starts_with("https://") {
            errors.push(format!("{given}: URLs are not read; download the file and pass its path"));
            continue;
        }
        let path = Path::new(given);
        let Ok(meta) = std::fs::metadata(path) else {
            errors.push(format!("the path \"{given}\" does not exist"));
            continue;
        };
        if meta.is_dir() {
            walk_dir(given, path, walk, excluded, &mut pending);
        } else if !excluded(path) {
            // A file named explicitly is read whatever it is: a pipe from `-f <(helm template …)` too.
            pending.push(Pending::File { path: path.to_path_buf(), name: given.clone() });
        }
    }
    let sources = read_all(pending, limits, threads);
    Inputs { sources, errors }
}

/// Folders a directory walk never enters unless told to (`--no-ignore`): tools' caches and
/// dependency trees, which hold other projects' YAML.
const SKIPPED_DIRS: &[&str] =
    &[".git", ".hg", ".svn", "node_modules", "target", ".venv", "venv", ".tox", ".direnv", "__pycache__", ".terraform"];

fn walk_dir(given: &str, root: &Path, walk: Walk, excluded: &dyn Fn(&Path) -> bool, pending: &mut Vec<Pending>) {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .max_depth(if walk.recursive { None } else { Some(1) })
        .sort_by_file_name(std::ffi::OsStr::cmp)
        .follow_links(true)
        // Hidden files are manifests like any other (`.github` holds workflows, which are skipped
        // as not manifests anyway); the ignore files decide.
        .hidden(false)
        .standard_filters(walk.respect_ignore)
        .hidden(false)
        // A `.gitignore` applies outside a git checkout too (as for ruff), so a copied tree lints alike.
        .require_git(false);
    if walk.respect_ignore {
        builder.filter_entry(|e| {
            e.depth() == 0
                || !e.file_type().is_some_and(|t| t.is_dir())
                || !e.file_name().to_str().is_some_and(|n| SKIPPED_DIRS.contains(&n))
        });
    }
    for entry in builder.build() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                walk_error(given, root, &e, excluded, pending);
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let path = entry.path();
        let Some(file_type) = entry.file_type() else { continue };
        if !is_manifest_name(path) || excluded(path) || file_type.is_dir() {
            continue;
        }
        let name = display_path(given, path, root);
        if !file_type.is_file() {
            let message = "not a regular file (a named pipe, socket or device found while walking a directory): it is not read; pass a pipe with -f to read it";
            pending.push(Pending::Ready(Source::unreadable(name, message, true)));
            continue;
        }
        pending.push(Pending::File { path: path.to_path_buf(), name });
    }
}

/// A walk error, reported on the file (or link) it concerns.
fn walk_error(
    given: &str,
    root: &Path,
    e: &ignore::Error,
    excluded: &dyn Fn(&Path) -> bool,
    pending: &mut Vec<Pending>,
) {
    let mut e = e;
    let mut path = None;
    loop {
        match e {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert_with(|| p.clone());
                e = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => e = err,
            ignore::Error::Loop { ancestor, child } => {
                let name = display_path(given, child, root);
                let message = format!(
                    "a symbolic link loop: this directory leads back to {}; it is not followed",
                    ancestor.display()
                );
                pending.push(Pending::Ready(Source::unreadable(name, message, true)));
                return;
            }
            ignore::Error::Io(io) => {
                let Some(path) = path else { return };
                if is_manifest_name(&path) && !excluded(&path) {
                    let name = display_path(given, &path, root);
                    pending.push(Pending::Ready(Source::unreadable(
                        name,
                        format!("cannot read the file: {io}"),
                        false,
                    )));
                }
                return;
            }
            // A malformed ignore file: its other lines still apply, as in git.
            _ => return,
        }
    }
}

/// Read the pending files on `threads` threads, keeping their order.
fn read_all(pending: Vec<Pending>, limits: &Limits, threads: usize) -> Vec<Source> {
    let mut slots: Vec<Option<Source>> = Vec::with_capacity(pending.len());
    let mut files = Vec::new();
    for (i, p) in pending.into_iter().enumerate() {
        match p {
            Pending::Ready(s) => slots.push(Some(s)),
            Pending::File { path, name } => {
                slots.push(None);
                files.push((i, path, name));
            }
        }
    }
    let read = crate::parallel::map(&files, threads, |(i, path, name)| (*i, read_file(path, name, limits)));
    for (i, source) in read {
        slots[i] = Some(source);
    }
    slots.into_iter().flatten().collect()
}

fn is_manifest_name(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json"))
}

/// The path as the user gave it, joined with the part below the directory walked.
/// `-f .` names files as the working directory's (`deploy/web.yaml`, not `./deploy/web.yaml`), as
/// the pre-commit hooks, which lint `.`, print them.
fn display_path(given: &str, found: &Path, root: &Path) -> String {
    let rel = found.strip_prefix(root).unwrap_or(found);
    if matches!(given, "." | "./") {
        return rel.display().to_string();
    }
    let mut base = given.to_owned();
    if !base.ends_with('/') {
        base.push('/');
    }
    format!("{base}{}", rel.display())
}

fn read_file(path: &Path, name: &str, limits: &Limits) -> Source {
    let mut size = 0;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.is_file()
    {
        if meta.len() > limits.file_bytes as u64 {
            return Source::too_large(name, meta.len(), limits);
        }
        size = usize::try_from(meta.len()).unwrap_or(0);
    }
    let mut source = match std::fs::File::open(path) {
        Ok(f) => read_limited(f, name, limits, size),
        Err(e) => Source::read_error(name, &e.to_string()),
    };
    source.chart = chart_of(path);
    source
}

/// Read at most one byte over the size limit, so a huge pipe cannot exhaust memory. `size` is
/// the length on disk when known: the buffer is allocated once at that size, not grown by
/// doubling (the texts are held until the output is written, so slack would be a third more
/// memory).
fn read_limited(reader: impl Read, name: &str, limits: &Limits, size: usize) -> Source {
    let mut bytes = Vec::with_capacity(size);
    let cap = limits.file_bytes as u64 + 1;
    match reader.take(cap).read_to_end(&mut bytes) {
        Ok(_) => {
            bytes.shrink_to_fit();
            Source::from_read(name, bytes, limits)
        }
        Err(e) => Source::unreadable(name, format!("cannot read: {e}"), false),
    }
}

/// The chart, when this file sits under a `templates/` folder beside a `Chart.yaml`.
pub fn chart_of(path: &Path) -> Option<String> {
    let abs = std::fs::canonicalize(path).ok()?;
    realip_lint_core::source::chart_of(&abs.to_string_lossy(), |p| Path::new(p).is_file())
}
