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

const corpus = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'chains')
const cases = JSON.parse(fs.readFileSync(path.join(corpus, 'cases.json'), 'utf8'))

// OpenSSL's verification codes (as Node reports them) and Node's name check,
// in the contract's codes.
const CODES = {
  CERT_HAS_EXPIRED: 'ERR_CERT_EXPIRED',
  CERT_NOT_YET_VALID: 'ERR_CERT_NOT_YET_VALID',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'ERR_CERT_UNTRUSTED',
  SELF_SIGNED_CERT_IN_CHAIN: 'ERR_CERT_UNTRUSTED',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'ERR_CERT_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'ERR_CERT_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT: 'ERR_CERT_UNTRUSTED',
  PATH_LENGTH_EXCEEDED: 'ERR_CERT_UNTRUSTED',
  PERMITTED_SUBTREE_VIOLATION: 'ERR_CERT_UNTRUSTED',
  EXCLUDED_SUBTREE_VIOLATION: 'ERR_CERT_UNTRUSTED',
  INVALID_CA: 'ERR_CERT_UNTRUSTED',
  KEYUSAGE_NO_CERTSIGN: 'ERR_CERT_UNTRUSTED',
  UNHANDLED_CRITICAL_EXTENSION: 'ERR_CERT_INVALID',
  // An intermediate whose extendedKeyUsage lacks serverAuth breaks the
  // chain; the server certificate's own is ERR_CERT_INVALID (below).
  INVALID_PURPOSE: 'INVALID_PURPOSE',
  CA_MD_TOO_WEAK: 'ERR_CERT_INVALID',
  EE_KEY_TOO_SMALL: 'ERR_CERT_INVALID',
  CA_KEY_TOO_SMALL: 'ERR_CERT_INVALID',
  ERR_TLS_CERT_ALTNAME_INVALID: 'ERR_CERT_HOSTNAME_MISMATCH',
}

// Node 20 reports some of OpenSSL's codes only as UNSPECIFIED, with
// OpenSSL's message.
const MESSAGES = {
  'permitted subtree violation': 'ERR_CERT_UNTRUSTED',
  'excluded subtree violation': 'ERR_CERT_UNTRUSTED',
  'CA signature digest algorithm too weak': 'ERR_CERT_INVALID',
  'key usage does not include certificate signing': 'ERR_CERT_UNTRUSTED',
  'unhandled critical extension': 'ERR_CERT_INVALID',
}

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

// OpenSSL reports INVALID_PURPOSE both for the server certificate (its EKU
// lacks serverAuth: ERR_CERT_INVALID) and for an issuer (not a CA, or its
// EKU lacks serverAuth: a broken chain, ERR_CERT_UNTRUSTED) without saying
// which; the corpus names the cases whose issuer is at fault.
function purposeCode(name) {
  return /^(eku-)?intermediate-/.test(name) ? 'ERR_CERT_UNTRUSTED' : 'ERR_CERT_INVALID'
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
