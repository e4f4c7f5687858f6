//! QingCloud: its cloud controller manager (`service.beta.kubernetes.io/qingcloud-*`).

use super::{Annotations, LbFacts, LbProvider};

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "qingcloud",
    annotation_prefixes: &["service.beta.kubernetes.io/qingcloud-"],
    facts,
    ..LbProvider::DEFAULT
};

/// `"<port>:1"` turns on "get client IP" (X-Forwarded-For) for a listener.
const FORWARDFOR: &str = "service.beta.kubernetes.io/qingcloud-lb-listener-forwardfor";

fn facts(annotation: &Annotations<'_>, facts: &mut LbFacts) {
    if annotation(FORWARDFOR).is_some_and(|v| v.contains(":1")) {
        facts.adds_xff = Some(FORWARDFOR);
    }
}
