use super::declare_rule;
use crate::annotations::{CLIENT_IP, IGNORE_PREFIX, ROLE};
use crate::diagnostic::Finding;
use crate::fix::{Applicability, Change, Fix, What};
use crate::k8s::model::Model;
use crate::suggest;
use crate::yaml::PathSeg;

declare_rule! {
    /// ## What it does
    /// Checks realip-lint's own annotations: `ignore-check.realip-lint.io/<rule>` must name a
    /// rule (or `all`) and give a reason as its value; `realip-lint.io/role` takes
    /// `ingress-controller`, `realip-lint.io/client-ip` takes `required`, and no other
    /// `realip-lint.io/` key exists.
    ///
    /// ## Why is this bad?
    /// A misspelt rule name suppresses nothing, and the finding it was meant to silence keeps
    /// coming back (or, worse, the annotation is copied around believed to work). A suppression
    /// without a reason leaves the next reader guessing whether it is still needed.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     ignore-check.realip-lint.io/local-policy-without-spreading: ""
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     ignore-check.realip-lint.io/local-policy-without-spread: "one pod per zone is enough here"
    /// ```
    ///
    /// ## References
    /// - `kubectl realip-lint rules` lists every rule name.
    "invalid-suppression",
    Warning,
    "a realip-lint annotation names no rule, gives no reason, or has an unknown key or value",
    check,
    category: Correctness,
    fix: [Unsafe],
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (i, obj) in model.live() {
        for (key, value) in &obj.annotations {
            let path = [PathSeg::Key("metadata"), PathSeg::Key("annotations"), PathSeg::Key(key)];
            if let Some(rule) = key.strip_prefix(IGNORE_PREFIX) {
                if rule != "all" && super::rule(rule).is_none() {
                    let similar = suggest::closest(rule, super::RULES.iter().map(|r| r.name).chain(["all"]));
                    let (hint, help, fix) = match similar {
                        Some(r) => (
                            format!("; did you mean `{r}`?"),
                            format!("write `{IGNORE_PREFIX}{r}` (`kubectl realip-lint rules` lists the rules)"),
                            // The closest name is a guess, and the suppression then hides a
                            // finding it did not: the user's call.
                            Some(Fix::new(format!("write `{IGNORE_PREFIX}{r}`"), Applicability::Unsafe).change(
                                Change {
                                    obj: i,
                                    at: crate::fix::keys(&["metadata", "annotations", key]),
                                    what: What::RenameKey(format!("{IGNORE_PREFIX}{r}")),
                                },
                            )),
                        ),
                        None => (
                            String::new(),
                            "use a name from `kubectl realip-lint rules`, or `ignore-check.realip-lint.io/all`"
                                .to_owned(),
                            None,
                        ),
                    };
                    out.push(
                        Finding::new(
                            obj.key_loc(&path),
                            format!(
                                "`{key}` names no rule: `{rule}` is not a realip-lint rule, so it suppresses nothing{hint}"
                            ),
                            help,
                        )
                        .on(i)
                        .fix(fix),
                    );
                } else if value.trim().is_empty() {
                    out.push(
                        Finding::new(
                            obj.loc_at(&path),
                            format!("`{key}` gives no reason"),
                            "say why the finding does not apply, as the annotation's value: `\"<reason>\"`",
                        )
                        .on(i),
                    );
                }
                continue;
            }
            let Some(name) = key.strip_prefix("realip-lint.io/") else { continue };
            let allowed: &[&str] = match key.as_str() {
                ROLE => &["ingress-controller"],
                CLIENT_IP => &["required"],
                _ => {
                    out.push(
                        Finding::new(
                            obj.key_loc(&path),
                            format!(
                                "`{key}` is not a realip-lint annotation (`{name}` is unknown){}",
                                suggest::did_you_mean(name, ["role", "client-ip"])
                            ),
                            "use `realip-lint.io/role: ingress-controller` or `realip-lint.io/client-ip: required`",
                        )
                        .on(i),
                    );
                    continue;
                }
            };
            if !allowed.contains(&value.as_str()) {
                out.push(
                    Finding::new(
                        obj.loc_at(&path),
                        format!("`{key}: {value}` is not a known value"),
                        format!("write `{key}: {}`", allowed[0]),
                    )
                    .on(i),
                );
            }
        }
    }
}
