#!/usr/bin/env bash
# The release build, for real: scripts/release.sh cross-builds the static Linux binaries (musl,
# amd64 and arm64), packs them, writes SHA256SUMS and the krew manifest; this checks each binary
# is static (no dynamic interpreter), runs the arm64 one through qemu-user and compares its output
# with the native one byte for byte, runs the amd64 one in an empty root (what the container
# image's `scratch` stage holds), and checks the archives, sums and manifest.
#
#   bash tests/release.sh
#
# Not part of tests/run.sh (two release builds take minutes); run it when scripts/release.sh,
# the Dockerfile, the krew manifest or the release workflow change. Needs, from Debian (installed
# with apt-get when missing, as root): gcc-aarch64-linux-gnu, qemu-user, file (and podman, if
# installed, builds the Dockerfile's final stage from the musl binary); and the two musl
# targets (rustup target add); check-jsonschema (PyPI, into ~/.cache/realip-lint) validates the
# workflow and action.yml against GitHub's schemas. Reuses target/ (each target builds once).
# The repository's files are not touched: the manifest and README are written in a temp folder.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd -P)"
step() { printf '\n==> [%4ds] %s\n' "$SECONDS" "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

step "tools: Debian's cross linker and qemu-user, the musl targets"
missing=()
command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
command -v file >/dev/null || missing+=(file)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
for t in x86_64-unknown-linux-musl aarch64-unknown-linux-musl; do
    rustup target list --installed | grep -qx "$t" || rustup target add "$t"
done
[ "$(uname -m)" = x86_64 ] || fail "this test cross-builds from x86_64 (here: $(uname -m))"
rustc -V; aarch64-linux-gnu-gcc --version | sed -n 1p; qemu-aarch64 --version | sed -n 1p

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export REALIP_RELEASE_DIST="$work/dist" REALIP_RELEASE_MANIFEST="$work/realip-lint.yaml" REALIP_RELEASE_README="$work/README.md"
cp plugin/krew/realip-lint.yaml "$REALIP_RELEASE_MANIFEST"
cp README.md "$REALIP_RELEASE_README"
version="$(bash scripts/release.sh version)"

step "bash scripts/release.sh (build, pack, sums) for this machine's targets"
bash scripts/release.sh
amd="target/x86_64-unknown-linux-musl/release/kubectl-realip_lint"
arm="target/aarch64-unknown-linux-musl/release/kubectl-realip_lint"

step "static binaries: no dynamic interpreter, no shared libraries"
for bin in "$amd" "$arm"; do
    info="$(file -b "$bin")"
    echo "$bin: $info"
    case "$info" in *"static-pie linked"* | *"statically linked"*) ;; *) fail "$bin is not static: $info" ;; esac
    case "$info" in *interpreter*) fail "$bin has a dynamic interpreter: $info" ;; esac
    ! readelf -lW "$bin" | grep -q INTERP || fail "$bin has a PT_INTERP header"
    ! readelf -dW "$bin" | grep -q NEEDED || fail "$bin needs shared libraries"
    # --remap-path-prefix: neither the checkout nor Cargo's home is in the binary.
    ! grep -a -q -e "$repo" -e "$(cd "${CARGO_HOME:-$HOME/.cargo}" && pwd -P)" "$bin" || fail "$bin holds a build path"
done
file -b "$amd" | grep -q 'x86-64' || fail "$amd is not x86-64"
file -b "$arm" | grep -q 'ARM aarch64' || fail "$arm is not aarch64"

step "arm64 through qemu-user: the same version and, byte for byte, the same output as amd64"
[ "$(qemu-aarch64 "$arm" --version)" = "$("$amd" --version)" ] || fail "--version differs"
"$amd" --version
same() {
    local label=$1; shift
    local a_code=0 b_code=0
    "$amd" "$@" >"$work/amd.out" 2>"$work/amd.err" || a_code=$?
    qemu-aarch64 "$arm" "$@" >"$work/arm.out" 2>"$work/arm.err" || b_code=$?
    cmp "$work/amd.out" "$work/arm.out" || { diff "$work/amd.out" "$work/arm.out" | head -20; fail "$label: stdout differs"; }
    cmp "$work/amd.err" "$work/arm.err" || fail "$label: stderr differs"
    [ "$a_code" = "$b_code" ] || fail "$label: exit $a_code on amd64, $b_code on arm64"
    [ -s "$work/amd.out" ] || fail "$label: no output"
    echo "$label: identical ($(wc -c <"$work/amd.out") bytes, exit $a_code)"
}
same "-f examples/" -f examples/
same "-f examples/ -R -o json" -f examples/ -R -o json
same "-f examples/ -o sarif --nodes 3" -f examples/ -o sarif --nodes 3
same "trace -f examples/" trace -f examples/
same "rules -o json" rules -o json

step "the amd64 binary alone in an empty root (the container image's scratch stage)"
root="$work/root"
mkdir -p "$root/work"
cp "$amd" "$root/kubectl-realip_lint"
cp LICENSE "$root/LICENSE"
cp examples/nodeport-cluster.yaml "$root/work/"
if chroot "$root" /kubectl-realip_lint --version >/dev/null 2>&1; then
    chroot "$root" /kubectl-realip_lint --version
    code=0
    chroot "$root" /kubectl-realip_lint -f /work/nodeport-cluster.yaml -o json >"$work/chroot.out" || code=$?
    [ "$code" = 1 ] || fail "lint in the empty root: exit $code"
    grep -q '"external-service-cluster-policy"' "$work/chroot.out" || fail "lint in the empty root: no finding"
    echo "lints in a root holding only the binary, LICENSE and the manifest"
