//! Reading extra CA bundles so that every block is accounted for: loaded,
//! collapsed as a duplicate, skipped as a non-certificate, or reported as a
//! problem with its index and line. A bad block does not hide the good blocks
//! after it (Node stops at the first bad block; this is deliberate).

use std::collections::HashMap;

use crate::certificate::{is_certificate_label, Certificate};
use crate::error::{Error, ErrorKind, Source};
use crate::location::Location;
use crate::options::Options;
use crate::pem;
use crate::warning::{Warning, WarningCode};

/// What the sources held.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    /// Unique certificates, in the order first seen.
    pub extras: Vec<Certificate>,
    /// Duplicates, skipped blocks, validity of the extras.
    pub warnings: Vec<Warning>,
    /// Missing or unreadable files, bad blocks, files without certificates.
    /// Each names its source (and block); the caller adds the variable.
    pub problems: Vec<Error>,
}

/// Skipped (non-certificate) blocks warned about one by one, per source; the
/// rest get one warning, so that a hostile bundle of a million tiny blocks
/// does not become a million warnings (about 100 MB of report).
const MAX_SKIPPED_WARNINGS: usize = 16;

/// Where a certificate was first seen, for duplicate warnings.
struct Seen {
    place: String,
    index: usize,
}

/// Loads every source in order.
pub(crate) fn load_sources(sources: &[Location], options: &Options) -> Loaded {
    let mut loaded = Loaded::default();
    // Keyed by SHA-256 fingerprint: one entry per distinct DER.
    let mut seen: HashMap<String, Seen> = HashMap::new();
    for location in sources {
        load_source(location, options, &mut loaded, &mut seen);
    }
    let now = options.now();
    let validity: Vec<Warning> = loaded
        .extras
        .iter()
        .flat_map(|cert| cert.validity_warnings(now, "extra CA"))
        .collect();
    loaded.warnings.extend(validity);
    loaded
}

fn load_source(
    location: &Location,
    options: &Options,
    loaded: &mut Loaded,
    seen: &mut HashMap<String, Seen>,
) {
    let source = location.source();
    let problem = |error: Error| error.with_source(source.clone());
    let bytes = match location.read(options.max_file_size) {
        Ok(bytes) => bytes,
        Err(error) => {
            loaded.problems.push(problem(error));
            return;
        }
    };
    if !pem::contains_pem(&bytes) {
        // Like the listener loader, a DER file holding one certificate is accepted.
        let outcome = if bytes.first() == Some(&0x30) {
            Certificate::from_der(&bytes)
        } else {
            Err(Error::new(ErrorKind::NoCertificate { found: Vec::new() }))
        };
        match outcome {
            Ok(cert) => add(cert, &source, None, loaded, seen),
            Err(error) => loaded.problems.push(problem(error)),
        }
        return;
    }
    let mut certificate_blocks = 0;
    let mut skipped_blocks = 0;
    let mut other_labels: Vec<String> = Vec::new();
    for entry in pem::blocks(&bytes) {
        if !is_certificate_label(&entry.label) {
            skipped_blocks += 1;
            if skipped_blocks <= MAX_SKIPPED_WARNINGS {
                let (index, line) = match &entry.block {
                    Ok(block) => (block.index, Some(block.line)),
                    Err(error) => (error.block().unwrap_or(0), error.line()),
                };
                loaded
                    .warnings
                    .push(skipped_block(&entry.label, &source, index, line));
            }
            pem::remember_label(&mut other_labels, &entry.label);
            continue;
        }
        certificate_blocks += 1;
        match entry.block {
            Err(error) => loaded.problems.push(problem(error)),
            Ok(block) => match Certificate::from_der(&block.der) {
                Ok(cert) => add(cert, &source, Some((block.index, block.line)), loaded, seen),
                Err(error) => loaded
                    .problems
                    .push(problem(error.with_block(block.index, Some(block.line)))),
            },
        }
    }
    if skipped_blocks > MAX_SKIPPED_WARNINGS {
        loaded.warnings.push(Warning::new(
            WarningCode::TrustProblem,
            format!(
                "{} more blocks of {source} are not certificates and are skipped (not listed one by one)",
                skipped_blocks - MAX_SKIPPED_WARNINGS
            ),
        ));
    }
    if certificate_blocks == 0 {
        loaded
            .problems
            .push(problem(Error::new(ErrorKind::NoCertificate {
                found: other_labels,
            })));
    }
}

fn add(
    cert: Certificate,
    source: &Source,
    block: Option<(usize, usize)>,
    loaded: &mut Loaded,
    seen: &mut HashMap<String, Seen>,
) {
    let place = match block {
        Some((index, line)) => format!("block {index} (line {line}) of {source}"),
        None => source.to_string(),
    };
    let fingerprint = cert.info().fingerprint256.clone();
    if let Some(first) = seen.get(&fingerprint) {
        loaded.warnings.push(Warning::new(
            WarningCode::DuplicateCertificate,
            format!(
                "{place} is the same certificate as {} ({}); the copy is ignored",
                first.place,
                loaded.extras[first.index].info().subject
            ),
        ));
        return;
    }
    seen.insert(
        fingerprint,
        Seen {
            place,
            index: loaded.extras.len(),
        },
    );
    loaded.extras.push(cert);
}

fn skipped_block(label: &str, source: &Source, index: usize, line: Option<usize>) -> Warning {
    let place = match line {
        Some(line) => format!("block {index} (line {line}) of {source}"),
        None => format!("block {index} of {source}"),
    };
    let advice = if label.contains("PRIVATE KEY") {
        "remove it: a CA bundle needs no keys, and this one is readable by whoever can read the bundle"
    } else {
        "a CA bundle needs only CERTIFICATE blocks"
    };
    Warning::new(
        WarningCode::TrustProblem,
        format!("{place} is a {label} block, not a certificate, and is skipped; {advice}"),
    )
}
