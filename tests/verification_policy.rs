//! The verification-policy corpus (tests/fixtures/chains, made by make.sh):
//! every case through `Trust::verify_server`, with the manifest's verdict.
//! The same manifest is checked against a real plain-Node handshake by
//! npm/__test__/chains-plain-node.test.js, so these verdicts are Node's
//! except where the manifest lists a deliberate difference.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use console_tls::{Location, Options, Trust};
use rustls_pki_types::CertificateDer;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Case {
    name: String,
    host: String,
    expect: String,
    plain_node: Option<String>,
    reason: Option<String>,
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chains")
}

fn cases() -> Vec<Case> {
    let manifest = std::fs::read_to_string(corpus().join("cases.json")).unwrap();
    serde_json::from_str(&manifest).unwrap()
}

fn chain(dir: &Path) -> Vec<CertificateDer<'static>> {
    let pem = std::fs::read(dir.join("chain.pem")).unwrap();
    console_tls::certificate::parse_chain(&pem)
        .unwrap()
        .iter()
        .map(|c| c.der().clone())
        .collect()
}

/// Words that belong to the libraries underneath, not to console-tls (an
/// `openssl …` command in advice is fine; the library's name is not).
const FOREIGN: &[&str] = &[
    "webpki",
    "rustls",
    "x509-parser",
    "x509_parser",
    "aws-lc",
    "OpenSSL",
    "UnknownIssuer",
    "CaUsedAsEndEntity",
    "BadDer",
    "Error(",
];

