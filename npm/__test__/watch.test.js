'use strict'

// watch() and watchServer(): certificate rotation without restarts. Files are
// rotated the way Kubernetes does (a new timestamped directory, the `..data`
// symlink swapped with rename(2)) and the ways people do by hand (overwrite in
// place, write-then-rename), through broken intermediate states; and an HTTPS
// server under a continuous client load follows 60 rotations.
//
// Every wait is bounded (a deadline fails the test) and nothing asserts how
// long anything took.

const test = require('node:test')
const assert = require('node:assert/strict')
const { execFile } = require('node:child_process')
const fs = require('node:fs')
const https = require('node:https')
const path = require('node:path')
const tls = require('node:tls')
const { promisify } = require('node:util')

const { watch, watchServer } = require('..')
const { Pki, listen, close } = require('./helpers')

const run = promisify(execFile)
const WAIT_MS = 15_000

/** A CA and leaves with chosen serials, made by one `openssl req -x509 -CA` each. */
class RotationPki {
  constructor() {
    this.pki = new Pki('console-tls-watch-')
    this.config = this.pki.write('min.cnf', '[req]\ndistinguished_name = dn\n[dn]\n')
  }

  async init() {
    await this.openssl([
      'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', this.pki.file('ca.key'), '-out', this.pki.file('ca.pem'), '-subj', '/CN=Rotation test CA',
      '-days', '2', '-config', this.config,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign',
    ])
    this.caPem = this.pki.read('ca.pem')
    return this
  }

  openssl(args) {
    return run('openssl', args, { encoding: 'utf8' })
  }

  /** A P-256 leaf for localhost and 127.0.0.1 with serial `0x100000 + n`: `{ cert, key, serial }` (serial as Node spells it). */
  async leaf(n) {
    const serial = (0x100000 + n).toString(16).toUpperCase()
    const cert = this.pki.file(`leaf-${n}.pem`)
    const key = this.pki.file(`leaf-${n}.key`)
    await this.openssl([
      'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', key, '-out', cert, '-subj', `/CN=leaf ${n}`, '-days', '2', '-config', this.config,
      '-CA', this.pki.file('ca.pem'), '-CAkey', this.pki.file('ca.key'), '-set_serial', `0x${serial}`,
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-addext', 'basicConstraints=CA:FALSE',
      '-addext', 'extendedKeyUsage=serverAuth',
    ])
    return { cert: fs.readFileSync(cert, 'utf8'), key: fs.readFileSync(key, 'utf8'), serial }
  }

  /** Leaves 1..count, made two at a time. */
  async leaves(count) {
    const all = []
    for (let n = 1; n <= count; n += 2) {
      const batch = [this.leaf(n)]
      if (n + 1 <= count) batch.push(this.leaf(n + 1))
      all.push(...(await Promise.all(batch)))
    }
    return all
  }

  cleanup() {
    this.pki.cleanup()
  }
}

/** A Kubernetes secret volume: `..data` -> `..<timestamp>/`, `tls.crt` -> `..data/tls.crt`. */
class SecretVolume {
  constructor(dir) {
    this.dir = dir
    this.generation = 0
    fs.mkdirSync(dir, { recursive: true })
  }

  /** Writes a new timestamped directory and swaps `..data` to it with rename(2), as the kubelet does. */
  publish(cert, key) {
    this.generation += 1
    const name = `..2026_11_28_10_00_${String(this.generation).padStart(4, '0')}`
    fs.mkdirSync(path.join(this.dir, name))
    fs.writeFileSync(path.join(this.dir, name, 'tls.crt'), cert)
    fs.writeFileSync(path.join(this.dir, name, 'tls.key'), key)
    const previous = this.current
    fs.symlinkSync(name, path.join(this.dir, '..data_tmp'))
    fs.renameSync(path.join(this.dir, '..data_tmp'), path.join(this.dir, '..data'))
    if (!fs.existsSync(path.join(this.dir, 'tls.crt'))) {
      fs.symlinkSync('..data/tls.crt', path.join(this.dir, 'tls.crt'))
      fs.symlinkSync('..data/tls.key', path.join(this.dir, 'tls.key'))
    }
    // The kubelet removes the old directory after the swap.
    if (previous) fs.rmSync(path.join(this.dir, previous), { recursive: true })
    this.current = name
  }
}

