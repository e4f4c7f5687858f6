//! A value and where it came from: the two shapes the model carries today, in a leaf module that
//! imports nothing of the model (so `implementations` and `model` both use it without depending on
//! each other for it). `Setting` is what an ingress controller's settings lookup gives (written at a
//! place, the implementation's default, or unknown); `Sourced` is a Gateway data plane's value with
//! the place a default would be written. Merging them into one type (Written / Default / Unknown,
//! each default with its place and whose default it is) is the next step of #22.

use super::object::{ObjId, Place};
use crate::diagnostic::Loc;

/// A setting of a controller: written somewhere, defaulted, or not knowable from the input.
#[derive(Debug, Clone)]
pub enum Setting<T> {
    /// Written at this place, in this object.
    Set(T, Loc, ObjId),
    /// Not written: the implementation's default (with the config object read, if any).
    Default(T, Option<ObjId>),
    /// Lives where the input does not show (the reason says where).
    Unknown(String),
}

impl<T: Copy> Setting<T> {
    pub fn value(&self) -> Option<T> {
        match self {
            Setting::Set(v, ..) | Setting::Default(v, _) => Some(*v),
            Setting::Unknown(_) => None,
        }
    }
}

/// A value of the effective data plane and where it comes from.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    pub value: T,
    /// Where it is written; for a default, where a user would write it (the config object's
    /// field, or the Gateway's `gatewayClassName` when no config object is in the input).
    pub at: Place,
    /// `None`: written at `at`. `Some(whose)`: written nowhere; the default of `whose`
    /// (`Envoy Gateway's default`).
    pub default_of: Option<String>,
}

impl<T> Sourced<T> {
    pub fn written(value: T, at: Place) -> Self {
        Sourced { value, at, default_of: None }
    }

    pub fn default(value: T, at: Place, whose: impl Into<String>) -> Self {
        Sourced { value, at, default_of: Some(whose.into()) }
    }
}
