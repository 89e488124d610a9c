#!/usr/bin/env node
'use strict'

// The Console demo: a Console-like service configured only through the
// contract's environment variables, talking to a mock Identity over HTTPS
// with a self-signed certificate, everything on 127.0.0.1 and ephemeral ports.
//
//   1. `console-tls dev-certs DIR` writes a throwaway PKI and prints the
//      environment lines that use it; they become an env object (the
//      process environment is neither read nor changed).
//   2. A mock Identity serves its OpenID configuration over HTTPS with the
//      self-signed CA:TRUE certificate.
//   3. loadFromEnv(env) loads both listeners (the main one's key is
//      encrypted; SERVER_SSL_PASSPHRASE decrypts it), the trust
//      (NODE_EXTRA_CA_CERTS) and Identity's URLs.
//   4. The Console starts its main and management listeners from that, and
//      calls Identity at KEYCLOAK_INTERNAL_BASE_URL through
//      new https.Agent(agentOptions(trust)).
//   5. One request to each listener, with verification on; the chain each
//      listener presents is also checked with verifyServer.
//   6. New connections to Identity, measured: agentOptions(trust) builds its
//      SecureContext once; a bare `ca` array costs a context per connection.
//   7. Node's defaults alone refuse the self-signed Identity.
//   8. Rotation: the management certificate is re-issued (valid 10 days) by a
//      new CA added to NODE_EXTRA_CA_CERTS; watchServer swaps it in, and the
//      management listener's /actuator/health/ssl and /actuator/prometheus
//      (Spring Boot's ssl health and expiry metrics) follow.
//
// Exits 0 when everything worked, 1 otherwise. The CLI is taken from
// $CONSOLE_TLS_BIN, else built and run with `cargo run --release`.

const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const https = require('node:https')
const os = require('node:os')
const path = require('node:path')
const { once } = require('node:events')

const { loadFromEnv, agentOptions, verifyServer, sslHealth, sslMetrics, watchServer, version } = require('console-tls')

const REPO = path.resolve(__dirname, '..', '..')
const HOST = '127.0.0.1'

function step(text) {
  console.log(`\n== ${text}`)
}

function say(text) {
  console.log(`   ${text}`)
}

/** Runs `console-tls dev-certs dir [...extra]` and returns the printed variables as an object. */
function devCerts(dir, extra = []) {
  const bin = process.env.CONSOLE_TLS_BIN
  const cliArgs = ['dev-certs', dir, ...extra]
  const [command, args] = bin
    ? [bin, cliArgs]
    : ['cargo', ['run', '--quiet', '--release', '--manifest-path', path.join(REPO, 'Cargo.toml'), '--bin', 'console-tls', '--', ...cliArgs]]
  say(`$ ${bin ? 'console-tls' : 'cargo run … console-tls'} ${cliArgs.join(' ')}`)
  const output = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  return parseEnvLines(output)
}

/** NAME=value lines, values bare or single-quoted the POSIX shell way. */
function parseEnvLines(text) {
  const env = {}
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line)
    if (!match) continue
    const [, name, raw] = match
    env[name] = raw.startsWith("'") ? raw.slice(1, -1).replaceAll("'\\''", "'") : raw
  }
  return env
}

async function listen(server) {
  server.listen(0, HOST)
  await once(server, 'listening')
  return server.address().port
}

/** GET `url` with `agent`; resolves to { status, body, peer } (peer: the presented chain). */
async function get(url, agent, servername) {
  const request = https.get(url, { agent, servername })
  const [response] = await once(request, 'response')
  const peer = response.socket.getPeerCertificate(true)
  let body = ''
  for await (const chunk of response) body += chunk
  return { status: response.statusCode, body, peer }
}

function mockIdentity(pki) {
  // Identity is another service: plain Node, its own certificate files.
  const options = { cert: fs.readFileSync(pki.identityCert), key: fs.readFileSync(pki.identityKey) }
  return https.createServer(options, (req, res) => {
    const issuer = `https://${req.headers.host}/realms/console`
    if (req.url === '/realms/console/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ issuer, token_endpoint: `${issuer}/protocol/openid-connect/token` }))
    } else {
      res.statusCode = 404
      res.end()
    }
  })
}

/**
 * The management listener's endpoints, Spring Boot's names: liveness, the
 * `ssl` health component (503 when OUT_OF_SERVICE, as Spring Boot answers)
 * and the Prometheus scrape, all over `source()`: a watcher, so that they
 * describe the certificates being served now.
 */
