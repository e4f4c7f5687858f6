//! Inputs that come from kubectl itself: `kubectl kustomize DIR` (`-k`) and the live cluster through
//! `kubectl get -o json` (`--cluster`). Running the user's kubectl, rather than talking to the API
//! server ourselves, means kubeconfig, contexts, auth plugins, proxies and kustomize's version are
//! exactly those of `kubectl`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use realip_lint_core::Source;

/// The kinds `--cluster` reads when the cluster serves them: the Gateway API's, the Gateway
/// implementations' and the load-balancer providers' config kinds, all CRDs, so that asking for one the cluster lacks does not fail
/// the whole read. (`resource.group`, group, kind), built from the core's registry
/// (`implementations::gateway_api::cluster_kinds`), so a new implementation's config kinds are
/// read without an edit here.
pub static OPTIONAL_CLUSTER_KINDS: std::sync::LazyLock<Vec<(String, &str, &str)>> = std::sync::LazyLock::new(|| {
    realip_lint_core::implementations::gateway_api::cluster_kinds()
        .map(|(group, kind, plural)| (format!("{plural}.{group}"), group, kind))
        .collect()
});

/// What `--cluster` passes on to `kubectl get`.
#[derive(Debug, Default, Clone)]
pub struct ClusterArgs {
    pub context: Option<String>,
    pub kubeconfig: Option<String>,
    pub namespace: Option<String>,
    pub all_namespaces: bool,
}

impl ClusterArgs {
    /// The flags every kubectl call of this run gets.
    fn connection_flags(&self) -> Vec<String> {
        let mut flags = Vec::new();
        if let Some(k) = &self.kubeconfig {
            flags.push(format!("--kubeconfig={k}"));
        }
        if let Some(c) = &self.context {
            flags.push(format!("--context={c}"));
        }
        flags
    }

    /// The arguments of `kubectl api-resources` that say which optional kinds the cluster serves.
    pub fn api_resources_args(&self) -> Vec<String> {
        let mut args = vec!["api-resources".to_owned(), "--verbs=list".to_owned(), "-o".to_owned(), "name".to_owned()];
        args.extend(self.connection_flags());
        args
    }

    /// The arguments of the `kubectl get` that reads the cluster: the kinds every cluster has,
    /// and those of `served` (the cluster's `api-resources -o name`) among the optional ones.
    pub fn get_args(&self, served: &str) -> Vec<String> {
        let served = served_set(served);
        // Every typed kind a rule looks at (`k8s::kinds` in the core), then the optional ones.
        let kinds: Vec<&str> = realip_lint_core::k8s::kinds::cluster_kinds()
            .chain(OPTIONAL_CLUSTER_KINDS.iter().map(|k| k.0.as_str()).filter(|k| served.contains(k)))
            .collect();
        let mut args = vec!["get".to_owned(), kinds.join(","), "-o".to_owned(), "json".to_owned()];
        args.extend(self.connection_flags());
        if let Some(ns) = &self.namespace {
            args.push(format!("--namespace={ns}"));
        }
        if self.all_namespaces {
            args.push("--all-namespaces".to_owned());
        }
        args
    }
}

/// What one kubectl run gave.
struct Ran {
    ok: bool,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn kubectl<I, S>(args: I) -> Result<Ran, String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    // Standard input stays the user's: an exec credential plugin may need to prompt.
    let out = Command::new("kubectl").args(args).stdin(Stdio::inherit()).output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            "kubectl was not found on PATH: -k and --cluster run kubectl (https://kubernetes.io/docs/tasks/tools/)"
                .to_owned()
        } else {
            format!("cannot run kubectl: {e}")
        }
    })?;
    Ok(Ran {
        ok: out.status.success(),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: tidy(&String::from_utf8_lossy(&out.stderr)),
    })
}

