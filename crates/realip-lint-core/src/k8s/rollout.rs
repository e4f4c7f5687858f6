//! Rolling-update arithmetic, per controller: how `maxSurge` and
//! `maxUnavailable` resolve, and what the API server's validation accepts.
//!
//! Deployments (`ResolveFenceposts`): percentages of the replicas, surge rounded up, unavailable
//! rounded down; both 0 → unavailable 1; both default to 25%. DaemonSets (`SurgeCount`,
//! `UnavailableCount`, `updatedDesiredNodeCounts`): percentages of the nodes that should run the
//! pod, both rounded up; both 0 → unavailable 1; `maxUnavailable` defaults to 1 and `maxSurge` to
//! 0, each on its own. Validation (`ValidateRollingUpdateDeployment`,
//! `ValidateRollingUpdateDaemonSet`): each value a non-negative integer or a `[0-9]+%` string; a
//! Deployment may not have both at zero and its `maxUnavailable` may not exceed 100%; a DaemonSet
//! needs exactly one of the two non-zero and neither over 100%.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::object::{DaemonSetRollout, DeploymentRollout, ObjId, Object, Place};
use super::provenance::Sourced;
use crate::diagnostic::Loc;
use crate::yaml::PathSeg;

/// A `maxSurge` / `maxUnavailable` value as the API server reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    /// An integer (negative ones are rejected by validation).
    Count(i32),
    /// A valid percent string: ASCII digits, then `%`.
    Percent(u64),
    /// A string that is not a valid percent (`"1"`, `"25 %"`, `"-10%"`): rejected by validation.
    BadString(String),
}

impl Bound {
    pub fn of(v: &IntOrString) -> Self {
        match v {
            IntOrString::Int(i) => Bound::Count(*i),
            IntOrString::String(s) => match s.strip_suffix('%') {
                Some(d) if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) => {
                    Bound::Percent(d.parse().unwrap_or(u64::MAX))
                }
                _ => Bound::BadString(s.clone()),
            },
        }
    }

    /// Zero as validation counts it (`getIntOrPercentValue`): `0`, `"0%"`; a string that is not a
    /// percent counts as the integer it spells, or 0.
    pub fn is_zero(&self) -> bool {
        match self {
            Bound::Count(i) => *i == 0,
            Bound::Percent(p) => *p == 0,
            Bound::BadString(s) => s.parse::<i64>().map_or(true, |i| i == 0),
        }
    }

    /// Why validation rejects the value by itself, if it does.
    pub fn invalid(&self) -> Option<&'static str> {
        match self {
            Bound::Count(i) if *i < 0 => Some("must be greater than or equal to 0"),
            Bound::BadString(_) => Some("a valid percent string must be a numeric string followed by an ending '%'"),
            _ => None,
        }
    }

    pub fn over_100_percent(&self) -> bool {
        matches!(self, Bound::Percent(p) if *p > 100)
    }

    /// The value against `total`, as the controllers scale it (`GetScaledValueFromIntOrPercent`);
    /// `None` for a value validation rejects.
    pub fn scaled(&self, total: u32, round_up: bool) -> Option<u32> {
        match self {
            Bound::Count(i) => u32::try_from(*i).ok(),
            Bound::Percent(p) => {
                let product = u128::from(*p) * u128::from(total);
                let v = if round_up { product.div_ceil(100) } else { product / 100 };
                Some(u32::try_from(v).unwrap_or(u32::MAX))
            }
            Bound::BadString(_) => None,
        }
    }

    /// As written in YAML.
    pub fn show(&self) -> String {
        match self {
            Bound::Count(i) => i.to_string(),
            Bound::Percent(p) => format!("{p}%"),
            Bound::BadString(s) => format!("\"{s}\""),
        }
    }

    /// As the API server prints it in an error (`Invalid value: 1`, `Invalid value: "10%"`).
    pub fn api_value(&self) -> String {
        match self {
            Bound::Count(i) => i.to_string(),
            Bound::Percent(p) => format!("\"{p}%\""),
            Bound::BadString(s) => format!("\"{s}\""),
        }
    }

    pub fn is_percent(&self) -> bool {
        matches!(self, Bound::Percent(_))
    }
}

