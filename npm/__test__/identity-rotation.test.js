'use strict'

// Rotation reaches Identity connections: with the README's setup
// (`new https.Agent(agentOptions(watcher))`), a CA appended to
// NODE_EXTRA_CA_CERTS is used by new connections without a restart while a
// steady stream of requests to Identity runs, through its keep-alive and its
// fresh connections; Identity then re-issued by the new CA is reached; a
// broken bundle keeps the last good trust and is reported.
//
// Every wait is bounded (a deadline fails the test); nothing asserts how long
// anything took (the delay is printed as a diagnostic).

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const https = require('node:https')

const { watch, agentOptions } = require('..')
const { Pki, listen, close } = require('./helpers')

const WAIT_MS = 15_000
const INTERVAL_MS = 50

/** Writes `text` to `file` the way a careful operator does: a temporary file, then rename(2). */
function replace(file, text) {
  fs.writeFileSync(`${file}.tmp`, text)
  fs.renameSync(`${file}.tmp`, file)
}

/** Resolves with the next value `take` picks from the watcher's events, or fails at the deadline. */
function nextEvent(events, take) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no such watch event before the deadline')), WAIT_MS)
    events.waiters.push((error, config) => {
      const value = take(error, config)
      if (value === undefined) return false
      clearTimeout(timer)
      resolve(value)
      return true
    })
  })
}

/** GET / on Identity; resolves to the issuer CN of the certificate the connection verified. */
function get(port, agent) {
  return new Promise((resolve, reject) => {
    const request = https.get({ host: 'localhost', port, path: '/', agent }, (response) => {
      const issuer = response.socket.getPeerCertificate().issuer?.CN
      response.resume()
      response.on('end', () => resolve(issuer))
      response.on('error', reject)
    })
    request.on('error', reject)
  })
}

test('a CA appended to NODE_EXTRA_CA_CERTS reaches new Identity connections with zero failed requests', async (t) => {
  const pki = new Pki('console-tls-identity-rotation-')
  const first = pki.ca('first')
  const second = pki.ca('second')
  pki.leaf('identity-first', first)
  pki.leaf('identity-second', second)
  const bundle = pki.write('extra-ca.pem', pki.read('first.pem'))

  const server = https.createServer({ cert: pki.read('identity-first.pem'), key: pki.read('identity-first.key') }, (req, res) =>
    res.end('ok'),
  )
  server.on('tlsClientError', () => {})
  const port = await listen(server)

  const events = { waiters: [], errors: [] }
  const watcher = watch({ NODE_EXTRA_CA_CERTS: bundle }, { intervalMs: INTERVAL_MS }, (error, config) => {
    if (error) events.errors.push(error)
    events.waiters = events.waiters.filter((waiter) => !waiter(error, config))
  })
  const options = agentOptions(watcher)
  // Keep-alive connections stay open across the rotation; the other agent
  // opens a new connection (a new handshake) for every request.
  const keepAlive = new https.Agent({ ...options, keepAlive: true, maxSockets: 2 })
  const fresh = new https.Agent({ ...options, keepAlive: false })

  const results = { ok: 0, failed: [], issuers: new Set() }
  let streaming = true
  const stream = async (agent) => {
    // Bounded in count and time; stops when the test says so.
    const deadline = Date.now() + 4 * WAIT_MS
    for (let i = 0; streaming && i < 50_000 && Date.now() < deadline; i++) {
      try {
        const issuer = await get(port, agent)
        // A resumed session may not show the peer certificate again.
        if (issuer) results.issuers.add(issuer)
        results.ok++
      } catch (error) {
        results.failed.push(error)
      }
    }
  }
  const streams = [stream(keepAlive), stream(keepAlive), stream(fresh)]
  const okAfter = async (count) => {
    const target = results.ok + count
    const deadline = Date.now() + WAIT_MS
    while (results.ok < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    assert.ok(results.ok >= target, `only ${results.ok} requests succeeded`)
  }

  try {
    await okAfter(20)

    // The operator appends the new CA.
    const appended = nextEvent(events, (error, config) => (config && config.trust.ca.length === 2 ? config : undefined))
    const written = Date.now()
    replace(bundle, pki.read('first.pem') + pki.read('second.pem'))
    await appended
    const delay = Date.now() - written
    t.diagnostic(`the new CA reached the agent's context ${delay} ms after the write (${(delay / INTERVAL_MS).toFixed(1)} watch intervals)`)
    await okAfter(20)

    // Identity is re-issued by the new CA: new handshakes verify through it.
    server.setSecureContext({ cert: pki.read('identity-second.pem'), key: pki.read('identity-second.key') })
    const deadline = Date.now() + WAIT_MS
    while (!results.issuers.has('second test CA') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    assert.ok(results.issuers.has('second test CA'), 'no connection verified the certificate issued by the new CA')
    await okAfter(20)

    // A broken bundle is reported; the last good trust keeps serving.
    const reported = nextEvent(events, (error) => error || undefined)
    replace(bundle, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n')
    const error = await reported
    assert.equal(error.code, 'ERR_PEM_INVALID')
    assert.equal(error.envVar, 'NODE_EXTRA_CA_CERTS')
    assert.equal(watcher.current.trust.ca.length, 2)
    await okAfter(20)
  } finally {
    streaming = false
    await Promise.all(streams)
    watcher.close()
    keepAlive.destroy()
    fresh.destroy()
    await close(server)
    pki.cleanup()
  }

  assert.deepEqual(results.failed.map((e) => e.code ?? e.message), [])
  assert.deepEqual([...results.issuers].sort(), ['first test CA', 'second test CA'])
  t.diagnostic(`${results.ok} requests, none failed`)
})

test('agentOptions(watcher) refuses every connection until a trust has loaded, and says why', async () => {
  const pki = new Pki('console-tls-identity-rotation-')
  const identity = pki.selfSigned('identity', { cn: 'localhost', sans: 'DNS:localhost' })
  const server = https.createServer({ cert: pki.read('identity.pem'), key: pki.read('identity.key') }, (req, res) =>
    res.end('ok'),
  )
  server.on('tlsClientError', () => {})
  const port = await listen(server)
  const missing = pki.file('not-yet.pem')
  const watcher = watch({ NODE_EXTRA_CA_CERTS: missing }, { intervalMs: INTERVAL_MS }, () => {})
  const agent = new https.Agent(agentOptions(watcher))
  try {
    assert.equal(watcher.current, null)
    await assert.rejects(get(port, agent), (error) => {
      // OpenSSL refuses first (the placeholder context trusts nothing of ours).
      assert.match(error.code, /SELF_SIGNED|ERR_CERT_UNTRUSTED/)
      return true
    })
    const loaded = new Promise((resolve) => {
      const timer = setInterval(() => {
        if (watcher.current) {
          clearInterval(timer)
          resolve()
        }
      }, 5)
      setTimeout(() => clearInterval(timer), WAIT_MS).unref()
    })
    fs.copyFileSync(identity.cert, missing)
    await loaded
    assert.equal(await get(port, agent), 'localhost')
  } finally {
    watcher.close()
    agent.destroy()
    await close(server)
    pki.cleanup()
  }
})
