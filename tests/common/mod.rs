//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod ping;
pub mod pki;
pub mod secret_volume;

use std::path::PathBuf;

use console_tls::{Config, Error, ErrorCode, Options, ServerTls, Settings};

/// The path of a committed fixture.
pub fn fixture(area: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(area)
        .join(name)
}

/// A fixture's bytes.
pub fn fixture_bytes(area: &str, name: &str) -> Vec<u8> {
    std::fs::read(fixture(area, name)).expect("fixture exists")
}

/// Loads the main listener from `vars` (SERVER_SSL_ENABLED=true is added).
pub fn load_server(vars: &[(&str, &str)]) -> Result<ServerTls, Error> {
    let mut all = vec![("SERVER_SSL_ENABLED", "true")];
    all.extend_from_slice(vars);
    let config = Config::load(&Settings::from_vars(all), &Options::default())?;
    Ok(config.server.expect("server enabled"))
}

/// Asserts `result` failed with `code` and returns the error.
#[track_caller]
pub fn expect_code<T: std::fmt::Debug>(result: Result<T, Error>, code: ErrorCode) -> Error {
    match result {
        Ok(value) => panic!("expected {code}, got Ok({value:?})"),
        Err(error) => {
            assert_eq!(error.code(), code, "wrong code; message: {error}");
            error
        }
    }
}
