#![no_main]
//! Environment settings from arbitrary name/value pairs, through check().
use libfuzzer_sys::fuzz_target;

// Its length follows the contract's: every variable is fuzzed.
const NAMES: &[&str] = &console_tls::settings::CONTRACT_VARS;

fuzz_target!(|data: &[u8]| {
    let vars: Vec<(&str, &[u8])> = data
        .split(|&b| b == 0)
        .enumerate()
        .map(|(i, value)| (NAMES[i % NAMES.len()], value))
        .collect();
    let settings = console_tls::Settings::from_vars(vars).with_base_dir("/nonexistent");
    let _ = console_tls::report::check(&settings, &console_tls::Options::default());
});
