//! realip-lint's lint core: Kubernetes manifests in, client-IP diagnostics out.
//!
//! No file, network, environment, terminal or thread use: it builds for
//! `wasm32-unknown-unknown`, and every face (the kubectl plugin, the Wasm module) calls [`lint`].

pub mod config;
pub mod diagnostic;
pub mod k8s;
pub mod limits;
pub mod origin;
pub mod registry;
pub mod rules;
pub mod run;
pub mod source;
pub mod suppress;
pub mod trace;
pub mod yaml;

use std::collections::BTreeMap;

pub use diagnostic::{DOCS_BASE, Diagnostic, Report, Severity};
pub use source::Source;

use diagnostic::{Finding, Related, Summary, rule_url};
use k8s::model::{Model, ModelOptions};
use source::LineIndex;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What a run is told besides its sources.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The namespace of objects that name none (`-n`); `default` when unset.
    pub namespace: Option<String>,
    /// Eligible nodes when the input has no Node objects (`--nodes`).
    pub nodes: Option<u32>,
    /// Per-rule severity; `None` turns the rule off.
    pub rule_levels: BTreeMap<String, Option<Severity>>,
    pub dataplane: config::Dataplane,
    /// The cloud whose default load balancer a plain `type: LoadBalancer` gets.
    pub cloud: Option<String>,
    /// Objects exempt from rules (for objects that cannot be annotated).
    pub exempt: Vec<config::Exempt>,
    pub limits: limits::Limits,
}

impl Options {
    /// Options from a config file; command-line values set afterwards win.
    pub fn from_config(config: &config::Config) -> Self {
        Self {
            namespace: None,
            nodes: config.nodes,
            rule_levels: config.rules.clone(),
            dataplane: config.dataplane.unwrap_or_default(),
            cloud: config.cloud.clone(),
            exempt: config.exempt.clone(),
            limits: config.limits,
        }
    }
}

/// Lint these sources.
pub fn lint(sources: &[Source], options: &Options) -> Report {
    let loaded = k8s::load::load(sources, namespace(options), &options.limits);
    lint_loaded(sources, loaded, options)
}

/// The namespace of objects that name none.
pub fn namespace(options: &Options) -> &str {
    options.namespace.as_deref().unwrap_or("default")
}

/// Lint sources already loaded (a face with threads loads them in parallel with
/// [`k8s::load::plan`], [`k8s::load::load_file`] and [`k8s::load::assemble`]).
pub fn lint_loaded(sources: &[Source], loaded: k8s::load::Loaded, options: &Options) -> Report {
    let models = build_models(sources, loaded, options);
    run_rules(sources, &models, options)
}

/// Split the loaded objects into the worlds that are linked together ([`k8s::worlds`]) and link
/// each into the model the rules and the trace read.
pub fn build_models(sources: &[Source], loaded: k8s::load::Loaded, options: &Options) -> Vec<Model> {
    let texts: Vec<&str> = sources.iter().map(|s| s.text.as_str()).collect();
    let model_options =
        ModelOptions { nodes: options.nodes, dataplane: options.dataplane, cloud: options.cloud.clone() };
    k8s::worlds::split(sources, loaded).into_iter().map(|world| Model::build(world, &model_options, &texts)).collect()
}

/// Run every rule over each world's model: the diagnostics, configured, suppressed and sorted.
pub fn run_rules(sources: &[Source], models: &[Model], options: &Options) -> Report {
    // Line indexes only for the files that get a diagnostic.
    let mut indexes: Vec<Option<LineIndex>> = vec![None; sources.len()];
    let mut diagnostics = Vec::new();
    for model in models {
        rules_of_world(sources, &mut indexes, model, options, &mut diagnostics);
    }
    diagnostic::sort(&mut diagnostics);
    diagnostics.dedup_by(|a, b| a == b);
    let mut summary = Summary {
        files: sources.len(),
        objects: models.iter().map(|m| m.objects.len()).sum(),
        skipped: models.iter().map(|m| m.skipped).sum(),
        ..Summary::default()
    };
    for d in &diagnostics {
        match d.severity {
            Severity::Error => summary.error += 1,
            Severity::Warning => summary.warning += 1,
            Severity::Info => summary.info += 1,
        }
    }
    Report { version: 1, diagnostics, summary }
}

fn rules_of_world(
    sources: &[Source],
    indexes: &mut [Option<LineIndex>],
    model: &Model,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for rule in registry::RULES {
        let level = options.rule_levels.get(rule.name).copied();
        if level == Some(None) {
            continue;
        }
        let mut findings = Vec::new();
        (rule.check)(model, &mut findings);
        for f in findings {
            if is_suppressed(model, rule.name, &f) || is_exempt(model, &options.exempt, rule.name, &f) {
                continue;
            }
            let severity = level.flatten().unwrap_or_else(|| f.severity.unwrap_or(rule.severity));
            diagnostics.push(to_diagnostic(sources, indexes, model, rule.name, severity, f));
        }
    }
}

fn is_suppressed(model: &Model, rule: &str, f: &Finding) -> bool {
    [f.object, f.also_object].into_iter().flatten().any(|o| suppress::suppressed(&model.objects[o], rule))
}

fn is_exempt(model: &Model, exempt: &[config::Exempt], rule: &str, f: &Finding) -> bool {
    [f.object, f.also_object].into_iter().flatten().any(|o| {
        let obj = &model.objects[o];
        exempt.iter().any(|e| {
            e.kind == obj.kind
                && Some(e.name.as_str()) == obj.name.as_deref()
                && (e.namespace.is_none() || e.namespace == obj.namespace)
                && (e.rules.is_empty() || e.rules.iter().any(|r| r == rule))
        })
    })
}

fn to_diagnostic(
    sources: &[Source],
    idx: &mut [Option<LineIndex>],
    model: &Model,
    rule: &'static str,
    severity: Severity,
    f: Finding,
) -> Diagnostic {
    let mut pos = |file: usize, off: u32| {
        let text = &sources[file].text;
        idx[file].get_or_insert_with(|| LineIndex::new(text)).position(text, off)
    };
    let related = f
        .related
        .iter()
        .map(|(loc, message)| Related {
            file: sources[loc.file].name.clone(),
            start: pos(loc.file, loc.span.start),
            end: pos(loc.file, loc.span.end),
            message: message.clone(),
        })
        .collect();
    Diagnostic {
        rule,
        severity,
        message: f.message,
        help: f.help,
        url: rule_url(rule),
        file: sources[f.loc.file].name.clone(),
        start: pos(f.loc.file, f.loc.span.start),
        end: pos(f.loc.file, f.loc.span.end),
        object: f.object.and_then(|o| model.objects[o].reference()).or(f.object_ref),
        related_sources: f.related.iter().map(|(l, _)| l.file).collect(),
        related,
        source: f.loc.file,
    }
}
