//! Path building and validation of a TLS server's (or client's) chain, with
//! OpenSSL's semantics as Node 20 applies them (purpose "SSL server" or "SSL
//! client", no partial chains, trusted certificates first), on the signature algorithms of the
//! crypto provider rustls uses.
//!
//! Why not webpki's path validation: it refuses a `CA:TRUE` server
//! certificate (`openssl req -x509` makes them; Node accepts one issued by a
//! trusted CA), counts self-issued intermediates (key rollover) against
//! pathLenConstraint where RFC 5280 and OpenSSL do not, takes any extra
//! certificate as an anchor (OpenSSL only a self-signed one), and never looks
//! at a trusted certificate's validity period. The rules below are OpenSSL's
//! `check_chain_extensions` / `check_name_constraints` / `internal_verify`.
//! The signatures themselves are checked by the provider's algorithms, as
//! webpki does.

use rustls::pki_types::{SignatureVerificationAlgorithm, TrustAnchor};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{NameConstraints, ParsedExtension};
use x509_parser::prelude::FromDer;

use super::name_constraints;
use super::roots::{describe_name, AnchorSource};
use super::verification::{Purpose, Store};
use crate::certificate::Certificate;
use crate::error::{ChainConstraint, Error, ErrorKind, Result};

/// At most this many issuers below the anchor, and this many signature
/// checks per verification: a hostile chain cannot make path building
/// expensive.
pub(crate) const MAX_DEPTH: usize = 8;
pub(crate) const MAX_SIGNATURES: usize = 64;

/// A certificate of a candidate path, parsed for validation.
pub(crate) struct Node<'a> {
    pub cert: &'a Certificate,
    pub(super) parsed: X509Certificate<'a>,
    tbs: &'a [u8],
    signature_algorithm: &'a [u8],
    signature: &'a [u8],
    /// Where it came from: a position in the presented chain (0 = the
    /// server certificate), or an index into the extras.
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    Presented(usize),
    Extra(usize),
}

impl<'a> Node<'a> {
    pub fn parse(cert: &'a Certificate, origin: Origin) -> Result<Node<'a>> {
        let der: &'a [u8] = cert.der().as_ref();
        let invalid = |reason: &str| {
            Error::new(ErrorKind::InvalidCertificate {
                reason: reason.to_owned(),
            })
        };
        let (_, parsed) =
            X509Certificate::from_der(der).map_err(|_| invalid("its extensions cannot be read"))?;
        let (tbs, signature_algorithm, signature) =
            outer_parts(der).ok_or_else(|| invalid("its outer structure is malformed"))?;
        Ok(Node {
            cert,
            parsed,
            tbs,
            signature_algorithm,
            signature,
            origin,
        })
    }

    fn subject(&self) -> &str {
        &self.cert.info().subject
    }

    /// RFC 5280's self-issued: subject and issuer are the same name.
    pub(super) fn self_issued(&self) -> bool {
        self.cert.is_issued_by(self.cert)
    }

    /// basicConstraints: None when absent, else (cA, pathLenConstraint).
    fn basic_constraints(&self) -> Option<(bool, Option<u32>)> {
        match self.parsed.basic_constraints() {
            Ok(Some(bc)) => Some((bc.value.ca, bc.value.path_len_constraint)),
            _ => None,
        }
    }

    /// keyUsage: None when absent, else whether keyCertSign is set.
    fn key_cert_sign(&self) -> Option<bool> {
        match self.parsed.key_usage() {
            Ok(Some(ku)) => Some(ku.value.key_cert_sign()),
            _ => None,
        }
    }

    /// extendedKeyUsage: None when absent, else whether it lists serverAuth
    /// (clientAuth for a client). anyExtendedKeyUsage alone does not count:
    /// OpenSSL refuses it for a TLS server or client (and so does Node).
    fn extended_key_usage_allows(&self, purpose: Purpose) -> Option<bool> {
        match self.parsed.extended_key_usage() {
            Ok(Some(eku)) => Some(match purpose {
                Purpose::Server => eku.value.server_auth,
                Purpose::Client => eku.value.client_auth,
            }),
            _ => None,
        }
    }

    /// keyUsage: None when absent, else whether digitalSignature is in it,
    /// which signing the handshake needs (RFC 8446 4.4.2.2; OpenSSL's
    /// purpose check also lets keyAgreement or, for servers,
    /// keyEncipherment alone pass, but such a certificate cannot sign a TLS
    /// 1.3 or ECDHE handshake: Node's server cannot serve it).
    fn key_usage_allows_signing(&self) -> Option<bool> {
        match self.parsed.key_usage() {
            Ok(Some(ku)) => Some(ku.value.digital_signature()),
            _ => None,
        }
    }

    fn name_constraints(&self) -> Option<&NameConstraints<'a>> {
        self.parsed
            .extensions()
            .iter()
            .find_map(|ext| match ext.parsed_extension() {
                ParsedExtension::NameConstraints(nc) => Some(nc),
                _ => None,
            })
    }

