//! Trust: loading extra CA bundles (every block accounted for, strict and
//! lenient), verifying server chains (path building, direct trust, names,
//! validity), Identity URLs, and their place in `Config` and the report.

mod common;
mod trust_support;

use std::time::SystemTime;

use common::pki::{self_signed, Ca, DAY};
use console_tls::trust::AnchorSource;
use console_tls::{Config, ErrorCode, Identity, Location, Options, Settings, Trust, WarningCode};
use rustls_pki_types::CertificateDer;
use trust_support::{fixture, write};

const VAR: &str = "NODE_EXTRA_CA_CERTS";

fn trust_of(pems: &[&str]) -> Trust {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "ca.pem", pems.concat());
    Trust::load(&[Location::File(path)], VAR, &Options::default()).unwrap()
}

fn lenient() -> Options {
    Options::default().strict_trust(false)
}

fn codes(warnings: &[console_tls::Warning]) -> Vec<WarningCode> {
    warnings.iter().map(|w| w.code).collect()
}

fn pem_der(path: &std::path::Path) -> CertificateDer<'static> {
    let chain = console_tls::certificate::parse_chain(&std::fs::read(path).unwrap()).unwrap();
    chain[0].der().clone()
}

// ---- verification -------------------------------------------------------

#[test]
fn root_intermediate_leaf_verifies_through_the_extra_root() {
    let root = Ca::root("Test Root");
    let inter = root.intermediate("Test Intermediate");
    let leaf = inter.leaf(&["identity.test"]);
    let trust = trust_of(&[&root.pem()]);

    let verified = trust
        .verify_server(
            &[leaf.der(), inter.der()],
            "identity.test",
            SystemTime::now(),
        )
        .unwrap();
    assert_eq!(verified.anchor_subject, "CN=Test Root");
    assert!(!verified.trusted_directly);
    assert_eq!(verified.anchor_source, AnchorSource::Extra);
    let subjects: Vec<_> = verified.chain.iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(subjects, ["CN=identity.test", "CN=Test Intermediate"]);
}

#[test]
fn missing_intermediate_is_untrusted_and_says_the_server_must_send_it() {
    let root = Ca::root("Test Root");
    let inter = root.intermediate("Test Intermediate");
    let leaf = inter.leaf(&["identity.test"]);
    let trust = trust_of(&[&root.pem()]);

    let error = trust
        .verify_server(&[leaf.der()], "identity.test", SystemTime::now())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertUntrusted);
    let message = error.to_string();
    assert!(
        message.contains("issued by CN=Test Intermediate"),
        "{message}"
    );
    assert!(message.contains("the server must send it"), "{message}");

    // The same chain verifies once the intermediate is an extra: it
    // completes the path, which is anchored at the root (an intermediate is
    // no anchor: no partial chains, as in Node).
    let trust = trust_of(&[&root.pem(), &inter.pem()]);
    let verified = trust
        .verify_server(&[leaf.der()], "identity.test", SystemTime::now())
        .unwrap();
    assert_eq!(verified.anchor_subject, "CN=Test Root");
    assert_eq!(verified.anchor_source, AnchorSource::Extra);
}

#[test]
fn wrong_host_is_a_hostname_mismatch_listing_the_names() {
    let root = Ca::root("Test Root");
    let leaf = root.leaf(&["identity.test", "sso.identity.test"]);
    let trust = trust_of(&[&root.pem()]);

    let error = trust
        .verify_server(&[leaf.der()], "console.test", SystemTime::now())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertHostnameMismatch);
    let message = error.to_string();
    assert!(message.contains("console.test"), "{message}");
    assert!(
        message.contains("DNS:identity.test, DNS:sso.identity.test"),
        "{message}"
    );
    // The CN is never used as a name.
    let cn_only = root.leaf(&[]);
    let error = trust
        .verify_server(&[cn_only.der()], "server", SystemTime::now())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertHostnameMismatch);
}

#[test]
fn ip_san_matches_addresses_not_names() {
    let root = Ca::root("Test Root");
    let leaf = root.leaf(&["127.0.0.1", "::1"]);
    let trust = trust_of(&[&root.pem()]);
    let now = SystemTime::now();

    trust
        .verify_server(&[leaf.der()], "127.0.0.1", now)
        .unwrap();
    trust.verify_server(&[leaf.der()], "[::1]", now).unwrap();
    trust.verify_server(&[leaf.der()], "::1", now).unwrap();
    for other in ["127.0.0.2", "localhost"] {
        let error = trust.verify_server(&[leaf.der()], other, now).unwrap_err();
        assert_eq!(error.code(), ErrorCode::CertHostnameMismatch, "{other}");
    }
    let error = trust
        .verify_server(&[leaf.der()], "not a host", now)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::ConfigInvalid);
}

