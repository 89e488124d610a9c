//! `ctls_trust`: the extra CA certificates, the roots they join, and
//! verification of a server's chain.

use std::ffi::{c_char, CString};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use rustls_pki_types::CertificateDer;

use super::certificate::{self, ctls_certificate, CertificateView};
use super::error::ctls_error;
use super::handle::{self, Handle, Out, Owned};
use super::options;
use super::status::ctls_status;
use super::text::{arg_bytes, arg_items, arg_slice, c_string, utf8};
use super::warning::{self, ctls_warning, WarningView};
use crate::certificate::{chain_from_items, parse_chain};
use crate::trust::Trust;

/// What a Console trusts for outgoing TLS (to Identity): Mozilla's root
/// certificates (the same source as Node's bundled store), optionally the
/// operating system's, plus the extra CA certificates.
///
/// Always owned, whether it comes from `ctls_trust_load` or from
/// `ctls_config_trust` (a new reference): release it with `ctls_trust_free`.
/// Everything it returns lives as long as it does. Immutable: verify from
/// several threads at once.
pub struct ctls_trust {
    _private: [u8; 0],
}

/// The Rust value behind a `ctls_trust`.
pub(crate) struct TrustView {
    trust: Trust,
    extras: Vec<CertificateView>,
    warnings: Vec<WarningView>,
    extras_pem: OnceLock<CString>,
    trusted_pem: OnceLock<CString>,
}

impl Handle for ctls_trust {
    type Inner = TrustView;
}
impl Owned for ctls_trust {}

impl TrustView {
    pub(crate) fn new(trust: Trust) -> TrustView {
        TrustView {
            extras: trust.extras().iter().map(CertificateView::new).collect(),
            warnings: WarningView::all(trust.warnings()),
            extras_pem: OnceLock::new(),
            trusted_pem: OnceLock::new(),
            trust,
        }
    }
}

/// The argument name trust errors and warnings cite.
const EXTRA_CA_CERTS: &str = "extra_ca_certs";

/// Loads the extra CA certificates of `extra_ca_certs` on top of Mozilla's
/// roots. Same as `ctls_trust_load_with_options(extra_ca_certs, 0, out, err)`.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_trust_load(
    extra_ca_certs: *const c_char,
    out: *mut *const ctls_trust,
    err: *mut *const ctls_error,
) -> ctls_status {
    ffi_boundary! {
        ctls_trust_load_with_options(extra_ca_certs, 0, out, err)
    }
}

/// Loads the extra CA certificates of `extra_ca_certs`: one location (a
/// PEM bundle as `file:/abs/path`, a bare path, or the PEM text itself),
/// like `NODE_EXTRA_CA_CERTS`. Every `CERTIFICATE` block is loaded; a bad
/// block is reported with its index and line, and the good blocks before
/// and after it are kept. `options` is 0 or `CTLS_OPTION_*` flags OR-ed
/// together (`CTLS_OPTION_LENIENT_TRUST`, `CTLS_OPTION_SYSTEM_ROOTS`).
///
/// Strict by default: any problem (missing or unreadable file, a bad block,
/// no certificate at all) is an error naming `"extra_ca_certs"` and the
/// file. With `CTLS_OPTION_LENIENT_TRUST` problems become warnings.
///
/// On success `*out` receives a new trust (release with `ctls_trust_free`).
/// On failure `*out` is NULL and, when `err` is not NULL, `*err` receives
/// the details.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_trust_load_with_options(
    extra_ca_certs: *const c_char,
    options: u32,
    out: *mut *const ctls_trust,
    err: *mut *const ctls_error,
) -> ctls_status {
    ffi_boundary! { err =>
        handle::clear(out);
        let out = Out::new(out, "out")?;
        let extra_ca_certs = arg_bytes(extra_ca_certs, EXTRA_CA_CERTS)?;
        let options = options::from_flags(options)?;
        let base_dir = std::env::current_dir().unwrap_or_default();
        let trust = Trust::from_locations(&[extra_ca_certs], &base_dir, EXTRA_CA_CERTS, &options)?;
        out.write(handle::into_raw(Arc::new(TrustView::new(trust))));
        Ok(())
    }
}

/// Verifies a server's certificate chain for `hostname` (a DNS name or an
/// IP address) now, as Node does: path building to a self-signed trusted
/// root (Mozilla's or an extra; no partial chains), the CAs' constraints,
/// the validity period of every certificate including the root, the server
/// key, the name (no wildcard over a public suffix). A self-signed
/// certificate whose exact bytes are an extra is trusted directly (even
/// `CA:TRUE`), still checked for validity, serverAuth, key and name.
///
/// `chain_pem` / `chain_len` hold the chain the server presented, server
/// certificate first: PEM `CERTIFICATE` blocks (not NUL-terminated; other
/// blocks are skipped) or a single DER certificate. Copied; not kept.
///
/// Returns `CTLS_OK` when trusted. Errors: `CTLS_ERR_CERT_UNTRUSTED`,
/// `CTLS_ERR_CERT_HOSTNAME_MISMATCH`, `CTLS_ERR_CERT_EXPIRED`,
/// `CTLS_ERR_CERT_NOT_YET_VALID`, `CTLS_ERR_CERT_INVALID` /
/// `CTLS_ERR_PEM_INVALID` (the chain cannot be read; the error names
/// `"chain_pem"` and the block), `CTLS_ERR_CONFIG_INVALID` (`hostname` is
/// neither a name nor an address), `CTLS_ERR_NULL_ARGUMENT`,
/// `CTLS_ERR_INVALID_UTF8`. When `err` is not NULL, `*err` receives the
/// details of a failure.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_trust_verify_server(
    trust: *const ctls_trust,
    chain_pem: *const u8,
    chain_len: usize,
    hostname: *const c_char,
    err: *mut *const ctls_error,
) -> ctls_status {
    ffi_boundary! { err =>
        let view = handle::arg(trust, "trust")?;
        let chain = arg_slice(chain_pem, chain_len, "chain_pem")?;
        let hostname = arg_bytes(hostname, "hostname")?;
        let hostname = utf8(hostname, "hostname")?;
        let chain = parse_chain(chain).map_err(|e| e.with_env_var("chain_pem"))?;
        let ders: Vec<CertificateDer<'_>> = chain.iter().map(|c| c.der().clone()).collect();
        view.trust.verify_server(&ders, hostname, SystemTime::now())?;
        Ok(())
    }
}

