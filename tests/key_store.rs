//! PKCS#12 key stores (`SERVER_SSL_KEY_STORE` …): every store that OpenSSL 3
//! (default and `-legacy`) and Java's keytool make loads to the same identity
//! as the PEM pair it was made from, and every way it can be wrong has its
//! code, variable and file, never the password. Fixtures:
//! tests/fixtures/keystore/make.sh.

mod common;

use std::time::Duration;

use common::{expect_code, fixture, ping};
use console_tls::reload::watched_files;
use console_tls::settings::ListenerVars;
use console_tls::{
    Config, ErrorCode, Listener, ListenerSettings, Location, Options, Passphrase, ServerTls,
    Settings,
};

/// The password of every fixture store (a test secret).
const PASSWORD: &str = "fixture-secret-7Qx";

fn path(name: &str) -> String {
    fixture("keystore", name).display().to_string()
}

fn pem_pair(cert: &str, key: &str) -> ServerTls {
    let settings = ListenerSettings::new(
        Location::File(fixture("keystore", cert)),
        Location::File(fixture("keystore", key)),
        None,
    );
    ServerTls::load(&settings, &Options::default()).expect("the PEM pair loads")
}

fn key_store(
    name: &str,
    password: Option<&str>,
    alias: Option<&str>,
) -> Result<ServerTls, console_tls::Error> {
    ServerTls::from_key_store(
        path(name).as_bytes(),
        password.map(str::as_bytes),
        None,
        alias,
        ListenerVars::ARGUMENTS,
        std::path::Path::new("/"),
        &Options::default(),
    )
}

fn load_vars(vars: &[(&str, String)]) -> Result<Config, console_tls::Error> {
    Config::load(&Settings::from_vars(vars.to_vec()), &Options::default())
}

fn server_vars(store: &str, password: Option<&str>) -> Vec<(&'static str, String)> {
    let mut vars = vec![
        ("SERVER_SSL_ENABLED", "true".to_owned()),
        ("SERVER_SSL_KEY_STORE", format!("file:{}", path(store))),
    ];
    if let Some(password) = password {
        vars.push(("SERVER_SSL_KEY_STORE_PASSWORD", password.to_owned()));
    }
    vars
}

#[track_caller]
fn assert_same_identity(store: &ServerTls, pair: &ServerTls, what: &str) {
    let ders = |tls: &ServerTls| -> Vec<Vec<u8>> {
        tls.chain().iter().map(|c| c.der().to_vec()).collect()
    };
    assert_eq!(ders(store), ders(pair), "{what}: chain");
    assert_eq!(
        store.key().pkcs8_der(),
        pair.key().pkcs8_der(),
        "{what}: PKCS#8 key"
    );
    assert_eq!(store.key_type(), pair.key_type(), "{what}: key type");
    assert_eq!(store.chain_pem(), pair.chain_pem(), "{what}: chain PEM");
    assert!(
        store.warnings().is_empty(),
        "{what}: {:?}",
        store.warnings()
    );
}

#[test]
fn every_store_loads_the_identity_of_its_pem_pair() {
    let rsa = pem_pair("rsa-chain.pem", "rsa-key.pem");
    let ec = pem_pair("ec-chain.pem", "ec-key.pem");
    let java = pem_pair("keytool-genkeypair-cert.pem", "keytool-genkeypair-key.pem");
    assert_eq!(rsa.chain().len(), 3, "leaf, intermediate, root");
    let cases: &[(&str, Option<&str>, Option<&str>, &ServerTls)] = &[
        // OpenSSL 3's default: PBES2 AES-256-CBC, HMAC-SHA-256.
        ("rsa.p12", Some(PASSWORD), None, &rsa),
        ("ec.p12", Some(PASSWORD), None, &ec),
        // -legacy: RC2-40 certificates, 3DES key, SHA-1 MAC.
        ("rsa-legacy.p12", Some(PASSWORD), None, &rsa),
        ("ec-legacy.p12", Some(PASSWORD), None, &ec),
        ("rsa-nomac.p12", Some(PASSWORD), None, &rsa),
        // PBES2 with 3DES (-keypbe/-certpbe des-ede3-cbc).
        ("rsa-pbes2-3des.p12", Some(PASSWORD), None, &rsa),
        // Exported with an empty password, or with no protection at all.
        ("rsa-empty-password.p12", None, None, &rsa),
        ("rsa-unencrypted.p12", None, None, &rsa),
        ("rsa-no-alias.p12", Some(PASSWORD), None, &rsa),
        // keytool (Java 17): its rewrite of an OpenSSL store, Java 8's
        // algorithms, and its own key pair.
        ("rsa-keytool.p12", Some(PASSWORD), None, &rsa),
        ("ec-keytool-legacy.p12", Some(PASSWORD), None, &ec),
        ("keytool-genkeypair.p12", Some(PASSWORD), None, &java),
        (
            "keytool-genkeypair.p12",
            Some(PASSWORD),
            Some("java-server"),
            &java,
        ),
        // Two key entries, chosen by alias in any case.
        ("two-aliases.p12", Some(PASSWORD), Some("rsa-server"), &rsa),
        ("two-aliases.p12", Some(PASSWORD), Some("EC-Server"), &ec),
    ];
    for (store, password, alias, pair) in cases {
        let what = format!("{store} alias {alias:?}");
        let loaded = key_store(store, *password, *alias).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_same_identity(&loaded, pair, &what);
    }
}

