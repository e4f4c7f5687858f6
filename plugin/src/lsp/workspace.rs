//! One lint of the workspace, on the worker thread: the manifests under the workspace folders as
//! `kubectl realip-lint -R -f FOLDER` reads them (the same walk, `.gitignore`, config file and
//! `exclude`), with the editor's open documents in place of the files on disk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use realip_lint_core::config::ConfigError;
use realip_lint_core::run::{self, Overrides};
use realip_lint_core::{Options, Report, Source};

use super::position::Lines;
use super::uri;
use crate::{config, walk};

/// An open document, as the editor holds it.
#[derive(Debug, Clone)]
pub struct Open {
    /// The URI as the client sent it.
    pub uri: String,
    /// Its path, for a `file:` URI.
    pub path: Option<PathBuf>,
    pub text: String,
    pub version: i32,
}

/// What the worker lints.
#[derive(Debug, Clone)]
pub struct Job {
    pub generation: u64,
    pub roots: Vec<PathBuf>,
    /// Where the config file is looked for, upward: the first folder, else the folder of an open
    /// document.
    pub config_start: Option<PathBuf>,
    pub open: Vec<Open>,
    pub threads: usize,
}

/// One linted file (by the core's source index).
#[derive(Debug, Clone)]
pub struct File {
    pub uri: String,
    /// The version of the open document that was linted; `None` for a file read from disk.
    pub version: Option<i32>,
    pub lines: Lines,
}

/// The config file in force.
#[derive(Debug, Clone)]
pub struct ConfigState {
    pub uri: String,
    pub text: String,
    pub version: Option<i32>,
    pub lines: Lines,
    /// Each problem at its place; a file that cannot be read has one at its start.
    pub errors: Vec<ConfigError>,
}

/// The outcome of a [`Job`].
pub struct Snapshot {
    pub generation: u64,
    /// The sources as linted, with their whole text (fixes and positions are computed on them).
    pub sources: Vec<Source>,
    pub files: Vec<File>,
    /// `None` when nothing was linted: the config file has errors (as on the command line, a
    /// run with settings that are not the user's would mislead).
    pub report: Option<Report>,
    pub config: Option<ConfigState>,
    /// The options of the lint (what a fix-all re-lints with).
    pub options: Options,
    /// Messages for the user: paths that could not be read, an internal error.
    pub notes: Vec<String>,
}

impl Snapshot {
    /// The index of the source that is this URI.
    pub fn source_of(&self, uri: &str) -> Option<usize> {
        self.files.iter().position(|f| f.uri == uri)
    }
}

/// A folder too wide to walk as a workspace (the file system's root, the home folder): only the
/// open documents are linted there.
fn too_wide(root: &Path) -> bool {
    root.parent().is_none() || std::env::var_os("HOME").is_some_and(|h| Path::new(&h) == root)
}

/// Lint the workspace; a panic in the lint becomes a note, never the end of the server.
pub fn lint(job: &Job) -> Snapshot {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| lint_unguarded(job))) {
        Ok(s) => s,
        Err(_) => Snapshot {
            generation: job.generation,
            sources: Vec::new(),
            files: Vec::new(),
            report: None,
            config: None,
            options: Options::default(),
            notes: vec!["internal error while linting (a bug: please report it with the manifests)".to_owned()],
        },
    }
}

