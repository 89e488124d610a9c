//! Trust benchmarks: loading a realistic extra CA bundle (Node's own
//! `tls.rootCertificates`, 144 certificates with Node 20/22), bundle loading
//! at 1 to 10000 certificates (the cost per certificate must stay flat), and
//! one `verify_server` of a root + intermediate + leaf chain.
//!
//! Run: `cargo bench --bench trust`. Criterion prints the throughput of the
//! `trust/bundle_load` group in certificates per second; per certificate is
//! its inverse.

mod common;

use std::time::{Duration, SystemTime};

use console_tls::{Location, Options, Trust};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

use common::{ca, distinct_ca_bundle, node_bundle};

const VAR: &str = "NODE_EXTRA_CA_CERTS";

/// Bundle sizes of the scaling group.
const SIZES: [usize; 5] = [1, 10, 100, 1000, 10_000];

fn node_roots(c: &mut Criterion) {
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

/// Loading bundles of 1 to 10000 distinct CA certificates from a file. The
/// certificates (self-signed ECDSA P-256, about 600 bytes of PEM each) are
/// generated once, before timing. 10000 of them are about 6 MB, under the
/// default 8 MiB file limit; the limit is raised anyway so that the group
/// measures loading, whatever the certificates' size.
fn bundle_scaling(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let largest = *SIZES.last().unwrap();
    let blocks: Vec<String> = distinct_ca_bundle(largest, "Scaling Root")
        .split_inclusive("-----END CERTIFICATE-----\n")
        .map(str::to_owned)
        .collect();
    assert_eq!(blocks.len(), largest);
    let options = Options::default().max_file_size(256 * 1024 * 1024);

    let mut group = c.benchmark_group("trust/bundle_load");
    for size in SIZES {
        let path = dir.path().join(format!("bundle-{size}.pem"));
        let bundle: String = blocks[..size].concat();
        std::fs::write(&path, &bundle).unwrap();
        let sources = [Location::File(path)];
        let loaded = Trust::load(&sources, VAR, &options).expect("the bundle loads");
        assert_eq!(loaded.extras().len(), size, "every certificate is distinct");
        eprintln!("bundle of {size}: {} bytes", bundle.len());

        group.throughput(Throughput::Elements(size as u64));
        if size >= 1000 {
            group.sample_size(20);
            group.measurement_time(Duration::from_secs(10));
        }
        group.bench_with_input(BenchmarkId::from_parameter(size), &sources, |b, sources| {
            b.iter(|| Trust::load(black_box(sources), VAR, &options).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, node_roots, bundle_scaling);
criterion_main!(benches);
