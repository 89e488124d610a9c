'use strict'

// PKCS#12 key stores (SERVER_SSL_KEY_STORE …, loadServerTls({ keyStore })):
// the committed stores of tests/fixtures/keystore (made by OpenSSL 3, its
// -legacy mode and Java's keytool; see make.sh there) load to the identity
// of their PEM pair, https.createServer serves it, Node's own PKCS#12
// reader agrees on which stores open with which password, and each error
// has its code, variable and path, never the password.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const https = require('node:https')
const path = require('node:path')
const tls = require('node:tls')

const { loadFromEnv, loadServerTls } = require('console-tls')

const STORES = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'keystore')
const PASSWORD = 'fixture-secret-7Qx'
const store = (name) => path.join(STORES, name)
const read = (name) => fs.readFileSync(store(name))

function identity(serverTls) {
  return {
    chain: serverTls.certificates.map((c) => c.fingerprint256),
    key: serverTls.key,
    keyType: serverTls.keyType,
  }
}

const pemPair = (name) =>
  identity(loadServerTls({ certificate: store(`${name}-chain.pem`), privateKey: store(`${name}-key.pem`) }))

function thrown(fn) {
  try {
    fn()
  } catch (error) {
    return error
  }
  assert.fail('expected an error')
}

function assertNoPassword(error) {
  for (const text of [error.message, error.stack, JSON.stringify(error), require('node:util').inspect(error)]) {
    assert.ok(!text.includes(PASSWORD), text)
    assert.ok(!text.includes('wrong-secret'), text)
  }
}

test('loadServerTls({ keyStore }) gives the identity of the PEM pair', () => {
  const rsa = pemPair('rsa')
  const ec = pemPair('ec')
  const cases = [
    ['rsa.p12', PASSWORD, undefined, rsa],
    ['ec.p12', PASSWORD, undefined, ec],
    ['rsa-legacy.p12', PASSWORD, undefined, rsa],
    ['ec-legacy.p12', Buffer.from(PASSWORD), undefined, ec],
    ['rsa-keytool.p12', PASSWORD, undefined, rsa],
    ['ec-keytool-legacy.p12', PASSWORD, undefined, ec],
    ['rsa-empty-password.p12', undefined, undefined, rsa],
    ['two-aliases.p12', PASSWORD, 'EC-server', ec],
    ['two-aliases.p12', PASSWORD, 'rsa-server', rsa],
  ]
  for (const [name, keyStorePassword, keyAlias, expected] of cases) {
    const loaded = loadServerTls({ keyStore: `file:${store(name)}`, keyStorePassword, keyAlias, keyStoreType: 'pkcs12' })
    assert.deepEqual(identity(loaded), expected, name)
    assert.equal(loaded.certificates.length, 3, name)
    assert.deepEqual(loaded.warnings, [], name)
  }
  // Relative to baseDir.
  assert.deepEqual(identity(loadServerTls({ keyStore: 'rsa.p12', keyStorePassword: PASSWORD, baseDir: STORES })), rsa)
})

test('loadServerTls({ keyStore }) errors name the argument and the file', () => {
  const cases = [
    [{ keyStore: store('rsa.p12'), keyStorePassword: 'wrong-secret' }, 'ERR_PASSPHRASE_WRONG', 'keyStore', 'rsa.p12'],
    [{ keyStore: store('rsa.p12') }, 'ERR_KEY_ENCRYPTED', 'keyStore', 'rsa.p12'],
    [{ keyStore: store('rsa.jks'), keyStorePassword: PASSWORD }, 'ERR_KEY_UNSUPPORTED', 'keyStore', 'rsa.jks'],
    [{ keyStore: store('rsa.p12'), keyStorePassword: PASSWORD, keyStoreType: 'JKS' }, 'ERR_KEY_UNSUPPORTED', 'keyStoreType', 'rsa.p12'],
    [{ keyStore: store('two-aliases.p12'), keyStorePassword: PASSWORD }, 'ERR_CONFIG_INVALID', 'keyAlias', 'two-aliases.p12'],
    [{ keyStore: store('two-aliases.p12'), keyStorePassword: PASSWORD, keyAlias: 'tomcat' }, 'ERR_CONFIG_INVALID', 'keyAlias', 'two-aliases.p12'],
    [{ keyStore: store('rsa.p12'), keyStorePassword: PASSWORD, certificate: store('rsa-chain.pem') }, 'ERR_CONFIG_INVALID', 'keyStore', undefined],
    [{ keyStore: store('missing.p12') }, 'ERR_FILE_NOT_FOUND', 'keyStore', 'missing.p12'],
  ]
  for (const [args, code, envVar, file] of cases) {
    const error = thrown(() => loadServerTls(args))
    assert.equal(error.code, code, error.message)
    assert.equal(error.envVar, envVar, error.message)
    assert.equal(error.path, file && store(file), error.message)
    assertNoPassword(error)
  }
  const several = thrown(() => loadServerTls({ keyStore: store('two-aliases.p12'), keyStorePassword: PASSWORD }))
  assert.match(several.message, /"rsa-server"/)
  assert.match(several.message, /"ec-server"/)
  const jks = thrown(() => loadServerTls({ keyStore: store('rsa.jks'), keyStorePassword: PASSWORD }))
  assert.match(jks.message, /keytool -importkeystore .* -deststoretype pkcs12/)
})