    /// The first critical extension OpenSSL would not handle, by OID.
    fn unhandled_critical_extension(&self) -> Option<String> {
        // OpenSSL's X509_supported_extension list.
        const HANDLED: &[&str] = &[
            "2.16.840.1.113730.1.1", // nsCertType
            "2.5.29.15",             // keyUsage
            "2.5.29.17",             // subjectAltName
            "2.5.29.19",             // basicConstraints
            "2.5.29.32",             // certificatePolicies
            "2.5.29.37",             // extendedKeyUsage
            "1.3.6.1.5.5.7.1.14",    // proxyCertInfo
            "2.5.29.33",             // policyMappings
            "2.5.29.36",             // policyConstraints
            "2.5.29.54",             // inhibitAnyPolicy
            "2.5.29.30",             // nameConstraints
            "1.3.6.1.5.5.7.1.7",     // sbgp-ipAddrBlock
            "1.3.6.1.5.5.7.1.8",     // sbgp-autonomousSysNum
            "1.3.6.1.5.5.7.1.24",    // TLS feature
        ];
        self.parsed
            .extensions()
            .iter()
            .filter(|ext| ext.critical)
            .map(|ext| ext.oid.to_id_string())
            .find(|oid| !HANDLED.contains(&oid.as_str()))
    }
}

/// What signed a certificate: a full certificate, or a bare trust anchor
/// (Mozilla's and the system's roots keep only name, key and constraints).
#[derive(Clone, Copy)]
pub(crate) enum Signer<'n, 'a> {
    Node(&'n Node<'a>),
    Anchor(&'n TrustAnchor<'static>),
}

impl Signer<'_, '_> {
    /// The SubjectPublicKeyInfo's contents (inside its SEQUENCE).
    fn spki_contents(&self) -> Option<&[u8]> {
        match self {
            Signer::Node(node) => tlv(node.cert.spki()).map(|t| t.contents),
            Signer::Anchor(anchor) => Some(anchor.subject_public_key_info.as_ref()),
        }
    }
}

/// How a signature check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Signature {
    Valid,
    /// The key did not make this signature.
    Invalid,
    /// No algorithm of the provider checks it (SHA-1, MD5, DSA, …).
    Unsupported,
}

/// Checks that `signer`'s key made `node`'s signature.
pub(crate) fn check_signature(
    node: &Node<'_>,
    signer: Signer<'_, '_>,
    algorithms: &[&dyn SignatureVerificationAlgorithm],
) -> Signature {
    let Some((key_algorithm, key)) = signer.spki_contents().and_then(spki_parts) else {
        return Signature::Invalid;
    };
    let mut known = false;
    for algorithm in algorithms {
        if algorithm.signature_alg_id().as_ref() != node.signature_algorithm {
            continue;
        }
        known = true;
        if algorithm.public_key_alg_id().as_ref() != key_algorithm {
            continue;
        }
        return match algorithm.verify_signature(key, node.tbs, node.signature) {
            Ok(()) => Signature::Valid,
            Err(_) => Signature::Invalid,
        };
    }
    if known {
        // A supported signature algorithm, but for another kind of key.
        Signature::Invalid
    } else {
        Signature::Unsupported
    }
}

