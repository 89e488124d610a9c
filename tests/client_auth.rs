//! Client certificates (mutual TLS) per listener: the settings' errors, and
//! real handshakes on 127.0.0.1 against a rustls server built by
//! `ServerTls::server_config()`, with rustls, curl and `openssl s_client`
//! as clients, for each mode; and a rotation of the client CA bundle.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use common::expect_code;
use common::pki::{self, Ca, Leaf};
use console_tls::reload::{following_server_config, watched_files, ConfigWatcher, Poll};
use console_tls::{
    ClientAuth, Config, ErrorCode, Listener, Options, ServerTls, Settings, WarningCode,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;

/// What the server saw of one connection.
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    /// Handshake done with a verified client certificate (its DER).
    Verified(Vec<u8>),
    /// Handshake done without a client certificate.
    Anonymous,
    /// The handshake failed on the server's side.
    Refused(String),
}

/// A rustls server on 127.0.0.1 answering each request with `verified` or
/// `anonymous` (an HTTP response, for curl), and telling the test what it saw.
struct Server {
    port: u16,
    seen: mpsc::Receiver<Seen>,
}

impl Server {
    fn start(config: Arc<ServerConfig>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (sender, seen) = mpsc::channel();
        // Runs until the test process ends.
        std::thread::spawn(move || {
            for socket in listener.incoming() {
                let Ok(mut socket) = socket else { continue };
                // Guards against a stuck client; no assertion depends on it.
                let _ = socket.set_read_timeout(Some(Duration::from_secs(20)));
                let outcome = serve_one(&config, &mut socket);
                if sender.send(outcome).is_err() {
                    break;
                }
            }
        });
        Server { port, seen }
    }

    /// What the server saw of the next connection, if there was one.
    fn next_if_any(&self) -> Option<Seen> {
        self.seen.recv_timeout(Duration::from_secs(20)).ok()
    }

    /// What the server saw of the next connection.
    fn next(&self) -> Seen {
        self.seen
            .recv_timeout(Duration::from_secs(60))
            .expect("the server saw the connection")
    }
}

fn serve_one(config: &Arc<ServerConfig>, socket: &mut TcpStream) -> Seen {
    let mut conn = rustls::ServerConnection::new(config.clone()).unwrap();
    while conn.is_handshaking() {
        if let Err(error) = conn.complete_io(socket) {
            return Seen::Refused(error.to_string());
        }
    }
    let outcome = match conn.peer_certificates() {
        Some(chain) => Seen::Verified(chain[0].as_ref().to_vec()),
        None => Seen::Anonymous,
    };
    let body = match outcome {
        Seen::Verified(_) => "verified",
        _ => "anonymous",
    };
    let mut stream = rustls::Stream::new(&mut conn, socket);
    let mut request = Vec::new();
    let mut chunk = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&chunk[..n]),
        }
    }
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.conn.send_close_notify();
    let _ = stream.flush();
    outcome
}

/// A rustls client's request: the body, or the error.
fn request(port: u16, server_ca: &Ca, client: Option<&Leaf>) -> Result<String, String> {
    request_as(
        port,
        server_ca,
        client.map(|leaf| (vec![leaf.der()], leaf.key_der())),
    )
}

/// A rustls client's request presenting `client` (chain, leaf first, and
/// key): the body, or the error.
fn request_as(
    port: u16,
    server_ca: &Ca,
    client: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
) -> Result<String, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(server_ca.der()).unwrap();
    let builder = rustls::ClientConfig::builder_with_provider(console_tls::provider::get())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let config = match client {
        Some((chain, key)) => builder.with_client_auth_cert(chain, key).unwrap(),
        None => builder.with_no_client_auth(),
    };
    let mut conn =
        rustls::ClientConnection::new(Arc::new(config), "localhost".try_into().unwrap()).unwrap();
    let mut socket = TcpStream::connect(("127.0.0.1", port)).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut stream = rustls::Stream::new(&mut conn, &mut socket);
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .map_err(|e| e.to_string())?;
    let response = String::from_utf8(response).unwrap();
    Ok(response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned())
}

