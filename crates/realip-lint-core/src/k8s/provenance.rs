//! A value and where it came from, in a leaf module that imports nothing of the model (so
//! `implementations` and `model` both use it without depending on each other for it). One type
//! serves every lookup: a [`Sourced`] value is written at a place, or is the default of someone
//! (an implementation, its CRD, the HPA) with the place a user would write it; a [`Setting`] is a
//! lookup that may also be [`Unknown`] (the input does not show it). Ingress controllers' and
//! Gateway data planes' PROXY protocol settings are `Setting`s; a Gateway data plane's Service
//! type, traffic policy and pod count, and a rolling update's bounds (`k8s::rollout`), are
//! `Sourced`.

use super::object::Place;

/// A value and where it came from.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}

/// Where a value came from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// Written at this place.
    Written(Place),
    /// Written nowhere: the default of `whose` (`Envoy Gateway's default`); `at` is where a user
    /// would write it (the config object read, the controller workload, or the Gateway's
    /// `gatewayClassName` when no config object is in the input).
    Default { whose: String, at: Place },
}

/// A value the input cannot show, with where it lives instead.
#[derive(Debug, Clone)]
pub struct Unknown(pub String);

/// A setting looked up in the input: known (with its origin) or not knowable from the input.
pub type Setting<T> = Result<Sourced<T>, Unknown>;

impl<T> Sourced<T> {
    pub fn written(value: T, at: Place) -> Self {
        Sourced { value, origin: Origin::Written(at) }
    }

    pub fn default(value: T, whose: impl Into<String>, at: Place) -> Self {
        Sourced { value, origin: Origin::Default { whose: whose.into(), at } }
    }

    /// Where it is written, or where a user would write it.
    pub fn place(&self) -> Place {
        match &self.origin {
            Origin::Written(at) | Origin::Default { at, .. } => *at,
        }
    }

    /// Where it is written; `None` for a default.
    pub fn written_at(&self) -> Option<Place> {
        match &self.origin {
            Origin::Written(at) => Some(*at),
            Origin::Default { .. } => None,
        }
    }

    pub fn is_default(&self) -> bool {
        matches!(self.origin, Origin::Default { .. })
    }

    /// Whose default it is (`None`: written).
    pub fn whose(&self) -> Option<&str> {
        match &self.origin {
            Origin::Written(_) => None,
            Origin::Default { whose, .. } => Some(whose),
        }
    }
}

/// A setting that is unknown for this reason.
pub fn unknown<T>(why: impl Into<String>) -> Setting<T> {
    Err(Unknown(why.into()))
}
