// ESM entry point: the same API as index.js (the addon loads once either way).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const api = require('./index.js')

export const {
  loadFromEnv,
  loadFromEnvAsync,
  loadServerTls,
  loadServerTlsAsync,
  loadTrust,
  loadTrustAsync,
  verifyServer,
  agentOptions,
  check,
  sslHealth,
  sslMetrics,
  watch,
  watchServer,
  CONTRACT_VARIABLES,
  version,
} = api

export default api
