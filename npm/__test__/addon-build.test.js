'use strict'

// The addon is the core alone: the C ABI and the CLI's dependencies stay in
// the root crate's own library and binary (cargo features), so the addon
// exports no ctls_* symbol and its build compiles neither clap nor rcgen.

const test = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.resolve(__dirname, '..', '..')
const addon = fs.readdirSync(path.join(__dirname, '..')).find((f) => /^console-tls\..*\.node$/.test(f))

test('the addon exports the N-API entry point and no ctls_ symbol', { skip: process.platform !== 'linux' }, () => {
  assert.ok(addon, 'the addon is built')
  const symbols = execFileSync('nm', ['-D', '--defined-only', path.join(__dirname, '..', addon)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  assert.match(symbols, /\bnapi_register_module_v1\b/)
  assert.deepEqual(symbols.split('\n').filter((line) => /\bctls_/.test(line)), [])
})

test("the addon's dependency tree has neither clap nor rcgen", () => {
  const tree = execFileSync('cargo', ['tree', '-p', 'console-tls-node', '-e', 'normal,build', '--prefix', 'none'], {
    cwd: root,
    encoding: 'utf8',
  })
  assert.match(tree, /^console-tls v/m)
  assert.deepEqual(tree.split('\n').filter((line) => /^(clap|rcgen) /.test(line)), [])
})
