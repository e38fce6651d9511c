# raci-sim in a container: for clusters (docs/cluster.md) and CI runners without a Rust toolchain.
#   docker build -t raci-sim .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/data" raci-sim study ownership-study.ron
# (--user: the report is written into the mounted folder as you, not as the image's uid 10001,
# which may not write there.) Base images are tagged, not pinned by digest: pin them
# (FROM image@sha256:...) in your own registry's copy if your policy asks for it.
# Stage 1 builds the binary with the project's minimum Rust (Cargo.toml's rust-version) from
# the locked dependencies; stage 2 is Debian slim with the binary, the shipped library and a
# non-root user. The shipped scenarios and models are also compiled into the binary (their
# names work anywhere); the copies under /usr/share/raci-sim are there to read and to copy.

FROM rust:1.88-slim-bookworm AS builder
WORKDIR /src
# The whole source tree (.dockerignore keeps out build output, reports and .git: the image's
# reports therefore record no commit), since Cargo.toml names the tests and benches too.
# BuildKit caches the registry and the target folder between builds, so a source change
# rebuilds raci-sim, not every dependency.
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin raci-sim \
    && cp target/release/raci-sim /usr/local/bin/raci-sim

FROM debian:bookworm-slim
RUN groupadd --gid 10001 raci \
    && useradd --create-home --uid 10001 --gid 10001 raci \
    && mkdir /data && chown raci:raci /data
COPY --from=builder /usr/local/bin/raci-sim /usr/local/bin/raci-sim
COPY scenarios /usr/share/raci-sim/scenarios
COPY docs/examples /usr/share/raci-sim/docs/examples
# Numeric, so Kubernetes' runAsNonRoot can check it.
USER 10001:10001
WORKDIR /data
ENTRYPOINT ["raci-sim"]
CMD ["--help"]
