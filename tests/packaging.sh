#!/usr/bin/env bash
# Installs console-tls the way its users get it and loads a configuration
# with it, from directories outside the repository, with no CONSOLE_TLS_LIB:
#
#   tests/packaging.sh
#
# 1. Python: a fresh virtual environment, `pip install bindings/python`
#    (setup.py builds libconsole_tls with cargo and bundles it in the wheel),
#    then a script run in another directory loads a trust and a listener's
#    identity, and checks that the library it used is the installed one.
# 2. Node: `npm/scripts/pack.js` packs `console-tls` and
#    `console-tls-linux-x64-gnu` (with the addon), `npm install --offline` of
#    the two tarballs into a fresh directory, then `require('console-tls')`
#    and `import('console-tls')` load a configuration there.
#
# Fast by reuse: cargo builds into the workspace's target directory (the
# debug profile), so what `cargo test` and `npm run build:debug` compiled is
# not compiled again; pip's build isolation fetches setuptools-rust from PyPI
# (or pip's cache). Needs cargo, python3 with venv, node/npm and openssl.
#
# Prints one line per step and a closing "N passed, N failed"; exits non-zero
# on any failure.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=tests/lib/steps.sh
. tests/lib/steps.sh

# Every program below runs as a user's would: outside the repository and
# without the variables that would point it back into it.
outside() {
    (cd "$work/elsewhere" && env -u CONSOLE_TLS_LIB -u PYTHONPATH -u NODE_PATH "$@")
}

target_dir=$(cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
mkdir -p "$work/elsewhere"
step "PKI (tests/c/make-pki.sh, openssl)" sh tests/c/make-pki.sh "$work/pki"

# --- Python ---------------------------------------------------------------

python_install() {
    python3 -m venv "$work/venv" &&
        CARGO_TARGET_DIR=$target_dir SETUPTOOLS_RUST_CARGO_PROFILE=dev \
            "$work/venv/bin/python" -m pip install --disable-pip-version-check -q "$root/bindings/python"
}
step "python: pip install bindings/python into a fresh venv" python_install

cat >"$work/elsewhere/check.py" <<'PY'
import importlib.metadata
import sys
from pathlib import Path

import console_tls

pki = Path(sys.argv[1])
venv = Path(sys.prefix).resolve()

# The package and its library are the installed ones, not the repository's.
package = Path(console_tls.__file__).resolve().parent
library = Path(console_tls.library_path()).resolve()
assert venv in package.parents, f"console_tls imported from {package}, not from {venv}"
assert library.parent == package, f"library {library} is not the one bundled in {package}"
wheel = importlib.metadata.distribution("console-tls").read_text("WHEEL")
assert "Tag: py3-none-" in wheel, f"the wheel is not tagged py3-none-<platform>: {wheel!r}"

trust = console_tls.load_trust(pki / "extra-ca.pem")
assert len(trust.certificates) == 2, trust.certificates
chain = (pki / "chain.pem").read_text()
trust.verify_server(chain, "localhost")
try:
    trust.verify_server(chain, "example.com")
except console_tls.ConsoleTlsError as error:
    assert error.code == "ERR_CERT_HOSTNAME_MISMATCH", error.code
else:
    raise AssertionError("verify_server accepted a chain for the wrong host name")

server = console_tls.load_server_tls(pki / "chain.pem", pki / "leaf-encrypted.key", "correct horse")
assert len(server.certificates) == 2, server.certificates
assert server.key.startswith("-----BEGIN PRIVATE KEY-----"), "the key is not unencrypted PKCS#8"
print(f"console_tls {console_tls.version()} from {library}")
PY
step "python: load_trust, verify_server, load_server_tls from elsewhere" \
    outside "$work/venv/bin/python" -I "$work/elsewhere/check.py" "$work/pki"

# --- Node -----------------------------------------------------------------

node_pack() {
    # A debug addon, as the Node suite builds it (a no-op when it is fresh).
    npm --prefix npm run build:debug &&
        node npm/scripts/pack.js "$work/tarballs"
}
step "node: build:debug, pack console-tls and console-tls-linux-x64-gnu" node_pack

node_install() {
    mkdir -p "$work/app" &&
        echo '{ "name": "app", "private": true }' >"$work/app/package.json" &&
        # --offline: the tarballs must be all it takes (no dependency from a registry).
        (cd "$work/app" && npm install --offline --no-audit --no-fund "$work"/tarballs/*.tgz)
}
step "node: npm install --offline the two tarballs into a fresh directory" node_install

cat >"$work/app/check.cjs" <<'JS'
const assert = require('node:assert')
const fs = require('node:fs')
const path = require('node:path')
const tls = require('node:tls')

const pki = process.argv[2]
const modules = path.join(__dirname, 'node_modules')
const api = require('console-tls')
assert.strictEqual(require.resolve('console-tls'), path.join(modules, 'console-tls', 'index.js'))
// The addon comes from the platform package: the root package carries none.
assert.deepStrictEqual(fs.readdirSync(path.join(modules, 'console-tls')).filter((f) => f.endsWith('.node')), [])
const addons = Object.keys(require.cache).filter((file) => file.endsWith('.node'))
assert.deepStrictEqual(addons, [path.join(modules, 'console-tls-linux-x64-gnu', 'console-tls.linux-x64-gnu.node')])

const config = api.loadFromEnv({
  SERVER_SSL_ENABLED: 'true',
  SERVER_SSL_CERTIFICATE: path.join(pki, 'chain.pem'),
  SERVER_SSL_CERTIFICATE_PRIVATE_KEY: path.join(pki, 'leaf-encrypted.key'),
  SERVER_SSL_PASSPHRASE: 'correct horse',
  NODE_EXTRA_CA_CERTS: path.join(pki, 'extra-ca.pem'),
  KEYCLOAK_BASE_URL: 'https://identity.local:8443',
})
assert.strictEqual(config.server.certificates.length, 2)
assert.strictEqual(config.management, null)
assert.strictEqual(config.trust.certificates.length, 2)
tls.createSecureContext(config.server) // what Node's TLS will be given
console.log(`require: console-tls ${api.version} loaded a configuration`)
JS
cat >"$work/app/check.mjs" <<'JS'
import assert from 'node:assert'
import path from 'node:path'

const pki = process.argv[2]
const { loadServerTls, default: api } = await import('console-tls')
assert.strictEqual(loadServerTls, api.loadServerTls)
const server = loadServerTls({
  certificate: path.join(pki, 'chain.pem'),
  privateKey: path.join(pki, 'leaf.key'),
})
assert.strictEqual(server.certificates.length, 2)
assert.match(server.key, /^-----BEGIN PRIVATE KEY-----/)
assert.throws(() => loadServerTls({ certificate: path.join(pki, 'chain.pem'), privateKey: path.join(pki, 'other.key') }), {
  code: 'ERR_KEY_MISMATCH',
})
console.log('import: loaded a listener identity')
JS
step "node: require('console-tls') loads a configuration" outside node "$work/app/check.cjs" "$work/pki"
step "node: import('console-tls') loads a listener identity" outside node "$work/app/check.mjs" "$work/pki"

finish
