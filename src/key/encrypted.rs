//! Encrypted private keys: PKCS#8 `ENCRYPTED PRIVATE KEY` (PBES2) and
//! OpenSSL's legacy `Proc-Type: 4,ENCRYPTED` + `DEK-Info` PEM encryption.
//!
//! [`describe`] reads how a key is encrypted without a passphrase (for
//! `ERR_KEY_ENCRYPTED` and `console-tls inspect`); [`decrypt`] returns the
//! inner key's DER. Work factors are bounded before any work is done, so that
//! a hostile file cannot make start-up hang or exhaust memory.
//!
//! The `pkcs8`/`pkcs5` crates parse the structures; the key derivation and
//! decryption are driven here, because `pkcs5` leaves its derived key in
//! memory (see its `EncryptionKey`). PBKDF2 runs in aws-lc (which cleanses
//! its HMAC contexts; RustCrypto's `pbkdf2` for the one PRF aws-lc-rs lacks,
//! SHA-224), scrypt in RustCrypto's `scrypt`, the block ciphers wipe their key
//! schedules (`zeroize` features of `aes`, `des`, `cbc`), and every buffer
//! here that holds a derived key or plaintext is `Zeroizing`. Not wiped:
//! `scrypt`'s work buffers and stack temporaries inside other crates (an HMAC
//! `Tag`, MD5's state). A reader of this process's memory gains nothing from
//! them that the decrypted key, which the server keeps to sign with, does not
//! already give; no cryptographic primitive is written out here.

use std::fmt;
use std::num::NonZeroU32;

use aws_lc_rs::pbkdf2;
use der::asn1::{ObjectIdentifier, OctetStringRef};
use der::{Decode, Reader, Sequence};
use pkcs8::pkcs5::pbes2::{self, Pbkdf2Prf};
use pkcs8::pkcs5::EncryptionScheme;
use pkcs8::spki::AlgorithmIdentifierRef;
use pkcs8::EncryptedPrivateKeyInfo;
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};
use crate::pem::Block;

/// The largest PBKDF2 iteration count accepted (OpenSSL's default is 2048;
/// OWASP's 2023 advice is 1 300 000 for HMAC-SHA1 and 600 000 for SHA-256).
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// The most work scrypt may do, counted as memory: 128 · N · r · p bytes
/// (N = 2^18, r = 8, p = 1 at most; OpenSSL itself refuses more than 32 MiB).
pub const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;

const CONVERT: &str =
    "convert it with openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -out key-pbes2.pem";
const CONVERT_OBSOLETE: &str = "convert it with openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -out key-pbes2.pem (to read single-DES, RC2 and RC4 schemes, OpenSSL 3 also needs -provider legacy -provider default)";

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
/// in a way that is not supported (or with hostile work factors).
pub fn describe(block: &Block) -> Result<Option<Encryption>> {
    if block.label == "ENCRYPTED PRIVATE KEY" {
        let info = parse_pkcs8(&block.der)?;
        return Pbes2::from_info(&info).map(|pbes2| Some(pbes2.describe()));
    }
    if is_legacy_encrypted(block) {
        return describe_legacy(block).map(Some);
    }
    Ok(None)
}

/// Decrypts `block`, returning the inner key's DER: PKCS#8 for
/// `ENCRYPTED PRIVATE KEY`, PKCS#1 or SEC1 for legacy encryption.
///
/// `Ok` means the padding was right, not that the passphrase was: about one
/// wrong passphrase in 256 passes the padding check, so the caller must check
/// that the result is a key (as `load_private_key` does).
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
        let info = parse_pkcs8(&block.der)?;
        // The limits are checked again here: `encryption` is only a description.
        let pbes2 = Pbes2::from_info(&info)?;
        let key = pbes2.derive_key(passphrase)?;
        return pbes2
            .cipher
            .decrypt(&key, pbes2.iv, info.encrypted_data)
            .ok_or_else(wrong);
    }
    if !is_legacy_encrypted(block) {
        return Err(Error::new(ErrorKind::MalformedKey {
            format: "encrypted",
            reason: "the block is not encrypted".to_owned(),
        }));
    }
    let (cipher, iv) = dek_info(block)?;
    let key = evp_bytes_to_key(passphrase, &iv[..8], cipher.key_len());
    cipher.decrypt(&key, &iv, &block.der).ok_or_else(wrong)
}

