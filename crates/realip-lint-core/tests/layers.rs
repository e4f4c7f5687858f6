//! The core's modules form layers: no import cycle among them. The graph is read from the
//! sources (every `crate::…` and `super::…` path outside `#[cfg(test)]`), at the granularity of
//! the top-level modules and of the submodules of `k8s`. Items the crate root re-exports count
//! as their home module; items defined in `lib.rs` itself count as `lib`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Cycles that are known and owned by work in progress elsewhere. The list may only shrink:
/// a cycle that is gone must be deleted from it (the test fails until it is).
const ALLOWED: &[&[&str]] = &[];

type Graph = BTreeMap<String, BTreeSet<String>>;

#[test]
fn the_core_modules_have_no_import_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = graph(&src);
    let cycles = strongly_connected(&graph);
    let allowed: Vec<BTreeSet<String>> = ALLOWED.iter().map(|c| c.iter().map(|m| (*m).to_owned()).collect()).collect();
    let mut problems = Vec::new();
    for cycle in &cycles {
        if !allowed.iter().any(|a| cycle.is_subset(a)) {
            problems.push(format!("import cycle among {}:\n{}", show(cycle), edges_within(&graph, cycle)));
        }
    }
    for a in &allowed {
        if !cycles.contains(a) {
            problems
                .push(format!("the allowed cycle {} is gone or smaller: shrink ALLOWED in tests/layers.rs", show(a)));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n\nthe whole graph:\n{}",
        problems.join("\n\n"),
        edges_within(&graph, &graph.keys().cloned().collect())
    );
}

fn show(set: &BTreeSet<String>) -> String {
    set.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
}

fn edges_within(graph: &Graph, set: &BTreeSet<String>) -> String {
    let mut out = String::new();
    for from in set {
        let to: Vec<&str> =
            graph.get(from).into_iter().flatten().filter(|t| set.contains(*t)).map(String::as_str).collect();
        if !to.is_empty() {
            out.push_str(&format!("  {from} → {}\n", to.join(", ")));
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The node a file belongs to, and the module path that `super` names from inside it.
fn node_of(rel: &[String]) -> (String, Vec<String>) {
    let mut parts: Vec<String> = rel.to_vec();
    let file = parts.pop().unwrap();
    let stem = file.trim_end_matches(".rs").to_owned();
    // The module path of the file itself.
    let mut module = parts.clone();
    if stem != "mod" && stem != "lib" {
        module.push(stem);
    }
    let parent = if module.is_empty() { Vec::new() } else { module[..module.len() - 1].to_vec() };
    (node(&module), parent)
}

/// The graph node of a module path (`["k8s", "proxies", "istio"]` → `k8s::proxies`).
fn node(module: &[String]) -> String {
    match module {
        [] => "lib".to_owned(),
        [k8s, sub, ..] if k8s == "k8s" => format!("k8s::{sub}"),
        [first, ..] => first.clone(),
    }
}

/// `crate::…` paths, with `use` trees (`crate::{a, b::{c, d}}`) expanded.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().last();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        expand(rest, Vec::new(), &mut out);
    }
    out
}

/// Expand the path (or tree) at the start of `text` onto `base`.
fn expand(text: &str, base: Vec<String>, out: &mut Vec<Vec<String>>) {
    let text = text.trim_start();
    if let Some(inner) = text.strip_prefix('{') {
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    expand(&inner[start..i], base.clone(), out);
                    return;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..i], base.clone(), out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        return;
    }
    let ident: String = text.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    if ident.is_empty() {
        out.push(base);
        return;
    }
    let mut path = base;
    path.push(ident.clone());
    let after = &text[ident.len()..];
    match after.strip_prefix("::") {
        Some(next) => expand(next, path, out),
        None => out.push(path),
    }
}

fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    // Modules of the crate root, and the items it re-exports from them.
    let modules: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            l.strip_prefix("pub mod ").or_else(|| l.strip_prefix("pub(crate) mod ")).or_else(|| l.strip_prefix("mod "))
        })
        .map(|m| m.trim_end_matches(';').to_owned())
        .collect();
    let mut reexports: BTreeMap<String, String> = BTreeMap::new();
    for line in lib.lines().filter_map(|l| l.trim().strip_prefix("pub use ")) {
        let mut paths = Vec::new();
        expand(line.trim_end_matches(';'), Vec::new(), &mut paths);
        for p in paths {
            if let (Some(first), Some(last)) = (p.first(), p.last()) {
                reexports.insert(last.clone(), first.clone());
            }
        }
    }
    let mut graph = Graph::new();
    for file in files.into_iter().filter(|f| !f.ends_with("tests.rs")) {
        let rel: Vec<String> =
            file.strip_prefix(src).unwrap().iter().map(|p| p.to_string_lossy().into_owned()).collect();
        let (from, parent) = node_of(&rel);
        let text = std::fs::read_to_string(&file).unwrap();
        // The code before the tests, without line comments.
        let lines: Vec<&str> = text.lines().collect();
        let end = lines
            .windows(2)
            .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].trim_start().starts_with("mod tests {"))
            .unwrap_or(lines.len());
        let code: String =
            lines[..end].iter().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
        let mut targets = Vec::new();
        for p in paths_after(&code, "crate::") {
            let Some(first) = p.first() else { continue };
            let module = if modules.contains(first) {
                p.clone()
            } else if let Some(home) = reexports.get(first) {
                vec![home.clone()]
            } else {
                Vec::new()
            };
            targets.push(module);
        }
        if from == "lib" {
            // The crate root names its modules without `crate::`.
            for m in &modules {
                targets.extend(paths_after(&code, &format!("{m}::")).into_iter().map(|mut p| {
                    p.insert(0, m.clone());
                    p
                }));
            }
        }
        for p in paths_after(&code, "super::") {
            let mut module = parent.clone();
            for seg in p {
                if seg == "super" {
                    module.pop();
                } else {
                    module.push(seg);
                }
            }
            targets.push(module);
        }
        let edges = graph.entry(from.clone()).or_default();
        for module in targets {
            // `k8s::x` only when `x` is a module of k8s (a file or folder), else `k8s`.
            let module = match module.as_slice() {
                [k8s, sub, ..] if k8s == "k8s" && !is_k8s_module(src, sub) => vec![k8s.clone()],
                _ => module,
            };
            let to = node(&module);
            if to != from {
                edges.insert(to);
            }
        }
    }
    graph
}

fn is_k8s_module(src: &Path, name: &str) -> bool {
    src.join("k8s").join(format!("{name}.rs")).exists() || src.join("k8s").join(name).is_dir()
}

/// Tarjan's strongly connected components with more than one member.
fn strongly_connected(graph: &Graph) -> Vec<BTreeSet<String>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            if !s.index.contains_key(w.as_str()) {
                visit(s, w);
                let lw = s.low[w.as_str()];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w.as_str()) {
                let iw = s.index[w.as_str()];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.insert(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    let nodes: Vec<&str> = graph.keys().map(String::as_str).collect();
    for v in nodes {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}
