//! The panic boundary every export runs inside.
//!
//! Unwinding out of an `extern "C"` function aborts the host process (or is
//! undefined behaviour with older compilers), so every export catches panics
//! and returns a value that says so: `CTLS_ERR_PANIC` for functions that
//! return a status, NULL / 0 / false for accessors.

use super::status::ctls_status;

/// What an export returns when it cannot do its work.
pub(crate) trait Fallback {
    /// The value returned after a caught panic.
    fn on_panic() -> Self;
}

impl Fallback for ctls_status {
    fn on_panic() -> Self {
        ctls_status::CTLS_ERR_PANIC
    }
}

impl<T> Fallback for *const T {
    fn on_panic() -> Self {
        std::ptr::null()
    }
}

impl Fallback for usize {
    fn on_panic() -> Self {
        0
    }
}

impl Fallback for i64 {
    fn on_panic() -> Self {
        0
    }
}

impl Fallback for bool {
    fn on_panic() -> Self {
        false
    }
}

impl Fallback for () {
    fn on_panic() -> Self {}
}

/// Runs the body with panics caught.
///
/// `ffi_boundary! { body }` returns the body's value, or the return type's
/// [`Fallback::on_panic`] after a panic.
///
/// `ffi_boundary! { err => body }` is for functions that return a
/// `ctls_status` and take a nullable `ctls_error **err`: `*err` is set to
/// NULL first; the body returns `Result<(), ErrorData>`; an `Err` (or a
/// panic, reported as `CTLS_ERR_PANIC`) becomes the returned status and,
/// when `err` is not NULL, a new error handle in `*err`.
macro_rules! ffi_boundary {
    ($err:ident => $($body:tt)*) => {
        ffi_boundary! {
            $crate::ffi::error::clear_out($err);
            let result: ::std::result::Result<(), $crate::ffi::error::ErrorData> =
                match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
                    || -> ::std::result::Result<(), $crate::ffi::error::ErrorData> { $($body)* },
                )) {
                    Ok(result) => result,
                    Err(_) => Err($crate::ffi::error::ErrorData::panic()),
                };
            $crate::ffi::error::report($err, result)
        }
    };
    ($($body:tt)*) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| { $($body)* })) {
            Ok(value) => value,
            Err(_) => $crate::ffi::boundary::Fallback::on_panic(),
        }
    };
}
