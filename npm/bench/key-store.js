'use strict'

// PKCS#12 key stores: console-tls's loadServerTls({ keyStore }) (decrypt,
// choose the entry, order the chain, validate the key, check the pair)
// against what Node does with the same file, `tls.createSecureContext({ pfx,
// passphrase })` (decrypt and load into OpenSSL, no checks), alternated in
// one process over the committed fixtures (and, for the same end state as
// Node's, console-tls's load followed by createSecureContext({ cert, key })): an OpenSSL 3 store (PBES2,
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
  const oursWithContext = []
  const node = []
  const load = () => loadServerTls({ keyStore: location, keyStorePassword: PASSWORD })
  for (let i = 0; i < rounds; i++) {
    ours.push(time(load))
    oursWithContext.push(
      time(() => {
        const { cert, key } = load()
        tls.createSecureContext({ cert, key })
      }),
    )
    if (nodeLoads) node.push(time(() => tls.createSecureContext({ pfx, passphrase: PASSWORD })))
  }
  const show = (s) => `${s.median.toFixed(2)} [${s.p10.toFixed(2)}–${s.p90.toFixed(2)}]`
  const [a, c] = [summary(ours), summary(oursWithContext)]
  const line = `${file.padEnd(16)} console-tls ${show(a)}, + context ${show(c)}`
  if (!nodeLoads) {
    console.log(`${line}   Node: refuses it`)
    continue
  }
  const b = summary(node)
  console.log(`${line}   Node (pfx) ${show(b)}   ratios ${(a.median / b.median).toFixed(2)}× / ${(c.median / b.median).toFixed(2)}×`)
}
