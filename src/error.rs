//! The error model: a stable [`ErrorCode`] for programs, a structured
//! [`ErrorKind`] for Rust callers, and a one-line message for people.
//!
//! Messages say what is wrong, where (variable, file, PEM block and line) and
//! how to fix it. They are built only from names, paths, algorithm names and
//! public certificate facts: never from a passphrase, a key or an inline value.

use std::fmt;
use std::path::{Path, PathBuf};

/// The stable, documented error codes (`ERR_*`) shared by every surface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A variable or argument has a value that cannot mean anything.
    ConfigInvalid,
    /// TLS is enabled but a required variable is unset or empty.
    ConfigMissing,
    /// The file does not exist (or a symlink points nowhere).
    FileNotFound,
    /// The file exists but cannot be read as a regular file.
    FileUnreadable,
    /// The file is larger than the configured limit.
    FileTooLarge,
    /// No usable PEM block, or a block that is not valid PEM/base64/DER.
    PemInvalid,
    /// A `CERTIFICATE` block that is not an X.509 certificate.
    CertInvalid,
    /// A key of a type or encryption scheme that is not supported.
    KeyUnsupported,
    /// The key is encrypted and no passphrase was given.
    KeyEncrypted,
    /// The passphrase does not decrypt the key.
    PassphraseWrong,
    /// The key does not belong to the leaf certificate.
    KeyMismatch,
    /// The key belongs to a certificate of the chain other than the first.
    ChainOrder,
    /// The chain does not lead to a trusted certificate.
    CertUntrusted,
    /// The certificate is not valid for the requested host name or address.
    CertHostnameMismatch,
    /// The certificate's validity period has ended.
    CertExpired,
    /// The certificate's validity period has not started.
    CertNotYetValid,
    /// An Identity URL is `http://` while TLS is required.
    UrlNotHttps,
    /// A certificate of a listener's chain that Node's TLS refuses to serve.
    CertUnsupported,
}

impl ErrorCode {
    /// Every code, in the order of the C `ctls_status` enum.
    pub const ALL: [ErrorCode; 18] = [
        ErrorCode::ConfigInvalid,
        ErrorCode::ConfigMissing,
        ErrorCode::FileNotFound,
        ErrorCode::FileUnreadable,
        ErrorCode::FileTooLarge,
        ErrorCode::PemInvalid,
        ErrorCode::CertInvalid,
        ErrorCode::KeyUnsupported,
        ErrorCode::KeyEncrypted,
        ErrorCode::PassphraseWrong,
        ErrorCode::KeyMismatch,
        ErrorCode::ChainOrder,
        ErrorCode::CertUntrusted,
        ErrorCode::CertHostnameMismatch,
        ErrorCode::CertExpired,
        ErrorCode::CertNotYetValid,
        ErrorCode::UrlNotHttps,
        ErrorCode::CertUnsupported,
    ];

