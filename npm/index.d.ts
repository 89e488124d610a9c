// Types of the public API (index.js / index.mjs). The native layer's own
// generated typings are in binding.d.ts.

/// <reference types="node" />

/** The stable error codes (see the README's error table). */
export type ErrorCode =
  | 'ERR_CONFIG_INVALID'
  | 'ERR_CONFIG_MISSING'
  | 'ERR_FILE_NOT_FOUND'
  | 'ERR_FILE_UNREADABLE'
  | 'ERR_FILE_TOO_LARGE'
  | 'ERR_PEM_INVALID'
  | 'ERR_CERT_INVALID'
  | 'ERR_KEY_UNSUPPORTED'
  | 'ERR_KEY_ENCRYPTED'
  | 'ERR_PASSPHRASE_WRONG'
  | 'ERR_KEY_MISMATCH'
  | 'ERR_CHAIN_ORDER'
  | 'ERR_CERT_UNTRUSTED'
  | 'ERR_CERT_HOSTNAME_MISMATCH'
  | 'ERR_CERT_EXPIRED'
  | 'ERR_CERT_NOT_YET_VALID'
  | 'ERR_URL_NOT_HTTPS'
  | 'ERR_CERT_UNSUPPORTED'

/** The warning codes. */
export type WarningCode =
  | 'WARN_CERT_EXPIRED'
  | 'WARN_CERT_NOT_YET_VALID'
  | 'WARN_CERT_EXPIRING_SOON'
  | 'WARN_CHAIN_BROKEN'
  | 'WARN_NO_SUBJECT_ALT_NAME'
  | 'WARN_PASSPHRASE_UNUSED'
  | 'WARN_IDENTITY_NOT_ENCRYPTED'
  | 'WARN_TRUST_PROBLEM'
  | 'WARN_DUPLICATE_CERTIFICATE'
  | 'WARN_NODE_INCOMPATIBLE'
  | 'WARN_SETTING_UNUSED'

/**
 * What every loader throws (or rejects with) for a configuration problem: a
 * real `Error` whose one-line message says what is wrong, where, and how to
 * fix it. Never contains a passphrase or key material.
 */
export interface ConsoleTlsError extends Error {
  code: ErrorCode
  /** The variable (or API argument: `certificate`, `privateKey`, `extraCaCerts`) at fault. */
  envVar?: string
  /** The file at fault, when the input was a file. */
  path?: string
  /** The 1-based PEM block at fault. */
  block?: number
  /** The line that block starts on. */
  line?: number
}

export interface CertificateInfo {
  /** e.g. `CN=console.example.com, O=Example`. */
  subject: string
  issuer: string
  /** Upper-case hex, as Node's `serialNumber`. */
  serialNumber: string
  /** Node's spelling: `DNS:host`, `IP Address:1.2.3.4`, … */
  subjectAltNames: string[]
  /** RFC 3339. */
  notBefore: string
  /** RFC 3339. */
  notAfter: string
  /** `AA:BB:…`, as Node's `fingerprint256`. */
  fingerprint256: string
  isCa: boolean
  /** e.g. `RSA 2048-bit`, `ECDSA P-256`, `Ed25519`. */
  publicKey: string
}

export interface ConsoleTlsWarning {
  code: WarningCode
  envVar?: string
  /** One line, prefixed with the variable when known. */
  message: string
}

