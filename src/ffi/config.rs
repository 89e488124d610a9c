//! `ctls_config`: everything the environment contract configures.

use std::ffi::c_char;
use std::sync::Arc;

use super::error::{ctls_error, ErrorData};
use super::handle::{self, Handle, Out, Owned};
use super::identity::{ctls_identity, IdentityView};
use super::options;
use super::server_tls::{ctls_server_tls, ServerTlsView};
use super::status::ctls_status;
use super::text::arg_vars;
use super::trust::{ctls_trust, TrustView};
use super::warning::{self, ctls_warning, WarningView};
use crate::config::Config;
use crate::settings::Settings;

/// The loaded configuration of a Console: the main and management
/// listeners' identities (each absent when its TLS is disabled), the trust
/// for outgoing TLS (`NODE_EXTRA_CA_CERTS`), Identity's URLs, and every
/// warning.
///
/// Owned: release it with `ctls_config_free`. Everything borrowed from it
/// (listener identities, warnings, strings) lives until then. Immutable:
/// safe to use from several threads at once.
pub struct ctls_config {
    _private: [u8; 0],
}

/// The Rust value behind a `ctls_config`.
pub(crate) struct ConfigView {
    /// The whole configuration, for what is computed over all of it (health).
    pub(crate) config: Arc<Config>,
    server: Option<Arc<ServerTlsView>>,
    management: Option<Arc<ServerTlsView>>,
    trust: Arc<TrustView>,
    identity: IdentityView,
    warnings: Vec<WarningView>,
}

impl Handle for ctls_config {
    type Inner = ConfigView;
}
impl Owned for ctls_config {}

impl ConfigView {
    pub(crate) fn new(config: Arc<Config>) -> ConfigView {
        let listener = |tls: &Option<crate::ServerTls>| {
            tls.clone().map(|tls| Arc::new(ServerTlsView::new(tls)))
        };
        ConfigView {
            warnings: WarningView::all(&config.warnings),
            server: listener(&config.server),
            management: listener(&config.management),
            trust: Arc::new(TrustView::new(config.trust.clone())),
            identity: IdentityView::new(config.identity.clone()),
            config,
        }
    }
}

fn load(settings: &Settings, flags: u32, out: Out<*const ctls_config>) -> Result<(), ErrorData> {
    let options = options::from_flags(flags)?;
    let config = Config::load(settings, &options)?;
    out.write(handle::into_raw(Arc::new(ConfigView::new(Arc::new(
        config,
    )))));
    Ok(())
}

/// Loads everything the process environment configures. Same as
/// `ctls_config_from_env_with_options(0, out, err)`.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_config_from_env(
    out: *mut *const ctls_config,
    err: *mut *const ctls_error,
) -> ctls_status {
    ffi_boundary! {
        ctls_config_from_env_with_options(0, out, err)
    }
}

/// Loads everything the process environment configures (the contract's
/// variables: `SERVER_SSL_*`, `MANAGEMENT_SERVER_SSL_*`, `KEYCLOAK_*`,
/// `NODE_EXTRA_CA_CERTS`); relative paths resolve against the working
/// directory. `options` is 0 or `CTLS_OPTION_*` flags OR-ed together.
///
/// On success `*out` receives a new config (release with
/// `ctls_config_free`). On failure `*out` is NULL and, when `err` is not
/// NULL, `*err` receives the first problem, naming its variable.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_config_from_env_with_options(
    options: u32,
    out: *mut *const ctls_config,
    err: *mut *const ctls_error,
) -> ctls_status {
    ffi_boundary! { err =>
        handle::clear(out);
        let out = Out::new(out, "out")?;
        load(&Settings::from_env(), options, out)
    }
}

/// Loads what `count` name/value pairs configure. Same as
/// `ctls_config_from_vars_with_options(names, values, count, 0, out, err)`.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_config_from_vars(
    names: *const *const c_char,
    values: *const *const c_char,
    count: usize,
    out: *mut *const ctls_config,
    err: *mut *const ctls_error,
) -> ctls_status {
    ffi_boundary! {
        ctls_config_from_vars_with_options(names, values, count, 0, out, err)
    }
}

