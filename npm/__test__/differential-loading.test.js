'use strict'

// The loading corpus (tests/fixtures/corpus/expected.tsv) through
// loadServerTls AND through Node's own TLS on the original files:
// - every case gives the code the Rust suite expects, as an Error naming the file;
// - every case console-tls accepts, Node takes console-tls's cert/key output
//   (tls.createSecureContext) and reads from it the same public key as from
//   the certificate and, where Node can read it, the original key file;
// - every case where the verdicts differ is listed, with its reason, in
//   deliberate-differences.json, and every listed case still differs.
// Node's verdict on the original files: tls.createSecureContext({ cert, key,
// passphrase }). createSecureContext takes PEM only, so a DER key is first
// read with crypto.createPrivateKey (as PKCS#8, PKCS#1 or SEC1) and a DER
// certificate with X509Certificate: what a Node program could do at most.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const tls = require('node:tls')

const { loadServerTls } = require('console-tls')

const CORPUS = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'corpus')

function cases() {
  return fs
    .readFileSync(path.join(CORPUS, 'expected.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [name, cert, key, passphrase, expected, keyType, warnings] = line.split('\t')
      return {
        name,
        cert: path.join(CORPUS, cert),
        key: path.join(CORPUS, key),
        passphrase: passphrase === '-' ? undefined : passphrase === '(empty)' ? '' : passphrase,
        expected,
        keyType,
        warnings,
      }
    })
}

const isPem = (bytes) => bytes.includes('-----BEGIN ')

/** The original key as Node reads it (a KeyObject), or null. */
function nodeKey(c) {
  const bytes = fs.readFileSync(c.key)
  if (isPem(bytes)) {
    try {
      return crypto.createPrivateKey({ key: bytes, passphrase: c.passphrase ?? '' })
    } catch {
      return null
    }
  }
  for (const type of ['pkcs8', 'pkcs1', 'sec1']) {
    try {
      return crypto.createPrivateKey({ key: bytes, format: 'der', type, passphrase: c.passphrase })
    } catch {
      // the next DER type
    }
  }
  return null
}

/** 'OK' or Node's error code, for the original files. */
function nodeVerdict(c) {
  const certBytes = fs.readFileSync(c.cert)
  const cert = isPem(certBytes) ? certBytes : new crypto.X509Certificate(certBytes).toString()
  const keyBytes = fs.readFileSync(c.key)
  let key = keyBytes
  let passphrase = c.passphrase
  if (!isPem(keyBytes)) {
    const object = nodeKey(c)
    if (!object) return 'DER key unreadable'
    key = object.export({ type: 'pkcs8', format: 'pem' })
    passphrase = undefined
  }
  try {
    tls.createSecureContext({ cert, key, passphrase })
    return 'OK'
  } catch (error) {
    return error.code || error.message
  }
}

function spki(keyObject) {
  return crypto.createPublicKey(keyObject).export({ type: 'spki', format: 'der' })
}

const rows = cases()
const listed = JSON.parse(fs.readFileSync(path.join(CORPUS, 'deliberate-differences.json'), 'utf8'))
const deliberate = new Map()
for (const group of listed.differences) {
  assert.ok(group.reason && group.reason.length > 40, 'every difference has its reason')
  for (const name of group.cases) {
    assert.ok(!deliberate.has(name), `${name} is listed twice`)
    deliberate.set(name, group)
  }
}

test('the corpus gives the expected codes, and Node serves what console-tls accepts', () => {
  assert.ok(rows.length >= 140, `${rows.length} cases`)
  const problems = []
  const differing = new Set()
  for (const c of rows) {
    let out = null
    let code = 'OK'
    try {
      out = loadServerTls({ certificate: c.cert, privateKey: c.key, passphrase: c.passphrase })
    } catch (error) {
      code = error.code
      if (!(error instanceof Error) || !error.message.includes(error.path ?? '\0')) {
        problems.push(`${c.name}: the error does not name its file: ${error.message}`)
      }
      if (c.passphrase && error.message.includes(c.passphrase)) {
        problems.push(`${c.name}: the message shows the passphrase`)
      }
    }
    if (code !== c.expected) problems.push(`${c.name}: expected ${c.expected}, got ${code}`)
    if (out) {
      // The conformance table's other columns, as every surface reads them.
      if (out.keyType !== c.keyType) problems.push(`${c.name}: key type ${out.keyType}, expected ${c.keyType}`)
      const warnings = out.warnings.map((w) => w.code).join(',') || '-'
      if (warnings !== c.warnings) problems.push(`${c.name}: warnings ${warnings}, expected ${c.warnings}`)
    }

    const node = nodeVerdict(c)
    if ((node === 'OK') !== (code === 'OK')) differing.add(c.name)
    if (differing.has(c.name) && !deliberate.has(c.name)) {
      problems.push(`${c.name}: console-tls ${code}, Node ${node}, and this difference is not in deliberate-differences.json`)
    }
    if (!out) continue

    // Node takes the output, and reads from it the key the certificate holds.
    try {
      tls.createSecureContext({ cert: out.cert, key: out.key })
    } catch (error) {
      problems.push(`${c.name}: Node refuses console-tls's output (${error.code || error.message})`)
      continue
    }
    assert.match(out.key, /^-----BEGIN PRIVATE KEY-----\n/)
    const fromOutput = spki(crypto.createPrivateKey(out.key))
    const leaf = new crypto.X509Certificate(out.cert)
    if (!fromOutput.equals(leaf.publicKey.export({ type: 'spki', format: 'der' }))) {
      problems.push(`${c.name}: the key Node reads from the output is not the certificate's`)
    }
    const original = nodeKey(c)
    if (original && !fromOutput.equals(spki(original))) {
      problems.push(`${c.name}: the key Node reads from the output is not the original's`)
    }
  }
  for (const name of deliberate.keys()) {
    if (!rows.some((c) => c.name === name)) problems.push(`${name} is listed but not in the corpus`)
    else if (!differing.has(name)) problems.push(`${name} is listed as a difference but Node and console-tls now agree`)
  }
  assert.deepEqual(problems, [])
})
