//! Passphrase-protected private keys (issue 3), over keys made by OpenSSL 3
//! (`tests/fixtures/encrypted/make.sh`): encrypted PKCS#8 (PBES2 with PBKDF2
//! or scrypt), OpenSSL's legacy `Proc-Type: 4,ENCRYPTED` PEM, PBES1, and
//! algorithms outside the contract.
//!
//! The expected plaintext of every key is what `openssl pkey -passin … -outform
//! DER` printed, committed next to it; `manifest.tsv` says how make.sh asked
//! OpenSSL to encrypt each one.

use std::path::{Path, PathBuf};
use std::process::Command;

use console_tls::certificate::pem_encode;
use console_tls::key::{encrypted, load_private_key, Encryption};
use console_tls::{
    pem, ErrorCode, ErrorKind, KeyFormat, KeyType, Listener, Options, ServerTls, Settings,
    WarningCode,
};
use pkcs8::der::{Decode, Encode};
use pkcs8::pkcs5::pbes2::{self, Kdf, Pbkdf2Params, Pbkdf2Prf, ScryptParams};
use pkcs8::pkcs5::EncryptionScheme;
use pkcs8::{EncryptedPrivateKeyInfo, PrivateKeyInfo};

const CONVERT_HINT: &str = "openssl pkcs8 -topk8 -v2 aes-256-cbc";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/encrypted")
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// One line of manifest.tsv.
#[derive(Clone, Debug)]
struct Fixture {
    name: String,
    source: String,
    scheme: String,
    kdf: String,
    iterations: Option<u32>,
    cipher: String,
}

impl Fixture {
    fn pem(&self) -> Vec<u8> {
        read(&format!("{}.pem", self.name))
    }

    fn pass(&self) -> Vec<u8> {
        read(&format!("{}.pass", self.name))
    }

    /// openssl pkey's PKCS#8 DER of the decrypted key.
    fn expected_der(&self) -> Vec<u8> {
        read(&format!("{}.der", self.name))
    }

    fn decryptable(&self) -> bool {
        self.scheme == "PBES2" || self.is_legacy()
    }

    fn is_legacy(&self) -> bool {
        self.scheme == "legacy PEM (DEK-Info)"
    }

    fn expected_encryption(&self) -> Encryption {
        Encryption {
            scheme: self.scheme.clone(),
            kdf: self.kdf.clone(),
            iterations: self.iterations,
            cipher: self.cipher.clone(),
        }
    }

    fn expected_format(&self) -> KeyFormat {
        if self.is_legacy() {
            KeyFormat::LegacyEncrypted
        } else {
            KeyFormat::EncryptedPkcs8
        }
    }

    fn key_type(&self) -> KeyType {
        source_key_type(&self.source)
    }

    fn path(&self) -> PathBuf {
        dir().join(format!("{}.pem", self.name))
    }
}

fn source_key_type(source: &str) -> KeyType {
    match source {
        "rsa" => KeyType::Rsa { bits: 2048 },
        "ec" => KeyType::EcdsaP256,
        "ed25519" => KeyType::Ed25519,
        other => panic!("unknown source key {other}"),
    }
}

fn manifest() -> Vec<Fixture> {
    let text = String::from_utf8(read("manifest.tsv")).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 6, "manifest line {line:?}");
            Fixture {
                name: f[0].to_owned(),
                source: f[1].to_owned(),
                scheme: f[2].to_owned(),
                kdf: f[3].to_owned(),
                iterations: f[4].parse().ok(),
                cipher: f[5].to_owned(),
            }
        })
        .collect()
}

fn decryptable() -> Vec<Fixture> {
    manifest()
        .into_iter()
        .filter(Fixture::decryptable)
        .collect()
}

