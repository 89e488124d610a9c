'use strict'

/**
 * The platform suffix napi-rs uses for this host (`linux-x64-gnu`): the
 * loader (binding.js) looks for `console-tls.<suffix>.node` next to it, then
 * for the package `console-tls-<suffix>`, made in `npm/<suffix>/` by
 * `napi create-npm-dirs`.
 */
function platformSuffix() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const glibc = process.report?.getReport?.().header?.glibcVersionRuntime
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`
  }
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

module.exports = { platformSuffix }
