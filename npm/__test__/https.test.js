'use strict'

// Real HTTPS on 127.0.0.1: servers built from loadServerTls output as is,
// clients trusting through agentOptions.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const https = require('node:https')
const tls = require('node:tls')
const { once } = require('node:events')

const { loadServerTls, loadServerTlsAsync, loadTrust, agentOptions } = require('console-tls')
const { Pki, listen, close } = require('./helpers.js')

const pki = new Pki()
let root
let identity

before(() => {
  root = pki.ca('root')
  identity = pki.selfSigned('identity', { cn: 'localhost', sans: 'DNS:localhost,IP:127.0.0.1' })
})
after(() => pki.cleanup())

/** GET https://127.0.0.1:port/ with `agent`; resolves to { status, body } or rejects with the TLS error. */
async function get(port, agent, servername = 'localhost') {
  const request = https.get({ host: '127.0.0.1', port, path: '/', agent, servername })
  const [response] = await once(request, 'response')
  let body = ''
  for await (const chunk of response) body += chunk
  return { status: response.statusCode, body }
}

async function hello(serverTls, text = 'hello') {
  const server = https.createServer(serverTls, (req, res) => res.end(text))
  return { server, port: await listen(server) }
}

test('https.createServer takes loadServerTls output as it is, encrypted key and all', async () => {
  const leaf = pki.leaf('console', root, { rsa: true })
  const passphrase = 'pässwörd with spaces '
  const serverTls = loadServerTls({
    certificate: `file:${leaf.chain}`,
    privateKey: pki.encrypt(leaf.key, passphrase),
    passphrase,
  })
  assert.equal(serverTls.keyType, 'RSA 2048-bit')
  assert.equal(serverTls.keyBits, 2048)
  assert.match(serverTls.key, /^-----BEGIN PRIVATE KEY-----\n/)
  assert.equal(serverTls.certificates.length, 2)
  assert.deepEqual(serverTls.certificates[0].subjectAltNames, ['DNS:localhost', 'IP Address:127.0.0.1'])
  assert.deepEqual(serverTls.warnings, [])
  // The same material Node itself would accept:
  tls.createSecureContext({ cert: serverTls.cert, key: serverTls.key })

  const { server, port } = await hello(serverTls)
  try {
    const agent = new https.Agent(loadTrustAgent(root.cert))
    const response = await get(port, agent)
    assert.deepEqual(response, { status: 200, body: 'hello' })
    agent.destroy()
  } finally {
    await close(server)
  }
})

function loadTrustAgent(extraCaCerts) {
  return agentOptions(loadTrust({ extraCaCerts }))
}

test('the Promise form serves the same identity', async () => {
  const leaf = pki.leaf('async', root)
  const sync = loadServerTls({ certificate: leaf.chain, privateKey: leaf.key })
  const serverTls = await loadServerTlsAsync({ certificate: leaf.chain, privateKey: leaf.key })
  assert.deepEqual(serverTls, sync)
  const { server, port } = await hello(serverTls, 'async')
  try {
    const agent = new https.Agent(loadTrustAgent(root.cert))
    assert.equal((await get(port, agent)).body, 'async')
    agent.destroy()
  } finally {
    await close(server)
  }
})

test('agentOptions trusts a self-signed CA:TRUE Identity, which Node alone refuses', async () => {
  const identityTls = loadServerTls({ certificate: identity.cert, privateKey: identity.key })
  assert.equal(identityTls.certificates[0].isCa, true)
  const { server, port } = await hello(identityTls, 'identity')
  try {
    const trusting = new https.Agent(agentOptions(loadTrust({ extraCaCerts: identity.cert })))
    assert.deepEqual(await get(port, trusting), { status: 200, body: 'identity' })
    assert.deepEqual(await get(port, trusting, undefined), { status: 200, body: 'identity' })
    trusting.destroy()

    const plain = new https.Agent()
    await assert.rejects(get(port, plain), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })
    plain.destroy()
  } finally {
    await close(server)
  }
})

/** The options of every tls.createSecureContext call `fn` makes. */
function contextsBuilt(fn) {
  const built = []
  const original = tls.createSecureContext
  tls.createSecureContext = (options) => {
    built.push(options)
    return original(options)
  }
  try {
    fn()
  } finally {
    tls.createSecureContext = original
  }
  return built
}

test("agentOptions adds the operating system's roots when the trust was loaded with system: true", (t) => {
  const trust = loadTrust({ extraCaCerts: identity.cert, system: true })
  if (trust.systemRoots === 0) return t.skip('this machine has no operating system root store')
  const { ca } = contextsBuilt(() => agentOptions(trust))[0]
  assert.equal(ca.length, tls.rootCertificates.length + trust.systemRoots + 1)
  const system = ca.slice(tls.rootCertificates.length, -1)
  assert.ok(system.every((pem) => pem.startsWith('-----BEGIN CERTIFICATE-----\n')))
  assert.equal(ca.at(-1), trust.ca[0])
})

test("agentOptions builds one SecureContext from Node's bundled roots plus the extras (a bare ca would drop the roots)", () => {
  const trust = loadTrust({ extraCaCerts: [identity.cert, root.cert] })
  const built = contextsBuilt(() => {
    const first = agentOptions(trust)
    const again = agentOptions(trust)
    assert.equal(again.secureContext, first.secureContext)
  })
  assert.equal(built.length, 1, 'the context is built once per trust')
  const { ca } = built[0]
  assert.equal(ca.length, tls.rootCertificates.length + 2)
  assert.deepEqual(ca.slice(0, tls.rootCertificates.length), tls.rootCertificates)
  assert.deepEqual(ca.slice(-2), trust.ca)
  assert.equal(trust.ca[0], pki.read('identity.pem'))
})
