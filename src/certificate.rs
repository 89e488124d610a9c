//! X.509 certificates: parsing a chain (PEM or DER) and the facts an
//! operator needs about each certificate.

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64ct::{Base64, Encoding};
use rustls_pki_types::CertificateDer;
use serde::Serialize;
use x509_parser::error::X509Error;
use x509_parser::extensions::{BasicConstraints, GeneralName, SubjectAlternativeName};
use x509_parser::nom::Parser as _;
use x509_parser::oid_registry::{OID_X509_EXT_BASIC_CONSTRAINTS, OID_X509_EXT_SUBJECT_ALT_NAME};
use x509_parser::prelude::{FromDer, X509Certificate, X509CertificateParser};
use x509_parser::x509::X509Name;

use crate::error::{Error, ErrorKind, Result};
use crate::pem;
use crate::warning::{Warning, WarningCode};

/// Certificates expiring within this many days get a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// A parsed certificate: its DER and its facts.
///
/// Parsing checks the whole certificate (as before), but keeps only what
/// loading needs: where the names and the key are in the DER, and the
/// validity period. The facts for people ([`Certificate::info`]: names as
/// text, SANs, fingerprint) are worked out on first use, so that a bundle of
/// thousands of CAs costs no formatting nobody reads.
#[derive(Clone)]
pub struct Certificate {
    der: CertificateDer<'static>,
    subject_raw: Range<usize>,
    issuer_raw: Range<usize>,
    spki: Range<usize>,
    serial: Range<usize>,
    /// The subjectAltName extension's value, when there is one.
    subject_alt_name: Option<Range<usize>>,
    not_before_unix: i64,
    not_after_unix: i64,
    is_ca: bool,
    // Boxed: most certificates of a bundle never need it, and a small
    // `Certificate` keeps a bundle's vector small.
    info: OnceLock<Box<CertificateInfo>>,
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("der", &self.der)
            .field("info", self.info())
            .field("subject_raw", &self.subject_raw())
            .field("issuer_raw", &self.issuer_raw())
            .field("spki", &self.spki())
            .finish()
    }
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
        Certificate::from_der_vec(der.to_vec())
    }

    /// Parses one DER certificate, keeping `der` without copying it.
    pub(crate) fn from_der_vec(der: Vec<u8>) -> Result<Certificate> {
        let invalid = |reason: String| Error::new(ErrorKind::InvalidCertificate { reason });
        // The structure of every extension is checked, but only the two the
        // facts rely on are parsed deeply: x509-parser's deep parsing never
        // refuses a certificate, it only records what did not parse, which
        // `subject_alt_name_problem` and `basic_constraints_problem` look at.
        let (rest, cert) = X509CertificateParser::new()
            .with_deep_parse_extensions(false)
            .parse(&der)
            .map_err(|e| invalid(describe_x509_error(&e)))?;
        if !rest.is_empty() {
            return Err(invalid(format!(
                "{} bytes follow the certificate",
                rest.len()
            )));
        }
        // Malformed extensions the facts rely on are refused now, not when
        // the facts are first asked for.
        if let Some(e) = subject_alt_name_problem(&cert) {
            return Err(invalid(format!(
                "its subjectAltName is malformed ({})",
                x509_problem(&e)
            )));
        }
        if let Some(e) = basic_constraints_problem(&cert) {
            return Err(invalid(format!(
                "its basicConstraints is malformed ({})",
                x509_problem(&e)
            )));
        }
        let within = |part: &[u8]| {
            range_within(&der, part).ok_or_else(|| {
                invalid("the parser returned a part outside the certificate".to_owned())
            })
        };
        let subject_raw = within(cert.subject().as_raw())?;
        let issuer_raw = within(cert.issuer().as_raw())?;
        let spki = within(cert.public_key().raw)?;
        let serial = within(cert.raw_serial())?;
        let subject_alt_name = match cert.get_extension_unique(&OID_X509_EXT_SUBJECT_ALT_NAME) {
            Ok(Some(ext)) => Some(within(ext.value)?),
            _ => None,
        };
        let validity = cert.validity();
        let not_before_unix = validity.not_before.timestamp();
        let not_after_unix = validity.not_after.timestamp();
        let is_ca = is_ca(&cert);
        drop(cert);
        Ok(Certificate {
            der: CertificateDer::from(der),
            subject_raw,
            issuer_raw,
            spki,
            serial,
            subject_alt_name,
            not_before_unix,
            not_after_unix,
            is_ca,
            info: OnceLock::new(),
        })
    }

    /// The DER bytes.
    pub fn der(&self) -> &CertificateDer<'static> {
        &self.der
    }

    /// The certificate as a `CERTIFICATE` PEM block.
    pub fn pem(&self) -> String {
        let mut out = String::with_capacity(self.pem_len());
        self.write_pem(&mut out);
        out
    }

    /// Appends [`Certificate::pem`] to `out`: a bundle becomes one text
    /// without a string per certificate (size it with [`Certificate::pem_len`]).
    pub fn write_pem(&self, out: &mut String) {
        // Public bytes: the fast encoder, not pem_encode's constant-time one
        // (which keys need). Same text.
        let encode = |chunk: &[u8], line: &mut [u8]| {
            base64::engine::general_purpose::STANDARD
                .encode_slice(chunk, line)
                .unwrap_or(0)
        };
        write_pem_block(out, "CERTIFICATE", &self.der, &mut [0u8; 64], encode);
    }

    /// The length of [`Certificate::pem`].
    pub fn pem_len(&self) -> usize {
        pem_block_len("CERTIFICATE", self.der.len())
    }

    /// Its facts, worked out on first use.
    pub fn info(&self) -> &CertificateInfo {
        self.info.get_or_init(|| Box::new(self.describe()))
    }

    /// Its SubjectPublicKeyInfo DER.
    pub fn spki(&self) -> &[u8] {
        &self.der[self.spki.clone()]
    }

    /// Start of validity, seconds since the Unix epoch (as in [`CertificateInfo`]).
    pub fn not_before_unix(&self) -> i64 {
        self.not_before_unix
    }

    /// End of validity, seconds since the Unix epoch (as in [`CertificateInfo`]).
    pub fn not_after_unix(&self) -> i64 {
        self.not_after_unix
    }

    /// Its subject Name, DER (with its SEQUENCE header).
    pub(crate) fn subject_raw_bytes(&self) -> &[u8] {
        self.subject_raw()
    }

    /// Its issuer Name, DER (with its SEQUENCE header).
    pub(crate) fn issuer_raw_bytes(&self) -> &[u8] {
        self.issuer_raw()
    }

    fn subject_raw(&self) -> &[u8] {
        &self.der[self.subject_raw.clone()]
    }

    fn issuer_raw(&self) -> &[u8] {
        &self.der[self.issuer_raw.clone()]
    }

    /// True when `self` names `issuer` as its issuer (by distinguished name).
    pub fn is_issued_by(&self, issuer: &Certificate) -> bool {
        self.issuer_raw() == issuer.subject_raw()
    }

    /// The facts, from the parts located when parsing: the names are parsed
    /// again on their own, with the parser that read them in the certificate.
    fn describe(&self) -> CertificateInfo {
        let name = |raw: &[u8]| match X509Name::from_der(raw) {
            Ok((_, name)) => name.to_string(),
            // It parsed as part of the certificate, so it parses alone.
            Err(_) => "(unreadable)".to_owned(),
        };
        let subject_alt_names = self
            .subject_alt_name
            .clone()
            .and_then(|range| SubjectAlternativeName::from_der(&self.der[range]).ok())
            .map(|(_, san)| san.general_names.iter().filter_map(describe_name).collect())
            .unwrap_or_default();
        CertificateInfo {
            subject: name(self.subject_raw()),
            issuer: name(self.issuer_raw()),
            serial: serial_hex(&self.der[self.serial.clone()]),
            subject_alt_names,
            not_before: rfc3339(self.not_before_unix),
            not_after: rfc3339(self.not_after_unix),
            not_before_unix: self.not_before_unix,
            not_after_unix: self.not_after_unix,
            fingerprint256: fingerprint256(&self.der),
            is_ca: self.is_ca,
            public_key: crate::key::describe_public_key(self.spki()),
        }
    }

    /// Warnings about this certificate's validity period at `now`.
    pub fn validity_warnings(&self, now: SystemTime, role: &str) -> Vec<Warning> {
        let now = unix_seconds(now);
        let soon = self.not_after_unix - now < EXPIRY_WARNING_DAYS * 86_400;
        if now <= self.not_after_unix && now >= self.not_before_unix && !soon {
            // The common case: no warning, so no need for the facts.
            return Vec::new();
        }
        let info = self.info();
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
    parse_chain_checked(input, |_, _| Ok(()))
}

