//! `ctls_warning`: something an operator should hear about that did not
//! stop loading.

use std::ffi::{c_char, CString};

use super::handle::{self, Handle};
use super::text::{c_string, ptr_of};
use crate::warning::Warning;

/// One warning: a stable `WARN_*` code, the variable (or argument) it is
/// about, and a one-line message.
///
/// Always borrowed from the handle that produced it (`ctls_server_tls`,
/// `ctls_config`, `ctls_trust`); it and its strings live as long as that
/// handle. Never free it.
pub struct ctls_warning {
    _private: [u8; 0],
}

/// The Rust value behind a `ctls_warning`.
pub(crate) struct WarningView {
    code: CString,
    env_var: Option<CString>,
    message: CString,
}

impl Handle for ctls_warning {
    type Inner = WarningView;
}

impl WarningView {
    pub(crate) fn new(warning: &Warning) -> WarningView {
        WarningView {
            code: c_string(warning.code.as_str()),
            env_var: warning.env_var.as_deref().map(c_string),
            message: c_string(&warning.to_string()),
        }
    }

    /// Views of every warning of `warnings`.
    pub(crate) fn all(warnings: &[Warning]) -> Vec<WarningView> {
        warnings.iter().map(WarningView::new).collect()
    }
}

/// The i-th warning of `views` as a borrowed handle, NULL when out of range.
pub(crate) fn nth(views: &[WarningView], index: usize) -> *const ctls_warning {
    views.get(index).map_or(std::ptr::null(), handle::as_ptr)
}

/// The stable code, e.g. `"WARN_CERT_EXPIRING_SOON"`; NULL when `warning` is NULL.
#[no_mangle]
pub extern "C" fn ctls_warning_code(warning: *const ctls_warning) -> *const c_char {
    ffi_boundary! {
        handle::get(warning).map_or(std::ptr::null(), |w| w.code.as_ptr())
    }
}

/// The one-line message, prefixed with the variable when there is one
/// (e.g. `"SERVER_SSL_CERTIFICATE: the leaf certificate … expires in 12 days, …"`).
#[no_mangle]
pub extern "C" fn ctls_warning_message(warning: *const ctls_warning) -> *const c_char {
    ffi_boundary! {
        handle::get(warning).map_or(std::ptr::null(), |w| w.message.as_ptr())
    }
}

/// The variable (or argument) the warning is about; NULL when none.
#[no_mangle]
pub extern "C" fn ctls_warning_env_var(warning: *const ctls_warning) -> *const c_char {
    ffi_boundary! {
        handle::get(warning).map_or(std::ptr::null(), |w| ptr_of(w.env_var.as_ref()))
    }
}
