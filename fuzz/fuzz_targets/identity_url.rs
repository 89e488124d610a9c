#![no_main]
//! Identity URL parsing: `identity::parse_url` over arbitrary text, and both
//! Identity variables through `Identity::from_settings_all` (arbitrary bytes,
//! split at the first NUL). A URL's password never reaches a message.
use console_tls::identity::{parse_url, redacted};
use console_tls::settings::{KEYCLOAK_BASE_URL, KEYCLOAK_INTERNAL_BASE_URL};
use console_tls::{Identity, Options, Settings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(url) = parse_url(text) {
            assert!(matches!(url.scheme(), "http" | "https"));
            assert!(url.host_str().is_some_and(|host| !host.is_empty()));
            // What messages and reports show carries no user name or password.
            let shown = url::Url::parse(&redacted(&url)).expect("a redacted URL parses");
            assert!(shown.username().is_empty() && shown.password().is_none());
        }
    }
    let (base, internal) = match data.iter().position(|&b| b == 0) {
        Some(nul) => (&data[..nul], &data[nul + 1..]),
        None => (data, &[][..]),
    };
    let settings = Settings::from_vars([
        (KEYCLOAK_BASE_URL, base),
        (KEYCLOAK_INTERNAL_BASE_URL, internal),
    ]);
    for require_tls in [false, true] {
        let options = Options::default().require_tls(require_tls);
        let (identity, problems) = Identity::from_settings_all(&settings, &options);
        for url in [&identity.base_url, &identity.internal_base_url]
            .into_iter()
            .flatten()
        {
            assert!(matches!(url.scheme(), "http" | "https"));
        }
        for problem in &problems {
            assert!(problem.env_var().is_some(), "{problem}");
        }
        let _ = identity.uses_tls();
        let _ = identity.backend_url();
    }
});
