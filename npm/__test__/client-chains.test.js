'use strict'

// The client-certificate corpus (tests/fixtures/client-chains, made by
// make.sh with openssl) through Node as the Console runs it: each case's
// bundle as SERVER_SSL_TRUST_CERTIFICATE, loadFromEnv, and a tls server from
// config.server (Node's defaults, OpenSSL's verification); a client presents
// the case's chain. Node's verdict must be the manifest's `node` (default:
// `expect`, the verdict of console-tls's rustls server, which
// tests/client_auth.rs checks), so every place where the two differ is
// listed with its reason.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tls = require('node:tls')
const { once } = require('node:events')

const { loadFromEnv } = require('..')
const { Pki, openssl, listen, close } = require('./helpers')

const corpus = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'client-chains')
const cases = JSON.parse(fs.readFileSync(path.join(corpus, 'cases.json'), 'utf8'))

const pki = new Pki('console-tls-client-chains-')
test.after(() => pki.cleanup())

// The listener's own identity, for localhost.
const minimal = pki.write('min.cnf', '[req]\ndistinguished_name = dn\n[dn]\n')
openssl([
  'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
  '-keyout', pki.file('server.key'), '-out', pki.file('server.pem'), '-subj', '/CN=localhost',
  '-days', '2', '-config', minimal, '-addext', 'subjectAltName=DNS:localhost',
])

/** What Node's server made of the case's client: OK or REFUSED (with why). */
async function nodeVerdict(dir) {
  const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8')
  const config = loadFromEnv({
    SERVER_SSL_ENABLED: 'true',
    SERVER_SSL_CERTIFICATE: pki.file('server.pem'),
    SERVER_SSL_CERTIFICATE_PRIVATE_KEY: pki.file('server.key'),
    // want: the handshake completes and socket.authorized says the verdict
    // that need enforces.
    SERVER_SSL_CLIENT_AUTH: 'want',
    SERVER_SSL_TRUST_CERTIFICATE: path.join(dir, 'trust.pem'),
  })
  const server = tls.createServer(config.server)
  server.on('tlsClientError', () => {})
  const verdict = once(server, 'secureConnection').then(([socket]) => {
    socket.destroy()
    return socket.authorized ? { verdict: 'OK' } : { verdict: 'REFUSED', why: String(socket.authorizationError) }
  })
  const port = await listen(server)
  try {
    const client = tls.connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: pki.read('server.pem'),
      cert: read('chain.pem'),
      key: read('key.pem'),
      // The client presents weak material too, for the server to judge.
      ciphers: 'DEFAULT@SECLEVEL=0',
    })
    client.on('error', () => {})
    const timeout = setTimeout(() => server.emit('error', new Error('no connection')), 15_000)
    try {
      return await Promise.race([verdict, once(server, 'error').then(([e]) => ({ verdict: `ERROR ${e.message}` }))])
    } finally {
      clearTimeout(timeout)
      client.destroy()
    }
  } finally {
    await close(server)
  }
}

test('Node (config.server) gives each client chain of the corpus the manifest verdict', async () => {
  assert.ok(cases.length >= 30, `${cases.length} cases`)
  const wrong = []
  for (const c of cases) {
    const { verdict, why } = await nodeVerdict(path.join(corpus, c.name))
    const expected = c.node ?? c.expect
    if (verdict !== expected) wrong.push(`${c.name}: Node ${verdict}${why ? ` (${why})` : ''}, manifest ${expected}`)
  }
  assert.deepEqual(wrong, [])
})

test('every difference from Node has its reason', () => {
  for (const c of cases.filter((c) => c.node)) {
    assert.notEqual(c.node, c.expect, c.name)
    assert.ok(c.reason && c.reason.length > 20, c.name)
  }
})