fn malformed(reason: impl fmt::Display) -> Error {
    Error::new(ErrorKind::MalformedKey {
        format: "encrypted PKCS#8",
        reason: reason.to_string(),
    })
}

fn unsupported(found: String) -> Error {
    Error::new(ErrorKind::UnsupportedKey {
        found,
        hint: CONVERT.to_owned(),
    })
}

fn obsolete(found: String) -> Error {
    Error::new(ErrorKind::UnsupportedKey {
        found,
        hint: CONVERT_OBSOLETE.to_owned(),
    })
}

fn parse_pkcs8(der: &[u8]) -> Result<EncryptedPrivateKeyInfo<'_>> {
    EncryptedPrivateKeyInfo::from_der(der).map_err(|error| {
        explain_undecodable(der).unwrap_or_else(|| malformed(super::der_problem(&error)))
    })
}

/// A PBES2 key's parameters, checked: supported algorithms, bounded work.
struct Pbes2<'a> {
    kdf: Kdf<'a>,
    cipher: CbcCipher,
    iv: &'a [u8],
}

enum Kdf<'a> {
    Pbkdf2 {
        prf: Prf,
        salt: &'a [u8],
        iterations: NonZeroU32,
    },
    Scrypt {
        salt: &'a [u8],
        log_n: u32,
        r: u32,
        p: u32,
    },
}

#[derive(Clone, Copy)]
enum Prf {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Prf {
    fn name(self) -> &'static str {
        match self {
            Prf::Sha1 => "SHA1",
            Prf::Sha224 => "SHA224",
            Prf::Sha256 => "SHA256",
            Prf::Sha384 => "SHA384",
            Prf::Sha512 => "SHA512",
        }
    }
}