/** The other ways files get replaced, on plain files in `dir`. */
const byHand = {
  /** Overwrite both files in place (same inodes). */
  inPlace(dir, cert, key) {
    fs.writeFileSync(path.join(dir, 'tls.crt'), cert)
    fs.writeFileSync(path.join(dir, 'tls.key'), key)
  },
  /** Write a temporary file and rename it over the old one, as editors and most tools do. */
  writeThenRename(dir, cert, key) {
    for (const [name, text] of [['tls.crt', cert], ['tls.key', key]]) {
      fs.writeFileSync(path.join(dir, `.${name}.tmp`), text)
      fs.renameSync(path.join(dir, `.${name}.tmp`), path.join(dir, name))
    }
  },
}

function envFor(dir) {
  return {
    SERVER_SSL_ENABLED: 'true',
    SERVER_SSL_CERTIFICATE: `file:${path.join(dir, 'tls.crt')}`,
    SERVER_SSL_CERTIFICATE_PRIVATE_KEY: path.join(dir, 'tls.key'),
  }
}

/** Listener calls as a queue the test awaits one by one, each wait bounded. */
class Events {
  constructor() {
    this.queue = []
    this.waiters = []
    this.listener = (err, config) => {
      const event = { err, config }
      const waiter = this.waiters.shift()
      if (waiter) waiter(event)
      else this.queue.push(event)
    }
  }

  next(what = 'the next listener call') {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift())
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(done), 1)
        reject(new Error(`no listener call within ${WAIT_MS} ms: waiting for ${what}`))
      }, WAIT_MS)
      const done = (event) => {
        clearTimeout(timer)
        resolve(event)
      }
      this.waiters.push(done)
    })
  }

  async config(what) {
    const { err, config } = await this.next(what)
    assert.equal(err, null, `expected ${what}, got ${err && `${err.code}: ${err.message}`}`)
    return config
  }

  async error(what) {
    const { err, config } = await this.next(what)
    assert.ok(err instanceof Error, `expected ${what}, got a configuration`)
    assert.equal(config, undefined)
    return err
  }
}

const serialOf = (config) => config.server.certificates[0].serialNumber

