//! A throwaway PKI made with rcgen: one CA, leaves signed by it.
#![allow(dead_code)]

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SerialNumber};

/// A CA that signs leaves.
pub struct TestCa {
    pub cert_pem: String,
    pub cert_der: Vec<u8>,
    issuer: Issuer<'static, KeyPair>,
}

/// A leaf certificate (chain: leaf then CA) and its key.
pub struct Leaf {
    pub chain_pem: String,
    pub key_pem: String,
    pub serial: u8,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        TestCa {
            cert_pem: cert.pem(),
            cert_der: cert.der().to_vec(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A P-256 leaf for `names` with serial `serial`.
    pub fn leaf(&self, names: &[&str], serial: u8) -> Leaf {
        let mut params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, names[0]);
        params.serial_number = Some(SerialNumber::from(vec![serial]));
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Leaf {
            chain_pem: format!("{}{}", cert.pem(), self.cert_pem),
            key_pem: key.serialize_pem(),
            serial,
        }
    }
}