/// kubectl's error text without klog's header: `E1125 10:06:29.795550  438 run.go:72] "command
/// failed" err="accumulating resources: …"` becomes `accumulating resources: …`.
pub fn tidy(stderr: &str) -> String {
    let lines: Vec<String> = stderr
        .trim_end()
        .lines()
        .map(|line| {
            let body = klog_body(line).unwrap_or(line);
            body.strip_prefix("\"command failed\" err=\"")
                .and_then(|rest| rest.strip_suffix('"'))
                .map_or_else(|| body.to_owned(), |err| err.replace("\\\"", "\"").replace("\\\\", "\\"))
        })
        .collect();
    lines.join("\n")
}

/// The text after a klog header (`Lmmdd hh:mm:ss.uuuuuu threadid file:line] `), if the line has one.
fn klog_body(line: &str) -> Option<&str> {
    let mut chars = line.chars();
    if !matches!(chars.next(), Some('E' | 'W' | 'I' | 'F')) || !line.get(1..5)?.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (_, body) = line.split_once("] ")?;
    Some(body)
}

fn exit(code: Option<i32>) -> String {
    code.map_or_else(|| "killed by a signal".to_owned(), |c| format!("exit {c}"))
}

/// A kustomization rendered: the stream that is linted, and the same render with kustomize's
/// origin and transformer annotations, which say which file wrote each object and field.
pub struct Kustomized {
    pub source: Source,
    /// The annotated render and the folder its annotations' paths are relative to; `None`
    /// where kustomize could not annotate it (findings then stay on the stream).
    pub annotated: Option<(String, PathBuf)>,
}

/// `kubectl kustomize DIR`, as one source named `<kustomize DIR>`, and its annotated twin: the
/// user's folder wrapped, unchanged, as the only resource of a throw-away Kustomization that asks
/// for `buildMetadata: [originAnnotations, transformerAnnotations]` (nothing is written near the
/// user's files).
pub fn kustomize(dir: &str) -> Result<Kustomized, String> {
    let ran = kubectl(["kustomize", dir])?;
    if !ran.ok {
        return Err(format!("`kubectl kustomize {dir}` failed ({}): {}", exit(ran.code), ran.stderr));
    }
    forward_warnings(&ran.stderr);
    let source = Source::new(format!("<kustomize {dir}>"), ran.stdout);
    Ok(Kustomized { source, annotated: annotated_render(Path::new(dir)) })
}

fn annotated_render(dir: &Path) -> Option<(String, PathBuf)> {
    let target = std::fs::canonicalize(dir).ok()?;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
    let wrapper = std::fs::canonicalize(std::env::temp_dir())
        .ok()?
        .join(format!("realip-lint-origins-{}-{nanos}", std::process::id()));
    std::fs::create_dir(&wrapper).ok()?;
    // kustomize takes a relative path to a folder outside the root (an absolute one it refuses).
    let up = "../".repeat(wrapper.components().count().saturating_sub(1));
    let resource = format!("{up}{}", target.strip_prefix("/").unwrap_or(&target).display());
    let kustomization = format!(
        "resources:\n- {}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n",
        serde_json::Value::String(resource)
    );
    let rendered = std::fs::write(wrapper.join("kustomization.yaml"), kustomization)
        .ok()
        .and_then(|()| kubectl([OsStr::new("kustomize"), wrapper.as_os_str()]).ok());
    let _ = std::fs::remove_dir_all(&wrapper);
    rendered.filter(|r| r.ok).map(|r| (r.stdout, wrapper))
}

/// `base/../x` → `x`, without touching the disk (the wrapper folder is gone by then).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Reads a file an annotation names (relative to `base`): its name as the user would write it
/// (relative to the working directory when below it) and its text.
pub fn origin_reader(base: &Path, cwd: &Path) -> impl FnMut(&str) -> Option<(String, String)> + use<> {
    let (base, cwd) = (base.to_path_buf(), std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf()));
    move |rel: &str| {
        let path = lexical(&base.join(rel));
        let text = std::fs::read_to_string(&path).ok()?;
        let name = path.strip_prefix(&cwd).map_or_else(|_| path.display().to_string(), |p| p.display().to_string());
        Some((name, text))
    }
}

/// The source name of a cluster read: `<cluster CONTEXT>`, or `<cluster>` when kubectl names no
/// current context.
pub fn cluster_name(context: Option<&str>) -> String {
    cluster_stream(context, "")
}

