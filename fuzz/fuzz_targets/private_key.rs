#![no_main]
//! Private key parsing with and without a passphrase (the first byte picks).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let passphrase: Option<&[u8]> = if selector & 1 == 1 {
        Some(b"fuzz")
    } else {
        None
    };
    if let Ok((key, _)) = console_tls::key::load_private_key(input, passphrase) {
        assert!(!key.pkcs8_der().is_empty());
    }
});
