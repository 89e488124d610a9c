//! `ctls_server_tls`: a listener's loaded and checked identity.

use std::ffi::{c_char, CString};
use std::sync::{Arc, OnceLock};

use zeroize::Zeroizing;

use super::certificate::{self, ctls_certificate, CertificateView};
use super::error::{ctls_error, ErrorData};
use super::handle::{self, Handle, Out, Owned};
use super::status::ctls_status;
use super::text::{arg_bytes, arg_vars, c_string, optional_bytes, utf8};
use super::warning::{self, ctls_warning, WarningView};
use crate::client_auth::ClientAuth;
use crate::options::Options;
use crate::server_tls::ServerTls;
use crate::settings::{ListenerArguments, ListenerVars};

/// A listener's TLS identity: the certificate chain (leaf first), the
/// private key that belongs to the leaf (unencrypted PKCS#8), its type, and
/// warnings.
///
/// Always owned, whether it comes from `ctls_server_tls_load` or from
/// `ctls_config_server` / `ctls_config_management` (new references): release
/// it with `ctls_server_tls_free`. Everything it returns lives as long as it
/// does. Immutable: safe to use from several threads at once.
pub struct ctls_server_tls {
    _private: [u8; 0],
}

/// The Rust value behind a `ctls_server_tls`.
pub(crate) struct ServerTlsView {
    tls: ServerTls,
    chain: Vec<CertificateView>,
    warnings: Vec<WarningView>,
    key_type: CString,
    key_algorithm: CString,
    chain_pem: OnceLock<CString>,
    client_cas: Vec<CertificateView>,
    client_ca_pem: OnceLock<CString>,
    // The key as NUL-terminated PEM, made only when asked for and wiped on drop.
    key_pem: OnceLock<Zeroizing<Vec<u8>>>,
}

impl Handle for ctls_server_tls {
    type Inner = ServerTlsView;
}
impl Owned for ctls_server_tls {}

impl ServerTlsView {
    pub(crate) fn new(tls: ServerTls) -> ServerTlsView {
        ServerTlsView {
            chain: tls.chain().iter().map(CertificateView::new).collect(),
            warnings: WarningView::all(tls.warnings()),
            key_type: c_string(&tls.key_type().to_string()),
            key_algorithm: c_string(tls.key_type().algorithm()),
            chain_pem: OnceLock::new(),
            client_cas: tls
                .client_auth()
                .certificates()
                .iter()
                .map(CertificateView::new)
                .collect(),
            client_ca_pem: OnceLock::new(),
            key_pem: OnceLock::new(),
            tls,
        }
    }
}

/// Argument names the errors of `ctls_server_tls_load` cite.
const ARGUMENT_NAMES: ListenerVars = ListenerVars {
    enabled: "enabled",
    certificate: "certificate",
    private_key: "private_key",
    passphrase: "passphrase",
    client_auth: "client_auth",
    trust_certificate: "trust_certificate",
    key_store: "key_store",
    key_store_password: "password",
    key_store_type: "key_store_type",
    key_alias: "alias",
};

