'use strict'

// Client certificates (mutual TLS): SERVER_SSL_CLIENT_AUTH and
// SERVER_SSL_TRUST_CERTIFICATE turn config.server into options with which
// https.createServer enforces them. Real handshakes on 127.0.0.1 with Node,
// curl and openssl s_client as clients; certificates made by the openssl CLI.
//
// Every wait is bounded (a deadline fails the test) and nothing asserts how
// long anything took.

const test = require('node:test')
const assert = require('node:assert/strict')
const { execFile, spawn } = require('node:child_process')
const fs = require('node:fs')
const https = require('node:https')
const { promisify } = require('node:util')

const { loadFromEnv, loadServerTls, watchServer } = require('..')
const { Pki, openssl, opensslDate, listen, close } = require('./helpers')

const run = promisify(execFile)
const WAIT_MS = 15_000

const pki = new Pki('console-tls-client-auth-')
const config = pki.write('min.cnf', '[req]\ndistinguished_name = dn\n[dn]\n')

function ca(name) {
  openssl([
    'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', pki.file(`${name}.key`), '-out', pki.file(`${name}.pem`), '-subj', `/CN=${name}`,
    '-days', '2', '-config', config,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign',
  ])
  return { cert: pki.file(`${name}.pem`), key: pki.file(`${name}.key`), pem: pki.read(`${name}.pem`) }
}

/** A certificate for `name` issued by `issuer` (self-signed without one), with `extensions`. */
function issue(name, issuer, extensions) {
  const signing = issuer ? ['-CA', issuer.cert, '-CAkey', issuer.key] : []
  openssl([
    'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', pki.file(`${name}.key`), '-out', pki.file(`${name}.pem`), '-subj', `/CN=${name}`,
    '-days', '2', '-config', config, ...signing,
    ...extensions.flatMap((e) => ['-addext', e]),
  ])
  return {
    certFile: pki.file(`${name}.pem`),
    keyFile: pki.file(`${name}.key`),
    cert: pki.read(`${name}.pem`),
    key: pki.read(`${name}.key`),
  }
}

const clientExtensions = ['basicConstraints=CA:FALSE', 'extendedKeyUsage=clientAuth']
const serverCa = ca('server-ca')
const server = issue('server', serverCa, [
  'basicConstraints=CA:FALSE', 'extendedKeyUsage=serverAuth', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
])
const clientCa = ca('client-ca')
const foreignCa = ca('foreign-ca')
const alice = issue('alice', clientCa, clientExtensions)
const mallory = issue('mallory', foreignCa, clientExtensions)
const device = issue('device', null, clientExtensions)
const serverOnly = issue('server-only', clientCa, ['basicConstraints=CA:FALSE', 'extendedKeyUsage=serverAuth'])

test.after(() => pki.cleanup())

function env(vars) {
  return {
    SERVER_SSL_ENABLED: 'true',
    SERVER_SSL_CERTIFICATE: server.certFile,
    SERVER_SSL_CERTIFICATE_PRIVATE_KEY: server.keyFile,
    ...vars,
  }
}

/** An https server from `options`, answering what it knows of the client. */
async function serve(options) {
  const httpsServer = https.createServer(options, (req, res) => {
    const peer = req.socket.getPeerCertificate()
    res.end(
      JSON.stringify({
        authorized: req.socket.authorized,
        authorizationError: req.socket.authorizationError ?? null,
        cn: peer && peer.subject ? peer.subject.CN : null,
      }),
    )
  })
  httpsServer.on('tlsClientError', () => {})
  const port = await listen(httpsServer)
  return { httpsServer, port }
}

/** A Node client's request: `{ ok: true, body }` or `{ ok: false, code }`. */
function request(port, client) {
  return new Promise((resolve) => {
    const req = https.request(
      {
        host: '127.0.0.1', port, servername: 'localhost', ca: serverCa.pem, agent: false,
        ...(client ? { cert: client.cert, key: client.key } : {}),
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve({ ok: true, body: JSON.parse(body) }))
        res.on('error', (error) => resolve({ ok: false, code: error.code }))
      },
    )
    req.on('error', (error) => resolve({ ok: false, code: error.code }))
    req.end()
  })
}

async function curl(port, client) {
  const args = ['-sS', '--max-time', '30', '--cacert', serverCa.cert, '--resolve', `localhost:${port}:127.0.0.1`]
  if (client) args.push('--cert', client.certFile, '--key', client.keyFile)
  args.push(`https://localhost:${port}/`)
  try {
    const { stdout } = await run('curl', args, { encoding: 'utf8' })
    return { ok: true, body: JSON.parse(stdout) }
  } catch (error) {
    return { ok: false, exit: error.code }
  }
}