/// The files of one test: a server identity for `localhost` from its own
/// CA, and PEM files written on demand.
struct Pki {
    dir: tempfile::TempDir,
    server_ca: Ca,
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let server_ca = Ca::root("Server CA");
        let issued = server_ca.issue(&["localhost"], 7);
        fs::write(dir.path().join("server.crt"), &issued.chain_pem).unwrap();
        fs::write(dir.path().join("server.key"), &issued.key_pem).unwrap();
        fs::write(dir.path().join("server-ca.pem"), server_ca.pem()).unwrap();
        Pki { dir, server_ca }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, content: &str) -> String {
        fs::write(self.path(name), content).unwrap();
        self.path(name).display().to_string()
    }

    /// Writes a client's certificate and key; returns their paths.
    fn client_files(&self, name: &str, leaf: &Leaf) -> (String, String) {
        (
            self.write(&format!("{name}.crt"), &leaf.pem()),
            self.write(&format!("{name}.key"), &leaf.key_pem()),
        )
    }

    fn settings(&self, prefix: &str, vars: &[(&str, &str)]) -> Settings {
        let cert = self.path("server.crt").display().to_string();
        let key = self.path("server.key").display().to_string();
        let mut all: Vec<(String, String)> = vec![
            (format!("{prefix}SERVER_SSL_ENABLED"), "true".into()),
            (format!("{prefix}SERVER_SSL_CERTIFICATE"), cert),
            (format!("{prefix}SERVER_SSL_CERTIFICATE_PRIVATE_KEY"), key),
        ];
        all.extend(
            vars.iter()
                .map(|(k, v)| (format!("{prefix}{k}"), v.to_string())),
        );
        Settings::from_vars(all)
    }

    fn load(&self, vars: &[(&str, &str)]) -> console_tls::Result<ServerTls> {
        Config::load(&self.settings("", vars), &Options::default())
            .map(|config| config.server.expect("enabled"))
    }

    /// The listener in client-auth `mode`, trusting the CAs in `bundle` for
    /// client certificates (written to `client-ca.pem`).
    fn with_client_auth(&self, mode: &str, bundle: &str) -> ServerTls {
        let ca = self.write("client-ca.pem", bundle);
        self.load(&[
            ("SERVER_SSL_CLIENT_AUTH", mode),
            ("SERVER_SSL_TRUST_CERTIFICATE", &ca),
        ])
        .unwrap()
    }
}

// ------------------------------------------------------------------ settings

#[test]
fn an_unknown_mode_is_invalid_and_names_the_variable_and_the_values() {
    let pki = Pki::new();
    let error = expect_code(
        pki.load(&[("SERVER_SSL_CLIENT_AUTH", "required")]),
        ErrorCode::ConfigInvalid,
    );
    assert_eq!(error.env_var(), Some("SERVER_SSL_CLIENT_AUTH"));
    let message = error.to_string();
    assert!(message.contains("\"required\""), "{message}");
    assert!(message.contains("none, want or need"), "{message}");
}

#[test]
fn modes_are_case_insensitive_and_none_is_the_default() {
    let pki = Pki::new();
    let ca = pki.write("client-ca.pem", &Ca::root("Client CA").pem());
    assert_eq!(
        pki.load(&[]).unwrap().client_auth().mode(),
        ClientAuth::None
    );
    for (value, mode) in [
        ("NONE", ClientAuth::None),
        ("Want", ClientAuth::Want),
        (" need ", ClientAuth::Need),
    ] {
        let tls = pki
            .load(&[
                ("SERVER_SSL_CLIENT_AUTH", value),
                ("SERVER_SSL_TRUST_CERTIFICATE", &ca),
            ])
            .unwrap();
        assert_eq!(tls.client_auth().mode(), mode, "{value:?}");
    }
}

#[test]
fn want_and_need_without_a_client_ca_bundle_are_missing_it() {
    let pki = Pki::new();
    for prefix in ["", "MANAGEMENT_"] {
        for mode in ["want", "need"] {
            let settings = pki.settings(prefix, &[("SERVER_SSL_CLIENT_AUTH", mode)]);
            let error = expect_code(
                Config::load(&settings, &Options::default()),
                ErrorCode::ConfigMissing,
            );
            let var = format!("{prefix}SERVER_SSL_TRUST_CERTIFICATE");
            assert_eq!(error.env_var(), Some(var.as_str()));
            let message = error.to_string();
            assert!(
                message.contains(&format!("{prefix}SERVER_SSL_CLIENT_AUTH is {mode}")),
                "{message}"
            );
        }
    }
}