/// `<cluster CONTEXT DETAIL>`, leaving out the parts that are empty.
fn cluster_stream(context: Option<&str>, detail: &str) -> String {
    let mut name = "<cluster".to_owned();
    for part in [context.unwrap_or_default(), detail].into_iter().filter(|p| !p.is_empty()) {
        name.push(' ');
        name.push_str(part);
    }
    name.push('>');
    name
}

/// The kinds a cluster serves, from `kubectl api-resources -o name`.
fn served_set(served: &str) -> std::collections::HashSet<&str> {
    served.lines().map(str::trim).collect()
}

/// The live objects, read with `kubectl get <kinds> -o json` (a `List`, which the core expands).
///
/// Gives the sources read and the usage errors for standard error. Both come back when kubectl
/// printed objects but failed on some kind (RBAC, say): what was read is still linted. A read
/// limited to a namespace also gets, one `kubectl get` each, the config objects its GatewayClasses
/// name in other namespaces (Envoy Gateway's EnvoyProxy in `envoy-gateway-system`).
pub fn cluster(args: &ClusterArgs) -> (Vec<Source>, Vec<String>) {
    let ListRead { context, served, source, error } = match cluster_list(args) {
        Ok(read) => read,
        Err(e) => return (Vec::new(), vec![e]),
    };
    let mut sources = Vec::new();
    let mut errors: Vec<String> = error.into_iter().collect();
    if let Some(source) = source {
        let elsewhere = if args.all_namespaces { Vec::new() } else { referenced_elsewhere(&source.text, &served) };
        sources.push(source);
        for r in elsewhere {
            let mut get =
                vec!["get".to_owned(), r.resource.to_owned(), r.name.clone(), format!("--namespace={}", r.namespace)];
            get.extend(["-o".to_owned(), "json".to_owned()]);
            get.extend(args.connection_flags());
            match kubectl(&get) {
                Ok(ran) if ran.ok => {
                    forward_warnings(&ran.stderr);
                    let name = cluster_stream(context.as_deref(), &format!("{} {}/{}", r.kind, r.namespace, r.name));
                    sources.push(Source::new(name, ran.stdout));
                }
                Ok(ran) => errors.push(format!(
                    "cannot read the {} {}/{} a GatewayClass names, with `kubectl {}` ({}): {}",
                    r.kind,
                    r.namespace,
                    r.name,
                    get.join(" "),
                    exit(ran.code),
                    ran.stderr
                )),
                Err(e) => errors.push(e),
            }
        }
    }
    (sources, errors)
}

