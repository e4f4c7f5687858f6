#!/usr/bin/env bash
# The release build behind the krew manifest: `cargo build --release` for linux/amd64, the archive
# krew downloads (the binary and LICENSE), and its sha256 written into plugin/krew/realip-lint.yaml
# (and the version into the README's install command).
#
#   bash plugin/krew/release.sh
#
# Then: tag vX.Y.Z, attach target/dist/kubectl-realip_lint-vX.Y.Z-linux-amd64.tar.gz to the GitHub release
# of that tag, commit the updated manifest, and send it to krew-index as plugins/realip-lint.yaml.
#
# The archive is reproducible from a given binary (sorted entries, fixed owner and mtime, gzip
# without a timestamp), so the test suite runs this script on the binary it already built:
#   REALIP_RELEASE_BINARY    package this binary instead of building one
#   REALIP_RELEASE_DIST      where the archive goes (default: target/dist/)
#   REALIP_RELEASE_MANIFEST  the krew manifest to update (default: plugin/krew/realip-lint.yaml)
#   REALIP_RELEASE_README    the README to update (default: README.md; empty: none)
#   SOURCE_DATE_EPOCH        the archive's mtime (default: 0, so the sha256 depends on the binary only)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

version="v$(awk -F'"' '/^\[workspace\.package\]/ {p = 1; next} /^\[/ {p = 0} p && /^version *=/ {print $2; exit}' Cargo.toml)"
[[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "release.sh: no version in Cargo.toml [workspace.package]" >&2; exit 1; }
target=x86_64-unknown-linux-gnu
platform=linux-amd64
name="kubectl-realip_lint-$version-$platform.tar.gz"
uri="https://github.com/realip-lint/realip-lint/releases/download/$version/$name"
dist="${REALIP_RELEASE_DIST:-$root/target/dist}"
manifest="${REALIP_RELEASE_MANIFEST:-$root/plugin/krew/realip-lint.yaml}"
readme="${REALIP_RELEASE_README-$root/README.md}"

bin="${REALIP_RELEASE_BINARY:-}"
if [ -z "$bin" ]; then
  # Symbols stripped; the checkout and cargo paths remapped so they do not end up in the binary.
  CARGO_PROFILE_RELEASE_STRIP=symbols \
    RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=$root=. --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=cargo" \
    cargo build --release -p kubectl-realip-lint --bin kubectl-realip_lint --target "$target"
  bin="$root/target/$target/release/kubectl-realip_lint"
fi
[ -x "$bin" ] || { echo "release.sh: no binary at $bin" >&2; exit 1; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
install -m 0755 "$bin" "$stage/kubectl-realip_lint"
install -m 0644 LICENSE "$stage/LICENSE"
mtime="${SOURCE_DATE_EPOCH:-0}"
mkdir -p "$dist"
tar --sort=name --mtime="@$mtime" --owner=0 --group=0 --numeric-owner --format=gnu \
  -C "$stage" -cf - kubectl-realip_lint LICENSE | gzip -n > "$dist/$name"
sha="$(sha256sum "$dist/$name" | cut -d' ' -f1)"

# The manifest: the version, and the uri and sha256 of the linux/amd64 platform.
awk -v version="$version" -v uri="$uri" -v sha="$sha" '
  /^  version: / { print "  version: " version; next }
  /^      uri: .*-linux-amd64\.tar\.gz$/ { print "      uri: " uri; platform = 1; next }
  platform && /^      sha256: / { print "      sha256: \"" sha "\""; platform = 0; done = 1; next }
  { print }
  END { if (!done) exit 1 }
' "$manifest" > "$stage/manifest" || { echo "release.sh: no linux/amd64 uri + sha256 in $manifest" >&2; exit 1; }
cat "$stage/manifest" > "$manifest"

if [ -n "$readme" ]; then
  sed -E -i "s#releases/download/v[0-9]+\.[0-9]+\.[0-9]+/kubectl-realip_lint-v[0-9]+\.[0-9]+\.[0-9]+-$platform\.tar\.gz#releases/download/$version/$name#g" "$readme"
fi

echo "$dist/$name"
echo "sha256 $sha (written into ${manifest#"$root"/})"
