//! MetalLB (metallb/metallb `speaker/layer2_controller.go`, `internal/config/config.go`,
//! `website/content/usage/_index.md`).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::{Announcer, DefaultLb, LbFacts, LbInput, LbProvider, OneNode, images, labelled};
use crate::k8s::object::{ObjId, Object, Workload, selector_matches};
use crate::yaml::PathSeg;

pub(super) const PROVIDER: LbProvider = LbProvider {
    name: "metallb",
    title: "MetalLB",
    annotation_prefixes: &["metallb.universe.tf/", "metallb.io/"],
    facts,
    // MetalLB hands the connection to the node unchanged.
    default_lb: DefaultLb::Passthrough,
    source: "metallb/metallb `speaker/layer2_controller.go`",
    config_kinds: &[
        (GROUP, "IPAddressPool", "ipaddresspools"),
        (GROUP, L2, "l2advertisements"),
        (GROUP, BGP, "bgpadvertisements"),
    ],
    announcer: Some(speaker),
    ..LbProvider::DEFAULT
};

const GROUP: &str = "metallb.io";
const L2: &str = "L2Advertisement";
const BGP: &str = "BGPAdvertisement";
const POOL_KEYS: &[&str] = &["metallb.io/address-pool", "metallb.universe.tf/address-pool"];
const IPS_KEYS: &[&str] = &["metallb.io/loadBalancerIPs", "metallb.universe.tf/loadBalancerIPs"];

/// MetalLB's speaker DaemonSet: its image, or the labels of its manifests and Helm chart.
fn speaker(o: &Object, w: &Workload) -> Option<Announcer> {
    let recognised = images(w).any(|i| i.starts_with("quay.io/metallb/speaker"))
        || labelled(o, w, &[("app.kubernetes.io/component", "speaker"), ("app.kubernetes.io/name", "metallb")])
        || labelled(o, w, &[("app", "metallb"), ("component", "speaker")]);
    if !recognised {
        return None;
    }
    // `speakersForAds` (layer 2) and `ShouldAnnounce` (BGP) skip a node labelled
    // `node.kubernetes.io/exclude-from-external-load-balancers` unless `--ignore-exclude-lb`.
    let ignores =
        w.pod.containers.iter().flat_map(|c| c.args.iter().flatten().chain(c.command.iter().flatten())).any(|a| {
            a == "--ignore-exclude-lb" || a.strip_prefix("--ignore-exclude-lb=").is_some_and(|v| v != "false")
        });
    Some(Announcer { skips_excluded_nodes: !ignores })
}

/// Layer 2 only: every pool the Service may get its address from is selected by an
/// L2Advertisement and by no BGPAdvertisement (`internal/config/config.go`: an advertisement
/// with neither `ipAddressPools` nor `ipAddressPoolSelectors` takes every pool). Silent when the
/// input holds no advertisement (the mode is unknown) or a selector cannot be settled.
fn facts(input: &LbInput<'_>, facts: &mut LbFacts) {
    if !PROVIDER.evident(input) {
        return;
    }
    let l2: Vec<(ObjId, &Object)> = input.config_objects(GROUP, L2).collect();
    if l2.is_empty() {
        return;
    }
    let bgp: Vec<(ObjId, &Object)> = input.config_objects(GROUP, BGP).collect();
    let pools: Vec<&Object> = input.config_objects(GROUP, "IPAddressPool").map(|(_, o)| o).collect();
    let named = POOL_KEYS.iter().find_map(|k| input.get(k)).map(str::trim);
    // (name, labels when the pool is in the input).
    let candidates: Vec<(&str, Option<&BTreeMap<String, String>>)> = match named {
        Some(name) => {
            let pool = pools.iter().find(|p| p.name.as_deref() == Some(name));
            vec![(name, pool.map(|p| &p.labels))]
        }
        None => {
            // A requested address may come from a pool that is not auto-assigned.
            let any = IPS_KEYS.iter().any(|k| input.get(k).is_some());
            pools
                .iter()
                .filter(|p| any || p.bool_at(&[PathSeg::Key("spec"), PathSeg::Key("autoAssign")]) != Some(false))
                .filter_map(|p| Some((p.name.as_deref()?, Some(&p.labels))))
                .collect()
        }
    };
    if candidates.is_empty() {
        return;
    }
    let mut first = None;
    for (name, labels) in &candidates {
        let by_l2 =
            l2.iter().map(|(i, a)| selects(a, name, *labels).map(|s| s.then_some(*i))).collect::<Option<Vec<_>>>();
        let by_bgp = bgp.iter().map(|(_, a)| selects(a, name, *labels)).collect::<Option<Vec<_>>>();
        let (Some(by_l2), Some(by_bgp)) = (by_l2, by_bgp) else { return };
        let Some(at) = by_l2.into_iter().flatten().next() else { return };
        if by_bgp.contains(&true) {
            return;
        }
        first.get_or_insert((*name, at));
    }
    let Some((name, at)) = first else { return };
    let pools = if candidates.len() == 1 {
        format!("its address pool `{name}`")
    } else {
        format!("every pool it may get its address from (`{name}`, …)")
    };
    facts.one_node = Some(OneNode { why: format!("MetalLB announces {pools} in layer 2 mode only"), at });
}

/// Does an advertisement select this pool? `None` when its selectors need the pool's labels and
/// the pool is not in the input, or a selector is not understood.
fn selects(adv: &Object, pool: &str, labels: Option<&BTreeMap<String, String>>) -> Option<bool> {
    let spec = |k| adv.node(&[PathSeg::Key("spec"), PathSeg::Key(k)]).and_then(|n| n.as_seq()).unwrap_or_default();
    let (names, selectors) = (spec("ipAddressPools"), spec("ipAddressPoolSelectors"));
    if names.is_empty() && selectors.is_empty() {
        return Some(true);
    }
    if names.iter().any(|n| crate::k8s::object::scalar_string(n).as_deref() == Some(pool)) {
        return Some(true);
    }
    if selectors.is_empty() {
        return Some(false);
    }
    let labels = labels?;
    for s in selectors {
        let value = crate::yaml::scalar::to_json(s).ok()?;
        let selector: LabelSelector = serde_json::from_value(value).ok()?;
        if selector_matches(&selector, labels) {
            return Some(true);
        }
    }
    Some(false)
}
