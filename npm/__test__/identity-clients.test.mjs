// Every HTTP client a Console uses to reach Identity, through the trust
// console-tls loads: a local Identity mock (OIDC discovery, JWKS, a token
// endpoint) serves HTTPS with a self-signed CA:TRUE certificate, as a
// development Keycloak does. Each client reaches it with agentOptions(trust)
// and refuses an impostor presenting the same names with another key.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import https from 'node:https'
import tls from 'node:tls'
import { once } from 'node:events'
import { createRequire } from 'node:module'

import axios from 'axios'
import got from 'got'
import * as undici from 'undici'
import * as oidc from 'openid-client'
import * as jose from 'jose'

import { loadTrust, agentOptions } from 'console-tls'

const require = createRequire(import.meta.url)
const { Pki, listen, close } = require('./helpers.js')

const pki = new Pki('console-tls-clients-')
const REALM = '/realms/console'
let identity // { port, server, issuer }
let impostor // { port, server, issuer }
let options

/** A mock Keycloak realm: discovery, JWKS and client_credentials tokens. */
async function identityMock(certificate) {
  const { publicKey, privateKey } = await jose.generateKeyPair('ES256')
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'console-test', alg: 'ES256', use: 'sig' }
  let issuer
  const server = https.createServer(
    { cert: pki.read(`${certificate}.pem`), key: pki.read(`${certificate}.key`) },
    async (req, res) => {
      const json = (body) => {
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify(body))
      }
      if (req.url === `${REALM}/.well-known/openid-configuration`) {
        return json({
          issuer,
          authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
          token_endpoint: `${issuer}/protocol/openid-connect/token`,
          jwks_uri: `${issuer}/protocol/openid-connect/certs`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['ES256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        })
      }
      if (req.url === `${REALM}/protocol/openid-connect/certs`) return json({ keys: [jwk] })
      if (req.url === `${REALM}/protocol/openid-connect/token` && req.method === 'POST') {
        for await (const _ of req);
        const accessToken = await new jose.SignJWT({ scope: 'console' })
          .setProtectedHeader({ alg: 'ES256', kid: 'console-test' })
          .setIssuer(issuer)
          .setSubject('console')
          .setAudience('console')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(privateKey)
        return json({ access_token: accessToken, token_type: 'Bearer', expires_in: 300 })
      }
      res.statusCode = 404
      res.end()
    },
  )
  server.on('tlsClientError', () => {})
  const port = await listen(server)
  issuer = `https://localhost:${port}${REALM}`
  return { server, port, issuer }
}

before(async () => {
  // What `openssl req -x509` makes, as the Console's documentation has operators do.
  pki.selfSigned('identity', { cn: 'localhost', sans: 'DNS:localhost,IP:127.0.0.1' })
  pki.selfSigned('impostor', { cn: 'localhost', sans: 'DNS:localhost,IP:127.0.0.1' })
  identity = await identityMock('identity')
  impostor = await identityMock('impostor')
  options = agentOptions(loadTrust({ extraCaCerts: pki.file('identity.pem') }))
})

after(async () => {
  await close(identity.server)
  await close(impostor.server)
  pki.cleanup()
})

const discoveryPath = `${REALM}/.well-known/openid-configuration`

/** The certificate verdict somewhere in a client's error (clients wrap it differently). */
function certificateCode(error) {
  for (let e = error; e; e = e.cause) {
    if (typeof e.code === 'string' && /CERT|SELF_SIGNED|VERIFY/.test(e.code)) return e.code
  }
  return null
}

async function refuses(promise) {
  const error = await promise.then(
    () => assert.fail('the impostor was trusted'),
    (e) => e,
  )
  assert.equal(certificateCode(error), 'DEPTH_ZERO_SELF_SIGNED_CERT', `unexpected error: ${error.stack}`)
}

const CLIENTS = {
  'node:https Agent': async ({ port }) => {
    const agent = new https.Agent(options)
    try {
      const request = https.get({ host: 'localhost', port, path: discoveryPath, agent })
      const [response] = await once(request, 'response')
      let body = ''
      for await (const chunk of response) body += chunk
      return JSON.parse(body)
    } finally {
      agent.destroy()
    }
  },
  'tls.connect': async ({ port }) => {
    const socket = tls.connect({ ...options, host: 'localhost', port })
    try {
      await once(socket, 'secureConnect')
      return { authorized: socket.authorized }
    } finally {
      socket.destroy()
    }
  },
  'undici Agent as fetch dispatcher': async ({ issuer }) => {
    const dispatcher = new undici.Agent({ connect: options })
    try {
      const response = await undici.fetch(`${issuer}/.well-known/openid-configuration`, { dispatcher })
      return await response.json()
    } finally {
      await dispatcher.close()
    }
  },
  'axios httpsAgent': async ({ issuer }) => {
    const httpsAgent = new https.Agent(options)
    try {
      return (await axios.get(`${issuer}/.well-known/openid-configuration`, { httpsAgent })).data
    } finally {
      httpsAgent.destroy()
    }
  },
  'got agent.https': async ({ issuer }) => {
    const agent = new https.Agent(options)
    try {
      return await got(`${issuer}/.well-known/openid-configuration`, { agent: { https: agent }, retry: { limit: 0 } }).json()
    } finally {
      agent.destroy()
    }
  },
  'openid-client customFetch: discovery and client_credentials': async ({ issuer }) => {
    const dispatcher = new undici.Agent({ connect: options })
    try {
      const customFetch = (url, init) => undici.fetch(url, { ...init, dispatcher })
      const config = await oidc.discovery(new URL(issuer), 'console', 'console-secret', undefined, {
        [oidc.customFetch]: customFetch,
      })
      config[oidc.customFetch] = customFetch
      const tokens = await oidc.clientCredentialsGrant(config)
      return { issuer: config.serverMetadata().issuer, accessToken: tokens.access_token }
    } finally {
      await dispatcher.close()
    }
  },
  'jose createRemoteJWKSet customFetch': async ({ issuer }) => {
    const dispatcher = new undici.Agent({ connect: options })
    try {
      const customFetch = (url, init) => undici.fetch(url, { ...init, dispatcher })
      const jwks = jose.createRemoteJWKSet(new URL(`${issuer}/protocol/openid-connect/certs`), {
        [jose.customFetch]: customFetch,
      })
      const token = await (await customFetch(`${issuer}/protocol/openid-connect/token`, { method: 'POST', body: 'grant_type=client_credentials' })).json()
      const { payload } = await jose.jwtVerify(token.access_token, jwks, { issuer, audience: 'console' })
      return payload
    } finally {
      await dispatcher.close()
    }
  },
}

for (const [name, client] of Object.entries(CLIENTS)) {
  test(`${name} reaches Identity through agentOptions(trust)`, async () => {
    const result = await client(identity)
    if (name === 'tls.connect') assert.equal(result.authorized, true)
    else if (name.startsWith('openid-client')) {
      assert.equal(result.issuer, identity.issuer)
      assert.equal(jose.decodeJwt(result.accessToken).sub, 'console')
    } else if (name.startsWith('jose')) assert.equal(result.sub, 'console')
    else assert.equal(result.issuer, identity.issuer)
  })

  test(`${name} refuses an impostor with the same names`, async () => {
    await refuses(client(impostor))
  })
}

test("the shared globalAgent never hands a socket verified with one trust to a request made without it", async () => {
  const get = (options) =>
    new Promise((resolve, reject) => {
      https
        .get({ host: 'localhost', port: identity.port, path: discoveryPath, ...options }, (response) => {
          response.resume()
          response.on('end', () => resolve(response.socket))
        })
        .on('error', reject)
    })
  assert.equal(https.globalAgent.keepAlive, true, "Node's globalAgent keeps sockets alive (Node 19 and later)")
  const trusted = await get(options)
  // A plain request to the same host and port (here with the same
  // rejectUnauthorized, which the pool's name includes) must make its own
  // connection, verified by Node's default trust (which does not know this Identity).
  await assert.rejects(get({ rejectUnauthorized: true }), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })
  await assert.rejects(get({}), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })
  // Requests with the same trust share their pool, as they should.
  assert.equal(await get(options), trusted)
  https.globalAgent.destroy()
})

test('agentOptions holds one SecureContext per trust and no ca array', () => {
  const trust = loadTrust({ extraCaCerts: pki.file('identity.pem') })
  const first = agentOptions(trust)
  const second = agentOptions(trust)
  assert.equal(first.secureContext, second.secureContext)
  assert.ok(first.secureContext instanceof Object && first.secureContext.context)
  assert.equal('ca' in first, false)
  assert.equal(first.rejectUnauthorized, true)
  assert.equal(first.sessionIdContext, second.sessionIdContext, 'one connection pool per trust')
  // Another trust (another load) gets its own context.
  assert.notEqual(agentOptions(loadTrust({ extraCaCerts: pki.file('identity.pem') })).secureContext, first.secureContext)
})
