//! Certificate health and expiry metrics (issue 16) over a PKI whose
//! certificates are valid, expiring within the threshold, expired and not yet
//! valid, across both listeners and NODE_EXTRA_CA_CERTS.

use std::path::Path;
use std::time::{Duration, SystemTime};

use console_tls::health::{self, HealthOptions, HealthStatus, ValidityStatus};
use console_tls::{Config, Options, Settings};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SerialNumber};
use time::OffsetDateTime;

const DAY: i64 = 24 * 60 * 60;

/// The PKI's files in a temporary directory, and the instant they are relative to.
struct Pki {
    dir: tempfile::TempDir,
    now: SystemTime,
}

fn at(now: OffsetDateTime, days: i64) -> OffsetDateTime {
    now + time::Duration::seconds(days * DAY)
}

fn ca(
    name: &str,
    serial: u8,
    now: OffsetDateTime,
    from: i64,
    to: i64,
) -> (CertificateParams, KeyPair) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.serial_number = Some(SerialNumber::from(vec![serial]));
    params.not_before = at(now, from);
    params.not_after = at(now, to);
    (params, KeyPair::generate().unwrap())
}

fn leaf(
    name: &str,
    serial: u8,
    now: OffsetDateTime,
    to: i64,
    issuer: &Issuer<'_, KeyPair>,
) -> (String, String) {
    let mut params = CertificateParams::new(vec![name.to_owned()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.serial_number = Some(SerialNumber::from(vec![serial]));
    params.not_before = at(now, -30);
    params.not_after = at(now, to);
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, issuer).unwrap();
    (cert.pem(), key.serialize_pem())
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    format!("file:{}", path.display())
}

impl Pki {
    /// Root (valid 10 years, serial 01); server leaf (serial 10, 365 days
    /// left); management leaf (serial 11, 5 days left); extra CAs: the root,
    /// an expired CA (serial 20, ended 10 days ago) and a not-yet-valid CA
    /// (serial 21, starts in 10 days).
    fn new() -> Pki {
        let now_odt = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
        let now = SystemTime::from(now_odt);
        let dir = tempfile::tempdir().unwrap();
        let (root_params, root_key) = ca("Health Root CA", 1, now_odt, -30, 3650);
        let root = root_params.self_signed(&root_key).unwrap();
        let issuer = Issuer::new(root_params, root_key);
        let (server, server_key) = leaf("server.test", 0x10, now_odt, 365, &issuer);
        let (management, management_key) = leaf("management.test", 0x11, now_odt, 5, &issuer);
        let (expired_params, expired_key) = ca("Expired \"Old\" CA", 0x20, now_odt, -400, -10);
        let expired = expired_params.self_signed(&expired_key).unwrap();
        let (future_params, future_key) = ca("Future CA", 0x21, now_odt, 10, 400);
        let future = future_params.self_signed(&future_key).unwrap();
        let d = dir.path();
        write(d, "server.pem", &format!("{server}{}", root.pem()));
        write(d, "server.key", &server_key);
        write(d, "management.pem", &format!("{management}{}", root.pem()));
        write(d, "management.key", &management_key);
        write(
            d,
            "extra.pem",
            &format!("{}{}{}", root.pem(), expired.pem(), future.pem()),
        );
        Pki { dir, now }
    }

    fn config(&self) -> Config {
        let d = self.dir.path();
        let file = |name: &str| format!("file:{}", d.join(name).display());
        let vars = vec![
            ("SERVER_SSL_ENABLED".to_owned(), "true".to_owned()),
            ("SERVER_SSL_CERTIFICATE".to_owned(), file("server.pem")),
            (
                "SERVER_SSL_CERTIFICATE_PRIVATE_KEY".to_owned(),
                file("server.key"),
            ),
            (
                "MANAGEMENT_SERVER_SSL_ENABLED".to_owned(),
                "true".to_owned(),
            ),
            (
                "MANAGEMENT_SERVER_SSL_CERTIFICATE".to_owned(),
                file("management.pem"),
            ),
            (
                "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY".to_owned(),
                file("management.key"),
            ),
            (
                "NODE_EXTRA_CA_CERTS".to_owned(),
                d.join("extra.pem").display().to_string(),
            ),
        ];
        Config::load(&Settings::from_vars(vars), &Options::default()).expect("the PKI loads")
    }
}

fn statuses(chain: &health::ChainHealth) -> Vec<(String, ValidityStatus)> {
    chain
        .certificates
        .iter()
        .map(|c| (c.serial_number.clone(), c.validity.status))
        .collect()
}

#[test]
fn health_splits_chains_as_spring_boot_does() {
    let pki = Pki::new();
    let config = pki.config();
    let health = health::ssl_health(&config, &HealthOptions::default(), pki.now);
    assert_eq!(health.status, HealthStatus::OutOfService);
    let valid: Vec<_> = health
        .details
        .valid_chains
        .iter()
        .map(|c| c.alias.as_str())
        .collect();
    let invalid: Vec<_> = health
        .details
        .invalid_chains
        .iter()
        .map(|c| c.alias.as_str())
        .collect();
    assert_eq!(valid, ["server", "management", "CN=Health Root CA"]);
    assert_eq!(invalid, ["CN=Expired \"Old\" CA", "CN=Future CA"]);
    let v = &health.details.valid_chains;
    assert_eq!(
        statuses(&v[0]),
        [
            ("10".to_owned(), ValidityStatus::Valid),
            ("01".to_owned(), ValidityStatus::Valid)
        ]
    );
    assert_eq!(
        statuses(&v[1]),
        [
            ("11".to_owned(), ValidityStatus::WillExpireSoon),
            ("01".to_owned(), ValidityStatus::Valid)
        ]
    );
    let i = &health.details.invalid_chains;
    assert_eq!(
        statuses(&i[0]),
        [("20".to_owned(), ValidityStatus::Expired)]
    );
    assert_eq!(
        statuses(&i[1]),
        [("21".to_owned(), ValidityStatus::NotYetValid)]
    );

    // The JSON is Spring Boot's: camelCase, message only when not VALID.
    let json = serde_json::to_value(&health).unwrap();
    assert_eq!(json["status"], "OUT_OF_SERVICE");
    let management = &json["details"]["validChains"][1];
    assert_eq!(management["alias"], "management");
    let cert = &management["certificates"][0];
    let info = config.management.as_ref().unwrap().leaf().info();
    assert_eq!(cert["subject"], info.subject.as_str());
    assert_eq!(cert["issuer"], "CN=Health Root CA");
    assert_eq!(cert["serialNumber"], "11");
    assert_eq!(cert["validityStarts"], info.not_before.as_str());
    assert_eq!(cert["validityEnds"], info.not_after.as_str());
    assert_eq!(cert["validity"]["status"], "WILL_EXPIRE_SOON");
    assert_eq!(
        cert["validity"]["message"],
        format!(
            "Certificate will expire within threshold (PT336H) at {}",
            info.not_after
        )
    );
    assert!(
        json["details"]["validChains"][0]["certificates"][0]["validity"]
            .get("message")
            .is_none()
    );
    assert_eq!(
        json["details"]["invalidChains"][0]["certificates"][0]["validity"]["status"],
        "EXPIRED"
    );
}

#[test]
fn the_threshold_decides_what_will_expire_soon() {
    let pki = Pki::new();
    let config = pki.config();
    let short = health::ssl_health(
        &config,
        &HealthOptions::with_warning_threshold(Duration::from_secs(DAY as u64)),
        pki.now,
    );
    assert_eq!(
        statuses(&short.details.valid_chains[1])[0].1,
        ValidityStatus::Valid
    );
    let long = health::ssl_health(
        &config,
        &HealthOptions::with_warning_threshold(Duration::from_secs(400 * DAY as u64)),
        pki.now,
    );
    // Expiring soon is still valid: the chains stay where they were.
    assert_eq!(long.details.valid_chains.len(), 3);
    assert_eq!(
        statuses(&long.details.valid_chains[0])[0].1,
        ValidityStatus::WillExpireSoon
    );
    assert_eq!(
        statuses(&long.details.valid_chains[2])[0].1,
        ValidityStatus::Valid
    );
}

#[test]
fn without_bad_certificates_health_is_up() {
    let pki = Pki::new();
    // Only the root stays in the extra CA bundle.
    let extra = std::fs::read_to_string(pki.dir.path().join("extra.pem")).unwrap();
    let end = "-----END CERTIFICATE-----\n";
    let root = &extra[..extra.find(end).unwrap() + end.len()];
    std::fs::write(pki.dir.path().join("extra.pem"), root).unwrap();
    let config = pki.config();
    let health = health::ssl_health(&config, &HealthOptions::default(), pki.now);
    assert_eq!(health.status, HealthStatus::Up);
    assert!(health.details.invalid_chains.is_empty());
    assert_eq!(health.details.valid_chains.len(), 3);
}

#[test]
fn prometheus_counts_chains_and_gives_each_certificate_its_expiry() {
    let pki = Pki::new();
    let config = pki.config();
    let text = health::prometheus(&config, &HealthOptions::default(), pki.now);
    for line in [
        "# TYPE ssl_chains gauge",
        "ssl_chains{status=\"valid\"} 2",
        "ssl_chains{status=\"expired\"} 1",
        "ssl_chains{status=\"not-yet-valid\"} 1",
        "ssl_chains{status=\"will-expire-soon\"} 1",
        "# TYPE ssl_chain_expiry_seconds gauge",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
    }
    let now = console_tls::certificate::unix_seconds(pki.now);
    let server = config.server.as_ref().unwrap().leaf().info();
    let expected = format!(
        "ssl_chain_expiry_seconds{{bundle=\"server\",chain=\"server\",certificate=\"10\"}} {}",
        server.not_after_unix - now
    );
    assert!(
        text.lines().any(|l| l == expected),
        "{expected} missing in\n{text}"
    );
    assert_eq!(server.not_after_unix - now, 365 * DAY);
    // The expired CA: negative, and its subject's quotes escaped.
    let expired = format!(
        "ssl_chain_expiry_seconds{{bundle=\"extra-ca-certs\",chain=\"CN=Expired \\\"Old\\\" CA\",certificate=\"20\"}} {}",
        -10 * DAY
    );
    assert!(
        text.lines().any(|l| l == expected),
        "{expected} missing in\n{text}"
    );
    assert!(
        text.lines().any(|l| l == expired),
        "{expired} missing in\n{text}"
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("ssl_chain_expiry_seconds{"))
            .count(),
        7
    );
}
