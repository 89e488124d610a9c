//! Reading extra CA bundles so that every block is accounted for: loaded,
//! collapsed as a duplicate, skipped as a non-certificate, or reported as a
//! problem with its index and line. A bad block does not hide the good blocks
//! after it (Node stops at the first bad block; this is deliberate).

use std::collections::hash_map::{Entry, HashMap, RandomState};
use std::hash::BuildHasher;

use rustls_pki_types::TrustAnchor;

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
    /// Per extra, its trust anchor, or why webpki cannot use it as one.
    pub anchors: Vec<Result<TrustAnchor<'static>, webpki::Error>>,
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

/// Bad certificate blocks reported one by one, per source; the rest are
/// counted in one warning, for the same reason (a bundle of 140 000 empty
/// CERTIFICATE blocks fits the size limit).
const MAX_LISTED_PROBLEMS: usize = 16;

/// Where a certificate was first seen, for duplicate warnings (formatted
/// only when there is a duplicate).
struct Seen {
    source: usize,
    block: Option<(usize, usize)>,
    index: usize,
}

/// Finds certificates already loaded: by a keyed hash of the whole DER
/// (std's SipHash with a random key, so that a crafted bundle cannot make
/// lookups slow), then by comparing the DER itself.
#[derive(Default)]
struct SeenCertificates {
    state: RandomState,
    first: HashMap<u64, Seen>,
    /// Distinct certificates whose hashes collide with a `first` entry's.
    more: Vec<(u64, Seen)>,
}

impl SeenCertificates {
    /// The first sighting of `der`, if any.
    fn find(&self, hash: u64, der: &[u8], extras: &[Certificate]) -> Option<&Seen> {
        let same = |seen: &&Seen| extras[seen.index].der().as_ref() == der;
        match self.first.get(&hash) {
            None => None,
            Some(seen) if same(&seen) => Some(seen),
            Some(_) => self
                .more
                .iter()
                .filter(|(h, _)| *h == hash)
                .map(|(_, seen)| seen)
                .find(same),
        }
    }

    fn insert(&mut self, hash: u64, seen: Seen) {
        match self.first.entry(hash) {
            Entry::Vacant(slot) => {
                slot.insert(seen);
            }
            Entry::Occupied(_) => self.more.push((hash, seen)),
        }
    }
}

/// Loads every source in order.
pub(crate) fn load_sources(sources: &[Location], options: &Options) -> Loaded {
    load_sources_as(sources, options, "extra CA")
}

/// [`load_sources`], the certificates' validity warnings naming them as `role`.
pub(crate) fn load_sources_as(sources: &[Location], options: &Options, role: &str) -> Loaded {
    let mut loaded = Loaded::default();
    let mut seen = SeenCertificates::default();
    let names: Vec<Source> = sources.iter().map(Location::source).collect();
    for (number, location) in sources.iter().enumerate() {
        let context = SourceContext {
            names: &names,
            number,
        };
        load_source(location, context, options, &mut loaded, &mut seen);
    }
    let now = options.now();
    let validity: Vec<Warning> = loaded
        .extras
        .iter()
        .flat_map(|cert| cert.validity_warnings(now, role))
        .collect();
    loaded.warnings.extend(validity);
    loaded
}

/// The source being loaded, among all of them (for duplicate warnings).
#[derive(Clone, Copy)]
struct SourceContext<'a> {
    names: &'a [Source],
    number: usize,
}

fn load_source(
    location: &Location,
    context: SourceContext<'_>,
    options: &Options,
    loaded: &mut Loaded,
    seen: &mut SeenCertificates,
) {
    let source = context.names[context.number].clone();
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
            Ok(cert) => add(cert, context, None, loaded, seen),
            Err(error) => loaded.problems.push(problem(error)),
        }
        return;
    }
    let mut certificate_blocks = 0;
    let mut skipped_blocks = 0;
    let mut bad_blocks = 0;
    let mut report = |error: Error, loaded: &mut Loaded| {
        bad_blocks += 1;
        if bad_blocks <= MAX_LISTED_PROBLEMS {
            loaded.problems.push(problem(error));
        }
    };
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
            Err(error) => report(error, loaded),
            Ok(mut block) => {
                let place = (block.index, block.line);
                // A certificate is public: its bytes need no wiping, so they move.
                let der = std::mem::take(&mut *block.der);
                match Certificate::from_der_vec(der) {
                    Ok(cert) => add(cert, context, Some(place), loaded, seen),
                    Err(error) => report(error.with_block(place.0, Some(place.1)), loaded),
                }
            }
        }
    }
    let unlisted = [
        (
            bad_blocks,
            MAX_LISTED_PROBLEMS,
            "CERTIFICATE blocks",
            "are bad",
        ),
        (
            skipped_blocks,
            MAX_SKIPPED_WARNINGS,
            "blocks",
            "are not certificates",
        ),
    ];
    for (count, listed, blocks, why) in unlisted {
        if count > listed {
            loaded.warnings.push(Warning::new(
                WarningCode::TrustProblem,
                format!(
                    "{} more {blocks} of {source} {why} and are skipped (not listed one by one)",
                    count - listed
                ),
            ));
        }
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
    context: SourceContext<'_>,
    block: Option<(usize, usize)>,
    loaded: &mut Loaded,
    seen: &mut SeenCertificates,
) {
    let hash = seen.state.hash_one(cert.der().as_ref());
    if let Some(first) = seen.find(hash, cert.der(), &loaded.extras) {
        let here = place(&context.names[context.number], block);
        let there = place(&context.names[first.source], first.block);
        loaded.warnings.push(Warning::new(
            WarningCode::DuplicateCertificate,
            format!(
                "{here} is the same certificate as {there} ({}); the copy is ignored",
                loaded.extras[first.index].info().subject
            ),
        ));
        return;
    }
    // Checked now, while the DER is in the cache: can webpki use it as an anchor?
    loaded
        .anchors
        .push(webpki::anchor_from_trusted_cert(cert.der()).map(|a| a.to_owned()));
    seen.insert(
        hash,
        Seen {
            source: context.number,
            block,
            index: loaded.extras.len(),
        },
    );
    loaded.extras.push(cert);
}

fn place(source: &Source, block: Option<(usize, usize)>) -> String {
    match block {
        Some((index, line)) => format!("block {index} (line {line}) of {source}"),
        None => source.to_string(),
    }
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
