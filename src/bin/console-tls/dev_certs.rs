//! `console-tls dev-certs DIR`: writes a throwaway PKI and prints the
//! environment that configures a Console with it.
//!
//! The variables go to standard output, one `NAME=value` a line (values
//! shell-quoted when needed), so that `console-tls dev-certs DIR > dev.env`
//! or `set -a; . ./dev.env` works; what was written goes to standard error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use console_tls::dev_certs;

#[derive(Args)]
pub struct DevCertsArgs {
    /// The directory to write into (created if missing).
    dir: PathBuf,
    /// Overwrite files a previous run left in DIR.
    #[arg(long)]
    force: bool,
    /// The port Identity listens on, for the KEYCLOAK_* URLs printed.
    #[arg(long, value_name = "PORT", default_value_t = 8443)]
    identity_port: u16,
    /// How many days the certificates are valid (a short span shows expiry
    /// warnings and WILL_EXPIRE_SOON health).
    #[arg(long, value_name = "DAYS", default_value_t = dev_certs::VALIDITY_DAYS,
          value_parser = clap::value_parser!(u32).range(1..=825))]
    days: u32,
}

pub fn run(args: &DevCertsArgs) -> ExitCode {
    let pki = match dev_certs::generate_valid_for(&args.dir, args.force, args.days) {
        Ok(pki) => pki,
        Err(error) => {
            eprintln!("console-tls dev-certs: {error}");
            return ExitCode::from(1);
        }
    };
    eprintln!(
        "Wrote a throwaway PKI for development (never for production) to {}:",
        pki.ca.parent().unwrap_or(&pki.ca).display()
    );
    for (path, what) in [
        (&pki.ca, "development CA (ECDSA P-256; its key is not kept)"),
        (
            &pki.server_chain,
            "main listener chain, leaf first (RSA-2048, localhost)",
        ),
        (
            &pki.server_key,
            "main listener key, encrypted (PBES2 AES-256-CBC) with SERVER_SSL_PASSPHRASE",
        ),
        (
            &pki.management_chain,
            "management listener chain, leaf first (ECDSA P-256)",
        ),
        (&pki.management_key, "management listener key"),
        (
            &pki.identity_cert,
            "Identity: self-signed CA:TRUE certificate for localhost",
        ),
        (&pki.identity_key, "Identity's key"),
        (
            &pki.trust_bundle,
            "NODE_EXTRA_CA_CERTS: the development CA + Identity's certificate",
        ),
    ] {
        eprintln!("  {:<22} {what}", file_name(path));
    }
    eprintln!(
        "Valid for {} days. The environment that uses it:",
        args.days
    );
    for (name, value) in pki.env_vars(args.identity_port) {
        println!("{name}={}", shell_quote(&value));
    }
    ExitCode::SUCCESS
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Leaves safe values bare and single-quotes the others, as a POSIX shell reads them.
fn shell_quote(value: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_./:@%+=,-".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn quotes_only_what_a_shell_would_split_or_expand() {
        assert_eq!(shell_quote("file:/tmp/a-b/c.pem"), "file:/tmp/a-b/c.pem");
        assert_eq!(shell_quote("/tmp/with space"), "'/tmp/with space'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
    }
}