/// The name of `node`'s signature algorithm, for people.
pub(crate) fn signature_algorithm_name(node: &Node<'_>) -> String {
    let oid = node.parsed.signature_algorithm.algorithm.to_id_string();
    let name = match oid.as_str() {
        "1.2.840.113549.1.1.5" => "SHA-1 with RSA",
        "1.2.840.113549.1.1.4" => "MD5 with RSA",
        "1.2.840.113549.1.1.2" => "MD2 with RSA",
        "1.2.840.10045.4.1" => "ECDSA with SHA-1",
        "1.2.840.10040.4.3" => "DSA with SHA-1",
        "2.16.840.1.101.3.4.3.2" => "DSA with SHA-256",
        "1.2.840.10045.4.3.1" => "ECDSA with SHA-224",
        "1.2.840.113549.1.1.14" => "SHA-224 with RSA",
        _ => return format!("the signature algorithm {oid}"),
    };
    name.to_owned()
}

/// Whether `node`'s subject is `anchor`'s (an anchor keeps its name's contents).
pub(crate) fn named_by_anchor(issuer_raw: &[u8], anchor: &TrustAnchor<'_>) -> bool {
    tlv(issuer_raw).is_some_and(|t| t.contents == anchor.subject.as_ref())
}

/// A complete candidate path: the certificates from the server's (first) up
/// to the last one below the anchor, and the anchor. For a self-signed
/// certificate trusted directly, `nodes` holds just it and the anchor is it.
pub(crate) struct Path<'n, 'a> {
    pub nodes: Vec<&'n Node<'a>>,
    pub anchor: PathAnchor<'n, 'a>,
}

#[derive(Clone, Copy)]
pub(crate) enum PathAnchor<'n, 'a> {
    /// A self-signed extra (its full certificate).
    Extra(&'n Node<'a>),
    /// A bare anchor (Mozilla's or the system's), by index into the anchors.
    Bare(usize),
    /// The server certificate itself, self-signed and an extra (direct trust).
    Itself(usize),
}

/// Every complete path from `nodes[0]` to an anchor, in the order OpenSSL
/// prefers (trusted issuers first), up to the limits; plus what went wrong
/// along the way, to explain a chain that leads nowhere.
pub(crate) struct Search<'n, 'a> {
    pub paths: Vec<Path<'n, 'a>>,
    /// A certificate whose issuer, found by name, used an algorithm the
    /// provider does not check.
    pub unsupported: Option<&'n Node<'a>>,
    /// A certificate whose issuer, found by name, did not sign it.
    pub bad_signature: Option<(&'n Node<'a>, String)>,
    /// A CA, found by name, whose key console-tls refuses (subject, key).
    pub weak_issuer: Option<(String, String)>,
    /// The search stopped at the bound on signature checks.
    pub exhausted: bool,
    signatures: usize,
}

