//! The output formats every face writes: one home, so a format added here is the same bytes in
//! the CLI, the Wasm module and the pre-commit hook.
//!
//! A format is one file here (`<format>.rs`, with a `render`) and one [`Format`] variant. The core
//! does no I/O: what a format needs to know about the face's world (the working directory, a
//! file's path relative to it, the terminal's width) comes in the [`EmitContext`].
//!
//! `human` (miette reports for a terminal) sits behind the `human` feature: the plugin turns it on,
//! the Wasm build leaves miette out (and so cannot write `human`; see [`Format::built`]).

pub mod concise;
pub mod docs;
pub mod github;
#[cfg(feature = "human")]
pub mod human;
pub mod json;
pub mod sarif;

use crate::diagnostic::{Report, count};
use crate::fix::Applicability;
use crate::source::Source;

/// An output format of the findings (`-o`, and the Wasm `run`'s `output`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Miette reports with the source snippet, labels, help and the rule's link.
    Human,
    /// The JSON contract of `docs/json.md`.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// One line per finding, `file:line:col: severity rule: message`.
    Concise,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 5] = [Format::Human, Format::Json, Format::Sarif, Format::Github, Format::Concise];

    /// The names `-o` takes and the Wasm `run` accepts, in the order of [`Format::ALL`].
    pub const NAMES: [&'static str; Self::ALL.len()] = {
        let mut names = [""; Self::ALL.len()];
        let mut i = 0;
        while i < names.len() {
            names[i] = Self::ALL[i].name();
            i += 1;
        }
        names
    };

    pub const fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Concise => "concise",
        }
    }

    /// One line for `--help`, where the name does not say it.
    pub const fn about(self) -> Option<&'static str> {
        match self {
            Format::Human | Format::Json => None,
            Format::Sarif => Some("SARIF 2.1.0, for code scanning"),
            Format::Github => Some("GitHub Actions workflow commands (annotations)"),
            Format::Concise => {
                Some("One line per finding, `file:line:col: severity rule: message` (what the Node hook prints)")
            }
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether this build writes the format: `human` needs the `human` feature (miette), which
    /// the Wasm build leaves off.
    pub const fn built(self) -> bool {
        !matches!(self, Format::Human) || cfg!(feature = "human")
    }
}

/// What a format needs besides the report, given by the face.
pub struct EmitContext<'a> {
    /// The run's sources, in the order of the diagnostics' `source` index (the human snippets).
    pub sources: &'a [Source],
    /// The run's usage errors (SARIF lists them as tool notifications).
    pub errors: &'a [String],
    /// The working directory, absolute (SARIF's `%SRCROOT%`, and where relative names start).
    pub cwd: &'a str,
    /// A file's path relative to the working directory with `/` separators, when the file lies
    /// under it; `None` for paths outside it and for streams. The plugin also resolves symbolic
    /// links here; [`relative_lexical`] is the answer without a file system.
    pub relativize: &'a dyn Fn(&str) -> Option<String>,
    /// Colour for a terminal (`human`).
    pub color: bool,
    /// The terminal's width in columns (`human`).
    pub width: usize,
}

impl<'a> EmitContext<'a> {
    /// A context with no file relative to the working directory (set `relativize`), no colour,
    /// 100 columns.
    pub fn new(sources: &'a [Source], errors: &'a [String], cwd: &'a str) -> Self {
        Self { sources, errors, cwd, relativize: &outside, color: false, width: 100 }
    }
}

fn outside(_: &str) -> Option<String> {
    None
}

/// Write the report in `format`. `human` without the `human` feature (the Wasm build) writes
/// the `concise` lines: ask [`Format::built`] first.
pub fn emit(format: Format, report: &Report, ctx: &EmitContext<'_>) -> String {
    match format {
        #[cfg(feature = "human")]
        Format::Human => human::render(report, ctx.sources, ctx.color, ctx.width),
        #[cfg(not(feature = "human"))]
        Format::Human => concise::render(report),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report, ctx),
        Format::Github => github::render(report, ctx),
        Format::Concise => concise::render(report),
    }
}

/// A source name that is not a path on disk: `<stdin>`, `<kustomize DIR>`, `<cluster CONTEXT>`.
pub fn is_stream_name(name: &str) -> bool {
    name.starts_with('<') && name.ends_with('>')
}

/// The last line of the text formats: counts by severity, files, objects, skipped documents.
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    format!(
        "{}, {}, {} in {} ({} read, {} skipped as not manifests)\n",
        count(s.error, "error", "errors"),
        count(s.warning, "warning", "warnings"),
        count(s.info, "info", "infos"),
        count(s.files, "file", "files"),
        count(s.objects, "object", "objects"),
        s.skipped
    )
}