/** Waits (bounded) until `condition()` is true, checking every few milliseconds. */
async function until(condition, what) {
  const deadline = Date.now() + WAIT_MS
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up after ${WAIT_MS} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

let pki
let leaves
test.before(async () => {
  pki = await new RotationPki().init()
  leaves = await pki.leaves(60)
})
test.after(() => pki.cleanup())

test('Kubernetes ..data swaps: each good state loads, each broken one is reported once and the last good stays', async () => {
  const dir = pki.pki.file('k8s')
  const volume = new SecretVolume(dir)
  volume.publish(leaves[0].cert, leaves[0].key)
  const events = new Events()
  const watcher = watch(envFor(dir), { intervalMs: 5 }, events.listener)
  try {
    assert.deepEqual(watcher.files, [path.join(dir, 'tls.crt'), path.join(dir, 'tls.key')])
    // The initial configuration, with the same shape as loadFromEnv's.
    const initial = await events.config('the initial configuration')
    assert.equal(serialOf(initial), leaves[0].serial)
    assert.deepEqual(Object.keys(initial).sort(), ['identity', 'management', 'server', 'trust', 'warnings'])
    assert.equal(initial.management, null)
    assert.match(initial.server.key, /^-----BEGIN PRIVATE KEY-----/)
    assert.equal(watcher.current, initial)

    volume.publish(leaves[1].cert, leaves[1].key)
    const second = await events.config('the second identity')
    assert.equal(serialOf(second), leaves[1].serial)
    assert.equal(watcher.current, second)

    const third = leaves[2]
    const broken = [
      ['a truncated key', third.cert, third.key.slice(0, third.key.length >> 1), 'ERR_PEM_INVALID', 'SERVER_SSL_CERTIFICATE_PRIVATE_KEY'],
      ['a mismatched pair', third.cert, leaves[1].key, 'ERR_KEY_MISMATCH', 'SERVER_SSL_CERTIFICATE_PRIVATE_KEY'],
      ['an empty certificate', '', third.key, 'ERR_PEM_INVALID', 'SERVER_SSL_CERTIFICATE'],
      ['a key in the certificate file', third.key, third.key, 'ERR_PEM_INVALID', 'SERVER_SSL_CERTIFICATE'],
    ]
    for (const [what, cert, key, code, envVar] of broken) {
      volume.publish(cert, key)
      const err = await events.error(what)
      assert.equal(err.code, code, `${what}: ${err.message}`)
      assert.equal(err.envVar, envVar)
      // The path names the file the variable points at (the symlink).
      assert.equal(err.path, path.join(dir, envVar === 'SERVER_SSL_CERTIFICATE' ? 'tls.crt' : 'tls.key'))
      assert.ok(err.message.startsWith(envVar), err.message)
      assert.equal(serialOf(watcher.current), leaves[1].serial, `after ${what}, the last good identity stays`)
    }
    volume.publish(third.cert, third.key)
    assert.equal(serialOf(await events.config('the third identity')), third.serial)
    assert.equal(serialOf(watcher.current), third.serial)
  } finally {
    watcher.close()
  }
})

test('by hand: in place, write-then-rename, a deleted file, and rewriting the same content is no change', async () => {
  const dir = pki.pki.file('by-hand')
  fs.mkdirSync(dir)
  byHand.inPlace(dir, leaves[3].cert, leaves[3].key)
  const events = new Events()
  const watcher = watch({ env: envFor(dir), baseDir: '/' }, { intervalMs: 5 }, events.listener)
  try {
    assert.equal(serialOf(await events.config('the initial configuration')), leaves[3].serial)

    byHand.inPlace(dir, leaves[4].cert, leaves[4].key)
    assert.equal(serialOf(await events.config('the in-place overwrite')), leaves[4].serial)

    byHand.writeThenRename(dir, leaves[5].cert, leaves[5].key)
    assert.equal(serialOf(await events.config('the write-then-rename')), leaves[5].serial)

    // The same bytes again (metadata moves, contents do not), then a real
    // change: the next listener call must be that change.
    byHand.inPlace(dir, leaves[5].cert, leaves[5].key)
    byHand.writeThenRename(dir, leaves[5].cert, leaves[5].key)
    // Ten intervals for a wrong reload to show up: it would come before the deletion's error.
    await new Promise((resolve) => setTimeout(resolve, 50))
    fs.rmSync(path.join(dir, 'tls.key'))
    const gone = await events.error('the deleted key')
    assert.equal(gone.code, 'ERR_FILE_NOT_FOUND')
    assert.equal(gone.envVar, 'SERVER_SSL_CERTIFICATE_PRIVATE_KEY')
    assert.equal(serialOf(watcher.current), leaves[5].serial)

    // A half-rotated pair (new certificate, old key still in place), then the key.
    fs.writeFileSync(path.join(dir, 'tls.key'), leaves[5].key)
    assert.equal(serialOf(await events.config('the key back')), leaves[5].serial)
    fs.writeFileSync(path.join(dir, 'tls.crt'), leaves[6].cert)
    assert.equal((await events.error('the half-rotated pair')).code, 'ERR_KEY_MISMATCH')
    fs.writeFileSync(path.join(dir, 'tls.key'), leaves[6].key)
    assert.equal(serialOf(await events.config('the completed pair')), leaves[6].serial)
  } finally {
    watcher.close()
  }
  assert.equal(events.queue.length, 0, 'no other listener call happened')
})

test('a first load that fails is reported, and the next good state loads', async () => {
  const dir = pki.pki.file('late')
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'tls.crt'), leaves[7].cert)
  const events = new Events()
  const watcher = watch(envFor(dir), { intervalMs: 5 }, events.listener)
  try {
    assert.equal(watcher.current, null)
    const err = await events.error('the missing key')
    assert.equal(err.code, 'ERR_FILE_NOT_FOUND')
    assert.equal(err.path, path.join(dir, 'tls.key'))
    fs.writeFileSync(path.join(dir, 'tls.key'), leaves[7].key)
    assert.equal(serialOf(await events.config('the key, written late')), leaves[7].serial)
  } finally {
    watcher.close()
  }
})

