//! `migrate`: ingress-nginx (and Traefik, and F5 NGINX) → each Gateway implementation, from pairs under
//! `tests/data/migrate/<pair>/{old,new}`: snapshots of the human report and the JSON, the exit
//! code per `--fail-on`, the JSON contract, and the trace of a broken NEW side alone.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::{BIN, repo};

/// The pairs: folders of `tests/data/migrate`, and the README's worked example
/// (`examples/migrate`: what ingress2gateway makes of an allow-list behind an HTTP load balancer).
const PAIRS: &[&str] = &[
    "envoy-gateway-same",
    EXAMPLE,
    "envoy-gateway-proxy-broken",
    "nginx-gateway-fabric-same",
    "istio-cluster-lost",
    "traefik-forgeable",
    "kgateway-changed",
    "contour-proxy-broken",
    "traefik-envoy-gateway-same",
    "f5-nginx-same",
    "envoy-gateway-custom-header",
];

const EXAMPLE: &str = "examples/migrate";

fn data() -> PathBuf {
    repo().join("plugin/tests/data/migrate")
}

fn migrate(pair: &str, extra: &[&str]) -> Output {
    Command::new(BIN)
        .args(["migrate", "--before", &format!("{pair}/old"), "--after", &format!("{pair}/new")])
        .args(extra)
        .current_dir(if pair == EXAMPLE { repo() } else { data() })
        .output()
        .unwrap()
}