#[test]
fn both_listeners_load_key_stores_from_variables() {
    let dir = fixture("keystore", "");
    let vars = [
        ("SERVER_SSL_ENABLED", "true".to_owned()),
        (
            "SERVER_SSL_KEY_STORE",
            format!("file://{}", path("rsa.p12")),
        ),
        ("SERVER_SSL_KEY_STORE_PASSWORD", PASSWORD.to_owned()),
        ("SERVER_SSL_KEY_STORE_TYPE", "pkcs12".to_owned()),
        ("MANAGEMENT_SERVER_SSL_ENABLED", "yes".to_owned()),
        // Relative to the base directory.
        (
            "MANAGEMENT_SERVER_SSL_KEY_STORE",
            "two-aliases.p12".to_owned(),
        ),
        (
            "MANAGEMENT_SERVER_SSL_KEY_STORE_PASSWORD",
            PASSWORD.to_owned(),
        ),
        ("MANAGEMENT_SERVER_SSL_KEY_STORE_TYPE", "PKCS12".to_owned()),
        ("MANAGEMENT_SERVER_SSL_KEY_ALIAS", "ec-server".to_owned()),
    ];
    let settings = Settings::from_vars(vars).with_base_dir(&dir);
    let config = Config::load(&settings, &Options::default()).unwrap();
    assert_same_identity(
        config.server.as_ref().unwrap(),
        &pem_pair("rsa-chain.pem", "rsa-key.pem"),
        "server",
    );
    assert_same_identity(
        config.management.as_ref().unwrap(),
        &pem_pair("ec-chain.pem", "ec-key.pem"),
        "management",
    );

    // Rotation watches the key stores themselves.
    let files = watched_files(&settings);
    assert!(files.contains(&fixture("keystore", "rsa.p12")), "{files:?}");
    assert!(files.contains(&dir.join("two-aliases.p12")), "{files:?}");
    assert_eq!(files.len(), 2, "{files:?}");
}

#[test]
fn password_errors_name_the_variable_and_file() {
    for store in [
        "rsa.p12",
        "rsa-legacy.p12",
        "rsa-nomac.p12",
        "rsa-keytool.p12",
    ] {
        let error = expect_code(
            load_vars(&server_vars(store, Some("not-the-password"))),
            ErrorCode::PassphraseWrong,
        );
        assert_eq!(error.env_var(), Some("SERVER_SSL_KEY_STORE"), "{error}");
        assert_eq!(error.path(), Some(fixture("keystore", store).as_path()));
        assert!(error.to_string().contains(store), "{error}");

        let error = expect_code(
            load_vars(&server_vars(store, None)),
            ErrorCode::KeyEncrypted,
        );
        assert_eq!(error.env_var(), Some("SERVER_SSL_KEY_STORE"), "{error}");
        assert_eq!(error.path(), Some(fixture("keystore", store).as_path()));
        assert!(
            error
                .to_string()
                .contains("set SERVER_SSL_KEY_STORE_PASSWORD"),
            "{error}"
        );
    }
    // The management listener names its own variables.
    let vars = [
        ("MANAGEMENT_SERVER_SSL_ENABLED", "true".to_owned()),
        ("MANAGEMENT_SERVER_SSL_KEY_STORE", path("ec.p12")),
    ];
    let error = expect_code(load_vars(&vars), ErrorCode::KeyEncrypted);
    assert_eq!(error.env_var(), Some("MANAGEMENT_SERVER_SSL_KEY_STORE"));
    assert!(
        error
            .to_string()
            .contains("set MANAGEMENT_SERVER_SSL_KEY_STORE_PASSWORD"),
        "{error}"
    );
    // A password given for a store made with the empty one is wrong, as in
    // Java and OpenSSL.
    expect_code(
        key_store("rsa-empty-password.p12", Some(PASSWORD), None),
        ErrorCode::PassphraseWrong,
    );
}

