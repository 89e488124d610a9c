//! X.509 certificates: parsing a chain (PEM or DER) and the facts an
//! operator needs about each certificate.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use base64ct::{Base64, Encoding};
use rustls_pki_types::CertificateDer;
use serde::Serialize;
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::error::{Error, ErrorKind, Result};
use crate::pem;
use crate::warning::{Warning, WarningCode};

/// Certificates expiring within this many days get a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// A parsed certificate: its DER and its facts.
#[derive(Clone, Debug)]
pub struct Certificate {
    der: CertificateDer<'static>,
    info: CertificateInfo,
    subject_raw: Vec<u8>,
    issuer_raw: Vec<u8>,
    spki: Vec<u8>,
}

/// What an operator wants to know about a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateInfo {
    /// Subject distinguished name, e.g. `CN=console.example.com, O=Example`.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Serial number, upper-case hex (Node's `serialNumber` spelling).
    pub serial: String,
    /// subjectAltName entries in Node's spelling: `DNS:host`, `IP Address:1.2.3.4`, `email:…`, `URI:…`.
    pub subject_alt_names: Vec<String>,
    /// Start of validity, RFC 3339.
    pub not_before: String,
    /// End of validity, RFC 3339.
    pub not_after: String,
    /// Start of validity, seconds since the Unix epoch.
    pub not_before_unix: i64,
    /// End of validity, seconds since the Unix epoch.
    pub not_after_unix: i64,
    /// SHA-256 fingerprint, upper-case hex pairs joined by `:` (Node's `fingerprint256`).
    pub fingerprint256: String,
    /// basicConstraints CA flag.
    pub is_ca: bool,
    /// The public key, e.g. `RSA 2048-bit` or `ECDSA P-256`.
    pub public_key: String,
}

impl Certificate {
    /// Parses one DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Certificate> {
        let invalid = |reason: String| Error::new(ErrorKind::InvalidCertificate { reason });
        let (rest, cert) =
            X509Certificate::from_der(der).map_err(|e| invalid(describe_x509_error(&e)))?;
        if !rest.is_empty() {
            return Err(invalid(format!(
                "{} bytes follow the certificate",
                rest.len()
            )));
        }
        let info = info_of(&cert, der)?;
        Ok(Certificate {
            subject_raw: cert.subject().as_raw().to_vec(),
            issuer_raw: cert.issuer().as_raw().to_vec(),
            spki: cert.public_key().raw.to_vec(),
            der: CertificateDer::from(der.to_vec()),
            info,
        })
    }

    /// The DER bytes.
    pub fn der(&self) -> &CertificateDer<'static> {
        &self.der
    }

    /// The certificate as a `CERTIFICATE` PEM block.
    pub fn pem(&self) -> String {
        pem_encode("CERTIFICATE", &self.der)
    }

    /// Its facts.
    pub fn info(&self) -> &CertificateInfo {
        &self.info
    }

    /// Its SubjectPublicKeyInfo DER.
    pub fn spki(&self) -> &[u8] {
        &self.spki
    }

    /// True when `self` names `issuer` as its issuer (by distinguished name).
    pub fn is_issued_by(&self, issuer: &Certificate) -> bool {
        self.issuer_raw == issuer.subject_raw
    }

    /// Warnings about this certificate's validity period at `now`.
    pub fn validity_warnings(&self, now: SystemTime, role: &str) -> Vec<Warning> {
        let now = unix_seconds(now);
        let info = &self.info;
        let name = &info.subject;
        if now > info.not_after_unix {
            vec![Warning::new(
                WarningCode::CertExpired,
                format!(
                    "the {role} certificate {name} expired on {}",
                    info.not_after
                ),
            )]
        } else if now < info.not_before_unix {
            vec![Warning::new(
                WarningCode::CertNotYetValid,
                format!(
                    "the {role} certificate {name} is not valid before {}",
                    info.not_before
                ),
            )]
        } else if info.not_after_unix - now < EXPIRY_WARNING_DAYS * 86_400 {
            let days = (info.not_after_unix - now) / 86_400;
            vec![Warning::new(
                WarningCode::CertExpiringSoon,
                format!(
                    "the {role} certificate {name} expires in {days} days, on {}",
                    info.not_after
                ),
            )]
        } else {
            Vec::new()
        }
    }
}

/// Parses every certificate of `input`: PEM (every `CERTIFICATE` block, in
/// order; other blocks skipped) or a single DER certificate.
///
/// Errors name the 1-based block: `ERR_PEM_INVALID` for a block that is not
/// PEM, `ERR_CERT_INVALID` for one that is not X.509, and `ERR_PEM_INVALID`
/// when there is no certificate at all.
pub fn parse_chain(input: &[u8]) -> Result<Vec<Certificate>> {
    if !pem::contains_pem(input) {
        return parse_der_file(input);
    }
    let mut chain = Vec::new();
    let mut found = Vec::new();
    for entry in pem::blocks(input) {
        if !is_certificate_label(&entry.label) {
            pem::remember_label(&mut found, &entry.label);
            continue;
        }
        let block = entry.block?;
        let cert = Certificate::from_der(&block.der)
            .map_err(|e| e.with_block(block.index, Some(block.line)))?;
        chain.push(cert);
    }
    if chain.is_empty() {
        return Err(Error::new(ErrorKind::NoCertificate { found }));
    }
    Ok(chain)
}

