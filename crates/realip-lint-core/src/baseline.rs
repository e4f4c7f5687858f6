//! The baseline (`--baseline FILE`): the findings a repository had when it adopted the linter,
//! so that later runs report only new ones. An entry is keyed on the file, the object, the rule
//! and the field path ([`FindingKey`]), never the line, so edits elsewhere do not bring a
//! baselined finding back; entries match findings one for one (two equal findings need two
//! entries). An entry may carry `expires: YYYY-MM-DD`: from the next day on it hides nothing.
//!
//! ```yaml
//! version: 1
//! findings:
//!   # Service default/web is reachable from outside the cluster, but …
//!   - file: "deploy/web.yaml"
//!     object: "Service default/web"
//!     rule: "external-service-cluster-policy"
//!     path: "spec.type"
//!     expires: 2027-06-30
//! ```
//!
//! Reading and writing the file, and today's date, are the face's (the core has no clock).

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, FindingKey, Report, Suppressed, SuppressedBy};
use crate::source::LineIndex;
use crate::yaml::{Node, NodeKind, parse_stream};

/// One entry of a baseline file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: FindingKey,
    /// `YYYY-MM-DD`: the last day the entry hides its finding.
    pub expires: Option<String>,
    /// The line of the entry in the file (1-based), for messages.
    pub line: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    pub entries: Vec<Entry>,
}

const ENTRY_KEYS: [&str; 5] = ["file", "object", "rule", "path", "expires"];

/// Parse a baseline file; an error is `name:line:column: message`, at the exact place.
pub fn parse(name: &str, text: &str) -> Result<Baseline, String> {
    let index = LineIndex::new(text);
    let err = |node_start: u32, message: String| {
        let p = index.position(text, node_start);
        format!("{name}:{}:{}: {message}", p.line, p.column)
    };
    let docs = parse_stream(text);
    if let Some(problem) = docs.iter().flat_map(|d| &d.problems).next() {
        return Err(err(problem.span.start, problem.message.clone()));
    }
    let Some(root) = docs.iter().find_map(|d| d.root.as_ref()) else { return Ok(Baseline::default()) };
    let Some(top) = root.as_map() else {
        return Err(err(root.span.start, "a baseline is a mapping with `version: 1` and `findings`".into()));
    };
    let mut baseline = Baseline::default();
    for (k, v) in top {
        match k.as_str() {
            Some("version") => {
                if v.as_str() != Some("1") {
                    return Err(err(
                        v.span.start,
                        "this baseline is of another version: only `version: 1` is read".into(),
                    ));
                }
            }
            Some("findings") => {
                let items = match &v.kind {
                    NodeKind::Seq(items) => items.as_slice(),
                    NodeKind::Scalar(s) if s.plain && (s.value.is_empty() || s.value == "null") => &[],
                    _ => return Err(err(v.span.start, "`findings` must be a list of entries".into())),
                };
                for item in items {
                    let line = index.position(text, item.span.start).line;
                    baseline.entries.push(entry(item, line).map_err(|(at, m)| err(at, m))?);
                }
            }
            other => {
                let other = other.unwrap_or("?");
                return Err(err(
                    k.span.start,
                    format!(
                        "unknown key `{other}` in a baseline (known: version, findings){}",
                        crate::suggest::did_you_mean(other, ["version", "findings"])
                    ),
                ));
            }
        }
    }
    Ok(baseline)
}

fn entry(item: &Node, line: u32) -> Result<Entry, (u32, String)> {
    let Some(fields) = item.as_map() else {
        return Err((item.span.start, "a baseline entry is a mapping: {file, object, rule, path, expires}".into()));
    };
    let (mut file, mut object, mut rule, mut path, mut expires) = (None, None, None, None, None);
    for (k, v) in fields {
        let key = k.as_str().unwrap_or("?");
        let value = match &v.kind {
            NodeKind::Scalar(s) if s.plain && (s.value.is_empty() || s.value == "null") => None,
            NodeKind::Scalar(s) => Some(s.value.to_string()),
            _ => return Err((v.span.start, format!("`{key}` must be a single value"))),
        };
        match key {
            "file" => file = value,
            "object" => object = value,
            "rule" => rule = value,
            "path" => path = value,
            "expires" => {
                if let Some(date) = &value
                    && !is_date(date)
                {
                    return Err((v.span.start, format!("`expires: {date}` is not a date written YYYY-MM-DD")));
                }
                expires = value;
            }
            other => {
                return Err((
                    k.span.start,
                    format!(
                        "unknown key `{other}` in a baseline entry (known: {}){}",
                        ENTRY_KEYS.join(", "),
                        crate::suggest::did_you_mean(other, ENTRY_KEYS)
                    ),
                ));
            }
        }
    }
    match (file, rule) {
        (Some(file), Some(rule)) => Ok(Entry { key: FindingKey { file, object, rule, path }, expires, line }),
        _ => Err((item.span.start, "a baseline entry needs `file` and `rule`".into())),
    }
}