#[test]
fn expired_and_not_yet_valid_leaves() {
    let root = Ca::root("Test Root");
    let now = SystemTime::now();
    let expired = root.leaf_valid(&["identity.test"], now - 30 * DAY, now - DAY);
    let future = root.leaf_valid(&["identity.test"], now + DAY, now + 30 * DAY);
    let trust = trust_of(&[&root.pem()]);

    let error = trust
        .verify_server(&[expired.der()], "identity.test", now)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertExpired);
    assert_eq!(error.block(), Some(1));
    assert!(error.to_string().contains("renew"), "{error}");

    let error = trust
        .verify_server(&[future.der()], "identity.test", now)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertNotYetValid);

    // Judged at another time, the same certificates are valid.
    trust
        .verify_server(&[expired.der()], "identity.test", now - 10 * DAY)
        .unwrap();
    trust
        .verify_server(&[future.der()], "identity.test", now + 10 * DAY)
        .unwrap();
}

#[test]
fn expired_intermediate_is_reported_at_its_position() {
    let root = Ca::root("Test Root");
    let now = SystemTime::now();
    let inter = root.intermediate_valid("Old Intermediate", now - 60 * DAY, now - DAY);
    let leaf = inter.leaf(&["identity.test"]);
    let trust = trust_of(&[&root.pem()]);
    let error = trust
        .verify_server(&[leaf.der(), inter.der()], "identity.test", now)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertExpired);
    assert_eq!(error.block(), Some(2));
}

#[test]
fn unknown_ca_is_untrusted() {
    let trusted = Ca::root("Trusted Root");
    let other = Ca::root("Other Root");
    let leaf = other.leaf(&["identity.test"]);
    let trust = trust_of(&[&trusted.pem()]);

    let error = trust
        .verify_server(&[leaf.der()], "identity.test", SystemTime::now())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertUntrusted);
    assert!(
        error.to_string().contains("issued by CN=Other Root"),
        "{error}"
    );
    assert!(error.to_string().contains("NODE_EXTRA_CA_CERTS"), "{error}");

    // Mozilla's roots alone do not trust it either.
    let mozilla_only = Trust::load(&[], VAR, &Options::default()).unwrap();
    assert!(mozilla_only.mozilla_root_count() > 100);
    let error = mozilla_only
        .verify_server(&[leaf.der()], "identity.test", SystemTime::now())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertUntrusted);
}

#[test]
fn openssl_req_x509_certificate_is_trusted_directly_through_the_extras() {
    let path = fixture("selfsigned-ca-true.pem");
    let cert = pem_der(&path);
    let info = console_tls::Certificate::from_der(&cert).unwrap();
    assert!(
        info.info().is_ca,
        "the fixture must be CA:TRUE, as openssl req -x509 makes it"
    );
    let now = SystemTime::now();

    // Without it in the extras webpki refuses it as a CA used as end entity.
    let without = Trust::load(&[], VAR, &Options::default()).unwrap();
    let error = without
        .verify_server(std::slice::from_ref(&cert), "identity.local", now)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertUntrusted);
    assert!(error.to_string().contains("CA:TRUE"), "{error}");

    let trust = Trust::load(&[Location::File(path)], VAR, &Options::default()).unwrap();
    let verified = trust
        .verify_server(std::slice::from_ref(&cert), "identity.local", now)
        .unwrap();
    assert!(verified.trusted_directly);
    assert_eq!(verified.anchor_subject, "O=Fixture, CN=identity.local");
    trust
        .verify_server(std::slice::from_ref(&cert), "127.0.0.1", now)
        .unwrap();

    // Still checked for name and validity.
    let error = trust
        .verify_server(std::slice::from_ref(&cert), "other.local", now)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertHostnameMismatch);
    let after = SystemTime::UNIX_EPOCH
        + std::time::Duration::from_secs(info.info().not_after_unix as u64 + 1);
    let error = trust
        .verify_server(&[cert], "identity.local", after)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertExpired);
}

