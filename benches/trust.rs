//! Trust benchmarks: loading a realistic extra CA bundle (Node's own
//! `tls.rootCertificates`, 144 certificates with Node 22) and one
//! `verify_server` of a root + intermediate + leaf chain against it.
//!
//! Run: `cargo bench --bench trust`.

use std::process::Command;
use std::time::SystemTime;

use console_tls::{Location, Options, Trust};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

const VAR: &str = "NODE_EXTRA_CA_CERTS";

/// Node's bundled roots as one PEM bundle; without node, as many rcgen CA
/// certificates (webpki-roots holds trust anchors, not certificates).
fn node_bundle() -> (String, &'static str) {
    let node = Command::new("node")
        .args([
            "-e",
            "process.stdout.write(require('tls').rootCertificates.join('\\n'))",
        ])
        .output();
    match node {
        Ok(out) if out.status.success() && !out.stdout.is_empty() => (
            String::from_utf8(out.stdout).expect("PEM is ASCII"),
            "node tls.rootCertificates",
        ),
        _ => {
            let pem = (0..144)
                .map(|i| ca(&format!("Generated Root {i}")).0.pem())
                .collect::<Vec<_>>()
                .join("\n");
            (pem, "144 rcgen CA certificates (node not found)")
        }
    }
}

fn ca(name: &str) -> (rcgen::Certificate, Issuer<'static, KeyPair>) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap();
    (cert, Issuer::new(params, key))
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (bundle, origin) = node_bundle();
    let bundle_path = dir.path().join("node-roots.pem");
    std::fs::write(&bundle_path, &bundle).unwrap();
    let sources = [Location::File(bundle_path.clone())];
    let options = Options::default();
    let loaded = Trust::load(&sources, VAR, &options).expect("the bundle loads");
    let count = loaded.extras().len();
    eprintln!("bundle: {count} certificates from {origin}");

    c.bench_function(&format!("trust/load_bundle_{count}_certs"), |b| {
        b.iter(|| Trust::load(black_box(&sources), VAR, &options).unwrap())
    });

    // A private PKI appended to the realistic bundle, as operators do.
    let (root, root_issuer) = ca("Bench Root");
    let inter_key = KeyPair::generate().unwrap();
    let mut inter_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    inter_params
        .distinguished_name
        .push(DnType::CommonName, "Bench Intermediate");
    inter_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let inter = inter_params.signed_by(&inter_key, &root_issuer).unwrap();
    let inter_issuer = Issuer::new(inter_params, inter_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf_params = CertificateParams::new(vec!["identity.bench".to_owned()]).unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &inter_issuer).unwrap();

    let with_root = dir.path().join("with-root.pem");
    std::fs::write(&with_root, format!("{bundle}\n{}", root.pem())).unwrap();
    let trust = Trust::load(&[Location::File(with_root)], VAR, &options).unwrap();
    let chain = [leaf.der().clone(), inter.der().clone()];
    let now = SystemTime::now();
    trust
        .verify_server(&chain, "identity.bench", now)
        .expect("the bench chain verifies");

    c.bench_function("trust/verify_server_root_intermediate_leaf", |b| {
        b.iter(|| {
            trust
                .verify_server(black_box(&chain), "identity.bench", now)
                .unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
