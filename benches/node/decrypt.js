// Node's side of `cargo bench --bench decrypt`: crypto.createPrivateKey on the
// same fixture files, with the same passphrases.
//
//   node benches/node/decrypt.js [iterations]
//
// Prints the median time per call (and the 10th/90th percentiles) after a
// warm-up, one line per key.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'encrypted');
const keys = [
  ['pbkdf2-sha256-2048-aes-256-cbc', 'rsa-pbkdf2-sha256-aes256'],
  ['legacy-md5-aes-256-cbc', 'rsa-legacy-aes256'],
  ['scrypt-n16384-r8-p1-aes-256-cbc', 'rsa-scrypt-aes256'],
  ['plain-pkcs8', 'rsa'],
];

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function measure(key, passphrase, iterations) {
  const options = { key, format: 'pem' };
  if (passphrase !== null) options.passphrase = passphrase;
  const warmup = Math.max(3, Math.floor(iterations / 10));
  for (let i = 0; i < warmup; i++) crypto.createPrivateKey(options);
  const times = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    crypto.createPrivateKey(options);
    times[i] = Number(process.hrtime.bigint() - start) / 1e3;
  }
  times.sort();
  return times;
}

const requested = Number(process.argv[2]) || 0;
console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}`);
for (const [label, name] of keys) {
  const key = fs.readFileSync(path.join(dir, `${name}.pem`), 'utf8');
  const passFile = path.join(dir, `${name}.pass`);
  const passphrase = fs.existsSync(passFile) ? fs.readFileSync(passFile) : null;
  const iterations = requested || (label.startsWith('scrypt') ? 50 : 1000);
  const times = measure(key, passphrase, iterations);
  const fmt = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
  console.log(
    `rsa-2048/${label}: median ${fmt(percentile(times, 0.5))} ` +
      `(p10 ${fmt(percentile(times, 0.1))}, p90 ${fmt(percentile(times, 0.9))}, n=${iterations})`,
  );
}
