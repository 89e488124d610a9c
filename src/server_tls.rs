//! A listener's TLS identity: the certificate chain, the private key that
//! belongs to its leaf, what an operator should know about both, and a
//! ready `rustls::ServerConfig`.

use std::fmt;
use std::sync::{Arc, OnceLock};

use rustls::server::danger::ClientCertVerifier;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::ServerConfig;
use zeroize::Zeroizing;

use crate::certificate::{self, Certificate};
use crate::client_auth::ClientAuthPolicy;
use crate::error::{Error, ErrorKind, Result, Source};
use crate::key::{self, KeyType, PrivateKey};
use crate::key_store;
use crate::location::Location;
use crate::options::Options;
use crate::provider;
use crate::settings::{
    IdentitySource, ListenerArguments, ListenerSettings, ListenerVars, Passphrase,
};
use crate::warning::{Warning, WarningCode};

/// A loaded, checked listener identity.
#[derive(Clone)]
pub struct ServerTls {
    chain: Vec<Certificate>,
    key: PrivateKey,
    warnings: Vec<Warning>,
    certified_key: Arc<CertifiedKey>,
    client_auth: ClientAuthPolicy,
    config: Arc<OnceLock<Arc<ServerConfig>>>,
}

impl fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerTls")
            .field(
                "chain",
                &self
                    .chain
                    .iter()
                    .map(|c| &c.info().subject)
                    .collect::<Vec<_>>(),
            )
            .field("key", &self.key)
            .field("warnings", &self.warnings)
            .field("client_auth", &self.client_auth)
            .finish_non_exhaustive()
    }
}

impl ServerTls {
    /// Loads one listener from the values an API caller gives (see
    /// [`ListenerArguments`]: a PEM pair or a key store, client
    /// authentication), relative paths against `base_dir`, by the same
    /// rules as the listener's environment variables; errors and warnings
    /// cite the names `names` gives. What every surface's "load a listener"
    /// calls.
    pub fn from_arguments(
        arguments: &ListenerArguments<'_>,
        names: ListenerVars,
        base_dir: &std::path::Path,
        options: &Options,
    ) -> Result<ServerTls> {
        ServerTls::load(&arguments.settings(names, base_dir)?, options)
    }

    /// [`ServerTls::from_arguments`] for a PEM certificate and key (each a
    /// path, `file:` URL or PEM text, as bytes); an empty passphrase means none.
    pub fn from_locations(
        certificate: &[u8],
        private_key: &[u8],
        passphrase: Option<&[u8]>,
        names: ListenerVars,
        base_dir: &std::path::Path,
        options: &Options,
    ) -> Result<ServerTls> {
        let arguments = ListenerArguments {
            certificate: Some(certificate),
            private_key: Some(private_key),
            passphrase,
            ..ListenerArguments::default()
        };
        ServerTls::from_arguments(&arguments, names, base_dir, options)
    }

    /// [`ServerTls::from_arguments`] for a PKCS#12 key store (a path or
    /// `file:` URL, as bytes); an empty password, type or alias means none;
    /// a type other than `PKCS12` (any case) is `ERR_KEY_UNSUPPORTED`.
    pub fn from_key_store(
        key_store: &[u8],
        password: Option<&[u8]>,
        store_type: Option<&str>,
        alias: Option<&str>,
        names: ListenerVars,
        base_dir: &std::path::Path,
        options: &Options,
    ) -> Result<ServerTls> {
        let arguments = ListenerArguments {
            key_store: Some(key_store),
            key_store_password: password,
            key_store_type: store_type.map(str::as_bytes),
            key_alias: alias.map(str::as_bytes),
            ..ListenerArguments::default()
        };
        ServerTls::from_arguments(&arguments, names, base_dir, options)
    }

