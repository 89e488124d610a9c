//! Peak memory on hostile PEM files (2 MiB: a quarter of the size limit, to
//! keep the debug build quick). Alone in
//! its test binary (one test, one process), so that the process's peak
//! resident size (`VmHWM`) is this test's.
//!
//! Before the scan became lazy and headers were capped, a certificate file of
//! 2.8 million `a:` header lines peaked at 233 MB in `console-tls check`, and
//! one of 354 000 BEGIN lines at ~200 MB: every block's outcome (~300 bytes)
//! and every header (two strings) was kept at once.

use console_tls::{ErrorCode, Options, Settings};

fn peak_resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .expect("VmHWM in /proc/self/status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

const SIZE: usize = 2 * 1024 * 1024;

/// Lines of `unit` up to SIZE bytes in all, between `head` and `tail`.
fn fill(head: &str, unit: &str, tail: &str) -> Vec<u8> {
    let size = SIZE - head.len() - tail.len();
    let mut text = String::with_capacity(size + head.len() + tail.len());
    text.push_str(head);
    while text.len() + unit.len() <= size {
        text.push_str(unit);
    }
    text.push_str(tail);
    text.into_bytes()
}

#[test]
fn hostile_files_of_the_size_limit_stay_within_a_small_multiple_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let headers = dir.path().join("headers.pem");
    std::fs::write(
        &headers,
        fill(
            "-----BEGIN CERTIFICATE-----\n",
            "a:\n",
            "-----END CERTIFICATE-----\n",
        ),
    )
    .unwrap();
    let begins = dir.path().join("begins.pem");
    std::fs::write(&begins, fill("", "-----BEGIN X-----\n", "")).unwrap();

    let before = peak_resident_kib();
    for file in [&headers, &begins] {
        let path = file.to_str().unwrap();
        // The certificate loader and the trust loader (the key is not reached).
        let settings = Settings::from_vars([
            ("SERVER_SSL_ENABLED", "true"),
            ("SERVER_SSL_CERTIFICATE", path),
            ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", path),
            ("NODE_EXTRA_CA_CERTS", path),
        ]);
        let report = console_tls::report::check(&settings, &Options::default());
        let codes: Vec<&str> = report.problems.iter().map(|p| p.code).collect();
        assert_eq!(codes, ["ERR_PEM_INVALID", "ERR_PEM_INVALID"], "{path}");
        // The key loader.
        let key = console_tls::key::load_private_key(&std::fs::read(file).unwrap(), None);
        assert_eq!(key.unwrap_err().code(), ErrorCode::PemInvalid);
    }
    let grown = peak_resident_kib().saturating_sub(before);
    // Each file is read whole (2 MiB, twice at once for the key loader
    // here); 12 MiB leaves room for the allocator. Before: ~60 MB per file.
    println!("peak resident size grew by {grown} KiB");
    assert!(grown < 12 * 1024, "peak grew by {grown} KiB");
}
