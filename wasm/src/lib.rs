//! realip-lint for JavaScript: a thin wasm-bindgen shell over the lint core, built for Node
//! (`wasm/pkg/node`) and for the browser (`wasm/pkg/web`) by `wasm/build.sh`.
//!
//! Every function takes and returns plain data. `lint` returns, byte for byte, what
//! `kubectl realip-lint -o json` prints for the same files and options. No logic lives here that
//! the core does not have: this file converts between JavaScript values and `shell.rs`, which
//! maps the request onto the core's types.

pub mod shell;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/**
 * One input, under the name to report it by (a path as the user gave it), with exactly one of:
 * `text`; `bytes`, as read from disk (the core decodes them as the CLI does: a BOM is kept,
 * UTF-16 and bytes that are not UTF-8 are reported); `size`, for a file `readPlan` says is too
 * large to read; `error`, the reason it could not be read.
 */
export interface SourceFile {
  name: string;
  text?: string;
  bytes?: Uint8Array;
  size?: number;
  error?: string;
  /** The Helm chart this file is a template of (`chartOf`), if any. */
  chart?: string;
}

/** What `lint` and `run` take; each option wins over the config file, as CLI flags do. */
export interface LintRequest {
  files: SourceFile[];
  /**
   * `.realip-lint.yaml`: its `text`, or the `error` met reading it; `name` is what its errors are
   * reported under.
   */
  config?: { name?: string; text?: string; error?: string };
  /** Eligible nodes, when the input has no Node objects (`--nodes`). */
  nodes?: number;
  /** The namespace of objects that name none (`-n`). */
  namespace?: string;
  /** `--cloud`: the load-balancer provider a plain `type: LoadBalancer` gets (a `cloud:` value). */
  cloud?: string;
  /** `--fail-on`: sets `run`'s exit code. */
  failOn?: "error" | "warning" | "info" | "never";
}

export interface RunRequest extends LintRequest {
  /**
   * The output format, by the name `kubectl realip-lint -o` takes, the same bytes: `json` (the
   * default), `concise` (one line per diagnostic, `file:line:col: severity rule: message`, the
   * notices, the summary), `sarif`, `github`; `formats()` lists them all (every CLI format but
   * `human`, which is for a terminal).
   */
  output?: string;
  /**
   * The working directory, absolute: `sarif` and `github` name files relative to it, as the CLI
   * does to its own; `/` when unset.
   */
  cwd?: string;
  /** Usage errors the caller met reading its inputs; they make the exit code 2. */
  errors?: string[];
}

export interface RunResult {
  /** Empty after a bad config file: the run stops before the report. */
  output: string;
  /** Usage errors, for standard error (a bad config file, at its exact place). */
  errors: string[];
  /** 0 nothing at or above the fail level, 1 findings at or above it, 2 a usage error. */
  exitCode: 0 | 1 | 2;
}

/** What `migrate` takes: OLD and NEW, each read as `LintRequest.files`, with shared options. */
export interface MigrateRequest {
  before: SourceFile[];
  after: SourceFile[];
  config?: { name?: string; text?: string; error?: string };
  nodes?: number;
  namespace?: string;
  cloud?: string;
  /** Sets the exit code: `error` for an outage, `warning` (default) also lost or newly forgeable. */
  failOn?: "error" | "warning" | "info" | "never";
  /** `human` (the Markdown report), `json` (the default, `docs/migrate.md`), `sarif`, `github`. */
  output?: "human" | "json" | "sarif" | "github";
  /** The working directory, absolute, for `sarif` and `github`; `/` when unset. */
  cwd?: string;
}

/** What `fix` takes: a `LintRequest` and which fixes to apply. */
export interface FixRequest extends LintRequest {
  /** `safe` (the default): what `--fix` applies; `unsafe`: also what `--fix --unsafe-fixes` does. */
  mode?: "safe" | "unsafe";
}

/** What `fix` returns: what `--fix` would write and report, byte for byte. */
export interface FixResult {
  /** The files whose text changed: the fixed text, and the unified diff `--diff` prints. */
  files: { name: string; text: string; diff: string }[];
  /** The findings fixed, as found before their pass. */
  fixed: { rule: string; file: string; line: number; column: number; title: string; applicability: "safe" | "unsafe" | "display-only" }[];
  /** The report after fixing: what `lint` returns for the fixed texts (each diagnostic's `fix`). */
  report: string;
  /** What `--fix` says on standard error: `fixed 1 finding in 1 file (a.yaml)`. */
  summary: string;
  /** The exit code of `--fix` over the fixed texts. */
  exitCode: 0 | 1 | 2;
}

export interface RuleInfo {
  name: string;
  severity: "error" | "warning" | "info";
  summary: string;
  url: string;
}

export interface ReadPlanRequest {
  /** The text of `.realip-lint.yaml`, if there is one. */
  config?: string;
  /** The absolute, resolved folder of the config file (its `exclude` globs are relative to it). */
  dir?: string;
  /** The files found: absolute, resolved paths and their length on disk. */
  files: { path: string; size: number }[];
}

export interface ReadPlan {
  /** For each file: read it, leave it out (`exclude`), or pass its `size` (over `file-bytes`). */
  files: ("read" | "excluded" | "too-large")[];
  /** The most bytes to read of a stream (standard input, a pipe): one more tells it is too large. */
  fileBytes: number;
}
"#;

/// A JavaScript request as the shell's type; a wrong field is named in the error.
fn request<T: for<'de> serde::Deserialize<'de>>(value: &JsValue) -> Result<T, JsError> {
    shell::parse(serde_wasm_bindgen::Deserializer::from(value.clone())).map_err(|e| JsError::new(&e))
}

