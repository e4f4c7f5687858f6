//! `kubectl realip-lint --cluster` through the real kubectl, against a local HTTP server that
//! answers the API calls with recorded responses of a real cluster's shape
//! (`plugin/tests/data/cluster/README.md` says where the shape comes from). No API server can run here;
//! everything between the plugin and that server is the real kubectl: kubeconfig, contexts, the
//! context's namespace, discovery, resource names, list calls, and the `List` it prints.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};

use common::{Dir, json, plugin_path, repo, stderr, stdout};
use realip_lint_plugin::kubectl::ClusterArgs;

/// A fake API server on 127.0.0.1: the paths it was asked for, in order.
struct FakeApi {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
}

impl FakeApi {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                std::thread::spawn(move || serve(stream, &log));
            }
        });
        Self { port, requests }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// HTTP/1.1 with keep-alive, GET only: what kubectl sends.
fn serve(stream: TcpStream, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let target = request_line.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let mut body_len = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                body_len = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; body_len];
        let _ = reader.read_exact(&mut body);
        log.lock().unwrap().push(target.clone());
        let (status, body) = respond(&target);
        let head =
            format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len());
        if writer.write_all(head.as_bytes()).and_then(|()| writer.write_all(body.as_bytes())).is_err() {
            return;
        }
    }
}

/// The recorded response of a path: discovery documents, list calls (filtered by namespace
/// for `/namespaces/<ns>/` paths, as the API server does), and one object of a list by name.
fn respond(target: &str) -> (&'static str, String) {
    let path = target.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if let ["apis", _, _, "namespaces", ns, resource, name] = segments.as_slice() {
        let text = std::fs::read_to_string(repo().join(format!("plugin/tests/data/cluster/lists/{resource}.json")));
        let list: serde_json::Value = text.ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
        let found = list["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|i| i["metadata"]["namespace"] == *ns && i["metadata"]["name"] == *name);
        if let Some(item) = found {
            return ("200 OK", item.to_string());
        }
        return (
            "404 Not Found",
            format!(
                r#"{{"kind":"Status","apiVersion":"v1","metadata":{{}},"status":"Failure","message":"{resource} \"{name}\" not found","reason":"NotFound","code":404}}"#
            ),
        );
    }
    let (file, namespace) = match segments.as_slice() {
        ["version"] => ("discovery/version.json".to_owned(), None),
        ["api"] => ("discovery/api.json".to_owned(), None),
        ["apis"] => ("discovery/apis.json".to_owned(), None),
        ["api", version] => (format!("discovery/api-{version}.json"), None),
        ["apis", group, version] => (format!("discovery/apis-{group}-{version}.json"), None),
        ["api", _, resource] | ["apis", _, _, resource] => (format!("lists/{resource}.json"), None),
        ["api", _, "namespaces", ns, resource] | ["apis", _, _, "namespaces", ns, resource] => {
            (format!("lists/{resource}.json"), Some(*ns))
        }
        _ => (String::new(), None),
    };
    let text = if file.is_empty() {
        None
    } else {
        std::fs::read_to_string(repo().join("plugin/tests/data/cluster").join(&file)).ok()
    };
    let Some(text) = text else {
        return (
            "404 Not Found",
            r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}"#.to_owned(),
        );
    };
    let Some(ns) = namespace else { return ("200 OK", text) };
    let mut list: serde_json::Value = serde_json::from_str(&text).unwrap();
    list["items"].as_array_mut().unwrap().retain(|item| item["metadata"]["namespace"] == ns);
    ("200 OK", list.to_string())
}

