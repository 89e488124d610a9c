//! The Node native addon over the console-tls core.
//!
//! This crate only converts types: JavaScript values in, core calls, plain
//! JavaScript objects (or `Error`s with `.code`/`.envVar`/`.path`) out. The
//! public API (`index.js`, `index.mjs`, `index.d.ts`) wraps these exports to
//! add what only JavaScript has: `process.env` as the default environment,
//! `tls.rootCertificates`, `process.emitWarning`.
//!
//! Every loader has a synchronous form and an `…Async` form that runs the
//! same core call on libuv's thread pool (a napi `AsyncTask`) and settles a
//! Promise on the main thread. Certificate rotation (`watch`) is the core's
//! `ConfigWatcher` driven from JavaScript's timer (see `watch.rs`).

// napi-derive registers the exports only outside cfg(test), so under
// `clippy --all-targets` the exported functions look unused.
#![cfg_attr(test, allow(dead_code))]
#![deny(unsafe_code)]

/// The addon's own allocations (only this .node's Rust code; Node, OpenSSL
/// and other addons keep glibc's malloc) come from mimalloc. In a process
/// that has just freed many small OpenSSL objects, glibc makes the next
/// large allocation consolidate them first: measured, the first call after a
/// collection cost 1.4 ms before any work and `loadFromEnv` 4-5 ms instead
/// of 2.7 ms. Without transparent huge pages, so that loading the addon adds
/// 3.4 MiB of RSS rather than 7.3 MiB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod convert;
mod error;
mod trust;
mod watch;

use std::collections::HashMap;
use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi::{Env, Task};
use napi_derive::napi;

use convert::{NativeOptions, ServerTls, WarningInfo};

/// The environment variables the contract reads, so that JavaScript copies
/// only those out of `process.env`.
#[napi]
pub fn contract_variables() -> Vec<&'static str> {
    console_tls::settings::CONTRACT_VARS.to_vec()
}

/// Every error code (`ERR_*`), in the core's order: what TypeScript's
/// `ErrorCode` union is tested against.
#[napi]
pub fn error_codes() -> Vec<&'static str> {
    console_tls::ErrorCode::ALL
        .iter()
        .map(|code| code.as_str())
        .collect()
}

/// Every warning code (`WARN_*`), in the core's order: what TypeScript's
/// `WarningCode` union is tested against.
#[napi]
pub fn warning_codes() -> Vec<&'static str> {
    console_tls::WarningCode::ALL
        .iter()
        .map(|code| code.as_str())
        .collect()
}

/// The core library's version.
#[napi]
pub fn core_version() -> &'static str {
    console_tls::VERSION
}

// ---------------------------------------------------------------- server TLS

/// `loadServerTls` arguments; errors name them (`certificate`, `privateKey`,
/// `keyStore` …).
#[napi(object)]
pub struct ServerTlsArgs {
    /// A location: `file:/path`, a path, or the PEM text itself.
    pub certificate: Option<String>,
    /// A location, as `certificate`; may be the same combined file.
    pub private_key: Option<String>,
    /// Decrypts an encrypted key: a string (UTF-8) or the bytes themselves.
    pub passphrase: Option<Either<String, Buffer>>,
    /// A PKCS#12 key store (`file:/path` or a path), instead of
    /// `certificate` and `privateKey`.
    pub key_store: Option<String>,
    /// The key store's password: a string (UTF-8) or the bytes themselves.
    pub key_store_password: Option<Either<String, Buffer>>,
    /// `PKCS12` (any case) or omitted.
    pub key_store_type: Option<String>,
    /// The key entry to use; omitted: the only one.
    pub key_alias: Option<String>,
    /// Directory that relative paths resolve against.
    pub base_dir: Option<String>,
    /// `'none'` (default), `'want'` or `'need'`, any case.
    pub client_auth: Option<String>,
    /// A location of the PEM bundle of the CAs that issue client
    /// certificates; required for `want`/`need`.
    pub trust_certificate: Option<String>,
}

/// `loadServerTls`'s arguments, owned (an async load runs them on a worker).
struct ServerTlsInput {
    certificate: Option<String>,
    private_key: Option<String>,
    passphrase: Option<console_tls::Passphrase>,
    key_store: Option<String>,
    key_store_password: Option<console_tls::Passphrase>,
    key_store_type: Option<String>,
    key_alias: Option<String>,
    client_auth: Option<String>,
    trust_certificate: Option<String>,
    options: NativeOptions,
}

