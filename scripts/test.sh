#!/usr/bin/env bash
# Runs every test of the project: Rust (unit, integration, CLI), C (under
# valgrind), Python and Node. This is the README's test command and what CI
# runs (.ci/run installs the tools first). Each part prints its own closing
# line; the script stops at the first part that fails. Everything is built
# in the debug profile once and shared by the parts.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== rust: format, lints, tests"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test

echo "== c: header, shared and static library, valgrind"
bash tests/c/run.sh

echo "== python: ctypes binding"
python3 -m pytest -q bindings/python/tests

echo "== node: addon (debug build), typings, node --test"
[ -d npm/node_modules ] || npm --prefix npm ci --no-audit --no-fund
npm --prefix npm run build:debug
target_dir=$(cargo metadata --format-version 1 --no-deps |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).target_directory))')
CONSOLE_TLS_BIN="$target_dir/debug/console-tls" npm --prefix npm test
