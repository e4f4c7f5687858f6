//! SARIF 2.1.0 for code scanning: every rule's metadata, and each diagnostic as a result at exactly
//! the place `-o json` gives (`columnKind: unicodeCodePoints`, so the columns are the same numbers),
//! with the file relative to the working directory, as code scanning expects.

use serde_json::{Value, json};

use super::{EmitContext, absolute, is_stream_name, uri_escape};
use crate::diagnostic::{Diagnostic, Report, Severity, SuppressedBy, rule_url};
use crate::registry::RULES;
use crate::rules::RuleDef;
use crate::source::Position;

/// The OASIS schema this output follows (a copy is in `plugin/tests/data/sarif/`).
pub const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base the relative URIs are resolved against: the working directory.
pub const SRCROOT: &str = "%SRCROOT%";

/// The SARIF level of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The `partialFingerprints` key: a hash of the file, the object, the rule and the field path
/// (`Diagnostic::key`), never the line, so an alert survives edits elsewhere in the file.
pub const FINGERPRINT: &str = "realipLint/v1";

/// `automationDetails.id`: code scanning keeps this tool's alerts apart from other uploads.
pub const AUTOMATION_ID: &str = "realip-lint/";

/// How often a rule's finding is a real problem, for code scanning's `precision`: `very-high`
/// for what the API server (or a parser) rejects or ignores; `high` for what follows from the
/// manifests alone; `medium` for what also depends on things the manifests do not show (the
/// load balancer in front, whether the client address is used).
pub fn precision(rule: &str) -> &'static str {
    match rule {
        "external-traffic-policy-invalid-value"
        | "external-traffic-policy-on-internal-service"
        | "health-check-node-port-misuse"
        | "invalid-manifest"
        | "invalid-suppression"
        | "removed-api-version"
        | "rolling-update-invalid"
        | "forwarded-trust-cidr-invalid"
        | "duplicate-object" => "very-high",
        "allowlist-after-snat"
        | "forwarded-headers-behind-l4"
        | "local-policy-single-endpoint"
        | "local-policy-without-spread"
        | "session-affinity-after-snat"
        | "soft-spread-only"
        | "spread-topology-not-hostname" => "medium",
        _ => "high",
    }
}

/// The SARIF log of one run, paths made relative to the context's working directory; the
/// context's `errors` are the run's usage errors (tool notifications, and an unsuccessful
/// execution).
pub fn render(report: &Report, ctx: &EmitContext<'_>) -> String {
    let errors = ctx.errors;
    let mut notifications: Vec<Value> = errors
        .iter()
        .map(|e| json!({"level": "error", "message": {"text": e}, "descriptor": {"id": "usage-error"}}))
        .collect();
    notifications.extend(report.notices.iter().map(|n| {
        json!({"level": "note", "message": {"text": format!("{}; {}", n.message, n.help)}, "descriptor": {"id": n.id}})
    }));
    let mut invocation = json!({"executionSuccessful": errors.is_empty()});
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = Value::Array(notifications);
    }
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| result(d, ctx))
        .chain(report.suppressed.iter().map(|s| {
            let mut r = result(&s.diagnostic, ctx);
            r["suppressions"] = json!([suppression(s.by)]);
            r
        }))
        .collect();
    let rules: Vec<Value> = RULES.iter().map(|r| descriptor(r)).collect();
    log(&rules, &results, &invocation, AUTOMATION_ID, ctx)
}

