'use strict'

// One verdict: for every chain of the verification-policy corpus
// (tests/fixtures/chains, made by its make.sh with openssl), verifyServer's
// answer and the answer of a real handshake through agentOptions(trust) are
// the same: both accept, or both refuse — and when OpenSSL is the one that
// refuses, with the contract's code for what it found. What plain Node does
// with the same files (a `ca` array and its own checkServerIdentity) is
// checked by chains-plain-node.test.js; where it differs, cases.json says why.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const net = require('node:net')
const path = require('node:path')
const tls = require('node:tls')
const { once } = require('node:events')

const { loadTrust, verifyServer, agentOptions } = require('console-tls')
const { listen, close } = require('./helpers.js')
const { CODES, MESSAGES, purposeCode } = require('./openssl-verdicts.js')

const CHAINS = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'chains')
const cases = JSON.parse(fs.readFileSync(path.join(CHAINS, 'cases.json'), 'utf8'))

/**
 * A real handshake to `server` through agentOptions(trust), checking `host`
 * (a name is also sent as SNI). The TCP connection always goes to 127.0.0.1;
 * `host` only names what the certificate must be valid for.
 * Resolves to 'OK', a contract code, or `HANDSHAKE:<code>` when the TLS
 * handshake itself failed before any certificate verdict.
 */
async function handshake(port, host, options, name) {
  const socket = net.connect(port, '127.0.0.1')
  await once(socket, 'connect')
  const secure = tls.connect({ ...options, socket, host, servername: net.isIP(host) ? undefined : host })
  try {
    await once(secure, 'secureConnect')
    return 'OK'
  } catch (error) {
    // console-tls's own check (checkServerIdentity) reports the contract's
    // codes; OpenSSL's verdicts come first and in its own terms.
    if (typeof error.code === 'string' && error.code.startsWith('ERR_CERT_')) return error.code
    if (error.code === 'UNSPECIFIED' && MESSAGES[error.message]) return MESSAGES[error.message]
    if (error.code === 'INVALID_PURPOSE') return purposeCode(name)
    if (CODES[error.code]) return CODES[error.code]
    return `HANDSHAKE:${error.code} (${error.message})`
  } finally {
    secure.destroy()
    socket.destroy()
  }
}

for (const c of cases) {
  test(`${c.name}: verifyServer and a handshake through agentOptions agree (${c.expect})`, async () => {
    const dir = path.join(CHAINS, c.name)
    const chain = fs.readFileSync(path.join(dir, 'chain.pem'), 'utf8')
    const trust = loadTrust({ extraCaCerts: path.join(dir, 'trust.pem') })
    let ours = 'OK'
    try {
      verifyServer(trust, chain, c.host)
    } catch (error) {
      ours = error.code
    }
    assert.equal(ours, c.expect, 'verifyServer gives the verdict cases.json records')

    const server = tls.createServer(
      {
        cert: chain,
        key: fs.readFileSync(path.join(dir, 'key.pem')),
        // The server serves weak material too (RSA-1024, SHA-1; DSA only
        // exists in TLS 1.2), so that the client's verdict is what is measured.
        ciphers: 'DEFAULT@SECLEVEL=0',
        maxVersion: 'TLSv1.2',
        dhparam: 'auto',
      },
      (socket) => socket.end(),
    )
    server.on('tlsClientError', () => {})
    const port = await listen(server)
    try {
      const theirs = await handshake(port, c.host, agentOptions(trust), c.name)
      if (ours === 'OK') {
        assert.equal(theirs, 'OK', 'verifyServer accepts, so the connection must succeed')
      } else if (theirs.startsWith('HANDSHAKE:')) {
        // The server cannot even complete a handshake with Node's TLS (e.g. a
        // P-192 or DSA key): refused all the same, before any certificate verdict.
        assert.equal(c.plainNode, 'HANDSHAKE', `${theirs}: only cases whose plain-Node verdict is HANDSHAKE fail this way`)
      } else {
        assert.equal(theirs, ours, 'the connection is refused with the same code')
      }
    } finally {
      await close(server)
    }
  })
}
