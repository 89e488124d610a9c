'use strict'

// loadFromEnv side by side with plain Node doing the same validation, in one
// process, alternating (issue 8). Run after a release build of the addon:
//
//   npm --prefix npm run build && npm --prefix npm run bench
//   node --expose-gc npm/bench/load.js [--rounds N] [--require-runs N] [--json]
//
// The standard fixture is made here with the openssl CLI, in a temporary
// directory removed at exit:
//   - main listener: RSA-2048 leaf signed by an intermediate (chain file: leaf,
//     intermediate), its key encrypted as `openssl pkcs8 -topk8 -v2 aes-256-cbc`
//     does (PBES2, PBKDF2-HMAC-SHA256, 2048 iterations, AES-256-CBC);
//   - management listener: ECDSA P-256 leaf from the same intermediate, key plain;
//   - NODE_EXTRA_CA_CERTS: Node's own `tls.rootCertificates` written to a file;
//   - KEYCLOAK_BASE_URL and KEYCLOAK_INTERNAL_BASE_URL: two https:// URLs.
//
// (a) is `loadFromEnv(env)`; (b) is plain Node with its own APIs: read the
// files, `crypto.createPrivateKey` (with the passphrase), an
// `X509Certificate` per chain certificate and per CA, `checkPrivateKey`,
// `tls.createSecureContext` per listener (cert + decrypted key) and for the CA
// list, `new URL` for both Identity URLs. (b+facts) also reads the facts the
// addon returns for every certificate (subject, issuer, serial, SANs,
// validity, SHA-256 fingerprint, CA flag). The target ratio is b/a.
//
// Also: `require('console-tls')` in fresh child processes (time and RSS
// added), and the load average, since the machine is shared.

const { execFileSync, spawnSync } = require('node:child_process')
const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const tls = require('node:tls')

// ------------------------------------------------------------ arguments

const { option, summary: stats } = require('./stats.js')

// A fresh child measuring require() alone: prints JSON and exits.
if (process.argv.includes('--require-child')) {
  const rssBefore = process.memoryUsage.rss()
  const start = process.hrtime.bigint()
  require('console-tls')
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  const rssAfter = process.memoryUsage.rss()
  process.stdout.write(JSON.stringify({ ms, rssAdded: rssAfter - rssBefore }))
  process.exit(0)
}

const ROUNDS = option('--rounds', 200)
const REQUIRE_RUNS = option('--require-runs', 15)
const JSON_OUTPUT = process.argv.includes('--json')

// ------------------------------------------------------------ fixture

function openssl(args) {
  execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] })
}

