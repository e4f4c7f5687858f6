//! Inputs that come from kubectl itself: `kubectl kustomize DIR` (`-k`) and the live cluster through
//! `kubectl get -o json` (`--cluster`). Running the user's kubectl, rather than talking to the API
//! server ourselves, means kubeconfig, contexts, auth plugins, proxies and kustomize's version are
//! exactly those of `kubectl`.

use std::ffi::OsStr;
use std::process::{Command, Stdio};

use realip_lint_core::Source;

/// The kinds `--cluster` reads: every kind a rule looks at (see `k8s/load.rs` in the core), named
/// as `resource.group` so no short name or look-alike CRD can shadow them. Pods, ReplicaSets and
/// ReplicationControllers are left out on purpose: in a live cluster they are the children of the
/// workloads listed here, and linting them twice would repeat every finding.
pub const CLUSTER_KINDS: &[&str] = &[
    "services",
    "deployments.apps",
    "daemonsets.apps",
    "statefulsets.apps",
    "ingresses.networking.k8s.io",
    "ingressclasses.networking.k8s.io",
    "networkpolicies.networking.k8s.io",
    "configmaps",
    "horizontalpodautoscalers.autoscaling",
    "poddisruptionbudgets.policy",
    "nodes",
];

/// The kinds `--cluster` reads when the cluster serves them: the Gateway API's and the Gateway
/// implementations' config kinds, all CRDs, so that asking for one the cluster lacks does not fail
/// the whole read. (`resource.group`, group, kind); a test checks that it covers every kind the
/// core reads from its tree (`k8s::gateway::tree_kinds`).
pub const OPTIONAL_CLUSTER_KINDS: &[(&str, &str, &str)] = &[
    ("gatewayclasses.gateway.networking.k8s.io", "gateway.networking.k8s.io", "GatewayClass"),
    ("gateways.gateway.networking.k8s.io", "gateway.networking.k8s.io", "Gateway"),
    ("envoyproxies.gateway.envoyproxy.io", "gateway.envoyproxy.io", "EnvoyProxy"),
    ("clienttrafficpolicies.gateway.envoyproxy.io", "gateway.envoyproxy.io", "ClientTrafficPolicy"),
    ("nginxproxies.gateway.nginx.org", "gateway.nginx.org", "NginxProxy"),
    ("gatewayparameters.gateway.kgateway.dev", "gateway.kgateway.dev", "GatewayParameters"),
    ("listenerpolicies.gateway.kgateway.dev", "gateway.kgateway.dev", "ListenerPolicy"),
    ("httplistenerpolicies.gateway.kgateway.dev", "gateway.kgateway.dev", "HTTPListenerPolicy"),
    ("contourdeployments.projectcontour.io", "projectcontour.io", "ContourDeployment"),
    ("ciliumgatewayclassconfigs.cilium.io", "cilium.io", "CiliumGatewayClassConfig"),
];

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
        let served: std::collections::HashSet<&str> = served.lines().map(str::trim).collect();
        let kinds: Vec<&str> = CLUSTER_KINDS
            .iter()
            .copied()
            .chain(OPTIONAL_CLUSTER_KINDS.iter().map(|k| k.0).filter(|k| served.contains(k)))
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

/// `kubectl kustomize DIR`, as one source named `<kustomize DIR>`.
pub fn kustomize(dir: &str) -> Result<Source, String> {
    let ran = kubectl(["kustomize", dir])?;
    if !ran.ok {
        return Err(format!("`kubectl kustomize {dir}` failed ({}): {}", exit(ran.code), ran.stderr));
    }
    forward_warnings(&ran.stderr);
    Ok(Source::new(format!("<kustomize {dir}>"), ran.stdout))
}

/// The source name of a cluster read: `<cluster CONTEXT>`, or `<cluster>` when kubectl names no
/// current context.
pub fn cluster_name(context: Option<&str>) -> String {
    context.filter(|c| !c.is_empty()).map_or_else(|| "<cluster>".to_owned(), |c| format!("<cluster {c}>"))
}

/// The live objects, read with `kubectl get <kinds> -o json` (a `List`, which the core expands).
///
/// Gives the source read and the usage error for standard error, if any. Both come back when
/// kubectl printed objects but failed on some kind (RBAC, say): what was read is still linted.
pub fn cluster(args: &ClusterArgs) -> (Option<Source>, Option<String>) {
    let context = match &args.context {
        Some(c) => Some(c.clone()),
        None => {
            let mut current = vec!["config".to_owned(), "current-context".to_owned()];
            current.extend(args.connection_flags());
            match kubectl(&current) {
                Ok(ran) if ran.ok => Some(ran.stdout.trim().to_owned()),
                Ok(_) => None,
                Err(e) => return (None, Some(e)),
            }
        }
    };
    let name = cluster_name(context.as_deref());
    // Which CRD kinds the cluster serves. kubectl prints what it discovered even when a group's
    // discovery fails (and then exits 1), so its output is used whatever the exit; a cluster it
    // cannot reach at all fails the `get` below, which says so.
    let served = match kubectl(args.api_resources_args()) {
        Ok(ran) => ran.stdout,
        Err(e) => return (None, Some(e)),
    };
    let get = args.get_args(&served);
    let ran = match kubectl(&get) {
        Ok(r) => r,
        Err(e) => return (None, Some(e)),
    };
    let shown = format!("kubectl {}", get.join(" "));
    if ran.ok {
        forward_warnings(&ran.stderr);
        return (Some(Source::new(name, ran.stdout)), None);
    }
    let error = format!(
        "cannot read the cluster{} with `{shown}` ({}): {}",
        context.as_deref().map(|c| format!(" (context {c})")).unwrap_or_default(),
        exit(ran.code),
        if ran.stderr.is_empty() { "kubectl printed no error" } else { &ran.stderr }
    );
    let partial = ran.stdout.contains("\"items\"").then(|| Source::new(name, ran.stdout));
    (partial, Some(error))
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
        for (group, kind) in realip_lint_core::k8s::gateway::tree_kinds() {
            assert!(
                OPTIONAL_CLUSTER_KINDS.iter().any(|(_, g, k)| *g == group && *k == kind),
                "{kind}.{group} is read by the core but not by --cluster"
            );
        }
        for (resource, group, _) in OPTIONAL_CLUSTER_KINDS {
            assert!(resource.ends_with(&format!(".{group}")), "{resource}");
        }
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
