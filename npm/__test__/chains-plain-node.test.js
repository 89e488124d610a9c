'use strict'

// The verification-policy corpus (tests/fixtures/chains, made by make.sh)
// through a real plain-Node handshake on 127.0.0.1: a `tls.createServer`
// serving each case's chain and key, a `tls.connect` trusting Node's bundled
// roots plus the case's trust.pem. Node's verdict must be the manifest's
// `plainNode` (default: `expect`, console-tls's own verdict), so every place
// where console-tls is stricter than Node is listed in the manifest with its
// reason, and nowhere is it laxer. Only node:tls: no addon is involved.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const net = require('node:net')
const path = require('node:path')
const tls = require('node:tls')
const { once } = require('node:events')

const { CODES, MESSAGES, purposeCode } = require('./openssl-verdicts.js')

const corpus = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'chains')
const cases = JSON.parse(fs.readFileSync(path.join(corpus, 'cases.json'), 'utf8'))

/** Node's verdict for one case: OK, an ERR_ code, or HANDSHAKE. */
async function plainNodeVerdict(dir, host) {
  const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8')
  const server = tls.createServer({
    cert: read('chain.pem'),
    key: read('key.pem'),
    // The server must be able to serve weak material (RSA-1024, SHA-1) so
    // that the CLIENT's verdict is what is measured.
    ciphers: 'DEFAULT@SECLEVEL=0',
    // DSA certificates exist only in TLS 1.2 (DHE-DSS).
    maxVersion: 'TLSv1.2',
    dhparam: 'auto',
  })
  server.on('tlsClientError', () => {})
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    // rejectUnauthorized as by default: Node verifies the chain, then
    // calls tls.checkServerIdentity, exactly as a plain https request does.
    const socket = tls.connect({
      host: '127.0.0.1',
      port: server.address().port,
      servername: net.isIP(host) ? undefined : host,
      ca: [...tls.rootCertificates, read('trust.pem')],
    })
    try {
      await Promise.race([
        once(socket, 'secureConnect'),
        once(socket, 'error').then(([e]) => Promise.reject(e)),
      ])
      return { verdict: 'OK', raw: 'OK' }
    } catch (error) {
      if (error.code === 'UNSPECIFIED') {
        return { verdict: MESSAGES[error.message] ?? error.code, raw: `${error.code} (${error.message})` }
      }
      if (CODES[error.code]) return { verdict: CODES[error.code], raw: error.code }
      // No certificate verdict at all: the handshake itself failed.
      return { verdict: 'HANDSHAKE', raw: `${error.code} (${error.message})` }
    } finally {
      socket.destroy()
    }
  } finally {
    server.close()
  }
}

test('the corpus has cases', () => {
  assert.ok(cases.length >= 40, `only ${cases.length} cases`)
})

for (const c of cases) {
  test(`plain Node on ${c.name}`, async () => {
    const { verdict, raw } = await plainNodeVerdict(path.join(corpus, c.name), c.host)
    const got = verdict === 'INVALID_PURPOSE' ? purposeCode(c.name) : verdict
    const want = c.plainNode ?? c.expect
    assert.equal(got, want, `${c.name}: Node says ${raw}; the manifest says ${want}${c.reason ? ` (${c.reason})` : ''}`)
    if (c.plainNode !== undefined) {
      assert.notEqual(c.plainNode, c.expect, `${c.name}: plainNode equals expect; drop it`)
      assert.ok(c.reason, `${c.name}: a difference from Node needs a reason`)
    }
  })
}
