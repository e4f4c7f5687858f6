//! `.realip-lint.yaml`: parsed from its text (finding and reading the file is a face's job), with
//! every error at its exact place.
//!
//! ```yaml
//! nodes: 3                  # eligible nodes, when no Node objects are given
//! fail-on: warning          # error | warning | info | never
//! dataplane: kube-proxy     # kube-proxy | cilium-dsr | calico-ebpf-dsr
//! cloud: unknown            # aws | gcp | azure | digitalocean | … (the default load balancer)
//! rules:
//!   external-service-cluster-policy: off   # off | info | warning | error
//! exclude: ["charts/**"]    # globs, relative to the config file
//! exempt:
//!   - {kind: Service, namespace: ingress-nginx, name: ingress-nginx-controller, rules: [ingress-nginx-retired]}
//! ```

use std::collections::BTreeMap;

pub use crate::dataplane::Dataplane;
use crate::diagnostic::Severity;
use crate::providers;
use crate::source::{LineIndex, Position, Span};
use crate::yaml::{Node, NodeKind, parse_stream};

/// The settings a config file may have.
pub const SETTINGS: &[&str] = &["nodes", "fail-on", "dataplane", "cloud", "rules", "exclude", "exempt", "limits"];

/// The names the config file is found by, from the working directory upward.
pub const FILE_NAMES: &[&str] = &[".realip-lint.yaml", ".realip-lint.yml"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    Error,
    #[default]
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "error" => Self::Error,
            "warning" => Self::Warning,
            "info" => Self::Info,
            "never" => Self::Never,
            _ => return None,
        })
    }

    /// The lowest severity that fails a run.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            Self::Error => Some(Severity::Error),
            Self::Warning => Some(Severity::Warning),
            Self::Info => Some(Severity::Info),
            Self::Never => None,
        }
    }

    /// Does this report fail the run (a finding at or above the threshold)?
    pub fn fails(self, report: &crate::Report) -> bool {
        matches!((self.threshold(), report.max_severity()), (Some(t), Some(max)) if max >= t)
    }
}

/// An object that cannot carry an annotation (a vendored manifest), exempt from some rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exempt {
    pub kind: String,
    /// `None`: any namespace.
    pub namespace: Option<String>,
    pub name: String,
    /// Empty: every rule.
    pub rules: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub nodes: Option<u32>,
    pub fail_on: Option<FailOn>,
    pub dataplane: Option<Dataplane>,
    pub cloud: Option<String>,
    /// Per-rule severity; `None` is `off`.
    pub rules: BTreeMap<String, Option<Severity>>,
    pub exclude: Vec<String>,
    pub exempt: Vec<Exempt>,
    pub limits: crate::limits::Limits,
}

impl Config {
    /// Is the file at `file` excluded by the `exclude` globs, which are relative to `dir` (the
    /// config file's folder)? Both are absolute, resolved paths, `/`- or `\`-separated, as the
    /// face found them on its file system; a file outside `dir` is never excluded.
    pub fn excludes(&self, dir: &str, file: &str) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let Some(rest) = file.strip_prefix(dir) else { return false };
        let rel = if dir.ends_with(['/', '\\']) { Some(rest) } else { rest.strip_prefix(['/', '\\']) };
        let Some(rel) = rel.filter(|r| !r.is_empty()) else { return false };
        let rel = rel.replace('\\', "/");
        self.exclude.iter().any(|g| glob_match(g, &rel))
    }
}

/// A config file as a face read it: what parsed, and every problem as a usage error
/// `path:line:column: message`, the path as the face names the file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigFile {
    pub config: Config,
    pub errors: Vec<String>,
}

impl ConfigFile {
    /// `rule_names`: every rule's name (`registry::names()`), given by the caller so that the
    /// config does not depend on the rules.
    pub fn parse(path: &str, text: &str, rule_names: &[&str]) -> Self {
        let (config, errors) = parse(text, rule_names);
        let errors =
            errors.iter().map(|e| format!("{path}:{}:{}: {}", e.start.line, e.start.column, e.message)).collect();
        Self { config, errors }
    }

