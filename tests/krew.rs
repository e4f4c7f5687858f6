//! The krew manifest (`plugin/krew/realip-lint.yaml`) has what krew's validation requires and
//! follows its naming guide; the release script packs the archive it points at and writes the
//! archive's sha256 into it. The script runs here on the binary this test run already built (its
//! `cargo build --release` step is the separate command `bash plugin/krew/release.sh`).

mod common;

use std::path::Path;
use std::process::Command;

use common::{BIN, Dir, repo, sha256, stderr};
use realip_lint_core::yaml::{Node, parse_stream};

fn manifest_at(path: &Path) -> (String, Node) {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = parse_stream(&text).into_iter().next().unwrap();
    assert!(doc.problems.is_empty(), "{:?}", doc.problems);
    (text, doc.root.unwrap())
}

fn str_at<'a>(node: &'a Node, path: &[&str]) -> &'a str {
    let mut n = node;
    for key in path {
        n = n.get(key).unwrap_or_else(|| panic!("the manifest has no {}", path.join(".")));
    }
    n.as_str().unwrap_or_else(|| panic!("{} is not a string", path.join(".")))
}

fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// krew's own checks (apiVersion, kind, a safe name equal to the file name, a one-line short
/// description, a `vX.Y.Z` version, and for each platform: uri, a sha256 of 64 lowercase hex,
/// bin, `files` entries with `from` and `to`, an `os`/`arch` selector), and ours: the version is
/// the crate's, the archive is a GitHub release download of this repository, the binary is the
/// one cargo builds, and LICENSE is installed with it.
fn check_manifest(path: &Path) -> Vec<(String, String)> {
    let (_, m) = manifest_at(path);
    assert_eq!(str_at(&m, &["apiVersion"]), "krew.googlecontainertools.github.com/v1alpha2");
    assert_eq!(str_at(&m, &["kind"]), "Plugin");
    let name = str_at(&m, &["metadata", "name"]);
    assert_eq!(Some(name), path.file_stem().and_then(|s| s.to_str()), "krew-index wants plugins/<name>.yaml");
    // The naming guide: lowercase words joined by hyphens, no kube/kubernetes/kubectl prefix.
    assert!(is_kebab(name), "{name} is kebab-case");
    assert!(!["kube", "k8s", "kubectl"].iter().any(|p| name.starts_with(p)), "no stutter: {name}");
    assert_eq!(name, "realip-lint");

    let version = str_at(&m, &["spec", "version"]);
    assert_eq!(version, format!("v{}", env!("CARGO_PKG_VERSION")), "the manifest's version is the crate's");
    let short = str_at(&m, &["spec", "shortDescription"]);
    assert!(!short.is_empty() && !short.contains(['\r', '\n']));
    assert!(!str_at(&m, &["spec", "description"]).trim().is_empty());
    assert_eq!(str_at(&m, &["spec", "homepage"]), "https://github.com/realip-lint/realip-lint");

    let platforms = m.get("spec").and_then(|s| s.get("platforms")).and_then(Node::as_seq).unwrap();
    assert!(!platforms.is_empty());
    let mut seen = Vec::new();
    for p in platforms {
        let labels = p.get("selector").and_then(|s| s.get("matchLabels")).and_then(Node::as_map).unwrap();
        assert!(!labels.is_empty());
        assert!(
            labels.iter().all(|(k, _)| matches!(k.as_str(), Some("os" | "arch"))),
            "krew selects on os and arch only"
        );
        let os = str_at(p, &["selector", "matchLabels", "os"]);
        let arch = str_at(p, &["selector", "matchLabels", "arch"]);
        let uri = str_at(p, &["uri"]);
        assert_eq!(
            uri,
            format!(
                "https://github.com/realip-lint/realip-lint/releases/download/{version}/kubectl-realip_lint-{version}-{os}-{arch}.tar.gz"
            )
        );
        let sha = str_at(p, &["sha256"]);
        assert!(is_sha256(sha), "sha256 {sha}");
        assert_ne!(sha, "0".repeat(64), "the release script fills the sha256 in");
        let bin = str_at(p, &["bin"]);
        assert_eq!(bin, format!("kubectl-{}", name.replace('-', "_")), "kubectl finds `kubectl {name}` as this file");
        assert!(BIN.ends_with(&format!("/{bin}")), "the binary cargo builds: {BIN}");
        let files = p.get("files").and_then(Node::as_seq).unwrap();
        let from: Vec<&str> = files
            .iter()
            .map(|f| {
                assert!(!str_at(f, &["to"]).is_empty());
                str_at(f, &["from"])
            })
            .collect();
        assert!(from.contains(&bin) && from.contains(&"LICENSE"), "{from:?}");
        seen.push((os.to_owned(), arch.to_owned()));
    }
    assert!(seen.contains(&("linux".to_owned(), "amd64".to_owned())), "{seen:?}");
    seen
}

