//! `ctls_status`, its names, and the library version.

use std::ffi::{c_char, c_int, CStr};

use crate::error::ErrorCode;

/// The result of every fallible function.
///
/// `CTLS_OK` is 0. The `CTLS_ERR_*` values from 1 to 18 are the stable
/// `ERR_*` codes every surface of console-tls reports, in the same order;
/// new codes will take the next free numbers below 100. The last three are
/// about the call itself, not the configuration, and are numbered from 100
/// so that they never move.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ctls_status {
    /// Success.
    CTLS_OK = 0,
    /// `ERR_CONFIG_INVALID`: a variable or argument has a value that cannot
    /// mean anything (also: an index out of range).
    CTLS_ERR_CONFIG_INVALID = 1,
    /// `ERR_CONFIG_MISSING`: TLS is enabled but a required variable is unset or empty.
    CTLS_ERR_CONFIG_MISSING = 2,
    /// `ERR_FILE_NOT_FOUND`: the file does not exist.
    CTLS_ERR_FILE_NOT_FOUND = 3,
    /// `ERR_FILE_UNREADABLE`: the file exists but cannot be read as a regular file.
    CTLS_ERR_FILE_UNREADABLE = 4,
    /// `ERR_FILE_TOO_LARGE`: the file is larger than the limit.
    CTLS_ERR_FILE_TOO_LARGE = 5,
    /// `ERR_PEM_INVALID`: no usable PEM block, or a block that is not valid PEM.
    CTLS_ERR_PEM_INVALID = 6,
    /// `ERR_CERT_INVALID`: a `CERTIFICATE` block that is not an X.509 certificate.
    CTLS_ERR_CERT_INVALID = 7,
    /// `ERR_KEY_UNSUPPORTED`: a key type or encryption scheme that is not supported.
    CTLS_ERR_KEY_UNSUPPORTED = 8,
    /// `ERR_KEY_ENCRYPTED`: the key is encrypted and no passphrase was given.
    CTLS_ERR_KEY_ENCRYPTED = 9,
    /// `ERR_PASSPHRASE_WRONG`: the passphrase does not decrypt the key.
    CTLS_ERR_PASSPHRASE_WRONG = 10,
    /// `ERR_KEY_MISMATCH`: the key does not belong to the leaf certificate.
    CTLS_ERR_KEY_MISMATCH = 11,
    /// `ERR_CHAIN_ORDER`: the key belongs to another certificate of the chain than the first.
    CTLS_ERR_CHAIN_ORDER = 12,
    /// `ERR_CERT_UNTRUSTED`: the chain does not lead to a trusted certificate.
    CTLS_ERR_CERT_UNTRUSTED = 13,
    /// `ERR_CERT_HOSTNAME_MISMATCH`: the certificate does not name the host.
    CTLS_ERR_CERT_HOSTNAME_MISMATCH = 14,
    /// `ERR_CERT_EXPIRED`: the certificate's validity period has ended.
    CTLS_ERR_CERT_EXPIRED = 15,
    /// `ERR_CERT_NOT_YET_VALID`: the certificate's validity period has not started.
    CTLS_ERR_CERT_NOT_YET_VALID = 16,
    /// `ERR_URL_NOT_HTTPS`: an Identity URL is `http://` while TLS is required.
    CTLS_ERR_URL_NOT_HTTPS = 17,
    /// `ERR_CERT_UNSUPPORTED`: a certificate of a listener's chain that
    /// Node's TLS refuses to serve (MD5/SHA-1 signature, key under 80 bits).
    CTLS_ERR_CERT_UNSUPPORTED = 18,
    /// `ERR_NULL_ARGUMENT`: a required pointer argument is NULL.
    CTLS_ERR_NULL_ARGUMENT = 100,
    /// `ERR_INVALID_UTF8`: a text argument is not valid UTF-8.
    CTLS_ERR_INVALID_UTF8 = 101,
    /// `ERR_PANIC`: a bug in console-tls was caught before it reached the
    /// caller. Please report it.
    CTLS_ERR_PANIC = 102,
}

/// Every status, in numeric order.
pub(crate) const ALL_STATUSES: [ctls_status; 22] = [
    ctls_status::CTLS_OK,
    ctls_status::CTLS_ERR_CONFIG_INVALID,
    ctls_status::CTLS_ERR_CONFIG_MISSING,
    ctls_status::CTLS_ERR_FILE_NOT_FOUND,
    ctls_status::CTLS_ERR_FILE_UNREADABLE,
    ctls_status::CTLS_ERR_FILE_TOO_LARGE,
    ctls_status::CTLS_ERR_PEM_INVALID,
    ctls_status::CTLS_ERR_CERT_INVALID,
    ctls_status::CTLS_ERR_KEY_UNSUPPORTED,
    ctls_status::CTLS_ERR_KEY_ENCRYPTED,
    ctls_status::CTLS_ERR_PASSPHRASE_WRONG,
    ctls_status::CTLS_ERR_KEY_MISMATCH,
    ctls_status::CTLS_ERR_CHAIN_ORDER,
    ctls_status::CTLS_ERR_CERT_UNTRUSTED,
    ctls_status::CTLS_ERR_CERT_HOSTNAME_MISMATCH,
    ctls_status::CTLS_ERR_CERT_EXPIRED,
    ctls_status::CTLS_ERR_CERT_NOT_YET_VALID,
    ctls_status::CTLS_ERR_URL_NOT_HTTPS,
    ctls_status::CTLS_ERR_CERT_UNSUPPORTED,
    ctls_status::CTLS_ERR_NULL_ARGUMENT,
    ctls_status::CTLS_ERR_INVALID_UTF8,
    ctls_status::CTLS_ERR_PANIC,
];