#[test]
fn self_signed_ca_false_leaf_is_trusted_directly() {
    let leaf = self_signed(&["identity.test"]);
    let trust = trust_of(&[&leaf.pem()]);
    let verified = trust
        .verify_server(&[leaf.der()], "identity.test", SystemTime::now())
        .unwrap();
    assert!(verified.trusted_directly);

    let error = trust_of(&[&Ca::root("Unrelated").pem()])
        .verify_server(&[leaf.der()], "identity.test", SystemTime::now())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertUntrusted);
    assert!(error.to_string().contains("self-signed"), "{error}");
}

#[test]
fn garbage_in_the_presented_chain_is_cert_invalid_with_its_position() {
    let root = Ca::root("Test Root");
    let leaf = root.leaf(&["identity.test"]);
    let trust = trust_of(&[&root.pem()]);
    let garbage = CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x01]);
    let error = trust
        .verify_server(&[leaf.der(), garbage], "identity.test", SystemTime::now())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertInvalid);
    assert_eq!(error.block(), Some(2));
    let error = trust
        .verify_server(&[], "identity.test", SystemTime::now())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertInvalid);
}

// ---- loading ------------------------------------------------------------

#[test]
fn committed_bundle_with_comments_crlf_corrupt_block_and_duplicate() {
    let path = fixture("bundle-crlf-corrupt.pem");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\r\n") && text.starts_with('#'));
    // The corrupt block's BEGIN line: the line before its bad base64.
    let corrupt_line = text.lines().position(|l| l.contains("notbase64")).unwrap(); // 0-based index of the body = 1-based line of BEGIN

    let error = Trust::load(&[Location::File(path.clone())], VAR, &Options::default()).unwrap_err();
    assert_eq!(error.code(), ErrorCode::PemInvalid);
    assert_eq!(error.env_var(), Some(VAR));
    assert_eq!(error.path(), Some(path.as_path()));
    assert_eq!(error.block(), Some(2));
    assert_eq!(error.line(), Some(corrupt_line));
    let message = error.to_string();
    assert!(message.starts_with("NODE_EXTRA_CA_CERTS: "), "{message}");
    assert!(
        message.contains(&format!("block 2 (line {corrupt_line})")),
        "{message}"
    );

    let trust = Trust::load(&[Location::File(path)], VAR, &lenient()).unwrap();
    let subjects: Vec<_> = trust
        .extras()
        .iter()
        .map(|c| c.info().subject.clone())
        .collect();
    // The block after the corrupt one is kept; the duplicate collapsed.
    assert_eq!(
        subjects,
        [
            "O=Fixture, CN=Fixture CA one",
            "O=Fixture, CN=Fixture CA two"
        ]
    );
    let warnings = trust.warnings();
    assert!(warnings.iter().any(|w| w.code == WarningCode::TrustProblem
        && w.message
            .contains(&format!("block 2 (line {corrupt_line})"))));
    let duplicate = warnings
        .iter()
        .find(|w| w.code == WarningCode::DuplicateCertificate)
        .expect("a duplicate warning");
    assert!(duplicate.message.contains("block 4") && duplicate.message.contains("block 1"));
    assert_eq!(duplicate.env_var.as_deref(), Some(VAR));
}

#[test]
fn good_blocks_after_a_bad_one_are_trusted_in_lenient_mode() {
    let before = Ca::root("Before");
    let after = Ca::root("After");
    let not_x509 = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";
    let bundle = format!("{}{}{}", before.pem(), not_x509, after.pem()).replace('\n', "\r\n");
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "bundle.pem", &bundle);
    let line = bundle.lines().position(|l| l == "MAMCAQE=").unwrap();

    let error = Trust::load(&[Location::File(path.clone())], VAR, &Options::default()).unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertInvalid);
    assert_eq!((error.block(), error.line()), (Some(2), Some(line)));

    let trust = Trust::load(&[Location::File(path)], VAR, &lenient()).unwrap();
    assert_eq!(trust.extras().len(), 2);
    let leaf = after.leaf(&["identity.test"]);
    trust
        .verify_server(&[leaf.der()], "identity.test", SystemTime::now())
        .unwrap();
}

