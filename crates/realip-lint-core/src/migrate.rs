//! `migrate`: what a migration from one set of manifests (OLD, typically ingress-nginx) to
//! another (NEW, typically a Gateway API implementation) does to the client address, per
//! hostname and port served on either side. Each side is linted and traced as usual
//! ([`crate::trace`]); the facts of each served host are compared one by one, and each
//! difference names the place in NEW to change, the YAML to write, and the OLD setting it came
//! from.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::diagnostic::{Loc, Report};
use crate::implementations::{self, AllowList, Compares, Keyed, Lookup, RateLimit};
use crate::k8s::model::path::{Carrier, EntryPath, HopKind, Loss};
use crate::k8s::model::{Model, Policy};
use crate::k8s::object::{ObjId, scalar_string};
use crate::k8s::provenance::Sourced;
use crate::source::{LineIndex, Source};
use crate::trace::{Place, VerdictKind};
use crate::yaml::{Node, PathSeg};
use crate::{Options, Severity};

/// One side of a migration: its manifests and how to read them.
pub struct Side<'a> {
    pub sources: &'a [Source],
    pub options: &'a Options,
}

/// The trace's verdicts, plus `absent`: the host is not served on that side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Preserved,
    PreservedInHeader,
    Lost,
    Forgeable,
    Unknown,
    Broken,
    Absent,
}

impl Kind {
    fn of(v: VerdictKind) -> Self {
        match v {
            VerdictKind::Preserved => Kind::Preserved,
            VerdictKind::PreservedInHeader => Kind::PreservedInHeader,
            VerdictKind::Lost => Kind::Lost,
            VerdictKind::Forgeable => Kind::Forgeable,
            VerdictKind::Unknown => Kind::Unknown,
            VerdictKind::Broken => Kind::Broken,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Preserved => "preserved",
            Kind::PreservedInHeader => "preserved-in-header",
            Kind::Lost => "lost",
            Kind::Forgeable => "forgeable",
            Kind::Unknown => "unknown",
            Kind::Broken => "broken",
            Kind::Absent => "absent",
        }
    }

    /// The client's own address reaches the backends.
    fn kept(self) -> bool {
        matches!(self, Kind::Preserved | Kind::PreservedInHeader)
    }
}

/// What became of one fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    Same,
    Gained,
    Changed,
    Lost,
    NewlyForgeable,
    Broken,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Same => "same",
            Change::Gained => "gained",
            Change::Changed => "changed",
            Change::Lost => "lost",
            Change::NewlyForgeable => "newly-forgeable",
            Change::Broken => "broken",
        }
    }

    /// The severity `--fail-on` compares: an outage is an error, a lost or newly forgeable
    /// address a warning, any other change information.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Change::Broken => Some(Severity::Error),
            Change::Lost | Change::NewlyForgeable => Some(Severity::Warning),
            Change::Changed => Some(Severity::Info),
            Change::Same | Change::Gained => None,
        }
    }
}

/// A place of OLD or NEW.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SidePlace {
    /// `before` (OLD: where the setting came from) or `after` (NEW: where to change it).
    pub side: &'static str,
    #[serde(flatten)]
    pub place: Place,
}

/// The client-address facts of one host on one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facts {
    pub kind: Kind,
    /// The entry point that serves it (`Ingress apps/shop`, `Gateway apps/web listener http (HTTP port 80)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implementation: Option<String>,
    /// The trace's one-line verdict.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detail: String,
    /// One value per compared fact (`client-address`, `trust`, …), as the report shows it.
    pub facts: BTreeMap<&'static str, String>,
    /// What is compared of each fact: its meaning, without the implementation's own words
    /// (`trustedCIDRs` and `proxy-real-ip-cidr` with the same CIDRs are the same trust).
    #[serde(skip)]
    pub keys: BTreeMap<&'static str, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// `client-address`, `trust`, `traffic-policy`, `load-balancer`, `allow-list`,
    /// `rate-limit`, `x-forwarded-for`.
    pub what: &'static str,
    pub change: Change,
    pub before: String,
    pub after: String,
    /// What to write in NEW (YAML where there is one to write).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// Where in NEW to change it, and the OLD setting it came from.
    pub places: Vec<SidePlace>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Host {
    pub host: String,
    pub port: u16,
    pub before: Facts,
    pub after: Facts,
    pub differences: Vec<Difference>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrateReport {
    pub version: u32,
    pub hosts: Vec<Host>,
}

impl MigrateReport {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The worst change of the report, as a severity (`None`: nothing worse than gained).
    pub fn worst(&self) -> Option<Severity> {
        self.hosts.iter().flat_map(|h| &h.differences).filter_map(|d| d.change.severity()).max()
    }

    /// Does a change reach the fail level (`--fail-on`)?
    pub fn fails(&self, fail_on: crate::config::FailOn) -> bool {
        fail_on.threshold().is_some_and(|t| self.worst().is_some_and(|w| w >= t))
    }

    /// How many differences of each change (in the order of [`Change`]).
    pub fn count(&self, change: Change) -> usize {
        self.hosts.iter().flat_map(|h| &h.differences).filter(|d| d.change == change).count()
    }
}

/// The rule id of a change in SARIF and GitHub annotations (`None`: not reported there).
pub fn rule_id(change: Change) -> Option<&'static str> {
    match change {
        Change::Broken => Some("migrate-broken"),
        Change::Lost => Some("migrate-lost"),
        Change::NewlyForgeable => Some("migrate-newly-forgeable"),
        Change::Changed => Some("migrate-changed"),
        Change::Same | Change::Gained => None,
    }
}

/// What each rule id says, for SARIF's rule descriptors.
const RULE_TEXT: &[(Change, &str)] = &[
    (
        Change::Broken,
        "the migration breaks connections: PROXY protocol headers the new data plane does not parse, or expected and never sent",
    ),
    (
        Change::Lost,
        "the migration loses the client address (or an allow-list or per-client rate limit stops seeing it, or a host is no longer served)",
    ),
    (
        Change::NewlyForgeable,
        "after the migration, any client can forge the address the backends (or an allow-list) take",
    ),
    (Change::Changed, "the migration changes how the client address reaches the backends"),
];

/// One annotation of a difference: where in NEW (or, with no NEW place, in OLD), its message,
/// and the other places.
struct Annotation<'a> {
    rule: &'static str,
    severity: Severity,
    at: &'a Place,
    message: String,
    related: Vec<&'a SidePlace>,
}

fn annotations(report: &MigrateReport) -> Vec<Annotation<'_>> {
    let mut out = Vec::new();
    for h in &report.hosts {
        for d in &h.differences {
            let (Some(rule), Some(severity)) = (rule_id(d.change), d.change.severity()) else { continue };
            let Some(first) = d.places.iter().find(|p| p.side == "after").or_else(|| d.places.first()) else {
                continue;
            };
            let mut message =
                format!("{}:{} {} {}: {} → {}", h.host, h.port, d.what, d.change.as_str(), d.before, d.after);
            if let Some(fix) = &d.fix {
                message.push_str("\n\nfix:\n");
                message.push_str(fix);
            }
            let related = d.places.iter().filter(|p| !std::ptr::eq(*p, first)).collect();
            out.push(Annotation { rule, severity, at: &first.place, message, related });
        }
    }
    out
}

/// The report as GitHub Actions workflow commands, one per difference worse than `gained`, at
/// its place in NEW (the escaping and commands of `-o github`).
pub fn github(report: &MigrateReport, ctx: &crate::emit::EmitContext<'_>) -> String {
    use crate::emit::github::{command, escape_data, escape_property};
    let mut out = String::new();
    for a in annotations(report) {
        let mut props = Vec::new();
        let mut message = String::new();
        if crate::emit::is_stream_name(&a.at.file) {
            let _ = write!(message, "{}:{}:{}: ", a.at.file, a.at.start.line, a.at.start.column);
        } else {
            let file = (ctx.relativize)(&a.at.file).unwrap_or_else(|| a.at.file.clone());
            props.push(format!("file={}", escape_property(&file)));
            props.push(format!("line={}", a.at.start.line));
            props.push(format!("col={}", a.at.start.column));
            props.push(format!("endLine={}", a.at.end.line));
            props.push(format!("endColumn={}", a.at.end.column));
        }
        props.push(format!("title={}", escape_property(a.rule)));
        message.push_str(&a.message);
        let _ = writeln!(out, "::{} {}::{}", command(a.severity), props.join(","), escape_data(&message));
    }
    out.push_str(&summary(report));
    out
}

/// The summary line of every output but JSON.
pub fn summary(report: &MigrateReport) -> String {
    let n = report.hosts.len();
    format!(
        "{n} {}: {} broken, {} lost, {} newly forgeable, {} changed, {} gained\n",
        if n == 1 { "host" } else { "hosts" },
        report.count(Change::Broken),
        report.count(Change::Lost),
        report.count(Change::NewlyForgeable),
        report.count(Change::Changed),
        report.count(Change::Gained),
    )
}

