//! Decrypting encrypted private keys (issue 3), on the committed OpenSSL
//! fixtures, so the figures compare with `benches/node/decrypt.js` (Node's
//! `crypto.createPrivateKey`) on the very same files:
//!
//!   cargo bench --bench decrypt
//!   node benches/node/decrypt.js
//!
//! `load` is what a listener pays: decryption, the structure check, and the
//! provider validating the key (for RSA, most of the cost). `decrypt` is the
//! key derivation and cipher alone.

use std::hint::black_box;
use std::path::Path;

use console_tls::key::{encrypted, load_private_key};
use console_tls::pem;
use criterion::{criterion_group, criterion_main, Criterion};

const KEYS: [(&str, &str); 3] = [
    ("pbkdf2-sha256-2048-aes-256-cbc", "rsa-pbkdf2-sha256-aes256"),
    ("legacy-md5-aes-256-cbc", "rsa-legacy-aes256"),
    ("scrypt-n16384-r8-p1-aes-256-cbc", "rsa-scrypt-aes256"),
];

fn fixture(file: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/encrypted")
        .join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("rsa-2048");
    for (label, name) in KEYS {
        let pem_text = fixture(&format!("{name}.pem"));
        let passphrase = fixture(&format!("{name}.pass"));
        group.bench_function(format!("load/{label}"), |b| {
            b.iter(|| load_private_key(black_box(&pem_text), Some(black_box(&passphrase))).unwrap())
        });
        let block = pem::scan(&pem_text).remove(0).block.unwrap();
        let encryption = encrypted::describe(&block).unwrap().unwrap();
        group.bench_function(format!("decrypt/{label}"), |b| {
            b.iter(|| encrypted::decrypt(black_box(&block), &encryption, &passphrase).unwrap())
        });
    }
    // The same key unencrypted: what the provider's validation costs alone.
    let plain = fixture("rsa.pem");
    group.bench_function("load/plain-pkcs8", |b| {
        b.iter(|| load_private_key(black_box(&plain), None).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
