//! Private keys: finding the key block, recognising its format and type,
//! decrypting it, and normalising it to unencrypted PKCS#8.
//!
//! Formats: PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`, SEC1
//! `EC PRIVATE KEY`, PKCS#8 `ENCRYPTED PRIVATE KEY`, OpenSSL's legacy
//! `Proc-Type: 4,ENCRYPTED`, and DER. Types: RSA 2048–8192, ECDSA P-256,
//! P-384, P-521, Ed25519. The key is validated by the crypto provider that
//! will sign with it, so a key accepted here is a key rustls can use.

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
        let key = from_der(input)?;
        if passphrase.is_some() {
            warnings.push(passphrase_unused());
        }
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

fn from_der(input: &[u8]) -> Result<PrivateKey> {
    if input.first() != Some(&0x30) {
        return Err(Error::new(ErrorKind::NoPrivateKey { found: Vec::new() }));
    }
    if pkcs8::EncryptedPrivateKeyInfo::from_der(input).is_ok() {
        return Err(Error::new(ErrorKind::UnsupportedKey {
            found: "an encrypted PKCS#8 key in DER form".to_owned(),
            hint: "convert it to PEM: openssl pkcs8 -inform DER -in key.der -topk8 -v2 aes-256-cbc -out key.pem".to_owned(),
        }));
    }
    [KeyFormat::Pkcs8, KeyFormat::Pkcs1, KeyFormat::Sec1]
        .into_iter()
        .find_map(|format| normalise(format, input, None).ok())
        .ok_or_else(|| {
            Error::new(ErrorKind::MalformedKey {
                format: "DER",
                reason: "the bytes are neither PKCS#8, PKCS#1 nor SEC1".to_owned(),
            })
        })
}

/// Turns an unencrypted key of `format` into a validated PKCS#8 key.
fn normalise(format: KeyFormat, der: &[u8], curve_hint: Option<KeyType>) -> Result<PrivateKey> {
    let malformed = |format: &'static str| {
        move |e: pkcs8::der::Error| {
            Error::new(ErrorKind::MalformedKey {
                format,
                reason: e.to_string(),
            })
        }
    };
    let (pkcs8, key_type) = match format {
        KeyFormat::Pkcs1 => {
            let rsa = pkcs1::RsaPrivateKey::from_der(der).map_err(|e| {
                Error::new(ErrorKind::MalformedKey {
                    format: "PKCS#1",
                    reason: e.to_string(),
                })
            })?;
            let key_type = kind::rsa_key_type(&rsa)?;
            let algorithm = AlgorithmIdentifierRef {
                oid: kind::RSA_ENCRYPTION,
                parameters: Some(AnyRef::NULL),
            };
            let wrapped = PrivateKeyInfo::new(algorithm, der);
            let pkcs8 = Zeroizing::new(wrapped.to_der().map_err(malformed("PKCS#1"))?);
            (pkcs8, key_type)
        }
        KeyFormat::Sec1 => {
            let ec = sec1::EcPrivateKey::from_der(der).map_err(|e| {
                Error::new(ErrorKind::MalformedKey {
                    format: "SEC1",
                    reason: e.to_string(),
                })
            })?;
            let curve = ec.parameters.and_then(|p| p.named_curve());
            let key_type = match curve {
                Some(oid) => kind::curve_key_type(oid)?,
                None => curve_hint.ok_or_else(|| {
                    Error::new(ErrorKind::MalformedKey {
                        format: "SEC1",
                        reason: "the key does not name its curve".to_owned(),
                    })
                })?,
            };
            let curve_oid = kind::curve_oid(key_type);
            // PKCS#8 carries the curve in the algorithm identifier; OpenSSL
            // drops it from the inner structure, and so do we, so that the
            // result equals `openssl pkey`'s byte for byte.
            let inner = sec1::EcPrivateKey {
                private_key: ec.private_key,
                parameters: None,
                public_key: ec.public_key,
            };
            let inner = Zeroizing::new(inner.to_der().map_err(malformed("SEC1"))?);
            let algorithm = AlgorithmIdentifierRef {
                oid: kind::EC_PUBLIC_KEY,
                parameters: Some(AnyRef::from(&curve_oid)),
            };
            let wrapped = PrivateKeyInfo::new(algorithm, &inner);
            let pkcs8 = Zeroizing::new(wrapped.to_der().map_err(malformed("SEC1"))?);
            (pkcs8, key_type)
        }
        _ => {
            let info = PrivateKeyInfo::from_der(der).map_err(malformed("PKCS#8"))?;
            let key_type = kind::pkcs8_key_type(&info)?;
            (Zeroizing::new(der.to_vec()), key_type)
        }
    };
    // The provider's `KeyProvider::load_private_key` takes an owned copy of
    // the key and frees it unwiped; its aws-lc-rs implementation is this
    // function, which borrows. (aws-lc wipes what it frees.)
    let rustls_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pkcs8.as_slice()));
    let signing_key =
        rustls::crypto::aws_lc_rs::sign::any_supported_type(&rustls_der).map_err(|e| {
            Error::new(ErrorKind::MalformedKey {
                format: "private",
                reason: format!("the {key_type} key is inconsistent ({e})"),
            })
        })?;
    Ok(PrivateKey {
        pkcs8,
        key_type,
        format,
        encryption: None,
        signing_key,
    })
}
