use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::Model;

declare_rule! {
    /// ## What it does
    /// Flags an Istio EnvoyFilter that inserts Envoy's PROXY listener filter
    /// (`envoy.filters.listener.proxy_protocol`) into an ingress gateway's listeners. Such a
    /// filter also counts as "the gateway expects PROXY headers" for `proxy-protocol-mismatch`.
    ///
    /// ## Why is this bad?
    /// Since Istio 1.19 the supported way is `gatewayTopology.proxyProtocol: {}` in the gateway's
    /// `proxy.istio.io/config` annotation (or the mesh config). EnvoyFilters patch generated
    /// Envoy configuration by name and position, which changes between releases, so the PROXY
    /// setting can silently stop applying, or apply twice when the supported field is also set
    /// (see `proxy-protocol-configured-twice`).
    ///
    /// ## Example
    /// ```yaml
    /// kind: EnvoyFilter
    /// spec:
    ///   workloadSelector: {labels: {istio: ingressgateway}}
    ///   configPatches:
    ///     - applyTo: LISTENER
    ///       patch:
    ///         operation: MERGE
    ///         value:
    ///           listener_filters:
    ///             - name: envoy.filters.listener.proxy_protocol
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # on the gateway's pod template
    /// annotations:
    ///   proxy.istio.io/config: '{"gatewayTopology": {"proxyProtocol": {}}}'
    /// ```
    ///
    /// ## References
    /// - istio/api `mesh/v1alpha1/proxy.proto` (`Topology.proxy_protocol`, Istio 1.19)
    /// - https://istio.io/latest/docs/ops/configuration/traffic-management/network-topologies/
    "istio-proxy-protocol-envoyfilter",
    Info,
    "PROXY protocol enabled by an EnvoyFilter where `gatewayTopology.proxyProtocol` exists",
    check,
    category: Correctness,
    hops: [Controller],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    let mut seen = Vec::new();
    for ctrl in &model.controllers {
        let name = ctrl.proxy.map_or("the gateway", |p| p.name);
        for at in &ctrl.proxy_protocol_filters {
            if seen.contains(&at.loc) {
                continue;
            }
            seen.push(at.loc);
            out.push(
                Finding::new(
                    at.loc,
                    format!(
                        "this EnvoyFilter turns PROXY protocol on for {name} ({}) by patching Envoy's listeners; `gatewayTopology.proxyProtocol` is the supported setting since Istio 1.19",
                        model.objects[ctrl.obj].display()
                    ),
                    "set `proxy.istio.io/config: '{\"gatewayTopology\": {\"proxyProtocol\": {}}}'` on the gateway's pod template and delete the EnvoyFilter",
                )
                .on(at.obj),
            );
        }
    }
}