test('key store arguments are checked like the others (Node-style TypeErrors)', () => {
  for (const [args, name] of [
    [{ keyStore: 42 }, 'keyStore'],
    [{ keyStore: store('rsa.p12'), keyStorePassword: 42 }, 'keyStorePassword'],
    [{ keyStore: store('rsa.p12'), keyStoreType: {} }, 'keyStoreType'],
    [{ keyStore: store('rsa.p12'), keyAlias: 1 }, 'keyAlias'],
  ]) {
    const error = thrown(() => loadServerTls(args))
    assert.ok(error instanceof TypeError, String(error))
    assert.equal(error.code, 'ERR_INVALID_ARG_TYPE')
    assert.match(error.message, new RegExp(`"${name}"`))
    assert.ok(!error.message.includes('42') || name !== 'keyStorePassword', 'a secret is not echoed')
  }
})

function get(port, ca) {
  return new Promise((resolve, reject) => {
    const request = https.get({ host: '127.0.0.1', port, servername: 'localhost', ca, path: '/', agent: false }, (response) => {
      let body = ''
      response.on('data', (chunk) => (body += chunk))
      response.on('end', () => resolve({ body, peer: response.socket.getPeerCertificate() }))
    })
    request.on('error', reject)
    request.setTimeout(10_000, () => request.destroy(new Error('timeout')))
  })
}

test('loadFromEnv with SERVER_SSL_KEY_STORE: https.createServer serves it to a client trusting the root', async () => {
  const env = {
    SERVER_SSL_ENABLED: 'true',
    SERVER_SSL_KEY_STORE: `file:${store('rsa-legacy.p12')}`,
    SERVER_SSL_KEY_STORE_PASSWORD: PASSWORD,
    SERVER_SSL_KEY_STORE_TYPE: 'PKCS12',
    MANAGEMENT_SERVER_SSL_ENABLED: 'true',
    MANAGEMENT_SERVER_SSL_KEY_STORE: 'two-aliases.p12',
    MANAGEMENT_SERVER_SSL_KEY_STORE_PASSWORD: PASSWORD,
    MANAGEMENT_SERVER_SSL_KEY_ALIAS: 'ec-server',
  }
  const config = loadFromEnv(env, { baseDir: STORES })
  assert.equal(config.management.keyType, 'ECDSA P-256')
  assert.deepEqual(identity(config.management), pemPair('ec'))
  assert.deepEqual(identity(config.server), pemPair('rsa'))

  const server = https.createServer(config.server, (req, res) => res.end('from the key store'))
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const { body, peer } = await get(server.address().port, read('root-cert.pem'))
    assert.equal(body, 'from the key store')
    assert.equal(peer.fingerprint256, config.server.certificates[0].fingerprint256)
  } finally {
    server.close()
  }
})

test('loadFromEnv key store errors name the variable and the file', () => {
  const base = { SERVER_SSL_ENABLED: 'true', SERVER_SSL_KEY_STORE: store('rsa.p12') }
  const cases = [
    [{ SERVER_SSL_KEY_STORE_PASSWORD: 'wrong-secret' }, 'ERR_PASSPHRASE_WRONG', 'SERVER_SSL_KEY_STORE', 'rsa.p12'],
    [{}, 'ERR_KEY_ENCRYPTED', 'SERVER_SSL_KEY_STORE', 'rsa.p12'],
    [{ SERVER_SSL_KEY_STORE_TYPE: 'jks' }, 'ERR_KEY_UNSUPPORTED', 'SERVER_SSL_KEY_STORE_TYPE', 'rsa.p12'],
    [{ SERVER_SSL_KEY_STORE: store('rsa.jks') }, 'ERR_KEY_UNSUPPORTED', 'SERVER_SSL_KEY_STORE', 'rsa.jks'],
    [{ SERVER_SSL_KEY_STORE: store('two-aliases.p12'), SERVER_SSL_KEY_STORE_PASSWORD: PASSWORD }, 'ERR_CONFIG_INVALID', 'SERVER_SSL_KEY_ALIAS', 'two-aliases.p12'],
    [{ SERVER_SSL_CERTIFICATE_PRIVATE_KEY: store('rsa-key.pem') }, 'ERR_CONFIG_INVALID', 'SERVER_SSL_KEY_STORE', undefined],
  ]
  for (const [extra, code, envVar, file] of cases) {
    const error = thrown(() => loadFromEnv({ ...base, ...extra }))
    assert.equal(error.code, code, error.message)
    assert.equal(error.envVar, envVar, error.message)
    assert.equal(error.path, file && store(file), error.message)
    assertNoPassword(error)
  }
  const missing = thrown(() => loadFromEnv({ MANAGEMENT_SERVER_SSL_ENABLED: 'true', MANAGEMENT_SERVER_SSL_KEY_STORE: store('ec.p12') }))
  assert.match(missing.message, /set MANAGEMENT_SERVER_SSL_KEY_STORE_PASSWORD/)
})

