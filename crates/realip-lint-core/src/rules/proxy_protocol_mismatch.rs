use super::declare_rule;
use crate::yaml::{Node, PathSeg};
use crate::diagnostic::{Finding, Severity};
use crate::k8s::model::Model;
use crate::k8s::provenance::{Origin, Sourced, Unknown};

declare_rule! {
    /// ## What it does
    /// Flags a load balancer and the proxy behind it that disagree about PROXY protocol: the
    /// Service's provider annotation makes the load balancer prepend a PROXY header
    /// (`service.beta.kubernetes.io/aws-load-balancer-proxy-protocol: "*"`,
    /// `do-loadbalancer-enable-proxy-protocol: "true"`, Hetzner `uses-proxyprotocol`, Linode
    /// `default-proxy-protocol`, …) and the controller does not expect one (ingress-nginx
    /// `use-proxy-protocol`, F5 NGINX and HAProxy `proxy-protocol`, Kong `proxy_listen … proxy_protocol`,
    /// Traefik `proxyProtocol` on the entryPoint), or the other way round.
    ///
    /// It is an error only when both sides are certain from the input: the annotation is written,
    /// and the controller's setting is written or its configuration is in the input and runs on
    /// the default. Otherwise it is a warning that says which fact is missing. A controller that
    /// expects PROXY headers behind a Service with no such annotation is a warning (a load balancer
    /// configured elsewhere, or a provider default, may still send them); Traefik accepts
    /// connections with or without the header, so only the first direction applies to it.
    ///
    /// For a Gateway, the annotations are those that reach the Service its implementation creates
    /// (`spec.infrastructure.annotations`, the config object's), and the proxy's side is Envoy
    /// Gateway's ClientTrafficPolicy `proxyProtocol`, NGINX Gateway Fabric's `rewriteClientIP.mode:
    /// ProxyProtocol`, kgateway's ListenerPolicy, Contour's `useProxyProtocol`, Istio's
    /// `gatewayTopology.proxyProtocol`, or Cilium's `enable-gateway-api-proxy-protocol`. A policy
    /// object that may live outside the input (no ClientTrafficPolicy targets the Gateway) makes
    /// it a warning.
    ///
    /// Per listener: Contour decodes PROXY on the listeners that carry HTTP and TLS virtual hosts
    /// only; a Gateway listener of protocol `TCP` (TCPRoute) is a listener-level TCP proxy without
    /// listener filters (projectcontour/contour `internal/xdscache/v3/listener.go` `OnChange`, as
    /// of v1.33), so with `useProxyProtocol: true` and a load balancer that sends PROXY to every
    /// port, each TCP listener is flagged. An Envoy Gateway ClientTrafficPolicy attached to a
    /// listener by `sectionName` replaces the Gateway-level one on that listener, not merged with
    /// it (envoyproxy/gateway `internal/gatewayapi/clienttrafficpolicy.go`: section policies are
    /// translated first, the Gateway's only on the sections none claimed), so a listener policy
    /// without `proxyProtocol` makes that listener refuse the load balancer's PROXY headers.
    ///
    /// ## Why is this bad?
    /// A proxy that does not expect the header reads `PROXY TCP4 203.0.113.7 …` as the start of an
    /// HTTP request and answers 400 (or drops TLS): every request fails. A proxy that requires the
    /// header rejects every connection that comes without one ("broken header").
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// metadata:
    ///   annotations:
    ///     service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol: "true"
    /// ---
    /// kind: ConfigMap          # the ingress-nginx controller's
    /// data:
    ///   use-proxy-protocol: "false"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// data:
    ///   use-proxy-protocol: "true"
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#use-proxy-protocol
    /// - https://docs.digitalocean.com/products/kubernetes/how-to/configure-load-balancers/#proxy-protocol
    /// - https://doc.traefik.io/traefik/routing/entrypoints/#proxyprotocol
    "proxy-protocol-mismatch",
    Error,
    "the load balancer and the proxy behind it disagree about PROXY protocol",
    check,
    category: ClientIp,
    hops: [LoadBalancer, Controller],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for view in &model.services {
        let Some(ci) = view.controller else { continue };
        if !view.external {
            continue;
        }
        let ctrl = &model.controllers[ci];
        let Some(proxy) = ctrl.proxy else { continue };
        let name = proxy.name;
        match (view.lb.sends_proxy, &ctrl.proxy_protocol) {
            (Some(annotation), setting) => {
                let Some(ann) = view.annotation_at(annotation) else { continue };
                let f = Finding::new(
                    ann.loc,
                    String::new(),
                    format!("turn PROXY protocol on in {name} too, or remove the annotation"),
                )
                .on(ann.obj);
                let f = match setting {
                    Ok(Sourced { value: false, origin: Origin::Written(at) }) => Finding {
                        message: format!(
                            "the load balancer sends PROXY protocol headers (`{annotation}`), but {name} is set not to expect them{}: every request fails",
                            ctrl.on_listener()
                        ),
                        ..f.related(at.loc, "PROXY protocol is off here")
                    },
                    // A listener's own policy replaces the Gateway's there, PROXY setting included.
                    Ok(Sourced { value: false, origin: Origin::Default { .. } }) if ctrl.listener.is_some() => Finding {
                        message: format!(
                            "the load balancer sends PROXY protocol headers (`{annotation}`), but {name} runs without PROXY protocol{}: the policy attached to that listener replaces the Gateway's there and sets none, so every request to it fails",
                            ctrl.on_listener()
                        ),
                        ..f.related(ctrl.settings_at, "the listener's own policy: no PROXY protocol")
                    },
                    Ok(Sourced { value: false, origin: Origin::Default { .. } }) => Finding {
                        message: format!(
                            "the load balancer sends PROXY protocol headers (`{annotation}`), but {name} runs without PROXY protocol (its default): every request fails"
                        ),
                        ..f.related(ctrl.settings_at, "no PROXY protocol setting: off by default")
                    },
                    Err(Unknown(why)) => Finding {
                        message: format!(
                            "the load balancer sends PROXY protocol headers (`{annotation}`); whether {name} expects them is not known: {why}"
                        ),
                        ..f.related(ctrl.settings_at, "the controller behind the Service").severity(Severity::Warning)
                    },
                    Ok(Sourced { value: true, .. }) => {
                        out.extend(contour_tcp_listeners(model, ctrl, annotation, ann));
                        continue;
                    }
                };
                // A listener's own settings: said at that listener (its trace entry alone shows it).
                let f = match listener_name_at(model, ctrl) {
                    Some(at) => Finding {
                        loc: at,
                        object: Some(ctrl.obj),
                        help: format!(
                            "add `proxyProtocol: {{}}` to the policy attached to listener `{}` (it replaces the Gateway's there), or remove the annotation",
                            ctrl.listener.as_deref().unwrap_or_default()
                        ),
                        ..f
                    }
                    .related(ann.loc, "PROXY protocol is sent here"),
                    None => f,
                };
                // Two definitions of one of the objects: the pairing is a guess, not a certainty.
                let from = setting.as_ref().ok().map(|s| s.place().obj);
                let twice = [Some(view.obj), Some(ctrl.obj), from].into_iter().flatten().find(|o| model.duplicated(*o));
                let f = match twice {
                    Some(o) if f.severity.is_none() => Finding {
                        message: format!(
                            "{}; but {} is defined more than once in this run, so the pairing is uncertain",
                            f.message,
                            model.objects[o].display()
                        ),
                        ..f.severity(Severity::Warning)
                    },
                    _ => f,
                };
                out.push(f);
            }
            (None, Ok(Sourced { value: true, origin: Origin::Written(at) }))
                if !ctrl.proxy_protocol_optional && view.svc_type == "LoadBalancer" =>
            {
                if view.lb.adds_xff.is_some() || view.lb.direct_to_pod.is_some() || view.lb.carrier_unknown.is_some()
                    || view.lb.unknown_switch.is_some()
                {
                    continue;
                }
                out.push(
                    Finding::new(
                        view.type_at.loc,
                        format!("{name} expects PROXY protocol headers, but no annotation on {} makes its load balancer send them: connections without the header fail", view.name),
                        "add the provider's PROXY protocol annotation to the Service (for example `service.beta.kubernetes.io/aws-load-balancer-proxy-protocol: \"*\"`), or turn PROXY protocol off in the controller",
                    )
                    .on(view.type_at.obj)
                    .related(at.loc, "PROXY protocol is required here")
                    .severity(Severity::Warning),
                );
            }
            _ => {}
        }
    }
}