/// Loads and checks a listener's identity.
///
/// `certificate` and `private_key` take the same forms as the environment
/// variables: `file:/abs/path`, `file:///abs/path`, a bare path (relative
/// paths resolve against the working directory), or the PEM text itself.
/// Both may name the same combined file. `passphrase` (nullable; an empty
/// string counts as none) decrypts an encrypted key and is used byte for
/// byte. All three are copied; nothing is kept after the call.
///
/// On success `*out` receives a new handle (release it with
/// `ctls_server_tls_free`). On failure `*out` is NULL and, when `err` is not
/// NULL, `*err` receives the details (release with `ctls_error_free`); the
/// error names the argument (`"certificate"`, `"private_key"`) and the file.
///
/// Like environment variables, `certificate` and `private_key` are bytes: a
/// path need not be UTF-8 (Linux file names are bytes).
///
/// Errors: `CTLS_ERR_NULL_ARGUMENT`, and every loading error of the contract
/// (`CTLS_ERR_FILE_NOT_FOUND`, `CTLS_ERR_PEM_INVALID`, `CTLS_ERR_KEY_MISMATCH`, …).
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_server_tls_load(
    certificate: *const c_char,
    private_key: *const c_char,
    passphrase: *const c_char,
    out: *mut *const ctls_server_tls,
    err: *mut *const ctls_error,
) -> ctls_status {
    ffi_boundary! { err =>
        handle::clear(out);
        let out = Out::new(out, "out")?;
        let certificate = arg_bytes(certificate, "certificate")?;
        let private_key = arg_bytes(private_key, "private_key")?;
        let base_dir = std::env::current_dir().unwrap_or_default();
        let tls = ServerTls::from_locations(
            certificate,
            private_key,
            optional_bytes(passphrase),
            ARGUMENT_NAMES,
            &base_dir,
            &Options::default(),
        )?;
        out.write(handle::into_raw(Arc::new(ServerTlsView::new(tls))));
        Ok(())
    }
}

/// Loads and checks a listener's identity from a PKCS#12 key store (`.p12`,
/// `.pfx`), as `SERVER_SSL_KEY_STORE` does.
///
/// `location` is a path or `file:` URL (relative paths resolve against the
/// working directory). `password` (nullable; an empty string counts as none,
/// and then the empty password is tried, as Java and OpenSSL do) opens the
/// store. `alias` (nullable) chooses the key entry by its alias, in any case;
/// NULL takes the only one. The result is the same as `ctls_server_tls_load`
/// gives for the PEM certificate and key the store holds: the chain leaf
/// first, the key as PKCS#8, the same checks and warnings.
///
/// On success `*out` receives a new handle (release it with
/// `ctls_server_tls_free`). On failure `*out` is NULL and, when `err` is not
/// NULL, `*err` receives the details; the error names the argument
/// (`"key_store"`, `"password"`, `"alias"`) and the file, never the password.
///
/// Errors: `CTLS_ERR_NULL_ARGUMENT`, `CTLS_ERR_INVALID_UTF8` (`alias`),
/// `CTLS_ERR_PASSPHRASE_WRONG`, `CTLS_ERR_KEY_ENCRYPTED` (no password, and
/// the store needs one), `CTLS_ERR_KEY_UNSUPPORTED` (a JKS or JCEKS store),
/// `CTLS_ERR_CONFIG_INVALID` (several key entries and no alias, or no entry
/// with that alias), and the loading errors of `ctls_server_tls_load`.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_server_tls_load_key_store(
    location: *const c_char,
    password: *const c_char,
    alias: *const c_char,
    out: *mut *const ctls_server_tls,
    err: *mut *const ctls_error,
) -> ctls_status {
    ffi_boundary! { err =>
        handle::clear(out);
        let out = Out::new(out, "out")?;
        let location = arg_bytes(location, "key_store")?;
        let alias = optional_bytes(alias)
            .map(|bytes| utf8(bytes, "alias"))
            .transpose()?;
        let base_dir = std::env::current_dir().unwrap_or_default();
        let tls = ServerTls::from_key_store(
            location,
            optional_bytes(password),
            None,
            alias,
            ARGUMENT_NAMES,
            &base_dir,
            &Options::default(),
        )?;
        out.write(handle::into_raw(Arc::new(ServerTlsView::new(tls))));
        Ok(())
    }
}

