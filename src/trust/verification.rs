//! Verifying a server's chain (and, with the purpose "SSL client", a
//! listener's client certificates: `client_auth`) with the verdict of a
//! real Node 20 (OpenSSL 3) handshake through our agent options: path building to the anchors (only
//! self-signed trusted certificates anchor; no partial chains), OpenSSL's
//! chain rules and validity periods of every certificate including the
//! anchor (`path`), direct trust of a self-signed certificate whose exact
//! bytes are an extra, then the server certificate's key and its name.
//!
//! Deliberately stricter than Node (README, "Where console-tls deliberately
//! differs from Node"): server keys (RSA ≥ 2048, ECDSA P-256/384/521,
//! Ed25519), no wildcard over a public suffix, no SHA-1/MD5 signature.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, OtherError, SignatureScheme};
use serde::Serialize;

use super::path::{self, Node, Origin, Path, PathAnchor, Search};
use super::roots::{describe_name, AnchorSource, Anchors};
use crate::certificate::{Certificate, CertificateInfo};
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
    /// (exact bytes) and self-signed.
    pub trusted_directly: bool,
    /// The presented certificates the path used, server certificate first
    /// (the anchor itself is included only when the server presented it).
    pub chain: Vec<CertificateInfo>,
    /// Where the anchor came from.
    pub anchor_source: AnchorSource,
}

/// Whose chain a store verifies: OpenSSL's purposes "SSL server" (a server
/// Identity, through `Trust`) and "SSL client" (client certificates of a
/// listener, through its client CAs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    Server,
    Client,
}

impl Purpose {
    /// "server" or "client", for messages.
    pub fn peer(self) -> &'static str {
        match self {
            Purpose::Server => "server",
            Purpose::Client => "client",
        }
    }
}

/// Everything verification needs; shared by `Trust` and its rustls verifier,
/// and by a listener's client certificate verifier.
#[derive(Debug)]
pub(crate) struct Store {
    pub extras: Vec<Certificate>,
    pub anchors: Anchors,
    pub purpose: Purpose,
}

impl Store {
    /// Where the extras come from, for messages.
    pub fn extras_source(&self) -> AnchorSource {
        match self.purpose {
            Purpose::Server => AnchorSource::Extra,
            Purpose::Client => AnchorSource::ClientCa,
        }
    }

    fn untrusted(&self, reason: String, self_signed: bool) -> Error {
        Error::new(match self.purpose {
            Purpose::Server => ErrorKind::Untrusted {
                reason,
                self_signed,
            },
            Purpose::Client => ErrorKind::ClientUntrusted { reason },
        })
    }