/// A config object a GatewayClass names (`spec.parametersRef`) that the read did not return.
#[derive(Debug, PartialEq, Eq)]
pub struct Elsewhere {
    pub resource: &'static str,
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

/// The GatewayClasses' `parametersRef`s, in a `kubectl get -o json` List, to objects of a kind the
/// cluster serves (`served`: `api-resources -o name`) and the List does not hold.
pub fn referenced_elsewhere(list: &str, served: &str) -> Vec<Elsewhere> {
    let Ok(list) = serde_json::from_str::<serde_json::Value>(list) else { return Vec::new() };
    let Some(items) = list["items"].as_array() else { return Vec::new() };
    let served = served_set(served);
    let held = |kind: &str, namespace: &str, name: &str| {
        items
            .iter()
            .any(|i| i["kind"] == kind && i["metadata"]["namespace"] == namespace && i["metadata"]["name"] == name)
    };
    let mut found: Vec<Elsewhere> = Vec::new();
    for class in items.iter().filter(|i| i["kind"] == "GatewayClass") {
        let r = &class["spec"]["parametersRef"];
        let (Some(group), Some(kind), Some(name), Some(namespace)) =
            (r["group"].as_str(), r["kind"].as_str(), r["name"].as_str(), r["namespace"].as_str())
        else {
            continue;
        };
        let Some((resource, ..)) = OPTIONAL_CLUSTER_KINDS
            .iter()
            .find(|(res, g, k)| *g == group && *k == kind && served.contains(res.as_str()))
        else {
            continue;
        };
        let wanted = Elsewhere {
            resource: resource.as_str(),
            kind: kind.to_owned(),
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        };
        if !held(kind, namespace, name) && !found.contains(&wanted) {
            found.push(wanted);
        }
    }
    found
}

/// What the main read of a cluster gave.
struct ListRead {
    /// The current context, if kubectl names one.
    context: Option<String>,
    /// `kubectl api-resources -o name`: the kinds the cluster serves.
    served: String,
    /// The `kubectl get` List, and the error met reading it, if any.
    source: Option<Source>,
    error: Option<String>,
}

fn cluster_list(args: &ClusterArgs) -> Result<ListRead, String> {
    let context = match &args.context {
        Some(c) => Some(c.clone()),
        None => {
            let mut current = vec!["config".to_owned(), "current-context".to_owned()];
            current.extend(args.connection_flags());
            match kubectl(&current) {
                Ok(ran) if ran.ok => Some(ran.stdout.trim().to_owned()),
                Ok(_) => None,
                Err(e) => return Err(e),
            }
        }
    };
    let name = cluster_name(context.as_deref());
    // Which CRD kinds the cluster serves. kubectl prints what it discovered even when a group's
    // discovery fails (and then exits 1), so its output is used whatever the exit; a cluster it
    // cannot reach at all fails the `get` below, which says so.
    let served = kubectl(args.api_resources_args())?.stdout;
    let get = args.get_args(&served);
    let ran = kubectl(&get)?;
    let shown = format!("kubectl {}", get.join(" "));
    if ran.ok {
        forward_warnings(&ran.stderr);
        return Ok(ListRead { context, served, source: Some(Source::new(name, ran.stdout)), error: None });
    }
    let error = format!(
        "cannot read the cluster{} with `{shown}` ({}): {}",
        context.as_deref().map(|c| format!(" (context {c})")).unwrap_or_default(),
        exit(ran.code),
        if ran.stderr.is_empty() { "kubectl printed no error" } else { &ran.stderr }
    );
    let partial = ran.stdout.contains("\"items\"").then(|| Source::new(name, ran.stdout));
    Ok(ListRead { context, served, source: partial, error: Some(error) })
}

/// kubectl's own warnings (deprecations, say) still reach the user on success.
fn forward_warnings(stderr: &str) {
    if !stderr.is_empty() {
        eprintln!("{stderr}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_passes_kubectl_flags_through() {
        let args = ClusterArgs {
            context: Some("kind-prod".into()),
            kubeconfig: Some("/tmp/kc".into()),
            namespace: Some("shop".into()),
            all_namespaces: true,
        };
        let get = args.get_args("gateways.gateway.networking.k8s.io\nfoos.example.com\n");
        assert_eq!(get[0], "get");
        assert!(get[1].split(',').any(|k| k == "gateways.gateway.networking.k8s.io"), "served: {get:?}");
        assert!(!get[1].split(',').any(|k| k == "gatewayclasses.gateway.networking.k8s.io"), "not served: {get:?}");
        assert!(!get[1].contains("foos"), "only kinds a rule reads: {get:?}");
        assert!(get[1].split(',').any(|k| k == "nodes") && get[1].split(',').any(|k| k == "services"));
        assert_eq!(&get[2..4], ["-o", "json"]);
        for flag in ["--kubeconfig=/tmp/kc", "--context=kind-prod", "--namespace=shop", "--all-namespaces"] {
            assert!(get.iter().any(|a| a == flag), "{flag} in {get:?}");
        }
        assert_eq!(cluster_name(Some("kind-prod")), "<cluster kind-prod>");
        assert_eq!(cluster_name(Some("")), "<cluster>");
        assert_eq!(cluster_name(None), "<cluster>");
    }

    #[test]
    fn every_kind_the_core_reads_from_its_tree_is_asked_for_when_served() {
        for (group, kind) in realip_lint_core::implementations::gateway_api::tree_kinds() {
            assert!(
                OPTIONAL_CLUSTER_KINDS.iter().any(|(_, g, k)| *g == group && *k == kind),
                "{kind}.{group} is read by the core but not by --cluster"
            );
        }
        // The resource names kubectl knows them by: lowercase plurals, in the order of the
        // Gateway API's kinds then the registry's (the order of `kubectl get`'s output).
        let resources: Vec<&str> = OPTIONAL_CLUSTER_KINDS.iter().map(|k| k.0.as_str()).collect();
        assert_eq!(
            resources,
            [
                "gatewayclasses.gateway.networking.k8s.io",
                "gateways.gateway.networking.k8s.io",
                "httproutes.gateway.networking.k8s.io",
                "grpcroutes.gateway.networking.k8s.io",
                "tlsroutes.gateway.networking.k8s.io",
                "tcproutes.gateway.networking.k8s.io",
                "udproutes.gateway.networking.k8s.io",
                "middlewares.traefik.io",
                "middlewares.traefik.containo.us",
                "ingressroutes.traefik.io",
                "ingressroutes.traefik.containo.us",
                "dataplanes.gateway-operator.konghq.com",
                "gatewayconfigurations.gateway-operator.konghq.com",
                "kongplugins.configuration.konghq.com",
                "kongclusterplugins.configuration.konghq.com",
                "envoyfilters.networking.istio.io",
                "authorizationpolicies.security.istio.io",
                "envoyproxies.gateway.envoyproxy.io",
                "clienttrafficpolicies.gateway.envoyproxy.io",
                "securitypolicies.gateway.envoyproxy.io",
                "backendtrafficpolicies.gateway.envoyproxy.io",
                "nginxproxies.gateway.nginx.org",
                "ratelimitpolicies.gateway.nginx.org",
                "gatewayparameters.gateway.kgateway.dev",
                "listenerpolicies.gateway.kgateway.dev",
                "httplistenerpolicies.gateway.kgateway.dev",
                "trafficpolicies.gateway.kgateway.dev",
                "contourdeployments.projectcontour.io",
                "httpproxies.projectcontour.io",
                "ciliumgatewayclassconfigs.cilium.io",
                "gateways.gateway.kubesphere.io",
                "ipaddresspools.metallb.io",
                "l2advertisements.metallb.io",
                "bgpadvertisements.metallb.io",
            ]
        );
    }

    #[test]
    fn a_gateway_class_parameters_in_another_namespace_are_read_by_name() {
        let list = r#"{"kind": "List", "items": [
            {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": {"name": "eg"},
             "spec": {"parametersRef": {"group": "gateway.envoyproxy.io", "kind": "EnvoyProxy", "name": "p", "namespace": "eg-system"}}},
            {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": {"name": "held"},
             "spec": {"parametersRef": {"group": "gateway.envoyproxy.io", "kind": "EnvoyProxy", "name": "q", "namespace": "shop"}}},
            {"apiVersion": "gateway.envoyproxy.io/v1alpha1", "kind": "EnvoyProxy", "metadata": {"name": "q", "namespace": "shop"}},
            {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": {"name": "cm"},
             "spec": {"parametersRef": {"group": "", "kind": "ConfigMap", "name": "c", "namespace": "x"}}}
        ]}"#;
        let served = "envoyproxies.gateway.envoyproxy.io\n";
        assert_eq!(
            referenced_elsewhere(list, served),
            [Elsewhere {
                resource: "envoyproxies.gateway.envoyproxy.io",
                kind: "EnvoyProxy".into(),
                namespace: "eg-system".into(),
                name: "p".into()
            }]
        );
        assert!(referenced_elsewhere(list, "").is_empty(), "a kind the cluster does not serve is not asked for");
        assert!(referenced_elsewhere("not json", served).is_empty());
    }

    #[test]
    fn klog_headers_are_dropped_from_kubectl_errors() {
        let raw = "E1125 10:06:29.795550     438 run.go:72] \"command failed\" err=\"accumulating resources: 'x': \\\"quoted\\\"\"\n";
        assert_eq!(tidy(raw), "accumulating resources: 'x': \"quoted\"");
        let plain = "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n";
        assert_eq!(tidy(plain), plain.trim_end());
        assert_eq!(tidy("Error from server (Forbidden): x"), "Error from server (Forbidden): x");
    }
}
