//! The shell's plain-data side, free of JavaScript types so it is tested natively: requests in,
//! the core's answers out. Nothing here decides anything the core does not decide: it maps field
//! names onto the core's types and calls `realip_lint_core::run`, `Source` and `Config`.

use std::num::NonZeroU32;

use realip_lint_core::Source;
use realip_lint_core::config::{self, ConfigFile, FailOn};
use realip_lint_core::emit::{self, EmitContext, Format};
use realip_lint_core::run::{self, Outcome, Overrides, Settings};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

/// What `lint`, `run` and `trace` take (see the TypeScript `LintRequest` in `lib.rs`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Request {
    /// The inputs, in input order.
    pub files: Vec<File>,
    #[serde(default)]
    pub config: Option<ConfigText>,
    #[serde(default)]
    pub nodes: Option<NonZeroU32>,
    #[serde(default)]
    pub namespace: Option<String>,
    /// `--cloud`: the load-balancer provider a plain `type: LoadBalancer` gets.
    #[serde(default)]
    pub cloud: Option<String>,
    /// `error`, `warning` (the default, or the config's), `info` or `never`.
    #[serde(default)]
    pub fail_on: Option<String>,
    /// `run` only: the name of an output format (`realip_lint_core::emit::Format::NAMES` but
    /// `human`); `json` when unset.
    #[serde(default)]
    pub output: Option<String>,
    /// `run` only: the working directory, absolute, that `sarif` and `github` make paths relative
    /// to (the CLI's own); `/` when unset.
    #[serde(default)]
    pub cwd: Option<String>,
    /// `run` only: usage errors the caller met reading its inputs (the rest is still linted).
    #[serde(default)]
    pub errors: Vec<String>,
    /// `fix` only: `safe` (the default, `--fix`) or `unsafe` (`--fix --unsafe-fixes`).
    #[serde(default)]
    pub mode: Option<String>,
}

/// One input, under the name the user gave it, as the face found it: its text, the bytes it
/// read (the core decodes them, as it does the CLI's), its size when it was too large to read
/// (`readPlan`), or the error met reading it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub name: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub bytes: Option<ByteBuf>,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub error: Option<String>,
    /// The Helm chart this file is a template of (see `chartOf`).
    #[serde(default)]
    pub chart: Option<String>,
}

impl File {
    fn source(self, settings: &Settings) -> Result<Source, String> {
        let limits = &settings.options.limits;
        let name = self.name;
        let mut source = match (self.text, self.bytes, self.size, self.error) {
            (Some(text), None, None, None) => Source::from_read(name, text.into_bytes(), limits),
            (None, Some(bytes), None, None) => Source::from_read(name, bytes.into_vec(), limits),
            (None, None, Some(size), None) => Source::too_large(name, size, limits),
            (None, None, None, Some(error)) => Source::read_error(name, &error),
            _ => return Err(format!("files: `{name}` needs exactly one of `text`, `bytes`, `size`, `error`")),
        };
        source.chart = self.chart;
        Ok(source)
    }
}

/// The config file: its text, or why it could not be read (a usage error, as in the CLI).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigText {
    #[serde(default = "default_config_name")]
    pub name: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

fn default_config_name() -> String {
    config::FILE_NAMES[0].to_owned()
}

impl ConfigText {
    fn file(&self) -> Result<ConfigFile, String> {
        match (&self.text, &self.error) {
            (Some(text), None) => Ok(ConfigFile::parse(&self.name, text, &realip_lint_core::registry::names())),
            (None, Some(why)) => Ok(ConfigFile::unreadable(&self.name, why)),
            _ => Err("config: give either `text` or `error`".to_owned()),
        }
    }
}

/// The formats `run` writes: every format of the CLI but `human`, which is for a terminal (and
/// leaves miette out of the Wasm build).
pub fn formats() -> Vec<Format> {
    Format::ALL.into_iter().filter(|&f| f != Format::Human).collect()
}

