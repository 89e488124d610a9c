#!/usr/bin/env bash
# Runs every test of the project: Rust (unit, integration, CLI), C (under
# valgrind), Python, Node, and the packages as users install them (a wheel
# from `pip install bindings/python`, the npm tarballs). This is the
# README's test command and what CI runs. It sets up what it needs itself on
# a machine with cargo, node/npm, python3 and gcc: openssl, valgrind,
# pkg-config and g++ (apt-get, when missing and run as root; otherwise it
# says what to install), python3-venv, npm packages (npm ci), pytest and
# prometheus_client (into a virtual environment under target/ when python3
# lacks them), clippy and rustfmt (rustup).
# Each part prints its own closing line; the script stops at the first part
# that fails. Everything is built in the debug profile once and shared.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== setup: tools the tests use"
missing=()
for tool in openssl valgrind pkg-config g++; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing: ${missing[*]}; install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run again" >&2
    exit 1
  fi
fi
for component in clippy rustfmt; do
  cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1 || rustup component add "$component"
done
# tests/packaging.sh makes fresh virtual environments; Debian's python3
# keeps venv (ensurepip) in a package of its own.
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing python3-venv (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  else
    echo "python3 cannot make virtual environments; install python3-venv and run again" >&2
    exit 1
  fi
fi
python=python3
# pytest for the Python binding; prometheus_client's text parser checks the
# Node addon's sslMetrics output (npm/__test__/health.test.js, via $PYTHON).
has_python_tools() { "$1" -c 'import pytest, prometheus_client' >/dev/null 2>&1; }
if ! has_python_tools python3; then
  # Absolute: the Node tests run from npm/ and call it as $PYTHON.
  venv=$PWD/target/test-venv
  if [ ! -x "$venv/bin/python" ] || ! has_python_tools "$venv/bin/python"; then
    echo "pytest or prometheus_client is not installed for python3: installing them into $venv"
    if ! python3 -m venv "$venv" 2>/dev/null; then
      # Debian's python3 keeps venv (ensurepip) in a package of its own.
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$venv"
      else
        echo "python3 has neither pytest nor venv; install pytest (pip install pytest) or python3-venv and run again" >&2
        exit 1
      fi
    fi
    "$venv/bin/python" -m pip install -q --disable-pip-version-check pytest prometheus_client
  fi
  python=$venv/bin/python
fi

echo "== rust: format, lints, tests"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test

echo "== c: header, shared and static library, valgrind"
bash tests/c/run.sh

echo "== python: ctypes binding"
"$python" -m pytest -q bindings/python/tests

echo "== node: addon (debug build), typings, node --test"
[ -d npm/node_modules ] || npm --prefix npm ci --no-audit --no-fund
npm --prefix npm run build:debug
target_dir=$(cargo metadata --format-version 1 --no-deps |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).target_directory))')
PYTHON="$python" CONSOLE_TLS_BIN="$target_dir/debug/console-tls" npm --prefix npm test

echo "== packaging: pip install bindings/python, npm tarballs, used from outside the repository"
bash tests/packaging.sh
