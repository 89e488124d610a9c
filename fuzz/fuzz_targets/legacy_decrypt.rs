#![no_main]
//! OpenSSL legacy DEK-Info decryption: arbitrary headers and ciphertext.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (head, body) = data.split_at(data.len().min(40));
    let dek = String::from_utf8_lossy(head);
    let label = if data.first().is_some_and(|b| b & 1 == 1) {
        "EC PRIVATE KEY"
    } else {
        "RSA PRIVATE KEY"
    };
    let text = format!(
        "-----BEGIN {label}-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: {dek}\n\n{}\n-----END {label}-----\n",
        base64_encode(body)
    );
    let _ = console_tls::key::load_private_key(text.as_bytes(), Some(b"fuzz"));
});

fn base64_encode(bytes: &[u8]) -> String {
    console_tls::certificate::pem_encode("X", bytes)
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n")
}