/// Contour decodes PROXY only on the listeners that carry HTTP and TLS virtual hosts: a Gateway
/// listener of protocol TCP (TCPRoute) becomes a listener-level TCP proxy with no listener
/// filters (projectcontour/contour `internal/xdscache/v3/listener.go` `OnChange`: `TCPProxy`
/// listeners get `nil`, HTTP ones `proxyProtocol(cfg.UseProxyProto)`, HTTPS ones
/// `secureProxyProtocol(cfg)`). A load balancer that sends PROXY to every port hands that
/// listener's backend the header as data.
fn contour_tcp_listeners<'m>(
    model: &'m Model,
    ctrl: &'m crate::k8s::model::Controller,
    annotation: &'m str,
    ann: crate::k8s::object::Place,
) -> impl Iterator<Item = Finding> + 'm {
    let is_contour = ctrl.proxy.is_some_and(crate::implementations::is_contour);
    let gateway = &model.objects[ctrl.obj];
    let listeners = if is_contour && gateway.kind == "Gateway" {
        gateway.root.at(&[PathSeg::Key("spec"), PathSeg::Key("listeners")]).and_then(Node::as_seq).unwrap_or_default()
    } else {
        &[]
    };
    listeners.iter().enumerate().filter_map(move |(i, l)| {
        (l.get("protocol").and_then(Node::as_str) == Some("TCP")).then_some(())?;
        let name = l.get("name").and_then(Node::as_str).unwrap_or("?");
        let at = gateway.loc_at(&[
            PathSeg::Key("spec"),
            PathSeg::Key("listeners"),
            PathSeg::Index(i),
            PathSeg::Key("protocol"),
        ]);
        Some(
            Finding::new(
                at,
                format!(
                    "the load balancer sends PROXY protocol headers (`{annotation}`) to every port, but Contour decodes them only on HTTP and HTTPS listeners: on TCP listener `{name}` the header reaches the backend as data, and its connections fail"
                ),
                "send PROXY protocol only to the HTTP and HTTPS ports (a provider setting per port or per target group), or serve the TCP traffic through a Gateway whose load balancer sends none",
            )
            .on(ctrl.obj)
            .related(ann.loc, "PROXY protocol is sent here"),
        )
    })
}

/// The `name` of the Gateway listener whose own settings a controller holds.
fn listener_name_at(model: &Model, ctrl: &crate::k8s::model::Controller) -> Option<crate::diagnostic::Loc> {
    let name = ctrl.listener.as_deref()?;
    let gateway = &model.objects[ctrl.obj];
    let listeners = gateway.root.at(&[PathSeg::Key("spec"), PathSeg::Key("listeners")]).and_then(Node::as_seq)?;
    let i = listeners.iter().position(|l| l.get("name").and_then(Node::as_str) == Some(name))?;
    Some(gateway.loc_at(&[PathSeg::Key("spec"), PathSeg::Key("listeners"), PathSeg::Index(i), PathSeg::Key("name")]))
}
