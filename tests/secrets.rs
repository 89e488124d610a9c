//! Secrets hygiene: every error path, run with known passphrases, keys and a
//! URL password, and every message, warning, `Debug` string, JSON report and
//! CLI output (`check`, `check --json`, `inspect`) searched for them.
//!
//! Key material is searched as base64 at all three byte alignments (so a
//! base64 line cut anywhere is found) and as hex in both cases, in windows of
//! 15 bytes, for the plain PKCS#8 key and for the encrypted files' bytes.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use base64ct::{Base64, Encoding};
use common::{fixture, fixture_bytes};
use console_tls::report::check;
use console_tls::settings::Listener;
use console_tls::{Config, ErrorCode, Location, Options, Settings, Trust};

const BIN: &str = env!("CARGO_BIN_EXE_console-tls");
/// The passphrase of the encrypted fixtures used here.
const PASSPHRASE: &str = "correct horse battery staple";
/// A wrong passphrase: as secret as the right one.
const WRONG: &str = "Tr0ub4dor&3 wrong one";
/// A password in an Identity URL.
const URL_PASSWORD: &str = "UrlPassw0rdSecret";
/// The password of the PKCS#12 fixtures (tests/fixtures/keystore).
const KEY_STORE_PASSWORD: &str = "fixture-secret-7Qx";

/// What must never be shown.
struct Secrets {
    words: Vec<String>,
    windows: HashSet<String>,
}

const WINDOW_BYTES: usize = 15;

impl Secrets {
    /// The secrets in `ders`, less what `public` (the certificates, which
    /// carry the public half of each key) shows anyway.
    fn new(ders: &[Vec<u8>], public: &[Vec<u8>]) -> Secrets {
        let mut windows = Secrets::windows(ders);
        for window in Secrets::windows(public) {
            windows.remove(&window);
        }
        Secrets {
            words: [PASSPHRASE, WRONG, URL_PASSWORD, KEY_STORE_PASSWORD]
                .map(str::to_owned)
                .to_vec(),
            windows,
        }
    }

    fn windows(ders: &[Vec<u8>]) -> HashSet<String> {
        let mut windows = HashSet::new();
        for der in ders {
            for align in 0..3 {
                let b64 = Base64::encode_string(&der[align..]);
                let chars = WINDOW_BYTES / 3 * 4;
                for start in 0..b64.len().saturating_sub(chars + 4) {
                    windows.insert(b64[start..start + chars].to_owned());
                }
            }
            let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
            for start in (0..hex.len().saturating_sub(WINDOW_BYTES * 2)).step_by(2) {
                let window = &hex[start..start + WINDOW_BYTES * 2];
                windows.insert(window.to_owned());
                windows.insert(window.to_ascii_uppercase());
            }
        }
        windows
    }

    /// The first secret `text` shows, if any.
    fn find(&self, text: &str) -> Option<String> {
        if let Some(word) = self.words.iter().find(|w| text.contains(w.as_str())) {
            return Some(word.clone());
        }
        // Windows are ASCII: compare the byte windows that are ASCII.
        let bytes = text.as_bytes();
        [WINDOW_BYTES / 3 * 4, WINDOW_BYTES * 2]
            .into_iter()
            .flat_map(|len| bytes.windows(len))
            .filter_map(|window| std::str::from_utf8(window).ok())
            .find(|window| self.windows.contains(*window))
            .map(str::to_owned)
    }

    #[track_caller]
    fn assert_clean(&self, what: &str, text: &str) {
        if let Some(secret) = self.find(text) {
            panic!("{what}: shows {secret:?}:\n{text}");
        }
    }
}

fn encrypted(name: &str) -> PathBuf {
    fixture("encrypted", name)
}

fn text_of(path: &Path) -> String {
    String::from_utf8(std::fs::read(path).unwrap()).unwrap()
}

/// The DER of every PEM block of a file.
fn block_ders(path: &Path) -> Vec<Vec<u8>> {
    console_tls::pem::scan(&std::fs::read(path).unwrap())
        .into_iter()
        .map(|entry| entry.block.unwrap().der.to_vec())
        .collect()
}