impl<'n, 'a> Search<'n, 'a> {
    pub fn run(
        store: &Store,
        leaf: &'n Node<'a>,
        intermediates: &'n [Node<'a>],
        extras: &'n [Node<'a>],
        anchor_extras: &[(usize, usize)],
    ) -> Search<'n, 'a> {
        let mut search = Search {
            paths: Vec::new(),
            unsupported: None,
            bad_signature: None,
            weak_issuer: None,
            exhausted: false,
            signatures: 0,
        };
        let algorithms = super::verification::algorithms();
        let mut path = vec![leaf];
        search.extend(
            store,
            &mut path,
            intermediates,
            extras,
            anchor_extras,
            algorithms.all,
        );
        search
    }

    /// Tries every issuer of the last certificate of `path`.
    fn extend(
        &mut self,
        store: &Store,
        path: &mut Vec<&'n Node<'a>>,
        intermediates: &'n [Node<'a>],
        extras: &'n [Node<'a>],
        anchor_extras: &[(usize, usize)],
        algorithms: &[&dyn SignatureVerificationAlgorithm],
    ) {
        let Some(&child) = path.last() else { return };
        let issuer_raw = child.cert_issuer_raw();
        // Trusted issuers first, as OpenSSL (X509_V_FLAG_TRUSTED_FIRST).
        for (anchor_index, anchor) in store.anchors.anchors.iter().enumerate() {
            if self.signatures >= MAX_SIGNATURES {
                self.exhausted = true;
                return;
            }
            if !named_by_anchor(issuer_raw, anchor) {
                continue;
            }
            let full = anchor_extras
                .iter()
                .find(|(a, _)| *a == anchor_index)
                .and_then(|(_, node)| extras.get(*node));
            match store.anchors.sources[anchor_index] {
                // An extra that is not self-signed is no anchor: it only
                // completes chains (below, as an intermediate).
                (AnchorSource::Extra, _) if full.is_none() => continue,
                _ => {}
            }
            let signer = match full {
                Some(node) => Signer::Node(node),
                None => Signer::Anchor(anchor),
            };
            if self.signed(child, signer, algorithms) {
                let anchor = match full {
                    Some(node) => PathAnchor::Extra(node),
                    None => PathAnchor::Bare(anchor_index),
                };
                self.paths.push(Path {
                    nodes: path.clone(),
                    anchor,
                });
            }
        }
        if path.len() > MAX_DEPTH {
            return;
        }
        // Trusted certificates that are not anchors complete chains, as in
        // OpenSSL (whose store serves as a source of issuers too).
        let candidates = intermediates.iter().chain(
            extras
                .iter()
                .enumerate()
                .filter(|(i, _)| !anchor_extras.iter().any(|(_, n)| n == i))
                .map(|(_, e)| e),
        );
        for issuer in candidates {
            if self.signatures >= MAX_SIGNATURES {
                self.exhausted = true;
                return;
            }
            if issuer.cert.subject_raw_bytes() != issuer_raw
                || path.iter().any(|n| n.cert.der() == issuer.cert.der())
            {
                continue;
            }
            if self.signed(child, Signer::Node(issuer), algorithms) {
                path.push(issuer);
                self.extend(
                    store,
                    path,
                    intermediates,
                    extras,
                    anchor_extras,
                    algorithms,
                );
                path.pop();
            }
        }
    }

    fn signed(
        &mut self,
        child: &'n Node<'a>,
        signer: Signer<'_, 'a>,
        algorithms: &[&dyn SignatureVerificationAlgorithm],
    ) -> bool {
        if self.signatures >= MAX_SIGNATURES {
            self.exhausted = true;
            return false;
        }
        self.signatures += 1;
        match check_signature(child, signer, algorithms) {
            Signature::Valid => true,
            Signature::Unsupported => {
                self.unsupported.get_or_insert(child);
                false
            }
            Signature::Invalid => {
                // A CA key the provider cannot check with (RSA under 2048
                // bits, P-192 …) is the reason, not a forged signature.
                let (subject, spki) = match signer {
                    Signer::Node(node) => (node.subject().to_owned(), node.cert.spki().to_vec()),
                    Signer::Anchor(anchor) => (
                        describe_name(anchor.subject.as_ref()),
                        sequence(anchor.subject_public_key_info.as_ref()),
                    ),
                };
                if let Some(key) = refused_server_key(&spki) {
                    self.weak_issuer.get_or_insert((subject, key));
                    return false;
                }
                if self.bad_signature.is_none() {
                    let signer = match signer {
                        Signer::Node(node) => node.subject().to_owned(),
                        Signer::Anchor(anchor) => describe_name(anchor.subject.as_ref()),
                    };
                    self.bad_signature = Some((child, signer));
                }
                false
            }
        }
    }
}

