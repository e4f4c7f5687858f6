//! `docs/rules.md` and the README's rule table are generated from the rules' own doc comments:
//! `REALIP_UPDATE_DOCS=1 cargo test --workspace --test docs` rewrites both. (The fixtures and the
//! meta-tests over the rule set are the core's: `crates/realip-lint-core/tests/`.)

use std::path::{Path, PathBuf};

use realip_lint_plugin::docs;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn docs_rules_md_is_generated_from_the_rules() {
    let path = repo_root().join("docs/rules.md");
    let fresh = docs::rules_markdown();
    if std::env::var_os("REALIP_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        let readme = repo_root().join("README.md");
        let text = std::fs::read_to_string(&readme).unwrap();
        let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
        let (a, b) = (text.find(start).unwrap() + start.len(), text.find(end).unwrap());
        std::fs::write(&readme, format!("{}{}{}", &text[..a], docs::readme_table(), &text[b..])).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/rules.md is out of date: run `REALIP_UPDATE_DOCS=1 cargo test --workspace --test docs`"
    );
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    assert!(
        readme.contains(&docs::readme_table()),
        "the README's rule table is out of date: run `REALIP_UPDATE_DOCS=1 cargo test --workspace --test docs`"
    );
}