impl<'a> Pbes2<'a> {
    fn from_info(info: &EncryptedPrivateKeyInfo<'a>) -> Result<Pbes2<'a>> {
        let params = match &info.encryption_algorithm {
            EncryptionScheme::Pbes2(params) => params,
            EncryptionScheme::Pbes1(algorithm) => {
                return Err(obsolete(format!(
                    "a key encrypted with the obsolete PBES1 scheme {}",
                    oid_name(algorithm.encryption.oid())
                )))
            }
            other => {
                return Err(unsupported(format!(
                    "a key encrypted with {}",
                    oid_name(other.oid())
                )))
            }
        };
        let (cipher, iv): (CbcCipher, &[u8]) = match params.encryption {
            pbes2::EncryptionScheme::Aes128Cbc { iv } => (CbcCipher::Aes128, iv),
            pbes2::EncryptionScheme::Aes192Cbc { iv } => (CbcCipher::Aes192, iv),
            pbes2::EncryptionScheme::Aes256Cbc { iv } => (CbcCipher::Aes256, iv),
            pbes2::EncryptionScheme::DesEde3Cbc { iv } => (CbcCipher::DesEde3, iv),
            other => {
                return Err(obsolete(format!(
                    "a PBES2 key encrypted with the broken cipher {}",
                    oid_name(other.oid())
                )))
            }
        };
        check_whole_blocks(cipher, info.encrypted_data).map_err(malformed)?;
        if let Some(length) = params.kdf.key_length() {
            if usize::from(length) != cipher.key_len() {
                return Err(malformed(format_args!(
                    "the key derivation asks for a {length}-byte key but {} takes {}",
                    cipher.name(),
                    cipher.key_len()
                )));
            }
        }
        let kdf = match &params.kdf {
            pbes2::Kdf::Pbkdf2(pbkdf2) => {
                let prf = match pbkdf2.prf {
                    Pbkdf2Prf::HmacWithSha1 => Prf::Sha1,
                    Pbkdf2Prf::HmacWithSha224 => Prf::Sha224,
                    Pbkdf2Prf::HmacWithSha256 => Prf::Sha256,
                    Pbkdf2Prf::HmacWithSha384 => Prf::Sha384,
                    Pbkdf2Prf::HmacWithSha512 => Prf::Sha512,
                    other => {
                        return Err(unsupported(format!(
                            "a PBES2 key with PBKDF2 using {}",
                            oid_name(other.oid())
                        )))
                    }
                };
                if pbkdf2.iteration_count > MAX_PBKDF2_ITERATIONS {
                    return Err(unsupported(format!(
                        "a key encrypted with {} PBKDF2 iterations (at most {MAX_PBKDF2_ITERATIONS} are accepted)",
                        pbkdf2.iteration_count
                    )));
                }
                let iterations = NonZeroU32::new(pbkdf2.iteration_count)
                    .ok_or_else(|| malformed("the PBKDF2 iteration count is 0"))?;
                Kdf::Pbkdf2 {
                    prf,
                    salt: pbkdf2.salt,
                    iterations,
                }
            }
            pbes2::Kdf::Scrypt(scrypt) => {
                let n = scrypt.cost_parameter;
                let r = u32::from(scrypt.block_size);
                let p = u32::from(scrypt.parallelization);
                let work = 128u64
                    .saturating_mul(n)
                    .saturating_mul(u64::from(r))
                    .saturating_mul(u64::from(p));
                if n < 2 || !n.is_power_of_two() || r == 0 || p == 0 {
                    return Err(malformed(format_args!(
                        "the scrypt parameters N={n}, r={r}, p={p} are invalid (N must be a power of 2 above 1, r and p at least 1)"
                    )));
                }
                if work > MAX_SCRYPT_MEMORY {
                    return Err(unsupported(format!(
                        "a key encrypted with scrypt N={n}, r={r}, p={p} (more than {} MiB of work memory)",
                        MAX_SCRYPT_MEMORY >> 20
                    )));
                }
                Kdf::Scrypt {
                    salt: scrypt.salt,
                    log_n: n.trailing_zeros(),
                    r,
                    p,
                }
            }
            other => {
                return Err(unsupported(format!(
                    "a PBES2 key with key derivation {}",
                    oid_name(other.oid())
                )))
            }
        };
        Ok(Pbes2 { kdf, cipher, iv })
    }

    fn describe(&self) -> Encryption {
        let (kdf, iterations) = match &self.kdf {
            Kdf::Pbkdf2 {
                prf, iterations, ..
            } => (
                format!("PBKDF2-HMAC-{}", prf.name()),
                Some(iterations.get()),
            ),
            Kdf::Scrypt { log_n, r, p, .. } => {
                (format!("scrypt (N={}, r={r}, p={p})", 1u64 << log_n), None)
            }
        };
        Encryption {
            scheme: "PBES2".to_owned(),
            kdf,
            iterations,
            cipher: self.cipher.name().to_owned(),
        }
    }

    fn derive_key(&self, passphrase: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let mut key = Zeroizing::new(vec![0u8; self.cipher.key_len()]);
        match self.kdf {
            Kdf::Pbkdf2 {
                prf,
                salt,
                iterations,
            } => pbkdf2_hmac(prf, iterations, salt, passphrase, &mut key),
            Kdf::Scrypt { salt, log_n, r, p } => scrypt(passphrase, salt, log_n, r, p, &mut key)?,
        }
        Ok(key)
    }
}

/// PBKDF2 (RFC 8018 §5.2) in aws-lc, which wipes its HMAC state.
fn pbkdf2_hmac(prf: Prf, iterations: NonZeroU32, salt: &[u8], passphrase: &[u8], out: &mut [u8]) {
    let algorithm = match prf {
        Prf::Sha1 => pbkdf2::PBKDF2_HMAC_SHA1,
        Prf::Sha256 => pbkdf2::PBKDF2_HMAC_SHA256,
        Prf::Sha384 => pbkdf2::PBKDF2_HMAC_SHA384,
        Prf::Sha512 => pbkdf2::PBKDF2_HMAC_SHA512,
        // aws-lc-rs has no SHA-224 PBKDF2: RustCrypto's serves that one PRF.
        Prf::Sha224 => {
            return ::pbkdf2::pbkdf2_hmac::<sha2::Sha224>(passphrase, salt, iterations.get(), out)
        }
    };
    pbkdf2::derive(algorithm, iterations, salt, passphrase, out);
}

/// scrypt (RFC 7914) by the RustCrypto `scrypt` crate. Its work buffers are
/// freed without being wiped; that is accepted, because anyone who can read
/// this process's freed memory can read the decrypted key it serves with.
fn scrypt(
    passphrase: &[u8],
    salt: &[u8],
    log_n: u32,
    r: u32,
    p: u32,
    out: &mut [u8],
) -> Result<()> {
    let invalid = |_| malformed("the scrypt parameters are invalid");
    let log_n = u8::try_from(log_n).map_err(|_| malformed("the scrypt cost is out of range"))?;
    let params = ::scrypt::Params::new(log_n, r, p, out.len()).map_err(invalid)?;
    ::scrypt::scrypt(passphrase, salt, &params, out)
        .map_err(|_| malformed("the scrypt output length is invalid"))
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
    const PBKDF2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.12");
    let outer = OpaqueEncryptedKey::from_der(der).ok()?;
    let oid = outer.algorithm.oid;
    if oid != PBES2 {
        let dotted = oid.to_string();
        // Only the OIDs of those families are called by their name; anything
        // else is an encryption console-tls does not know, named as its OID.
        let kind = if dotted.starts_with("1.2.840.113549.1.12.1.") {
            "the obsolete PKCS#12 PBE scheme"
        } else if matches!(
            dotted.as_str(),
            "1.2.840.113549.1.5.1"
                | "1.2.840.113549.1.5.3"
                | "1.2.840.113549.1.5.4"
                | "1.2.840.113549.1.5.6"
                | "1.2.840.113549.1.5.10"
                | "1.2.840.113549.1.5.11"
        ) {
            "the obsolete PBES1 scheme"
        } else {
            return Some(unsupported(format!(
                "a key encrypted with an unknown scheme (OID {dotted})"
            )));
        };
        return Some(obsolete(format!(
            "a key encrypted with {kind} {}",
            oid_name(oid)
        )));
    }
    let params = outer
        .algorithm
        .parameters
        .and_then(|p| p.decode_as::<OpaquePbes2Params<'_>>().ok())?;
    let mut kdf = oid_name(params.kdf.oid);
    if params.kdf.oid == PBKDF2 {
        if let Some(prf) = params.kdf.parameters.and_then(pbkdf2_prf) {
            kdf = format!("PBKDF2 with {}", oid_name(prf));
        }
    }
    Some(unsupported(format!(
        "a PBES2 key with key derivation {kdf} and cipher {}",
        oid_name(params.cipher.oid)
    )))
}

/// The PRF named in PBKDF2-params (salt, iterationCount, keyLength?, prf?).
fn pbkdf2_prf(params: der::asn1::AnyRef<'_>) -> Option<ObjectIdentifier> {
    params
        .sequence(|reader| {
            let _salt = der::asn1::AnyRef::decode(reader)?;
            let _iterations = der::asn1::AnyRef::decode(reader)?;
            let mut prf = None;
            while !reader.is_finished() {
                let field = der::asn1::AnyRef::decode(reader)?;
                if let Ok(algorithm) = field.decode_as::<AlgorithmIdentifierRef<'_>>() {
                    prf = Some(algorithm.oid);
                }
            }
            Ok(prf)
        })
        .ok()
        .flatten()
}

fn oid_name(oid: ObjectIdentifier) -> String {
    let name = match oid.to_string().as_str() {
        "1.2.840.113549.1.5.1" => "pbeWithMD2AndDES-CBC",
        "1.2.840.113549.1.5.4" => "pbeWithMD2AndRC2-CBC",
        "1.2.840.113549.1.5.3" => "pbeWithMD5AndDES-CBC",
        "1.2.840.113549.1.5.6" => "pbeWithMD5AndRC2-CBC",
        "1.2.840.113549.1.5.10" => "pbeWithSHA1AndDES-CBC",
        "1.2.840.113549.1.5.11" => "pbeWithSHA1AndRC2-CBC",
        "1.2.840.113549.1.12.1.1" => "pbeWithSHAAnd128BitRC4",
        "1.2.840.113549.1.12.1.2" => "pbeWithSHAAnd40BitRC4",
        "1.2.840.113549.1.12.1.3" => "pbeWithSHAAnd3-KeyTripleDES-CBC",
        "1.2.840.113549.1.12.1.4" => "pbeWithSHAAnd2-KeyTripleDES-CBC",
        "1.2.840.113549.1.12.1.5" => "pbeWithSHAAnd128BitRC2-CBC",
        "1.2.840.113549.1.12.1.6" => "pbeWithSHAAnd40BitRC2-CBC",
        "1.2.840.113549.1.5.12" => "PBKDF2",
        "1.3.6.1.4.1.11591.4.11" => "scrypt",
        "1.2.840.113549.2.7" => "hmacWithSHA1",
        "1.2.840.113549.2.8" => "hmacWithSHA224",
        "1.2.840.113549.2.9" => "hmacWithSHA256",
        "1.2.840.113549.2.10" => "hmacWithSHA384",
        "1.2.840.113549.2.11" => "hmacWithSHA512",
        "1.2.840.113549.2.12" => "hmacWithSHA512-224",
        "1.2.840.113549.2.13" => "hmacWithSHA512-256",
        "2.16.840.1.101.3.4.2.13" => "hmacWithSHA3-224",
        "2.16.840.1.101.3.4.2.14" => "hmacWithSHA3-256",
        "2.16.840.1.101.3.4.2.15" => "hmacWithSHA3-384",
        "2.16.840.1.101.3.4.2.16" => "hmacWithSHA3-512",
        "2.16.840.1.101.3.4.1.2" => "AES-128-CBC",
        "2.16.840.1.101.3.4.1.22" => "AES-192-CBC",
        "2.16.840.1.101.3.4.1.42" => "AES-256-CBC",
        "1.2.840.113549.3.7" => "DES-EDE3-CBC",
        "2.16.840.1.101.3.4.1.6" => "AES-128-GCM",
        "2.16.840.1.101.3.4.1.26" => "AES-192-GCM",
        "2.16.840.1.101.3.4.1.46" => "AES-256-GCM",
        "1.2.392.200011.61.1.1.1.2" => "CAMELLIA-128-CBC",
        "1.2.392.200011.61.1.1.1.3" => "CAMELLIA-192-CBC",
        "1.2.392.200011.61.1.1.1.4" => "CAMELLIA-256-CBC",
        "1.3.14.3.2.7" => "DES-CBC",
        "1.2.840.113549.3.2" => "RC2-CBC",
        _ => return oid.to_string(),
    };
    format!("{name} ({oid})")
}

/// A block cipher in CBC mode with PKCS#7 padding, as both schemes use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CbcCipher {
    Aes128,
    Aes192,
    Aes256,
    DesEde3,
}