/// Loads what `count` name/value pairs configure, exactly as if they were
/// the environment (the process environment is not read). `names[i]` and
/// `values[i]` are NUL-terminated; names that are not contract variables are
/// ignored, and a later duplicate wins. Values are bytes (a passphrase need
/// not be UTF-8). Both arrays may be NULL when `count` is 0. Everything is
/// copied; nothing is kept after the call.
///
/// On success `*out` receives a new config (release with
/// `ctls_config_free`). On failure `*out` is NULL and, when `err` is not
/// NULL, `*err` receives the first problem, naming its variable.
/// A NULL array or entry is `CTLS_ERR_NULL_ARGUMENT`. `options` is 0 or
/// `CTLS_OPTION_*` flags OR-ed together.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_config_from_vars_with_options(
    names: *const *const c_char,
    values: *const *const c_char,
    count: usize,
    options: u32,
    out: *mut *const ctls_config,
    err: *mut *const ctls_error,
) -> ctls_status {
    ffi_boundary! { err =>
        handle::clear(out);
        let out = Out::new(out, "out")?;
        let vars = arg_vars(names, values, count)?;
        load(&Settings::from_vars(vars), options, out)
    }
}

/// The main listener's identity (`SERVER_SSL_*`): a new reference the
/// caller owns (release it with `ctls_server_tls_free`; it stays valid after
/// `ctls_config_free`). NULL when its TLS is disabled (or `config` is NULL).
#[no_mangle]
pub extern "C" fn ctls_config_server(config: *const ctls_config) -> *const ctls_server_tls {
    ffi_boundary! {
        handle::get(config)
            .and_then(|view| view.server.clone())
            .map_or(std::ptr::null(), handle::into_raw)
    }
}

/// The management listener's identity (`MANAGEMENT_SERVER_SSL_*`): a new
/// reference the caller owns (release it with `ctls_server_tls_free`). NULL
/// when its TLS is disabled (or `config` is NULL).
#[no_mangle]
pub extern "C" fn ctls_config_management(config: *const ctls_config) -> *const ctls_server_tls {
    ffi_boundary! {
        handle::get(config)
            .and_then(|view| view.management.clone())
            .map_or(std::ptr::null(), handle::into_raw)
    }
}

/// The trust for outgoing TLS: Mozilla's roots plus `NODE_EXTRA_CA_CERTS`
/// (when set). A new reference the caller owns (release it with
/// `ctls_trust_free`; it stays valid after `ctls_config_free`); NULL only
/// when `config` is NULL.
#[no_mangle]
pub extern "C" fn ctls_config_trust(config: *const ctls_config) -> *const ctls_trust {
    ffi_boundary! {
        handle::get(config).map_or(std::ptr::null(), |view| handle::into_raw(view.trust.clone()))
    }
}

/// Identity's URLs (`KEYCLOAK_BASE_URL`, `KEYCLOAK_INTERNAL_BASE_URL`),
/// borrowed from `config`; NULL only when `config` is NULL. Never free it.
#[no_mangle]
pub extern "C" fn ctls_config_identity(config: *const ctls_config) -> *const ctls_identity {
    ffi_boundary! {
        handle::get(config).map_or(std::ptr::null(), |view| handle::as_ptr(&view.identity))
    }
}

/// How many warnings the whole configuration produced (listeners, trust
/// and Identity); 0 when `config` is NULL.
#[no_mangle]
pub extern "C" fn ctls_config_warnings_len(config: *const ctls_config) -> usize {
    ffi_boundary! {
        handle::get(config).map_or(0, |view| view.warnings.len())
    }
}

/// The i-th warning, borrowed from `config`; NULL when out of range.
#[no_mangle]
pub extern "C" fn ctls_config_warning(
    config: *const ctls_config,
    index: usize,
) -> *const ctls_warning {
    ffi_boundary! {
        handle::get(config).map_or(std::ptr::null(), |view| warning::nth(&view.warnings, index))
    }
}

/// Releases a config and everything borrowed from it. NULL is ignored.
#[no_mangle]
pub extern "C" fn ctls_config_free(config: *const ctls_config) {
    ffi_boundary! {
        handle::free(config)
    }
}