/** A listener's identity, ready for `https.createServer(serverTls)` / `tls.createSecureContext`. */
export interface ServerTls {
  /** The chain as PEM, leaf first. */
  cert: string
  /** The key as unencrypted PKCS#8 PEM (decrypted when it was encrypted). */
  key: string
  /** The chain, leaf first. */
  certificates: CertificateInfo[]
  /** e.g. `RSA 2048-bit`, `ECDSA P-256`, `Ed25519`. */
  keyType: string
  keyBits: number
  warnings: ConsoleTlsWarning[]
  /**
   * The listener's client authentication (`SERVER_SSL_CLIENT_AUTH`):
   * present only when it is `want` or `need`, like the three options
   * below, so `https.createServer(serverTls)` enforces it as it is.
   */
  clientAuth?: 'want' | 'need'
  /** `true` with client authentication: the server asks clients for a certificate. */
  requestCert?: boolean
  /**
   * `true` for `need`: a client without a certificate from `ca` fails the
   * handshake. `false` for `want`: every client connects, and
   * `socket.authorized` / `authorizationError` tell whether it was verified.
   */
  rejectUnauthorized?: boolean
  /** The CAs that issue client certificates (`SERVER_SSL_TRUST_CERTIFICATE`), one PEM string each. */
  ca?: string[]
}

/** Extra CA certificates on top of the base roots. Pass it to `agentOptions` and `verifyServer`. */
export interface Trust {
  /** The extra certificates as PEM strings, deduplicated (Node's bundled roots are not included). */
  ca: string[]
  certificates: CertificateInfo[]
  warnings: ConsoleTlsWarning[]
  /** How many base roots come from Mozilla's store (the source of Node's bundled roots). */
  mozillaRoots: number
  /** How many come from the operating system's store (0 unless `system: true`). */
  systemRoots: number
}

export interface Identity {
  /** `KEYCLOAK_BASE_URL`, normalised; `null` when unset. */
  baseUrl: string | null
  /** `KEYCLOAK_INTERNAL_BASE_URL`, or the base URL when unset. */
  internalBaseUrl: string | null
  /** A configured Identity URL is `https://`. */
  usesTls: boolean
  warnings: ConsoleTlsWarning[]
}

export interface Config {
  /** The main listener; `null` when `SERVER_SSL_ENABLED` is not true. */
  server: ServerTls | null
  /** The management listener; `null` when `MANAGEMENT_SERVER_SSL_ENABLED` is not true. */
  management: ServerTls | null
  /** Mozilla's roots plus `NODE_EXTRA_CA_CERTS`. */
  trust: Trust
  identity: Identity
  /** Every warning (listeners, trust, Identity), each naming its variable. */
  warnings: ConsoleTlsWarning[]
}

/** The environment: `process.env` or any object of the same shape. Only the contract's variables are read. */
export type Env = Record<string, string | number | boolean | undefined | null>

export interface LoadOptions {
  /** Directory that relative paths resolve against (default: `process.cwd()`). */
  baseDir?: string
  /** Trust problems are errors (default `true`) or warnings. */
  strict?: boolean
  /** Add the operating system's root store to Mozilla's. */
  system?: boolean
  /** `http://` Identity URLs throw `ERR_URL_NOT_HTTPS` instead of warning. */
  requireTls?: boolean
  /** Judge certificates at this time instead of now. */
  now?: Date | number
  /** The largest file read, in bytes (default 8 MiB). */
  maxFileSize?: number
  /** Also report each warning through `process.emitWarning` (type `ConsoleTlsWarning`). */
  emitWarnings?: boolean
}

/** A listener's identity from a PEM certificate chain and private key. */
export interface PemServerTlsArgs {
  /** `file:/path`, a path, or the PEM text itself: the chain, leaf first. */
  certificate: string
  /** The same forms; may be the same combined file as `certificate`. */
  privateKey: string
  /** Decrypts an encrypted key: a string (used as UTF-8, byte for byte) or the bytes. */
  passphrase?: string | Uint8Array
  /** Directory that relative paths resolve against. */
  baseDir?: string
  /** Client certificates: `'none'` (default), `'want'` or `'need'`, any case. */
  clientAuth?: 'none' | 'want' | 'need' | (string & {})
  /** The PEM bundle of the CAs that issue client certificates (same forms as `certificate`); required for `want`/`need`. */
  trustCertificate?: string
}

