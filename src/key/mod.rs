//! Private keys: finding the key block, recognising its format and type,
//! decrypting it, and normalising it to unencrypted PKCS#8.
//!
//! Formats: PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`, SEC1
//! `EC PRIVATE KEY`, PKCS#8 `ENCRYPTED PRIVATE KEY`, OpenSSL's legacy
//! `Proc-Type: 4,ENCRYPTED`, and the same structures in DER (recognised by
//! their shape, so that a key gets the same verdict in either encoding).
//! Types: RSA 2048–8192, ECDSA P-256, P-384, P-521, Ed25519. The result is
//! always PKCS#8 v1 as OpenSSL writes it (OpenSSL 3.0 refuses v2), and the
//! key is validated by the crypto provider that will sign with it, so a key
//! accepted here is a key rustls and Node can use.

pub mod encrypted;
mod kind;

use std::fmt;
use std::sync::Arc;

use pkcs8::der::asn1::AnyRef;
use pkcs8::der::{Decode, Encode};
use pkcs8::spki::AlgorithmIdentifierRef;
use pkcs8::PrivateKeyInfo;
use rustls::sign::SigningKey;
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer, SubjectPublicKeyInfoDer};
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};
use crate::pem::{self, Block};
use crate::warning::{Warning, WarningCode};

pub use encrypted::Encryption;
pub use kind::{describe_public_key, KeyType};

/// How the key was stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFormat {
    /// PKCS#8 `PRIVATE KEY`.
    Pkcs8,
    /// PKCS#1 `RSA PRIVATE KEY`.
    Pkcs1,
    /// SEC1 `EC PRIVATE KEY`.
    Sec1,
    /// PKCS#8 `ENCRYPTED PRIVATE KEY`.
    EncryptedPkcs8,
    /// OpenSSL's legacy `Proc-Type: 4,ENCRYPTED` PEM (PKCS#1 or SEC1 inside).
    LegacyEncrypted,
}

impl fmt::Display for KeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyFormat::Pkcs8 => "PKCS#8",
            KeyFormat::Pkcs1 => "PKCS#1",
            KeyFormat::Sec1 => "SEC1",
            KeyFormat::EncryptedPkcs8 => "encrypted PKCS#8",
            KeyFormat::LegacyEncrypted => "legacy encrypted PEM",
        })
    }
}

/// A usable private key, held as unencrypted PKCS#8 and wiped on drop.
#[derive(Clone)]
pub struct PrivateKey {
    pkcs8: Zeroizing<Vec<u8>>,
    key_type: KeyType,
    format: KeyFormat,
    encryption: Option<Encryption>,
    signing_key: Arc<dyn SigningKey>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("key_type", &self.key_type)
            .field("format", &self.format)
            .field("encryption", &self.encryption)
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// The key as unencrypted PKCS#8 DER. Secret: do not log it.
    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The key as an unencrypted `PRIVATE KEY` PEM block. Secret: do not log it.
    pub fn pkcs8_pem(&self) -> Zeroizing<String> {
        Zeroizing::new(crate::certificate::pem_encode("PRIVATE KEY", &self.pkcs8))
    }

    /// The key as rustls takes it. The copy is not wiped when dropped (the
    /// type does not wipe itself); call `zeroize()` on it when done.
    pub fn to_rustls(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.pkcs8.to_vec()))
    }

    /// Algorithm and size.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// How it was stored.
    pub fn format(&self) -> KeyFormat {
        self.format
    }

    /// How it was encrypted, if it was.
    pub fn encryption(&self) -> Option<&Encryption> {
        self.encryption.as_ref()
    }

    /// The public key as SubjectPublicKeyInfo DER (what a certificate carries).
    pub fn public_key(&self) -> Option<SubjectPublicKeyInfoDer<'_>> {
        self.signing_key.public_key()
    }

    /// The provider's signing key, ready for a `rustls::sign::CertifiedKey`.
    pub fn signing_key(&self) -> Arc<dyn SigningKey> {
        self.signing_key.clone()
    }
}

