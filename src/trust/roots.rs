//! The trust anchors a server chain may lead to: the extra certificates,
//! Mozilla's roots (`webpki-roots`, the same source as Node's bundled store)
//! and, on request, the operating system's store.

use rustls_pki_types::{CertificateDer, TrustAnchor};
use serde::Serialize;
use x509_parser::prelude::FromDer;
use x509_parser::x509::X509Name;

use crate::certificate::Certificate;
use crate::warning::{Warning, WarningCode};

/// Where a trust anchor came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AnchorSource {
    /// The extra certificates (`NODE_EXTRA_CA_CERTS` or the API's files).
    Extra,
    /// Mozilla's root program, as shipped by `webpki-roots` (and by Node).
    Mozilla,
    /// The operating system's store (`rustls-native-certs`).
    System,
    /// A listener's client CA bundle (`SERVER_SSL_TRUST_CERTIFICATE`).
    ClientCa,
}

impl AnchorSource {
    /// Its name in JSON and in the Node API (`extra`, `mozilla`, `system`,
    /// `clientCa`).
    pub fn as_str(self) -> &'static str {
        match self {
            AnchorSource::Extra => "extra",
            AnchorSource::Mozilla => "mozilla",
            AnchorSource::System => "system",
            AnchorSource::ClientCa => "clientCa",
        }
    }

    /// How people call it.
    pub fn describe(self) -> &'static str {
        match self {
            AnchorSource::Extra => "extra CA certificates",
            AnchorSource::Mozilla => "Mozilla's root store",
            AnchorSource::System => "the operating system's root store",
            AnchorSource::ClientCa => "the listener's client CA bundle",
        }
    }
}

/// Every anchor, with where it came from. Extras come first so that a
/// certificate both extra and Mozilla's is credited to the operator's bundle
/// (what someone debugging `NODE_EXTRA_CA_CERTS` wants to see).
#[derive(Clone, Debug, Default)]
pub(crate) struct Anchors {
    pub anchors: Vec<TrustAnchor<'static>>,
    /// Per anchor: its source, and for extras the index into the extras.
    pub sources: Vec<(AnchorSource, Option<usize>)>,
    /// The system roots' validity periods (Unix seconds), by anchor index:
    /// a root outside its period anchors nothing, as in OpenSSL. (Extras
    /// are whole certificates; Mozilla's anchors carry no dates, and
    /// Mozilla removes roots before they expire.)
    pub system_validity: Vec<(usize, i64, i64)>,
    /// How many anchors each source contributed.
    pub extra: usize,
    pub mozilla: usize,
    pub system: usize,
    /// The operating system's roots that became anchors, as certificates:
    /// a Node `SecureContext` trusts certificates, not anchors.
    pub system_certificates: Vec<CertificateDer<'static>>,
}

impl Anchors {
    /// Builds the anchor list from the extras and, per extra, its anchor or
    /// why webpki cannot use it as one (`webpki::anchor_from_trusted_cert`,
    /// worked out while loading). An extra that cannot be an anchor is only
    /// warned about: a self-signed one is still trusted directly by its
    /// exact bytes. (Which anchors may end a path, only self-signed ones, is
    /// decided at verification.)
    pub fn build(
        extras: &[Certificate],
        extra_anchors: Vec<Result<TrustAnchor<'static>, webpki::Error>>,
        system_roots: bool,
    ) -> (Anchors, Vec<Warning>) {
        let (mut anchors, mut warnings) = Anchors::from_extras(extras, extra_anchors);
        for anchor in webpki_roots::TLS_SERVER_ROOTS {
            anchors.push(anchor.clone(), AnchorSource::Mozilla, None);
        }
        if system_roots {
            warnings.extend(anchors.add_system_roots());
        }
        (anchors, warnings)
    }

    /// The extras' anchors alone: a listener's client CAs, where Mozilla's
    /// and the system's roots have no say.
    pub fn from_extras(
        extras: &[Certificate],
        extra_anchors: Vec<Result<TrustAnchor<'static>, webpki::Error>>,
    ) -> (Anchors, Vec<Warning>) {
        let mut anchors = Anchors::default();
        let mut warnings = Vec::new();
        for (index, (cert, anchor)) in extras.iter().zip(extra_anchors).enumerate() {
            match anchor {
                Ok(anchor) => anchors.push(anchor, AnchorSource::Extra, Some(index)),
                Err(_) => warnings.push(Warning::new(
                    WarningCode::TrustProblem,
                    format!(
                        "the extra certificate {} cannot act as a CA (its name or key cannot be read as a CA's); if it is self-signed, it is trusted only when a server presents exactly it",
                        cert.info().subject
                    ),
                )),
            }
        }
        (anchors, warnings)
    }

    fn push(&mut self, anchor: TrustAnchor<'static>, source: AnchorSource, extra: Option<usize>) {
        match source {
            AnchorSource::Extra | AnchorSource::ClientCa => self.extra += 1,
            AnchorSource::Mozilla => self.mozilla += 1,
            AnchorSource::System => self.system += 1,
        }
        self.anchors.push(anchor);
        self.sources.push((source, extra));
    }

    fn add_system_roots(&mut self) -> Vec<Warning> {
        let mut warnings = Vec::new();
        let loaded = rustls_native_certs::load_native_certs();
        for error in &loaded.errors {
            warnings.push(Warning::new(
                WarningCode::TrustProblem,
                format!("part of the operating system's root store could not be read: {error}"),
            ));
        }
        let mut unusable = 0;
        for der in &loaded.certs {
            match webpki::anchor_from_trusted_cert(der) {
                Ok(anchor) => {
                    if let Ok(cert) = Certificate::from_der(der) {
                        let index = self.anchors.len();
                        self.system_validity.push((
                            index,
                            cert.not_before_unix(),
                            cert.not_after_unix(),
                        ));
                    }
                    self.push(anchor.to_owned(), AnchorSource::System, None);
                    self.system_certificates.push(der.clone());
                }
                Err(_) => unusable += 1,
            }
        }
        if unusable > 0 {
            warnings.push(Warning::new(
                WarningCode::TrustProblem,
                format!("{unusable} certificate(s) of the operating system's root store cannot act as a CA and are ignored"),
            ));
        }
        if loaded.certs.is_empty() {
            warnings.push(Warning::new(
                WarningCode::TrustProblem,
                "the operating system's root store is empty or missing; only Mozilla's roots and the extras are trusted",
            ));
        }
        warnings
    }
}

/// A distinguished name for people, from the contents of a `Name` SEQUENCE
/// (what a [`TrustAnchor`] keeps), e.g. `CN=ISRG Root X1, O=Internet Security Research Group, C=US`.
pub(crate) fn describe_name(contents: &[u8]) -> String {
    let mut der = Vec::with_capacity(contents.len() + 4);
    der.push(0x30);
    let len = contents.len();
    if len < 0x80 {
        der.push(len as u8);
    } else if len <= 0xFF {
        der.extend_from_slice(&[0x81, len as u8]);
    } else {
        der.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    }
    der.extend_from_slice(contents);
    match X509Name::from_der(&der) {
        Ok((_, name)) => name.to_string(),
        Err(_) => "(an unreadable name)".to_owned(),
    }
}