/// The report as a SARIF 2.1.0 log: one result per difference worse than `gained`, at its place
/// in NEW, the other places related (the regions, URIs and levels of `-o sarif`).
pub fn sarif(report: &MigrateReport, ctx: &crate::emit::EmitContext<'_>) -> String {
    use crate::emit::sarif::{AUTOMATION_ID, level, physical};
    use serde_json::json;
    let rules: Vec<serde_json::Value> = RULE_TEXT
        .iter()
        .filter_map(|(c, text)| {
            let severity = c.severity()?;
            Some(json!({
                "id": rule_id(*c)?,
                "name": rule_id(*c)?,
                "shortDescription": {"text": text},
                "helpUri": format!("{}/blob/main/docs/migrate.md", env!("CARGO_PKG_REPOSITORY")),
                "defaultConfiguration": {"level": level(severity)},
                "properties": {"tags": ["kubernetes", "client-ip", "migration"]},
            }))
        })
        .collect();
    let results: Vec<serde_json::Value> = annotations(report)
        .into_iter()
        .map(|a| {
            let index = RULE_TEXT.iter().position(|(c, _)| rule_id(*c) == Some(a.rule));
            let mut r = json!({
                "ruleId": a.rule,
                "level": level(a.severity),
                "message": {"text": a.message},
                "locations": [{"physicalLocation": physical(&a.at.file, a.at.start, a.at.end, ctx)}],
            });
            if let Some(i) = index {
                r["ruleIndex"] = json!(i);
            }
            if !a.related.is_empty() {
                r["relatedLocations"] = a
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let side = if p.side == "after" { "NEW" } else { "OLD" };
                        json!({
                            "id": i,
                            "physicalLocation": physical(&p.place.file, p.place.start, p.place.end, ctx),
                            "message": {"text": format!("{side}: {}", p.place.label)},
                        })
                    })
                    .collect();
            }
            r
        })
        .collect();
    let invocation = json!({"executionSuccessful": ctx.errors.is_empty()});
    crate::emit::sarif::log(&rules, &results, &invocation, &format!("{AUTOMATION_ID}migrate/"), ctx)
}

// The human report: Markdown, for a pull request's review.

/// A table cell: one line, and no `|` to end it early.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn mark(c: Change) -> &'static str {
    match c {
        Change::Same => "=",
        Change::Gained => "+",
        Change::Changed => "~",
        Change::Lost | Change::NewlyForgeable | Change::Broken => "✗",
    }
}

fn side(f: &Facts) -> String {
    match &f.entry {
        None => "not served".to_owned(),
        Some(e) => format!(
            "{e}{}: **{}**",
            f.implementation.as_ref().map(|i| format!(" ({i})")).unwrap_or_default(),
            f.kind.as_str()
        ),
    }
}

fn host(out: &mut String, h: &Host) {
    let _ = writeln!(out, "### {}:{}\n", h.host, h.port);
    let _ = writeln!(out, "- before: {}", side(&h.before));
    let _ = writeln!(out, "- after: {}\n", side(&h.after));
    let _ = writeln!(out, "| | what | change | before | after |");
    let _ = writeln!(out, "|-|------|--------|--------|-------|");
    for d in &h.differences {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            mark(d.change),
            d.what,
            d.change.as_str(),
            cell(&d.before),
            cell(&d.after)
        );
    }
    for d in h.differences.iter().filter(|d| d.change != Change::Same && d.change != Change::Gained) {
        let _ = writeln!(out, "\n**{}: {}**", d.what, d.change.as_str());
        for p in &d.places {
            let verb = if p.side == "after" { "change in NEW" } else { "from OLD" };
            let _ = writeln!(
                out,
                "- {verb}: {}:{}:{} ({})",
                p.place.file, p.place.start.line, p.place.start.column, p.place.label
            );
        }
        if let Some(fix) = &d.fix {
            let _ = writeln!(out, "\n```yaml\n{fix}```");
        }
    }
    out.push('\n');
}

/// The human report: per host, its entry on each side and a table of the compared facts, then
/// for each difference the places and the YAML to write.
pub fn render(report: &MigrateReport) -> String {
    let mut out = String::new();
    if report.hosts.is_empty() {
        out.push_str(
            "no hostnames: neither side has an Ingress or a Gateway listener (with its data plane) in the input\n",
        );
        return out;
    }
    for h in &report.hosts {
        host(&mut out, h);
    }
    out.push_str(&summary(report));
    out
}

/// The order of the compared facts.
pub const WHAT: &[&str] =
    &["client-address", "trust", "traffic-policy", "load-balancer", "allow-list", "rate-limit", "x-forwarded-for"];

/// Compare OLD and NEW.
pub fn migrate(before: &Side<'_>, after: &Side<'_>) -> MigrateReport {
    let old = Linted::of(before);
    let new = Linted::of(after);
    let old_hosts = old.served();
    let new_hosts = new.served();
    // A host served on one port on each side, on no common one, is the same host moved to
    // another port (a Traefik listener names the entryPoint's port, 8000, behind Service port
    // 80): it pairs up under its OLD port.
    let only =
        |a: &BTreeMap<(String, u16), (usize, usize)>, b: &BTreeMap<(String, u16), (usize, usize)>, host: &str| {
            let ports: Vec<u16> =
                a.keys().filter(|(h, p)| h == host && !b.contains_key(&(h.clone(), *p))).map(|k| k.1).collect();
            let all = a.keys().filter(|(h, _)| h == host).count();
            (ports.len() == 1 && all == 1).then(|| ports[0])
        };
    let mut moved: BTreeMap<(String, u16), (String, u16)> = BTreeMap::new();
    for (h, _) in old_hosts.keys() {
        if let (Some(po), Some(pn)) = (only(&old_hosts, &new_hosts, h), only(&new_hosts, &old_hosts, h)) {
            moved.insert((h.clone(), po), (h.clone(), pn));
        }
    }
    let mut keys: Vec<(String, u16)> =
        old_hosts.keys().chain(new_hosts.keys().filter(|k| !moved.values().any(|v| v == *k))).cloned().collect();
    keys.sort_by(|a, b| (a.0.trim_start_matches("*."), a.1, &a.0).cmp(&(b.0.trim_start_matches("*."), b.1, &b.0)));
    keys.dedup();
    let hosts = keys
        .into_iter()
        .map(|key| {
            let new_key = moved.get(&key).unwrap_or(&key);
            let b = old_hosts.get(&key).map(|&(m, e)| old.look(m, e, &key.0));
            let a = new_hosts.get(new_key).map(|&(m, e)| new.look(m, e, &key.0));
            compare(key, b.as_ref(), a.as_ref())
        })
        .collect();
    MigrateReport { version: 1, hosts }
}

/// One side, linted and traced: each world's model and report.
struct Linted<'a> {
    sources: &'a [Source],
    indexes: Vec<LineIndex>,
    worlds: Vec<(Model, Report, Vec<crate::trace::Entry>)>,
}

impl<'a> Linted<'a> {
    fn of(side: &Side<'a>) -> Self {
        let sources = side.sources;
        let loaded = crate::k8s::load::load(sources, crate::namespace(side.options), &side.options.limits);
        let indexes: Vec<LineIndex> = sources.iter().map(|s| LineIndex::new(&s.text)).collect();
        let worlds = crate::build_models(sources, loaded, side.options)
            .into_iter()
            .map(|model| {
                let report = crate::run_rules(sources, std::slice::from_ref(&model), side.options);
                let entries = crate::trace::entries_of(sources, &model, &report, &indexes);
                (model, report, entries)
            })
            .collect();
        Linted { sources, indexes, worlds }
    }

    /// Every (host, port) an Ingress or a Gateway listener serves: the first entry that
    /// serves it (world, entry).
    fn served(&self) -> BTreeMap<(String, u16), (usize, usize)> {
        let mut out = BTreeMap::new();
        for (wi, (model, ..)) in self.worlds.iter().enumerate() {
            for (ei, e) in model.entries.iter().enumerate() {
                for (h, p) in &e.served {
                    out.entry((h.clone(), *p)).or_insert((wi, ei));
                }
            }
        }
        out
    }

    fn place(&self, loc: Loc, label: impl Into<String>) -> Place {
        crate::trace::place_of(self.sources, &self.indexes, loc, label)
    }

    fn look(&self, world: usize, entry: usize, host: &str) -> Look<'_> {
        let (model, report, traced) = &self.worlds[world];
        Look { side: self, model, report, e: &model.entries[entry], traced: &traced[entry], host: host.to_owned() }
    }
}

/// One served host on one side.
struct Look<'a> {
    side: &'a Linted<'a>,
    model: &'a Model,
    report: &'a Report,
    e: &'a EntryPath,
    traced: &'a crate::trace::Entry,
    host: String,
}

/// The X-Forwarded-For the backends receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Xff {
    /// One entry: the client address the proxy detected.
    Rewritten,
    /// What arrived, with the proxy's peer appended.
    Appended,
    /// What arrived, unchanged (Envoy Gateway's `disableXForwardedForAppend`).
    AsReceived,
}

