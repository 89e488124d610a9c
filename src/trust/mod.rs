//! Trust: the extra CA certificates a Console needs to talk to Identity
//! (`NODE_EXTRA_CA_CERTS`, or the API's list of files), the root stores they
//! join, and verification of a server's chain against them.
//!
//! ```no_run
//! use console_tls::{Location, Options, Trust};
//! use std::time::SystemTime;
//!
//! let bundle = Location::parse("/etc/ssl/identity-ca.pem", std::path::Path::new("/"))?;
//! let trust = Trust::load(&[bundle], "NODE_EXTRA_CA_CERTS", &Options::default())?;
//! # let chain: Vec<rustls_pki_types::CertificateDer<'static>> = Vec::new();
//! let verified = trust.verify_server(&chain, "identity.example.com", SystemTime::now())?;
//! println!("anchored at {}", verified.anchor_subject);
//! // Or let rustls do it during the handshake:
//! let _config = trust.client_config();
//! # Ok::<(), console_tls::Error>(())
//! ```

pub(crate) mod loading;
mod name_constraints;
mod path;
mod roots;
mod verification;

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use rustls::client::danger::ServerCertVerifier;
use rustls::ClientConfig;
use rustls_pki_types::{CertificateDer, TrustAnchor};

pub use roots::AnchorSource;
pub use verification::{check_server_name, parse_server_name, to_rustls_error, Verified};

use crate::certificate::Certificate;
use crate::error::{Error, Result};
use crate::location::Location;
use crate::options::Options;
use crate::provider;
use crate::settings::{Settings, NODE_EXTRA_CA_CERTS};
use crate::warning::{Warning, WarningCode};
pub(crate) use roots::Anchors;
use verification::TrustVerifier;
pub(crate) use verification::{presented, Purpose, Store};

/// The trusted certificates: Mozilla's roots, optionally the system's, and
/// the extras. Cheap to clone and safe to share between threads.
#[derive(Clone)]
pub struct Trust {
    store: Arc<Store>,
    warnings: Arc<[Warning]>,
    config: Arc<OnceLock<Arc<ClientConfig>>>,
}

impl fmt::Debug for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trust")
            .field(
                "extras",
                &self
                    .store
                    .extras
                    .iter()
                    .map(|c| &c.info().subject)
                    .collect::<Vec<_>>(),
            )
            .field("mozilla_roots", &self.store.anchors.mozilla)
            .field("system_roots", &self.store.anchors.system)
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

impl Trust {
    /// Loads every `CERTIFICATE` block of every source; `env_var` names the
    /// variable (or API argument) in errors and warnings.
    ///
    /// Every block is accounted for: a bad block is reported with its index
    /// and line, and the good blocks before and after it are kept. With
    /// [`Options::strict_trust`] (the default) any problem — a bad block, a
    /// missing or unreadable file, a file without a certificate — is an error
    /// naming `env_var` and the file (the first one, in order); otherwise each
    /// becomes a [`WarningCode::TrustProblem`] warning and what loaded is kept.
    /// Duplicates are collapsed with a warning. Blocks that are not
    /// certificates (a key, a CRL) are skipped with a warning in either mode.
    pub fn load(sources: &[Location], env_var: &str, options: &Options) -> Result<Trust> {
        let (trust, problems) = Trust::load_all(sources, env_var, options);
        match problems.into_iter().next() {
            Some(first) => Err(first),
            None => Ok(trust),
        }
    }

    /// `NODE_EXTRA_CA_CERTS` from `settings` (unset or empty: no extras,
    /// Mozilla's roots only, plus the system's with [`Options::system_roots`]).
    pub fn from_settings(settings: &Settings, options: &Options) -> Result<Trust> {
        let (trust, problems) = Trust::from_settings_all(settings, options);
        match problems.into_iter().next() {
            Some(first) => Err(first),
            None => Ok(trust),
        }
    }

    /// Like [`Trust::load`], but returns the trust built from what loaded
    /// together with every problem (empty in lenient mode, where problems
    /// are warnings). For reports that list every problem at once.
    pub fn load_all(sources: &[Location], env_var: &str, options: &Options) -> (Trust, Vec<Error>) {
        let loaded = loading::load_sources(sources, options);
        let mut warnings: Vec<Warning> = loaded.warnings;
        let problems: Vec<Error> = loaded
            .problems
            .into_iter()
            .map(|e| e.with_env_var(env_var))
            .collect();
        let problems = if options.strict_trust {
            problems
        } else {
            // Problems first: they matter more than duplicates or expiry.
            let mut all: Vec<Warning> = problems.iter().map(as_warning).collect();
            all.append(&mut warnings);
            warnings = all;
            Vec::new()
        };
        let trust = Trust::assemble(loaded.extras, loaded.anchors, warnings, env_var, options);
        (trust, problems)
    }

