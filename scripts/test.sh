#!/usr/bin/env bash
# Runs every test of the project: Rust (unit, integration, CLI), then the
# other surfaces as they exist. This is the README's test command and what
# CI runs (.ci/run installs the tools first).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== rust: format, lints, tests"
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test
