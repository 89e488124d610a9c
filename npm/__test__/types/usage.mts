// Type-checked (tsc --noEmit) as part of `npm test`: the ESM entry point's
// types as an application uses them. Lines marked @ts-expect-error must fail.
import https from 'node:https'
import consoleTls, {
  agentOptions,
  check,
  loadFromEnv,
  loadFromEnvAsync,
  loadServerTls,
  loadTrust,
  verifyServer,
  type Config,
  type ConsoleTlsError,
  type ErrorCode,
  type ServerTls,
  type Verified,
} from 'console-tls'

const config: Config = loadFromEnv(process.env, { baseDir: '/etc/console', emitWarnings: true, now: new Date() })
if (config.server !== null) {
  const server = https.createServer({ cert: config.server.cert, key: config.server.key })
  server.close()
  const days: string = config.server.certificates[0].notAfter
  void days
}
// @ts-expect-error server may be null: it must be checked first
const key: string = config.server.key
void key

const agent = new https.Agent(agentOptions(config.trust))
agent.destroy()
const internal: string | null = config.identity.internalBaseUrl
void internal

const tlsConfig: ServerTls = loadServerTls({ certificate: 'file:/tls/cert.pem', privateKey: '/tls/key.pem', passphrase: 'x' })
void tlsConfig.keyBits
// @ts-expect-error privateKey is required
loadServerTls({ certificate: '/tls/cert.pem' })

const trust = loadTrust({ extraCaCerts: ['/a.pem', '/b.pem'], strict: false, system: true })
const verified: Verified = verifyServer(trust, [Buffer.alloc(0)], 'identity.example.com')
const source: 'extra' | 'mozilla' | 'system' = verified.anchorSource
void source
// @ts-expect-error the hostname is a string
verifyServer(trust, '', 443)

try {
  await loadFromEnvAsync({ SERVER_SSL_ENABLED: 'true' })
} catch (e) {
  const error = e as ConsoleTlsError
  const code: ErrorCode = error.code
  const where: string | undefined = error.envVar ?? error.path
  void code
  void where
}

const report = check()
for (const problem of report.problems) {
  const code: ErrorCode = problem.code
  void code
}
void consoleTls.version
