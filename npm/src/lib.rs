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

/// `loadServerTls` arguments; errors name them (`certificate`, `privateKey`).
#[napi(object)]
pub struct ServerTlsArgs {
    /// A location: `file:/path`, a path, or the PEM text itself.
    pub certificate: Option<String>,
    /// A location, as `certificate`; may be the same combined file.
    pub private_key: Option<String>,
    /// Decrypts an encrypted key: a string (UTF-8) or the bytes themselves.
    pub passphrase: Option<Either<String, Buffer>>,
    /// Directory that relative paths resolve against.
    pub base_dir: Option<String>,
}

struct ServerTlsInput {
    certificate: String,
    private_key: String,
    passphrase: Option<console_tls::Passphrase>,
    options: NativeOptions,
}

impl ServerTlsInput {
    fn new(args: ServerTlsArgs, options: Option<NativeOptions>) -> Self {
        let mut options = options.unwrap_or_default();
        if args.base_dir.is_some() {
            options.base_dir = args.base_dir;
        }
        ServerTlsInput {
            certificate: args.certificate.unwrap_or_default(),
            private_key: args.private_key.unwrap_or_default(),
            passphrase: convert::passphrase(args.passphrase),
            options,
        }
    }

    fn load(&self) -> console_tls::Result<console_tls::ServerTls> {
        console_tls::ServerTls::from_locations(
            self.certificate.as_bytes(),
            self.private_key.as_bytes(),
            self.passphrase
                .as_ref()
                .map(console_tls::Passphrase::as_bytes),
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
}

impl From<&console_tls::Config> for Config {
    fn from(config: &console_tls::Config) -> Self {
        Config {
            server: config.server.as_ref().map(ServerTls::from),
            management: config.management.as_ref().map(ServerTls::from),
            trust: trust::Trust::from(&config.trust),
            identity: trust::Identity::from(&config.identity),
            warnings: convert::warnings(&config.warnings),
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
        Ok(config) => Ok(Config::from(&config)),
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
            Ok(config) => Ok(Config::from(&config)),
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
