#![no_main]
//! PKCS#12 key stores from arbitrary bytes: the outer structure, the MAC,
//! the bags and the entry choice, with no password and with one.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let password = console_tls::Passphrase::new("fuzz");
    for password in [None, Some(&password)] {
        let _ = console_tls::key_store::entries(data, password);
    }
});
