//! Tencent Cloud (TKE): from its documentation only (the service controller is closed source):
//! https://www.tencentcloud.com/document/product/457/39142, /457/36836.

use super::{LbFacts, LbInput, LbProvider, NoteKind, one_of};
use crate::diagnostic::Severity;

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "tencent",
    title: "the Tencent CLB",
    annotation_prefixes: &["service.cloud.tencent.com/", "service.kubernetes.io/local-svc-only-bind-node-with-pod"],
    facts,
    // The CLB sends to every node's NodePort, keeping the source (Local keeps it to the pod).
    default_lb: super::DefaultLb::Passthrough,
    source: "Tencent Cloud TKE documentation (https://www.tencentcloud.com/document/product/457/39142)",
    ..LbProvider::DEFAULT
};

const DIRECT: &str = "service.cloud.tencent.com/direct-access";
const BIND_WITH_POD: &str = "service.kubernetes.io/local-svc-only-bind-node-with-pod";
const WEIGHTED: &str = "service.cloud.tencent.com/local-svc-weighted-balance";

fn facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    // Direct access sends traffic to the pods' IPs, keeping the client's source address.
    if one_of(input, DIRECT, &["true"]) {
        facts.direct_to_pod = Some(DIRECT);
        facts.pod_targets_keep_source = true;
        facts.pod_targets_certain = true;
    }
    let bind = one_of(input, BIND_WITH_POD, &["true"]);
    let weighted = one_of(input, WEIGHTED, &["true"]);
    if bind && input.cluster {
        facts.note(
            NoteKind::NeedsLocal,
            Severity::Warning,
            Some(BIND_WITH_POD),
            "binds only nodes with pods (`local-svc-only-bind-node-with-pod`), which TKE documents for `externalTrafficPolicy: Local`; under `Cluster` kube-proxy still SNATs, so the pods see node addresses",
            "set `externalTrafficPolicy: Local`, or remove the annotation",
        );
    }
    if weighted && !bind {
        facts.note(
            NoteKind::NeedsLocal,
            Severity::Info,
            Some(WEIGHTED),
            "weights nodes by their pods (`local-svc-weighted-balance`), which TKE documents as used together with `service.kubernetes.io/local-svc-only-bind-node-with-pod: \"true\"` under `Local`; alone its effect is not documented",
            "add `service.kubernetes.io/local-svc-only-bind-node-with-pod: \"true\"` and `externalTrafficPolicy: Local`",
        );
    }
    if weighted && bind && input.local {
        facts.weights_by_pods = Some(WEIGHTED);
    }
}
