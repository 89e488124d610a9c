//! Client certificates (mutual TLS) per listener: Spring Boot's
//! `server.ssl.client-auth` (`none`, `want`, `need`) and
//! `server.ssl.trust-certificate` (the CAs that issue client certificates).
//!
//! The CA bundle is read with the trust loader's rules (every block
//! accounted for), always strictly: a CA silently dropped from this bundle
//! would lock its clients out, so any problem is an error naming the
//! variable, the file and the block.
//!
//! One verdict for a presented certificate that does not verify: refused,
//! in `want` mode as in `need` (as Tomcat's JSSE and nginx's
//! `ssl_verify_client optional` do). `want` only lets a client present
//! nothing at all. Node's `requestCert: true, rejectUnauthorized: false`
//! cannot refuse at the handshake: there the application reads
//! `socket.authorized` (see the README's table of differences).

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::WebPkiClientVerifier;
use rustls::{DigitallySignedStruct, DistinguishedName, RootCertStore, SignatureScheme};
use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};

use crate::certificate::Certificate;
use crate::error::{Error, ErrorKind, Result};
use crate::options::Options;
use crate::provider;
use crate::settings::{ClientAuthSettings, ListenerVars};
use crate::trust::loading;
use crate::warning::{Warning, WarningCode};

/// Whether a listener asks clients for a certificate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ClientAuth {
    /// Clients are not asked for a certificate (the default).
    #[default]
    None,
    /// Clients are asked; one without a certificate is accepted (and known
    /// to be unauthenticated), one with a certificate that does not verify
    /// is refused.
    Want,
    /// Clients must present a certificate issued by a configured CA.
    Need,
}

impl ClientAuth {
    /// Every mode.
    pub const ALL: [ClientAuth; 3] = [ClientAuth::None, ClientAuth::Want, ClientAuth::Need];

    /// `"none"`, `"want"` or `"need"`, as the variable spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientAuth::None => "none",
            ClientAuth::Want => "want",
            ClientAuth::Need => "need",
        }
    }

    /// Parses a variable's value: `none`, `want` or `need`, any case,
    /// surrounding white space ignored.
    pub fn parse_bytes(bytes: &[u8]) -> Result<ClientAuth> {
        let text = String::from_utf8_lossy(bytes);
        let wanted = text.trim().to_ascii_lowercase();
        if let Some(mode) = ClientAuth::ALL.into_iter().find(|m| m.as_str() == wanted) {
            return Ok(mode);
        }
        // The value is a mode, never a secret; still bounded for the message.
        let mut value: String = text.chars().take(40).collect();
        if text.chars().count() > 40 {
            value.push('…');
        }
        Err(Error::new(ErrorKind::InvalidValue {
            reason: format!(
                "{value:?} is not a client authentication mode; use none, want or need"
            ),
        }))
    }
}

impl fmt::Display for ClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A listener's loaded client authentication: the mode, the CAs that issue
/// client certificates, and the rustls verifier built from them.
#[derive(Clone)]
pub struct ClientAuthPolicy {
    mode: ClientAuth,
    cas: Arc<[Certificate]>,
    verifier: Option<Arc<dyn ClientCertVerifier>>,
}

