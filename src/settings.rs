//! The environment contract: which variables configure which listener, how
//! their values are read, and the settings they produce.
//!
//! [`Settings`] is a snapshot of the contract's variables, taken from the
//! process environment or from any list of name/value pairs (a host that is
//! not configured by environment, or a test that must not touch it). Nothing
//! is parsed when the snapshot is taken; each accessor parses what it needs,
//! so a disabled listener's variables are never read.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};
use crate::location::Location;

/// The variables of one listener.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ListenerVars {
    /// `…_SSL_ENABLED`
    pub enabled: &'static str,
    /// `…_SSL_CERTIFICATE`
    pub certificate: &'static str,
    /// `…_SSL_CERTIFICATE_PRIVATE_KEY`
    pub private_key: &'static str,
    /// `…_SSL_PASSPHRASE`
    pub passphrase: &'static str,
    /// `…_SSL_KEY_STORE`
    pub key_store: &'static str,
    /// `…_SSL_KEY_STORE_PASSWORD`
    pub key_store_password: &'static str,
    /// `…_SSL_KEY_STORE_TYPE`
    pub key_store_type: &'static str,
    /// `…_SSL_KEY_ALIAS`
    pub key_alias: &'static str,
}

impl ListenerVars {
    /// The names errors cite for a listener given directly rather than by
    /// environment variables (the Node API's argument names).
    pub const ARGUMENTS: ListenerVars = ListenerVars {
        enabled: "enabled",
        certificate: "certificate",
        private_key: "privateKey",
        passphrase: "passphrase",
        key_store: "keyStore",
        key_store_password: "keyStorePassword",
        key_store_type: "keyStoreType",
        key_alias: "keyAlias",
    };
}

/// The two listeners a Console has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Listener {
    /// The main listener (`SERVER_SSL_*`).
    Server,
    /// The management listener (`MANAGEMENT_SERVER_SSL_*`).
    Management,
}

impl Listener {
    /// Both listeners, main first.
    pub const ALL: [Listener; 2] = [Listener::Server, Listener::Management];

    /// Its variable names.
    pub fn vars(self) -> ListenerVars {
        match self {
            Listener::Server => ListenerVars {
                enabled: "SERVER_SSL_ENABLED",
                certificate: "SERVER_SSL_CERTIFICATE",
                private_key: "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                passphrase: "SERVER_SSL_PASSPHRASE",
                key_store: "SERVER_SSL_KEY_STORE",
                key_store_password: "SERVER_SSL_KEY_STORE_PASSWORD",
                key_store_type: "SERVER_SSL_KEY_STORE_TYPE",
                key_alias: "SERVER_SSL_KEY_ALIAS",
            },
            Listener::Management => ListenerVars {
                enabled: "MANAGEMENT_SERVER_SSL_ENABLED",
                certificate: "MANAGEMENT_SERVER_SSL_CERTIFICATE",
                private_key: "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                passphrase: "MANAGEMENT_SERVER_SSL_PASSPHRASE",
                key_store: "MANAGEMENT_SERVER_SSL_KEY_STORE",
                key_store_password: "MANAGEMENT_SERVER_SSL_KEY_STORE_PASSWORD",
                key_store_type: "MANAGEMENT_SERVER_SSL_KEY_STORE_TYPE",
                key_alias: "MANAGEMENT_SERVER_SSL_KEY_ALIAS",
            },
        }
    }

    /// `"server"` or `"management"`.
    pub fn name(self) -> &'static str {
        match self {
            Listener::Server => "server",
            Listener::Management => "management",
        }
    }
}

/// `KEYCLOAK_BASE_URL`
pub const KEYCLOAK_BASE_URL: &str = "KEYCLOAK_BASE_URL";
/// `KEYCLOAK_INTERNAL_BASE_URL`
pub const KEYCLOAK_INTERNAL_BASE_URL: &str = "KEYCLOAK_INTERNAL_BASE_URL";
/// `NODE_EXTRA_CA_CERTS`
pub const NODE_EXTRA_CA_CERTS: &str = "NODE_EXTRA_CA_CERTS";

/// Every variable the contract reads.
pub const CONTRACT_VARS: [&str; 19] = [
    "SERVER_SSL_ENABLED",
    "SERVER_SSL_CERTIFICATE",
    "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
    "SERVER_SSL_PASSPHRASE",
    "MANAGEMENT_SERVER_SSL_ENABLED",
    "MANAGEMENT_SERVER_SSL_CERTIFICATE",
    "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
    "MANAGEMENT_SERVER_SSL_PASSPHRASE",
    KEYCLOAK_BASE_URL,
    KEYCLOAK_INTERNAL_BASE_URL,
    NODE_EXTRA_CA_CERTS,
    "SERVER_SSL_KEY_STORE",
    "SERVER_SSL_KEY_STORE_PASSWORD",
    "SERVER_SSL_KEY_STORE_TYPE",
    "SERVER_SSL_KEY_ALIAS",
    "MANAGEMENT_SERVER_SSL_KEY_STORE",
    "MANAGEMENT_SERVER_SSL_KEY_STORE_PASSWORD",
    "MANAGEMENT_SERVER_SSL_KEY_STORE_TYPE",
    "MANAGEMENT_SERVER_SSL_KEY_ALIAS",
];

