//! `--diff`, `--fix` and `--unsafe-fixes` as users run them: what is printed, what is written
//! (only changed files, atomically, with their permissions), what is refused and why.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{Dir, run_in, stderr, stdout};

/// A safe fix (mis-cased `local`) and an unsafe one (the field on a ClusterIP Service).
const BOTH: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: local # keep this comment\n  selector: {app: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n  type: ClusterIP\n  externalTrafficPolicy: Local\n  selector: {app: b}\n";
const CLEAN: &str =
    "apiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec:\n  selector: {app: c}\n  ports: [{port: 80}]\n";

#[test]
fn diff_prints_the_safe_fixes_and_changes_nothing() {
    let dir = Dir::new("fix-diff");
    let file = dir.file("deploy/svc.yaml", BOTH);
    dir.file("deploy/clean.yaml", CLEAN);
    let out = run_in(dir.path(), &["-f", "deploy", "--diff"], None);
    assert_eq!(out.status.code(), Some(1), "a diff exits 1: {}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "--- a/deploy/svc.yaml\n+++ b/deploy/svc.yaml\n@@ -3,7 +3,7 @@\n metadata: {name: a}\n spec:\n   type: LoadBalancer\n-  externalTrafficPolicy: local # keep this comment\n+  externalTrafficPolicy: Local # keep this comment\n   selector: {app: a}\n ---\n apiVersion: v1\n"
    );
    assert!(
        stderr(&out).contains("would fix 1 finding in 1 file; --unsafe-fixes would fix 1 more"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), BOTH, "--diff writes nothing");
    let out = run_in(dir.path(), &["-f", "deploy", "--diff", "--unsafe-fixes"], None);
    assert!(stdout(&out).contains("-  externalTrafficPolicy: Local\n"), "{}", stdout(&out));
    // Nothing to fix: exit 0 and an empty diff.
    let out = run_in(dir.path(), &["-f", "deploy/clean.yaml", "--diff"], None);
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), ""));
    // Standard input can be diffed (not rewritten).
    let out = run_in(dir.path(), &["-f", "-", "--diff"], Some(BOTH));
    assert!(stdout(&out).starts_with("--- a/<stdin>\n+++ b/<stdin>\n"), "{}", stdout(&out));
}

#[test]
fn fix_rewrites_only_changed_files_keeping_permissions_then_reports_what_is_left() {
    let dir = Dir::new("fix-write");
    let file = dir.file("svc.yaml", BOTH);
    let clean = dir.file("clean.yaml", CLEAN);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let before_clean = std::fs::metadata(&clean).unwrap().modified().unwrap();
    let out = run_in(dir.path(), &["-f", ".", "--fix"], None);
    // The unsafe fix's error is left: exit 1, and the report shows it.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let fixed = std::fs::read_to_string(&file).unwrap();
    assert_eq!(fixed, BOTH.replace("local # keep", "Local # keep"));
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o640);
    assert_eq!(
        std::fs::metadata(&clean).unwrap().modified().unwrap(),
        before_clean,
        "an unchanged file is not written"
    );
    assert!(
        stderr(&out).contains("fixed 1 finding in 1 file (svc.yaml); --unsafe-fixes would fix 1 more"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("external-traffic-policy-on-internal-service"));
    assert!(!stdout(&out).contains("external-traffic-policy-invalid-value"), "fixed findings are gone from the report");
    // No temporary file is left behind.
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // Unsafe fixes on request; then a second run has nothing to do.
    let out = run_in(dir.path(), &["-f", "svc.yaml", "--fix", "--unsafe-fixes", "-o", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"], serde_json::json!([]), "JSON stays clean: the summary goes to stderr");
    assert!(!std::fs::read_to_string(&file).unwrap().contains("ClusterIP\n  externalTrafficPolicy"));
    let again = run_in(dir.path(), &["-f", ".", "--fix", "--unsafe-fixes"], None);
    assert!(stderr(&again).contains("fixed nothing"), "{}", stderr(&again));
}

#[test]
fn fix_never_writes_through_a_link_out_of_the_tree_nor_streams() {
    let outside = Dir::new("fix-outside");
    let target = outside.file("shared.yaml", BOTH);
    let dir = Dir::new("fix-link");
    std::os::unix::fs::symlink(&target, dir.path().join("linked.yaml")).unwrap();
    let out = run_in(dir.path(), &["-f", ".", "--fix"], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("not rewritten: it is a symbolic link to"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), BOTH);
    // A link inside the tree is followed: the file it points to is fixed, the link stays a link.
    let inside = dir.file("real/svc.yaml", BOTH);
    std::fs::remove_file(dir.path().join("linked.yaml")).unwrap();
    std::os::unix::fs::symlink(&inside, dir.path().join("alias.yaml")).unwrap();
    let out = run_in(dir.path(), &["-f", ".", "-R", "--fix"], None);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("(alias.yaml, real/svc.yaml)"), "both names, one file: {}", stderr(&out));
    assert!(std::fs::read_to_string(&inside).unwrap().contains("Local # keep"));
    assert!(std::fs::symlink_metadata(dir.path().join("alias.yaml")).unwrap().file_type().is_symlink());
    for (args, says) in [
        (&["-f", "-", "--fix"][..], "--fix does not rewrite standard input"),
        (&["-k", ".", "--fix"][..], "-k lints kustomize's rendered output"),
        (&["--cluster", "--diff"][..], "--cluster reads live objects"),
        (&["-f", ".", "--unsafe-fixes"][..], "--unsafe-fixes goes with --fix or --diff"),
        (&["trace", "-f", ".", "--fix"][..], "trace shows the client-IP path"),
    ] {
        let out = run_in(dir.path(), args, Some(BOTH));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}