/// A chain from separate items, as callers hold one (a TLS client's list of
/// DER certificates, PEM strings, or a mix): each item is PEM text (one or
/// more certificates) or one DER certificate; the certificates in order.
/// Errors name the item (1-based) as the block, and `argument` as the
/// variable.
pub fn chain_from_items<T: AsRef<[u8]>>(items: &[T], argument: &str) -> Result<Vec<Certificate>> {
    let mut chain = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let certificates = parse_chain(item.as_ref()).map_err(|e| {
            let e = e.with_env_var(argument);
            if items.len() > 1 && e.block().is_none() {
                e.with_block(index + 1, None)
            } else {
                e
            }
        })?;
        chain.extend(certificates);
    }
    Ok(chain)
}

/// [`parse_chain`] for a listener's chain: every certificate must also be
/// one Node's TLS serves (see [`crate::servable`]), else
/// `ERR_CERT_UNSUPPORTED` naming it and its PEM block.
pub fn parse_server_chain(input: &[u8]) -> Result<Vec<Certificate>> {
    parse_chain_checked(input, |cert, position| {
        match crate::servable::problem(cert.der()) {
            None => Ok(()),
            Some(problem) => Err(Error::new(ErrorKind::UnsupportedCertificate {
                position,
                subject: cert.info().subject.clone(),
                problem,
            })),
        }
    })
}