#[test]
fn types_other_than_pkcs12_are_unsupported_with_the_conversion() {
    for kind in ["JKS", "jks", "JCEKS", "BKS", "PKCS11"] {
        let mut vars = server_vars("rsa.p12", Some(PASSWORD));
        vars.push(("SERVER_SSL_KEY_STORE_TYPE", kind.to_owned()));
        let error = expect_code(load_vars(&vars), ErrorCode::KeyUnsupported);
        assert_eq!(
            error.env_var(),
            Some("SERVER_SSL_KEY_STORE_TYPE"),
            "{error}"
        );
        let message = error.to_string();
        assert!(message.contains(kind), "{message}");
        assert!(
            message.contains(&format!(
                "keytool -importkeystore -srckeystore {0} -srcstoretype {kind} -destkeystore {0}.p12 -deststoretype pkcs12",
                path("rsa.p12")
            )),
            "{message}"
        );
    }
    // A JKS file, whatever the type says.
    for kind in [None, Some("PKCS12")] {
        let mut vars = server_vars("rsa.jks", Some(PASSWORD));
        vars.extend(kind.map(|k| ("SERVER_SSL_KEY_STORE_TYPE", k.to_owned())));
        let error = expect_code(load_vars(&vars), ErrorCode::KeyUnsupported);
        assert_eq!(error.env_var(), Some("SERVER_SSL_KEY_STORE"), "{error}");
        assert_eq!(error.path(), Some(fixture("keystore", "rsa.jks").as_path()));
        assert!(
            error
                .to_string()
                .contains("-srcstoretype JKS -destkeystore"),
            "{error}"
        );
    }
}

#[test]
fn derivations_over_the_crates_limit_are_unsupported_with_the_count() {
    // `openssl pkcs12 -export -iter 1000001` (Node opens it): the MAC's
    // count is read before any password is tried, so every password gets
    // the same answer, and it says the number.
    for password in [Some(PASSWORD), Some("wrong-secret"), None] {
        let error = expect_code(
            load_vars(&server_vars("rsa-iterations-over-limit.p12", password)),
            ErrorCode::KeyUnsupported,
        );
        assert_eq!(error.env_var(), Some("SERVER_SSL_KEY_STORE"), "{error}");
        let message = error.to_string();
        assert!(
            message.contains("a MAC of 1000001 iterations")
                && message.contains("at most 1000000")
                && message.contains("openssl pkcs12 -export"),
            "{message}"
        );
    }
    // A 1-iteration MAC (`-nomaciter`): the password is checked first, then
    // the bags' derivations are refused.
    let error = expect_code(
        key_store("rsa-bag-iterations-over-limit.p12", Some(PASSWORD), None),
        ErrorCode::KeyUnsupported,
    );
    assert!(
        error.to_string().contains("more than 1000000 iterations"),
        "{error}"
    );
    expect_code(
        key_store(
            "rsa-bag-iterations-over-limit.p12",
            Some("wrong-secret"),
            None,
        ),
        ErrorCode::PassphraseWrong,
    );
}

#[test]
fn schemes_console_tls_does_not_read_are_unsupported_not_damaged() {
    // OpenSSL writes both on request and Node opens them; the password is
    // right, so the answer is the scheme, with the re-export command.
    for (store, says) in [
        // PBES2 with Camellia: an OID p12-keystore does not know.
        ("rsa-camellia.p12", "OID 1.2.392.200011.61.1.1.1.4"),
        // An MD5 MAC.
        ("rsa-md5-mac.p12", "protected with an MD5 MAC"),
    ] {
        let error = expect_code(
            key_store(store, Some(PASSWORD), None),
            ErrorCode::KeyUnsupported,
        );
        let message = error.to_string();
        assert!(
            message.contains(says) && message.contains("re-export it with openssl pkcs12 -export"),
            "{store}: {message}"
        );
    }
}

