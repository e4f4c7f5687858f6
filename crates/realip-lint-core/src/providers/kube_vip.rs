//! kube-vip: its service load balancer (`kube-vip.io/*`, kube-vip/kube-vip `pkg/services/processor.go`).

use super::{Announcer, DefaultLb, LbFacts, LbInput, LbProvider, NoteKind, images};
use crate::diagnostic::Severity;
use crate::k8s::object::{Object, Workload};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "kube-vip",
    title: "kube-vip",
    annotation_prefixes: &["kube-vip.io/"],
    facts,
    // It announces the address (ARP or BGP); the connection reaches the node unchanged.
    default_lb: DefaultLb::Passthrough,
    source: "kube-vip/kube-vip `pkg/services/processor.go`",
    announcer: Some(announcer),
    ..LbProvider::DEFAULT
};

const LEASE: &str = "kube-vip.io/leaseName";

fn facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    if input.get(LEASE).is_some() && !input.cluster {
        facts.note(
            NoteKind::LeaseWithLocal,
            Severity::Error,
            Some(LEASE),
            "shares a kube-vip lease (`kube-vip.io/leaseName`) with a traffic policy other than `Cluster`: kube-vip refuses to reconcile it (since v1.0.1) and never announces the address",
            "set `externalTrafficPolicy: Cluster`, or remove `kube-vip.io/leaseName` so the Service gets its own election among the nodes with its pods",
        );
    }
}

/// kube-vip's DaemonSet, by its image (`ghcr.io/kube-vip/kube-vip`, `plndr/kube-vip`). Whether it
/// skips nodes excluded from load balancers is not read here.
fn announcer(_: &Object, w: &Workload) -> Option<Announcer> {
    images(w).any(|i| i.contains("kube-vip")).then_some(Announcer { skips_excluded_nodes: false })
}
