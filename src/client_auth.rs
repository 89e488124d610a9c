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
use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};

use crate::certificate::Certificate;
use crate::error::{Error, ErrorKind, Result};
use crate::options::Options;
use crate::provider;
use crate::settings::{ClientAuthSettings, ListenerVars};
use crate::trust::{loading, presented, to_rustls_error, Anchors, Purpose, Store};
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

/// A listener's loaded client authentication: the mode, and the rustls
/// verifier that holds the CAs that issue client certificates.
#[derive(Clone)]
pub struct ClientAuthPolicy {
    mode: ClientAuth,
    /// `None` for `none`.
    verifier: Option<Arc<ClientVerifier>>,
}

impl fmt::Debug for ClientAuthPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientAuthPolicy")
            .field("mode", &self.mode)
            .field(
                "cas",
                &self
                    .certificates()
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
        let verifier = ClientVerifier::new(settings.mode, loaded.extras, anchors);
        Ok(ClientAuthPolicy {
            mode: settings.mode,
            verifier: Some(Arc::new(verifier)),
        })
    }

    /// The mode.
    pub fn mode(&self) -> ClientAuth {
        self.mode
    }

    /// The CAs that issue client certificates (empty for `none`).
    pub fn certificates(&self) -> &[Certificate] {
        self.verifier
            .as_ref()
            .map_or(&[], |verifier| &verifier.store.extras)
    }

    /// The CAs as concatenated PEM (Node's `ca` option).
    pub fn ca_pem(&self) -> String {
        self.certificates().iter().map(Certificate::pem).collect()
    }

    /// The rustls verifier of client certificates; `None` for `none`.
    pub fn verifier(&self) -> Option<Arc<dyn ClientCertVerifier>> {
        self.verifier
            .clone()
            .map(|verifier| verifier as Arc<dyn ClientCertVerifier>)
    }
}

/// The client CAs as rustls verifies against them: the verification policy
/// of a server's chain (`trust::path`, OpenSSL's rules as Node applies
/// them) with OpenSSL's purpose "SSL client", so that a rustls host and
/// Node's `https.createServer(config.server)` give a client the same
/// verdict (tests/fixtures/client-chains). As in Node:
/// - only a self-signed CA of the bundle anchors a chain; another CA of it
///   completes chains without being trusted by itself (no partial chains);
/// - every certificate of the path, the anchor included, must be within
///   its validity period;
/// - CA flags, keyCertSign, pathLenConstraint (the anchor's too), name
///   constraints, clientAuth in every extendedKeyUsage, the client
///   certificate's keyUsage; a CA certificate may be a client certificate,
///   and a self-signed certificate in the bundle is trusted by itself.
///
/// webpki's client verifier, used before, differs from Node on the anchors'
/// dates and constraints, keyUsage and CA client certificates: it accepted
/// chains Node refuses (a pathLenConstraint of the anchor broken, an
/// intermediate without keyCertSign, a client certificate whose keyUsage
/// lacks digitalSignature) and refused ones Node accepts.
struct ClientVerifier {
    mode: ClientAuth,
    store: Store,
    hints: Vec<DistinguishedName>,
    schemes: WebPkiSupportedAlgorithms,
}

impl fmt::Debug for ClientVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientVerifier")
            .field("mode", &self.mode)
            .field("cas", &self.store.extras.len())
            .finish_non_exhaustive()
    }
}

impl ClientVerifier {
    fn new(
        mode: ClientAuth,
        cas: Vec<Certificate>,
        anchors: Vec<TrustAnchor<'static>>,
    ) -> ClientVerifier {
        // Every configured CA is named in the certificate request.
        let hints = cas
            .iter()
            .map(|ca| DistinguishedName::from(ca.subject_raw_bytes().to_vec()))
            .collect();
        // Each anchor was checked while loading: no warning comes back.
        let (anchors, _) = Anchors::from_extras(&cas, anchors.into_iter().map(Ok).collect());
        ClientVerifier {
            mode,
            store: Store {
                extras: cas,
                anchors,
                purpose: Purpose::Client,
            },
            hints,
            schemes: provider::get().signature_verification_algorithms,
        }
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
        self.store
            .verify_path(&presented(end_entity, intermediates), now)
            .map(|_| ClientCertVerified::assertion())
            .map_err(to_rustls_error)
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
