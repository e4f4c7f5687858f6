use super::declare_rule;
use crate::diagnostic::Finding;
use crate::k8s::model::Model;

declare_rule! {
    /// ## What it does
    /// Notes an object (group, kind, namespace, name) defined twice in one run. The later
    /// definition, in input order, is the one realip-lint links and checks, as `kubectl apply`
    /// would leave it; the earlier one is ignored.
    ///
    /// ## Why is this bad?
    /// Usually it is two environments (overlays, variants) linted together, or a patch file that
    /// repeats a whole object. Findings then describe only one of the two, which may not be the
    /// one that is deployed.
    ///
    /// ## Example
    /// ```yaml
    /// # base/configmap.yaml and patch/configmap.yaml both define
    /// kind: ConfigMap
    /// metadata: {name: nginx-configuration, namespace: ingress-nginx}
    /// ```
    ///
    /// Use instead: keep one definition, or lint each environment in its own run
    /// (`kubectl realip-lint -k overlays/prod`).
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/kubectl/generated/kubectl_apply/
    "duplicate-object",
    Info,
    "the same object is defined twice; the later one wins",
    check,
    category: Correctness,
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for &(later, earlier) in &model.duplicates {
        let (l, e) = (&model.objects[later], &model.objects[earlier]);
        out.push(
            Finding::new(
                l.name_loc(),
                format!("{} is defined twice; this later definition replaces the earlier one", l.display()),
                "keep one definition, or lint the environments separately",
            )
            .on(later)
            .related(e.name_loc(), "first defined here (ignored)"),
        );
    }
}
