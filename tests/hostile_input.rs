//! Regression tests for what a review of the parsers found on hostile input:
//! work quadratic in the number of PEM blocks, messages as large as the
//! input, an overflow on the size limit, label comparison after lossy
//! decoding, and report amplification by non-certificate blocks.

mod common;

use std::path::Path;

use common::{expect_code, fixture, fixture_bytes, load_server};
use console_tls::{pem, ErrorCode, Location, Options, Trust};

/// `count` BEGIN lines with distinct labels and no END line.
fn distinct_labels(count: usize) -> Vec<u8> {
    let mut text = String::new();
    for i in 0..count {
        text.push_str(&format!("-----BEGIN LABEL {i}-----\n"));
    }
    text.into_bytes()
}

// Each loader listed the distinct labels it found with `Vec::contains`: a
// file of 200 000 distinct labels (4 MB, under the 8 MiB limit) took tens of
// billions of comparisons (an 8 MiB one did not finish `check` in two
// minutes), and the message listed every label.
#[test]
fn many_distinct_labels_are_linear_and_the_message_stays_short() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("labels.pem");
    std::fs::write(&file, distinct_labels(200_000)).unwrap();
    let file = file.to_str().unwrap();
    let key = fixture("identity", "rsa-pkcs8.pem");
    let cert = fixture("identity", "rsa-cert.pem");

    let error = expect_code(
        load_server(&[
            ("SERVER_SSL_CERTIFICATE", file),
            ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", key.to_str().unwrap()),
        ]),
        ErrorCode::PemInvalid,
    );
    let message = error.to_string();
    assert!(message.contains("found: LABEL 0, LABEL 1"), "{message}");
    assert!(message.contains(", …);"), "{message}");
    assert!(message.len() < 600, "{} bytes", message.len());

    let error = expect_code(
        load_server(&[
            ("SERVER_SSL_CERTIFICATE", cert.to_str().unwrap()),
            ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", file),
        ]),
        ErrorCode::PemInvalid,
    );
    assert!(error.to_string().len() < 600, "{error}");

    let bundle = Location::parse(file, Path::new("/")).unwrap();
    let lenient = Options::default().strict_trust(false);
    let (trust, problems) = Trust::load_all(&[bundle], "NODE_EXTRA_CA_CERTS", &lenient);
    assert!(problems.is_empty());
    // 16 skipped blocks one by one, one summary, and "no certificate".
    assert_eq!(trust.warnings().len(), 18, "{:#?}", &trust.warnings()[..3]);
    let summary = trust
        .warnings()
        .iter()
        .find(|w| w.message.starts_with("199984 more blocks"))
        .expect("a summary of the skipped blocks");
    assert!(summary.message.contains("labels.pem"), "{summary}");
    assert!(trust.warnings().iter().all(|w| w.message.len() < 600));
}

#[test]
fn a_huge_label_is_shortened_in_messages() {
    let label = "X".repeat(1 << 20);
    let input = format!("-----BEGIN {label}-----\nAAAA\n-----END {label}-----\n");
    let scanned = pem::scan(input.as_bytes());
    assert_eq!(scanned.len(), 1);
    assert_eq!(
        scanned[0].label.chars().count(),
        pem::MAX_LABEL_CHARS + 1,
        "shortened, with an ellipsis"
    );
    assert!(scanned[0].label.ends_with('…'));
    // The END line matches the full label, not the shortened one.
    assert!(scanned[0].block.is_ok());

    let unterminated = format!("-----BEGIN {label}-----\nAAAA\n");
    let error = pem::scan(unterminated.as_bytes())
        .remove(0)
        .block
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::PemInvalid);
    assert!(
        error.to_string().len() < 400,
        "{} bytes",
        error.to_string().len()
    );
}

// Labels were compared after lossy UTF-8 decoding: a block whose BEGIN and
// END lines carry the same non-UTF-8 label "began as X but ended as X".
#[test]
fn non_utf8_labels_match_by_their_bytes() {
    let mut input =
        b"-----BEGIN ODD \xff LABEL-----\nAAAA\n-----END ODD \xff LABEL-----\n".to_vec();
    let scanned = pem::scan(&input);
    let block = scanned[0].block.as_ref().expect("BEGIN and END match");
    assert_eq!(block.der.as_slice(), &[0, 0, 0]);
    // Two different invalid bytes decode to the same U+FFFD but do not match.
    let end = input.len() - b" LABEL-----\n".len() - 1;
    input[end] = 0xfe;
    let error = pem::scan(&input).remove(0).block.unwrap_err();
    assert!(error.to_string().contains("ends as"), "{error}");
}