    /// The code as every surface spells it, e.g. `"ERR_KEY_MISMATCH"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ConfigInvalid => "ERR_CONFIG_INVALID",
            ErrorCode::ConfigMissing => "ERR_CONFIG_MISSING",
            ErrorCode::FileNotFound => "ERR_FILE_NOT_FOUND",
            ErrorCode::FileUnreadable => "ERR_FILE_UNREADABLE",
            ErrorCode::FileTooLarge => "ERR_FILE_TOO_LARGE",
            ErrorCode::PemInvalid => "ERR_PEM_INVALID",
            ErrorCode::CertInvalid => "ERR_CERT_INVALID",
            ErrorCode::KeyUnsupported => "ERR_KEY_UNSUPPORTED",
            ErrorCode::KeyEncrypted => "ERR_KEY_ENCRYPTED",
            ErrorCode::PassphraseWrong => "ERR_PASSPHRASE_WRONG",
            ErrorCode::KeyMismatch => "ERR_KEY_MISMATCH",
            ErrorCode::ChainOrder => "ERR_CHAIN_ORDER",
            ErrorCode::CertUntrusted => "ERR_CERT_UNTRUSTED",
            ErrorCode::CertHostnameMismatch => "ERR_CERT_HOSTNAME_MISMATCH",
            ErrorCode::CertExpired => "ERR_CERT_EXPIRED",
            ErrorCode::CertNotYetValid => "ERR_CERT_NOT_YET_VALID",
            ErrorCode::UrlNotHttps => "ERR_URL_NOT_HTTPS",
            ErrorCode::CertUnsupported => "ERR_CERT_UNSUPPORTED",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What went wrong, with the facts a program may want to act on.
///
/// Each kind maps to exactly one [`ErrorCode`] (see [`ErrorKind::code`]).
// Each variant's doc describes its fields; documenting every field again adds nothing.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A boolean variable holds something other than true/false/1/0/yes/no/on/off.
    InvalidBoolean { value: String },
    /// A location uses a scheme other than `file:`.
    UnsupportedScheme { scheme: String },
    /// A location or setting is malformed for another reason.
    InvalidValue { reason: String },
    /// An Identity URL is not an absolute `http`/`https` URL with a host.
    InvalidUrl { reason: String },
    /// A required variable is unset or empty.
    Missing,
    /// Client authentication is `want`/`need` but no client CA bundle is set.
    ClientCaMissing {
        mode: &'static str,
        client_auth_var: String,
    },
    /// The file does not exist.
    FileNotFound,
    /// The path names something other than a regular file.
    NotARegularFile { found: &'static str },
    /// The file could not be opened or read.
    FileUnreadable { reason: String },
    /// The file exceeds the size limit.
    FileTooLarge { size: u64, limit: u64 },
    /// The input holds no `CERTIFICATE` block (the labels it does hold are listed).
    NoCertificate { found: Vec<String> },
    /// The input holds no private key block (the labels it does hold are listed).
    NoPrivateKey { found: Vec<String> },
    /// A PEM block is malformed (no end line, bad base64, …).
    MalformedPem { reason: String },
    /// A key block decodes but its DER is not the structure its label promises.
    MalformedKey {
        format: &'static str,
        reason: String,
    },
    /// A `CERTIFICATE` block is not an X.509 certificate.
    InvalidCertificate { reason: String },
    /// A key of an unsupported type or encryption; `hint` says how to convert it.
    UnsupportedKey { found: String, hint: String },
    /// The key is encrypted and no passphrase was given.
    KeyEncrypted { scheme: String },
    /// The passphrase does not decrypt the key.
    PassphraseWrong { scheme: String },
    /// The key does not belong to the leaf certificate.
    KeyMismatch {
        key: String,
        certificate: String,
        certificate_source: String,
    },
    /// The key belongs to certificate `position` (1-based) of the chain, not the first.
    ChainOrder { position: usize },
    /// The chain does not lead to a trusted certificate; `self_signed`
    /// when the server certificate is self-signed (the advice differs).
    Untrusted { reason: String, self_signed: bool },
    /// A client certificate's chain does not lead to a CA of the listener's
    /// client CA bundle.
    ClientUntrusted { reason: String },
    /// A path to a trusted certificate exists, but a CA's constraint
    /// forbids it (the server certificate itself is not the problem).
    ChainConstraint { constraint: ChainConstraint },
    /// A trusted certificate (the root `root`, else a trusted intermediate)
    /// expired, so it anchors nothing.
    TrustedExpired {
        subject: String,
        not_after: String,
        root: bool,
        source: crate::trust::AnchorSource,
    },
    /// A trusted certificate is not valid yet, so it anchors nothing.
    TrustedNotYetValid {
        subject: String,
        not_before: String,
        root: bool,
        source: crate::trust::AnchorSource,
    },
    /// The server certificate's key is of a kind or size console-tls refuses.
    ServerKeyRefused { subject: String, key: String },
    /// A client certificate's key is of a kind or size console-tls refuses.
    ClientKeyRefused { subject: String, key: String },
    /// A CA's key is of a kind or size console-tls refuses, so what it
    /// signed is not checked.
    CaKeyRefused { subject: String, key: String },
    /// A certificate of the chain is signed with an algorithm console-tls
    /// does not accept (SHA-1, MD5, DSA …).
    SignatureRefused { subject: String, algorithm: String },
    /// The host name matched only a wildcard over a public suffix.
    WildcardPublicSuffix {
        name: String,
        wildcard: String,
        suffix: String,
    },
    /// The certificate does not name the requested host.
    HostnameMismatch { name: String, names: Vec<String> },
    /// The certificate `subject` (of the chain presented) expired.
    Expired { subject: String, not_after: String },
    /// The certificate `subject` (of the chain presented) is not yet valid.
    NotYetValid { subject: String, not_before: String },
    /// The server certificate's extendedKeyUsage lacks serverAuth.
    NotForServers { subject: String },
    /// A client certificate's extendedKeyUsage lacks clientAuth.
    NotForClients { subject: String },
    /// The `peer` ("server" or "client") certificate has a keyUsage
    /// without digitalSignature, so it cannot sign a TLS handshake.
    KeyUsageRefused { subject: String, peer: &'static str },
    /// The server certificate carries a critical extension console-tls
    /// does not handle (OID `oid`).
    UnhandledCriticalExtension { subject: String, oid: String },
    /// An Identity URL is plain `http://` while TLS is required.
    UrlNotHttps { url: String },
    /// Certificate `position` (1-based, leaf first) of a listener's chain is
    /// one Node's TLS refuses to serve, for `problem`.
    UnsupportedCertificate {
        position: usize,
        subject: String,
        problem: crate::servable::CertificateProblem,
    },
    /// A key store and a certificate/key pair are both configured
    /// (`key_store` and `pem` name the variables).
    KeyStoreAndPem { key_store: String, pem: String },
    /// A key store of a type other than PKCS#12 (`found`: the type given
    /// or the format detected, e.g. `JKS`).
    KeyStoreType { found: String },
    /// The key store value is not a file (inline PEM, for instance).
    KeyStoreNotAFile,
    /// The file is not a PKCS#12 key store, or is damaged.
    KeyStoreInvalid { reason: String },
    /// The key store is protected and no password was given;
    /// `password_var` is the variable (or argument) to set.
    KeyStorePasswordMissing { password_var: String },
    /// The password does not open the key store.
    KeyStorePasswordWrong,
    /// The key store uses an encryption or MAC scheme that is not supported.
    KeyStoreScheme { found: String },
    /// The key store holds no private key entry.
    KeyStoreNoKey,
    /// The key entry has no certificate for its key.
    KeyStoreNoCertificate { alias: String },
    /// Several key entries and no alias chose one; `alias_var` is the
    /// variable (or argument) to set.
    KeyStoreAliasRequired {
        aliases: Vec<String>,
        alias_var: String,
    },
    /// No key entry has the alias asked for.
    KeyStoreAliasNotFound { alias: String, aliases: Vec<String> },
}

impl ErrorKind {
    /// The stable code of this kind.
    pub fn code(&self) -> ErrorCode {
        use ErrorKind::*;
        match self {
            InvalidBoolean { .. } | UnsupportedScheme { .. } | InvalidValue { .. } => {
                ErrorCode::ConfigInvalid
            }
            InvalidUrl { .. } => ErrorCode::ConfigInvalid,
            Missing | ClientCaMissing { .. } => ErrorCode::ConfigMissing,
            FileNotFound => ErrorCode::FileNotFound,
            NotARegularFile { .. } | FileUnreadable { .. } => ErrorCode::FileUnreadable,
            FileTooLarge { .. } => ErrorCode::FileTooLarge,
            NoCertificate { .. } | NoPrivateKey { .. } | MalformedPem { .. } => {
                ErrorCode::PemInvalid
            }
            MalformedKey { .. } => ErrorCode::PemInvalid,
            InvalidCertificate { .. } => ErrorCode::CertInvalid,
            UnsupportedKey { .. } => ErrorCode::KeyUnsupported,
            KeyEncrypted { .. } => ErrorCode::KeyEncrypted,
            PassphraseWrong { .. } => ErrorCode::PassphraseWrong,
            KeyMismatch { .. } => ErrorCode::KeyMismatch,
            ChainOrder { .. } => ErrorCode::ChainOrder,
            Untrusted { .. } | ClientUntrusted { .. } | ChainConstraint { .. } => {
                ErrorCode::CertUntrusted
            }
            TrustedExpired { .. } => ErrorCode::CertExpired,
            TrustedNotYetValid { .. } => ErrorCode::CertNotYetValid,
            ServerKeyRefused { .. }
            | ClientKeyRefused { .. }
            | CaKeyRefused { .. }
            | SignatureRefused { .. }
            | NotForServers { .. }
            | NotForClients { .. }
            | KeyUsageRefused { .. }
            | UnhandledCriticalExtension { .. } => ErrorCode::CertInvalid,
            WildcardPublicSuffix { .. } => ErrorCode::CertHostnameMismatch,
            HostnameMismatch { .. } => ErrorCode::CertHostnameMismatch,
            Expired { .. } => ErrorCode::CertExpired,
            NotYetValid { .. } => ErrorCode::CertNotYetValid,
            UrlNotHttps { .. } => ErrorCode::UrlNotHttps,
            UnsupportedCertificate { .. } => ErrorCode::CertUnsupported,
            KeyStoreAndPem { .. }
            | KeyStoreNotAFile
            | KeyStoreAliasRequired { .. }
            | KeyStoreAliasNotFound { .. } => ErrorCode::ConfigInvalid,
            KeyStoreType { .. } | KeyStoreScheme { .. } => ErrorCode::KeyUnsupported,
            KeyStoreInvalid { .. } | KeyStoreNoKey | KeyStoreNoCertificate { .. } => {
                ErrorCode::PemInvalid
            }
            KeyStorePasswordMissing { .. } => ErrorCode::KeyEncrypted,
            KeyStorePasswordWrong => ErrorCode::PassphraseWrong,
        }
    }
}

/// Which CA constraint a chain breaks ([`ErrorKind::ChainConstraint`]).
// Each variant's doc describes its fields, as for `ErrorKind`.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChainConstraint {
    /// `name` (of the server certificate or a certificate below `ca`) is
    /// outside the CA's permitted subtrees, or inside its excluded ones.
    NameConstraints {
        ca: String,
        name: String,
        excluded: bool,
    },
    /// More intermediate CAs below `ca` than its pathLenConstraint allows.
    PathLength { ca: String, limit: u32 },
    /// The CA's extendedKeyUsage lacks serverAuth.
    NotForServers { ca: String },
    /// The CA's extendedKeyUsage lacks clientAuth (a client's chain).
    NotForClients { ca: String },
    /// A certificate that issues another is not a CA (basicConstraints).
    NotACa { subject: String },
    /// A CA whose keyUsage lacks keyCertSign issues a certificate.
    NoCertSign { subject: String },
    /// A critical extension console-tls (like OpenSSL) does not handle.
    UnhandledCriticalExtension { subject: String, oid: String },
}

impl fmt::Display for ChainConstraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainConstraint::NameConstraints { ca, name, excluded: true } => write!(
                f,
                "the CA {ca} must not issue certificates for {name} (its nameConstraints exclude it); have the certificate issued by a CA allowed to issue for that name"
            ),
            ChainConstraint::NameConstraints { ca, name, excluded: false } => write!(
                f,
                "the CA {ca} may only issue certificates for the names its nameConstraints permit, and {name} is not one of them; have the certificate issued by a CA allowed to issue for that name"
            ),
            ChainConstraint::PathLength { ca, limit } => write!(
                f,
                "the CA {ca} allows at most {limit} intermediate CA(s) below it (pathLenConstraint), and the chain has more; have the certificate issued closer to that CA"
            ),
            ChainConstraint::NotForServers { ca } => write!(
                f,
                "the CA {ca} has an extendedKeyUsage without serverAuth, so it may not issue TLS server certificates; use a CA whose extendedKeyUsage includes serverAuth or that has none"
            ),
            ChainConstraint::NotForClients { ca } => write!(
                f,
                "the CA {ca} has an extendedKeyUsage without clientAuth, so it may not issue TLS client certificates; use a CA whose extendedKeyUsage includes clientAuth or that has none"
            ),
            ChainConstraint::NotACa { subject } => write!(
                f,
                "{subject} issues a certificate of the chain but is not a CA (its basicConstraints lacks CA:TRUE); the chain must go through CA certificates"
            ),
            ChainConstraint::NoCertSign { subject } => write!(
                f,
                "{subject} issues a certificate of the chain but its keyUsage lacks keyCertSign; reissue that CA with keyUsage keyCertSign"
            ),
            ChainConstraint::UnhandledCriticalExtension { subject, oid } => write!(
                f,
                "{subject} carries a critical extension ({oid}) that console-tls, like Node, does not handle, so it cannot be relied on; reissue it without that extension or with it non-critical"
            ),
        }
    }
}