#[test]
fn the_management_listener_has_its_own_variables() {
    let pki = Pki::new();
    let ca = pki.write("client-ca.pem", &Ca::root("Client CA").pem());
    let mut vars = vec![
        ("SERVER_SSL_ENABLED".to_owned(), "true".to_owned()),
        (
            "SERVER_SSL_CERTIFICATE".into(),
            pki.path("server.crt").display().to_string(),
        ),
        (
            "SERVER_SSL_CERTIFICATE_PRIVATE_KEY".into(),
            pki.path("server.key").display().to_string(),
        ),
        ("MANAGEMENT_SERVER_SSL_CLIENT_AUTH".into(), "need".into()),
        ("MANAGEMENT_SERVER_SSL_TRUST_CERTIFICATE".into(), ca.clone()),
    ];
    // The management listener is disabled: its variables are not read.
    let config = Config::load(&Settings::from_vars(vars.clone()), &Options::default()).unwrap();
    assert_eq!(
        config.server.unwrap().client_auth().mode(),
        ClientAuth::None
    );
    vars.push(("MANAGEMENT_SERVER_SSL_ENABLED".into(), "true".into()));
    vars.push((
        "MANAGEMENT_SERVER_SSL_CERTIFICATE".into(),
        pki.path("server.crt").display().to_string(),
    ));
    vars.push((
        "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY".into(),
        pki.path("server.key").display().to_string(),
    ));
    let config = Config::load(&Settings::from_vars(vars.clone()), &Options::default()).unwrap();
    assert_eq!(
        config.server.as_ref().unwrap().client_auth().mode(),
        ClientAuth::None
    );
    let management = config.management.as_ref().unwrap();
    assert_eq!(management.client_auth().mode(), ClientAuth::Need);
    assert_eq!(management.client_auth().certificates().len(), 1);

    vars.push(("MANAGEMENT_SERVER_SSL_CLIENT_AUTH".into(), "both".into()));
    let error = expect_code(
        Config::load(&Settings::from_vars(vars), &Options::default()),
        ErrorCode::ConfigInvalid,
    );
    assert_eq!(error.env_var(), Some("MANAGEMENT_SERVER_SSL_CLIENT_AUTH"));
}

#[test]
fn every_block_of_the_client_ca_bundle_is_accounted_for() {
    let pki = Pki::new();
    let good = Ca::root("Client CA").pem();
    let bundle = format!(
        "{good}-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n"
    );
    let path = pki.write("client-ca.pem", &bundle);
    let error = expect_code(
        pki.load(&[
            ("SERVER_SSL_CLIENT_AUTH", "need"),
            ("SERVER_SSL_TRUST_CERTIFICATE", &path),
        ]),
        ErrorCode::PemInvalid,
    );
    assert_eq!(error.env_var(), Some("SERVER_SSL_TRUST_CERTIFICATE"));
    assert_eq!(error.path(), Some(pki.path("client-ca.pem").as_path()));
    assert_eq!(error.block(), Some(2));

    // Strict even when the extra CA bundle is lenient: a CA dropped from
    // this bundle locks its clients out.
    let lenient = Options::default().strict_trust(false);
    let settings = pki.settings(
        "",
        &[
            ("SERVER_SSL_CLIENT_AUTH", "need"),
            ("SERVER_SSL_TRUST_CERTIFICATE", &path),
        ],
    );
    expect_code(Config::load(&settings, &lenient), ErrorCode::PemInvalid);

    let missing = pki.path("nowhere.pem").display().to_string();
    let error = expect_code(
        pki.load(&[
            ("SERVER_SSL_CLIENT_AUTH", "want"),
            ("SERVER_SSL_TRUST_CERTIFICATE", &missing),
        ]),
        ErrorCode::FileNotFound,
    );
    assert_eq!(error.env_var(), Some("SERVER_SSL_TRUST_CERTIFICATE"));

    let key_only = pki.write("key-only.pem", &pki::self_signed_client("x").key_pem());
    let error = expect_code(
        pki.load(&[
            ("SERVER_SSL_CLIENT_AUTH", "need"),
            ("SERVER_SSL_TRUST_CERTIFICATE", &key_only),
        ]),
        ErrorCode::PemInvalid,
    );
    assert_eq!(error.env_var(), Some("SERVER_SSL_TRUST_CERTIFICATE"));
}

#[test]
fn a_client_ca_bundle_with_mode_none_is_ignored_with_a_warning() {
    let pki = Pki::new();
    // Not even read: a missing file is no error.
    let missing = pki.path("nowhere.pem").display().to_string();
    let tls = pki
        .load(&[("SERVER_SSL_TRUST_CERTIFICATE", &missing)])
        .unwrap();
    assert_eq!(tls.client_auth().mode(), ClientAuth::None);
    let warning = tls
        .warnings()
        .iter()
        .find(|w| w.code == WarningCode::SettingUnused)
        .expect("a warning");
    assert_eq!(
        warning.env_var.as_deref(),
        Some("SERVER_SSL_TRUST_CERTIFICATE")
    );
    assert!(warning.message.contains("SERVER_SSL_CLIENT_AUTH is none"));
    // And it is not watched.
    let settings = pki.settings("", &[("SERVER_SSL_TRUST_CERTIFICATE", &missing)]);
    assert!(!watched_files(&settings).contains(&pki.path("nowhere.pem")));
}

#[test]
fn the_client_ca_bundle_is_watched_when_client_auth_is_on() {
    let pki = Pki::new();
    let ca = pki.write("client-ca.pem", &Ca::root("Client CA").pem());
    let settings = pki.settings(
        "",
        &[
            ("SERVER_SSL_CLIENT_AUTH", "want"),
            ("SERVER_SSL_TRUST_CERTIFICATE", &ca),
        ],
    );
    assert!(watched_files(&settings).contains(&pki.path("client-ca.pem")));
}

