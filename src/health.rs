//! Certificate health and expiry metrics of a loaded [`Config`] (issue 16):
//! Spring Boot 3.4's `ssl` health component and its `ssl.chains` /
//! `ssl.chain.expiry` meters in Prometheus text (format 0.0.4).
//!
//! The chains are both listeners' (bundles `server` and `management`, alias
//! the bundle name, as a PEM listener has no key-store alias) and each CA of
//! `NODE_EXTRA_CA_CERTS` on its own (bundle `extra-ca-certs`, alias its
//! subject), which Spring Boot does not watch but which expires all the same;
//! likewise each client CA of a listener with client authentication (bundles
//! `server-client-ca` and `management-client-ca`, alias its subject).
//! Mozilla's and the system's roots are not included: they are not this
//! service's to renew.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::certificate::{unix_seconds, CertificateInfo};
use crate::config::Config;

/// Spring Boot's default `management.health.ssl.certificate-validity-warning-threshold`.
pub const DEFAULT_WARNING_THRESHOLD: Duration = Duration::from_secs(14 * 24 * 60 * 60);

/// How health is judged.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HealthOptions {
    /// A certificate whose notAfter is within this span of now is
    /// `WILL_EXPIRE_SOON` (its chain stays valid, as in Spring Boot).
    pub warning_threshold: Duration,
}

impl Default for HealthOptions {
    fn default() -> Self {
        HealthOptions {
            warning_threshold: DEFAULT_WARNING_THRESHOLD,
        }
    }
}

impl HealthOptions {
    /// Options with `warning_threshold`.
    pub fn with_warning_threshold(warning_threshold: Duration) -> Self {
        HealthOptions { warning_threshold }
    }
}

/// Spring Boot's health status of the `ssl` component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HealthStatus {
    /// Every certificate is within its validity period.
    Up,
    /// Some certificate is expired or not yet valid.
    OutOfService,
}

/// `{ status, details: { validChains, invalidChains } }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SslHealth {
    /// `UP`, or `OUT_OF_SERVICE` when any chain is invalid.
    pub status: HealthStatus,
    /// The chains.
    pub details: SslHealthDetails,
}

/// The chains, split as Spring Boot 3.4 splits them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SslHealthDetails {
    /// Chains whose certificates are all `VALID` or `WILL_EXPIRE_SOON`.
    pub valid_chains: Vec<ChainHealth>,
    /// Chains with an `EXPIRED` or `NOT_YET_VALID` certificate.
    pub invalid_chains: Vec<ChainHealth>,
}

/// One chain: `{ alias, certificates }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainHealth {
    /// The bundle name for a listener, the subject for an extra CA.
    pub alias: String,
    /// Leaf first, as configured.
    pub certificates: Vec<CertificateHealth>,
    /// `server`, `management`, `server-client-ca`, `management-client-ca`
    /// or `extra-ca-certs` (not in Spring Boot's JSON;
    /// it is the metrics' `bundle` label).
    #[serde(skip)]
    pub bundle: &'static str,
}

/// One certificate as Spring Boot's `SslInfo.CertificateInfo` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateHealth {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Serial number, upper-case hex (as everywhere in console-tls).
    pub serial_number: String,
    /// notBefore, RFC 3339.
    pub validity_starts: String,
    /// notAfter, RFC 3339.
    pub validity_ends: String,
    /// The verdict at `now`.
    pub validity: Validity,
    /// notAfter, seconds since the Unix epoch (for the expiry gauge).
    #[serde(skip)]
    pub validity_ends_unix: i64,
}

/// `{ status, message? }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Validity {
    /// The verdict.
    pub status: ValidityStatus,
    /// Why, except for `VALID`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Spring Boot's `CertificateValidityInfo.Status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ValidityStatus {
    /// Within its validity period, not about to leave it.
    Valid,
    /// After notAfter.
    Expired,
    /// Before notBefore.
    NotYetValid,
    /// Valid, but notAfter is within the warning threshold.
    WillExpireSoon,
}

impl ValidityStatus {
    /// Whether a chain holding it is still valid (Spring Boot: `isValid()`).
    pub fn is_valid(self) -> bool {
        matches!(self, ValidityStatus::Valid | ValidityStatus::WillExpireSoon)
    }

    /// The `status` label of `ssl_chains`.
    pub fn label(self) -> &'static str {
        match self {
            ValidityStatus::Valid => "valid",
            ValidityStatus::Expired => "expired",
            ValidityStatus::NotYetValid => "not-yet-valid",
            ValidityStatus::WillExpireSoon => "will-expire-soon",
        }
    }

    /// How bad it is, for a chain's status: its worst certificate's.
    fn severity(self) -> u8 {
        match self {
            ValidityStatus::Valid => 0,
            ValidityStatus::WillExpireSoon => 1,
            ValidityStatus::NotYetValid => 2,
            ValidityStatus::Expired => 3,
        }
    }
}

impl ChainHealth {
    /// The chain's status: its worst certificate's (expired before
    /// not-yet-valid before will-expire-soon before valid); `VALID` when empty.
    pub fn status(&self) -> ValidityStatus {
        self.certificates
            .iter()
            .map(|c| c.validity.status)
            .max_by_key(|s| s.severity())
            .unwrap_or(ValidityStatus::Valid)
    }
}

