//! Loading a listener's identity from the environment contract, on real
//! files made by openssl (tests/fixtures/identity/make.sh).

mod common;

use std::path::Path;

use common::{expect_code, fixture, fixture_bytes, load_server};
use console_tls::{Config, ErrorCode, KeyFormat, KeyType, Options, Settings, WarningCode};

fn path(name: &str) -> String {
    fixture("identity", name).display().to_string()
}

fn load_pair(cert: &str, key: &str) -> Result<console_tls::ServerTls, console_tls::Error> {
    load_server(&[
        ("SERVER_SSL_CERTIFICATE", &format!("file:{}", path(cert))),
        (
            "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            &format!("file:{}", path(key)),
        ),
    ])
}

#[test]
fn every_unencrypted_key_format_and_type_loads() {
    let cases = [
        (
            "rsa-chain.pem",
            "rsa-pkcs8.pem",
            KeyType::Rsa { bits: 2048 },
            KeyFormat::Pkcs8,
        ),
        (
            "rsa-chain.pem",
            "rsa-pkcs1.pem",
            KeyType::Rsa { bits: 2048 },
            KeyFormat::Pkcs1,
        ),
        (
            "p256-cert.pem",
            "p256-pkcs8.pem",
            KeyType::EcdsaP256,
            KeyFormat::Pkcs8,
        ),
        (
            "p256-cert.pem",
            "p256-sec1.pem",
            KeyType::EcdsaP256,
            KeyFormat::Sec1,
        ),
        (
            "p256-cert.pem",
            "p256-sec1-params.pem",
            KeyType::EcdsaP256,
            KeyFormat::Sec1,
        ),
        (
            "p384-cert.pem",
            "p384-pkcs8.pem",
            KeyType::EcdsaP384,
            KeyFormat::Pkcs8,
        ),
        (
            "ed25519-cert.pem",
            "ed25519-pkcs8.pem",
            KeyType::Ed25519,
            KeyFormat::Pkcs8,
        ),
        (
            "rsa-cert.der",
            "rsa-pkcs8.pem",
            KeyType::Rsa { bits: 2048 },
            KeyFormat::Pkcs8,
        ),
        (
            "rsa-cert.pem",
            "rsa-pkcs8.der",
            KeyType::Rsa { bits: 2048 },
            KeyFormat::Pkcs8,
        ),
    ];
    for (cert, key, key_type, format) in cases {
        let tls = load_pair(cert, key).unwrap_or_else(|e| panic!("{cert} + {key}: {e}"));
        assert_eq!(tls.key_type(), key_type, "{key}");
        assert_eq!(tls.key().format(), format, "{key}");
        // Every format normalises to the PKCS#8 that openssl itself writes.
        let pkcs8_name = key
            .replace("pkcs1", "pkcs8")
            .replace("sec1-params", "pkcs8")
            .replace("sec1", "pkcs8");
        let pkcs8_name = pkcs8_name.replace(".der", ".pem");
        let expected = openssl_pkcs8_der(&fixture("identity", &pkcs8_name));
        // Compared without printing: the bytes are a private key.
        assert!(
            tls.key().pkcs8_der() == expected.as_slice(),
            "{key} differs from openssl's PKCS#8"
        );
        // The PEM forms round-trip through the scanner.
        assert!(tls.key_pem().starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert!(tls.chain_pem().starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(tls.server_config().alpn_protocols.is_empty());
    }
}

fn openssl_pkcs8_der(key: &Path) -> Vec<u8> {
    let out = std::process::Command::new("openssl")
        .args(["pkcs8", "-topk8", "-nocrypt", "-outform", "DER", "-in"])
        .arg(key)
        .output()
        .expect("openssl runs");
    assert!(out.status.success());
    out.stdout
}

#[test]
fn chain_order_info_and_rustls_config() {
    let tls = load_pair("rsa-chain.pem", "rsa-pkcs8.pem").unwrap();
    assert_eq!(tls.chain().len(), 2);
    let leaf = tls.leaf().info();
    assert_eq!(leaf.subject, "CN=rsa.test");
    assert_eq!(leaf.issuer, "CN=Fixture Intermediate CA");
    assert_eq!(leaf.subject_alt_names, vec!["DNS:rsa.test".to_owned()]);
    assert!(!leaf.is_ca);
    assert!(tls.chain()[1].info().is_ca);
    assert_eq!(leaf.fingerprint256.len(), 32 * 3 - 1);
    let expected_fp = std::process::Command::new("openssl")
        .args([
            "x509",
            "-noout",
            "-fingerprint",
            "-sha256",
            "-in",
            &path("rsa-cert.pem"),
        ])
        .output()
        .unwrap();
    let expected_fp = String::from_utf8(expected_fp.stdout).unwrap();
    assert!(
        expected_fp.trim().ends_with(&leaf.fingerprint256),
        "{expected_fp}"
    );
    assert!(tls.warnings().is_empty(), "{:?}", tls.warnings());
    let config = tls.server_config();
    assert!(
        std::sync::Arc::ptr_eq(&config, &tls.server_config()),
        "built once"
    );
}

#[test]
fn location_forms() {
    let cert = path("rsa-chain.pem");
    let key = path("rsa-pkcs8.pem");
    let inline_cert = String::from_utf8(fixture_bytes("identity", "rsa-chain.pem")).unwrap();
    let forms = [
        (format!("file:{cert}"), format!("file:{key}")),
        (format!("file://{cert}"), format!("file://{key}")),
        (cert.clone(), key.clone()),
        (inline_cert, key.clone()),
    ];
    for (c, k) in forms {
        load_server(&[
            ("SERVER_SSL_CERTIFICATE", &c),
            ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", &k),
        ])
        .unwrap_or_else(|e| panic!("{c}: {e}"));
    }
    // Relative paths resolve against the base directory.
    let settings = Settings::from_vars([
        ("SERVER_SSL_ENABLED", "on"),
        ("SERVER_SSL_CERTIFICATE", "rsa-chain.pem"),
        ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "file:rsa-pkcs8.pem"),
    ])
    .with_base_dir(fixture("identity", ""));
    Config::load(&settings, &Options::default()).unwrap();
    // Any other scheme is refused, naming the variable and the scheme.
    for value in [
        "classpath:cert.pem",
        "http://example.com/cert.pem",
        "https:/x",
    ] {
        let error = expect_code(
            load_server(&[
                ("SERVER_SSL_CERTIFICATE", value),
                ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", &key),
            ]),
            ErrorCode::ConfigInvalid,
        );
        assert_eq!(error.env_var(), Some("SERVER_SSL_CERTIFICATE"));
        let scheme = value.split(':').next().unwrap();
        assert!(
            error.to_string().contains(&format!("\"{scheme}:\"")),
            "{error}"
        );
    }
}

#[test]
fn tolerated_text_forms() {
    let dir = tempfile::tempdir().unwrap();
    let chain = String::from_utf8(fixture_bytes("identity", "rsa-chain.pem")).unwrap();
    let key = String::from_utf8(fixture_bytes("identity", "rsa-pkcs8.pem")).unwrap();
    let variants = [
        (
            "crlf",
            chain.replace('\n', "\r\n"),
            key.replace('\n', "\r\n"),
        ),
        ("bom", format!("\u{feff}{chain}"), format!("\u{feff}{key}")),
        (
            "text",
            format!("subject=CN = rsa.test\nissuer=whatever\n{chain}\ntrailing notes\n"),
            format!("Bag Attributes\n    localKeyID: 01\n{key}"),
        ),
    ];
    for (name, c, k) in variants {
        let cert_path = dir.path().join(format!("{name}-cert.pem"));
        let key_path = dir.path().join(format!("{name}-key.pem"));
        std::fs::write(&cert_path, c).unwrap();
        std::fs::write(&key_path, k).unwrap();
        let tls = load_server(&[
            ("SERVER_SSL_CERTIFICATE", cert_path.to_str().unwrap()),
            (
                "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                key_path.to_str().unwrap(),
            ),
        ])
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(tls.chain().len(), 2, "{name}");
    }
    // One combined file serves both variables.
    let combined = path("rsa-combined.pem");
    let tls = load_server(&[
        ("SERVER_SSL_CERTIFICATE", &combined),
        ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", &combined),
    ])
    .unwrap();
    assert_eq!(tls.chain().len(), 2);
}

fn write_temp(dir: &Path, name: &str, content: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.display().to_string()
}

#[test]
fn broken_pem_inputs_name_variable_path_and_block() {
    let dir = tempfile::tempdir().unwrap();
    let key = path("rsa-pkcs8.pem");
    let cert_pem = String::from_utf8(fixture_bytes("identity", "rsa-cert.pem")).unwrap();
    let lines: Vec<&str> = cert_pem.lines().collect();
    let truncated_der = {
        let der = fixture_bytes("identity", "rsa-cert.der");
        console_tls::certificate::pem_encode("CERTIFICATE", &der[..der.len() / 2])
    };
    let bad_base64 = cert_pem.replacen(&lines[3][..8], "!!notb64", 1);
    let no_end = lines[..lines.len() - 1].join("\n");
    let cases: Vec<(&str, String, ErrorCode, Option<usize>)> = vec![
        ("empty", String::new(), ErrorCode::PemInvalid, None),
        (
            "key-only",
            String::from_utf8(fixture_bytes("identity", "rsa-pkcs8.pem")).unwrap(),
            ErrorCode::PemInvalid,
            None,
        ),
        ("bad-base64", bad_base64, ErrorCode::PemInvalid, Some(1)),
        ("no-end", no_end, ErrorCode::PemInvalid, Some(1)),
        (
            "truncated",
            format!("{cert_pem}{truncated_der}"),
            ErrorCode::CertInvalid,
            Some(2),
        ),
    ];
    for (name, content, code, block) in cases {
        let cert_path = write_temp(dir.path(), name, content.as_bytes());
        let error = expect_code(
            load_server(&[
                ("SERVER_SSL_CERTIFICATE", &cert_path),
                ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", &key),
            ]),
            code,
        );
        assert_eq!(error.env_var(), Some("SERVER_SSL_CERTIFICATE"), "{name}");
        assert_eq!(
            error.path().map(|p| p.display().to_string()),
            Some(cert_path.clone()),
            "{name}"
        );
        assert_eq!(error.block(), block, "{name}: {error}");
        let message = error.to_string();
        assert!(message.starts_with("SERVER_SSL_CERTIFICATE: "), "{message}");
        assert!(message.contains(&cert_path), "{message}");
        if let Some(block) = block {
            assert!(
                message.contains(&format!("block {block} (line ")),
                "{message}"
            );
        }
    }
    // A certificate-only key file.
    let error = expect_code(
        load_pair("rsa-chain.pem", "rsa-cert.pem"),
        ErrorCode::PemInvalid,
    );
    assert_eq!(error.env_var(), Some("SERVER_SSL_CERTIFICATE_PRIVATE_KEY"));
    assert!(
        error
            .to_string()
            .contains("no private key block (found: CERTIFICATE)"),
        "{error}"
    );
}

#[test]
fn unsupported_keys_say_what_and_how() {
    let cases = [
        ("dsa-pkcs8.pem", "DSA"),
        ("rsa-pss.pem", "RSA-PSS"),
        ("x25519.pem", "X25519"),
        ("rsa1024.pem", "RSA 1024-bit"),
    ];
    for (key, what) in cases {
        let error = expect_code(load_pair("rsa-chain.pem", key), ErrorCode::KeyUnsupported);
        let message = error.to_string();
        assert!(message.contains(what), "{message}");
        assert!(message.contains("openssl genpkey"), "{message}");
        assert_eq!(error.env_var(), Some("SERVER_SSL_CERTIFICATE_PRIVATE_KEY"));
    }
}

#[test]
fn mismatch_and_chain_order() {
    // Same type, wrong key; and every cross-type combination.
    let pairs = [
        ("rsa-chain.pem", "rsa-other.pem"),
        ("rsa-chain.pem", "p256-pkcs8.pem"),
        ("rsa-chain.pem", "ed25519-pkcs8.pem"),
        ("p256-cert.pem", "rsa-pkcs8.pem"),
        ("p256-cert.pem", "p384-pkcs8.pem"),
        ("p384-cert.pem", "p256-sec1.pem"),
        ("ed25519-cert.pem", "p256-pkcs8.pem"),
        ("ed25519-cert.pem", "rsa-pkcs1.pem"),
    ];
    for (cert, key) in pairs {
        let error = expect_code(load_pair(cert, key), ErrorCode::KeyMismatch);
        let message = error.to_string();
        assert!(
            message.starts_with(&format!(
                "SERVER_SSL_CERTIFICATE_PRIVATE_KEY: the key in {}",
                path(key)
            )),
            "{message}"
        );
        assert!(
            message.contains(&format!(
                "does not belong to the certificate in {}",
                path(cert)
            )),
            "{message}"
        );
    }
    let error = expect_code(
        load_pair("rsa-chain-reversed.pem", "rsa-pkcs8.pem"),
        ErrorCode::ChainOrder,
    );
    assert!(
        error.to_string().contains("certificate 2 of the chain"),
        "{error}"
    );
    assert_eq!(
        error.path().unwrap(),
        fixture("identity", "rsa-chain-reversed.pem")
    );
}

#[test]
fn warnings_not_errors() {
    let tls = load_pair("rsa-nosan-cert.pem", "rsa-pkcs8.pem").unwrap();
    assert!(tls
        .warnings()
        .iter()
        .any(|w| w.code == WarningCode::NoSubjectAltName));
    // Judged ten years and a day later, the leaf has expired: a warning.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3651 * 86_400);
    let settings = Settings::from_vars([
        ("SERVER_SSL_ENABLED", "TRUE"),
        ("SERVER_SSL_CERTIFICATE", path("rsa-chain.pem").as_str()),
        (
            "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            path("rsa-pkcs8.pem").as_str(),
        ),
    ]);
    let config = Config::load(&settings, &Options::default().at(later)).unwrap();
    let codes: Vec<_> = config.warnings.iter().map(|w| w.code).collect();
    assert!(codes.contains(&WarningCode::CertExpired), "{codes:?}");
    // A chain whose second certificate did not issue the first.
    let dir = tempfile::tempdir().unwrap();
    let mixed = [
        fixture_bytes("identity", "rsa-cert.pem"),
        fixture_bytes("identity", "root-cert.pem"),
    ]
    .concat();
    let mixed = write_temp(dir.path(), "mixed.pem", &mixed);
    let tls = load_server(&[
        ("SERVER_SSL_CERTIFICATE", &mixed),
        ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", &path("rsa-pkcs8.pem")),
    ])
    .unwrap();
    assert!(
        tls.warnings()
            .iter()
            .any(|w| w.code == WarningCode::ChainBroken),
        "{:?}",
        tls.warnings()
    );
}

#[test]
fn variables_booleans_and_independence() {
    // Disabled listeners read nothing else: broken values are ignored.
    for value in ["", "false", "0", "no", "OFF", "False"] {
        let settings = Settings::from_vars([
            ("SERVER_SSL_ENABLED", value),
            ("SERVER_SSL_CERTIFICATE", "classpath:nothing"),
        ]);
        let config = Config::load(&settings, &Options::default()).unwrap();
        assert!(config.server.is_none(), "{value:?}");
    }
    for value in ["maybe", "2", "enabled", "y"] {
        let settings = Settings::from_vars([("MANAGEMENT_SERVER_SSL_ENABLED", value)]);
        let error = expect_code(
            Config::load(&settings, &Options::default()),
            ErrorCode::ConfigInvalid,
        );
        assert_eq!(error.env_var(), Some("MANAGEMENT_SERVER_SSL_ENABLED"));
        assert!(error.to_string().contains(value));
    }
    // Enabled without certificate or key: the missing variable is named.
    let error = expect_code(load_server(&[]), ErrorCode::ConfigMissing);
    assert_eq!(error.env_var(), Some("SERVER_SSL_CERTIFICATE"));
    let error = expect_code(
        load_server(&[
            ("SERVER_SSL_CERTIFICATE", &path("rsa-chain.pem")),
            ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", ""),
        ]),
        ErrorCode::ConfigMissing,
    );
    assert_eq!(error.env_var(), Some("SERVER_SSL_CERTIFICATE_PRIVATE_KEY"));
    // Management does not inherit from the main listener.
    let settings = Settings::from_vars([
        ("SERVER_SSL_ENABLED", "true"),
        ("SERVER_SSL_CERTIFICATE", path("rsa-chain.pem").as_str()),
        (
            "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            path("rsa-pkcs8.pem").as_str(),
        ),
        ("MANAGEMENT_SERVER_SSL_ENABLED", "yes"),
    ]);
    let error = expect_code(
        Config::load(&settings, &Options::default()),
        ErrorCode::ConfigMissing,
    );
    assert_eq!(error.env_var(), Some("MANAGEMENT_SERVER_SSL_CERTIFICATE"));
    let settings = Settings::from_vars([
        ("MANAGEMENT_SERVER_SSL_ENABLED", "yes"),
        (
            "MANAGEMENT_SERVER_SSL_CERTIFICATE",
            path("p256-cert.pem").as_str(),
        ),
        (
            "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            path("p256-sec1.pem").as_str(),
        ),
    ]);
    let config = Config::load(&settings, &Options::default()).unwrap();
    assert!(config.server.is_none());
    assert_eq!(config.management.unwrap().key_type(), KeyType::EcdsaP256);
}

#[test]
fn file_system_failures_never_hang() {
    let dir = tempfile::tempdir().unwrap();
    let key = path("rsa-pkcs8.pem");
    let missing = dir.path().join("missing.pem").display().to_string();
    let fifo = dir.path().join("fifo.pem");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let big = dir.path().join("big.pem");
    std::fs::write(&big, vec![b'A'; 9 * 1024 * 1024]).unwrap();
    let cases = [
        (missing.clone(), ErrorCode::FileNotFound, "does not exist"),
        (
            dir.path().display().to_string(),
            ErrorCode::FileUnreadable,
            "directory",
        ),
        (
            fifo.display().to_string(),
            ErrorCode::FileUnreadable,
            "FIFO",
        ),
        (
            "/dev/zero".to_owned(),
            ErrorCode::FileUnreadable,
            "character device",
        ),
        (big.display().to_string(), ErrorCode::FileTooLarge, "limit"),
    ];
    for (value, code, words) in cases {
        let error = expect_code(
            load_server(&[
                ("SERVER_SSL_CERTIFICATE", &value),
                ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", &key),
            ]),
            code,
        );
        let message = error.to_string();
        assert!(
            message.contains(&value) && message.contains(words),
            "{message}"
        );
        assert_eq!(error.env_var(), Some("SERVER_SSL_CERTIFICATE"));
    }
    // A dangling symlink is "not found", a loop is unreadable.
    let dangling = dir.path().join("dangling.pem");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
    expect_code(
        load_server(&[
            ("SERVER_SSL_CERTIFICATE", dangling.to_str().unwrap()),
            ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", &key),
        ]),
        ErrorCode::FileNotFound,
    );
    let looped = dir.path().join("loop.pem");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    expect_code(
        load_server(&[
            ("SERVER_SSL_CERTIFICATE", looped.to_str().unwrap()),
            ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", &key),
        ]),
        ErrorCode::FileUnreadable,
    );
}

#[test]
fn no_secret_in_messages_or_debug() {
    let key_pem = String::from_utf8(fixture_bytes("identity", "rsa-pkcs8.pem")).unwrap();
    let secret_lines: Vec<&str> = key_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let passphrase = "correct horse battery staple";
    let mut texts = Vec::new();
    // An inline key with a mismatching certificate, a passphrase for a plain key,
    // inline key as a certificate, and an unknown scheme carrying a key.
    let attempts = [
        (path("p256-cert.pem"), key_pem.clone()),
        (key_pem.clone(), key_pem.clone()),
        (format!("vault:{key_pem}"), path("rsa-pkcs8.pem")),
    ];
    for (cert, key) in attempts {
        let result = load_server(&[
            ("SERVER_SSL_CERTIFICATE", &cert),
            ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", &key),
            ("SERVER_SSL_PASSPHRASE", passphrase),
        ]);
        let error = result.expect_err("each attempt fails");
        texts.push(error.to_string());
        texts.push(format!("{error:?}"));
    }
    let tls = load_server(&[
        ("SERVER_SSL_CERTIFICATE", &path("rsa-chain.pem")),
        ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", &key_pem),
        ("SERVER_SSL_PASSPHRASE", passphrase),
    ])
    .unwrap();
    assert!(tls
        .warnings()
        .iter()
        .any(|w| w.code == WarningCode::PassphraseUnused));
    texts.push(format!("{tls:?}"));
    texts.extend(tls.warnings().iter().map(|w| format!("{w} {w:?}")));
    let settings = Settings::from_vars([
        ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", key_pem.as_str()),
        ("SERVER_SSL_PASSPHRASE", passphrase),
    ]);
    texts.push(format!("{settings:?}"));
    for text in &texts {
        assert!(!text.contains(passphrase), "passphrase leaked: {text}");
        for line in &secret_lines {
            assert!(!text.contains(line), "key material leaked: {text}");
        }
    }
}

#[test]
fn serial_has_no_der_sign_byte_as_node_prints_it() {
    // A serial whose first byte has its high bit set is stored with a
    // leading 0x00 in DER; Node and OpenSSL print the number without it.
    let ca = common::pki::Ca::root("Serial CA");
    let leaf = ca.issue(&["serial.test"], 0x85);
    let chain = console_tls::certificate::parse_chain(leaf.chain_pem.as_bytes()).unwrap();
    assert_eq!(chain[0].info().serial, "85");
    let dir = tempfile::tempdir().unwrap();
    let leaf_path = write_temp(dir.path(), "leaf.pem", leaf.chain_pem.as_bytes());
    let out = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-serial", "-in", &leaf_path])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), "serial=85");
}

/// `Config::load` loads the extra CAs on a second thread while the listeners
/// load; the first problem is still the one `check` lists first: server,
/// then management, then the extra CAs.
#[test]
fn config_errors_come_in_contract_order_whatever_loads_alongside() {
    let missing = "/nonexistent/console-tls/file.pem";
    let good_server = [
        ("SERVER_SSL_ENABLED", "true".to_owned()),
        ("SERVER_SSL_CERTIFICATE", path("rsa-chain.pem")),
        ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", path("rsa-pkcs8.pem")),
    ];
    let bad_management = [
        ("MANAGEMENT_SERVER_SSL_ENABLED", "true".to_owned()),
        ("MANAGEMENT_SERVER_SSL_CERTIFICATE", path("p256-cert.pem")),
        (
            "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            path("rsa-pkcs8.pem"),
        ),
    ];
    let bad_trust = [("NODE_EXTRA_CA_CERTS", missing.to_owned())];
    let bad_server = [
        ("SERVER_SSL_ENABLED", "true".to_owned()),
        ("SERVER_SSL_CERTIFICATE", missing.to_owned()),
        ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", path("rsa-pkcs8.pem")),
    ];
    let load = |parts: &[&[(&str, String)]]| {
        let vars: Vec<(&str, String)> = parts.iter().flat_map(|p| p.iter().cloned()).collect();
        let settings = Settings::from_vars(vars.clone());
        let first = Config::load(&settings, &Options::default()).unwrap_err();
        // The same as the report's first problem.
        let report = console_tls::report::check(&settings, &Options::default());
        assert_eq!(
            report.problems[0].env_var.as_deref(),
            first.env_var(),
            "{vars:?}"
        );
        (first.code(), first.env_var().map(str::to_owned))
    };
    let expect = |code, var: &str| (code, Some(var.to_owned()));
    for _ in 0..20 {
        assert_eq!(
            load(&[&bad_server, &bad_management, &bad_trust]),
            expect(ErrorCode::FileNotFound, "SERVER_SSL_CERTIFICATE")
        );
        assert_eq!(
            load(&[&good_server, &bad_management, &bad_trust]),
            expect(
                ErrorCode::KeyMismatch,
                "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY"
            )
        );
        assert_eq!(
            load(&[&good_server, &bad_trust]),
            expect(ErrorCode::FileNotFound, "NODE_EXTRA_CA_CERTS")
        );
    }
    let good = Settings::from_vars(good_server.to_vec());
    let config = Config::load(&good, &Options::default()).unwrap();
    assert!(config.server.is_some() && config.management.is_none());
    assert!(config.trust.extras().is_empty());
}
