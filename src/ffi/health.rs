//! Certificate health of a `ctls_config`: Spring Boot's `ssl` health
//! component as JSON, and the expiry metrics as Prometheus text.
//!
//! Both are computed at the time of the call (health changes as time
//! passes, a loaded config does not), so they are owned strings the caller
//! releases with `ctls_string_free`, not strings borrowed from the config.

use std::ffi::{c_char, CString};
use std::time::{Duration, SystemTime};

use super::config::ctls_config;
use super::error::ctls_error;
use super::handle::{self, Out};
use super::status::ctls_status;
use super::text::c_string;
use crate::config::Config;
use crate::health::{self, HealthOptions};

/// Spring Boot's default warning threshold (14 days), in seconds.
// A literal, so that cbindgen writes it into the header as a number.
pub const CTLS_SSL_HEALTH_DEFAULT_WARNING_THRESHOLD_SECONDS: u64 = 1_209_600;
const _: () = assert!(
    CTLS_SSL_HEALTH_DEFAULT_WARNING_THRESHOLD_SECONDS
        == health::DEFAULT_WARNING_THRESHOLD.as_secs()
);

/// Computes a text over the config behind `config` and gives the caller an
/// owned copy in `*out` (NULL after any failure).
fn owned_text(
    config: *const ctls_config,
    out: *mut *mut c_char,
    make: impl FnOnce(&Config) -> String,
) -> ctls_status {
    let err: *mut *const ctls_error = std::ptr::null_mut();
    ffi_boundary! { err =>
        clear(out);
        let view = handle::arg(config, "config")?;
        let out = Out::new(out, "out")?;
        out.write(c_string(&make(&view.config)).into_raw());
        Ok(())
    }
}

fn options(warning_threshold_seconds: u64) -> HealthOptions {
    HealthOptions::with_warning_threshold(Duration::from_secs(warning_threshold_seconds))
}

/// Spring Boot's `ssl` health component for `config` now, as JSON:
/// `{"status":"UP"|"OUT_OF_SERVICE","details":{"validChains":[…],"invalidChains":[…]}}`,
/// over both listeners and each `NODE_EXTRA_CA_CERTS` certificate. A
/// certificate whose notAfter is within `warning_threshold_seconds` is
/// `WILL_EXPIRE_SOON` (pass `CTLS_SSL_HEALTH_DEFAULT_WARNING_THRESHOLD_SECONDS`
/// for Spring Boot's default).
///
/// On success `*out` receives a new NUL-terminated string; release it with
/// `ctls_string_free`. NULL `config` or `out` is `CTLS_ERR_NULL_ARGUMENT`.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_config_ssl_health_json(
    config: *const ctls_config,
    warning_threshold_seconds: u64,
    out: *mut *mut c_char,
) -> ctls_status {
    owned_text(config, out, |config| {
        let health = health::ssl_health(
            config,
            &options(warning_threshold_seconds),
            SystemTime::now(),
        );
        // Plain structs of strings and numbers: serializing cannot fail.
        serde_json::to_string(&health).expect("the health report serializes")
    })
}

/// The certificate metrics of `config` now, in Prometheus' text exposition
/// format 0.0.4: `ssl_chains{status}` and
/// `ssl_chain_expiry_seconds{bundle,chain,certificate}` (Spring Boot's
/// `ssl.chains` and `ssl.chain.expiry` meters), for a `/metrics` endpoint.
///
/// On success `*out` receives a new NUL-terminated string; release it with
/// `ctls_string_free`. NULL `config` or `out` is `CTLS_ERR_NULL_ARGUMENT`.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_config_ssl_metrics(
    config: *const ctls_config,
    warning_threshold_seconds: u64,
    out: *mut *mut c_char,
) -> ctls_status {
    owned_text(config, out, |config| {
        health::prometheus(
            config,
            &options(warning_threshold_seconds),
            SystemTime::now(),
        )
    })
}

/// Releases a string this library gave the caller to own
/// (`ctls_config_ssl_health_json`, `ctls_config_ssl_metrics`). NULL is ignored.
#[no_mangle]
pub extern "C" fn ctls_string_free(text: *mut c_char) {
    ffi_boundary! {
        free_owned(text)
    }
}

fn free_owned(text: *mut c_char) {
    if !text.is_null() {
        // SAFETY: the header documents that only strings this library
        // returned as owned (from `CString::into_raw`) are passed here, each
        // at most once.
        drop(unsafe { CString::from_raw(text) });
    }
}

fn clear(out: *mut *mut c_char) {
    if !out.is_null() {
        // SAFETY: not NULL; the header documents that out parameters point
        // to writable storage for one pointer.
        unsafe { out.write(std::ptr::null_mut()) }
    }
}
