//! `console-tls probe [URL]`: the command an operator runs when Console
//! "cannot reach Identity". It makes a real TLS handshake with the configured
//! trust, keeps the chain the server presented even when verification fails,
//! and explains it: the chain, the anchor (or why there is none), the name
//! check, and a one-line verdict. Exit 0 trusted, 1 not, 2 usage.

use std::fmt::Write as _;
use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use clap::Args;
use console_tls::certificate::unix_seconds;
use console_tls::identity::{self, Identity};
use console_tls::settings::{KEYCLOAK_BASE_URL, KEYCLOAK_INTERNAL_BASE_URL, NODE_EXTRA_CA_CERTS};
use console_tls::trust::{self, AnchorSource, Verified};
use console_tls::{Certificate, Error, Trust};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};
use url::Url;

use crate::EnvArgs;

#[derive(Args)]
pub struct ProbeArgs {
    #[command(flatten)]
    env: EnvArgs,
    /// The https:// URL to probe [default: KEYCLOAK_INTERNAL_BASE_URL, else KEYCLOAK_BASE_URL]
    url: Option<String>,
    /// Seconds allowed for resolving and connecting, and again for the TLS handshake.
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = parse_timeout)]
    timeout: Duration,
    /// Connect to HOST:PORT instead of the URL's host, still checking the URL's name
    /// (like curl --connect-to; e.g. to test one pod behind a service).
    #[arg(long, value_name = "HOST:PORT")]
    connect: Option<String>,
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(seconds > 0.0 && seconds <= 3600.0) {
        return Err("the timeout must be more than 0 and at most 3600 seconds".to_owned());
    }
    Ok(Duration::from_secs_f64(seconds))
}