/** A listener's identity from a PKCS#12 key store (`.p12`/`.pfx`), as `SERVER_SSL_KEY_STORE`. */
export interface KeyStoreServerTlsArgs {
  /** `file:/path` or a path to the PKCS#12 file. */
  keyStore: string
  /** Its password (omitted: the empty password is tried, as Java and OpenSSL do). */
  keyStorePassword?: string | Uint8Array
  /** `'PKCS12'` (any case) or omitted; others throw `ERR_KEY_UNSUPPORTED`. */
  keyStoreType?: string
  /** The key entry to use (any case); omitted: the only one. */
  keyAlias?: string
  /** Directory that relative paths resolve against. */
  baseDir?: string
}

/** A PEM pair or a key store; giving both throws `ERR_CONFIG_INVALID`. */
export type ServerTlsArgs = PemServerTlsArgs | KeyStoreServerTlsArgs

export interface TrustArgs {
  /** One location or several (paths, `file:` URLs, or PEM text); omitted: no extras. */
  extraCaCerts?: string | string[]
  /** Problems are errors (default `true`) or warnings that keep what loaded. */
  strict?: boolean
  /** Add the operating system's root store to Mozilla's. */
  system?: boolean
  /** Directory that relative paths resolve against. */
  baseDir?: string
}

/** A chain that verified. */
export interface Verified {
  anchorSubject: string
  /** The server certificate is itself one of the extras (exact bytes), e.g. self-signed. */
  trustedDirectly: boolean
  anchorSource: 'extra' | 'mozilla' | 'system'
  /** The presented certificates the path used, server certificate first. */
  chain: CertificateInfo[]
}

/** Something with the shape of `socket.getPeerCertificate(true)` (or an `X509Certificate`). */
export interface PeerCertificateLike {
  raw: Buffer
  issuerCertificate?: PeerCertificateLike
}

/** PEM text, DER or PEM entries (server certificate first), or a peer certificate to walk. */
export type Chain = string | Uint8Array | Array<Uint8Array | string | PeerCertificateLike> | PeerCertificateLike

/** One problem in a `check` report. */
export interface Problem {
  code: ErrorCode
  envVar: string | null
  path: string | null
  block: number | null
  line: number | null
  message: string
}

/** A certificate in a report: the JSON spelling of the CLI (`serial`, Unix times). */
export interface ReportCertificate extends Omit<CertificateInfo, 'serialNumber'> {
  serial: string
  notBeforeUnix: number
  notAfterUnix: number
}

export interface ListenerReport {
  name: 'server' | 'management'
  enabled: boolean
  ok: boolean
  certificates: ReportCertificate[]
  keyType: string | null
  keyFormat: string | null
  keyEncryption: string | null
  /** Present only when the listener asks for client certificates. */
  clientAuth?: 'want' | 'need'
  /** The CAs that issue client certificates (present with `clientAuth`). */
  clientCas?: ReportCertificate[]
}

export interface TrustReport {
  ok: boolean
  /** The bundle's path, `'inline PEM'`, or `null` when unset. */
  extraCaCerts: string | null
  certificates: ReportCertificate[]
  mozillaRoots: number
  systemRoots: number
  strict: boolean
}

export interface IdentityReport {
  ok: boolean
  /** User name and password removed. */
  baseUrl: string | null
  internalBaseUrl: string | null
  usesTls: boolean
}

/** The report of `check`: the same JSON as `console-tls check --json`. */
export interface Report {
  listeners: ListenerReport[]
  trust: TrustReport
  identity: IdentityReport
  problems: Problem[]
  warnings: Array<{ code: WarningCode; envVar: string | null; message: string }>
  /** Unix seconds. */
  checkedAt: number
  [more: string]: unknown
}

/** Loads everything the environment configures. Throws a {@link ConsoleTlsError}. */
export declare function loadFromEnv(env?: Env | null, options?: LoadOptions): Config
/** {@link loadFromEnv} off the main thread (libuv's pool); rejects with a {@link ConsoleTlsError}. */
export declare function loadFromEnvAsync(env?: Env | null, options?: LoadOptions): Promise<Config>