#[test]
fn duplicates_across_files_collapse_and_non_certificate_blocks_are_skipped() {
    let root = Ca::root("Root");
    let leaf = root.leaf(&["x.test"]);
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.pem", root.pem());
    let b = write(
        dir.path(),
        "b.pem",
        format!("{}{}", leaf.key_pem(), root.pem()),
    );
    let trust = Trust::load(
        &[Location::File(a), Location::File(b)],
        "extraCaCerts",
        &Options::default(),
    )
    .unwrap();
    assert_eq!(trust.extras().len(), 1);
    let warnings = trust.warnings();
    assert!(codes(warnings).contains(&WarningCode::DuplicateCertificate));
    let skipped = warnings
        .iter()
        .find(|w| w.message.contains("PRIVATE KEY block"))
        .expect("the key block is reported");
    assert_eq!(skipped.env_var.as_deref(), Some("extraCaCerts"));
    // Never the key itself.
    let key_body: String = leaf.key_pem().lines().nth(1).unwrap().to_owned();
    assert!(!format!("{trust:?}").contains(&key_body));
    assert!(warnings.iter().all(|w| !w.message.contains(&key_body)));
}

#[test]
fn missing_empty_and_unreadable_bundles_strict_and_lenient() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let empty = write(dir.path(), "empty.pem", "");
    let text_only = write(dir.path(), "text.pem", "no certificates here\n");
    let directory = dir.path().to_owned();
    let cases = [
        (missing, ErrorCode::FileNotFound),
        (empty, ErrorCode::PemInvalid),
        (text_only, ErrorCode::PemInvalid),
        (directory, ErrorCode::FileUnreadable),
    ];
    for (path, code) in cases {
        let error =
            Trust::load(&[Location::File(path.clone())], VAR, &Options::default()).unwrap_err();
        assert_eq!(error.code(), code, "{}", path.display());
        assert_eq!(error.env_var(), Some(VAR));
        assert_eq!(error.path(), Some(path.as_path()));
        assert!(error.to_string().contains(&path.display().to_string()));

        let trust = Trust::load(&[Location::File(path.clone())], VAR, &lenient()).unwrap();
        assert!(trust.extras().is_empty());
        let warning = &trust.warnings()[0];
        assert_eq!(warning.code, WarningCode::TrustProblem);
        assert_eq!(warning.env_var.as_deref(), Some(VAR));
        assert!(warning.message.contains(&path.display().to_string()));
        assert!(trust.mozilla_root_count() > 100, "Mozilla's roots stay");
    }
}

#[test]
fn permission_denied_bundle() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "secret.pem", Ca::root("R").pem());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        eprintln!("skipped: running with privileges that ignore file permissions (root)");
        return;
    }
    let error = Trust::load(&[Location::File(path.clone())], VAR, &Options::default()).unwrap_err();
    assert_eq!(error.code(), ErrorCode::FileUnreadable);
    let trust = Trust::load(&[Location::File(path)], VAR, &lenient()).unwrap();
    assert_eq!(codes(trust.warnings()), [WarningCode::TrustProblem]);
}

#[test]
fn extras_pem_round_trips() {
    let a = Ca::root("A");
    let b = Ca::root("B");
    let trust = trust_of(&[&a.pem(), &b.pem(), &a.pem()]);
    let again = console_tls::certificate::parse_chain(trust.extras_pem().as_bytes()).unwrap();
    let ders: Vec<_> = again.iter().map(|c| c.der().clone()).collect();
    assert_eq!(ders, [a.der(), b.der()]);
}

#[test]
fn expired_extra_ca_is_a_warning() {
    let leaf = self_signed(&["old.test"]);
    let trust = trust_of(&[&leaf.pem()]);
    assert!(codes(trust.warnings()).is_empty());
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "ca.pem", leaf.pem());
    let later = Options::default()
        .at(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(4_200_000_000 * 30));
    let trust = Trust::load(&[Location::File(path)], VAR, &later).unwrap();
    assert_eq!(codes(trust.warnings()), [WarningCode::CertExpired]);
}

#[test]
fn system_roots_are_added_on_request() {
    let trust = Trust::load(&[], VAR, &Options::default()).unwrap();
    assert_eq!(trust.system_root_count(), 0);
    let with_system = Trust::load(&[], VAR, &Options::default().system_roots(true)).unwrap();
    if std::path::Path::new("/etc/ssl/certs/ca-certificates.crt").exists() {
        assert!(with_system.system_root_count() > 0);
    } else {
        eprintln!("skipped: no system root store on this machine");
    }
}

// ---- settings, Identity, Config ----------------------------------------

