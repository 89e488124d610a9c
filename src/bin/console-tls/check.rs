//! `console-tls check`: a readable (or JSON) report of the configuration.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use console_tls::reload::{watched_files, FileWatch};
use console_tls::report::{self, Report};

use crate::EnvArgs;

pub fn run(env: &EnvArgs, json: bool) -> ExitCode {
    let report = report::check(&env.settings(), &env.options());
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("console-tls: cannot encode the report: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", render(&report));
    }
    exit_code(&report)
}

/// `check --prometheus`: the certificates' health as Prometheus metrics on
/// stdout, exit 0; with problems, no metrics (the configuration does not
/// load), the readable report on stderr and exit 1, as `check`.
pub fn prometheus(env: &EnvArgs, warning_threshold: Duration) -> ExitCode {
    let settings = env.settings();
    let options = env.options();
    let report = report::check(&settings, &options);
    if !report.is_clean() {
        eprint!("{}", render(&report));
        return exit_code(&report);
    }
    match console_tls::Config::load(&settings, &options) {
        Ok(config) => {
            let options = console_tls::HealthOptions::with_warning_threshold(warning_threshold);
            print!(
                "{}",
                console_tls::health::prometheus(&config, &options, std::time::SystemTime::now())
            );
            ExitCode::SUCCESS
        }
        // A file changed between the check and the load.
        Err(error) => {
            eprintln!("console-tls: {}: {error}", error.code());
            ExitCode::from(1)
        }
    }
}

fn exit_code(report: &Report) -> ExitCode {
    if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `check --watch`: a report now, then one each time the files' contents
/// change (after they held still for one interval), until interrupted or
/// stdout closes. Text reports start with a `== report N (…) ==` line; JSON
/// reports are one object per line. Exits with the last report's code.
pub fn watch(env: &EnvArgs, json: bool, interval: Duration) -> ExitCode {
    let settings = env.settings();
    let options = env.options();
    // The baseline is taken before the first report, so that a change
    // while it is made is reported next.
    let mut files = FileWatch::new(watched_files(&settings), options.max_file_size);
    let mut number = 1;
    loop {
        let report = report::check(&settings, &options);
        let reason = if number == 1 {
            "initial"
        } else {
            "files changed"
        };
        let text = if json {
            match serde_json::to_string(&report) {
                Ok(line) => line + "\n",
                Err(e) => {
                    eprintln!("console-tls: cannot encode the report: {e}");
                    return ExitCode::from(2);
                }
            }
        } else {
            format!("== report {number} ({reason}) ==\n{}", render(&report))
        };
        let mut stdout = std::io::stdout().lock();
        if stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
            .is_err()
        {
            // Whoever read the reports is gone.
            return exit_code(&report);
        }
        drop(stdout);
        if number == 1 {
            if files.files().is_empty() {
                eprintln!("console-tls: nothing to watch: no certificate, key or CA bundle is read from a file");
                return exit_code(&report);
            }
            let list: Vec<String> = files
                .files()
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            eprintln!(
                "console-tls: watching {} every {} ms (Ctrl-C to stop)",
                list.join(", "),
                interval.as_millis()
            );
        }
        while !files.poll() {
            std::thread::sleep(interval);
        }
        number += 1;
    }
}

/// The report for people: one section per listener, then problems and warnings.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for listener in &report.listeners {
        let state = match (listener.enabled, listener.ok) {
            (false, _) => "TLS disabled",
            (true, true) => "TLS enabled, OK",
            (true, false) => "TLS enabled, FAILED",
        };
        let _ = writeln!(out, "{} listener: {state}", listener.name);
        for (i, cert) in listener.certificates.iter().enumerate() {
            let role = if i == 0 { "leaf" } else { "chain" };
            let days = (cert.not_after_unix - report.checked_at).div_euclid(86_400);
            let _ = writeln!(out, "  [{}] {role}: {}", i + 1, cert.subject);
            let _ = writeln!(out, "      issuer:   {}", cert.issuer);
            if !cert.subject_alt_names.is_empty() {
                let _ = writeln!(out, "      names:    {}", cert.subject_alt_names.join(", "));
            }
            let _ = writeln!(
                out,
                "      valid:    {} to {} ({days} days left)",
                cert.not_before, cert.not_after
            );
            let _ = writeln!(
                out,
                "      key:      {}{}",
                cert.public_key,
                if cert.is_ca { ", CA" } else { "" }
            );
            let _ = writeln!(out, "      sha256:   {}", cert.fingerprint256);
        }
        if let Some(key_type) = &listener.key_type {
            let format = listener.key_format.as_deref().unwrap_or("?");
            let _ = write!(out, "  private key: {key_type} ({format}");
            if let Some(encryption) = &listener.key_encryption {
                let _ = write!(out, "; {encryption}");
            }
            let _ = writeln!(out, ")");
        }
        if let Some(mode) = listener.client_auth {
            let _ = writeln!(
                out,
                "  client certificates: {mode}, from {} CA(s):",
                listener.client_cas.len()
            );
            for ca in &listener.client_cas {
                let _ = writeln!(out, "    {} (valid to {})", ca.subject, ca.not_after);
            }
        }
    }
    render_trust(report, &mut out);
    render_identity(report, &mut out);
    if !report.problems.is_empty() {
        let _ = writeln!(out, "\nproblems:");
        for problem in &report.problems {
            let _ = writeln!(out, "  {} {}", problem.code, problem.message);
        }
    }
    if !report.warnings.is_empty() {
        let _ = writeln!(out, "\nwarnings:");
        for warning in &report.warnings {
            let _ = writeln!(out, "  {} {}", warning.code, warning.message);
        }
    }
    let _ = writeln!(
        out,
        "\n{}",
        if report.is_clean() {
            format!("OK ({} warnings)", report.warnings.len())
        } else {
            format!(
                "{} problem(s), {} warning(s)",
                report.problems.len(),
                report.warnings.len()
            )
        }
    );
    out
}