/// A passphrase: bytes exactly as given, wiped on drop, never shown.
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(Zeroizing<Vec<u8>>);

impl Passphrase {
    /// Wraps `bytes` (nothing is trimmed or re-encoded).
    pub fn new(bytes: impl Into<Vec<u8>>) -> Passphrase {
        Passphrase(Zeroizing::new(bytes.into()))
    }

    /// A passphrase as a caller gives it: empty means none, as an empty
    /// `SERVER_SSL_PASSPHRASE` does, on every surface.
    pub fn given(bytes: impl Into<Vec<u8>>) -> Option<Passphrase> {
        let bytes = bytes.into();
        (!bytes.is_empty()).then(|| Passphrase::new(bytes))
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// Where a listener's identity comes from.
#[derive(Clone, Debug)]
pub enum IdentitySource {
    /// A PEM (or DER) certificate chain and private key.
    Pem {
        /// The certificate chain, leaf first.
        certificate: Location,
        /// The private key.
        private_key: Location,
        /// The passphrase for an encrypted key.
        passphrase: Option<Passphrase>,
    },
    /// A PKCS#12 key store holding the key and its chain.
    KeyStore {
        /// The `.p12` / `.pfx` file.
        location: Location,
        /// Its password; `None` tries the empty password, as Java and
        /// OpenSSL do for a store made without one.
        password: Option<Passphrase>,
        /// Which key entry (friendlyName, any case); `None` takes the only one.
        alias: Option<String>,
    },
}

/// Where a listener's identity comes from, and the names to blame.
#[derive(Clone, Debug)]
pub struct ListenerSettings {
    /// The certificate and key, or the key store.
    pub identity: IdentitySource,
    /// The variable names errors cite: the listener's, or the API argument names.
    pub names: ListenerVars,
}

impl ListenerSettings {
    /// Settings given directly (not from environment variables); errors name
    /// the arguments `certificate`, `privateKey` and `passphrase`.
    pub fn new(
        certificate: Location,
        private_key: Location,
        passphrase: Option<Passphrase>,
    ) -> Self {
        ListenerSettings {
            identity: IdentitySource::Pem {
                certificate,
                private_key,
                passphrase,
            },
            names: ListenerVars::ARGUMENTS,
        }
    }

    /// A key store given directly; errors name the arguments `keyStore`,
    /// `keyStorePassword` and `keyAlias`.
    pub fn key_store(
        location: Location,
        password: Option<Passphrase>,
        alias: Option<String>,
    ) -> Self {
        ListenerSettings {
            identity: IdentitySource::KeyStore {
                location,
                password,
                alias,
            },
            names: ListenerVars::ARGUMENTS,
        }
    }

    /// The files the identity is read from (none for inline values).
    pub fn files(&self) -> Vec<&Path> {
        match &self.identity {
            IdentitySource::Pem {
                certificate,
                private_key,
                ..
            } => certificate
                .path()
                .into_iter()
                .chain(private_key.path())
                .collect(),
            IdentitySource::KeyStore { location, .. } => location.path().into_iter().collect(),
        }
    }
}

/// A snapshot of the contract's variables and the base directory for
/// relative paths.
#[derive(Clone)]
pub struct Settings {
    values: BTreeMap<&'static str, Zeroizing<Vec<u8>>>,
    base_dir: PathBuf,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be inline keys or passphrases: list the names only.
        f.debug_struct("Settings")
            .field("set", &self.values.keys().collect::<Vec<_>>())
            .field("base_dir", &self.base_dir)
            .finish()
    }
}

impl Settings {
    /// The contract's variables from the process environment; relative paths
    /// resolve against the working directory.
    pub fn from_env() -> Settings {
        Settings::from_vars(
            std::env::vars_os()
                .map(|(name, value)| (name.to_string_lossy().into_owned(), os_bytes(value))),
        )
    }

    /// The contract's variables from `vars` (other names are ignored; a later
    /// duplicate wins); relative paths resolve against the working directory.
    pub fn from_vars<I, K, V>(vars: I) -> Settings
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<[u8]>,
    {
        let mut values = BTreeMap::new();
        for (name, value) in vars {
            if let Some(known) = CONTRACT_VARS.iter().find(|v| **v == name.as_ref()) {
                values.insert(*known, Zeroizing::new(value.as_ref().to_vec()));
            }
        }
        Settings {
            values,
            base_dir: std::env::current_dir().unwrap_or_default(),
        }
    }

    /// Resolves relative paths against `dir` instead of the working directory.
    pub fn with_base_dir(mut self, dir: impl Into<PathBuf>) -> Settings {
        self.base_dir = dir.into();
        self
    }