function managementHandler(source) {
  return (req, res) => {
    if (req.url === '/actuator/health') {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ status: 'UP' }))
    } else if (req.url === '/actuator/health/ssl') {
      const health = sslHealth(source())
      res.statusCode = health.status === 'UP' ? 200 : 503
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(health))
    } else if (req.url === '/actuator/prometheus') {
      res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8')
      res.end(sslMetrics(source()))
    } else {
      res.statusCode = 404
      res.end()
    }
  }
}

function consoleServers(config, identityAgent, managementSource) {
  const main = https.createServer(config.server, async (req, res) => {
    try {
      // Backend-to-backend: the internal URL, trusted through NODE_EXTRA_CA_CERTS.
      const url = new URL('realms/console/.well-known/openid-configuration', config.identity.internalBaseUrl)
      const identity = await get(url, identityAgent)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ console: 'ok', identityStatus: identity.status, issuer: JSON.parse(identity.body).issuer }))
    } catch (error) {
      res.statusCode = 502
      res.end(JSON.stringify({ console: 'identity unreachable', code: error.code, message: error.message }))
    }
  })
  const management = https.createServer(config.management, managementHandler(managementSource))
  return { main, management }
}

function describeListener(name, tls) {
  const leaf = tls.certificates[0]
  say(`${name}: ${leaf.subject}, ${tls.keyType} key, ${tls.certificates.length} certificates, valid until ${leaf.notAfter}`)
  say(`${' '.repeat(name.length)}  names ${leaf.subjectAltNames.join(', ')}`)
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-tls-demo-'))
  const servers = []
  const agents = []
  const watchers = []
  try {
    console.log(`console-tls ${version} — Console demo`)

    step('1. A throwaway PKI, and the environment that configures the Console with it')
    const env = devCerts(dir)
    const pki = { identityCert: path.join(dir, 'identity.pem'), identityKey: path.join(dir, 'identity-key.pem') }
    for (const [name, value] of Object.entries(env)) {
      say(`${name}=${name.endsWith('PASSPHRASE') ? '*'.repeat(value.length) : value}`)
    }

    step('2. Mock Identity over HTTPS with a self-signed CA:TRUE certificate')
    guardAgainstHangs(dir) // from here on: no build, only 127.0.0.1 traffic
    const identity = mockIdentity(pki)
    servers.push(identity)
    const identityPort = await listen(identity)
    env.KEYCLOAK_BASE_URL = `https://localhost:${identityPort}`
    env.KEYCLOAK_INTERNAL_BASE_URL = `https://${HOST}:${identityPort}`
    say(`listening on ${env.KEYCLOAK_INTERNAL_BASE_URL}`)

    step('3. loadFromEnv(env): listeners, trust and Identity, from the variables only')
    const started = process.hrtime.bigint()
    const config = loadFromEnv(env)
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    say(`loaded in ${ms.toFixed(1)} ms (decrypting the main listener's key included)`)
    describeListener('main      ', config.server)
    describeListener('management', config.management)
    say(`trust: ${config.trust.mozillaRoots} Mozilla roots + ${config.trust.ca.length} from NODE_EXTRA_CA_CERTS`)
    for (const cert of config.trust.certificates) say(`       ${cert.subject}${cert.isCa ? ' (CA)' : ''}`)
    say(`Identity: ${config.identity.baseUrl} (internal ${config.identity.internalBaseUrl})`)
    say(`warnings: ${config.warnings.length === 0 ? 'none' : config.warnings.map((w) => w.message).join('; ')}`)
    if (process.env.SERVER_SSL_PASSPHRASE !== undefined) throw new Error('the process environment was changed')

    step('4. The Console: main and management listeners, Identity client with agentOptions(trust)')
    const built = process.hrtime.bigint()
    const identityOptions = agentOptions(config.trust)
    say(`agentOptions(trust): one SecureContext (Node's roots + the extras) built in ${(Number(process.hrtime.bigint() - built) / 1e6).toFixed(1)} ms, once per trust`)
    const trusted = new https.Agent(identityOptions)
    agents.push(trusted)
    // Each listener follows its files (watchServer); the management
    // endpoints describe what that watcher serves.
    let managementWatch = null
    const consoleServer = consoleServers(config, trusted, () => managementWatch ?? config)
    servers.push(consoleServer.main, consoleServer.management)
    const mainPort = await listen(consoleServer.main)
    const managementPort = await listen(consoleServer.management)
    const reloadProblems = []
    const onReloadError = (error) => reloadProblems.push(`${error.code} ${error.message}`)
    watchers.push(watchServer(consoleServer.main, env, { intervalMs: 100 }, onReloadError))
    managementWatch = watchServer(consoleServer.management, env, { listener: 'management', intervalMs: 100 }, onReloadError)
    watchers.push(managementWatch)
    say(`main listener       https://${HOST}:${mainPort}`)
    say(`management listener https://${HOST}:${managementPort} (/actuator/health, /actuator/health/ssl, /actuator/prometheus)`)
    say('both follow their files with watchServer (every 100 ms here)')

    step('5. One request to each listener, verification on')
    const failures = []
    // Full handshakes (no session resumption): each response shows the chain presented.
    const client = new https.Agent({ ...agentOptions(config.trust), maxCachedSessions: 0 })
    agents.push(client)
    for (const [name, port, urlPath, expect] of [
      ['main', mainPort, '/', (body) => body.console === 'ok' && body.identityStatus === 200],
      ['management', managementPort, '/actuator/health', (body) => body.status === 'UP'],
      ['management', managementPort, '/actuator/health/ssl', (body) => body.status === 'UP' && body.details.invalidChains.length === 0],
    ]) {
      const response = await get(`https://${HOST}:${port}${urlPath}`, client, 'localhost')
      const body = JSON.parse(response.body)
      const verified = verifyServer(config.trust, response.peer, 'localhost')
      const ok = response.status === 200 && expect(body)
      say(`${ok ? 'ok  ' : 'FAIL'} GET ${name}${urlPath} -> ${response.status} ${summary(urlPath, body)}`)
      say(`     verifyServer: anchored at "${verified.anchorSubject}" (${verified.anchorSource}), chain ${verified.chain.map((c) => c.subject).join(' <- ')}`)
      if (!ok) failures.push(name)
    }

    step('6. What a new Identity connection costs through agentOptions(trust)')
    await connectionCost(config.trust, `${env.KEYCLOAK_INTERNAL_BASE_URL}/realms/console/.well-known/openid-configuration`, agents)

    step('7. Why the addon: the same Identity call with Node defaults only')
    const plain = new https.Agent()
    agents.push(plain)
    try {
      await get(`${env.KEYCLOAK_INTERNAL_BASE_URL}/realms/console/.well-known/openid-configuration`, plain)
      say('FAIL Node trusted the self-signed Identity without NODE_EXTRA_CA_CERTS')
      failures.push('defaults')
    } catch (error) {
      say(`ok   refused as expected: ${error.code}`)
    }

    step('8. Rotation: the management certificate re-issued for 10 days by a new CA; /actuator follows')
    const rotated = await rotateManagement(dir, managementWatch, `https://${HOST}:${managementPort}`, agents)
    for (const problem of reloadProblems) say(`(reported while the files were being replaced, last good kept: ${problem})`)
    if (!rotated) failures.push('rotation')

    if (failures.length > 0) throw new Error(`failed: ${failures.join(', ')}`)
    console.log('\nDEMO OK: both listeners served TLS from the environment, Identity was trusted through NODE_EXTRA_CA_CERTS,')
    console.log('and the management listener\'s ssl health and metrics followed a certificate rotation.')
  } finally {
    for (const watcher of watchers) watcher.close()
    for (const agent of agents) agent.destroy()
    for (const server of servers) {
      server.closeAllConnections()
      server.close()
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Measures (and prints, asserting nothing about time) new connections to
 * Identity, each a full handshake: through agentOptions(trust), whose one
 * SecureContext is built once, and through a bare `ca` array of Node's roots
 * plus the extras, from which Node builds a context on every connection.
 */
async function connectionCost(trust, url, agents) {
  const tls = require('node:tls')
  const options = agentOptions(trust) // the context built in step 4
  const fresh = { keepAlive: false, maxCachedSessions: 0 }
  const ours = new https.Agent({ ...options, ...fresh })
  const caArray = new https.Agent({ ca: [...tls.rootCertificates, ...trust.ca], ...fresh })
  agents.push(ours, caArray)
  const samples = { ours: [], caArray: [] }
  for (let i = 0; i < 15; i++) {
    for (const [name, agent] of [['ours', ours], ['caArray', caArray]]) {
      const begin = process.hrtime.bigint()
      await get(url, agent)
      samples[name].push(Number(process.hrtime.bigint() - begin) / 1e6)
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  say(`new connection + request, median of 15: ${median(samples.ours).toFixed(2)} ms through agentOptions(trust)`)
  say(`                                        ${median(samples.caArray).toFixed(2)} ms with a ca array of Node's roots + the extras (a context per connection)`)
}

/** One line for a response body: the ssl health's chains by status, else the body. */
function summary(urlPath, body) {
  if (urlPath !== '/actuator/health/ssl') return JSON.stringify(body)
  const chains = [...body.details.validChains, ...body.details.invalidChains]
  const described = chains.map((chain) => `${chain.alias}: ${chain.certificates.map((c) => c.validity.status).join('/')}`)
  return `{"status":"${body.status}"} ${described.join('; ')}`
}

/** Writes `data` to `file` by renaming a sibling over it, as a deployment tool (or Kubernetes) replaces files. */
function replaceFile(file, data) {
  fs.writeFileSync(`${file}.new`, data, { mode: 0o600 })
  fs.renameSync(`${file}.new`, file)
}

/**
 * Re-issues the management certificate from a second dev PKI (valid 10
 * days, a new CA), adds that CA to the NODE_EXTRA_CA_CERTS bundle, waits for
 * the management watcher to load both, then reads /actuator/health/ssl and
 * /actuator/prometheus over a new connection that must present the new
 * certificate, verified with agentOptions(watcher) (which follows the bundle).
 */
async function rotateManagement(dir, watcher, base, agents) {
  const before = watcher.current.management.certificates[0].serialNumber
  const next = path.join(dir, 'rotated')
  devCerts(next, ['--days', '10'])
  const bundle = fs.readFileSync(path.join(dir, 'trust.pem'), 'utf8') + fs.readFileSync(path.join(next, 'ca.pem'), 'utf8')
  replaceFile(path.join(dir, 'trust.pem'), bundle)
  replaceFile(path.join(dir, 'management-key.pem'), fs.readFileSync(path.join(next, 'management-key.pem')))
  replaceFile(path.join(dir, 'management.pem'), fs.readFileSync(path.join(next, 'management.pem')))
  say('replaced management.pem, management-key.pem and the NODE_EXTRA_CA_CERTS bundle (+ the new CA)')
  while (watcher.current.management.certificates[0].serialNumber === before) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const leaf = watcher.current.management.certificates[0]
  say(`watchServer loaded it: ${leaf.subject}, serial ${leaf.serialNumber}, valid until ${leaf.notAfter}`)

  const client = new https.Agent({ ...agentOptions(watcher), keepAlive: false, maxCachedSessions: 0 })
  agents.push(client)
  const health = await get(`${base}/actuator/health/ssl`, client, 'localhost')
  const body = JSON.parse(health.body)
  const presented = health.peer.serialNumber === leaf.serialNumber
  const management = body.details.validChains.find((chain) => chain.alias === 'management')
  const expiringSoon = management?.certificates.every((c) => c.validity.status === 'WILL_EXPIRE_SOON')
  const healthOk = health.status === 200 && body.status === 'UP' && presented && expiringSoon
  say(`${presented ? 'ok  ' : 'FAIL'} the new connection was served the new certificate (serial ${health.peer.serialNumber}), verified through agentOptions(watcher)`)
  say(`${healthOk ? 'ok  ' : 'FAIL'} GET management/actuator/health/ssl -> ${health.status} ${summary('/actuator/health/ssl', body)}`)
  say('     (WILL_EXPIRE_SOON: within the 14-day threshold; the chain stays valid, as in Spring Boot)')

  const metrics = await get(`${base}/actuator/prometheus`, client, 'localhost')
  const lines = metrics.body.split('\n')
  const expiry = lines.find((line) => line.startsWith(`ssl_chain_expiry_seconds{bundle="management",chain="management",certificate="${leaf.serialNumber}"}`))
  const seconds = expiry ? Number(expiry.split(' ').pop()) : NaN
  const soon = lines.find((line) => line.startsWith('ssl_chains{status="will-expire-soon"}'))
  const metricsOk = metrics.status === 200 && seconds > 9 * 86400 && seconds <= 10 * 86400 && soon !== undefined && Number(soon.split(' ').pop()) >= 1
  say(`${metricsOk ? 'ok  ' : 'FAIL'} GET management/actuator/prometheus -> ${metrics.status}`)
  say(`     ${soon}`)
  say(`     ssl_chain_expiry_seconds{bundle="management",…} ${seconds} (${(seconds / 86400).toFixed(2)} days)`)
  return healthOk && metricsOk
}

/** A hang guard, not a timing assertion: servers and requests that cannot finish must fail the demo. */
function guardAgainstHangs(dir) {
  const guard = setTimeout(() => {
    console.error('DEMO FAILED: the servers and requests were still running after 60 s')
    fs.rmSync(dir, { recursive: true, force: true })
    process.exit(1)
  }, 60_000)
  guard.unref()
}

main().then(
  () => {
    process.exitCode = 0
  },
  (error) => {
    console.error(`\nDEMO FAILED: ${error.code ? `${error.code} ` : ''}${error.message}`)
    process.exitCode = 1
  },
)
