//! `trace`: for every way into the cluster, the hops from the client to the pods, what carries
//! the client address after each hop, and a verdict: the model's client-IP path
//! ([`crate::k8s::model::path`]) with positions, each hop with the findings of the rules that speak for
//! it.

use serde::Serialize;

use crate::diagnostic::{Loc, ObjectRef, Report, Severity};
use crate::k8s::model::Model;
use crate::k8s::model::path::{self, EntryPath, Mark};
use crate::registry;
use crate::source::{LineIndex, Position, Source};

pub use crate::k8s::model::path::Carrier;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub file: String,
    pub start: Position,
    pub end: Position,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    pub rule: &'static str,
    pub severity: Severity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    pub from: String,
    pub to: String,
    /// What this hop does to the client address.
    pub does: String,
    pub carries: Carrier,
    pub places: Vec<Place>,
    /// Rules that fire on the objects of this hop.
    pub rules: Vec<RuleRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictKind {
    Preserved,
    PreservedInHeader,
    Lost,
    Forgeable,
    Unknown,
    /// Connections fail: a PROXY header where the proxy expects none, or none where it expects
    /// one (an outage, worse than a lost address).
    Broken,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub kind: VerdictKind,
    pub detail: String,
    /// For `preserved-in-header`: which header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// For `lost`, `forgeable` and `broken`: where.
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    pub at: Option<Place>,
    /// For `unknown`: the fact that is missing, and what would settle it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settle: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// `Service`, `Ingress` or `Gateway` (one entry per listener).
    pub kind: String,
    pub object: Option<ObjectRef>,
    /// For a Gateway: the listener (`http`, HTTP port 80).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listener: Option<String>,
    /// The hostnames it serves, with their ports (an Ingress's rule hosts, a listener's routes'
    /// hostnames; `*` for any host).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<HostPort>,
    pub file: String,
    pub start: Position,
    pub end: Position,
    pub hops: Vec<Hop>,
    pub verdict: Verdict,
    pub assumptions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostPort {
    pub host: String,
    pub port: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceReport {
    pub version: u32,
    pub entries: Vec<Entry>,
}

impl TraceReport {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Trace every entry point of these sources.
pub fn trace(sources: &[Source], options: &crate::Options) -> TraceReport {
    let loaded = crate::k8s::load::load(sources, crate::namespace(options), &options.limits);
    let indexes: Vec<LineIndex> = sources.iter().map(|s| LineIndex::new(&s.text)).collect();
    let mut out = TraceReport { version: 1, entries: Vec::new() };
    // Each world on its own, as the rules see it (`k8s::worlds`).
    for model in crate::build_models(sources, loaded, options) {
        let report = crate::run_rules(sources, std::slice::from_ref(&model), options);
        out.entries.extend(entries_of(sources, &model, &report, &indexes));
    }
    out
}

/// The traced entries of one world's model (in the order of `model.entries`), given its rules'
/// report and a line index per source.
pub(crate) fn entries_of(sources: &[Source], model: &Model, report: &Report, indexes: &[LineIndex]) -> Vec<Entry> {
    let tracer = Tracer { sources, model, report, indexes };
    model.entries.iter().map(|e| tracer.entry(e)).collect()
}

/// A place of the input as the trace shows it.
pub(crate) fn place_of(sources: &[Source], indexes: &[LineIndex], loc: Loc, label: impl Into<String>) -> Place {
    let text = &sources[loc.file].text;
    let idx = &indexes[loc.file];
    Place {
        file: sources[loc.file].name.clone(),
        start: idx.position(text, loc.span.start),
        end: idx.position(text, loc.span.end),
        label: label.into(),
    }
}

struct Tracer<'a> {
    sources: &'a [Source],
    model: &'a Model,
    report: &'a Report,
    indexes: &'a [LineIndex],
}

impl Tracer<'_> {
    fn place(&self, loc: Loc, label: impl Into<String>) -> Place {
        place_of(self.sources, self.indexes, loc, label)
    }

    fn mark(&self, m: &Mark) -> Place {
        self.place(m.loc, m.label.clone())
    }

    /// The findings on a hop: those of the rules that speak for its kind, on its objects. A
    /// finding at one listener of a Gateway (`spec.listeners[1].protocol`) is that listener's
    /// entry's only.
    fn rules_on(&self, hop: &path::Hop, listener: Option<&str>) -> Vec<RuleRef> {
        let refs: Vec<ObjectRef> = hop.objects.iter().filter_map(|o| self.model.objects[*o].reference()).collect();
        let other_listener = |d: &crate::diagnostic::Diagnostic| {
            let at = d.path.as_deref().and_then(|p| p.strip_prefix("spec.listeners[")).and_then(|p| p.split_once(']'));
            matches!((at, listener), (Some((i, _)), Some(own)) if i != own)
        };
        let mut out: Vec<RuleRef> = self
            .report
            .diagnostics
            .iter()
            .filter(|d| {
                registry::rule(d.rule).is_some_and(|r| r.hops.contains(&hop.kind))
                    && d.object.as_ref().is_some_and(|o| refs.contains(o))
                    && !other_listener(d)
            })
            .map(|d| RuleRef { rule: d.rule, severity: d.severity })
            .collect();
        out.sort_by(|a, b| a.rule.cmp(b.rule));
        out.dedup();
        out
    }

    fn entry(&self, e: &EntryPath) -> Entry {
        let p = self.place(e.at, e.kind);
        // Which listener of its Gateway the entry is, as a field path's index.
        let listener = e.listener.as_ref().and_then(|_| {
            let obj = &self.model.objects[e.obj];
            let path = crate::yaml::path::path_to(&obj.root, e.at.span)?.to_string();
            Some(path.strip_prefix("spec.listeners[")?.split_once(']')?.0.to_owned())
        });
        let hops = e
            .path
            .hops
            .iter()
            .map(|h| Hop {
                from: h.from.clone(),
                to: h.to.clone(),
                does: h.does.clone(),
                carries: h.carries,
                places: h.places.iter().map(|m| self.mark(m)).collect(),
                rules: self.rules_on(h, listener.as_deref()),
            })
            .collect();
        Entry {
            kind: e.kind.to_owned(),
            object: self.model.objects[e.obj].reference(),
            listener: e.listener.clone(),
            hosts: e.served.iter().map(|(host, port)| HostPort { host: host.clone(), port: *port }).collect(),
            file: p.file,
            start: p.start,
            end: p.end,
            hops,
            verdict: self.verdict(&e.path),
            assumptions: e.path.assumptions.clone(),
        }
    }

    fn verdict(&self, path: &path::Path) -> Verdict {
        let base = Verdict {
            kind: VerdictKind::Unknown,
            detail: String::new(),
            header: None,
            at: None,
            missing: None,
            settle: None,
        };
        match path.carrier {
            Carrier::TcpSource => Verdict {
                kind: VerdictKind::Preserved,
                detail: "the pods see the client's address as the TCP source".into(),
                ..base
            },
            Carrier::ProxyHeader => Verdict {
                kind: VerdictKind::PreservedInHeader,
                detail: "the pods receive the client's address in a PROXY protocol header (they must parse it)".into(),
                header: Some("PROXY protocol".into()),
                ..base
            },
            Carrier::Header => Verdict {
                kind: VerdictKind::PreservedInHeader,
                detail: "the pods receive the client's address in X-Forwarded-For / X-Real-IP".into(),
                header: Some("X-Forwarded-For".into()),
                ..base
            },
            Carrier::Lost if matches!(path.loss, Some(path::Loss::ProxyNotExpected | path::Loss::ProxyNotSent)) => {
                Verdict {
                    kind: VerdictKind::Broken,
                    detail: if path.loss == Some(path::Loss::ProxyNotExpected) {
                        "connections fail: the load balancer sends PROXY protocol headers the proxy does not parse"
                            .into()
                    } else {
                        "connections fail: the proxy expects PROXY protocol headers nothing sends".into()
                    },
                    at: path.at.as_ref().map(|m| self.mark(m)),
                    ..base
                }
            }
            Carrier::Lost => Verdict {
                kind: VerdictKind::Lost,
                detail: "the pods see a node or load balancer address, not the client's".into(),
                at: path.at.as_ref().map(|m| self.mark(m)),
                ..base
            },
            Carrier::Forgeable => Verdict {
                kind: VerdictKind::Forgeable,
                detail: "the client address comes from a header any client can write".into(),
                at: path.at.as_ref().map(|m| self.mark(m)),
                ..base
            },
            Carrier::Unknown => {
                let (missing, settle) = path.missing.clone().unwrap_or_default();
                Verdict {
                    kind: VerdictKind::Unknown,
                    detail: "a fact the verdict needs is not in the input".into(),
                    missing: Some(missing),
                    settle: Some(settle),
                    ..base
                }
            }
        }
    }
}
