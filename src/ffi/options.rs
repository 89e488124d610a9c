//! Loading options for the `_with_options` functions, as bit flags.
//!
//! Flags rather than a struct keep the ABI stable as options are added: an
//! old caller passes 0 bits for what it does not know.

use super::error::ErrorData;
use crate::options::Options;

/// Trust problems (a bad block, a missing or empty bundle) become warnings
/// (`WARN_TRUST_PROBLEM`) and what loaded is kept, instead of errors.
pub const CTLS_OPTION_LENIENT_TRUST: u32 = 1;

/// Trust the operating system's root store too, not only Mozilla's.
pub const CTLS_OPTION_SYSTEM_ROOTS: u32 = 2;

/// `http://` Identity URLs are `CTLS_ERR_URL_NOT_HTTPS` instead of a warning.
pub const CTLS_OPTION_REQUIRE_TLS: u32 = 4;

const KNOWN: u32 = CTLS_OPTION_LENIENT_TRUST | CTLS_OPTION_SYSTEM_ROOTS | CTLS_OPTION_REQUIRE_TLS;

/// The core's options for `flags`; unknown bits are `CTLS_ERR_CONFIG_INVALID`
/// (they mean an option this library does not have).
pub(crate) fn from_flags(flags: u32) -> Result<Options, ErrorData> {
    if flags & !KNOWN != 0 {
        return Err(ErrorData::invalid_argument(
            "options",
            format!(
                "unknown option bits {:#x}; use CTLS_OPTION_* values",
                flags & !KNOWN
            ),
        ));
    }
    Ok(Options::default()
        .strict_trust(flags & CTLS_OPTION_LENIENT_TRUST == 0)
        .system_roots(flags & CTLS_OPTION_SYSTEM_ROOTS != 0)
        .require_tls(flags & CTLS_OPTION_REQUIRE_TLS != 0))
}
