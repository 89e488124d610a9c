//! Key types: which algorithms and sizes are supported, and what to tell an
//! operator whose key is not.

use std::fmt;

use pkcs8::der::asn1::ObjectIdentifier;
use pkcs8::der::Decode;
use pkcs8::PrivateKeyInfo;

use crate::error::{Error, ErrorKind, Result};

pub(crate) const RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
pub(crate) const EC_PUBLIC_KEY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const P192: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.1");
const P224: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.33");
const SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
pub(crate) const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
const X448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.111");
const DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
const DH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.3.1");
const SM2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.1.301");

/// The smallest and largest RSA moduli the provider signs with.
pub const RSA_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

const NEW_EC_KEY: &str =
    "generate a supported key, e.g. openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem, and have the certificate reissued for it";
const NEW_RSA_KEY: &str =
    "generate a supported key, e.g. openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out key.pem, and have the certificate reissued for it";

/// A supported key's algorithm and size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyType {
    /// RSA with a modulus of `bits` bits.
    Rsa {
        /// Modulus size.
        bits: usize,
    },
    /// ECDSA on P-256.
    EcdsaP256,
    /// ECDSA on P-384.
    EcdsaP384,
    /// ECDSA on P-521.
    EcdsaP521,
    /// Ed25519.
    Ed25519,
}

impl KeyType {
    /// The algorithm family: `"RSA"`, `"EC"` or `"Ed25519"` (Node's `asymmetricKeyType` spelling is lower-case).
    pub fn algorithm(self) -> &'static str {
        match self {
            KeyType::Rsa { .. } => "RSA",
            KeyType::EcdsaP256 | KeyType::EcdsaP384 | KeyType::EcdsaP521 => "EC",
            KeyType::Ed25519 => "Ed25519",
        }
    }

    /// Key size in bits (the curve size for EC keys).
    pub fn bits(self) -> usize {
        match self {
            KeyType::Rsa { bits } => bits,
            KeyType::EcdsaP256 | KeyType::Ed25519 => 256,
            KeyType::EcdsaP384 => 384,
            KeyType::EcdsaP521 => 521,
        }
    }

    /// The curve name for EC keys (`P-256`, …).
    pub fn curve(self) -> Option<&'static str> {
        match self {
            KeyType::EcdsaP256 => Some("P-256"),
            KeyType::EcdsaP384 => Some("P-384"),
            KeyType::EcdsaP521 => Some("P-521"),
            _ => None,
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyType::Rsa { bits } => write!(f, "RSA {bits}-bit"),
            KeyType::Ed25519 => f.write_str("Ed25519"),
            other => write!(f, "ECDSA {}", other.curve().unwrap_or("?")),
        }
    }
}

pub(crate) fn rsa_key_type(rsa: &pkcs1::RsaPrivateKey<'_>) -> Result<KeyType> {
    if rsa.other_prime_infos.is_some() {
        // Its modulus has more than two factors: no conversion keeps it, and
        // the provider (aws-lc) signs with two-prime keys only.
        return Err(unsupported(
            "a multi-prime RSA key (a modulus of more than two primes, which cannot be converted to a two-prime key)".to_owned(),
            NEW_RSA_KEY,
        ));
    }
    let bits = uint_bits(rsa.modulus.as_bytes());
    if !RSA_BITS.contains(&bits) {
        return Err(unsupported(
            format!("an RSA {bits}-bit key (supported: 2048 to 8192 bits)"),
            NEW_RSA_KEY,
        ));
    }
    Ok(KeyType::Rsa { bits })
}

fn uint_bits(bytes: &[u8]) -> usize {
    let bytes = match bytes.iter().position(|&b| b != 0) {
        Some(first) => &bytes[first..],
        None => return 0,
    };
    bytes.len() * 8 - bytes[0].leading_zeros() as usize
}

