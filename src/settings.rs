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

use crate::client_auth::ClientAuth;
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
    /// `…_SSL_CLIENT_AUTH`
    pub client_auth: &'static str,
    /// `…_SSL_TRUST_CERTIFICATE`
    pub trust_certificate: &'static str,
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
        client_auth: "clientAuth",
        trust_certificate: "trustCertificate",
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
                client_auth: "SERVER_SSL_CLIENT_AUTH",
                trust_certificate: "SERVER_SSL_TRUST_CERTIFICATE",
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
                client_auth: "MANAGEMENT_SERVER_SSL_CLIENT_AUTH",
                trust_certificate: "MANAGEMENT_SERVER_SSL_TRUST_CERTIFICATE",
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
pub const CONTRACT_VARS: [&str; 23] = [
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
    "SERVER_SSL_CLIENT_AUTH",
    "SERVER_SSL_TRUST_CERTIFICATE",
    "MANAGEMENT_SERVER_SSL_CLIENT_AUTH",
    "MANAGEMENT_SERVER_SSL_TRUST_CERTIFICATE",
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
    /// Whether clients must present certificates, and who issues them.
    pub client_auth: ClientAuthSettings,
    /// Variables (or arguments) that are set but belong to the other
    /// identity source (a passphrase beside a key store, a key store
    /// password beside a PEM pair): loading warns that they are ignored.
    pub ignored: Vec<&'static str>,
}

/// A listener's client certificate settings (mutual TLS).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientAuthSettings {
    /// `none` (the default), `want` or `need`.
    pub mode: ClientAuth,
    /// The PEM bundle of the CAs that issue client certificates. Always
    /// present when `mode` is `want` or `need`; kept when set with `none`
    /// so that loading can warn that it is ignored.
    pub trust_certificate: Option<Location>,
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
            client_auth: ClientAuthSettings::default(),
            ignored: Vec::new(),
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
            client_auth: ClientAuthSettings::default(),
            ignored: Vec::new(),
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

/// A listener's values as an API caller gives them (the Node, C and Python
/// "load a listener" functions): locations and texts as bytes, `None` or
/// empty meaning unset, as an empty variable does. They go through the same
/// rules as the listener's environment variables, errors citing the names
/// a [`ListenerVars`] gives.
#[derive(Clone, Copy, Default)]
pub struct ListenerArguments<'a> {
    /// The certificate chain's location.
    pub certificate: Option<&'a [u8]>,
    /// The private key's location.
    pub private_key: Option<&'a [u8]>,
    /// The private key's passphrase.
    pub passphrase: Option<&'a [u8]>,
    /// A PKCS#12 key store's location, instead of certificate and key.
    pub key_store: Option<&'a [u8]>,
    /// The key store's password.
    pub key_store_password: Option<&'a [u8]>,
    /// `PKCS12` (any case) or unset.
    pub key_store_type: Option<&'a [u8]>,
    /// The key store entry to use.
    pub key_alias: Option<&'a [u8]>,
    /// `none`, `want` or `need`.
    pub client_auth: Option<&'a [u8]>,
    /// The client CA bundle's location.
    pub trust_certificate: Option<&'a [u8]>,
}

impl fmt::Debug for ListenerArguments<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Locations may be inline keys, and two values are secrets.
        f.write_str("ListenerArguments(<redacted>)")
    }
}

impl ListenerArguments<'_> {
    /// The listener settings these arguments describe; relative paths
    /// resolve against `base_dir`, errors cite `names`.
    pub fn settings(&self, names: ListenerVars, base_dir: &Path) -> Result<ListenerSettings> {
        let lookup = ArgumentLookup { args: self, names };
        ListenerReader {
            values: &lookup,
            names,
            base_dir,
        }
        .settings()
    }
}

/// The values of one listener by variable (or argument) name: the
/// environment snapshot, or an API call's arguments.
trait Lookup {
    /// The value of `name` when it is set and non-empty.
    fn value(&self, name: &str) -> Option<&[u8]>;
}

struct ArgumentLookup<'a> {
    args: &'a ListenerArguments<'a>,
    names: ListenerVars,
}

