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
    pub fn load(settings: &Settings, options: &Options) -> Result<Config> {
        let server = load_listener(settings, Listener::Server, options)?;
        let management = load_listener(settings, Listener::Management, options)?;
        let trust = Trust::from_settings(settings, options)?;
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
