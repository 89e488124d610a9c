//! PKCS#12 key stores (`SERVER_SSL_KEY_STORE`, Spring Boot's alternative to
//! a PEM certificate and key): the file is opened with its password, one key
//! entry is chosen, and its key and chain go through the same checks as a
//! PEM pair, so a listener's identity is the same whichever way it is given.
//!
//! Decoding and decryption are the `p12-keystore` crate's
//! ([`p12_keystore::Pkcs12Archive`]): pure Rust on RustCrypto primitives,
//! maintained (releases through 2025), and it reads what the tools in use
//! write: PBES2 with PBKDF2 and AES (OpenSSL 3's and Java 17's defaults),
//! the PKCS#12 PBES1 schemes with 3DES and RC2 (`openssl pkcs12 -legacy`,
//! OpenSSL 1.1, Java 8, Windows), and HMAC-SHA-1/SHA-2 MACs. Its archive
//! API hands over every bag with its friendlyName and localKeyId, so the
//! choice of the key entry and the order of the chain stay here. PBES2
//! with 3DES is read because Cargo.toml enables its pkcs5's `3des`. Its
//! limits (1 000 000 iterations per derivation, scrypt up to 1 GiB) and the
//! schemes it lacks (Camellia, ARIA, MD5 MACs) are reported as
//! `ERR_KEY_UNSUPPORTED` saying which, the MAC's before any password. The
//! alternatives were RustCrypto's `pkcs12` (types and the key derivation
//! only, no decryption of bags) and `p12` (unmaintained since 2021,
//! PBES1 only, so no OpenSSL 3 file).
//!
//! What it does not do: wipe. The password it turns into UTF-16 and the
//! decrypted key it keeps are in buffers of its own, freed without being
//! wiped; console-tls copies the key out at once into a buffer that is
//! wiped, and frees the crate's copies before the key is parsed. Its cost:
//! a second generation of the RustCrypto crates (der 0.8, pkcs8 0.11,
//! cipher 0.5, and pre-releases of `cms` and `pkcs12`) beside the ones the
//! PEM path uses.

use der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef};
use der::{Decode, Reader, SliceReader};
use p12_keystore::error::Error as P12Error;
use p12_keystore::{CertificateBag, Pkcs12Archive, PrivateKeyBag};
use zeroize::Zeroizing;

use crate::certificate::Certificate;
use crate::error::{Error, ErrorKind, Result};
use crate::key::{self, PrivateKey};
use crate::pem;
use crate::settings::{ListenerVars, Passphrase};
use crate::warning::Warning;

/// A key entry's chain (leaf first), its key, and the key's warnings.
pub(crate) struct KeyEntry {
    pub chain: Vec<Certificate>,
    pub key: PrivateKey,
    pub warnings: Vec<Warning>,
}

/// Checks a `…_KEY_STORE_TYPE` value: `PKCS12` in any case is the only type
/// read; any other (`JKS`, `JCEKS`, `PKCS11`, …) is `ERR_KEY_UNSUPPORTED`
/// with the keytool command that converts the store.
pub fn check_type(value: &str) -> Result<()> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("PKCS12") {
        return Ok(());
    }
    let mut found: String = value.chars().take(20).collect();
    if value.chars().count() > 20 {
        found.push('…');
    }
    Err(Error::new(ErrorKind::KeyStoreType { found }))
}

/// Opens the PKCS#12 store `bytes` and returns the key entry `alias` (or the
/// only one). Errors carry the variable that must change when it is not the
/// key store itself (the password or the alias); the caller adds the key
/// store's variable and file.
pub(crate) fn load(
    bytes: &[u8],
    password: Option<&Passphrase>,
    alias: Option<&str>,
    names: &ListenerVars,
) -> Result<KeyEntry> {
    let Pkcs12Archive { keys, certs, .. } = open(bytes, password, names)?;
    let (position, bag) = choose(&keys, &certs, alias, names)?;
    // The crate's copies of the keys are not wiped: take a wiped copy of the
    // one chosen and free them all before it is parsed.
    let key_der = Zeroizing::new(bag.key.as_der().to_vec());
    let local_key_id = bag.local_key_id.as_ref().map(|id| id.0.clone());
    let entry_alias = alias_of(bag, &certs).unwrap_or_else(|| format!("#{}", position + 1));
    drop(keys);
    let (key, warnings) = key::load_private_key(&key_der, None)?;
    let leaf = leaf_of(local_key_id.as_deref(), &key, &certs)
        .ok_or_else(|| Error::new(ErrorKind::KeyStoreNoCertificate { alias: entry_alias }))?;
    let chain = chain_from(leaf, &certs)?;
    Ok(KeyEntry {
        chain,
        key,
        warnings,
    })
}