/// `YYYY-MM-DD`, a real day of a month (February has 29 days at most).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| {
        b[r.clone()].iter().all(u8::is_ascii_digit).then(|| s[r].parse::<u32>().ok()).flatten()
    };
    let (Some(_), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else { return false };
    let days = match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// The text of a baseline listing `diagnostics`, each under the file name `file_of` gives it.
/// An entry of `previous` with the same key lends its `expires` (an update keeps the dates).
pub fn write(diagnostics: &[Diagnostic], file_of: &dyn Fn(&Diagnostic) -> String, previous: &Baseline) -> String {
    let mut dates: HashMap<&FindingKey, Vec<&str>> = HashMap::new();
    for e in previous.entries.iter().rev() {
        if let Some(d) = &e.expires {
            dates.entry(&e.key).or_default().push(d);
        }
    }
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut out = String::from(
        "# realip-lint baseline: the findings this repository had when it was written.\n\
         # `kubectl realip-lint --baseline FILE` reports only findings not listed here (matched on\n\
         # file, object, rule and field path, not the line); `--update-baseline` rewrites it.\n\
         # An entry may carry `expires: YYYY-MM-DD`: after that day its finding is reported again.\n\
         version: 1\n",
    );
    if diagnostics.is_empty() {
        out.push_str("findings: []\n");
        return out;
    }
    out.push_str("findings:\n");
    for d in diagnostics {
        let key = d.key(&file_of(d));
        out.push_str(&format!("  # {}: {}\n", d.severity.as_str(), d.message.replace(['\r', '\n'], " ")));
        out.push_str(&format!("  - file: {}\n", q(&key.file)));
        if let Some(o) = &key.object {
            out.push_str(&format!("    object: {}\n", q(o)));
        }
        out.push_str(&format!("    rule: {}\n", q(&key.rule)));
        if let Some(p) = &key.path {
            out.push_str(&format!("    path: {}\n", q(p)));
        }
        if let Some(date) = dates.get_mut(&key).and_then(Vec::pop) {
            out.push_str(&format!("    expires: {date}\n"));
        }
    }
    out
}

/// What applying a baseline did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Findings the baseline hid.
    pub hidden: usize,
    /// Entries past their date whose finding is reported again.
    pub expired: Vec<Entry>,
    /// Entries that matched no finding (fixed since, or renamed).
    pub unmatched: usize,
}

