//! Properties: no input panics; valid PEM survives the mangling that files
//! go through; every encoding of one key loads as the same PKCS#8.

mod common;

use common::fixture_bytes;
use console_tls::certificate::parse_chain;
use console_tls::key::load_private_key;
use console_tls::settings::parse_bool;
use console_tls::{pem, Config, Location, Options, Settings};
use proptest::prelude::*;

/// Text that can surround PEM blocks: anything without a dash run or NUL.
fn surrounding_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 :=./\\t\u{e9}\u{4e2d}]{0,40}(\n[a-zA-Z0-9 :=./\\t]{0,40}){0,3}"
}

#[derive(Clone, Debug)]
struct Mangling {
    crlf: bool,
    bom: bool,
    trailing_spaces: bool,
    blank_lines: bool,
    before: String,
    after: String,
}

fn mangling() -> impl Strategy<Value = Mangling> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        surrounding_text(),
        surrounding_text(),
    )
        .prop_map(
            |(crlf, bom, trailing_spaces, blank_lines, before, after)| Mangling {
                crlf,
                bom,
                trailing_spaces,
                blank_lines,
                before,
                after,
            },
        )
}

fn mangle(pem_text: &str, m: &Mangling) -> Vec<u8> {
    let mut lines: Vec<String> = pem_text.lines().map(str::to_owned).collect();
    if m.trailing_spaces {
        lines.iter_mut().for_each(|l| l.push_str(" \t"));
    }
    if m.blank_lines {
        // A blank line between blocks and before the first one.
        lines = lines
            .into_iter()
            .flat_map(|l| {
                if l.starts_with("-----END") {
                    vec![l, String::new()]
                } else {
                    vec![l]
                }
            })
            .collect();
    }
    let newline = if m.crlf { "\r\n" } else { "\n" };
    let mut text = String::new();
    if m.bom {
        text.push('\u{feff}');
    }
    text.push_str(&m.before);
    text.push_str(newline);
    text.push_str(&lines.join(newline));
    text.push_str(newline);
    text.push_str(&m.after);
    text.into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = pem::scan(&bytes);
        let _ = parse_chain(&bytes);
        let _ = load_private_key(&bytes, None);
        let _ = load_private_key(&bytes, Some(b"pass"));
    }

    #[test]
    fn arbitrary_pem_shaped_text_never_panics(
        label in "(CERTIFICATE|PRIVATE KEY|RSA PRIVATE KEY|EC PRIVATE KEY|ENCRYPTED PRIVATE KEY|X)",
        headers in "(Proc-Type: 4,ENCRYPTED\nDEK-Info: (AES-128-CBC|DES-EDE3-CBC|BF-CBC),[0-9A-F]{0,34}\n\n)?",
        body in "[A-Za-z0-9+/=\n]{0,600}",
    ) {
        let text = format!("-----BEGIN {label}-----\n{headers}{body}\n-----END {label}-----\n");
        let _ = parse_chain(text.as_bytes());
        let _ = load_private_key(text.as_bytes(), None);
        let _ = load_private_key(text.as_bytes(), Some("pässword".as_bytes()));
    }

    #[test]
    fn arbitrary_settings_never_panic(
        vars in proptest::collection::vec(
            (
                prop::sample::select(console_tls::settings::CONTRACT_VARS.to_vec()),
                "(file:|file://|classpath:|-----BEGIN |/dev/|\\.\\./)?[ -~]{0,30}",
            ),
            0..8,
        )
    ) {
        let settings = Settings::from_vars(vars.clone());
        let _ = Config::load(&settings, &Options::default());
        let _ = console_tls::report::check(&settings, &Options::default());
        for (_, value) in &vars {
            let _ = Location::parse(value, std::path::Path::new("/nonexistent"));
            let _ = parse_bool(value.as_bytes());
        }
    }

    #[test]
    fn valid_pem_survives_mangling(m in mangling()) {
        let chain = String::from_utf8(fixture_bytes("identity", "rsa-chain.pem")).unwrap();
        let expected: Vec<Vec<u8>> = parse_chain(chain.as_bytes()).unwrap().iter().map(|c| c.der().to_vec()).collect();
        let mangled = mangle(&chain, &m);
        let got: Vec<Vec<u8>> = parse_chain(&mangled).unwrap().iter().map(|c| c.der().to_vec()).collect();
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn every_encoding_of_a_key_is_the_same_pkcs8(
        encoding in prop::sample::select(vec![
            ("rsa", "rsa-pkcs8.pem"), ("rsa", "rsa-pkcs1.pem"), ("rsa", "rsa-pkcs8.der"), ("rsa", "rsa-combined.pem"),
            ("p256", "p256-pkcs8.pem"), ("p256", "p256-sec1.pem"), ("p256", "p256-sec1-params.pem"),
        ]),
        m in mangling(),
    ) {
        let (family, file) = encoding;
        let reference = match family {
            "rsa" => "rsa-pkcs8.pem",
            _ => "p256-pkcs8.pem",
        };
        let (expected, _) = load_private_key(&fixture_bytes("identity", reference), None).unwrap();
        let bytes = fixture_bytes("identity", file);
        let input = if file.ends_with(".der") { bytes } else { mangle(&String::from_utf8(bytes).unwrap(), &m) };
        let (key, _) = load_private_key(&input, None).unwrap();
        prop_assert!(key.pkcs8_der() == expected.pkcs8_der(), "{} differs", file);
    }
}
