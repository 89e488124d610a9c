//! File-system edge cases not covered by tests/identity.rs: permission
//! denied (as an unprivileged user, through the CLI), paths with spaces, and
//! paths that are not UTF-8 (Linux allows any bytes but NUL and `/`).

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{expect_code, fixture_bytes, load_server};
use console_tls::report::check;
use console_tls::{Config, ErrorCode, Options, Settings};

const BIN: &str = env!("CARGO_BIN_EXE_console-tls");

fn copy_fixture(dir: &Path, fixture_name: &str, as_name: &[u8]) -> PathBuf {
    let path = dir.join(OsStr::from_bytes(as_name));
    std::fs::write(&path, fixture_bytes("identity", fixture_name)).unwrap();
    path
}

/// A command that runs as `nobody` when this test runs as root, or `None`
/// when no tool can drop privileges here.
fn unprivileged(program: &str) -> Option<Command> {
    let attempts: [(&str, &[&str]); 2] = [
        (
            "setpriv",
            &["--reuid=65534", "--regid=65534", "--clear-groups", "--"],
        ),
        ("runuser", &["-u", "nobody", "--"]),
    ];
    for (tool, args) in attempts {
        let works = Command::new(tool)
            .args(args)
            .arg(program)
            .arg("--version")
            .output()
            .is_ok_and(|out| out.status.success());
        if works {
            let mut command = Command::new(tool);
            command.args(args).arg(program);
            return Some(command);
        }
    }
    None
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

#[test]
fn permission_denied_is_unreadable_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    // World-traversable, as a mounted secret's directory is; the key is not readable.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let cert = copy_fixture(dir.path(), "rsa-cert.pem", b"cert.pem");
    std::fs::set_permissions(&cert, std::fs::Permissions::from_mode(0o644)).unwrap();
    let key = copy_fixture(dir.path(), "rsa-pkcs8.pem", b"key.pem");
    let mut command = if is_root() {
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        match unprivileged(BIN) {
            Some(command) => command,
            None => {
                println!(
                    "SKIPPED: running as root and neither setpriv nor runuser can run {BIN} as nobody"
                );
                return;
            }
        }
    } else {
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o000)).unwrap();
        Command::new(BIN)
    };
    let out = command
        .arg("check")
        .env_clear()
        .env("SERVER_SSL_ENABLED", "true")
        .env("SERVER_SSL_CERTIFICATE", &cert)
        .env("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", &key)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = format!(
        "ERR_FILE_UNREADABLE SERVER_SSL_CERTIFICATE_PRIVATE_KEY: {} cannot be read (permission denied)",
        key.display()
    );
    assert!(text.contains(&expected), "{text}");
}

#[test]
fn paths_with_spaces_in_every_form() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("tls secrets");
    std::fs::create_dir(&sub).unwrap();
    let cert = copy_fixture(&sub, "rsa-cert.pem", b"server cert.pem");
    let key = copy_fixture(&sub, "rsa-pkcs8.pem", b" key with spaces .pem");
    let cert_text = cert.to_str().unwrap();
    let key_text = key.to_str().unwrap();
    let forms = [
        (cert_text.to_owned(), key_text.to_owned()),
        (format!("file:{cert_text}"), format!("file:{key_text}")),
        (
            format!("file://{}", cert_text.replace(' ', "%20")),
            format!("file://localhost{}", key_text.replace(' ', "%20")),
        ),
    ];
    for (cert_value, key_value) in forms {
        let tls = load_server(&[
            ("SERVER_SSL_CERTIFICATE", &cert_value),
            ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", &key_value),
        ])
        .unwrap_or_else(|e| panic!("{cert_value} / {key_value}: {e}"));
        assert_eq!(tls.chain().len(), 1);
    }
    // Relative to the base directory, and a missing one named whole.
    let settings = Settings::from_vars([
        ("SERVER_SSL_ENABLED", "true"),
        ("SERVER_SSL_CERTIFICATE", "tls secrets/server cert.pem"),
        (
            "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            "tls secrets/no such key.pem",
        ),
    ])
    .with_base_dir(dir.path());
    let error = expect_code(
        Config::load(&settings, &Options::default()),
        ErrorCode::FileNotFound,
    );
    let missing = dir.path().join("tls secrets/no such key.pem");
    assert_eq!(error.path(), Some(missing.as_path()));
    assert!(
        error.to_string().contains(missing.to_str().unwrap()),
        "{error}"
    );
}

