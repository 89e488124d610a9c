'use strict'

// Test PKIs made by the openssl CLI (real files, as operators make them),
// and small helpers for real TLS on 127.0.0.1.

const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const tls = require('node:tls')
const { once } = require('node:events')

function openssl(args, options = {}) {
  return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
}

/** A directory of certificates and keys, removed by `cleanup()`. */
class Pki {
  constructor(prefix = 'console-tls-test-') {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  }

  file(name) {
    return path.join(this.dir, name)
  }

  write(name, text) {
    fs.writeFileSync(this.file(name), text)
    return this.file(name)
  }

  read(name) {
    return fs.readFileSync(this.file(name), 'utf8')
  }

  cleanup() {
    fs.rmSync(this.dir, { recursive: true, force: true })
  }

  /** An EC P-256 key (PKCS#8), or RSA-2048 with `{ rsa: true }`. */
  key(name, { rsa = false } = {}) {
    const keyArgs = rsa
      ? ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']
      : ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
    openssl(['genpkey', ...keyArgs, '-out', this.file(`${name}.key`)])
    return this.file(`${name}.key`)
  }

  /** A self-signed CA:TRUE certificate, as `openssl req -x509` makes (also what a self-signed Identity uses). */
  selfSigned(name, { cn = name, sans } = {}) {
    const key = this.key(name)
    const args = ['req', '-x509', '-new', '-key', key, '-out', this.file(`${name}.pem`), '-subj', `/CN=${cn}`, '-days', '365']
    if (sans) args.push('-addext', `subjectAltName=${sans}`)
    openssl(args)
    return { cert: this.file(`${name}.pem`), key, name }
  }

  /** A CA for signing (self-signed CA:TRUE with keyCertSign). */
  ca(name) {
    return this.selfSigned(name, { cn: `${name} test CA` })
  }

  /**
   * A leaf for `sans` signed by `issuer` (a `ca()`), valid from `start` to
   * `end` (openssl's YYYYMMDDHHMMSSZ), or for a year from now.
   * Writes `<name>.pem` (the leaf) and `<name>-chain.pem` (leaf, then the issuer).
   */
  leaf(name, issuer, { sans = 'DNS:localhost,IP:127.0.0.1', start, end, rsa = false, ca = false } = {}) {
    const key = this.key(name, { rsa })
    const csr = this.file(`${name}.csr`)
    openssl(['req', '-new', '-key', key, '-out', csr, '-subj', `/CN=${name}`])
    const ext = this.write(
      `${name}.ext`,
      ca
        ? 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n'
        : `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${sans}\n`,
    )
    const cert = this.file(`${name}.pem`)
    // `openssl ca` is the only 3.0 command that takes explicit dates (expired, not yet valid).
    const db = this.file(`${name}.db`)
    fs.mkdirSync(db, { recursive: true })
    fs.writeFileSync(path.join(db, 'index.txt'), '')
    fs.writeFileSync(path.join(db, 'serial'), `${Date.now().toString(16).padStart(16, '0')}\n`)
    const cnf = this.write(
      `${name}.cnf`,
      [
        '[ca]',
        'default_ca = test',
        '[test]',
        `database = ${path.join(db, 'index.txt')}`,
        `serial = ${path.join(db, 'serial')}`,
        `new_certs_dir = ${db}`,
        'default_md = sha256',
        'policy = any',
        'unique_subject = no',
        'email_in_dn = no',
        '[any]',
        'commonName = supplied',
        '',
      ].join('\n'),
    )
    const dates = start && end ? ['-startdate', start, '-enddate', end] : ['-days', '365']
    openssl([
      'ca', '-batch', '-notext', '-config', cnf, '-in', csr, '-out', cert,
      '-cert', issuer.cert, '-keyfile', issuer.key, '-extfile', ext, ...dates,
    ])
    const chain = this.write(`${name}-chain.pem`, fs.readFileSync(cert, 'utf8') + fs.readFileSync(issuer.cert, 'utf8'))
    return { cert, key, chain, name }
  }

  /** `key` as PKCS#8 PBES2 AES-256-CBC, encrypted with `passphrase`. */
  encrypt(key, passphrase) {
    const out = key.replace(/\.key$/, '.enc.key')
    openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', key, '-out', out, '-passout', `pass:${passphrase}`])
    return out
  }
}

/** openssl's date format, `days` from now (negative: in the past). */
function opensslDate(days) {
  const date = new Date(Date.now() + days * 86400_000)
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'
}

/** Listens on 127.0.0.1 on an ephemeral port; resolves to the port. */
async function listen(server) {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return server.address().port
}

function close(server) {
  server.closeAllConnections?.()
  return new Promise((resolve) => server.close(() => resolve()))
}

/** A TLS server presenting `serverTls` (what loadServerTls returns); answers "ok". */
async function tlsServer(serverTls) {
  const server = tls.createServer({ cert: serverTls.cert, key: serverTls.key }, (socket) => {
    socket.on('error', () => {})
    socket.end('ok')
  })
  server.on('tlsClientError', () => {})
  const port = await listen(server)
  return { server, port }
}

/**
 * Connects the way Node would verify (`ca`), without rejecting, and returns
 * Node's verdict (`null` or the error code) and the presented certificate.
 */
async function nodeVerdict(port, hostname, ca) {
  const socket = tls.connect({
    host: '127.0.0.1',
    port,
    servername: require('node:net').isIP(hostname) ? undefined : hostname,
    ca,
    rejectUnauthorized: false,
  })
  try {
    await once(socket, 'secureConnect')
    const peer = socket.getPeerCertificate(true)
    let code = null
    if (!socket.authorized) {
      const reason = socket.authorizationError
      code = typeof reason === 'string' ? reason : reason.code
    } else {
      const error = tls.checkServerIdentity(hostname, peer)
      if (error) code = error.code
    }
    return { code, peer }
  } finally {
    socket.destroy()
  }
}

/** Node's verification codes → the contract's (one table, shared with the chain tests). */
const { CODES: NODE_CODES } = require('./openssl-verdicts.js')

/** Runs `fn` and returns what it threw (failing when it did not throw). */
function thrown(fn) {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected an error, but nothing was thrown')
}

module.exports = { Pki, openssl, opensslDate, listen, close, tlsServer, nodeVerdict, NODE_CODES, thrown }