/// One key entry of a store, as `console-tls inspect` shows it.
#[derive(Clone, Debug)]
pub struct EntryInfo {
    /// Its alias (friendlyName), or `#N` for an entry without one.
    pub alias: String,
    /// The key's type and size, or the reason it is refused.
    pub key: std::result::Result<key::KeyType, Error>,
    /// Its chain, leaf first, as it would be served (empty when the store
    /// has no certificate for the key).
    pub chain: Vec<Certificate>,
}

/// Whether `bytes` look like a key store: a PKCS#12 PFX, or Java's JKS or
/// JCEKS (which [`entries`] refuses with the conversion command).
pub fn is_key_store(bytes: &[u8]) -> bool {
    java_key_store(bytes).is_some() || outline(bytes).is_ok()
}

/// Every key entry of the store `bytes`, opened with `password` (`None`: the
/// empty password). Errors are those of a listener's key store, without the
/// variable and file, which the caller knows.
pub fn entries(bytes: &[u8], password: Option<&Passphrase>) -> Result<Vec<EntryInfo>> {
    let archive = open(bytes, password, &crate::settings::Listener::Server.vars())?;
    let mut entries = Vec::with_capacity(archive.keys.len());
    for (i, bag) in archive.keys.iter().enumerate() {
        let key_der = Zeroizing::new(bag.key.as_der().to_vec());
        let key = key::load_private_key(&key_der, None).map(|(key, _)| key);
        let chain = key
            .as_ref()
            .ok()
            .and_then(|key| {
                let id = bag.local_key_id.as_ref().map(|id| id.0.as_slice());
                leaf_of(id, key, &archive.certs)
            })
            .and_then(|leaf| chain_from(leaf, &archive.certs).ok())
            .unwrap_or_default();
        entries.push(EntryInfo {
            alias: alias_of(bag, &archive.certs).unwrap_or_else(|| format!("#{}", i + 1)),
            key: key.map(|key| key.key_type()),
            chain,
        });
    }
    Ok(entries)
}

/// Java's own formats, which are not PKCS#12: keytool converts them.
fn java_key_store(bytes: &[u8]) -> Option<&'static str> {
    match bytes.get(..4)? {
        [0xFE, 0xED, 0xFE, 0xED] => Some("JKS"),
        [0xCE, 0xCE, 0xCE, 0xCE] => Some("JCEKS"),
        _ => None,
    }
}

/// p12-keystore's limit on each key derivation (its `MAX_KDF_ITERATIONS`
/// and `MAX_MAC_ITERATIONS`), which it reports only as "invalid
/// parameters".
const MAX_ITERATIONS: u64 = 1_000_000;

/// What the outer PFX structure says before any password is tried.
struct Outline {
    /// The store's MAC, if any. With a MAC, a failure after the MAC checked
    /// is damage, not a wrong password; without one, a wrong password shows
    /// only as undecryptable bags.
    mac: Option<MacOutline>,
}

/// `MacData`: its digest algorithm and iteration count (1 when absent).
struct MacOutline {
    digest: ObjectIdentifier,
    iterations: u64,
}

/// The MAC digests p12-keystore verifies (its `verify_mac`).
const MAC_DIGESTS: [ObjectIdentifier; 7] = [
    ObjectIdentifier::new_unwrap("1.3.14.3.2.26"), // SHA-1
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.4"), // SHA-224
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1"), // SHA-256
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2"), // SHA-384
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3"), // SHA-512
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.5"), // SHA-512/224
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.6"), // SHA-512/256
];

impl Outline {
    fn has_mac(&self) -> bool {
        self.mac.is_some()
    }