#[test]
fn a_key_store_and_a_pem_pair_together_are_invalid() {
    for other in [
        "SERVER_SSL_CERTIFICATE",
        "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
    ] {
        let mut vars = server_vars("rsa.p12", Some(PASSWORD));
        vars.push((other, path("rsa-chain.pem")));
        let error = expect_code(load_vars(&vars), ErrorCode::ConfigInvalid);
        let message = error.to_string();
        assert!(message.contains("SERVER_SSL_KEY_STORE"), "{message}");
        assert!(message.contains(other), "{message}");
    }
    // Neither: the certificate is missing, and the message offers the key store.
    let error = expect_code(
        load_vars(&[("SERVER_SSL_ENABLED", "true".to_owned())]),
        ErrorCode::ConfigMissing,
    );
    assert_eq!(error.env_var(), Some("SERVER_SSL_CERTIFICATE"));
    assert!(
        error.to_string().contains("SERVER_SSL_KEY_STORE"),
        "{error}"
    );
    // Disabled: nothing is read, not even a conflicting pair.
    let mut vars = server_vars("missing.p12", None);
    vars[0].1 = "false".to_owned();
    vars.push(("SERVER_SSL_CERTIFICATE", "x".to_owned()));
    assert!(load_vars(&vars).unwrap().server.is_none());
}

#[test]
fn aliases_choose_the_entry_or_are_listed() {
    let error = expect_code(
        load_vars(&server_vars("two-aliases.p12", Some(PASSWORD))),
        ErrorCode::ConfigInvalid,
    );
    assert_eq!(error.env_var(), Some("SERVER_SSL_KEY_ALIAS"), "{error}");
    assert_eq!(
        error.path(),
        Some(fixture("keystore", "two-aliases.p12").as_path())
    );
    let message = error.to_string();
    assert!(message.contains("\"rsa-server\""), "{message}");
    assert!(message.contains("\"ec-server\""), "{message}");
    assert!(message.contains("set SERVER_SSL_KEY_ALIAS"), "{message}");

    let mut vars = server_vars("two-aliases.p12", Some(PASSWORD));
    vars.push(("SERVER_SSL_KEY_ALIAS", "tomcat".to_owned()));
    let error = expect_code(load_vars(&vars), ErrorCode::ConfigInvalid);
    assert_eq!(error.env_var(), Some("SERVER_SSL_KEY_ALIAS"), "{error}");
    let message = error.to_string();
    assert!(message.contains("\"tomcat\""), "{message}");
    assert!(
        message.contains("\"rsa-server\", \"ec-server\"")
            || message.contains("\"ec-server\", \"rsa-server\""),
        "{message}"
    );

    // An alias that names the only entry is still checked.
    expect_code(
        key_store("rsa.p12", Some(PASSWORD), Some("other")),
        ErrorCode::ConfigInvalid,
    );
    let mut vars = server_vars("rsa.p12", Some(PASSWORD));
    vars.push(("SERVER_SSL_KEY_ALIAS", "RSA-SERVER".to_owned()));
    load_vars(&vars).unwrap();
}

#[test]
fn files_that_are_not_key_stores() {
    // Certificates only.
    let error = expect_code(
        key_store("certificates-only.p12", Some(PASSWORD), None),
        ErrorCode::PemInvalid,
    );
    assert!(
        error.to_string().contains("no private key entry"),
        "{error}"
    );
    assert_eq!(error.env_var(), Some("keyStore"));
    // A PEM file given as a key store says so.
    let error = expect_code(
        key_store("rsa-chain.pem", Some(PASSWORD), None),
        ErrorCode::PemInvalid,
    );
    assert!(error.to_string().contains("PEM file"), "{error}");
    // A truncated store.
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture("keystore", "rsa.p12")).unwrap();
    let truncated = dir.path().join("truncated.p12");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let error = expect_code(
        key_store(truncated.to_str().unwrap(), Some(PASSWORD), None),
        ErrorCode::PemInvalid,
    );
    assert_eq!(error.path(), Some(truncated.as_path()));
    // Missing file, inline PEM, and another scheme.
    let error = expect_code(
        key_store("nowhere.p12", None, None),
        ErrorCode::FileNotFound,
    );
    assert_eq!(error.env_var(), Some("keyStore"));
    let inline = std::fs::read_to_string(fixture("keystore", "rsa-chain.pem")).unwrap();
    let mut vars = server_vars("rsa.p12", None);
    vars[1].1 = inline;
    let error = expect_code(load_vars(&vars), ErrorCode::ConfigInvalid);
    assert_eq!(error.env_var(), Some("SERVER_SSL_KEY_STORE"));
    vars[1].1 = "classpath:keystore.p12".to_owned();
    expect_code(load_vars(&vars), ErrorCode::ConfigInvalid);
}

