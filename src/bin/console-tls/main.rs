//! `console-tls`: check a Console's TLS configuration from the command line.
//!
//! Exit codes: 0 clean, 1 problems, 2 usage.

mod check;
mod dev_certs;
mod inspect;
mod probe;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use console_tls::Options;

#[derive(Parser)]
#[command(
    name = "console-tls",
    version,
    about = "Loads, checks and explains a Console's TLS configuration"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check everything the environment configures and report every problem.
    Check(CheckArgs),
    /// Describe a PEM or DER file: certificates, keys, bundles.
    Inspect(inspect::InspectArgs),
    /// Connect to Identity (or any https:// URL) and explain whether its chain is trusted.
    Probe(probe::ProbeArgs),
    /// Write a throwaway PKI for development and print the environment that uses it.
    DevCerts(dev_certs::DevCertsArgs),
}

/// Options shared by the commands that read the environment.
#[derive(Args, Clone, Debug)]
pub struct EnvArgs {
    /// Resolve relative paths against this directory instead of the working directory.
    #[arg(long, value_name = "DIR")]
    pub base_dir: Option<PathBuf>,
    /// Report NODE_EXTRA_CA_CERTS problems as warnings and keep what loaded (default: they are errors).
    #[arg(long)]
    pub lenient: bool,
    /// Trust the operating system's root store too, not only Mozilla's and the extras.
    #[arg(long)]
    pub system_roots: bool,
    /// Treat http:// Identity URLs as errors (ERR_URL_NOT_HTTPS) instead of warnings.
    #[arg(long)]
    pub require_tls: bool,
}

impl EnvArgs {
    /// The contract's variables from the process environment.
    pub fn settings(&self) -> console_tls::Settings {
        let settings = console_tls::Settings::from_env();
        match &self.base_dir {
            Some(dir) => settings.with_base_dir(dir),
            None => settings,
        }
    }

    /// Loader options.
    pub fn options(&self) -> Options {
        Options::default()
            .strict_trust(!self.lenient)
            .system_roots(self.system_roots)
            .require_tls(self.require_tls)
    }
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    env: EnvArgs,
    /// Print the report as JSON (with --watch: one JSON object per line).
    #[arg(long, conflicts_with = "prometheus")]
    json: bool,
    /// Print the certificates' health as Prometheus metrics (text format
    /// 0.0.4: ssl_chains{status}, ssl_chain_expiry_seconds{bundle,chain,certificate})
    /// instead of the report; with problems, the report goes to stderr.
    #[arg(long, conflicts_with = "watch")]
    prometheus: bool,
    /// With --prometheus: a certificate ending within this many days is
    /// will-expire-soon (Spring Boot's default, 14).
    #[arg(long, value_name = "DAYS", default_value_t = 14, requires = "prometheus",
          value_parser = clap::value_parser!(u64).range(0..=36_500))]
    warning_threshold_days: u64,
    /// Keep running and print a new report each time the files behind the
    /// configuration change (certificates, keys, NODE_EXTRA_CA_CERTS), until interrupted.
    #[arg(long)]
    watch: bool,
    /// How often --watch looks at the files, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 1000, requires = "watch",
          value_parser = clap::value_parser!(u64).range(1..=86_400_000))]
    interval_ms: u64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) if args.watch => check::watch(
            &args.env,
            args.json,
            std::time::Duration::from_millis(args.interval_ms),
        ),
        Command::Check(args) if args.prometheus => check::prometheus(
            &args.env,
            std::time::Duration::from_secs(args.warning_threshold_days * 24 * 60 * 60),
        ),
        Command::Check(args) => check::run(&args.env, args.json),
        Command::Inspect(args) => inspect::run(&args),
        Command::Probe(args) => probe::run(&args),
        Command::DevCerts(args) => dev_certs::run(&args),
    }
}
