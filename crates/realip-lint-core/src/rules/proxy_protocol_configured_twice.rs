use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::Model;
use crate::k8s::provenance::{Origin, Sourced};

declare_rule! {
    /// ## What it does
    /// Flags a listener where PROXY protocol is turned on twice: Istio's
    /// `gatewayTopology.proxyProtocol` and an EnvoyFilter that inserts Envoy's PROXY listener
    /// filter into the same gateway.
    ///
    /// ## Why is this bad?
    /// Istio does not remove a PROXY listener filter an EnvoyFilter adds, so the listener gets
    /// two. The first consumes the load balancer's PROXY header; the second then expects another
    /// one at the start of the request and rejects the connection: every connection fails
    /// (istio/istio#49836).
    ///
    /// ## Example
    /// ```yaml
    /// annotations:
    ///   proxy.istio.io/config: '{"gatewayTopology": {"proxyProtocol": {}}}'
    /// ---
    /// kind: EnvoyFilter   # also inserts envoy.filters.listener.proxy_protocol
    /// ```
    ///
    /// Use instead: keep `gatewayTopology.proxyProtocol` and delete the EnvoyFilter.
    ///
    /// ## References
    /// - https://github.com/istio/istio/issues/49836
    /// - istio/api `mesh/v1alpha1/proxy.proto` (`Topology.proxy_protocol`)
    "proxy-protocol-configured-twice",
    Error,
    "PROXY protocol enabled twice on one listener: every connection fails",
    check,
    category: Availability,
    hops: [Controller],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for ctrl in &model.controllers {
        let Ok(Sourced { value: true, origin: Origin::Written(setting) }) = &ctrl.proxy_protocol else { continue };
        // The setting itself is the first filter when only filters turn PROXY on.
        let Some(filter) = ctrl.proxy_protocol_filters.iter().find(|f| f.loc != setting.loc) else { continue };
        let name = ctrl.proxy.map_or("the gateway", |p| p.name);
        out.push(
            Finding::new(
                filter.loc,
                format!(
                    "{name} ({}) has PROXY protocol turned on twice, by its own setting and by this EnvoyFilter: the second PROXY listener filter expects another header after the load balancer's and rejects every connection",
                    model.objects[ctrl.obj].display()
                ),
                "delete the EnvoyFilter: the gateway's `gatewayTopology.proxyProtocol` already parses the PROXY header",
            )
            .on(filter.obj)
            .related(setting.loc, "PROXY protocol is on here too"),
        );
    }
}
