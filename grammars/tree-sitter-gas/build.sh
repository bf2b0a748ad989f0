#!/usr/bin/env bash
# Build the tree-sitter-gas grammar offline: grammar.js -> src/parser.c -> tree-sitter-gas.wasm.
#
# Route (see /work/shared/docs/grammar-toolchain.md): the `generate` code of Debian's tree-sitter
# source package (0.20.7, ABI 14) wrapped in a tiny crate of our own and built with Debian's
# cargo and librust-*-dev crates, then clang/lld 14 to a side-module wasm.
# Nothing of tree-sitter's source ever lands in the repository: it lives in $TS_GEN_DIR (/tmp).
#
# Needs (apt): rustc cargo clang lld xz-utils librust-{anyhow,indexmap,lazy-static,log,
#   regex-syntax,rustc-hash,semver,serde-json,smallbitvec}-dev 'librust-regex+default-dev'
#   'librust-serde+derive-dev', deb-src entries for `apt-get source`, and node on PATH.
#
# Idempotent: reuses $TS_GEN_DIR/tsgen/target/release/tree-sitter when it is already built and only
# runs `apt-get source` when the unpacked source is missing.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
W="${TS_GEN_DIR:-/tmp/ts-gen}"
TS_VER=0.20.7
GEN="$W/tsgen/target/release/tree-sitter"

log() { printf '[grammar:build] %s\n' "$*" >&2; }
t0=$(date +%s)

command -v node >/dev/null || { log "node is required on PATH (it evaluates grammar.js)"; exit 1; }
command -v clang >/dev/null || { log "clang is required (apt-get install clang lld)"; exit 1; }

# Prefer Debian's toolchain (what the recipe was verified with, and what CI has); a rustup cargo
# ahead in PATH works too, so fall back to whatever is there.
if [[ -x /usr/bin/cargo && -x /usr/bin/rustc ]]; then
  CARGO=/usr/bin/cargo; export RUSTC=/usr/bin/rustc
else
  CARGO=$(command -v cargo || true)
fi

# ---- 1. generator source + our wrapper crate (recipe step 2) ---------------------------------
prepare_generator() {
  mkdir -p "$W/tsgen/src" "$W/tsgen/shim/src" "$W/tsgen/.cargo"
  if [[ ! -d "$W/tree-sitter-$TS_VER/cli/src/generate" ]]; then
    log "fetching Debian's tree-sitter $TS_VER source into $W"
    ( cd "$W"
      if [[ ! -f tree-sitter_$TS_VER.orig.tar.xz ]]; then
        apt-get source --download-only "tree-sitter=$TS_VER-1" || {
          log "apt-get source failed: is there a deb-src entry and a fresh 'apt-get update'? (toolchain doc, step 1)"
          exit 1; }
      fi
      tar -xJf "tree-sitter_$TS_VER.orig.tar.xz" )
  fi
  ln -sfn "$W/tree-sitter-$TS_VER/cli/src/generate" "$W/tsgen/src/generate"
  cp "$W/tree-sitter-$TS_VER/lib/include/tree_sitter/parser.h" "$W/tsgen/shim/parser.h"
  cd "$W/tsgen"
  printf '[package]\nname = "ts-generate"\nversion = "%s"\nedition = "2021"\n[[bin]]\nname = "tree-sitter"\npath = "src/main.rs"\n[profile.release]\nstrip = true\n[dependencies]\n' "$TS_VER" > Cargo.toml
  printf '%s\n' 'anyhow = "1"' 'indexmap = "1"' 'lazy_static = "1"' 'log = { version = "0.4", features = ["std"] }' 'regex = "1"' \
    'regex-syntax = "0.6"' 'rustc-hash = "1"' 'semver = "1"' 'serde = { version = "1", features = ["derive"] }' \
    'serde_json = { version = "1", features = ["preserve_order"] }' 'smallbitvec = "2.5"' 'tree-sitter = { path = "shim" }' >> Cargo.toml
  # Stand-in for the tree-sitter crate: the generator only needs these two constants.
  printf '[package]\nname = "tree-sitter"\nversion = "%s"\nedition = "2018"\n' "$TS_VER" > shim/Cargo.toml
  printf 'pub const LANGUAGE_VERSION: usize = 14;\npub const PARSER_HEADER: &str = include_str!("../parser.h");\n' > shim/src/lib.rs
  printf 'fn main() { println!("cargo:rustc-env=RUST_BINDING_VERSION=%s"); }\n' "$TS_VER" > build.rs
  printf '[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "/usr/share/cargo/registry"\n[net]\noffline = true\n' > .cargo/config.toml
  cat > src/main.rs <<'EOF'
#[allow(dead_code, unused_imports)]
mod generate;
fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    if a.first().map(String::as_str) != Some("generate") { eprintln!("usage: tree-sitter generate [--abi 13|14]"); std::process::exit(2); }
    let abi = a.iter().position(|x| x == "--abi").map(|i| a[i + 1].parse().unwrap()).unwrap_or(14);
    let dir = std::env::current_dir().unwrap(); // reads ./grammar.js, writes ./src/{parser.c,grammar.json,node-types.json,tree_sitter/parser.h}
    if let Err(e) = generate::generate_parser_in_directory(&dir, None, abi, false, None) { eprintln!("Error: {:?}", e); std::process::exit(1); }
}
EOF
}

if [[ -x "$GEN" ]]; then
  log "reusing generator $GEN"
else
  [[ -n "$CARGO" ]] || { log "cargo is required (apt-get install cargo rustc librust-*-dev, see header)"; exit 1; }
  prepare_generator
  log "building the generator with $CARGO (about a minute)"
  ( cd "$W/tsgen" && "$CARGO" build --release --quiet )
fi

# ---- 2. generate parser.c (recipe step 4) ----------------------------------------------------
cd "$HERE"
log "generating src/parser.c"
"$GEN" generate
grep -q 'define LANGUAGE_VERSION 14' src/parser.c || { log "unexpected LANGUAGE_VERSION in src/parser.c"; exit 1; }

# ---- 3. parser.c -> wasm side module (recipe step 5; no external scanner, so no libc) --------
INC=$(mktemp -d)
trap 'rm -rf "$INC"' EXIT
printf '#pragma once\n#include <stddef.h>\n' > "$INC/stdlib.h"   # parser.c only needs NULL/size_t
log "compiling tree-sitter-gas.wasm"
clang --target=wasm32-unknown-emscripten -Os -fPIC -ffreestanding -nostdlibinc -nostdlib -fvisibility=hidden \
  -isystem "$INC" -I src src/parser.c -o tree-sitter-gas.wasm \
  -Wl,--shared -Wl,--experimental-pic -Wl,--no-entry -Wl,--allow-undefined -Wl,--export=tree_sitter_gas

# ---- 4. record which grammar.js this build came from (checked by test/grammar-corpus.test.mjs) --
chmod 644 tree-sitter-gas.wasm
sha256sum grammar.js | cut -d' ' -f1 > grammar.sha256

log "done in $(( $(date +%s) - t0 )) s: $(wc -c < tree-sitter-gas.wasm) bytes wasm, grammar.sha256 $(cat grammar.sha256)"
