//! `ctls_certificate`: one certificate of a chain or of the extra CAs.

use std::ffi::{c_char, CString};
use std::sync::OnceLock;

use super::error::{ctls_error, ErrorData};
use super::handle::{self, Handle};
use super::status::ctls_status;
use super::text::c_string;
use crate::certificate::Certificate;

/// One X.509 certificate and the facts an operator needs about it.
///
/// Always borrowed: from a `ctls_server_tls` (its chain) or a `ctls_trust`
/// (its extra CA certificates). It and every string or byte range it returns
/// live as long as that owner; never free it.
pub struct ctls_certificate {
    _private: [u8; 0],
}

/// The Rust value behind a `ctls_certificate`: the core certificate and its
/// facts as C strings.
pub(crate) struct CertificateView {
    certificate: Certificate,
    subject: CString,
    issuer: CString,
    serial: CString,
    subject_alt_names: Vec<CString>,
    not_before: CString,
    not_after: CString,
    fingerprint256: CString,
    public_key: CString,
    pem: OnceLock<CString>,
}

impl Handle for ctls_certificate {
    type Inner = CertificateView;
}

impl CertificateView {
    pub(crate) fn new(certificate: &Certificate) -> CertificateView {
        let info = certificate.info();
        CertificateView {
            subject: c_string(&info.subject),
            issuer: c_string(&info.issuer),
            serial: c_string(&info.serial),
            subject_alt_names: info.subject_alt_names.iter().map(|s| c_string(s)).collect(),
            not_before: c_string(&info.not_before),
            not_after: c_string(&info.not_after),
            fingerprint256: c_string(&info.fingerprint256),
            public_key: c_string(&info.public_key),
            pem: OnceLock::new(),
            certificate: certificate.clone(),
        }
    }

    /// This view as a borrowed handle.
    pub(crate) fn as_handle(&self) -> *const ctls_certificate {
        handle::as_ptr(self)
    }
}

/// The i-th certificate of `views` as a borrowed handle, NULL when out of range.
pub(crate) fn nth(views: &[CertificateView], index: usize) -> *const ctls_certificate {
    views
        .get(index)
        .map_or(std::ptr::null(), CertificateView::as_handle)
}

/// Stores the DER of the i-th certificate of `views`.
pub(crate) fn nth_der(
    views: &[CertificateView],
    index: usize,
    name: &'static str,
    data: *mut *const u8,
    len: *mut usize,
) -> Result<(), ErrorData> {
    let view = views
        .get(index)
        .ok_or_else(|| ErrorData::out_of_range(name, index, views.len()))?;
    handle::write_bytes(data, len, view.certificate.der())
}

fn string_of(
    cert: *const ctls_certificate,
    field: impl FnOnce(&CertificateView) -> &CString,
) -> *const c_char {
    handle::get(cert).map_or(std::ptr::null(), |view| field(view).as_ptr())
}

/// The certificate's DER bytes, in `*data` / `*len`, valid as long as the
/// certificate's owner.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_certificate_der(
    cert: *const ctls_certificate,
    data: *mut *const u8,
    len: *mut usize,
) -> ctls_status {
    let err: *mut *const ctls_error = std::ptr::null_mut();
    ffi_boundary! { err =>
        let view = handle::arg(cert, "cert")?;
        handle::write_bytes(data, len, view.certificate.der())
    }
}

/// The certificate as one `CERTIFICATE` PEM block (NUL-terminated).
#[no_mangle]
pub extern "C" fn ctls_certificate_pem(cert: *const ctls_certificate) -> *const c_char {
    ffi_boundary! {
        handle::get(cert).map_or(std::ptr::null(), |view| {
            view.pem
                .get_or_init(|| c_string(&view.certificate.pem()))
                .as_ptr()
        })
    }
}

/// The subject distinguished name, e.g. `"CN=console.example.com, O=Example"`.
#[no_mangle]
pub extern "C" fn ctls_certificate_subject(cert: *const ctls_certificate) -> *const c_char {
    ffi_boundary! { string_of(cert, |v| &v.subject) }
}

/// The issuer distinguished name.
#[no_mangle]
pub extern "C" fn ctls_certificate_issuer(cert: *const ctls_certificate) -> *const c_char {
    ffi_boundary! { string_of(cert, |v| &v.issuer) }
}

/// The serial number in upper-case hex (Node's `serialNumber`).
#[no_mangle]
pub extern "C" fn ctls_certificate_serial(cert: *const ctls_certificate) -> *const c_char {
    ffi_boundary! { string_of(cert, |v| &v.serial) }
}

/// Start of validity, RFC 3339 (e.g. `"2025-01-31T12:00:00Z"`).
#[no_mangle]
pub extern "C" fn ctls_certificate_not_before(cert: *const ctls_certificate) -> *const c_char {
    ffi_boundary! { string_of(cert, |v| &v.not_before) }
}

/// End of validity, RFC 3339.
#[no_mangle]
pub extern "C" fn ctls_certificate_not_after(cert: *const ctls_certificate) -> *const c_char {
    ffi_boundary! { string_of(cert, |v| &v.not_after) }
}

/// Start of validity in seconds since the Unix epoch; 0 when `cert` is NULL.
#[no_mangle]
pub extern "C" fn ctls_certificate_not_before_unix(cert: *const ctls_certificate) -> i64 {
    ffi_boundary! {
        handle::get(cert).map_or(0, |v| v.certificate.info().not_before_unix)
    }
}

/// End of validity in seconds since the Unix epoch; 0 when `cert` is NULL.
#[no_mangle]
pub extern "C" fn ctls_certificate_not_after_unix(cert: *const ctls_certificate) -> i64 {
    ffi_boundary! {
        handle::get(cert).map_or(0, |v| v.certificate.info().not_after_unix)
    }
}

/// The SHA-256 fingerprint: upper-case hex pairs joined by `:` (Node's
/// `fingerprint256`).
#[no_mangle]
pub extern "C" fn ctls_certificate_fingerprint256(cert: *const ctls_certificate) -> *const c_char {
    ffi_boundary! { string_of(cert, |v| &v.fingerprint256) }
}

/// The public key, e.g. `"RSA 2048-bit"` or `"ECDSA P-256"`.
#[no_mangle]
pub extern "C" fn ctls_certificate_public_key(cert: *const ctls_certificate) -> *const c_char {
    ffi_boundary! { string_of(cert, |v| &v.public_key) }
}

/// Whether basicConstraints marks it as a CA; false when `cert` is NULL.
#[no_mangle]
pub extern "C" fn ctls_certificate_is_ca(cert: *const ctls_certificate) -> bool {
    ffi_boundary! {
        handle::get(cert).is_some_and(|v| v.certificate.info().is_ca)
    }
}

/// How many subjectAltName entries it has; 0 when `cert` is NULL.
#[no_mangle]
pub extern "C" fn ctls_certificate_san_len(cert: *const ctls_certificate) -> usize {
    ffi_boundary! {
        handle::get(cert).map_or(0, |v| v.subject_alt_names.len())
    }
}

/// The i-th subjectAltName entry in Node's spelling (`"DNS:host"`,
/// `"IP Address:10.0.0.1"`, `"email:…"`, `"URI:…"`); NULL when out of range.
#[no_mangle]
pub extern "C" fn ctls_certificate_san(
    cert: *const ctls_certificate,
    index: usize,
) -> *const c_char {
    ffi_boundary! {
        handle::get(cert)
            .and_then(|v| v.subject_alt_names.get(index))
            .map_or(std::ptr::null(), |san| san.as_ptr())
    }
}