pub fn run(args: &ProbeArgs) -> ExitCode {
    let settings = args.env.settings();
    let options = args.env.options();
    let now = options.now();

    let (url, from) = match target(args, &settings, &options) {
        Ok(target) => target,
        Err((message, code)) => {
            eprintln!("console-tls probe: {message}");
            return ExitCode::from(code);
        }
    };
    println!("probing {} ({from})", identity::redacted(&url));
    if url.scheme() == "http" {
        println!("verdict: NOT TLS: the URL is http://, so traffic to it is not encrypted and there is no certificate to check; use https://");
        return ExitCode::from(1);
    }
    let Some(host) = url.host_str().map(str::to_owned) else {
        eprintln!("console-tls probe: the URL has no host");
        return ExitCode::from(2);
    };
    let port = url.port_or_known_default().unwrap_or(443);
    let server_name = match trust::parse_server_name(&host) {
        Ok(name) => name,
        Err(error) => {
            eprintln!("console-tls probe: {error}");
            return ExitCode::from(2);
        }
    };

    let (trust, trust_problems) = Trust::from_settings_all(&settings, &options);
    print!("{}", describe_trust(&trust, &trust_problems));

    let address = args
        .connect
        .clone()
        .unwrap_or_else(|| format!("{}:{port}", url_host_for_connect(&url, &host)));
    let mut socket = match connect(&address, args.timeout) {
        Ok((socket, addr)) => {
            println!("connected to {addr}");
            socket
        }
        Err(reason) => {
            println!("verdict: NOT TRUSTED: cannot connect to {address}: {reason}");
            return ExitCode::from(1);
        }
    };

    let capture = Arc::new(Capture {
        trust: trust.clone(),
        now,
        presented: Mutex::new(None),
    });
    let handshake = handshake(&mut socket, capture.clone(), server_name, args.timeout);
    let presented = capture
        .presented
        .lock()
        .map(|mut slot| slot.take())
        .unwrap_or(None);
    match &handshake {
        Ok(summary) => println!("TLS handshake: completed ({summary})"),
        Err(reason) => println!("TLS handshake: failed: {reason}"),
    }

    let Some(chain) = presented else {
        println!(
            "verdict: NOT TRUSTED: the server presented no certificate chain ({})",
            handshake.err().unwrap_or_default()
        );
        return ExitCode::from(1);
    };
    print!("{}", describe_chain(&chain, now));

    let anchor = trust.verify_chain_without_name(&chain, now);
    println!("{}", describe_anchor(&anchor));
    let name_check = trust::check_server_name(&chain[0], &host);
    match &name_check {
        Ok(()) => println!("name check: OK, the certificate is valid for {host}"),
        Err(error) => println!("name check: FAILED: {error}"),
    }

    // The decision is exactly what the handshake's verifier (and Console) decides.
    let verdict = trust.verify_server(&chain, &host, now);
    let (line, trusted) = verdict_line(&verdict, handshake.as_ref().err(), &trust_problems);
    println!("verdict: {line}");
    if trusted {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The URL to probe and where it came from. Errors carry the exit code.
fn target(
    args: &ProbeArgs,
    settings: &console_tls::Settings,
    options: &console_tls::Options,
) -> Result<(Url, String), (String, u8)> {
    if let Some(text) = &args.url {
        return identity::parse_url(text)
            .map(|url| (url, "from the command line".to_owned()))
            .map_err(|e| (format!("URL: {e}"), 2));
    }
    let (identity, problems) = Identity::from_settings_all(settings, options);
    if let Some(problem) = problems.first() {
        return Err((problem.to_string(), 1));
    }
    let from = if identity.internal_base_url.is_some()
        && settings
            .text(KEYCLOAK_INTERNAL_BASE_URL)
            .ok()
            .flatten()
            .is_some()
    {
        KEYCLOAK_INTERNAL_BASE_URL
    } else {
        KEYCLOAK_BASE_URL
    };
    match identity.backend_url() {
        Some(url) => Ok((url.clone(), format!("from {from}"))),
        None => Err((
            format!("give a URL, or set {KEYCLOAK_INTERNAL_BASE_URL} or {KEYCLOAK_BASE_URL}"),
            2,
        )),
    }
}

/// The host as `ToSocketAddrs` wants it: IPv6 literals without brackets are
/// ambiguous with the port, so keep the URL's bracketed form.
fn url_host_for_connect(url: &Url, host: &str) -> String {
    match url.host() {
        Some(url::Host::Ipv6(addr)) => format!("[{addr}]"),
        _ => host.to_owned(),
    }
}

fn describe_trust(trust: &Trust, problems: &[Error]) -> String {
    let mut out = String::new();
    let extras = trust.extras();
    let _ = write!(out, "trust: {} Mozilla roots", trust.mozilla_root_count());
    if trust.system_root_count() > 0 {
        let _ = write!(out, ", {} system roots", trust.system_root_count());
    }
    let _ = writeln!(
        out,
        ", {} extra CA certificate(s) from {NODE_EXTRA_CA_CERTS}",
        extras.len()
    );
    for problem in problems {
        let _ = writeln!(out, "  problem: {} {problem}", problem.code());
    }
    for warning in trust.warnings() {
        let _ = writeln!(out, "  warning: {} {warning}", warning.code);
    }
    out
}

/// Resolves and connects within `timeout` (resolution runs on a helper
/// thread, since the system resolver has no timeout of its own).
fn connect(address: &str, timeout: Duration) -> Result<(TcpStream, SocketAddr), String> {
    let deadline = Instant::now() + timeout;
    let (send, receive) = mpsc::channel();
    let query = address.to_owned();
    std::thread::spawn(move || {
        let _ = send.send(
            query
                .to_socket_addrs()
                .map(|addrs| addrs.collect::<Vec<_>>()),
        );
    });
    let addrs = match receive.recv_timeout(timeout) {
        Ok(Ok(addrs)) if !addrs.is_empty() => addrs,
        Ok(Ok(_)) => return Err("the name resolves to no address".to_owned()),
        Ok(Err(e)) => return Err(format!("cannot resolve it ({e})")),
        Err(_) => return Err(format!("resolving it took more than {}", seconds(timeout))),
    };
    let mut failures = Vec::new();
    for addr in addrs {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            failures.push(format!("{addr}: no time left"));
            break;
        }
        match TcpStream::connect_timeout(&addr, remaining) {
            Ok(socket) => return Ok((socket, addr)),
            Err(e) => failures.push(format!("{addr}: {}", io_reason(&e, timeout))),
        }
    }
    Err(failures.join("; "))
}

/// Records the presented chain, then decides exactly as the trust does.
#[derive(Debug)]
struct Capture {
    trust: Trust,
    now: SystemTime,
    presented: Mutex<Option<Vec<CertificateDer<'static>>>>,
}

impl ServerCertVerifier for Capture {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = vec![end_entity.clone().into_owned()];
        chain.extend(intermediates.iter().map(|c| c.clone().into_owned()));
        let outcome = self
            .trust
            .verify_server(&chain, &server_name.to_str(), self.now);
        if let Ok(mut slot) = self.presented.lock() {
            *slot = Some(chain);
        }
        outcome
            .map(|_| ServerCertVerified::assertion())
            .map_err(trust::to_rustls_error)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.trust
            .verifier()
            .verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.trust
            .verifier()
            .verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.trust.verifier().supported_verify_schemes()
    }
}

/// Runs the handshake within `timeout`; on success, the protocol and suite.
fn handshake(
    socket: &mut TcpStream,
    capture: Arc<Capture>,
    name: ServerName<'static>,
    timeout: Duration,
) -> Result<String, String> {
    let config = ClientConfig::builder_with_provider(console_tls::provider::get())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(capture)
        .with_no_client_auth();
    let mut conn = ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    let deadline = Instant::now() + timeout;
    while conn.is_handshaking() {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(format!("no answer within {}", seconds(timeout)));
        }
        socket
            .set_read_timeout(Some(remaining))
            .and_then(|()| socket.set_write_timeout(Some(remaining)))
            .map_err(|e| e.to_string())?;
        if let Err(e) = conn.complete_io(socket) {
            return Err(handshake_reason(&e, timeout));
        }
    }
    let summary = format!(
        "{}, {}",
        conn.protocol_version()
            .map(|v| format!("{v:?}"))
            .unwrap_or_default(),
        conn.negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()))
            .unwrap_or_default()
    );
    conn.send_close_notify();
    let _ = conn.complete_io(socket);
    Ok(summary)
}