    /// Refuses a MAC the crate cannot verify, saying what it is, before the
    /// crate refuses it as "unsupported encryption scheme" or "invalid
    /// parameters", whatever the password.
    fn check_mac(&self) -> Result<()> {
        let Some(mac) = &self.mac else { return Ok(()) };
        let unsupported = |found: String| Err(Error::new(ErrorKind::KeyStoreScheme { found }));
        if !MAC_DIGESTS.contains(&mac.digest) {
            return unsupported(match mac.digest.to_string().as_str() {
                "1.2.840.113549.2.5" => "an MD5 MAC".to_owned(),
                "1.2.840.113549.2.2" => "an MD2 MAC".to_owned(),
                // RFC 9579, OpenSSL 3.4's -pbmac1_pbkdf2.
                "1.2.840.113549.1.5.14" => "a PBMAC1 MAC".to_owned(),
                oid => format!("a MAC with the digest {oid}"),
            });
        }
        if mac.iterations > MAX_ITERATIONS {
            return unsupported(format!(
                "a MAC of {} iterations (console-tls derives at most {MAX_ITERATIONS} per key)",
                mac.iterations
            ));
        }
        Ok(())
    }
}

/// Reads the outer PFX structure: its version and its MAC.
fn outline(bytes: &[u8]) -> Result<Outline> {
    let invalid = |reason: &str| {
        let reason = if pem::contains_pem(bytes) {
            "it is a PEM file; give PEM files in the certificate and private key variables instead"
        } else {
            reason
        };
        Error::new(ErrorKind::KeyStoreInvalid {
            reason: reason.to_owned(),
        })
    };
    let parsed = SliceReader::new(bytes).and_then(|mut reader| {
        let outline = reader.sequence(|pfx| {
            let version = u8::decode(pfx)?;
            AnyRef::decode(pfx)?;
            let mac = if pfx.is_finished() {
                None
            } else {
                Some(pfx.sequence(|mac_data| {
                    let digest = mac_data.sequence(|digest_info| {
                        let algorithm = digest_info.sequence(|algorithm| {
                            let oid = ObjectIdentifier::decode(algorithm)?;
                            while !algorithm.is_finished() {
                                AnyRef::decode(algorithm)?;
                            }
                            Ok(oid)
                        })?;
                        OctetStringRef::decode(digest_info)?;
                        Ok(algorithm)
                    })?;
                    OctetStringRef::decode(mac_data)?; // macSalt
                    let iterations = if mac_data.is_finished() {
                        1
                    } else {
                        u64::decode(mac_data)?
                    };
                    Ok(MacOutline { digest, iterations })
                })?)
            };
            Ok((version, mac))
        })?;
        reader.finish(outline)
    });
    match parsed {
        Ok((3, mac)) => Ok(Outline { mac }),
        Ok((version, _)) => Err(invalid(&format!(
            "PFX version {version}, where PKCS#12 has version 3"
        ))),
        Err(_) => Err(invalid("not a DER-encoded PKCS#12 structure")),
    }
}

/// Refuses Java's stores with the conversion command and a MAC the crate
/// cannot verify, then decodes and decrypts every bag. A store without a
/// password given is opened with the empty one, as Java and OpenSSL do for
/// stores exported with `-passout pass:`.
fn open(
    bytes: &[u8],
    password: Option<&Passphrase>,
    names: &ListenerVars,
) -> Result<Pkcs12Archive> {
    if let Some(found) = java_key_store(bytes) {
        return Err(Error::new(ErrorKind::KeyStoreType {
            found: found.to_owned(),
        }));
    }
    let outline = outline(bytes)?;
    outline.check_mac()?;
    let has_mac = outline.has_mac();
    // PKCS#12 passwords are characters (BMPString), so they must be text.
    let text = match password {
        None => "",
        Some(password) => std::str::from_utf8(password.as_bytes()).map_err(|_| {
            Error::new(ErrorKind::InvalidValue {
                reason: "the key store password is not valid UTF-8 text".to_owned(),
            })
            .with_env_var(names.key_store_password)
        })?,
    };
    let refused = || match password {
        None => Error::new(ErrorKind::KeyStorePasswordMissing {
            password_var: names.key_store_password.to_owned(),
        }),
        Some(_) => Error::new(ErrorKind::KeyStorePasswordWrong),
    };
    Pkcs12Archive::from_pkcs12(bytes, text).map_err(|error| match error {
        P12Error::MacError(_) => refused(),
        P12Error::UnsupportedEncryptionScheme => Error::new(ErrorKind::KeyStoreScheme {
            found: "an encryption scheme console-tls does not read (e.g. an MD5-based one)"
                .to_owned(),
        }),
        P12Error::UnsupportedMacAlgorithm => Error::new(ErrorKind::KeyStoreScheme {
            found: "a MAC algorithm console-tls does not read".to_owned(),
        }),
        // An encryption algorithm, PRF or key derivation it has no OID for
        // (PBES2 with Camellia or ARIA, which OpenSSL writes on request).
        P12Error::DerError(error) => match error.kind() {
            der_for_key_stores::ErrorKind::OidUnknown { oid } => {
                Error::new(ErrorKind::KeyStoreScheme {
                    found: format!("an algorithm console-tls does not read (OID {oid}; e.g. Camellia or ARIA)"),
                })
            }
            _ if has_mac => Error::new(ErrorKind::KeyStoreInvalid {
                reason: error.to_string(),
            }),
            _ => refused(),
        },
        // The crate's limits on a bag's key derivation (the MAC's is checked
        // before, by its count).
        P12Error::InvalidParameters => Error::new(ErrorKind::KeyStoreScheme {
            found: format!(
                "key-derivation parameters beyond console-tls's limits (more than {MAX_ITERATIONS} iterations or scrypt over 1 GiB) or without them"
            ),
        }),
        // A verified MAC proves the password: what follows is damage.
        _ if has_mac => Error::new(ErrorKind::KeyStoreInvalid {
            reason: error.to_string(),
        }),
        _ => refused(),
    })
}