/// Loads and checks a listener's identity from named arguments, by the rules
/// the listener's environment variables follow: a PEM pair or a PKCS#12 key
/// store, and client authentication. `names[i]` / `values[i]` are
/// NUL-terminated; the names are
///
/// | name | as the variable |
/// | --- | --- |
/// | `"certificate"`, `"private_key"`, `"passphrase"` | `SERVER_SSL_CERTIFICATE`, `…_PRIVATE_KEY`, `…_PASSPHRASE` |
/// | `"key_store"`, `"password"`, `"key_store_type"`, `"alias"` | `SERVER_SSL_KEY_STORE`, `…_KEY_STORE_PASSWORD`, `…_KEY_STORE_TYPE`, `…_KEY_ALIAS` |
/// | `"client_auth"`, `"trust_certificate"` | `SERVER_SSL_CLIENT_AUTH`, `…_TRUST_CERTIFICATE` |
///
/// An empty value counts as unset; a later duplicate wins; values are bytes
/// (relative paths resolve against the working directory). Everything is
/// copied. `ctls_server_tls_load` and `ctls_server_tls_load_key_store` are
/// this function with two or three of the names.
///
/// On success `*out` receives a new handle (release it with
/// `ctls_server_tls_free`). On failure `*out` is NULL and, when `err` is not
/// NULL, `*err` receives the details, naming the argument and the file.
///
/// Errors: `CTLS_ERR_NULL_ARGUMENT` (a NULL array or entry),
/// `CTLS_ERR_CONFIG_INVALID` (a name not in the table, a key store with a
/// certificate or key, an invalid client authentication mode),
/// `CTLS_ERR_CONFIG_MISSING` (no certificate, key or key store; client
/// authentication without `trust_certificate`), and the loading errors of
/// `ctls_server_tls_load` and `ctls_server_tls_load_key_store`.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_server_tls_load_arguments(
    names: *const *const c_char,
    values: *const *const c_char,
    count: usize,
    out: *mut *const ctls_server_tls,
    err: *mut *const ctls_error,
) -> ctls_status {
    ffi_boundary! { err =>
        handle::clear(out);
        let out = Out::new(out, "out")?;
        let mut arguments = ListenerArguments::default();
        for (name, value) in arg_vars(names, values, count)? {
            let n = ARGUMENT_NAMES;
            let slot = [
                (n.certificate, &mut arguments.certificate),
                (n.private_key, &mut arguments.private_key),
                (n.passphrase, &mut arguments.passphrase),
                (n.key_store, &mut arguments.key_store),
                (n.key_store_password, &mut arguments.key_store_password),
                (n.key_store_type, &mut arguments.key_store_type),
                (n.key_alias, &mut arguments.key_alias),
                (n.client_auth, &mut arguments.client_auth),
                (n.trust_certificate, &mut arguments.trust_certificate),
            ]
            .into_iter()
            .find_map(|(known, slot)| (known == name).then_some(slot))
            .ok_or_else(|| {
                ErrorData::invalid_argument(
                    "names",
                    format!(
                        "{name:?} is not an argument of a listener; use certificate, private_key, passphrase, key_store, password, key_store_type, alias, client_auth or trust_certificate"
                    ),
                )
            })?;
            *slot = Some(value);
        }
        let base_dir = std::env::current_dir().unwrap_or_default();
        let tls = ServerTls::from_arguments(&arguments, ARGUMENT_NAMES, &base_dir, &Options::default())?;
        out.write(handle::into_raw(Arc::new(ServerTlsView::new(tls))));
        Ok(())
    }
}

/// How many certificates the chain holds (at least 1); 0 when `tls` is NULL.
#[no_mangle]
pub extern "C" fn ctls_server_tls_chain_len(tls: *const ctls_server_tls) -> usize {
    ffi_boundary! {
        handle::get(tls).map_or(0, |view| view.chain.len())
    }
}

/// The i-th certificate of the chain (0 is the leaf), borrowed from `tls`;
/// NULL when `tls` is NULL or `index` is out of range.
#[no_mangle]
pub extern "C" fn ctls_server_tls_certificate(
    tls: *const ctls_server_tls,
    index: usize,
) -> *const ctls_certificate {
    ffi_boundary! {
        handle::get(tls).map_or(std::ptr::null(), |view| certificate::nth(&view.chain, index))
    }
}