fn fixture(name: &str) -> Fixture {
    manifest()
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

/// The one key block of a fixture.
fn block_of(pem_text: &[u8]) -> pem::Block {
    let mut scanned = pem::scan(pem_text);
    assert_eq!(scanned.len(), 1);
    scanned.remove(0).block.unwrap()
}

/// No text shown to people or logs holds the passphrase (nor its trimmed
/// form), the plaintext key, or the encrypted key.
fn assert_no_secret(text: &str, passphrase: &[u8], keys: &[&[u8]]) {
    let pass = String::from_utf8_lossy(passphrase);
    assert!(!pass.trim().is_empty());
    assert!(
        !text.contains(pass.as_ref()) && !text.contains(pass.trim()),
        "the passphrase leaked into: {text}"
    );
    for key in keys {
        for line in pem_encode("PRIVATE KEY", key).lines() {
            if !line.starts_with("-----") {
                assert!(!text.contains(line), "key material leaked into: {text}");
            }
        }
    }
}

fn assert_error_hides_secrets(error: &console_tls::Error, fixture: &Fixture) {
    let pem_text = fixture.pem();
    let der = block_of(&pem_text).der.to_vec();
    let mut keys = vec![der.as_slice()];
    let plain;
    if fixture.decryptable() {
        plain = fixture.expected_der();
        keys.push(&plain);
    }
    let shown = format!("{error}\n{error:?}\n{:?}", error.kind());
    assert_no_secret(&shown, &fixture.pass(), &keys);
}

#[test]
fn fixtures_cover_every_combination_the_contract_lists() {
    let all = manifest();
    let pbes2: Vec<&Fixture> = all.iter().filter(|f| f.scheme == "PBES2").collect();
    for prf in ["SHA1", "SHA224", "SHA256", "SHA384", "SHA512"] {
        let kdf = format!("PBKDF2-HMAC-{prf}");
        assert!(pbes2.iter().any(|f| f.kdf == kdf), "no {kdf} fixture");
    }
    assert!(pbes2.iter().any(|f| f.kdf.starts_with("scrypt")));
    for cipher in ["AES-128-CBC", "AES-192-CBC", "AES-256-CBC", "DES-EDE3-CBC"] {
        assert!(
            pbes2.iter().any(|f| f.cipher == cipher),
            "no PBES2 {cipher}"
        );
        for source in ["rsa", "ec"] {
            assert!(
                all.iter()
                    .any(|f| f.is_legacy() && f.source == source && f.cipher == cipher),
                "no legacy {source} {cipher}"
            );
        }
    }
    for source in ["rsa", "ec", "ed25519"] {
        let count = pbes2.iter().filter(|f| f.source == source).count();
        assert!(count >= 2, "{source} has {count} PBES2 fixtures");
    }
    assert!(all.iter().any(|f| f.scheme == "PBES1"));
    let passphrases: Vec<Vec<u8>> = all.iter().map(Fixture::pass).collect();
    assert!(passphrases.iter().any(|p| !p.is_ascii()));
    assert!(passphrases
        .iter()
        .any(|p| p.starts_with(b" ") && p.ends_with(b" ")));

    // Every committed key is in the manifest, so none escapes the tests below.
    let mut on_disk: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter_map(|name| name.strip_suffix(".pem").map(str::to_owned))
        .filter(|name| !["rsa", "ec", "ed25519"].contains(&name.as_str()))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = all.iter().map(|f| f.name.clone()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn every_fixture_decrypts_to_openssls_pkcs8_byte_for_byte() {
    let fixtures = decryptable();
    assert!(fixtures.len() >= 20);
    for f in &fixtures {
        let (key, warnings) = load_private_key(&f.pem(), Some(&f.pass()))
            .unwrap_or_else(|e| panic!("{}: {e}", f.name));
        assert!(
            key.pkcs8_der() == f.expected_der().as_slice(),
            "{}: the decrypted key differs from openssl pkey's PKCS#8 DER",
            f.name
        );
        assert!(warnings.is_empty(), "{}: {warnings:?}", f.name);
        assert_eq!(key.format(), f.expected_format(), "{}", f.name);
        assert_eq!(
            key.encryption(),
            Some(&f.expected_encryption()),
            "{}",
            f.name
        );
        assert_eq!(key.key_type(), f.key_type(), "{}", f.name);
        assert!(key.public_key().is_some());
        let expected = f.expected_der();
        assert_no_secret(&format!("{key:?}"), &f.pass(), &[&expected]);
    }
}

#[test]
fn describe_reads_how_a_key_is_encrypted_without_the_passphrase() {
    for f in decryptable() {
        let block = block_of(&f.pem());
        let described = encrypted::describe(&block).unwrap_or_else(|e| panic!("{}: {e}", f.name));
        assert_eq!(described, Some(f.expected_encryption()), "{}", f.name);
    }
    for source in ["rsa", "ec", "ed25519"] {
        let block = block_of(&read(&format!("{source}.pem")));
        assert_eq!(encrypted::describe(&block).unwrap(), None, "{source}");
    }
}

#[test]
fn decrypt_returns_the_inner_structure_for_legacy_keys() {
    // PKCS#1 or SEC1 for legacy keys, which load_private_key then wraps.
    for name in ["rsa-legacy-aes128", "ec-legacy-des3"] {
        let f = fixture(name);
        let block = block_of(&f.pem());
        let encryption = encrypted::describe(&block).unwrap().unwrap();
        let inner = encrypted::decrypt(&block, &encryption, &f.pass()).unwrap();
        let expected = f.expected_der();
        let info = PrivateKeyInfo::from_der(&expected).unwrap();
        match f.source.as_str() {
            "rsa" => assert!(inner.as_slice() == info.private_key),
            _ => {
                let sec1 = sec1::EcPrivateKey::from_der(&inner).unwrap();
                let wrapped = sec1::EcPrivateKey::from_der(info.private_key).unwrap();
                assert_eq!(sec1.private_key, wrapped.private_key);
                assert!(sec1.parameters.is_some(), "openssl ec names the curve");
            }
        }
    }
}

/// Wrong passphrases a person might type: one character more, the right one
/// trimmed (nothing may be trimmed), and an empty one.
fn wrong_passphrases(right: &[u8]) -> Vec<Vec<u8>> {
    let mut wrong = vec![[right, b"x"].concat()];
    let text = String::from_utf8(right.to_vec()).unwrap();
    if text.trim() != text {
        wrong.push(text.trim().as_bytes().to_vec());
    }
    wrong
}

#[test]
fn a_wrong_passphrase_is_passphrase_wrong_for_every_scheme() {
    for f in decryptable() {
        if f.kdf == "scrypt (N=16384, r=8, p=1)" {
            // scrypt is covered by the N=1024 keys; N=16384 costs seconds in a debug build.
            continue;
        }
        for wrong in wrong_passphrases(&f.pass()) {
            let error = load_private_key(&f.pem(), Some(&wrong)).expect_err(&f.name);
            assert_eq!(
                error.code(),
                ErrorCode::PassphraseWrong,
                "{}: {error}",
                f.name
            );
            assert_eq!(
                error.kind(),
                &ErrorKind::PassphraseWrong {
                    scheme: f.expected_encryption().to_string()
                }
            );
            let message = error.to_string();
            assert!(
                message.contains(&f.cipher) && message.contains(&f.kdf),
                "{message}"
            );
            assert!(message.contains("block 1 (line 1)"), "{message}");
            assert_error_hides_secrets(&error, &f);
        }
    }
    // An empty passphrase is a wrong one, not a missing one.
    let f = fixture("ec-pbkdf2-sha256-des3");
    let error = load_private_key(&f.pem(), Some(b"")).unwrap_err();
    assert_eq!(error.code(), ErrorCode::PassphraseWrong);
}

/// A passphrase, other than the right one, whose decryption ends in valid
/// PKCS#7 padding: found by decrypting only the last block, the way an
/// attacker would. About one in 256 wrong passphrases is such a one.
fn wrong_passphrase_with_valid_padding(
    key_for: impl Fn(&[u8]) -> Vec<u8>,
    right: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Vec<u8> {
    use aes::cipher::{BlockDecrypt, KeyInit};
    let (previous, last) = match ciphertext.len() {
        16 => (iv, ciphertext),
        n => (&ciphertext[n - 32..n - 16], &ciphertext[n - 16..]),
    };
    for i in 0..20_000 {
        let candidate = format!("wrong-{i}").into_bytes();
        assert_ne!(candidate, right);
        let key = key_for(&candidate);
        let mut block = aes::Block::clone_from_slice(last);
        match key.len() {
            16 => aes::Aes128::new_from_slice(&key)
                .unwrap()
                .decrypt_block(&mut block),
            _ => aes::Aes256::new_from_slice(&key)
                .unwrap()
                .decrypt_block(&mut block),
        }
        let plain: Vec<u8> = block.iter().zip(previous).map(|(b, p)| b ^ p).collect();
        let pad = plain[15] as usize;
        if (1..=16).contains(&pad) && plain[16 - pad..].iter().all(|&b| b as usize == pad) {
            return candidate;
        }
    }
    panic!("no wrong passphrase with valid padding among 20 000");
}

#[test]
fn valid_padding_from_a_wrong_passphrase_is_still_passphrase_wrong() {
    // Legacy: EVP_BytesToKey-MD5 of the passphrase and the IV's first 8 bytes.
    let f = fixture("rsa-legacy-aes256");
    let block = block_of(&f.pem());
    let dek = block.header("DEK-Info").unwrap();
    let iv_hex = dek.split_once(',').unwrap().1;
    let iv: Vec<u8> = (0..iv_hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&iv_hex[i..i + 2], 16).unwrap())
        .collect();
    let evp = |pass: &[u8]| {
        use md5::{Digest, Md5};
        let d1 = Md5::new()
            .chain_update(pass)
            .chain_update(&iv[..8])
            .finalize();
        let d2 = Md5::new()
            .chain_update(d1)
            .chain_update(pass)
            .chain_update(&iv[..8])
            .finalize();
        [d1.as_slice(), d2.as_slice()].concat()
    };
    let wrong = wrong_passphrase_with_valid_padding(evp, &f.pass(), &iv, &block.der);
    assert_padding_passes_but_key_is_refused(&f, &wrong);

    // PBES2: PBKDF2-HMAC-SHA1, 1000 iterations, AES-128-CBC.
    let f = fixture("ed25519-pbkdf2-sha1-aes128");
    let block = block_of(&f.pem());
    let info = EncryptedPrivateKeyInfo::from_der(&block.der).unwrap();
    let params = info.encryption_algorithm.pbes2().unwrap();
    let (Kdf::Pbkdf2(kdf), pbes2::EncryptionScheme::Aes128Cbc { iv }) =
        (&params.kdf, params.encryption)
    else {
        panic!("the fixture is not PBKDF2 with AES-128-CBC");
    };
    let derive = |pass: &[u8]| {
        let mut key = vec![0u8; 16];
        aws_lc_rs::pbkdf2::derive(
            aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA1,
            std::num::NonZeroU32::new(kdf.iteration_count).unwrap(),
            kdf.salt,
            pass,
            &mut key,
        );
        key
    };
    let wrong = wrong_passphrase_with_valid_padding(derive, &f.pass(), iv, info.encrypted_data);
    assert_padding_passes_but_key_is_refused(&f, &wrong);
}

fn assert_padding_passes_but_key_is_refused(f: &Fixture, wrong: &[u8]) {
    let block = block_of(&f.pem());
    let encryption = encrypted::describe(&block).unwrap().unwrap();
    // The decryption itself succeeds: the padding is valid…
    let garbage = encrypted::decrypt(&block, &encryption, wrong).unwrap();
    assert!(garbage.as_slice() != f.expected_der().as_slice());
    // …but the bytes are no key, so the passphrase is wrong.
    let error = load_private_key(&f.pem(), Some(wrong)).unwrap_err();
    assert_eq!(
        error.code(),
        ErrorCode::PassphraseWrong,
        "{}: {error}",
        f.name
    );
}

#[test]
fn no_passphrase_is_key_encrypted_naming_the_scheme() {
    for f in decryptable() {
        let error = load_private_key(&f.pem(), None).expect_err(&f.name);
        assert_eq!(error.code(), ErrorCode::KeyEncrypted, "{}: {error}", f.name);
        assert_eq!(
            error.kind(),
            &ErrorKind::KeyEncrypted {
                scheme: f.expected_encryption().to_string()
            }
        );
        let message = error.to_string();
        assert!(message.contains(&f.cipher), "{message}");
        assert_error_hides_secrets(&error, &f);
    }
}

#[test]
fn pbes1_and_unknown_algorithms_are_unsupported_with_the_conversion_command() {
    let refused: Vec<Fixture> = manifest()
        .into_iter()
        .filter(|f| !f.decryptable())
        .collect();
    assert!(refused.len() >= 4);
    for f in &refused {
        for passphrase in [None, Some(f.pass())] {
            let error = load_private_key(&f.pem(), passphrase.as_deref()).expect_err(&f.name);
            assert_eq!(
                error.code(),
                ErrorCode::KeyUnsupported,
                "{}: {error}",
                f.name
            );
            let message = error.to_string();
            assert!(message.contains(CONVERT_HINT), "{message}");
            for named in [&f.kdf, &f.cipher] {
                if named != "-" {
                    assert!(message.contains(named.as_str()), "{message} lacks {named}");
                }
            }
            if f.scheme == "PBES1" {
                assert!(
                    message.contains("PBES1") || message.contains("PKCS#12"),
                    "{message}"
                );
                assert!(message.contains("-provider legacy"), "{message}");
            }
            assert_error_hides_secrets(&error, f);
        }
        let error = encrypted::describe(&block_of(&f.pem())).unwrap_err();
        assert_eq!(error.code(), ErrorCode::KeyUnsupported);
    }
}

#[test]
fn a_passphrase_for_a_plain_key_is_ignored_with_a_warning() {
    let passphrase = b"correct horse battery staple";
    for source in ["rsa", "ec", "ed25519"] {
        let pem_text = read(&format!("{source}.pem"));
        let expected = decryptable()
            .into_iter()
            .find(|f| f.source == source)
            .unwrap()
            .expected_der();

        let (key, warnings) = load_private_key(&pem_text, Some(passphrase)).unwrap();
        assert!(key.pkcs8_der() == expected.as_slice(), "{source}");
        assert_eq!(key.key_type(), source_key_type(source));
        assert_eq!(key.encryption(), None);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].code, WarningCode::PassphraseUnused);
        let shown = format!("{}\n{:?}", warnings[0], warnings[0]);
        assert_no_secret(&shown, passphrase, &[&expected]);

        let (_, warnings) = load_private_key(&pem_text, None).unwrap();
        assert!(warnings.is_empty());
    }
}

// The full path: environment variables → Settings → ServerTls.

fn file_var(path: &Path) -> Vec<u8> {
    format!("file:{}", path.display()).into_bytes()
}

fn cert_path(source: &str) -> PathBuf {
    dir().join(format!("{source}.crt"))
}

fn server_vars(f: &Fixture, passphrase: Option<&[u8]>) -> Vec<(&'static str, Vec<u8>)> {
    let mut vars = vec![
        ("SERVER_SSL_ENABLED", b"true".to_vec()),
        ("SERVER_SSL_CERTIFICATE", file_var(&cert_path(&f.source))),
        ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", file_var(&f.path())),
    ];
    if let Some(passphrase) = passphrase {
        vars.push(("SERVER_SSL_PASSPHRASE", passphrase.to_vec()));
    }
    vars
}

fn load_server(vars: Vec<(&'static str, Vec<u8>)>) -> console_tls::Result<ServerTls> {
    let settings = Settings::from_vars(vars);
    let listener = settings.listener(Listener::Server)?.expect("enabled");
    ServerTls::load(&listener, &Options::default())
}

#[test]
fn server_tls_decrypts_with_server_ssl_passphrase() {
    // One of each scheme and key type, with the ASCII, non-ASCII and spaced passphrases.
    for name in [
        "rsa-pbkdf2-sha256-aes256",
        "ec-pbkdf2-sha384-aes256",
        "ed25519-scrypt-des3",
        "ec-legacy-aes256",
        "rsa-legacy-des3",
    ] {
        let f = fixture(name);
        let tls =
            load_server(server_vars(&f, Some(&f.pass()))).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            tls.key().pkcs8_der() == f.expected_der().as_slice(),
            "{name}"
        );
        assert_eq!(tls.key_type(), f.key_type());
        assert!(tls.warnings().is_empty(), "{name}: {:?}", tls.warnings());
        assert_eq!(tls.chain().len(), 1);
        assert!(tls.key_pem().contains("-----BEGIN PRIVATE KEY-----"));
        let _config = tls.server_config();
        let expected = f.expected_der();
        assert_no_secret(&format!("{tls:?}"), &f.pass(), &[&expected]);
    }
}

#[test]
fn management_listener_uses_its_own_passphrase() {
    let server = fixture("rsa-pbkdf2-sha1-des3");
    let management = fixture("ec-legacy-aes192");
    let mut vars = server_vars(&server, Some(&server.pass()));
    vars.extend([
        ("MANAGEMENT_SERVER_SSL_ENABLED", b"yes".to_vec()),
        (
            "MANAGEMENT_SERVER_SSL_CERTIFICATE",
            file_var(&cert_path(&management.source)),
        ),
        (
            "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            file_var(&management.path()),
        ),
    ]);
    let settings = Settings::from_vars(vars.clone());
    let listener = settings.listener(Listener::Management).unwrap().unwrap();
    let error = ServerTls::load(&listener, &Options::default()).unwrap_err();
    // No inheritance: SERVER_SSL_PASSPHRASE does not decrypt the management key.
    assert_eq!(error.code(), ErrorCode::KeyEncrypted);
    assert_eq!(
        error.env_var(),
        Some("MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY")
    );
    assert!(error
        .to_string()
        .contains("set MANAGEMENT_SERVER_SSL_PASSPHRASE"));

    vars.push(("MANAGEMENT_SERVER_SSL_PASSPHRASE", management.pass()));
    let settings = Settings::from_vars(vars);
    let config = console_tls::Config::load(&settings, &Options::default()).unwrap();
    let server_tls = config.server.expect("server enabled");
    let management_tls = config.management.expect("management enabled");
    assert!(server_tls.key().pkcs8_der() == server.expected_der().as_slice());
    assert!(management_tls.key().pkcs8_der() == management.expected_der().as_slice());
}

#[test]
fn server_tls_errors_name_the_variables_and_the_file() {
    let f = fixture("rsa-pbkdf2-sha256-aes256");

    // Unset and empty passphrases alike: ERR_KEY_ENCRYPTED, telling which variable to set.
    for vars in [server_vars(&f, None), server_vars(&f, Some(b""))] {
        let error = load_server(vars).unwrap_err();
        assert_eq!(error.code(), ErrorCode::KeyEncrypted, "{error}");
        assert_eq!(error.env_var(), Some("SERVER_SSL_CERTIFICATE_PRIVATE_KEY"));
        assert_eq!(error.path(), Some(f.path().as_path()));
        let message = error.to_string();
        assert!(message.contains("set SERVER_SSL_PASSPHRASE"), "{message}");
        assert!(
            message.contains(&f.path().display().to_string()),
            "{message}"
        );
        assert!(message.contains("PBKDF2-HMAC-SHA256 with 2048 iterations"));
    }

    let wrong = b"correct horse battery stapler";
    let error = load_server(server_vars(&f, Some(wrong))).unwrap_err();
    assert_eq!(error.code(), ErrorCode::PassphraseWrong, "{error}");
    assert_eq!(error.env_var(), Some("SERVER_SSL_CERTIFICATE_PRIVATE_KEY"));
    assert_eq!(error.path(), Some(f.path().as_path()));
    assert_no_secret(&format!("{error}\n{error:?}"), wrong, &[]);
    assert_error_hides_secrets(&error, &f);

    // Decrypted, then checked against the certificate: a mismatch, not a wrong passphrase.
    let mut vars = server_vars(&f, Some(&f.pass()));
    vars[1].1 = file_var(&cert_path("ec"));
    let error = load_server(vars).unwrap_err();
    assert_eq!(error.code(), ErrorCode::KeyMismatch, "{error}");
    assert_error_hides_secrets(&error, &f);

    // A passphrase for a plain key: loaded, with a warning naming the passphrase variable.
    let plain = dir().join("ec.pem");
    let tls = load_server(vec![
        ("SERVER_SSL_ENABLED", b"true".to_vec()),
        ("SERVER_SSL_CERTIFICATE", file_var(&cert_path("ec"))),
        ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", file_var(&plain)),
        ("SERVER_SSL_PASSPHRASE", f.pass()),
    ])
    .unwrap();
    let warnings: Vec<_> = tls
        .warnings()
        .iter()
        .filter(|w| w.code == WarningCode::PassphraseUnused)
        .collect();
    assert_eq!(warnings.len(), 1, "{:?}", tls.warnings());
    assert_eq!(
        warnings[0].env_var.as_deref(),
        Some("SERVER_SSL_PASSPHRASE")
    );
    assert_no_secret(&format!("{}\n{:?}", warnings[0], tls), &f.pass(), &[]);
}

// Hostile parameters: refused from the parameters alone, before any key derivation.

fn crafted_pem(params: pbes2::Parameters<'_>) -> Vec<u8> {
    crafted_pem_with_data(params, &[0x5a; 48])
}

fn crafted_pem_with_data(params: pbes2::Parameters<'_>, ciphertext: &[u8]) -> Vec<u8> {
    let info = EncryptedPrivateKeyInfo {
        encryption_algorithm: EncryptionScheme::Pbes2(params),
        encrypted_data: ciphertext,
    };
    pem_encode("ENCRYPTED PRIVATE KEY", &info.to_der().unwrap()).into_bytes()
}

const SALT: [u8; 16] = [7; 16];
const IV: [u8; 16] = [9; 16];

fn pbkdf2_pem(iteration_count: u32, key_length: Option<u16>) -> Vec<u8> {
    crafted_pem(pbes2::Parameters {
        kdf: Kdf::Pbkdf2(Pbkdf2Params {
            salt: &SALT,
            iteration_count,
            key_length,
            prf: Pbkdf2Prf::HmacWithSha256,
        }),
        encryption: pbes2::EncryptionScheme::Aes256Cbc { iv: &IV },
    })
}

fn scrypt_pem(cost_parameter: u64, block_size: u16, parallelization: u16) -> Vec<u8> {
    crafted_pem(pbes2::Parameters {
        kdf: Kdf::Scrypt(ScryptParams {
            salt: &SALT,
            cost_parameter,
            block_size,
            parallelization,
            key_length: None,
        }),
        encryption: pbes2::EncryptionScheme::Aes128Cbc { iv: &IV },
    })
}

fn assert_refused(pem_text: &[u8], code: ErrorCode, mentions: &str) {
    for passphrase in [None, Some(&b"correct horse battery staple"[..])] {
        let error = load_private_key(pem_text, passphrase).unwrap_err();
        assert_eq!(error.code(), code, "{error}");
        assert!(error.to_string().contains(mentions), "{error}");
        assert_no_secret(
            &format!("{error}\n{error:?}"),
            b"correct horse battery staple",
            &[],
        );
    }
    let error = encrypted::describe(&block_of(pem_text)).unwrap_err();
    assert_eq!(error.code(), code, "{error}");
}

#[test]
fn hostile_pbkdf2_iteration_counts_are_refused_before_any_work() {
    let limit = encrypted::MAX_PBKDF2_ITERATIONS;
    for count in [limit + 1, 1 << 31, u32::MAX] {
        assert_refused(
            &pbkdf2_pem(count, None),
            ErrorCode::KeyUnsupported,
            &count.to_string(),
        );
    }
    assert_refused(
        &pbkdf2_pem(0, None),
        ErrorCode::PemInvalid,
        "iteration count is 0",
    );
    assert_refused(
        &pbkdf2_pem(2048, Some(5)),
        ErrorCode::PemInvalid,
        "5-byte key",
    );
    // At the limit the parameters are accepted: describe does no work.
    let block = block_of(&pbkdf2_pem(limit, None));
    let described = encrypted::describe(&block).unwrap().unwrap();
    assert_eq!(described.iterations, Some(limit));
}

#[test]
fn hostile_scrypt_parameters_are_refused_before_any_work() {
    for (n, r, p) in [
        (1u64 << 20, 8, 1), // 1 GiB
        (1 << 40, 8, 1),    // 128 TiB
        (1 << 62, 1, 1),    // overflows 128·N·r
        (1 << 14, u16::MAX, 1),
        (1 << 14, 8, u16::MAX),
    ] {
        assert_refused(
            &scrypt_pem(n, r, p),
            ErrorCode::KeyUnsupported,
            &format!("scrypt N={n}, r={r}, p={p}"),
        );
    }
    for (n, r, p) in [
        (0, 8, 1),
        (1, 8, 1),
        (3, 8, 1),
        (u64::MAX, 8, 1),
        (1 << 10, 0, 1),
        (1 << 10, 8, 0),
    ] {
        assert_refused(
            &scrypt_pem(n, r, p),
            ErrorCode::PemInvalid,
            "scrypt parameters",
        );
    }
    // The largest accepted: 128 · N · r · p = 256 MiB, described without deriving.
    let block = block_of(&scrypt_pem(1 << 18, 8, 1));
    let described = encrypted::describe(&block).unwrap().unwrap();
    assert_eq!(described.kdf, "scrypt (N=262144, r=8, p=1)");
}

#[test]
fn truncated_ciphertext_is_a_damaged_file_not_a_wrong_passphrase() {
    for len in [0, 47, 49] {
        let params = pbes2::Parameters::pbkdf2_sha256_aes256cbc(2048, &SALT, &IV).unwrap();
        let pem_text = crafted_pem_with_data(params, &vec![0x5a; len]);
        assert_refused(&pem_text, ErrorCode::PemInvalid, "truncated or damaged");
    }

    // A legacy key with its last 5 bytes cut off.
    let f = fixture("rsa-legacy-aes128");
    let block = block_of(&f.pem());
    let body = pem_encode("RSA PRIVATE KEY", &block.der[..block.der.len() - 5]);
    let headers = format!(
        "Proc-Type: 4,ENCRYPTED\nDEK-Info: {}\n\n",
        block.header("DEK-Info").unwrap()
    );
    let damaged = body.replacen("-----\n", &format!("-----\n{headers}"), 1);
    for passphrase in [None, Some(f.pass())] {
        let error = load_private_key(damaged.as_bytes(), passphrase.as_deref()).unwrap_err();
        assert_eq!(error.code(), ErrorCode::PemInvalid, "{error}");
        assert!(
            error.to_string().contains("truncated or damaged"),
            "{error}"
        );
    }
}

#[test]
fn keys_encrypted_by_rustcrypto_pkcs5_decrypt_too() {
    // A second, independent encoder: the pkcs5 crate's own encryption.
    let f = fixture("ec-legacy-aes128");
    let plain = f.expected_der();
    let info = PrivateKeyInfo::from_der(&plain).unwrap();
    let passphrase = "pässwörd – ключ – 🔑".as_bytes();
    let salt = [1u8; 16];
    let iv = [2u8; 16];
    let schemes = [
        pbes2::Parameters::pbkdf2_sha256_aes256cbc(1000, &salt, &iv).unwrap(),
        pbes2::Parameters::scrypt_aes128cbc(scrypt::Params::new(10, 8, 1, 16).unwrap(), &salt, &iv)
            .unwrap(),
    ];
    for params in schemes {
        let document = info.encrypt_with_params(params, passphrase).unwrap();
        let pem_text = pem_encode("ENCRYPTED PRIVATE KEY", document.as_bytes());
        let (key, _) = load_private_key(pem_text.as_bytes(), Some(passphrase)).unwrap();
        assert!(key.pkcs8_der() == plain.as_slice());
        assert_eq!(key.format(), KeyFormat::EncryptedPkcs8);
    }
}

// console-tls inspect: how a key is encrypted, without a passphrase.

fn inspect(path: &Path) -> (bool, Vec<String>) {
    let output = Command::new(env!("CARGO_BIN_EXE_console-tls"))
        .arg("inspect")
        .arg(path)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    (
        output.status.success(),
        stdout.lines().map(|l| l.trim().to_owned()).collect(),
    )
}

#[test]
fn inspect_prints_scheme_kdf_iterations_and_cipher() {
    for name in [
        "rsa-pbkdf2-sha256-aes256",
        "ec-legacy-aes256",
        "ed25519-scrypt-des3",
    ] {
        let f = fixture(name);
        let (success, lines) = inspect(&f.path());
        assert!(success, "{name}: {lines:?}");
        let label = if f.is_legacy() {
            "EC PRIVATE KEY"
        } else {
            "ENCRYPTED PRIVATE KEY"
        };
        let mut expected = vec![
            format!("block 1 (line 1): {label}"),
            format!("encrypted: {}", f.scheme),
            format!("key derivation: {}", f.kdf),
        ];
        if let Some(iterations) = f.iterations {
            expected.push(format!("iterations: {iterations}"));
        }
        expected.push(format!("cipher: {}", f.cipher));
        assert_eq!(lines, expected, "{name}");
    }
    let f = fixture("rsa-pbkdf2-sha256-aes256");
    let (_, lines) = inspect(&f.path());
    assert!(lines.contains(&"key derivation: PBKDF2-HMAC-SHA256".to_owned()));
    assert!(lines.contains(&"iterations: 2048".to_owned()));
    assert!(lines.contains(&"cipher: AES-256-CBC".to_owned()));

    let f = fixture("pbes1-md5-des");
    let (success, lines) = inspect(&f.path());
    assert!(!success);
    let text = lines.join("\n");
    assert!(
        text.contains("ERR_KEY_UNSUPPORTED") && text.contains(CONVERT_HINT),
        "{text}"
    );
}
