//! Encrypted private keys: PKCS#8 `ENCRYPTED PRIVATE KEY` (PBES2) and
//! OpenSSL's legacy `Proc-Type: 4,ENCRYPTED` + `DEK-Info` PEM encryption.
//!
//! [`describe`] reads how a key is encrypted without a passphrase (for
//! `ERR_KEY_ENCRYPTED` and `console-tls inspect`); [`decrypt`] returns the
//! inner key's DER. Work factors are bounded so that a hostile file cannot
//! make start-up hang or exhaust memory.

use std::fmt;

use der::asn1::{ObjectIdentifier, OctetStringRef};
use der::{Decode, Sequence};
use pkcs8::pkcs5::pbes2::{self, Kdf, Pbkdf2Prf};
use pkcs8::pkcs5::EncryptionScheme;
use pkcs8::spki::AlgorithmIdentifierRef;
use pkcs8::EncryptedPrivateKeyInfo;
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};
use crate::pem::Block;

/// The largest PBKDF2 iteration count accepted (OpenSSL's default is 2048;
/// OWASP's 2023 advice for SHA-256 is 600 000).
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// The most memory scrypt may use (128 · N · r · p bytes): 256 MiB.
pub const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;

const CONVERT: &str =
    "convert it with openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -out key-pbes2.pem";

/// How a key is encrypted, as far as can be read without the passphrase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encryption {
    /// `"PBES2"` or `"legacy PEM (DEK-Info)"`.
    pub scheme: String,
    /// `"PBKDF2-HMAC-SHA256"`, `"scrypt (N=16384, r=8, p=1)"` or `"EVP_BytesToKey-MD5"`.
    pub kdf: String,
    /// PBKDF2's iteration count.
    pub iterations: Option<u32>,
    /// `"AES-256-CBC"`, `"DES-EDE3-CBC"`, …
    pub cipher: String,
}

impl fmt::Display for Encryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}", self.scheme, self.kdf)?;
        if let Some(iterations) = self.iterations {
            write!(f, " with {iterations} iterations")?;
        }
        write!(f, ", {}", self.cipher)
    }
}

/// `Some` when `block` is an encrypted key; an error when it is encrypted
/// in a way that is not supported.
pub fn describe(block: &Block) -> Result<Option<Encryption>> {
    if block.label == "ENCRYPTED PRIVATE KEY" {
        return describe_pkcs8(&block.der).map(Some);
    }
    match block.header("Proc-Type") {
        Some(value) if value.contains("ENCRYPTED") => describe_legacy(block).map(Some),
        _ => Ok(None),
    }
}

/// Decrypts `block`, returning the inner key's DER: PKCS#8 for
/// `ENCRYPTED PRIVATE KEY`, PKCS#1 or SEC1 for legacy encryption.
pub fn decrypt(
    block: &Block,
    encryption: &Encryption,
    passphrase: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let wrong = || {
        Error::new(ErrorKind::PassphraseWrong {
            scheme: encryption.to_string(),
        })
    };
    if block.label == "ENCRYPTED PRIVATE KEY" {
        let info = EncryptedPrivateKeyInfo::from_der(&block.der).map_err(|e| malformed(&e))?;
        let mut buffer = Zeroizing::new(info.encrypted_data.to_vec());
        let plain = info
            .encryption_algorithm
            .decrypt_in_place(passphrase, &mut buffer)
            .map_err(|_| wrong())?;
        return Ok(Zeroizing::new(plain.to_vec()));
    }
    let (cipher, iv) = dek_info(block)?;
    let key = evp_bytes_to_key(passphrase, &iv[..8], cipher.key_len());
    cipher.decrypt(&key, &iv, &block.der).ok_or_else(wrong)
}

fn malformed(error: &dyn fmt::Display) -> Error {
    Error::new(ErrorKind::MalformedKey {
        format: "encrypted PKCS#8",
        reason: error.to_string(),
    })
}