/// Loads the first private key in `input` (PEM or DER), decrypting it with
/// `passphrase` when it is encrypted. Errors carry the PEM block; the caller
/// adds the variable and source. A passphrase given for a plain key adds a
/// warning.
pub fn load_private_key(
    input: &[u8],
    passphrase: Option<&[u8]>,
) -> Result<(PrivateKey, Vec<Warning>)> {
    let mut warnings = Vec::new();
    if !pem::contains_pem(input) {
        let key = from_der(input, passphrase, &mut warnings)?;
        return Ok((key, warnings));
    }
    // Two passes over the text rather than one kept in memory (see `pem::blocks`).
    let curve_hint = pem::blocks(input).find_map(|s| match &s.block {
        Ok(block) if block.label == "EC PARAMETERS" => kind::curve_from_parameters(&block.der),
        _ => None,
    });
    let mut found = Vec::new();
    for entry in pem::blocks(input) {
        if !is_key_label(&entry.label) {
            pem::remember_label(&mut found, &entry.label);
            continue;
        }
        let block = entry.block?;
        let at = |e: Error| e.with_block(block.index, Some(block.line));
        let key = from_block(&block, passphrase, curve_hint, &mut warnings).map_err(at)?;
        return Ok((key, warnings));
    }
    Err(Error::new(ErrorKind::NoPrivateKey { found }))
}

fn is_key_label(label: &str) -> bool {
    label.ends_with("PRIVATE KEY")
}

fn passphrase_unused() -> Warning {
    Warning::new(
        WarningCode::PassphraseUnused,
        "a passphrase is set but the private key is not encrypted; the passphrase is ignored",
    )
}

fn from_block(
    block: &Block,
    passphrase: Option<&[u8]>,
    curve_hint: Option<KeyType>,
    warnings: &mut Vec<Warning>,
) -> Result<PrivateKey> {
    if let Some(encryption) = encrypted::describe(block)? {
        let Some(passphrase) = passphrase else {
            return Err(Error::new(ErrorKind::KeyEncrypted {
                scheme: encryption.to_string(),
            }));
        };
        let decrypted = encrypted::decrypt(block, &encryption, passphrase)?;
        let format = match block.label.as_str() {
            "ENCRYPTED PRIVATE KEY" => KeyFormat::EncryptedPkcs8,
            _ => KeyFormat::LegacyEncrypted,
        };
        let inner = match block.label.as_str() {
            "RSA PRIVATE KEY" => KeyFormat::Pkcs1,
            "EC PRIVATE KEY" => KeyFormat::Sec1,
            _ => KeyFormat::Pkcs8,
        };
        // Decryption succeeding is not proof: padding matches by chance about
        // once in 256 tries. A wrong passphrase yields bytes that are no key.
        let mut key = normalise(inner, &decrypted, curve_hint).map_err(|e| match e.code() {
            crate::ErrorCode::PemInvalid => Error::new(ErrorKind::PassphraseWrong {
                scheme: encryption.to_string(),
            }),
            _ => e,
        })?;
        key.format = format;
        key.encryption = Some(encryption);
        return Ok(key);
    }
    let format = match block.label.as_str() {
        "PRIVATE KEY" => KeyFormat::Pkcs8,
        "RSA PRIVATE KEY" => KeyFormat::Pkcs1,
        "EC PRIVATE KEY" => KeyFormat::Sec1,
        other => return Err(kind::unsupported_label(other)),
    };
    if passphrase.is_some() {
        warnings.push(passphrase_unused());
    }
    normalise(format, &block.der, curve_hint)
}

/// A key file in DER form gets the verdict its content deserves, as the
/// same key in PEM would: the structure is recognised by its outer shape
/// (not by which parser happens to succeed), then read as that format.
fn from_der(
    input: &[u8],
    passphrase: Option<&[u8]>,
    warnings: &mut Vec<Warning>,
) -> Result<PrivateKey> {
    if input.first() != Some(&0x30) {
        return Err(Error::new(ErrorKind::NoPrivateKey { found: Vec::new() }));
    }
    let label = match der_shape(input) {
        DerShape::Pkcs8 => "PRIVATE KEY",
        DerShape::EncryptedPkcs8 => "ENCRYPTED PRIVATE KEY",
        DerShape::Pkcs1 => "RSA PRIVATE KEY",
        DerShape::Sec1 => "EC PRIVATE KEY",
        DerShape::Dsa => "DSA PRIVATE KEY",
        DerShape::Unknown => {
            return Err(Error::new(ErrorKind::MalformedKey {
                format: "DER",
                reason: "the bytes are neither PKCS#8, PKCS#1 nor SEC1".to_owned(),
            }))
        }
    };
    // The PEM path with the label the shape implies: one code and one
    // description for the same key, whatever its encoding.
    let block = Block {
        index: 1,
        line: 1,
        label: label.to_owned(),
        headers: Vec::new(),
        der: Zeroizing::new(input.to_vec()),
    };
    from_block(&block, passphrase, None, warnings)
}

