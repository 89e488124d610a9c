//! Identity (Keycloak) URLs: `KEYCLOAK_BASE_URL`, the public URL, and
//! `KEYCLOAK_INTERNAL_BASE_URL`, the in-cluster URL used backend-to-backend,
//! which defaults to the public one.

use url::Url;

use crate::error::{Error, ErrorKind, Result};
use crate::options::Options;
use crate::settings::{Settings, KEYCLOAK_BASE_URL, KEYCLOAK_INTERNAL_BASE_URL};
use crate::warning::{Warning, WarningCode};

/// Where Identity is, and whether talking to it is encrypted.
///
/// The fields hold the URLs as configured, credentials included (a host may
/// need them); `Debug` shows them without user name and password.
#[derive(Clone)]
pub struct Identity {
    /// `KEYCLOAK_BASE_URL`, when set.
    pub base_url: Option<Url>,
    /// `KEYCLOAK_INTERNAL_BASE_URL`, or the base URL when unset.
    pub internal_base_url: Option<Url>,
    /// `http://` URLs (`WARN_IDENTITY_NOT_ENCRYPTED`).
    pub warnings: Vec<Warning>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A derived Debug would print `password: Some("…")`.
        let shown = |url: &Option<Url>| url.as_ref().map(redacted);
        f.debug_struct("Identity")
            .field("base_url", &shown(&self.base_url))
            .field("internal_base_url", &shown(&self.internal_base_url))
            .field("warnings", &self.warnings)
            .finish()
    }
}

impl Identity {
    /// Reads and checks both URLs. Each must be an absolute `http` or `https`
    /// URL with a host (else `ERR_CONFIG_INVALID` naming the variable);
    /// `http://` is a warning, or `ERR_URL_NOT_HTTPS` with [`Options::require_tls`].
    pub fn from_settings(settings: &Settings, options: &Options) -> Result<Identity> {
        let (identity, problems) = Identity::from_settings_all(settings, options);
        match problems.into_iter().next() {
            Some(first) => Err(first),
            None => Ok(identity),
        }
    }

    /// Like [`Identity::from_settings`], returning what parsed together with
    /// every problem, for reports.
    pub fn from_settings_all(settings: &Settings, options: &Options) -> (Identity, Vec<Error>) {
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        let mut read = |name: &'static str| -> Option<Url> {
            let parsed = settings
                .text(name)
                .and_then(|value| value.map(parse_url).transpose())
                .map_err(|e| e.with_env_var(name));
            match parsed {
                Ok(url) => url,
                Err(error) => {
                    problems.push(error);
                    None
                }
            }
        };
        let base_url = read(KEYCLOAK_BASE_URL);
        let internal_set = settings
            .text(KEYCLOAK_INTERNAL_BASE_URL)
            .ok()
            .flatten()
            .is_some();
        let internal = read(KEYCLOAK_INTERNAL_BASE_URL);

        for (name, url) in [
            (KEYCLOAK_BASE_URL, &base_url),
            (KEYCLOAK_INTERNAL_BASE_URL, &internal),
        ] {
            let Some(url) = url else { continue };
            if url.scheme() != "http" {
                continue;
            }
            if options.require_tls {
                problems.push(
                    Error::new(ErrorKind::UrlNotHttps { url: redacted(url) }).with_env_var(name),
                );
            } else {
                warnings.push(
                    Warning::new(
                        WarningCode::IdentityNotEncrypted,
                        format!(
                            "{} is http://: traffic to Identity is not encrypted; use https:// (and add Identity's CA to NODE_EXTRA_CA_CERTS if it is private)",
                            redacted(url)
                        ),
                    )
                    .with_env_var(name),
                );
            }
        }
        // Unset internal URL: Console uses the base URL backend-to-backend too.
        let internal_base_url = if internal_set {
            internal
        } else {
            base_url.clone()
        };
        (
            Identity {
                base_url,
                internal_base_url,
                warnings,
            },
            problems,
        )
    }

    /// True when a configured Identity URL is `https://`, so the trust
    /// (extra CAs) matters for reaching Identity.
    pub fn uses_tls(&self) -> bool {
        [&self.base_url, &self.internal_base_url]
            .into_iter()
            .flatten()
            .any(|url| url.scheme() == "https")
    }

    /// The URL Console uses backend-to-backend: the internal one, else the base.
    pub fn backend_url(&self) -> Option<&Url> {
        self.internal_base_url.as_ref().or(self.base_url.as_ref())
    }
}

/// Parses an Identity URL: absolute, `http` or `https`, with a host.
pub fn parse_url(value: &str) -> Result<Url> {
    let invalid = |reason: String| Error::new(ErrorKind::InvalidUrl { reason });
    // `url`'s messages never quote the input, so a password cannot leak through them.
    let url =
        Url::parse(value.trim()).map_err(|e| invalid(format!("the value is not a URL ({e})")))?;
    match url.scheme() {
        "http" | "https" => {}
        other => {
            let mut scheme: String = other.chars().take(20).collect();
            if other.len() > 20 {
                scheme.push('…');
            }
            return Err(invalid(format!(
                "the scheme \"{scheme}:\" is not http or https"
            )));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("the URL has no host".to_owned()));
    }
    Ok(url)
}

/// The URL without its user name and password, for messages and reports.
pub fn redacted(url: &Url) -> String {
    if url.username().is_empty() && url.password().is_none() {
        return url.to_string();
    }
    let mut clean = url.clone();
    // Both only fail for URLs that cannot have credentials, which then have none.
    let _ = clean.set_password(None);
    let _ = clean.set_username("");
    clean.to_string()
}