#[test]
fn from_settings_reads_node_extra_ca_certs() {
    let root = Ca::root("Settings Root");
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "ca.pem", root.pem());

    let unset =
        Trust::from_settings(&Settings::from_vars([("X", "")]), &Options::default()).unwrap();
    assert!(unset.extras().is_empty() && unset.warnings().is_empty());

    let plain = Settings::from_vars([(VAR, path.to_str().unwrap())]);
    let trust = Trust::from_settings(&plain, &Options::default()).unwrap();
    assert_eq!(trust.extras().len(), 1);
    assert!(trust.warnings().is_empty());

    // Relative to the base directory.
    let relative = Settings::from_vars([(VAR, "ca.pem")]).with_base_dir(dir.path());
    assert_eq!(
        Trust::from_settings(&relative, &Options::default())
            .unwrap()
            .extras()
            .len(),
        1
    );

    // Forms Node itself would not read: they work, with a warning.
    let file_url = format!("file:{}", path.display());
    for value in [file_url.as_str(), root.pem().as_str()] {
        let settings = Settings::from_vars([(VAR, value)]);
        let trust = Trust::from_settings(&settings, &Options::default()).unwrap();
        assert_eq!(trust.extras().len(), 1);
        assert_eq!(codes(trust.warnings()), [WarningCode::NodeIncompatible]);
    }

    let bad_scheme = Settings::from_vars([(VAR, "https://example.com/ca.pem")]);
    let error = Trust::from_settings(&bad_scheme, &Options::default()).unwrap_err();
    assert_eq!(
        (error.code(), error.env_var()),
        (ErrorCode::ConfigInvalid, Some(VAR))
    );
    let trust = Trust::from_settings(&bad_scheme, &lenient()).unwrap();
    assert_eq!(codes(trust.warnings()), [WarningCode::TrustProblem]);
}

#[test]
fn identity_urls() {
    let options = Options::default();
    let both = Settings::from_vars([
        ("KEYCLOAK_BASE_URL", "https://id.example.com/auth"),
        ("KEYCLOAK_INTERNAL_BASE_URL", "https://keycloak.ns.svc:8443"),
    ]);
    let identity = Identity::from_settings(&both, &options).unwrap();
    assert_eq!(
        identity.base_url.unwrap().as_str(),
        "https://id.example.com/auth"
    );
    assert_eq!(
        identity.internal_base_url.unwrap().as_str(),
        "https://keycloak.ns.svc:8443/"
    );
    assert!(identity.warnings.is_empty());

    // The internal URL defaults to the base URL.
    let base_only = Settings::from_vars([("KEYCLOAK_BASE_URL", "https://id.example.com")]);
    let identity = Identity::from_settings(&base_only, &options).unwrap();
    assert_eq!(identity.internal_base_url, identity.base_url);
    assert!(identity.uses_tls());

    let none = Identity::from_settings(&Settings::from_vars([("X", "")]), &options).unwrap();
    assert!(none.base_url.is_none() && none.internal_base_url.is_none() && !none.uses_tls());
}

#[test]
fn http_identity_is_a_warning_or_with_require_tls_an_error() {
    let settings = Settings::from_vars([
        ("KEYCLOAK_BASE_URL", "https://id.example.com"),
        (
            "KEYCLOAK_INTERNAL_BASE_URL",
            "http://admin:s3cret@keycloak:8080",
        ),
    ]);
    let identity = Identity::from_settings(&settings, &Options::default()).unwrap();
    assert_eq!(
        codes(&identity.warnings),
        [WarningCode::IdentityNotEncrypted]
    );
    let warning = &identity.warnings[0];
    assert_eq!(
        warning.env_var.as_deref(),
        Some("KEYCLOAK_INTERNAL_BASE_URL")
    );
    assert!(warning
        .message
        .contains("traffic to Identity is not encrypted"));
    assert!(!warning.to_string().contains("s3cret") && !warning.to_string().contains("admin"));

    let error =
        Identity::from_settings(&settings, &Options::default().require_tls(true)).unwrap_err();
    assert_eq!(error.code(), ErrorCode::UrlNotHttps);
    assert_eq!(error.env_var(), Some("KEYCLOAK_INTERNAL_BASE_URL"));
    assert!(!format!("{error} {error:?}").contains("s3cret"));
}

