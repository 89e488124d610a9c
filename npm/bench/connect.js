'use strict'

// The cost of a new TLS connection to Identity through agentOptions(trust),
// against Node's default agent trusting the same self-signed Identity through
// NODE_EXTRA_CA_CERTS (issue 13), alternating in one client process:
//
//   npm --prefix npm run build && node npm/bench/connect.js [--rounds N] [--json]
//
// Measured per sample, from https.get to the end of the response:
//   (a) agentOptions(trust), a new connection and full handshake each time;
//   (b) Node's default trust (NODE_EXTRA_CA_CERTS), the same;
//   (c) what agentOptions returned before: { ca: [...tls.rootCertificates, ...extras] },
//       with which Node builds a SecureContext on every new connection;
//   and, with keep-alive (one connection reused), the Identity round trip
//   through (a) and (b). Also the one-time cost of agentOptions(trust): the
//   SecureContext of Node's roots + the extras, built once per trust.
// Session caches are off for the new-connection samples (maxCachedSessions: 0),
// so each is a full handshake. Identity runs in another process (the
// parent), so the client's samples do not include the server's work twice.

const { spawn, execFileSync } = require('node:child_process')
const fs = require('node:fs')
const https = require('node:https')
const os = require('node:os')
const path = require('node:path')
const tls = require('node:tls')
const { once } = require('node:events')

const { option, summary } = require('./stats.js')

const ROUNDS = option('--rounds', 200)
const JSON_OUTPUT = process.argv.includes('--json')


function get(port, agent) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const request = https.get({ host: 'localhost', port, path: '/', agent }, (response) => {
      response.resume()
      response.on('end', () => resolve(Number(process.hrtime.bigint() - start) / 1e6))
    })
    request.on('error', reject)
  })
}

async function client(port, identityPem) {
  const { loadTrust, agentOptions } = require('console-tls')
  const oneTime = []
  for (let i = 0; i < 20; i++) {
    const trust = loadTrust({ extraCaCerts: identityPem })
    const start = process.hrtime.bigint()
    agentOptions(trust)
    oneTime.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  const trust = loadTrust({ extraCaCerts: identityPem })
  const fresh = { keepAlive: false, maxCachedSessions: 0 }
  const agents = {
    agentOptions: new https.Agent({ ...agentOptions(trust), ...fresh }),
    nodeDefault: new https.Agent({ ...fresh }),
    caArray: new https.Agent({ ca: [...tls.rootCertificates, ...trust.ca], ...fresh }),
  }
  const keepAlive = {
    agentOptions: new https.Agent({ ...agentOptions(trust), keepAlive: true, maxSockets: 1 }),
    nodeDefault: new https.Agent({ keepAlive: true, maxSockets: 1 }),
  }
  const samples = { agentOptions: [], nodeDefault: [], caArray: [], keepAliveAgentOptions: [], keepAliveNodeDefault: [] }
  // Warm up every path (first handshakes pay for lazy initialisation).
  for (let i = 0; i < 10; i++) {
    for (const agent of [...Object.values(agents), ...Object.values(keepAlive)]) await get(port, agent)
  }
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so that neither side always runs first.
    const order = round % 2 ? ['agentOptions', 'nodeDefault', 'caArray'] : ['caArray', 'nodeDefault', 'agentOptions']
    for (const name of order) {
      await new Promise((r) => setImmediate(r))
      samples[name].push(await get(port, agents[name]))
    }
  }
  // Keep-alive in a phase of its own: interleaved with full handshakes, the
  // server's handshake work lands in whichever sample follows one.
  for (let round = 0; round < ROUNDS; round++) {
    const pair = round % 2 ? ['agentOptions', 'nodeDefault'] : ['nodeDefault', 'agentOptions']
    for (const name of pair) {
      await new Promise((r) => setImmediate(r))
      const sample = await get(port, keepAlive[name])
      samples[name === 'agentOptions' ? 'keepAliveAgentOptions' : 'keepAliveNodeDefault'].push(sample)
    }
  }
  for (const agent of [...Object.values(agents), ...Object.values(keepAlive)]) agent.destroy()
  return {
    rounds: ROUNDS,
    node: process.version,
    loadavg: os.loadavg()[0],
    oneTimeAgentOptionsMs: summary(oneTime),
    newConnectionMs: {
      agentOptions: summary(samples.agentOptions),
      nodeDefault: summary(samples.nodeDefault),
      caArray: summary(samples.caArray),
    },
    keepAliveRoundTripMs: {
      agentOptions: summary(samples.keepAliveAgentOptions),
      nodeDefault: summary(samples.keepAliveNodeDefault),
    },
    ratios: {
      newConnection: summary(samples.agentOptions).median / summary(samples.nodeDefault).median,
      caArrayBefore: summary(samples.caArray).median / summary(samples.nodeDefault).median,
      keepAlive: summary(samples.keepAliveAgentOptions).median / summary(samples.keepAliveNodeDefault).median,
    },
  }
}

async function main() {
  if (process.argv.includes('--client')) {
    const port = Number(process.argv[process.argv.indexOf('--client') + 1])
    const result = await client(port, process.env.NODE_EXTRA_CA_CERTS)
    process.stdout.write(JSON.stringify(result))
    return
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-tls-bench-connect-'))
  try {
    const cert = path.join(dir, 'identity.pem')
    const key = path.join(dir, 'identity.key')
    // A self-signed CA:TRUE Identity, as `openssl req -x509` makes it (P-256).
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
      '-subj', '/CN=localhost', '-days', '2', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ], { stdio: 'ignore' })
    const server = https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (req, res) =>
      res.end('{"issuer":"https://localhost/realms/console"}'),
    )
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const child = spawn(process.execPath, [__filename, '--client', String(server.address().port), ...process.argv.slice(2)], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: cert },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    const [code] = await once(child, 'exit')
    server.close()
    if (code !== 0) throw new Error(`the client exited with ${code}`)
    const result = JSON.parse(out)
    if (JSON_OUTPUT) {
      console.log(JSON.stringify(result, null, 2))
      return
    }
    const f = (s) => `${s.median.toFixed(2)} ms (p10 ${s.p10.toFixed(2)}, p90 ${s.p90.toFixed(2)})`
    console.log(`Node ${result.node}, ${result.rounds} rounds, load average ${result.loadavg.toFixed(2)}`)
    console.log(`agentOptions(trust), once per trust:        ${f(result.oneTimeAgentOptionsMs)}`)
    console.log('new connection (full handshake), median:')
    console.log(`  agentOptions(trust)                       ${f(result.newConnectionMs.agentOptions)}`)
    console.log(`  Node default + NODE_EXTRA_CA_CERTS         ${f(result.newConnectionMs.nodeDefault)}`)
    console.log(`  { ca: [...roots, ...extras] } (before)     ${f(result.newConnectionMs.caArray)}`)
    console.log(`  ratio agentOptions / Node default: ${result.ratios.newConnection.toFixed(2)}x (before: ${result.ratios.caArrayBefore.toFixed(2)}x)`)
    console.log('Identity round trip with keep-alive:')
    console.log(`  agentOptions(trust)                       ${f(result.keepAliveRoundTripMs.agentOptions)}`)
    console.log(`  Node default                              ${f(result.keepAliveRoundTripMs.nodeDefault)}`)
    console.log(`  ratio: ${result.ratios.keepAlive.toFixed(2)}x`)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
