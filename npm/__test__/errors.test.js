'use strict'

// Every error class arrives as a real Error with the contract's code, the
// variable (or argument) and the file, from both the environment and the API.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')

const { loadFromEnv, loadServerTls, loadTrust, loadTrustAsync, verifyServer, agentOptions, watch } = require('console-tls')
const { Pki, thrown } = require('./helpers.js')

const pki = new Pki()
const PASSPHRASE = 'correct horse battery staple'
const f = {}

before(() => {
  const root = pki.ca('root')
  const leaf = pki.leaf('leaf', root)
  f.chain = leaf.chain
  f.key = leaf.key
  f.otherKey = pki.key('other')
  f.encrypted = pki.encrypt(leaf.key, PASSPHRASE)
  f.reversed = pki.write('reversed.pem', pki.read('root.pem') + pki.read('leaf.pem'))
  f.rootKey = root.key
  f.badPem = pki.write('bad.pem', `${pki.read('leaf.pem')}\n-----BEGIN CERTIFICATE-----\n!!!! not base64 !!!!\n-----END CERTIFICATE-----\n`)
  f.notCert = pki.write('not-cert.pem', '-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n')
  f.bundle = pki.write('bundle.pem', `# extra CAs\n${pki.read('root.pem')}-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n`)
  f.badBlockLine = pki.read('bundle.pem').split('\n').lastIndexOf('-----BEGIN CERTIFICATE-----') + 1
})
after(() => pki.cleanup())

const listener = (overrides) => ({
  SERVER_SSL_ENABLED: 'true',
  SERVER_SSL_CERTIFICATE: f.chain,
  SERVER_SSL_CERTIFICATE_PRIVATE_KEY: f.key,
  ...overrides,
})

/** The base64 lines of every private key used here. */
function keyLines() {
  return [f.key, f.otherKey, f.encrypted, f.rootKey]
    .flatMap((file) => require('node:fs').readFileSync(file, 'utf8').split('\n'))
    .filter((line) => line.length >= 16 && !line.startsWith('-----'))
}

/** [name, env overrides (a function: fixtures are made in before()), code, envVar, path, extra] */
const envCases = [
  ['missing variable', () => listener({ SERVER_SSL_CERTIFICATE: '' }), 'ERR_CONFIG_MISSING', 'SERVER_SSL_CERTIFICATE'],
  ['missing key variable', () => listener({ SERVER_SSL_CERTIFICATE_PRIVATE_KEY: undefined }), 'ERR_CONFIG_MISSING', 'SERVER_SSL_CERTIFICATE_PRIVATE_KEY'],
  ['bad boolean', () => ({ MANAGEMENT_SERVER_SSL_ENABLED: 'enabled' }), 'ERR_CONFIG_INVALID', 'MANAGEMENT_SERVER_SSL_ENABLED'],
  ['unknown scheme', () => listener({ SERVER_SSL_CERTIFICATE: 'classpath:tls/cert.pem' }), 'ERR_CONFIG_INVALID', 'SERVER_SSL_CERTIFICATE'],
  ['missing file', () => listener({ SERVER_SSL_CERTIFICATE: 'file:/no/such/cert.pem' }), 'ERR_FILE_NOT_FOUND', 'SERVER_SSL_CERTIFICATE', '/no/such/cert.pem'],
  ['directory', () => listener({ SERVER_SSL_CERTIFICATE_PRIVATE_KEY: pki.dir }), 'ERR_FILE_UNREADABLE', 'SERVER_SSL_CERTIFICATE_PRIVATE_KEY', () => pki.dir],
  ['bad PEM', () => listener({ SERVER_SSL_CERTIFICATE: f.badPem }), 'ERR_PEM_INVALID', 'SERVER_SSL_CERTIFICATE', () => f.badPem, { block: 2 }],
  ['not X.509', () => listener({ SERVER_SSL_CERTIFICATE: f.notCert }), 'ERR_CERT_INVALID', 'SERVER_SSL_CERTIFICATE', () => f.notCert, { block: 1 }],
  ['key mismatch', () => listener({ SERVER_SSL_CERTIFICATE_PRIVATE_KEY: f.otherKey }), 'ERR_KEY_MISMATCH', 'SERVER_SSL_CERTIFICATE_PRIVATE_KEY', () => f.otherKey],
  ['chain order', () => listener({ SERVER_SSL_CERTIFICATE: f.reversed }), 'ERR_CHAIN_ORDER', 'SERVER_SSL_CERTIFICATE_PRIVATE_KEY', () => f.reversed],
  ['encrypted without passphrase', () => listener({ SERVER_SSL_CERTIFICATE_PRIVATE_KEY: f.encrypted }), 'ERR_KEY_ENCRYPTED', 'SERVER_SSL_CERTIFICATE_PRIVATE_KEY', () => f.encrypted],
  ['wrong passphrase', () => listener({ SERVER_SSL_CERTIFICATE_PRIVATE_KEY: f.encrypted, SERVER_SSL_PASSPHRASE: 'Correct horse battery staple' }), 'ERR_PASSPHRASE_WRONG', 'SERVER_SSL_CERTIFICATE_PRIVATE_KEY', () => f.encrypted],
  ['trust file missing', () => ({ NODE_EXTRA_CA_CERTS: '/no/such/bundle.pem' }), 'ERR_FILE_NOT_FOUND', 'NODE_EXTRA_CA_CERTS', '/no/such/bundle.pem'],
  ['trust block corrupt', () => ({ NODE_EXTRA_CA_CERTS: f.bundle }), 'ERR_PEM_INVALID', 'NODE_EXTRA_CA_CERTS', () => f.bundle, { block: 2, line: () => f.badBlockLine }],
  ['Identity URL scheme', () => ({ KEYCLOAK_BASE_URL: 'ftp://identity.example.com' }), 'ERR_CONFIG_INVALID', 'KEYCLOAK_BASE_URL'],
]