pub(crate) fn curve_key_type(curve: ObjectIdentifier) -> Result<KeyType> {
    match curve {
        P256 => Ok(KeyType::EcdsaP256),
        P384 => Ok(KeyType::EcdsaP384),
        P521 => Ok(KeyType::EcdsaP521),
        SECP256K1 => Err(unsupported("an EC key on secp256k1".to_owned(), NEW_EC_KEY)),
        P192 => Err(unsupported(
            "an EC key on P-192 (supported: P-256, P-384, P-521)".to_owned(),
            NEW_EC_KEY,
        )),
        P224 => Err(unsupported(
            "an EC key on P-224 (supported: P-256, P-384, P-521)".to_owned(),
            NEW_EC_KEY,
        )),
        other => Err(unsupported(
            format!("an EC key on the curve {other} (supported: P-256, P-384, P-521)"),
            NEW_EC_KEY,
        )),
    }
}

pub(crate) fn curve_oid(key_type: KeyType) -> ObjectIdentifier {
    match key_type {
        KeyType::EcdsaP384 => P384,
        KeyType::EcdsaP521 => P521,
        _ => P256,
    }
}

/// The curve named by an `EC PARAMETERS` block, if it is a supported one.
pub(crate) fn curve_from_parameters(der: &[u8]) -> Option<KeyType> {
    let oid = ObjectIdentifier::from_der(der).ok()?;
    curve_key_type(oid).ok()
}

pub(crate) fn pkcs8_key_type(info: &PrivateKeyInfo<'_>) -> Result<KeyType> {
    let oid = info.algorithm.oid;
    match oid {
        RSA_ENCRYPTION => {
            let rsa = pkcs1::RsaPrivateKey::from_der(info.private_key).map_err(|e| {
                Error::new(ErrorKind::MalformedKey {
                    format: "PKCS#8 RSA",
                    reason: super::der_problem(&e),
                })
            })?;
            rsa_key_type(&rsa)
        }
        EC_PUBLIC_KEY => {
            if info
                .algorithm
                .parameters
                .is_some_and(|p| der::Tagged::tag(&p) == der::Tag::Sequence)
            {
                return Err(explicit_curve());
            }
            let curve = info.algorithm.parameters_oid().map_err(|_| {
                Error::new(ErrorKind::MalformedKey {
                    format: "PKCS#8 EC",
                    reason: "the key does not name its curve".to_owned(),
                })
            })?;
            curve_key_type(curve)
        }
        ED25519 => Ok(KeyType::Ed25519),
        RSASSA_PSS => Err(unsupported(
            "an RSA-PSS-only key (id-RSASSA-PSS; console-tls signs with ordinary RSA keys, which serve PSS and PKCS#1 v1.5 clients alike)".to_owned(),
            "generate an ordinary RSA key (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072) or an EC key, and have the certificate reissued for it",
        )),
        ED448 => Err(unsupported("an Ed448 key".to_owned(), NEW_EC_KEY)),
        X25519 | X448 => Err(unsupported(
            format!(
                "an {} key (a key agreement key: it cannot sign)",
                if oid == X25519 { "X25519" } else { "X448" }
            ),
            NEW_EC_KEY,
        )),
        DSA => Err(unsupported("a DSA key".to_owned(), NEW_EC_KEY)),
        DH => Err(unsupported("a Diffie-Hellman key".to_owned(), NEW_EC_KEY)),
        SM2 => Err(unsupported("an SM2 key".to_owned(), NEW_EC_KEY)),
        other => Err(unsupported(
            format!("a key with algorithm {other}"),
            NEW_EC_KEY,
        )),
    }
}

/// An EC key that spells out its curve's parameters instead of naming the
/// curve. Not normalised to the named curve here: that needs every
/// parameter compared with the named curve's (an unknown curve with a known
/// name's size would be silently accepted otherwise), RFC 5480 forbids the
/// form in certificates, and OpenSSL rewrites it in one command.
pub(crate) fn explicit_curve() -> Error {
    unsupported(
        "an EC key with explicit curve parameters instead of a named curve".to_owned(),
        "rewrite it with the curve's name: openssl pkey -in key.pem -ec_param_enc named_curve -out key-named.pem",
    )
}

/// ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING,
/// parameters [0] ECParameters OPTIONAL, … }: true when `parameters` is the
/// explicit (SEQUENCE) form rather than a curve's OID.
pub(crate) fn sec1_has_explicit_parameters(der: &[u8]) -> bool {
    use pkcs8::der::asn1::AnyRef;
    use pkcs8::der::{Reader, Tag, TagNumber, Tagged};
    let Ok(outer) = AnyRef::from_der(der) else {
        return false;
    };
    outer
        .sequence(|reader| {
            let _version = reader.decode::<AnyRef<'_>>()?;
            let _key = reader.decode::<AnyRef<'_>>()?;
            let mut explicit = false;
            while !reader.is_finished() {
                let field = reader.decode::<AnyRef<'_>>()?;
                if field.tag()
                    == (Tag::ContextSpecific {
                        constructed: true,
                        number: TagNumber::N0,
                    })
                {
                    explicit = AnyRef::from_der(field.value())
                        .is_ok_and(|inner| inner.tag() == Tag::Sequence);
                }
            }
            Ok(explicit)
        })
        .unwrap_or(false)
}

/// The error for a key block whose label names a format we do not read.
pub(crate) fn unsupported_label(label: &str) -> Error {
    let (found, hint) = match label {
        "DSA PRIVATE KEY" => ("a DSA key".to_owned(), NEW_EC_KEY),
        "OPENSSH PRIVATE KEY" => (
            "an OpenSSH-format key".to_owned(),
            "convert it to PKCS#8 with ssh-keygen -p -m PKCS8 -f key, or use the key the certificate was issued for",
        ),
        other => (format!("a \"{other}\" block"), "give a PKCS#8 PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY"),
    };
    unsupported(found, hint)
}

fn unsupported(found: String, hint: &str) -> Error {
    Error::new(ErrorKind::UnsupportedKey {
        found,
        hint: hint.to_owned(),
    })
}

/// Describes a certificate's public key ("RSA 2048-bit", "ECDSA P-256", …)
/// from its SubjectPublicKeyInfo DER, for messages.
pub fn describe_public_key(spki: &[u8]) -> String {
    use x509_parser::prelude::FromDer;
    use x509_parser::public_key::PublicKey;
    let Ok((_, info)) = x509_parser::x509::SubjectPublicKeyInfo::from_der(spki) else {
        return "an unreadable public key".to_owned();
    };
    let algorithm = info.algorithm.algorithm.to_id_string();
    match info.parsed() {
        Ok(PublicKey::RSA(rsa)) => format!("RSA {}-bit", rsa.key_size()),
        Ok(PublicKey::EC(_)) => {
            let curve = info
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string());
            match curve.as_deref() {
                Some("1.2.840.10045.3.1.7") => "ECDSA P-256".to_owned(),
                Some("1.3.132.0.34") => "ECDSA P-384".to_owned(),
                Some("1.3.132.0.35") => "ECDSA P-521".to_owned(),
                Some("1.2.840.10045.3.1.1") => "ECDSA P-192".to_owned(),
                Some("1.3.132.0.33") => "ECDSA P-224".to_owned(),
                Some("1.3.132.0.10") => "ECDSA secp256k1".to_owned(),
                Some(other) => format!("EC on curve {other}"),
                None => "EC".to_owned(),
            }
        }
        _ if algorithm == "1.3.101.112" => "Ed25519".to_owned(),
        _ if algorithm == "1.3.101.113" => "Ed448".to_owned(),
        _ if algorithm == "1.2.840.10040.4.1" => "DSA".to_owned(),
        _ => format!("a key with algorithm {algorithm}"),
    }
}
