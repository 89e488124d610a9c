//! Whether Node's TLS will serve a certificate of a listener's chain.
//!
//! Node 20 (OpenSSL 3.0, security level 1) refuses, in
//! `tls.createSecureContext`, a chain certificate that gives less than 80
//! bits of security. Measured with `node -e` against certificates made by
//! openssl (see `tests/fixtures/corpus/make.sh` and the differential test):
//!
//! - a signature with MD5 or SHA-1 (and any signature algorithm OpenSSL
//!   cannot size) is `ERR_SSL_CA_MD_TOO_WEAK`, **unless the certificate is
//!   self-signed** in OpenSSL's sense: subject equal to issuer, an authority
//!   key identifier (if any) that matches its own, and a signature algorithm
//!   of its own key's type. SHA-224 and up pass.
//! - an RSA key below 920 bits (the first size OpenSSL 3.0's formula rates
//!   80 bits: 919 is refused, 920 served), a DSA key below that or with a
//!   subgroup under 160 bits (OpenSSL's rule for DSA, min of the two ratings;
//!   not measured below 1024 bits, which OpenSSL 3 no longer generates), an
//!   EC key on a curve whose order has fewer
//!   than 160 bits (secp112r1 refused, secp160r1 and P-192 served) is
//!   `ERR_SSL_EE_KEY_TOO_SMALL` for the leaf, `ERR_SSL_CA_KEY_TOO_SMALL`
//!   for the others. Self-signed certificates get no exemption here.
//!
//! The same rule is applied here, so that what console-tls accepts, Node
//! serves. The leaf's own key is also held to the key rules of `crate::key`
//! (RSA 2048 and up), which are stricter; that refusal comes first.

use std::fmt;

use der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef, UintRef};
use der::{Decode, Reader, Tag, TagNumber};
use pkcs8::spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};
use x509_parser::extensions::AuthorityKeyIdentifier;
use x509_parser::nom::Parser as _;
use x509_parser::oid_registry::{
    OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER, OID_X509_EXT_SUBJECT_KEY_IDENTIFIER,
};
use x509_parser::prelude::{FromDer, X509Certificate, X509CertificateParser};

/// Why Node's TLS would refuse to serve a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateProblem {
    /// Signed (by another certificate) with a digest below 80 bits of security.
    WeakSignature {
        /// The signature algorithm, e.g. `sha1WithRSAEncryption`.
        algorithm: String,
    },
    /// Signed with an algorithm OpenSSL cannot rate, named by its OID.
    UnknownSignature {
        /// The dotted OID.
        oid: String,
    },
    /// A public key below 80 bits of security.
    SmallKey {
        /// What the key is, e.g. `an RSA 768-bit key`, `an EC key with a 112-bit group order`.
        key: String,
    },
    /// A public key OpenSSL cannot read, named by its algorithm OID.
    UnknownKey {
        /// The dotted OID.
        oid: String,
    },
}

impl CertificateProblem {
    /// How to get a certificate Node serves.
    pub fn advice(&self) -> &'static str {
        match self {
            CertificateProblem::WeakSignature { .. } | CertificateProblem::UnknownSignature { .. } => {
                "have its issuer re-issue it signed with SHA-256 (e.g. openssl x509 -req -sha256 … for an openssl CA)"
            }
            CertificateProblem::SmallKey { .. } | CertificateProblem::UnknownKey { .. } => {
                "have it re-issued for a new key of 2048 bits or more (RSA) or P-256 (ECDSA)"
            }
        }
    }
}

impl fmt::Display for CertificateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertificateProblem::WeakSignature { algorithm } => {
                write!(
                    f,
                    "is signed by its issuer with {algorithm}, under 80 bits of security"
                )
            }
            CertificateProblem::UnknownSignature { oid } => {
                write!(f, "is signed with the unknown algorithm {oid}")
            }
            CertificateProblem::SmallKey { key } => {
                write!(f, "has {key}, under 80 bits of security")
            }
            CertificateProblem::UnknownKey { oid } => {
                write!(f, "has a public key of the unknown algorithm {oid}")
            }
        }
    }
}

