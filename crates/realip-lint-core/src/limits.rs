//! Limits that keep every input bounded in time and memory. Each has a default that no real
//! manifest comes near, is set with `limits:` in `.realip-lint.yaml`, and is named in the message
//! of the diagnostic that reports it.

/// What one run accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest file read, in bytes (`limits.file-bytes`).
    pub file_bytes: usize,
    /// The most documents read from one file (`limits.documents`).
    pub documents: usize,
    /// The deepest nesting of flow or block collections (`limits.nesting`).
    pub nesting: usize,
    /// The most nodes that aliases may expand to in one file (`limits.alias-nodes`).
    pub alias_nodes: usize,
}

/// Nesting deeper than this could exhaust a Wasm stack in the recursive tree walks.
pub const MAX_NESTING: usize = 1000;

impl Default for Limits {
    fn default() -> Self {
        Self { file_bytes: 64 * 1024 * 1024, documents: 50_000, nesting: 255, alias_nodes: 100_000 }
    }
}

impl Limits {
    /// The sentence that says how to raise a limit.
    pub fn raise_hint(key: &str) -> String {
        format!("raise it with `limits: {{{key}: …}}` in .realip-lint.yaml")
    }
}