// Node reads PKCS#12 itself (tls.createSecureContext({ pfx, passphrase })).
// Over every store in the fixture directory and three passwords, console-tls
// opens exactly the stores Node opens, and refuses with the wrong password
// exactly where Node does. Deliberate differences, excluded below:
// - JKS is not PKCS#12: both refuse it (Node with a parse error).
// - a store with several key entries: Node (OpenSSL's PKCS12_parse) takes
//   the first key silently; console-tls asks for SERVER_SSL_KEY_ALIAS.
// - a store without a key: Node fails only later, with no certificate to
//   serve; console-tls refuses it at once.
// - the -legacy stores (RC2-40): Node 17+ on OpenSSL 3 cannot decrypt RC2
//   without OpenSSL's legacy provider, and that is not loaded by default;
//   console-tls reads them, as Java 8, OpenSSL 1.1 and Windows make them.
// - a store without a MAC (openssl pkcs12 -nomac) given a password: Node
//   (OpenSSL's PKCS12_parse) refuses it ("mac absent"); console-tls opens
//   it as Java's keytool does, and a wrong password still fails where the
//   key is encrypted (rsa-nomac.p12), which the test checks.
// - stores Node opens and console-tls refuses with ERR_KEY_UNSUPPORTED
//   saying why (for every password when it is the MAC): more than
//   1 000 000 iterations in a key derivation (p12-keystore's limit;
//   openssl pkcs12 -export -iter 1000001), PBES2 with Camellia, an MD5 MAC.
test('differential: tls.createSecureContext({ pfx }) and console-tls agree on which stores open', () => {
  const severalKeys = new Set(['two-aliases.p12'])
  const noKey = new Set(['certificates-only.p12'])
  const unsupportedHere = new Map([
    ['rsa-iterations-over-limit.p12', /a MAC of 1000001 iterations/],
    ['rsa-bag-iterations-over-limit.p12', /more than 1000000 iterations/],
    ['rsa-camellia.p12', /an algorithm console-tls does not read \(OID 1\.2\.392\./],
    ['rsa-md5-mac.p12', /an MD5 MAC/],
  ])
  const refusedHere = []
  const stores = fs.readdirSync(STORES).filter((name) => name.endsWith('.p12'))
  assert.ok(stores.length >= 10, stores.join(', '))
  let compared = 0
  const legacyOnlyConsoleTls = []
  const macAbsent = new Set()
  for (const name of stores) {
    if (severalKeys.has(name) || noKey.has(name)) continue
    for (const password of [PASSWORD, 'wrong-secret', undefined]) {
      let nodeOpens = true
      try {
        tls.createSecureContext({ pfx: read(name), passphrase: password })
      } catch (error) {
        nodeOpens = false
        if (/unsupported/i.test(error.message) && password === PASSWORD) {
          legacyOnlyConsoleTls.push(name)
          continue
        }
        if (/mac absent/.test(error.message)) {
          macAbsent.add(name)
          continue
        }
      }
      let ours = null
      try {
        loadServerTls({ keyStore: store(name), keyStorePassword: password })
      } catch (error) {
        ours = error.code
        if (unsupportedHere.has(name) && ours === 'ERR_KEY_UNSUPPORTED') {
          assert.match(error.message, unsupportedHere.get(name))
          if (nodeOpens) refusedHere.push(name)
          continue
        }
        assert.ok(['ERR_PASSPHRASE_WRONG', 'ERR_KEY_ENCRYPTED'].includes(ours), `${name}: ${error.message}`)
      }
      assert.equal(ours === null, nodeOpens, `${name} with ${password === undefined ? 'no' : 'a'} password: Node ${nodeOpens ? 'opens' : 'refuses'} it, console-tls ${ours ?? 'opens it'}`)
      compared++
    }
  }
  assert.ok(compared >= 15, `compared ${compared}`)
  assert.deepEqual([...macAbsent].sort(), ['rsa-nomac.p12', 'rsa-unencrypted.p12'])
  // Node opens each with the password; console-tls refuses each.
  assert.deepEqual(refusedHere.sort(), [...unsupportedHere.keys()].sort())
  assert.equal(thrown(() => loadServerTls({ keyStore: store('rsa-nomac.p12'), keyStorePassword: 'wrong-secret' })).code, 'ERR_PASSPHRASE_WRONG')
  // The legacy stores Node refuses still open here, to the PEM pair's identity.
  for (const name of legacyOnlyConsoleTls) {
    assert.match(name, /legacy/)
    loadServerTls({ keyStore: store(name), keyStorePassword: PASSWORD })
  }
})