impl ServerTlsInput {
    fn new(args: ServerTlsArgs, options: Option<NativeOptions>) -> Self {
        let mut options = options.unwrap_or_default();
        if args.base_dir.is_some() {
            options.base_dir = args.base_dir;
        }
        ServerTlsInput {
            certificate: args.certificate,
            private_key: args.private_key,
            passphrase: convert::passphrase(args.passphrase),
            key_store: args.key_store,
            key_store_password: convert::passphrase(args.key_store_password),
            key_store_type: args.key_store_type,
            key_alias: args.key_alias,
            client_auth: args.client_auth,
            trust_certificate: args.trust_certificate,
            options,
        }
    }

    fn load(&self) -> console_tls::Result<console_tls::ServerTls> {
        fn text(value: &Option<String>) -> Option<&[u8]> {
            value.as_deref().map(str::as_bytes)
        }
        fn secret(value: &Option<console_tls::Passphrase>) -> Option<&[u8]> {
            value.as_ref().map(console_tls::Passphrase::as_bytes)
        }
        let arguments = console_tls::settings::ListenerArguments {
            certificate: text(&self.certificate),
            private_key: text(&self.private_key),
            passphrase: secret(&self.passphrase),
            key_store: text(&self.key_store),
            key_store_password: secret(&self.key_store_password),
            key_store_type: text(&self.key_store_type),
            key_alias: text(&self.key_alias),
            client_auth: text(&self.client_auth),
            trust_certificate: text(&self.trust_certificate),
        };
        console_tls::ServerTls::from_arguments(
            &arguments,
            console_tls::settings::ListenerVars::ARGUMENTS,
            &self.options.base_dir(),
            &self.options.to_core(),
        )
    }
}

/// Loads and checks one listener's identity.
#[napi]
pub fn load_server_tls(
    env: Env,
    args: ServerTlsArgs,
    options: Option<NativeOptions>,
) -> Result<ServerTls> {
    let input = ServerTlsInput::new(args, options);
    match input.load() {
        Ok(tls) => Ok(ServerTls::from(&tls)),
        Err(error) => Err(error::to_js(&env, &error)),
    }
}

pub struct LoadServerTlsTask(ServerTlsInput);

impl Task for LoadServerTlsTask {
    type Output = console_tls::Result<console_tls::ServerTls>;
    type JsValue = ServerTls;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(self.0.load())
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<ServerTls> {
        match output {
            Ok(tls) => Ok(ServerTls::from(&tls)),
            Err(error) => Err(error::to_js(&env, &error)),
        }
    }
}

/// `loadServerTls` on the thread pool.
#[napi(ts_return_type = "Promise<ServerTls>")]
pub fn load_server_tls_async(
    args: ServerTlsArgs,
    options: Option<NativeOptions>,
) -> AsyncTask<LoadServerTlsTask> {
    AsyncTask::new(LoadServerTlsTask(ServerTlsInput::new(args, options)))
}

// ---------------------------------------------------------------- environment

pub(crate) struct EnvInput {
    vars: HashMap<String, String>,
    pub(crate) options: NativeOptions,
}

impl EnvInput {
    pub(crate) fn new(vars: HashMap<String, String>, options: Option<NativeOptions>) -> Self {
        EnvInput {
            vars,
            options: options.unwrap_or_default(),
        }
    }

    pub(crate) fn settings(&self) -> console_tls::Settings {
        console_tls::Settings::from_vars(&self.vars).with_base_dir(self.options.base_dir())
    }

    fn load(&self) -> console_tls::Result<console_tls::Config> {
        console_tls::Config::load(&self.settings(), &self.options.to_core())
    }
}

/// Everything the environment configures.
#[napi(object, object_from_js = false)]
pub struct Config {
    /// The main listener, `null` when `SERVER_SSL_ENABLED` is not true.
    pub server: Option<ServerTls>,
    /// The management listener, `null` when `MANAGEMENT_SERVER_SSL_ENABLED` is not true.
    pub management: Option<ServerTls>,
    /// Mozilla's roots plus `NODE_EXTRA_CA_CERTS`.
    pub trust: trust::Trust,
    /// `KEYCLOAK_BASE_URL` / `KEYCLOAK_INTERNAL_BASE_URL`.
    pub identity: trust::Identity,
    /// Every warning, each naming its variable.
    pub warnings: Vec<WarningInfo>,
    /// The core's configuration, for `sslHealth`/`sslMetrics` (hidden
    /// behind a symbol by the public wrapper).
    pub handle: ConfigHandle,
}

/// The core's `Config`, held so that health is judged on what was loaded
/// rather than on JavaScript's copy of it.
#[napi]
pub struct ConfigHandle {
    // Shared, not copied: every load and reload makes one.
    inner: Arc<console_tls::Config>,
}