    /// Like [`Trust::from_settings`], collecting every problem (see [`Trust::load_all`]).
    pub fn from_settings_all(settings: &Settings, options: &Options) -> (Trust, Vec<Error>) {
        let mut node_warnings = Vec::new();
        let location = match settings.extra_ca_certs() {
            Ok(location) => location,
            Err(error) if options.strict_trust => {
                let trust = Trust::assemble(
                    Vec::new(),
                    Vec::new(),
                    Vec::new(),
                    NODE_EXTRA_CA_CERTS,
                    options,
                );
                return (trust, vec![error]);
            }
            Err(error) => {
                node_warnings.push(as_warning(&error));
                None
            }
        };
        if let Some(location) = &location {
            node_warnings.extend(node_incompatibility(settings, location));
        }
        let sources: Vec<Location> = location.into_iter().collect();
        let (mut trust, problems) = Trust::load_all(&sources, NODE_EXTRA_CA_CERTS, options);
        if !node_warnings.is_empty() {
            let mut warnings = node_warnings;
            warnings.extend(trust.warnings.iter().cloned());
            trust.warnings = warnings.into();
        }
        (trust, problems)
    }

    fn assemble(
        extras: Vec<Certificate>,
        extra_anchors: Vec<std::result::Result<TrustAnchor<'static>, webpki::Error>>,
        mut warnings: Vec<Warning>,
        env_var: &str,
        options: &Options,
    ) -> Trust {
        let (anchors, anchor_warnings) =
            Anchors::build(&extras, extra_anchors, options.system_roots);
        warnings.extend(anchor_warnings);
        let warnings: Vec<Warning> = warnings
            .into_iter()
            .map(|w| w.with_env_var(env_var))
            .collect();
        Trust {
            store: Arc::new(Store {
                extras,
                anchors,
                purpose: Purpose::Server,
            }),
            warnings: warnings.into(),
            config: Arc::new(OnceLock::new()),
        }
    }

    /// The extra certificates, deduplicated, in the order first seen.
    pub fn extras(&self) -> &[Certificate] {
        &self.store.extras
    }

    /// The extra certificates as concatenated PEM.
    pub fn extras_pem(&self) -> String {
        self.store.extras.iter().map(Certificate::pem).collect()
    }

    /// Warnings found while loading (each naming its variable).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// How many anchors come from Mozilla's root store.
    pub fn mozilla_root_count(&self) -> usize {
        self.store.anchors.mozilla
    }

    /// How many anchors come from the operating system's store (0 unless
    /// [`Options::system_roots`]).
    pub fn system_root_count(&self) -> usize {
        self.store.anchors.system
    }

    /// The operating system's roots this trust uses (empty unless
    /// [`Options::system_roots`]), for hosts whose own TLS stack needs the
    /// certificates themselves (a Node `SecureContext`, Python's `ssl`).
    pub fn system_root_certificates(&self) -> &[CertificateDer<'static>] {
        &self.store.anchors.system_certificates
    }

    /// Loads a trust from location values as a caller gives them (paths,
    /// `file:` URLs, or PEM text; bytes, as the environment holds them),
    /// relative paths against `base_dir`; errors and warnings name
    /// `argument`. What every surface's "load a trust" calls.
    pub fn from_locations<T: AsRef<[u8]>>(
        values: &[T],
        base_dir: &std::path::Path,
        argument: &str,
        options: &Options,
    ) -> Result<Trust> {
        let locations = values
            .iter()
            .map(|value| {
                Location::parse_bytes(value.as_ref(), base_dir)
                    .map_err(|e| e.with_env_var(argument))
            })
            .collect::<Result<Vec<_>>>()?;
        Trust::load(&locations, argument, options)
    }

    /// Every certificate this trust anchors on, as concatenated PEM:
    /// Mozilla's roots, the operating system's (when loaded with them) and
    /// the extras, for a TLS stack that takes certificates rather than
    /// anchors (OpenSSL: Python's `ssl.SSLContext`, `curl --cacert`).
    pub fn trusted_certificates_pem(&self) -> String {
        let mut pem = String::new();
        for der in webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .chain(self.system_root_certificates())
        {
            pem.push_str(&crate::certificate::pem_encode("CERTIFICATE", der));
        }
        pem.push_str(&self.extras_pem());
        pem
    }

