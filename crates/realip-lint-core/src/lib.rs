//! realip-lint's lint core: Kubernetes manifests in, client-IP diagnostics out.
//!
//! No file, network, environment, terminal or thread use: it builds for
//! `wasm32-unknown-unknown`, and every face (the kubectl plugin, the Wasm module) calls [`lint`].

pub(crate) mod annotations;
pub mod baseline;
pub(crate) mod cdn;
pub mod config;
pub(crate) mod dataplane;
pub mod diagnostic;
pub mod emit;
pub mod fix;
pub mod implementations;
pub mod k8s;
pub mod limits;
pub mod migrate;
pub mod origin;
#[cfg(test)]
mod path_agreement;
pub(crate) mod providers;
pub mod registry;
pub mod rules;
pub mod run;
pub mod source;
pub(crate) mod suggest;
pub(crate) mod suppress;
pub mod trace;
pub mod yaml;

use std::collections::BTreeMap;

pub use diagnostic::{DOCS_BASE, Diagnostic, Notice, Report, Severity};
pub use source::Source;

use diagnostic::{Finding, Related, Summary, Suppressed, SuppressedBy, rule_url};
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
    pub dataplane: dataplane::Dataplane,
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
    let mut at = Places { sources, indexes: vec![None; sources.len()] };
    let mut out = Found::default();
    for model in models {
        rules_of_world(&mut at, model, options, &mut out);
    }
    let Found { mut diagnostics, mut suppressed, need_nodes } = out;
    diagnostic::sort(&mut diagnostics);
    diagnostics.dedup_by(|a, b| a == b);
    suppressed.sort_by(|a, b| diagnostic::order(&a.diagnostic, &b.diagnostic));
    suppressed.dedup_by(|a, b| a == b);
    let summary = Summary {
        files: sources.len(),
        objects: models.iter().map(|m| m.objects.len()).sum(),
        skipped: models.iter().map(|m| m.skipped).sum(),
        ..Summary::default()
    };
    // In the catalog's order, each rule once (it may have needed the count in several worlds).
    let need_nodes: Vec<&str> =
        registry::RULES.iter().map(|r| r.name).filter(|name| need_nodes.contains(name)).collect();
    let notices = node_count_notice(&need_nodes).into_iter().collect();
    let mut report = Report { version: 1, diagnostics, summary, notices, suppressed };
    report.recount();
    report
}

/// What the rules found over every world.
#[derive(Default)]
struct Found {
    diagnostics: Vec<Diagnostic>,
    suppressed: Vec<Suppressed>,
    /// The rules that skipped or weakened a check for want of the node count.
    need_nodes: Vec<&'static str>,
}

fn rules_of_world(at: &mut Places<'_>, model: &Model, options: &Options, out: &mut Found) {
    // The objects of each file, made when a finding names no object.
    let mut by_file = None;
    for rule in registry::RULES {
        let level = options.rule_levels.get(rule.name).copied();
        if level == Some(None) {
            continue;
        }
        let mut findings = Vec::new();
        model.node_count_unknown.store(0, std::sync::atomic::Ordering::Relaxed);
        (rule.check)(model, &mut findings);
        if model.node_count_unknown.load(std::sync::atomic::Ordering::Relaxed) > 0 {
            out.need_nodes.push(rule.name);
        }
        for f in findings {
            let by = if is_suppressed(model, rule.name, &f) {
                Some(SuppressedBy::Annotation)
            } else if is_exempt(model, &options.exempt, rule.name, &f) {
                Some(SuppressedBy::Config)
            } else {
                None
            };
            let severity = level.flatten().unwrap_or_else(|| f.severity.unwrap_or(rule.severity));
            let diagnostic = at.diagnostic(model, &mut by_file, rule.name, severity, f);
            match by {
                Some(by) => out.suppressed.push(Suppressed { diagnostic, by }),
                None => out.diagnostics.push(diagnostic),
            }
        }
    }
}

/// The `node-count-unknown` notice, when a rule skipped or weakened a check without E.
fn node_count_notice(rules: &[&str]) -> Option<Notice> {
    let (last, first) = rules.split_last()?;
    let names = if first.is_empty() { format!("`{last}`") } else { format!("`{}` and `{last}`", first.join("`, `")) };
    Some(Notice {
        id: diagnostic::NODE_COUNT_UNKNOWN,
        message: format!(
            "the number of eligible nodes is unknown (no `--nodes` and no Node objects), so {names} skipped or weakened {} that need{} it",
            if rules.len() == 1 { "a check" } else { "checks" },
            if rules.len() == 1 { "s" } else { "" }
        ),
        help: "give the node count with `--nodes N`, or `nodes: N` in `.realip-lint.yaml`, or add the cluster's Node objects to the input (`kubectl get nodes -o yaml`)".to_owned(),
    })
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

/// Turns findings into diagnostics: positions (with a line index per file, made when first
/// needed) and field paths.
struct Places<'a> {
    sources: &'a [Source],
    indexes: Vec<Option<LineIndex>>,
}

/// The objects of each file of a world, by file.
type ByFile = Option<BTreeMap<usize, Vec<usize>>>;