impl ctls_status {
    /// The status of a core error code.
    pub(crate) fn of(code: ErrorCode) -> ctls_status {
        use ctls_status::*;
        match code {
            ErrorCode::ConfigInvalid => CTLS_ERR_CONFIG_INVALID,
            ErrorCode::ConfigMissing => CTLS_ERR_CONFIG_MISSING,
            ErrorCode::FileNotFound => CTLS_ERR_FILE_NOT_FOUND,
            ErrorCode::FileUnreadable => CTLS_ERR_FILE_UNREADABLE,
            ErrorCode::FileTooLarge => CTLS_ERR_FILE_TOO_LARGE,
            ErrorCode::PemInvalid => CTLS_ERR_PEM_INVALID,
            ErrorCode::CertInvalid => CTLS_ERR_CERT_INVALID,
            ErrorCode::KeyUnsupported => CTLS_ERR_KEY_UNSUPPORTED,
            ErrorCode::KeyEncrypted => CTLS_ERR_KEY_ENCRYPTED,
            ErrorCode::PassphraseWrong => CTLS_ERR_PASSPHRASE_WRONG,
            ErrorCode::KeyMismatch => CTLS_ERR_KEY_MISMATCH,
            ErrorCode::ChainOrder => CTLS_ERR_CHAIN_ORDER,
            ErrorCode::CertUntrusted => CTLS_ERR_CERT_UNTRUSTED,
            ErrorCode::CertHostnameMismatch => CTLS_ERR_CERT_HOSTNAME_MISMATCH,
            ErrorCode::CertExpired => CTLS_ERR_CERT_EXPIRED,
            ErrorCode::CertNotYetValid => CTLS_ERR_CERT_NOT_YET_VALID,
            ErrorCode::UrlNotHttps => CTLS_ERR_URL_NOT_HTTPS,
            ErrorCode::CertUnsupported => CTLS_ERR_CERT_UNSUPPORTED,
        }
    }

    /// The stable code string: `"OK"` or an `ERR_*` name.
    pub(crate) fn name(self) -> &'static CStr {
        use ctls_status::*;
        match self {
            CTLS_OK => c"OK",
            CTLS_ERR_CONFIG_INVALID => c"ERR_CONFIG_INVALID",
            CTLS_ERR_CONFIG_MISSING => c"ERR_CONFIG_MISSING",
            CTLS_ERR_FILE_NOT_FOUND => c"ERR_FILE_NOT_FOUND",
            CTLS_ERR_FILE_UNREADABLE => c"ERR_FILE_UNREADABLE",
            CTLS_ERR_FILE_TOO_LARGE => c"ERR_FILE_TOO_LARGE",
            CTLS_ERR_PEM_INVALID => c"ERR_PEM_INVALID",
            CTLS_ERR_CERT_INVALID => c"ERR_CERT_INVALID",
            CTLS_ERR_KEY_UNSUPPORTED => c"ERR_KEY_UNSUPPORTED",
            CTLS_ERR_KEY_ENCRYPTED => c"ERR_KEY_ENCRYPTED",
            CTLS_ERR_PASSPHRASE_WRONG => c"ERR_PASSPHRASE_WRONG",
            CTLS_ERR_KEY_MISMATCH => c"ERR_KEY_MISMATCH",
            CTLS_ERR_CHAIN_ORDER => c"ERR_CHAIN_ORDER",
            CTLS_ERR_CERT_UNTRUSTED => c"ERR_CERT_UNTRUSTED",
            CTLS_ERR_CERT_HOSTNAME_MISMATCH => c"ERR_CERT_HOSTNAME_MISMATCH",
            CTLS_ERR_CERT_EXPIRED => c"ERR_CERT_EXPIRED",
            CTLS_ERR_CERT_NOT_YET_VALID => c"ERR_CERT_NOT_YET_VALID",
            CTLS_ERR_URL_NOT_HTTPS => c"ERR_URL_NOT_HTTPS",
            CTLS_ERR_CERT_UNSUPPORTED => c"ERR_CERT_UNSUPPORTED",
            CTLS_ERR_NULL_ARGUMENT => c"ERR_NULL_ARGUMENT",
            CTLS_ERR_INVALID_UTF8 => c"ERR_INVALID_UTF8",
            CTLS_ERR_PANIC => c"ERR_PANIC",
        }
    }
}

/// The stable code string of a status: `"OK"` for `CTLS_OK`, the `ERR_*`
/// name otherwise (the same string `ctls_error_code` returns), or
/// `"UNKNOWN"` for a number that is no status. Static: never free it.
///
/// The argument is an `int` rather than a `ctls_status` so that any number
/// a caller holds is safe to pass.
#[no_mangle]
pub extern "C" fn ctls_status_name(status: c_int) -> *const c_char {
    ffi_boundary! {
        ALL_STATUSES
            .iter()
            .find(|s| **s as c_int == status)
            .map_or(c"UNKNOWN", |s| s.name())
            .as_ptr()
    }
}

/// The library version, e.g. `"0.1.0"`. Static: never free it.
#[no_mangle]
pub extern "C" fn ctls_version() -> *const c_char {
    ffi_boundary! {
        const VERSION: &CStr = match CStr::from_bytes_with_nul(
            concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
        ) {
            Ok(version) => version,
            Err(_) => panic!("the package version holds no NUL byte"),
        };
        VERSION.as_ptr()
    }
}
