use super::*;

fn slice(text: &str, span: Span) -> &str {
    &text[span.range()]
}

#[test]
fn every_key_and_value_keeps_its_byte_range() {
    let text = "a: 1\nb:\n  c: \"x y\"\n  d: [1, 2]\n";
    let docs = parse_stream(text);
    assert_eq!(docs.len(), 1);
    let root = docs[0].root.as_ref().unwrap();
    let (k, v) = root.entry("b").unwrap();
    assert_eq!(slice(text, k.span), "b");
    let (ck, cv) = v.entry("c").unwrap();
    assert_eq!(slice(text, ck.span), "c");
    assert_eq!(slice(text, cv.span), "\"x y\"");
    let d = v.get("d").unwrap();
    assert_eq!(slice(text, d.span), "[1, 2]");
    assert_eq!(slice(text, d.as_seq().unwrap()[1].span), "2");
}

#[test]
fn a_syntax_error_abandons_only_its_document() {
    let text = "a: 1\n---\nmetadata: {name: [two}\n---\nc: 3\n";
    let docs = parse_stream(text);
    assert_eq!(docs.len(), 3);
    assert!(docs[0].root.is_some());
    assert!(docs[1].root.is_none());
    assert_eq!(docs[1].problems.len(), 1);
    assert!(docs[1].problems[0].message.starts_with("YAML syntax error"));
    let c = docs[2].root.as_ref().unwrap().entry("c").unwrap();
    assert_eq!(slice(text, c.0.span), "c");
    assert_eq!(c.0.span.start as usize, text.rfind('c').unwrap());
}

#[test]
fn duplicate_keys_are_reported_at_the_second_key() {
    let text = "spec:\n  selector: 1\n  selector: 2\n";
    let docs = parse_stream(text);
    let p = &docs[0].problems;
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].span.start as usize, text.rfind("selector").unwrap());
    assert_eq!(p[0].related.as_ref().unwrap().0.start as usize, text.find("selector").unwrap());
}

#[test]
fn anchors_aliases_and_merge_keys_resolve_with_positions() {
    let text = "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\nr: *b\n";
    let docs = parse_stream(text);
    let root = docs[0].root.as_ref().unwrap();
    let m = root.get("m").unwrap();
    assert_eq!(m.get("y").unwrap().as_str(), Some("3"));
    let x = m.get("x").unwrap();
    assert_eq!(slice(text, x.span), "1");
    assert_eq!(slice(text, root.get("r").unwrap().span), "*b");
    assert!(docs[0].problems.is_empty());
}

#[test]
fn an_alias_bomb_is_refused_and_the_next_document_is_read() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    text.push_str("---\nok: true\n");
    let docs = parse_stream(&text);
    assert_eq!(docs.len(), 2);
    assert!(docs[0].root.is_none());
    assert!(docs[0].problems[0].message.contains("alias-nodes"));
    assert!(docs[1].root.is_some());
}

#[test]
fn a_bom_counts_in_offsets() {
    let text = "\u{feff}apiVersion: v1\nkind: Service\n";
    let docs = parse_stream(text);
    let (k, _) = docs[0].root.as_ref().unwrap().entry("apiVersion").unwrap();
    assert_eq!(k.span.start, 3);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = "[".repeat(20_000);
    let docs = parse_stream(&text);
    assert!(docs.iter().any(|d| d.problems.iter().any(|p| p.message.contains("`nesting` limit"))));
    let text = "- ".repeat(20_000);
    let docs = parse_stream(&text);
    assert!(docs.iter().any(|d| !d.problems.is_empty()));
}

#[test]
fn the_document_limit_ends_the_stream_with_a_problem() {
    let text = "a: 1\n---\n".repeat(10);
    let limits = Limits { documents: 3, ..Limits::default() };
    let docs = parse_stream_with(&text, &limits);
    assert_eq!(docs.len(), 4);
    assert!(docs[3].problems[0].message.contains("more than 3 documents"));
}

#[test]
fn unread_kinds_are_walked_not_built_and_still_checked_for_duplicates() {
    let text = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: a}\nspec:\n  storageClassName: x\n  storageClassName: y\n  resources: {requests: {storage: 1Gi}}\n";
    let docs = parse_stream_keeping(text, &Limits::default(), &|_, kind| kind == "Service");
    let root = docs[0].root.as_ref().unwrap();
    assert_eq!(root.get("metadata").unwrap().get("name").unwrap().as_str(), Some("a"));
    assert_eq!(root.get("spec").unwrap().as_str(), Some(""), "not built");
    assert_eq!(docs[0].problems.len(), 1);
    assert_eq!(docs[0].problems[0].span.start as usize, text.rfind("storageClassName").unwrap());
    let kept = parse_stream_keeping(text, &Limits::default(), &|_, _| true);
    assert!(kept[0].root.as_ref().unwrap().get("spec").unwrap().get("resources").is_some());
}

#[test]
fn duplicate_keys_keep_the_document_and_the_last_value() {
    let docs = parse_stream("a: 1\na: 2\n");
    assert_eq!(docs[0].problems[0].level, Level::Info);
    assert_eq!(docs[0].root.as_ref().unwrap().get("a").unwrap().as_str(), Some("2"));
}

#[test]
fn directives_before_a_document_are_errors_that_keep_it() {
    let text = "a: 1\n...\n%YAML 1.1\n%TAG !e! tag:example.com,2000:\n---\nb: 2\n";
    let docs = parse_stream(text);
    let last = docs.iter().rfind(|d| d.root.is_some()).unwrap();
    assert_eq!(last.problems.len(), 2, "{:?}", last.problems);
    assert!(last.problems.iter().all(|p| p.level == Level::Error));
    assert_eq!(slice(text, last.problems[0].span), "%YAML 1.1");
    assert!(last.root.as_ref().unwrap().get("b").is_some());
    let first = parse_stream("%YAML 1.2\n---\nb: 2\n");
    assert_eq!(first[0].problems.len(), 1);
    assert!(parse_stream("a: |\n  %not a directive\n---\nb: 1\n").iter().all(|d| d.problems.is_empty()));
}

#[test]
fn null_and_uint64_keys_are_refused() {
    for text in ["? ~\n: x\n", "a: {~: 1}\n", "18446744073709551615: x\n"] {
        let docs = parse_stream(text);
        assert_eq!(docs[0].problems.len(), 1, "{text}");
        assert_eq!(docs[0].problems[0].level, Level::Fatal);
    }
    assert!(parse_stream("\"~\": x\n1: y\n").iter().all(|d| d.problems.is_empty()));
    let skipped = parse_stream_keeping("kind: X\napiVersion: v\nspec: {~: 1}\n", &Limits::default(), &|_, _| false);
    assert_eq!(skipped[0].problems.len(), 1);
}
