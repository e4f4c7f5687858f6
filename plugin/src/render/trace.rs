//! `trace` as text: one small diagram per entry point, from the client down to the pods.

use std::fmt::Write as _;

use realip_lint_core::trace::{Carrier, Entry, TraceReport, VerdictKind};

fn carrier(c: Carrier) -> &'static str {
    match c {
        Carrier::TcpSource => "client IP as TCP source",
        Carrier::ProxyHeader => "client IP in a PROXY header",
        Carrier::Header => "client IP in X-Forwarded-For",
        Carrier::Lost => "client IP LOST",
        Carrier::Forgeable => "FORGEABLE header",
        Carrier::Unknown => "unknown",
    }
}

fn verdict_word(k: VerdictKind) -> &'static str {
    match k {
        VerdictKind::Preserved => "PRESERVED",
        VerdictKind::PreservedInHeader => "PRESERVED IN HEADER",
        VerdictKind::Lost => "LOST",
        VerdictKind::Forgeable => "FORGEABLE",
        VerdictKind::Unknown => "UNKNOWN",
        VerdictKind::Broken => "BROKEN",
    }
}

fn paint(s: &str, code: &str, color: bool) -> String {
    if color { format!("\u{1b}[{code}m{s}\u{1b}[0m") } else { s.to_owned() }
}

fn entry(out: &mut String, e: &Entry, color: bool) {
    let name = e.object.as_ref().map_or_else(
        || "<unnamed>".to_owned(),
        |o| o.namespace.as_ref().map_or_else(|| o.name.clone(), |ns| format!("{ns}/{}", o.name)),
    );
    let code = match e.verdict.kind {
        VerdictKind::Preserved | VerdictKind::PreservedInHeader => "32",
        VerdictKind::Lost | VerdictKind::Forgeable | VerdictKind::Broken => "31",
        VerdictKind::Unknown => "33",
    };
    let listener = e.listener.as_ref().map(|l| format!(" listener {l}")).unwrap_or_default();
    let _ = writeln!(out, "{} {name}{listener}  ({}:{}:{})", e.kind, e.file, e.start.line, e.start.column);
    // The hostnames it serves (what `migrate` pairs the two sides by), when it serves any.
    if !e.hosts.is_empty() {
        let hosts: Vec<String> = e.hosts.iter().map(|h| format!("{}:{}", h.host, h.port)).collect();
        let _ = writeln!(out, "  serves {}", hosts.join(", "));
    }
    let _ = writeln!(out, "  client");
    for hop in &e.hops {
        let rules = if hop.rules.is_empty() {
            String::new()
        } else {
            format!(
                "  [{}]",
                hop.rules.iter().map(|r| format!("{} {}", r.severity.as_str(), r.rule)).collect::<Vec<_>>().join(", ")
            )
        };
        let _ = writeln!(out, "    │ {}", hop.does);
        let at = hop.places.first().map(|p| format!("  ({}:{})", p.file, p.start.line)).unwrap_or_default();
        let _ = writeln!(out, "    ▼ {}{}", paint(carrier(hop.carries), code_of(hop.carries), color), rules);
        let _ = writeln!(out, "  {}{at}", hop.to);
    }
    let v = &e.verdict;
    let mut line = format!("  ⇒ {}: {}", paint(verdict_word(v.kind), code, color), v.detail);
    if let Some(at) = &v.at {
        let _ = write!(line, " (at {}:{}:{})", at.file, at.start.line, at.start.column);
    }
    let _ = writeln!(out, "{line}");
    if let Some(m) = &v.missing {
        let _ = writeln!(out, "    missing: {m}");
    }
    if let Some(s) = &v.settle {
        let _ = writeln!(out, "    to settle it: {s}");
    }
    for a in &e.assumptions {
        let _ = writeln!(out, "    assumes: {a}");
    }
    out.push('\n');
}

fn code_of(c: Carrier) -> &'static str {
    match c {
        Carrier::TcpSource | Carrier::ProxyHeader | Carrier::Header => "32",
        Carrier::Lost | Carrier::Forgeable => "31",
        Carrier::Unknown => "33",
    }
}

pub fn render(report: &TraceReport, color: bool) -> String {
    let mut out = String::new();
    if report.entries.is_empty() {
        out.push_str(
            "no entry points: no LoadBalancer, NodePort or externalIPs Service, and no Ingress, in the input\n",
        );
        return out;
    }
    for e in &report.entries {
        entry(&mut out, e, color);
    }
    let count = |k: VerdictKind| report.entries.iter().filter(|e| e.verdict.kind == k).count();
    let _ = write!(
        out,
        "{} entry points: {} preserved, {} preserved in a header, {} lost, {} forgeable, {} unknown",
        report.entries.len(),
        count(VerdictKind::Preserved),
        count(VerdictKind::PreservedInHeader),
        count(VerdictKind::Lost),
        count(VerdictKind::Forgeable),
        count(VerdictKind::Unknown)
    );
    // Said only when there is one: connections fail.
    let broken = count(VerdictKind::Broken);
    if broken > 0 {
        let _ = write!(out, ", {broken} broken (connections fail)");
    }
    out.push('\n');
    out
}
