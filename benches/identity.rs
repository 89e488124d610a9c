//! Loading a listener identity per key type, and the whole Settings -> Config
//! path, on the openssl-made fixtures.

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

criterion_group!(benches, identity_per_key_type, settings_to_config);
criterion_main!(benches);