impl Node<'_> {
    fn cert_issuer_raw(&self) -> &[u8] {
        self.cert.issuer_raw_bytes()
    }
}

/// Validates `path` at `now` as OpenSSL does for a TLS server (or client,
/// by the store's purpose): the chain's extensions (CA flags, keyCertSign,
/// pathLenConstraint without self-issued certificates, serverAuth or
/// clientAuth, the end entity's keyUsage), name constraints, then the
/// validity periods from the anchor down (a trusted certificate outside its
/// period is no anchor). The end entity's key and name are checked by the
/// caller.
pub(crate) fn validate(store: &Store, path: &Path<'_, '_>, now: i64) -> Result<()> {
    // Every full certificate of the path, server certificate first; the
    // anchor's too when it is a certificate (an extra).
    let mut all: Vec<&Node<'_>> = path.nodes.clone();
    if let PathAnchor::Extra(node) = path.anchor {
        all.push(node);
    }
    let top = all.len() - 1;
    let anchor_is_cert = !matches!(path.anchor, PathAnchor::Bare(_));

    for (i, node) in all.iter().enumerate() {
        let Some(oid) = node.unhandled_critical_extension() else {
            continue;
        };
        // The server certificate's own: it is the one to reissue.
        if i == 0 {
            return Err(Error::new(ErrorKind::UnhandledCriticalExtension {
                subject: node.subject().to_owned(),
                oid,
            })
            .with_block(1, None));
        }
        return Err(constraint(ChainConstraint::UnhandledCriticalExtension {
            subject: node.subject().to_owned(),
            oid,
        }));
    }

    // The end entity: serverAuth (clientAuth) when it has an
    // extendedKeyUsage, a usable keyUsage when it has one.
    let purpose = store.purpose;
    let subject = || all[0].subject().to_owned();
    if all[0].extended_key_usage_allows(purpose) == Some(false) {
        let kind = match purpose {
            Purpose::Server => ErrorKind::NotForServers { subject: subject() },
            Purpose::Client => ErrorKind::NotForClients { subject: subject() },
        };
        return Err(Error::new(kind).with_block(1, None));
    }
    if all[0].key_usage_allows_signing() == Some(false) {
        return Err(Error::new(ErrorKind::KeyUsageRefused {
            subject: subject(),
            peer: purpose.peer(),
        })
        .with_block(1, None));
    }

    // The issuers. `below` counts the CAs between the server certificate
    // and this one that are not self-issued (RFC 5280 6.1.4 (l)).
    let mut below: u32 = 0;
    for (i, node) in all.iter().enumerate().skip(1) {
        let is_anchor = anchor_is_cert && i == top;
        match node.basic_constraints() {
            Some((true, path_len)) => {
                if let Some(limit) = path_len {
                    if i > 1 && below > limit {
                        return Err(constraint(ChainConstraint::PathLength {
                            ca: node.subject().to_owned(),
                            limit,
                        }));
                    }
                }
            }
            // A version 1 root has no basicConstraints; OpenSSL takes a
            // self-signed one as a CA, and only as the anchor.
            None if is_anchor => {}
            _ => {
                return Err(constraint(ChainConstraint::NotACa {
                    subject: node.subject().to_owned(),
                }))
            }
        }
        if node.key_cert_sign() == Some(false) {
            return Err(constraint(ChainConstraint::NoCertSign {
                subject: node.subject().to_owned(),
            }));
        }
        if node.extended_key_usage_allows(purpose) == Some(false) {
            let ca = node.subject().to_owned();
            return Err(constraint(match purpose {
                Purpose::Server => ChainConstraint::NotForServers { ca },
                Purpose::Client => ChainConstraint::NotForClients { ca },
            }));
        }
        if !node.self_issued() {
            below += 1;
        }
    }

    // Name constraints of every issuer (and a bare anchor's) over every
    // certificate below it; self-issued CAs are exempt (RFC 5280 6.1.3 (b)).
    for (i, issuer) in all.iter().enumerate().skip(1) {
        if let Some(nc) = issuer.name_constraints() {
            name_constraints::check_subtrees(nc, issuer.subject(), &all[..i])?;
        }
    }
    if let PathAnchor::Bare(index) = path.anchor {
        let anchor = &store.anchors.anchors[index];
        if let Some(contents) = &anchor.name_constraints {
            let der = sequence(contents.as_ref());
            match NameConstraints::from_der(&der) {
                Ok((_, nc)) => name_constraints::check_subtrees(
                    &nc,
                    &describe_name(anchor.subject.as_ref()),
                    &all,
                )?,
                Err(_) => {
                    return Err(constraint(ChainConstraint::UnhandledCriticalExtension {
                        subject: describe_name(anchor.subject.as_ref()),
                        oid: "2.5.29.30".to_owned(),
                    }))
                }
            }
        }
    }

    // Validity, from the anchor down, as OpenSSL reports it; a system root
    // is a bare anchor with known dates.
    if let PathAnchor::Bare(index) = path.anchor {
        let dates = store
            .anchors
            .system_validity
            .iter()
            .find(|(i, _, _)| *i == index);
        if let Some(&(_, not_before, not_after)) = dates {
            let subject = describe_name(store.anchors.anchors[index].subject.as_ref());
            if now > not_after {
                return Err(Error::new(ErrorKind::TrustedExpired {
                    subject,
                    not_after: crate::certificate::rfc3339(not_after),
                    root: true,
                    source: AnchorSource::System,
                }));
            }
            if now < not_before {
                return Err(Error::new(ErrorKind::TrustedNotYetValid {
                    subject,
                    not_before: crate::certificate::rfc3339(not_before),
                    root: true,
                    source: AnchorSource::System,
                }));
            }
        }
    }
    // Validity, from the anchor down, as OpenSSL reports it.
    for (i, node) in all.iter().enumerate().rev() {
        let info = node.cert.info();
        let expired = now > info.not_after_unix;
        let early = now < info.not_before_unix;
        if !expired && !early {
            continue;
        }
        let error = match node.origin {
            Origin::Presented(position) => {
                let subject = info.subject.clone();
                let kind = if expired {
                    ErrorKind::Expired {
                        subject,
                        not_after: info.not_after.clone(),
                    }
                } else {
                    ErrorKind::NotYetValid {
                        subject,
                        not_before: info.not_before.clone(),
                    }
                };
                Error::new(kind).with_block(position + 1, None)
            }
            Origin::Extra(_) => {
                let root = anchor_is_cert && i == top;
                if expired {
                    Error::new(ErrorKind::TrustedExpired {
                        subject: info.subject.clone(),
                        not_after: info.not_after.clone(),
                        root,
                        source: store.extras_source(),
                    })
                } else {
                    Error::new(ErrorKind::TrustedNotYetValid {
                        subject: info.subject.clone(),
                        not_before: info.not_before.clone(),
                        root,
                        source: store.extras_source(),
                    })
                }
            }
        };
        return Err(error);
    }
    Ok(())
}

