//! `check`: every problem of a configuration at once, as data, for people
//! (`console-tls check`) and programs (`--json`, the Node `check()`).

use serde::Serialize;

use crate::certificate::{unix_seconds, CertificateInfo};
use crate::config::load_listener;
use crate::error::Error;
use crate::identity::{redacted, Identity};
use crate::location::Location;
use crate::options::Options;
use crate::settings::{Listener, Settings};
use crate::trust::Trust;
use crate::warning::Warning;

/// The outcome of checking a configuration. Never an error itself.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// One entry per listener, main first.
    pub listeners: Vec<ListenerReport>,
    /// The trust for outgoing TLS (`NODE_EXTRA_CA_CERTS`).
    pub trust: TrustReport,
    /// Identity's URLs.
    pub identity: IdentityReport,
    /// Every problem found (errors that would stop start-up).
    pub problems: Vec<Problem>,
    /// Every warning.
    pub warnings: Vec<WarningReport>,
    /// When the certificates were judged (Unix seconds).
    pub checked_at: i64,
}

/// One listener's state.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListenerReport {
    /// `"server"` or `"management"`.
    pub name: &'static str,
    /// Whether its TLS is enabled (false also when the flag is invalid).
    pub enabled: bool,
    /// Whether it loaded without error.
    pub ok: bool,
    /// The chain, leaf first (empty unless loaded).
    pub certificates: Vec<CertificateInfo>,
    /// The key type, e.g. `ECDSA P-256` (when loaded).
    pub key_type: Option<String>,
    /// How the key was stored, e.g. `PKCS#8` (when loaded).
    pub key_format: Option<String>,
    /// How the key was encrypted (when it was).
    pub key_encryption: Option<String>,
    /// `want` or `need` when the listener asks for client certificates
    /// (absent for `none`, so reports without client auth are unchanged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_auth: Option<&'static str>,
    /// The CAs that issue client certificates (with `client_auth`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub client_cas: Vec<CertificateInfo>,
}

/// The trust's state.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustReport {
    /// Whether it loaded without problem (lenient mode: problems are warnings).
    pub ok: bool,
    /// The bundle's path, `"inline PEM"`, or `None` when unset.
    pub extra_ca_certs: Option<String>,
    /// The extra certificates that loaded, deduplicated, in order.
    pub certificates: Vec<CertificateInfo>,
    /// How many of Mozilla's roots are trusted as well.
    pub mozilla_roots: usize,
    /// How many of the operating system's roots are trusted as well (0 unless requested).
    pub system_roots: usize,
    /// Whether problems are errors (the default) or warnings.
    pub strict: bool,
}

/// Identity's URLs (user names and passwords removed).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityReport {
    /// Whether both URLs parsed and are acceptable.
    pub ok: bool,
    /// `KEYCLOAK_BASE_URL`.
    pub base_url: Option<String>,
    /// `KEYCLOAK_INTERNAL_BASE_URL` (defaults to the base URL).
    pub internal_base_url: Option<String>,
    /// Whether a configured URL is `https://`.
    pub uses_tls: bool,
}

/// An error as data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// The `ERR_*` code.
    pub code: &'static str,
    /// The variable, when known.
    pub env_var: Option<String>,
    /// The file, when known.
    pub path: Option<String>,
    /// The 1-based PEM block, when known.
    pub block: Option<usize>,
    /// The line that block starts on, when known.
    pub line: Option<usize>,
    /// The one-line message.
    pub message: String,
}

impl From<&Error> for Problem {
    fn from(error: &Error) -> Problem {
        Problem {
            code: error.code().as_str(),
            env_var: error.env_var().map(str::to_owned),
            path: error.path().map(|p| p.display().to_string()),
            block: error.block(),
            line: error.line(),
            message: error.to_string(),
        }
    }
}

/// A warning as data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WarningReport {
    /// The `WARN_*` code.
    pub code: &'static str,
    /// The variable, when known.
    pub env_var: Option<String>,
    /// The one-line message.
    pub message: String,
}