/// `2 fixable with `--fix` (1 more with `--fix --unsafe-fixes`)`, when any finding has a fix that
/// can be applied; empty otherwise.
pub fn fixable_line(report: &Report) -> String {
    let of = |a: Applicability| {
        report.diagnostics.iter().filter(|d| d.fix.as_ref().is_some_and(|f| f.applicability == a)).count()
    };
    match (of(Applicability::Safe), of(Applicability::Unsafe)) {
        (0, 0) => String::new(),
        (safe, 0) => format!("{safe} fixable with `--fix` (`--diff` shows the changes)\n"),
        (0, not) => format!(
            "{not} fixable with `--fix --unsafe-fixes`, which change behaviour on purpose (`--diff --unsafe-fixes` shows the changes)\n"
        ),
        (safe, not) => format!(
            "{safe} fixable with `--fix`, {not} more with `--fix --unsafe-fixes`, which change behaviour on purpose (`--diff` shows the changes)\n"
        ),
    }
}

/// How the human output names a fix: `fix (safe, `--fix`): title`.
pub fn fix_line(fix: &crate::fix::FixOut) -> String {
    match fix.applicability {
        Applicability::Safe => format!("fix (safe, `--fix`): {}", fix.title),
        Applicability::Unsafe => format!("fix (changes behaviour, `--fix --unsafe-fixes`): {}", fix.title),
        Applicability::DisplayOnly => format!("suggested fix (not applied, review it): {}", fix.title),
    }
}

/// `name` made absolute against `cwd` and its `.` and `..` resolved, with `/` separators,
/// without a file system (a `..` above the root stays, as `Path` keeps it).
pub fn absolute(name: &str, cwd: &str) -> String {
    let name = name.replace('\\', "/");
    let cwd = cwd.replace('\\', "/");
    let drive = |s: &str| s.len() >= 2 && s.as_bytes()[1] == b':' && s.as_bytes()[0].is_ascii_alphabetic();
    let rooted = name.starts_with('/') || (drive(&cwd) && drive(&name));
    let joined = if rooted { name } else { format!("{}/{name}", cwd.trim_end_matches('/')) };
    let (root, rest) = match joined.strip_prefix('/') {
        Some(rest) => ("/", rest),
        None => ("", joined.as_str()),
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in rest.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("{root}{}", parts.join("/"))
}

/// The path of `name` relative to `cwd` with `/` separators, when it lies under `cwd`, worked
/// out on the text alone; `None` outside it and for streams.
pub fn relative_lexical(name: &str, cwd: &str) -> Option<String> {
    if is_stream_name(name) {
        return None;
    }
    let base = absolute(cwd, "/");
    let full = absolute(name, cwd);
    let rest = if base == "/" { full.strip_prefix('/')? } else { full.strip_prefix(&base)?.strip_prefix('/')? };
    (!rest.is_empty()).then(|| rest.to_owned())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_formats_round_trip() {
        for (format, name) in Format::ALL.into_iter().zip(Format::NAMES) {
            assert_eq!(Format::parse(name), Some(format));
            assert_eq!(format.name(), name);
        }
        assert_eq!(Format::parse("yaml"), None);
    }

    #[test]
    fn paths_become_relative_without_a_file_system() {
        let cwd = "/work/repo";
        assert_eq!(relative_lexical("deploy/a.yaml", cwd).as_deref(), Some("deploy/a.yaml"));
        assert_eq!(relative_lexical("./deploy/../deploy/a.yaml", cwd).as_deref(), Some("deploy/a.yaml"));
        assert_eq!(relative_lexical("/work/repo/x/b.yml", cwd).as_deref(), Some("x/b.yml"));
        assert_eq!(relative_lexical("/work/repository/b.yml", cwd), None);
        assert_eq!(relative_lexical("../other/c.yaml", cwd), None);
        assert_eq!(relative_lexical("/etc/c.yaml", cwd), None);
        assert_eq!(relative_lexical("<stdin>", cwd), None);
        assert_eq!(relative_lexical(".", cwd), None);
        assert_eq!(relative_lexical("a.yaml", "/").as_deref(), Some("a.yaml"));
        assert_eq!(absolute("../x/c.yaml", cwd), "/work/x/c.yaml");
        assert_eq!(absolute("../../../x", cwd), "/../x");
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_escape("deploy/my app/ü.yaml"), "deploy/my%20app/%C3%BC.yaml");
        assert_eq!(uri_escape("<stdin>"), "%3Cstdin%3E");
    }
}