/// Plain data for JavaScript.
fn plain(value: &impl serde::Serialize) -> Result<JsValue, JsError> {
    serde_wasm_bindgen::to_value(value).map_err(|e| JsError::new(&e.to_string()))
}

/// Lint the files: returns exactly what `kubectl realip-lint -o json` prints for the same files,
/// config and options (the contract of `docs/json.md`). Throws on a usage error (a bad config
/// file, a bad option), as the CLI exits 2 for it.
#[wasm_bindgen]
pub fn lint(#[wasm_bindgen(unchecked_param_type = "LintRequest")] req: &JsValue) -> Result<String, JsError> {
    shell::lint(request(req)?).map_err(|e| JsError::new(&e))
}

/// Lint as the command line does: the output in the format asked for, the usage errors to print
/// on standard error, and the exit code. What the pre-commit hook runs.
#[wasm_bindgen(unchecked_return_type = "RunResult")]
pub fn run(#[wasm_bindgen(unchecked_param_type = "RunRequest")] req: &JsValue) -> Result<JsValue, JsError> {
    plain(&shell::run(request(req)?).map_err(|e| JsError::new(&e))?)
}

/// Apply the fixes of the findings, as `--fix` (mode `safe`) or `--fix --unsafe-fixes` (mode
/// `unsafe`) does: lint, apply the fixes whose edits do not overlap, lint again, until nothing
/// changes. Returns the fixed texts, their diffs, what was fixed and the report after. Throws on a
/// usage error.
#[wasm_bindgen(unchecked_return_type = "FixResult")]
pub fn fix(#[wasm_bindgen(unchecked_param_type = "FixRequest")] req: &JsValue) -> Result<JsValue, JsError> {
    plain(&shell::fix(request(req)?).map_err(|e| JsError::new(&e))?)
}

/// For every entry point, where the client IP survives or dies on its way to the pods: exactly
/// what `kubectl realip-lint trace -o json` prints for the same files and options (`docs/trace.md`).
/// Throws on a usage error.
#[wasm_bindgen]
pub fn trace(#[wasm_bindgen(unchecked_param_type = "LintRequest")] req: &JsValue) -> Result<String, JsError> {
    shell::trace(request(req)?).map_err(|e| JsError::new(&e))
}

/// What a migration from `before` to `after` does to the client address, per hostname: exactly
/// what `kubectl realip-lint migrate` prints in the same format (`docs/migrate.md`), with its
/// exit code. Throws on a bad request.
#[wasm_bindgen(unchecked_return_type = "RunResult")]
pub fn migrate(#[wasm_bindgen(unchecked_param_type = "MigrateRequest")] req: &JsValue) -> Result<JsValue, JsError> {
    plain(&shell::migrate(request(req)?).map_err(|e| JsError::new(&e))?)
}

/// Every rule: name, default severity, one line, docs link (what `rules -o json` prints).
#[wasm_bindgen(unchecked_return_type = "RuleInfo[]")]
pub fn rules() -> Result<JsValue, JsError> {
    js_sys::JSON::parse(&realip_lint_core::registry::rules_json()).map_err(|_| JsError::new("rules: JSON"))
}

/// A rule's manual, as `kubectl realip-lint explain <rule>` prints it. Throws for an unknown rule.
#[wasm_bindgen]
pub fn explain(rule: &str) -> Result<String, JsError> {
    realip_lint_core::registry::rule(rule).map(realip_lint_core::rules::RuleDef::explain).ok_or_else(|| {
        let hint = realip_lint_core::registry::similar_rule(rule)
            .map_or_else(String::new, |r| format!("did you mean `{r}`? "));
        JsError::new(&format!("unknown rule `{rule}`; {hint}`rules()` lists them"))
    })
}

/// The output formats `run` writes: the names of `kubectl realip-lint -o`, but `human`.
#[wasm_bindgen]
pub fn formats() -> Vec<String> {
    shell::formats().into_iter().map(|f| f.name().to_owned()).collect()
}

/// The version of realip-lint (the same as `kubectl realip-lint --version`).
#[wasm_bindgen]
pub fn version() -> String {
    realip_lint_core::VERSION.to_owned()
}

/// The names the config file is found by, from the working directory upward.
#[wasm_bindgen(js_name = configFileNames)]
pub fn config_file_names() -> Vec<String> {
    realip_lint_core::config::FILE_NAMES.iter().map(|&n| n.to_owned()).collect()
}

/// What to do with each file before reading it, as the CLI decides it: the config's `exclude`
/// globs and its `file-bytes` limit.
#[wasm_bindgen(js_name = readPlan, unchecked_return_type = "ReadPlan")]
pub fn read_plan(#[wasm_bindgen(unchecked_param_type = "ReadPlanRequest")] req: &JsValue) -> Result<JsValue, JsError> {
    plain(&shell::read_plan(request(req)?))
}

/// The Helm chart a file (absolute, resolved path) is a template of, asking `isFile` about the
/// `Chart.yaml` candidates; set it as the file's `chart`.
#[wasm_bindgen(js_name = chartOf)]
pub fn chart_of(
    path: &str,
    #[wasm_bindgen(unchecked_param_type = "(path: string) => boolean")] is_file: &js_sys::Function,
) -> Option<String> {
    realip_lint_core::source::chart_of(path, |p| {
        is_file.call1(&JsValue::NULL, &JsValue::from_str(p)).ok().and_then(|v| v.as_bool()).unwrap_or(false)
    })
}

/// The UTF-16 offset (what editors count) of a byte offset of the JSON (`start.offset`) in `text`.
#[wasm_bindgen(js_name = utf16Offset)]
pub fn utf16_offset(text: &str, offset: u32) -> u32 {
    realip_lint_core::source::utf16_offset(text, offset)
}
