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
  watch,
  watchServer,
  type Config,
  type ConsoleTlsError,
  type ErrorCode,
  type ServerTls,
  type Verified,
  type Watcher,
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

// Rotation: the listener's config is a Config once err is ruled out.
const watcher: Watcher = watch(process.env, { intervalMs: 500, strict: false }, (err, loaded) => {
  if (err) {
    const code: ErrorCode = err.code
    void code
    return
  }
  const server: ServerTls | null = loaded.server
  void server
})
const latest: Config | null = watcher.current
void latest
// Identity connections that follow the watcher's NODE_EXTRA_CA_CERTS.
const following = new https.Agent(agentOptions(watcher))
void following
watcher.close()
watch({ env: { SERVER_SSL_ENABLED: 'false' }, baseDir: '/etc/console' }, (err) => void err).close()
// @ts-expect-error intervalMs is a number
watch(process.env, { intervalMs: '1s' }, () => {})
// @ts-expect-error config may be undefined until err is ruled out
watch(process.env, { intervalMs: 1000 }, (err, loaded) => void [err, loaded.server])

const rotating = https.createServer({ cert: config.server?.cert, key: config.server?.key })
const kept: Watcher = watchServer(rotating, process.env, { listener: 'management', intervalMs: 1000, contextOptions: { minVersion: 'TLSv1.2' } }, (err) => {
  const where: string | undefined = err.envVar
  void where
})
kept.close()
// @ts-expect-error listener is 'server' or 'management'
watchServer(rotating, process.env, { listener: 'admin' })
rotating.close()
