#![no_main]
//! PEM scanning: every input yields entries or errors, never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for entry in console_tls::pem::scan(data) {
        if let Ok(block) = entry.block {
            assert!(block.index >= 1 && block.line >= 1);
        }
    }
});