/// The labels that hold an X.509 certificate.
pub fn is_certificate_label(label: &str) -> bool {
    matches!(label, "CERTIFICATE" | "X509 CERTIFICATE")
}

fn parse_der_file(input: &[u8]) -> Result<Vec<Certificate>> {
    // DER starts with a SEQUENCE; anything else is text without a PEM block.
    if input.first() != Some(&0x30) {
        return Err(Error::new(ErrorKind::NoCertificate { found: Vec::new() }));
    }
    Certificate::from_der(input).map(|cert| vec![cert])
}

/// Warnings about a chain: validity of each certificate, links not issued by
/// the next certificate, and a leaf without subjectAltName.
pub fn chain_warnings(chain: &[Certificate], now: SystemTime) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for (i, cert) in chain.iter().enumerate() {
        let role = if i == 0 { "leaf" } else { "chain" };
        warnings.extend(cert.validity_warnings(now, role));
    }
    for (i, pair) in chain.windows(2).enumerate() {
        if !pair[0].is_issued_by(&pair[1]) {
            warnings.push(Warning::new(
                WarningCode::ChainBroken,
                format!(
                    "certificate {} ({}) is issued by {}, but certificate {} is {}; clients may not build the chain",
                    i + 1,
                    pair[0].info.subject,
                    pair[0].info.issuer,
                    i + 2,
                    pair[1].info.subject
                ),
            ));
        }
    }
    if let Some(leaf) = chain.first() {
        if leaf.info.subject_alt_names.is_empty() {
            warnings.push(Warning::new(
                WarningCode::NoSubjectAltName,
                format!(
                    "the leaf certificate {} has no subjectAltName; browsers and Node ignore the CN, so no host name will match",
                    leaf.info.subject
                ),
            ));
        }
    }
    warnings
}

fn info_of(cert: &X509Certificate<'_>, der: &[u8]) -> Result<CertificateInfo> {
    let invalid = |reason: String| Error::new(ErrorKind::InvalidCertificate { reason });
    let subject_alt_names = match cert.subject_alternative_name() {
        Ok(Some(san)) => san
            .value
            .general_names
            .iter()
            .filter_map(describe_name)
            .collect(),
        Ok(None) => Vec::new(),
        Err(e) => return Err(invalid(format!("its subjectAltName is malformed ({e})"))),
    };
    let is_ca = match cert.basic_constraints() {
        Ok(Some(bc)) => bc.value.ca,
        Ok(None) => false,
        Err(e) => return Err(invalid(format!("its basicConstraints is malformed ({e})"))),
    };
    let validity = cert.validity();
    let not_before_unix = validity.not_before.timestamp();
    let not_after_unix = validity.not_after.timestamp();
    Ok(CertificateInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        serial: serial_hex(cert.raw_serial()),
        subject_alt_names,
        not_before: rfc3339(not_before_unix),
        not_after: rfc3339(not_after_unix),
        not_before_unix,
        not_after_unix,
        fingerprint256: hex_upper(
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der).as_ref(),
            ":",
        ),
        is_ca,
        public_key: crate::key::describe_public_key(cert.public_key().raw),
    })
}

fn describe_name(name: &GeneralName<'_>) -> Option<String> {
    Some(match name {
        GeneralName::DNSName(dns) => format!("DNS:{dns}"),
        GeneralName::IPAddress(bytes) => match bytes.len() {
            4 => format!(
                "IP Address:{}",
                std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*bytes).ok()?)
            ),
            16 => format!(
                "IP Address:{}",
                std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*bytes).ok()?)
            ),
            _ => return None,
        },
        GeneralName::RFC822Name(email) => format!("email:{email}"),
        GeneralName::URI(uri) => format!("URI:{uri}"),
        _ => return None,
    })
}

fn describe_x509_error(error: &x509_parser::nom::Err<x509_parser::error::X509Error>) -> String {
    match error {
        x509_parser::nom::Err::Incomplete(_) => "the DER is truncated".to_owned(),
        x509_parser::nom::Err::Error(e) | x509_parser::nom::Err::Failure(e) => e.to_string(),
    }
}

/// Seconds since the Unix epoch (negative before it).
pub fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_secs() as i64,
        Err(before) => -(before.duration().as_secs() as i64),
    }
}

/// RFC 3339 text for a Unix time (UTC).
pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

/// The serial as Node and OpenSSL print it: the DER sign byte (a leading
/// 0x00 before a byte with its high bit set) is not part of the number.
fn serial_hex(raw: &[u8]) -> String {
    let significant = raw
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(raw.len().saturating_sub(1));
    hex_upper(&raw[significant..], "")
}

fn hex_upper(bytes: &[u8], separator: &str) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        let _ = write!(out, "{byte:02X}");
    }
    out
}

/// Encodes `der` as a PEM block with 64-column lines.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    // The input may be a private key: wipe the intermediate text too.
    let encoded = zeroize::Zeroizing::new(Base64::encode_string(der));
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for line in encoded.as_bytes().chunks(64) {
        // Base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}
