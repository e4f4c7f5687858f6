//! Suppression: `ignore-check.realip-lint.io/<rule>` (or `/all`) on the object a finding is
//! reported on.

use crate::annotations::IGNORE_PREFIX;
use crate::k8s::object::Object;

pub fn suppressed(obj: &Object, rule: &str) -> bool {
    obj.annotations
        .iter()
        .any(|(k, v)| k.strip_prefix(IGNORE_PREFIX).is_some_and(|r| r == rule || r == "all") && !v.trim().is_empty())
}
