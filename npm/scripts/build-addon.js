'use strict'

// Builds the addon with plain `cargo build` for the host and copies it to
// where binding.js loads it (console-tls.<platform>.node), as `napi build
// --platform` would. `napi build` always passes `--target`, which gives the
// addon a copy of every dependency of its own (aws-lc-sys included) next to
// the one the rest of the workspace builds; without it they compile once.
// `npm run build:napi` (napi build) is kept to regenerate binding.js and
// binding.d.ts after the Rust exports change.
//
//   node scripts/build-addon.js [--release]

const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { platformSuffix } = require('./platform')

const release = process.argv.includes('--release')
const root = path.resolve(__dirname, '..', '..')

const artifact = {
  linux: 'libconsole_tls_node.so',
  darwin: 'libconsole_tls_node.dylib',
  win32: 'console_tls_node.dll',
}[process.platform]
if (!artifact) {
  console.error(`build-addon: unsupported platform ${process.platform}; use npm run build:napi`)
  process.exit(1)
}

execFileSync('cargo', ['build', '-p', 'console-tls-node', ...(release ? ['--release'] : [])], {
  cwd: root,
  stdio: 'inherit',
})
const metadata = JSON.parse(
  execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: root, encoding: 'utf8' }),
)
const built = path.join(metadata.target_directory, release ? 'release' : 'debug', artifact)
const destination = path.join(__dirname, '..', `console-tls.${platformSuffix()}.node`)
// Copy to a temporary name and rename: a process that has the old addon
// loaded keeps its mapping intact.
fs.copyFileSync(built, `${destination}.tmp`)
fs.renameSync(`${destination}.tmp`, destination)
console.log(`build-addon: ${path.relative(process.cwd(), destination)} (${release ? 'release' : 'debug'})`)