/// A snapshot's name for a pair.
fn name(pair: &str) -> &str {
    if pair == EXAMPLE { "example" } else { pair }
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json(pair: &str) -> serde_json::Value {
    serde_json::from_slice(&migrate(pair, &["-o", "json"]).stdout).unwrap()
}

/// The change of one compared fact of the only host.
fn change(v: &serde_json::Value, what: &str) -> String {
    let d = v["hosts"][0]["differences"].as_array().unwrap();
    d.iter().find(|d| d["what"] == what).unwrap()["change"].as_str().unwrap().to_owned()
}

#[test]
fn human_and_json_reports() {
    for pair in PAIRS {
        let human = migrate(pair, &[]);
        assert!(human.stderr.is_empty(), "{pair}: {}", String::from_utf8_lossy(&human.stderr));
        insta::assert_snapshot!(format!("{}-human", name(pair)), stdout(&human));
        insta::assert_snapshot!(format!("{}-json", name(pair)), stdout(&migrate(pair, &["-o", "json"])));
    }
}

#[test]
fn each_pair_says_what_its_migration_does() {
    // Behaviour kept: nothing lost, broken or newly forgeable.
    // ingress-nginx's `limit-rps` and NGINX Gateway Fabric's RateLimitPolicy both key on the client.
    assert_eq!(change(&json("nginx-gateway-fabric-same"), "rate-limit"), "same");
    for pair in ["envoy-gateway-same", "nginx-gateway-fabric-same"] {
        let v = json(pair);
        assert_eq!(change(&v, "client-address"), "same", "{pair}");
        assert_eq!(change(&v, "trust"), "same", "{pair}");
        assert_eq!(change(&v, "x-forwarded-for"), "same", "{pair}");
        assert_eq!(migrate(pair, &[]).status.code(), Some(0), "{pair}");
    }
    // ingress2gateway's SecurityPolicy without client IP detection: the allow-list sees the
    // load balancer, the per-client rate limit is gone, and the fix trusts the OLD CIDR.
    let v = json(EXAMPLE);
    assert_eq!(change(&v, "client-address"), "lost");
    assert_eq!(change(&v, "allow-list"), "lost");
    assert_eq!(change(&v, "rate-limit"), "lost");
    let d = &v["hosts"][0]["differences"][0];
    assert!(d["fix"].as_str().unwrap().contains("trustedCIDRs:\n        - 10.10.0.0/16"), "{d}");
    assert!(
        d["places"].as_array().unwrap().iter().any(|p| p["side"] == "before" && p["label"] == "`proxy-real-ip-cidr`")
    );
    // ingress-nginx's `forwarded-for-header`: the fix takes the same header, not X-Forwarded-For.
    let v = json("envoy-gateway-custom-header");
    assert_eq!(change(&v, "client-address"), "lost");
    let fix = v["hosts"][0]["differences"][0]["fix"].as_str().unwrap();
    assert!(fix.contains("customHeader:\n      name: CF-Connecting-IP"), "{fix}");
    assert!(!fix.contains("trustedCIDRs"), "{fix}");
    // PROXY from the load balancer, not parsed: an outage.
    let v = json("envoy-gateway-proxy-broken");
    assert_eq!(v["hosts"][0]["after"]["kind"], "broken");
    assert_eq!(change(&v, "client-address"), "broken");
    assert!(v["hosts"][0]["differences"][0]["fix"].as_str().unwrap().contains("proxyProtocol: {}"));
    assert_eq!(change(&json("istio-cluster-lost"), "client-address"), "lost");
    assert_eq!(change(&json("istio-cluster-lost"), "traffic-policy"), "changed");
    assert_eq!(change(&json("traefik-forgeable"), "client-address"), "newly-forgeable");
    // From Traefik: its Middlewares' allow-list and per-client rate limit become Envoy Gateway
    // policies that key on the same client address.
    let v = json("traefik-envoy-gateway-same");
    for what in ["client-address", "allow-list", "rate-limit"] {
        assert_eq!(change(&v, what), "same", "{what}");
    }
    assert_eq!(migrate("traefik-envoy-gateway-same", &[]).status.code(), Some(0));
    // From F5 NGINX: PROXY protocol on both sides, and both append to X-Forwarded-For.
    let v = json("f5-nginx-same");
    for what in ["client-address", "trust", "x-forwarded-for"] {
        assert_eq!(change(&v, what), "same", "{what}");
    }
    assert_eq!(v["hosts"][0]["before"]["kind"], "preserved-in-header");
    // ingress-nginx rewrote X-Forwarded-For; Envoy appends to it.
    let v = json("kgateway-changed");
    assert_eq!(change(&v, "client-address"), "changed");
    assert_eq!(change(&v, "x-forwarded-for"), "changed");
}

#[test]
fn the_readme_shows_the_real_output_of_the_example() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let out = migrate(EXAMPLE, &[]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    // The report is Markdown: the README quotes it as it is, between these markers.
    let open = "<!-- migrate-example -->\n````markdown\n";
    let start = readme.find(open).expect("the marker") + open.len();
    let end = readme[start..].find("````\n<!-- /migrate-example -->").expect("the end marker") + start;
    assert_eq!(&readme[start..end], report, "README.md's worked example is not the output of examples/migrate");
}

#[test]
fn the_exit_code_follows_fail_on() {
    let code = |pair: &str, extra: &[&str]| migrate(pair, extra).status.code();
    assert_eq!(code("envoy-gateway-proxy-broken", &[]), Some(1));
    assert_eq!(code("envoy-gateway-proxy-broken", &["--fail-on", "error"]), Some(1));
    assert_eq!(code("envoy-gateway-proxy-broken", &["--fail-on", "never"]), Some(0));
    assert_eq!(code("istio-cluster-lost", &[]), Some(1));
    assert_eq!(code("istio-cluster-lost", &["--fail-on", "error"]), Some(0));
    assert_eq!(code("traefik-forgeable", &[]), Some(1));
    assert_eq!(code("kgateway-changed", &[]), Some(0));
    assert_eq!(code("kgateway-changed", &["--fail-on", "info"]), Some(1));
    // A side that does not exist is a usage error.
    let out = Command::new(BIN)
        .args(["migrate", "--before", "nowhere", "--after", "kgateway-changed/new"])
        .current_dir(data())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere"));
    let both = Command::new(BIN).args(["migrate", "--before", "-", "--after", "-"]).output().unwrap();
    assert_eq!(both.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&both.stderr).contains("one side only"));
}