#[test]
fn the_password_never_appears() {
    let mut outputs = Vec::new();
    let mut vars = server_vars("two-aliases.p12", Some(PASSWORD));
    let settings = Settings::from_vars(vars.clone());
    outputs.push(format!("{settings:?}"));
    outputs.push(format!(
        "{:?}",
        settings.listener(Listener::Server).unwrap()
    ));
    for result in [
        load_vars(&vars).map(|_| ()),
        key_store("rsa.jks", Some(PASSWORD), None).map(|_| ()),
        key_store("certificates-only.p12", Some(PASSWORD), None).map(|_| ()),
        key_store("two-aliases.p12", Some(PASSWORD), Some("nope")).map(|_| ()),
    ] {
        let error = result.unwrap_err();
        outputs.push(error.to_string());
        outputs.push(format!("{error:?}"));
    }
    vars.push(("SERVER_SSL_KEY_ALIAS", "rsa-server".to_owned()));
    let config = load_vars(&vars).unwrap();
    outputs.push(format!("{:?}", config.server.as_ref().unwrap()));
    for password in ["wrong-fixture-secret", ""] {
        let error = key_store("rsa.p12", Some(password), None).unwrap_err();
        outputs.push(error.to_string());
        outputs.push(format!("{error:?}"));
        if !password.is_empty() {
            assert!(!error.to_string().contains(password), "{error}");
        }
    }
    for output in outputs {
        assert!(!output.contains(PASSWORD), "{output}");
    }
    // A password that is not UTF-8 cannot be a PKCS#12 password.
    let error = expect_code(
        ServerTls::from_key_store(
            path("rsa.p12").as_bytes(),
            Some(b"\xff\xfe"),
            None,
            None,
            Listener::Server.vars(),
            std::path::Path::new("/"),
            &Options::default(),
        ),
        ErrorCode::ConfigInvalid,
    );
    assert_eq!(error.env_var(), Some("SERVER_SSL_KEY_STORE_PASSWORD"));
    let redacted = format!("{:?}", Passphrase::new(PASSWORD));
    assert!(!redacted.contains(PASSWORD), "{redacted}");
}

#[test]
fn rustls_serves_the_key_store_identity() {
    let tls = key_store("ec-legacy.p12", Some(PASSWORD), None).unwrap();
    let server = ping::serve(tls.server_config(), 1);
    let root = std::fs::read(fixture("keystore", "root-cert.pem")).unwrap();
    let root = console_tls::certificate::parse_chain(&root).unwrap();
    let served = ping::ping(server.port, root[0].der().as_ref(), "localhost");
    assert_eq!(served.len(), 3, "leaf, intermediate and root are served");
    assert_eq!(served[0].as_ref(), tls.leaf().der().as_ref());
    server.join();
}