/// A SARIF log of one run of this tool: its rule descriptors, results and invocation, under an
/// `automationDetails.id` (the lint's, or `migrate`'s), URIs relative to the working directory.
pub(crate) fn log(
    rules: &[Value],
    results: &[Value],
    invocation: &Value,
    automation_id: &str,
    ctx: &EmitContext<'_>,
) -> String {
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "realip-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "automationDetails": {"id": automation_id},
            "invocations": [invocation],
            "originalUriBaseIds": {SRCROOT: {"uri": format!("{}/", file_uri(ctx.cwd).trim_end_matches('/'))}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn descriptor(rule: &RuleDef) -> Value {
    let manual = rule.manual();
    json!({
        "id": rule.name,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": what_it_does(&manual)},
        "help": {"text": manual.trim_end(), "markdown": manual.trim_end()},
        "helpUri": rule_url(rule.name),
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {"tags": ["kubernetes", "client-ip"], "precision": precision(rule.name)},
    })
}

/// Why a suppressed finding is not an alert.
fn suppression(by: SuppressedBy) -> Value {
    match by {
        SuppressedBy::Annotation => json!({
            "kind": "inSource",
            "justification": "an `ignore-check.realip-lint.io/<rule>` annotation on the object",
        }),
        SuppressedBy::Config => {
            json!({"kind": "external", "justification": "an `exempt` entry of the config file"})
        }
        SuppressedBy::Baseline => json!({"kind": "external", "justification": "listed in the --baseline file"}),
    }
}

/// The manual's `## What it does` section, its lines joined into paragraphs.
pub fn what_it_does(manual: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut inside = false;
    for line in manual.lines() {
        if line.starts_with("## ") {
            if inside {
                break;
            }
            inside = line.trim() == "## What it does";
            continue;
        }
        if !inside {
            continue;
        }
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(line.trim());
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs.join("\n\n")
}

fn result(d: &Diagnostic, ctx: &EmitContext<'_>) -> Value {
    let mut location = json!({"physicalLocation": physical(&d.file, d.start, d.end, ctx)});
    if let Some(object) = &d.object {
        let qualified = match &object.namespace {
            Some(ns) => format!("{}/{ns}/{}", object.kind, object.name),
            None => format!("{}/{}", object.kind, object.name),
        };
        location["logicalLocations"] = json!([{
            "name": object.name,
            "fullyQualifiedName": qualified,
            "kind": "resource",
            "properties": {"apiVersion": object.api_version, "kind": object.kind, "label": object.label()},
        }]);
    }
    let mut result = json!({"ruleId": d.rule});
    if let Some(index) = RULES.iter().position(|r| r.name == d.rule) {
        result["ruleIndex"] = json!(index);
    }
    result["level"] = json!(level(d.severity));
    result["message"] = json!({"text": format!("{}\n\nhelp: {}", d.message, d.help)});
    result["locations"] = json!([location]);
    let file = if is_stream_name(&d.file) {
        d.file.clone()
    } else {
        (ctx.relativize)(&d.file).unwrap_or_else(|| d.file.clone())
    };
    result["partialFingerprints"] = json!({FINGERPRINT: d.key(&file).fingerprint()});
    if !d.related.is_empty() {
        result["relatedLocations"] = d
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({"id": i, "physicalLocation": physical(&r.file, r.start, r.end, ctx), "message": {"text": r.message}})
            })
            .collect();
    }
    result
}

/// A file and region: the positions of `-o json`, and the byte range for tools that read bytes.
pub(crate) fn physical(file: &str, start: Position, end: Position, ctx: &EmitContext<'_>) -> Value {
    json!({
        "artifactLocation": artifact(file, ctx),
        "region": {
            "startLine": start.line,
            "startColumn": start.column,
            "endLine": end.line,
            "endColumn": end.column,
            "byteOffset": start.offset,
            "byteLength": end.offset.saturating_sub(start.offset),
        },
    })
}

/// Under the working directory: relative to `%SRCROOT%`; elsewhere: an absolute `file:` URI; a
/// stream (`<stdin>`, `<kustomize DIR>`, `<cluster CONTEXT>`): its name, encoded, and described.
fn artifact(file: &str, ctx: &EmitContext<'_>) -> Value {
    if is_stream_name(file) {
        return json!({"uri": uri_escape(file), "description": {"text": file}});
    }
    match (ctx.relativize)(file) {
        Some(rel) => json!({"uri": uri_escape(&rel), "uriBaseId": SRCROOT}),
        None => json!({"uri": file_uri(&absolute(file, ctx.cwd))}),
    }
}

fn file_uri(path: &str) -> String {
    let text = path.replace('\\', "/");
    let text = if text.starts_with('/') { text } else { format!("/{text}") };
    format!("file://{}", uri_escape(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_it_does_is_the_first_section_unwrapped() {
        let manual = "## What it does\nFlags a\nthing.\n\nSecond part.\n\n## Why is this bad?\nBecause.\n";
        assert_eq!(what_it_does(manual), "Flags a thing.\n\nSecond part.");
        for rule in RULES {
            assert!(!what_it_does(&rule.manual()).is_empty(), "{} has a `## What it does`", rule.name);
        }
    }

    #[test]
    fn locations_outside_the_working_directory_are_file_uris() {
        let cwd = "/work/repo";
        let relativize = |name: &str| super::super::relative_lexical(name, cwd);
        let ctx = EmitContext { relativize: &relativize, ..EmitContext::new(&[], &[], cwd) };
        assert_eq!(artifact("deploy/a b.yaml", &ctx), json!({"uri": "deploy/a%20b.yaml", "uriBaseId": "%SRCROOT%"}));
        assert_eq!(artifact("../x/c.yaml", &ctx), json!({"uri": "file:///work/x/c.yaml"}));
        assert_eq!(artifact("<stdin>", &ctx), json!({"uri": "%3Cstdin%3E", "description": {"text": "<stdin>"}}));
        assert_eq!(file_uri(cwd), "file:///work/repo");
    }
}