/// The DER bytes of the i-th certificate of the chain (0 is the leaf) in
/// `*data` / `*len`, valid as long as `tls`.
///
/// Errors: `CTLS_ERR_NULL_ARGUMENT`; `CTLS_ERR_CONFIG_INVALID` when `index`
/// is not less than `ctls_server_tls_chain_len(tls)`.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_server_tls_cert_der(
    tls: *const ctls_server_tls,
    index: usize,
    data: *mut *const u8,
    len: *mut usize,
) -> ctls_status {
    let err: *mut *const ctls_error = std::ptr::null_mut();
    ffi_boundary! { err =>
        let view = handle::arg(tls, "tls")?;
        certificate::nth_der(&view.chain, index, "index", data, len)
    }
}

/// The private key as unencrypted PKCS#8 DER in `*data` / `*len`, valid as
/// long as `tls` (the bytes are wiped when it is freed). Secret: never log it.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_server_tls_key_der(
    tls: *const ctls_server_tls,
    data: *mut *const u8,
    len: *mut usize,
) -> ctls_status {
    let err: *mut *const ctls_error = std::ptr::null_mut();
    ffi_boundary! { err =>
        let view = handle::arg(tls, "tls")?;
        handle::write_bytes(data, len, view.tls.key().pkcs8_der())
    }
}

/// The chain as concatenated `CERTIFICATE` PEM blocks, leaf first (what a
/// TLS server takes as its certificate file). Lives as long as `tls`.
#[no_mangle]
pub extern "C" fn ctls_server_tls_chain_pem(tls: *const ctls_server_tls) -> *const c_char {
    ffi_boundary! {
        handle::get(tls).map_or(std::ptr::null(), |view| {
            view.chain_pem.get_or_init(|| c_string(&view.tls.chain_pem())).as_ptr()
        })
    }
}

/// The private key as one unencrypted `PRIVATE KEY` PEM block. Lives as
/// long as `tls` and is wiped when it is freed. Secret: never log it.
#[no_mangle]
pub extern "C" fn ctls_server_tls_key_pem(tls: *const ctls_server_tls) -> *const c_char {
    ffi_boundary! {
        handle::get(tls).map_or(std::ptr::null(), |view| {
            view.key_pem
                .get_or_init(|| {
                    let pem = view.tls.key_pem();
                    let mut bytes = Zeroizing::new(Vec::with_capacity(pem.len() + 1));
                    bytes.extend_from_slice(pem.as_bytes());
                    bytes.push(0);
                    bytes
                })
                .as_ptr()
                .cast()
        })
    }
}

/// The key's algorithm and size, e.g. `"RSA 2048-bit"`, `"ECDSA P-256"`, `"Ed25519"`.
#[no_mangle]
pub extern "C" fn ctls_server_tls_key_type(tls: *const ctls_server_tls) -> *const c_char {
    ffi_boundary! {
        handle::get(tls).map_or(std::ptr::null(), |view| view.key_type.as_ptr())
    }
}

/// The key's algorithm family: `"RSA"`, `"EC"` or `"Ed25519"`.
#[no_mangle]
pub extern "C" fn ctls_server_tls_key_algorithm(tls: *const ctls_server_tls) -> *const c_char {
    ffi_boundary! {
        handle::get(tls).map_or(std::ptr::null(), |view| view.key_algorithm.as_ptr())
    }
}

/// The key size in bits (the curve size for EC keys, 256 for Ed25519); 0
/// when `tls` is NULL.
#[no_mangle]
pub extern "C" fn ctls_server_tls_key_bits(tls: *const ctls_server_tls) -> usize {
    ffi_boundary! {
        handle::get(tls).map_or(0, |view| view.tls.key_type().bits())
    }
}

/// How many warnings loading produced (expiry, chain links, no
/// subjectAltName, unused passphrase); 0 when `tls` is NULL.
#[no_mangle]
pub extern "C" fn ctls_server_tls_warnings_len(tls: *const ctls_server_tls) -> usize {
    ffi_boundary! {
        handle::get(tls).map_or(0, |view| view.warnings.len())
    }
}