pub(super) fn constraint(constraint: ChainConstraint) -> Error {
    Error::new(ErrorKind::ChainConstraint { constraint })
}

/// One DER element.
pub(super) struct Tlv<'a> {
    tag: u8,
    pub(super) contents: &'a [u8],
    rest: &'a [u8],
}

/// Reads one DER element (definite lengths of up to four bytes).
pub(super) fn tlv(input: &[u8]) -> Option<Tlv<'_>> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, rest) = rest.split_at(count);
        let len = bytes.iter().fold(0usize, |n, b| (n << 8) | usize::from(*b));
        (len, rest)
    };
    if rest.len() < len {
        return None;
    }
    let (contents, rest) = rest.split_at(len);
    Some(Tlv {
        tag,
        contents,
        rest,
    })
}

/// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }:
/// the signed bytes (with their header), the algorithm's contents, and the
/// signature's bits.
fn outer_parts(der: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let outer = tlv(der)?;
    if outer.tag != 0x30 {
        return None;
    }
    let tbs = tlv(outer.contents)?;
    let tbs_whole = &outer.contents[..outer.contents.len() - tbs.rest.len()];
    let algorithm = tlv(tbs.rest)?;
    let signature = tlv(algorithm.rest)?;
    if algorithm.tag != 0x30 || signature.tag != 0x03 {
        return None;
    }
    let (&unused, bits) = signature.contents.split_first()?;
    if unused != 0 {
        return None;
    }
    Some((tbs_whole, algorithm.contents, bits))
}

