use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::{Model, Policy};
use crate::k8s::nodes::{self, Apart, EXCLUDE_LB};
use crate::k8s::object::WorkloadKind;

declare_rule! {
    /// ## What it does
    /// Flags a `LoadBalancer` Service with `externalTrafficPolicy: Local`, evidently announced by
    /// a bare-metal load balancer whose announcing DaemonSet is in the input (MetalLB's speaker,
    /// kube-vip), when that DaemonSet can run on none of the nodes the Service's pods may run on.
    /// The nodes are compared on the Node objects of the input (both sides' `nodeSelector`,
    /// required node affinity and tolerations against the Nodes' labels and taints); MetalLB's
    /// speaker also does nothing on Nodes labelled
    /// `node.kubernetes.io/exclude-from-external-load-balancers` (unless it runs with
    /// `--ignore-exclude-lb`). Without Node objects, only two `nodeSelector`s that ask for
    /// different values of one label settle it; anything else leaves the rule silent.
    ///
    /// ## Why is this bad?
    /// Under `Local`, the announcer announces the address only from a node that has a ready
    /// endpoint of the Service and runs the announcer itself (MetalLB elects or advertises among
    /// those nodes; kube-vip elects among the nodes with local endpoints). When the two sets of
    /// nodes never meet, the address is never announced where the pods are, and the Service is
    /// unreachable from outside.
    ///
    /// ## Example
    /// ```yaml
    /// kind: DaemonSet          # metallb-system/speaker
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeSelector: {node-role.example.com/edge: "true"}
    ///       containers: [{name: speaker, image: quay.io/metallb/speaker:v0.14.9}]
    /// ---
    /// kind: Deployment
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeSelector: {node-role.example.com/edge: "false"}
    /// ```
    ///
    /// Use instead: let the announcer run on the pods' nodes (its `nodeSelector`, affinity and
    /// tolerations), or schedule the pods onto nodes it runs on; remove
    /// `node.kubernetes.io/exclude-from-external-load-balancers` from the pods' nodes; or use
    /// `externalTrafficPolicy: Cluster` (which SNATs the client address).
    ///
    /// ## References
    /// - metallb/metallb `speaker/layer2_controller.go` (`ShouldAnnounce`, `speakersForAds`), `speaker/bgp_controller.go`, `internal/k8s/nodes/nodes.go` (`IsNodeExcludedFromBalancers`)
    /// - kube-vip/kube-vip `pkg/endpoints/endpoints_generic.go`
    /// - https://kubernetes.io/docs/reference/labels-annotations-taints/#node-kubernetes-io-exclude-from-external-load-balancers
    "lb-announcer-not-on-pod-nodes",
    Warning,
    "the load balancer's announcer cannot run on the nodes of a `Local` Service's pods",
    check,
    category: Availability,
    hops: [LoadBalancer],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for view in &model.services {
        if view.policy != Policy::Local || view.svc_type != "LoadBalancer" {
            continue;
        }
        let Some(provider) = view.lb.announced_by else { continue };
        let Some(recognise) = provider.announcer else { continue };
        let announcers: Vec<_> = model
            .workloads()
            .filter(|(_, _, w)| w.kind == WorkloadKind::DaemonSet)
            .filter_map(|(i, o, w)| Some((i, o, w, recognise(o, w)?)))
            .collect();
        if announcers.is_empty() {
            continue;
        }
        for &wi in &view.backends {
            let pods = &model.objects[wi];
            let Some(w) = pods.workload() else { continue };
            // Every announcer in the input must miss the pods' nodes.
            let Some(aparts) = announcers
                .iter()
                .map(|(_, _, d, a)| nodes::apart(model, w, d, a.skips_excluded_nodes))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let (_, daemon, _, _) = &announcers[0];
            let why = match &aparts[0] {
                Apart::Nodes { pod_nodes, excluded: 0 } => {
                    format!("none of the Nodes its pods may run on ({})", pod_nodes.join(", "))
                }
                Apart::Nodes { pod_nodes, excluded } => format!(
                    "none of the Nodes its pods may run on ({}) but {excluded} labelled `{EXCLUDE_LB}`, from which {} never announces",
                    pod_nodes.join(", "),
                    provider.title
                ),
                Apart::Selectors { key, pods, daemon } => {
                    format!("no node its pods may run on (its `nodeSelector` asks for `{key}: {daemon}`, the pods' for `{key}: {pods}`)")
                }
            };
            out.push(
                Finding::new(
                    view.policy_at.loc,
                    format!(
                        "{} has `externalTrafficPolicy: Local`, so {} announces its address only from a node with a local pod, but its announcer {} can run on {why}: the address is then never announced where the pods of {} are",
                        view.name,
                        provider.title,
                        daemon.display(),
                        pods.display()
                    ),
                    format!(
                        "let {} run on the pods' nodes (its nodeSelector, affinity and tolerations), or schedule the pods onto nodes it runs on; `externalTrafficPolicy: Cluster` also reaches them, but SNATs the client address",
                        daemon.display()
                    ),
                )
                .on(view.policy_at.obj)
                .related(daemon.name_loc(), "the announcer")
                .related(pods.name_loc(), "the Service's pods"),
            );
        }
    }
}