/// A console-tls error: a kind plus where it happened.
///
/// Boxed so that `Result<T, Error>` stays one pointer wide on the happy path.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Context>);

#[derive(Clone, PartialEq, Eq)]
struct Context {
    kind: ErrorKind,
    env_var: Option<String>,
    source: Option<Source>,
    block: Option<usize>,
    line: Option<usize>,
}

/// Where the bytes in question came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A file, by the path the caller gave (after `file:` was removed).
    File(PathBuf),
    /// A value that held the PEM text itself. Its content is never shown.
    Inline,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Inline => f.write_str("the inline PEM value"),
        }
    }
}

impl Error {
    /// An error of `kind` with no context yet.
    pub fn new(kind: ErrorKind) -> Error {
        Error(Box::new(Context {
            kind,
            env_var: None,
            source: None,
            block: None,
            line: None,
        }))
    }

    /// Names the variable (or API argument) the error is about, unless one is set.
    pub fn with_env_var(mut self, name: impl Into<String>) -> Error {
        if self.0.env_var.is_none() {
            self.0.env_var = Some(name.into());
        }
        self
    }

    /// Names where the bytes came from, unless already set.
    pub fn with_source(mut self, source: Source) -> Error {
        if self.0.source.is_none() {
            self.0.source = Some(source);
        }
        self
    }