/// The entry's alias: its friendlyName, else that of its certificate.
fn alias_of(bag: &PrivateKeyBag, certs: &[CertificateBag]) -> Option<String> {
    bag.friendly_name.clone().or_else(|| {
        let id = bag.local_key_id.as_ref()?;
        certs
            .iter()
            .find(|c| c.local_key_id.as_deref() == Some(id.0.as_slice()))
            .and_then(|c| c.friendly_name.clone())
    })
}

/// The key entry to use: `alias` (compared in any case, as Java lowercases
/// aliases), or the only one.
fn choose<'a>(
    keys: &'a [PrivateKeyBag],
    certs: &[CertificateBag],
    alias: Option<&str>,
    names: &ListenerVars,
) -> Result<(usize, &'a PrivateKeyBag)> {
    let aliases: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, bag)| alias_of(bag, certs).unwrap_or_else(|| format!("#{}", i + 1)))
        .collect();
    match (alias, keys) {
        (_, []) => Err(Error::new(ErrorKind::KeyStoreNoKey)),
        (None, [only]) => Ok((0, only)),
        (None, _) => Err(Error::new(ErrorKind::KeyStoreAliasRequired {
            aliases,
            alias_var: names.key_alias.to_owned(),
        })
        .with_env_var(names.key_alias)),
        (Some(wanted), _) => {
            let wanted_lower = wanted.to_lowercase();
            aliases
                .iter()
                .position(|a| a.to_lowercase() == wanted_lower)
                .map(|i| (i, &keys[i]))
                .ok_or_else(|| {
                    let mut shown: String = wanted.chars().take(64).collect();
                    if wanted.chars().count() > 64 {
                        shown.push('…');
                    }
                    Error::new(ErrorKind::KeyStoreAliasNotFound {
                        alias: shown,
                        aliases,
                    })
                    .with_env_var(names.key_alias)
                })
        }
    }
}

/// The certificate of the key: the one with the key's localKeyId, else the
/// one whose public key is the key's.
fn leaf_of<'a>(
    local_key_id: Option<&[u8]>,
    key: &PrivateKey,
    certs: &'a [CertificateBag],
) -> Option<&'a CertificateBag> {
    let by_id =
        local_key_id.and_then(|id| certs.iter().find(|c| c.local_key_id.as_deref() == Some(id)));
    by_id.or_else(|| {
        let public = key.public_key()?;
        certs.iter().find(|c| {
            Certificate::from_der(c.cert.as_der())
                .map(|cert| cert.spki() == public.as_ref())
                .unwrap_or(false)
        })
    })
}