fn secrets() -> Secrets {
    let mut ders = vec![
        fixture_bytes("encrypted", "rsa-pbkdf2-sha256-aes256.der"),
        fixture_bytes("encrypted", "ec-legacy-aes128.der"),
        fixture_bytes("identity", "rsa-pkcs8.der"),
    ];
    for file in [
        "rsa.pem",
        "ec.pem",
        "rsa-pbkdf2-sha256-aes256.pem",
        "rsa-legacy-aes256.pem",
        "ec-legacy-aes128.pem",
    ] {
        ders.extend(block_ders(&encrypted(file)));
    }
    for file in ["rsa-key.pem", "ec-key.pem"] {
        ders.extend(block_ders(&fixture("keystore", file)));
    }
    let public: Vec<Vec<u8>> = [
        encrypted("rsa.crt"),
        encrypted("ec.crt"),
        fixture("identity", "rsa-chain.pem"),
        fixture("keystore", "rsa-chain.pem"),
        fixture("keystore", "ec-chain.pem"),
    ]
    .iter()
    .flat_map(|file| block_ders(file))
    .collect();
    Secrets::new(&ders, &public)
}

/// One configuration to load, check and run the CLI on.
struct Scenario {
    name: &'static str,
    vars: Vec<(&'static str, String)>,
    options: Options,
    /// The CLI flags for `options`; `None` when the CLI cannot express them.
    cli_flags: Option<Vec<&'static str>>,
    /// The code `Config::load` fails with; `None` when it loads.
    expected: Option<ErrorCode>,
}

fn scenario(
    name: &'static str,
    expected: Option<ErrorCode>,
    vars: &[(&'static str, String)],
) -> Scenario {
    // Both passphrase variables are set in every scenario unless it sets them.
    let mut all: Vec<(&'static str, String)> = vars.to_vec();
    for passphrase_var in ["SERVER_SSL_PASSPHRASE", "MANAGEMENT_SERVER_SSL_PASSPHRASE"] {
        if !all.iter().any(|(name, _)| *name == passphrase_var) {
            all.push((passphrase_var, PASSPHRASE.to_owned()));
        }
    }
    if !all.iter().any(|(name, _)| *name == "SERVER_SSL_ENABLED") {
        all.push(("SERVER_SSL_ENABLED", "true".to_owned()));
    }
    Scenario {
        name,
        vars: all,
        options: Options::default(),
        cli_flags: Some(Vec::new()),
        expected,
    }
}

fn scenarios(dir: &Path) -> Vec<Scenario> {
    use ErrorCode::*;
    let rsa_cert = encrypted("rsa.crt").display().to_string();
    let ec_cert = encrypted("ec.crt").display().to_string();
    let plain = text_of(&encrypted("rsa.pem"));
    let pbes2 = text_of(&encrypted("rsa-pbkdf2-sha256-aes256.pem"));
    let legacy = text_of(&encrypted("rsa-legacy-aes256.pem"));
    let ec_legacy = text_of(&encrypted("ec-legacy-aes128.pem"));
    let body: String = plain
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n");
    let one_line: String = body.lines().collect();
    let lines: Vec<&str> = plain.lines().collect();
    let half = &plain[..plain.len() / 2];
    let key_file = dir.join("key.pem");
    std::fs::write(&key_file, &plain).unwrap();
    let key_path = key_file.display().to_string();
    let key = |v: String| ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", v);
    let cert = |v: &str| ("SERVER_SSL_CERTIFICATE", v.to_owned());
    let relabel = |label: &str| {
        plain
            .replace(
                "-----BEGIN PRIVATE KEY-----",
                &format!("-----BEGIN {label}-----"),
            )
            .replace(
                "-----END PRIVATE KEY-----",
                &format!("-----END {label}-----"),
            )
    };
    let mut damaged_der = plain.clone();
    // A byte inside the base64 changed: the DER no longer parses as PKCS#8.
    damaged_der.replace_range(lines[0].len() + 10..lines[0].len() + 14, "AAAA");
    let mut list = vec![
        scenario(
            "a bad boolean (nothing else read)",
            Some(ConfigInvalid),
            &[
                ("SERVER_SSL_ENABLED", "maybe".into()),
                cert(&plain),
                key(plain.clone()),
            ],
        ),
        scenario(
            "certificate missing",
            Some(ConfigMissing),
            &[key(plain.clone())],
        ),
        scenario(
            "unsupported scheme",
            Some(ConfigInvalid),
            &[cert("vault://tls/cert"), key(plain.clone())],
        ),
        scenario(
            "the key's base64 lines without BEGIN/END",
            Some(ConfigInvalid),
            &[cert(&rsa_cert), key(body.clone())],
        ),
        scenario(
            "the key's base64 on one line",
            Some(ConfigInvalid),
            &[cert(&rsa_cert), key(one_line.clone())],
        ),
        scenario(
            "file: and the key's base64",
            Some(ConfigInvalid),
            &[cert(&rsa_cert), key(format!("file:{one_line}"))],
        ),
        scenario(
            "the key PEM base64-encoded again (a Kubernetes secret's data)",
            Some(ConfigInvalid),
            &[
                cert(&rsa_cert),
                key(Base64::encode_string(plain.as_bytes())),
            ],
        ),
        scenario(
            "a BEGIN line with four dashes",
            Some(ConfigInvalid),
            &[
                cert(&rsa_cert),
                key(plain.replacen("-----BEGIN", "----BEGIN", 1)),
            ],
        ),
        scenario(
            "a lower-case BEGIN line",
            Some(ConfigInvalid),
            &[cert(&rsa_cert), key(plain.to_lowercase())],
        ),
        scenario(
            "key file not found",
            Some(FileNotFound),
            &[
                cert(&rsa_cert),
                key(dir.join("missing.pem").display().to_string()),
            ],
        ),
        scenario(
            "key is a directory",
            Some(FileUnreadable),
            &[cert(&rsa_cert), key(dir.display().to_string())],
        ),
        scenario(
            "key END line missing",
            Some(PemInvalid),
            &[cert(&rsa_cert), key(lines[..lines.len() - 1].join("\n"))],
        ),
        scenario(
            "key truncated in the middle",
            Some(PemInvalid),
            &[
                cert(&rsa_cert),
                key(format!("{half}\n-----END PRIVATE KEY-----\n")),
            ],
        ),
        scenario(
            "a character that is not base64",
            Some(PemInvalid),
            &[cert(&rsa_cert), key(plain.replacen('A', "!", 1))],
        ),
        scenario(
            "key DER damaged",
            Some(PemInvalid),
            &[cert(&rsa_cert), key(damaged_der)],
        ),
        scenario(
            "the key file as the certificate",
            Some(PemInvalid),
            &[cert(&key_path), key(key_path.clone())],
        ),
        scenario(
            "the key in a CERTIFICATE block",
            Some(CertInvalid),
            &[cert(&relabel("CERTIFICATE")), key(plain.clone())],
        ),
        scenario(
            "the key as a DSA key",
            Some(KeyUnsupported),
            &[cert(&rsa_cert), key(relabel("DSA PRIVATE KEY"))],
        ),
        scenario(
            "a PBES1 key",
            Some(KeyUnsupported),
            &[
                cert(&rsa_cert),
                key(text_of(&encrypted("pbes1-md5-des.pem"))),
                (
                    "SERVER_SSL_PASSPHRASE",
                    text_of(&encrypted("pbes1-md5-des.pass")),
                ),
            ],
        ),
        scenario(
            "an encrypted key without passphrase",
            Some(KeyEncrypted),
            &[
                cert(&rsa_cert),
                key(pbes2.clone()),
                ("SERVER_SSL_PASSPHRASE", String::new()),
            ],
        ),
        scenario(
            "a wrong passphrase (PBES2)",
            Some(PassphraseWrong),
            &[
                cert(&rsa_cert),
                key(pbes2.clone()),
                ("SERVER_SSL_PASSPHRASE", WRONG.into()),
            ],
        ),
        scenario(
            "a wrong passphrase (legacy)",
            Some(PassphraseWrong),
            &[
                cert(&rsa_cert),
                key(legacy.clone()),
                ("SERVER_SSL_PASSPHRASE", WRONG.into()),
            ],
        ),
        scenario(
            "the key of another certificate",
            Some(KeyMismatch),
            &[cert(&ec_cert), key(pbes2.clone())],
        ),
        scenario(
            "the chain in the wrong order",
            Some(ChainOrder),
            &[
                cert(
                    fixture("identity", "rsa-chain-reversed.pem")
                        .to_str()
                        .unwrap(),
                ),
                key(fixture("identity", "rsa-pkcs8.pem").display().to_string()),
            ],
        ),
        scenario(
            "a management key with a wrong passphrase",
            Some(PassphraseWrong),
            &[
                ("SERVER_SSL_ENABLED", "false".into()),
                ("MANAGEMENT_SERVER_SSL_ENABLED", "true".into()),
                ("MANAGEMENT_SERVER_SSL_CERTIFICATE", ec_cert.clone()),
                (
                    "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                    ec_legacy.clone(),
                ),
                ("MANAGEMENT_SERVER_SSL_PASSPHRASE", WRONG.into()),
            ],
        ),
        scenario(
            "a passphrase for a plain key (loads, with a warning)",
            None,
            &[cert(&rsa_cert), key(plain.clone())],
        ),
        scenario(
            "encrypted keys that load (PBES2, legacy)",
            None,
            &[
                cert(&rsa_cert),
                key(pbes2.clone()),
                ("MANAGEMENT_SERVER_SSL_ENABLED", "true".into()),
                ("MANAGEMENT_SERVER_SSL_CERTIFICATE", rsa_cert.clone()),
                (
                    "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                    legacy.clone(),
                ),
            ],
        ),
        scenario(
            "a key as the CA bundle",
            Some(PemInvalid),
            &[
                ("SERVER_SSL_ENABLED", "false".into()),
                ("NODE_EXTRA_CA_CERTS", key_path.clone()),
            ],
        ),
        scenario(
            "a key between certificates in an inline bundle",
            None,
            &[
                ("SERVER_SSL_ENABLED", "false".into()),
                (
                    "NODE_EXTRA_CA_CERTS",
                    format!(
                        "{}{plain}{}",
                        text_of(&encrypted("rsa.crt")),
                        text_of(&encrypted("ec.crt"))
                    ),
                ),
            ],
        ),
        scenario(
            "an http:// Identity URL with a password (loads, with a warning)",
            None,
            &[
                ("SERVER_SSL_ENABLED", "false".into()),
                (
                    "KEYCLOAK_BASE_URL",
                    format!("http://admin:{URL_PASSWORD}@identity.local/auth"),
                ),
            ],
        ),
        scenario(
            "Identity URLs with a password",
            Some(ConfigInvalid),
            &[
                ("SERVER_SSL_ENABLED", "false".into()),
                (
                    "KEYCLOAK_BASE_URL",
                    format!("http://admin:{URL_PASSWORD}@identity.local/auth"),
                ),
                (
                    "KEYCLOAK_INTERNAL_BASE_URL",
                    format!("ftp://admin:{URL_PASSWORD}@keycloak:8080"),
                ),
            ],
        ),
    ];
    let mut too_large = scenario(
        "a key above the size limit",
        Some(FileTooLarge),
        &[cert(&rsa_cert), key(key_path.clone())],
    );
    too_large.options = Options::default().max_file_size(1000);
    too_large.cli_flags = None;
    list.push(too_large);
    let mut require_tls = scenario(
        "http:// Identity with TLS required",
        Some(UrlNotHttps),
        &[
            ("SERVER_SSL_ENABLED", "false".into()),
            (
                "KEYCLOAK_BASE_URL",
                format!("http://admin:{URL_PASSWORD}@identity.local/auth"),
            ),
        ],
    );
    require_tls.options = Options::default().require_tls(true);
    require_tls.cli_flags = Some(vec!["--require-tls"]);
    list.push(require_tls);
    let mut lenient = scenario(
        "a key as the CA bundle, lenient",
        None,
        &[
            ("SERVER_SSL_ENABLED", "false".into()),
            ("NODE_EXTRA_CA_CERTS", plain.clone()),
        ],
    );
    lenient.options = Options::default().strict_trust(false);
    lenient.cli_flags = Some(vec!["--lenient"]);
    list.push(lenient);
    // PKCS#12 key stores: the store's password, right or wrong, and the keys
    // it holds never show, whichever way loading ends.
    let store = |name: &str| {
        (
            "SERVER_SSL_KEY_STORE",
            fixture("keystore", name).display().to_string(),
        )
    };
    let store_password = |v: &str| ("SERVER_SSL_KEY_STORE_PASSWORD", v.to_owned());
    let alias = |v: &str| ("SERVER_SSL_KEY_ALIAS", v.to_owned());
    for (name, expected, vars) in [
        (
            "a key store, its password and alias",
            None,
            vec![
                store("two-aliases.p12"),
                store_password(KEY_STORE_PASSWORD),
                alias("ec-server"),
            ],
        ),
        (
            "a key store, a wrong password",
            Some(PassphraseWrong),
            vec![store("rsa-legacy.p12"), store_password(WRONG)],
        ),
        (
            "a key store without its password",
            Some(KeyEncrypted),
            vec![store("rsa.p12")],
        ),
        (
            "a key store with several keys and no alias",
            Some(ConfigInvalid),
            vec![store("two-aliases.p12"), store_password(KEY_STORE_PASSWORD)],
        ),
        (
            "a key store and a certificate",
            Some(ConfigInvalid),
            vec![
                store("rsa.p12"),
                store_password(KEY_STORE_PASSWORD),
                cert(&rsa_cert),
            ],
        ),
        (
            "a JKS key store",
            Some(KeyUnsupported),
            vec![store("rsa.jks"), store_password(KEY_STORE_PASSWORD)],
        ),
        (
            "a key store that is a PEM key",
            Some(PemInvalid),
            vec![
                ("SERVER_SSL_KEY_STORE", key_path.clone()),
                store_password(KEY_STORE_PASSWORD),
            ],
        ),
    ] {
        list.push(scenario(name, expected, &vars));
    }
    list
}

fn cli(args: &[&str], vars: &[(&str, String)]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env_clear()
        .envs(vars.iter().map(|(name, value)| (name, value)))
        .output()
        .unwrap();
    assert!(out.status.code().is_some(), "{args:?} was killed");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn no_error_path_shows_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = secrets();
    for scenario in scenarios(dir.path()) {
        let name = scenario.name;
        let settings = Settings::from_vars(scenario.vars.iter().map(|(n, v)| (*n, v.as_str())));
        let mut texts = vec![format!("{settings:?}")];
        for listener in Listener::ALL {
            texts.push(format!("{:?}", settings.listener(listener)));
        }
        let (identity, identity_problems) =
            console_tls::Identity::from_settings_all(&settings, &scenario.options);
        texts.push(format!("{identity:?} {identity_problems:?}"));
        let loaded = Config::load(&settings, &scenario.options);
        let code = loaded.as_ref().err().map(|e| e.code());
        match loaded {
            Ok(config) => {
                texts.push(format!("{config:?}"));
                for tls in [&config.server, &config.management].into_iter().flatten() {
                    texts.push(format!("{tls:?} {:?} {:?}", tls.key(), tls.warnings()));
                    texts.extend(tls.warnings().iter().map(|w| w.to_string()));
                }
                texts.extend(config.warnings.iter().map(|w| w.to_string()));
                texts.extend(config.trust.warnings().iter().map(|w| w.to_string()));
            }
            Err(error) => {
                texts.push(error.to_string());
                texts.push(format!("{error:?} {:?}", error.kind()));
            }
        }
        let report = check(&settings, &scenario.options);
        texts.push(serde_json::to_string(&report).unwrap());
        texts.push(format!("{report:?}"));
        if let Some(flags) = &scenario.cli_flags {
            let mut args = vec!["check"];
            args.extend(flags);
            texts.push(cli(&args, &scenario.vars));
            args.push("--json");
            texts.push(cli(&args, &scenario.vars));
        }
        for (i, text) in texts.iter().enumerate() {
            secrets.assert_clean(&format!("{name} (text {i})"), text);
        }
        assert_eq!(
            code,
            scenario.expected,
            "{name}: {}",
            texts[texts.len() - 1]
        );
    }
}

#[test]
fn inspect_never_prints_key_material() {
    let secrets = secrets();
    let dir = tempfile::tempdir().unwrap();
    let combined = dir.path().join("combined.pem");
    let plain = text_of(&encrypted("rsa.pem"));
    std::fs::write(
        &combined,
        format!(
            "{}{plain}{}",
            text_of(&encrypted("rsa.crt")),
            &plain[..plain.len() / 2]
        ),
    )
    .unwrap();
    let files = [
        encrypted("rsa.pem"),
        encrypted("ec.pem"),
        encrypted("rsa-pbkdf2-sha256-aes256.pem"),
        encrypted("rsa-legacy-aes256.pem"),
        encrypted("ec-legacy-aes128.pem"),
        encrypted("rsa-pbkdf2-sha256-aes256.der"),
        fixture("identity", "rsa-pkcs8.der"),
        combined,
    ];
    for file in files {
        let out = cli(&["inspect", file.to_str().unwrap()], &[]);
        assert!(out.contains("key") || out.contains("KEY"), "{out}");
        secrets.assert_clean(&format!("inspect {}", file.display()), &out);
    }
    // Key stores, opened with their password, a wrong one, or none.
    for name in ["two-aliases.p12", "rsa-legacy.p12", "rsa.jks"] {
        let file = fixture("keystore", name);
        for password in [Some(KEY_STORE_PASSWORD), Some(WRONG), None] {
            let vars: Vec<(&str, String)> = password
                .map(|p| ("SERVER_SSL_KEY_STORE_PASSWORD", p.to_owned()))
                .into_iter()
                .collect();
            let out = cli(&["inspect", file.to_str().unwrap()], &vars);
            assert!(out.contains("key store"), "{out}");
            secrets.assert_clean(&format!("inspect {name}"), &out);
        }
    }
}

#[test]
fn verification_errors_show_no_secret() {
    let secrets = secrets();
    let chain = console_tls::certificate::parse_chain(&fixture_bytes("encrypted", "rsa.crt"))
        .unwrap()
        .iter()
        .map(|c| c.der().clone())
        .collect::<Vec<_>>();
    let none = Trust::load(&[], "NODE_EXTRA_CA_CERTS", &Options::default()).unwrap();
    let bundle = Location::parse(encrypted("rsa.crt").to_str().unwrap(), Path::new("/")).unwrap();
    let extra = Trust::load(&[bundle], "NODE_EXTRA_CA_CERTS", &Options::default()).unwrap();
    let now = SystemTime::now();
    let century = Duration::from_secs(100 * 365 * 86_400);
    let outcomes = [
        none.verify_server(&chain, "encrypted-rsa.test", now),
        extra.verify_server(&chain, "elsewhere.example", now),
        extra.verify_server(&chain, "encrypted-rsa.test", now + century),
        extra.verify_server(&chain, "encrypted-rsa.test", now - century),
    ];
    for outcome in outcomes {
        let error = outcome.expect_err("each verification fails");
        secrets.assert_clean("verify_server", &format!("{error} {error:?}"));
    }
}

// The search itself: it must find a key cut anywhere, in base64 or hex, and
// the passphrases, and nothing in public material.
#[test]
fn the_search_finds_what_it_looks_for() {
    let secrets = secrets();
    let plain = text_of(&encrypted("rsa.pem"));
    let body: String = plain.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = fixture_bytes("encrypted", "rsa-pbkdf2-sha256-aes256.der");
    let hex: String = der[600..620].iter().map(|b| format!("{b:02X}")).collect();
    for shown in [
        plain.clone(),
        format!("path /x/{}", &body[701..730]),
        format!("({})", Base64::encode_string(&der[500..530])),
        format!("bytes {hex}"),
        format!("x{PASSPHRASE}y"),
        format!("http://u:{URL_PASSWORD}@h"),
    ] {
        assert!(secrets.find(&shown).is_some(), "not found in {shown}");
    }
    let public = [
        text_of(&encrypted("rsa.crt")),
        cli(&["inspect", encrypted("rsa.crt").to_str().unwrap()], &[]),
    ];
    for text in public {
        assert_eq!(secrets.find(&text), None, "{text}");
    }
}

// The check that refuses data as a path must not refuse real paths, even
// long ones made only of base64 characters.
#[test]
fn ordinary_paths_are_not_mistaken_for_data() {
    for path in [
        "/etc/secrets/consoletls/certificate",
        "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
        "MANIFESTS/production/tls/certificate/server/chain",
        "MIIBpaths/are/not/keys/even/when/they/look/like/base6464",
        "file:MIIBpaths/are/not/keys/even/when/they/look/like/base6464",
        "tls",
        "/tls/-----/key.pem",
    ] {
        let location =
            Location::parse(path, Path::new("/base")).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(matches!(location, Location::File(_)), "{path}");
    }
}