for (const [name, makeEnv, code, envVar, pathOf, extra = {}] of envCases) {
  test(`loadFromEnv: ${name} is ${code} naming ${envVar}`, () => {
    const error = thrown(() => loadFromEnv(makeEnv()))
    assert.ok(error instanceof Error, 'a real Error')
    assert.equal(error.code, code)
    assert.equal(error.envVar, envVar)
    const path = typeof pathOf === 'function' ? pathOf() : pathOf
    assert.equal(error.path, path)
    for (const [key, value] of Object.entries(extra)) {
      assert.equal(error[key], typeof value === 'function' ? value() : value, key)
    }
    assert.ok(error.message.startsWith(`${envVar}: `), error.message)
    if (path) assert.ok(error.message.includes(path), error.message)
    assert.ok(!error.message.includes('horse'), 'no passphrase in the message')
    for (const line of keyLines()) assert.ok(!error.message.includes(line), 'no key material in the message')
    assert.ok(typeof error.stack === 'string' && error.stack.includes(error.message))
  })
}

test('loadServerTls errors name the arguments', () => {
  const missing = thrown(() => loadServerTls({ certificate: f.chain }))
  assert.equal(missing.code, 'ERR_CONFIG_MISSING')
  assert.equal(missing.envVar, 'privateKey')

  const mismatch = thrown(() => loadServerTls({ certificate: f.chain, privateKey: f.otherKey }))
  assert.equal(mismatch.code, 'ERR_KEY_MISMATCH')
  assert.equal(mismatch.envVar, 'privateKey')
  assert.equal(mismatch.path, f.otherKey)

  const encrypted = thrown(() => loadServerTls({ certificate: f.chain, privateKey: f.encrypted }))
  assert.equal(encrypted.code, 'ERR_KEY_ENCRYPTED')
  const wrong = thrown(() => loadServerTls({ certificate: f.chain, privateKey: f.encrypted, passphrase: Buffer.from('nope') }))
  assert.equal(wrong.code, 'ERR_PASSPHRASE_WRONG')

  const ok = loadServerTls({ certificate: f.chain, privateKey: f.encrypted, passphrase: new TextEncoder().encode(PASSPHRASE) })
  assert.equal(ok.certificates[0].subject, 'CN=leaf')

  const inline = loadServerTls({ certificate: pki.read('leaf-chain.pem'), privateKey: pki.read('leaf.key') })
  assert.equal(inline.cert, ok.cert)
  const inlineBad = thrown(() => loadServerTls({ certificate: pki.read('leaf-chain.pem'), privateKey: pki.read('other.key') }))
  assert.equal(inlineBad.code, 'ERR_KEY_MISMATCH')
  assert.equal(inlineBad.path, undefined, 'inline PEM has no path')

  const relative = thrown(() => loadServerTls({ certificate: 'leaf-chain.pem', privateKey: 'missing.key', baseDir: pki.dir }))
  assert.equal(relative.code, 'ERR_FILE_NOT_FOUND')
  assert.equal(relative.path, pki.file('missing.key'))
})

test('loadTrust: strict errors, lenient warnings that keep the good blocks', async () => {
  const strict = thrown(() => loadTrust({ extraCaCerts: f.bundle }))
  assert.equal(strict.code, 'ERR_PEM_INVALID')
  assert.equal(strict.envVar, 'extraCaCerts')
  assert.equal(strict.path, f.bundle)
  assert.equal(strict.block, 2)
  assert.equal(strict.line, f.badBlockLine)

  const lenient = loadTrust({ extraCaCerts: [f.bundle, '/no/such.pem'], strict: false })
  assert.deepEqual(lenient.certificates.map((c) => c.subject), ['CN=root test CA'])
  assert.deepEqual(lenient.warnings.map((w) => [w.code, w.envVar]), [
    ['WARN_TRUST_PROBLEM', 'extraCaCerts'],
    ['WARN_TRUST_PROBLEM', 'extraCaCerts'],
  ])

  await assert.rejects(loadTrustAsync({ extraCaCerts: 'http://example.com/ca.pem' }), {
    code: 'ERR_CONFIG_INVALID',
    envVar: 'extraCaCerts',
  })
})