test('close(): no listener call after it, even for a change already seen', async () => {
  const dir = pki.pki.file('closed')
  fs.mkdirSync(dir)
  byHand.inPlace(dir, leaves[8].cert, leaves[8].key)
  const closed = new Events()
  const watcher = watch(envFor(dir), { intervalMs: 5 }, closed.listener)
  await closed.config('the initial configuration')
  watcher.close()
  watcher.close()
  // A second watcher on the same files sees the change; the closed one must not.
  const open = new Events()
  const witness = watch(envFor(dir), { intervalMs: 5 }, open.listener)
  try {
    await open.config('the witness initial configuration')
    byHand.writeThenRename(dir, leaves[9].cert, leaves[9].key)
    assert.equal(serialOf(await open.config('the change')), leaves[9].serial)
  } finally {
    witness.close()
  }
  assert.equal(closed.queue.length, 0)
  assert.equal(serialOf(watcher.current), leaves[8].serial)
})

test('arguments are checked', () => {
  assert.throws(() => watch({}, { intervalMs: 10 }), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "listener" argument must be of type function. Received undefined',
  })
  assert.throws(() => watch({}, { intervalMs: 0 }, () => {}), { name: 'RangeError' })
  assert.throws(() => watch({}, { intervalMs: '1000' }, () => {}), { name: 'RangeError' })
  assert.throws(() => watch({}, { interval: 1000 }, () => {}), { name: 'TypeError', message: /unknown watch option: interval/ })
  assert.throws(() => watch('env', () => {}), { name: 'TypeError' })
  assert.throws(() => watchServer({}, {}), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "server" argument must be an instance of https.Server or tls.Server. Received an instance of Object',
  })
  const server = https.createServer()
  assert.throws(() => watchServer(server, {}, { listener: 'admin' }), { name: 'TypeError', message: /'server' or 'management'/ })
  // watch(env, listener) works too; the timer does not keep the process alive.
  watch({}, () => {}).close()
})

test('an environment with a variable named env is an environment, not options', async () => {
  const dir = pki.pki.file('env-var')
  fs.mkdirSync(dir)
  byHand.inPlace(dir, leaves[11].cert, leaves[11].key)
  const events = new Events()
  const watcher = watch({ ...envFor(dir), env: 'production' }, { intervalMs: 5 }, events.listener)
  try {
    assert.equal(serialOf(await events.config('the initial configuration')), leaves[11].serial)
  } finally {
    watcher.close()
  }
})

test('watchServer: a disabled listener is reported to onError', async () => {
  const server = https.createServer()
  const errors = []
  const watcher = watchServer(server, { SERVER_SSL_ENABLED: 'false' }, { intervalMs: 5 }, (err) => errors.push(err))
  try {
    await until(() => errors.length > 0, 'the report')
    assert.equal(errors[0].code, 'ERR_CONFIG_INVALID')
    assert.equal(errors[0].envVar, 'SERVER_SSL_ENABLED')
  } finally {
    watcher.close()
  }
})

let clientContext

/** One HTTPS request on a new connection (no keep-alive: each request is a full handshake); resolves to the served leaf's serial. */
function request(port) {
  // One client context for every request: building it per request would cost more than the handshake.
  clientContext ??= tls.createSecureContext({ ca: pki.caPem })
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, servername: 'localhost', secureContext: clientContext, agent: false, path: '/' },
      (res) => {
        const serial = res.socket.getPeerCertificate().serialNumber
        res.resume()
        res.on('end', () => (res.statusCode === 200 ? resolve(serial) : reject(new Error(`HTTP ${res.statusCode}`))))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end()
  })
}

