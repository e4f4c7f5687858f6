//! The kubectl plugin's pieces, shared by its binary and its tests.

pub mod args;
pub mod docs;
pub mod render;
pub mod walk;
