//! A throwaway PKI for development and demos (`console-tls dev-certs DIR`).
//!
//! It holds every case a real Console meets, so that a developer (and the
//! Node demo) exercises the same code paths as production:
//!
//! - a development CA (ECDSA P-256) that signs both listener certificates;
//! - the main listener: RSA-2048, chain file leaf first, its key encrypted
//!   (PKCS#8 PBES2: PBKDF2-HMAC-SHA256 with OpenSSL's default 2048
//!   iterations, AES-256-CBC) with a generated passphrase;
//! - the management listener: ECDSA P-256, key unencrypted;
//! - Identity: a self-signed `CA:TRUE` certificate, as `openssl req -x509`
//!   makes, which only works when trusted by its exact bytes;
//! - a trust bundle (the dev CA and the Identity certificate) for
//!   `NODE_EXTRA_CA_CERTS`.
//!
//! Every certificate names `localhost`, `127.0.0.1` and `::1`, and is valid
//! from an hour ago for [`VALIDITY_DAYS`] days (beyond the 30-day expiry
//! warning), or as many days as [`generate_valid_for`] is given (a short
//! span shows expiry warnings and `WILL_EXPIRE_SOON` health). Nothing here is fit for production: the CA key is not kept.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use pkcs8::der::Decode;
use pkcs8::pkcs5::pbes2;
use pkcs8::PrivateKeyInfo;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType, SignatureAlgorithm, PKCS_ECDSA_P256_SHA256, PKCS_RSA_SHA256,
};
use time::{Duration, OffsetDateTime};
use zeroize::Zeroizing;

use crate::certificate::pem_encode;
use crate::settings::{
    Passphrase, KEYCLOAK_BASE_URL, KEYCLOAK_INTERNAL_BASE_URL, NODE_EXTRA_CA_CERTS,
};

/// How long the certificates are valid by default.
pub const VALIDITY_DAYS: u32 = 90;
/// PBKDF2 iterations of the encrypted key: OpenSSL's default for `pkcs8 -topk8 -v2`.
pub const PBKDF2_ITERATIONS: u32 = 2048;
/// Length of the generated passphrase (alphanumeric: about 143 bits).
pub const PASSPHRASE_LENGTH: usize = 24;

/// The files written (absolute paths) and the passphrase of the main
/// listener's key.
#[derive(Clone)]
pub struct DevPki {
    /// The development CA certificate.
    pub ca: PathBuf,
    /// The main listener's chain (leaf, then the CA).
    pub server_chain: PathBuf,
    /// The main listener's key, encrypted with [`DevPki::server_passphrase`].
    pub server_key: PathBuf,
    /// The management listener's chain (leaf, then the CA).
    pub management_chain: PathBuf,
    /// The management listener's key (unencrypted).
    pub management_key: PathBuf,
    /// Identity's self-signed `CA:TRUE` certificate.
    pub identity_cert: PathBuf,
    /// Identity's key (unencrypted).
    pub identity_key: PathBuf,
    /// The dev CA and the Identity certificate: `NODE_EXTRA_CA_CERTS`.
    pub trust_bundle: PathBuf,
    /// Decrypts [`DevPki::server_key`].
    pub server_passphrase: Passphrase,
}

impl fmt::Debug for DevPki {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DevPki")
            .field("ca", &self.ca)
            .field("server_chain", &self.server_chain)
            .field("server_key", &self.server_key)
            .field("management_chain", &self.management_chain)
            .field("management_key", &self.management_key)
            .field("identity_cert", &self.identity_cert)
            .field("identity_key", &self.identity_key)
            .field("trust_bundle", &self.trust_bundle)
            .field("server_passphrase", &self.server_passphrase)
            .finish()
    }
}

impl DevPki {
    /// The contract's variables that configure a Console with this PKI,
    /// Identity listening on `identity_port` (`localhost` publicly,
    /// `127.0.0.1` internally). The passphrase is included: it is the point.
    pub fn env_vars(&self, identity_port: u16) -> Vec<(&'static str, String)> {
        let file = |path: &Path| format!("file:{}", path.display());
        let passphrase = String::from_utf8_lossy(self.server_passphrase.as_bytes()).into_owned();
        vec![
            ("SERVER_SSL_ENABLED", "true".to_owned()),
            ("SERVER_SSL_CERTIFICATE", file(&self.server_chain)),
            ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", file(&self.server_key)),
            ("SERVER_SSL_PASSPHRASE", passphrase),
            ("MANAGEMENT_SERVER_SSL_ENABLED", "true".to_owned()),
            (
                "MANAGEMENT_SERVER_SSL_CERTIFICATE",
                file(&self.management_chain),
            ),
            (
                "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                file(&self.management_key),
            ),
            (
                KEYCLOAK_BASE_URL,
                format!("https://localhost:{identity_port}"),
            ),
            (
                KEYCLOAK_INTERNAL_BASE_URL,
                format!("https://127.0.0.1:{identity_port}"),
            ),
            // Node reads this one itself: a plain path, as Node expects.
            (NODE_EXTRA_CA_CERTS, self.trust_bundle.display().to_string()),
        ]
    }
}

