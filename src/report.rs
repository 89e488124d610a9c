//! `check`: every problem of a configuration at once, as data, for people
//! (`console-tls check`) and programs (`--json`, the Node `check()`).

use serde::Serialize;

use crate::certificate::{unix_seconds, CertificateInfo};
use crate::config::load_listener;
use crate::error::Error;
use crate::options::Options;
use crate::settings::{Listener, Settings};
use crate::warning::Warning;

/// The outcome of checking a configuration. Never an error itself.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// One entry per listener, main first.
    pub listeners: Vec<ListenerReport>,
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
/// one listener's failure does not hide the other's.
pub fn check(settings: &Settings, options: &Options) -> Report {
    let mut report = Report {
        listeners: Vec::new(),
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
        };
        match load_listener(settings, listener, options) {
            Ok(Some(tls)) => {
                entry.ok = true;
                entry.certificates = tls.chain().iter().map(|c| c.info().clone()).collect();
                entry.key_type = Some(tls.key_type().to_string());
                entry.key_format = Some(tls.key().format().to_string());
                entry.key_encryption = tls.key().encryption().map(|e| e.to_string());
                report.add_warnings(tls.warnings());
            }
            Ok(None) => entry.ok = true,
            Err(error) => report.add_problem(&error),
        }
        report.listeners.push(entry);
    }
    report
}