    /// Loads and checks the identity `settings` describe.
    ///
    /// Errors name the variable (or argument) and the file; warnings
    /// (expiry, chain links, missing subjectAltName, an unused passphrase)
    /// are kept in [`ServerTls::warnings`].
    pub fn load(settings: &ListenerSettings, options: &Options) -> Result<ServerTls> {
        let mut tls = match &settings.identity {
            IdentitySource::Pem {
                certificate,
                private_key,
                passphrase,
            } => ServerTls::load_pem(
                certificate,
                private_key,
                passphrase.as_ref(),
                settings.names,
                options,
            ),
            IdentitySource::KeyStore {
                location,
                password,
                alias,
            } => ServerTls::load_key_store(
                location,
                password.as_ref(),
                alias.as_deref(),
                settings.names,
                options,
            ),
        }?;
        for name in &settings.ignored {
            let source = match settings.identity {
                IdentitySource::Pem { .. } => "the certificate and private key",
                IdentitySource::KeyStore { .. } => "the key store",
            };
            tls.warnings.push(
                Warning::new(
                    WarningCode::SettingUnused,
                    format!(
                        "set but ignored: the listener's identity comes from {source}; unset it"
                    ),
                )
                .with_env_var(name),
            );
        }
        // After the identity: its errors come first, as the variables read.
        tls.client_auth = ClientAuthPolicy::load(
            &settings.client_auth,
            settings.names,
            options,
            &mut tls.warnings,
        )?;
        Ok(tls)
    }

    fn load_pem(
        certificate: &Location,
        private_key: &Location,
        passphrase: Option<&Passphrase>,
        names: ListenerVars,
        options: &Options,
    ) -> Result<ServerTls> {
        let cert_source = certificate.source();
        let key_source = private_key.source();
        let in_cert = |e: Error| {
            e.with_env_var(names.certificate)
                .with_source(cert_source.clone())
        };
        let in_key = |e: Error| {
            e.with_env_var(names.private_key)
                .with_source(key_source.clone())
        };

        let cert_bytes = certificate.read(options.max_file_size).map_err(in_cert)?;
        let chain = certificate::parse_server_chain(&cert_bytes).map_err(in_cert)?;
        let key_bytes = if private_key == certificate {
            cert_bytes
        } else {
            private_key.read(options.max_file_size).map_err(in_key)?
        };
        let passphrase = passphrase.map(|p| p.as_bytes());
        let (key, key_warnings) = key::load_private_key(&key_bytes, passphrase).map_err(in_key)?;
        let blame = Blame {
            certificate: (names.certificate, cert_source.clone()),
            key: (names.private_key, key_source.clone()),
            passphrase: names.passphrase,
        };
        ServerTls::checked(chain, key, key_warnings, &blame, options)
    }

    fn load_key_store(
        location: &Location,
        password: Option<&Passphrase>,
        alias: Option<&str>,
        names: ListenerVars,
        options: &Options,
    ) -> Result<ServerTls> {
        let source = location.source();
        let in_store = |e: Error| e.with_env_var(names.key_store).with_source(source.clone());
        if let Location::Inline(_) = location {
            return Err(in_store(Error::new(ErrorKind::KeyStoreNotAFile)));
        }
        let bytes = location.read(options.max_file_size).map_err(in_store)?;
        let entry = key_store::load(&bytes, password, alias, &names).map_err(in_store)?;
        let blame = Blame {
            certificate: (names.key_store, source.clone()),
            key: (names.key_store, source.clone()),
            passphrase: names.key_store_password,
        };
        ServerTls::checked(entry.chain, entry.key, entry.warnings, &blame, options)
    }

    /// The checks every identity goes through, whatever it was read from:
    /// the key is the leaf's, and warnings about the key and the chain.
    fn checked(
        chain: Vec<Certificate>,
        key: PrivateKey,
        key_warnings: Vec<Warning>,
        blame: &Blame,
        options: &Options,
    ) -> Result<ServerTls> {
        let (cert_var, cert_source) = &blame.certificate;
        let (key_var, key_source) = &blame.key;
        check_key_belongs(&chain, &key, cert_source).map_err(|kind| match kind {
            // The chain is what must be reordered: blame the certificate.
            ErrorKind::ChainOrder { .. } => Error::new(kind)
                .with_env_var(*key_var)
                .with_source(cert_source.clone()),
            _ => Error::new(kind)
                .with_env_var(*key_var)
                .with_source(key_source.clone()),
        })?;

        let mut warnings: Vec<Warning> = key_warnings
            .into_iter()
            .map(|w| w.with_env_var(blame.passphrase))
            .collect();
        warnings.extend(
            certificate::chain_warnings(&chain, options.now())
                .into_iter()
                .map(|w| w.with_env_var(cert_var)),
        );
        let certified_key = Arc::new(CertifiedKey::new(
            chain.iter().map(|c| c.der().clone()).collect(),
            key.signing_key(),
        ));
        Ok(ServerTls {
            chain,
            key,
            warnings,
            certified_key,
            client_auth: ClientAuthPolicy::none(),
            config: Arc::new(OnceLock::new()),
        })
    }