const RSA: &str = "1.2.840.113549.1.1.1";
const RSA_PSS: &str = "1.2.840.113549.1.1.10";
const EC: &str = "1.2.840.10045.2.1";
const DSA: &str = "1.2.840.10040.4.1";
const ED25519: &str = "1.3.101.112";
const ED448: &str = "1.3.101.113";

/// The smallest RSA (and DSA) modulus OpenSSL 3.0 rates 80 bits.
pub const MIN_RSA_BITS: usize = 920;
/// The smallest EC group order (and DSA subgroup) rated 80 bits.
pub const MIN_EC_ORDER_BITS: usize = 160;

/// `None` when Node's TLS serves the certificate `der` in a chain (as leaf
/// or not: the rule is the same); the problem otherwise. A certificate that
/// does not parse is not judged here (parsing reports it).
pub fn problem(der: &[u8]) -> Option<CertificateProblem> {
    // Extensions are not parsed deeply: x509-parser's deep parsing builds a
    // process-wide registry on first use, and only two are read here.
    let (_, cert) = X509CertificateParser::new()
        .with_deep_parse_extensions(false)
        .parse(der)
        .ok()?;
    let spki = SubjectPublicKeyInfoRef::from_der(cert.public_key().raw).ok()?;
    let key_algorithm = spki.algorithm.oid.to_string();
    if let Some(problem) = key_problem(&spki, &key_algorithm) {
        return Some(problem);
    }
    let algorithm = signature_algorithm(der)?;
    let signature = algorithm.oid.to_string();
    let rating = signature_rating(&signature, algorithm.parameters);
    if rating == Rating::Strong || self_signed(&cert, &signature, &key_algorithm) {
        return None;
    }
    Some(match rating {
        Rating::Weak(name) => CertificateProblem::WeakSignature {
            algorithm: name.to_owned(),
        },
        _ => CertificateProblem::UnknownSignature { oid: signature },
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Rating {
    Strong,
    Weak(&'static str),
    Unknown,
}

/// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }
fn signature_algorithm(der: &[u8]) -> Option<AlgorithmIdentifierRef<'_>> {
    AnyRef::from_der(der)
        .ok()?
        .sequence(|reader| {
            let _tbs = reader.decode::<AnyRef<'_>>()?;
            let algorithm = reader.decode::<AlgorithmIdentifierRef<'_>>()?;
            let _signature = reader.decode::<AnyRef<'_>>()?;
            Ok(algorithm)
        })
        .ok()
}

/// Every signature algorithm OpenSSL rates: its OID, the key type it signs
/// with, and its digest's strength (one table answers both questions).
/// RSASSA-PSS is not here: its digest is in its parameters.
const SIGNATURE_ALGORITHMS: &[(&str, &str, Rating)] = &[
    (
        "1.2.840.113549.1.1.2",
        RSA,
        Rating::Weak("md2WithRSAEncryption"),
    ),
    (
        "1.2.840.113549.1.1.3",
        RSA,
        Rating::Weak("md4WithRSAEncryption"),
    ),
    (
        "1.2.840.113549.1.1.4",
        RSA,
        Rating::Weak("md5WithRSAEncryption"),
    ),
    (
        "1.2.840.113549.1.1.5",
        RSA,
        Rating::Weak("sha1WithRSAEncryption"),
    ),
    ("1.3.14.3.2.29", RSA, Rating::Weak("sha1WithRSAEncryption")),
    ("1.2.840.10045.4.1", EC, Rating::Weak("ecdsa-with-SHA1")),
    ("1.2.840.10040.4.3", DSA, Rating::Weak("dsa-with-SHA1")),
    ("1.3.14.3.2.27", DSA, Rating::Weak("dsa-with-SHA1")),
    // RSA with SHA-224/256/384/512, SHA-512/224, SHA-512/256, SHA3-*.
    ("1.2.840.113549.1.1.14", RSA, Rating::Strong),
    ("1.2.840.113549.1.1.11", RSA, Rating::Strong),
    ("1.2.840.113549.1.1.12", RSA, Rating::Strong),
    ("1.2.840.113549.1.1.13", RSA, Rating::Strong),
    ("1.2.840.113549.1.1.15", RSA, Rating::Strong),
    ("1.2.840.113549.1.1.16", RSA, Rating::Strong),
    ("2.16.840.1.101.3.4.3.13", RSA, Rating::Strong),
    ("2.16.840.1.101.3.4.3.14", RSA, Rating::Strong),
    ("2.16.840.1.101.3.4.3.15", RSA, Rating::Strong),
    ("2.16.840.1.101.3.4.3.16", RSA, Rating::Strong),
    // ECDSA with SHA-2 and SHA-3.
    ("1.2.840.10045.4.3.1", EC, Rating::Strong),
    ("1.2.840.10045.4.3.2", EC, Rating::Strong),
    ("1.2.840.10045.4.3.3", EC, Rating::Strong),
    ("1.2.840.10045.4.3.4", EC, Rating::Strong),
    ("2.16.840.1.101.3.4.3.9", EC, Rating::Strong),
    ("2.16.840.1.101.3.4.3.10", EC, Rating::Strong),
    ("2.16.840.1.101.3.4.3.11", EC, Rating::Strong),
    ("2.16.840.1.101.3.4.3.12", EC, Rating::Strong),
    // DSA with SHA-224/256.
    ("2.16.840.1.101.3.4.3.1", DSA, Rating::Strong),
    ("2.16.840.1.101.3.4.3.2", DSA, Rating::Strong),
    (ED25519, ED25519, Rating::Strong),
    (ED448, ED448, Rating::Strong),
];

fn signature_entry(oid: &str) -> Option<(&'static str, Rating)> {
    SIGNATURE_ALGORITHMS
        .iter()
        .find(|(known, _, _)| *known == oid)
        .map(|&(_, key, rating)| (key, rating))
}

fn signature_rating(oid: &str, parameters: Option<AnyRef<'_>>) -> Rating {
    if oid == RSA_PSS {
        return pss_rating(parameters);
    }
    signature_entry(oid).map_or(Rating::Unknown, |(_, rating)| rating)
}

/// RSASSA-PSS names its hash in its parameters; absent means SHA-1 (RFC 4055).
fn pss_rating(parameters: Option<AnyRef<'_>>) -> Rating {
    let Some(parameters) = parameters else {
        return Rating::Weak("RSASSA-PSS with SHA-1");
    };
    let hash = parameters.sequence(|reader| {
        // hashAlgorithm [0] AlgorithmIdentifier DEFAULT sha1
        let field = reader.decode::<Option<AnyRef<'_>>>()?;
        let Some(field) = field else { return Ok(None) };
        if der::Tagged::tag(&field)
            != (Tag::ContextSpecific {
                constructed: true,
                number: TagNumber::N0,
            })
        {
            return Ok(None);
        }
        let inner = AnyRef::from_der(field.value())?;
        let oid = inner.sequence(|r| {
            let oid = r.decode::<ObjectIdentifier>()?;
            // Skip the optional NULL parameters.
            while !r.is_finished() {
                r.decode::<AnyRef<'_>>()?;
            }
            Ok(oid)
        })?;
        while !reader.is_finished() {
            reader.decode::<AnyRef<'_>>()?;
        }
        Ok(Some(oid))
    });
    match hash {
        Ok(None) => Rating::Weak("RSASSA-PSS with SHA-1"),
        Ok(Some(oid)) => match oid.to_string().as_str() {
            "1.3.14.3.2.26" => Rating::Weak("RSASSA-PSS with SHA-1"),
            "2.16.840.1.101.3.4.2.1"
            | "2.16.840.1.101.3.4.2.2"
            | "2.16.840.1.101.3.4.2.3"
            | "2.16.840.1.101.3.4.2.4"
            | "2.16.840.1.101.3.4.2.5"
            | "2.16.840.1.101.3.4.2.6" => Rating::Strong,
            _ => Rating::Unknown,
        },
        Err(_) => Rating::Unknown,
    }
}

/// OpenSSL's `EXFLAG_SS`: subject equals issuer, the authority key
/// identifier (when present) names this certificate, and the signature
/// algorithm is of this certificate's key type. The signature itself is not
/// verified (OpenSSL does not either, for this flag).
fn self_signed(cert: &X509Certificate<'_>, signature: &str, key_algorithm: &str) -> bool {
    if cert.subject().as_raw() != cert.issuer().as_raw() {
        return false;
    }
    let mut skid = None;
    let mut akid = None;
    for ext in cert.extensions() {
        if ext.oid == OID_X509_EXT_SUBJECT_KEY_IDENTIFIER {
            skid = OctetStringRef::from_der(ext.value)
                .ok()
                .map(|id| id.as_bytes());
        } else if ext.oid == OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER {
            akid = AuthorityKeyIdentifier::from_der(ext.value)
                .ok()
                .map(|(_, id)| id);
        }
    }
    if let Some(akid) = akid {
        if let (Some(key_id), Some(skid)) = (&akid.key_identifier, skid) {
            if key_id.0 != skid {
                return false;
            }
        }
        if let Some(serial) = akid.authority_cert_serial {
            if serial != cert.raw_serial() {
                return false;
            }
        }
    }
    // RSASSA-PSS (not in the table) signs with an RSA key; so, as before,
    // do algorithms no one rates.
    let signature_key = signature_entry(signature).map_or(RSA, |(key, _)| key);
    match signature_key {
        // An RSA signature (PKCS#1 v1.5 or PSS) matches an RSA or RSA-PSS key.
        RSA => key_algorithm == RSA || key_algorithm == RSA_PSS,
        other => key_algorithm == other,
    }
}

fn key_problem(spki: &SubjectPublicKeyInfoRef<'_>, algorithm: &str) -> Option<CertificateProblem> {
    let small = |key: String| Some(CertificateProblem::SmallKey { key });
    match algorithm {
        RSA | RSA_PSS => {
            let rsa = pkcs1::RsaPublicKey::from_der(spki.subject_public_key.as_bytes()?).ok()?;
            let bits = uint_bits(rsa.modulus.as_bytes());
            (bits < MIN_RSA_BITS)
                .then(|| format!("an RSA {bits}-bit key"))
                .and_then(small)
        }
        EC => {
            let parameters = spki.algorithm.parameters?;
            let order_bits = match parameters.decode_as::<ObjectIdentifier>() {
                Ok(curve) => {
                    let curve = curve.to_string();
                    match curve_order_bits(&curve) {
                        Some(bits) => bits,
                        None => {
                            return Some(CertificateProblem::UnknownKey {
                                oid: format!("{EC} on curve {curve}"),
                            })
                        }
                    }
                }
                Err(_) => explicit_order_bits(parameters)?,
            };
            (order_bits < MIN_EC_ORDER_BITS)
                .then(|| format!("an EC key with a {order_bits}-bit group order"))
                .and_then(small)
        }
        DSA => {
            let (p, q) = dsa_sizes(spki.algorithm.parameters?)?;
            (p < MIN_RSA_BITS || q < MIN_EC_ORDER_BITS)
                .then(|| format!("a DSA {p}-bit key with a {q}-bit subgroup"))
                .and_then(small)
        }
        // Ed25519/X25519 rate 128 bits, Ed448/X448 224.
        ED25519 | ED448 | "1.3.101.110" | "1.3.101.111" => None,
        other => Some(CertificateProblem::UnknownKey {
            oid: other.to_owned(),
        }),
    }
}

/// The order sizes of the named curves OpenSSL 3.0's default provider knows.
fn curve_order_bits(oid: &str) -> Option<usize> {
    Some(match oid {
        "1.2.840.10045.3.1.1" => 192,                          // P-192
        "1.3.132.0.33" => 224,                                 // P-224
        "1.2.840.10045.3.1.7" => 256,                          // P-256
        "1.3.132.0.34" => 384,                                 // P-384
        "1.3.132.0.35" => 521,                                 // P-521
        "1.3.132.0.10" => 256,                                 // secp256k1
        "1.3.132.0.31" => 192,                                 // secp192k1
        "1.3.132.0.32" => 225,                                 // secp224k1
        "1.3.132.0.8" | "1.3.132.0.9" | "1.3.132.0.30" => 161, // secp160r1, k1, r2
        "1.3.132.0.6" | "1.3.132.0.7" => 112,                  // secp112r1, r2
        "1.3.132.0.28" | "1.3.132.0.29" => 128,                // secp128r1, r2
        "1.2.840.10045.3.1.2" | "1.2.840.10045.3.1.3" => 192,  // prime192v2, v3
        "1.2.840.10045.3.1.4" | "1.2.840.10045.3.1.5" | "1.2.840.10045.3.1.6" => 239, // prime239v1-3
        "1.3.36.3.3.2.8.1.1.1" | "1.3.36.3.3.2.8.1.1.2" => 160, // brainpoolP160r1, t1
        "1.3.36.3.3.2.8.1.1.3" | "1.3.36.3.3.2.8.1.1.4" => 192,
        "1.3.36.3.3.2.8.1.1.5" | "1.3.36.3.3.2.8.1.1.6" => 224,
        "1.3.36.3.3.2.8.1.1.7" | "1.3.36.3.3.2.8.1.1.8" => 256,
        "1.3.36.3.3.2.8.1.1.9" | "1.3.36.3.3.2.8.1.1.10" => 320,
        "1.3.36.3.3.2.8.1.1.11" | "1.3.36.3.3.2.8.1.1.12" => 384,
        "1.3.36.3.3.2.8.1.1.13" | "1.3.36.3.3.2.8.1.1.14" => 512,
        _ => return None,
    })
}

/// The group order's size from explicit ECParameters
/// (version, fieldID, curve, base, order, cofactor?).
fn explicit_order_bits(parameters: AnyRef<'_>) -> Option<usize> {
    parameters
        .sequence(|reader| {
            let _version = reader.decode::<AnyRef<'_>>()?;
            let _field = reader.decode::<AnyRef<'_>>()?;
            let _curve = reader.decode::<AnyRef<'_>>()?;
            let _base = reader.decode::<AnyRef<'_>>()?;
            let order = reader.decode::<UintRef<'_>>()?;
            while !reader.is_finished() {
                reader.decode::<AnyRef<'_>>()?;
            }
            Ok(uint_bits(order.as_bytes()))
        })
        .ok()
}

/// Dss-Parms (p, q, g): the sizes of p and q.
fn dsa_sizes(parameters: AnyRef<'_>) -> Option<(usize, usize)> {
    parameters
        .sequence(|reader| {
            let p = reader.decode::<UintRef<'_>>()?;
            let q = reader.decode::<UintRef<'_>>()?;
            let _g = reader.decode::<UintRef<'_>>()?;
            Ok((uint_bits(p.as_bytes()), uint_bits(q.as_bytes())))
        })
        .ok()
}

fn uint_bits(bytes: &[u8]) -> usize {
    let bytes = match bytes.iter().position(|&b| b != 0) {
        Some(first) => &bytes[first..],
        None => return 0,
    };
    bytes.len() * 8 - bytes[0].leading_zeros() as usize
}