impl CbcCipher {
    fn from_name(name: &str) -> Option<CbcCipher> {
        match name.to_ascii_uppercase().as_str() {
            "AES-128-CBC" => Some(CbcCipher::Aes128),
            "AES-192-CBC" => Some(CbcCipher::Aes192),
            "AES-256-CBC" => Some(CbcCipher::Aes256),
            "DES-EDE3-CBC" => Some(CbcCipher::DesEde3),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            CbcCipher::Aes128 => "AES-128-CBC",
            CbcCipher::Aes192 => "AES-192-CBC",
            CbcCipher::Aes256 => "AES-256-CBC",
            CbcCipher::DesEde3 => "DES-EDE3-CBC",
        }
    }

    fn key_len(self) -> usize {
        match self {
            CbcCipher::Aes128 => 16,
            CbcCipher::Aes192 | CbcCipher::DesEde3 => 24,
            CbcCipher::Aes256 => 32,
        }
    }

    /// The block size, which is also the IV's length.
    fn block_len(self) -> usize {
        match self {
            CbcCipher::DesEde3 => 8,
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
            // The cipher (key schedule and chaining block) wipes itself on drop.
            let cipher = C::new_from_slices(key, iv).ok()?;
            let mut buffer = Zeroizing::new(data.to_vec());
            let len = cipher.decrypt_padded_mut::<Pkcs7>(&mut buffer).ok()?.len();
            buffer.truncate(len);
            Some(buffer)
        }
        match self {
            CbcCipher::Aes128 => run::<cbc::Decryptor<aes::Aes128>>(key, iv, data),
            CbcCipher::Aes192 => run::<cbc::Decryptor<aes::Aes192>>(key, iv, data),
            CbcCipher::Aes256 => run::<cbc::Decryptor<aes::Aes256>>(key, iv, data),
            CbcCipher::DesEde3 => run::<cbc::Decryptor<des::TdesEde3>>(key, iv, data),
        }
    }
}

