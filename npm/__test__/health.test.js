'use strict'

// sslHealth / sslMetrics (issue 16): a PKI made by `openssl ca` with a valid,
// an expiring-within-threshold, an expired and a not-yet-valid certificate
// across both listeners and NODE_EXTRA_CA_CERTS. The metrics go through a
// real Prometheus text parser (prometheus_client's, when Python has it).

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const { execFileSync } = require('node:child_process')
const { X509Certificate } = require('node:crypto')
const { Pki, opensslDate } = require('./helpers.js')
const { loadFromEnv, sslHealth, sslMetrics, watch } = require('../index.js')
const esm = import('../index.mjs')

const DAY = 86400_000

function makePki() {
  const pki = new Pki('console-tls-health-')
  const root = pki.ca('root')
  const server = pki.leaf('server', root)
  const management = pki.leaf('management', root, { start: opensslDate(-30), end: opensslDate(5) })
  const expired = pki.leaf('expired-ca', root, { ca: true, start: opensslDate(-400), end: opensslDate(-10) })
  const future = pki.leaf('future-ca', root, { ca: true, start: opensslDate(10), end: opensslDate(400) })
  const extra = pki.write('extra.pem', [root.cert, expired.cert, future.cert].map((f) => fs.readFileSync(f, 'utf8')).join(''))
  const env = {
    SERVER_SSL_ENABLED: 'true',
    SERVER_SSL_CERTIFICATE: server.chain,
    SERVER_SSL_CERTIFICATE_PRIVATE_KEY: server.key,
    MANAGEMENT_SERVER_SSL_ENABLED: 'true',
    MANAGEMENT_SERVER_SSL_CERTIFICATE: management.chain,
    MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY: management.key,
    NODE_EXTRA_CA_CERTS: extra,
  }
  const x509 = (file) => new X509Certificate(fs.readFileSync(file))
  return { pki, env, certs: { root: x509(root.cert), server: x509(server.cert), management: x509(management.cert), expired: x509(expired.cert), future: x509(future.cert) } }
}

const { pki, env, certs } = makePki()
test.after(() => pki.cleanup())
const config = loadFromEnv(env, { warnings: false })

const statuses = (chain) => chain.certificates.map((c) => [c.serialNumber, c.validity.status])

test('sslHealth is Spring Boot’s ssl component over both listeners and the extra CAs', () => {
  const health = sslHealth(config)
  assert.equal(health.status, 'OUT_OF_SERVICE')
  const { validChains, invalidChains } = health.details
  assert.deepEqual(validChains.map((c) => c.alias), ['server', 'management', `CN=root test CA`])
  assert.deepEqual(invalidChains.map((c) => c.alias), ['CN=expired-ca', 'CN=future-ca'])
  assert.deepEqual(statuses(validChains[0]), [[certs.server.serialNumber, 'VALID'], [certs.root.serialNumber, 'VALID']])
  assert.deepEqual(statuses(validChains[1]), [[certs.management.serialNumber, 'WILL_EXPIRE_SOON'], [certs.root.serialNumber, 'VALID']])
  assert.deepEqual(statuses(invalidChains[0]), [[certs.expired.serialNumber, 'EXPIRED']])
  assert.deepEqual(statuses(invalidChains[1]), [[certs.future.serialNumber, 'NOT_YET_VALID']])

  const cert = validChains[1].certificates[0]
  assert.deepEqual(Object.keys(cert), ['subject', 'issuer', 'serialNumber', 'validityStarts', 'validityEnds', 'validity'])
  assert.equal(cert.subject, 'CN=management')
  assert.equal(cert.issuer, 'CN=root test CA')
  assert.equal(Date.parse(cert.validityStarts), Date.parse(certs.management.validFrom))
  assert.equal(Date.parse(cert.validityEnds), Date.parse(certs.management.validTo))
  assert.match(cert.validity.message, /^Certificate will expire within threshold \(PT336H\) at /)
  assert.equal('message' in validChains[0].certificates[0].validity, false)
  assert.match(invalidChains[0].certificates[0].validity.message, /^Not valid after /)
  assert.match(invalidChains[1].certificates[0].validity.message, /^Not valid before /)
})