    /// Verifies `chain` (server certificate first) for `name` at `now`.
    pub fn verify(
        &self,
        chain: &[CertificateDer<'_>],
        name: &ServerName<'_>,
        now: UnixTime,
    ) -> Result<Verified> {
        self.verify_inner(chain, Some(name), now)
    }

    /// Path building and validity only (no name check), for diagnostics.
    pub fn verify_path(&self, chain: &[CertificateDer<'_>], now: UnixTime) -> Result<Verified> {
        self.verify_inner(chain, None, now)
    }

    fn verify_inner(
        &self,
        chain: &[CertificateDer<'_>],
        name: Option<&ServerName<'_>>,
        now: UnixTime,
    ) -> Result<Verified> {
        let peer = self.purpose.peer();
        if chain.is_empty() {
            return Err(invalid(format!("the {peer} presented no certificate")));
        }
        let presented = chain
            .iter()
            .enumerate()
            .map(|(i, der)| Certificate::from_der(der).map_err(|e| e.with_block(i + 1, None)))
            .collect::<Result<Vec<_>>>()?;
        let nodes = presented
            .iter()
            .enumerate()
            .map(|(i, cert)| {
                Node::parse(cert, Origin::Presented(i)).map_err(|e| e.with_block(i + 1, None))
            })
            .collect::<Result<Vec<_>>>()?;
        let (leaf, intermediates) = nodes
            .split_first()
            .ok_or_else(|| invalid(format!("the {peer} presented no certificate")))?;
        let now_secs = now_secs(now);
        let self_signed = presented[0].is_issued_by(&presented[0]);

        // A self-signed certificate whose exact bytes are trusted is its own
        // anchor (as in OpenSSL, whose store it is in); any other trusted
        // certificate needs a path to a self-signed one (no partial chains).
        if self_signed {
            if let Some(index) = self.extras.iter().position(|c| c.der() == &chain[0]) {
                let direct = Path {
                    nodes: vec![leaf],
                    anchor: PathAnchor::Itself(index),
                };
                path::validate(self, &direct, now_secs)?;
                self.finish(leaf, name)?;
                return Ok(Verified {
                    anchor_subject: self.extras[index].info().subject.clone(),
                    trusted_directly: true,
                    chain: vec![presented[0].info().clone()],
                    anchor_source: self.extras_source(),
                });
            }
        }

        let extra_nodes = self.candidate_extras(&presented);
        // Per anchor that is a self-signed extra: its node among `extra_nodes`.
        let anchor_extras: Vec<(usize, usize)> = self
            .anchors
            .sources
            .iter()
            .enumerate()
            .filter_map(|(anchor, (_, extra))| {
                let extra = (*extra)?;
                let node = extra_nodes
                    .iter()
                    .position(|n| n.origin == Origin::Extra(extra))?;
                let cert = extra_nodes[node].cert;
                cert.is_issued_by(cert).then_some((anchor, node))
            })
            .collect();
        let search = Search::run(self, leaf, intermediates, &extra_nodes, &anchor_extras);

        let mut first_error = None;
        for candidate in &search.paths {
            match path::validate(self, candidate, now_secs) {
                Ok(()) => {
                    self.finish(leaf, name)?;
                    return Ok(self.verified(candidate));
                }
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        if let Some(error) = first_error {
            return Err(error);
        }
        if let Some(node) = search.unsupported {
            let error = Error::new(ErrorKind::SignatureRefused {
                subject: node.cert.info().subject.clone(),
                algorithm: path::signature_algorithm_name(node),
            });
            return Err(match node.origin {
                Origin::Presented(position) => error.with_block(position + 1, None),
                Origin::Extra(_) => error,
            });
        }
        if search.exhausted {
            return Err(self.untrusted(
                format!(
                    "the {peer} sent {} certificates, with so many candidate issuers that no path was found within {} signature checks; the {peer} should send only its certificate and the intermediates of its chain",
                    presented.len(),
                    path::MAX_SIGNATURES
                ),
                self_signed,
            ));
        }
        if let Some((subject, key)) = search.weak_issuer {
            return Err(Error::new(ErrorKind::CaKeyRefused { subject, key }));
        }
        if let Some((node, signer)) = search.bad_signature {
            return Err(self.untrusted(
                format!(
                    "{} names {signer} as its issuer, but that CA's key did not sign it: it was issued by another CA of the same name",
                    node.cert.info().subject
                ),
                self_signed,
            ));
        }
        Err(self.untrusted(self.unknown_issuer(&presented), self_signed))
    }

    /// The checks after the path: the end entity's key, its name.
    fn finish(&self, leaf: &Node<'_>, name: Option<&ServerName<'_>>) -> Result<()> {
        if let Some(key) = path::refused_server_key(leaf.cert.spki()) {
            let subject = leaf.cert.info().subject.clone();
            let kind = match self.purpose {
                Purpose::Server => ErrorKind::ServerKeyRefused { subject, key },
                Purpose::Client => ErrorKind::ClientKeyRefused { subject, key },
            };
            return Err(Error::new(kind).with_block(1, None));
        }
        if let Some(name) = name {
            check_name(leaf.cert, name)?;
        }
        Ok(())
    }

    fn verified(&self, path: &Path<'_, '_>) -> Verified {
        let chain = path
            .nodes
            .iter()
            .filter(|n| matches!(n.origin, Origin::Presented(_)))
            .map(|n| n.cert.info().clone())
            .collect();
        let (anchor_subject, anchor_source) = match path.anchor {
            PathAnchor::Extra(node) => (node.cert.info().subject.clone(), self.extras_source()),
            PathAnchor::Itself(index) => (
                self.extras[index].info().subject.clone(),
                self.extras_source(),
            ),
            PathAnchor::Bare(index) => (
                describe_name(self.anchors.anchors[index].subject.as_ref()),
                self.anchors.sources[index].0,
            ),
        };
        Verified {
            anchor_subject,
            trusted_directly: false,
            chain,
            anchor_source,
        }
    }

    /// The extras that may take part in a path from `presented`: those named
    /// as the issuer of a presented certificate, of those, and so on.
    fn candidate_extras<'s>(&'s self, presented: &[Certificate]) -> Vec<Node<'s>> {
        let mut wanted: Vec<&[u8]> = presented.iter().map(|c| c.issuer_raw_bytes()).collect();
        let mut chosen: Vec<usize> = Vec::new();
        for _ in 0..path::MAX_DEPTH {
            let before = chosen.len();
            for (index, extra) in self.extras.iter().enumerate() {
                if !chosen.contains(&index) && wanted.contains(&extra.subject_raw_bytes()) {
                    chosen.push(index);
                    wanted.push(extra.issuer_raw_bytes());
                }
            }
            if chosen.len() == before {
                break;
            }
        }
        chosen
            .into_iter()
            .filter_map(|index| Node::parse(&self.extras[index], Origin::Extra(index)).ok())
            .collect()
    }

    /// Why no anchor issued the chain: a missing intermediate, a self-signed
    /// certificate, a trusted certificate that is not a root, or a CA that
    /// is simply not trusted.
    fn unknown_issuer(&self, presented: &[Certificate]) -> String {
        let leaf = &presented[0];
        // Up the chain through the presented certificates, then the extras.
        let mut top = leaf;
        for _ in 0..path::MAX_DEPTH {
            if top.is_issued_by(top) {
                break;
            }
            let next = presented
                .iter()
                .skip(1)
                .chain(self.extras.iter())
                .find(|c| top.is_issued_by(c) && c.der() != top.der());
            match next {
                Some(next) => top = next,
                None => break,
            }
        }
        let peer = self.purpose.peer();
        let trusted = match self.purpose {
            Purpose::Client => format!("{} client CA certificate(s)", self.extras.len()),
            Purpose::Server => format!(
                "{} extra CA certificate(s), {} Mozilla root(s){}",
                self.anchors.extra,
                self.anchors.mozilla,
                if self.anchors.system > 0 {
                    format!(", {} system root(s)", self.anchors.system)
                } else {
                    String::new()
                }
            ),
        };
        let top_is_extra = self.extras.iter().any(|c| c.der() == top.der());
        if top.is_issued_by(top) {
            if std::ptr::eq(top, leaf) {
                // `openssl req -x509` makes CA:TRUE ones; say so, since
                // that is how people recognise what they made.
                let kind = if leaf.info().is_ca {
                    " (CA:TRUE, as `openssl req -x509` makes it)"
                } else {
                    ""
                };
                format!(
                    "the {peer} certificate {} is self-signed{kind} and is not among the trusted certificates ({trusted})",
                    leaf.info().subject
                )
            } else {
                format!(
                    "the chain ends at the self-signed {}, which is not among the trusted certificates ({trusted})",
                    top.info().subject
                )
            }
        } else if top_is_extra {
            format!(
                "{} is among the trusted certificates, but it is not self-signed, and a chain must end at a trusted root (a self-signed certificate), as in Node; its issuer {} is not trusted",
                top.info().subject,
                top.info().issuer
            )
        } else {
            format!(
                "{} is issued by {}, which is neither presented by the {peer} nor among the trusted certificates ({trusted}); if it is an intermediate CA, the {peer} must send it after its certificate",
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
    check_name(&cert, &name)
}

/// Checks that `leaf` is valid for `name`: an IP address against the
/// subjectAltName's addresses, a DNS name against its DNS names, exactly or
/// through a wildcard that is the whole first label over at least two
/// labels that are not a public suffix. The CN is never used (as in
/// browsers; Node falls back to it). Done here rather than by a library so
/// that certificates with critical extensions OpenSSL handles (policies)
/// are judged as Node judges them.
pub(crate) fn check_name(leaf: &Certificate, name: &ServerName<'_>) -> Result<()> {
    use x509_parser::extensions::GeneralName;
    use x509_parser::prelude::FromDer;
    let (_, parsed) = x509_parser::certificate::X509Certificate::from_der(leaf.der())
        .map_err(|_| invalid("its subjectAltName cannot be read".to_owned()).with_block(1, None))?;
    let mut dns_names: Vec<&str> = Vec::new();
    let mut addresses: Vec<&[u8]> = Vec::new();
    if let Ok(Some(san)) = parsed.subject_alternative_name() {
        for general in &san.value.general_names {
            match general {
                GeneralName::DNSName(dns) => dns_names.push(dns),
                GeneralName::IPAddress(ip) => addresses.push(ip),
                _ => {}
            }
        }
    }
    let mismatch = || {
        Error::new(ErrorKind::HostnameMismatch {
            name: name.to_str().into_owned(),
            names: leaf
                .info()
                .subject_alt_names
                .iter()
                .filter(|n| n.starts_with("DNS:") || n.starts_with("IP Address:"))
                .cloned()
                .collect(),
        })
    };
    let dns = match name {
        ServerName::DnsName(dns) => dns.as_ref(),
        ServerName::IpAddress(ip) => {
            let octets = match std::net::IpAddr::from(*ip) {
                std::net::IpAddr::V4(v4) => v4.octets().to_vec(),
                std::net::IpAddr::V6(v6) => v6.octets().to_vec(),
            };
            return if addresses.contains(&octets.as_slice()) {
                Ok(())
            } else {
                Err(mismatch())
            };
        }
        _ => return Err(mismatch()),
    };
    let host = dns.trim_end_matches('.').to_ascii_lowercase();
    let same = |pattern: &str, name: &str| pattern.trim_end_matches('.').eq_ignore_ascii_case(name);
    if dns_names.iter().any(|n| same(n, &host)) {
        return Ok(());
    }
    // Through a wildcard `*.base`, base being the host less its first label.
    let Some((_, base)) = host.split_once('.') else {
        return Err(mismatch());
    };
    let Some(wildcard) = dns_names
        .iter()
        .find(|n| n.strip_prefix("*.").is_some_and(|b| same(b, base)))
    else {
        return Err(mismatch());
    };
    // `*.tld` never matches (Node refuses it too).
    if !base.contains('.') {
        return Err(mismatch());
    }
    let public = psl::suffix(base.as_bytes())
        .is_some_and(|suffix| suffix.is_known() && suffix.as_bytes() == base.as_bytes());
    if public {
        return Err(Error::new(ErrorKind::WildcardPublicSuffix {
            name: host.clone(),
            wildcard: (*wildcard).to_owned(),
            suffix: base.to_owned(),
        }));
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

fn invalid(reason: String) -> Error {
    Error::new(ErrorKind::InvalidCertificate { reason })
}

pub(crate) fn algorithms() -> WebPkiSupportedAlgorithms {
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
        self.store
            .verify(&presented(end_entity, intermediates), server_name, now)
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

/// What rustls hands a verifier, as one chain, end entity first.
pub(crate) fn presented<'a>(
    end_entity: &'a CertificateDer<'_>,
    intermediates: &'a [CertificateDer<'_>],
) -> Vec<CertificateDer<'a>> {
    std::iter::once(end_entity)
        .chain(intermediates)
        .map(|c| CertificateDer::from(c.as_ref()))
        .collect()
}

/// Keeps the contract's message (it says what to do) inside rustls's error.
pub fn to_rustls_error(error: Error) -> rustls::Error {
    rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(error))))
}