impl Lookup for ArgumentLookup<'_> {
    fn value(&self, name: &str) -> Option<&[u8]> {
        let (n, a) = (&self.names, self.args);
        let value = [
            (n.certificate, a.certificate),
            (n.private_key, a.private_key),
            (n.passphrase, a.passphrase),
            (n.key_store, a.key_store),
            (n.key_store_password, a.key_store_password),
            (n.key_store_type, a.key_store_type),
            (n.key_alias, a.key_alias),
            (n.client_auth, a.client_auth),
            (n.trust_certificate, a.trust_certificate),
        ]
        .into_iter()
        .find_map(|(known, value)| (known == name).then_some(value))
        .flatten();
        value.filter(|v| !v.is_empty())
    }
}

impl Lookup for Settings {
    fn value(&self, name: &str) -> Option<&[u8]> {
        self.raw(name)
    }
}

/// Reads one listener's settings from its values: the one place the rules
/// for a listener's variables live, for the environment and for arguments.
struct ListenerReader<'a, L: Lookup> {
    values: &'a L,
    names: ListenerVars,
    base_dir: &'a Path,
}

impl<L: Lookup> ListenerReader<'_, L> {
    fn settings(&self) -> Result<ListenerSettings> {
        let names = self.names;
        let (identity, others) = if self.values.value(names.key_store).is_some() {
            (self.key_store_identity()?, vec![names.passphrase])
        } else {
            let pem = IdentitySource::Pem {
                certificate: self.location(names.certificate)?,
                private_key: self.location(names.private_key)?,
                passphrase: self.values.value(names.passphrase).map(Passphrase::new),
            };
            let key_store = vec![
                names.key_store_password,
                names.key_store_type,
                names.key_alias,
            ];
            (pem, key_store)
        };
        let client_auth = self.client_auth()?;
        let ignored = others
            .into_iter()
            .filter(|name| self.values.value(name).is_some())
            .collect();
        Ok(ListenerSettings {
            identity,
            names,
            client_auth,
            ignored,
        })
    }

    // Checked here, not only at load: a missing bundle is a settings error
    // that `check` reports beside the others.
    fn client_auth(&self) -> Result<ClientAuthSettings> {
        let names = self.names;
        let mode = match self.values.value(names.client_auth) {
            None => ClientAuth::None,
            Some(bytes) => {
                ClientAuth::parse_bytes(bytes).map_err(|e| e.with_env_var(names.client_auth))?
            }
        };
        let trust_certificate = match self.values.value(names.trust_certificate) {
            None => None,
            Some(_) => Some(self.location(names.trust_certificate)?),
        };
        if mode != ClientAuth::None && trust_certificate.is_none() {
            return Err(Error::new(ErrorKind::ClientCaMissing {
                mode: mode.as_str(),
                client_auth_var: names.client_auth.to_owned(),
            })
            .with_env_var(names.trust_certificate));
        }
        Ok(ClientAuthSettings {
            mode,
            trust_certificate,
        })
    }

    // Spring Boot's key store variables, the alternative to a PEM pair.
    fn key_store_identity(&self) -> Result<IdentitySource> {
        let names = self.names;
        if let Some(pem) = [names.certificate, names.private_key]
            .into_iter()
            .find(|name| self.values.value(name).is_some())
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
        let password = self
            .values
            .value(names.key_store_password)
            .map(Passphrase::new);
        Ok(IdentitySource::KeyStore {
            location,
            password,
            alias,
        })
    }

    fn text(&self, name: &'static str) -> Result<Option<&str>> {
        self.values
            .value(name)
            .map(|v| utf8_value(v, name))
            .transpose()
    }

    // Locations are read as bytes: on Unix a path need not be UTF-8.
    fn location(&self, name: &'static str) -> Result<Location> {
        let value = self
            .values
            .value(name)
            .ok_or_else(|| Error::new(ErrorKind::Missing).with_env_var(name))?;
        Location::parse_bytes(value, self.base_dir).map_err(|e| e.with_env_var(name))
    }
}

fn utf8_value<'a>(bytes: &'a [u8], name: &'static str) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|_| {
        Error::new(ErrorKind::InvalidValue {
            reason: "the value is not valid UTF-8".to_owned(),
        })
        .with_env_var(name)
    })
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
        self.raw(name).map(|v| utf8_value(v, name)).transpose()
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
        ListenerReader {
            values: self,
            names: listener.vars(),
            base_dir: &self.base_dir,
        }
        .settings()
        .map(Some)
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
