'use strict'

// verifyServer on the chain a real server presents (getPeerCertificate(true))
// must agree with Node's own verification given the same trust.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const util = require('node:util')
const tls = require('node:tls')

const { loadServerTls, loadTrust, loadTrustAsync, verifyServer } = require('console-tls')
const { Pki, opensslDate, tlsServer, close, nodeVerdict, NODE_CODES, thrown } = require('./helpers.js')

const pki = new Pki()
const servers = {}
let trust
let ca
let trustArgs

before(async () => {
  const root = pki.ca('root')
  const other = pki.ca('other')
  const intermediate = pki.leaf('intermediate', root, { ca: true })
  const good = pki.leaf('good', root)
  const viaIntermediate = pki.leaf('via-intermediate', intermediate)
  const untrusted = pki.leaf('untrusted', other)
  const expired = pki.leaf('expired', root, { start: opensslDate(-30), end: opensslDate(-1) })
  const future = pki.leaf('future', root, { start: opensslDate(2), end: opensslDate(40) })
  const identity = pki.selfSigned('identity', { cn: 'localhost', sans: 'DNS:localhost,IP:127.0.0.1' })
  const stranger = pki.selfSigned('stranger', { cn: 'localhost', sans: 'DNS:localhost,IP:127.0.0.1' })

  trustArgs = { extraCaCerts: [root.cert, identity.cert] }
  trust = loadTrust(trustArgs)
  // What plain Node would be given: its bundled roots plus the extras.
  ca = [...tls.rootCertificates, ...trust.ca]

  const serve = async (name, certificate, privateKey) => {
    servers[name] = await tlsServer(loadServerTls({ certificate, privateKey }))
  }
  await serve('good', good.chain, good.key)
  await serve('intermediate', pki.write('via-chain.pem', pki.read('via-intermediate.pem') + pki.read('intermediate.pem')), viaIntermediate.key)
  await serve('missingIntermediate', viaIntermediate.cert, viaIntermediate.key)
  await serve('untrusted', untrusted.chain, untrusted.key)
  await serve('expired', expired.chain, expired.key)
  await serve('future', future.chain, future.key)
  await serve('identity', identity.cert, identity.key)
  await serve('stranger', stranger.cert, stranger.key)
})

after(async () => {
  await Promise.all(Object.values(servers).map(({ server }) => close(server)))
  pki.cleanup()
})

/** Node's verdict and ours, in the contract's codes (`null` = verified). */
async function verdicts(name, hostname) {
  const { code, peer } = await nodeVerdict(servers[name].port, hostname, ca)
  assert.ok(code === null || code in NODE_CODES, `unexpected Node code ${code}`)
  const node = code === null ? null : NODE_CODES[code]
  let ours = null
  let verified = null
  try {
    verified = verifyServer(trust, peer, hostname)
  } catch (error) {
    assert.ok(error instanceof Error)
    ours = error.code
  }
  return { node, ours, verified, peer }
}

const cases = [
  ['good', 'localhost', null],
  ['good', '127.0.0.1', null],
  ['intermediate', 'localhost', null],
  ['identity', 'localhost', null],
  ['missingIntermediate', 'localhost', 'ERR_CERT_UNTRUSTED'],
  ['untrusted', 'localhost', 'ERR_CERT_UNTRUSTED'],
  ['stranger', 'localhost', 'ERR_CERT_UNTRUSTED'],
  ['good', 'wrong.example', 'ERR_CERT_HOSTNAME_MISMATCH'],
  ['good', '127.0.0.2', 'ERR_CERT_HOSTNAME_MISMATCH'],
  ['identity', 'identity.example', 'ERR_CERT_HOSTNAME_MISMATCH'],
  ['expired', 'localhost', 'ERR_CERT_EXPIRED'],
  ['future', 'localhost', 'ERR_CERT_NOT_YET_VALID'],
]

for (const [name, hostname, expected] of cases) {
  test(`${name} server as ${hostname}: ${expected ?? 'verified'}, as Node says`, async () => {
    const { node, ours } = await verdicts(name, hostname)
    assert.equal(node, expected, 'Node')
    assert.equal(ours, expected, 'verifyServer')
  })
}

test('a verified chain says what anchored it', async () => {
  const viaCa = await verdicts('intermediate', 'localhost')
  assert.equal(viaCa.verified.trustedDirectly, false)
  assert.equal(viaCa.verified.anchorSource, 'extra')
  assert.equal(viaCa.verified.anchorSubject, 'CN=root test CA')
  assert.deepEqual(
    viaCa.verified.chain.map((c) => c.subject),
    ['CN=via-intermediate', 'CN=intermediate'],
  )

  const direct = await verdicts('identity', 'localhost')
  assert.equal(direct.verified.trustedDirectly, true)
  assert.equal(direct.verified.chain[0].fingerprint256, direct.peer.fingerprint256)
})