fn lint_unguarded(job: &Job) -> Snapshot {
    let open_at = |p: &Path| job.open.iter().find(|o| o.path.as_deref() == Some(p));
    // The config file: the first from the first folder upward, as the command line finds it from
    // its working directory; an open buffer of it counts as the editor holds it.
    let config_path = job.config_start.as_deref().and_then(config::find);
    let mut config = None;
    let loaded = config_path.as_ref().map(|path| {
        let disk;
        let (text, version) = match open_at(path) {
            Some(o) => (Ok(o.text.as_str()), Some(o.version)),
            None => {
                disk = std::fs::read_to_string(path).map_err(|e| e.to_string());
                (disk.as_deref().map_err(String::as_str), None)
            }
        };
        let errors = match text {
            Ok(t) => realip_lint_core::config::parse(t, &realip_lint_core::registry::names()).1,
            Err(why) => vec![ConfigError {
                span: realip_lint_core::source::Span::default(),
                start: realip_lint_core::source::Position { line: 1, column: 1, offset: 0 },
                message: format!("cannot read the config file: {why}"),
            }],
        };
        let shown = text.unwrap_or_default().to_owned();
        config = Some(ConfigState {
            uri: open_at(path).map_or_else(|| uri::from_path(path), |o| o.uri.clone()),
            lines: Lines::new(&shown),
            text: shown,
            version,
            errors,
        });
        config::parse_at(path, text)
    });
    let settings = run::settings(loaded.as_ref().map(|l| &l.file), &Overrides::default());
    let mut snapshot = Snapshot {
        generation: job.generation,
        sources: Vec::new(),
        files: Vec::new(),
        report: None,
        config,
        options: settings.options.clone(),
        notes: Vec::new(),
    };
    if !settings.config_errors.is_empty() {
        return snapshot;
    }
    let excluded = |p: &Path| loaded.as_ref().is_some_and(|l| l.excludes(p));
    let roots: Vec<String> =
        job.roots.iter().filter(|r| !too_wide(r)).map(|r| r.to_string_lossy().into_owned()).collect();
    let inputs = walk::read_inputs_with(
        &roots,
        walk::Walk { recursive: true, respect_ignore: true },
        None,
        &excluded,
        &settings.options.limits,
        job.threads,
    );
    snapshot.notes = inputs.errors;
    let mut sources = inputs.sources;
    let mut versions: Vec<Option<i32>> = vec![None; sources.len()];
    let mut uris: Vec<Option<String>> = vec![None; sources.len()];
    let walked = sources.len();
    let by_name: HashMap<String, usize> = sources.iter().enumerate().map(|(i, s)| (s.name.clone(), i)).collect();
    // The same file under another spelling (a link in the path; on Windows, the drive letter's
    // case): by its real path, looked up only when a name does not match.
    let mut by_real: Option<HashMap<PathBuf, usize>> = None;
    for doc in &job.open {
        let name = doc.path.as_ref().map_or_else(|| doc.uri.clone(), |p| p.to_string_lossy().into_owned());
        let found = by_name.get(&name).copied().or_else(|| {
            let real = std::fs::canonicalize(doc.path.as_ref()?).ok()?;
            let index = by_real.get_or_insert_with(|| {
                let walked = &sources[..walked];
                walked.iter().enumerate().filter_map(|(i, s)| Some((std::fs::canonicalize(&s.name).ok()?, i))).collect()
            });
            index.get(&real).copied()
        });
        let limits = &settings.options.limits;
        if let Some(i) = found {
            let mut source = Source::from_read(sources[i].name.clone(), doc.text.clone().into_bytes(), limits);
            source.chart = sources[i].chart.take();
            sources[i] = source;
            versions[i] = Some(doc.version);
            uris[i] = Some(doc.uri.clone());
        } else if doc.path.as_deref().is_none_or(|p| !excluded(p)) {
            // Open, not found by the walk (outside the folders, or ignored by git): linted with
            // the workspace, as a file named with `-f` is.
            let mut source = Source::from_read(name, doc.text.clone().into_bytes(), limits);
            source.chart = doc.path.as_deref().and_then(walk::chart_of);
            sources.push(source);
            versions.push(Some(doc.version));
            uris.push(Some(doc.uri.clone()));
        }
    }
    snapshot.files = sources
        .iter()
        .zip(versions.into_iter().zip(uris))
        .map(|(s, (version, uri))| File {
            uri: uri.unwrap_or_else(|| uri::from_path(Path::new(&s.name))),
            version,
            lines: Lines::new(&s.text),
        })
        .collect();
    // The lint frees the text of files nothing can be reported in: it gets a copy.
    let linted = crate::lint_parallel(&mut sources.clone(), &settings.options, job.threads);
    snapshot.report = Some(linted.report);
    snapshot.sources = sources;
    snapshot
}

/// The sources with the safe fixes of one file's findings applied, as `--fix` applies them
/// (the core's `run::fix_all`: lint, apply, lint again until nothing changes), on the linted
/// texts; by source index, the new text of each file that changes.
pub fn fix_file(snapshot: &Snapshot, file: usize, threads: usize) -> Vec<(usize, String)> {
    let options = &snapshot.options;
    let fixed = run::fix_all(&snapshot.sources, run::Mode::Safe, &|sources| {
        let mut report = crate::lint_parallel(&mut sources.to_vec(), options, threads).report;
        report.diagnostics.retain(|d| d.source == file);
        report
    });
    let changed: Vec<usize> = fixed.changed(&snapshot.sources).collect();
    let mut texts: Vec<Option<String>> = fixed.sources.into_iter().map(|s| Some(s.text)).collect();
    changed.into_iter().filter_map(|i| texts[i].take().map(|t| (i, t))).collect()
}