/// The resolved bounds of one rolling update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fenceposts {
    pub surge: u32,
    pub unavailable: u32,
    /// Both resolved to 0 and the controller uses `unavailable = 1` instead.
    pub forced: bool,
}

/// A Deployment's bounds for `replicas` (`ResolveFenceposts`).
pub fn deployment_fenceposts(max_surge: &Bound, max_unavailable: &Bound, replicas: u32) -> Option<Fenceposts> {
    let surge = max_surge.scaled(replicas, true)?;
    let unavailable = max_unavailable.scaled(replicas, false)?;
    Some(if surge == 0 && unavailable == 0 {
        Fenceposts { surge, unavailable: 1, forced: true }
    } else {
        Fenceposts { surge, unavailable, forced: false }
    })
}

/// A DaemonSet's bounds for `nodes` that should run the pod (`SurgeCount`, `UnavailableCount`,
/// `updatedDesiredNodeCounts`).
pub fn daemon_set_fenceposts(max_surge: &Bound, max_unavailable: &Bound, nodes: u32) -> Option<Fenceposts> {
    let surge = max_surge.scaled(nodes, true)?;
    let unavailable = max_unavailable.scaled(nodes, true)?;
    Some(if nodes > 0 && surge == 0 && unavailable == 0 {
        Fenceposts { surge, unavailable: 1, forced: true }
    } else {
        Fenceposts { surge, unavailable, forced: false }
    })
}

/// Whose default an unwritten bound is: the current API's.
pub const API_DEFAULT: &str = "the API's default";
/// Filled in from a removed API version's defaults (`extensions/v1beta1` Deployments: 1).
pub const OLD_API_DEFAULT: &str = "the old API's default";

/// One of the two bounds of a rolling update: its value and where it comes from (written, or
/// whose default, at the key of its nearest existing parent).
#[derive(Debug, Clone)]
pub struct Field {
    /// `maxSurge` or `maxUnavailable`.
    pub name: &'static str,
    pub value: Sourced<Bound>,
}

impl Field {
    pub fn bound(&self) -> &Bound {
        &self.value.value
    }

    /// The value when written, else the key of its nearest existing parent.
    pub fn loc(&self) -> Loc {
        self.value.place().loc
    }

    pub fn written(&self) -> bool {
        !self.value.is_default()
    }

    /// `maxSurge 25% by default`, `maxUnavailable 0`, `maxSurge 1 (the old API's default)`.
    pub fn describe(&self) -> String {
        match self.value.whose() {
            None => format!("{} {}", self.name, self.bound().show()),
            Some(API_DEFAULT) => format!("{} {} by default", self.name, self.bound().show()),
            Some(whose) => format!("{} {} ({whose})", self.name, self.bound().show()),
        }
    }

    /// `maxSurge 25% by default → 1`: the arrow only when a percentage was scaled.
    pub fn describe_resolved(&self, value: u32) -> String {
        if self.bound().is_percent() { format!("{} → {value}", self.describe()) } else { self.describe() }
    }
}