    /// Names the 1-based PEM block (and its first line, when known).
    pub fn with_block(mut self, block: usize, line: Option<usize>) -> Error {
        self.0.block = Some(block);
        self.0.line = line.or(self.0.line);
        self
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.0.kind.code()
    }

    /// The structured kind.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The variable (or argument) name, when known.
    pub fn env_var(&self) -> Option<&str> {
        self.0.env_var.as_deref()
    }

    /// The file path, when the input was a file.
    pub fn path(&self) -> Option<&Path> {
        match &self.0.source {
            Some(Source::File(path)) => Some(path),
            _ => None,
        }
    }

    /// The 1-based PEM block index, when the error is about one block.
    pub fn block(&self) -> Option<usize> {
        self.0.block
    }

    /// The 1-based line where that block starts, when known.
    pub fn line(&self) -> Option<usize> {
        self.0.line
    }

    /// The one-line message (the same text as `Display`).
    pub fn message(&self) -> String {
        self.to_string()
    }

    fn place(&self) -> String {
        let source = match &self.0.source {
            Some(source) => source.to_string(),
            None => "the input".to_owned(),
        };
        match (self.0.block, self.0.line) {
            (Some(block), Some(line)) => format!("block {block} (line {line}) of {source}"),
            (Some(block), None) => format!("block {block} of {source}"),
            _ => source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        if let Some(var) = &self.0.env_var {
            write!(f, "{var}: ")?;
        }
        let place = self.place();
        match &self.0.kind {
            InvalidBoolean { value } => write!(
                f,
                "{value:?} is not a boolean; use true or false (also 1/0, yes/no, on/off)"
            ),
            UnsupportedScheme { scheme } => write!(
                f,
                "the scheme \"{scheme}:\" is not supported; use file:/absolute/path, a plain path, or the PEM text itself"
            ),
            InvalidValue { reason } => write!(f, "{reason}"),
            InvalidUrl { reason } => write!(
                f,
                "{reason}; give an absolute http:// or https:// URL with a host, e.g. https://identity.example.com"
            ),
            Missing => {
                f.write_str(
                    "TLS is enabled but this variable is unset or empty; set it to the file (file:/path/to/file.pem)",
                )?;
                match self.env_var().and_then(|v| v.strip_suffix("_SSL_CERTIFICATE")) {
                    Some(prefix) => write!(
                        f,
                        ", or set {prefix}_SSL_KEY_STORE to a PKCS#12 key store instead"
                    ),
                    None => Ok(()),
                }
            }
            ClientCaMissing { mode, client_auth_var } => write!(
                f,
                "{client_auth_var} is {mode} but this variable is unset or empty: nothing says which CAs issue client certificates; set it to their PEM bundle (file:/path/to/client-ca.pem), or set {client_auth_var} to none"
            ),
            FileNotFound => write!(
                f,
                "{place} does not exist; check the path and that the file is mounted into the container"
            ),
            NotARegularFile { found } => write!(
                f,
                "{place} is a {found}, not a regular file; point the variable at the PEM file itself"
            ),
            FileUnreadable { reason } => write!(
                f,
                "{place} cannot be read ({reason}); check its permissions for the user running the service"
            ),
            FileTooLarge { size, limit } => write!(
                f,
                "{place} is {size} bytes, more than the {limit}-byte limit; is this the right file?"
            ),
            NoCertificate { found } => {
                write!(f, "{place} holds no CERTIFICATE block")?;
                if !found.is_empty() {
                    write!(f, " (found: {})", found.join(", "))?;
                }
                f.write_str("; give the PEM certificate chain, leaf first")
            }
            NoPrivateKey { found } => {
                write!(f, "{place} holds no private key block")?;
                if !found.is_empty() {
                    write!(f, " (found: {})", found.join(", "))?;
                }
                f.write_str("; give the PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)")
            }
            MalformedPem { reason } => write!(
                f,
                "{place} is not valid PEM: {reason}; re-export the file (e.g. openssl x509 -in old.pem -out new.pem)"
            ),
            MalformedKey { format, reason } => write!(
                f,
                "{place} is not a valid {format} key: {reason}; re-export it with openssl pkey -in old.pem -out new.pem"
            ),
            InvalidCertificate { reason } => write!(
                f,
                "{place} is not a valid X.509 certificate: {reason}"
            ),
            UnsupportedKey { found, hint } => {
                write!(f, "{place} holds {found}, which is not supported; {hint}")
            }
            KeyEncrypted { scheme } => {
                let var = self
                    .env_var()
                    .and_then(|v| v.strip_suffix("_CERTIFICATE_PRIVATE_KEY"))
                    .map(|prefix| format!("{prefix}_PASSPHRASE"))
                    .unwrap_or_else(|| "the passphrase".to_owned());
                write!(
                    f,
                    "the key in {place} is encrypted ({scheme}) and no passphrase was given; set {var}"
                )
            }
            PassphraseWrong { scheme } => write!(
                f,
                "the passphrase does not decrypt the key in {place} ({scheme}); check the passphrase for this key"
            ),
            KeyMismatch {
                key,
                certificate,
                certificate_source,
            } => write!(
                f,
                "the key in {place} ({key}) does not belong to the certificate in {certificate_source} ({certificate}); use the key the certificate was issued for"
            ),
            ChainOrder { position } => write!(
                f,
                "the key belongs to certificate {position} of the chain in {place}, not the first; put that certificate first (leaf first, then its issuers)"
            ),
            Untrusted { reason, self_signed: false } => write!(
                f,
                "the certificate chain is not trusted: {reason}; add the root CA that issued the chain to NODE_EXTRA_CA_CERTS"
            ),
            Untrusted { reason, self_signed: true } => write!(
                f,
                "the certificate chain is not trusted: {reason}; if it is the certificate you expect, add it to NODE_EXTRA_CA_CERTS"
            ),
            ClientUntrusted { reason } => write!(
                f,
                "the client certificate is not trusted: {reason}; the listener accepts clients whose chain ends at a root of its client CA bundle (SERVER_SSL_TRUST_CERTIFICATE)"
            ),
            ChainConstraint { constraint } => {
                write!(f, "the certificate chain is not trusted: {constraint}")
            }
            TrustedExpired {
                subject,
                not_after,
                root,
                source,
            } => write!(
                f,
                "the trusted {} {subject} expired on {not_after}, so it anchors nothing; {}",
                if *root { "root" } else { "intermediate CA" },
                match source {
                    crate::trust::AnchorSource::System => "update the operating system's CA certificates (e.g. update-ca-certificates)",
                    crate::trust::AnchorSource::ClientCa => "replace it in the client CA bundle (SERVER_SSL_TRUST_CERTIFICATE) with its renewed certificate",
                    _ => "replace it in NODE_EXTRA_CA_CERTS with its renewed certificate",
                }
            ),
            TrustedNotYetValid { subject, not_before, root, .. } => write!(
                f,
                "the trusted {} {subject} is not valid before {not_before}, so it anchors nothing yet; check the clock or the certificate's dates",
                if *root { "root" } else { "intermediate CA" }
            ),
            ServerKeyRefused { subject, key } => write!(
                f,
                "the server certificate {subject} has a key console-tls refuses ({key}); reissue it with an RSA key of at least 2048 bits, an ECDSA P-256/P-384/P-521 key or an Ed25519 key"
            ),
            ClientKeyRefused { subject, key } => write!(
                f,
                "the client certificate {subject} has a key console-tls refuses ({key}); reissue it with an RSA key of at least 2048 bits, an ECDSA P-256/P-384/P-521 key or an Ed25519 key"
            ),
            CaKeyRefused { subject, key } => write!(
                f,
                "the CA {subject} has a key console-tls refuses ({key}), so the certificates it signed are not checked; have the chain issued by a CA with an RSA key of at least 2048 bits, an ECDSA P-256/P-384/P-521 key or an Ed25519 key"
            ),
            SignatureRefused { subject, algorithm } => write!(
                f,
                "{subject} is signed with {algorithm}, which console-tls (like Node) does not accept; have it reissued with SHA-256 or stronger"
            ),
            WildcardPublicSuffix { name, wildcard, suffix } => write!(
                f,
                "the certificate is not valid for {name}: it names it only through the wildcard {wildcard}, and {suffix} is a public suffix (Mozilla's Public Suffix List), over which no wildcard is accepted; reissue it with {name} itself in its subjectAltName"
            ),
            HostnameMismatch { name, names } => {
                write!(f, "the certificate is not valid for {name}")?;
                if names.is_empty() {
                    f.write_str(" (it names no host)")?;
                } else {
                    write!(f, " (it names {})", names.join(", "))?;
                }
                write!(
                    f,
                    "; connect by a name the certificate lists, or reissue it with {name} in its subjectAltName"
                )
            }
            Expired { subject, not_after } => write!(
                f,
                "the certificate {subject} expired on {not_after}; renew it"
            ),
            NotYetValid { subject, not_before } => write!(
                f,
                "the certificate {subject} is not valid before {not_before}; check the clock or the certificate's dates"
            ),
            NotForServers { subject } => write!(
                f,
                "the server certificate {subject} is not for TLS servers: its extendedKeyUsage lacks serverAuth; reissue it with extendedKeyUsage = serverAuth"
            ),
            NotForClients { subject } => write!(
                f,
                "the client certificate {subject} is not for TLS clients: its extendedKeyUsage lacks clientAuth; reissue it with extendedKeyUsage = clientAuth"
            ),
            KeyUsageRefused { subject, peer } => write!(
                f,
                "the {peer} certificate {subject} has a keyUsage that does not allow it to sign a TLS handshake (it lacks digitalSignature); reissue it with keyUsage = digitalSignature"
            ),
            UnhandledCriticalExtension { subject, oid } => write!(
                f,
                "the server certificate {subject} carries a critical extension ({oid}) that console-tls, like Node, does not handle; reissue it without that extension or with it non-critical"
            ),
            UrlNotHttps { url } => write!(
                f,
                "{url} is not https:// and TLS to Identity is required; use an https:// URL"
            ),
            UnsupportedCertificate {
                position,
                subject,
                problem,
            } => write!(
                f,
                "certificate {position} of the chain ({subject}) in {place} {problem}, which Node's TLS refuses to serve (OpenSSL security level 1); {}",
                problem.advice()
            ),
            KeyStoreAndPem { key_store, pem } => write!(
                f,
                "both a key store ({key_store}) and a PEM certificate/key ({pem}) are set; set one or the other"
            ),
            KeyStoreType { found } => {
                let store = match &self.0.source {
                    Some(Source::File(path)) => path.display().to_string(),
                    _ => "keystore.jks".to_owned(),
                };
                write!(
                    f,
                    "key stores of type {found} are not supported, only PKCS12; convert it with keytool -importkeystore -srckeystore {store} -srcstoretype {found} -destkeystore {store}.p12 -deststoretype pkcs12"
                )
            }
            KeyStoreNotAFile => f.write_str(
                "a key store must be a PKCS#12 file (file:/path/to/keystore.p12); PEM text belongs in the certificate and private key variables",
            ),
            KeyStoreInvalid { reason } => write!(
                f,
                "{place} is not a readable PKCS#12 key store ({reason}); give a .p12/.pfx file, e.g. made with openssl pkcs12 -export -in cert.pem -inkey key.pem -out keystore.p12"
            ),
            KeyStorePasswordMissing { password_var } => write!(
                f,
                "the key store {place} is protected by a password and none was given; set {password_var}"
            ),
            KeyStorePasswordWrong => write!(
                f,
                "the password does not open the key store {place}; check the password for this key store"
            ),
            KeyStoreScheme { found } => write!(
                f,
                "the key store {place} is protected with {found}, which is not supported; re-export it with openssl pkcs12 -export (OpenSSL 3's default AES-256 and SHA-256) or keytool -importkeystore -deststoretype pkcs12"
            ),
            KeyStoreNoKey => write!(
                f,
                "the key store {place} holds no private key entry (only certificates?); give the key store that holds the server's key and certificate"
            ),
            KeyStoreNoCertificate { alias } => write!(
                f,
                "the key entry {alias:?} of the key store {place} has no certificate for its key; re-export the key store with the certificate chain"
            ),
            KeyStoreAliasRequired { aliases, alias_var } => write!(
                f,
                "the key store {place} holds several key entries ({}); set {alias_var} to the one to use",
                quoted(aliases)
            ),
            KeyStoreAliasNotFound { alias, aliases } => write!(
                f,
                "the key store {place} has no key entry with the alias {alias:?} (it has {}); set the alias to one of them",
                quoted(aliases)
            ),
        }
    }
}

fn quoted(aliases: &[String]) -> String {
    aliases
        .iter()
        .map(|a| format!("{a:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("code", &self.code())
            .field("env_var", &self.0.env_var)
            .field("source", &self.0.source)
            .field("block", &self.0.block)
            .field("line", &self.0.line)
            .field("message", &self.to_string())
            .finish()
    }
}

impl std::error::Error for Error {}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error::new(kind)
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
