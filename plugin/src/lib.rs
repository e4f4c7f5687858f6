//! The kubectl plugin's pieces, shared by its binary and its tests.

pub mod args;
pub mod config;
pub mod docs;
pub mod kubectl;
pub mod render;
pub mod walk;
