# syntax=docker/dockerfile:1
# The container image: the static (musl) kubectl-realip_lint of scripts/release.sh and LICENSE,
# on an empty base.
#
#   docker build -t realip-lint .
#   docker run --rm -v "$PWD:/work:ro" realip-lint -f deploy/ -R
#   helm template my ./chart | docker run --rm -i realip-lint -f - --stdin-filename chart.yaml
#
# It lints files and standard input; -k and --cluster need kubectl, which the image does not have.
# Both platforms from one machine, without emulation: the build stage runs on the build machine
# and cross-links the other architecture with Debian's gcc-aarch64-linux-gnu or
# gcc-x86-64-linux-gnu, as scripts/release.sh does here:
#   docker buildx build --platform linux/amd64,linux/arm64 -t realip-lint .
# plugin/tests/krew.rs checks the build stage runs the release script for the release's musl targets.

# The rustc that builds every artifact of a release (wasm/build.sh pins it).
FROM --platform=$BUILDPLATFORM rust:1.95.0-slim-bookworm AS build
ARG TARGETARCH
ENV RUSTUP_TOOLCHAIN=1.95.0
WORKDIR /src
RUN case "$TARGETARCH" in \
        amd64) echo x86_64-unknown-linux-musl ;; \
        arm64) echo aarch64-unknown-linux-musl ;; \
        *) echo "no release target for $TARGETARCH" >&2; exit 1 ;; \
    esac >/rust-target \
    && arch="$(cut -d- -f1 /rust-target)" \
    && if [ "$arch" != "$(uname -m)" ]; then \
        apt-get update && apt-get install -y --no-install-recommends "gcc-$(echo "$arch" | tr _ -)-linux-gnu" \
        && rm -rf /var/lib/apt/lists/*; \
    fi
COPY . .
RUN bash scripts/release.sh build "$(cat /rust-target)" \
    && mkdir /out && cp "target/$(cat /rust-target)/release/kubectl-realip_lint" LICENSE /out/

FROM scratch
COPY --from=build /out/kubectl-realip_lint /kubectl-realip_lint
COPY --from=build /out/LICENSE /LICENSE
WORKDIR /work
USER 65532:65532
ENTRYPOINT ["/kubectl-realip_lint"]
