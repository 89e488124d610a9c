//! Two crates carry Mozilla's roots: `webpki-roots` as anchors (what
//! verification uses) and `webpki-root-certs` as whole certificates (what
//! `Trust::trusted_certificates_pem` hands to OpenSSL-based stacks such as
//! Python's `ssl`). If they drifted apart, a Python client and
//! `verify_server` would trust different CAs: they must hold the same roots.

use std::collections::BTreeSet;

use console_tls::{Options, Trust};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

fn anchor_key(anchor: &rustls_pki_types::TrustAnchor<'_>) -> (Vec<u8>, Vec<u8>) {
    (
        anchor.subject.as_ref().to_vec(),
        anchor.subject_public_key_info.as_ref().to_vec(),
    )
}

#[test]
fn the_certificates_are_the_anchors_verification_uses() {
    let from_certs: BTreeSet<_> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|der| anchor_key(&webpki::anchor_from_trusted_cert(der).expect("a root certificate")))
        .collect();
    let anchors: BTreeSet<_> = webpki_roots::TLS_SERVER_ROOTS
        .iter()
        .map(anchor_key)
        .collect();
    assert!(
        anchors.len() > 100,
        "Mozilla's store has well over 100 roots"
    );
    assert_eq!(from_certs, anchors);
}

#[test]
fn trusted_pem_holds_mozillas_roots_then_the_extras() {
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["identity.test".to_owned()]).unwrap();
    let bundle = dir.path().join("extra.pem");
    std::fs::write(&bundle, cert.cert.pem()).unwrap();
    let location = console_tls::Location::parse(bundle.to_str().unwrap(), dir.path()).unwrap();
    let trust = Trust::load(&[location], "NODE_EXTRA_CA_CERTS", &Options::default()).unwrap();

    let pem = trust.trusted_certificates_pem();
    let all: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(all.len(), trust.mozilla_root_count() + 1);
    assert_eq!(all.last().unwrap().as_ref(), cert.cert.der().as_ref());
}
