#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what it needs, then runs every test.
# Needs ../shared/corpus beside the checkout (or REALIP_CORPUS) and kubectl on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain (rust-toolchain.toml: stable + wasm32-unknown-unknown)"
rustc -V
rustup target add wasm32-unknown-unknown >/dev/null

step "tools the end-to-end tests drive"
command -v kubectl >/dev/null || { echo "kubectl is required (the plugin test runs the real kubectl)"; exit 1; }
kubectl version --client 2>/dev/null | sed -n 1p
corpus="${REALIP_CORPUS:-../shared/corpus}"
[ -d "$corpus/real" ] || { echo "the corpus is missing at $corpus: a missing corpus is a failure"; exit 1; }

step "unit, fixture, CLI, kubectl and corpus tests"
cargo test --workspace

step "the lint core builds for wasm32-unknown-unknown"
cargo build -p realip-lint-core --target wasm32-unknown-unknown

step "fuzz smoke: one target for a minute, so the fuzzers stay buildable"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2
(cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run --dev lint_bytes -- -max_total_time="${FUZZ_SECONDS:-60}" -rss_limit_mb=2048)

step "all tests passed"