/// The format a request asks for; `json` when it names none.
pub fn format(name: Option<&str>) -> Result<Format, String> {
    let Some(name) = name else { return Ok(Format::Json) };
    let formats = formats();
    Format::parse(name).filter(|f| formats.contains(f)).ok_or_else(|| {
        let names: Vec<&str> = formats.iter().map(|f| f.name()).collect();
        format!("output: `{name}` is not one of {}", names.join(", "))
    })
}

/// A request's data, with the path of the field that is wrong in the message.
pub fn parse<'de, T: Deserialize<'de>>(de: impl serde::Deserializer<'de>) -> Result<T, String> {
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        // serde_json's "at line 1 column 80" locates the error in JSON text the caller never saw.
        let message = e.inner().to_string();
        let message = match message.rsplit_once(" at line ") {
            Some((m, at)) if at.split(" column ").all(|n| n.parse::<u64>().is_ok()) => m.to_owned(),
            _ => message,
        };
        if path == "." { message } else { format!("{path}: {message}") }
    })
}

impl Request {
    /// The settings and the sources, as the CLI makes them from the same config, flags and files.
    fn prepare(&mut self) -> Result<(Settings, Vec<Source>), String> {
        let fail_on = match &self.fail_on {
            None => None,
            Some(s) => Some(
                FailOn::parse(s).ok_or_else(|| format!("failOn: `{s}` is not one of error, warning, info, never"))?,
            ),
        };
        let overrides = Overrides {
            namespace: self.namespace.take(),
            nodes: self.nodes.map(NonZeroU32::get),
            fail_on,
            cloud: self.cloud.take(),
        };
        let config = self.config.as_ref().map(ConfigText::file).transpose()?;
        let settings = run::settings(config.as_ref(), &overrides);
        let sources =
            std::mem::take(&mut self.files).into_iter().map(|f| f.source(&settings)).collect::<Result<Vec<_>, _>>()?;
        Ok((settings, sources))
    }

    /// Lint, as the CLI does with the same files, config and flags; the sources come back for
    /// the output.
    pub fn run(mut self) -> Result<(Outcome, Vec<Source>), String> {
        let (settings, sources) = self.prepare()?;
        Ok((run::run(&sources, &settings, self.errors), sources))
    }
}

/// `lint`: the JSON of `-o json`; usage errors (a bad config) are an error, never in the JSON.
pub fn lint(request: Request) -> Result<String, String> {
    let (outcome, _) = request.run()?;
    match outcome.report {
        Some(report) if outcome.errors.is_empty() => Ok(emit::json::render(&report)),
        _ => Err(outcome.errors.join("\n")),
    }
}

/// What `run` returns.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunResult {
    pub output: String,
    pub errors: Vec<String>,
    pub exit_code: u8,
}

/// `run`: the output in the format asked for, the usage errors, the exit code.
pub fn run(mut request: Request) -> Result<RunResult, String> {
    let format = format(request.output.as_deref())?;
    let cwd = request.cwd.take().unwrap_or_else(|| "/".to_owned());
    let (outcome, sources) = request.run()?;
    // A bad config stops the run before the report: the errors only.
    let output = match &outcome.report {
        None => String::new(),
        Some(report) => {
            let relativize = |name: &str| emit::relative_lexical(name, &cwd);
            let ctx = EmitContext { relativize: &relativize, ..EmitContext::new(&sources, &outcome.errors, &cwd) };
            emit::emit(format, report, &ctx)
        }
    };
    Ok(RunResult { output, errors: outcome.errors, exit_code: outcome.exit_code })
}

/// `trace`: the JSON of `trace -o json`; usage errors are an error.
pub fn trace(mut request: Request) -> Result<String, String> {
    let (settings, sources) = request.prepare()?;
    let errors = settings.errors(std::mem::take(&mut request.errors));
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    Ok(realip_lint_core::trace::trace(&sources, &settings.options).to_json())
}

/// One file `fix` changed: its fixed text and the unified diff `--diff` prints for it.
#[derive(Debug, Serialize)]
pub struct FixedFile {
    pub name: String,
    pub text: String,
    pub diff: String,
}

/// A finding a fix removed, as found before its pass.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FixedFinding {
    pub rule: &'static str,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub title: String,
    pub applicability: realip_lint_core::fix::Applicability,
}