function makeFixture(dir) {
  const file = (name) => path.join(dir, name)
  const ext = (name, lines) => {
    fs.writeFileSync(file(name), lines.join('\n') + '\n')
    return file(name)
  }
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
  const caExt = ext('ca.ext', [
    'basicConstraints = critical, CA:TRUE, pathlen:0',
    'keyUsage = critical, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid:always',
  ])
  const leafExt = (name, sans) =>
    ext(`${name}.ext`, [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth',
      `subjectAltName = ${sans}`,
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid:always',
    ])

  // Root (not in the bundle: the chain stops at the intermediate, as servers send it).
  openssl(['req', '-x509', ...ecKey, '-nodes', '-keyout', file('root.key'), '-out', file('root.pem'),
    '-subj', '/O=console-tls bench/CN=Bench Root CA', '-days', '3650',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  const signed = (name, subject, keyArgs, extFile, issuer) => {
    openssl(['req', '-new', ...keyArgs, '-nodes', '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`),
      '-subj', subject])
    openssl(['x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${issuer}.pem`), '-CAkey',
      file(`${issuer}.key`), '-CAcreateserial', '-out', file(`${name}.pem`), '-days', '825', '-sha256',
      '-extfile', extFile])
  }
  signed('intermediate', '/O=console-tls bench/CN=Bench Intermediate CA', ecKey, caExt, 'root')
  signed('server', '/O=console-tls bench/CN=console.bench.example', ['-newkey', 'rsa:2048'],
    leafExt('server', 'DNS:console.bench.example, DNS:localhost, IP:127.0.0.1'), 'intermediate')
  signed('management', '/O=console-tls bench/CN=management.bench.example', ecKey,
    leafExt('management', 'DNS:management.bench.example, DNS:localhost'), 'intermediate')

  const passphrase = crypto.randomBytes(18).toString('base64url')
  // OpenSSL 3's defaults for -v2: PBKDF2-HMAC-SHA256, 2048 iterations.
  openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', file('server.key'), '-out', file('server.enc.key'),
    '-passout', `pass:${passphrase}`])
  const intermediate = fs.readFileSync(file('intermediate.pem'), 'utf8')
  fs.writeFileSync(file('server-chain.pem'), fs.readFileSync(file('server.pem'), 'utf8') + intermediate)
  fs.writeFileSync(file('management-chain.pem'), fs.readFileSync(file('management.pem'), 'utf8') + intermediate)
  fs.writeFileSync(file('node-roots.pem'), tls.rootCertificates.join('\n') + '\n')

  return {
    SERVER_SSL_ENABLED: 'true',
    SERVER_SSL_CERTIFICATE: file('server-chain.pem'),
    SERVER_SSL_CERTIFICATE_PRIVATE_KEY: file('server.enc.key'),
    SERVER_SSL_PASSPHRASE: passphrase,
    MANAGEMENT_SERVER_SSL_ENABLED: 'true',
    MANAGEMENT_SERVER_SSL_CERTIFICATE: file('management-chain.pem'),
    MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY: file('management.key'),
    KEYCLOAK_BASE_URL: 'https://identity.bench.example/auth',
    KEYCLOAK_INTERNAL_BASE_URL: 'https://keycloak.identity.svc.cluster.local:8443/auth',
    NODE_EXTRA_CA_CERTS: file('node-roots.pem'),
  }
}

// ------------------------------------------------------------ plain Node

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g
const ENABLED = /^(true|1|yes|on)$/i

function certificatesOf(pem) {
  return (pem.match(PEM_CERTIFICATE) ?? []).map((block) => new crypto.X509Certificate(block))
}

/** What the addon returns per certificate; reading it makes Node compute it. */
function facts(x509) {
  return [x509.subject, x509.issuer, x509.serialNumber, x509.subjectAltName, x509.validFrom, x509.validTo,
    x509.fingerprint256, x509.ca]
}

function plainListener(env, prefix, withFacts) {
  if (!ENABLED.test(env[`${prefix}SSL_ENABLED`] ?? '')) return null
  const certPem = fs.readFileSync(env[`${prefix}SSL_CERTIFICATE`], 'utf8')
  const keyPem = fs.readFileSync(env[`${prefix}SSL_CERTIFICATE_PRIVATE_KEY`], 'utf8')
  const passphrase = env[`${prefix}SSL_PASSPHRASE`]
  const key = crypto.createPrivateKey(passphrase ? { key: keyPem, format: 'pem', passphrase } : keyPem)
  const chain = certificatesOf(certPem)
  if (chain.length === 0) throw new Error(`${prefix}SSL_CERTIFICATE holds no certificate`)
  if (!chain[0].checkPrivateKey(key)) throw new Error(`${prefix}SSL_CERTIFICATE_PRIVATE_KEY is not the leaf's key`)
  if (withFacts) chain.forEach(facts)
  // Decrypted once: the secure context takes the plain PKCS#8 (as the addon returns it).
  const plainKey = key.export({ type: 'pkcs8', format: 'pem' })
  const context = tls.createSecureContext({ cert: certPem, key: plainKey })
  return { chain, key, context }
}

