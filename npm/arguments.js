'use strict'

// Wrong JavaScript types are TypeErrors worded as Node's own APIs word them
// (code ERR_INVALID_ARG_TYPE, the argument named as the caller wrote it, what
// was received), before anything reaches the addon, whose conversion errors
// would name Rust types. Only types are checked here: what the values mean
// is the core's business.

const { inspect } = require('node:util')

/** What was received, as Node's ERR_INVALID_ARG_TYPE says it (a secret's value is never shown). */
function received(value, secret) {
  if (value === undefined || value === null) return `Received ${value}`
  if (typeof value === 'function') return `Received function ${value.name || '<anonymous>'}`
  if (typeof value === 'object') {
    const name = value.constructor?.name
    return name ? `Received an instance of ${name}` : `Received ${inspect(value, { depth: -1 })}`
  }
  if (secret) return `Received type ${typeof value}`
  let shown = inspect(value, { colors: false })
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`
  return `Received type ${typeof value} (${shown})`
}

/**
 * A TypeError for `name` (an argument, or `options.x` — a property), which
 * must be `expected` ("of type string", "an instance of Date or of type number"…).
 */
function invalidArgType(name, expected, value, { secret = false } = {}) {
  const kind = name.includes('.') ? 'property' : 'argument'
  const error = new TypeError(`The "${name}" ${kind} must be ${expected}. ${received(value, secret)}`)
  error.code = 'ERR_INVALID_ARG_TYPE'
  return error
}

const isAbsent = (value) => value === undefined || value === null

/** An optional object argument: `{}` when absent. */
function optionalObject(value, name) {
  if (isAbsent(value)) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidArgType(name, 'of type object', value)
  return value
}

function optionalString(value, name) {
  if (!isAbsent(value) && typeof value !== 'string') throw invalidArgType(name, 'of type string', value)
  return value ?? undefined
}

function optionalBoolean(value, name) {
  if (!isAbsent(value) && typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value)
  return value ?? undefined
}

function optionalNumber(value, name) {
  if (!isAbsent(value) && typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
  return value ?? undefined
}

/** A `Date` or milliseconds since the epoch, as milliseconds. */
function optionalTime(value, name) {
  if (isAbsent(value)) return undefined
  if (value instanceof Date) return value.getTime()
  if (typeof value === 'number') return value
  throw invalidArgType(name, 'an instance of Date or of type number', value)
}

/** A passphrase: a string or bytes (a Buffer is passed as is, other views wrapped without copying). */
function optionalSecret(value, name) {
  if (isAbsent(value)) return undefined
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  throw invalidArgType(name, 'of type string or an instance of Buffer or Uint8Array', value, { secret: true })
}

/** One location or an array of them (strings). */
function optionalStrings(value, name) {
  if (isAbsent(value)) return undefined
  if (typeof value === 'string') return value
  if (!Array.isArray(value)) throw invalidArgType(name, 'of type string or an instance of Array', value)
  value.forEach((entry, i) => {
    if (typeof entry !== 'string') throw invalidArgType(`${name}[${i}]`, 'of type string', entry)
  })
  return value
}

function requiredFunction(value, name) {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value)
  return value
}

function requiredString(value, name) {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value)
  return value
}

module.exports = {
  invalidArgType,
  optionalObject,
  optionalString,
  optionalBoolean,
  optionalNumber,
  optionalTime,
  optionalSecret,
  optionalStrings,
  requiredFunction,
  requiredString,
}
