'use strict'

// Lists written in more than one language come from one source: the core's
// ErrorCode::ALL / WarningCode::ALL (through the addon) and the C header
// cbindgen generates from the Rust status enum. TypeScript's unions must be
// exactly those lists.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const native = require('../binding.js')

const typings = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8')
const header = fs.readFileSync(path.join(__dirname, '..', '..', 'include', 'console_tls.h'), 'utf8')

/** The string literals of `export type NAME = | '…' | '…'`. */
function union(name) {
  const match = new RegExp(`export type ${name} =([^]*?)\\n\\n`).exec(typings)
  assert.ok(match, `index.d.ts declares ${name}`)
  return [...match[1].matchAll(/'([A-Z_]+)'/g)].map((m) => m[1])
}

test("TypeScript's ErrorCode is the core's list of error codes", () => {
  assert.deepEqual(union('ErrorCode'), native.errorCodes())
})

test("TypeScript's WarningCode is the core's list of warning codes", () => {
  assert.deepEqual(union('WarningCode'), native.warningCodes())
})

test("the C status enum has one CTLS_ERR_* per core error code, plus the call's own three", () => {
  const statuses = [...header.matchAll(/\bCTLS_ERR_([A-Z0-9_]+) = (\d+)/g)]
    .sort((a, b) => Number(a[2]) - Number(b[2]))
    .map((m) => `ERR_${m[1]}`)
  const callStatuses = ['ERR_NULL_ARGUMENT', 'ERR_INVALID_UTF8', 'ERR_PANIC']
  assert.deepEqual(statuses.filter((s) => !callStatuses.includes(s)), native.errorCodes())
  assert.deepEqual(statuses.filter((s) => callStatuses.includes(s)).sort(), [...callStatuses].sort())
})