/// CBC ciphertext is whole blocks: anything else is a damaged file, which
/// must not be reported as a wrong passphrase.
fn check_whole_blocks(cipher: CbcCipher, data: &[u8]) -> std::result::Result<(), String> {
    if !data.is_empty() && data.len().is_multiple_of(cipher.block_len()) {
        return Ok(());
    }
    Err(format!(
        "the encrypted key is {} bytes, not a whole number of {}-byte {} blocks; the file is truncated or damaged",
        data.len(),
        cipher.block_len(),
        cipher.name()
    ))
}

/// Legacy encryption exists only for the traditional RSA and EC formats;
/// other labels (a DSA key, say) are left for the key-type checks to name.
fn is_legacy_encrypted(block: &Block) -> bool {
    (block.label == "RSA PRIVATE KEY" || block.label == "EC PRIVATE KEY")
        && block
            .header("Proc-Type")
            .is_some_and(|value| value.contains("ENCRYPTED"))
}

fn dek_info(block: &Block) -> Result<(CbcCipher, Vec<u8>)> {
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
    let name = name.trim();
    let cipher = CbcCipher::from_name(name).ok_or_else(|| {
        let mut shown: String = name.chars().take(40).collect();
        if name.chars().count() > 40 {
            shown.push('…');
        }
        obsolete(format!("a key with legacy PEM encryption {shown:?}"))
    })?;
    let iv = decode_hex(iv_hex.trim()).ok_or_else(|| bad("the DEK-Info IV is not hexadecimal"))?;
    if iv.len() != cipher.block_len() {
        return Err(bad("the DEK-Info IV has the wrong length for its cipher"));
    }
    check_whole_blocks(cipher, &block.der).map_err(|reason| bad(&reason))?;
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
    use md5::digest::{Digest, FixedOutputReset};
    use md5::Md5;
    // Capacity for the last whole digest, so the vector never reallocates
    // (which would leave an unwiped copy behind).
    let mut key = Zeroizing::new(Vec::with_capacity(len + 16));
    let mut digest = Zeroizing::new([0u8; 16]);
    let mut hasher = Md5::new();
    while key.len() < len {
        if key.len() >= 16 {
            Digest::update(&mut hasher, &key[key.len() - 16..]);
        }
        Digest::update(&mut hasher, passphrase);
        Digest::update(&mut hasher, salt);
        FixedOutputReset::finalize_into_reset(&mut hasher, (&mut *digest).into());
        key.extend_from_slice(digest.as_slice());
    }
    // Resetting rewinds the hasher's 64-byte block buffer without clearing
    // it, and the tail of D || P || S is still there; 63 zero bytes (fewer
    // than a block, so they are buffered, not hashed in place) overwrite it.
    Digest::update(&mut hasher, [0u8; 63]);
    key.truncate(len);
    key
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        let text: String = text.split_whitespace().collect();
        decode_hex(&text).unwrap()
    }

    // RFC 7914 §12's first vector (the others take seconds in a debug
    // build), and one with r and p above 1 from `openssl kdf … SCRYPT`.
    #[test]
    fn scrypt_matches_rfc_7914_and_openssl() {
        let mut out = [0u8; 64];
        scrypt(b"", b"", 4, 1, 1, &mut out).unwrap();
        assert_eq!(
            out.to_vec(),
            hex("77 d6 57 62 38 65 7b 20 3b 19 ca 42 c1 8a 04 97 f1 6b 48 44 e3 07 4a e8 df df fa 3f ed e2 14 42
                 fc d0 06 9d ed 09 48 f8 32 6a 75 3a 0f c8 1f 17 e8 d3 e0 fb 2e 0d 36 28 cf 35 e2 0c 38 d1 89 06")
        );
        let mut out = [0u8; 40];
        scrypt(b"password", b"NaCl", 6, 2, 3, &mut out).unwrap();
        assert_eq!(
            out.to_vec(),
            hex("e787f6524a97b79614a30218208f5b60b4049b4b8de558c236335475d8ae7c54c7142fe00c52d5e1")
        );
    }

    // From `openssl kdf -kdfopt digest:SHA224 … PBKDF2`.
    #[test]
    fn pbkdf2_sha224_matches_openssl() {
        let mut out = [0u8; 40];
        let iterations = NonZeroU32::new(1000).unwrap();
        pbkdf2_hmac(Prf::Sha224, iterations, b"salt", b"password", &mut out);
        assert_eq!(out.to_vec(), hex(SHA224_PBKDF2_1000));
    }

    const SHA224_PBKDF2_1000: &str =
        "d3bcf320fd918908eafcaa460faf40e201f6508d4e6f3d9c1c0abd30dae08cc8b1bc0657e2ebc229";

    #[test]
    fn evp_bytes_to_key_matches_openssl() {
        // `openssl enc -aes-256-cbc -P -md md5 -S 0102030405060708 -pass pass:secret`
        let key = evp_bytes_to_key(b"secret", &[1, 2, 3, 4, 5, 6, 7, 8], 32);
        assert_eq!(key.to_vec(), hex(EVP_MD5_KEY));
    }

    const EVP_MD5_KEY: &str = "c9e5a1bd216dbe1317e230cef48f38ee7f0e17ad64022144bccec4a1aa2879ab";
}