/// Settings from raw bytes, as `Settings::from_env` reads them on Unix.
fn settings(vars: &[(&str, &[u8])], base: &Path) -> Settings {
    Settings::from_vars(vars.iter().copied()).with_base_dir(base)
}

// Decision: a location's path is bytes on Unix, so a file whose name is not
// UTF-8 loads like any other, in every form (bare, file:, file:// with raw or
// percent-escaped bytes). Messages and reports show such a path lossily
// (U+FFFD); `Error::path()` (and the C `ctls_error_path`) keep the bytes.
#[test]
fn non_utf8_paths_load_and_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path();
    let cert = copy_fixture(base, "rsa-chain.pem", b"cert-\xff\xfe.pem");
    let key = copy_fixture(base, "rsa-pkcs8.pem", b"key-latin1-\xe9.pem");
    let cert_bytes = cert.as_os_str().as_bytes();
    let key_bytes = key.as_os_str().as_bytes();
    let file_cert = [b"file:".as_slice(), cert_bytes].concat();
    let url_key = [
        b"file://".as_slice(),
        base.as_os_str().as_bytes(),
        b"/key-latin1-%E9.pem",
    ]
    .concat();
    let raw_url_key = [b"file://".as_slice(), key_bytes].concat();
    for (cert_value, key_value) in [
        (cert_bytes, key_bytes),
        (&file_cert[..], &url_key[..]),
        (b"cert-\xff\xfe.pem".as_slice(), &raw_url_key[..]),
    ] {
        let settings = settings(
            &[
                ("SERVER_SSL_ENABLED", b"true".as_slice()),
                ("SERVER_SSL_CERTIFICATE", cert_value),
                ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", key_value),
                ("NODE_EXTRA_CA_CERTS", cert_value),
            ],
            base,
        );
        let config = Config::load(&settings, &Options::default())
            .unwrap_or_else(|e| panic!("{}: {e}", String::from_utf8_lossy(key_value)));
        assert_eq!(config.server.unwrap().chain().len(), 2);
        // The chain's two certificates are the extra CAs.
        assert_eq!(config.trust.extras().len(), 2);
    }

    // A missing non-UTF-8 path: the error keeps the bytes, the message is lossy.
    let settings = settings(
        &[
            ("SERVER_SSL_ENABLED", b"true".as_slice()),
            ("SERVER_SSL_CERTIFICATE", cert_bytes),
            (
                "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                b"missing-\xff.pem".as_slice(),
            ),
        ],
        base,
    );
    let error = expect_code(
        Config::load(&settings, &Options::default()),
        ErrorCode::FileNotFound,
    );
    let missing = base.join(OsStr::from_bytes(b"missing-\xff.pem"));
    assert_eq!(error.path(), Some(missing.as_path()));
    assert!(
        error.to_string().contains("missing-\u{FFFD}.pem"),
        "{error}"
    );
    let report = check(&settings, &Options::default());
    let problem = &report.problems[0];
    assert_eq!(problem.code, "ERR_FILE_NOT_FOUND");
    assert!(problem
        .path
        .as_deref()
        .unwrap()
        .ends_with("missing-\u{FFFD}.pem"));
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains("missing-\u{FFFD}.pem"), "{json}");
}

// Identity URLs stay text: a URL that is not UTF-8 is refused, naming the variable.
#[test]
fn non_utf8_identity_url_is_config_invalid() {
    let settings = settings(
        &[(
            "KEYCLOAK_BASE_URL",
            b"https://identity.example/\xff".as_slice(),
        )],
        Path::new("/"),
    );
    let error = expect_code(
        console_tls::Identity::from_settings(&settings, &Options::default()),
        ErrorCode::ConfigInvalid,
    );
    assert_eq!(error.env_var(), Some("KEYCLOAK_BASE_URL"));
    assert!(error.to_string().contains("not valid UTF-8"), "{error}");
}

#[test]
fn the_cli_loads_a_non_utf8_path_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let cert = copy_fixture(dir.path(), "rsa-cert.pem", b"\xc0\xc1 cert.pem");
    let key = copy_fixture(dir.path(), "rsa-pkcs8.pem", b"\xc0\xc1 key.pem");
    let out = Command::new(BIN)
        .arg("check")
        .env_clear()
        .env("SERVER_SSL_ENABLED", "true")
        .env("SERVER_SSL_CERTIFICATE", &cert)
        .env("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", &key)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("server listener: TLS enabled, OK"), "{text}");
}
