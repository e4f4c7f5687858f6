#!/usr/bin/env bash
# The release: static binaries for every platform, the archives krew and the GitHub Action
# download, their SHA256SUMS, and the krew manifest with every platform's sha256.
#
#   bash scripts/release.sh                  # here: build the targets this machine can build, pack, sum, write the manifest
#   bash scripts/release.sh build TARGET...  # cargo build --locked --release of kubectl-realip_lint for each target
#   bash scripts/release.sh pack TARGET [BINARY]   # the archive of TARGET (its built binary, or BINARY)
#   bash scripts/release.sh sums             # SHA256SUMS of the archives in the dist folder, and the krew manifest
#   bash scripts/release.sh targets          # the table below: target os arch
#   bash scripts/release.sh version          # vX.Y.Z, from Cargo.toml
#
# .github/workflows/release.yml runs `build` and `pack` on a native runner per target and `sums`
# once over all the archives; tests/release.sh runs the whole script here (linux amd64 and arm64,
# the latter through qemu-user). Every platform in the table is built by the workflow; a test
# (plugin/tests/krew.rs) checks the workflow, the manifest and this table name the same ones.
#
# Reproducible: the committed Cargo.lock (--locked), symbols stripped, the checkout and Cargo's
# registry remapped out of the binary (as wasm/build.sh does), and archives with sorted entries,
# fixed owner and mtime and gzip without a timestamp, so the same binary gives the same sha256.
#   REALIP_RELEASE_DIST      where the archives go (default: target/dist/)
#   REALIP_RELEASE_MANIFEST  the krew manifest to write (default: plugin/krew/realip-lint.yaml)
#   REALIP_RELEASE_README    the README whose install commands get the version (default: README.md; empty: none)
#   SOURCE_DATE_EPOCH        the archives' mtime (default: 0, so the sha256 depends on the binary only)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd -P)"
cd "$root"

# target, krew os, krew arch: the archive is kubectl-realip_lint-vX.Y.Z-<os>-<arch>.tar.gz.
TARGETS="x86_64-unknown-linux-musl linux amd64
aarch64-unknown-linux-musl linux arm64
x86_64-apple-darwin darwin amd64
aarch64-apple-darwin darwin arm64
x86_64-pc-windows-msvc windows amd64"

version="v$(awk -F'"' '/^\[workspace\.package\]/ {p = 1; next} /^\[/ {p = 0} p && /^version *=/ {print $2; exit}' Cargo.toml)"
[[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "release.sh: no version in Cargo.toml [workspace.package]" >&2; exit 1; }
dist="${REALIP_RELEASE_DIST:-$root/target/dist}"
manifest="${REALIP_RELEASE_MANIFEST:-$root/plugin/krew/realip-lint.yaml}"
readme="${REALIP_RELEASE_README-$root/README.md}"
repo_url=https://github.com/realip-lint/realip-lint

die() { echo "release.sh: $*" >&2; exit 1; }
platform_of() { awk -v t="$1" '$1 == t {print $2 "-" $3}' <<<"$TARGETS"; }
exe_of() { case "$1" in *-windows-*) echo kubectl-realip_lint.exe ;; *) echo kubectl-realip_lint ;; esac; }
archive_of() { echo "kubectl-realip_lint-$version-$(platform_of "$1").tar.gz"; }
sha256() { if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1; }
# GNU tar for reproducible archives (macOS runners have it as gtar).
gnu_tar() { if command -v gtar >/dev/null; then gtar "$@"; else tar "$@"; fi; }
native() { if command -v cygpath >/dev/null; then cygpath -w "$1"; else echo "$1"; fi; }

