use std::collections::HashSet;

use super::declare_rule;
use crate::diagnostic::{Finding, Severity};
use crate::implementations::gateway_api::Effect;
use crate::k8s::model::Model;

declare_rule! {
    /// ## What it does
    /// Checks the `parametersRef` of a GatewayClass (`spec.parametersRef`) and of a Gateway
    /// (`spec.infrastructure.parametersRef`) against what the implementation reads: Envoy Gateway
    /// an `EnvoyProxy`, NGINX Gateway Fabric an `NginxProxy`, Istio a `ConfigMap` (with only the
    /// keys `deployment`, `service`, `serviceAccount`, `horizontalPodAutoscaler`,
    /// `podDisruptionBudget`), Cilium a `CiliumGatewayClassConfig` on the class only, kgateway a
    /// `GatewayParameters`, Contour a `ContourDeployment` on the class only.
    ///
    /// - **error** where the controller then rejects the Gateway or renders nothing for it:
    ///   Envoy Gateway (Gateway-level wrong kind, or any Gateway-level reference under a class
    ///   with `mergeGateways`), Istio (wrong kind, unknown overlay key), Contour (class-level
    ///   wrong kind or no `namespace`).
    /// - **warning** where the reference is ignored and traffic flows without the settings
    ///   (NGINX Gateway Fabric, Contour's Gateway level, Envoy Gateway's class level), or where
    ///   what the controller does next differs between releases (Cilium, kgateway).
    /// - **info** when the referenced object is not in the input: it may live elsewhere, and the
    ///   rules that need its settings stay silent for that Gateway rather than guess.
    ///
    /// ## Why is this bad?
    /// The settings in the referenced object (the Service's `externalTrafficPolicy`, replicas and
    /// spread, PROXY protocol, trusted proxies) never reach the data plane. At best the Gateway
    /// runs on the implementation's defaults, which differ between implementations (`Cluster`
    /// for Istio and kgateway, `Local` for Envoy Gateway); at worst it is not Accepted and none
    /// of its listeners take traffic.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: gateway.networking.k8s.io/v1
    /// kind: Gateway
    /// metadata: {name: web, namespace: apps}
    /// spec:
    ///   gatewayClassName: eg          # Envoy Gateway
    ///   infrastructure:
    ///     parametersRef: {group: "", kind: ConfigMap, name: web-proxy}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   infrastructure:
    ///     parametersRef: {group: gateway.envoyproxy.io, kind: EnvoyProxy, name: web-proxy}
    /// ```
    ///
    /// ## References
    /// - https://gateway-api.sigs.k8s.io/reference/spec/#gatewayinfrastructure
    /// - https://gateway.envoyproxy.io/docs/tasks/operations/customize-envoyproxy/
    /// - https://docs.nginx.com/nginx-gateway-fabric/how-to/data-plane-configuration/
    /// - https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/#automated-deployment
    "gateway-parameters-invalid",
    Error,
    "a Gateway or GatewayClass `parametersRef` that its implementation does not read",
    check,
    category: Correctness,
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    let mut seen = HashSet::new();
    for link in &model.gateways {
        let gw = &model.objects[link.gateway];
        for issue in &link.issues {
            if !seen.insert(issue.at.loc) {
                continue;
            }
            let (severity, consequence) = match &issue.effect {
                Effect::StopsTraffic(why) => (Severity::Error, why.clone()),
                Effect::Ignored(why) => (Severity::Warning, why.clone()),
                Effect::NotInInput => (
                    Severity::Info,
                    format!(
                        "it may live elsewhere; the rules that need its settings (the Service's type and traffic policy, the proxy's replicas and client-IP settings) stay silent for {}",
                        gw.display()
                    ),
                ),
            };
            let mut f = Finding::new(issue.at.loc, format!("{}: {consequence}", issue.problem), issue.fix.clone())
                .on(issue.at.obj)
                .severity(severity);
            if issue.at.obj != link.gateway {
                f = f.related(gw.name_loc(), format!("{} uses it", gw.display()));
            }
            out.push(f);
        }
    }
    for issue in &model.class_issues {
        if !seen.insert(issue.at.loc) {
            continue;
        }
        let Effect::StopsTraffic(why) = &issue.effect else { continue };
        out.push(
            Finding::new(issue.at.loc, format!("{}: {why}", issue.problem), issue.fix.clone())
                .on(issue.at.obj)
                .severity(Severity::Error),
        );
    }
}