test('every chain form gives the same answer', async () => {
  const { peer } = await nodeVerdict(servers.intermediate.port, 'localhost', ca)
  const ders = [peer.raw, peer.issuerCertificate.raw]
  const pems = ders.map((der) => new crypto.X509Certificate(der).toString())
  const forms = [peer, ders, pems, pems.join(''), ders.map((d) => new Uint8Array(d)), [pems[0], ders[1]]]
  for (const chain of forms) {
    assert.equal(verifyServer(trust, chain, 'localhost').anchorSubject, 'CN=root test CA')
  }
  const error = thrown(() => verifyServer(trust, [peer.raw], 'localhost'))
  assert.equal(error.code, 'ERR_CERT_UNTRUSTED')
})

test('time can be given, and judges validity', async () => {
  const { peer } = await nodeVerdict(servers.good.port, 'localhost', ca)
  const error = thrown(() => verifyServer(trust, peer, 'localhost', { now: new Date(Date.now() + 400 * 86400_000) }))
  assert.equal(error.code, 'ERR_CERT_EXPIRED')
  assert.match(error.message, /expired/)
})

test('bad chains and bad arguments', () => {
  assert.equal(thrown(() => verifyServer(trust, [], 'localhost')).code, 'ERR_CERT_INVALID')
  const spki = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' })
  assert.equal(thrown(() => verifyServer(trust, [spki], 'localhost')).code, 'ERR_CERT_INVALID')
  assert.equal(thrown(() => verifyServer(trust, [Buffer.from('not a certificate')], 'localhost')).code, 'ERR_PEM_INVALID')
  assert.equal(thrown(() => verifyServer(trust, '-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n', 'localhost')).code, 'ERR_PEM_INVALID')
  assert.ok(thrown(() => verifyServer({ ca: [] }, [], 'localhost')) instanceof TypeError)
  assert.ok(thrown(() => verifyServer(trust, 42, 'localhost')) instanceof TypeError)
  assert.ok(thrown(() => verifyServer(trust, [], undefined)) instanceof TypeError)
})

test('the certificates of a trust read as plain data, whenever and however they are first read', () => {
  const subjects = ['CN=root test CA', 'CN=localhost']
  const readers = {
    property: (t) => t.certificates,
    JSON: (t) => JSON.parse(JSON.stringify(t)).certificates,
    spread: (t) => ({ ...t }).certificates,
    entries: (t) => Object.fromEntries(Object.entries(t)).certificates,
  }
  for (const [name, read] of Object.entries(readers)) {
    assert.deepEqual(read(loadTrust(trustArgs)).map((c) => c.subject), subjects, name)
  }
  // util.inspect (console.log) shows the certificates, not an accessor.
  const shown = util.inspect(loadTrust(trustArgs), { depth: 3 })
  assert.match(shown, /certificates: \[/)
  assert.match(shown, /subject: 'CN=root test CA'/)
  assert.doesNotMatch(shown, /Getter|Setter|Symbol/)
  // Once read, it is an ordinary data property holding the same array.
  const fresh = loadTrust(trustArgs)
  const first = fresh.certificates
  assert.equal(fresh.certificates, first)
  assert.deepEqual(Object.getOwnPropertyDescriptor(fresh, 'certificates'), {
    value: first, writable: true, enumerable: true, configurable: true,
  })
  // Written before it was read: the written value stays.
  const overwritten = loadTrust(trustArgs)
  overwritten.certificates = []
  assert.deepEqual(overwritten.certificates, [])
  assert.deepEqual(first.map((c) => c.subject), subjects)
  assert.deepEqual(first, trust.certificates)
})

test('the Promise form describes the same certificates, with the same keys', async () => {
  const later = await loadTrustAsync(trustArgs)
  assert.deepEqual(later.certificates, trust.certificates)
  assert.deepEqual(Object.keys(later), ['ca', 'certificates', 'warnings', 'mozillaRoots', 'systemRoots'])
})

test('the trust survives JSON and spreads as plain data', () => {
  const copy = { ...trust }
  assert.deepEqual(Object.keys(copy), ['ca', 'certificates', 'warnings', 'mozillaRoots', 'systemRoots'])
  assert.deepEqual(JSON.parse(JSON.stringify(trust)).ca, trust.ca)
  assert.ok(thrown(() => verifyServer(copy, [], 'localhost')) instanceof TypeError)
})