#[test]
fn the_krew_manifest_has_what_krew_requires() {
    check_manifest(&repo().join("plugin/krew/realip-lint.yaml"));
}

#[test]
fn the_release_script_packs_the_binary_and_license_and_writes_the_sha256() {
    let repo = repo();
    let work = Dir::new("realip-release");
    let dist = work.path().join("dist");
    let krew = work.path().join("krew");
    std::fs::create_dir_all(&krew).unwrap();
    let manifest = krew.join("realip-lint.yaml");
    std::fs::copy(repo.join("plugin/krew/realip-lint.yaml"), &manifest).unwrap();
    let readme = work.path().join("README.md");
    std::fs::copy(repo.join("README.md"), &readme).unwrap();

    let release = |epoch: &str| {
        let out = Command::new("bash")
            .arg(repo.join("plugin/krew/release.sh"))
            .env("REALIP_RELEASE_BINARY", BIN)
            .env("REALIP_RELEASE_DIST", &dist)
            .env("REALIP_RELEASE_MANIFEST", &manifest)
            .env("REALIP_RELEASE_README", &readme)
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    };
    release("1700000000");

    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    let archive = dist.join(format!("kubectl-realip_lint-{version}-linux-amd64.tar.gz"));
    let list = Command::new("tar").arg("-tvzf").arg(&archive).output().unwrap();
    assert!(list.status.success());
    let listing = String::from_utf8(list.stdout).unwrap();
    let entries: Vec<(&str, &str)> = listing
        .lines()
        .map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            (fields[0], *fields.last().unwrap())
        })
        .collect();
    assert_eq!(entries, [("-rwxr-xr-x", "kubectl-realip_lint"), ("-rw-r--r--", "LICENSE")], "{listing}");
    assert!(listing.lines().all(|l| l.contains(" 0/0 ")), "owned by root, no user names: {listing}");

    let unpacked = work.path().join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    assert!(Command::new("tar").arg("-xzf").arg(&archive).arg("-C").arg(&unpacked).status().unwrap().success());
    assert_eq!(std::fs::read(unpacked.join("LICENSE")).unwrap(), std::fs::read(repo.join("LICENSE")).unwrap());
    let v = Command::new(unpacked.join("kubectl-realip_lint")).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&v.stdout).contains(env!("CARGO_PKG_VERSION")));

    // The manifest now carries the archive's sha256, and nothing else changed.
    check_manifest(&manifest);
    let sha = sha256(&archive);
    let (after, m) = manifest_at(&manifest);
    let platform = &m.get("spec").and_then(|s| s.get("platforms")).and_then(Node::as_seq).unwrap()[0];
    assert_eq!(str_at(platform, &["sha256"]), sha);
    let before = std::fs::read_to_string(repo.join("plugin/krew/realip-lint.yaml")).unwrap();
    let changed: Vec<(&str, &str)> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert!(changed.iter().all(|(a, _)| a.trim_start().starts_with("sha256:")), "{changed:?}");
    assert_eq!(std::fs::read_to_string(&readme).unwrap(), std::fs::read_to_string(repo.join("README.md")).unwrap());

    // The same binary and time give the same archive: the sha256 can be checked by anyone.
    release("1700000000");
    assert_eq!(sha256(&archive), sha);
}
