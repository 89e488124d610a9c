//! Warnings: things an operator should hear about that do not stop loading.

use std::fmt;

/// What a warning is about. Stable names (`WARN_*`) for programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningCode {
    /// A certificate's validity period has ended.
    CertExpired,
    /// A certificate's validity period has not started.
    CertNotYetValid,
    /// A certificate expires within 30 days.
    CertExpiringSoon,
    /// A chain link is not issued by the next certificate.
    ChainBroken,
    /// The leaf has no subjectAltName (clients ignore the CN).
    NoSubjectAltName,
    /// A passphrase was given but the key is not encrypted.
    PassphraseUnused,
    /// An Identity URL is plain `http://`.
    IdentityNotEncrypted,
    /// A problem with the extra CA bundle, kept as a warning in lenient mode.
    TrustProblem,
    /// The same certificate appears twice in the extra CA bundle.
    DuplicateCertificate,
    /// A value uses a form that Node itself would not read the same way.
    NodeIncompatible,
    /// A variable is set but has no effect (a client CA bundle while client
    /// authentication is `none`).
    SettingUnused,
}

impl WarningCode {
    /// Every code, in declaration order: the one list the surfaces' lists
    /// (TypeScript's `WarningCode`, …) are tested against.
    pub const ALL: [WarningCode; 11] = [
        WarningCode::CertExpired,
        WarningCode::CertNotYetValid,
        WarningCode::CertExpiringSoon,
        WarningCode::ChainBroken,
        WarningCode::NoSubjectAltName,
        WarningCode::PassphraseUnused,
        WarningCode::IdentityNotEncrypted,
        WarningCode::TrustProblem,
        WarningCode::DuplicateCertificate,
        WarningCode::NodeIncompatible,
        WarningCode::SettingUnused,
    ];

    /// The code as every surface spells it, e.g. `"WARN_CERT_EXPIRING_SOON"`.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::CertExpired => "WARN_CERT_EXPIRED",
            WarningCode::CertNotYetValid => "WARN_CERT_NOT_YET_VALID",
            WarningCode::CertExpiringSoon => "WARN_CERT_EXPIRING_SOON",
            WarningCode::ChainBroken => "WARN_CHAIN_BROKEN",
            WarningCode::NoSubjectAltName => "WARN_NO_SUBJECT_ALT_NAME",
            WarningCode::PassphraseUnused => "WARN_PASSPHRASE_UNUSED",
            WarningCode::IdentityNotEncrypted => "WARN_IDENTITY_NOT_ENCRYPTED",
            WarningCode::TrustProblem => "WARN_TRUST_PROBLEM",
            WarningCode::DuplicateCertificate => "WARN_DUPLICATE_CERTIFICATE",
            WarningCode::NodeIncompatible => "WARN_NODE_INCOMPATIBLE",
            WarningCode::SettingUnused => "WARN_SETTING_UNUSED",
        }
    }
}

impl fmt::Display for WarningCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One warning: a code, the variable it concerns, and a one-line message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// What kind of warning.
    pub code: WarningCode,
    /// The variable (or argument) it concerns, when known.
    pub env_var: Option<String>,
    /// The message, already prefixed with nothing: [`Warning`]'s `Display` adds the variable.
    pub message: String,
}

impl Warning {
    /// A warning with no variable yet.
    pub fn new(code: WarningCode, message: impl Into<String>) -> Warning {
        Warning {
            code,
            env_var: None,
            message: message.into(),
        }
    }

    /// Names the variable, unless one is set.
    pub fn with_env_var(mut self, name: &str) -> Warning {
        if self.env_var.is_none() {
            self.env_var = Some(name.to_owned());
        }
        self
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.env_var {
            Some(var) => write!(f, "{var}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::WarningCode;

    #[test]
    fn all_lists_each_variant_once_in_declaration_order() {
        for (i, code) in WarningCode::ALL.into_iter().enumerate() {
            // Exhaustive: a new variant does not compile here until it has a place.
            let place = match code {
                WarningCode::CertExpired => 0,
                WarningCode::CertNotYetValid => 1,
                WarningCode::CertExpiringSoon => 2,
                WarningCode::ChainBroken => 3,
                WarningCode::NoSubjectAltName => 4,
                WarningCode::PassphraseUnused => 5,
                WarningCode::IdentityNotEncrypted => 6,
                WarningCode::TrustProblem => 7,
                WarningCode::DuplicateCertificate => 8,
                WarningCode::NodeIncompatible => 9,
                WarningCode::SettingUnused => 10,
            };
            assert_eq!(place, i, "{code}");
        }
    }
}
