//! Kubernetes objects and the model that links them.

pub mod gateway;
pub mod kinds;
pub mod load;
pub mod model;
pub mod nodes;
pub mod object;
pub mod proxies;
pub mod rollout;
pub mod spread;
pub mod worlds;
