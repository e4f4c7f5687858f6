use super::declare_rule;
use crate::diagnostic::{Finding, Severity};
use crate::k8s::model::Model;
use crate::k8s::model::path::Loss;
use crate::providers::NoteKind;

declare_rule! {
    /// ## What it does
    /// Flags a LoadBalancer Service whose load balancer opens its own connection to the nodes
    /// (a proxy) and passes the client's address on by no means: no PROXY protocol, no
    /// X-Forwarded-For. A warning where the annotations make such a load balancer certain:
    /// a DigitalOcean `REGIONAL` load balancer over TCP or TLS pass-through; Linode
    /// NodeBalancers in TCP mode; OCI flexible load balancers (the default type) with a TCP
    /// backend set; a Hetzner load balancer with PROXY protocol written off; an OCI network load
    /// balancer with `is-preserve-source: "false"`. An info where something outside the manifest
    /// decides: an AWS Service without a type (a classic ELB, unless the AWS Load Balancer
    /// Controller's webhook made it an NLB), a Hetzner load balancer whose PROXY setting is the
    /// cluster default, a Scaleway load balancer, and a plain Service under a `cloud:` whose
    /// default load balancer proxies.
    ///
    /// ## Why is this bad?
    /// Behind a proxy the pods see the load balancer's address whatever `externalTrafficPolicy`
    /// says: `Local` keeps only the proxy's address. Only PROXY protocol (on the load balancer
    /// and the proxy behind it) or an HTTP listener that adds X-Forwarded-For carries the
    /// client.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/linode-loadbalancer-throttle: "4"
    /// spec:
    ///   type: LoadBalancer
    ///   externalTrafficPolicy: Local
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/linode-loadbalancer-default-proxy-protocol: v2
    /// ```
    /// and PROXY protocol on in the proxy behind it.
    ///
    /// ## References
    /// - digitalocean/digitalocean-cloud-controller-manager `do/loadbalancers.go`; linode/linode-cloud-controller-manager `cloud/linode/loadbalancers_helpers.go`
    /// - oracle/oci-cloud-controller-manager `pkg/cloudprovider/providers/oci/load_balancer_spec.go`; hetznercloud/hcloud-cloud-controller-manager `hcloud/load_balancers.go`
    "proxy-lb-client-ip-lost",
    Warning,
    "the load balancer proxies connections and nothing carries the client address",
    check,
    category: ClientIp,
    hops: [LoadBalancer],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for view in &model.services {
        let path = &model.path(view).path;
        let (certain, what) = match path.loss {
            Some(Loss::LbProxy { certain }) => {
                let p = view.lb.proxies.expect("a proxying load balancer");
                let unless = if certain { String::new() } else { format!(" ({})", p.unless) };
                (certain, format!("{}{unless}", p.what))
            }
            Some(Loss::SourceDropped) if !view.lb.notes.iter().any(|n| n.kind == NoteKind::PreserveDisabled) => {
                (true, "a pass-through load balancer with source preservation turned off".to_owned())
            }
            Some(Loss::CloudProxy) => {
                let cloud = model.cloud.as_deref().unwrap_or_default();
                let why = match crate::providers::default_lb(cloud) {
                    crate::providers::DefaultLb::Proxies(why) => why,
                    _ => "",
                };
                (false, format!("the default load balancer of `cloud: {cloud}` ({why})"))
            }
            _ => continue,
        };
        let at = path.at.as_ref().map_or(view.type_at.loc, |m| m.loc);
        let obj = view.annotations.values().find(|(_, p)| p.loc == at).map_or(view.type_at.obj, |(_, p)| p.obj);
        let mut f = Finding::new(
            at,
            format!(
                "{}: its load balancer is {what}, and nothing carries the client address, so the pods see the load balancer's addresses whatever the traffic policy",
                view.name
            ),
            "turn PROXY protocol on at the load balancer and in the proxy behind it (the provider's PROXY annotation), or use an HTTP listener that adds X-Forwarded-For and trust it in the proxy",
        )
        .on(obj);
        if !certain {
            f = f.severity(Severity::Info);
        }
        out.push(f);
    }
}