/// Why the PKI could not be written.
#[derive(Debug)]
pub enum DevCertsError {
    /// A file would be overwritten (and overwriting was not asked for).
    Exists(PathBuf),
    /// Creating the directory or writing a file failed.
    Io(PathBuf, io::Error),
    /// Generating a key or certificate failed.
    Generate(String),
}

impl fmt::Display for DevCertsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DevCertsError::Exists(path) => write!(
                f,
                "{} already exists; choose an empty directory or pass --force to overwrite",
                path.display()
            ),
            DevCertsError::Io(path, error) => write!(f, "cannot write {}: {error}", path.display()),
            DevCertsError::Generate(reason) => write!(f, "cannot generate the PKI: {reason}"),
        }
    }
}

impl std::error::Error for DevCertsError {}

fn generation(error: impl fmt::Display) -> DevCertsError {
    DevCertsError::Generate(error.to_string())
}

/// Generates the PKI into `dir` (created if needed). Existing files are an
/// error unless `overwrite`.
pub fn generate(dir: &Path, overwrite: bool) -> Result<DevPki, DevCertsError> {
    generate_valid_for(dir, overwrite, VALIDITY_DAYS)
}

/// [`generate`] with certificates valid for `days` days from an hour ago.
pub fn generate_valid_for(dir: &Path, overwrite: bool, days: u32) -> Result<DevPki, DevCertsError> {
    fs::create_dir_all(dir).map_err(|e| DevCertsError::Io(dir.to_owned(), e))?;
    let dir = dir
        .canonicalize()
        .map_err(|e| DevCertsError::Io(dir.to_owned(), e))?;
    let pki = DevPki {
        ca: dir.join("ca.pem"),
        server_chain: dir.join("server.pem"),
        server_key: dir.join("server-key.pem"),
        management_chain: dir.join("management.pem"),
        management_key: dir.join("management-key.pem"),
        identity_cert: dir.join("identity.pem"),
        identity_key: dir.join("identity-key.pem"),
        trust_bundle: dir.join("trust.pem"),
        server_passphrase: Passphrase::new(generate_passphrase()?.as_bytes()),
    };
    if !overwrite {
        for path in pki.paths() {
            if path.symlink_metadata().is_ok() {
                return Err(DevCertsError::Exists(path.to_owned()));
            }
        }
    }

    let now = Validity {
        from: OffsetDateTime::now_utc(),
        days,
    };
    let ca_key = key_pair(&PKCS_ECDSA_P256_SHA256)?;
    let ca_params = ca_params(now)?;
    let ca_cert = ca_params.self_signed(&ca_key).map_err(generation)?;
    let ca = Issuer::new(ca_params, ca_key);

    let server_key = key_pair(&PKCS_RSA_SHA256)?;
    let server_cert = leaf_params("localhost", now)?
        .signed_by(&server_key, &ca)
        .map_err(generation)?;
    let management_key = key_pair(&PKCS_ECDSA_P256_SHA256)?;
    let management_cert = leaf_params("localhost (management)", now)?
        .signed_by(&management_key, &ca)
        .map_err(generation)?;
    let identity_key = key_pair(&PKCS_ECDSA_P256_SHA256)?;
    let identity_cert = identity_params(now)?
        .self_signed(&identity_key)
        .map_err(generation)?;

    let encrypted_server_key = encrypt_key(
        server_key.serialized_der(),
        pki.server_passphrase.as_bytes(),
    )?;
    let management_key_pem = Zeroizing::new(management_key.serialize_pem());
    let identity_key_pem = Zeroizing::new(identity_key.serialize_pem());

    write(&pki.ca, ca_cert.pem().as_bytes(), false)?;
    write(
        &pki.server_chain,
        format!("{}{}", server_cert.pem(), ca_cert.pem()).as_bytes(),
        false,
    )?;
    write(&pki.server_key, encrypted_server_key.as_bytes(), true)?;
    write(
        &pki.management_chain,
        format!("{}{}", management_cert.pem(), ca_cert.pem()).as_bytes(),
        false,
    )?;
    write(&pki.management_key, management_key_pem.as_bytes(), true)?;
    write(&pki.identity_cert, identity_cert.pem().as_bytes(), false)?;
    write(&pki.identity_key, identity_key_pem.as_bytes(), true)?;
    write(
        &pki.trust_bundle,
        format!(
            "# console-tls dev-certs: the development CA\n{}# Identity's self-signed certificate\n{}",
            ca_cert.pem(),
            identity_cert.pem()
        )
        .as_bytes(),
        false,
    )?;
    Ok(pki)
}

