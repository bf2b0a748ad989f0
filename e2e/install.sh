#!/usr/bin/env bash
# Installs the e2e test's own packages (code-server 4.100.3, playwright-core 1.65.1) into e2e/,
# offline apart from the npm registry. Needs the apt packages of .ci/run (chromium ripgrep
# libkrb5-dev python3 make g++). Skips the install when e2e/node_modules matches the lock.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [[ -f node_modules/.package-lock.json && node_modules/.package-lock.json -nt package-lock.json && -f node_modules/code-server/out/node/entry.js ]]; then
  exit 0
fi
command -v rg >/dev/null || { echo 'e2e/install.sh: rg not found (apt-get install ripgrep)' >&2; exit 1; }
# @vscode/ripgrep 1.15.11 (inside code-server) downloads rg from GitHub in its postinstall unless
# this cache holds the archive: seed it with Debian's rg.
rgc="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
mkdir -p "$rgc"
tar czf "$rgc/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
# code-server's postinstall refuses root without unsafe-perm; node-pty's postinstall runs
# `npx node-gyp`, which needs yes=true here. node-gyp builds against the local Node headers
# (npm's nodedir).
export npm_config_unsafe_perm=true npm_config_yes=true npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
npm ci