    /// Verifies a server's chain (server certificate first, then what the
    /// server sent after it) for `server_name` (a DNS name or an IP address,
    /// IPv6 with or without brackets) at `now`, with the verdict of a Node 20
    /// handshake trusting the same certificates: a path to a self-signed
    /// trusted root (no partial chains), the CAs' constraints (name
    /// constraints, path length without self-issued CAs, serverAuth), every
    /// validity period including the root's, a self-signed extra trusted by
    /// its exact bytes. Deliberately stricter than Node: the server key (RSA
    /// ≥ 2048, ECDSA P-256/P-384/P-521, Ed25519), no wildcard over a public
    /// suffix (README, "Where console-tls deliberately differs from Node").
    ///
    /// Errors: `ERR_CERT_UNTRUSTED`, `ERR_CERT_HOSTNAME_MISMATCH`,
    /// `ERR_CERT_EXPIRED`, `ERR_CERT_NOT_YET_VALID`, `ERR_CERT_INVALID`, and
    /// `ERR_CONFIG_INVALID` when `server_name` is neither a name nor an address.
    pub fn verify_server(
        &self,
        chain: &[CertificateDer<'_>],
        server_name: &str,
        now: SystemTime,
    ) -> Result<Verified> {
        let name = parse_server_name(server_name)?;
        self.store
            .verify(chain, &name, verification::unix_time(now))
    }

    /// Diagnostics only: path building and validity like
    /// [`Trust::verify_server`] but WITHOUT the name check, to show which
    /// anchor a chain leads to even when the name is wrong (`console-tls
    /// probe`). Never use it to decide whether to trust a connection.
    pub fn verify_chain_without_name(
        &self,
        chain: &[CertificateDer<'_>],
        now: SystemTime,
    ) -> Result<Verified> {
        self.store.verify_path(chain, verification::unix_time(now))
    }

    /// A rustls verifier with the same logic as [`Trust::verify_server`], for
    /// hosts that build their own `ClientConfig` (e.g. with client certificates).
    pub fn verifier(&self) -> Arc<dyn ServerCertVerifier> {
        Arc::new(TrustVerifier {
            store: self.store.clone(),
        })
    }

    /// A `ClientConfig` for TLS 1.2 and 1.3 with the aws-lc-rs provider that
    /// verifies servers as [`Trust::verify_server`] does; built once, shared after.
    pub fn client_config(&self) -> Arc<ClientConfig> {
        self.config
            .get_or_init(|| {
                let config = ClientConfig::builder_with_provider(provider::get())
                    .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
                    // The provider is aws-lc-rs's default, which supports both versions.
                    .expect("the aws-lc-rs provider supports TLS 1.2 and 1.3")
                    .dangerous()
                    .with_custom_certificate_verifier(self.verifier())
                    .with_no_client_auth();
                Arc::new(config)
            })
            .clone()
    }
}

/// A problem kept as a warning (lenient mode). The message already names the
/// file and block; the variable is added by the warning itself.
fn as_warning(error: &Error) -> Warning {
    let message = error.to_string();
    let message = match error.env_var() {
        Some(var) => message
            .strip_prefix(&format!("{var}: "))
            .map(str::to_owned)
            .unwrap_or(message),
        None => message,
    };
    let warning = Warning::new(WarningCode::TrustProblem, message);
    match error.env_var() {
        Some(var) => warning.with_env_var(var),
        None => warning,
    }
}

/// Node reads `NODE_EXTRA_CA_CERTS` as a plain path: a `file:` URL or inline
/// PEM works here but would be ignored by Node itself.
fn node_incompatibility(settings: &Settings, location: &Location) -> Option<Warning> {
    let raw = String::from_utf8_lossy(settings.bytes(NODE_EXTRA_CA_CERTS)?);
    let message = match location {
        Location::Inline(_) => "holds the PEM text itself; console-tls reads it, but Node would look for a file of that name, warn and ignore it; write the certificates to a file and give its path".to_owned(),
        Location::File(path) if raw.starts_with("file:") => format!(
            "uses the file: form; console-tls reads it, but Node would look for a file literally named {raw:?} and ignore the variable; set it to the plain path {}",
            path.display()
        ),
        Location::File(_) => return None,
    };
    Some(Warning::new(WarningCode::NodeIncompatible, message).with_env_var(NODE_EXTRA_CA_CERTS))
}
