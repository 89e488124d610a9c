//! The malformed-input corpus (tests/fixtures/malformed, made by make.py):
//! every file gives its expected contract code, and nothing panics or hangs.

mod common;

use common::{fixture, load_server};

fn corpus() -> Vec<(String, String, String)> {
    let manifest = std::fs::read_to_string(fixture("malformed", "expected.tsv")).unwrap();
    manifest
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            (
                fields[0].to_owned(),
                fields[1].to_owned(),
                fields[2].to_owned(),
            )
        })
        .collect()
}

fn outcome(role: &str, path: &str) -> String {
    let cert = fixture("identity", "rsa-cert.pem").display().to_string();
    let key = fixture("identity", "rsa-pkcs8.pem").display().to_string();
    let (cert, key) = match role {
        "cert" => (path.to_owned(), key),
        "key" => (cert, path.to_owned()),
        other => panic!("unknown role {other}"),
    };
    match load_server(&[
        ("SERVER_SSL_CERTIFICATE", &cert),
        ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", &key),
    ]) {
        Ok(_) => "OK".to_owned(),
        Err(error) => {
            let expected_var = if role == "cert" {
                "SERVER_SSL_CERTIFICATE"
            } else {
                "SERVER_SSL_CERTIFICATE_PRIVATE_KEY"
            };
            assert_eq!(error.env_var(), Some(expected_var), "{path}: {error}");
            assert!(error.to_string().contains(path), "{path}: {error}");
            error.code().as_str().to_owned()
        }
    }
}

#[test]
fn every_corpus_file_gives_its_expected_code() {
    let corpus = corpus();
    assert!(corpus.len() >= 60, "the corpus has {} files", corpus.len());
    let mut wrong = Vec::new();
    for (name, role, expected) in &corpus {
        let path = fixture("malformed", name).display().to_string();
        let got = outcome(role, &path);
        if &got != expected {
            wrong.push(format!("{name}: expected {expected}, got {got}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_ten_megabyte_file_is_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("ten-megabytes.pem");
    let block = std::fs::read(fixture("identity", "rsa-cert.pem")).unwrap();
    let mut content = Vec::with_capacity(10 * 1024 * 1024 + block.len());
    while content.len() < 10 * 1024 * 1024 {
        content.extend_from_slice(&block);
    }
    std::fs::write(&big, content).unwrap();
    assert_eq!(outcome("cert", big.to_str().unwrap()), "ERR_FILE_TOO_LARGE");
    assert_eq!(outcome("key", big.to_str().unwrap()), "ERR_FILE_TOO_LARGE");
}
