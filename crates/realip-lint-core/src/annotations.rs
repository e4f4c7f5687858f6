//! The tool's own annotations, which users write on their objects. A leaf: the model, the
//! rules and the suppression check all read these names.

/// `realip-lint.io/role: ingress-controller` declares a workload an ingress controller.
pub const ROLE: &str = "realip-lint.io/role";
/// `realip-lint.io/client-ip: required` says a Service needs the client address.
pub const CLIENT_IP: &str = "realip-lint.io/client-ip";
/// `ignore-check.realip-lint.io/<rule>: "<reason>"` suppresses a rule on an object.
pub const IGNORE_PREFIX: &str = "ignore-check.realip-lint.io/";
