#!/usr/bin/env bash
# The main job, from a fresh clone: builds the CLI and the Node addon, then
# runs the Console demo (npm/demo/console.js): a Console-like service whose
# two HTTPS listeners are configured only by the contract's environment
# variables, calling a mock Identity with a self-signed certificate trusted
# through NODE_EXTRA_CA_CERTS; its management listener serves Spring Boot's ssl
# health and Prometheus metrics and follows a certificate rotation. Exits
# non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== build: Node addon (npm/)"
npm --prefix npm install --no-audit --no-fund
npm --prefix npm run build

# Built last, right before it runs: a target directory shared with other
# checkouts (CARGO_TARGET_DIR) may have its binary replaced in the meantime.
echo "== build: console-tls CLI (cargo build --release)"
cargo build --release --bin console-tls

target_dir=$(cargo metadata --format-version 1 --no-deps |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).target_directory))')

echo "== run: node npm/demo/console.js"
CONSOLE_TLS_BIN="$target_dir/release/console-tls" node npm/demo/console.js