fn unsupported(found: String) -> Error {
    Error::new(ErrorKind::UnsupportedKey {
        found,
        hint: CONVERT.to_owned(),
    })
}

fn describe_pkcs8(der: &[u8]) -> Result<Encryption> {
    let info = match EncryptedPrivateKeyInfo::from_der(der) {
        Ok(info) => info,
        Err(error) => return Err(explain_undecodable(der).unwrap_or_else(|| malformed(&error))),
    };
    let params = match &info.encryption_algorithm {
        EncryptionScheme::Pbes2(params) => params,
        EncryptionScheme::Pbes1(algorithm) => {
            return Err(unsupported(format!(
                "a key encrypted with PBES1 ({}), which is obsolete",
                algorithm.encryption.oid()
            )))
        }
        other => {
            return Err(unsupported(format!(
                "a key encrypted with {}",
                oid_name(other.oid())
            )))
        }
    };
    let (kdf, iterations) = match &params.kdf {
        Kdf::Pbkdf2(pbkdf2) => {
            if pbkdf2.iteration_count > MAX_PBKDF2_ITERATIONS {
                return Err(unsupported(format!(
                    "a key encrypted with {} PBKDF2 iterations (at most {MAX_PBKDF2_ITERATIONS} are accepted)",
                    pbkdf2.iteration_count
                )));
            }
            let prf = match pbkdf2.prf {
                Pbkdf2Prf::HmacWithSha1 => "SHA1",
                Pbkdf2Prf::HmacWithSha224 => "SHA224",
                Pbkdf2Prf::HmacWithSha256 => "SHA256",
                Pbkdf2Prf::HmacWithSha384 => "SHA384",
                Pbkdf2Prf::HmacWithSha512 => "SHA512",
                _ => "an unknown PRF",
            };
            (format!("PBKDF2-HMAC-{prf}"), Some(pbkdf2.iteration_count))
        }
        Kdf::Scrypt(scrypt) => {
            let n = 1u64 << scrypt.cost_parameter.ilog2().min(63);
            let memory = 128u64
                .saturating_mul(scrypt.cost_parameter)
                .saturating_mul(u64::from(scrypt.block_size))
                .saturating_mul(u64::from(scrypt.parallelization));
            if memory > MAX_SCRYPT_MEMORY || n != scrypt.cost_parameter {
                return Err(unsupported(format!(
                    "a key encrypted with scrypt N={}, r={}, p={} (more than {} MiB of work memory)",
                    scrypt.cost_parameter,
                    scrypt.block_size,
                    scrypt.parallelization,
                    MAX_SCRYPT_MEMORY >> 20
                )));
            }
            (
                format!(
                    "scrypt (N={}, r={}, p={})",
                    scrypt.cost_parameter, scrypt.block_size, scrypt.parallelization
                ),
                None,
            )
        }
        other => {
            return Err(unsupported(format!(
                "a PBES2 key with key derivation {}",
                oid_name(other.oid())
            )))
        }
    };
    let cipher = match params.encryption {
        pbes2::EncryptionScheme::Aes128Cbc { .. } => "AES-128-CBC",
        pbes2::EncryptionScheme::Aes192Cbc { .. } => "AES-192-CBC",
        pbes2::EncryptionScheme::Aes256Cbc { .. } => "AES-256-CBC",
        pbes2::EncryptionScheme::DesEde3Cbc { .. } => "DES-EDE3-CBC",
        _ => {
            return Err(unsupported(
                "a key encrypted with single DES, which is broken".to_owned(),
            ))
        }
    };
    Ok(Encryption {
        scheme: "PBES2".to_owned(),
        kdf,
        iterations,
        cipher: cipher.to_owned(),
    })
}

/// The outer shape of EncryptedPrivateKeyInfo, read without understanding
/// the algorithm, so that unsupported schemes can be named.
#[derive(Sequence)]
struct OpaqueEncryptedKey<'a> {
    algorithm: AlgorithmIdentifierRef<'a>,
    data: OctetStringRef<'a>,
}