fn parse_chain_checked(
    input: &[u8],
    check: impl Fn(&Certificate, usize) -> Result<()>,
) -> Result<Vec<Certificate>> {
    if !pem::contains_pem(input) {
        let chain = parse_der_file(input)?;
        if let Some(leaf) = chain.first() {
            check(leaf, 1)?;
        }
        return Ok(chain);
    }
    let mut chain = Vec::new();
    let mut found = Vec::new();
    for entry in pem::blocks(input) {
        if !is_certificate_label(&entry.label) {
            pem::remember_label(&mut found, &entry.label);
            continue;
        }
        let mut block = entry.block?;
        let (index, line) = (block.index, block.line);
        // A certificate is public: its bytes need no wiping, so they move.
        let der = std::mem::take(&mut *block.der);
        let at = |e: Error| e.with_block(index, Some(line));
        let cert = Certificate::from_der_vec(der).map_err(at)?;
        check(&cert, chain.len() + 1).map_err(at)?;
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
                    pair[0].info().subject,
                    pair[0].info().issuer,
                    i + 2,
                    pair[1].info().subject
                ),
            ));
        }
    }
    if let Some(leaf) = chain.first() {
        if leaf.info().subject_alt_names.is_empty() {
            warnings.push(Warning::new(
                WarningCode::NoSubjectAltName,
                format!(
                    "the leaf certificate {} has no subjectAltName; browsers and Node ignore the CN, so no host name will match",
                    leaf.info().subject
                ),
            ));
        }
    }
    warnings
}

/// What `X509Certificate::subject_alternative_name` reports as an error
/// after a deep parse, from a certificate parsed without one: a duplicate
/// extension, or one whose value does not parse (x509-parser's deep parser
/// for it is `SubjectAlternativeName::from_der`).
fn subject_alt_name_problem(cert: &X509Certificate<'_>) -> Option<X509Error> {
    match cert.get_extension_unique(&OID_X509_EXT_SUBJECT_ALT_NAME) {
        Err(e) => Some(e),
        Ok(None) => None,
        Ok(Some(ext)) => SubjectAlternativeName::from_der(ext.value)
            .err()
            .map(|_| X509Error::InvalidExtensions),
    }
}

/// `basicConstraints.cA` as a full parse reads it: a value that does not
/// parse reads as no basicConstraints (x509-parser's deep parser for it is
/// `BasicConstraints::from_der`).
fn is_ca(cert: &X509Certificate<'_>) -> bool {
    match cert.get_extension_unique(&OID_X509_EXT_BASIC_CONSTRAINTS) {
        Ok(Some(ext)) => BasicConstraints::from_der(ext.value).is_ok_and(|(_, bc)| bc.ca),
        _ => false,
    }
}

/// What `X509Certificate::basic_constraints` reports as an error: only a
/// duplicate extension (a value that does not parse reads as absent).
fn basic_constraints_problem(cert: &X509Certificate<'_>) -> Option<X509Error> {
    cert.get_extension_unique(&OID_X509_EXT_BASIC_CONSTRAINTS)
        .err()
}