impl DevPki {
    fn paths(&self) -> [&Path; 8] {
        [
            &self.ca,
            &self.server_chain,
            &self.server_key,
            &self.management_chain,
            &self.management_key,
            &self.identity_cert,
            &self.identity_key,
            &self.trust_bundle,
        ]
    }
}

fn key_pair(algorithm: &'static SignatureAlgorithm) -> Result<KeyPair, DevCertsError> {
    KeyPair::generate_for(algorithm).map_err(generation)
}

fn names() -> Vec<SanType> {
    vec![
        SanType::DnsName(
            "localhost"
                .try_into()
                .expect("localhost is a valid DNS name"),
        ),
        SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        SanType::IpAddress(IpAddr::V6(Ipv6Addr::LOCALHOST)),
    ]
}

/// When the certificates start and how long they last.
#[derive(Clone, Copy)]
struct Validity {
    from: OffsetDateTime,
    days: u32,
}

fn validity(params: &mut CertificateParams, now: Validity) {
    // An hour of slack for clocks that disagree a little.
    params.not_before = now.from - Duration::hours(1);
    params.not_after = now.from + Duration::days(i64::from(now.days));
}

fn ca_params(now: Validity) -> Result<CertificateParams, DevCertsError> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(generation)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "console-tls development CA");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "console-tls dev-certs");
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    validity(&mut params, now);
    Ok(params)
}

fn leaf_params(common_name: &str, now: Validity) -> Result<CertificateParams, DevCertsError> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(generation)?;
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "console-tls dev-certs");
    params.subject_alt_names = names();
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    validity(&mut params, now);
    Ok(params)
}

/// What `openssl req -x509 -subj /CN=localhost -addext subjectAltName=…`
/// makes: self-signed, `CA:TRUE`, no extended key usage.
fn identity_params(now: Validity) -> Result<CertificateParams, DevCertsError> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(generation)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "console-tls dev-certs Identity");
    params.subject_alt_names = names();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    validity(&mut params, now);
    Ok(params)
}

/// Encrypts a PKCS#8 key as `ENCRYPTED PRIVATE KEY` (PBES2, PBKDF2-HMAC-SHA256,
/// AES-256-CBC) with a random salt and IV.
fn encrypt_key(pkcs8_der: &[u8], passphrase: &[u8]) -> Result<Zeroizing<String>, DevCertsError> {
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    aws_lc_rs::rand::fill(&mut salt).map_err(generation)?;
    aws_lc_rs::rand::fill(&mut iv).map_err(generation)?;
    let params = pbes2::Parameters::pbkdf2_sha256_aes256cbc(PBKDF2_ITERATIONS, &salt, &iv)
        .map_err(generation)?;
    let info = PrivateKeyInfo::from_der(pkcs8_der).map_err(generation)?;
    let encrypted = info
        .encrypt_with_params(params, passphrase)
        .map_err(generation)?;
    Ok(Zeroizing::new(pem_encode(
        "ENCRYPTED PRIVATE KEY",
        encrypted.as_bytes(),
    )))
}

/// An alphanumeric passphrase from the system's CSPRNG (rejection sampling,
/// so every character is equally likely).
fn generate_passphrase() -> Result<Zeroizing<String>, DevCertsError> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut passphrase = Zeroizing::new(String::with_capacity(PASSPHRASE_LENGTH));
    let mut buffer = Zeroizing::new([0u8; 64]);
    while passphrase.len() < PASSPHRASE_LENGTH {
        aws_lc_rs::rand::fill(buffer.as_mut()).map_err(generation)?;
        // 248 = 4 · 62: bytes at or above it would favour the first letters.
        for byte in buffer.iter().filter(|b| **b < 248) {
            if passphrase.len() == PASSPHRASE_LENGTH {
                break;
            }
            passphrase.push(ALPHABET[usize::from(*byte) % ALPHABET.len()] as char);
        }
    }
    Ok(passphrase)
}

