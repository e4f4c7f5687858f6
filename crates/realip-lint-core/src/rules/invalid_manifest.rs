use super::declare_rule;
use crate::diagnostic::{Finding, Severity};
use crate::k8s::model::Model;

declare_rule! {
    /// ## What it does
    /// Reports a file or document that cannot be read as a Kubernetes object: a YAML or JSON
    /// syntax error, a Helm template (`{{ … }}`) outside a chart, a field of the wrong type
    /// (`replicas: "3"`, an annotation value `true`), a key kubectl cannot convert (a null key,
    /// an integer key above the int64 range), a `%YAML` or `%TAG` directive (kubectl splits files
    /// at `---` lines and cannot read the directive alone), or only one of `apiVersion` and
    /// `kind`. The rest of the input is still linted, including the documents after a syntax
    /// error in the same file; an object with a value of the wrong type is still checked by the
    /// other rules without that value (the finding says so).
    ///
    /// A `null` where Kubernetes has a string (`labels: {version: }`, a ConfigMap key with no
    /// value, `args: [--x, ~]`) is not reported: the API server reads it as `""`.
    ///
    /// A duplicate key is an info: `kubectl apply -f` and Helm keep the last value (the one the
    /// other rules check), while kustomize (`kubectl apply -k`, Flux) refuses the document.
    ///
    /// Documents that are not manifests at all (no `apiVersion` and no `kind`: Helm values, CI
    /// workflows), Kustomization files and the patches they list, and the templates of a Helm
    /// chart whose `Chart.yaml` is in the input are skipped, not reported (a chart gets one info
    /// saying to lint `helm template` output).
    ///
    /// ## Why is this bad?
    /// `kubectl apply` refuses the document (`error converting YAML to JSON`, `cannot unmarshal
    /// string into Go struct field`), and realip-lint cannot check what it cannot read.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// spec:
    ///   replicas: "3"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   replicas: 3
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/overview/working-with-objects/
    /// - https://helm.sh/docs/helm/helm_template/
    "invalid-manifest",
    Error,
    "a document that cannot be read as a Kubernetes object",
    check,
    category: Correctness,
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for inv in &model.invalid {
        let mut f = Finding::new(inv.loc, inv.message.clone(), inv.help.clone());
        if let Some((loc, m)) = &inv.related {
            f = f.related(*loc, m.clone());
        }
        if inv.info {
            f = f.severity(Severity::Info);
        }
        f.object_ref.clone_from(&inv.object);
        out.push(f);
    }
}
