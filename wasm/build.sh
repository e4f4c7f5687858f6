#!/usr/bin/env bash
# Build the Wasm module and its JavaScript glue into wasm/pkg/{node,web}: the one command.
#
# The output is committed (pre-commit installs the Node hook from a git checkout, with no build
# step), so the build is reproducible and CI rebuilds it and fails on any difference:
#   - the toolchain is checked against the exact `rustc -V` below;
#   - the checkout and Cargo's registry are remapped (`--remap-path-prefix`), so the bytes do not
#     depend on where the repository or CARGO_HOME is;
#   - the wasm-bindgen CLI is the exact version of the `wasm-bindgen` crate in Cargo.lock
#     (installed from crates.io into a per-version folder if missing);
#   - wasm-opt comes from the npm package `binaryen`, pinned by wasm/tools/package-lock.json
#     (Debian's binaryen writes modules that no longer instantiate).
# Prints the module's size, raw and gzipped.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd -P)"

# Bump together with a rebuild of wasm/pkg, in one commit: another rustc makes other bytes.
rustc_pinned="rustc 1.95.0 (59807616e 2026-04-14)"
crate=realip_lint_wasm
out=wasm/pkg
tools="${REALIP_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/realip-lint}"

step() { printf '==> %s\n' "$*"; }

step "toolchain"
rustc_actual="$(rustc -V)"
if [ "$rustc_actual" != "$rustc_pinned" ]; then
    echo "error: wasm/pkg is built with \`$rustc_pinned\`, this is \`$rustc_actual\`." >&2
    echo "       Another compiler writes other bytes: bump rustc_pinned in wasm/build.sh and commit the rebuilt wasm/pkg." >&2
    exit 1
fi
echo "$rustc_actual"
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi

step "wasm-bindgen CLI at the crate's version"
wb_version="$(cargo pkgid --locked wasm-bindgen | sed 's/.*[@#]//')"
wb="$tools/wasm-bindgen-cli-$wb_version/bin/wasm-bindgen"
if [ "$(command -v wasm-bindgen >/dev/null && wasm-bindgen --version)" = "wasm-bindgen $wb_version" ]; then
    wb="$(command -v wasm-bindgen)"
elif [ "$("$wb" --version 2>/dev/null)" != "wasm-bindgen $wb_version" ]; then
    echo "installing wasm-bindgen-cli $wb_version into $tools (a few minutes, once)"
    # Not --locked: that fails against the registry mirror; the CLI's version is what must match.
    # --debug: it compiles in 2 minutes instead of 5 on two cores, writes the same bytes (checked),
    # and takes 2 s instead of 0.5 s per target here.
    cargo install wasm-bindgen-cli --version "$wb_version" --root "$tools/wasm-bindgen-cli-$wb_version" \
        --target-dir "$tools/build-wasm-bindgen-cli" --debug --quiet
    rm -rf "$tools/build-wasm-bindgen-cli"
fi
"$wb" --version

step "wasm-opt from the npm package binaryen (wasm/tools/package-lock.json)"
binaryen_pinned="$(node -p "require('./wasm/tools/package-lock.json').packages['node_modules/binaryen'].version")"
binaryen_installed="$(node -p "require('./wasm/tools/node_modules/binaryen/package.json').version" 2>/dev/null || true)"
if [ "$binaryen_installed" != "$binaryen_pinned" ]; then
    (cd wasm/tools && npm ci --no-audit --no-fund --loglevel=error)
fi
wasm_opt="$root/wasm/tools/node_modules/.bin/wasm-opt"
"$wasm_opt" --version

step "cargo build --target wasm32-unknown-unknown --profile wasm"
# Remap every path that could reach the binary (panic locations): the checkout, and each source
# folder of Cargo's registry (its name carries a hash of the registry URL). The standard library
# is already /rustc/<commit>.
flags=("--remap-path-prefix=$root=/realip-lint")
cargo_home="$(cd "${CARGO_HOME:-$HOME/.cargo}" && pwd -P)"
for src in "$cargo_home"/registry/src/*/; do
    [ -d "$src" ] && flags+=("--remap-path-prefix=${src%/}=/cargo/registry/src")
done
CARGO_ENCODED_RUSTFLAGS="$(IFS=$'\x1f'; echo "${flags[*]}")" \
    cargo build --locked -p realip-lint-wasm --target wasm32-unknown-unknown --profile wasm
module="target/wasm32-unknown-unknown/wasm/$crate.wasm"

step "wasm-bindgen --target nodejs and --target web, then wasm-opt"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$wb" --target nodejs --out-dir "$tmp/node" "$module"
"$wb" --target web --out-dir "$tmp/web" "$module"
# Both targets get the same module; optimise it once.
cmp -s "$tmp/node/${crate}_bg.wasm" "$tmp/web/${crate}_bg.wasm" || {
    echo "error: wasm-bindgen wrote different modules for nodejs and web" >&2
    exit 1
}
"$wasm_opt" -O3 "$tmp/node/${crate}_bg.wasm" -o "$tmp/opt.wasm"
cp "$tmp/opt.wasm" "$tmp/node/${crate}_bg.wasm"
cp "$tmp/opt.wasm" "$tmp/web/${crate}_bg.wasm"
# The web glue is an ES module: say so to Node and bundlers (the root package is CommonJS).
printf '{\n  "type": "module"\n}\n' >"$tmp/web/package.json"
cat >"$tmp/BUILD.txt" <<EOF
Built by wasm/build.sh; do not edit. Reproduce with: bash wasm/build.sh
$rustc_pinned, target wasm32-unknown-unknown, profile wasm, --remap-path-prefix <checkout>=/realip-lint
wasm-bindgen $wb_version (--target nodejs, --target web)
wasm-opt -O3 from npm binaryen $binaryen_pinned
EOF
rm -rf "$out"
mkdir -p "$out"
mv "$tmp/node" "$tmp/web" "$tmp/BUILD.txt" "$out/"

raw="$(wc -c <"$out/node/${crate}_bg.wasm")"
gz="$(gzip -9 -n -c "$out/node/${crate}_bg.wasm" | wc -c)"
step "$out/{node,web}/${crate}_bg.wasm: $raw bytes raw, $gz bytes gzipped (gzip -9)"
