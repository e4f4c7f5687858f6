/* tslint:disable */
/* eslint-disable */

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



/**
 * The Helm chart a file (absolute, resolved path) is a template of, asking `isFile` about the
 * `Chart.yaml` candidates; set it as the file's `chart`.
 */
export function chartOf(path: string, is_file: (path: string) => boolean): string | undefined;

/**
 * The names the config file is found by, from the working directory upward.
 */
export function configFileNames(): string[];

/**
 * A rule's manual, as `kubectl realip-lint explain <rule>` prints it. Throws for an unknown rule.
 */
export function explain(rule: string): string;

/**
 * Apply the fixes of the findings, as `--fix` (mode `safe`) or `--fix --unsafe-fixes` (mode
 * `unsafe`) does: lint, apply the fixes whose edits do not overlap, lint again, until nothing
 * changes. Returns the fixed texts, their diffs, what was fixed and the report after. Throws on a
 * usage error.
 */
export function fix(req: FixRequest): FixResult;

/**
 * The output formats `run` writes: the names of `kubectl realip-lint -o`, but `human`.
 */
export function formats(): string[];

/**
 * Lint the files: returns exactly what `kubectl realip-lint -o json` prints for the same files,
 * config and options (the contract of `docs/json.md`). Throws on a usage error (a bad config
 * file, a bad option), as the CLI exits 2 for it.
 */
export function lint(req: LintRequest): string;

/**
 * What a migration from `before` to `after` does to the client address, per hostname: exactly
 * what `kubectl realip-lint migrate` prints in the same format (`docs/migrate.md`), with its
 * exit code. Throws on a bad request.
 */
export function migrate(req: MigrateRequest): RunResult;

/**
 * What to do with each file before reading it, as the CLI decides it: the config's `exclude`
 * globs and its `file-bytes` limit.
 */
export function readPlan(req: ReadPlanRequest): ReadPlan;

/**
 * Every rule: name, default severity, one line, docs link (what `rules -o json` prints).
 */
export function rules(): RuleInfo[];

/**
 * Lint as the command line does: the output in the format asked for, the usage errors to print
 * on standard error, and the exit code. What the pre-commit hook runs.
 */
export function run(req: RunRequest): RunResult;

/**
 * For every entry point, where the client IP survives or dies on its way to the pods: exactly
 * what `kubectl realip-lint trace -o json` prints for the same files and options (`docs/trace.md`).
 * Throws on a usage error.
 */
export function trace(req: LintRequest): string;

/**
 * The UTF-16 offset (what editors count) of a byte offset of the JSON (`start.offset`) in `text`.
 */
export function utf16Offset(text: string, offset: number): number;

/**
 * The version of realip-lint (the same as `kubectl realip-lint --version`).
 */
export function version(): string;
