//! The output formats every face writes: one home, so a format added here works in the CLI, the
//! Wasm module and the pre-commit hook alike.
//!
//! `human` (miette reports for a terminal) sits behind the `human` feature: the plugin turns it on,
//! the Wasm build leaves miette out.

#[cfg(feature = "human")]
pub mod human;

/// A source name that is not a path on disk: `<stdin>`, `<kustomize DIR>`, `<cluster CONTEXT>`.
pub fn is_stream_name(name: &str) -> bool {
    name.starts_with('<') && name.ends_with('>')
}