test('under load: 60 rotations (every fifth broken), zero failed requests, the served serial follows the last good one', async () => {
  const dir = pki.pki.file('load')
  const volume = new SecretVolume(dir)
  volume.publish(leaves[10].cert, leaves[10].key)
  const server = https.createServer({ cert: leaves[10].cert, key: leaves[10].key }, (req, res) => res.end('ok'))
  server.on('tlsClientError', () => {})
  const port = await listen(server)
  const errors = []
  const watcher = watchServer(server, envFor(dir), { intervalMs: 5 }, (err) => errors.push(err))

  // Clients: four loops, each one request at a time, until told to stop.
  const good = new Set([leaves[10].serial])
  const failures = []
  const seen = [[], [], [], []]
  let completed = 0
  let stop = false
  const loops = seen.map(async (serials) => {
    while (!stop) {
      try {
        serials.push(await request(port))
        completed += 1
      } catch (error) {
        failures.push(error)
      }
    }
  })

  const rotations = []
  let next = 11
  for (let i = 1; i <= 60; i++) {
    const broken = i % 5 === 0
    const leaf = leaves[next]
    if (!broken) next += 1
    const [cert, key, code] = broken
      ? [
          [leaf.cert, leaf.key.slice(0, 100), 'ERR_PEM_INVALID'],
          [leaf.cert, leaves[next - 1].key, 'ERR_KEY_MISMATCH'],
          ['', leaf.key, 'ERR_PEM_INVALID'],
        ][(i / 5) % 3]
      : [leaf.cert, leaf.key]
    // Rotate the Kubernetes way most of the time, by hand otherwise.
    const how = i % 3 === 0 ? 'inPlace' : i % 7 === 0 ? 'writeThenRename' : 'kubernetes'
    if (how === 'kubernetes') volume.publish(cert, key)
    else byHand[how](path.join(dir, '..data'), cert, key)
    rotations.push({ broken, how, serial: broken ? null : leaf.serial })

    if (broken) {
      const reported = errors.length + 1
      await until(() => errors.length >= reported, `the error of broken rotation ${i} (${how})`)
      assert.equal(errors[errors.length - 1].code, code, `rotation ${i}: ${errors[errors.length - 1].message}`)
    } else {
      good.add(leaf.serial)
      await until(() => watcher.current && serialOf(watcher.current) === leaf.serial, `rotation ${i} (${how}) to load`)
    }
    // A new connection sees the last good identity.
    const expected = broken ? leaves[next - 1].serial : leaf.serial
    assert.equal(await request(port), expected, `rotation ${i} (${how}${broken ? ', broken' : ''})`)
    // The clients keep going across every rotation.
    const before = completed
    await until(() => completed >= before + 2, `client requests after rotation ${i}`)
  }
  stop = true
  await Promise.all(loops)
  watcher.close()
  await close(server)

  assert.equal(rotations.length, 60)
  assert.equal(rotations.filter((r) => r.broken).length, 12)
  assert.equal(errors.length, 12, errors.map((e) => e.message).join('\n'))
  assert.deepEqual(failures, [], 'no request failed')
  assert.ok(completed >= 120, `${completed} requests`)
  // Every served serial is a good rotation's, and each client saw them in rotation order.
  const order = rotations.filter((r) => !r.broken).map((r) => r.serial)
  order.unshift(leaves[10].serial)
  for (const serials of seen) {
    for (const serial of serials) assert.ok(good.has(serial), `served ${serial}, which is no good rotation's`)
    const indices = serials.map((serial) => order.indexOf(serial))
    for (let k = 1; k < indices.length; k++) {
      assert.ok(indices[k] >= indices[k - 1], `a client saw serial ${serials[k]} after ${serials[k - 1]}`)
    }
  }
})