/** Loads and checks one listener's identity. Errors name `certificate`, `privateKey` (or `keyStore`, `keyStorePassword`, `keyStoreType`, `keyAlias`). */
export declare function loadServerTls(args: ServerTlsArgs, options?: LoadOptions): ServerTls
export declare function loadServerTlsAsync(args: ServerTlsArgs, options?: LoadOptions): Promise<ServerTls>

/** Loads extra CA certificates (every block accounted for). Errors name `extraCaCerts`. */
export declare function loadTrust(args: TrustArgs, options?: LoadOptions): Trust
export declare function loadTrustAsync(args: TrustArgs, options?: LoadOptions): Promise<Trust>

/**
 * Verifies a server's chain for `hostname` (a DNS name or an IP address) the way
 * Node would with `agentOptions(trust)`. Throws `ERR_CERT_UNTRUSTED`,
 * `ERR_CERT_HOSTNAME_MISMATCH`, `ERR_CERT_EXPIRED`, `ERR_CERT_NOT_YET_VALID`,
 * `ERR_CERT_INVALID`.
 */
export declare function verifyServer(
  trust: Trust,
  chain: Chain,
  hostname: string,
  options?: { now?: Date | number },
): Verified

/**
 * Options for `tls.connect`, `new https.Agent(…)`, undici's `new Agent({ connect })`,
 * axios' `httpsAgent`, got's `agent.https`: ONE `SecureContext` (Node's bundled
 * roots, the system's when the trust was loaded with `system`, and the extras),
 * and a `checkServerIdentity` that applies console-tls's verification policy,
 * so a connection's verdict is {@link verifyServer}'s.
 */
export interface IdentityAgentOptions {
  readonly secureContext: import('node:tls').SecureContext
  readonly checkServerIdentity: (hostname: string, cert: import('node:tls').PeerCertificate) => Error | undefined
  readonly rejectUnauthorized: true
  /**
   * Names this trust's connection pool in any `https.Agent` (the shared
   * `globalAgent` included), so that a socket verified with this trust is
   * never reused by a request made with another trust or none. Ignored by
   * TLS clients otherwise.
   */
  readonly sessionIdContext: string
}

/**
 * {@link IdentityAgentOptions} for a loaded trust (its context is built on the
 * first call and shared after), or for a {@link Watcher}: then the context
 * follows each newly loaded `NODE_EXTRA_CA_CERTS` for new connections, and every
 * connection is refused until a trust has loaded.
 */
export declare function agentOptions(trust: Trust | Watcher): IdentityAgentOptions

/** `sslHealth`/`sslMetrics` options. */
export interface HealthOptions {
  /** A certificate ending within this many milliseconds is `WILL_EXPIRE_SOON` (default 14 days, Spring Boot's). */
  warningThreshold?: number
  /** The instant judged (default: now). */
  now?: Date | number
}

/** A certificate's verdict; `message` says why unless `VALID`. */
export interface CertificateValidity {
  status: 'VALID' | 'EXPIRED' | 'NOT_YET_VALID' | 'WILL_EXPIRE_SOON'
  message?: string
}

/** One certificate as Spring Boot's `ssl` health shows it. */
export interface HealthCertificate {
  subject: string
  issuer: string
  /** Upper-case hex. */
  serialNumber: string
  /** notBefore, RFC 3339. */
  validityStarts: string
  /** notAfter, RFC 3339. */
  validityEnds: string
  validity: CertificateValidity
}

/** A chain: a listener's (`alias` `server`/`management`) or one extra CA (`alias` its subject). */
export interface HealthChain {
  alias: string
  certificates: HealthCertificate[]
}

/** Spring Boot 3.4's `ssl` health component. */
export interface SslHealth {
  /** `OUT_OF_SERVICE` when any certificate is expired or not yet valid. */
  status: 'UP' | 'OUT_OF_SERVICE'
  details: {
    /** Every certificate `VALID` or `WILL_EXPIRE_SOON`. */
    validChains: HealthChain[]
    invalidChains: HealthChain[]
  }
}