/// What `fix` returns (see the TypeScript `FixResult` in `lib.rs`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FixResult {
    pub files: Vec<FixedFile>,
    pub fixed: Vec<FixedFinding>,
    /// The JSON of the report after fixing: what `--fix -o json` prints.
    pub report: String,
    /// What `--fix` says on standard error (`fixed 1 finding in 1 file (a.yaml)`).
    pub summary: String,
    pub exit_code: u8,
}

/// `fix`: what `--fix` (mode `safe`) or `--fix --unsafe-fixes` (mode `unsafe`) writes and
/// reports, through the core's `run::fix_all` as the CLI's; usage errors are an error.
pub fn fix(mut request: Request) -> Result<FixResult, String> {
    let mode = match request.mode.as_deref() {
        None | Some("safe") => run::Mode::Safe,
        Some("unsafe") => run::Mode::Unsafe,
        Some(m) => return Err(format!("mode: `{m}` is not one of safe, unsafe")),
    };
    let (settings, sources) = request.prepare()?;
    let errors = settings.errors(std::mem::take(&mut request.errors));
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    let fixed = run::fix_all(&sources, mode, &|s| realip_lint_core::lint(s, &settings.options));
    let changed: Vec<usize> = fixed.changed(&sources).collect();
    let files = changed
        .iter()
        .map(|&i| FixedFile {
            name: sources[i].name.clone(),
            text: fixed.sources[i].text.clone(),
            diff: realip_lint_core::fix::unified_diff(&sources[i].name, &sources[i].text, &fixed.sources[i].text),
        })
        .collect();
    let names: Vec<String> = changed.iter().map(|&i| sources[i].name.clone()).collect();
    let found = fixed
        .fixed
        .iter()
        .filter_map(|d| {
            let f = d.fix.as_ref()?;
            Some(FixedFinding {
                rule: d.rule,
                file: d.file.clone(),
                line: d.start.line,
                column: d.start.column,
                title: f.title.clone(),
                applicability: f.applicability,
            })
        })
        .collect();
    Ok(FixResult {
        files,
        fixed: found,
        report: emit::json::render(&fixed.report),
        summary: run::fix_summary(&fixed, &names, mode, true),
        exit_code: settings.exit_code(&fixed.report, &[]),
    })
}

/// What `migrate` takes (see the TypeScript `MigrateRequest` in `lib.rs`): the two sides' files,
/// and the options both sides are read with.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MigrateRequest {
    /// OLD.
    pub before: Vec<File>,
    /// NEW.
    pub after: Vec<File>,
    #[serde(default)]
    pub config: Option<ConfigText>,
    #[serde(default)]
    pub nodes: Option<NonZeroU32>,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub cloud: Option<String>,
    #[serde(default)]
    pub fail_on: Option<String>,
    /// `human` (the Markdown report), `json` (the default), `sarif` or `github`.
    #[serde(default)]
    pub output: Option<String>,
    /// The working directory, absolute, that `sarif` and `github` make paths relative to.
    #[serde(default)]
    pub cwd: Option<String>,
}

/// `migrate`: what `kubectl realip-lint migrate --before … --after …` prints in the format asked
/// for, its usage errors and its exit code.
pub fn migrate(request: MigrateRequest) -> Result<RunResult, String> {
    let MigrateRequest { before, after, config, nodes, namespace, cloud, fail_on, output, cwd } = request;
    let output = output.unwrap_or_else(|| "json".to_owned());
    if !["human", "json", "sarif", "github"].contains(&output.as_str()) {
        return Err(format!("output: `{output}` is not one of human, json, sarif, github"));
    }
    let mut side = Request {
        files: before,
        config,
        nodes,
        namespace,
        cloud,
        fail_on,
        output: None,
        cwd: None,
        errors: Vec::new(),
        mode: None,
    };
    let (settings, old) = side.prepare()?;
    if !settings.config_errors.is_empty() {
        return Ok(RunResult { output: String::new(), errors: settings.config_errors, exit_code: 2 });
    }
    let new = after.into_iter().map(|f| f.source(&settings)).collect::<Result<Vec<_>, _>>()?;
    let report = realip_lint_core::migrate::migrate(
        &realip_lint_core::migrate::Side { sources: &old, options: &settings.options },
        &realip_lint_core::migrate::Side { sources: &new, options: &settings.options },
    );
    let cwd = cwd.unwrap_or_else(|| "/".to_owned());
    let relativize = |name: &str| emit::relative_lexical(name, &cwd);
    let ctx = EmitContext { relativize: &relativize, ..EmitContext::new(&new, &[], &cwd) };
    let output = match output.as_str() {
        "human" => realip_lint_core::migrate::render(&report),
        "sarif" => realip_lint_core::migrate::sarif(&report, &ctx),
        "github" => realip_lint_core::migrate::github(&report, &ctx),
        _ => report.to_json(),
    };
    Ok(RunResult { output, errors: Vec::new(), exit_code: u8::from(report.fails(settings.fail_on)) })
}

