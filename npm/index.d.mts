// Types of the ESM entry point: the named exports of index.d.ts plus a default export.
import * as api from './index.js'

export * from './index.js'
export default api