# The build: the same command in the workflow, in tests/release.sh and in the Dockerfile.
build() {
    local target=$1
    [ -n "$(platform_of "$target")" ] || die "unknown target $target (see: bash scripts/release.sh targets)"
    rustup target list --installed 2>/dev/null | grep -qx "$target" || rustup target add "$target"
    # A Linux target of another architecture than the host's links with Debian's cross gcc
    # (gcc-aarch64-linux-gnu, gcc-x86-64-linux-gnu) and Rust's own musl objects.
    local host arch var
    host="$(rustc -vV | sed -n 's/^host: //p')"
    arch="${target%%-*}"
    var="CARGO_TARGET_$(echo "$target" | tr 'a-z-' 'A-Z_')_LINKER"
    if [[ "$target" == *-linux-musl ]] && [ "${host%%-*}" != "$arch" ] && [ -z "${!var:-}" ]; then
        command -v "$arch-linux-gnu-gcc" >/dev/null ||
            die "no $arch linker: apt-get install gcc-$(echo "$arch" | tr _ -)-linux-gnu"
        export "$var=$arch-linux-gnu-gcc"
    fi
    # Remap every path that could reach the binary (panic locations): the checkout, and each
    # source folder of Cargo's registry (its name carries a hash of the registry URL).
    # rustc sees Windows paths where Git's bash shows /d/a/...: give it those (cygpath).
    local flags=("--remap-path-prefix=$(native "$root")=/realip-lint") cargo_home src
    cargo_home="$(cd "${CARGO_HOME:-$HOME/.cargo}" && pwd -P)"
    for src in "$cargo_home"/registry/src/*/; do
        [ -d "$src" ] && flags+=("--remap-path-prefix=$(native "${src%/}")=/cargo/registry/src")
    done
    # musl: a static binary (crt-static is the musl targets' default; said here so it stays so).
    # msvc: the C runtime linked in, so the .exe runs without the Visual C++ redistributable.
    case "$target" in *-musl | *-windows-msvc) flags+=("-Ctarget-feature=+crt-static") ;; esac
    CARGO_PROFILE_RELEASE_STRIP=symbols CARGO_ENCODED_RUSTFLAGS="$(IFS=$'\x1f'; echo "${flags[*]}")" \
        cargo build --locked --release -p kubectl-realip-lint --bin kubectl-realip_lint --target "$target"
    echo "$root/target/$target/release/$(exe_of "$target")"
}

pack() {
    local target=$1 bin=${2:-} exe name stage
    [ -n "$(platform_of "$target")" ] || die "unknown target $target"
    exe="$(exe_of "$target")"
    bin="${bin:-$root/target/$target/release/$exe}"
    [ -f "$bin" ] || die "no binary at $bin (bash scripts/release.sh build $target)"
    name="$(archive_of "$target")"
    gnu_tar --version 2>/dev/null | grep -q 'GNU tar' || die "GNU tar is needed for a reproducible archive (macOS: brew install gnu-tar)"
    stage="$(mktemp -d)"
    install -m 0755 "$bin" "$stage/$exe"
    install -m 0644 LICENSE "$stage/LICENSE"
    mkdir -p "$dist"
    gnu_tar --sort=name --mtime="@${SOURCE_DATE_EPOCH:-0}" --owner=0 --group=0 --numeric-owner --format=gnu \
        -C "$stage" -cf - "$exe" LICENSE | gzip -n >"$dist/$name"
    rm -rf "$stage"
    echo "$dist/$name"
}

# SHA256SUMS of every archive in dist, and the manifest: its text up to `platforms:` kept, the
# version set, and one platform per archive, in the table's order.
sums() {
    local target os arch name sha found=0 platforms="" tmp
    [ -d "$dist" ] || die "no $dist: nothing packed"
    : >"$dist/SHA256SUMS.tmp"
    while read -r target os arch; do
        name="$(archive_of "$target")"
        [ -f "$dist/$name" ] || continue
        found=$((found + 1))
        sha="$(sha256 "$dist/$name")"
        echo "$sha  $name" >>"$dist/SHA256SUMS.tmp"
        platforms+="    - selector:
        matchLabels:
          os: $os
          arch: $arch
      uri: $repo_url/releases/download/$version/$name
      sha256: \"$sha\"
      bin: $(exe_of "$target")
      files:
        - from: $(exe_of "$target")
          to: .
        - from: LICENSE
          to: .
"
    done <<<"$TARGETS"
    [ "$found" -gt 0 ] || die "no archive of $version in $dist"
    for name in "$dist"/kubectl-realip_lint-*.tar.gz; do
        grep -q "  ${name##*/}\$" "$dist/SHA256SUMS.tmp" || die "${name##*/} is no archive of $version for a platform of the table"
    done
    mv "$dist/SHA256SUMS.tmp" "$dist/SHA256SUMS"
    tmp="$(mktemp)"
    awk -v version="$version" '
        /^  version: / { print "  version: " version; next }
        /^  platforms:/ { print; done = 1; exit }
        { print }
        END { if (!done) exit 1 }
    ' "$manifest" >"$tmp" || { rm -f "$tmp"; die "no spec.platforms in $manifest"; }
    printf '%s' "$platforms" >>"$tmp"
    cat "$tmp" >"$manifest"
    rm -f "$tmp"
    if [ -n "$readme" ]; then
        # The install commands: release downloads, archive names and the action's tag.
        sed -E -i.bak -e "s#releases/download/v[0-9]+\.[0-9]+\.[0-9]+#releases/download/$version#g" \
            -e "s#kubectl-realip_lint-v[0-9]+\.[0-9]+\.[0-9]+-#kubectl-realip_lint-$version-#g" \
            -e "s#realip-lint/realip-lint@v[0-9]+\.[0-9]+\.[0-9]+#realip-lint/realip-lint@$version#g" "$readme"
        rm -f "$readme.bak"
    fi
    cat "$dist/SHA256SUMS"
    echo "($found platforms written into ${manifest#"$root"/})"
}

# What this machine builds: its own OS's targets (Linux: both musl targets, arm64 with the
# Debian cross linker; macOS: both darwin targets; Windows: its one).
here() {
    case "$(uname -s)" in
        Linux) echo x86_64-unknown-linux-musl aarch64-unknown-linux-musl ;;
        Darwin) echo x86_64-apple-darwin aarch64-apple-darwin ;;
        MINGW* | MSYS* | CYGWIN*) echo x86_64-pc-windows-msvc ;;
        *) die "no release targets for $(uname -s)" ;;
    esac
}

cmd="${1:-all}"
[ $# -gt 0 ] && shift
case "$cmd" in
    build) [ $# -gt 0 ] || die "build TARGET..."; for t in "$@"; do build "$t"; done ;;
    pack) [ $# -ge 1 ] && [ $# -le 2 ] || die "pack TARGET [BINARY]"; pack "$@" ;;
    sums) sums ;;
    targets) echo "$TARGETS" ;;
    version) echo "$version" ;;
    all)
        for t in $(here); do build "$t" >/dev/null; pack "$t"; done
        sums
        ;;
    *) die "unknown command $cmd (build, pack, sums, targets, version, or none for all)" ;;
esac
