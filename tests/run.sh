#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what it needs, then runs every test.
# Needs ../shared/corpus beside the checkout (or REALIP_CORPUS), kubectl, Node 18.3+ with npm,
# and Python 3 on PATH. Installs the wasm32 target, wasm-bindgen-cli (crates.io), binaryen (npm)
# and pre-commit (PyPI) into ~/.cache/realip-lint (or $REALIP_TOOLS), and cargo-fuzz, when they
# are missing; Debian's chromium (apt-get, as root) and the playground's npm packages
# (wasm/playground/package-lock.json) for the browser test; Debian's neovim for the editor test.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step says when it starts (seconds since the start), so a slow CI run shows where.
step() { printf '\n==> [%4ds] %s\n' "$SECONDS" "$*"; }
tools="${REALIP_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/realip-lint}"
pre_commit_version=4.7.0

step "toolchain (rust-toolchain.toml: stable + wasm32-unknown-unknown)"
rustc -V
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

step "tools the end-to-end tests drive"
command -v kubectl >/dev/null || { echo "kubectl is required (the plugin test runs the real kubectl)"; exit 1; }
kubectl version --client 2>/dev/null | sed -n 1p
command -v node >/dev/null && command -v npm >/dev/null ||
    { echo "Node 18.3+ and npm are required (the Wasm module, its runner and the pre-commit hook run in Node)"; exit 1; }
echo "node $(node --version), npm $(npm --version)"
command -v python3 >/dev/null || { echo "Python 3 is required (pre-commit)"; exit 1; }
corpus="${REALIP_CORPUS:-../shared/corpus}"
[ -d "$corpus/real" ] || { echo "the corpus is missing at $corpus: a missing corpus is a failure"; exit 1; }

# A run of the suite must leave the checkout as it found it (tracked files and untracked ones
# git does not ignore): compared at the end.
tree_state() { { git diff HEAD --binary; git ls-files --others --exclude-standard; } | sha256sum; }
tree_before=$(tree_state)

step "every lock file is current: builds use them as committed (--locked)"
cargo metadata --locked --format-version 1 >/dev/null
(cd fuzz && cargo metadata --locked --format-version 1 >/dev/null)

step "the Wasm module: a fresh build must equal the committed wasm/pkg"
bash wasm/build.sh
# Against the index, which is the commit in CI (a fresh clone); untracked files count too.
if ! git diff --quiet -- wasm/pkg || [ -n "$(git ls-files --others --exclude-standard -- wasm/pkg)" ]; then
    git diff --stat -- wasm/pkg
    git ls-files --others --exclude-standard -- wasm/pkg
    echo "error: the committed wasm/pkg differs from a fresh build: run \`bash wasm/build.sh\` and commit wasm/pkg"
    exit 1
fi
echo "wasm/pkg is the fresh build"

step "unit, fixture, CLI, kubectl, corpus and native-vs-Wasm parity tests"
cargo test --workspace --locked

step "the Node runner and the built module (node --test)"
node --test wasm/runner/

step "the playground in a real browser (Debian's chromium, playwright-core)"
if [ ! -x /usr/bin/chromium ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version
(cd wasm/playground && npm ci --quiet --no-audit --no-fund && npm run --silent build && node --test test/)

step "both pre-commit hooks, with the real pre-commit $pre_commit_version from PyPI"
venv="$tools/venv-pre-commit-$pre_commit_version"
if [ "$("$venv/bin/pre-commit" --version 2>/dev/null)" != "pre-commit $pre_commit_version" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit==$pre_commit_version"
fi
# The binary `cargo test --workspace` built; `cargo build -p` alone would unify features
# differently and rebuild the crates (minutes on two cores).
[ -x target/debug/kubectl-realip_lint ] || { echo "target/debug/kubectl-realip_lint was not built"; exit 1; }
PATH="$PWD/target/debug:$PATH" bash tests/pre-commit.sh "$venv/bin/pre-commit"

step "the language server in a real editor (Debian's Neovim, headless)"
if ! command -v nvim >/dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq neovim >/dev/null
fi
bash tests/nvim/run.sh target/debug/kubectl-realip_lint

step "fuzz smoke: one target for a minute, so the fuzzers stay buildable"
# --debug: the tool compiles in half the time, and its own speed does not matter.
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --debug --quiet
# No sanitizer in the smoke: the code forbids `unsafe`, so AddressSanitizer adds build time and
# little else here; the long runs of the README keep it.
(cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run --dev --sanitizer none lint_bytes -- -max_total_time="${FUZZ_SECONDS:-60}" -rss_limit_mb=2048)

step "the README's first command, run literally as it stands in the README"
first=$(awk '/^## Set up/{f=1} f && /^```sh/{getline; print; exit}' README.md | sed 's/[[:space:]]*#.*$//')
[ -n "$first" ] || { echo "no first command found under the README's \`## Set up\`"; exit 1; }
echo "\$ $first"
set +e
out=$(bash -c "$first" 2>&1)
code=$?
set -e
printf '%s\n' "$out" | tail -n 3
# The examples show the pitfalls: exit 1, with findings of the rules they are written for.
[ "$code" = 1 ] || { echo "the README's first command exited $code, not 1"; printf '%s\n' "$out"; exit 1; }
for rule in external-service-cluster-policy hard-anti-affinity-replicas-exceed-nodes ingress-controller-cluster-policy; do
    grep -q "$rule" <<<"$out" || { echo "the README's first command did not report $rule"; exit 1; }
done

step "the suite left the checkout as it found it"
if [ "$(tree_state)" != "$tree_before" ]; then
    git status --short
    echo "error: running the suite changed files of the checkout (a stale lock file? a build writing into the tree?)"
    exit 1
fi

step "all tests passed"