    /// A config file that was found but could not be read: no settings, one usage error.
    pub fn unreadable(path: &str, why: &str) -> Self {
        Self { config: Config::default(), errors: vec![format!("{path}: cannot read the config file: {why}")] }
    }
}

/// A problem in the config file, at its exact place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub span: Span,
    pub start: Position,
    pub message: String,
}

struct Parser<'a> {
    text: &'a str,
    index: LineIndex,
    errors: Vec<ConfigError>,
    rule_names: &'a [&'a str],
}

impl Parser<'_> {
    fn error(&mut self, node: &Node, message: impl Into<String>) {
        let start = self.index.position(self.text, node.span.start);
        self.errors.push(ConfigError { span: node.span, start, message: message.into() });
    }

    /// `unknown <what> `<name>`<place> (known: …); did you mean `…`?`
    fn unknown(&mut self, node: &Node, what: &str, name: &str, place: &str, known: &[&str]) {
        let hint = crate::suggest::did_you_mean(name, known.iter().copied());
        self.error(node, format!("unknown {what} `{name}`{place} (known: {}){hint}", known.join(", ")));
    }

    fn string<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        match &node.kind {
            NodeKind::Scalar(s) => Some(&s.value),
            _ => {
                self.error(node, format!("`{what}` must be a single value"));
                None
            }
        }
    }

    fn list<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        match &node.kind {
            NodeKind::Seq(items) => items,
            NodeKind::Scalar(s) if s.plain && (s.value.is_empty() || s.value == "null") => &[],
            _ => {
                self.error(node, format!("`{what}` must be a list"));
                &[]
            }
        }
    }
}

/// Parse a config file. What parses is kept; every problem is returned with its place.
/// `rule_names`: every rule's name (`registry::names()`).
pub fn parse(text: &str, rule_names: &[&str]) -> (Config, Vec<ConfigError>) {
    let mut p = Parser { text, index: LineIndex::new(text), errors: Vec::new(), rule_names };
    let mut config = Config::default();
    let docs = parse_stream(text);
    for doc in &docs {
        for problem in &doc.problems {
            let start = p.index.position(text, problem.span.start);
            p.errors.push(ConfigError { span: problem.span, start, message: problem.message.clone() });
        }
    }
    let Some(root) = docs.iter().find_map(|d| d.root.as_ref()) else { return (config, p.errors) };
    let Some(entries) = root.as_map() else {
        if !matches!(&root.kind, NodeKind::Scalar(s) if s.value.is_empty()) {
            p.error(root, "the config file must be a mapping of settings");
        }
        return (config, p.errors);
    };
    for (k, v) in entries {
        let Some(key) = p.string(k, "key") else { continue };
        match key {
            "nodes" => match p.string(v, "nodes").map(str::parse::<u32>) {
                Some(Ok(n)) if n > 0 => config.nodes = Some(n),
                Some(_) => p.error(v, "`nodes` must be a whole number of nodes, at least 1"),
                None => {}
            },
            "fail-on" => {
                if let Some(s) = p.string(v, "fail-on") {
                    match FailOn::parse(s) {
                        Some(f) => config.fail_on = Some(f),
                        None => p.error(
                            v,
                            format!(
                                "`fail-on: {s}` is not one of error, warning, info, never{}",
                                crate::suggest::did_you_mean(s, ["error", "warning", "info", "never"])
                            ),
                        ),
                    }
                }
            }
            "dataplane" => {
                if let Some(s) = p.string(v, "dataplane") {
                    config.dataplane = match s {
                        "kube-proxy" => Some(Dataplane::KubeProxy),
                        "cilium-dsr" => Some(Dataplane::CiliumDsr),
                        "calico-ebpf-dsr" => Some(Dataplane::CalicoEbpfDsr),
                        _ => {
                            p.error(
                                v,
                                format!(
                                    "`dataplane: {s}` is not one of kube-proxy, cilium-dsr, calico-ebpf-dsr{}",
                                    crate::suggest::did_you_mean(s, ["kube-proxy", "cilium-dsr", "calico-ebpf-dsr"])
                                ),
                            );
                            None
                        }
                    };
                }
            }
            "cloud" => {
                if let Some(s) = p.string(v, "cloud") {
                    match cloud_error(s) {
                        None => config.cloud = Some(s.to_owned()),
                        Some(e) => p.error(v, e),
                    }
                }
            }
            "rules" => rules(&mut p, v, &mut config),
            "limits" => limits(&mut p, v, &mut config),
            "exclude" => {
                for item in p.list(v, "exclude") {
                    if let Some(s) = p.string(item, "exclude") {
                        config.exclude.push(s.to_owned());
                    }
                }
            }
            "exempt" => {
                for item in p.list(v, "exempt") {
                    if let Some(e) = exempt(&mut p, item) {
                        config.exempt.push(e);
                    }
                }
            }
            other => p.unknown(k, "setting", other, "", SETTINGS),
        }
    }
    (config, p.errors)
}