// ---------------------------------------------------------------- handshakes

/// A server in `mode` trusting `client_ca` for client certificates.
fn server(pki: &Pki, mode: &str, client_ca: &Ca) -> (Server, ServerTls) {
    let tls = pki.with_client_auth(mode, &client_ca.pem());
    (Server::start(tls.server_config()), tls)
}

#[test]
fn need_refuses_no_certificate_and_a_foreign_one_and_accepts_the_configured_ca() {
    let pki = Pki::new();
    let client_ca = Ca::root("Client CA");
    let foreign_ca = Ca::root("Foreign CA");
    let (server, tls) = server(&pki, "need", &client_ca);
    assert_eq!(
        tls.client_auth().ca_pem(),
        client_ca.pem().replace("\r\n", "\n")
    );

    assert!(request(server.port, &pki.server_ca, None).is_err());
    assert!(matches!(server.next(), Seen::Refused(e) if e.contains("peer sent no certificates")));

    let foreign = foreign_ca.client("mallory");
    assert!(request(server.port, &pki.server_ca, Some(&foreign)).is_err());
    assert!(
        matches!(server.next(), Seen::Refused(e) if e.contains("CN=mallory is issued by CN=Foreign CA") && e.contains("SERVER_SSL_TRUST_CERTIFICATE"))
    );

    let alice = client_ca.client("alice");
    assert_eq!(
        request(server.port, &pki.server_ca, Some(&alice)).as_deref(),
        Ok("verified")
    );
    assert_eq!(server.next(), Seen::Verified(alice.der().to_vec()));
}

#[test]
fn want_accepts_no_certificate_unverified_and_the_configured_ca_verified_and_refuses_a_foreign_one()
{
    let pki = Pki::new();
    let client_ca = Ca::root("Client CA");
    let (server, _) = server(&pki, "want", &client_ca);

    assert_eq!(
        request(server.port, &pki.server_ca, None).as_deref(),
        Ok("anonymous")
    );
    assert_eq!(server.next(), Seen::Anonymous);

    let alice = client_ca.client("alice");
    assert_eq!(
        request(server.port, &pki.server_ca, Some(&alice)).as_deref(),
        Ok("verified")
    );
    assert_eq!(server.next(), Seen::Verified(alice.der().to_vec()));

    // The verdict of this library (and of Tomcat, and nginx's `optional`):
    // a certificate presented must verify, even when none is required.
    // Node's `rejectUnauthorized: false` accepts it (see the README).
    let foreign = Ca::root("Foreign CA").client("mallory");
    assert!(request(server.port, &pki.server_ca, Some(&foreign)).is_err());
    assert!(
        matches!(server.next(), Seen::Refused(e) if e.contains("CN=mallory is issued by CN=Foreign CA") && e.contains("SERVER_SSL_TRUST_CERTIFICATE"))
    );
}

#[test]
fn none_does_not_ask_for_a_certificate() {
    let pki = Pki::new();
    let tls = pki.load(&[]).unwrap();
    let server = Server::start(tls.server_config());
    // A client with a certificate is not asked for it, so sends none.
    let alice = Ca::root("Client CA").client("alice");
    assert_eq!(
        request(server.port, &pki.server_ca, Some(&alice)).as_deref(),
        Ok("anonymous")
    );
    assert_eq!(server.next(), Seen::Anonymous);
}

#[test]
fn an_intermediate_in_the_bundle_and_a_client_chain_to_the_root() {
    let pki = Pki::new();
    let root = Ca::root("Client Root");
    let issuing = root.intermediate("Client Issuing CA");
    let bundle = format!("{}{}", root.pem(), issuing.pem());
    let tls = pki.with_client_auth("need", &bundle);
    assert_eq!(tls.client_auth().certificates().len(), 2);
    let server = Server::start(tls.server_config());
    let bob = issuing.client("bob");
    assert_eq!(
        request(server.port, &pki.server_ca, Some(&bob)).as_deref(),
        Ok("verified")
    );
    assert_eq!(server.next(), Seen::Verified(bob.der().to_vec()));
}

#[test]
fn a_self_signed_client_certificate_in_the_bundle_is_trusted_directly() {
    // CA:FALSE, self-signed: webpki takes the bundle's certificates as
    // anchors (name and key), as OpenSSL takes a self-signed certificate
    // found in its trust store (see the Node test for Node's verdict).
    let pki = Pki::new();
    let device = pki::self_signed_client("device-7");
    let tls = pki.with_client_auth("need", &device.pem());
    let server = Server::start(tls.server_config());
    assert_eq!(
        request(server.port, &pki.server_ca, Some(&device)).as_deref(),
        Ok("verified")
    );
    assert_eq!(server.next(), Seen::Verified(device.der().to_vec()));
    // Another self-signed certificate with the same name is not it.
    let impostor = pki::self_signed_client("device-7");
    assert!(request(server.port, &pki.server_ca, Some(&impostor)).is_err());
    assert!(matches!(server.next(), Seen::Refused(_)));
}

