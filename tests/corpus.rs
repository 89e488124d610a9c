//! The loading corpus (tests/fixtures/corpus: files made by its make.sh with
//! openssl, and third-party test vectors listed in its PROVENANCE): every
//! case gives the code and key type of expected.tsv, every accepted key comes
//! back as the bytes `openssl pkcs8 -topk8 -nocrypt` writes for it (PKCS#8
//! v1), and every message names its file and holds neither the passphrase,
//! nor key material, nor a dependency's own words.
//!
//! The same table is checked through the C ABI (tests/c/test_corpus.c), from
//! Python (bindings/python/tests/test_corpus.py) and against Node's own TLS
//! (npm/__test__/differential-loading.test.js).
//!
//! `CORPUS_BLESS=1 cargo test --test corpus` rewrites expected.tsv from what
//! loading gives now, for review after make.sh changed the corpus.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use base64ct::{Base64, Encoding};
use console_tls::{Error, ServerTls};
use sha2::{Digest, Sha256};

fn corpus_dir() -> PathBuf {
    common::fixture("corpus", "")
}

struct Case {
    name: String,
    cert: String,
    key: String,
    passphrase: Option<String>,
    expected: String,
    key_type: String,
    /// The warning codes, comma-separated, or `-`.
    warnings: String,
}

fn table(name: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(corpus_dir().join(name)).unwrap();
    text.lines()
        .skip(1)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.split('\t').map(str::to_owned).collect())
        .collect()
}

/// `-` is no passphrase; `(empty)` the empty one (which means none too).
fn passphrase(field: &str) -> Option<String> {
    match field {
        "-" => None,
        "(empty)" => Some(String::new()),
        given => Some(given.to_owned()),
    }
}

fn cases() -> Vec<Case> {
    table("expected.tsv")
        .into_iter()
        .map(|f| Case {
            name: f[0].clone(),
            cert: f[1].clone(),
            key: f[2].clone(),
            passphrase: passphrase(&f[3]),
            expected: f[4].clone(),
            key_type: f[5].clone(),
            warnings: f[6].clone(),
        })
        .collect()
}

fn load(cert: &str, key: &str, pass: Option<&str>) -> Result<ServerTls, Error> {
    let dir = corpus_dir();
    let cert = dir.join(cert).display().to_string();
    let key = dir.join(key).display().to_string();
    let mut vars = vec![
        ("SERVER_SSL_CERTIFICATE", cert.as_str()),
        ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", key.as_str()),
    ];
    if let Some(pass) = pass {
        vars.push(("SERVER_SSL_PASSPHRASE", pass));
    }
    common::load_server(&vars)
}

/// Every case loaded once, shared by the tests (scrypt in a debug build is
/// slow enough to matter).
fn loaded() -> &'static HashMap<String, Result<ServerTls, Error>> {
    static LOADED: OnceLock<HashMap<String, Result<ServerTls, Error>>> = OnceLock::new();
    LOADED.get_or_init(|| {
        cases()
            .into_iter()
            .map(|c| {
                let result = load(&c.cert, &c.key, c.passphrase.as_deref());
                (c.name, result)
            })
            .collect()
    })
}

fn result(case: &Case) -> &'static Result<ServerTls, Error> {
    &loaded()[&case.name]
}

/// Code, key type and warnings, as expected.tsv spells them.
fn verdict(result: &Result<ServerTls, Error>) -> (String, String, String) {
    match result {
        Ok(tls) => {
            let warnings: Vec<&str> = tls.warnings().iter().map(|w| w.code.as_str()).collect();
            let warnings = if warnings.is_empty() {
                "-".to_owned()
            } else {
                warnings.join(",")
            };
            ("OK".to_owned(), tls.key_type().to_string(), warnings)
        }
        Err(error) => (
            error.code().as_str().to_owned(),
            "-".to_owned(),
            "-".to_owned(),
        ),
    }
}

