'use strict'

// loadFromEnv / check with an env object: the process environment is never
// read when an object is given, and never written.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const path = require('node:path')

const ct = require('console-tls')
const { loadFromEnv, loadFromEnvAsync, check } = ct
const { Pki } = require('./helpers.js')

const pki = new Pki()
let env
const processEnvBefore = { ...process.env }

before(() => {
  const root = pki.ca('root')
  const main = pki.leaf('main', root)
  const management = pki.leaf('management', root)
  const identity = pki.selfSigned('identity', { cn: 'localhost', sans: 'DNS:localhost,IP:127.0.0.1' })
  pki.write('extra.pem', pki.read('root.pem') + pki.read('identity.pem'))
  env = {
    SERVER_SSL_ENABLED: 'true',
    SERVER_SSL_CERTIFICATE: `file:${main.chain}`,
    SERVER_SSL_CERTIFICATE_PRIVATE_KEY: `file:${pki.encrypt(main.key, 's3cret')}`,
    SERVER_SSL_PASSPHRASE: 's3cret',
    MANAGEMENT_SERVER_SSL_ENABLED: 'yes',
    // Relative paths resolve against baseDir.
    MANAGEMENT_SERVER_SSL_CERTIFICATE: path.basename(management.chain),
    MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY: path.basename(management.key),
    KEYCLOAK_BASE_URL: 'https://identity.example.com',
    KEYCLOAK_INTERNAL_BASE_URL: 'https://127.0.0.1:8443',
    NODE_EXTRA_CA_CERTS: pki.file('extra.pem'),
    UNRELATED: 'ignored',
  }
})
after(() => pki.cleanup())

test('loadFromEnv reads an env object and leaves process.env untouched', () => {
  const config = loadFromEnv(env, { baseDir: pki.dir })
  assert.deepEqual(Object.keys(config), ['server', 'management', 'trust', 'identity', 'warnings'])
  assert.equal(config.server.certificates[0].subject, 'CN=main')
  assert.equal(config.server.keyType, 'ECDSA P-256')
  assert.equal(config.management.certificates[0].subject, 'CN=management')
  // Only the object's NODE_EXTRA_CA_CERTS, whatever the process's own says.
  assert.deepEqual(config.trust.certificates.map((c) => c.subject), ['CN=root test CA', 'CN=localhost'])
  assert.deepEqual(config.identity, {
    baseUrl: 'https://identity.example.com/',
    internalBaseUrl: 'https://127.0.0.1:8443/',
    usesTls: true,
    warnings: [],
  })
  assert.deepEqual(config.warnings, [])
  assert.deepEqual({ ...process.env }, processEnvBefore)
})

test('disabled listeners are null and their variables are not read', () => {
  const config = loadFromEnv({
    SERVER_SSL_ENABLED: 'false',
    SERVER_SSL_CERTIFICATE: 'classpath:never-read.pem',
    MANAGEMENT_SERVER_SSL_CERTIFICATE: '/does/not/exist.pem',
  })
  assert.equal(config.server, null)
  assert.equal(config.management, null)
  assert.deepEqual(config.trust.ca, [])
  assert.equal(config.identity.baseUrl, null)
  assert.equal(config.identity.usesTls, false)
})

test('values are taken as process.env would hold them (strings)', () => {
  const config = loadFromEnv({ SERVER_SSL_ENABLED: false, MANAGEMENT_SERVER_SSL_ENABLED: 0 })
  assert.equal(config.server, null)
  assert.equal(config.management, null)
})

test('the Promise form gives the same configuration', async () => {
  const sync = loadFromEnv(env, { baseDir: pki.dir })
  const config = await loadFromEnvAsync(env, { baseDir: pki.dir })
  assert.deepEqual(config, sync)
  await assert.rejects(loadFromEnvAsync({ ...env, SERVER_SSL_PASSPHRASE: 'wrong' }, { baseDir: pki.dir }), (error) => {
    assert.ok(error instanceof Error)
    assert.equal(error.code, 'ERR_PASSPHRASE_WRONG')
    assert.equal(error.envVar, 'SERVER_SSL_CERTIFICATE_PRIVATE_KEY')
    return true
  })
})