/// SHA-256 of `der` as upper-case hex pairs joined by `:`.
fn fingerprint256(der: &[u8]) -> String {
    hex_upper(
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der).as_ref(),
        Some(':'),
    )
}

/// Where `part` lies within `whole`, when it is a sub-slice of it.
fn range_within(whole: &[u8], part: &[u8]) -> Option<Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= whole.len()).then_some(start..end)
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

fn describe_x509_error(error: &x509_parser::nom::Err<X509Error>) -> String {
    match error {
        x509_parser::nom::Err::Incomplete(_) => "the DER is truncated".to_owned(),
        x509_parser::nom::Err::Error(e) | x509_parser::nom::Err::Failure(e) => {
            x509_problem(e).to_owned()
        }
    }
}

/// The part of a certificate that did not parse, in console-tls's words
/// (the parser's own texts name its types).
fn x509_problem(error: &X509Error) -> &'static str {
    match error {
        X509Error::InvalidVersion => "its version is invalid",
        X509Error::InvalidSerial => "its serial number is invalid",
        X509Error::InvalidAlgorithmIdentifier => "an algorithm identifier is invalid",
        X509Error::InvalidX509Name => "its subject or issuer name is invalid",
        X509Error::InvalidDate => "its validity dates are invalid",
        X509Error::InvalidSPKI => "its public key is invalid",
        X509Error::InvalidSubjectUID | X509Error::InvalidIssuerUID => {
            "a unique identifier is invalid"
        }
        X509Error::InvalidExtensions => "its extensions are invalid",
        X509Error::DuplicateExtensions => "an extension appears twice",
        X509Error::InvalidSignatureValue => "its signature is invalid",
        X509Error::InvalidTbsCertificate => "its signed part is invalid",
        X509Error::InvalidNumber => "a number in it is invalid",
        _ => "its DER structure is invalid",
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
    hex_upper(&raw[significant..], None)
}

fn hex_upper(bytes: &[u8], separator: Option<char>) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, byte) in bytes.iter().enumerate() {
        if let (true, Some(separator)) = (i > 0, separator) {
            out.push(separator);
        }
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0x0F)] as char);
    }
    out
}

/// Encodes `der` as a PEM block with 64-column lines.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    let mut out = String::with_capacity(pem_block_len(label, der.len()));
    // The input may be a private key: constant-time base64, and the line
    // buffer is wiped (`out` is sized exactly, so it never reallocates and
    // leaves no copy behind).
    let mut line = zeroize::Zeroizing::new([0u8; 64]);
    let encode = |chunk: &[u8], line: &mut [u8]| Base64::encode(chunk, line).map_or(0, str::len);
    write_pem_block(&mut out, label, der, &mut line, encode);
    out
}