/// Writes `bytes` to `path`; keys are readable by their owner only.
fn write(path: &Path, bytes: &[u8], secret: bool) -> Result<(), DevCertsError> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let io = |e| DevCertsError::Io(path.to_owned(), e);
    let mut file = options.open(path).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, KeyFormat, KeyType, Options, Settings};

    #[test]
    fn the_printed_environment_loads_both_listeners() {
        let dir = tempfile::tempdir().unwrap();
        let pki = generate(dir.path(), false).unwrap();
        let settings = Settings::from_vars(pki.env_vars(8443));
        let config = Config::load(&settings, &Options::default()).unwrap();

        let server = config.server.expect("server enabled");
        assert_eq!(server.key_type(), KeyType::Rsa { bits: 2048 });
        assert_eq!(server.key().format(), KeyFormat::EncryptedPkcs8);
        let encryption = server.key().encryption().unwrap();
        assert_eq!(encryption.iterations, Some(PBKDF2_ITERATIONS));
        assert_eq!(server.chain().len(), 2);
        assert!(server.chain()[0].is_issued_by(&server.chain()[1]));

        let management = config.management.expect("management enabled");
        assert_eq!(management.key_type(), KeyType::EcdsaP256);
        assert_eq!(management.key().format(), KeyFormat::Pkcs8);
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    }

    #[test]
    fn a_short_validity_shows_in_warnings_and_health() {
        let dir = tempfile::tempdir().unwrap();
        let pki = generate_valid_for(dir.path(), false, 10).unwrap();
        let config = Config::load(
            &Settings::from_vars(pki.env_vars(8443)),
            &Options::default(),
        )
        .unwrap();
        let leaf = config.server.as_ref().unwrap().leaf().info();
        let days = (leaf.not_after_unix - leaf.not_before_unix) / 86_400;
        assert_eq!(days, 10, "ten days and the hour of slack");
        assert!(config
            .warnings
            .iter()
            .any(|w| w.code == crate::WarningCode::CertExpiringSoon));
        let health = crate::health::ssl_health(
            &config,
            &crate::HealthOptions::default(),
            std::time::SystemTime::now(),
        );
        assert_eq!(health.status, crate::health::HealthStatus::Up);
        assert!(health.details.invalid_chains.is_empty());
        assert!(health
            .details
            .valid_chains
            .iter()
            .all(|chain| chain.status() == crate::health::ValidityStatus::WillExpireSoon));
    }

    #[test]
    fn identity_is_a_self_signed_ca_for_localhost() {
        let dir = tempfile::tempdir().unwrap();
        let pki = generate(dir.path(), false).unwrap();
        let bytes = fs::read(&pki.identity_cert).unwrap();
        let chain = crate::certificate::parse_chain(&bytes).unwrap();
        let info = chain[0].info();
        assert!(info.is_ca);
        assert_eq!(info.subject, info.issuer);
        assert!(info.subject_alt_names.contains(&"DNS:localhost".to_owned()));
        assert!(info
            .subject_alt_names
            .contains(&"IP Address:127.0.0.1".to_owned()));

        let bundle =
            crate::certificate::parse_chain(&fs::read(&pki.trust_bundle).unwrap()).unwrap();
        assert_eq!(bundle.len(), 2);
        assert_eq!(bundle[1].der(), chain[0].der());
    }

    #[test]
    fn the_passphrase_is_required_and_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let pki = generate(dir.path(), false).unwrap();
        let passphrase = pki.server_passphrase.as_bytes();
        assert_eq!(passphrase.len(), PASSPHRASE_LENGTH);
        assert!(passphrase.iter().all(u8::is_ascii_alphanumeric));

        let vars: Vec<_> = pki
            .env_vars(8443)
            .into_iter()
            .filter(|(name, _)| *name != "SERVER_SSL_PASSPHRASE")
            .collect();
        let error = Config::load(&Settings::from_vars(vars), &Options::default()).unwrap_err();
        assert_eq!(error.code(), crate::ErrorCode::KeyEncrypted);

        let other = generate(tempfile::tempdir().unwrap().path(), false).unwrap();
        assert_ne!(other.server_passphrase, pki.server_passphrase);
    }

    #[test]
    fn existing_files_are_kept_unless_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let first = generate(dir.path(), false).unwrap();
        let before = fs::read(&first.ca).unwrap();
        match generate(dir.path(), false) {
            Err(DevCertsError::Exists(path)) => assert_eq!(path, first.ca),
            other => panic!("expected Exists, got {other:?}"),
        }
        assert_eq!(fs::read(&first.ca).unwrap(), before);
        let second = generate(dir.path(), true).unwrap();
        assert_ne!(fs::read(&second.ca).unwrap(), before);
    }

    #[cfg(unix)]
    #[test]
    fn keys_are_private_to_their_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let pki = generate(dir.path(), false).unwrap();
        for key in [&pki.server_key, &pki.management_key, &pki.identity_key] {
            let mode = fs::metadata(key).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{}", key.display());
        }
    }
}
