use super::declare_rule;
use crate::diagnostic::Finding;
use crate::fix::{Applicability, Fix, Value};
use crate::k8s::model::Model;
use crate::k8s::nodes::eligible;
use crate::k8s::object::{Workload, WorkloadKind};
use crate::k8s::rollout::{self, Strategy, daemon_set_fenceposts};
use crate::k8s::spread::{self, OnePerNodeKind};

declare_rule! {
    /// ## What it does
    /// Flags a DaemonSet whose pods hold a host port (an explicit `hostPort`, or `hostNetwork:
    /// true` with declared container ports, which API defaulting turns into host ports), or a
    /// required pod anti-affinity on `kubernetes.io/hostname` that matches its own pods of every
    /// revision, and whose rolling update surges: `maxSurge` resolves to more than 0.
    ///
    /// DaemonSet percentages round up against the number of nodes that run the pod, so any
    /// non-zero `maxSurge` surges on at least one node. The API server accepts a surge only with
    /// `maxUnavailable: 0` written beside it; a `maxSurge` it rejects is
    /// `rolling-update-invalid`'s finding instead.
    ///
    /// ## Why is this bad?
    /// A surging DaemonSet starts the new pod on a node while the old one still runs there, and
    /// removes the old pod only once the new one is ready. The new pod needs the same host port
    /// on the same node, so the scheduler never places it (`didn't have free ports for the
    /// requested pod ports`): the update stalls on the first nodes and the old version keeps
    /// running everywhere.
    ///
    /// ## Example
    /// ```yaml
    /// kind: DaemonSet
    /// spec:
    ///   updateStrategy:
    ///     rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: proxy
    ///           ports: [{containerPort: 443, hostPort: 443}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   updateStrategy:
    ///     type: RollingUpdate
    ///     rollingUpdate: {maxSurge: 0, maxUnavailable: 1}   # the old pod goes first and frees the port
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/
    /// - https://kubernetes.io/docs/concepts/configuration/overview/
    "host-port-rollout-conflict",
    Error,
    "a surging DaemonSet whose pods need a host port: the surge pod never starts",
    check,
    category: Availability,
    fix: [Unsafe],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (wi, obj, w) in model.workloads() {
        if w.kind != WorkloadKind::DaemonSet {
            continue;
        }
        let Some(ds) = &w.daemon_set else { continue };
        let s = spread::analyse(obj, w);
        // A host port, or the DaemonSet's own required hostname anti-affinity across revisions:
        // either way the surge pod cannot join the old pod on its node.
        let Some(port) = s.host_port.or(s.blocks_surge) else { continue };
        let Strategy::Rolling { max_surge, max_unavailable } = rollout::daemon_set_strategy(obj, wi, ds) else {
            continue;
        };
        let (surge, unavailable) = (max_surge.bound(), max_unavailable.bound());
        // Only what the API server accepts: exactly one non-zero, each valid.
        if surge.is_zero()
            || !unavailable.is_zero()
            || surge.invalid().is_some()
            || unavailable.invalid().is_some()
            || surge.over_100_percent()
            || unavailable.over_100_percent()
        {
            continue;
        }
        let e = eligible(model, w, false);
        let (arithmetic, nodes) = match e {
            Some(e) if e.count > 0 => {
                let Some(f) = daemon_set_fenceposts(surge, unavailable, e.count) else { continue };
                (
                    format!(
                        " on {}, with {} and {}",
                        e.describe(),
                        max_surge.describe_resolved(f.surge),
                        max_unavailable.describe_resolved(f.unavailable)
                    ),
                    if f.surge == 1 { "the first node".to_owned() } else { format!("the first {} nodes", f.surge) },
                )
            }
            Some(_) => continue,
            None => {
                let at_least = if surge.is_percent() { " (at least 1 node)" } else { "" };
                (
                    format!(", with {}{at_least} and {}", max_surge.describe(), max_unavailable.describe()),
                    "the first nodes".to_owned(),
                )
            }
        };
        let needs = match port.kind {
            OnePerNodeKind::HostPort => {
                first_host_port(w).map_or_else(|| "a host port".to_owned(), |p| format!("host port {p}"))
            }
            OnePerNodeKind::AntiAffinity => {
                "a node without another of their pods (their required pod anti-affinity on kubernetes.io/hostname also matches the old revision)".to_owned()
            }
            OnePerNodeKind::HostNetwork => first_declared_port(w).map_or_else(
                || "the host ports of hostNetwork".to_owned(),
                |p| format!("host port {p} (hostNetwork with a declared containerPort)"),
            ),
        };
        out.push(
            Finding::new(
                max_surge.loc(),
                format!(
                    "{} surges on rolling updates{arithmetic}, but its pods need {needs}: the new pod cannot start beside the old one on the same node, so the update stalls on {nodes} it reaches",
                    obj.display()
                ),
                "let the old pod go first: `updateStrategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}`",
            )
            .on(wi)
            .fix(Some(Fix::new("let the old pod go first: `maxSurge: 0`, `maxUnavailable: 1`", Applicability::Unsafe).merge(
                wi,
                &["spec", "updateStrategy", "rollingUpdate"],
                vec![("maxSurge".into(), Value::Int(0)), ("maxUnavailable".into(), Value::Int(1))],
            )))
            .related(
                port.loc,
                if port.kind == OnePerNodeKind::AntiAffinity {
                    "the old pod on the node excludes the surge pod"
                } else {
                    "the surge pod needs this port too, on the same node"
                },
            ),
        );
    }
}

fn first_host_port(w: &Workload) -> Option<i32> {
    w.pod.containers.iter().flat_map(|c| c.ports.iter().flatten()).find_map(|p| p.host_port.filter(|h| *h > 0))
}

fn first_declared_port(w: &Workload) -> Option<i32> {
    w.pod.containers.iter().flat_map(|c| c.ports.iter().flatten()).map(|p| p.container_port).next()
}
