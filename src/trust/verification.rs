//! Verifying a server's chain the way Node does, with rustls-webpki: path
//! building to the anchors, validity at a given time, and the name check;
//! plus direct trust of a certificate whose exact bytes are an extra.
//!
//! webpki has no notion of a trusted self-signed leaf (it refuses a `CA:TRUE`
//! leaf as `CaUsedAsEndEntity`), but `openssl req -x509` makes exactly that,
//! and Node trusts it once it is in `NODE_EXTRA_CA_CERTS`. So an exact-bytes
//! match is checked first; everything else goes through webpki.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, OtherError, SignatureScheme};
use serde::Serialize;

use super::roots::{describe_name, AnchorSource, Anchors};
use crate::certificate::{rfc3339, Certificate, CertificateInfo};
use crate::error::{Error, ErrorKind, Result};
use crate::provider;

/// A chain that verified: what anchored it, and the path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verified {
    /// The distinguished name of the trust anchor (for direct trust, the
    /// server certificate's own subject).
    pub anchor_subject: String,
    /// True when the server certificate itself is one of the extras
    /// (exact bytes), e.g. a self-signed certificate.
    pub trusted_directly: bool,
    /// The presented certificates the path used, server certificate first
    /// (the anchor itself is included only when the server presented it).
    pub chain: Vec<CertificateInfo>,
    /// Where the anchor came from.
    pub anchor_source: AnchorSource,
}

/// Everything verification needs; shared by `Trust` and its rustls verifier.
#[derive(Debug)]
pub(crate) struct Store {
    pub extras: Vec<Certificate>,
    pub anchors: Anchors,
}

