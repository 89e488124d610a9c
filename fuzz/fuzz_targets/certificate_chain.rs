#![no_main]
//! Certificate chain parsing (PEM and DER) and the chain warnings.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(chain) = console_tls::certificate::parse_chain(data) {
        let _ = console_tls::certificate::chain_warnings(&chain, std::time::SystemTime::UNIX_EPOCH);
        for cert in &chain {
            let _ = cert.pem();
        }
    }
});
