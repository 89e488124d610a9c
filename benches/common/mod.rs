//! Fixtures shared by the benches.

use std::process::Command;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

/// Node's bundled roots (`tls.rootCertificates`, 144 certificates with Node
/// 20 and 22) as one PEM bundle; without node, as many rcgen CA certificates
/// (webpki-roots holds trust anchors, not certificates).
pub fn node_bundle() -> (String, &'static str) {
    let node = Command::new("node")
        .args([
            "-e",
            "process.stdout.write(require('tls').rootCertificates.join('\\n') + '\\n')",
        ])
        .output();
    match node {
        Ok(out) if out.status.success() && !out.stdout.is_empty() => (
            String::from_utf8(out.stdout).expect("PEM is ASCII"),
            "node tls.rootCertificates",
        ),
        _ => (
            distinct_ca_bundle(144, "Generated Root"),
            "144 rcgen CA certificates (node not found)",
        ),
    }
}

/// A self-signed CA certificate named `name`, and its issuer.
#[allow(dead_code)] // not every bench signs with it
pub fn ca(name: &str) -> (rcgen::Certificate, Issuer<'static, KeyPair>) {
    let key = KeyPair::generate().expect("P-256 key generation");
    let params = ca_params(name);
    let cert = params.self_signed(&key).expect("self-signed CA");
    (cert, Issuer::new(params, key))
}

fn ca_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("no SANs");
    params.distinguished_name.push(DnType::CommonName, name);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "console-tls benches");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
}

/// `count` distinct self-signed CA certificates (each its own P-256 key and
/// name) as one PEM bundle.
pub fn distinct_ca_bundle(count: usize, prefix: &str) -> String {
    let mut pem = String::with_capacity(count * 700);
    for i in 0..count {
        let key = KeyPair::generate().expect("P-256 key generation");
        let cert = ca_params(&format!("{prefix} {i}"))
            .self_signed(&key)
            .expect("self-signed CA");
        pem.push_str(&cert.pem());
    }
    pem
}