fn verdict(case: &Case) -> Result<console_tls::trust::Verified, console_tls::Error> {
    let dir = corpus().join(&case.name);
    let trust = Trust::load(
        &[Location::File(dir.join("trust.pem"))],
        "NODE_EXTRA_CA_CERTS",
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{}: the trust bundle does not load: {e}", case.name));
    trust.verify_server(&chain(&dir), &case.host, SystemTime::now())
}

#[test]
fn every_case_has_the_manifest_verdict_in_console_tls_words() {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        let got = match verdict(case) {
            Ok(_) => "OK".to_owned(),
            Err(error) => {
                let message = error.to_string();
                for word in FOREIGN {
                    assert!(
                        !message.contains(word),
                        "{}: {word:?} in the message: {message}",
                        case.name
                    );
                }
                // Every refusal says how to fix it.
                assert!(
                    message.contains("; "),
                    "{}: no advice: {message}",
                    case.name
                );
                error.code().as_str().to_owned()
            }
        };
        if got != case.expect {
            let message = verdict(case)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            wrong.push(format!(
                "{}: expected {}, got {got} {message}",
                case.name, case.expect
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_difference_from_node_is_a_refusal_with_a_reason() {
    // Stricter, never laxer: where plain Node's verdict differs, console-tls
    // refuses and the manifest says why.
    for case in cases() {
        if let Some(plain) = &case.plain_node {
            assert_ne!(plain, &case.expect, "{}", case.name);
            assert_ne!(case.expect, "OK", "{}: laxer than Node", case.name);
            assert!(
                case.reason.as_deref().is_some_and(|r| !r.is_empty()),
                "{}",
                case.name
            );
        }
    }
}

fn refusal(name: &str) -> String {
    let case = cases().into_iter().find(|c| c.name == name).unwrap();
    verdict(&case).unwrap_err().to_string()
}

#[test]
fn an_expired_root_is_named_with_its_date() {
    let message = refusal("expired-root");
    assert!(
        message.contains("the trusted root CN=Expired Root CA expired on 2021-01-01"),
        "{message}"
    );
}

#[test]
fn a_future_root_is_named_with_its_date() {
    let message = refusal("not-yet-valid-root");
    assert!(
        message.contains("the trusted root CN=Future Root CA is not valid before 2100-01-01"),
        "{message}"
    );
}

#[test]
fn constraint_failures_say_which_constraint_and_never_advise_trusting_the_server_certificate() {
    for (name, says) in [
        (
            "pathlen-violated",
            "CN=Pathlen Zero CA allows at most 0 intermediate CA(s)",
        ),
        (
            "name-constraints-permitted-violated",
            "DNS:www.elsewhere.test is not one of them",
        ),
        (
            "name-constraints-excluded-violated",
            "must not issue certificates for DNS:www.blocked.test",
        ),
        (
            "name-constraints-on-root-violated",
            "the CA CN=Constrained Root CA may only issue",
        ),
        (
            "eku-intermediate-client-auth-only",
            "CN=Client Only Intermediate CA has an extendedKeyUsage without serverAuth",
        ),
        ("intermediate-not-a-ca", "CN=Not A CA issues a certificate of the chain but is not a CA"),
        ("intermediate-without-keycertsign", "CN=No CertSign CA issues a certificate of the chain but its keyUsage lacks keyCertSign"),
    ] {
        let message = refusal(name);
        assert!(message.contains(says), "{name}: {message}");
        assert!(
            !message.contains("NODE_EXTRA_CA_CERTS"),
            "{name}: {message}"
        );
        assert!(!message.contains("signature"), "{name}: {message}");
    }
}

#[test]
fn untrusted_chains_advise_the_issuing_ca_and_only_a_self_signed_certificate_itself() {
    let message = refusal("missing-intermediate");
    assert!(message.contains("the server must send it"), "{message}");
    assert!(
        message.contains("add the root CA that issued the chain"),
        "{message}"
    );
    let message = refusal("direct-non-self-signed");
    assert!(message.contains("is not self-signed"), "{message}");
    assert!(
        message.contains("its issuer CN=Corpus Intermediate CA is not trusted"),
        "{message}"
    );
    assert!(
        message.contains("add the root CA that issued the chain"),
        "{message}"
    );
    assert!(!message.contains("add it to"), "{message}");
    let message = refusal("direct-self-signed-not-trusted");
    assert!(message.contains("is self-signed"), "{message}");
    assert!(
        message.contains("if it is the certificate you expect, add it"),
        "{message}"
    );
}

#[test]
fn refused_keys_are_named() {
    for (name, key) in [
        ("key-rsa1024", "RSA 1024-bit"),
        ("key-p192", "P-192"),
        ("key-dsa", "DSA"),
        ("direct-self-signed-rsa1024", "RSA 1024-bit"),
    ] {
        let message = refusal(name);
        assert!(message.contains(key), "{name}: {message}");
        assert!(message.contains("at least 2048 bits"), "{name}: {message}");
    }
}

#[test]
fn a_weak_ca_key_is_named_not_taken_for_a_forged_signature() {
    let message = refusal("intermediate-rsa1024");
    assert!(
        message.contains(
            "the CA CN=RSA 1024 Intermediate CA has a key console-tls refuses (RSA 1024-bit)"
        ),
        "{message}"
    );
    assert!(!message.contains("did not sign"), "{message}");
}

#[test]
fn a_wildcard_over_a_public_suffix_names_the_suffix() {
    let message = refusal("wildcard-public-suffix-co-uk");
    assert!(message.contains("*.co.uk"), "{message}");
    assert!(message.contains("co.uk is a public suffix"), "{message}");
    let message = refusal("wildcard-public-suffix-s3");
    assert!(
        message.contains("s3.amazonaws.com is a public suffix"),
        "{message}"
    );
}

#[test]
fn the_server_certificate_s_own_faults_name_it() {
    for (name, says) in [
        (
            "eku-client-auth-only",
            "the server certificate CN=eku-client.test is not for TLS servers",
        ),
        (
            "eku-any-only",
            "the server certificate CN=eku-any.test is not for TLS servers",
        ),
        (
            "direct-self-signed-client-auth-only",
            "the server certificate CN=self-signed-client.test is not for TLS servers",
        ),
        (
            "unknown-critical-extension",
            "CN=critical.test carries a critical extension (1.3.6.1.4.1.55555.1)",
        ),
        (
            "expired-leaf",
            "the certificate CN=expired-leaf.test expired on 2021-01-01",
        ),
        (
            "expired-intermediate",
            "the certificate CN=Expired Intermediate CA expired on 2021-01-01",
        ),
        (
            "not-yet-valid-intermediate",
            "the certificate CN=Future Intermediate CA is not valid before 2100-01-01",
        ),
        (
            "direct-self-signed-expired",
            "the certificate CN=self-signed-expired.test expired on 2021-01-01",
        ),
    ] {
        let message = refusal(name);
        assert!(message.contains(says), "{name}: {message}");
        assert!(!message.contains("not a valid X.509"), "{name}: {message}");
    }
}

#[test]
fn wildcards_cover_one_whole_label_never_a_top_level_domain_and_never_the_cn() {
    for name in [
        "wildcard-over-top-level-domain",
        "wildcard-partial-label",
        "wildcard-not-two-labels",
        "common-name-without-subject-alt-name",
    ] {
        let message = refusal(name);
        assert!(message.contains("is not valid for"), "{name}: {message}");
    }
}

#[test]
fn sha1_names_the_algorithm() {
    let message = refusal("sha1-signed-leaf");
    assert!(
        message.contains("CN=sha1-leaf.test is signed with ECDSA with SHA-1"),
        "{message}"
    );
}

#[test]
fn a_ca_server_certificate_and_a_rollover_path_anchor_where_expected() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "ca-leaf-issued-by-intermediate")
        .unwrap();
    let verified = verdict(&case).unwrap();
    assert_eq!(verified.anchor_subject, "CN=Corpus Root CA");
    assert!(!verified.trusted_directly);
    let case = cases()
        .into_iter()
        .find(|c| c.name == "self-issued-intermediate-within-pathlen")
        .unwrap();
    let verified = verdict(&case).unwrap();
    let subjects: Vec<_> = verified.chain.iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "CN=self-issued.test",
            "CN=Pathlen Zero CA",
            "CN=Pathlen Zero CA"
        ]
    );
    let case = cases()
        .into_iter()
        .find(|c| c.name == "direct-self-signed")
        .unwrap();
    assert!(verdict(&case).unwrap().trusted_directly);
}
