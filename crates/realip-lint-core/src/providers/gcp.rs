//! Google Cloud (GKE): kubernetes/ingress-gce (`pkg/l4/resources/l4netlb.go`, `l4.go`,
//! `pkg/l4/annotations/service.go`) and the GKE documentation.

use super::{DefaultLb, LbFacts, LbInput, LbProvider, NoteKind, one_of};
use crate::diagnostic::Severity;

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "gcp",
    title: "the GKE load balancer",
    annotation_prefixes: &["cloud.google.com/", "networking.gke.io/"],
    class_prefixes: &["networking.gke.io/"],
    facts,
    // GKE's default external load balancer is a pass-through Network Load Balancer.
    default_lb: DefaultLb::Passthrough,
    source: "kubernetes/ingress-gce `pkg/l4/resources/l4netlb.go` (`determineBackendServiceLocalityPolicy`)",
    header_annotations: "",
    ..LbProvider::DEFAULT
};

const RBS: &str = "cloud.google.com/l4-rbs";
const LB_TYPE: &str = "networking.gke.io/load-balancer-type";
const WEIGHTED: &str = "networking.gke.io/weighted-load-balancing";

fn facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    let rbs = one_of(input, RBS, &["enabled"]);
    let internal = input.get(LB_TYPE).is_some_and(|v| v.trim().eq_ignore_ascii_case("internal"));
    let class = input.class.is_some_and(|c| c.starts_with("networking.gke.io/"));
    if rbs {
        facts.passthrough = Some((RBS, "a GKE external passthrough Network Load Balancer"));
    } else if internal {
        facts.passthrough = Some((LB_TYPE, "a GKE internal passthrough Network Load Balancer"));
    }
    let Some(v) = input.get(WEIGHTED) else { return };
    if v.trim() != "pods-per-node" {
        facts.note(
            NoteKind::NeedsLocal,
            Severity::Warning,
            Some(WEIGHTED),
            format!("sets `{WEIGHTED}: {v}`, which GKE ignores: only the value `pods-per-node` turns weighted load balancing on"),
            "write `pods-per-node`, with `externalTrafficPolicy: Local`",
        );
    } else if input.cluster {
        facts.note(
            NoteKind::NeedsLocal,
            Severity::Warning,
            Some(WEIGHTED),
            "asks GKE to weight nodes by their pods, which acts only with `externalTrafficPolicy: Local`: under `Cluster` GKE ignores it (a Warning event says \"no effect\") and kube-proxy SNATs the client",
            "set `externalTrafficPolicy: Local`",
        );
    } else if !(rbs || internal || class) {
        facts.note(
            NoteKind::NeedsLocal,
            Severity::Info,
            Some(WEIGHTED),
            "asks GKE to weight nodes by their pods, which only backend-service load balancers do; without `cloud.google.com/l4-rbs: \"enabled\"` (or a `networking.gke.io` class) the Service may get a target-pool load balancer, which ignores it (GKE 1.37 and later make backend-service ones by default)",
            "add `cloud.google.com/l4-rbs: \"enabled\"`",
        );
    } else if input.local {
        facts.weights_by_pods = Some(WEIGHTED);
    }
}