/// The i-th warning, borrowed from `tls`; NULL when out of range.
#[no_mangle]
pub extern "C" fn ctls_server_tls_warning(
    tls: *const ctls_server_tls,
    index: usize,
) -> *const ctls_warning {
    ffi_boundary! {
        handle::get(tls).map_or(std::ptr::null(), |view| warning::nth(&view.warnings, index))
    }
}

/// Whether a listener asks clients for certificates
/// (`SERVER_SSL_CLIENT_AUTH`).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ctls_client_auth {
    /// Clients are not asked for a certificate.
    CTLS_CLIENT_AUTH_NONE = 0,
    /// Clients are asked; one without a certificate is accepted, one with a
    /// certificate that does not verify against the client CAs is refused.
    CTLS_CLIENT_AUTH_WANT = 1,
    /// Clients must present a certificate issued by a client CA.
    CTLS_CLIENT_AUTH_NEED = 2,
}

/// The listener's client authentication mode; `CTLS_CLIENT_AUTH_NONE` when
/// `tls` is NULL.
#[no_mangle]
pub extern "C" fn ctls_server_tls_client_auth(tls: *const ctls_server_tls) -> ctls_client_auth {
    ffi_boundary! {
        match handle::get(tls).map(|view| view.tls.client_auth().mode()) {
            Some(ClientAuth::Want) => ctls_client_auth::CTLS_CLIENT_AUTH_WANT,
            Some(ClientAuth::Need) => ctls_client_auth::CTLS_CLIENT_AUTH_NEED,
            Some(ClientAuth::None) | None => ctls_client_auth::CTLS_CLIENT_AUTH_NONE,
        }
    }
}

/// How many CAs issue client certificates (`SERVER_SSL_TRUST_CERTIFICATE`,
/// deduplicated); 0 without client authentication or when `tls` is NULL.
#[no_mangle]
pub extern "C" fn ctls_server_tls_client_ca_len(tls: *const ctls_server_tls) -> usize {
    ffi_boundary! {
        handle::get(tls).map_or(0, |view| view.client_cas.len())
    }
}

/// The DER bytes of the i-th client CA in `*data` / `*len`, valid as long
/// as `tls`.
///
/// Errors: `CTLS_ERR_NULL_ARGUMENT`; `CTLS_ERR_CONFIG_INVALID` when `index`
/// is not less than `ctls_server_tls_client_ca_len(tls)`.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_server_tls_client_ca_der(
    tls: *const ctls_server_tls,
    index: usize,
    data: *mut *const u8,
    len: *mut usize,
) -> ctls_status {
    let err: *mut *const ctls_error = std::ptr::null_mut();
    ffi_boundary! { err =>
        let view = handle::arg(tls, "tls")?;
        certificate::nth_der(&view.client_cas, index, "index", data, len)
    }
}

/// The client CAs as concatenated `CERTIFICATE` PEM blocks (what OpenSSL's
/// `SSL_CTX_load_verify_locations` or Python's `cadata` take); an empty
/// string without client authentication. Lives as long as `tls`.
#[no_mangle]
pub extern "C" fn ctls_server_tls_client_ca_pem(tls: *const ctls_server_tls) -> *const c_char {
    ffi_boundary! {
        handle::get(tls).map_or(std::ptr::null(), |view| {
            view.client_ca_pem
                .get_or_init(|| c_string(&view.tls.client_auth().ca_pem()))
                .as_ptr()
        })
    }
}

/// Releases an identity from `ctls_server_tls_load` (its key bytes are
/// wiped). NULL is ignored. Never pass one borrowed from a config.
#[no_mangle]
pub extern "C" fn ctls_server_tls_free(tls: *const ctls_server_tls) {
    ffi_boundary! {
        handle::free(tls)
    }
}

// After a panic nothing is known of the mode: none is what a NULL handle reports.
impl super::boundary::Fallback for ctls_client_auth {
    fn on_panic() -> Self {
        ctls_client_auth::CTLS_CLIENT_AUTH_NONE
    }
}