/// The DER key structures, told apart by the types of their first fields.
#[derive(Debug, PartialEq, Eq)]
enum DerShape {
    /// PrivateKeyInfo / OneAsymmetricKey: INTEGER, SEQUENCE, OCTET STRING, …
    Pkcs8,
    /// EncryptedPrivateKeyInfo: SEQUENCE, OCTET STRING.
    EncryptedPkcs8,
    /// RSAPrivateKey: nine INTEGERs (and other primes for multi-prime keys).
    Pkcs1,
    /// ECPrivateKey: INTEGER 1, OCTET STRING, [0] parameters, [1] public key.
    Sec1,
    /// OpenSSL's traditional DSA key: six INTEGERs.
    Dsa,
    Unknown,
}

fn der_shape(der: &[u8]) -> DerShape {
    use pkcs8::der::{Reader, Tag, Tagged};
    let Ok(outer) = AnyRef::from_der(der) else {
        return DerShape::Unknown;
    };
    if outer.tag() != Tag::Sequence {
        return DerShape::Unknown;
    }
    let tags = outer.sequence(|reader| {
        let mut tags = Vec::new();
        while !reader.is_finished() && tags.len() < 12 {
            tags.push(reader.decode::<AnyRef<'_>>()?.tag());
        }
        Ok(tags)
    });
    let Ok(tags) = tags else {
        return DerShape::Unknown;
    };
    let integers = tags.iter().take_while(|t| **t == Tag::Integer).count();
    match tags.as_slice() {
        [Tag::Integer, Tag::Sequence, Tag::OctetString, ..] => DerShape::Pkcs8,
        [Tag::Sequence, Tag::OctetString] => DerShape::EncryptedPkcs8,
        [Tag::Integer, Tag::OctetString, ..] => DerShape::Sec1,
        _ if integers == 6 && tags.len() == 6 => DerShape::Dsa,
        _ if integers == 9 && tags.len() <= 10 => DerShape::Pkcs1,
        _ => DerShape::Unknown,
    }
}

/// The problem in a DER structure, in console-tls's words.
pub(crate) fn der_problem(error: &der::Error) -> String {
    use pkcs8::der::ErrorKind::*;
    let what = match error.kind() {
        Incomplete { .. } => "it ends early (truncated)",
        TrailingData { .. } => "bytes follow its end",
        TagUnexpected { .. } | TagUnknown { .. } | TagModeUnknown | TagNumberInvalid => {
            "a field is not of the expected type"
        }
        Length { .. } | Overlength | Overflow => "a length is wrong",
        Noncanonical { .. } => "it is not canonical DER",
        OidMalformed | OidUnknown { .. } => "an algorithm identifier is malformed",
        Value { .. } => "a field holds an invalid value",
        _ => "its structure is not the expected one",
    };
    match error.position() {
        Some(at) => format!("{what} (at byte {at})"),
        None => what.to_owned(),
    }
}

/// Turns an unencrypted key of `format` into a validated PKCS#8 v1 key,
/// byte for byte what `openssl pkcs8 -topk8 -nocrypt` writes for it.
fn normalise(format: KeyFormat, der: &[u8], curve_hint: Option<KeyType>) -> Result<PrivateKey> {
    let (pkcs8, key_type) = match format {
        KeyFormat::Pkcs1 => {
            let rsa = pkcs1::RsaPrivateKey::from_der(der).map_err(|e| {
                Error::new(ErrorKind::MalformedKey {
                    format: "PKCS#1",
                    reason: der_problem(&e),
                })
            })?;
            let key_type = kind::rsa_key_type(&rsa)?;
            (wrap_rsa(der)?, key_type)
        }
        KeyFormat::Sec1 => sec1_to_pkcs8(der, None, curve_hint)?,
        _ => {
            let info = PrivateKeyInfo::from_der(der).map_err(|e| {
                Error::new(ErrorKind::MalformedKey {
                    format: "PKCS#8",
                    reason: der_problem(&e),
                })
            })?;
            let key_type = kind::pkcs8_key_type(&info)?;
            // Rebuilt rather than passed on: a PKCS#8 v2 key (RFC 5958, with
            // its public key, as ring and BoringSSL write Ed25519 keys) is
            // refused by OpenSSL 3.0's TLS, and attributes mean nothing to a
            // server. The result is v1, as OpenSSL writes it.
            match key_type {
                KeyType::Rsa { .. } => (wrap_rsa(info.private_key)?, key_type),
                KeyType::Ed25519 => {
                    let algorithm = AlgorithmIdentifierRef {
                        oid: kind::ED25519,
                        parameters: None,
                    };
                    (wrap(algorithm, info.private_key)?, key_type)
                }
                _ => sec1_to_pkcs8(info.private_key, Some(key_type), None)?,
            }
        }
    };
    // The provider's `KeyProvider::load_private_key` takes an owned copy of
    // the key and frees it unwiped; its aws-lc-rs implementation is this
    // function, which borrows. (aws-lc wipes what it frees.)
    let rustls_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pkcs8.as_slice()));
    let signing_key = rustls::crypto::aws_lc_rs::sign::any_supported_type(&rustls_der).map_err(
        // The provider's own words name its internals; the fact is that the
        // values do not make a key (a public key that is not the private
        // key's, a value out of range).
        |_| {
            Error::new(ErrorKind::MalformedKey {
                format: "private",
                reason: format!("the {key_type} key's values are inconsistent or out of range"),
            })
        },
    )?;
    Ok(PrivateKey {
        pkcs8,
        key_type,
        format,
        encryption: None,
        signing_key,
    })
}