test('warningThreshold and now decide the verdicts', () => {
  const short = sslHealth(config, { warningThreshold: DAY })
  assert.equal(statuses(short.details.validChains[1])[0][1], 'VALID')
  const long = sslHealth(config, { warningThreshold: 400 * DAY })
  assert.equal(statuses(long.details.validChains[0])[0][1], 'WILL_EXPIRE_SOON')
  assert.equal(long.details.validChains.length, 3, 'expiring soon stays valid')
  // 200 days on, the management leaf and the expired CA are expired and the future CA has started.
  const later = sslHealth(config, { now: new Date(Date.now() + 200 * DAY) })
  assert.deepEqual(later.details.validChains.map((c) => c.alias), ['server', 'CN=root test CA', 'CN=future-ca'])
  assert.deepEqual(later.details.invalidChains.map((c) => c.alias), ['management', 'CN=expired-ca'])
  assert.throws(() => sslHealth(config, { warningThreshold: -1 }), RangeError)
  assert.throws(() => sslHealth(config, { now: 'tomorrow' }), { code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => sslHealth({ ...config }), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('sslMetrics counts chains and gives each certificate its expiry', () => {
  const now = Date.now()
  const text = sslMetrics(config, { now })
  const lines = text.split('\n')
  for (const line of [
    '# TYPE ssl_chains gauge',
    'ssl_chains{status="valid"} 2',
    'ssl_chains{status="expired"} 1',
    'ssl_chains{status="not-yet-valid"} 1',
    'ssl_chains{status="will-expire-soon"} 1',
    '# TYPE ssl_chain_expiry_seconds gauge',
  ]) {
    assert.ok(lines.includes(line), `${line} in\n${text}`)
  }
  const expiry = (bundle, chain, cert) => {
    const line = lines.find((l) => l.startsWith(`ssl_chain_expiry_seconds{bundle="${bundle}",chain="${chain}",certificate="${cert.serialNumber}"} `))
    assert.ok(line, `${bundle}/${chain} in\n${text}`)
    return Number(line.split(' ').pop())
  }
  const seconds = (x509) => Math.floor(Date.parse(x509.validTo) / 1000) - Math.floor(now / 1000)
  assert.equal(expiry('server', 'server', certs.server), seconds(certs.server))
  assert.equal(expiry('management', 'management', certs.management), seconds(certs.management))
  assert.ok(expiry('extra-ca-certs', 'CN=expired-ca', certs.expired) < 0)
  assert.equal(expiry('extra-ca-certs', 'CN=expired-ca', certs.expired), seconds(certs.expired))
})

/**
 * Runs `code` with $PYTHON (scripts/test.sh sets it to a Python that has
 * prometheus_client: a missing module is then a failure), else with python3,
 * whose missing module skips the test.
 */
function python(code, input) {
  const exe = process.env.PYTHON || 'python3'
  try {
    return execFileSync(exe, ['-c', code], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
  } catch (error) {
    if (!process.env.PYTHON && /No module named 'prometheus_client'/.test(String(error.stderr))) return null
    throw error
  }
}

test('the metrics pass prometheus_client’s text parser', (t) => {
  const parsed = python(
    [
      'import sys, json',
      'from prometheus_client.parser import text_string_to_metric_families',
      'out = []',
      'for family in text_string_to_metric_families(sys.stdin.read()):',
      '    for s in family.samples:',
      '        out.append([family.name, family.type, s.labels, s.value])',
      'print(json.dumps(out))',
    ].join('\n'),
    sslMetrics(config),
  )
  if (parsed === null) return t.skip('prometheus_client is not installed (pip install prometheus_client; or set PYTHON)')
  const samples = JSON.parse(parsed)
  assert.deepEqual(
    samples.filter((s) => s[0] === 'ssl_chains').map((s) => [s[1], s[2].status, s[3]]),
    [['gauge', 'valid', 2], ['gauge', 'expired', 1], ['gauge', 'not-yet-valid', 1], ['gauge', 'will-expire-soon', 1]],
  )
  const expiry = samples.filter((s) => s[0] === 'ssl_chain_expiry_seconds')
  assert.equal(expiry.length, 7)
  assert.deepEqual(expiry.map((s) => s[2].bundle), ['server', 'server', 'management', 'management', 'extra-ca-certs', 'extra-ca-certs', 'extra-ca-certs'])
  assert.deepEqual(expiry.find((s) => s[2].certificate === certs.future.serialNumber)[2].chain, 'CN=future-ca')
})

test('a watcher stands for its current configuration; the ESM entry exports both', async () => {
  const watcher = watch(env, { intervalMs: 60_000 }, () => {})
  try {
    assert.deepEqual(sslHealth(watcher), sslHealth(config))
    const now = Date.now()
    assert.equal(sslMetrics(watcher, { now }), sslMetrics(config, { now }))
  } finally {
    watcher.close()
  }
  const { sslHealth: esmHealth, sslMetrics: esmMetrics } = await esm
  assert.equal(esmHealth, sslHealth)
  assert.equal(esmMetrics, sslMetrics)
})
