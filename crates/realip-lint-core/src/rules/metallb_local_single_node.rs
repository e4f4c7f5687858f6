use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::{Model, Policy};

declare_rule! {
    /// ## What it does
    /// Flags a MetalLB `LoadBalancer` Service (a `metallb.io/*` or `metallb.universe.tf/*`
    /// annotation, or `cloud: metallb`) with `externalTrafficPolicy: Local` whose address MetalLB
    /// announces in layer 2 mode only: an `L2Advertisement` in the input selects its pool (the
    /// pool named by `metallb.io/address-pool`, else every pool with `autoAssign` not `false`),
    /// and no `BGPAdvertisement` does. An advertisement without `ipAddressPools` and
    /// `ipAddressPoolSelectors` selects every pool. Without advertisements in the input the
    /// mode is unknown and the rule stays silent.
    ///
    /// ## Why is this bad?
    /// In layer 2 mode one node answers ARP/NDP for the address. Under `Local`, MetalLB elects it
    /// among the nodes with a ready endpoint, so all the Service's traffic enters that one node
    /// and its pods; the replicas on other nodes take no traffic and only take over when that
    /// node fails. The client address is kept, but the replicas do not share the load, and
    /// spreading them across nodes (`local-policy-without-spread`) does not change that.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: metallb.io/v1beta1
    /// kind: L2Advertisement
    /// metadata: {name: l2, namespace: metallb-system}
    /// ---
    /// kind: Service
    /// metadata:
    ///   annotations:
    ///     metallb.io/address-pool: lan
    /// spec:
    ///   type: LoadBalancer
    ///   externalTrafficPolicy: Local
    /// ```
    ///
    /// Use instead: announce the pool with a `BGPAdvertisement` (routers spread traffic over the
    /// nodes with pods), or accept one node's capacity for the Service. `Cluster` spreads the
    /// traffic over all pods but SNATs the client address.
    ///
    /// ## References
    /// - metallb/metallb `speaker/layer2_controller.go` (`ShouldAnnounce`: with `Local`, only nodes with an endpoint are candidates)
    /// - metallb/metallb `internal/config/config.go` (advertisements without pools select every pool)
    /// - https://metallb.universe.tf/usage/#traffic-policies
    "metallb-local-single-node",
    Info,
    "MetalLB layer 2 with `externalTrafficPolicy: Local` sends all traffic to one node's pods",
    check,
    category: Availability,
    hops: [LoadBalancer],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for view in &model.services {
        if view.policy != Policy::Local {
            continue;
        }
        let Some(one) = &view.lb.one_node else { continue };
        out.push(
            Finding::new(
                view.policy_at.loc,
                format!(
                    "{} has `externalTrafficPolicy: Local` and {}: one node answers for the address, elected among the nodes with a ready endpoint, so all traffic enters that node's pods and the other replicas only take over when it fails",
                    view.name, one.why
                ),
                "to share the load across replicas, announce the pool with a BGPAdvertisement (routers then spread traffic over the nodes with pods); `Cluster` spreads over all pods but SNATs the client address",
            )
            .on(view.policy_at.obj)
            .related(model.objects[one.at].name_loc(), "announces the pool in layer 2 mode"),
        );
    }
}
