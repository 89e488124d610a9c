//! The one throwaway PKI of the Rust tests and benches, made with rcgen:
//! roots, intermediates and server certificates with chosen names, serials
//! and validity periods.
#![allow(dead_code)]

use std::time::{Duration, SystemTime};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SerialNumber,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::OffsetDateTime;

pub const DAY: Duration = Duration::from_secs(86_400);

/// A certificate authority that can issue certificates.
pub struct Ca {
    pub cert: rcgen::Certificate,
    issuer: Issuer<'static, KeyPair>,
}

impl Ca {
    /// A self-signed root CA.
    pub fn root(name: &str) -> Ca {
        let key = KeyPair::generate().unwrap();
        let params = ca_params(name);
        let cert = params.self_signed(&key).unwrap();
        Ca {
            cert,
            issuer: Issuer::new(params, key),
        }
    }

    /// A self-signed root CA valid from `not_before` to `not_after`.
    pub fn root_valid(name: &str, not_before: SystemTime, not_after: SystemTime) -> Ca {
        let key = KeyPair::generate().unwrap();
        let mut params = ca_params(name);
        params.not_before = OffsetDateTime::from(not_before);
        params.not_after = OffsetDateTime::from(not_after);
        let cert = params.self_signed(&key).unwrap();
        Ca {
            cert,
            issuer: Issuer::new(params, key),
        }
    }

    /// An intermediate CA issued by `self`.
    pub fn intermediate(&self, name: &str) -> Ca {
        let key = KeyPair::generate().unwrap();
        let params = ca_params(name);
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Ca {
            cert,
            issuer: Issuer::new(params, key),
        }
    }

    /// An intermediate CA issued by `self`, valid from `not_before` to `not_after`.
    pub fn intermediate_valid(
        &self,
        name: &str,
        not_before: SystemTime,
        not_after: SystemTime,
    ) -> Ca {
        let key = KeyPair::generate().unwrap();
        let mut params = ca_params(name);
        params.not_before = OffsetDateTime::from(not_before);
        params.not_after = OffsetDateTime::from(not_after);
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Ca {
            cert,
            issuer: Issuer::new(params, key),
        }
    }

    /// A server certificate for `names` (DNS names or IP addresses), valid
    /// from a day ago for a year.
    pub fn leaf(&self, names: &[&str]) -> Leaf {
        let now = SystemTime::now();
        self.leaf_valid(names, now - DAY, now + 365 * DAY)
    }

    /// A server certificate valid from `not_before` to `not_after`.
    pub fn leaf_valid(
        &self,
        names: &[&str],
        not_before: SystemTime,
        not_after: SystemTime,
    ) -> Leaf {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        params.distinguished_name.push(
            DnType::CommonName,
            names.first().copied().unwrap_or("server"),
        );
        params.not_before = OffsetDateTime::from(not_before);
        params.not_after = OffsetDateTime::from(not_after);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Leaf { cert, key }
    }

    pub fn der(&self) -> CertificateDer<'static> {
        self.cert.der().clone()
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }
}

fn ca_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    // A year back: a CA outside its validity period anchors nothing (as in
    // OpenSSL), and tests judge their leaves up to weeks before now.
    let now = SystemTime::now();
    params.not_before = OffsetDateTime::from(now - 365 * DAY);
    params.not_after = OffsetDateTime::from(now + 3650 * DAY);
    params
}

/// A server certificate and its key.
pub struct Leaf {
    pub cert: rcgen::Certificate,
    pub key: KeyPair,
}

impl Leaf {
    pub fn der(&self) -> CertificateDer<'static> {
        self.cert.der().clone()
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    pub fn key_der(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key.serialize_der()))
    }

    pub fn key_pem(&self) -> String {
        self.key.serialize_pem()
    }
}

/// A self-signed server certificate (CA:FALSE) for `names`.
pub fn self_signed(names: &[&str]) -> Leaf {
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(
        DnType::CommonName,
        names.first().copied().unwrap_or("server"),
    );
    let cert = params.self_signed(&key).unwrap();
    Leaf { cert, key }
}

/// A server certificate as a listener's files hold it: the chain (leaf,
/// then its CA) and the key, PEM.
pub struct Issued {
    pub chain_pem: String,
    pub key_pem: String,
    pub serial: u8,
}

impl Ca {
    /// A P-256 server certificate for `names` with serial `serial`, as the
    /// files a listener reads.
    pub fn issue(&self, names: &[&str], serial: u8) -> Issued {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        params.distinguished_name.push(DnType::CommonName, names[0]);
        params.serial_number = Some(SerialNumber::from(vec![serial]));
        let now = SystemTime::now();
        params.not_before = OffsetDateTime::from(now - DAY);
        params.not_after = OffsetDateTime::from(now + 365 * DAY);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Issued {
            chain_pem: format!("{}{}", cert.pem(), self.pem()),
            key_pem: key.serialize_pem(),
            serial,
        }
    }
}

impl Ca {
    /// A P-256 client certificate (extendedKeyUsage clientAuth) for the
    /// common name `name`, valid from a day ago for a year.
    pub fn client(&self, name: &str) -> Leaf {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        let now = SystemTime::now();
        params.not_before = OffsetDateTime::from(now - DAY);
        params.not_after = OffsetDateTime::from(now + 365 * DAY);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Leaf { cert, key }
    }
}

/// A self-signed client certificate (CA:FALSE, extendedKeyUsage clientAuth):
/// a client trusted by its exact certificate rather than by a CA.
pub fn self_signed_client(name: &str) -> Leaf {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let cert = params.self_signed(&key).unwrap();
    Leaf { cert, key }
}