#[test]
fn invalid_identity_urls_name_the_variable() {
    for value in [
        "ftp://id.example.com",
        "id.example.com",
        "https://",
        "file:///etc/passwd",
        "https://user:pa55word@[bad",
    ] {
        let settings = Settings::from_vars([("KEYCLOAK_BASE_URL", value)]);
        let error = Identity::from_settings(&settings, &Options::default()).unwrap_err();
        assert_eq!(error.code(), ErrorCode::ConfigInvalid, "{value}");
        assert_eq!(error.env_var(), Some("KEYCLOAK_BASE_URL"), "{value}");
        assert!(!error.to_string().contains("pa55word"), "{error}");
    }
}

#[test]
fn config_carries_trust_and_identity_and_their_warnings() {
    let root = Ca::root("Config Root");
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "ca.pem",
        format!("{}{}", root.pem(), root.pem()),
    );
    let settings = Settings::from_vars([
        (VAR, path.to_str().unwrap()),
        ("KEYCLOAK_BASE_URL", "http://keycloak:8080"),
    ]);
    let config = Config::load(&settings, &Options::default()).unwrap();
    assert_eq!(config.trust.extras().len(), 1);
    assert!(!config.identity.uses_tls());
    let warning_codes = codes(&config.warnings);
    assert!(warning_codes.contains(&WarningCode::DuplicateCertificate));
    assert!(warning_codes.contains(&WarningCode::IdentityNotEncrypted));

    let error = Config::load(&settings, &Options::default().require_tls(true)).unwrap_err();
    assert_eq!(error.code(), ErrorCode::UrlNotHttps);
    let broken = Settings::from_vars([(VAR, "/nonexistent/ca.pem")]);
    let error = Config::load(&broken, &Options::default()).unwrap_err();
    assert_eq!(
        (error.code(), error.env_var()),
        (ErrorCode::FileNotFound, Some(VAR))
    );
}

// ---- rustls ClientConfig ------------------------------------------------

#[test]
fn client_config_handshakes_with_a_trusted_server_and_refuses_others() {
    use std::io::{BufRead, BufReader};
    let root = Ca::root("Handshake Root");
    let inter = root.intermediate("Handshake Intermediate");
    let leaf = inter.leaf(&["127.0.0.1"]);
    let addr = trust_support::rustls_server(vec![leaf.der(), inter.der()], leaf.key_der());
    let trust = trust_of(&[&root.pem()]);
    let config = trust.client_config();
    assert!(std::sync::Arc::ptr_eq(&config, &trust.client_config()));

    let connect = |config: std::sync::Arc<rustls::ClientConfig>| -> std::io::Result<String> {
        let name = rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap();
        let conn = rustls::ClientConnection::new(config, name).unwrap();
        let sock = std::net::TcpStream::connect(addr)?;
        let mut tls = BufReader::new(rustls::StreamOwned::new(conn, sock));
        let mut line = String::new();
        tls.read_line(&mut line)?;
        Ok(line)
    };
    assert_eq!(connect(config).unwrap(), "hello\n");

    let error = connect(trust_of(&[&Ca::root("Other").pem()]).client_config()).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("ERR_CERT_UNTRUSTED") || text.contains("not trusted"),
        "{text}"
    );
}

// ---- report and `console-tls check` -------------------------------------

#[test]
fn report_lists_every_trust_and_identity_problem() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n";
    let root = Ca::root("Report Root");
    let path = write(dir.path(), "ca.pem", format!("{bad}{}{bad}", root.pem()));
    let settings = Settings::from_vars([
        (VAR, path.to_str().unwrap()),
        ("KEYCLOAK_BASE_URL", "https://id.example.com"),
        ("KEYCLOAK_INTERNAL_BASE_URL", "keycloak:8080"),
    ]);
    let report = console_tls::report::check(&settings, &Options::default());
    let problems: Vec<_> = report
        .problems
        .iter()
        .map(|p| (p.code, p.env_var.as_deref(), p.block))
        .collect();
    assert_eq!(
        problems,
        [
            ("ERR_PEM_INVALID", Some(VAR), Some(1)),
            ("ERR_PEM_INVALID", Some(VAR), Some(3)),
            (
                "ERR_CONFIG_INVALID",
                Some("KEYCLOAK_INTERNAL_BASE_URL"),
                None
            ),
        ]
    );
    assert!(!report.trust.ok && !report.identity.ok);
    assert_eq!(report.trust.certificates.len(), 1);
    assert_eq!(report.trust.extra_ca_certs.as_deref(), path.to_str());
    assert_eq!(
        report.identity.base_url.as_deref(),
        Some("https://id.example.com/")
    );

    let lenient = console_tls::report::check(&settings, &lenient());
    assert_eq!(lenient.problems.len(), 1, "only the URL stays a problem");
    assert!(lenient.trust.ok && !lenient.trust.strict);
    assert_eq!(
        lenient
            .warnings
            .iter()
            .filter(|w| w.code == "WARN_TRUST_PROBLEM")
            .count(),
        2
    );
}