#[test]
fn json_has_the_documented_contract() {
    for pair in PAIRS {
        let v = json(pair);
        assert_eq!(v["version"], 1);
        for h in v["hosts"].as_array().unwrap() {
            assert!(h["host"].is_string() && h["port"].is_u64(), "{pair}");
            for side in ["before", "after"] {
                let kind = h[side]["kind"].as_str().unwrap();
                assert!(
                    ["preserved", "preserved-in-header", "lost", "forgeable", "unknown", "broken", "absent"]
                        .contains(&kind),
                    "{pair}: {kind}"
                );
            }
            for d in h["differences"].as_array().unwrap() {
                let mut keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
                keys.sort_unstable();
                let want: &[&str] = if d.get("fix").is_some() {
                    &["after", "before", "change", "fix", "places", "what"]
                } else {
                    &["after", "before", "change", "places", "what"]
                };
                assert_eq!(keys, want, "{pair}");
                assert!(
                    ["same", "changed", "lost", "newly-forgeable", "broken", "gained"]
                        .contains(&d["change"].as_str().unwrap())
                );
                for p in d["places"].as_array().unwrap() {
                    assert!(["before", "after"].contains(&p["side"].as_str().unwrap()));
                    assert!(p["file"].is_string() && p["start"]["line"].is_u64());
                }
            }
        }
    }
}

#[test]
fn the_new_side_traced_alone_says_broken_too() {
    let out = Command::new(BIN)
        .args(["trace", "-f", "envoy-gateway-proxy-broken/new", "-o", "json"])
        .current_dir(data())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = &v["entries"][0];
    assert_eq!(e["verdict"]["kind"], "broken", "{v}");
    assert_eq!(e["hosts"][0]["host"], "shop.example.com");
    let human =
        Command::new(BIN).args(["trace", "-f", "envoy-gateway-proxy-broken/new"]).current_dir(data()).output().unwrap();
    assert!(stdout(&human).contains("BROKEN"), "{}", stdout(&human));
    assert!(stdout(&human).contains("1 broken (connections fail)"));
}

#[test]
fn a_host_on_one_side_only() {
    let out = Command::new(BIN)
        .args(["migrate", "--before", "istio-cluster-lost/old", "--after", "envoy-gateway-same/new", "-o", "json"])
        .current_dir(data())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hosts"].as_array().unwrap().len(), 1, "the same host on both sides pairs up");
    let moved = Command::new(BIN)
        .args(["migrate", "--before", "istio-cluster-lost/old", "--after", "-", "-o", "json"])
        .current_dir(data())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            let stdin = child.stdin.as_mut().unwrap();
            let new = std::fs::read_to_string(data().join("envoy-gateway-same/new/gateway.yaml")).unwrap();
            stdin.write_all(new.replace("shop.example.com", "www.example.com").as_bytes()).unwrap();
            child.wait_with_output()
        })
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&moved.stdout).unwrap();
    let hosts = v["hosts"].as_array().unwrap();
    assert_eq!(hosts.len(), 2);
    let shop = hosts.iter().find(|h| h["host"] == "shop.example.com").unwrap();
    assert_eq!(shop["after"]["kind"], "absent");
    assert_eq!(shop["differences"][0]["change"], "lost");
    let www = hosts.iter().find(|h| h["host"] == "www.example.com").unwrap();
    assert_eq!(www["before"]["kind"], "absent");
    assert_eq!(www["differences"][0]["change"], "gained");
    assert_eq!(moved.status.code(), Some(1), "a host no longer served is lost");
}