/// What `readPlan` takes: the config file's text and folder, and the files a face found.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    #[serde(default)]
    pub config: Option<String>,
    /// The config file's folder, absolute and resolved (the `exclude` globs are relative to it).
    #[serde(default)]
    pub dir: Option<String>,
    pub files: Vec<PlanFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    /// Absolute and resolved.
    pub path: String,
    /// Its length on disk.
    pub size: u64,
}

/// What a face does with each file before reading it, as the CLI decides it.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// For each file: `read`, `excluded` (by the config's globs) or `too-large` (pass its `size`).
    pub files: Vec<&'static str>,
    /// The most bytes to read of a stream (standard input, a pipe): one more tells it is too large.
    pub file_bytes: u64,
}

/// `readPlan`: which files the config excludes, which are over the `file-bytes` limit.
pub fn read_plan(request: PlanRequest) -> Plan {
    let config = request.config.map(|t| config::parse(&t, &realip_lint_core::registry::names()).0).unwrap_or_default();
    let limit = config.limits.file_bytes as u64;
    let files = request
        .files
        .iter()
        .map(|f| match &request.dir {
            Some(dir) if config.excludes(dir, &f.path) => "excluded",
            _ if f.size > limit => "too-large",
            _ => "read",
        })
        .collect();
    Plan { files, file_bytes: limit }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODEPORT: &str =
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  selector: {app: web}\n";

    fn request(extra: &str) -> Request {
        let json = format!(
            r#"{{"files": [{{"name": "a.yaml", "text": {}}}]{extra}}}"#,
            serde_json::to_string(NODEPORT).unwrap()
        );
        parse(&mut serde_json::Deserializer::from_str(&json)).unwrap()
    }

    fn bad(json: &str) -> String {
        parse::<Request>(&mut serde_json::Deserializer::from_str(json)).unwrap_err()
    }

    #[test]
    fn migrate_is_the_cores_report_with_the_exit_code() {
        let file = |side: &str, name: &str| {
            let path = format!("{}/../examples/migrate/{side}/{name}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap();
            serde_json::json!({"name": format!("{side}/{name}"), "text": text})
        };
        let req = |extra: serde_json::Value| {
            let mut v = serde_json::json!({
                "before": [file("old", "ingress-nginx.yaml")],
                "after": [file("new", "gateway.yaml")],
            });
            for (k, x) in extra.as_object().unwrap() {
                v[k] = x.clone();
            }
            parse::<MigrateRequest>(&mut serde_json::Deserializer::from_str(&v.to_string())).unwrap()
        };
        let json = migrate(req(serde_json::json!({}))).unwrap();
        assert_eq!(json.exit_code, 1, "the allow-list is lost");
        let v: serde_json::Value = serde_json::from_str(&json.output).unwrap();
        assert_eq!(v["hosts"][0]["after"]["kind"], "lost");
        let human = migrate(req(serde_json::json!({"output": "human", "failOn": "error"}))).unwrap();
        assert_eq!(human.exit_code, 0, "nothing broken");
        assert!(human.output.starts_with("### shop.example.com:80\n"), "{}", human.output);
        assert!(human.output.contains("| ✗ | allow-list | lost |"), "{}", human.output);
        let bad = migrate(req(serde_json::json!({"output": "concise"}))).unwrap_err();
        assert!(bad.contains("human, json, sarif, github"), "{bad}");
        let config = migrate(req(serde_json::json!({"config": {"text": "nodez: 3\n"}}))).unwrap();
        assert_eq!(config.exit_code, 2, "a bad config stops the run");
        assert!(config.output.is_empty() && !config.errors.is_empty());
    }

    #[test]
    fn fix_is_the_cores_fix_all() {
        let text = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: local # keep\n  selector: {app: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n  type: ClusterIP\n  externalTrafficPolicy: Local\n  selector: {app: b}\n";
        let req = |mode: &str| {
            let json = format!(
                r#"{{"files": [{{"name": "a.yaml", "text": {}}}]{mode}}}"#,
                serde_json::to_string(text).unwrap()
            );
            parse::<Request>(&mut serde_json::Deserializer::from_str(&json)).unwrap()
        };
        let safe = fix(req("")).unwrap();
        assert_eq!(safe.files.len(), 1);
        assert_eq!(safe.files[0].text, text.replace("local # keep", "Local # keep"));
        assert!(safe.files[0].diff.starts_with("--- a/a.yaml\n+++ b/a.yaml\n"), "{}", safe.files[0].diff);
        assert_eq!(safe.fixed.len(), 1);
        assert_eq!((safe.fixed[0].rule, safe.fixed[0].line), ("external-traffic-policy-invalid-value", 6));
        assert_eq!(
            safe.summary,
            "fixed 1 finding in 1 file (a.yaml); --unsafe-fixes would fix 1 more (they change behaviour on purpose)"
        );
        assert_eq!(safe.exit_code, 1, "the unsafe fix's error is left");
        let sources = [Source::new("a.yaml", safe.files[0].text.clone())];
        assert_eq!(
            safe.report,
            emit::json::render(&realip_lint_core::lint(&sources, &realip_lint_core::Options::default())),
            "the report is the lint of the fixed text"
        );
        let all = fix(req(r#", "mode": "unsafe""#)).unwrap();
        assert_eq!(all.fixed.len(), 2);
        assert_eq!(all.exit_code, 0);
        assert!(fix(req(r#", "mode": "bold""#)).unwrap_err().contains("safe, unsafe"));
    }

    #[test]
    fn lint_is_the_cores_json() {
        let expected = emit::json::render(&realip_lint_core::lint(
            &[Source::new("a.yaml", NODEPORT)],
            &realip_lint_core::Options::default(),
        ));
        assert_eq!(lint(request("")).unwrap(), expected);
        let bytes = format!(r#"{{"files": [{{"name": "a.yaml", "bytes": {:?}}}]}}"#, NODEPORT.as_bytes());
        let from_bytes: Request = parse(&mut serde_json::Deserializer::from_str(&bytes)).unwrap();
        assert_eq!(lint(from_bytes).unwrap(), expected, "bytes are decoded by the core");
    }

    #[test]
    fn run_gives_the_exit_code_and_the_config_errors() {
        let r = run(request(r#", "failOn": "info", "output": "concise""#)).unwrap();
        assert_eq!(r.exit_code, 1);
        assert!(r.errors.is_empty());
        assert!(r.output.starts_with("a.yaml:5:9: info external-service-cluster-policy: "), "{}", r.output);
        let bad_config = r#", "config": {"name": "/r/.realip-lint.yaml", "text": "nodez: 3\n"}"#;
        let r = run(request(bad_config)).unwrap();
        assert_eq!((r.exit_code, r.errors.len(), r.output.as_str()), (2, 1, ""), "no report after a bad config");
        assert!(r.errors[0].starts_with("/r/.realip-lint.yaml:1:1: unknown setting `nodez`"), "{:?}", r.errors);
        assert!(lint(request(bad_config)).unwrap_err().contains("unknown setting `nodez`"), "lint throws");
        let r = run(request(r#", "config": {"name": "c.yaml", "error": "permission denied"}"#)).unwrap();
        assert_eq!(
            (r.exit_code, r.errors),
            (2, vec!["c.yaml: cannot read the config file: permission denied".to_owned()])
        );
    }

    #[test]
    fn files_too_large_or_unreadable_are_the_cores_sources() {
        let json = r#"{"files": [{"name": "big.yaml", "size": 100}, {"name": "gone.yaml", "error": "EACCES"}], "config": {"text": "limits: {file-bytes: 10}\n"}}"#;
        let out = lint(parse(&mut serde_json::Deserializer::from_str(json)).unwrap()).unwrap();
        assert!(out.contains("the file is more than 100 bytes, over the `file-bytes` limit of 10 bytes"), "{out}");
        assert!(out.contains("cannot read the file: EACCES"), "{out}");
    }

    #[test]
    fn bad_requests_name_the_field() {
        assert_eq!(
            run(request(r#", "failOn": "loud""#)).unwrap_err(),
            "failOn: `loud` is not one of error, warning, info, never"
        );
        assert_eq!(bad(r#"{"files": [], "nodes": 0}"#), "nodes: invalid value: integer `0`, expected a nonzero u32");
        assert!(bad(r#"{"files": [{"text": "a"}]}"#).starts_with("files[0]: missing field `name`"));
        assert!(bad(r#"{"files": [], "node": 3}"#).contains("unknown field `node`"));
        let two = r#"{"files": [{"name": "a", "text": "", "size": 3}]}"#;
        let err = lint(parse(&mut serde_json::Deserializer::from_str(two)).unwrap()).unwrap_err();
        assert_eq!(err, "files: `a` needs exactly one of `text`, `bytes`, `size`, `error`");
    }

    #[test]
    fn the_read_plan_excludes_and_sizes_as_the_cli() {
        let plan = read_plan(PlanRequest {
            config: Some("exclude: [\"charts/**\"]\nlimits: {file-bytes: 10}\n".into()),
            dir: Some("/r".into()),
            files: vec![
                PlanFile { path: "/r/charts/x.yaml".into(), size: 100 },
                PlanFile { path: "/r/deploy/x.yaml".into(), size: 100 },
                PlanFile { path: "/s/charts/x.yaml".into(), size: 10 },
            ],
        });
        assert_eq!(plan, Plan { files: vec!["excluded", "too-large", "read"], file_bytes: 10 });
        let default = read_plan(PlanRequest { config: None, dir: None, files: Vec::new() });
        assert_eq!(default.file_bytes, 64 * 1024 * 1024);
    }

    #[test]
    fn every_format_but_human_is_the_cores_bytes() {
        let sources = [Source::new("a.yaml", NODEPORT)];
        let report = realip_lint_core::lint(&sources, &realip_lint_core::Options::default());
        let relativize = |name: &str| emit::relative_lexical(name, "/r");
        let ctx = EmitContext { relativize: &relativize, ..EmitContext::new(&sources, &[], "/r") };
        for name in Format::NAMES {
            let r = run(request(&format!(r#", "output": "{name}", "cwd": "/r""#)));
            if name == "human" {
                assert_eq!(r.unwrap_err(), "output: `human` is not one of json, sarif, github, concise");
                continue;
            }
            let format = Format::parse(name).unwrap();
            assert_eq!(r.unwrap().output, emit::emit(format, &report, &ctx), "-o {name}");
        }
        let sarif = run(request(r#", "output": "sarif", "cwd": "/r""#)).unwrap().output;
        assert!(sarif.contains(r#""uri": "a.yaml","#) && sarif.contains(r#""uri": "file:///r/""#), "{sarif}");
        let github = run(request(r#", "output": "github""#)).unwrap().output;
        assert!(github.starts_with("::notice file=a.yaml,line=5,col=9,"), "{github}");
        assert_eq!(run(request("")).unwrap().output, emit::json::render(&report), "json when unset");
    }

    #[test]
    fn trace_is_the_cores_json() {
        let expected =
            realip_lint_core::trace::trace(&[Source::new("a.yaml", NODEPORT)], &realip_lint_core::Options::default())
                .to_json();
        assert_eq!(trace(request("")).unwrap(), expected);
    }
}