fn rule_name_ok(p: &mut Parser<'_>, node: &Node, name: &str) -> bool {
    if p.rule_names.contains(&name) {
        return true;
    }
    let hint = crate::suggest::closest(name, p.rule_names.iter().copied())
        .map_or_else(String::new, |r| format!("; did you mean `{r}`?"));
    p.error(node, format!("unknown rule `{name}` (`kubectl realip-lint rules` lists them){hint}"));
    false
}

fn rules(p: &mut Parser<'_>, v: &Node, config: &mut Config) {
    let Some(entries) = v.as_map() else {
        p.error(v, "`rules` must map rule names to off, info, warning or error");
        return;
    };
    for (k, level) in entries {
        let Some(name) = p.string(k, "rule") else { continue };
        if !rule_name_ok(p, k, name) {
            continue;
        }
        let Some(s) = p.string(level, name) else { continue };
        let parsed = match s {
            "off" => None,
            other => match Severity::parse(other) {
                Some(sev) => Some(sev),
                None => {
                    p.error(level, format!("`{name}: {s}` is not one of off, info, warning, error"));
                    continue;
                }
            },
        };
        config.rules.insert(name.to_owned(), parsed);
    }
}

fn limits(p: &mut Parser<'_>, v: &Node, config: &mut Config) {
    let Some(entries) = v.as_map() else {
        p.error(v, "`limits` maps file-bytes, documents, nesting and alias-nodes to numbers");
        return;
    };
    for (k, n) in entries {
        let Some(key) = p.string(k, "limit") else { continue };
        let Some(value) = p.string(n, key).map(|s| s.replace('_', "")) else { continue };
        let Ok(value) = value.parse::<usize>() else {
            p.error(n, format!("`{key}` must be a whole number"));
            continue;
        };
        if value == 0 {
            p.error(n, format!("`{key}` must be at least 1"));
            continue;
        }
        let l = &mut config.limits;
        match key {
            "file-bytes" => l.file_bytes = value,
            "documents" => l.documents = value,
            "alias-nodes" => l.alias_nodes = value,
            "nesting" if value <= crate::limits::MAX_NESTING => l.nesting = value,
            "nesting" => p.error(n, format!("`nesting` can be at most {}", crate::limits::MAX_NESTING)),
            other => p.unknown(k, "limit", other, "", &["file-bytes", "documents", "nesting", "alias-nodes"]),
        }
    }
}

