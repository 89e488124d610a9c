'use strict'

// The demo (the README's main job) runs as a test too: it must exit 0 and
// say what happened.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { execFile } = require('node:child_process')
const path = require('node:path')

test('the Console demo runs end to end and exits 0', async () => {
  const demo = path.join(__dirname, '..', 'demo', 'console.js')
  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile(process.execPath, [demo], { encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? error.code : 0, stdout, stderr }),
    )
  })
  assert.equal(code, 0, `demo failed:\n${stdout}\n${stderr}`)
  assert.match(stdout, /ok {3}GET main\/ -> 200 .*"identityStatus":200/)
  assert.match(stdout, /ok {3}GET management\/actuator\/health -> 200/)
  assert.match(stdout, /ok {3}GET management\/actuator\/health\/ssl -> 200 \{"status":"UP"\} server: VALID\/VALID; management: VALID\/VALID/)
  assert.match(stdout, /refused as expected: DEPTH_ZERO_SELF_SIGNED_CERT/)
  // The rotation: the new certificate served, health and metrics following it.
  assert.match(stdout, /ok {3}the new connection was served the new certificate/)
  assert.match(stdout, /ok {3}GET management\/actuator\/health\/ssl -> 200 \{"status":"UP"\} .*management: WILL_EXPIRE_SOON\/WILL_EXPIRE_SOON/)
  assert.match(stdout, /ok {3}GET management\/actuator\/prometheus -> 200\n +ssl_chains\{status="will-expire-soon"\} 2\n/)
  assert.match(stdout, /SERVER_SSL_PASSPHRASE=\*+\n/, 'the passphrase is not printed')
  assert.match(stdout, /^DEMO OK/m)
})
