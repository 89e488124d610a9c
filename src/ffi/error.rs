//! `ctls_error`: the details of a failure, for the caller to read and free.

use std::ffi::{c_char, CString};
use std::sync::Arc;

use super::handle::{self, Handle, Owned};
use super::status::ctls_status;
use super::text::{c_string, path_c_string, ptr_of};
use crate::error::Error;

/// The details of a failure: status, `ERR_*` code, a one-line message that
/// says what is wrong, where and how to fix it, and where known the
/// variable (or argument) name, the file path and the PEM block.
///
/// Fallible functions take a nullable `const ctls_error **err`; on failure, when
/// `err` is not NULL, `*err` receives a new error that the caller releases
/// with `ctls_error_free`. On success `*err` is set to NULL. The strings it
/// returns live until `ctls_error_free`. Never contains a passphrase or key
/// material.
pub struct ctls_error {
    _private: [u8; 0],
}

/// The Rust value behind a `ctls_error`.
#[derive(Debug)]
pub(crate) struct ErrorData {
    status: ctls_status,
    message: CString,
    env_var: Option<CString>,
    path: Option<CString>,
    block: usize,
    line: usize,
}

impl Handle for ctls_error {
    type Inner = ErrorData;
}
impl Owned for ctls_error {}

impl ErrorData {
    fn call(status: ctls_status, message: String, argument: Option<&str>) -> ErrorData {
        ErrorData {
            status,
            message: c_string(&message),
            env_var: argument.map(c_string),
            path: None,
            block: 0,
            line: 0,
        }
    }

    /// A required pointer argument is NULL.
    pub(crate) fn null_argument(name: &str) -> ErrorData {
        ErrorData::call(
            ctls_status::CTLS_ERR_NULL_ARGUMENT,
            format!("{name}: must not be NULL"),
            Some(name),
        )
    }

    /// An entry of an array argument is NULL.
    pub(crate) fn null_entry(array: &str, index: usize) -> ErrorData {
        ErrorData::call(
            ctls_status::CTLS_ERR_NULL_ARGUMENT,
            format!("{array}[{index}]: must not be NULL"),
            Some(array),
        )
    }

    /// A text argument is not UTF-8.
    pub(crate) fn invalid_utf8(name: &str) -> ErrorData {
        ErrorData::call(
            ctls_status::CTLS_ERR_INVALID_UTF8,
            format!("{name}: is not valid UTF-8; pass UTF-8 text"),
            Some(name),
        )
    }

    /// An argument whose value cannot mean anything.
    pub(crate) fn invalid_argument(name: &str, reason: String) -> ErrorData {
        ErrorData::call(
            ctls_status::CTLS_ERR_CONFIG_INVALID,
            format!("{name}: {reason}"),
            Some(name),
        )
    }

    /// An index past the end of a list.
    pub(crate) fn out_of_range(name: &str, index: usize, len: usize) -> ErrorData {
        ErrorData::call(
            ctls_status::CTLS_ERR_CONFIG_INVALID,
            format!("{name}: index {index} is out of range (there are {len})"),
            Some(name),
        )
    }

    /// A panic was caught.
    pub(crate) fn panic() -> ErrorData {
        ErrorData::call(
            ctls_status::CTLS_ERR_PANIC,
            "internal error in console-tls (a panic was caught); please report it".to_owned(),
            None,
        )
    }
}

impl From<Error> for ErrorData {
    fn from(error: Error) -> ErrorData {
        ErrorData {
            status: ctls_status::of(error.code()),
            message: c_string(&error.message()),
            env_var: error.env_var().map(c_string),
            path: error.path().map(path_c_string),
            block: error.block().unwrap_or(0),
            line: error.line().unwrap_or(0),
        }
    }
}

/// Sets `*err` to NULL when `err` is not NULL (called first by every
/// fallible export, so that `*err` never holds a stale value).
pub(crate) fn clear_out(err: *mut *const ctls_error) {
    handle::clear(err);
}

/// Turns a result into the returned status, storing a new error in `*err`
/// on failure when `err` is not NULL.
pub(crate) fn report(err: *mut *const ctls_error, result: Result<(), ErrorData>) -> ctls_status {
    match result {
        Ok(()) => ctls_status::CTLS_OK,
        Err(data) => {
            let status = data.status;
            if let Ok(out) = handle::Out::new(err, "err") {
                out.write(handle::into_raw(Arc::new(data)));
            }
            status
        }
    }
}

/// The status of the failure; `CTLS_ERR_NULL_ARGUMENT` when `err` is NULL.
#[no_mangle]
pub extern "C" fn ctls_error_status(err: *const ctls_error) -> ctls_status {
    ffi_boundary! {
        handle::get(err).map_or(ctls_status::CTLS_ERR_NULL_ARGUMENT, |e| e.status)
    }
}

/// The stable code: an `ERR_*` name such as `"ERR_KEY_MISMATCH"`, or
/// `"ERR_NULL_ARGUMENT"`, `"ERR_INVALID_UTF8"`, `"ERR_PANIC"`. Static.
/// NULL when `err` is NULL.
#[no_mangle]
pub extern "C" fn ctls_error_code(err: *const ctls_error) -> *const c_char {
    ffi_boundary! {
        handle::get(err).map_or(std::ptr::null(), |e| e.status.name().as_ptr())
    }
}

/// The one-line message, e.g. `"SERVER_SSL_CERTIFICATE: /etc/tls/cert.pem
/// does not exist; …"`. Lives until `ctls_error_free(err)`. NULL when `err`
/// is NULL.
#[no_mangle]
pub extern "C" fn ctls_error_message(err: *const ctls_error) -> *const c_char {
    ffi_boundary! {
        handle::get(err).map_or(std::ptr::null(), |e| e.message.as_ptr())
    }
}

/// The environment variable (e.g. `"SERVER_SSL_CERTIFICATE"`) or function
/// argument (e.g. `"private_key"`) the error is about; NULL when none.
/// Lives until `ctls_error_free(err)`.
#[no_mangle]
pub extern "C" fn ctls_error_env_var(err: *const ctls_error) -> *const c_char {
    ffi_boundary! {
        handle::get(err).map_or(std::ptr::null(), |e| ptr_of(e.env_var.as_ref()))
    }
}

/// The file the error is about (the path as given, after `file:` was
/// removed and relative paths were resolved); NULL when the input was not
/// a file (inline PEM) or no file is involved. Lives until
/// `ctls_error_free(err)`.
#[no_mangle]
pub extern "C" fn ctls_error_path(err: *const ctls_error) -> *const c_char {
    ffi_boundary! {
        handle::get(err).map_or(std::ptr::null(), |e| ptr_of(e.path.as_ref()))
    }
}

/// The 1-based PEM block the error is about; 0 when none (or `err` is NULL).
#[no_mangle]
pub extern "C" fn ctls_error_block(err: *const ctls_error) -> usize {
    ffi_boundary! {
        handle::get(err).map_or(0, |e| e.block)
    }
}

/// The 1-based line where that PEM block starts; 0 when unknown.
#[no_mangle]
pub extern "C" fn ctls_error_line(err: *const ctls_error) -> usize {
    ffi_boundary! {
        handle::get(err).map_or(0, |e| e.line)
    }
}

/// Releases an error. NULL is ignored.
#[no_mangle]
pub extern "C" fn ctls_error_free(err: *const ctls_error) {
    ffi_boundary! {
        handle::free(err)
    }
}
