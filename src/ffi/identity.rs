//! `ctls_identity`: where Identity (Keycloak) is, from `KEYCLOAK_BASE_URL`
//! and `KEYCLOAK_INTERNAL_BASE_URL`.

use std::ffi::{c_char, CString};

use super::handle::{self, Handle};
use super::text::{c_string, ptr_of};
use super::warning::{self, ctls_warning, WarningView};
use crate::identity::Identity;

/// Identity's URLs as the configuration gives them, and whether talking to
/// Identity is encrypted.
///
/// Always borrowed from a `ctls_config` (`ctls_config_identity`): it and its
/// strings live as long as the config. Never free it.
pub struct ctls_identity {
    _private: [u8; 0],
}

/// The Rust value behind a `ctls_identity`.
pub(crate) struct IdentityView {
    identity: Identity,
    base_url: Option<CString>,
    internal_base_url: Option<CString>,
    warnings: Vec<WarningView>,
}

impl Handle for ctls_identity {
    type Inner = IdentityView;
}

impl IdentityView {
    pub(crate) fn new(identity: Identity) -> IdentityView {
        IdentityView {
            base_url: identity.base_url.as_ref().map(|url| c_string(url.as_str())),
            internal_base_url: identity
                .internal_base_url
                .as_ref()
                .map(|url| c_string(url.as_str())),
            warnings: WarningView::all(&identity.warnings),
            identity,
        }
    }
}

/// `KEYCLOAK_BASE_URL`, normalised (e.g. `"https://identity.example.com/"`);
/// NULL when unset or when `identity` is NULL.
#[no_mangle]
pub extern "C" fn ctls_identity_base_url(identity: *const ctls_identity) -> *const c_char {
    ffi_boundary! {
        handle::get(identity).map_or(std::ptr::null(), |view| ptr_of(view.base_url.as_ref()))
    }
}

/// The URL Console uses backend-to-backend: `KEYCLOAK_INTERNAL_BASE_URL`,
/// or `KEYCLOAK_BASE_URL` when that is unset; NULL when neither is set.
#[no_mangle]
pub extern "C" fn ctls_identity_internal_base_url(identity: *const ctls_identity) -> *const c_char {
    ffi_boundary! {
        handle::get(identity)
            .map_or(std::ptr::null(), |view| ptr_of(view.internal_base_url.as_ref()))
    }
}

/// True when a configured Identity URL is `https://` (so the trust matters
/// for reaching Identity); false when `identity` is NULL.
#[no_mangle]
pub extern "C" fn ctls_identity_uses_tls(identity: *const ctls_identity) -> bool {
    ffi_boundary! {
        handle::get(identity).is_some_and(|view| view.identity.uses_tls())
    }
}

/// How many warnings the URLs produced (`WARN_IDENTITY_NOT_ENCRYPTED` for
/// `http://`); 0 when `identity` is NULL. They are among the config's too.
#[no_mangle]
pub extern "C" fn ctls_identity_warnings_len(identity: *const ctls_identity) -> usize {
    ffi_boundary! {
        handle::get(identity).map_or(0, |view| view.warnings.len())
    }
}

/// The i-th warning, borrowed from the config; NULL when out of range.
#[no_mangle]
pub extern "C" fn ctls_identity_warning(
    identity: *const ctls_identity,
    index: usize,
) -> *const ctls_warning {
    ffi_boundary! {
        handle::get(identity).map_or(std::ptr::null(), |view| warning::nth(&view.warnings, index))
    }
}
