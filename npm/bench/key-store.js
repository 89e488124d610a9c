'use strict'

// PKCS#12 key stores: console-tls's loadServerTls({ keyStore }) (decrypt,
// choose the entry, order the chain, validate the key, check the pair)
// against what Node does with the same file, `tls.createSecureContext({ pfx,
// passphrase })` (decrypt and load into OpenSSL, no checks), alternated in
// one process over the committed fixtures: an OpenSSL 3 store (PBES2,
// AES-256, 2048 iterations), a -legacy one (RC2-40/3DES) and a keytool one
// (Java 17: 10 000 iterations). Node refuses the -legacy store (OpenSSL 3
// without the legacy provider), so it has no ratio there.
//
//   node bench/key-store.js [--rounds N]
//
// Build the release addon first (npm run build). Prints medians (ms) and
// the ratio console-tls / Node; asserts nothing about time.

const fs = require('node:fs')
const path = require('node:path')
const tls = require('node:tls')
const { option, summary } = require('./stats')
const { loadServerTls } = require('..')

const STORES = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'keystore')
const PASSWORD = fs.readFileSync(path.join(STORES, 'make.sh'), 'utf8').match(/^PASSWORD=(\S+)/m)[1]
const rounds = option('--rounds', 100)

function time(fn) {
  const start = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

console.log(`key stores, ${rounds} alternating rounds each (ms, median [p10–p90])`)
for (const file of ['rsa.p12', 'rsa-legacy.p12', 'rsa-keytool.p12']) {
  const location = path.join(STORES, file)
  const pfx = fs.readFileSync(location)
  let nodeLoads = true
  try {
    tls.createSecureContext({ pfx, passphrase: PASSWORD })
  } catch {
    nodeLoads = false
  }
  const ours = []
  const node = []
  for (let i = 0; i < rounds; i++) {
    ours.push(time(() => loadServerTls({ keyStore: location, keyStorePassword: PASSWORD })))
    if (nodeLoads) node.push(time(() => tls.createSecureContext({ pfx, passphrase: PASSWORD })))
  }
  const a = summary(ours)
  const line = `${file.padEnd(16)} console-tls ${a.median.toFixed(2)} [${a.p10.toFixed(2)}–${a.p90.toFixed(2)}]`
  if (!nodeLoads) {
    console.log(`${line}   Node: refuses it`)
    continue
  }
  const b = summary(node)
  console.log(`${line}   Node ${b.median.toFixed(2)} [${b.p10.toFixed(2)}–${b.p90.toFixed(2)}]   ratio ${(a.median / b.median).toFixed(2)}×`)
}