/// Appends `der` as a PEM block labelled `label` to `out`, 48 bytes to each
/// 64-column line; `encode` writes the base64 of one chunk into `line` and
/// returns its length.
fn write_pem_block(
    out: &mut String,
    label: &str,
    der: &[u8],
    line: &mut [u8; 64],
    encode: impl Fn(&[u8], &mut [u8]) -> usize,
) {
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for chunk in der.chunks(48) {
        let written = encode(chunk, line);
        out.push_str(std::str::from_utf8(&line[..written]).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
}

/// The length of the PEM block of `der_len` bytes labelled `label`.
fn pem_block_len(label: &str, der_len: usize) -> usize {
    let encoded = der_len.div_ceil(3) * 4;
    let frame = "-----BEGIN -----\n".len() + "-----END -----\n".len() + 2 * label.len();
    frame + encoded + encoded.div_ceil(64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rcgen::{BasicConstraints, CertificateParams, CustomExtension, IsCa, KeyPair};

    const SAN: [u64; 4] = [2, 5, 29, 17];
    const BASIC_CONSTRAINTS: [u64; 4] = [2, 5, 29, 19];

    /// The checks `Certificate::from_der` made before it stopped deep-parsing
    /// every extension: a full x509-parser parse and its accessors.
    fn reference_verdict(der: &[u8]) -> std::result::Result<(), String> {
        let (rest, cert) = X509Certificate::from_der(der).map_err(|e| describe_x509_error(&e))?;
        if !rest.is_empty() {
            return Err(format!("{} bytes follow the certificate", rest.len()));
        }
        if let Err(e) = cert.subject_alternative_name() {
            return Err(format!(
                "its subjectAltName is malformed ({})",
                x509_problem(&e)
            ));
        }
        if let Err(e) = cert.basic_constraints() {
            return Err(format!(
                "its basicConstraints is malformed ({})",
                x509_problem(&e)
            ));
        }
        Ok(())
    }

    /// How the facts were worked out before they became lazy: from a full
    /// parse, with x509-parser's accessors.
    fn info_of(cert: &X509Certificate<'_>, der: &[u8]) -> CertificateInfo {
        let subject_alt_names = match cert.subject_alternative_name() {
            Ok(Some(san)) => san
                .value
                .general_names
                .iter()
                .filter_map(describe_name)
                .collect(),
            _ => Vec::new(),
        };
        let is_ca = matches!(cert.basic_constraints(), Ok(Some(bc)) if bc.value.ca);
        let validity = cert.validity();
        let not_before_unix = validity.not_before.timestamp();
        let not_after_unix = validity.not_after.timestamp();
        CertificateInfo {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            serial: serial_hex(cert.raw_serial()),
            subject_alt_names,
            not_before: rfc3339(not_before_unix),
            not_after: rfc3339(not_after_unix),
            not_before_unix,
            not_after_unix,
            fingerprint256: fingerprint256(der),
            is_ca,
            public_key: crate::key::describe_public_key(cert.public_key().raw),
        }
    }

    fn verdict(der: &[u8]) -> std::result::Result<(), String> {
        match Certificate::from_der(der) {
            Ok(_) => Ok(()),
            Err(e) => match e.kind() {
                ErrorKind::InvalidCertificate { reason } => Err(reason.clone()),
                other => panic!("unexpected error kind {other:?}"),
            },
        }
    }

    fn certificate_with(extensions: Vec<CustomExtension>, ca: bool) -> Vec<u8> {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec!["a.test".to_owned()]).unwrap();
        if ca {
            params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        }
        params.custom_extensions = extensions;
        params.self_signed(&key).unwrap().der().to_vec()
    }

    fn extension(oid: &[u64], content: &[u8]) -> CustomExtension {
        CustomExtension::from_oid_content(oid, content.to_vec())
    }

    #[test]
    fn extension_problems_are_reported_as_a_full_parse_reports_them() {
        // A SAN whose only entry is not context-specific; a BC that is not a SEQUENCE.
        let bad_san = [0x30, 0x03, 0x01, 0x01, 0xFF];
        let bad_bc = [0x02, 0x01, 0x05];
        let cases = [
            ("well-formed", certificate_with(vec![], true), true),
            (
                "duplicate SAN",
                certificate_with(vec![extension(&SAN, &[0x30, 0x00])], false),
                false,
            ),
            (
                "malformed SAN",
                {
                    let key = KeyPair::generate().unwrap();
                    let mut params = CertificateParams::default();
                    params.custom_extensions = vec![extension(&SAN, &bad_san)];
                    params.self_signed(&key).unwrap().der().to_vec()
                },
                false,
            ),
            (
                "duplicate basicConstraints",
                certificate_with(vec![extension(&BASIC_CONSTRAINTS, &[0x30, 0x00])], true),
                false,
            ),
            (
                "malformed basicConstraints (reads as absent)",
                certificate_with(vec![extension(&BASIC_CONSTRAINTS, &bad_bc)], false),
                true,
            ),
        ];
        for (name, der, accepted) in cases {
            let expected = reference_verdict(&der);
            assert_eq!(expected.is_ok(), accepted, "{name}: {expected:?}");
            assert_eq!(verdict(&der), expected, "{name}");
        }
    }

    /// Every certificate under tests/fixtures, as DER.
    fn fixture_certificates() -> Vec<(String, Vec<u8>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut found = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap();
                for scanned in pem::scan(&bytes) {
                    if let (true, Ok(block)) = (is_certificate_label(&scanned.label), scanned.block)
                    {
                        found.push((path.display().to_string(), block.der.to_vec()));
                    }
                }
            }
        }
        found
    }

    #[test]
    fn facts_are_those_of_a_full_parse() {
        use rcgen::SanType;
        let mut cases = fixture_certificates();
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec!["dns.test".to_owned()]).unwrap();
        params.subject_alt_names.extend([
            SanType::IpAddress("192.0.2.7".parse().unwrap()),
            SanType::IpAddress("2001:db8::1".parse().unwrap()),
            SanType::Rfc822Name("ops@example.com".try_into().unwrap()),
            SanType::URI("https://example.com/x".try_into().unwrap()),
        ]);
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "Ünïcode GmbH");
        params
            .distinguished_name
            .push(rcgen::DnType::CustomDnType(vec![2, 5, 4, 97]), "VATDE-123");
        params.serial_number = Some(vec![0x00, 0x8F, 0x01].into());
        cases.push((
            "rcgen, every SAN type".to_owned(),
            params.self_signed(&key).unwrap().der().to_vec(),
        ));
        cases.push(("rcgen CA".to_owned(), certificate_with(vec![], true)));
        cases.push((
            "rcgen, unreadable basicConstraints".to_owned(),
            certificate_with(
                vec![extension(&BASIC_CONSTRAINTS, &[0x02, 0x01, 0x05])],
                false,
            ),
        ));
        let mut compared = 0;
        for (name, der) in cases {
            // The malformed fixtures: refused as a full parse refuses them.
            assert_eq!(verdict(&der), reference_verdict(&der), "{name}");
            if reference_verdict(&der).is_err() {
                continue;
            }
            compared += 1;
            let cert = Certificate::from_der(&der).unwrap_or_else(|e| panic!("{name}: {e}"));
            let (_, parsed) = X509Certificate::from_der(&der).unwrap();
            assert_eq!(cert.info(), &info_of(&parsed, &der), "{name}");
            assert_eq!(cert.spki(), parsed.public_key().raw, "{name}");
            assert_eq!(
                cert.not_before_unix(),
                cert.info().not_before_unix,
                "{name}"
            );
            assert_eq!(cert.not_after_unix(), cert.info().not_after_unix, "{name}");
            assert_eq!(
                cert.is_issued_by(&cert),
                parsed.issuer().as_raw() == parsed.subject().as_raw(),
                "{name}"
            );
        }
        assert!(compared >= 10, "compared {compared}");
    }

    #[test]
    fn the_fingerprint_is_nodes_fingerprint256() {
        let der = certificate_with(vec![], true);
        let expected = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &der)
            .as_ref()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":");
        assert_eq!(
            Certificate::from_der(&der).unwrap().info().fingerprint256,
            expected
        );
    }

    #[test]
    fn pem_encode_is_sized_exactly_and_reads_back() {
        for len in 0..=200usize {
            let der: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = pem_encode("PRIVATE KEY", &der);
            // Exactly sized: a key's text never reallocates, leaving no copy.
            assert_eq!(text.len(), pem_block_len("PRIVATE KEY", len), "{len}");
            assert!(text.lines().all(|line| line.len() <= 64), "{len}");
            if len > 0 {
                let scanned = pem::scan(text.as_bytes());
                let block = scanned[0].block.as_ref().unwrap();
                assert_eq!(
                    (block.label.as_str(), &block.der[..]),
                    ("PRIVATE KEY", &der[..])
                );
            }
        }
    }

    #[test]
    fn certificate_pem_is_pem_encode() {
        for (name, der) in fixture_certificates() {
            if let Ok(cert) = Certificate::from_der(&der) {
                assert_eq!(cert.pem(), pem_encode("CERTIFICATE", &der), "{name}");
                assert_eq!(cert.pem().len(), cert.pem_len(), "{name}");
            }
        }
    }

    #[test]
    fn hex_is_upper_case_pairs() {
        assert_eq!(hex_upper(&[0x00, 0x0A, 0xFF, 0x5C], None), "000AFF5C");
        assert_eq!(hex_upper(&[0x00, 0x0A, 0xFF], Some(':')), "00:0A:FF");
        assert_eq!(hex_upper(&[], Some(':')), "");
    }

    proptest! {
        /// Damaged certificates (bytes overwritten anywhere, or cut short)
        /// are refused, or accepted, exactly as the full parse decided.
        #[test]
        fn damaged_certificates_get_the_same_verdict(
            seed in 0usize..3,
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
            cut in proptest::option::of(any::<prop::sample::Index>()),
        ) {
            let mut der = match seed {
                0 => certificate_with(vec![], true),
                1 => certificate_with(vec![extension(&[1, 2, 3, 4], &[0x05, 0x00])], false),
                _ => std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/identity/rsa-cert.der")).unwrap(),
            };
            for (at, byte) in edits {
                let i = at.index(der.len());
                der[i] = byte;
            }
            if let Some(cut) = cut {
                der.truncate(cut.index(der.len()));
            }
            prop_assert_eq!(verdict(&der), reference_verdict(&der));
        }
    }
}
