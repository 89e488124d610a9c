//! The `console-tls` binary: exit codes, the readable report and `--json`.

mod common;

use std::process::{Command, Output};

use common::fixture;

fn console_tls(args: &[&str], vars: &[(&str, String)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_console-tls"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    for (name, value) in vars {
        command.env(name, value);
    }
    command.output().expect("the binary runs")
}

fn identity(name: &str) -> String {
    format!("file:{}", fixture("identity", name).display())
}

#[test]
fn check_clean_configuration_exits_0_with_a_readable_report() {
    let out = console_tls(
        &["check"],
        &[
            ("SERVER_SSL_ENABLED", "true".into()),
            ("SERVER_SSL_CERTIFICATE", identity("rsa-chain.pem")),
            (
                "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                identity("rsa-pkcs1.pem"),
            ),
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("server listener: TLS enabled, OK"), "{text}");
    assert!(text.contains("[1] leaf: CN=rsa.test"), "{text}");
    assert!(
        text.contains("[2] chain: CN=Fixture Intermediate CA"),
        "{text}"
    );
    assert!(text.contains("names:    DNS:rsa.test"), "{text}");
    assert!(
        text.contains("private key: RSA 2048-bit (PKCS#1)"),
        "{text}"
    );
    assert!(text.contains("management listener: TLS disabled"), "{text}");
}

#[test]
fn check_reports_every_problem_and_exits_1() {
    let vars = [
        ("SERVER_SSL_ENABLED", "true".into()),
        ("SERVER_SSL_CERTIFICATE", identity("rsa-chain.pem")),
        (
            "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            identity("p256-pkcs8.pem"),
        ),
        ("MANAGEMENT_SERVER_SSL_ENABLED", "sure".into()),
    ];
    let out = console_tls(&["check"], &vars);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("ERR_KEY_MISMATCH SERVER_SSL_CERTIFICATE_PRIVATE_KEY: the key in"),
        "{text}"
    );
    assert!(
        text.contains("ERR_CONFIG_INVALID MANAGEMENT_SERVER_SSL_ENABLED"),
        "{text}"
    );

    let out = console_tls(&["check", "--json"], &vars);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{report}");
    assert_eq!(problems[0]["code"], "ERR_KEY_MISMATCH");
    assert_eq!(problems[0]["envVar"], "SERVER_SSL_CERTIFICATE_PRIVATE_KEY");
    assert_eq!(
        problems[0]["path"],
        fixture("identity", "p256-pkcs8.pem").display().to_string()
    );
    assert_eq!(problems[1]["code"], "ERR_CONFIG_INVALID");
}

#[test]
fn check_prometheus_prints_the_metrics_or_the_problems() {
    let vars = [
        ("SERVER_SSL_ENABLED", "true".into()),
        ("SERVER_SSL_CERTIFICATE", identity("rsa-chain.pem")),
        (
            "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            identity("rsa-pkcs1.pem"),
        ),
    ];
    let out = console_tls(&["check", "--prometheus"], &vars);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    let chain =
        console_tls::certificate::parse_chain(&common::fixture_bytes("identity", "rsa-chain.pem"))
            .unwrap();
    let expiry: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("ssl_chain_expiry_seconds{"))
        .collect();
    assert_eq!(expiry.len(), chain.len(), "{text}");
    for (line, cert) in expiry.iter().zip(&chain) {
        let labels = format!(
            "ssl_chain_expiry_seconds{{bundle=\"server\",chain=\"server\",certificate=\"{}\"}} ",
            cert.info().serial
        );
        assert!(line.starts_with(&labels), "{line}");
    }
    assert!(
        text.lines().any(|l| l == "# TYPE ssl_chains gauge"),
        "{text}"
    );
    // One chain, judged by the fixture's own dates, counted once.
    let counts: i64 = text
        .lines()
        .filter(|l| l.starts_with("ssl_chains{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(counts, 1, "{text}");

    // The threshold is the CLI's to set: a century makes the chain expire soon.
    let out = console_tls(
        &["check", "--prometheus", "--warning-threshold-days", "36500"],
        &vars,
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l == "ssl_chains{status=\"will-expire-soon\"} 1"),
        "{text}"
    );

    // With problems: no metrics, the report on stderr, exit 1 as `check`.
    let out = console_tls(
        &["check", "--prometheus"],
        &[
            ("SERVER_SSL_ENABLED", "true".into()),
            ("SERVER_SSL_CERTIFICATE", identity("rsa-chain.pem")),
            (
                "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                identity("p256-pkcs8.pem"),
            ),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("ERR_KEY_MISMATCH"));
    assert_eq!(
        console_tls(&["check", "--prometheus", "--json"], &vars)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        console_tls(&["check", "--no-such-flag"], &[]).status.code(),
        Some(2)
    );
    assert_eq!(console_tls(&["frobnicate"], &[]).status.code(), Some(2));
}

#[test]
fn inspect_describes_each_block() {
    let combined = fixture("identity", "rsa-combined.pem");
    let out = console_tls(&["inspect", combined.to_str().unwrap()], &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("block 1 (line 1): CERTIFICATE"), "{text}");
    assert!(text.contains("subject: CN=rsa.test"), "{text}");
    assert!(text.contains("block 3 (line "), "{text}");
    assert!(text.contains("RSA 2048-bit key, PKCS#8"), "{text}");
    let der = fixture("identity", "rsa-cert.der");
    let out = console_tls(&["inspect", der.to_str().unwrap()], &[]);
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("DER certificate"));
}

#[test]
fn inspect_lists_a_key_stores_entries_and_check_loads_one() {
    let password = "fixture-secret-7Qx";
    let store = fixture("keystore", "two-aliases.p12");
    let store = store.to_str().unwrap();
    let out = console_tls(
        &["inspect", store],
        &[("SERVER_SSL_KEY_STORE_PASSWORD", password.to_owned())],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with("PKCS#12 key store: 2 key entries"),
        "{text}"
    );
    assert!(
        text.contains("entry \"rsa-server\": RSA 2048-bit key"),
        "{text}"
    );
    assert!(
        text.contains("entry \"ec-server\": ECDSA P-256 key"),
        "{text}"
    );
    assert!(
        text.contains("subject: CN=Key Store Fixture Root"),
        "{text}"
    );
    // The password is read from a variable, never echoed.
    let out = console_tls(
        &["inspect", "--password-env", "P12_PASS", store],
        &[("P12_PASS", "not-it".to_owned())],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("ERR_PASSPHRASE_WRONG"), "{text}");
    assert!(!text.contains("not-it"), "{text}");

    let vars = [
        ("SERVER_SSL_ENABLED", "true".to_owned()),
        ("SERVER_SSL_KEY_STORE", store.to_owned()),
        ("SERVER_SSL_KEY_STORE_PASSWORD", password.to_owned()),
    ];
    let out = console_tls(&["check"], &vars);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("ERR_CONFIG_INVALID SERVER_SSL_KEY_ALIAS"),
        "{text}"
    );
    assert!(!text.contains(password), "{text}");
    let mut vars = vars.to_vec();
    vars.push(("SERVER_SSL_KEY_ALIAS", "ec-server".to_owned()));
    let out = console_tls(&["check"], &vars);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("leaf: CN=ec key store fixture"), "{text}");
}