test('warnings are data, and reach process.emitWarning only when asked', async () => {
  const httpEnv = { KEYCLOAK_BASE_URL: 'http://identity.example.com' }
  const emitted = []
  const onWarning = (warning) => emitted.push(warning)
  process.on('warning', onWarning)
  try {
    const quiet = loadFromEnv(httpEnv)
    assert.deepEqual(quiet.warnings.map((w) => [w.code, w.envVar]), [['WARN_IDENTITY_NOT_ENCRYPTED', 'KEYCLOAK_BASE_URL']])
    assert.equal(quiet.identity.warnings.length, 1)
    await new Promise(setImmediate)
    assert.equal(emitted.length, 0)

    loadFromEnv(httpEnv, { emitWarnings: true })
    await new Promise(setImmediate)
    assert.equal(emitted.length, 1)
    assert.equal(emitted[0].name, 'ConsoleTlsWarning')
    assert.equal(emitted[0].code, 'WARN_IDENTITY_NOT_ENCRYPTED')
    assert.match(emitted[0].message, /not encrypted/)
  } finally {
    process.off('warning', onWarning)
  }
  assert.throws(() => loadFromEnv(httpEnv, { requireTls: true }), { code: 'ERR_URL_NOT_HTTPS', envVar: 'KEYCLOAK_BASE_URL' })
})

test('check reports every problem at once and never throws for them', () => {
  const report = check({
    SERVER_SSL_ENABLED: 'true',
    SERVER_SSL_CERTIFICATE: '/missing/cert.pem',
    SERVER_SSL_CERTIFICATE_PRIVATE_KEY: '/missing/key.pem',
    MANAGEMENT_SERVER_SSL_ENABLED: 'maybe',
  })
  assert.deepEqual(
    report.problems.map((p) => [p.code, p.envVar, p.path]),
    [
      ['ERR_FILE_NOT_FOUND', 'SERVER_SSL_CERTIFICATE', '/missing/cert.pem'],
      ['ERR_CONFIG_INVALID', 'MANAGEMENT_SERVER_SSL_ENABLED', null],
    ],
  )
  assert.deepEqual(report.listeners.map((l) => [l.name, l.ok]), [['server', false], ['management', false]])

  const trustProblems = check({ NODE_EXTRA_CA_CERTS: '/missing/bundle.pem', KEYCLOAK_BASE_URL: 'ftp://identity' })
  assert.deepEqual(trustProblems.problems.map((p) => [p.code, p.envVar]), [
    ['ERR_FILE_NOT_FOUND', 'NODE_EXTRA_CA_CERTS'],
    ['ERR_CONFIG_INVALID', 'KEYCLOAK_BASE_URL'],
  ])
  assert.equal(trustProblems.trust.ok, false)
  assert.equal(trustProblems.identity.ok, false)

  const clean = check(env, { baseDir: pki.dir })
  assert.deepEqual(clean.trust.certificates.map((c) => c.subject), ['CN=root test CA', 'CN=localhost'])
  assert.equal(clean.identity.internalBaseUrl, 'https://127.0.0.1:8443/')
  assert.deepEqual(clean.problems, [])
  assert.equal(clean.listeners[0].keyFormat, 'encrypted PKCS#8')
  assert.equal(clean.listeners[1].certificates[0].subject, 'CN=management')
  assert.deepEqual({ ...process.env }, processEnvBefore)
})

test('without an env object, process.env is read (in a child process)', () => {
  const script = `
    const { loadFromEnv } = require(${JSON.stringify(require.resolve('console-tls'))})
    const config = loadFromEnv()
    process.stdout.write(JSON.stringify([config.server.certificates[0].subject, config.identity.baseUrl]))
  `
  const output = execFileSync(process.execPath, ['-e', script], {
    cwd: pki.dir,
    env: { PATH: process.env.PATH, ...env },
  })
  assert.deepEqual(JSON.parse(output), ['CN=main', 'https://identity.example.com/'])
})

test('ESM import gives the same functions', async () => {
  const esm = await import('console-tls')
  assert.equal(esm.loadFromEnv, ct.loadFromEnv)
  assert.equal(esm.default.agentOptions, ct.agentOptions)
  assert.equal(esm.version, ct.version)
})
