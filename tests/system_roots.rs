//! The operating system's roots (`Options::system_roots`) follow the same
//! policy as the extras: a root outside its validity period anchors
//! nothing. Alone in its test binary because it points SSL_CERT_FILE (read
//! by the system store loader) at the corpus's roots.

use std::path::Path;
use std::time::SystemTime;

use console_tls::trust::AnchorSource;
use console_tls::{ErrorCode, Options, Trust};
use rustls_pki_types::CertificateDer;

fn chain(case: &str) -> Vec<CertificateDer<'static>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/chains")
        .join(case);
    let pem = std::fs::read(dir.join("chain.pem")).unwrap();
    console_tls::certificate::parse_chain(&pem)
        .unwrap()
        .iter()
        .map(|c| c.der().clone())
        .collect()
}

#[test]
fn an_expired_system_root_anchors_nothing() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chains");
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("roots.pem");
    let mut roots = std::fs::read(corpus.join("expired-root/trust.pem")).unwrap();
    roots.extend(std::fs::read(corpus.join("ok-root-intermediate-leaf/trust.pem")).unwrap());
    std::fs::write(&store, roots).unwrap();
    // The only test of this binary: nothing else reads the environment.
    std::env::set_var("SSL_CERT_FILE", &store);
    std::env::remove_var("SSL_CERT_DIR");

    let trust = Trust::load(
        &[],
        "NODE_EXTRA_CA_CERTS",
        &Options::default().system_roots(true),
    )
    .unwrap();
    assert!(trust.system_root_count() >= 2);

    let verified = trust
        .verify_server(
            &chain("ok-root-intermediate-leaf"),
            "ok.test",
            SystemTime::now(),
        )
        .unwrap();
    assert_eq!(verified.anchor_source, AnchorSource::System);

    let error = trust
        .verify_server(
            &chain("expired-root"),
            "expired-root.test",
            SystemTime::now(),
        )
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertExpired);
    let message = error.to_string();
    assert!(
        message.contains("the trusted root CN=Expired Root CA expired on 2021-01-01"),
        "{message}"
    );
    assert!(
        message.contains("update the operating system's CA certificates"),
        "{message}"
    );
    assert!(!message.contains("NODE_EXTRA_CA_CERTS"), "{message}");
}
