#!/usr/bin/env bash
# The language server in a real editor: Neovim, headless, runs tests/nvim/e2e.lua against the
# binary given (default: target/debug/kubectl-realip_lint). Exits non-zero when a step fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(realpath "${1:-target/debug/kubectl-realip_lint}")"
[ -x "$bin" ] || { echo "no binary at $bin: build it first (cargo test --workspace builds it)"; exit 1; }
command -v nvim >/dev/null || { echo "nvim is required (Debian: apt-get install neovim)"; exit 1; }
nvim --version | sed -n 1p
# No user config, no plugins, no shada or swap files: nothing outside the test is read or written.
REALIP_LINT_BIN="$bin" timeout 120 nvim --headless -u NONE -i NONE -n -c "luafile tests/nvim/e2e.lua"
