//! Plain JavaScript shapes of the core's results and options. Conversion
//! only: every decision is the core's.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Loader options as JavaScript passes them (the public wrapper has already
/// turned a `Date` into milliseconds).
#[napi(object)]
#[derive(Default)]
pub struct NativeOptions {
    /// Directory that relative paths resolve against (default: the working directory).
    pub base_dir: Option<String>,
    /// Trust problems are errors (default `true`) or warnings.
    pub strict: Option<bool>,
    /// Add the operating system's root store to Mozilla's.
    pub system: Option<bool>,
    /// `http://` Identity URLs are `ERR_URL_NOT_HTTPS` instead of a warning.
    pub require_tls: Option<bool>,
    /// The time certificates are judged at, in milliseconds since the epoch.
    pub now_ms: Option<f64>,
    /// The largest file read, in bytes.
    pub max_file_size: Option<f64>,
}

impl NativeOptions {
    pub fn to_core(&self) -> console_tls::Options {
        let mut options = console_tls::Options::default();
        if let Some(strict) = self.strict {
            options = options.strict_trust(strict);
        }
        if let Some(system) = self.system {
            options = options.system_roots(system);
        }
        if let Some(require) = self.require_tls {
            options = options.require_tls(require);
        }
        if let Some(ms) = self.now_ms.filter(|ms| ms.is_finite()) {
            options = options.at(system_time(ms));
        }
        if let Some(bytes) = self.max_file_size.filter(|b| b.is_finite() && *b >= 0.0) {
            options = options.max_file_size(bytes as u64);
        }
        options
    }

    /// The base directory: the option, or the process's working directory.
    pub fn base_dir(&self) -> PathBuf {
        match &self.base_dir {
            Some(dir) => PathBuf::from(dir),
            None => std::env::current_dir().unwrap_or_default(),
        }
    }
}

fn system_time(ms: f64) -> SystemTime {
    let offset = Duration::from_secs_f64(ms.abs() / 1000.0);
    if ms >= 0.0 {
        UNIX_EPOCH + offset
    } else {
        UNIX_EPOCH - offset
    }
}

/// What an operator wants to know about one certificate.
#[napi(object)]
pub struct CertificateInfo {
    pub subject: String,
    pub issuer: String,
    /// Upper-case hex, as Node's `serialNumber`.
    pub serial_number: String,
    /// Node's spelling: `DNS:host`, `IP Address:1.2.3.4`, …
    pub subject_alt_names: Vec<String>,
    /// RFC 3339.
    pub not_before: String,
    /// RFC 3339.
    pub not_after: String,
    /// `AA:BB:…`, as Node's `fingerprint256`.
    pub fingerprint256: String,
    pub is_ca: bool,
    /// e.g. `RSA 2048-bit`, `ECDSA P-256`.
    pub public_key: String,
}

impl From<&console_tls::CertificateInfo> for CertificateInfo {
    fn from(info: &console_tls::CertificateInfo) -> Self {
        CertificateInfo {
            subject: info.subject.clone(),
            issuer: info.issuer.clone(),
            serial_number: info.serial.clone(),
            subject_alt_names: info.subject_alt_names.clone(),
            not_before: info.not_before.clone(),
            not_after: info.not_after.clone(),
            fingerprint256: info.fingerprint256.clone(),
            is_ca: info.is_ca,
            public_key: info.public_key.clone(),
        }
    }
}

/// A warning as data.
#[napi(object)]
pub struct WarningInfo {
    /// `WARN_*`.
    pub code: String,
    pub env_var: Option<String>,
    /// The one-line message, prefixed with the variable when known.
    pub message: String,
}

impl From<&console_tls::Warning> for WarningInfo {
    fn from(warning: &console_tls::Warning) -> Self {
        WarningInfo {
            code: warning.code.as_str().to_owned(),
            env_var: warning.env_var.clone(),
            message: warning.to_string(),
        }
    }
}

pub fn warnings(list: &[console_tls::Warning]) -> Vec<WarningInfo> {
    list.iter().map(WarningInfo::from).collect()
}

/// A listener's identity in the shape `https.createServer` takes.
#[napi(object)]
pub struct ServerTls {
    /// The chain as PEM, leaf first.
    pub cert: String,
    /// The key as unencrypted PKCS#8 PEM.
    pub key: String,
    /// One entry per certificate of the chain, leaf first.
    pub certificates: Vec<CertificateInfo>,
    /// e.g. `RSA 2048-bit`, `ECDSA P-256`, `Ed25519`.
    pub key_type: String,
    pub key_bits: u32,
    pub warnings: Vec<WarningInfo>,
    /// `'want'` or `'need'`; absent when client authentication is `none`
    /// (as are the three options below, so nothing changes for a server
    /// without it).
    #[napi(ts_type = "'want' | 'need'")]
    pub client_auth: Option<String>,
    /// `true` with client authentication: the server asks for a certificate.
    pub request_cert: Option<bool>,
    /// `true` for `need` (the handshake fails without a verified
    /// certificate), `false` for `want` (the application reads
    /// `socket.authorized`).
    pub reject_unauthorized: Option<bool>,
    /// The CAs that issue client certificates, one PEM string each.
    pub ca: Option<Vec<String>>,
}

impl From<&console_tls::ServerTls> for ServerTls {
    fn from(tls: &console_tls::ServerTls) -> Self {
        ServerTls {
            cert: tls.chain_pem(),
            // Copied into the JavaScript heap, where it cannot be wiped; the
            // core's copy is wiped when `tls` drops.
            key: tls.key_pem().as_str().to_owned(),
            certificates: tls
                .chain()
                .iter()
                .map(|c| CertificateInfo::from(c.info()))
                .collect(),
            key_type: tls.key_type().to_string(),
            key_bits: tls.key_type().bits() as u32,
            warnings: warnings(tls.warnings()),
            ..client_auth(tls.client_auth())
        }
    }
}

/// The `https.createServer` options of a listener's client authentication,
/// around empty identity fields for `From<&ServerTls>` to fill.
fn client_auth(policy: &console_tls::ClientAuthPolicy) -> ServerTls {
    let on = policy.mode() != console_tls::ClientAuth::None;
    ServerTls {
        cert: String::new(),
        key: String::new(),
        certificates: Vec::new(),
        key_type: String::new(),
        key_bits: 0,
        warnings: Vec::new(),
        client_auth: on.then(|| policy.mode().as_str().to_owned()),
        request_cert: on.then_some(true),
        reject_unauthorized: on.then(|| policy.mode() == console_tls::ClientAuth::Need),
        ca: on.then(|| policy.certificates().iter().map(|c| c.pem()).collect()),
    }
}

/// Passphrases arrive as a string (UTF-8 encoded, nothing trimmed) or as bytes.
pub fn passphrase(value: Option<Either<String, Buffer>>) -> Option<console_tls::Passphrase> {
    value.and_then(|value| match value {
        Either::A(text) => console_tls::Passphrase::given(text.into_bytes()),
        Either::B(bytes) => console_tls::Passphrase::given(bytes.to_vec()),
    })
}