function sClient(port, client) {
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', serverCa.cert, '-ign_eof']
  if (client) args.push('-cert', client.certFile, '-key', client.keyFile)
  return new Promise((resolve) => {
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.stderr.on('data', () => {})
    child.on('close', () => resolve(out))
    child.stdin.end('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
  })
}

test('config.server carries requestCert, rejectUnauthorized, ca and clientAuth only with client auth', () => {
  const none = loadFromEnv(env({}))
  for (const key of ['clientAuth', 'requestCert', 'rejectUnauthorized', 'ca']) {
    assert.equal(key in none.server, false, key)
  }
  const need = loadFromEnv(env({ SERVER_SSL_CLIENT_AUTH: 'NEED', SERVER_SSL_TRUST_CERTIFICATE: clientCa.cert }))
  assert.equal(need.server.clientAuth, 'need')
  assert.equal(need.server.requestCert, true)
  assert.equal(need.server.rejectUnauthorized, true)
  assert.deepEqual(need.server.ca, [clientCa.pem])
  const want = loadFromEnv(env({ SERVER_SSL_CLIENT_AUTH: 'want', SERVER_SSL_TRUST_CERTIFICATE: `file:${clientCa.cert}` }))
  assert.equal(want.server.clientAuth, 'want')
  assert.equal(want.server.requestCert, true)
  assert.equal(want.server.rejectUnauthorized, false)
  const management = loadFromEnv({
    ...env({}),
    MANAGEMENT_SERVER_SSL_ENABLED: 'true',
    MANAGEMENT_SERVER_SSL_CERTIFICATE: server.certFile,
    MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY: server.keyFile,
    MANAGEMENT_SERVER_SSL_CLIENT_AUTH: 'need',
    MANAGEMENT_SERVER_SSL_TRUST_CERTIFICATE: clientCa.cert,
  })
  assert.equal('requestCert' in management.server, false)
  assert.equal(management.management.clientAuth, 'need')
})

test('errors name the variable (and the file and block)', () => {
  assert.throws(() => loadFromEnv(env({ SERVER_SSL_CLIENT_AUTH: 'optional' })), {
    code: 'ERR_CONFIG_INVALID',
    envVar: 'SERVER_SSL_CLIENT_AUTH',
    message: /none, want or need/,
  })
  assert.throws(() => loadFromEnv(env({ SERVER_SSL_CLIENT_AUTH: 'need' })), {
    code: 'ERR_CONFIG_MISSING',
    envVar: 'SERVER_SSL_TRUST_CERTIFICATE',
  })
  const bad = pki.write('bad-bundle.pem', `${clientCa.pem}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`)
  assert.throws(() => loadFromEnv(env({ SERVER_SSL_CLIENT_AUTH: 'want', SERVER_SSL_TRUST_CERTIFICATE: bad })), (error) => {
    assert.equal(error.envVar, 'SERVER_SSL_TRUST_CERTIFICATE')
    assert.equal(error.path, bad)
    assert.match(error.message, /block 2/)
    return true
  })
  const unused = loadFromEnv(env({ SERVER_SSL_TRUST_CERTIFICATE: clientCa.cert }))
  // (The test certificates expire within 30 days: those warnings are not this one.)
  assert.deepEqual(
    unused.warnings.filter((w) => w.code !== 'WARN_CERT_EXPIRING_SOON').map((w) => [w.code, w.envVar]),
    [['WARN_SETTING_UNUSED', 'SERVER_SSL_TRUST_CERTIFICATE']],
  )
  assert.equal('requestCert' in unused.server, false)
  // loadServerTls names its arguments.
  const args = { certificate: server.certFile, privateKey: server.keyFile }
  assert.throws(() => loadServerTls({ ...args, clientAuth: 'need' }), { code: 'ERR_CONFIG_MISSING', envVar: 'trustCertificate' })
  assert.throws(() => loadServerTls({ ...args, clientAuth: 'yes' }), { code: 'ERR_CONFIG_INVALID', envVar: 'clientAuth' })
  const loaded = loadServerTls({ ...args, clientAuth: 'want', trustCertificate: clientCa.cert })
  assert.equal(loaded.requestCert, true)
  assert.equal(loaded.rejectUnauthorized, false)
  assert.deepEqual(loaded.ca, [clientCa.pem])
})

test('need: https.createServer(config.server) refuses no certificate and a foreign one, accepts the configured CA', async () => {
  const loaded = loadFromEnv(env({ SERVER_SSL_CLIENT_AUTH: 'need', SERVER_SSL_TRUST_CERTIFICATE: clientCa.cert }))
  const { httpsServer, port } = await serve(loaded.server)
  try {
    assert.deepEqual(await request(port, alice), {
      ok: true,
      body: { authorized: true, authorizationError: null, cn: 'alice' },
    })
    const anonymous = await request(port, null)
    assert.equal(anonymous.ok, false, JSON.stringify(anonymous))
    const foreign = await request(port, mallory)
    assert.equal(foreign.ok, false, JSON.stringify(foreign))
    // A certificate of the configured CA for servers only (no clientAuth).
    const forServers = await request(port, serverOnly)
    assert.equal(forServers.ok, false, JSON.stringify(forServers))

    const curled = await curl(port, alice)
    assert.deepEqual(curled, { ok: true, body: { authorized: true, authorizationError: null, cn: 'alice' } })
    assert.equal((await curl(port, null)).ok, false)
    assert.equal((await curl(port, mallory)).ok, false)

    assert.match(await sClient(port, alice), /"authorized":true/)
    assert.doesNotMatch(await sClient(port, null), /"authorized"/)
    assert.doesNotMatch(await sClient(port, mallory), /"authorized"/)
  } finally {
    await close(httpsServer)
  }
})

test('want: every client connects; socket.authorized tells whether it was verified (a foreign certificate too)', async () => {
  const loaded = loadFromEnv(env({ SERVER_SSL_CLIENT_AUTH: 'want', SERVER_SSL_TRUST_CERTIFICATE: clientCa.cert }))
  const { httpsServer, port } = await serve(loaded.server)
  try {
    const anonymous = await request(port, null)
    assert.equal(anonymous.ok, true)
    // Node's code for "no certificate" (measured on Node 20).
    assert.deepEqual(anonymous.body, { authorized: false, authorizationError: 'UNABLE_TO_GET_ISSUER_CERT', cn: null })
    assert.deepEqual(await request(port, alice), {
      ok: true,
      body: { authorized: true, authorizationError: null, cn: 'alice' },
    })
    // Node's verdict, which console-tls cannot change through options:
    // accepted, unauthorized (the rustls config refuses it; see the README).
    const foreign = await request(port, mallory)
    assert.equal(foreign.ok, true)
    assert.equal(foreign.body.authorized, false)
    assert.equal(foreign.body.cn, 'mallory')
    assert.equal(foreign.body.authorizationError, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')

    const curled = await curl(port, null)
    assert.equal(curled.ok, true)
    assert.equal(curled.body.authorized, false)
    assert.deepEqual(await curl(port, alice), { ok: true, body: { authorized: true, authorizationError: null, cn: 'alice' } })
    assert.match(await sClient(port, null), /"authorized":false/)
  } finally {
    await close(httpsServer)
  }
})

test('a self-signed client certificate (CA:FALSE) in the bundle is trusted directly, as by rustls', async () => {
  const bundle = pki.write('device-bundle.pem', device.cert)
  const loaded = loadFromEnv(env({ SERVER_SSL_CLIENT_AUTH: 'need', SERVER_SSL_TRUST_CERTIFICATE: bundle }))
  const { httpsServer, port } = await serve(loaded.server)
  try {
    assert.deepEqual(await request(port, device), {
      ok: true,
      body: { authorized: true, authorizationError: null, cn: 'device' },
    })
    assert.equal((await request(port, alice)).ok, false)
  } finally {
    await close(httpsServer)
  }
})

test('watchServer passes the rotated client CA bundle to setSecureContext', async () => {
  const bundle = pki.write('rotating-bundle.pem', clientCa.pem)
  const vars = env({ SERVER_SSL_CLIENT_AUTH: 'need', SERVER_SSL_TRUST_CERTIFICATE: bundle })
  const loaded = loadFromEnv(vars)
  const { httpsServer, port } = await serve(loaded.server)
  const errors = []
  const watcher = watchServer(httpsServer, vars, { intervalMs: 10 }, (error) => errors.push(error))
  try {
    assert.equal((await request(port, alice)).ok, true)
    assert.equal((await request(port, mallory)).ok, false)
    const tmp = pki.write('rotating-bundle.tmp', foreignCa.pem)
    fs.renameSync(tmp, bundle)
    const deadline = Date.now() + WAIT_MS
    let after
    do {
      await new Promise((resolve) => setTimeout(resolve, 20))
      after = await request(port, mallory)
    } while (!after.ok && Date.now() < deadline)
    assert.deepEqual(after, { ok: true, body: { authorized: true, authorizationError: null, cn: 'mallory' } })
    assert.equal((await request(port, alice)).ok, false, 'the old CA no longer issues accepted clients')
    assert.deepEqual(errors, [])
  } finally {
    watcher.close()
    await close(httpsServer)
  }
})

test('check() reports the mode and the client CAs, and problems naming the variable', () => {
  const { check } = require('..')
  const report = check(env({ SERVER_SSL_CLIENT_AUTH: 'want', SERVER_SSL_TRUST_CERTIFICATE: clientCa.cert }))
  assert.equal(report.listeners[0].clientAuth, 'want')
  assert.deepEqual(report.listeners[0].clientCas.map((c) => c.subject), ['CN=client-ca'])
  assert.equal('clientAuth' in check(env({})).listeners[0], false)
  const broken = check(env({ SERVER_SSL_CLIENT_AUTH: 'need' }))
  assert.deepEqual(broken.problems.map((p) => [p.code, p.envVar]), [['ERR_CONFIG_MISSING', 'SERVER_SSL_TRUST_CERTIFICATE']])
})

test('a client CA outside its validity period anchors nothing, in Node as in rustls', async () => {
  const expired = pki.leaf('expired-client-ca', clientCa, { ca: true, start: opensslDate(-400), end: opensslDate(-10) })
  const old = issue('old-client', { cert: expired.cert, key: expired.key }, clientExtensions)
  const current = pki.leaf('current-client-ca', clientCa, { ca: true })
  const fresh = issue('fresh-client', { cert: current.cert, key: current.key }, clientExtensions)
  const bundle = pki.write(
    'dated-bundle.pem',
    clientCa.pem + pki.read('expired-client-ca.pem') + pki.read('current-client-ca.pem'),
  )
  const loaded = loadFromEnv(env({ SERVER_SSL_CLIENT_AUTH: 'need', SERVER_SSL_TRUST_CERTIFICATE: bundle }))
  assert.ok(loaded.warnings.some((w) => w.code === 'WARN_CERT_EXPIRED' && w.envVar === 'SERVER_SSL_TRUST_CERTIFICATE'))
  const { httpsServer, port } = await serve(loaded.server)
  try {
    assert.equal((await request(port, old)).ok, false)
    assert.deepEqual(await request(port, fresh), {
      ok: true,
      body: { authorized: true, authorizationError: null, cn: 'fresh-client' },
    })
  } finally {
    await close(httpsServer)
  }
})

test('an intermediate alone in the bundle anchors nothing (no partial chains), in Node as in rustls', async () => {
  const issuing = pki.leaf('issuing-client-ca', clientCa, { ca: true })
  const bob = issue('bob', { cert: issuing.cert, key: issuing.key }, clientExtensions)
  const bundle = pki.write('intermediate-only.pem', pki.read('issuing-client-ca.pem'))
  const only = loadFromEnv(env({ SERVER_SSL_CLIENT_AUTH: 'need', SERVER_SSL_TRUST_CERTIFICATE: bundle }))
  let { httpsServer, port } = await serve(only.server)
  try {
    assert.equal((await request(port, bob)).ok, false)
  } finally {
    await close(httpsServer)
  }
  // With its root in the bundle too, the intermediate completes the chain.
  const full = pki.write('intermediate-and-root.pem', pki.read('issuing-client-ca.pem') + clientCa.pem)
  const both = loadFromEnv(env({ SERVER_SSL_CLIENT_AUTH: 'need', SERVER_SSL_TRUST_CERTIFICATE: full }))
  ;({ httpsServer, port } = await serve(both.server))
  try {
    assert.deepEqual(await request(port, bob), { ok: true, body: { authorized: true, authorizationError: null, cn: 'bob' } })
  } finally {
    await close(httpsServer)
  }
})

test("want in Node with the README's secureConnection check: a presented certificate that does not verify is closed, as rustls refuses it", async () => {
  const loaded = loadFromEnv(env({ SERVER_SSL_CLIENT_AUTH: 'want', SERVER_SSL_TRUST_CERTIFICATE: clientCa.cert }))
  const { httpsServer, port } = await serve(loaded.server)
  // The README's snippet, as written there.
  httpsServer.on('secureConnection', (socket) => {
    if (!socket.authorized && socket.getPeerCertificate().raw) socket.destroy()
  })
  try {
    assert.equal((await request(port, mallory)).ok, false)
    assert.equal((await request(port, null)).body.authorized, false)
    assert.equal((await request(port, alice)).body.authorized, true)
  } finally {
    await close(httpsServer)
  }
})