#[derive(Sequence)]
struct OpaquePbes2Params<'a> {
    kdf: AlgorithmIdentifierRef<'a>,
    cipher: AlgorithmIdentifierRef<'a>,
}

fn explain_undecodable(der: &[u8]) -> Option<Error> {
    const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
    let outer = OpaqueEncryptedKey::from_der(der).ok()?;
    let oid = outer.algorithm.oid;
    let name = oid_name(oid);
    if oid != PBES2 {
        let kind = if oid.to_string().starts_with("1.2.840.113549.1.12.1.") {
            "PKCS#12 PBE"
        } else {
            "PBES1"
        };
        return Some(unsupported(format!(
            "a key encrypted with {kind} ({name}), which is obsolete"
        )));
    }
    let params = outer
        .algorithm
        .parameters
        .and_then(|p| p.decode_as::<OpaquePbes2Params<'_>>().ok())?;
    Some(unsupported(format!(
        "a PBES2 key with key derivation {} and cipher {}",
        oid_name(params.kdf.oid),
        oid_name(params.cipher.oid)
    )))
}

fn oid_name(oid: ObjectIdentifier) -> String {
    let name = match oid.to_string().as_str() {
        "1.2.840.113549.1.5.3" => "pbeWithMD5AndDES-CBC",
        "1.2.840.113549.1.5.6" => "pbeWithMD5AndRC2-CBC",
        "1.2.840.113549.1.5.10" => "pbeWithSHA1AndDES-CBC",
        "1.2.840.113549.1.5.11" => "pbeWithSHA1AndRC2-CBC",
        "1.2.840.113549.1.12.1.1" => "pbeWithSHAAnd128BitRC4",
        "1.2.840.113549.1.12.1.3" => "pbeWithSHAAnd3-KeyTripleDES-CBC",
        "1.2.840.113549.1.12.1.6" => "pbeWithSHAAnd40BitRC2-CBC",
        "1.2.840.113549.1.5.12" => "PBKDF2",
        "1.3.6.1.4.1.11591.4.11" => "scrypt",
        "2.16.840.1.101.3.4.1.6" => "AES-128-GCM",
        "2.16.840.1.101.3.4.1.46" => "AES-256-GCM",
        "1.2.392.200011.61.1.1.1.2" => "CAMELLIA-128-CBC",
        "1.2.392.200011.61.1.1.1.4" => "CAMELLIA-256-CBC",
        "1.3.14.3.2.7" => "DES-CBC",
        "1.2.840.113549.3.2" => "RC2-CBC",
        _ => return oid.to_string(),
    };
    format!("{name}, {oid}")
}

/// A legacy `DEK-Info` cipher (every one is CBC, as OpenSSL names them).
#[allow(clippy::enum_variant_names)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LegacyCipher {
    Aes128Cbc,
    Aes192Cbc,
    Aes256Cbc,
    DesEde3Cbc,
}

impl LegacyCipher {
    fn from_name(name: &str) -> Option<LegacyCipher> {
        match name.to_ascii_uppercase().as_str() {
            "AES-128-CBC" => Some(LegacyCipher::Aes128Cbc),
            "AES-192-CBC" => Some(LegacyCipher::Aes192Cbc),
            "AES-256-CBC" => Some(LegacyCipher::Aes256Cbc),
            "DES-EDE3-CBC" => Some(LegacyCipher::DesEde3Cbc),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            LegacyCipher::Aes128Cbc => "AES-128-CBC",
            LegacyCipher::Aes192Cbc => "AES-192-CBC",
            LegacyCipher::Aes256Cbc => "AES-256-CBC",
            LegacyCipher::DesEde3Cbc => "DES-EDE3-CBC",
        }
    }

    fn key_len(self) -> usize {
        match self {
            LegacyCipher::Aes128Cbc => 16,
            LegacyCipher::Aes192Cbc | LegacyCipher::DesEde3Cbc => 24,
            LegacyCipher::Aes256Cbc => 32,
        }
    }