fn render_trust(report: &Report, out: &mut String) {
    let trust = &report.trust;
    let roots = if trust.system_roots > 0 {
        format!(
            "{} Mozilla roots and {} system roots",
            trust.mozilla_roots, trust.system_roots
        )
    } else {
        format!("{} Mozilla roots", trust.mozilla_roots)
    };
    let state = if trust.ok { "OK" } else { "FAILED" };
    match &trust.extra_ca_certs {
        None => {
            let _ = writeln!(
                out,
                "trust (NODE_EXTRA_CA_CERTS): not set; {roots} only, {state}"
            );
        }
        Some(bundle) => {
            let _ = writeln!(
                out,
                "trust (NODE_EXTRA_CA_CERTS): {bundle}, {state}: {} extra CA certificate(s) plus {roots}{}",
                trust.certificates.len(),
                if trust.strict { "" } else { " (lenient)" }
            );
        }
    }
    for (i, cert) in trust.certificates.iter().enumerate() {
        let days = (cert.not_after_unix - report.checked_at).div_euclid(86_400);
        let _ = writeln!(
            out,
            "  [{}] {}{}",
            i + 1,
            cert.subject,
            if cert.is_ca {
                ""
            } else {
                " (not a CA: trusted only as this exact certificate)"
            }
        );
        let _ = writeln!(
            out,
            "      valid:    {} to {} ({days} days left)",
            cert.not_before, cert.not_after
        );
        let _ = writeln!(out, "      sha256:   {}", cert.fingerprint256);
    }
}

fn render_identity(report: &Report, out: &mut String) {
    let identity = &report.identity;
    let state = if identity.ok { "OK" } else { "FAILED" };
    match (&identity.base_url, &identity.internal_base_url) {
        (None, None) => {
            let _ = writeln!(out, "identity: KEYCLOAK_BASE_URL not set, {state}");
        }
        (base, internal) => {
            let _ = writeln!(
                out,
                "identity: {}, {state}",
                if identity.uses_tls {
                    "TLS"
                } else {
                    "NOT encrypted"
                }
            );
            if let Some(base) = base {
                let _ = writeln!(out, "  base URL (KEYCLOAK_BASE_URL):              {base}");
            }
            if let Some(internal) = internal {
                let _ = writeln!(
                    out,
                    "  internal URL (KEYCLOAK_INTERNAL_BASE_URL): {internal}"
                );
            }
        }
    }
}