// `limit + 1` overflowed when the limit was u64::MAX (the Node option
// `maxFileSize: 1e20` saturates to it): a panic in debug builds, and in
// release a read of zero bytes ("holds no CERTIFICATE block").
#[test]
fn the_largest_size_limit_reads_the_whole_file() {
    let path = fixture("identity", "rsa-cert.pem");
    let bytes = console_tls::location::read_bounded(&path, u64::MAX).unwrap();
    assert_eq!(bytes.as_slice(), fixture_bytes("identity", "rsa-cert.pem"));
    let settings = console_tls::Settings::from_vars([
        ("SERVER_SSL_ENABLED", "true"),
        ("SERVER_SSL_CERTIFICATE", path.to_str().unwrap()),
        (
            "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            fixture("identity", "rsa-pkcs8.pem").to_str().unwrap(),
        ),
    ]);
    let options = Options::default().max_file_size(u64::MAX);
    let config = console_tls::Config::load(&settings, &options).unwrap();
    assert_eq!(config.server.unwrap().chain().len(), 1);
}

// A block of a million `name: value` lines kept every one as two strings.
#[test]
fn header_lines_are_capped() {
    let many: String = (0..=pem::MAX_HEADERS)
        .map(|i| format!("H{i}: v\n"))
        .collect();
    let input = format!("-----BEGIN X-----\n{many}\nAAAA\n-----END X-----\n");
    let error = pem::scan(input.as_bytes()).remove(0).block.unwrap_err();
    assert!(
        error.to_string().contains("more than 16 header lines"),
        "{error}"
    );
    let allowed: String = (0..pem::MAX_HEADERS)
        .map(|i| format!("H{i}: v\n"))
        .collect();
    let input = format!("-----BEGIN X-----\n{allowed}\nAAAA\n-----END X-----\n");
    let block = pem::scan(input.as_bytes()).remove(0).block.unwrap();
    assert_eq!(block.headers.len(), pem::MAX_HEADERS);
    assert_eq!(block.header("h15"), Some("v"));
    // The next block is scanned normally.
    let two = format!("-----BEGIN X-----\n{many}\nAAAA\n-----END X-----\n-----BEGIN Y-----\nAAAA\n-----END Y-----\n");
    let scanned = pem::scan(two.as_bytes());
    assert!(scanned[0].block.is_err());
    assert_eq!(scanned[1].block.as_ref().unwrap().index, 2);
}

// `pem::blocks` yields block by block: the first block of an endless-looking
// input is there without scanning the rest, and it agrees with `scan`.
#[test]
fn blocks_are_scanned_lazily_and_agree_with_scan() {
    let mut input = b"-----BEGIN FIRST-----\nAAAA\n-----END FIRST-----\n".to_vec();
    input.extend(distinct_labels(1000));
    let first = pem::blocks(&input).next().unwrap();
    assert_eq!(first.label, "FIRST");
    let lazy: Vec<String> = pem::blocks(&input).map(|s| format!("{s:?}")).collect();
    let eager: Vec<String> = pem::scan(&input).iter().map(|s| format!("{s:?}")).collect();
    assert_eq!(lazy.len(), 1001);
    assert_eq!(lazy, eager);
}

// A bundle of 140 000 empty CERTIFICATE blocks (under the 8 MiB limit) was
// 140 000 problems, each a formatted message: the report grew with the file.
#[test]
fn bad_certificate_blocks_are_listed_up_to_a_limit_then_counted() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("empty-blocks.pem");
    let good = std::fs::read(fixture("identity", "rsa-cert.pem")).unwrap();
    let mut bundle = Vec::new();
    for _ in 0..140_000 {
        bundle.extend_from_slice(b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
    }
    // A good certificate after all of them still loads.
    bundle.extend_from_slice(&good);
    std::fs::write(&file, bundle).unwrap();
    let bundle = Location::parse(file.to_str().unwrap(), Path::new("/")).unwrap();

    let (trust, problems) = Trust::load_all(
        std::slice::from_ref(&bundle),
        "NODE_EXTRA_CA_CERTS",
        &Options::default(),
    );
    assert_eq!(problems.len(), 16);
    assert!(problems.iter().all(|p| p.code() == ErrorCode::PemInvalid));
    assert_eq!(
        (problems[0].block(), problems[15].block()),
        (Some(1), Some(16))
    );
    assert_eq!(trust.extras().len(), 1);
    let summary: Vec<_> = trust
        .warnings()
        .iter()
        .filter(|w| w.message.contains("not listed one by one"))
        .collect();
    assert_eq!(summary.len(), 1, "{:#?}", trust.warnings());
    assert!(
        summary[0]
            .message
            .starts_with("139984 more CERTIFICATE blocks of "),
        "{}",
        summary[0]
    );
    assert!(summary[0].message.contains("empty-blocks.pem"));

    // Lenient: the same 16 as warnings, then the count.
    let lenient = Options::default().strict_trust(false);
    let (trust, problems) = Trust::load_all(&[bundle], "NODE_EXTRA_CA_CERTS", &lenient);
    assert!(problems.is_empty());
    assert_eq!(trust.warnings().len(), 17, "{:#?}", &trust.warnings()[..2]);
    assert_eq!(trust.extras().len(), 1);
}