fn wrap(algorithm: AlgorithmIdentifierRef<'_>, inner: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let wrapped = PrivateKeyInfo::new(algorithm, inner);
    wrapped.to_der().map(Zeroizing::new).map_err(|e| {
        Error::new(ErrorKind::MalformedKey {
            format: "PKCS#8",
            reason: der_problem(&e),
        })
    })
}

fn wrap_rsa(pkcs1: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let algorithm = AlgorithmIdentifierRef {
        oid: kind::RSA_ENCRYPTION,
        parameters: Some(AnyRef::NULL),
    };
    wrap(algorithm, pkcs1)
}

/// A SEC1 key (alone, or inside PKCS#8 whose algorithm named `outer`) as
/// PKCS#8 v1. PKCS#8 carries the curve in the algorithm identifier; OpenSSL
/// drops it from the inner structure, and so do we, so that the result
/// equals `openssl pkey`'s byte for byte.
fn sec1_to_pkcs8(
    der: &[u8],
    outer: Option<KeyType>,
    curve_hint: Option<KeyType>,
) -> Result<(Zeroizing<Vec<u8>>, KeyType)> {
    let malformed = |reason: String| {
        Error::new(ErrorKind::MalformedKey {
            format: "SEC1",
            reason,
        })
    };
    let ec = match sec1::EcPrivateKey::from_der(der) {
        Ok(ec) => ec,
        Err(_) if kind::sec1_has_explicit_parameters(der) => {
            return Err(kind::explicit_curve());
        }
        Err(e) => return Err(malformed(der_problem(&e))),
    };
    let curve = ec.parameters.and_then(|p| p.named_curve());
    let key_type = match (curve, outer) {
        (Some(oid), _) => kind::curve_key_type(oid)?,
        (None, Some(outer)) => outer,
        (None, None) => {
            curve_hint.ok_or_else(|| malformed("the key does not name its curve".to_owned()))?
        }
    };
    let curve_oid = kind::curve_oid(key_type);
    let inner = sec1::EcPrivateKey {
        private_key: ec.private_key,
        parameters: None,
        public_key: ec.public_key,
    };
    let inner = Zeroizing::new(inner.to_der().map_err(|e| malformed(der_problem(&e)))?);
    let algorithm = AlgorithmIdentifierRef {
        oid: kind::EC_PUBLIC_KEY,
        parameters: Some(AnyRef::from(&curve_oid)),
    };
    Ok((wrap(algorithm, &inner)?, key_type))
}