#[test]
fn check_command_reports_trust_and_identity_with_its_flags() {
    let root = Ca::root("CLI Root");
    let dir = tempfile::tempdir().unwrap();
    let bundle = write(
        dir.path(),
        "ca.pem",
        format!(
            "{}-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
            root.pem()
        ),
    );
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_console-tls"))
            .arg("check")
            .args(args)
            .env_clear()
            .env(VAR, &bundle)
            .env("KEYCLOAK_BASE_URL", "http://admin:s3cret@keycloak:8080")
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };

    let (code, text) = run(&[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("trust (NODE_EXTRA_CA_CERTS): "), "{text}");
    assert!(text.contains("FAILED: 1 extra CA certificate(s)"), "{text}");
    assert!(text.contains("[1] CN=CLI Root"), "{text}");
    assert!(
        text.contains("ERR_PEM_INVALID NODE_EXTRA_CA_CERTS: block 2 (line "),
        "{text}"
    );
    assert!(text.contains("identity: NOT encrypted"), "{text}");
    assert!(text.contains("WARN_IDENTITY_NOT_ENCRYPTED"), "{text}");
    assert!(!text.contains("s3cret"), "{text}");

    let (code, text) = run(&["--lenient"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("WARN_TRUST_PROBLEM"), "{text}");

    let (code, text) = run(&["--lenient", "--require-tls"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("ERR_URL_NOT_HTTPS KEYCLOAK_BASE_URL"),
        "{text}"
    );

    let (code, json) = run(&["--lenient", "--system-roots", "--json"]);
    assert_eq!(code, Some(0), "{json}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["trust"]["certificates"][0]["subject"], "CN=CLI Root");
    assert_eq!(report["identity"]["baseUrl"], "http://keycloak:8080/");
    assert_eq!(report["identity"]["usesTls"], false);
    assert!(!json.contains("s3cret"));
}

#[test]
fn trust_is_shared_between_threads() {
    fn send_sync<T: Send + Sync + Clone>() {}
    send_sync::<Trust>();
    send_sync::<console_tls::Verified>();
    send_sync::<Identity>();

    let root = Ca::root("Shared Root");
    let leaf = root.leaf(&["identity.test"]);
    let trust = trust_of(&[&root.pem()]);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let trust = trust.clone();
            let chain = vec![leaf.der()];
            std::thread::spawn(move || {
                for _ in 0..20 {
                    trust
                        .verify_server(&chain, "identity.test", SystemTime::now())
                        .unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}

#[test]
fn same_named_decoy_issuers_are_searched_within_a_bound() {
    // Path building tries every certificate that carries the issuer's
    // name; a chain full of same-named decoys (other keys) still finds the
    // real issuer when it is within the bound, and is refused, not
    // searched for ever, when it is beyond it.
    let root = Ca::root("Test Root");
    let inter = root.intermediate("Test Intermediate");
    let leaf = inter.leaf(&["identity.test"]);
    let other = Ca::root("Other Root");
    let decoys: Vec<Ca> = (0..80)
        .map(|_| other.intermediate("Test Intermediate"))
        .collect();
    let trust = trust_of(&[&root.pem()]);

    let mut chain = vec![leaf.der()];
    chain.extend(decoys[..20].iter().map(Ca::der));
    chain.push(inter.der());
    let verified = trust
        .verify_server(&chain, "identity.test", SystemTime::now())
        .unwrap();
    assert_eq!(verified.anchor_subject, "CN=Test Root");

    let mut chain = vec![leaf.der()];
    chain.extend(decoys.iter().map(Ca::der));
    chain.push(inter.der());
    let error = trust
        .verify_server(&chain, "identity.test", SystemTime::now())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::CertUntrusted);
    let message = error.to_string();
    assert!(message.contains("no path was found within"), "{message}");
}