impl Look<'_> {
    fn kind(&self) -> Kind {
        Kind::of(self.traced.verdict.kind)
    }

    fn controller(&self) -> Option<&crate::k8s::model::Controller> {
        self.e.controller.map(|c| &self.model.controllers[c])
    }

    fn implementation(&self) -> Option<&'static str> {
        self.controller().and_then(|c| c.proxy).map(|p| p.name)
    }

    fn is(&self, name: &str) -> bool {
        self.implementation() == Some(name)
    }

    fn entry_name(&self) -> String {
        let obj = &self.model.objects[self.e.obj];
        match &self.e.listener {
            Some(l) => format!("{} listener {l}", obj.display()),
            None => obj.display(),
        }
    }

    fn lookup_texts(&self) -> Vec<&str> {
        self.side.sources.iter().map(|s| s.text.as_str()).collect()
    }

    /// A value of ingress-nginx's ConfigMap, with its place.
    fn nginx_cm(&self, key: &str) -> Option<(String, Loc)> {
        if !self.is("ingress-nginx") {
            return None;
        }
        let ctrl = self.controller()?.obj;
        let texts = self.lookup_texts();
        let lookup = Lookup { objects: &self.model.objects, texts: &texts };
        let cm = implementations::controller_configmap(&lookup, ctrl, &["--configmap"]).ok()??;
        implementations::cm_value(&lookup, cm, key).map(|(v, loc)| (v.to_owned(), loc))
    }

    fn nginx_on(&self, key: &str) -> bool {
        self.nginx_cm(key).is_some_and(|(v, _)| implementations::parse_bool(&v) == Some(true))
    }

    /// Does the proxy expect PROXY protocol headers (and does something send them)?
    fn proxy_on(&self) -> Option<bool> {
        match &self.controller()?.proxy_protocol {
            Ok(Sourced { value, .. }) => Some(*value),
            Err(_) => None,
        }
    }

    fn lb_sends_proxy(&self) -> bool {
        self.e.path.hop(HopKind::LoadBalancer).is_some_and(|h| h.carries == Carrier::ProxyHeader)
    }

    /// Where the proxy finds the client address.
    fn client_address(&self) -> String {
        let kind = self.kind();
        let v = &self.traced.verdict;
        match kind {
            Kind::Broken => return format!("none: {}", v.detail),
            Kind::Lost => return format!("lost: {}", v.detail),
            Kind::Unknown => {
                return format!("unknown: {}", v.missing.clone().unwrap_or_else(|| v.detail.clone()));
            }
            _ => {}
        }
        let Some(ctrl) = self.controller() else { return v.detail.clone() };
        let forged = if kind == Kind::Forgeable { " (forgeable: any client can write it)" } else { "" };
        if let Some(h) = &ctrl.trust.header {
            let header = self
                .nginx_cm("forwarded-for-header")
                .map_or_else(|| "X-Forwarded-For".to_owned(), |(v, _)| v)
                .trim()
                .to_owned();
            if h.setting.contains("customHeader") {
                return format!("a custom header (`{}`){forged}", h.setting);
            }
            if h.from_anyone.is_some() {
                return format!("{header} as any client writes it (`{}`)", h.setting);
            }
            if h.positional {
                return format!("{header}, the entry the hop count picks (`{}`){forged}", h.setting);
            }
            if !header.eq_ignore_ascii_case("X-Forwarded-For") {
                return format!("`{header}` from a trusted proxy (`{}`){forged}", h.setting);
            }
            return format!("{header}, the rightmost entry not from a trusted proxy (`{}`){forged}", h.setting);
        }
        if self.proxy_on() == Some(true) && self.lb_sends_proxy() {
            return format!("the PROXY protocol header{forged}");
        }
        match self.e.path.hop(HopKind::LoadBalancer).map(|h| h.carries) {
            Some(Carrier::Header) => {
                format!("the TCP source (the load balancer's X-Forwarded-For is not read){forged}")
            }
            _ => format!("the TCP source{forged}"),
        }
    }

    /// What the proxy trusts to set the client address.
    fn trust(&self) -> String {
        let Some(ctrl) = self.controller() else { return "nothing (no proxy)".into() };
        let mut parts = Vec::new();
        match &ctrl.proxy_protocol {
            Ok(Sourced { value: true, .. }) => parts.push(match &ctrl.trust.proxy_from_anyone {
                Some((why, _)) => format!("PROXY protocol headers from anyone ({why})"),
                None => "PROXY protocol headers".to_owned(),
            }),
            Ok(_) => {}
            Err(crate::k8s::provenance::Unknown(why)) if self.lb_sends_proxy() => {
                parts.push(format!("PROXY protocol: unknown ({why})"));
            }
            Err(_) => {}
        }
        if let Some(h) = &ctrl.trust.header {
            let from = match (&h.from_anyone, h.positional) {
                (Some(why), _) => format!("from anyone ({why})"),
                (None, true) => "by position".to_owned(),
                (None, false) => {
                    let list: Vec<&str> = ctrl.trust.entries.iter().map(|e| e.value.as_str()).collect();
                    format!("from {}", list.join(", "))
                }
            };
            parts.push(format!("`{}` {from}", h.setting));
        }
        if parts.is_empty() { "nothing: the TCP peer is the client".into() } else { parts.join("; ") }
    }

    fn traffic_policy(&self) -> String {
        let Some(view) = self.e.view.map(|v| &self.model.services[v]) else {
            return "no Service in front in the input".into();
        };
        let policy = match view.policy {
            Policy::Local => "Local",
            Policy::Cluster => "Cluster",
            Policy::Invalid => "invalid",
        };
        let whose = if view.policy_written {
            String::new()
        } else {
            format!(" ({})", view.policy_default_of.as_deref().unwrap_or("the Kubernetes default"))
        };
        format!("{} Service, `externalTrafficPolicy: {policy}`{whose}", view.svc_type)
    }

    fn load_balancer(&self) -> String {
        match self.e.path.hop(HopKind::LoadBalancer) {
            Some(h) => h.does.clone(),
            None => match self.e.view.map(|v| self.model.services[v].svc_type.as_str()) {
                Some(t) => format!("none ({t} Service)"),
                None => "unknown".into(),
            },
        }
    }

    /// The X-Forwarded-For shape the backends receive, by the implementation's documented
    /// behaviour (`None`: not an HTTP proxy realip-lint knows the shape of).
    fn xff(&self) -> Option<Xff> {
        let name = self.implementation()?;
        match name {
            // `proxy_set_header X-Forwarded-For $remote_addr`, unless `use-forwarded-headers`
            // and `compute-full-forwarded-for` (then `$full_x_forwarded_for`, appended).
            "ingress-nginx" => {
                Some(if self.nginx_on("use-forwarded-headers") && self.nginx_on("compute-full-forwarded-for") {
                    Xff::Appended
                } else {
                    Xff::Rewritten
                })
            }
            // Envoy (`use_remote_address`) appends the peer; nginx `$proxy_add_x_forwarded_for`.
            // Envoy Gateway sets `use_remote_address` unless `clientIPDetection` is set, and then the
            // XFF extension's `skip_xff_append` is `disableXForwardedForAppend`, false unless set
            // (envoyproxy/gateway `internal/xds/translator/listener.go`): it appends either way.
            // F5 NGINX: `$proxy_add_x_forwarded_for` in every location (nginx/kubernetes-ingress
            // `internal/configs/version1/nginx.ingress.tmpl`).
            "Envoy Gateway" if self.eg_skips_xff_append() => Some(Xff::AsReceived),
            "Envoy Gateway"
            | "Istio ingress gateway"
            | "kgateway"
            | "Envoy"
            | "Cilium"
            | "NGINX Gateway Fabric"
            | "F5 NGINX Ingress Controller" => Some(Xff::Appended),
            // Traefik drops the X-Forwarded-* headers of untrusted peers, then appends the peer.
            "Traefik" => Some(if self.controller()?.trust.header.is_some() { Xff::Appended } else { Xff::Rewritten }),
            _ => None,
        }
    }

    /// A ClientTrafficPolicy of this Gateway with `disableXForwardedForAppend: true`.
    fn eg_skips_xff_append(&self) -> bool {
        let gw = &self.model.objects[self.e.obj];
        self.model.live().any(|(_, o)| {
            o.kind == "ClientTrafficPolicy"
                && o.group() == "gateway.envoyproxy.io"
                && o.namespace == gw.namespace
                && o.bool_at(&[
                    PathSeg::Key("spec"),
                    PathSeg::Key("clientIPDetection"),
                    PathSeg::Key("xForwardedFor"),
                    PathSeg::Key("disableXForwardedForAppend"),
                ]) == Some(true)
                && o.root
                    .at(&[PathSeg::Key("spec"), PathSeg::Key("targetRefs")])
                    .and_then(Node::as_seq)
                    .unwrap_or_default()
                    .iter()
                    .any(|r| r.get("name").and_then(scalar_string) == gw.name)
        })
    }

    fn xff_text(&self) -> String {
        let seen = "a node's or the load balancer's address, not the client's";
        match (self.xff(), self.kind()) {
            (_, Kind::Broken) => return "none: connections fail".into(),
            (Some(Xff::Rewritten), Kind::Lost) => return format!("rewritten: one entry, {seen}"),
            (Some(Xff::Appended), Kind::Lost) => return format!("appended: the proxy adds what it sees, {seen}"),
            _ => {}
        }
        match self.xff() {
            Some(Xff::Rewritten) => "rewritten: one entry, the client address the proxy detected".into(),
            Some(Xff::AsReceived) => {
                "as received: the proxy appends nothing (`disableXForwardedForAppend`), so the rightmost entry is the proxy in front's".into()
            }
            Some(Xff::Appended) => {
                let trusts_header = self.controller().is_some_and(|c| c.trust.header.is_some());
                if trusts_header {
                    "appended: the proxy adds its peer (the proxy in front) after what arrived; the client is further left".into()
                } else {
                    "appended: the client address is the rightmost entry, after whatever the client sent".into()
                }
            }
            None => "not known for this proxy".into(),
        }
    }

    /// The allow-lists that apply to this host, each with what it compares.
    fn allow_lists(&self) -> Vec<(AllowList, String)> {
        let mut lists: Vec<AllowList> = Vec::new();
        let obj = &self.model.objects[self.e.obj];
        if self.e.kind == "Ingress" {
            lists.extend(AllowList::of_ingress(obj, self.e.obj).into_iter().map(|(a, _)| a));
        }
        if let Some(c) = self.controller() {
            // Route-level lists count for the hosts of their routes only.
            let routes = self.routes_of_host();
            lists.extend(
                c.allow_lists
                    .iter()
                    .filter(|a| a.routes.is_empty() || a.routes.iter().any(|r| routes.contains(r)))
                    .cloned(),
            );
        }
        lists
            .into_iter()
            .map(|a| {
                let on = self.compared(&a);
                (a, on)
            })
            .collect()
    }

    /// The address an allow-list compares, by the rules' findings on it.
    fn compared(&self, a: &AllowList) -> String {
        let reference = self.model.objects[a.obj].reference();
        let fired = |rule: &str| self.report.diagnostics.iter().any(|d| d.rule == rule && d.object == reference);
        if fired("allowlist-forgeable") {
            "a header any client can write".into()
        } else if fired("allowlist-after-snat") || self.kind() == Kind::Lost {
            "a node's or the load balancer's address".into()
        } else if fired("allowlist-wrong-hop") {
            "a proxy's address, not the client's".into()
        } else if self.kind() == Kind::Broken {
            "nothing: connections fail".into()
        } else if matches!(a.compares, Compares::XffDepth { .. }) || self.kind() == Kind::Unknown {
            "unknown".into()
        } else {
            "the client address".into()
        }
    }

    fn allow_list_text(&self) -> String {
        let lists = self.allow_lists();
        if lists.is_empty() {
            return "none".into();
        }
        lists.iter().map(|(a, on)| format!("{} on {on}", a.what)).collect::<Vec<_>>().join("; ")
    }

    /// The HTTPRoutes attached to this entry's Gateway that serve this host.
    fn routes_of_host(&self) -> Vec<ObjId> {
        let gw = &self.model.objects[self.e.obj];
        self.model
            .live()
            .filter(|(_, o)| o.kind == "HTTPRoute")
            .filter(|(_, o)| {
                let parents = o.root.at(&[PathSeg::Key("spec"), PathSeg::Key("parentRefs")]).and_then(Node::as_seq);
                let ns = o.namespace.as_deref().unwrap_or("default");
                parents.unwrap_or_default().iter().any(|p| {
                    p.get("name").and_then(scalar_string) == gw.name
                        && p.get("namespace").and_then(scalar_string).as_deref().unwrap_or(ns)
                            == gw.namespace.as_deref().unwrap_or("default")
                })
            })
            .filter(|(_, o)| {
                let names = o.root.at(&[PathSeg::Key("spec"), PathSeg::Key("hostnames")]).and_then(Node::as_seq);
                let names: Vec<String> = names.unwrap_or_default().iter().filter_map(scalar_string).collect();
                names.is_empty() || names.contains(&self.host)
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The rate limits that apply to this host, from the model: the Ingress's annotations read
    /// by its controller, and the controller's own (route-level ones for the hosts of their
    /// routes). Each implementation says what its limits count by (`implementations::RateLimit`).
    fn rate_limit_list(&self) -> Option<Vec<RateLimit>> {
        let obj = &self.model.objects[self.e.obj];
        let mut limits = Vec::new();
        if self.e.kind == "Ingress" {
            limits.extend(
                RateLimit::of_ingress(obj, self.e.obj)
                    .into_iter()
                    .filter(|(_, p)| Some(p.name) == self.implementation())
                    .map(|(r, _)| r),
            );
        }
        if let Some(c) = self.controller() {
            let routes = self.routes_of_host();
            limits.extend(
                c.rate_limits
                    .iter()
                    .filter(|r| r.check.routes.is_empty() || r.check.routes.iter().any(|x| routes.contains(x)))
                    .cloned(),
            );
        }
        let read = self.controller().and_then(|c| c.proxy).is_some_and(|p| p.reads_rate_limits);
        (read || !limits.is_empty()).then_some(limits)
    }

    /// What a per-client limit counts by on this path, by the rules' findings on it.
    fn counted(&self, r: &RateLimit) -> &'static str {
        let at = self.side.place(r.check.at, "");
        let fired = |rule: &str| {
            self.report.diagnostics.iter().any(|d| d.rule == rule && d.file == at.file && d.start == at.start)
        };
        if fired("rate-limit-forgeable") {
            "forgeable"
        } else if fired("rate-limit-wrong-hop") || self.kind() == Kind::Lost {
            "proxy"
        } else {
            "client"
        }
    }

    /// The rate limits as the report says them, and where each is written.
    fn rate_limits(&self) -> (String, Vec<Place>) {
        let Some(limits) = self.rate_limit_list() else {
            return (format!("not read for {}", self.implementation().unwrap_or("this proxy")), Vec::new());
        };
        let places = limits.iter().map(|r| self.side.place(r.check.at, r.check.what.clone())).collect();
        let texts: Vec<String> = limits
            .iter()
            .map(|r| match (r.keyed, self.counted(r)) {
                (Keyed::Client, "forgeable") => format!("{}, on an address any client can write", r.text),
                (Keyed::Client, "proxy") => format!("{}, on a proxy's address: every client shares it", r.text),
                _ => r.text.clone(),
            })
            .collect();
        let text = if texts.is_empty() { "none".to_owned() } else { texts.join("; ") };
        (text, places)
    }

    /// What the rate limits count by, by meaning.
    fn rate_limit_key(&self) -> String {
        let Some(limits) = self.rate_limit_list() else { return "not-read".into() };
        if let Some(r) = limits.iter().find(|r| r.keyed == Keyed::Client) {
            return match self.counted(r) {
                "client" => "per-client".into(),
                how => format!("per-client-{how}"),
            };
        }
        if limits.is_empty() {
            "none".into()
        } else if limits.iter().any(|r| r.keyed == Keyed::Other) {
            "other".into()
        } else {
            "shared".into()
        }
    }

    fn facts(&self) -> Facts {
        let mut facts = BTreeMap::new();
        facts.insert("client-address", self.client_address());
        facts.insert("trust", self.trust());
        facts.insert("traffic-policy", self.traffic_policy());
        facts.insert("load-balancer", self.load_balancer());
        facts.insert("allow-list", self.allow_list_text());
        facts.insert("rate-limit", self.rate_limits().0);
        facts.insert("x-forwarded-for", self.xff_text());
        let mut keys = BTreeMap::new();
        keys.insert("client-address", self.client_key());
        keys.insert("trust", self.trust_key());
        keys.insert(
            "traffic-policy",
            self.e.view.map_or_else(String::new, |v| {
                let view = &self.model.services[v];
                format!("{}/{:?}", view.svc_type, view.policy)
            }),
        );
        keys.insert(
            "load-balancer",
            match self.e.path.hop(HopKind::LoadBalancer) {
                Some(h) => format!("{:?}", h.carries),
                None => self.e.view.map_or_else(String::new, |v| self.model.services[v].svc_type.clone()),
            },
        );
        let mut lists: Vec<String> = self.allow_lists().into_iter().map(|(_, on)| on).collect();
        lists.sort();
        keys.insert("allow-list", if lists.is_empty() { "none".into() } else { lists.join(";") });
        keys.insert("rate-limit", self.rate_limit_key());
        keys.insert("x-forwarded-for", format!("{:?}", self.xff()));
        Facts {
            kind: self.kind(),
            entry: Some(self.entry_name()),
            implementation: self.implementation().map(str::to_owned),
            detail: self.traced.verdict.detail.clone(),
            facts,
            keys,
        }
    }

    /// Where the client address is found, by meaning.
    fn client_key(&self) -> String {
        let kind = self.kind();
        if matches!(kind, Kind::Broken | Kind::Lost | Kind::Unknown) {
            return kind.as_str().to_owned();
        }
        let forged = if kind == Kind::Forgeable { "forgeable:" } else { "" };
        let Some(ctrl) = self.controller() else { return format!("{forged}{}", kind.as_str()) };
        let how = if let Some(h) = &ctrl.trust.header {
            let nginx_header = self
                .nginx_cm("forwarded-for-header")
                .map(|(v, _)| v.trim().to_ascii_lowercase())
                .filter(|v| v != "x-forwarded-for");
            if let Some((_, name)) = h.setting.split_once("customHeader.name: ") {
                format!("custom:{}", name.trim().to_ascii_lowercase())
            } else if let Some(name) = nginx_header {
                format!("custom:{name}")
            } else if h.positional {
                "xff-hops".into()
            } else {
                "xff-trusted".into()
            }
        } else if self.proxy_on() == Some(true) && self.lb_sends_proxy() {
            "proxy".into()
        } else {
            "tcp".into()
        };
        format!("{forged}{how}")
    }

    /// What is trusted, by meaning.
    fn trust_key(&self) -> String {
        let Some(ctrl) = self.controller() else { return "none".into() };
        let mut parts = Vec::new();
        match &ctrl.proxy_protocol {
            Ok(Sourced { value: true, .. }) if ctrl.trust.proxy_from_anyone.is_some() => {
                parts.push("proxy-anyone".into());
            }
            Ok(Sourced { value: true, .. }) => parts.push("proxy".to_owned()),
            Ok(_) => {}
            Err(_) if self.lb_sends_proxy() => parts.push("proxy-unknown".into()),
            Err(_) => {}
        }
        if let Some(h) = &ctrl.trust.header {
            parts.push(if h.from_anyone.is_some() {
                "header-anyone".into()
            } else if h.positional {
                "header-hops".into()
            } else {
                let mut cidrs: Vec<&str> = ctrl.trust.entries.iter().map(|e| e.value.trim()).collect();
                cidrs.sort_unstable();
                cidrs.dedup();
                format!("header:{}", cidrs.join(","))
            });
        }
        if parts.is_empty() { "none".into() } else { parts.join(";") }
    }

    /// The places of a fact on this side.
    fn places(&self, what: &str) -> Vec<Place> {
        let hop_places = |kind: HopKind| -> Vec<Place> {
            self.e
                .path
                .hop(kind)
                .map(|h| h.places.iter().map(|m| self.side.place(m.loc, m.label.clone())).collect())
                .unwrap_or_default()
        };
        match what {
            "client-address" => {
                let mut out: Vec<Place> = self.traced.verdict.at.iter().cloned().collect();
                if out.is_empty() {
                    out = hop_places(HopKind::Controller);
                }
                // A load balancer that carries the address (PROXY, X-Forwarded-For): its setting.
                if self
                    .e
                    .path
                    .hop(HopKind::LoadBalancer)
                    .is_some_and(|h| matches!(h.carries, Carrier::ProxyHeader | Carrier::Header))
                {
                    out.extend(hop_places(HopKind::LoadBalancer));
                }
                // The OLD settings a fix carries over (the trusted CIDRs, the header).
                for key in ["proxy-real-ip-cidr", "forwarded-for-header"] {
                    if let Some((_, loc)) = self.nginx_cm(key) {
                        out.push(self.side.place(loc, format!("`{key}`")));
                    }
                }
                out
            }
            "trust" | "x-forwarded-for" => {
                let mut out = hop_places(HopKind::Controller);
                if what == "x-forwarded-for" {
                    for key in ["compute-full-forwarded-for", "use-forwarded-headers"] {
                        if let Some((_, loc)) = self.nginx_cm(key) {
                            out.push(self.side.place(loc, format!("`{key}`")));
                        }
                    }
                }
                if what == "trust" {
                    for key in ["proxy-real-ip-cidr", "forwarded-for-header", "enable-real-ip"] {
                        if let Some((_, loc)) = self.nginx_cm(key) {
                            out.push(self.side.place(loc, format!("`{key}`")));
                        }
                    }
                }
                out
            }
            "traffic-policy" => hop_places(HopKind::Node),
            "load-balancer" => hop_places(HopKind::LoadBalancer),
            "allow-list" => self.allow_lists().iter().map(|(a, _)| self.side.place(a.at, a.what.clone())).collect(),
            "rate-limit" => self.rate_limits().1,
            _ => Vec::new(),
        }
    }
}

fn both(old: Option<&Look<'_>>, new: Option<&Look<'_>>, what: &str) -> Vec<SidePlace> {
    let mut out: Vec<SidePlace> = Vec::new();
    for (side, look) in [("after", new), ("before", old)] {
        if let Some(l) = look {
            let mut places = l.places(what);
            // Every difference has a place on each side that serves the host: the entry itself
            // when no setting is more precise (where a NEW policy would target).
            if places.is_empty() {
                let t = l.traced;
                let label = if l.e.kind == "Gateway" { "the Gateway listener" } else { "the Ingress" };
                places.push(Place { file: t.file.clone(), start: t.start, end: t.end, label: label.into() });
            }
            for place in places {
                let p = SidePlace { side, place };
                let same =
                    |q: &SidePlace| q.side == p.side && q.place.file == p.place.file && q.place.start == p.place.start;
                if !out.iter().any(same) {
                    out.push(p);
                }
            }
        }
    }
    out
}

fn absent() -> Facts {
    Facts {
        kind: Kind::Absent,
        entry: None,
        implementation: None,
        detail: String::new(),
        facts: BTreeMap::new(),
        keys: BTreeMap::new(),
    }
}

fn compare(key: (String, u16), old: Option<&Look<'_>>, new: Option<&Look<'_>>) -> Host {
    let before = old.map_or_else(absent, Look::facts);
    let after = new.map_or_else(absent, Look::facts);
    let mut differences = Vec::new();
    if before.kind == Kind::Absent || after.kind == Kind::Absent {
        let change = if after.kind == Kind::Absent { Change::Lost } else { Change::Gained };
        let not_served = |f: &Facts| if f.kind == Kind::Absent { "not served".to_owned() } else { served_by(f) };
        differences.push(Difference {
            what: "client-address",
            change: if change == Change::Gained && !after.kind.kept() { Change::Changed } else { change },
            before: not_served(&before),
            after: not_served(&after),
            fix: (after.kind == Kind::Absent).then(|| {
                format!(
                    "serve `{}` on port {} in NEW: an HTTPRoute with `hostnames: [\"{}\"]` attached to a listener on port {}",
                    key.0, key.1, key.0, key.1
                )
            }),
            places: both(old, new, "client-address"),
        });
    } else {
        for &what in WHAT {
            let b = before.facts.get(what).cloned().unwrap_or_default();
            let a = after.facts.get(what).cloned().unwrap_or_default();
            let key = |f: &Facts| f.keys.get(what).cloned().unwrap_or_default();
            let change = classify(what, &before, &after, &key(&before), &key(&after));
            let fix = if change == Change::Same || change == Change::Gained {
                None
            } else {
                new.and_then(|n| fix_for(what, change, old, n))
            };
            // Said once: a fix an earlier difference gives already is named.
            let fix = fix.map(|f| match differences.iter().find(|d: &&Difference| d.fix.as_ref() == Some(&f)) {
                Some(d) => format!("# the fix under `{}` covers this too\n", d.what),
                None => f,
            });
            let places = if change == Change::Same { Vec::new() } else { both(old, new, what) };
            differences.push(Difference { what, change, before: b, after: a, fix, places });
        }
    }
    Host { host: key.0, port: key.1, before, after, differences }
}

fn served_by(f: &Facts) -> String {
    format!(
        "{}{}: {}",
        f.entry.clone().unwrap_or_default(),
        f.implementation.as_ref().map(|i| format!(" ({i})")).unwrap_or_default(),
        f.kind.as_str()
    )
}

/// What became of one fact, from both sides' verdicts and its two keys (its meaning).
fn classify(what: &str, before: &Facts, after: &Facts, b: &str, a: &str) -> Change {
    let (bk, ak) = (before.kind, after.kind);
    match what {
        "client-address" => {
            if ak == Kind::Broken && bk != Kind::Broken {
                Change::Broken
            } else if ak == Kind::Forgeable && bk != Kind::Forgeable {
                Change::NewlyForgeable
            } else if !ak.kept() && bk.kept() {
                // Lost, or unknown where OLD kept it.
                if ak == Kind::Lost { Change::Lost } else { Change::Changed }
            } else if ak.kept() && matches!(bk, Kind::Lost | Kind::Forgeable | Kind::Broken) {
                Change::Gained
            } else if a == b {
                Change::Same
            } else {
                Change::Changed
            }
        }
        "allow-list" => {
            if a == b {
                Change::Same
            } else if b.contains("the client address") && !a.contains("the client address") {
                if a.contains("any client can write") {
                    Change::NewlyForgeable
                } else if a.contains("connections fail") {
                    Change::Broken
                } else {
                    Change::Lost
                }
            } else if a.contains("the client address") && !b.contains("the client address") {
                Change::Gained
            } else {
                Change::Changed
            }
        }
        "rate-limit" => {
            let per_client = |s: &str| s == "per-client";
            if a == b || (b == "none" && a == "not-read") {
                Change::Same
            } else if per_client(b) && a == "per-client-forgeable" {
                Change::NewlyForgeable
            } else if per_client(b) && !(per_client(a) && ak.kept()) && a != "not-read" {
                Change::Lost
            } else if per_client(a) && ak.kept() && !per_client(b) {
                Change::Gained
            } else {
                Change::Changed
            }
        }
        _ => {
            if a == b {
                Change::Same
            } else {
                Change::Changed
            }
        }
    }
}

/// The OLD side's trusted-proxy CIDRs (`proxy-real-ip-cidr`), to carry over.
fn old_cidrs(old: Option<&Look<'_>>) -> Vec<String> {
    old.and_then(|o| o.controller())
        .map(|c| c.trust.entries.iter().map(|e| e.value.clone()).filter(|v| !implementations::is_anywhere(v)).collect())
        .unwrap_or_default()
}

fn yaml_list(items: &[String], indent: usize) -> String {
    let pad = " ".repeat(indent);
    items.iter().fold(String::new(), |mut out, i| {
        let _ = writeln!(out, "{pad}- {i}");
        out
    })
}

/// NGINX Gateway Fabric's `trustedAddresses` entries.
fn ngf_addresses(cidrs: &[String]) -> String {
    cidrs.iter().fold(String::new(), |mut out, c| {
        let _ = writeln!(out, "      - type: CIDR\n        value: {c}");
        out
    })
}

/// The YAML to write in NEW for a difference, in the NEW implementation's terms.
#[allow(clippy::too_many_lines)]
fn fix_for(what: &str, change: Change, old: Option<&Look<'_>>, new: &Look<'_>) -> Option<String> {
    let gw = &new.model.objects[new.e.obj];
    let gw_name = gw.name.clone().unwrap_or_default();
    let ns = gw.namespace.clone().unwrap_or_else(|| "default".into());
    let imp = new.implementation();
    let mut cidrs = old_cidrs(old);
    if cidrs.is_empty() {
        cidrs.push("<the load balancer's CIDR>".into());
    }
    let loss = new.e.path.loss;
    match what {
        "client-address" | "trust" => match (loss, imp) {
            (Some(Loss::ProxyNotExpected), Some("Envoy Gateway")) => Some(format!(
                "# the load balancer sends PROXY protocol: make Envoy parse it\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: ClientTrafficPolicy\nmetadata:\n  name: {gw_name}-proxy-protocol\n  namespace: {ns}\nspec:\n  targetRefs:\n    - group: gateway.networking.k8s.io\n      kind: Gateway\n      name: {gw_name}\n  proxyProtocol: {{}}\n"
            )),
            (Some(Loss::ProxyNotExpected), Some("NGINX Gateway Fabric")) => Some(format!(
                "# in the NginxProxy of the Gateway (or its class): parse PROXY from the load balancer\nspec:\n  rewriteClientIP:\n    mode: ProxyProtocol\n    trustedAddresses:\n{}",
                ngf_addresses(&cidrs)
            )),
            (Some(Loss::ProxyNotExpected), Some("Istio ingress gateway")) => Some(
                "# on the Gateway: Istio copies the annotation to its gateway pods\nmetadata:\n  annotations:\n    proxy.istio.io/config: '{\"gatewayTopology\":{\"proxyProtocol\":{}}}'\n".into(),
            ),
            (Some(Loss::ProxyNotExpected), Some("kgateway")) => Some(format!(
                "apiVersion: gateway.kgateway.dev/v1alpha1\nkind: ListenerPolicy\nmetadata:\n  name: {gw_name}-proxy-protocol\n  namespace: {ns}\nspec:\n  targetRefs:\n    - group: gateway.networking.k8s.io\n      kind: Gateway\n      name: {gw_name}\n  default:\n    proxyProtocol: {{}}\n"
            )),
            (Some(Loss::ProxyNotExpected), Some("Traefik")) => Some(format!(
                "# Traefik's container args (Helm: `ports.web.proxyProtocol.trustedIPs`)\n- --entryPoints.web.proxyProtocol.trustedIPs={}\n- --entryPoints.websecure.proxyProtocol.trustedIPs={}\n",
                cidrs.join(","),
                cidrs.join(",")
            )),
            // Contour (its Envoy) and Cilium: the settings the model reads (contour.rs, cilium.rs).
            (Some(Loss::ProxyNotExpected), Some("Envoy")) => Some(
                "# in the ContourDeployment of the Gateway (or its class)\nspec:\n  runtimeSettings:\n    envoy:\n      listener:\n        useProxyProtocol: true\n".into(),
            ),
            (Some(Loss::ProxyNotExpected), Some("Cilium")) => Some(
                "# in the cilium-config ConfigMap (kube-system); the agents read it at start\ndata:\n  enable-gateway-api-proxy-protocol: \"true\"\n".into(),
            ),
            (Some(Loss::HeaderNotTrusted), Some("Envoy")) => Some(
                "# in the ContourDeployment of the Gateway (or its class): one proxy (the load balancer) in front\nspec:\n  runtimeSettings:\n    envoy:\n      network:\n        numTrustedHops: 1\n".into(),
            ),
            (Some(Loss::HeaderNotTrusted), Some("Cilium")) => Some(
                "# in the cilium-config ConfigMap (kube-system): one proxy (the load balancer) in front\ndata:\n  gateway-api-xff-num-trusted-hops: \"1\"\n".into(),
            ),
            (Some(Loss::HeaderNotTrusted), Some("Envoy Gateway")) => Some(eg_client_ip(old, &gw_name, &ns, &cidrs)),
            (Some(Loss::HeaderNotTrusted), Some("NGINX Gateway Fabric")) => Some(format!(
                "# in the NginxProxy of the Gateway (or its class)\nspec:\n  rewriteClientIP:\n    mode: XForwardedFor\n    trustedAddresses:\n{}",
                ngf_addresses(&cidrs)
            )),
            (Some(Loss::HeaderNotTrusted), Some("Istio ingress gateway")) => Some(
                "# on the Gateway: one proxy (the load balancer) in front\nmetadata:\n  annotations:\n    proxy.istio.io/config: '{\"gatewayTopology\":{\"numTrustedProxies\":1}}'\n".into(),
            ),
            (Some(Loss::HeaderNotTrusted), Some("kgateway")) => Some(format!(
                "apiVersion: gateway.kgateway.dev/v1alpha1\nkind: ListenerPolicy\nmetadata:\n  name: {gw_name}-xff\n  namespace: {ns}\nspec:\n  targetRefs:\n    - group: gateway.networking.k8s.io\n      kind: Gateway\n      name: {gw_name}\n  default:\n    httpSettings:\n      xffNumTrustedHops: 1\n"
            )),
            (Some(Loss::HeaderNotTrusted), Some("Traefik")) => Some(format!(
                "# Traefik's container args (Helm: `ports.web.forwardedHeaders.trustedIPs`)\n- --entryPoints.web.forwardedHeaders.trustedIPs={}\n",
                cidrs.join(",")
            )),
            (Some(Loss::Snat), _) if what == "client-address" => snat_fix(new, &gw_name, &ns),
            // The data plane expects PROXY and the new load balancer sends none: OLD's annotation
            // did not come over.
            (Some(Loss::ProxyNotSent), _) if what == "client-address" => carry_lb_annotation(old, new),
            (Some(Loss::TrustsAnyone | Loss::Positional | Loss::PositionalBehindProxy | Loss::DeeperThanFront), _) => {
                new.controller().and_then(|c| c.trust.header.as_ref()).map(|h| format!("# {}\n", h.restrict_hint))
            }
            _ if change == Change::Changed && new.kind() == Kind::Unknown => {
                new.traced.verdict.settle.as_ref().map(|s| format!("# to settle it: {s}\n"))
            }
            _ => None,
        },
        "traffic-policy" if loss == Some(Loss::Snat) => snat_fix(new, &gw_name, &ns),
        "load-balancer" => carry_lb_annotation(old, new),
        "allow-list" if change != Change::Changed => {
            let lists = new.allow_lists();
            let fix = lists.iter().map(|(a, _)| a.fix).find(|f| !f.is_empty());
            match imp {
                Some("Envoy Gateway") if new.lb_sends_proxy() => None,
                // Envoy Gateway matches `clientCIDRs` against the address its
                // ClientTrafficPolicy detects: the YAML that makes it the client.
                Some("Envoy Gateway") => Some(eg_client_ip(old, &gw_name, &ns, &cidrs)),
                _ => fix.map(|f| format!("# {f}\n")),
            }
        }
        "rate-limit" if change == Change::Lost => match imp {
            Some("Envoy Gateway") => {
                let (requests, unit) = old_limit(old);
                Some(format!(
                    "# a limit per client address (Envoy Gateway's global rate limit needs its Redis backend)\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: BackendTrafficPolicy\nmetadata:\n  name: {gw_name}-per-client\n  namespace: {ns}\nspec:\n  targetRefs:\n    - group: gateway.networking.k8s.io\n      kind: Gateway\n      name: {gw_name}\n  rateLimit:\n    type: Global\n    global:\n      rules:\n        - clientSelectors:\n            - sourceCIDR:\n                type: Distinct\n                value: 0.0.0.0/0\n          limit:\n            requests: {requests}\n            unit: {unit}\n"
                ))
            }
            _ => None,
        },
        "x-forwarded-for" if change == Change::Changed => match new.xff() {
            Some(Xff::Appended) => Some(
                "# the application must take the client from the right end of X-Forwarded-For (the entry the proxy appended, or the first one left of the trusted proxies), never the first entry: a client writes the left ones\n".into(),
            ),
            Some(Xff::Rewritten) => Some("# X-Forwarded-For now holds one entry: the client address\n".into()),
            Some(Xff::AsReceived) => Some(
                "# X-Forwarded-For reaches the application as the proxy in front wrote it: take the rightmost entry it appended\n".into(),
            ),
            None => None,
        },
        _ => None,
    }
}

/// OLD's load-balancer annotation that made it send PROXY or add X-Forwarded-For, when NEW's
/// Service does not carry it: the YAML to carry it over, where the NEW implementation takes
/// Service annotations.
fn carry_lb_annotation(old: Option<&Look<'_>>, new: &Look<'_>) -> Option<String> {
    let old = old?;
    let view = &old.model.services[old.e.view?];
    let key = view.lb.sends_proxy.or(view.lb.adds_xff)?;
    let (value, _) = view.annotations.get(key)?;
    let new_view = new.e.view.map(|v| &new.model.services[v]);
    if new_view.is_some_and(|v| v.annotations.get(key).is_some_and(|(nv, _)| nv == value)) {
        return None;
    }
    let mut out = String::from("# carry OLD's load-balancer annotation over");
    match new.controller().and_then(|c| c.proxy).and_then(|p| p.gateway) {
        Some(g) if new.e.kind == "Gateway" && g.data_plane.is_some() => {
            let _ = writeln!(out, ": to {}", g.annotation_hint);
            let _ = writeln!(out, "spec:\n  infrastructure:\n    annotations:\n      {key}: \"{value}\"");
        }
        _ => {
            let _ = writeln!(out, " to the data plane's Service");
            let _ = writeln!(out, "metadata:\n  annotations:\n    {key}: \"{value}\"");
        }
    }
    Some(out)
}

/// The OLD Ingress's request rate limit (`limit-rps`, else `limit-rpm`), as Envoy Gateway's
/// `requests` and `unit`.
fn old_limit(old: Option<&Look<'_>>) -> (String, &'static str) {
    let obj = old.filter(|o| o.e.kind == "Ingress").map(|o| &o.model.objects[o.e.obj]);
    let get = |key: &str| obj.and_then(|o| o.annotation(&format!("nginx.ingress.kubernetes.io/{key}"))).map(str::trim);
    match (get("limit-rps"), get("limit-rpm")) {
        (Some(v), _) => (v.to_owned(), "Second"),
        (None, Some(v)) => (v.to_owned(), "Minute"),
        _ => ("<requests>".into(), "Second"),
    }
}

/// An Envoy Gateway ClientTrafficPolicy that trusts X-Forwarded-For from these CIDRs.
/// Envoy Gateway's client IP detection for what OLD trusted: X-Forwarded-For from OLD's CIDRs, or
/// the custom header ingress-nginx's `forwarded-for-header` named (Envoy Gateway's
/// `customHeader` has no trusted-source list, so only the load balancer may reach the proxy).
fn eg_client_ip(old: Option<&Look<'_>>, gw_name: &str, ns: &str, cidrs: &[String]) -> String {
    let header = old
        .and_then(|o| o.nginx_cm("forwarded-for-header"))
        .map(|(h, _)| h.trim().to_owned())
        .filter(|h| !h.is_empty() && !h.eq_ignore_ascii_case("X-Forwarded-For"));
    match header {
        Some(h) => format!(
            "# OLD took the client from `{h}` (`forwarded-for-header`), trusted from {}; Envoy Gateway takes a\n# custom header from any peer: admit only the proxy that sets it (the EnvoyProxy's\n# `envoyService.loadBalancerSourceRanges` with its addresses: a CDN's published ranges)\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: ClientTrafficPolicy\nmetadata:\n  name: {gw_name}-client-ip\n  namespace: {ns}\nspec:\n  targetRefs:\n    - group: gateway.networking.k8s.io\n      kind: Gateway\n      name: {gw_name}\n  clientIPDetection:\n    customHeader:\n      name: {h}\n",
            cidrs.join(", ")
        ),
        None => eg_trusted_cidrs(gw_name, ns, cidrs),
    }
}

fn eg_trusted_cidrs(gw_name: &str, ns: &str, cidrs: &[String]) -> String {
    format!(
        "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: ClientTrafficPolicy\nmetadata:\n  name: {gw_name}-client-ip\n  namespace: {ns}\nspec:\n  targetRefs:\n    - group: gateway.networking.k8s.io\n      kind: Gateway\n      name: {gw_name}\n  clientIPDetection:\n    xForwardedFor:\n      trustedCIDRs:\n{}",
        yaml_list(cidrs, 8)
    )
}

/// `externalTrafficPolicy: Local` in the NEW implementation's config object.
fn snat_fix(new: &Look<'_>, gw_name: &str, ns: &str) -> Option<String> {
    Some(match new.implementation() {
        Some("Envoy Gateway") => format!(
            "# in the EnvoyProxy of the Gateway (or its class)\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: EnvoyProxy\nmetadata:\n  name: {gw_name}\n  namespace: {ns}\nspec:\n  provider:\n    type: Kubernetes\n    kubernetes:\n      envoyService:\n        externalTrafficPolicy: Local\n"
        ),
        Some("NGINX Gateway Fabric") => {
            "# in the NginxProxy of the Gateway (or its class)\nspec:\n  kubernetes:\n    service:\n      externalTrafficPolicy: Local\n".into()
        }
        Some("Istio ingress gateway") => format!(
            "# a ConfigMap the Gateway names in `spec.infrastructure.parametersRef`\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {gw_name}-options\n  namespace: {ns}\ndata:\n  service: |\n    spec:\n      externalTrafficPolicy: Local\n---\n# and on the Gateway {ns}/{gw_name}\nspec:\n  infrastructure:\n    parametersRef:\n      group: \"\"\n      kind: ConfigMap\n      name: {gw_name}-options\n"
        ),
        Some("kgateway") => {
            "# in the GatewayParameters of the Gateway (or its class)\nspec:\n  kube:\n    service:\n      externalTrafficPolicy: Local\n".into()
        }
        Some("Traefik") => "# on Traefik's Service (Helm: `service.spec.externalTrafficPolicy: Local`)\nspec:\n  externalTrafficPolicy: Local\n".into(),
        Some("Envoy") => "# in the ContourDeployment of the Gateway (or its class)\nspec:\n  envoy:\n    networkPublishing:\n      externalTrafficPolicy: Local\n".into(),
        Some("Cilium") => "# in the cilium-config ConfigMap (kube-system)\ndata:\n  gateway-api-service-externaltrafficpolicy: Local\n".into(),
        _ => format!("# {}\n", new.controller()?.local_hint),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NGINX: &str = r"apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
spec:
  selector: {matchLabels: {app: ctl}}
  template:
    metadata: {labels: {app: ctl}}
    spec:
      containers:
        - name: controller
          image: registry.k8s.io/ingress-nginx/controller:v1.12.0
          args: [/nginx-ingress-controller, --configmap=ingress-nginx/ingress-nginx-controller]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
data: {}
---
apiVersion: v1
kind: Service
metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: {app: ctl}
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: apps}
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}
";

    const EG: &str = r"apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: eg}
spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: web, namespace: apps}
spec:
  gatewayClassName: eg
  listeners: [{name: http, protocol: HTTP, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: apps}
spec:
  parentRefs: [{name: web}]
  hostnames: [shop.example.com]
  rules: [{backendRefs: [{name: shop, port: 80}]}]
";

    fn run(old: &str, new: &str) -> MigrateReport {
        let o = [Source::new("old.yaml", old)];
        let n = [Source::new("new.yaml", new)];
        let options = Options::default();
        migrate(&Side { sources: &o, options: &options }, &Side { sources: &n, options: &options })
    }

    fn change(r: &MigrateReport, host: &str, what: &str) -> Change {
        let h = r.hosts.iter().find(|h| h.host == host).unwrap_or_else(|| panic!("{host} in {r:#?}"));
        h.differences.iter().find(|d| d.what == what).unwrap_or_else(|| panic!("{what}")).change
    }

    #[test]
    fn hosts_pair_up_and_a_kept_address_stays_the_same() {
        let r = run(NGINX, EG);
        assert_eq!(r.hosts.len(), 1, "{r:#?}");
        let h = &r.hosts[0];
        assert_eq!((h.host.as_str(), h.port), ("shop.example.com", 80));
        assert_eq!(h.before.kind, Kind::PreservedInHeader);
        assert_eq!(h.after.kind, Kind::PreservedInHeader);
        assert_eq!(change(&r, "shop.example.com", "client-address"), Change::Same);
        // ingress-nginx rewrote X-Forwarded-For; Envoy appends.
        assert_eq!(change(&r, "shop.example.com", "x-forwarded-for"), Change::Changed);
        assert!(r.worst() <= Some(Severity::Info));
    }

    #[test]
    fn kgateway_rate_limits_key_on_the_client_only_with_a_remote_address_descriptor() {
        let old = NGINX.replace(
            "metadata: {name: shop, namespace: apps}",
            "metadata: {name: shop, namespace: apps, annotations: {nginx.ingress.kubernetes.io/limit-rps: \"5\"}}",
        );
        let kgateway = |rate_limit: &str| {
            EG.replace("gateway.envoyproxy.io/gatewayclass-controller", "kgateway.dev/kgateway")
                + "---\napiVersion: gateway.kgateway.dev/v1alpha1\nkind: TrafficPolicy\nmetadata: {name: limits, namespace: apps}\nspec:\n  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: shop}]\n  rateLimit:\n"
                + rate_limit
        };
        // A local token bucket is one per Envoy, shared by every client.
        let r = run(&old, &kgateway("    local: {tokenBucket: {maxTokens: 5, fillInterval: 1s}}\n"));
        assert_eq!(change(&r, "shop.example.com", "rate-limit"), Change::Lost, "{r:#?}");
        let d = r.hosts[0].differences.iter().find(|d| d.what == "rate-limit").unwrap();
        assert!(d.after.contains("shared by every client"), "{d:?}");
        // A global one with a `RemoteAddress` descriptor counts per client, but behind kgateway's
        // default Service (`Cluster`) the address it counts is a node's.
        let r = run(
            &old,
            &kgateway(
                "    global:\n      extensionRef: {name: ratelimit}\n      descriptors: [{entries: [{type: RemoteAddress}]}]\n",
            ),
        );
        assert_eq!(change(&r, "shop.example.com", "rate-limit"), Change::Lost, "{r:#?}");
        let d = r.hosts[0].differences.iter().find(|d| d.what == "rate-limit").unwrap();
        assert!(d.after.contains("per client address") && d.after.contains("on a proxy's address"), "{d:?}");
    }

    #[test]
    fn a_per_client_limit_counted_by_a_forged_or_a_proxy_address_is_not_the_same() {
        let old = NGINX.replace(
            "metadata: {name: shop, namespace: apps}",
            "metadata: {name: shop, namespace: apps, annotations: {nginx.ingress.kubernetes.io/limit-rps: \"5\"}}",
        );
        let limit = "---\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: BackendTrafficPolicy\nmetadata: {name: limits, namespace: apps}\nspec:\n  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: shop}]\n  rateLimit:\n    type: Local\n    local: {rules: [{clientSelectors: [{sourceCIDR: {type: Distinct, value: 0.0.0.0/0}}], limit: {requests: 5, unit: Second}}]}\n";
        // Envoy Gateway's default `Local` Service: the `Distinct` source is the client.
        let r = run(&old, &format!("{EG}{limit}"));
        assert_eq!(change(&r, "shop.example.com", "rate-limit"), Change::Same, "{r:#?}");
        // A hop count behind a pass-through load balancer: the client writes the address.
        let hops = "---\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: ClientTrafficPolicy\nmetadata: {name: hops, namespace: apps}\nspec:\n  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: web}]\n  clientIPDetection: {xForwardedFor: {numTrustedHops: 1}}\n";
        let r = run(&old, &format!("{EG}{limit}{hops}"));
        assert_eq!(change(&r, "shop.example.com", "rate-limit"), Change::NewlyForgeable, "{r:#?}");
        let d = r.hosts[0].differences.iter().find(|d| d.what == "rate-limit").unwrap();
        assert!(d.after.contains("any client can write"), "{d:?}");
    }

    #[test]
    fn envoy_gateway_that_skips_the_append_passes_x_forwarded_for_on_as_received() {
        let new = format!(
            "{EG}---\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: ClientTrafficPolicy\nmetadata: {{name: web, namespace: apps}}\nspec:\n  targetRefs: [{{group: gateway.networking.k8s.io, kind: Gateway, name: web}}]\n  clientIPDetection: {{xForwardedFor: {{numTrustedHops: 1, disableXForwardedForAppend: true}}}}\n"
        );
        let r = run(NGINX, &new);
        let d = r.hosts[0].differences.iter().find(|d| d.what == "x-forwarded-for").unwrap();
        assert!(d.after.starts_with("as received"), "{d:?}");
        // Without the flag, Envoy Gateway appends.
        let d = run(NGINX, EG).hosts[0].differences.iter().find(|d| d.what == "x-forwarded-for").cloned().unwrap();
        assert!(d.after.starts_with("appended"), "{d:?}");
    }

    #[test]
    fn a_cluster_policy_on_the_new_side_loses_the_address_with_the_yaml_to_write() {
        let new = format!(
            "{EG}---\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: EnvoyProxy\nmetadata: {{name: web, namespace: apps}}\nspec:\n  provider:\n    type: Kubernetes\n    kubernetes:\n      envoyService: {{externalTrafficPolicy: Cluster}}\n"
        )
        .replace("  listeners:", "  infrastructure:\n    parametersRef: {group: gateway.envoyproxy.io, kind: EnvoyProxy, name: web}\n  listeners:");
        let r = run(NGINX, &new);
        assert_eq!(r.hosts[0].after.kind, Kind::Lost, "{r:#?}");
        let d = r.hosts[0].differences.iter().find(|d| d.what == "client-address").unwrap();
        assert_eq!(d.change, Change::Lost);
        assert!(d.fix.as_deref().unwrap().contains("externalTrafficPolicy: Local"), "{d:?}");
        assert!(d.places.iter().any(|p| p.side == "after" && p.place.file == "new.yaml"));
        assert_eq!(r.worst(), Some(Severity::Warning));
    }

    #[test]
    fn proxy_protocol_the_new_data_plane_does_not_parse_is_broken() {
        let old = NGINX
            .replace("data: {}", "data: {use-proxy-protocol: \"true\"}")
            .replace(
                "name: ingress-nginx-controller, namespace: ingress-nginx}\nspec:\n  type",
                "name: ingress-nginx-controller, namespace: ingress-nginx, annotations: {service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol: \"true\"}}\nspec:\n  type",
            );
        let new = format!(
            "{EG}---\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: ClientTrafficPolicy\nmetadata: {{name: web, namespace: apps}}\nspec:\n  targetRefs: [{{group: gateway.networking.k8s.io, kind: Gateway, name: web}}]\n  timeout: {{http: {{idleTimeout: 5s}}}}\n"
        )
        .replace(
            "  listeners:",
            "  infrastructure:\n    annotations: {service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol: \"true\"}\n  listeners:",
        );
        let r = run(&old, &new);
        assert_eq!(r.hosts[0].before.kind, Kind::PreservedInHeader, "{r:#?}");
        assert_eq!(r.hosts[0].after.kind, Kind::Broken, "{r:#?}");
        assert_eq!(change(&r, "shop.example.com", "client-address"), Change::Broken);
        assert_eq!(r.worst(), Some(Severity::Error));
        // The NEW side's trace alone says the same.
        let n = [Source::new("new.yaml", new.as_str())];
        let t = crate::trace::trace(&n, &Options::default());
        assert!(t.entries.iter().any(|e| e.verdict.kind == VerdictKind::Broken), "{t:#?}");
    }

    #[test]
    fn an_old_side_the_input_does_not_settle_gains_nothing() {
        // The Ingress without its controller: OLD is unknown, so NEW keeping the address is a
        // change, not a gain.
        let ingress = &NGINX[NGINX.find("apiVersion: networking.k8s.io/v1\nkind: Ingress\n").unwrap()..];
        let r = run(ingress, EG);
        assert_eq!(r.hosts[0].before.kind, Kind::Unknown, "{r:#?}");
        assert_eq!(change(&r, "shop.example.com", "client-address"), Change::Changed);
    }

    #[test]
    fn proxy_protocol_expected_where_the_load_balancer_no_longer_sends_it_is_broken() {
        // OLD sent PROXY through the Service annotation; NEW turns PROXY on in Envoy but the
        // Gateway does not carry the annotation: the new load balancer sends none.
        let old = NGINX.replace("data: {}", "data: {use-proxy-protocol: \"true\"}").replace(
            "name: ingress-nginx-controller, namespace: ingress-nginx}\nspec:\n  type",
            "name: ingress-nginx-controller, namespace: ingress-nginx, annotations: {service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol: \"true\"}}\nspec:\n  type",
        );
        let new = format!(
            "{EG}---\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: ClientTrafficPolicy\nmetadata: {{name: web, namespace: apps}}\nspec:\n  targetRefs: [{{group: gateway.networking.k8s.io, kind: Gateway, name: web}}]\n  proxyProtocol: {{}}\n"
        );
        let r = run(&old, &new);
        assert_eq!(r.hosts[0].after.kind, Kind::Broken, "{r:#?}");
        let d = &r.hosts[0].differences[0];
        assert_eq!(d.change, Change::Broken);
        let fix = d.fix.as_deref().unwrap();
        assert!(
            fix.contains("spec:\n  infrastructure:\n    annotations:\n      service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol: \"true\""),
            "{fix}"
        );
        let lb = r.hosts[0].differences.iter().find(|d| d.what == "load-balancer").unwrap();
        assert_eq!(lb.change, Change::Changed);
        assert!(lb.fix.as_deref().unwrap().contains("covers this too"), "{lb:?}");
    }

    #[test]
    fn a_host_served_on_one_side_only_is_lost_or_gained() {
        let r = run(NGINX, &EG.replace("shop.example.com", "api.example.com"));
        assert_eq!(change(&r, "shop.example.com", "client-address"), Change::Lost);
        assert_eq!(change(&r, "api.example.com", "client-address"), Change::Gained);
        let shop = r.hosts.iter().find(|h| h.host == "shop.example.com").unwrap();
        assert_eq!(shop.after.kind, Kind::Absent);
    }
}