fn exempt(p: &mut Parser<'_>, item: &Node) -> Option<Exempt> {
    let Some(entries) = item.as_map() else {
        p.error(item, "an `exempt` entry is a mapping: {kind, namespace, name, rules}");
        return None;
    };
    let (mut kind, mut namespace, mut name, mut rule_names) = (None, None, None, Vec::new());
    for (k, v) in entries {
        let Some(key) = p.string(k, "key") else { continue };
        match key {
            "kind" => kind = p.string(v, "kind").map(str::to_owned),
            "namespace" => namespace = p.string(v, "namespace").map(str::to_owned),
            "name" => name = p.string(v, "name").map(str::to_owned),
            "rules" => {
                for r in p.list(v, "rules") {
                    if let Some(s) = p.string(r, "rule")
                        && rule_name_ok(p, r, s)
                    {
                        rule_names.push(s.to_owned());
                    }
                }
            }
            other => p.unknown(k, "key", other, " in an `exempt` entry", &["kind", "namespace", "name", "rules"]),
        }
    }
    match (kind, name) {
        (Some(kind), Some(name)) => Some(Exempt { kind, namespace, name, rules: rule_names }),
        _ => {
            p.error(item, "an `exempt` entry needs `kind` and `name`");
            None
        }
    }
}

/// Does a glob match a `/`-separated path relative to the config file's folder? `*` and `?`
/// stay within a segment, `**` spans segments; a pattern without `/` matches at any depth.
pub fn glob_match(pattern: &str, path: &str) -> bool {
    let pattern = pattern.trim_start_matches("./");
    let path = path.trim_start_matches("./");
    if !pattern.contains('/') {
        return path.split('/').any(|seg| segment_match(pattern.as_bytes(), seg.as_bytes()))
            || segments_match(&["**", pattern], &path.split('/').collect::<Vec<_>>());
    }
    let pat: Vec<&str> = pattern.trim_end_matches('/').split('/').collect();
    let segs: Vec<&str> = path.split('/').collect();
    segments_match(&pat, &segs)
}

fn segments_match(pat: &[&str], segs: &[&str]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((&"**", rest)) => (0..=segs.len()).any(|i| segments_match(rest, &segs[i..])),
        Some((p, rest)) => {
            !segs.is_empty() && segment_match(p.as_bytes(), segs[0].as_bytes()) && segments_match(rest, &segs[1..])
        }
    }
}

fn segment_match(p: &[u8], s: &[u8]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => segment_match(&p[1..], s) || (!s.is_empty() && segment_match(p, &s[1..])),
        (Some(b'?'), Some(_)) => segment_match(&p[1..], &s[1..]),
        (Some(a), Some(b)) if a == b => segment_match(&p[1..], &s[1..]),
        _ => false,
    }
}

