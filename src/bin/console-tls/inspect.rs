//! `console-tls inspect FILE`: what is in a PEM or DER file, block by block.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use console_tls::certificate::{is_certificate_label, Certificate};
use console_tls::key::{encrypted, load_private_key};
use console_tls::location::{read_bounded, DEFAULT_MAX_FILE_SIZE};
use console_tls::pem;
use console_tls::{key_store, Passphrase};
use console_tls::{ErrorCode, Listener, Source};

#[derive(Args)]
pub struct InspectArgs {
    /// The file to describe.
    file: PathBuf,
    /// The environment variable holding a PKCS#12 key store's password
    /// (read from the environment, never from the command line).
    #[arg(
        long,
        value_name = "VAR",
        default_value = "SERVER_SSL_KEY_STORE_PASSWORD"
    )]
    password_env: String,
}

pub fn run(args: &InspectArgs) -> ExitCode {
    let bytes = match read_bounded(&args.file, DEFAULT_MAX_FILE_SIZE) {
        Ok(bytes) => bytes,
        Err(e) => {
            println!("{} {e}", e.code());
            return ExitCode::from(1);
        }
    };
    let (text, problems) = if !pem::contains_pem(&bytes) && key_store::is_key_store(&bytes) {
        let password = std::env::var_os(&args.password_env)
            .map(|value| Passphrase::new(value.into_encoded_bytes()))
            .filter(|p| !p.as_bytes().is_empty());
        describe_key_store(&bytes, &args.file, password.as_ref(), &args.password_env)
    } else {
        describe(&bytes)
    };
    print!("{text}");
    if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Describes every block; returns the text and how many blocks were bad.
pub fn describe(bytes: &[u8]) -> (String, usize) {
    let mut out = String::new();
    let mut problems = 0;
    if !pem::contains_pem(bytes) {
        match Certificate::from_der(bytes) {
            Ok(cert) => {
                let _ = writeln!(out, "DER certificate");
                describe_certificate(&mut out, &cert);
            }
            Err(_) => match load_private_key(bytes, None) {
                Ok((key, _)) => {
                    let _ = writeln!(
                        out,
                        "DER private key: {} ({})",
                        key.key_type(),
                        key.format()
                    );
                }
                Err(e) => {
                    problems += 1;
                    let _ = writeln!(out, "{} {e}", e.code());
                }
            },
        }
        return (out, problems);
    }
    for entry in pem::blocks(bytes) {
        let block = match entry.block {
            Ok(block) => block,
            Err(e) => {
                problems += 1;
                let _ = writeln!(out, "{} {e}", e.code());
                continue;
            }
        };
        let _ = writeln!(
            out,
            "block {} (line {}): {}",
            block.index, block.line, block.label
        );
        if is_certificate_label(&block.label) {
            match Certificate::from_der(&block.der) {
                Ok(cert) => describe_certificate(&mut out, &cert),
                Err(e) => {
                    problems += 1;
                    let _ = writeln!(out, "  {} {e}", e.code());
                }
            }
        } else if block.label.ends_with("PRIVATE KEY") {
            match encrypted::describe(&block) {
                Ok(Some(encryption)) => {
                    let _ = writeln!(out, "  encrypted: {}", encryption.scheme);
                    let _ = writeln!(out, "  key derivation: {}", encryption.kdf);
                    if let Some(iterations) = encryption.iterations {
                        let _ = writeln!(out, "  iterations: {iterations}");
                    }
                    let _ = writeln!(out, "  cipher: {}", encryption.cipher);
                }
                Ok(None) => {
                    let single = pem_of(&block.label, &block.der);
                    match load_private_key(single.as_bytes(), None) {
                        Ok((key, _)) => {
                            let _ = writeln!(out, "  {} key, {}", key.key_type(), key.format());
                        }
                        Err(e) => {
                            problems += 1;
                            let _ = writeln!(out, "  {} {e}", e.code());
                        }
                    }
                }
                Err(e) => {
                    problems += 1;
                    let _ = writeln!(out, "  {} {e}", e.code());
                }
            }
        } else {
            let _ = writeln!(out, "  (not a certificate or key; skipped by the loaders)");
        }
    }
    (out, problems)
}

/// Describes a PKCS#12 key store's key entries and their chains.
pub fn describe_key_store(
    bytes: &[u8],
    file: &Path,
    password: Option<&Passphrase>,
    password_env: &str,
) -> (String, usize) {
    let mut out = String::new();
    let entries = match key_store::entries(bytes, password) {
        Ok(entries) => entries,
        Err(e) => {
            let e = e.with_source(Source::File(file.to_path_buf()));
            let _ = writeln!(out, "PKCS#12 key store");
            let _ = write!(out, "  {} {e}", e.code());
            let default_env = Listener::Server.vars().key_store_password;
            let password_error = matches!(
                e.code(),
                ErrorCode::KeyEncrypted | ErrorCode::PassphraseWrong
            );
            if password_error && password_env != default_env {
                let _ = write!(out, " (the password is read from {password_env})");
            }
            let _ = writeln!(out);
            return (out, 1);
        }
    };
    let _ = writeln!(out, "PKCS#12 key store: {} key entries", entries.len());
    let mut problems = 0;
    for entry in &entries {
        match &entry.key {
            Ok(key_type) => {
                let _ = writeln!(out, "entry {:?}: {key_type} key", entry.alias);
            }
            Err(e) => {
                problems += 1;
                let _ = writeln!(out, "entry {:?}: {} {e}", entry.alias, e.code());
            }
        }
        for (i, cert) in entry.chain.iter().enumerate() {
            let _ = writeln!(out, " certificate {} of the chain", i + 1);
            describe_certificate(&mut out, cert);
        }
    }
    if entries.is_empty() {
        problems += 1;
        let _ = writeln!(out, "  no key entry: this store cannot serve TLS");
    }
    (out, problems)
}

fn pem_of(label: &str, der: &[u8]) -> zeroize::Zeroizing<String> {
    zeroize::Zeroizing::new(console_tls::certificate::pem_encode(label, der))
}

fn describe_certificate(out: &mut String, cert: &Certificate) {
    let info = cert.info();
    let _ = writeln!(out, "  subject: {}", info.subject);
    let _ = writeln!(out, "  issuer: {}", info.issuer);
    let _ = writeln!(out, "  serial: {}", info.serial);
    if !info.subject_alt_names.is_empty() {
        let _ = writeln!(out, "  names: {}", info.subject_alt_names.join(", "));
    }
    let _ = writeln!(out, "  valid: {} to {}", info.not_before, info.not_after);
    let _ = writeln!(out, "  public key: {}", info.public_key);
    let _ = writeln!(out, "  CA: {}", if info.is_ca { "yes" } else { "no" });
    let _ = writeln!(out, "  sha256: {}", info.fingerprint256);
}
