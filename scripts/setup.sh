#!/usr/bin/env bash
# Installs what building latentkit needs, only where it is missing, then builds.
# Safe to run again: on a machine that has everything it only checks and builds.
#
#   - pnpm (pinned below; same as package.json "packageManager")
#   - a Rust that can build wasm32-unknown-unknown:
#       1. rustup's toolchain with `rustup target add wasm32-unknown-unknown` (normal route);
#       2. else Debian's rustc-web with a wasm32 std built here from Debian's std source
#          (the offline route: rustup cannot download the target on networks that only
#          reach package registries).
#   - wasm-bindgen-cli at exactly the version the latentkit-wasm crate pins.
#   - wasm-pack (pinned below), which scripts/build-wasm.sh builds with; built from crates.io
#     (its npm package downloads a binary at install time, which fails offline).
#   - JS dependencies (pnpm install), then the wasm and the SDK build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PNPM_VERSION=9.15.9
WASM_PACK_VERSION=0.15.1
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' crates/latentkit-wasm/Cargo.toml)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "setup: cannot read the wasm-bindgen pin from crates/latentkit-wasm/Cargo.toml" >&2; exit 1; }

log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

# ---------- pnpm ----------
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  log "installing pnpm@$PNPM_VERSION"
  npm install -g --silent "pnpm@$PNPM_VERSION"
fi

# ---------- Rust for wasm32 ----------
# scripts/wasm-env.sh decides which toolchain the wasm build uses; it prints nothing when
# none is ready, which is our cue to install one.
rustup_wasm_ready() { rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; }

debian_wasm_ready() {
  [ -x /usr/bin/rustc ] && [ -x /usr/lib/llvm-19/bin/wasm-ld ] &&
    [ "$(cat /usr/lib/rustlib/wasm32-unknown-unknown/.latentkit-std-stamp 2>/dev/null)" = "$(/usr/bin/rustc --version)" ]
}

install_debian_wasm() {
  log "rustup cannot add wasm32 here; using Debian's rustc-web and building a wasm32 std offline"
  if ! [ -x /usr/bin/rustc ] || ! [ -d /usr/lib/rustlib/src/rust/library/vendor ] || ! [ -x /usr/lib/llvm-19/bin/wasm-ld ]; then
    [ "$(id -u)" = 0 ] || { echo "setup: need root (or sudo) to apt-get install rustc-web cargo-web rust-web-src lld-19" >&2; exit 1; }
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rustc-web cargo-web rust-web-src lld-19 >/dev/null
  fi
  local work; work=$(mktemp -d)
  mkdir -p "$work/src" "$work/.cargo"
  cat >"$work/Cargo.toml" <<'TOML'
[package]
name = "std-for-wasm32"
version = "0.0.0"
edition = "2021"
[lib]
crate-type = ["cdylib"]
path = "src/lib.rs"
[profile.release]
panic = "abort"
TOML
  echo '#[no_mangle] pub extern "C" fn one() -> u32 { 1 }' >"$work/src/lib.rs"
  cat >"$work/.cargo/config.toml" <<'TOML'
[source.crates-io]
replace-with = "debian-std-vendor"
[source.debian-std-vendor]
directory = "/usr/lib/rustlib/src/rust/library/vendor"
TOML
  log "building std for wasm32-unknown-unknown (about a minute)"
  (cd "$work" && RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/lib/llvm-19/bin/wasm-ld \
    /usr/bin/cargo build --quiet --offline --release --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort)
  local dest=/usr/lib/rustlib/wasm32-unknown-unknown/lib
  mkdir -p "$dest"
  rm -f "$dest"/*.rlib
  cp "$work"/target/wasm32-unknown-unknown/release/deps/*.rlib "$dest/"
  /usr/bin/rustc --version >/usr/lib/rustlib/wasm32-unknown-unknown/.latentkit-std-stamp
  rm -rf "$work"
}

if [ "${LATENTKIT_DEBIAN_RUST:-}" = 1 ]; then
  # Forces the offline route (to test it on a machine where rustup works too).
  debian_wasm_ready || install_debian_wasm
elif rustup_wasm_ready || debian_wasm_ready; then
  :
elif command -v rustup >/dev/null && timeout 60 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
  log "added rustup target wasm32-unknown-unknown"
else
  install_debian_wasm
fi

# ---------- wasm-bindgen-cli ----------
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (builds from crates.io, a few minutes once)"
  # --locked first (reproducible); when a locked dependency is not served by the registry
  # mirror (seen: webpki-roots 1.0.11), let cargo resolve the nearest compatible versions.
  cargo install --quiet --locked wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" ||
    cargo install --quiet wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

# ---------- wasm-pack ----------
if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
  log "installing wasm-pack $WASM_PACK_VERSION (builds from crates.io, about 3 minutes once)"
  # Same fallback as above. If it cannot be built at all, scripts/build-wasm.sh runs cargo
  # and wasm-bindgen itself (the same two steps, the same bytes), so this is not fatal.
  cargo install --quiet --locked wasm-pack --version "=$WASM_PACK_VERSION" ||
    cargo install --quiet wasm-pack --version "=$WASM_PACK_VERSION" ||
    log "wasm-pack could not be installed; the build falls back to cargo + wasm-bindgen"
fi

[ "${1:-}" = "--toolchain-only" ] && exit 0

# ---------- Chromium, for the browser tests ----------
if ! [ -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing Debian's chromium (browser tests)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: the browser tests need Chromium: sudo apt-get install chromium" >&2
  fi
fi

# ---------- a Chinese font, so the playground test sees its Tang corpus rendered ----------
# Browsers on users' machines have one; a bare Debian has none and draws empty boxes.
# WenQuanYi Micro Hei is small (1.6 MB) and covers simplified and traditional characters.
has_chinese_font() { command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh-tw family 2>/dev/null)" ]; }
if ! has_chinese_font && ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing a Chinese font (fonts-wqy-microhei) for the playground test"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null
  else
    echo "setup: the playground test needs a Chinese font: sudo apt-get install fonts-wqy-microhei" >&2
  fi
fi

# ---------- JS deps and build ----------
log "pnpm install"
CI=true pnpm install --frozen-lockfile=false --reporter=silent
log "building wasm and SDK"
pnpm run --silent build