/// A SubjectPublicKeyInfo's contents: the algorithm's contents and the key's bits.
fn spki_parts(contents: &[u8]) -> Option<(&[u8], &[u8])> {
    let algorithm = tlv(contents)?;
    let key = tlv(algorithm.rest)?;
    if algorithm.tag != 0x30 || key.tag != 0x03 {
        return None;
    }
    let (&unused, bits) = key.contents.split_first()?;
    if unused != 0 {
        return None;
    }
    Some((algorithm.contents, bits))
}

/// `contents` wrapped in a SEQUENCE header.
fn sequence(contents: &[u8]) -> Vec<u8> {
    let mut der = Vec::with_capacity(contents.len() + 6);
    der.push(0x30);
    let len = contents.len();
    if len < 0x80 {
        der.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        der.push(0x80 | (bytes.len() - skip) as u8);
        der.extend_from_slice(&bytes[skip..]);
    }
    der.extend_from_slice(contents);
    der
}

/// The key of `spki` (a server's or a CA's), when console-tls refuses it:
/// RSA of at least 2048 bits, ECDSA on P-256, P-384 or P-521, or Ed25519
/// are accepted.
pub(crate) fn refused_server_key(spki: &[u8]) -> Option<String> {
    use x509_parser::public_key::PublicKey;
    let (_, info) = x509_parser::x509::SubjectPublicKeyInfo::from_der(spki).ok()?;
    let accepted = match info.parsed() {
        Ok(PublicKey::RSA(rsa)) => rsa.key_size() >= 2048,
        Ok(PublicKey::EC(_)) => matches!(
            info.algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string())
                .as_deref(),
            Some("1.2.840.10045.3.1.7" | "1.3.132.0.34" | "1.3.132.0.35")
        ),
        _ => info.algorithm.algorithm.to_id_string() == "1.3.101.112",
    };
    (!accepted).then(|| crate::key::describe_public_key(spki))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mozilla_anchor_name_constraints_parse() {
        // Anchors keep the NameConstraints' contents; a root whose
        // constraints did not parse would refuse every chain under it.
        let constrained: Vec<_> = webpki_roots::TLS_SERVER_ROOTS
            .iter()
            .filter_map(|a| a.name_constraints.as_ref())
            .collect();
        assert!(!constrained.is_empty());
        for nc in constrained {
            let der = sequence(nc.as_ref());
            let (rest, parsed) = NameConstraints::from_der(&der).unwrap();
            assert!(rest.is_empty());
            assert!(parsed.permitted_subtrees.is_some() || parsed.excluded_subtrees.is_some());
        }
    }

    #[test]
    fn malformed_der_is_refused_without_panicking() {
        assert!(tlv(&[]).is_none());
        assert!(tlv(&[0x30, 0x85, 1, 2, 3, 4, 5]).is_none());
        assert!(tlv(&[0x30, 0x82, 0x01]).is_none());
        assert!(outer_parts(&[0x30, 0x03, 0x30, 0x01, 0x00]).is_none());
        assert!(spki_parts(&[0x30, 0x00, 0x03, 0x01, 0x01]).is_none());
    }
}