#[test]
fn rotation_reloads_a_replaced_key_store_and_keeps_the_last_good_one() {
    use console_tls::reload::{ConfigWatcher, Poll};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keystore.p12");
    std::fs::copy(fixture("keystore", "rsa.p12"), &file).unwrap();
    let settings = Settings::from_vars([
        ("SERVER_SSL_ENABLED", "true".to_owned()),
        ("SERVER_SSL_KEY_STORE", file.display().to_string()),
        ("SERVER_SSL_KEY_STORE_PASSWORD", PASSWORD.to_owned()),
    ]);
    let (watcher, error) = ConfigWatcher::new(settings, Options::default());
    assert!(error.is_none(), "{error:?}");
    assert_eq!(watcher.files(), std::slice::from_ref(&file));
    let key_type = |config: &Config| config.server.as_ref().unwrap().key_type().to_string();
    assert_eq!(key_type(&watcher.current().unwrap()), "RSA 2048-bit");

    // Replaced the way a secret volume swaps files: a new file renamed over it.
    let replace = |source: &str| {
        let staged = dir.path().join("staged.p12");
        std::fs::copy(fixture("keystore", source), &staged).unwrap();
        std::fs::rename(&staged, &file).unwrap();
    };
    // Bounded polling: the watcher reloads once the file has held still.
    let next = || {
        for _ in 0..200 {
            match watcher.poll() {
                Poll::Unchanged => std::thread::sleep(Duration::from_millis(10)),
                other => return other,
            }
        }
        panic!("no reload after 200 polls");
    };
    replace("ec.p12");
    match next() {
        Poll::Reloaded(config) => assert_eq!(key_type(&config), "ECDSA P-256"),
        Poll::Failed(error) => panic!("{error}"),
        Poll::Unchanged => unreachable!(),
    }
    // A store with another password fails; the EC identity stays current.
    replace("rsa-empty-password.p12");
    match next() {
        Poll::Failed(error) => assert_eq!(error.code(), ErrorCode::PassphraseWrong, "{error}"),
        Poll::Reloaded(_) => panic!("a store the password does not open was loaded"),
        Poll::Unchanged => unreachable!(),
    }
    assert_eq!(key_type(&watcher.current().unwrap()), "ECDSA P-256");
}

#[test]
fn damaged_stores_fail_with_a_code_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("damaged.p12");
    for name in ["rsa.p12", "rsa-legacy.p12", "rsa-nomac.p12"] {
        let good = std::fs::read(fixture("keystore", name)).unwrap();
        let mut variants: Vec<Vec<u8>> = (0..good.len())
            .step_by(97)
            .map(|cut| good[..cut].to_vec())
            .collect();
        for at in (0..good.len()).step_by(61) {
            let mut flipped = good.clone();
            flipped[at] ^= 0x5a;
            variants.push(flipped);
        }
        for bytes in variants {
            std::fs::write(&file, &bytes).unwrap();
            match key_store(file.to_str().unwrap(), Some(PASSWORD), None) {
                Ok(tls) => assert!(!tls.chain().is_empty()),
                Err(error) => {
                    assert!(!error.to_string().contains(PASSWORD), "{error}");
                    assert_eq!(error.path(), Some(file.as_path()), "{error}");
                }
            }
        }
    }
}

#[test]
fn the_other_sources_variables_are_ignored_with_a_warning() {
    let unused = |config: &Config| -> Vec<String> {
        config
            .warnings
            .iter()
            .filter(|w| w.code == console_tls::WarningCode::SettingUnused)
            .map(|w| w.env_var.clone().unwrap_or_default())
            .collect()
    };
    // A passphrase beside a key store decrypts nothing: said, not silently dropped.
    let mut vars = server_vars("rsa.p12", Some(PASSWORD));
    vars.push(("SERVER_SSL_PASSPHRASE", "correct horse".to_owned()));
    let config = load_vars(&vars).expect("the store loads");
    assert_eq!(unused(&config), ["SERVER_SSL_PASSPHRASE"]);
    let warning = config
        .warnings
        .iter()
        .find(|w| w.code == console_tls::WarningCode::SettingUnused);
    let text = warning.unwrap().to_string();
    assert!(text.contains("the key store"), "{text}");
    assert!(!text.contains("correct horse"), "{text}");

    // Key store settings beside a PEM pair.
    let config = load_vars(&[
        ("SERVER_SSL_ENABLED", "true".to_owned()),
        ("SERVER_SSL_CERTIFICATE", path("rsa-chain.pem")),
        ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", path("rsa-key.pem")),
        ("SERVER_SSL_KEY_STORE_PASSWORD", PASSWORD.to_owned()),
        ("SERVER_SSL_KEY_ALIAS", "console".to_owned()),
    ])
    .expect("the PEM pair loads");
    assert_eq!(
        unused(&config),
        ["SERVER_SSL_KEY_STORE_PASSWORD", "SERVER_SSL_KEY_ALIAS"]
    );

    // Nothing of the kind: no such warning.
    let config = load_vars(&server_vars("rsa.p12", Some(PASSWORD))).unwrap();
    assert!(unused(&config).is_empty(), "{:?}", config.warnings);
}
