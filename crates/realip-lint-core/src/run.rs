//! What every face does around the lint, once its I/O is done: the settings (what the caller
//! says wins over the config file), the usage errors and the exit code. The kubectl plugin and
//! the Wasm module both go through [`settings`] and [`Settings::finish`], so the two cannot
//! disagree on any of it.

use crate::config::{ConfigFile, FailOn};
use crate::{Options, Report, Source, lint};

/// What the command line (or a JavaScript caller) says; each value given wins over the config.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// The namespace of objects that name none (`-n`).
    pub namespace: Option<String>,
    /// Eligible nodes when the input has no Node objects (`--nodes`).
    pub nodes: Option<u32>,
    /// `--fail-on`.
    pub fail_on: Option<FailOn>,
    /// The load-balancer provider a plain `type: LoadBalancer` gets (`--cloud`).
    pub cloud: Option<String>,
}

/// The settings of a run: the lint options (limits included, which a face needs before it
/// reads), the fail level, and the config file's usage errors.
#[derive(Debug, Clone)]
pub struct Settings {
    pub options: Options,
    pub fail_on: FailOn,
    pub config_errors: Vec<String>,
}

/// The settings from the config file (if any) and the overrides.
pub fn settings(config: Option<&ConfigFile>, overrides: &Overrides) -> Settings {
    let mut options = config.map_or_else(Options::default, |c| Options::from_config(&c.config));
    options.namespace.clone_from(&overrides.namespace);
    if overrides.nodes.is_some() {
        options.nodes = overrides.nodes;
    }
    let fail_on = overrides.fail_on.or_else(|| config.and_then(|c| c.config.fail_on)).unwrap_or_default();
    let mut config_errors = config.map(|c| c.errors.clone()).unwrap_or_default();
    if let Some(cloud) = &overrides.cloud {
        // A name the config file would refuse is a usage error here too, with the same words.
        match crate::config::cloud_error(cloud) {
            None => options.cloud = Some(cloud.clone()),
            Some(e) => config_errors.push(format!("--cloud: {e}")),
        }
    }
    Settings { options, fail_on, config_errors }
}

impl Settings {
    /// Every usage error, the config file's first, then the face's own (a path that does not
    /// exist): reported on standard error after the output, never in the JSON.
    pub fn errors(&self, face_errors: Vec<String>) -> Vec<String> {
        let mut errors = self.config_errors.clone();
        errors.extend(face_errors);
        errors
    }

    /// The exit code of a lint: `2` on a usage error, else `1` with a finding at or above the
    /// fail level, else `0`.
    pub fn exit_code(&self, report: &Report, errors: &[String]) -> u8 {
        if errors.is_empty() { u8::from(self.fail_on.fails(report)) } else { 2 }
    }
}

/// The result of a lint run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// `None` when the config file is bad: a run stops before linting (exit 2, no report), as
    /// the settings it would lint with are not the user's.
    pub report: Option<Report>,
    /// See [`Settings::errors`].
    pub errors: Vec<String>,
    /// See [`Settings::exit_code`].
    pub exit_code: u8,
}

/// Lint `sources` (read with `settings.options.limits`) on one thread; `face_errors` are the
/// usage errors the face met while reading its inputs (the rest was still read and is linted).
pub fn run(sources: &[Source], settings: &Settings, face_errors: Vec<String>) -> Outcome {
    let errors = settings.errors(face_errors);
    if !settings.config_errors.is_empty() {
        return Outcome { report: None, errors, exit_code: 2 };
    }
    let report = lint(sources, &settings.options);
    let exit_code = settings.exit_code(&report, &errors);
    Outcome { report: Some(report), errors, exit_code }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODEPORT: &str =
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  selector: {app: web}\n";

    fn code(sources: &[Source], config: Option<&ConfigFile>, o: &Overrides, face: Vec<String>) -> u8 {
        run(sources, &settings(config, o), face).exit_code
    }

    #[test]
    fn the_exit_code_follows_the_fail_level_and_usage_errors() {
        let sources = [Source::new("a.yaml", NODEPORT)];
        let none = Overrides::default();
        assert_eq!(code(&sources, None, &none, Vec::new()), 0, "an info is below `warning`");
        let info = Overrides { fail_on: Some(FailOn::Info), ..Overrides::default() };
        assert_eq!(code(&sources, None, &info, Vec::new()), 1);
        let config = ConfigFile::parse(".realip-lint.yaml", "fail-on: info\n", &crate::registry::names());
        assert_eq!(code(&sources, Some(&config), &none, Vec::new()), 1, "the config's fail level");
        let never = Overrides { fail_on: Some(FailOn::Never), ..Overrides::default() };
        assert_eq!(code(&sources, Some(&config), &never, Vec::new()), 0, "the flag wins");
        let out = run(&sources, &settings(None, &none), vec!["the path \"x\" does not exist".into()]);
        let files = out.report.as_ref().map(|r| r.summary.files);
        assert_eq!((out.exit_code, files), (2, Some(1)), "a usage error, after linting the rest");
        let bad = ConfigFile::parse("c.yaml", "nodez: 1\n", &crate::registry::names());
        let out = run(&sources, &settings(Some(&bad), &none), vec!["later".into()]);
        assert_eq!(out.exit_code, 2);
        assert!(out.report.is_none(), "a bad config stops before the report");
        assert!(out.errors[0].starts_with("c.yaml:1:1: unknown setting") && out.errors[1] == "later");
    }

    #[test]
    fn cloud_is_checked_like_the_config_value() {
        let aws = Overrides { cloud: Some("aws".into()), ..Overrides::default() };
        assert_eq!(settings(None, &aws).options.cloud.as_deref(), Some("aws"));
        let typo = Overrides { cloud: Some("awss".into()), ..Overrides::default() };
        let s = settings(None, &typo);
        assert!(s.options.cloud.is_none());
        assert!(s.config_errors[0].starts_with("--cloud: `cloud: awss` is not one of"), "{:?}", s.config_errors);
        assert!(s.config_errors[0].ends_with("did you mean `aws`?"), "{:?}", s.config_errors);
        let out = run(&[Source::new("a.yaml", NODEPORT)], &s, Vec::new());
        assert_eq!((out.exit_code, out.report.is_none()), (2, true), "a usage error stops the run");
    }

    #[test]
    fn overrides_win_over_the_config() {
        let config = ConfigFile::parse(
            ".realip-lint.yaml",
            "nodes: 3\nfail-on: error\nlimits: {file-bytes: 100}\n",
            &crate::registry::names(),
        );
        let s = settings(Some(&config), &Overrides::default());
        assert_eq!((s.options.nodes, s.fail_on, s.options.limits.file_bytes), (Some(3), FailOn::Error, 100));
        let o = Overrides { namespace: Some("shop".into()), nodes: Some(5), fail_on: Some(FailOn::Never), cloud: None };
        let s = settings(Some(&config), &o);
        assert_eq!(
            (s.options.nodes, s.options.namespace.as_deref(), s.fail_on),
            (Some(5), Some("shop"), FailOn::Never)
        );
    }
}