function plainNode(env, withFacts = false) {
  const server = plainListener(env, 'SERVER_', withFacts)
  const management = plainListener(env, 'MANAGEMENT_SERVER_', withFacts)
  const caPem = fs.readFileSync(env.NODE_EXTRA_CA_CERTS, 'utf8')
  const cas = certificatesOf(caPem)
  if (cas.length === 0) throw new Error('NODE_EXTRA_CA_CERTS holds no certificate')
  if (withFacts) cas.forEach(facts)
  const caContext = tls.createSecureContext({ ca: caPem.match(PEM_CERTIFICATE) })
  const urls = [env.KEYCLOAK_BASE_URL, env.KEYCLOAK_INTERNAL_BASE_URL].map((value) => {
    const url = new URL(value)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${value}: not http(s)`)
    return url
  })
  return { server, management, cas, caContext, urls }
}

// ------------------------------------------------------------ measuring

function now() {
  return process.hrtime.bigint()
}

// Two ways to sample, both reported: (1) as the process runs, where a case
// may pay for a collection of the other cases' garbage (plain Node makes far
// more); (2) with --expose-gc (as `npm run bench` runs it), a full collection
// before every sample, so that no case pays for another's garbage, but each
// starts from a shrunk young generation and pays to regrow it (the addon's
// 144 `ca` strings, about 300 KB, cost it 1-2 ms there).
const FORCED_GC = typeof global.gc === 'function'

/**
 * Times every case once per round, in an order that rotates each round.
 * Before each sample the event loop turns once, as it does between requests
 * in a real process: Node runs native finalizers (the addon's handles) and
 * its own objects' cleanup from there, so a loop that never yields lets them
 * pile up, and every later sample of every case paid for them (2x on both
 * sides in a 200-round run, with a forced GC).
 */
async function alternate(cases, rounds, forcedGc) {
  const samples = cases.map(() => [])
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (round + k) % cases.length
      if (forcedGc) global.gc()
      await new Promise((resolve) => setImmediate(resolve))
      const start = now()
      cases[i].run()
      samples[i].push(Number(now() - start) / 1e6)
    }
  }
  return cases.map((c, i) => ({ name: c.name, ...stats(samples[i]) }))
}

function requireInChildren(runs) {
  const results = []
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, [__filename, '--require-child'], { encoding: 'utf8' })
    if (child.status !== 0) throw new Error(`require() child failed: ${child.stderr}`)
    results.push(JSON.parse(child.stdout))
  }
  return {
    ms: stats(results.map((r) => r.ms)),
    rssAddedMiB: stats(results.map((r) => r.rssAdded / (1024 * 1024))),
  }
}

function loadAverage() {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ')
}

/** The names of an ELF64 (little-endian) file's sections, or null for another format. */
function elfSectionNames(bytes) {
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46 || bytes[4] !== 2 || bytes[5] !== 1) return null
  const tableOffset = Number(bytes.readBigUInt64LE(0x28))
  const entrySize = bytes.readUInt16LE(0x3a)
  const count = bytes.readUInt16LE(0x3c)
  const namesIndex = bytes.readUInt16LE(0x3e)
  const header = (i) => tableOffset + i * entrySize
  const namesAt = Number(bytes.readBigUInt64LE(header(namesIndex) + 0x18))
  const names = []
  for (let i = 0; i < count; i++) {
    const start = namesAt + bytes.readUInt32LE(header(i))
    names.push(bytes.toString('latin1', start, bytes.indexOf(0, start)))
  }
  return names
}

/** The .node file that loaded, and whether it carries DWARF (a debug build: release strips it). */
function addonBuild() {
  const file = Object.keys(require.cache).find((f) => f.endsWith('.node'))
  if (!file) return { file: null, debug: null }
  const bytes = fs.readFileSync(file)
  const sections = elfSectionNames(bytes)
  return { file, sizeMiB: bytes.length / (1024 * 1024), debug: sections ? sections.includes('.debug_info') : null }
}

// ------------------------------------------------------------ main

async function main() {
  const consoleTls = require('console-tls')
  const build = addonBuild()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-tls-bench-'))
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
  const env = makeFixture(dir)

  // Both sides must accept the fixture, and see the same certificates.
  const loaded = consoleTls.loadFromEnv(env)
  const plain = plainNode(env, true)
  if (loaded.trust.certificates.length !== plain.cas.length) {
    throw new Error(`the addon loaded ${loaded.trust.certificates.length} CAs, Node ${plain.cas.length}`)
  }
  if (loaded.server.certificates[0].fingerprint256 !== plain.server.chain[0].fingerprint256) {
    throw new Error('the addon and Node disagree on the server certificate')
  }

  const cases = [
    { name: 'addon loadFromEnv(env)', run: () => consoleTls.loadFromEnv(env) },
    { name: 'plain Node', run: () => plainNode(env) },
    { name: 'plain Node + facts', run: () => plainNode(env, true) },
  ]
  const loadBefore = loadAverage()
  await alternate(cases, Math.max(10, Math.floor(ROUNDS / 10)), false) // warm-up
  const modes = []
  for (const forcedGc of [false, ...(FORCED_GC ? [true] : [])]) {
    const results = await alternate(cases, ROUNDS, forcedGc)
    const [addon, node, nodeFacts] = results
    modes.push({
      forcedGc,
      results,
      ratio: { plainNode: node.median / addon.median, plainNodeWithFacts: nodeFacts.median / addon.median },
    })
  }
  const requireResults = requireInChildren(REQUIRE_RUNS)
  const loadAfter = loadAverage()

  const report = {
    node: process.version,
    openssl: process.versions.openssl,
    cpus: os.cpus().length,
    loadAverage: { before: loadBefore, after: loadAfter },
    addon: build,
    fixture: {
      extraCas: plain.cas.length,
      server: `${loaded.server.keyType}, ${loaded.server.certificates.length} certificates, key encrypted (PBKDF2-SHA256 2048, AES-256-CBC)`,
      management: `${loaded.management.keyType}, ${loaded.management.certificates.length} certificates`,
      warnings: loaded.warnings.map((w) => w.code),
    },
    rounds: ROUNDS,
    modes,
    require: requireResults,
  }
  if (JSON_OUTPUT) {
    console.log(JSON.stringify(report, null, 2))
    return
  }
  const ms = (v) => `${v.toFixed(3)} ms`
  console.log(`node ${report.node} (OpenSSL ${report.openssl}), ${report.cpus} CPUs, load average ${loadBefore} → ${loadAfter}`)
  console.log(`addon: ${build.file} (${build.sizeMiB?.toFixed(1)} MiB${build.debug ? ', DEBUG BUILD: run `npm run build` for release figures' : ''})`)
  console.log(`fixture: ${report.fixture.extraCas} extra CAs; server ${report.fixture.server}; management ${report.fixture.management}`)
  for (const mode of modes) {
    const how = mode.forcedGc ? 'a full GC before each sample' : 'no forced GC'
    console.log(`\n${ROUNDS} rounds, alternating, ${how}:`)
    for (const r of mode.results) {
      console.log(`  ${r.name.padEnd(24)} median ${ms(r.median)}  p10 ${ms(r.p10)}  p90 ${ms(r.p90)}`)
    }
    console.log(`  ratio plain Node / addon (medians):         ${mode.ratio.plainNode.toFixed(1)}×`)
    console.log(`  ratio plain Node + facts / addon (medians): ${mode.ratio.plainNodeWithFacts.toFixed(1)}×`)
  }
  if (!FORCED_GC) console.log('\n(run with node --expose-gc for the second mode: a full GC before each sample)')
  const req = requireResults
  console.log(`\nrequire('console-tls') in ${REQUIRE_RUNS} fresh processes:`)
  console.log(`  time  median ${ms(req.ms.median)}  p90 ${ms(req.ms.p90)}`)
  console.log(`  RSS added  median ${req.rssAddedMiB.median.toFixed(2)} MiB  p90 ${req.rssAddedMiB.p90.toFixed(2)} MiB`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