else
    echo "chroot is not permitted here: the empty-root run is skipped (the static check above stands)"
fi

step "the Dockerfile's final stage, with podman when it is installed (base images cannot be pulled here)"
if command -v podman >/dev/null; then
    ctx="$work/image"
    mkdir -p "$ctx"
    cp "$amd" "$ctx/kubectl-realip_lint"
    cp LICENSE "$ctx/LICENSE"
    # The stage as written, its files taken from the musl build instead of the build stage.
    sed -n '/^FROM scratch$/,$p' Dockerfile | sed 's#^COPY --from=build /out/\([^ ]*\) #COPY \1 #' >"$ctx/Containerfile"
    grep -q '^COPY kubectl-realip_lint /kubectl-realip_lint$' "$ctx/Containerfile" || fail "the final stage: $(cat "$ctx/Containerfile")"
    tag="localhost/realip-lint-release-test:$$"
    podman build -q -t "$tag" "$ctx" >/dev/null
    [ "$(podman image inspect "$tag" --format '{{.Config.Entrypoint}} {{.Config.User}}')" = "[/kubectl-realip_lint] 65532:65532" ] ||
        fail "image config: $(podman image inspect "$tag" --format '{{.Config.Entrypoint}} {{.Config.User}}')"
    c="$(podman create "$tag")"
    files="$(podman export "$c" | tar -t | grep -v '/$' | sort | tr '\n' ' ')"
    podman rm "$c" >/dev/null
    [ "$files" = "LICENSE kubectl-realip_lint " ] || fail "the image holds: $files"
    echo "image: the binary and LICENSE only, entrypoint the binary, user 65532"
    if out="$(podman run --rm -i "$tag" -f - --stdin-filename svc.yaml -o json --fail-on never <examples/nodeport-cluster.yaml 2>&1)"; then
        echo "$out" | grep -q '"external-service-cluster-policy"' || fail "the container's lint: $out"
        echo "the container lints standard input"
    else
        echo "podman cannot run containers here: $(echo "$out" | tail -1)"
    fi
    podman rmi -f "$tag" >/dev/null
else
    echo "podman is not installed: skipped (apt-get install podman to check the image's final stage)"
fi

step "archives: the binary and LICENSE, reproducible; SHA256SUMS; the manifest"
for platform in linux-amd64 linux-arm64; do
    a="$REALIP_RELEASE_DIST/kubectl-realip_lint-$version-$platform.tar.gz"
    [ "$(tar -tzf "$a" | tr '\n' ' ')" = "kubectl-realip_lint LICENSE " ] || fail "$a holds $(tar -tzf "$a")"
done
mkdir "$work/x"
tar -xzf "$REALIP_RELEASE_DIST/kubectl-realip_lint-$version-linux-arm64.tar.gz" -C "$work/x"
cmp "$work/x/kubectl-realip_lint" "$arm" || fail "the arm64 archive does not hold the arm64 build"
(cd "$REALIP_RELEASE_DIST" && sha256sum -c SHA256SUMS)
[ "$(wc -l <"$REALIP_RELEASE_DIST/SHA256SUMS")" = 2 ] || fail "SHA256SUMS: $(cat "$REALIP_RELEASE_DIST/SHA256SUMS")"
before="$(sha256sum "$REALIP_RELEASE_DIST"/*.tar.gz)"
bash scripts/release.sh pack x86_64-unknown-linux-musl >/dev/null
bash scripts/release.sh pack aarch64-unknown-linux-musl >/dev/null
[ "$(sha256sum "$REALIP_RELEASE_DIST"/*.tar.gz)" = "$before" ] || fail "packing again changed the archives"
while read -r sha name; do
    grep -q "sha256: \"$sha\"" "$REALIP_RELEASE_MANIFEST" || fail "$name's sha256 is not in the manifest"
    grep -q "releases/download/$version/$name\$" "$REALIP_RELEASE_MANIFEST" || fail "$name's uri is not in the manifest"
done <"$REALIP_RELEASE_DIST/SHA256SUMS"
grep -c 'matchLabels:' "$REALIP_RELEASE_MANIFEST" | grep -qx 2 || fail "the manifest has not exactly the two Linux platforms"
if cmp -s "$REALIP_RELEASE_MANIFEST" plugin/krew/realip-lint.yaml; then
    echo "plugin/krew/realip-lint.yaml is this build's"
else
    echo "note: plugin/krew/realip-lint.yaml differs from this build's (the sources changed since it was written):"
    diff plugin/krew/realip-lint.yaml "$REALIP_RELEASE_MANIFEST" || true
fi

step "the workflow and the action against GitHub's schemas (check-jsonschema from PyPI, its bundled copies)"
tools="${REALIP_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/realip-lint}"
cj_version=0.39.0
venv="$tools/venv-check-jsonschema-$cj_version"
if [ ! -x "$venv/bin/check-jsonschema" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "check-jsonschema==$cj_version"
fi
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows .github/workflows/release.yml
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml

step "release build test passed"