/// Take the findings the baseline lists out of the report (into `suppressed`, by
/// [`SuppressedBy::Baseline`]) and count again. `today` is `YYYY-MM-DD`; an entry whose
/// `expires` is before it hides nothing.
pub fn apply(
    report: &mut Report,
    baseline: &Baseline,
    file_of: &dyn Fn(&Diagnostic) -> String,
    today: &str,
) -> Applied {
    let mut open: HashMap<&FindingKey, Vec<&Entry>> = HashMap::new();
    for e in baseline.entries.iter().rev() {
        open.entry(&e.key).or_default().push(e);
    }
    let mut applied = Applied::default();
    let mut kept = Vec::with_capacity(report.diagnostics.len());
    for d in std::mem::take(&mut report.diagnostics) {
        let key = d.key(&file_of(&d));
        let entries = open.get_mut(&key);
        // A live entry first; else an expired one, which is used up but hides nothing.
        let taken = entries.and_then(|list| {
            let live = list.iter().rposition(|e| e.expires.as_deref().is_none_or(|x| x >= today));
            let at = live.or_else(|| list.len().checked_sub(1))?;
            Some(list.remove(at))
        });
        match taken {
            Some(e) if e.expires.as_deref().is_none_or(|x| x >= today) => {
                applied.hidden += 1;
                report.suppressed.push(Suppressed { diagnostic: d, by: SuppressedBy::Baseline });
            }
            Some(e) => {
                applied.expired.push(e.clone());
                kept.push(d);
            }
            None => kept.push(d),
        }
    }
    applied.unmatched = open.values().map(Vec::len).sum();
    report.diagnostics = kept;
    report.recount();
    applied
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, Source, lint};

    const TWO: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  selector: {app: web}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  type: NodePort\n  selector: {app: api}\n";

    fn name(d: &Diagnostic) -> String {
        d.file.clone()
    }

    #[test]
    fn written_then_read_hides_the_same_findings_across_line_shifts() {
        let report = lint(&[Source::new("a.yaml", TWO)], &Options::default());
        assert_eq!(report.diagnostics.len(), 2);
        let text = write(&report.diagnostics, &name, &Baseline::default());
        assert!(text.contains("    path: \"spec.type\"\n"), "{text}");
        let baseline = parse("b.yaml", &text).unwrap();
        assert_eq!(baseline.entries.len(), 2);
        // Lines above both objects, and a third Service: only the new one is reported.
        let shifted = format!(
            "# a comment\n\n{TWO}---\napiVersion: v1\nkind: Service\nmetadata: {{name: new}}\nspec:\n  type: NodePort\n"
        );
        let mut later = lint(&[Source::new("a.yaml", shifted)], &Options::default());
        let applied = apply(&mut later, &baseline, &name, "2026-01-01");
        assert_eq!((applied.hidden, applied.unmatched), (2, 0));
        assert_eq!(later.diagnostics.len(), 1);
        assert_eq!(later.diagnostics[0].object.as_ref().unwrap().name, "new");
        assert_eq!(later.summary.info, 1, "counted again");
        assert_eq!(later.suppressed.iter().filter(|s| s.by == SuppressedBy::Baseline).count(), 2);
    }

    #[test]
    fn entries_match_one_for_one_and_expire() {
        let report = lint(&[Source::new("a.yaml", TWO)], &Options::default());
        let web = &report.diagnostics[0];
        let one = format!(
            "version: 1\nfindings:\n  - {{file: a.yaml, object: {}, rule: {}, path: spec.type, expires: 2026-03-01}}\n",
            serde_json::to_string(&web.object.as_ref().unwrap().label()).unwrap(),
            web.rule
        );
        let baseline = parse("b.yaml", &one).unwrap();
        let mut on_the_day = report.clone();
        assert_eq!(apply(&mut on_the_day, &baseline, &name, "2026-03-01").hidden, 1, "valid through its date");
        let mut after = report.clone();
        let applied = apply(&mut after, &baseline, &name, "2026-03-02");
        assert_eq!((applied.hidden, applied.expired.len()), (0, 1));
        assert_eq!(applied.expired[0].line, 3);
        assert_eq!(after.diagnostics.len(), 2);
        // An update keeps the date of the entry it rewrites.
        let rewritten = write(&report.diagnostics, &name, &baseline);
        assert_eq!(rewritten.matches("expires: 2026-03-01").count(), 1, "{rewritten}");
    }

    #[test]
    fn malformed_baselines_are_errors_at_their_place() {
        let e = |text: &str| parse("b.yaml", text).unwrap_err();
        assert_eq!(e("version: 2\n"), "b.yaml:1:10: this baseline is of another version: only `version: 1` is read");
        assert!(
            e("findings:\n  - {file: a, rule: r, expires: 2026-13-01}\n")
                .starts_with("b.yaml:2:33: `expires: 2026-13-01` is not a date")
        );
        assert_eq!(e("findings:\n  - {file: a}\n"), "b.yaml:2:5: a baseline entry needs `file` and `rule`");
        assert!(e("findings:\n  - {file: a, rule: r, pth: x}\n").ends_with("did you mean `path`?"));
        let syntax = e("findings: [\n");
        assert!(syntax.starts_with("b.yaml:1:11: YAML syntax error"), "{syntax}");
        assert!(e("findings: 3\n").starts_with("b.yaml:1:11: `findings` must be a list"));
        assert_eq!(parse("b.yaml", "").unwrap(), Baseline::default(), "an empty file lists nothing");
    }

    #[test]
    fn dates() {
        assert!(is_date("2026-02-29") && is_date("2027-12-31"));
        assert!(!is_date("2026-2-1") && !is_date("2026-04-31") && !is_date("2026-00-10") && !is_date("tomorrow"));
    }
}