/// The leaf, then each issuer found among the store's certificates, as the
/// chain a server sends. Stores keep the CA certificates as separate bags
/// (OpenSSL without a localKeyId, Java after the key's), in any order.
fn chain_from(leaf: &CertificateBag, certs: &[CertificateBag]) -> Result<Vec<Certificate>> {
    let others: Vec<Certificate> = certs
        .iter()
        .filter(|c| !std::ptr::eq(*c, leaf))
        .filter_map(|c| Certificate::from_der(c.cert.as_der()).ok())
        .collect();
    let mut chain = vec![Certificate::from_der(leaf.cert.as_der())?];
    let mut used = vec![false; others.len()];
    loop {
        let last = &chain[chain.len() - 1];
        // A self-signed certificate ends the chain.
        if last.is_issued_by(last) {
            break;
        }
        let Some(next) = (0..others.len()).find(|&i| !used[i] && last.is_issued_by(&others[i]))
        else {
            break;
        };
        used[next] = true;
        chain.push(others[next].clone());
    }
    for (index, cert) in chain.iter().enumerate() {
        if let Some(problem) = crate::servable::problem(cert.der()) {
            return Err(Error::new(ErrorKind::UnsupportedCertificate {
                position: index + 1,
                subject: cert.info().subject.clone(),
                problem,
            }));
        }
    }
    Ok(chain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_pkcs12_any_case_else_unsupported() {
        assert!(check_type("PKCS12").is_ok());
        assert!(check_type("pkcs12").is_ok());
        assert!(check_type(" Pkcs12 ").is_ok());
        for other in ["JKS", "jks", "JCEKS", "PKCS11", "p12"] {
            let error = check_type(other).unwrap_err();
            assert_eq!(error.code(), crate::ErrorCode::KeyUnsupported, "{other}");
            assert!(
                error.to_string().contains("-deststoretype pkcs12"),
                "{error}"
            );
        }
    }

    #[test]
    fn entries_list_every_key_with_its_chain() {
        let path = |name: &str| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/keystore")
                .join(name)
        };
        let bytes = std::fs::read(path("two-aliases.p12")).unwrap();
        assert!(is_key_store(&bytes));
        let password = Passphrase::new("fixture-secret-7Qx");
        let entries = entries(&bytes, Some(&password)).unwrap();
        let mut seen: Vec<(String, String, usize)> = entries
            .iter()
            .map(|e| {
                let key = e.key.as_ref().unwrap().to_string();
                (e.alias.clone(), key, e.chain.len())
            })
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                ("ec-server".to_owned(), "ECDSA P-256".to_owned(), 3),
                ("rsa-server".to_owned(), "RSA 2048-bit".to_owned(), 3),
            ]
        );
        let wrong = entries_error(&bytes, "wrong");
        assert_eq!(wrong, crate::ErrorCode::PassphraseWrong);
        let jks = std::fs::read(path("rsa.jks")).unwrap();
        assert!(is_key_store(&jks));
        assert_eq!(entries_error(&jks, "x"), crate::ErrorCode::KeyUnsupported);
        assert!(!is_key_store(b"-----BEGIN CERTIFICATE-----"));
    }

    fn entries_error(bytes: &[u8], password: &str) -> crate::ErrorCode {
        entries(bytes, Some(&Passphrase::new(password)))
            .err()
            .unwrap()
            .code()
    }

    #[test]
    fn java_formats_are_recognised_by_their_magic() {
        assert_eq!(java_key_store(&[0xFE, 0xED, 0xFE, 0xED, 0, 0]), Some("JKS"));
        assert_eq!(java_key_store(&[0xCE, 0xCE, 0xCE, 0xCE]), Some("JCEKS"));
        assert_eq!(java_key_store(&[0x30, 0x82, 0x01, 0x00]), None);
        assert_eq!(java_key_store(&[0xFE]), None);
    }

    #[test]
    fn not_pkcs12_is_pem_invalid_and_says_why() {
        let names = crate::settings::Listener::Server.vars();
        for input in [
            &b""[..],
            b"\x30\x03\x02\x01",
            b"-----BEGIN CERTIFICATE-----\n",
        ] {
            let error = load(input, None, None, &names).err().unwrap();
            assert_eq!(error.code(), crate::ErrorCode::PemInvalid, "{error}");
        }
        let error = load(b"-----BEGIN CERTIFICATE-----\nAA==\n", None, None, &names)
            .err()
            .unwrap();
        assert!(error.to_string().contains("PEM file"), "{error}");
    }
}