#[test]
fn every_case_gives_its_expected_code_key_type_and_warnings() {
    if std::env::var_os("CORPUS_BLESS").is_some() {
        let mut out = String::from("case\tcert\tkey\tpassphrase\texpected\tkey_type\twarnings\n");
        for f in table("cases.tsv") {
            let (code, key_type, warnings) =
                verdict(&load(&f[1], &f[2], passphrase(&f[3]).as_deref()));
            out.push_str(&format!(
                "{}\t{}\t{}\t{}\t{code}\t{key_type}\t{warnings}\n",
                f[0], f[1], f[2], f[3]
            ));
        }
        std::fs::write(corpus_dir().join("expected.tsv"), out).unwrap();
    }
    let cases = cases();
    assert!(cases.len() >= 140, "the corpus has {} cases", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        let got = verdict(result(case));
        let want = (
            case.expected.clone(),
            case.key_type.clone(),
            case.warnings.clone(),
        );
        if got != want {
            wrong.push(format!("{}: expected {want:?}, got {got:?}", case.name));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn expected_lists_exactly_the_cases_make_sh_writes() {
    let made: Vec<Vec<String>> = table("cases.tsv");
    let expected: Vec<Vec<String>> = table("expected.tsv")
        .into_iter()
        .map(|f| f[..4].to_vec())
        .collect();
    assert_eq!(made, expected);
}

#[test]
fn accepted_keys_are_pkcs8_v1_as_openssl_writes_them() {
    let openssl: HashMap<(String, String), String> = table("openssl-pkcs8.tsv")
        .into_iter()
        .map(|f| ((f[0].clone(), f[1].clone()), f[2].clone()))
        .collect();
    let mut checked = 0;
    for case in cases().iter().filter(|c| c.expected == "OK") {
        let tls = result(case).as_ref().unwrap();
        let der = tls.key().pkcs8_der();
        // PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, … }: v1.
        let header = if der[1] & 0x80 != 0 {
            2 + (der[1] & 0x7f) as usize
        } else {
            2
        };
        assert_eq!(&der[header..header + 3], [2, 1, 0], "{}: not v1", case.name);
        let pass = match case.passphrase.as_deref() {
            None => "-".to_owned(),
            Some("") => "(empty)".to_owned(),
            Some(given) => given.to_owned(),
        };
        let want = openssl
            .get(&(case.key.clone(), pass))
            .unwrap_or_else(|| panic!("{}: not in openssl-pkcs8.tsv", case.name));
        let got = hex(&Sha256::digest(der));
        assert_eq!(
            &got, want,
            "{}: not what openssl pkcs8 -topk8 writes",
            case.name
        );
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} accepted cases");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Pieces of a key file a leak would show: lines of its base64 body, its
/// DER's base64, and hex runs of its DER.
fn key_material(path: &PathBuf) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    let mut pieces = Vec::new();
    let text = String::from_utf8_lossy(&bytes);
    if text.contains("-----BEGIN") {
        for line in text.lines() {
            if line.len() >= 32 && !line.contains("-----") && !line.contains(':') {
                pieces.push(line[8..32].to_owned());
            }
        }
    } else {
        let b64 = Base64::encode_string(&bytes);
        for chunk in b64.as_bytes().chunks(24).skip(1) {
            if chunk.len() == 24 {
                pieces.push(String::from_utf8(chunk.to_vec()).unwrap());
            }
        }
        for chunk in bytes.chunks(12).skip(1) {
            if chunk.len() == 12 {
                pieces.push(hex(chunk));
                pieces.push(hex(chunk).to_uppercase());
            }
        }
    }
    pieces
}

#[test]
fn messages_name_the_file_and_hold_no_secret_nor_dependency_text() {
    // Words of the libraries console-tls is built on, which an operator
    // should never have to decode.
    const FOREIGN: [&str; 12] = [
        "rustls",
        "aws-lc",
        "aws_lc",
        "webpki",
        "ring::",
        "der::",
        "ASN.1",
        "asn1",
        "unexpected error",
        "failed to parse",
        "x509-parser",
        "nom::",
    ];
    let dir = corpus_dir();
    for case in cases().iter().filter(|c| c.expected != "OK") {
        let error = result(case).as_ref().unwrap_err();
        let message = error.to_string();
        let debug = format!("{error:?}");
        let path = error
            .path()
            .unwrap_or_else(|| panic!("{}: no path in {message}", case.name));
        assert!(
            message.contains(&path.display().to_string()),
            "{}: {message}",
            case.name
        );
        for word in FOREIGN {
            assert!(
                !message.contains(word),
                "{}: {word:?} in {message}",
                case.name
            );
        }
        for text in [&message, &debug] {
            if let Some(pass) = case.passphrase.as_ref().filter(|p| !p.is_empty()) {
                assert!(
                    !text.contains(pass.as_str()),
                    "{}: passphrase in {text}",
                    case.name
                );
            }
            for piece in key_material(&dir.join(&case.key)) {
                assert!(
                    !text.contains(&piece),
                    "{}: key material in {text}",
                    case.name
                );
            }
        }
    }
}

/// The same key in PEM and in DER gets the same code and the same
/// description (the message differs only by the file's name).
#[test]
fn the_same_key_as_pem_and_der_gives_the_same_verdict() {
    let cases = cases();
    let by_name: HashMap<&str, &Case> = cases.iter().map(|c| (c.name.as_str(), c)).collect();
    let mut pairs = 0;
    for pem in cases.iter().filter(|c| c.name.ends_with("-pem")) {
        let Some(der) = by_name.get(format!("{}-der", pem.name.trim_end_matches("-pem")).as_str())
        else {
            continue;
        };
        assert_eq!(
            (&pem.expected, &pem.key_type),
            (&der.expected, &der.key_type),
            "{} vs {}",
            pem.name,
            der.name
        );
        if pem.expected != "OK" {
            let strip = |case: &Case| {
                let error = result(case).as_ref().unwrap_err();
                let path = error.path().unwrap().display().to_string();
                // The DER file has no PEM block: the place differs by "block 1 (line 1) of".
                error
                    .to_string()
                    .replace(&path, "FILE")
                    .replace("block 1 (line 1) of ", "")
            };
            assert_eq!(strip(pem), strip(der), "{} vs {}", pem.name, der.name);
        }
        pairs += 1;
    }
    assert!(pairs >= 30, "only {pairs} PEM/DER pairs");
}

/// What some messages must say: the OID of an unknown scheme (not a
/// guess at its family), the command that rewrites an explicit-curve key
/// (whose output the `*-rewritten` cases load), the certificate Node would
/// refuse by position, block and subject.
#[test]
fn messages_say_what_was_found_and_a_fix_that_works() {
    let message = |name: &str| {
        let case = cases().into_iter().find(|c| c.name == name).unwrap();
        result(&case).as_ref().unwrap_err().to_string()
    };
    for name in ["unknown-scheme-pem", "unknown-scheme-der"] {
        let text = message(name);
        assert!(
            text.contains("unknown scheme (OID 1.3.6.1.4.1.55555.1)"),
            "{text}"
        );
        assert!(!text.contains("PBES1"), "{text}");
    }
    for name in [
        "p256-explicit-pkcs8-pem",
        "p256-explicit-sec1-der",
        "p256-explicit-pbkdf2-sha256-aes256-der",
    ] {
        let text = message(name);
        assert!(text.contains("explicit curve parameters"), "{text}");
        assert!(
            text.contains("openssl pkey -in key.pem -ec_param_enc named_curve -out key-named.pem"),
            "{text}"
        );
    }
    for name in [
        "rsa3072-3prime-pkcs1-der",
        "v-pkcs1-rsa2048-priv-3prime-pem",
    ] {
        assert!(
            message(name).contains("multi-prime RSA key"),
            "{}",
            message(name)
        );
    }
    let text = message("chain-inter-sha1");
    for part in [
        "certificate 2 of the chain (CN=Corpus inter-sha1)",
        "block 2 (line 16)",
        "sha1WithRSAEncryption",
        "SHA-256",
    ] {
        assert!(text.contains(part), "{part:?} not in {text}");
    }
    let text = message("chain-inter-rsa919");
    assert!(text.contains("an RSA 919-bit key"), "{text}");
}