    fn iv_len(self) -> usize {
        match self {
            LegacyCipher::DesEde3Cbc => 8,
            _ => 16,
        }
    }

    /// Decrypts and strips PKCS#7 padding; `None` when the padding is wrong.
    fn decrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        use cbc::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
        fn run<C: BlockDecryptMut + KeyIvInit>(
            key: &[u8],
            iv: &[u8],
            data: &[u8],
        ) -> Option<Zeroizing<Vec<u8>>> {
            let mut buffer = Zeroizing::new(data.to_vec());
            let cipher = C::new_from_slices(key, iv).ok()?;
            let len = cipher.decrypt_padded_mut::<Pkcs7>(&mut buffer).ok()?.len();
            buffer.truncate(len);
            Some(buffer)
        }
        match self {
            LegacyCipher::Aes128Cbc => run::<cbc::Decryptor<aes::Aes128>>(key, iv, data),
            LegacyCipher::Aes192Cbc => run::<cbc::Decryptor<aes::Aes192>>(key, iv, data),
            LegacyCipher::Aes256Cbc => run::<cbc::Decryptor<aes::Aes256>>(key, iv, data),
            LegacyCipher::DesEde3Cbc => run::<cbc::Decryptor<des::TdesEde3>>(key, iv, data),
        }
    }
}

fn dek_info(block: &Block) -> Result<(LegacyCipher, Vec<u8>)> {
    let bad = |reason: &str| {
        Error::new(ErrorKind::MalformedKey {
            format: "legacy encrypted PEM",
            reason: reason.to_owned(),
        })
    };
    let value = block
        .header("DEK-Info")
        .ok_or_else(|| bad("Proc-Type says ENCRYPTED but there is no DEK-Info header"))?;
    let (name, iv_hex) = value
        .split_once(',')
        .ok_or_else(|| bad("the DEK-Info header has no IV"))?;
    let cipher = LegacyCipher::from_name(name.trim())
        .ok_or_else(|| unsupported(format!("a key with legacy PEM encryption {}", name.trim())))?;
    let iv = decode_hex(iv_hex.trim()).ok_or_else(|| bad("the DEK-Info IV is not hexadecimal"))?;
    if iv.len() != cipher.iv_len() {
        return Err(bad("the DEK-Info IV has the wrong length for its cipher"));
    }
    if block.label != "RSA PRIVATE KEY" && block.label != "EC PRIVATE KEY" {
        return Err(unsupported(format!(
            "a legacy-encrypted \"{}\" block",
            block.label
        )));
    }
    Ok((cipher, iv))
}

fn describe_legacy(block: &Block) -> Result<Encryption> {
    let (cipher, _) = dek_info(block)?;
    Ok(Encryption {
        scheme: "legacy PEM (DEK-Info)".to_owned(),
        kdf: "EVP_BytesToKey-MD5".to_owned(),
        iterations: None,
        cipher: cipher.name().to_owned(),
    })
}

/// OpenSSL's `EVP_BytesToKey` with MD5 and one iteration, as used by
/// `PEM_write_bio_PrivateKey`'s legacy encryption: D_i = MD5(D_{i-1} || P || S).
fn evp_bytes_to_key(passphrase: &[u8], salt: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    use md5::{Digest, Md5};
    let mut key = Zeroizing::new(Vec::with_capacity(len + 16));
    let mut previous: Option<Zeroizing<[u8; 16]>> = None;
    while key.len() < len {
        let mut hasher = Md5::new();
        if let Some(previous) = &previous {
            hasher.update(previous.as_slice());
        }
        hasher.update(passphrase);
        hasher.update(salt);
        let digest = Zeroizing::new(<[u8; 16]>::from(hasher.finalize()));
        key.extend_from_slice(digest.as_slice());
        previous = Some(digest);
    }
    key.truncate(len);
    key
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