/// Judges one certificate at `now` (Unix seconds).
pub fn validity(info: &CertificateInfo, threshold: Duration, now: i64) -> Validity {
    let threshold_secs = i64::try_from(threshold.as_secs()).unwrap_or(i64::MAX);
    if now < info.not_before_unix {
        Validity {
            status: ValidityStatus::NotYetValid,
            message: Some(format!("Not valid before {}", info.not_before)),
        }
    } else if now > info.not_after_unix {
        Validity {
            status: ValidityStatus::Expired,
            message: Some(format!("Not valid after {}", info.not_after)),
        }
    } else if now.saturating_add(threshold_secs) > info.not_after_unix {
        Validity {
            status: ValidityStatus::WillExpireSoon,
            message: Some(format!(
                "Certificate will expire within threshold ({}) at {}",
                spring_duration(threshold),
                info.not_after
            )),
        }
    } else {
        Validity {
            status: ValidityStatus::Valid,
            message: None,
        }
    }
}

/// `java.time.Duration.toString()` spelling (`PT336H`), as in Spring Boot's message.
fn spring_duration(duration: Duration) -> String {
    let secs = duration.as_secs();
    if secs == 0 {
        return "PT0S".to_owned();
    }
    let (hours, minutes, seconds) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = "PT".to_owned();
    for (value, unit) in [(hours, 'H'), (minutes, 'M'), (seconds, 'S')] {
        if value != 0 {
            let _ = write!(out, "{value}{unit}");
        }
    }
    out
}

/// Every chain of `config` judged at `now`: listeners first, then each
/// client CA of a listener with client authentication, then each extra CA.
pub fn chains(config: &Config, options: &HealthOptions, now: SystemTime) -> Vec<ChainHealth> {
    let now = unix_seconds(now);
    let judge = |info: &CertificateInfo| CertificateHealth {
        subject: info.subject.clone(),
        issuer: info.issuer.clone(),
        serial_number: info.serial.clone(),
        validity_starts: info.not_before.clone(),
        validity_ends: info.not_after.clone(),
        validity: validity(info, options.warning_threshold, now),
        validity_ends_unix: info.not_after_unix,
    };
    let listeners = [
        ("server", &config.server),
        ("management", &config.management),
    ]
    .into_iter()
    .filter_map(|(bundle, tls)| tls.as_ref().map(|tls| (bundle, tls)))
    .map(|(bundle, tls)| ChainHealth {
        alias: bundle.to_owned(),
        certificates: tls.chain().iter().map(|c| judge(c.info())).collect(),
        bundle,
    });
    // A client CA that expires locks its clients out: judged like an extra CA.
    let client_cas = [
        ("server-client-ca", &config.server),
        ("management-client-ca", &config.management),
    ]
    .into_iter()
    .filter_map(|(bundle, tls)| tls.as_ref().map(|tls| (bundle, tls)))
    .flat_map(|(bundle, tls)| {
        tls.client_auth()
            .certificates()
            .iter()
            .map(move |ca| (bundle, ca))
    })
    .map(|(bundle, ca)| ChainHealth {
        alias: ca.info().subject.clone(),
        certificates: vec![judge(ca.info())],
        bundle,
    });
    let extras = config.trust.extras().iter().map(|ca| ChainHealth {
        alias: ca.info().subject.clone(),
        certificates: vec![judge(ca.info())],
        bundle: "extra-ca-certs",
    });
    listeners.chain(client_cas).chain(extras).collect()
}

/// Spring Boot's `ssl` health component for `config` at `now`.
pub fn ssl_health(config: &Config, options: &HealthOptions, now: SystemTime) -> SslHealth {
    let (valid_chains, invalid_chains): (Vec<_>, Vec<_>) = chains(config, options, now)
        .into_iter()
        .partition(|chain| chain.status().is_valid());
    SslHealth {
        status: if invalid_chains.is_empty() {
            HealthStatus::Up
        } else {
            HealthStatus::OutOfService
        },
        details: SslHealthDetails {
            valid_chains,
            invalid_chains,
        },
    }
}

/// The metrics of `config` at `now` in Prometheus text format 0.0.4:
/// `ssl_chains{status}` (chains per status, every status present) and
/// `ssl_chain_expiry_seconds{bundle,chain,certificate}` (seconds until each
/// certificate's notAfter, negative once expired).
pub fn prometheus(config: &Config, options: &HealthOptions, now: SystemTime) -> String {
    let chains = chains(config, options, now);
    let now = unix_seconds(now);
    let mut out = String::new();
    out.push_str("# HELP ssl_chains Number of SSL chains by validity status\n");
    out.push_str("# TYPE ssl_chains gauge\n");
    for status in [
        ValidityStatus::Valid,
        ValidityStatus::Expired,
        ValidityStatus::NotYetValid,
        ValidityStatus::WillExpireSoon,
    ] {
        let count = chains.iter().filter(|c| c.status() == status).count();
        // Writing to a String cannot fail.
        let _ = writeln!(out, "ssl_chains{{status=\"{}\"}} {count}", status.label());
    }
    out.push_str(
        "# HELP ssl_chain_expiry_seconds Seconds until the certificate's notAfter (negative once expired)\n",
    );
    out.push_str("# TYPE ssl_chain_expiry_seconds gauge\n");
    for chain in &chains {
        for cert in &chain.certificates {
            let _ = writeln!(
                out,
                "ssl_chain_expiry_seconds{{bundle=\"{}\",chain=\"{}\",certificate=\"{}\"}} {}",
                escape_label(chain.bundle),
                escape_label(&chain.alias),
                escape_label(&cert.serial_number),
                cert.validity_ends_unix.saturating_sub(now)
            );
        }
    }
    out
}

/// A label value escaped as format 0.0.4 requires: `\`, `"` and newline.
/// (A subject can hold any of them: it comes from the certificate.)
pub fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape_label("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    }

    #[test]
    fn durations_use_java_spelling() {
        assert_eq!(spring_duration(DEFAULT_WARNING_THRESHOLD), "PT336H");
        assert_eq!(spring_duration(Duration::from_secs(90)), "PT1M30S");
        assert_eq!(spring_duration(Duration::from_secs(1800)), "PT30M");
    }
}