/// `ctls_trust_verify_server` for a chain held as separate items, as TLS
/// clients hand it over: `count` items, server certificate first, each
/// `lens[i]` bytes at `items[i]`: one DER certificate, or PEM text of one or
/// more certificates. Copied; not kept. Errors as `ctls_trust_verify_server`;
/// one that concerns an item names `"chain"` and the item (1-based) as its
/// block.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_trust_verify_server_items(
    trust: *const ctls_trust,
    items: *const *const u8,
    lens: *const usize,
    count: usize,
    hostname: *const c_char,
    err: *mut *const ctls_error,
) -> ctls_status {
    ffi_boundary! { err =>
        let view = handle::arg(trust, "trust")?;
        let items = arg_items(items, lens, count)?;
        let hostname = arg_bytes(hostname, "hostname")?;
        let hostname = utf8(hostname, "hostname")?;
        let chain = chain_from_items(&items, "chain")?;
        let ders: Vec<CertificateDer<'_>> = chain.iter().map(|c| c.der().clone()).collect();
        view.trust.verify_server(&ders, hostname, SystemTime::now())?;
        Ok(())
    }
}

/// How many extra certificates were loaded (duplicates collapsed); 0 when
/// `trust` is NULL.
#[no_mangle]
pub extern "C" fn ctls_trust_extras_len(trust: *const ctls_trust) -> usize {
    ffi_boundary! {
        handle::get(trust).map_or(0, |view| view.extras.len())
    }
}

/// The i-th extra certificate, borrowed from `trust`; NULL when out of range.
#[no_mangle]
pub extern "C" fn ctls_trust_extra(
    trust: *const ctls_trust,
    index: usize,
) -> *const ctls_certificate {
    ffi_boundary! {
        handle::get(trust).map_or(std::ptr::null(), |view| certificate::nth(&view.extras, index))
    }
}

/// The extra certificates as concatenated `CERTIFICATE` PEM blocks (what a
/// TLS client takes as additional CA file); an empty string when there are
/// none. Lives as long as `trust`.
#[no_mangle]
pub extern "C" fn ctls_trust_extras_pem(trust: *const ctls_trust) -> *const c_char {
    ffi_boundary! {
        handle::get(trust).map_or(std::ptr::null(), |view| {
            view.extras_pem.get_or_init(|| c_string(&view.trust.extras_pem())).as_ptr()
        })
    }
}

/// Every certificate `trust` anchors on — Mozilla's roots, the system's
/// (with `CTLS_OPTION_SYSTEM_ROOTS`) and the extras — as concatenated
/// `CERTIFICATE` PEM blocks, for a TLS stack that takes a CA file (OpenSSL's
/// `SSL_CTX_load_verify_locations`, Python's `cadata`). Lives as long as
/// `trust`; NULL when `trust` is NULL.
#[no_mangle]
pub extern "C" fn ctls_trust_trusted_pem(trust: *const ctls_trust) -> *const c_char {
    ffi_boundary! {
        handle::get(trust).map_or(std::ptr::null(), |view| {
            view.trusted_pem
                .get_or_init(|| c_string(&view.trust.trusted_certificates_pem()))
                .as_ptr()
        })
    }
}

/// How many root certificates come from Mozilla's store; 0 when `trust` is NULL.
#[no_mangle]
pub extern "C" fn ctls_trust_mozilla_root_count(trust: *const ctls_trust) -> usize {
    ffi_boundary! {
        handle::get(trust).map_or(0, |view| view.trust.mozilla_root_count())
    }
}

/// How many root certificates come from the operating system's store (0
/// unless loaded with `CTLS_OPTION_SYSTEM_ROOTS`).
#[no_mangle]
pub extern "C" fn ctls_trust_system_root_count(trust: *const ctls_trust) -> usize {
    ffi_boundary! {
        handle::get(trust).map_or(0, |view| view.trust.system_root_count())
    }
}

/// How many warnings loading produced (duplicates, expired extras, and in
/// lenient mode every problem); 0 when `trust` is NULL.
#[no_mangle]
pub extern "C" fn ctls_trust_warnings_len(trust: *const ctls_trust) -> usize {
    ffi_boundary! {
        handle::get(trust).map_or(0, |view| view.warnings.len())
    }
}

/// The i-th warning, borrowed from `trust`; NULL when out of range.
#[no_mangle]
pub extern "C" fn ctls_trust_warning(
    trust: *const ctls_trust,
    index: usize,
) -> *const ctls_warning {
    ffi_boundary! {
        handle::get(trust).map_or(std::ptr::null(), |view| warning::nth(&view.warnings, index))
    }
}

/// Releases a trust from `ctls_trust_load`. NULL is ignored. Never pass one
/// borrowed from a config.
#[no_mangle]
pub extern "C" fn ctls_trust_free(trust: *const ctls_trust) {
    ffi_boundary! {
        handle::free(trust)
    }
}