fn handshake_reason(error: &io::Error, timeout: Duration) -> String {
    if let Some(tls) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return match tls {
            rustls::Error::InvalidCertificate(_) => {
                "the certificate was refused (see the verdict)".to_owned()
            }
            rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
                format!("the server does not speak TLS as expected ({tls}); is this the TLS port?")
            }
            rustls::Error::AlertReceived(alert) => format!("the server ended it ({alert:?})"),
            other => other.to_string(),
        };
    }
    io_reason(error, timeout)
}

fn io_reason(error: &io::Error, timeout: Duration) -> String {
    match error.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            format!("no answer within {}", seconds(timeout))
        }
        io::ErrorKind::UnexpectedEof => "the server closed the connection".to_owned(),
        io::ErrorKind::ConnectionRefused => "connection refused (nothing listens there)".to_owned(),
        _ => error.to_string(),
    }
}

fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}

fn describe_chain(chain: &[CertificateDer<'_>], now: SystemTime) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "presented chain ({} certificate(s), server certificate first):",
        chain.len()
    );
    let now = unix_seconds(now);
    for (i, der) in chain.iter().enumerate() {
        let cert = match Certificate::from_der(der) {
            Ok(cert) => cert,
            Err(error) => {
                let _ = writeln!(out, "  [{}] not a readable certificate: {error}", i + 1);
                continue;
            }
        };
        let info = cert.info();
        let validity = if now > info.not_after_unix {
            "EXPIRED".to_owned()
        } else if now < info.not_before_unix {
            "NOT YET VALID".to_owned()
        } else {
            format!(
                "{} days left",
                (info.not_after_unix - now).div_euclid(86_400)
            )
        };
        let _ = writeln!(out, "  [{}] {}", i + 1, info.subject);
        let _ = writeln!(out, "      issuer:   {}", info.issuer);
        if !info.subject_alt_names.is_empty() {
            let _ = writeln!(out, "      names:    {}", info.subject_alt_names.join(", "));
        }
        let _ = writeln!(
            out,
            "      valid:    {} to {} ({validity})",
            info.not_before, info.not_after
        );
        let _ = writeln!(
            out,
            "      key:      {}{}{}",
            info.public_key,
            if info.is_ca { ", CA" } else { "" },
            if cert.is_issued_by(&cert) {
                ", self-signed"
            } else {
                ""
            }
        );
        let _ = writeln!(out, "      sha256:   {}", info.fingerprint256);
    }
    out
}

fn describe_anchor(anchor: &Result<Verified, Error>) -> String {
    match anchor {
        Ok(verified) if verified.trusted_directly => format!(
            "anchor: the server certificate itself ({}), which is one of the extra CA certificates ({NODE_EXTRA_CA_CERTS}): trusted directly",
            verified.anchor_subject
        ),
        Ok(verified) => {
            let source = match verified.anchor_source {
                AnchorSource::Extra => format!("one of the extra CA certificates ({NODE_EXTRA_CA_CERTS})"),
                other => other.describe().to_owned(),
            };
            format!("anchor: {}, from {source}", verified.anchor_subject)
        }
        Err(error) => format!("anchor: none: {} {error}", error.code()),
    }
}

/// The one-line verdict and whether it is a success.
fn verdict_line(
    verdict: &Result<Verified, Error>,
    handshake_error: Option<&String>,
    trust_problems: &[Error],
) -> (String, bool) {
    match (verdict, handshake_error) {
        (Err(error), _) => (format!("NOT TRUSTED: {} {error}", error.code()), false),
        (Ok(_), Some(reason)) => (
            format!("NOT OK: the chain is trusted, but the handshake failed: {reason}"),
            false,
        ),
        (Ok(verified), None) if !trust_problems.is_empty() => (
            format!(
                "NOT OK: trusted (anchor {}), but {NODE_EXTRA_CA_CERTS} has {} problem(s) that stop Console in strict mode (see above; --lenient tolerates them)",
                verified.anchor_subject,
                trust_problems.len()
            ),
            false,
        ),
        (Ok(verified), None) => (
            format!(
                "TRUSTED: the chain leads to {}{} and is valid for this name",
                verified.anchor_subject,
                if verified.trusted_directly {
                    " (trusted directly)"
                } else {
                    ""
                }
            ),
            true,
        ),
    }
}