/// `sslHealth`/`sslMetrics` options, as the wrapper passes them.
#[napi(object)]
pub struct HealthArgs {
    /// Milliseconds (default 14 days).
    pub warning_threshold: Option<f64>,
    /// Milliseconds since the epoch (default: now).
    pub now: Option<f64>,
}

impl HealthArgs {
    fn to_core(
        args: Option<HealthArgs>,
    ) -> Result<(console_tls::HealthOptions, std::time::SystemTime)> {
        let args = args.unwrap_or(HealthArgs {
            warning_threshold: None,
            now: None,
        });
        let options = match args.warning_threshold {
            None => console_tls::HealthOptions::default(),
            Some(ms) => console_tls::HealthOptions::with_warning_threshold(
                std::time::Duration::try_from_secs_f64(ms / 1000.0).map_err(|_| {
                    Error::new(
                        Status::InvalidArg,
                        format!("warningThreshold must be a finite, non-negative number of milliseconds; received {ms}"),
                    )
                })?,
            ),
        };
        let now = match args.now {
            None => std::time::SystemTime::now(),
            Some(ms) if ms.is_finite() => {
                let offset = std::time::Duration::from_secs_f64((ms / 1000.0).abs());
                let time = if ms >= 0.0 {
                    std::time::UNIX_EPOCH.checked_add(offset)
                } else {
                    std::time::UNIX_EPOCH.checked_sub(offset)
                };
                time.ok_or_else(|| {
                    Error::new(
                        Status::InvalidArg,
                        format!("now is out of range; received {ms}"),
                    )
                })?
            }
            Some(ms) => {
                return Err(Error::new(
                    Status::InvalidArg,
                    format!("now must be a valid time; received {ms}"),
                ))
            }
        };
        Ok((options, now))
    }
}

#[napi]
impl ConfigHandle {
    /// Spring Boot's `ssl` health component (see the core's `health`
    /// module) as JSON text: a `serde_json::Value` would sort the keys,
    /// and Spring Boot's order (subject, issuer, serialNumber, …) is kept.
    #[napi]
    pub fn ssl_health_json(&self, args: Option<HealthArgs>) -> Result<String> {
        let (options, now) = HealthArgs::to_core(args)?;
        let health = console_tls::health::ssl_health(&self.inner, &options, now);
        serde_json::to_string(&health).map_err(|e| Error::from_reason(e.to_string()))
    }

    /// The Prometheus text (format 0.0.4).
    #[napi]
    pub fn ssl_metrics(&self, args: Option<HealthArgs>) -> Result<String> {
        let (options, now) = HealthArgs::to_core(args)?;
        Ok(console_tls::health::prometheus(&self.inner, &options, now))
    }
}

impl From<Arc<console_tls::Config>> for Config {
    fn from(config: Arc<console_tls::Config>) -> Self {
        Config {
            server: config.server.as_ref().map(ServerTls::from),
            management: config.management.as_ref().map(ServerTls::from),
            trust: trust::Trust::from(&config.trust),
            identity: trust::Identity::from(&config.identity),
            warnings: convert::warnings(&config.warnings),
            handle: ConfigHandle { inner: config },
        }
    }
}

/// Loads everything `vars` (the contract's variables) configures.
#[napi]
pub fn load_from_env(
    env: Env,
    vars: HashMap<String, String>,
    options: Option<NativeOptions>,
) -> Result<Config> {
    match EnvInput::new(vars, options).load() {
        Ok(config) => Ok(Config::from(Arc::new(config))),
        Err(error) => Err(error::to_js(&env, &error)),
    }
}

pub struct LoadFromEnvTask(EnvInput);

impl Task for LoadFromEnvTask {
    type Output = console_tls::Result<console_tls::Config>;
    type JsValue = Config;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(self.0.load())
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<Config> {
        match output {
            Ok(config) => Ok(Config::from(Arc::new(config))),
            Err(error) => Err(error::to_js(&env, &error)),
        }
    }
}

/// `loadFromEnv` on the thread pool.
#[napi(ts_return_type = "Promise<Config>")]
pub fn load_from_env_async(
    vars: HashMap<String, String>,
    options: Option<NativeOptions>,
) -> AsyncTask<LoadFromEnvTask> {
    AsyncTask::new(LoadFromEnvTask(EnvInput::new(vars, options)))
}

/// Every problem of the configuration at once: the same report as
/// `console-tls check --json`. Never throws for configuration problems.
#[napi(ts_return_type = "any")]
pub fn check(
    vars: HashMap<String, String>,
    options: Option<NativeOptions>,
) -> Result<serde_json::Value> {
    let input = EnvInput::new(vars, options);
    let report = console_tls::report::check(&input.settings(), &input.options.to_core());
    serde_json::to_value(&report).map_err(|e| Error::from_reason(e.to_string()))
}
