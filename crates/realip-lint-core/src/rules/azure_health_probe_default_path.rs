use super::{declare_rule, lb_notes};
use crate::diagnostic::{Finding, Severity};
use crate::k8s::model::Model;
use crate::providers::NoteKind;

declare_rule! {
    /// ## What it does
    /// Flags an Azure load balancer in front of a `Cluster` Service whose health probe for a TCP
    /// port becomes HTTP(S) (the port's `appProtocol`, or a probe-protocol annotation) with no
    /// request path (`service.beta.kubernetes.io/port_<N>_health-probe_request-path`, or the
    /// global `azure-load-balancer-health-probe-request-path`), and no `port_<N>_no_probe_rule`.
    ///
    /// ## Why is this bad?
    /// Azure then probes `/` on the node port and counts only a `200` as healthy. A proxy that
    /// answers `/` with a 404 (ingress-nginx's default backend does) fails on every node: all
    /// backends are down and the load balancer drops everything. A warning in front of such a
    /// proxy; an info in front of others, whose answer on `/` is not known here.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   type: LoadBalancer
    ///   ports:
    ///     - {name: http, port: 80, appProtocol: http}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/port_80_health-probe_request-path: /healthz
    /// ```
    ///
    /// ## References
    /// - kubernetes-sigs/cloud-provider-azure `pkg/provider/azure_loadbalancer_healthprobe.go` (`buildHealthProbeRulesForPort`)
    /// - https://github.com/Azure/AKS/issues/2903
    "azure-health-probe-default-path",
    Warning,
    "an Azure HTTP health probe on `/` in front of a proxy that answers 404 there",
    check,
    category: Availability,
    hops: [LoadBalancer],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (view, f) in lb_notes(model, NoteKind::ProbeDefaultPath) {
        let not_found_on_root = view
            .controller
            .and_then(|ci| model.controllers[ci].proxy)
            .is_some_and(|p| p.ingress.is_some_and(|i| i.root_is_404));
        out.push(if not_found_on_root {
            let name = view.controller.and_then(|ci| model.controllers[ci].proxy).map_or("the proxy", |p| p.name);
            Finding { message: format!("{}; {name} answers `/` with a 404, so every backend fails the probe", f.message), ..f }
                .severity(Severity::Warning)
        } else {
            f
        });
    }
}
