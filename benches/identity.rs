//! Loading a listener identity per key type, and the whole Settings -> Config
//! path: on the openssl-made fixtures, and on the standard fixture of issue 8
//! (what `npm/bench/load.js` compares with plain Node).

mod common;

use console_tls::dev_certs;
use console_tls::settings::NODE_EXTRA_CA_CERTS;
use console_tls::{Config, ListenerSettings, Location, Options, ServerTls, Settings};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/identity/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn identity_per_key_type(c: &mut Criterion) {
    let mut group = c.benchmark_group("identity_load");
    let cases = [
        ("rsa2048_pkcs8_chain", "rsa-chain.pem", "rsa-pkcs8.pem"),
        ("rsa2048_pkcs1_chain", "rsa-chain.pem", "rsa-pkcs1.pem"),
        ("p256_sec1", "p256-cert.pem", "p256-sec1.pem"),
        ("p384_pkcs8", "p384-cert.pem", "p384-pkcs8.pem"),
        ("ed25519_pkcs8", "ed25519-cert.pem", "ed25519-pkcs8.pem"),
    ];
    let base = std::path::Path::new("/");
    for (name, cert, key) in cases {
        let settings = ListenerSettings::new(
            Location::parse(&fixture(cert), base).unwrap(),
            Location::parse(&fixture(key), base).unwrap(),
            None,
        );
        let options = Options::default();
        group.bench_function(name, |b| {
            b.iter(|| ServerTls::load(black_box(&settings), &options).unwrap())
        });
    }
    group.finish();
}

fn settings_to_config(c: &mut Criterion) {
    let settings = Settings::from_vars([
        ("SERVER_SSL_ENABLED", "true".to_owned()),
        (
            "SERVER_SSL_CERTIFICATE",
            format!("file:{}", fixture("rsa-chain.pem")),
        ),
        (
            "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            format!("file:{}", fixture("rsa-pkcs8.pem")),
        ),
        ("MANAGEMENT_SERVER_SSL_ENABLED", "true".to_owned()),
        (
            "MANAGEMENT_SERVER_SSL_CERTIFICATE",
            fixture("p256-cert.pem"),
        ),
        (
            "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            fixture("p256-sec1.pem"),
        ),
    ]);
    let options = Options::default();
    c.bench_function("config_load_two_listeners", |b| {
        b.iter(|| Config::load(black_box(&settings), &options).unwrap())
    });
}

/// Everything at once: the main listener RSA-2048 with its key encrypted
/// (PBKDF2-HMAC-SHA256, 2048 iterations, AES-256-CBC) and a 2-certificate
/// chain, the management listener P-256, `NODE_EXTRA_CA_CERTS` = Node's 144
/// roots, and two https:// Identity URLs (`console-tls dev-certs` output with
/// Node's roots as the bundle).
fn settings_to_config_full(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let pki = dev_certs::generate(dir.path(), false).expect("dev-certs");
    let (bundle, origin) = common::node_bundle();
    let bundle_path = dir.path().join("node-roots.pem");
    std::fs::write(&bundle_path, &bundle).unwrap();
    let vars = pki.env_vars(8443).into_iter().map(|(name, value)| {
        if name == NODE_EXTRA_CA_CERTS {
            (name, bundle_path.display().to_string())
        } else {
            (name, value)
        }
    });
    let settings = Settings::from_vars(vars);
    let options = Options::default();
    let config = Config::load(&settings, &options).expect("the standard fixture loads");
    eprintln!(
        "full config: {} extra CAs from {origin}, {} warnings",
        config.trust.extras().len(),
        config.warnings.len()
    );
    c.bench_function("config_load_full", |b| {
        b.iter(|| Config::load(black_box(&settings), &options).unwrap())
    });
}

criterion_group!(
    benches,
    identity_per_key_type,
    settings_to_config,
    settings_to_config_full
);
criterion_main!(benches);