/// A kubeconfig with the fake cluster (`kind-prod`, namespace `shop`) and one that refuses
/// connections (`gone`), `current` being the current context.
fn kubeconfig(dir: &Path, file: &str, port: u16, current: &str) -> String {
    let dead = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port(); // closed when dropped
    let text = format!(
        "apiVersion: v1
kind: Config
clusters:
  - name: kind-prod
    cluster: {{server: \"http://127.0.0.1:{port}\"}}
  - name: gone
    cluster: {{server: \"http://127.0.0.1:{dead}\"}}
users:
  - name: kind-prod
    user: {{}}
contexts:
  - name: kind-prod
    context: {{cluster: kind-prod, user: kind-prod, namespace: shop}}
  - name: gone
    context: {{cluster: gone, user: kind-prod}}
current-context: {current}
"
    );
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Run `kubectl <args>` with the plugin on PATH, this kubeconfig and a private HOME (kubectl's
/// discovery cache goes there).
fn kubectl(args: &[&str], path: &str, kubeconfig: &str, home: &Path) -> Output {
    common::kubectl()
        .args(args)
        .current_dir(repo())
        .env("PATH", path)
        .env("KUBECONFIG", kubeconfig)
        .env("HOME", home)
        .output()
        .expect("kubectl must be installed: the --cluster test runs the real kubectl")
}

fn findings(report: &serde_json::Value) -> BTreeSet<(String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let o = &d["object"];
            (
                d["rule"].as_str().unwrap().to_owned(),
                format!(
                    "{} {}/{}",
                    o["kind"].as_str().unwrap(),
                    o["namespace"].as_str().unwrap_or("-"),
                    o["name"].as_str().unwrap()
                ),
            )
        })
        .collect()
}

fn recorded_items() -> usize {
    std::fs::read_dir(repo().join("plugin/tests/data/cluster/lists"))
        .unwrap()
        .map(|e| {
            let list: serde_json::Value = serde_json::from_slice(&std::fs::read(e.unwrap().path()).unwrap()).unwrap();
            list["items"].as_array().unwrap().len()
        })
        .sum()
}

#[test]
fn the_whole_cluster_is_linted_with_node_facts_from_the_live_nodes() {
    let api = FakeApi::start();
    let home = Dir::new("realip-cluster-home");
    let kc = kubeconfig(home.path(), "config", api.port, "gone");
    let (_plugin, path) = plugin_path();

    let out =
        kubectl(&["realip-lint", "--cluster", "--context", "kind-prod", "-A", "-o", "json"], &path, &kc, home.path());
    assert_eq!(out.status.code(), Some(1), "an error finding: exit 1; stderr: {}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["objects"], recorded_items(), "every recorded object, List items expanded");
    let found = findings(&report);
    for expected in [
        ("ingress-controller-cluster-policy", "Service ingress-nginx/ingress-nginx-controller"),
        ("forwarded-headers-behind-l4", "ConfigMap ingress-nginx/ingress-nginx-controller"),
        ("hard-anti-affinity-replicas-exceed-nodes", "Deployment shop/web"),
    ] {
        assert!(found.contains(&(expected.0.to_owned(), expected.1.to_owned())), "{expected:?} in {found:?}");
    }
    // The Gateway's data plane, from the live GatewayClass, Gateway and EnvoyProxy: Envoy
    // Gateway's Service in `Cluster` mode, as the EnvoyProxy sets it.
    assert!(
        found
            .iter()
            .any(|(rule, object)| rule == "ingress-controller-cluster-policy" && object.contains("proxy-config")),
        "the Gateway's data plane: {found:?}"
    );
    assert!(
        !found.iter().any(
            |(rule, object)| rule == "hard-anti-affinity-replicas-exceed-nodes" && object.contains("ingress-nginx")
        ),
        "2 replicas fit the 3 eligible nodes: {found:?}"
    );
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert!(diagnostics.iter().all(|d| d["file"] == "<cluster kind-prod>"), "the source names the cluster");
    let anti = diagnostics.iter().find(|d| d["rule"] == "hard-anti-affinity-replicas-exceed-nodes").unwrap();
    assert!(
        anti["message"].as_str().unwrap().contains("3 eligible nodes (of 4 Node objects)"),
        "the tainted control-plane Node is not eligible: {}",
        anti["message"]
    );

    // The positions are those of what `kubectl get -o json` printed.
    let args = ClusterArgs { context: Some("kind-prod".into()), all_namespaces: true, ..ClusterArgs::default() };
    let discovery = args.api_resources_args();
    let served = kubectl(&discovery.iter().map(String::as_str).collect::<Vec<_>>(), &path, &kc, home.path());
    let get = args.get_args(&stdout(&served));
    let get: Vec<&str> = get.iter().map(String::as_str).collect();
    let printed = kubectl(&get, &path, &kc, home.path());
    assert!(printed.status.success(), "{}", stderr(&printed));
    let text = stdout(&printed);
    let policy = diagnostics.iter().find(|d| d["rule"] == "ingress-controller-cluster-policy").unwrap();
    let (start, end) = (common::index(&policy["start"]["offset"]), common::index(&policy["end"]["offset"]));
    assert_eq!(&text[start..end], "\"Cluster\"");
    let line = text.lines().nth(common::index(&policy["start"]["line"]) - 1).unwrap();
    assert_eq!(line.trim(), "\"externalTrafficPolicy\": \"Cluster\",");
    assert!(!text.contains("managedFields"), "kubectl leaves managedFields out, as it does for users");

    let requests = api.requests();
    for asked in [
        "/api/v1/services?limit=500",
        "/api/v1/nodes?limit=500",
        "/apis/apps/v1/deployments?limit=500",
        "/api/v1/configmaps?limit=500",
        // The Gateway API and Envoy Gateway's config kinds: the cluster serves them (discovery).
        "/apis/gateway.networking.k8s.io/v1/gateways?limit=500",
        "/apis/gateway.networking.k8s.io/v1/gatewayclasses?limit=500",
        "/apis/gateway.envoyproxy.io/v1alpha1/envoyproxies?limit=500",
    ] {
        assert!(requests.iter().any(|r| r == asked), "{asked} in {requests:?}");
    }

    // The human report names the cluster and, since it is no file, the object.
    let human =
        kubectl(&["realip-lint", "--cluster", "--context=kind-prod", "--all-namespaces"], &path, &kc, home.path());
    let text = stdout(&human);
    assert!(text.contains("<cluster kind-prod>:"), "{text}");
    assert!(text.contains("error: Deployment shop/web"), "{text}");
}

#[test]
fn the_namespace_comes_from_the_context_or_n_and_nodes_are_always_read() {
    let api = FakeApi::start();
    let home = Dir::new("realip-cluster-ns");
    let gone = kubeconfig(home.path(), "gone", api.port, "gone");
    let prod = kubeconfig(home.path(), "prod", api.port, "kind-prod");
    let (_plugin, path) = plugin_path();

    // --kubeconfig wins over KUBECONFIG, and the context's namespace (shop) applies.
    let out = kubectl(&["realip-lint", "--cluster", "--kubeconfig", &prod, "-o", "json"], &path, &gone, home.path());
    let report = json(&out);
    let found = findings(&report);
    assert!(
        found.contains(&("hard-anti-affinity-replicas-exceed-nodes".into(), "Deployment shop/web".into())),
        "{found:?}"
    );
    // Namespace shop, and what its Gateway's data plane depends on: the cluster-scoped
    // GatewayClass, and the EnvoyProxy it names in envoy-gateway-system, read by name.
    assert!(
        found.iter().all(|(_, o)| o.contains(" shop/") || o.contains("proxy-config")),
        "only namespace shop: {found:?}"
    );
    assert!(
        found.iter().any(|(rule, o)| rule == "ingress-controller-cluster-policy" && o.contains("proxy-config")),
        "the EnvoyProxy's Cluster policy, read from its namespace: {found:?}"
    );
    assert!(!found.iter().any(|(rule, _)| rule == "gateway-parameters-invalid"), "{found:?}");
    assert_eq!(report["summary"]["files"], 2, "the List, and the EnvoyProxy read by name");
    let requests = api.requests();
    assert!(
        requests
            .iter()
            .any(|r| r
                == "/apis/gateway.envoyproxy.io/v1alpha1/namespaces/envoy-gateway-system/envoyproxies/proxy-config"),
        "{requests:?}"
    );
    assert!(requests.iter().any(|r| r.starts_with("/api/v1/namespaces/shop/services")), "{requests:?}");
    assert!(requests.iter().any(|r| r.starts_with("/api/v1/nodes")), "Nodes are cluster-wide: {requests:?}");
    assert!(!requests.iter().any(|r| r.starts_with("/api/v1/services")), "not every namespace: {requests:?}");

    // -n picks another namespace.
    let out = kubectl(
        &["realip-lint", "--cluster", "--context", "kind-prod", "-n", "ingress-nginx", "-o", "json"],
        &path,
        &gone,
        home.path(),
    );
    let found = findings(&json(&out));
    assert!(found.contains(&(
        "ingress-controller-cluster-policy".into(),
        "Service ingress-nginx/ingress-nginx-controller".into()
    )));
    assert!(found.iter().all(|(_, o)| o.contains(" ingress-nginx/")), "{found:?}");
    assert!(api.requests().iter().any(|r| r.starts_with("/api/v1/namespaces/ingress-nginx/configmaps")));
}

#[test]
fn without_a_reachable_cluster_it_says_so_and_exits_2() {
    let api = FakeApi::start();
    let home = Dir::new("realip-cluster-gone");
    let kc = kubeconfig(home.path(), "config", api.port, "gone");
    let (plugin, path) = plugin_path();

    let out = kubectl(&["realip-lint", "--cluster", "-o", "json"], &path, &kc, home.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("error: cannot read the cluster (context gone) with `kubectl get "), "{err}");
    assert!(err.contains("refused"), "kubectl's own reason follows: {err}");
    assert_eq!(json(&out)["summary"]["files"], 0, "errors never go into the JSON");
    assert!(api.requests().is_empty());

    // No kubectl at all: the plugin alone on PATH.
    let out = std::process::Command::new(plugin.path().join("kubectl-realip_lint"))
        .args(["--cluster"])
        .env("PATH", plugin.path())
        .env("KUBECONFIG", &kc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("kubectl was not found on PATH"), "{}", stderr(&out));

    // kubectl's flags belong to --cluster; --cluster reads no files.
    for args in [
        &["realip-lint", "-f", "examples/", "-A"][..],
        &["realip-lint", "--cluster", "-f", "examples/"],
        &["realip-lint", "-f", "examples/", "--context", "x"],
    ] {
        let out = kubectl(args, &path, &kc, home.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}
