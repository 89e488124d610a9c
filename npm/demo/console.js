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
//
// Exits 0 when everything worked, 1 otherwise. The CLI is taken from
// $CONSOLE_TLS_BIN, else built and run with `cargo run --release`.

const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const https = require('node:https')
const os = require('node:os')
const path = require('node:path')
const { once } = require('node:events')

const { loadFromEnv, agentOptions, verifyServer, version } = require('console-tls')

const REPO = path.resolve(__dirname, '..', '..')
const HOST = '127.0.0.1'

function step(text) {
  console.log(`\n== ${text}`)
}

function say(text) {
  console.log(`   ${text}`)
}

/** Runs `console-tls dev-certs dir` and returns the printed variables as an object. */
function devCerts(dir) {
  const bin = process.env.CONSOLE_TLS_BIN
  const [command, args] = bin
    ? [bin, ['dev-certs', dir]]
    : ['cargo', ['run', '--quiet', '--release', '--manifest-path', path.join(REPO, 'Cargo.toml'), '--bin', 'console-tls', '--', 'dev-certs', dir]]
  say(`$ ${bin ? 'console-tls' : 'cargo run … console-tls'} dev-certs ${dir}`)
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

function consoleServers(config, identityAgent) {
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
  const management = https.createServer(config.management, (req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ status: 'UP' }))
  })
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
    const consoleServer = consoleServers(config, trusted)
    servers.push(consoleServer.main, consoleServer.management)
    const mainPort = await listen(consoleServer.main)
    const managementPort = await listen(consoleServer.management)
    say(`main listener       https://${HOST}:${mainPort}`)
    say(`management listener https://${HOST}:${managementPort}`)

    step('5. One request to each listener, verification on')
    const failures = []
    const client = new https.Agent({ ...agentOptions(config.trust), rejectUnauthorized: true })
    agents.push(client)
    for (const [name, port, urlPath, expect] of [
      ['main', mainPort, '/', (body) => body.console === 'ok' && body.identityStatus === 200],
      ['management', managementPort, '/actuator/health', (body) => body.status === 'UP'],
    ]) {
      const response = await get(`https://${HOST}:${port}${urlPath}`, client, 'localhost')
      const body = JSON.parse(response.body)
      const verified = verifyServer(config.trust, response.peer, 'localhost')
      const ok = response.status === 200 && expect(body)
      say(`${ok ? 'ok  ' : 'FAIL'} GET ${name}${urlPath} -> ${response.status} ${response.body}`)
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

    if (failures.length > 0) throw new Error(`failed: ${failures.join(', ')}`)
    console.log('\nDEMO OK: both listeners served TLS from the environment, and Identity was trusted through NODE_EXTRA_CA_CERTS.')
  } finally {
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