test('arguments of the wrong type are TypeErrors, not configuration errors', () => {
  assert.ok(thrown(() => loadFromEnv('SERVER_SSL_ENABLED=true')) instanceof TypeError)
  assert.ok(thrown(() => loadFromEnv({}, { now: 'yesterday' })) instanceof TypeError)
  assert.ok(thrown(() => loadServerTls({ certificate: f.chain, privateKey: f.key, passphrase: 42 })) instanceof TypeError)
})

test("wrong types are worded as Node's own APIs word them: ERR_INVALID_ARG_TYPE, the argument as written, what was received", () => {
  const cases = [
    [() => loadServerTls({ certificate: 1, privateKey: f.key }), 'The "certificate" argument must be of type string. Received type number (1)'],
    [() => loadServerTls({ certificate: f.chain, privateKey: ['a'] }), 'The "privateKey" argument must be of type string. Received an instance of Array'],
    [() => loadServerTls('cert.pem'), `The "args" argument must be of type object. Received type string ('cert.pem')`],
    [() => loadServerTls({ certificate: f.chain, privateKey: f.key, baseDir: false }), 'The "baseDir" argument must be of type string. Received type boolean (false)'],
    [() => loadTrust({ extraCaCerts: [1] }), 'The "extraCaCerts[0]" argument must be of type string. Received type number (1)'],
    [() => loadTrust({ extraCaCerts: { path: 'x' } }), 'The "extraCaCerts" argument must be of type string or an instance of Array. Received an instance of Object'],
    [() => loadTrust({ strict: 'no' }), `The "strict" argument must be of type boolean. Received type string ('no')`],
    [() => loadFromEnv('SERVER_SSL_ENABLED=true'), `The "env" argument must be of type object. Received type string ('SERVER_SSL_ENABLED=true')`],
    [() => loadFromEnv({}, { now: 'yesterday' }), `The "options.now" property must be an instance of Date or of type number. Received type string ('yesterday')`],
    [() => loadFromEnv({}, { maxFileSize: '8M' }), `The "options.maxFileSize" property must be of type number. Received type string ('8M')`],
    [() => loadFromEnv({}, { emitWarnings: 1 }), 'The "options.emitWarnings" property must be of type boolean. Received type number (1)'],
    [() => verifyServer(loadTrust({}), [], 42), 'The "hostname" argument must be of type string. Received type number (42)'],
    [() => verifyServer(loadTrust({}), 42, 'localhost'), /^The "chain" argument must be of type string or an instance of Buffer or Array.*Received type number \(42\)$/],
    [() => agentOptions({ ca: [] }), /^The "trust" argument must be a trust that loadTrust\(\) or loadFromEnv\(\) returned/],
    [() => watch({}, { intervalMs: 10 }, 'listener'), `The "listener" argument must be of type function. Received type string ('listener')`],
    [() => loadServerTls({ certificate: 'a'.repeat(40) + '.pem', privateKey: 7n }), 'The "privateKey" argument must be of type string. Received type bigint (7n)'],
  ]
  for (const [call, message] of cases) {
    const error = thrown(call)
    assert.ok(error instanceof TypeError, `${error.stack}`)
    assert.equal(error.code, 'ERR_INVALID_ARG_TYPE')
    if (typeof message === 'string') assert.equal(error.message, message)
    else assert.match(error.message, message)
    assert.doesNotMatch(error.message, /\bString\b|Either|Vec<|ServerTlsArgs|napi|\b[Rr]ust\b/)
  }
})

test('a passphrase of the wrong type is refused without showing it', () => {
  const error = thrown(() => loadServerTls({ certificate: f.chain, privateKey: f.encrypted, passphrase: 8675309 }))
  assert.equal(error.code, 'ERR_INVALID_ARG_TYPE')
  assert.equal(error.message, 'The "passphrase" argument must be of type string or an instance of Buffer or Uint8Array. Received type number')
})

test('an empty passphrase means none, as an empty SERVER_SSL_PASSPHRASE does', () => {
  for (const passphrase of ['', Buffer.alloc(0), new Uint8Array(0)]) {
    const plain = loadServerTls({ certificate: f.chain, privateKey: f.key, passphrase })
    assert.deepEqual(plain.warnings.map((w) => w.code), [])
    assert.equal(thrown(() => loadServerTls({ certificate: f.chain, privateKey: f.encrypted, passphrase })).code, 'ERR_KEY_ENCRYPTED')
  }
  const fromEnv = loadFromEnv({
    SERVER_SSL_ENABLED: 'true',
    SERVER_SSL_CERTIFICATE: f.chain,
    SERVER_SSL_CERTIFICATE_PRIVATE_KEY: f.key,
    SERVER_SSL_PASSPHRASE: '',
  })
  assert.deepEqual(fromEnv.server.warnings, [])
})
