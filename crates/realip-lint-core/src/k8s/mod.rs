//! Kubernetes objects and the model that links them.

pub mod kinds;
pub mod load;
pub mod model;
pub(crate) mod nodes;
pub(crate) mod object;
pub(crate) mod provenance;
pub(crate) mod rollout;
pub(crate) mod spread;
pub mod worlds;