impl Places<'_> {
    fn pos(&mut self, file: usize, off: u32) -> source::Position {
        let text = &self.sources[file].text;
        self.indexes[file].get_or_insert_with(|| LineIndex::new(text)).position(text, off)
    }

    /// The field path of a place in the tree of the object that holds it.
    fn path(model: &Model, by_file: &mut ByFile, f: &Finding) -> Option<String> {
        let holds = |o: usize| {
            let obj = &model.objects[o];
            (obj.file == f.loc.file).then(|| yaml::path::path_to(&obj.root, f.loc.span)).flatten()
        };
        if let Some(path) = [f.object, f.also_object].into_iter().flatten().find_map(holds) {
            return Some(path.to_string());
        }
        let by_file = by_file.get_or_insert_with(|| {
            let mut m: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for (i, o) in model.objects.iter().enumerate() {
                m.entry(o.file).or_default().push(i);
            }
            m
        });
        by_file.get(&f.loc.file)?.iter().find_map(|&o| holds(o)).map(|p| p.to_string())
    }

    fn diagnostic(
        &mut self,
        model: &Model,
        by_file: &mut ByFile,
        rule: &'static str,
        severity: Severity,
        f: Finding,
    ) -> Diagnostic {
        let related = f
            .related
            .iter()
            .map(|(loc, message)| Related {
                file: self.sources[loc.file].name.clone(),
                start: self.pos(loc.file, loc.span.start),
                end: self.pos(loc.file, loc.span.end),
                message: message.clone(),
            })
            .collect();
        let path = Self::path(model, by_file, &f);
        let edits = f.fix.as_ref().and_then(|fix| {
            let texts: Vec<&str> = self.sources.iter().map(|s| s.text.as_str()).collect();
            k8s::object::fix_edits(fix, &model.objects, &texts)
        });
        let fix = f.fix.as_ref().zip(edits).map(|(fix, edits)| fix::FixOut {
            title: fix.title.clone(),
            applicability: fix.applicability,
            edits: edits
                .iter()
                .map(|e| fix::EditOut {
                    file: self.sources[e.file].name.clone(),
                    start: self.pos(e.file, e.span.start),
                    end: self.pos(e.file, e.span.end),
                    text: e.text.clone(),
                    source: e.file,
                })
                .collect(),
            fields: fix
                .changes
                .iter()
                .flat_map(|c| {
                    let object = model.objects[c.obj].reference().map(|r| r.label());
                    // A renamed key changes its old field and its new one.
                    let renamed = match &c.what {
                        fix::What::RenameKey(new) => {
                            let mut at = c.at.clone();
                            at.pop();
                            at.push(fix::Seg::Key(new.clone()));
                            Some((object.clone(), at))
                        }
                        _ => None,
                    };
                    std::iter::once((object, c.at.clone())).chain(renamed)
                })
                .collect(),
        });
        Diagnostic {
            fix,
            rule,
            severity,
            url: rule_url(rule),
            file: self.sources[f.loc.file].name.clone(),
            start: self.pos(f.loc.file, f.loc.span.start),
            end: self.pos(f.loc.file, f.loc.span.end),
            object: f.object.and_then(|o| model.objects[o].reference()).or(f.object_ref),
            related_sources: f.related.iter().map(|(l, _)| l.file).collect(),
            related,
            source: f.loc.file,
            path,
            message: f.message,
            help: f.help,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANTI: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 4\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n            - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: api}}}\n      containers: [{name: api, image: nginx}]\n";
    const PDB: &str = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: api}\nspec:\n  maxUnavailable: 1\n  selector: {matchLabels: {app: api}}\n";
    const NODEPORT: &str =
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  selector: {app: web}\n";

    fn notices(text: &str, options: &Options) -> Vec<Notice> {
        lint(&[Source::new("a.yaml", text)], options).notices
    }

    #[test]
    fn the_node_count_notice_names_the_rules_that_needed_it() {
        let none = Options::default();
        let both = notices(&format!("{ANTI}---\n{PDB}"), &none);
        assert_eq!(both.len(), 1, "once per run");
        assert_eq!(both[0].id, "node-count-unknown");
        for rule in ["hard-anti-affinity-replicas-exceed-nodes", "rollout-deadlock-one-per-node", "pdb-blocks-drain"] {
            assert!(both[0].message.contains(&format!("`{rule}`")), "{rule}: {}", both[0].message);
        }
        assert!(both[0].help.contains("`--nodes N`") && both[0].help.contains("`nodes: N` in `.realip-lint.yaml`"));
        // Settled by --nodes; never said where no check needed the count; a rule turned off
        // skipped nothing.
        assert!(notices(ANTI, &Options { nodes: Some(3), ..Options::default() }).is_empty());
        assert!(notices(NODEPORT, &none).is_empty());
        assert!(
            notices(&ANTI.replace("replicas: 4", "replicas: 1"), &none)
                .iter()
                .all(|n| !n.message.contains("hard-anti"))
        );
        let mut off = Options::default();
        off.rule_levels.insert("rollout-deadlock-one-per-node".into(), None);
        let one = notices(ANTI, &off);
        assert_eq!(one.len(), 1);
        assert!(
            one[0]
                .message
                .contains("so `hard-anti-affinity-replicas-exceed-nodes` skipped or weakened a check that needs it"),
            "{}",
            one[0].message
        );
    }

    #[test]
    fn diagnostics_carry_the_field_path_and_suppressed_findings_are_kept_aside() {
        let quiet = NODEPORT.replace(
            "name: web}",
            "name: quiet, annotations: {ignore-check.realip-lint.io/external-service-cluster-policy: \"metrics\"}}",
        );
        let report = lint(&[Source::new("a.yaml", format!("{NODEPORT}---\n{quiet}"))], &Options::default());
        assert_eq!(report.diagnostics.len(), 1);
        assert_eq!(report.diagnostics[0].path.as_deref(), Some("spec.type"));
        assert_eq!(report.suppressed.len(), 1);
        assert_eq!(report.suppressed[0].by, SuppressedBy::Annotation);
        assert_eq!(report.suppressed[0].diagnostic.object.as_ref().unwrap().name, "quiet");
        assert_eq!(report.summary.info, 1, "a suppressed finding is not counted");
        assert!(!emit::json::render(&report).contains("quiet"), "nor in the JSON");
    }
}