impl From<&Warning> for WarningReport {
    fn from(warning: &Warning) -> WarningReport {
        WarningReport {
            code: warning.code.as_str(),
            env_var: warning.env_var.clone(),
            message: warning.to_string(),
        }
    }
}

impl Report {
    /// True when there is no problem (warnings allowed).
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// Records an error.
    pub fn add_problem(&mut self, error: &Error) {
        self.problems.push(Problem::from(error));
    }

    /// Records warnings.
    pub fn add_warnings<'a>(&mut self, warnings: impl IntoIterator<Item = &'a Warning>) {
        self.warnings
            .extend(warnings.into_iter().map(WarningReport::from));
    }
}

/// Checks everything `settings` configures and reports every problem;
/// one listener's failure does not hide the other's, and every problem of
/// the trust bundle and of Identity's URLs is listed, not only the first.
pub fn check(settings: &Settings, options: &Options) -> Report {
    let mut report = Report {
        listeners: Vec::new(),
        trust: TrustReport {
            ok: true,
            extra_ca_certs: None,
            certificates: Vec::new(),
            mozilla_roots: 0,
            system_roots: 0,
            strict: options.strict_trust,
        },
        identity: IdentityReport {
            ok: true,
            base_url: None,
            internal_base_url: None,
            uses_tls: false,
        },
        problems: Vec::new(),
        warnings: Vec::new(),
        checked_at: unix_seconds(options.now()),
    };
    for listener in Listener::ALL {
        let mut entry = ListenerReport {
            name: listener.name(),
            enabled: settings.enabled(listener).unwrap_or(false),
            ok: false,
            certificates: Vec::new(),
            key_type: None,
            key_format: None,
            key_encryption: None,
            client_auth: None,
            client_cas: Vec::new(),
        };
        match load_listener(settings, listener, options) {
            Ok(Some(tls)) => {
                entry.ok = true;
                entry.certificates = tls.chain().iter().map(|c| c.info().clone()).collect();
                entry.key_type = Some(tls.key_type().to_string());
                entry.key_format = Some(tls.key().format().to_string());
                entry.key_encryption = tls.key().encryption().map(|e| e.to_string());
                let client_auth = tls.client_auth();
                if client_auth.mode() != crate::ClientAuth::None {
                    entry.client_auth = Some(client_auth.mode().as_str());
                    entry.client_cas = client_auth
                        .certificates()
                        .iter()
                        .map(|c| c.info().clone())
                        .collect();
                }
                report.add_warnings(tls.warnings());
            }
            Ok(None) => entry.ok = true,
            Err(error) => report.add_problem(&error),
        }
        report.listeners.push(entry);
    }
    check_trust(settings, options, &mut report);
    check_identity(settings, options, &mut report);
    report
}

fn check_trust(settings: &Settings, options: &Options, report: &mut Report) {
    let (trust, problems) = Trust::from_settings_all(settings, options);
    report.trust.ok = problems.is_empty();
    report.trust.extra_ca_certs = match settings.extra_ca_certs() {
        Ok(Some(Location::File(path))) => Some(path.display().to_string()),
        Ok(Some(Location::Inline(_))) => Some("inline PEM".to_owned()),
        Ok(None) | Err(_) => None,
    };
    report.trust.certificates = trust.extras().iter().map(|c| c.info().clone()).collect();
    report.trust.mozilla_roots = trust.mozilla_root_count();
    report.trust.system_roots = trust.system_root_count();
    for problem in &problems {
        report.add_problem(problem);
    }
    report.add_warnings(trust.warnings());
}

fn check_identity(settings: &Settings, options: &Options, report: &mut Report) {
    let (identity, problems) = Identity::from_settings_all(settings, options);
    report.identity.ok = problems.is_empty();
    report.identity.base_url = identity.base_url.as_ref().map(redacted);
    report.identity.internal_base_url = identity.internal_base_url.as_ref().map(redacted);
    report.identity.uses_tls = identity.uses_tls();
    for problem in &problems {
        report.add_problem(problem);
    }
    report.add_warnings(&identity.warnings);
}
