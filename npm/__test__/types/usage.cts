// Type-checked as part of `npm test`: the CommonJS entry point's types.
import consoleTls = require('console-tls')

const config = consoleTls.loadFromEnv()
const warnings: string[] = config.warnings.map((w) => `${w.code} ${w.envVar ?? ''}: ${w.message}`)
void warnings
const identityOptions: consoleTls.IdentityAgentOptions = consoleTls.agentOptions(config.trust)
const context: import('node:tls').SecureContext = identityOptions.secureContext
void context
const watcher = consoleTls.watch(undefined, { intervalMs: 250 }, (err, loaded) => {
  if (err === null) void loaded.warnings
})
watcher.close()
// Client certificates: config.server is https.createServer's options as it is.
if (config.server !== null) {
  const server = require('node:https').createServer(config.server) as import('node:https').Server
  const options: import('node:https').ServerOptions = config.server
  const mode: 'want' | 'need' | undefined = config.server.clientAuth
  const cas: string[] | undefined = config.server.ca
  void server, void options, void mode, void cas
}
const mtls = consoleTls.loadServerTls({ certificate: 'c.pem', privateKey: 'k.pem', clientAuth: 'need', trustCertificate: 'ca.pem' })
const rejects: boolean | undefined = mtls.rejectUnauthorized
void rejects
// @ts-expect-error there is no such function
consoleTls.loadEverything()

// A listener from a PKCS#12 key store, or from a PEM pair (ServerTlsArgs is either).
const fromStore: consoleTls.ServerTls = consoleTls.loadServerTls({
  keyStore: 'file:/etc/tls/keystore.p12',
  keyStorePassword: Buffer.from('secret'),
  keyStoreType: 'PKCS12',
  keyAlias: 'console',
})
const args: consoleTls.ServerTlsArgs = { certificate: 'tls.crt', privateKey: 'tls.key' }
void fromStore
void args