/// Why a `cloud:` value (or `--cloud`) is refused, if it is: not a provider's name.
pub fn cloud_error(value: &str) -> Option<String> {
    if providers::names().any(|n| n == value) {
        return None;
    }
    let hint = crate::suggest::did_you_mean(value, providers::names());
    let names: Vec<&str> = providers::names().collect();
    Some(format!("`cloud: {value}` is not one of {}{hint}", names.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Config, Vec<ConfigError>) {
        super::parse(text, &crate::registry::names())
    }

    #[test]
    fn a_full_config_parses() {
        let text = "nodes: 3\nfail-on: error\ndataplane: cilium-dsr\ncloud: aws\nrules:\n  external-service-cluster-policy: off\n  duplicate-object: warning\nexclude: [\"charts/**\"]\nexempt:\n  - {kind: Service, namespace: ingress-nginx, name: ingress-nginx-controller, rules: [ingress-controller-cluster-policy]}\n";
        let (c, errors) = parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(c.nodes, Some(3));
        assert_eq!(c.fail_on, Some(FailOn::Error));
        assert_eq!(c.dataplane, Some(Dataplane::CiliumDsr));
        assert_eq!(c.rules.get("external-service-cluster-policy"), Some(&None));
        assert_eq!(c.rules.get("duplicate-object"), Some(&Some(Severity::Warning)));
        assert_eq!(c.exclude, vec!["charts/**"]);
        assert_eq!(c.exempt[0].name, "ingress-nginx-controller");
        let (c, errors) = parse("limits: {file-bytes: 1_000_000, documents: 10, nesting: 64, alias-nodes: 5000}\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            (c.limits.file_bytes, c.limits.documents, c.limits.nesting, c.limits.alias_nodes),
            (1_000_000, 10, 64, 5000)
        );
    }

    #[test]
    fn errors_point_at_the_exact_place() {
        let text =
            "nodez: 3\nfail-on: sometimes\nrules:\n  no-such-rule: off\n  duplicate-object: loud\nnodes: three\n";
        let (_, errors) = parse(text);
        let at: Vec<(u32, u32)> = errors.iter().map(|e| (e.start.line, e.start.column)).collect();
        assert_eq!(at, vec![(1, 1), (2, 10), (4, 3), (5, 21), (6, 8)]);
        assert!(errors[0].message.contains("unknown setting `nodez`"));
        assert!(errors[2].message.contains("unknown rule `no-such-rule`"));
        assert!(errors[0].message.ends_with("; did you mean `nodes`?"), "{}", errors[0].message);
        assert!(!errors[2].message.contains("did you mean"), "nothing close to `no-such-rule`");
        let (_, errors) = parse("fail-on: warn\ndataplane: cilium\ncloud: awss\n");
        let hints: Vec<&str> = errors.iter().map(|e| e.message.rsplit("; ").next().unwrap()).collect();
        assert_eq!(hints, ["did you mean `warning`?", "did you mean `cilium-dsr`?", "did you mean `aws`?"]);
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        let text = "rules:\n  duplicate-objects: off\nexempt:\n  - {kind: Service, nme: web, rules: [pdb-block-drain]}\nlimits: {nestng: 3}\n";
        let (_, errors) = parse(text);
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert!(messages[0].ends_with("did you mean `duplicate-object`?"), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("unknown key `nme`") && m.ends_with("did you mean `name`?")));
        assert!(
            messages.iter().any(|m| m.contains("`pdb-block-drain`") && m.ends_with("did you mean `pdb-blocks-drain`?"))
        );
        assert!(messages.iter().any(|m| m.contains("`nestng`") && m.ends_with("did you mean `nesting`?")));
    }

    #[test]
    fn globs() {
        assert!(glob_match("charts/**", "charts/a/templates/x.yaml"));
        assert!(!glob_match("charts/**", "deploy/charts.yaml"));
        assert!(glob_match("*.json", "deploy/x.json"));
        assert!(glob_match("deploy/*.yaml", "deploy/x.yaml"));
        assert!(!glob_match("deploy/*.yaml", "deploy/sub/x.yaml"));
        assert!(glob_match("**/vendor/**", "a/b/vendor/c.yaml"));
        assert!(glob_match("vendor", "a/vendor/c.yaml"));
    }

    #[test]
    fn excludes_take_paths_relative_to_the_config_folder() {
        let (c, _) = parse("exclude: [\"charts/**\", vendor]\n");
        assert!(c.excludes("/repo", "/repo/charts/a/x.yaml"));
        assert!(c.excludes("/repo/", "/repo/charts/a/x.yaml"));
        assert!(c.excludes("/repo", "/repo/deploy/vendor/x.yaml"));
        assert!(!c.excludes("/repo", "/repo/deploy/x.yaml"));
        assert!(!c.excludes("/repo", "/repository/charts/x.yaml"), "a sibling folder is outside");
        assert!(!c.excludes("/repo", "/other/charts/x.yaml"));
        assert!(c.excludes("C:\\repo", "C:\\repo\\charts\\x.yaml"));
        assert!(c.excludes("/", "/charts/x.yaml"));
        assert!(!Config::default().excludes("/repo", "/repo/charts/x.yaml"));
    }

    #[test]
    fn config_file_errors_name_the_file() {
        let f = ConfigFile::parse("../bad.yaml", "nodes: 3\nrulez: {}\n", &crate::registry::names());
        assert_eq!(f.config.nodes, Some(3));
        assert_eq!(f.errors.len(), 1);
        assert!(f.errors[0].starts_with("../bad.yaml:2:1: unknown setting `rulez`"), "{:?}", f.errors);
    }
}