impl fmt::Debug for ClientAuthPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientAuthPolicy")
            .field("mode", &self.mode)
            .field(
                "cas",
                &self
                    .cas
                    .iter()
                    .map(|c| &c.info().subject)
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Default for ClientAuthPolicy {
    fn default() -> Self {
        ClientAuthPolicy::none()
    }
}

impl ClientAuthPolicy {
    /// No client authentication.
    pub fn none() -> ClientAuthPolicy {
        ClientAuthPolicy {
            mode: ClientAuth::None,
            cas: Arc::from(Vec::new()),
            verifier: None,
        }
    }

    /// Loads the client CA bundle `settings` names, when the mode asks for
    /// one; warnings (expiring CAs, skipped blocks, duplicates, a bundle set
    /// while the mode is `none`) go to `warnings`, each naming its variable.
    pub fn load(
        settings: &ClientAuthSettings,
        names: ListenerVars,
        options: &Options,
        warnings: &mut Vec<Warning>,
    ) -> Result<ClientAuthPolicy> {
        let var = names.trust_certificate;
        let location = match (settings.mode, &settings.trust_certificate) {
            (ClientAuth::None, None) => return Ok(ClientAuthPolicy::none()),
            (ClientAuth::None, Some(_)) => {
                // Like a passphrase for a plain key: harmless, but the
                // operator probably meant to turn client authentication on.
                warnings.push(
                    Warning::new(
                        WarningCode::SettingUnused,
                        format!(
                            "a client CA bundle is set but {} is none, so clients are not asked for certificates and the bundle is not read; set {} to want or need to use it",
                            names.client_auth, names.client_auth
                        ),
                    )
                    .with_env_var(var),
                );
                return Ok(ClientAuthPolicy::none());
            }
            (mode, None) => {
                return Err(Error::new(ErrorKind::ClientCaMissing {
                    mode: mode.as_str(),
                    client_auth_var: names.client_auth.to_owned(),
                })
                .with_env_var(var))
            }
            (_, Some(location)) => location,
        };
        let loaded = loading::load_sources_as(std::slice::from_ref(location), options, "client CA");
        if let Some(first) = loaded.problems.into_iter().next() {
            return Err(first.with_env_var(var));
        }
        let source = location.source();
        let mut anchors = Vec::with_capacity(loaded.extras.len());
        for (cert, anchor) in loaded.extras.iter().zip(loaded.anchors) {
            match anchor {
                Ok(anchor) => anchors.push(anchor),
                Err(reason) => {
                    return Err(Error::new(ErrorKind::InvalidValue {
                        reason: format!(
                            "the certificate {} in {source} cannot anchor client certificates ({reason:?}); remove it or re-issue it",
                            cert.info().subject
                        ),
                    })
                    .with_env_var(var))
                }
            }
        }
        warnings.extend(loaded.warnings.into_iter().map(|w| w.with_env_var(var)));
        let cas: Arc<[Certificate]> = Arc::from(loaded.extras);
        let verifier = Arc::new(ClientVerifier::new(settings.mode, cas.clone(), anchors));
        Ok(ClientAuthPolicy {
            mode: settings.mode,
            cas,
            verifier: Some(verifier),
        })
    }

    /// The mode.
    pub fn mode(&self) -> ClientAuth {
        self.mode
    }

    /// The CAs that issue client certificates (empty for `none`).
    pub fn certificates(&self) -> &[Certificate] {
        &self.cas
    }

    /// The CAs as concatenated PEM (Node's `ca` option).
    pub fn ca_pem(&self) -> String {
        self.cas.iter().map(Certificate::pem).collect()
    }

    /// The rustls verifier of client certificates; `None` for `none`.
    pub fn verifier(&self) -> Option<Arc<dyn ClientCertVerifier>> {
        self.verifier.clone()
    }
}

/// The client CAs as rustls verifies against them, with Node's (OpenSSL's)
/// semantics rather than webpki's where they differ:
/// - only a self-issued CA of the bundle anchors a chain; an intermediate
///   completes chains without being trusted by itself (no partial chains:
///   a bundle of only an intermediate verifies no client, as in Node 20);
/// - a CA outside its validity period anchors nothing (webpki takes anchors
///   as names and keys and never looks at their dates; OpenSSL refuses).
///
/// webpki's client verifier (aws-lc-rs) runs over the self-issued CAs
/// valid at the handshake, with the bundle's other CAs added to the
/// intermediates the client sent (webpki checks their dates itself). It is
/// rebuilt when an anchor enters or leaves its validity period.
/// Which anchors were valid when the verifier was built, and the verifier
/// (`None` when none was).
type Built = (Vec<bool>, Option<Arc<dyn ClientCertVerifier>>);

struct ClientVerifier {
    mode: ClientAuth,
    cas: Arc<[Certificate]>,
    /// The self-issued CAs: index into `cas`, and the anchor.
    anchors: Vec<(usize, TrustAnchor<'static>)>,
    /// The other CAs of the bundle.
    intermediates: Vec<CertificateDer<'static>>,
    hints: Vec<DistinguishedName>,
    schemes: WebPkiSupportedAlgorithms,
    current: RwLock<Built>,
}

impl fmt::Debug for ClientVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientVerifier")
            .field("mode", &self.mode)
            .field("cas", &self.cas.len())
            .finish_non_exhaustive()
    }
}

impl ClientVerifier {
    fn new(
        mode: ClientAuth,
        cas: Arc<[Certificate]>,
        anchors: Vec<TrustAnchor<'static>>,
    ) -> ClientVerifier {
        // Every configured CA is named in the certificate request.
        let hints = cas
            .iter()
            .map(|ca| DistinguishedName::from(ca.subject_raw_bytes().to_vec()))
            .collect();
        let mut roots = Vec::new();
        let mut intermediates = Vec::new();
        for (index, (ca, anchor)) in cas.iter().zip(anchors).enumerate() {
            if ca.is_issued_by(ca) {
                roots.push((index, anchor));
            } else {
                intermediates.push(ca.der().clone());
            }
        }
        ClientVerifier {
            mode,
            cas,
            anchors: roots,
            intermediates,
            hints,
            schemes: provider::get().signature_verification_algorithms,
            current: RwLock::new((Vec::new(), None)),
        }
    }

    fn valid_at(&self, now: i64) -> Vec<bool> {
        self.anchors
            .iter()
            .map(|(index, _)| {
                let ca = &self.cas[*index];
                ca.not_before_unix() <= now && now <= ca.not_after_unix()
            })
            .collect()
    }

    /// webpki's verifier over the CAs valid at `now`.
    fn verifier_at(&self, now: UnixTime) -> Option<Arc<dyn ClientCertVerifier>> {
        let valid = self.valid_at(i64::try_from(now.as_secs()).unwrap_or(i64::MAX));
        {
            let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
            if current.0 == valid {
                return current.1.clone();
            }
        }
        let mut roots = RootCertStore::empty();
        roots.roots = self
            .anchors
            .iter()
            .zip(&valid)
            .filter(|(_, valid)| **valid)
            .map(|((_, anchor), _)| anchor.clone())
            .collect();
        let builder = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider::get());
        let builder = match self.mode {
            ClientAuth::Want => builder.allow_unauthenticated(),
            _ => builder,
        };
        // Fails only without anchors: then nothing can vouch for a client.
        let verifier = builder.build().ok();
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = (valid, verifier.clone());
        verifier
    }
}

impl ClientCertVerifier for ClientVerifier {
    fn offer_client_auth(&self) -> bool {
        self.mode != ClientAuth::None
    }

    fn client_auth_mandatory(&self) -> bool {
        self.mode == ClientAuth::Need
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &self.hints
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> std::result::Result<ClientCertVerified, rustls::Error> {
        match self.verifier_at(now) {
            Some(verifier) => {
                let mut chain = intermediates.to_vec();
                chain.extend(self.intermediates.iter().cloned());
                verifier.verify_client_cert(end_entity, &chain, now)
            }
            // Every client CA is expired or not yet valid.
            None => Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            )),
        }
    }

    // Signatures depend on the provider only.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.schemes)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.schemes)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes.supported_schemes()
    }
}
