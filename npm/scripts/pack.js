'use strict'

// Packs the two tarballs a release publishes, from the addon already built
// (`npm run build`, or `npm run build:debug` for a test):
//
//   node scripts/pack.js DIR      (npm run pack:tarballs -- DIR)
//
// 1. `console-tls-<platform>`: copies console-tls.<platform>.node into
//    npm/<platform>/ (the package `napi create-npm-dirs` made), as
//    `napi artifacts` does in napi-rs' release flow, and packs that
//    directory. binding.js loads the addon from this package when there is
//    no .node file next to it, which is the case in an installed package.
// 2. `console-tls`: packs the package's own files (`files` in package.json)
//    with `optionalDependencies` naming the platform package at the same
//    version, which is what `napi prepublish` writes into package.json
//    before `npm publish`: installing `console-tls` alone then brings the
//    addon. It is written into a staged copy, not into npm/package.json:
//    there, `npm install` / `npm ci` of the development tree would look the
//    platform package up in the registry.
//
// Prints the path of each tarball, one a line.

const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { platformSuffix } = require('./platform')

const destination = process.argv[2]
if (!destination) {
  console.error('usage: node scripts/pack.js DIR')
  process.exit(2)
}
fs.mkdirSync(destination, { recursive: true })
const packageDir = path.resolve(__dirname, '..')
const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'))
const suffix = platformSuffix()
const addon = `${manifest.napi.binaryName}.${suffix}.node`
const platformDir = path.join(packageDir, 'npm', suffix)

function fail(message) {
  console.error(`pack: ${message}`)
  process.exit(1)
}

/** `npm pack` of DIR into the destination; returns the tarball's path and its files. */
function npmPack(dir) {
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', path.resolve(destination)], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [packed] = JSON.parse(output)
  return { tarball: path.resolve(destination, packed.filename), files: packed.files.map((file) => file.path) }
}

if (!fs.existsSync(path.join(packageDir, addon))) fail(`${addon} is not built: run npm run build (or build:debug) first`)
if (!fs.existsSync(path.join(platformDir, 'package.json'))) fail(`no npm/${suffix}/package.json: run npm run create-npm-dirs`)
const platformManifest = JSON.parse(fs.readFileSync(path.join(platformDir, 'package.json'), 'utf8'))
const platformPackage = `${manifest.name}-${suffix}`
if (platformManifest.name !== platformPackage || platformManifest.version !== manifest.version) {
  fail(`npm/${suffix}/package.json is ${platformManifest.name}@${platformManifest.version}, expected ${platformPackage}@${manifest.version}`)
}

// 1. The platform package, carrying the addon.
fs.copyFileSync(path.join(packageDir, addon), path.join(platformDir, addon))
const platform = npmPack(platformDir)
if (!platform.files.includes(addon)) fail(`${platform.tarball} does not contain ${addon}`)

// 2. The root package, staged with its optionalDependencies.
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'console-tls-pack-'))
try {
  const files = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: packageDir, encoding: 'utf8' }),
  )[0].files.map((file) => file.path)
  if (files.some((file) => file.endsWith('.node'))) fail('the root package must not carry the addon itself')
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(stage, file)), { recursive: true })
    fs.copyFileSync(path.join(packageDir, file), path.join(stage, file))
  }
  const staged = { ...manifest, optionalDependencies: { ...manifest.optionalDependencies, [platformPackage]: manifest.version } }
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(staged, null, 2)}\n`)
  const root = npmPack(stage)
  console.log(root.tarball)
  console.log(platform.tarball)
} finally {
  fs.rmSync(stage, { recursive: true, force: true })
}