    /// The chain, leaf first.
    pub fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    /// The leaf certificate.
    pub fn leaf(&self) -> &Certificate {
        &self.chain[0]
    }

    /// The private key (unencrypted PKCS#8, wiped on drop).
    pub fn key(&self) -> &PrivateKey {
        &self.key
    }

    /// Algorithm and size of the key.
    pub fn key_type(&self) -> KeyType {
        self.key.key_type()
    }

    /// Warnings found while loading.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The chain as concatenated PEM, leaf first (Node's `cert` option).
    pub fn chain_pem(&self) -> String {
        self.chain.iter().map(Certificate::pem).collect()
    }

    /// The key as an unencrypted PKCS#8 PEM block (Node's `key` option).
    pub fn key_pem(&self) -> Zeroizing<String> {
        self.key.pkcs8_pem()
    }

    /// The chain and signing key as rustls serves them.
    pub fn certified_key(&self) -> Arc<CertifiedKey> {
        self.certified_key.clone()
    }

    /// The listener's client authentication (mode, client CAs, verifier).
    pub fn client_auth(&self) -> &ClientAuthPolicy {
        &self.client_auth
    }

    /// A `ServerConfig` for TLS 1.2 and 1.3 with the aws-lc-rs provider and
    /// the listener's client authentication, built on first use and shared after.
    pub fn server_config(&self) -> Arc<ServerConfig> {
        self.config
            .get_or_init(|| {
                let resolver = Arc::new(FixedIdentity(self.certified_key.clone()));
                Arc::new(match self.client_auth.verifier() {
                    Some(verifier) => server_config_with_verifier(resolver, verifier),
                    None => server_config_with(resolver),
                })
            })
            .clone()
    }
}

/// A `ServerConfig` for TLS 1.2 and 1.3 with the aws-lc-rs provider, no
/// client authentication, and identities from `resolver` (e.g. a
/// [`crate::reload::ReloadingCertResolver`]).
pub fn server_config_with(resolver: Arc<dyn ResolvesServerCert>) -> ServerConfig {
    builder().with_no_client_auth().with_cert_resolver(resolver)
}

/// A `ServerConfig` for TLS 1.2 and 1.3 with the aws-lc-rs provider, client
/// certificates checked by `verifier` (e.g. [`ClientAuthPolicy::verifier`]
/// or a [`crate::reload::ReloadingClientVerifier`]), and identities from
/// `resolver`.
pub fn server_config_with_verifier(
    resolver: Arc<dyn ResolvesServerCert>,
    verifier: Arc<dyn ClientCertVerifier>,
) -> ServerConfig {
    builder()
        .with_client_cert_verifier(verifier)
        .with_cert_resolver(resolver)
}

fn builder() -> rustls::ConfigBuilder<ServerConfig, rustls::WantsVerifier> {
    ServerConfig::builder_with_provider(provider::get())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        // aws-lc-rs's default provider supports both versions: this cannot fail.
        .expect("the aws-lc-rs provider supports TLS 1.2 and 1.3")
}

/// The variables (and sources) a check's error or warning names.
struct Blame {
    certificate: (&'static str, Source),
    key: (&'static str, Source),
    passphrase: &'static str,
}

/// Serves one identity to every client.
#[derive(Debug)]
struct FixedIdentity(Arc<CertifiedKey>);

impl ResolvesServerCert for FixedIdentity {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }
}

/// The key must be the leaf's; if another certificate of the chain is the
/// key's, the chain is out of order.
fn check_key_belongs(
    chain: &[Certificate],
    key: &PrivateKey,
    cert_source: &Source,
) -> std::result::Result<(), ErrorKind> {
    let Some(public) = key.public_key() else {
        return Ok(());
    };
    let leaf = &chain[0];
    if leaf.spki() == public.as_ref() {
        return Ok(());
    }
    if let Some(position) = chain.iter().position(|c| c.spki() == public.as_ref()) {
        return Err(ErrorKind::ChainOrder {
            position: position + 1,
        });
    }
    Err(ErrorKind::KeyMismatch {
        key: key.key_type().to_string(),
        certificate: leaf.info().public_key.clone(),
        certificate_source: cert_source.to_string(),
    })
}