impl Store {
    /// Verifies `chain` (server certificate first) for `name` at `now`.
    pub fn verify(
        &self,
        chain: &[CertificateDer<'_>],
        name: &ServerName<'_>,
        now: UnixTime,
    ) -> Result<Verified> {
        self.verify_inner(chain, Some(name), now)
    }

    fn verify_inner(
        &self,
        chain: &[CertificateDer<'_>],
        name: Option<&ServerName<'_>>,
        now: UnixTime,
    ) -> Result<Verified> {
        if chain.is_empty() {
            return Err(Error::new(ErrorKind::InvalidCertificate {
                reason: "the server presented no certificate".to_owned(),
            }));
        }
        let presented = chain
            .iter()
            .enumerate()
            .map(|(i, der)| Certificate::from_der(der).map_err(|e| e.with_block(i + 1, None)))
            .collect::<Result<Vec<_>>>()?;
        let leaf = &presented[0];
        let end_entity = webpki::EndEntityCert::try_from(&chain[0]).map_err(|e| {
            invalid(format!(
                "path building cannot read it ({})",
                webpki_problem(&e)
            ))
            .with_block(1, None)
        })?;

        if let Some(extra) = self.extras.iter().find(|c| c.der() == &chain[0]) {
            check_validity(leaf, now)?;
            if let Some(name) = name {
                check_name(&end_entity, leaf, name)?;
            }
            return Ok(Verified {
                anchor_subject: extra.info().subject.clone(),
                trusted_directly: true,
                chain: vec![leaf.info().clone()],
                anchor_source: AnchorSource::Extra,
            });
        }

        let path = end_entity
            .verify_for_usage(
                algorithms().all,
                &self.anchors.anchors,
                &chain[1..],
                now,
                webpki::KeyUsage::server_auth(),
                None,
                None,
            )
            .map_err(|e| self.path_error(e, &presented, now))?;
        if let Some(name) = name {
            check_name(&end_entity, leaf, name)?;
        }

        let mut used = vec![leaf.info().clone()];
        for intermediate in path.intermediate_certificates() {
            let der = intermediate.der();
            if let Some(cert) = presented.iter().find(|c| c.der().as_ref() == der.as_ref()) {
                used.push(cert.info().clone());
            }
        }
        let anchor = path.anchor();
        let (anchor_source, extra) = self.anchors.source_of(anchor);
        // An extra's subject is already parsed; Mozilla's anchors keep only DER.
        let anchor_subject = match extra {
            Some(index) => self.extras[index].info().subject.clone(),
            None => describe_name(anchor.subject.as_ref()),
        };
        Ok(Verified {
            anchor_subject,
            trusted_directly: false,
            chain: used,
            anchor_source,
        })
    }

    /// Path building and validity only (no name check), for diagnostics.
    pub fn verify_path(&self, chain: &[CertificateDer<'_>], now: UnixTime) -> Result<Verified> {
        self.verify_inner(chain, None, now)
    }

    /// Explains a webpki path-building failure in the contract's terms.
    fn path_error(&self, error: webpki::Error, presented: &[Certificate], now: UnixTime) -> Error {
        use webpki::Error as E;
        let leaf = presented[0].info();
        match error {
            E::CertExpired { not_after, .. } => {
                let position = position_where(presented, |i| i.not_after_unix < now_secs(now));
                let error = Error::new(ErrorKind::Expired {
                    not_after: rfc3339(not_after.as_secs() as i64),
                });
                with_position(error, position)
            }
            E::CertNotValidYet { not_before, .. } => {
                let position = position_where(presented, |i| i.not_before_unix > now_secs(now));
                let error = Error::new(ErrorKind::NotYetValid {
                    not_before: rfc3339(not_before.as_secs() as i64),
                });
                with_position(error, position)
            }
            E::UnknownIssuer => untrusted(self.unknown_issuer(presented)),
            E::CaUsedAsEndEntity => untrusted(format!(
                "the server certificate {} is itself a CA certificate (CA:TRUE, as `openssl req -x509` makes), which is trusted only when this exact certificate is an extra CA certificate",
                leaf.subject
            )),
            E::EndEntityUsedAsCa => untrusted(
                "a certificate that is not a CA (CA:FALSE) appears as an issuer in the chain".to_owned(),
            ),
            E::InvalidSignatureForPublicKey => untrusted(
                "a signature in the chain does not verify: a certificate was not issued by the CA whose name it carries".to_owned(),
            ),
            E::CertDistrusted => untrusted("the chain leads to a distrusted CA".to_owned()),
            E::NameConstraintViolation => untrusted(
                "the CA's name constraints do not allow the server certificate's names".to_owned(),
            ),
            E::PathLenConstraintViolated => {
                untrusted("the chain is longer than a CA's path length allows".to_owned())
            }
            E::RequiredEkuNotFoundContext(_) => invalid(format!(
                "{} is not for TLS servers: its extendedKeyUsage lacks serverAuth; reissue it with extendedKeyUsage = serverAuth",
                leaf.subject
            )),
            E::UnsupportedSignatureAlgorithmContext(_)
            | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => invalid(
                "the chain uses a signature algorithm that is not supported; reissue it with RSA, ECDSA P-256/P-384 or Ed25519".to_owned()
            ),
            E::MaximumPathBuildCallsExceeded
            | E::MaximumPathDepthExceeded
            | E::MaximumSignatureChecksExceeded => {
                untrusted("no path was found within the path building limits (too many candidate issuers or too long a chain)".to_owned())
            }
            other => invalid(format!("the chain cannot be verified ({})", webpki_problem(&other))),
        }
    }

    /// Why no anchor issued the chain: a missing intermediate, a self-signed
    /// certificate, or a CA that is simply not trusted.
    fn unknown_issuer(&self, presented: &[Certificate]) -> String {
        let leaf = &presented[0];
        let top = presented.iter().skip(1).fold(leaf, |child, next| {
            if child.is_issued_by(next) {
                next
            } else {
                child
            }
        });
        let trusted = format!(
            "{} extra CA certificate(s), {} Mozilla root(s){}",
            self.anchors.extra,
            self.anchors.mozilla,
            if self.anchors.system > 0 {
                format!(", {} system root(s)", self.anchors.system)
            } else {
                String::new()
            }
        );
        if top.is_issued_by(top) {
            if std::ptr::eq(top, leaf) {
                format!(
                    "the server certificate {} is self-signed and is not among the trusted certificates ({trusted})",
                    leaf.info().subject
                )
            } else {
                format!(
                    "the chain ends at the self-signed {}, which is not among the trusted certificates ({trusted})",
                    top.info().subject
                )
            }
        } else {
            format!(
                "{} is issued by {}, which is neither presented by the server nor among the trusted certificates ({trusted}); if it is an intermediate CA, the server must send it after its certificate",
                top.info().subject,
                top.info().issuer
            )
        }
    }
}

/// Checks only that the server certificate `leaf` is valid for `server_name`
/// (a DNS name or an IP address): `ERR_CERT_HOSTNAME_MISMATCH` when not.
pub fn check_server_name(leaf: &CertificateDer<'_>, server_name: &str) -> Result<()> {
    let name = parse_server_name(server_name)?;
    let cert = Certificate::from_der(leaf).map_err(|e| e.with_block(1, None))?;
    let end_entity = webpki::EndEntityCert::try_from(leaf).map_err(|e| {
        invalid(format!(
            "path building cannot read it ({})",
            webpki_problem(&e)
        ))
        .with_block(1, None)
    })?;
    check_name(&end_entity, &cert, &name)
}

/// Checks that `leaf` is valid for `name` (DNS name or IP address; the CN is
/// never used, as in browsers and Node).
pub(crate) fn check_name(
    end_entity: &webpki::EndEntityCert<'_>,
    leaf: &Certificate,
    name: &ServerName<'_>,
) -> Result<()> {
    match end_entity.verify_is_valid_for_subject_name(name) {
        Ok(()) => Ok(()),
        Err(webpki::Error::CertNotValidForName(_)) => {
            Err(Error::new(ErrorKind::HostnameMismatch {
                name: name.to_str().into_owned(),
                names: leaf
                    .info()
                    .subject_alt_names
                    .iter()
                    .filter(|n| n.starts_with("DNS:") || n.starts_with("IP Address:"))
                    .cloned()
                    .collect(),
            }))
        }
        Err(other) => Err(
            invalid(format!("its subjectAltName cannot be checked ({other})")).with_block(1, None),
        ),
    }
}

/// Checks `leaf`'s validity period at `now`.
fn check_validity(leaf: &Certificate, now: UnixTime) -> Result<()> {
    let now = now_secs(now);
    if now > leaf.not_after_unix() {
        return Err(Error::new(ErrorKind::Expired {
            not_after: leaf.info().not_after.clone(),
        })
        .with_block(1, None));
    }
    if now < leaf.not_before_unix() {
        return Err(Error::new(ErrorKind::NotYetValid {
            not_before: leaf.info().not_before.clone(),
        })
        .with_block(1, None));
    }
    Ok(())
}

/// Parses a host name or IP address (IPv6 with or without brackets).
pub fn parse_server_name(name: &str) -> Result<ServerName<'static>> {
    let bare = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    ServerName::try_from(bare.to_owned()).map_err(|_| {
        let mut shown: String = name.chars().take(80).collect();
        if name.chars().count() > 80 {
            shown.push('…');
        }
        Error::new(ErrorKind::InvalidValue {
            reason: format!(
                "{shown:?} is not a valid host name or IP address; give the name the server is reached by, e.g. identity.example.com or 10.0.0.5"
            ),
        })
        .with_env_var("hostname")
    })
}

/// `SystemTime` as webpki's time (times before 1970 count as 1970).
pub(crate) fn unix_time(now: SystemTime) -> UnixTime {
    UnixTime::since_unix_epoch(now.duration_since(UNIX_EPOCH).unwrap_or_default())
}

fn now_secs(now: UnixTime) -> i64 {
    i64::try_from(now.as_secs()).unwrap_or(i64::MAX)
}

fn position_where(
    presented: &[Certificate],
    bad: impl Fn(&CertificateInfo) -> bool,
) -> Option<usize> {
    presented.iter().position(|c| bad(c.info())).map(|i| i + 1)
}

fn with_position(error: Error, position: Option<usize>) -> Error {
    match position {
        Some(position) => error.with_block(position, None),
        None => error,
    }
}

fn untrusted(reason: String) -> Error {
    Error::new(ErrorKind::Untrusted { reason })
}

fn invalid(reason: String) -> Error {
    Error::new(ErrorKind::InvalidCertificate { reason })
}

fn algorithms() -> WebPkiSupportedAlgorithms {
    provider::get().signature_verification_algorithms
}

/// The rustls face of [`Store::verify`]: what `Trust::client_config` uses.
#[derive(Debug)]
pub(crate) struct TrustVerifier {
    pub store: Arc<Store>,
}

impl ServerCertVerifier for TrustVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let mut chain = Vec::with_capacity(intermediates.len() + 1);
        chain.push(CertificateDer::from(end_entity.as_ref()));
        chain.extend(
            intermediates
                .iter()
                .map(|c| CertificateDer::from(c.as_ref())),
        );
        self.store
            .verify(&chain, server_name, now)
            .map(|_| ServerCertVerified::assertion())
            .map_err(to_rustls_error)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &algorithms())
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &algorithms())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        algorithms().supported_schemes()
    }
}

/// Keeps the contract's message (it says what to do) inside rustls's error.
pub fn to_rustls_error(error: Error) -> rustls::Error {
    rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(error))))
}

/// Why path building could not read a certificate, in console-tls's words.
fn webpki_problem(error: &webpki::Error) -> &'static str {
    match error {
        webpki::Error::BadDer | webpki::Error::TrailingData(_) => "its DER is invalid",
        webpki::Error::UnsupportedCertVersion => "it is not an X.509 v3 certificate",
        webpki::Error::BadDerTime => "its validity dates are invalid",
        webpki::Error::ExtensionValueInvalid
        | webpki::Error::UnsupportedCriticalExtension
        | webpki::Error::MalformedExtensions => "an extension is invalid or unsupported",
        webpki::Error::UnsupportedSignatureAlgorithmContext(_)
        | webpki::Error::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            "its signature algorithm is not supported"
        }
        _ => "it is not in a form path building accepts",
    }
}
