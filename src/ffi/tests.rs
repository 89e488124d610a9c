//! Checks of the boundary itself; the C programs under `tests/c/` exercise
//! the library end to end.

use std::ffi::CStr;

use super::error::{self, ctls_error, ErrorData};
use super::status::{ctls_status, ctls_status_name, ALL_STATUSES};
use crate::error::ErrorCode;

fn text(ptr: *const std::ffi::c_char) -> &'static str {
    assert!(!ptr.is_null());
    // SAFETY: the library returns NUL-terminated static or handle-owned strings.
    unsafe { CStr::from_ptr(ptr) }.to_str().unwrap()
}

#[test]
fn statuses_follow_the_error_codes_in_order() {
    for (i, code) in ErrorCode::ALL.into_iter().enumerate() {
        let status = ctls_status::of(code);
        assert_eq!(status as usize, i + 1, "{code}");
        assert_eq!(status.name().to_str().unwrap(), code.as_str());
        assert_eq!(text(ctls_status_name(status as i32)), code.as_str());
    }
    assert_eq!(ALL_STATUSES.len(), ErrorCode::ALL.len() + 4);
    assert_eq!(text(ctls_status_name(0)), "OK");
    assert_eq!(text(ctls_status_name(100)), "ERR_NULL_ARGUMENT");
    assert_eq!(text(ctls_status_name(101)), "ERR_INVALID_UTF8");
    assert_eq!(text(ctls_status_name(102)), "ERR_PANIC");
    assert_eq!(text(ctls_status_name(19)), "UNKNOWN");
    assert_eq!(text(ctls_status_name(-1)), "UNKNOWN");
}

fn panicking_export(err: *mut *const ctls_error) -> ctls_status {
    ffi_boundary! { err =>
        let fail = true;
        if fail {
            panic!("a bug");
        }
        Ok(())
    }
}

fn panicking_accessor() -> usize {
    ffi_boundary! {
        let values: Vec<usize> = Vec::new();
        values[3]
    }
}

#[test]
fn a_panic_becomes_a_status_and_an_error() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut err: *const ctls_error = std::ptr::null();
    let status = panicking_export(&mut err);
    let value = panicking_accessor();
    std::panic::set_hook(previous);

    assert_eq!(status, ctls_status::CTLS_ERR_PANIC);
    assert_eq!(value, 0);
    assert_eq!(error::ctls_error_status(err), ctls_status::CTLS_ERR_PANIC);
    assert_eq!(text(error::ctls_error_code(err)), "ERR_PANIC");
    assert!(text(error::ctls_error_message(err)).contains("please report it"));
    error::ctls_error_free(err);
}

#[test]
fn an_error_without_err_out_is_only_a_status() {
    let status = error::report(std::ptr::null_mut(), Err(ErrorData::null_argument("tls")));
    assert_eq!(status, ctls_status::CTLS_ERR_NULL_ARGUMENT);
}

#[test]
fn handles_are_send_and_sync() {
    fn shareable<T: Send + Sync>() {}
    shareable::<super::server_tls::ServerTlsView>();
    shareable::<super::config::ConfigView>();
    shareable::<ErrorData>();
    shareable::<super::certificate::CertificateView>();
    shareable::<super::warning::WarningView>();
    shareable::<super::trust::TrustView>();
    shareable::<super::identity::IdentityView>();
}