    /// The base directory for relative paths.
    pub fn base_dir(&self) -> &Path {
        &self.base_dir
    }

    /// The raw value of `name` when it is set and non-empty. Secret for a
    /// passphrase, and possibly for a location holding inline PEM.
    pub fn bytes(&self, name: &str) -> Option<&[u8]> {
        self.raw(name)
    }

    fn raw(&self, name: &str) -> Option<&[u8]> {
        self.values
            .get(name)
            .map(|v| v.as_slice())
            .filter(|v| !v.is_empty())
    }

    /// The value of `name` as text, when set and non-empty.
    pub fn text(&self, name: &'static str) -> Result<Option<&str>> {
        match self.raw(name) {
            None => Ok(None),
            Some(bytes) => std::str::from_utf8(bytes).map(Some).map_err(|_| {
                Error::new(ErrorKind::InvalidValue {
                    reason: "the value is not valid UTF-8".to_owned(),
                })
                .with_env_var(name)
            }),
        }
    }

    /// Whether `listener` has TLS enabled.
    pub fn enabled(&self, listener: Listener) -> Result<bool> {
        let name = listener.vars().enabled;
        match self.raw(name) {
            None => Ok(false),
            Some(bytes) => parse_bool(bytes).map_err(|e| e.with_env_var(name)),
        }
    }

    /// The listener's settings, or `None` when its TLS is disabled (then its
    /// other variables are not read).
    pub fn listener(&self, listener: Listener) -> Result<Option<ListenerSettings>> {
        if !self.enabled(listener)? {
            return Ok(None);
        }
        let names = listener.vars();
        if self.raw(names.key_store).is_some() {
            return self.key_store_listener(names).map(Some);
        }
        let certificate = self.location(names.certificate)?;
        let private_key = self.location(names.private_key)?;
        let passphrase = self.raw(names.passphrase).map(Passphrase::new);
        Ok(Some(ListenerSettings {
            identity: IdentitySource::Pem {
                certificate,
                private_key,
                passphrase,
            },
            names,
        }))
    }

    // Spring Boot's key store variables, the alternative to a PEM pair.
    fn key_store_listener(&self, names: ListenerVars) -> Result<ListenerSettings> {
        if let Some(pem) = [names.certificate, names.private_key]
            .into_iter()
            .find(|name| self.raw(name).is_some())
        {
            return Err(Error::new(ErrorKind::KeyStoreAndPem {
                key_store: names.key_store.to_owned(),
                pem: pem.to_owned(),
            })
            .with_env_var(names.key_store));
        }
        let location = self.location(names.key_store)?;
        if let Some(kind) = self.text(names.key_store_type)? {
            crate::key_store::check_type(kind).map_err(|e| {
                e.with_env_var(names.key_store_type)
                    .with_source(location.source())
            })?;
        }
        let alias = self.text(names.key_alias)?.map(str::to_owned);
        let password = self.raw(names.key_store_password).map(Passphrase::new);
        Ok(ListenerSettings {
            identity: IdentitySource::KeyStore {
                location,
                password,
                alias,
            },
            names,
        })
    }

    // Locations are read as bytes: on Unix a path need not be UTF-8.
    fn location(&self, name: &'static str) -> Result<Location> {
        let value = self
            .raw(name)
            .ok_or_else(|| Error::new(ErrorKind::Missing).with_env_var(name))?;
        Location::parse_bytes(value, &self.base_dir).map_err(|e| e.with_env_var(name))
    }

    /// `NODE_EXTRA_CA_CERTS` as a location, or `None` when unset or empty.
    pub fn extra_ca_certs(&self) -> Result<Option<Location>> {
        match self.raw(NODE_EXTRA_CA_CERTS) {
            None => Ok(None),
            Some(value) => Location::parse_bytes(value, &self.base_dir)
                .map(Some)
                .map_err(|e| e.with_env_var(NODE_EXTRA_CA_CERTS)),
        }
    }
}

/// Parses a contract boolean: true/false, 1/0, yes/no, on/off, any case.
pub fn parse_bool(bytes: &[u8]) -> Result<bool> {
    let text = String::from_utf8_lossy(bytes);
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "0" | "no" | "off" => Ok(false),
        "true" | "1" | "yes" | "on" => Ok(true),
        _ => {
            let mut value: String = text.chars().take(40).collect();
            if text.chars().count() > 40 {
                value.push('…');
            }
            Err(Error::new(ErrorKind::InvalidBoolean { value }))
        }
    }
}

#[cfg(unix)]
fn os_bytes(value: std::ffi::OsString) -> Vec<u8> {
    use std::os::unix::ffi::OsStringExt;
    value.into_vec()
}

#[cfg(not(unix))]
fn os_bytes(value: std::ffi::OsString) -> Vec<u8> {
    value.to_string_lossy().into_owned().into_bytes()
}
