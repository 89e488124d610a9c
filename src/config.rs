//! Everything the environment configures, loaded and checked at once.

use crate::error::Result;
use crate::identity::Identity;
use crate::options::Options;
use crate::server_tls::ServerTls;
use crate::settings::{Listener, Settings};
use crate::trust::Trust;
use crate::warning::Warning;

/// The loaded configuration: each listener's identity (`None` when its TLS
/// is disabled), the trust for outgoing TLS, Identity's URLs, and every warning.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    /// The main listener (`SERVER_SSL_*`).
    pub server: Option<ServerTls>,
    /// The management listener (`MANAGEMENT_SERVER_SSL_*`).
    pub management: Option<ServerTls>,
    /// Mozilla's roots plus `NODE_EXTRA_CA_CERTS`.
    pub trust: Trust,
    /// `KEYCLOAK_BASE_URL` / `KEYCLOAK_INTERNAL_BASE_URL`.
    pub identity: Identity,
    /// Every warning, each naming its variable.
    pub warnings: Vec<Warning>,
}

impl Config {
    /// Loads everything `settings` configures. The first problem is returned
    /// as the error; [`crate::report::check`] collects all of them instead.
    ///
    /// The extra CA bundle loads on a second thread while the listeners'
    /// keys are decrypted and validated (each about half of a typical
    /// start-up: 144 CAs, or PBKDF2 and RSA key validation); without a second
    /// thread, one after the other. Errors come in the same order either way.
    pub fn load(settings: &Settings, options: &Options) -> Result<Config> {
        let (listeners, trust) = alongside(
            || -> Result<_> {
                let server = load_listener(settings, Listener::Server, options)?;
                let management = load_listener(settings, Listener::Management, options)?;
                Ok((server, management))
            },
            || Trust::from_settings(settings, options),
        );
        let (server, management) = listeners?;
        let trust = trust?;
        let identity = Identity::from_settings(settings, options)?;
        let warnings = [&server, &management]
            .into_iter()
            .flatten()
            .flat_map(|tls| tls.warnings().iter().cloned())
            .chain(trust.warnings().iter().cloned())
            .chain(identity.warnings.iter().cloned())
            .collect();
        Ok(Config {
            server,
            management,
            trust,
            identity,
            warnings,
        })
    }

    /// The identity of `listener`, when enabled.
    pub fn listener(&self, listener: Listener) -> Option<&ServerTls> {
        match listener {
            Listener::Server => self.server.as_ref(),
            Listener::Management => self.management.as_ref(),
        }
    }
}

/// Runs `second` on a scoped thread while `first` runs here, or here after
/// `first` when no thread can be started (a process at its thread limit).
/// A panic in `second` continues in the caller, as if it had run here.
fn alongside<A, B: Send>(first: impl FnOnce() -> A, second: impl Fn() -> B + Sync) -> (A, B) {
    let second = &second;
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("console-tls trust".to_owned())
            .spawn_scoped(scope, second);
        let a = first();
        let b = match spawned {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => second(),
        };
        (a, b)
    })
}

/// Loads one listener's identity, or `None` when its TLS is disabled.
pub fn load_listener(
    settings: &Settings,
    listener: Listener,
    options: &Options,
) -> Result<Option<ServerTls>> {
    match settings.listener(listener)? {
        Some(listener_settings) => ServerTls::load(&listener_settings, options).map(Some),
        None => Ok(None),
    }
}
