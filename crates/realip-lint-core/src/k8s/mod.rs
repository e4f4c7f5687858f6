//! Kubernetes objects and the model that links them.

pub mod kinds;
pub mod load;
pub mod model;
pub mod nodes;
pub mod object;
pub mod provenance;
pub mod rollout;
pub mod spread;
pub mod worlds;
