#![no_main]
//! Extra-CA bundle loading (`Trust::load`): arbitrary bytes as inline PEM and
//! as a file, strict and lenient. Every block must be accounted for, and a
//! bundle that loads in strict mode must load the same in lenient mode.
use std::io::Write as _;

use console_tls::{Location, Options, Trust};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let strict = Options::default();
    let lenient = Options::default().strict_trust(false);
    // Inline values must be text holding a BEGIN line; the rest goes through a file.
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(location @ Location::Inline(_)) = Location::parse(text, std::path::Path::new("/"))
        {
            check(&location, &strict, &lenient);
        }
    }
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    file.write_all(data).expect("written");
    let location = Location::File(file.path().to_owned());
    check(&location, &strict, &lenient);
});

fn check(location: &Location, strict: &Options, lenient: &Options) {
    let sources = std::slice::from_ref(location);
    let strict_outcome = Trust::load(sources, "NODE_EXTRA_CA_CERTS", strict);
    let (trust, problems) = Trust::load_all(sources, "NODE_EXTRA_CA_CERTS", lenient);
    assert!(
        problems.is_empty(),
        "lenient mode turns problems into warnings"
    );
    match strict_outcome {
        Ok(strict_trust) => assert_eq!(strict_trust.extras().len(), trust.extras().len()),
        Err(error) => {
            assert_eq!(error.env_var(), Some("NODE_EXTRA_CA_CERTS"));
            assert!(!trust.warnings().is_empty(), "the problem became a warning");
        }
    }
    let _ = trust.extras_pem();
}
