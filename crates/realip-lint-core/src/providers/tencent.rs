//! Tencent Cloud: TKE's service controller (`service.cloud.tencent.com/*`).

use super::{Annotations, LbFacts, LbProvider, one_of};

pub(super) const PROVIDER: LbProvider =
    LbProvider { name: "tencent", annotation_prefixes: &["service.cloud.tencent.com/"], facts, ..LbProvider::DEFAULT };

const DIRECT: &str = "service.cloud.tencent.com/direct-access";

fn facts(annotation: &Annotations<'_>, facts: &mut LbFacts) {
    // Direct access sends traffic to the pods' IPs, keeping the client's source address.
    if one_of(annotation, DIRECT, &["true"]) {
        facts.direct_to_pod = Some(DIRECT);
        facts.pod_targets_keep_source = true;
    }
}