/// A workload's update strategy, read as the API server defaults it.
#[derive(Debug, Clone)]
pub enum Strategy {
    /// `Recreate` (Deployment) or `OnDelete` (DaemonSet): no rolling bounds.
    NotRolling(&'static str),
    Rolling {
        max_surge: Field,
        max_unavailable: Field,
    },
    /// A `type` the API server refuses (reported by `rolling-update-invalid`).
    BadType(String, Loc),
}

const DEPLOYMENT_STRATEGY: &str = "strategy";
const DAEMON_SET_STRATEGY: &str = "updateStrategy";

fn field(
    obj: &Object,
    id: ObjId,
    strategy_key: &'static str,
    name: &'static str,
    value: Option<&IntOrString>,
    default: Bound,
) -> Field {
    let path = [PathSeg::Key("spec"), PathSeg::Key(strategy_key), PathSeg::Key("rollingUpdate"), PathSeg::Key(name)];
    let in_tree = obj.node(&path).is_some();
    let at = Place { loc: obj.loc_at(&path), obj: id };
    let value = match value {
        Some(v) if in_tree => Sourced::written(Bound::of(v), at),
        Some(v) => Sourced::default(Bound::of(v), OLD_API_DEFAULT, at),
        None => Sourced::default(default, API_DEFAULT, at),
    };
    Field { name, value }
}

/// The place of the strategy's `type` (or the nearest parent).
pub fn type_loc(obj: &Object, daemon_set: bool) -> Loc {
    let key = if daemon_set { DAEMON_SET_STRATEGY } else { DEPLOYMENT_STRATEGY };
    obj.loc_at(&[PathSeg::Key("spec"), PathSeg::Key(key), PathSeg::Key("type")])
}

/// The place of `rollingUpdate` (its key, or the nearest parent's).
pub fn rolling_update_loc(obj: &Object, daemon_set: bool) -> Loc {
    let key = if daemon_set { DAEMON_SET_STRATEGY } else { DEPLOYMENT_STRATEGY };
    obj.key_loc(&[PathSeg::Key("spec"), PathSeg::Key(key), PathSeg::Key("rollingUpdate")])
}

pub fn deployment_strategy(obj: &Object, id: ObjId, d: &DeploymentRollout) -> Strategy {
    let strategy = d.strategy.as_ref();
    let ty = strategy.and_then(|s| s.type_.as_deref()).unwrap_or_default();
    match ty {
        "" | "RollingUpdate" => {
            let ru = strategy.and_then(|s| s.rolling_update.as_ref());
            Strategy::Rolling {
                max_surge: field(
                    obj,
                    id,
                    DEPLOYMENT_STRATEGY,
                    "maxSurge",
                    ru.and_then(|r| r.max_surge.as_ref()),
                    Bound::Percent(25),
                ),
                max_unavailable: field(
                    obj,
                    id,
                    DEPLOYMENT_STRATEGY,
                    "maxUnavailable",
                    ru.and_then(|r| r.max_unavailable.as_ref()),
                    Bound::Percent(25),
                ),
            }
        }
        "Recreate" => Strategy::NotRolling("Recreate"),
        other => Strategy::BadType(other.to_owned(), type_loc(obj, false)),
    }
}

pub fn daemon_set_strategy(obj: &Object, id: ObjId, ds: &DaemonSetRollout) -> Strategy {
    let strategy = ds.update_strategy.as_ref();
    let ty = strategy.and_then(|s| s.type_.as_deref()).unwrap_or_default();
    match ty {
        "" | "RollingUpdate" => {
            let ru = strategy.and_then(|s| s.rolling_update.as_ref());
            Strategy::Rolling {
                max_surge: field(
                    obj,
                    id,
                    DAEMON_SET_STRATEGY,
                    "maxSurge",
                    ru.and_then(|r| r.max_surge.as_ref()),
                    Bound::Count(0),
                ),
                max_unavailable: field(
                    obj,
                    id,
                    DAEMON_SET_STRATEGY,
                    "maxUnavailable",
                    ru.and_then(|r| r.max_unavailable.as_ref()),
                    Bound::Count(1),
                ),
            }
        }
        "OnDelete" => Strategy::NotRolling("OnDelete"),
        other => Strategy::BadType(other.to_owned(), type_loc(obj, true)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(p: u64) -> Bound {
        Bound::Percent(p)
    }

    #[test]
    fn deployment_defaults_follow_the_table_of_domain_2_3() {
        // replicas → (surge, unavailable) for 25%/25%.
        let table = [(1, 1, 0), (2, 1, 0), (3, 1, 0), (4, 1, 1), (5, 2, 1), (6, 2, 1), (7, 2, 1), (8, 2, 2)];
        for (n, surge, unavailable) in table {
            let f = deployment_fenceposts(&pct(25), &pct(25), n).unwrap();
            assert_eq!((f.surge, f.unavailable, f.forced), (surge, unavailable, false), "replicas {n}");
        }
    }

    #[test]
    fn deployment_percentages_round_surge_up_and_unavailable_down() {
        assert_eq!(
            deployment_fenceposts(&pct(10), &pct(10), 9).unwrap(),
            Fenceposts { surge: 1, unavailable: 0, forced: false }
        );
        assert_eq!(
            deployment_fenceposts(&pct(10), &pct(10), 10).unwrap(),
            Fenceposts { surge: 1, unavailable: 1, forced: false }
        );
        assert_eq!(
            deployment_fenceposts(&pct(50), &pct(50), 3).unwrap(),
            Fenceposts { surge: 2, unavailable: 1, forced: false }
        );
        assert_eq!(
            deployment_fenceposts(&pct(100), &pct(0), 3).unwrap(),
            Fenceposts { surge: 3, unavailable: 0, forced: false }
        );
        // Both resolve to 0: the controller uses unavailable 1.
        assert_eq!(
            deployment_fenceposts(&pct(0), &pct(25), 3).unwrap(),
            Fenceposts { surge: 0, unavailable: 1, forced: true }
        );
    }

    #[test]
    fn deployment_explicit_values() {
        let f = deployment_fenceposts(&Bound::Count(1), &Bound::Count(0), 3).unwrap();
        assert_eq!((f.surge, f.unavailable), (1, 0));
        let f = deployment_fenceposts(&Bound::Count(0), &Bound::Count(1), 3).unwrap();
        assert_eq!((f.surge, f.unavailable), (0, 1));
        assert_eq!(deployment_fenceposts(&Bound::Count(-1), &Bound::Count(1), 3), None);
        assert_eq!(deployment_fenceposts(&Bound::BadString("1".into()), &Bound::Count(1), 3), None);
    }

    #[test]
    fn daemon_set_percentages_round_both_up() {
        assert_eq!(
            daemon_set_fenceposts(&pct(10), &Bound::Count(0), 3).unwrap(),
            Fenceposts { surge: 1, unavailable: 0, forced: false }
        );
        assert_eq!(
            daemon_set_fenceposts(&Bound::Count(0), &pct(1), 1).unwrap(),
            Fenceposts { surge: 0, unavailable: 1, forced: false }
        );
        assert_eq!(
            daemon_set_fenceposts(&Bound::Count(0), &pct(0), 5).unwrap(),
            Fenceposts { surge: 0, unavailable: 1, forced: true }
        );
        assert_eq!(
            daemon_set_fenceposts(&pct(25), &Bound::Count(0), 8).unwrap(),
            Fenceposts { surge: 2, unavailable: 0, forced: false }
        );
    }

    #[test]
    fn bounds_read_as_the_api_server_reads_them() {
        assert_eq!(Bound::of(&IntOrString::String("25%".into())), pct(25));
        assert_eq!(Bound::of(&IntOrString::String("0%".into())), pct(0));
        assert!(Bound::of(&IntOrString::String("0%".into())).is_zero());
        assert!(Bound::of(&IntOrString::Int(0)).is_zero());
        assert!(!Bound::of(&IntOrString::String("1".into())).is_zero());
        assert!(Bound::of(&IntOrString::String("1".into())).invalid().is_some());
        assert!(Bound::of(&IntOrString::String("-10%".into())).invalid().is_some());
        assert!(Bound::of(&IntOrString::String("%".into())).invalid().is_some());
        assert!(Bound::of(&IntOrString::Int(-1)).invalid().is_some());
        assert!(Bound::of(&IntOrString::String("101%".into())).over_100_percent());
        assert!(!Bound::of(&IntOrString::String("100%".into())).over_100_percent());
    }
}
