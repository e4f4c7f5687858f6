use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::Model;
use crate::yaml::PathSeg;

declare_rule! {
    /// ## What it does
    /// Notes every ingress-nginx controller (kubernetes/ingress-nginx, including the KubeSphere
    /// router built on it). The project ended its best-effort maintenance in March 2026: no
    /// further releases and no security fixes.
    ///
    /// Not to be confused with the F5 NGINX Ingress Controller (`nginx/nginx-ingress` images),
    /// which is maintained.
    ///
    /// ## Why is this bad?
    /// An edge proxy that gets no security fixes is a standing risk, and every client-IP setting
    /// it has (PROXY protocol, `use-forwarded-headers`, `proxy-real-ip-cidr`) has to be carried
    /// over to whatever replaces it.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: controller
    ///     image: registry.k8s.io/ingress-nginx/controller:v1.15.1
    /// ```
    ///
    /// Use instead: a maintained Gateway API implementation (Envoy Gateway, NGINX Gateway
    /// Fabric, Istio, Cilium, kgateway, Contour or Traefik), or suppress with a reason while the
    /// move is planned:
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     ignore-check.realip-lint.io/ingress-nginx-retired: "migration to Envoy Gateway planned for Q3"
    /// ```
    ///
    /// ## References
    /// - https://github.com/kubernetes/ingress-nginx#readme
    /// - https://gateway-api.sigs.k8s.io/implementations/
    "ingress-nginx-retired",
    Info,
    "ingress-nginx is retired (no security fixes since March 2026)",
    check,
    category: Correctness,
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for ctrl in &model.controllers {
        let Some((proxy, when)) = ctrl.proxy.and_then(|p| Some((p, p.retired?))) else { continue };
        let obj = &model.objects[ctrl.obj];
        let Some(w) = obj.workload() else { continue };
        let ci = proxy.ingress.map_or(0, |i| i.main_container(w));
        let mut path = w.pod_path();
        path.extend([PathSeg::Key("containers"), PathSeg::Index(ci), PathSeg::Key("image")]);
        out.push(
            Finding::new(
                obj.loc_at(&path),
                format!("{} runs {}, which ended maintenance in {when}: no further releases or security fixes", obj.display(), proxy.name),
                "plan a move to a maintained Gateway API implementation: Envoy Gateway, NGINX Gateway Fabric, Istio, Cilium, kgateway, Contour or Traefik",
            )
            .on(ctrl.obj),
        );
    }
}