#[test]
fn sarif_and_github_annotate_the_new_files() {
    for pair in PAIRS {
        let out = migrate(pair, &["-o", "sarif"]);
        let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors = common::sarif_errors(&log);
        assert!(errors.is_empty(), "{pair}: the SARIF log breaks the schema:\n{}", errors.join("\n"));
        // As many results as differences worse than `gained`, each located in NEW.
        let v = json(pair);
        let reported: Vec<&serde_json::Value> = v["hosts"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|h| h["differences"].as_array().unwrap())
            .filter(|d| !["same", "gained"].contains(&d["change"].as_str().unwrap()))
            .collect();
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), reported.len(), "{pair}");
        for r in results {
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
            assert!(uri.contains("/new/"), "{pair}: {uri}");
        }
        assert_eq!(out.status.code(), migrate(pair, &[]).status.code(), "{pair}: the same exit code in every format");
    }
    let log: serde_json::Value =
        serde_json::from_slice(&migrate("envoy-gateway-proxy-broken", &["-o", "sarif"]).stdout).unwrap();
    let broken = &log["runs"][0]["results"][0];
    assert_eq!(broken["ruleId"], "migrate-broken");
    assert_eq!(broken["level"], "error");
    assert_eq!(broken["locations"][0]["physicalLocation"]["region"]["startLine"], 27);
    let gh = stdout(&migrate("envoy-gateway-proxy-broken", &["-o", "github"]));
    let first = gh.lines().next().unwrap();
    assert!(
        first.starts_with(
            "::error file=envoy-gateway-proxy-broken/new/gateway.yaml,line=27,col=1,endLine=27,endColumn=5,title=migrate-broken::shop.example.com:80 client-address broken:"
        ),
        "{first}"
    );
    assert!(first.contains("%0Afix:%0A# the load balancer sends PROXY protocol"), "{first}");
    assert!(gh.ends_with("1 host: 1 broken, 0 lost, 0 newly forgeable, 3 changed, 0 gained\n"), "{gh}");
    // `changed` is a notice, a lost address a warning.
    let gh = stdout(&migrate("istio-cluster-lost", &["-o", "github"]));
    assert!(gh.lines().any(|l| l.starts_with("::warning file=istio-cluster-lost/new/gateway.yaml,line=8,")), "{gh}");
    assert!(gh.lines().any(|l| l.starts_with("::notice ") && l.contains("traffic-policy changed")), "{gh}");
}

#[test]
fn a_side_can_be_a_kustomization() {
    // `--before-kustomize` renders with `kubectl kustomize`, as `-k` does, and its places move
    // back to the files that wrote them: the very report the files themselves give.
    let out = Command::new(BIN)
        .args([
            "migrate",
            "--before-kustomize",
            "istio-cluster-lost/old",
            "--after",
            "istio-cluster-lost/new",
            "-o",
            "json",
        ])
        .current_dir(data())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, json("istio-cluster-lost"));
}

#[test]
fn the_wasm_module_reports_what_the_binary_does() {
    // The module's `migrate()` (through Node, over the committed `wasm/pkg/node`) and the binary:
    // the same JSON, the same human report, the same exit code.
    for output in ["json", "human"] {
        let cli = migrate(EXAMPLE, &["-o", output]);
        let script = format!(
            "const w = require('./wasm/pkg/node/realip_lint_wasm.js'); const fs = require('fs');
             const f = (p) => ({{name: p, text: fs.readFileSync(p, 'utf8')}});
             const r = w.migrate({{before: [f('examples/migrate/old/ingress-nginx.yaml')], after: [f('examples/migrate/new/gateway.yaml')], output: '{output}'}});
             process.stdout.write(r.output); process.exitCode = r.exitCode;"
        );
        let node = Command::new("node").args(["-e", &script]).current_dir(repo()).output().unwrap();
        assert_eq!(stdout(&node), stdout(&cli), "{output}: {}", String::from_utf8_lossy(&node.stderr));
        assert_eq!(node.status.code(), cli.status.code());
    }
}
