//! Finding and reading the inputs, as `kubectl apply -f` does: a file is read whatever its
//! extension; a directory contributes its `.yaml`, `.yml` and `.json` files (all levels with
//! `-R`), in lexical order; `-` is standard input.

use std::io::Read;
use std::path::{Path, PathBuf};

use realip_lint_core::Source;

/// The sources read, and the usage errors met (reported after linting the rest).
#[derive(Default)]
pub struct Inputs {
    pub sources: Vec<Source>,
    pub errors: Vec<String>,
}

pub fn read_inputs(paths: &[String], recursive: bool, stdin_name: Option<&str>) -> Inputs {
    read_inputs_excluding(paths, recursive, stdin_name, &|_| false)
}

/// As [`read_inputs`], leaving out the files `excluded` says (by path on disk).
pub fn read_inputs_excluding(
    paths: &[String],
    recursive: bool,
    stdin_name: Option<&str>,
    excluded: &dyn Fn(&Path) -> bool,
) -> Inputs {
    let mut inputs = Inputs::default();
    let mut stdin_read = false;
    for given in paths {
        if given == "-" {
            if stdin_read {
                inputs.errors.push("standard input (`-f -`) can be given only once".into());
                continue;
            }
            stdin_read = true;
            let mut bytes = Vec::new();
            match std::io::stdin().read_to_end(&mut bytes) {
                Ok(_) => inputs.sources.push(Source::new(stdin_name.unwrap_or("<stdin>"), text_of(bytes))),
                Err(e) => inputs.errors.push(format!("cannot read standard input: {e}")),
            }
            continue;
        }
        if given.starts_with("http://") || given.starts_with("https://") {
            inputs.errors.push(format!("{given}: URLs are not read; download the file and pass its path"));
            continue;
        }
        let path = Path::new(given);
        let Ok(meta) = std::fs::metadata(path) else {
            inputs.errors.push(format!("the path \"{given}\" does not exist"));
            continue;
        };
        if meta.is_dir() {
            let walker = walkdir::WalkDir::new(path)
                .min_depth(1)
                .max_depth(if recursive { usize::MAX } else { 1 })
                .sort_by_file_name()
                .follow_links(true);
            for entry in walker {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        inputs.errors.push(format!("{given}: {e}"));
                        continue;
                    }
                };
                if !entry.file_type().is_file() || !is_manifest_name(entry.path()) || excluded(entry.path()) {
                    continue;
                }
                read_file(&mut inputs, entry.path(), &display_path(given, entry.path(), path));
            }
        } else if !excluded(path) {
            read_file(&mut inputs, path, given);
        }
    }
    inputs
}

fn is_manifest_name(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json"))
}

/// The path as the user gave it, joined with the part below the directory walked.
fn display_path(given: &str, found: &Path, root: &Path) -> String {
    let rel = found.strip_prefix(root).unwrap_or(found);
    let mut base = given.to_owned();
    if !base.ends_with('/') {
        base.push('/');
    }
    format!("{base}{}", rel.display())
}

fn read_file(inputs: &mut Inputs, path: &Path, name: &str) {
    match std::fs::read(path) {
        Ok(bytes) => {
            let mut source = Source::new(name, text_of(bytes));
            source.chart = chart_of(path);
            inputs.sources.push(source);
        }
        Err(e) => inputs.errors.push(format!("{name}: {e}")),
    }
}

/// Text as given; bytes that are not UTF-8 become U+FFFD (and the parser reports what breaks).
fn text_of(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The chart directory, when this file sits under a `templates/` folder beside a `Chart.yaml`.
fn chart_of(path: &Path) -> Option<String> {
    let abs: PathBuf = std::fs::canonicalize(path).ok()?;
    let mut dir = abs.parent();
    while let Some(d) = dir {
        if d.file_name().is_some_and(|n| n == "templates") {
            let chart = d.parent()?;
            if chart.join("Chart.yaml").is_file() || chart.join("Chart.yml").is_file() {
                return Some(
                    chart.file_name().map_or_else(|| chart.display().to_string(), |n| n.to_string_lossy().into_owned()),
                );
            }
        }
        dir = d.parent();
    }
    None
}