// ------------------------------------------------------- curl and s_client

fn curl(pki: &Pki, port: u16, client: Option<(&str, &str)>) -> (bool, String) {
    let mut command = Command::new("curl");
    command
        .arg("-sS")
        .arg("--max-time")
        .arg("30")
        .arg("--cacert")
        .arg(pki.path("server-ca.pem"))
        .arg("--resolve")
        .arg(format!("localhost:{port}:127.0.0.1"))
        .arg(format!("https://localhost:{port}/"));
    if let Some((cert, key)) = client {
        command.arg("--cert").arg(cert).arg("--key").arg(key);
    }
    let output = command.output().expect("curl runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

fn s_client(pki: &Pki, port: u16, client: Option<(&str, &str)>) -> String {
    let args = client.map_or(Vec::new(), |(cert, key)| vec!["-cert", cert, "-key", key]);
    s_client_with(pki, port, &args)
}

/// `openssl s_client` to `port` with `client_args` (its certificate
/// options): what it printed.
fn s_client_with(pki: &Pki, port: u16, client_args: &[&str]) -> String {
    let mut command = Command::new("openssl");
    command
        .arg("s_client")
        .arg("-connect")
        .arg(format!("127.0.0.1:{port}"))
        .arg("-servername")
        .arg("localhost")
        .arg("-CAfile")
        .arg(pki.path("server-ca.pem"))
        .arg("-verify_return_error")
        .arg("-ign_eof")
        .args(client_args);
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn curl_and_openssl_s_client_against_need_and_want() {
    let pki = Pki::new();
    let client_ca = Ca::root("Client CA");
    let alice = client_ca.client("alice");
    let mallory = Ca::root("Foreign CA").client("mallory");
    let (alice_crt, alice_key) = pki.client_files("alice", &alice);
    let (mallory_crt, mallory_key) = pki.client_files("mallory", &mallory);
    let alice_files = Some((alice_crt.as_str(), alice_key.as_str()));
    let mallory_files = Some((mallory_crt.as_str(), mallory_key.as_str()));

    let (need, _) = server(&pki, "need", &client_ca);
    let (ok, body) = curl(&pki, need.port, alice_files);
    assert!(ok && body == "verified", "{ok} {body:?}");
    assert_eq!(need.next(), Seen::Verified(alice.der().to_vec()));
    let (ok, _) = curl(&pki, need.port, None);
    assert!(!ok, "curl without a certificate is refused");
    assert!(matches!(need.next(), Seen::Refused(_)));
    let (ok, _) = curl(&pki, need.port, mallory_files);
    assert!(!ok, "curl with a foreign certificate is refused");
    assert!(matches!(need.next(), Seen::Refused(_)));

    let out = s_client(&pki, need.port, alice_files);
    assert!(out.contains("Verify return code: 0 (ok)"), "{out}");
    // The certificate request names the client CAs.
    assert!(
        out.contains("Acceptable client certificate CA names\nCN = Client CA\n"),
        "{out}"
    );
    assert!(out.contains("\r\n\r\nverified"), "{out}");
    assert_eq!(need.next(), Seen::Verified(alice.der().to_vec()));
    let out = s_client(&pki, need.port, None);
    assert!(
        !out.contains("verified") && !out.contains("anonymous"),
        "{out}"
    );
    assert!(matches!(need.next(), Seen::Refused(_)));
    let out = s_client(&pki, need.port, mallory_files);
    assert!(
        !out.contains("verified") && !out.contains("anonymous"),
        "{out}"
    );
    assert!(matches!(need.next(), Seen::Refused(_)));

    let (want, _) = server(&pki, "want", &client_ca);
    let (ok, body) = curl(&pki, want.port, None);
    assert!(ok && body == "anonymous", "{ok} {body:?}");
    assert_eq!(want.next(), Seen::Anonymous);
    let (ok, body) = curl(&pki, want.port, alice_files);
    assert!(ok && body == "verified", "{ok} {body:?}");
    assert_eq!(want.next(), Seen::Verified(alice.der().to_vec()));
    let (ok, _) = curl(&pki, want.port, mallory_files);
    assert!(!ok, "want refuses a presented foreign certificate");
    assert!(matches!(want.next(), Seen::Refused(_)));
    let out = s_client(&pki, want.port, None);
    assert!(out.contains("\r\n\r\nanonymous"), "{out}");
    assert_eq!(want.next(), Seen::Anonymous);
}

// ------------------------------------------------------------------ rotation

fn replace(path: &Path, content: &str) {
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, content).unwrap();
    fs::rename(&tmp, path).unwrap();
}

#[test]
fn a_rotated_client_ca_bundle_applies_from_the_next_handshake() {
    let pki = Pki::new();
    let old_ca = Ca::root("Old Client CA");
    let new_ca = Ca::root("New Client CA");
    let ca = pki.write("client-ca.pem", &old_ca.pem());
    let settings = pki.settings(
        "",
        &[
            ("SERVER_SSL_CLIENT_AUTH", "need"),
            ("SERVER_SSL_TRUST_CERTIFICATE", &ca),
        ],
    );
    let (watcher, error) = ConfigWatcher::new(settings, Options::default());
    assert!(error.is_none(), "{error:?}");
    assert!(watcher.files().contains(&pki.path("client-ca.pem")));
    let watcher = Arc::new(watcher);
    let server = Server::start(Arc::new(following_server_config(
        watcher.clone(),
        Listener::Server,
    )));
    let old_client = old_ca.client("old");
    let new_client = new_ca.client("new");

    assert_eq!(
        request(server.port, &pki.server_ca, Some(&old_client)).as_deref(),
        Ok("verified")
    );
    assert_eq!(server.next(), Seen::Verified(old_client.der().to_vec()));
    assert!(request(server.port, &pki.server_ca, Some(&new_client)).is_err());
    assert!(matches!(server.next(), Seen::Refused(_)));

    replace(&pki.path("client-ca.pem"), &new_ca.pem());
    let reloaded = (0..5).find_map(|_| match watcher.poll() {
        Poll::Unchanged => None,
        other => Some(other),
    });
    assert!(matches!(reloaded, Some(Poll::Reloaded(_))), "{reloaded:?}");

    assert_eq!(
        request(server.port, &pki.server_ca, Some(&new_client)).as_deref(),
        Ok("verified")
    );
    assert_eq!(server.next(), Seen::Verified(new_client.der().to_vec()));
    assert!(request(server.port, &pki.server_ca, Some(&old_client)).is_err());
    assert!(matches!(server.next(), Seen::Refused(_)));

    // A broken bundle keeps the last good one.
    replace(&pki.path("client-ca.pem"), "no certificate here\n");
    let failed = (0..5).find_map(|_| match watcher.poll() {
        Poll::Unchanged => None,
        other => Some(other),
    });
    assert!(
        matches!(&failed, Some(Poll::Failed(e)) if e.env_var() == Some("SERVER_SSL_TRUST_CERTIFICATE")),
        "{failed:?}"
    );
    assert_eq!(
        request(server.port, &pki.server_ca, Some(&new_client)).as_deref(),
        Ok("verified")
    );
    assert_eq!(server.next(), Seen::Verified(new_client.der().to_vec()));
}

// -------------------------------------------------------------------- health

#[test]
fn health_judges_each_client_ca_as_a_chain_of_its_own() {
    let pki = Pki::new();
    let root = Ca::root("Client Root");
    let now = std::time::SystemTime::now();
    let expired = root.intermediate_valid(
        "Expired Client CA",
        now - 400 * pki::DAY,
        now - 10 * pki::DAY,
    );
    let ca = pki.write("client-ca.pem", &format!("{}{}", root.pem(), expired.pem()));
    let config = Config::load(
        &pki.settings(
            "",
            &[
                ("SERVER_SSL_CLIENT_AUTH", "want"),
                ("SERVER_SSL_TRUST_CERTIFICATE", &ca),
            ],
        ),
        &Options::default(),
    )
    .unwrap();
    // Loading warns about the expired CA, naming the variable.
    assert!(config
        .warnings
        .iter()
        .any(|w| w.code == WarningCode::CertExpired
            && w.env_var.as_deref() == Some("SERVER_SSL_TRUST_CERTIFICATE")
            && w.message.contains("client CA")));
    let options = console_tls::HealthOptions::default();
    let health = console_tls::health::ssl_health(&config, &options, now);
    assert_eq!(
        health.status,
        console_tls::health::HealthStatus::OutOfService
    );
    let invalid: Vec<&str> = health
        .details
        .invalid_chains
        .iter()
        .map(|c| c.alias.as_str())
        .collect();
    assert_eq!(invalid, ["CN=Expired Client CA"]);
    let valid: Vec<(&str, &str)> = health
        .details
        .valid_chains
        .iter()
        .map(|c| (c.bundle, c.alias.as_str()))
        .collect();
    assert!(
        valid.contains(&("server-client-ca", "CN=Client Root")),
        "{valid:?}"
    );
    let metrics = console_tls::health::prometheus(&config, &options, now);
    assert!(
        metrics.contains("bundle=\"server-client-ca\",chain=\"CN=Expired Client CA\""),
        "{metrics}"
    );
}

#[test]
fn a_watch_thread_shares_its_watcher_with_the_following_config() {
    let pki = Pki::new();
    let old_ca = Ca::root("Old Client CA");
    let new_ca = Ca::root("New Client CA");
    let ca = pki.write("client-ca.pem", &old_ca.pem());
    let settings = pki.settings(
        "",
        &[
            ("SERVER_SSL_CLIENT_AUTH", "want"),
            ("SERVER_SSL_TRUST_CERTIFICATE", &ca),
        ],
    );
    let watcher = Arc::new(ConfigWatcher::new(settings, Options::default()).0);
    let server = Server::start(Arc::new(following_server_config(
        watcher.clone(),
        Listener::Server,
    )));
    let (sender, events) = mpsc::channel();
    let thread = console_tls::reload::WatchThread::spawn_shared(
        watcher,
        Duration::from_millis(10),
        move |result| {
            let _ = sender.send(result.is_ok());
        },
    )
    .unwrap();
    let new_client = new_ca.client("new");
    assert!(request(server.port, &pki.server_ca, Some(&new_client)).is_err());
    assert!(matches!(server.next(), Seen::Refused(_)));
    // Without a certificate, want still connects.
    assert_eq!(
        request(server.port, &pki.server_ca, None).as_deref(),
        Ok("anonymous")
    );
    assert_eq!(server.next(), Seen::Anonymous);

    replace(&pki.path("client-ca.pem"), &new_ca.pem());
    // A bounded wait for the event, not a timing assertion.
    let reloaded = events
        .recv_timeout(Duration::from_secs(30))
        .expect("the watch thread reports the change");
    assert!(reloaded);
    assert_eq!(
        request(server.port, &pki.server_ca, Some(&new_client)).as_deref(),
        Ok("verified")
    );
    assert_eq!(server.next(), Seen::Verified(new_client.der().to_vec()));
    thread.stop();
}

#[test]
fn check_reports_the_mode_and_the_client_cas_only_with_client_auth() {
    let pki = Pki::new();
    let ca = pki.write("client-ca.pem", &Ca::root("Client CA").pem());
    let json = |vars: &[(&str, &str)]| {
        let report = console_tls::report::check(&pki.settings("", vars), &Options::default());
        serde_json::to_value(&report).unwrap()
    };
    let none = json(&[]);
    let server = &none["listeners"][0];
    assert_eq!(server["ok"], true);
    assert!(server.get("clientAuth").is_none() && server.get("clientCas").is_none());
    let need = json(&[
        ("SERVER_SSL_CLIENT_AUTH", "need"),
        ("SERVER_SSL_TRUST_CERTIFICATE", &ca),
    ]);
    let server = &need["listeners"][0];
    assert_eq!(server["clientAuth"], "need");
    assert_eq!(server["clientCas"][0]["subject"], "CN=Client CA");
    // A problem is reported with the others, naming the variable.
    let broken = json(&[("SERVER_SSL_CLIENT_AUTH", "need")]);
    assert_eq!(broken["problems"][0]["code"], "ERR_CONFIG_MISSING");
    assert_eq!(
        broken["problems"][0]["envVar"],
        "SERVER_SSL_TRUST_CERTIFICATE"
    );
}

#[test]
fn a_client_ca_outside_its_validity_period_anchors_nothing() {
    // webpki ignores an anchor's dates; OpenSSL (Node) refuses a chain
    // through an expired CA, and so does console-tls.
    let pki = Pki::new();
    let now = std::time::SystemTime::now();
    let root = Ca::root("Client Root");
    let expired = root.intermediate_valid(
        "Expired Client CA",
        now - 400 * pki::DAY,
        now - 10 * pki::DAY,
    );
    let future = root.intermediate_valid(
        "Future Client CA",
        now + 10 * pki::DAY,
        now + 400 * pki::DAY,
    );
    let current = root.intermediate("Current Client CA");
    let expired_root = Ca::root_valid("Expired Root", now - 400 * pki::DAY, now - 10 * pki::DAY);
    let future_root = Ca::root_valid("Future Root", now + 10 * pki::DAY, now + 400 * pki::DAY);
    let bundle = [
        root.pem(),
        expired.pem(),
        future.pem(),
        current.pem(),
        expired_root.pem(),
        future_root.pem(),
    ]
    .concat();
    let tls = pki.with_client_auth("need", &bundle);
    assert_eq!(tls.client_auth().certificates().len(), 6);
    let server = Server::start(tls.server_config());
    for (name, issuer, accepted) in [
        ("expired intermediate", &expired, false),
        ("future intermediate", &future, false),
        ("current intermediate", &current, true),
        ("expired root", &expired_root, false),
        ("future root", &future_root, false),
        ("root", &root, true),
    ] {
        let client = issuer.client("c");
        let outcome = request(server.port, &pki.server_ca, Some(&client));
        assert_eq!(outcome.is_ok(), accepted, "{name}: {outcome:?}");
        let seen = server.next();
        if accepted {
            assert_eq!(seen, Seen::Verified(client.der().to_vec()), "{name}");
        } else {
            assert!(matches!(seen, Seen::Refused(_)), "{name}: {seen:?}");
        }
    }

    // Nothing valid at all: a presented certificate is refused, and want
    // still lets a client without one in.
    let only_expired = pki.write("expired-only.pem", &expired_root.pem());
    let tls = pki
        .load(&[
            ("SERVER_SSL_CLIENT_AUTH", "want"),
            ("SERVER_SSL_TRUST_CERTIFICATE", &only_expired),
        ])
        .unwrap();
    let server = Server::start(tls.server_config());
    assert!(request(server.port, &pki.server_ca, Some(&expired_root.client("c"))).is_err());
    assert!(matches!(server.next(), Seen::Refused(_)));
    assert_eq!(
        request(server.port, &pki.server_ca, None).as_deref(),
        Ok("anonymous")
    );
    assert_eq!(server.next(), Seen::Anonymous);
}

#[test]
fn an_intermediate_alone_in_the_bundle_anchors_nothing_as_in_node() {
    // No partial chains: a chain must end at a self-issued CA of the bundle
    // (webpki alone would take the intermediate as an anchor).
    let pki = Pki::new();
    let root = Ca::root("Client Root");
    let issuing = root.intermediate("Client Issuing CA");
    let tls = pki.with_client_auth("need", &issuing.pem());
    let server = Server::start(tls.server_config());
    assert!(request(server.port, &pki.server_ca, Some(&issuing.client("bob"))).is_err());
    assert!(
        matches!(server.next(), Seen::Refused(e) if e.contains("CN=Client Issuing CA is among the trusted certificates, but it is not self-signed"))
    );
}

#[test]
fn a_client_certificate_for_servers_only_is_refused() {
    let pki = Pki::new();
    let client_ca = Ca::root("Client CA");
    let (server, _) = server(&pki, "need", &client_ca);
    // extendedKeyUsage serverAuth, without clientAuth.
    let server_only = client_ca.leaf(&["alice.example"]);
    assert!(request(server.port, &pki.server_ca, Some(&server_only)).is_err());
    assert!(matches!(server.next(), Seen::Refused(_)));
}

// ------------------------------------------------------------------ corpus

/// The client-certificate corpus (`tests/fixtures/client-chains`, made by
/// its make.sh with openssl): each client chain presented to a rustls server
/// in `need` mode trusting the case's bundle gets the verdict `expect` of
/// cases.json. npm/__test__/client-chains.test.js checks the same cases
/// against Node (`node` and `reason` where Node's verdict differs).
#[test]
fn the_client_certificate_corpus_gets_its_verdicts() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/client-chains");
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(&fs::read_to_string(corpus.join("cases.json")).unwrap()).unwrap();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let pki = Pki::new();
    let mut wrong = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let dir = corpus.join(name);
        let trust = dir.join("trust.pem").display().to_string();
        let verdict = match pki.load(&[
            ("SERVER_SSL_CLIENT_AUTH", "need"),
            ("SERVER_SSL_TRUST_CERTIFICATE", &trust),
        ]) {
            Err(error) => format!("LOAD {}", error.code().as_str()),
            Ok(tls) => {
                // openssl s_client, which presents any certificate it is
                // given (rustls' client refuses some of the corpus's); the
                // verdict is the server's.
                let server = Server::start(tls.server_config());
                let chain = fs::read_to_string(dir.join("chain.pem")).unwrap();
                let (leaf, intermediates) = split_first_pem(&chain);
                let leaf = pki.write("corpus-leaf.pem", leaf);
                // Security level 0: the client presents weak keys and
                // signatures too, for the server to judge.
                let mut args = vec!["-cipher", "DEFAULT:@SECLEVEL=0", "-cert", &leaf, "-key"];
                let key = dir.join("key.pem").display().to_string();
                args.push(&key);
                let intermediates = pki.write("corpus-intermediates.pem", intermediates);
                if fs::metadata(&intermediates).unwrap().len() > 0 {
                    args.extend(["-cert_chain", &intermediates]);
                }
                let said = s_client_with(&pki, server.port, &args);
                match server.next_if_any() {
                    Some(Seen::Verified(_)) => "OK".to_owned(),
                    Some(Seen::Refused(_)) => "REFUSED".to_owned(),
                    Some(Seen::Anonymous) => "ANONYMOUS".to_owned(),
                    None => format!("no connection: {said}"),
                }
            }
        };
        if verdict != case["expect"].as_str().unwrap() {
            wrong.push(format!("{name}: {verdict}, expected {}", case["expect"]));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The first PEM block of `pem`, and the rest.
fn split_first_pem(pem: &str) -> (&str, &str) {
    const END: &str = "-----END CERTIFICATE-----\n";
    let split = pem.find(END).map_or(pem.len(), |at| at + END.len());
    pem.split_at(split)
}
