'use strict'

// The malformed-input corpus (tests/fixtures/malformed/expected.tsv) through
// the addon: every file gives the code the Rust suite expects, as a real
// Error naming the argument and the file, and the process survives. Then
// secrets: no error, warning or report shows a passphrase or key material.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const util = require('node:util')

const { loadServerTls, loadServerTlsAsync, loadFromEnv, check } = require('console-tls')
const { thrown } = require('./helpers.js')

const FIXTURES = path.join(__dirname, '..', '..', 'tests', 'fixtures')
const CORPUS = path.join(FIXTURES, 'malformed')
const IDENTITY = path.join(FIXTURES, 'identity')
const ENCRYPTED = path.join(FIXTURES, 'encrypted')
const PASSPHRASE = 'correct horse battery staple'
const WRONG = 'Tr0ub4dor&3 wrong one'

function corpus() {
  return fs
    .readFileSync(path.join(CORPUS, 'expected.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [file, role, expected] = line.split('\t')
      return { file, role, expected }
    })
}

function args({ file, role }, passphrase) {
  const target = path.join(CORPUS, file)
  return role === 'cert'
    ? { certificate: target, privateKey: path.join(IDENTITY, 'rsa-pkcs8.pem'), passphrase }
    : { certificate: path.join(IDENTITY, 'rsa-cert.pem'), privateKey: target, passphrase }
}

// 16-character pieces of every base64 line of the keys used here.
const KEY_PIECES = [path.join(IDENTITY, 'rsa-pkcs8.pem'), path.join(ENCRYPTED, 'rsa.pem')]
  .flatMap((file) => fs.readFileSync(file, 'utf8').split('\n'))
  .filter((line) => line.length >= 16 && !line.startsWith('-----'))
  .flatMap((line) => Array.from({ length: line.length - 15 }, (_, i) => line.slice(i, i + 16)))

function assertClean(what, text) {
  for (const secret of [PASSPHRASE, WRONG, ...KEY_PIECES]) {
    assert.ok(!text.includes(secret), `${what} shows ${JSON.stringify(secret)}: ${text}`)
  }
}

/** Everything an error shows: message, stack, inspection, JSON of its properties. */
function errorTexts(error) {
  return [error.message, error.stack, util.inspect(error), JSON.stringify(error)].join('\n')
}

test('every corpus file gives its expected code through loadServerTls', () => {
  const rows = corpus()
  assert.ok(rows.length >= 60, `${rows.length} files`)
  const wrong = []
  for (const row of rows) {
    let code = 'OK'
    try {
      loadServerTls(args(row))
    } catch (error) {
      assert.ok(error instanceof Error, row.file)
      code = error.code
      assert.equal(error.envVar, row.role === 'cert' ? 'certificate' : 'privateKey', row.file)
      assert.ok(error.path.endsWith(row.file), `${row.file}: ${error.path}`)
      assertClean(row.file, errorTexts(error))
    }
    if (code !== row.expected) wrong.push(`${row.file}: expected ${row.expected}, got ${code}`)
  }
  assert.deepEqual(wrong, [])
})

test('keys of the corpus with a passphrase, on the thread pool: same codes where no decryption happens, no secret', async () => {
  for (const row of corpus().filter((r) => r.role === 'key')) {
    const error = await loadServerTlsAsync(args(row, PASSPHRASE)).then(
      () => null,
      (e) => e,
    )
    if (error === null) {
      assert.equal(row.expected, 'OK', row.file)
      continue
    }
    assert.ok(error instanceof Error && /^ERR_[A-Z_]+$/.test(error.code), row.file)
    // Only an encrypted key can answer differently once a passphrase is given.
    if (!/encrypted|dek|proc-type/.test(row.file)) assert.equal(error.code, row.expected, row.file)
    assertClean(row.file, errorTexts(error))
  }
})

test('errors, warnings and reports with the key and passphrases in the input show neither', () => {
  const plain = fs.readFileSync(path.join(ENCRYPTED, 'rsa.pem'), 'utf8')
  const encrypted = fs.readFileSync(path.join(ENCRYPTED, 'rsa-pbkdf2-sha256-aes256.pem'), 'utf8')
  const rsaCert = path.join(ENCRYPTED, 'rsa.crt')
  const ecCert = path.join(ENCRYPTED, 'ec.crt')
  const body = plain.split('\n').filter((l) => !l.startsWith('-----')).join('\n')
  const cases = [
    [{ certificate: rsaCert, privateKey: encrypted }, 'ERR_KEY_ENCRYPTED'],
    [{ certificate: rsaCert, privateKey: encrypted, passphrase: WRONG }, 'ERR_PASSPHRASE_WRONG'],
    [{ certificate: ecCert, privateKey: encrypted, passphrase: PASSPHRASE }, 'ERR_KEY_MISMATCH'],
    [{ certificate: plain, privateKey: plain, passphrase: PASSPHRASE }, 'ERR_PEM_INVALID'],
    [{ certificate: rsaCert, privateKey: body, passphrase: PASSPHRASE }, 'ERR_CONFIG_INVALID'],
    [{ certificate: rsaCert, privateKey: plain.slice(1), passphrase: PASSPHRASE }, 'ERR_CONFIG_INVALID'],
    [{ certificate: rsaCert, privateKey: Buffer.from(plain).toString('base64') }, 'ERR_CONFIG_INVALID'],
  ]
  for (const [input, code] of cases) {
    const error = thrown(() => loadServerTls(input))
    assert.equal(error.code, code, error.message)
    assertClean(code, errorTexts(error))
  }
  const loaded = loadServerTls({ certificate: rsaCert, privateKey: plain, passphrase: PASSPHRASE })
  assert.deepEqual(loaded.warnings.map((w) => w.code), ['WARN_PASSPHRASE_UNUSED'])
  assertClean('warnings', JSON.stringify(loaded.warnings))

  const env = {
    SERVER_SSL_ENABLED: 'true',
    SERVER_SSL_CERTIFICATE: ecCert,
    SERVER_SSL_CERTIFICATE_PRIVATE_KEY: encrypted,
    SERVER_SSL_PASSPHRASE: PASSPHRASE,
    MANAGEMENT_SERVER_SSL_ENABLED: 'true',
    MANAGEMENT_SERVER_SSL_CERTIFICATE: rsaCert,
    MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY: body,
    MANAGEMENT_SERVER_SSL_PASSPHRASE: WRONG,
    NODE_EXTRA_CA_CERTS: plain,
  }
  const error = thrown(() => loadFromEnv(env))
  assert.equal(error.code, 'ERR_KEY_MISMATCH')
  assertClean('loadFromEnv', errorTexts(error))
  const report = check(env)
  assert.deepEqual(
    report.problems.map((p) => p.code),
    ['ERR_KEY_MISMATCH', 'ERR_CONFIG_INVALID', 'ERR_PEM_INVALID'],
  )
  assertClean('check', JSON.stringify(report))
})

// maxFileSize saturates to u64::MAX for huge numbers; the core computed
// limit + 1, which overflowed (a panic in this debug build).
test('a huge maxFileSize reads the whole file', () => {
  const loaded = loadServerTls(
    { certificate: path.join(IDENTITY, 'rsa-cert.pem'), privateKey: path.join(IDENTITY, 'rsa-pkcs8.pem') },
    { maxFileSize: 1e20 },
  )
  assert.equal(loaded.certificates.length, 1)
})