/** Certificate health of both listeners and `NODE_EXTRA_CA_CERTS`, shaped like Spring Boot's `ssl` health component. */
export declare function sslHealth(config: Config | Watcher, options?: HealthOptions): SslHealth

/**
 * The same in Prometheus text format 0.0.4: `ssl_chains{status}` and
 * `ssl_chain_expiry_seconds{bundle,chain,certificate}` (negative once expired).
 */
export declare function sslMetrics(config: Config | Watcher, options?: HealthOptions): string

/** Every problem of the configuration at once; never throws for configuration problems. */
export declare function check(env?: Env | null, options?: LoadOptions): Report

/** Options of {@link watch}: how often to look, plus the load options. */
export interface WatchOptions extends LoadOptions {
  /** How often the files are checked, in milliseconds (default 1000; 1 to 2^31-1). */
  intervalMs?: number
}

/** {@link watch}'s first argument in its options form: the environment plus load options. */
export interface WatchSource extends LoadOptions {
  /** The environment (default `process.env`). */
  env?: Env | null
}

/**
 * Called with `(null, config)` for each fully validated configuration (first
 * the initial one, on the next tick) and with `(err)` when new material fails;
 * then the last good configuration stays current. Once `err` is ruled out,
 * TypeScript knows `config` is a `Config`.
 */
export type WatchListener = (...args: [err: ConsoleTlsError, config: undefined] | [err: null, config: Config]) => void
/** A listener that only looks at the first argument. */
export type WatchErrorListener = (err: ConsoleTlsError | null) => void

/** What {@link watch} and {@link watchServer} return. */
export interface Watcher {
  /** The last good configuration; `null` until one loaded. */
  readonly current: Config | null
  /** The files being watched (absolute paths). */
  readonly files: string[]
  /** Stops watching; the listener is not called after it returns. Idempotent. */
  close(): void
}

/**
 * Reloads the configuration when the files behind it change (including
 * Kubernetes' atomic `..data` symlink swap, writes in place and
 * write-then-rename). Polls every `intervalMs` on an unref'd timer (a `stat`
 * per file; contents are hashed only when metadata moved) and loads new
 * material on libuv's thread pool. Broken intermediate states are reported
 * once each and never replace the last good configuration.
 */
export declare function watch(
  source: Env | WatchSource | null | undefined,
  options: WatchOptions | null | undefined,
  listener: WatchListener,
): Watcher
export declare function watch(
  source: Env | WatchSource | null | undefined,
  options: WatchOptions | null | undefined,
  listener: WatchErrorListener,
): Watcher
export declare function watch(source: Env | WatchSource | null | undefined, listener: WatchListener): Watcher
export declare function watch(source: Env | WatchSource | null | undefined, listener: WatchErrorListener): Watcher

/** Options of {@link watchServer}. */
export interface WatchServerOptions extends WatchOptions {
  /** Which listener's identity the server presents (default `'server'`). */
  listener?: 'server' | 'management'
  /**
   * Other secure-context options to keep (`ca`, `ciphers`, `minVersion`, …):
   * `setSecureContext` replaces the whole context, not only `cert` and `key`.
   */
  contextOptions?: import('node:tls').SecureContextOptions
}

/**
 * Keeps an `https.Server` (or `tls.Server`) serving the current identity: calls
 * `server.setSecureContext({ ...contextOptions, cert, key })` on each good load.
 * New handshakes get the new identity; existing connections keep theirs.
 * Problems go to `onError` (default: `process.emitWarning`) and the server keeps its last good identity.
 */
export declare function watchServer(
  server: { setSecureContext(options: import('node:tls').SecureContextOptions): void },
  env?: Env | WatchSource | null,
  options?: WatchServerOptions | null,
  onError?: (err: ConsoleTlsError) => void,
): Watcher

/** The environment variables the contract reads. */
export declare const CONTRACT_VARIABLES: readonly string[]
/** The core library's version. */
export declare const version: string
