//! `console-tls probe` against real TLS servers on 127.0.0.1: a rustls
//! server thread, and `openssl s_server` when it is on PATH.

mod common;
mod trust_support;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::SystemTime;

use common::pki::{Ca, Leaf, DAY};
use trust_support::{fixture, rustls_server, write};

/// Runs the built binary with only the given variables set.
fn probe(args: &[&str], vars: &[(&str, &Path)]) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_console-tls"));
    command.arg("probe").args(args).env_clear();
    for (name, value) in vars {
        command.env(name, value);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&stdout),
        String::from_utf8_lossy(&stderr)
    );
    (status.code(), text)
}

fn url(addr: SocketAddr) -> String {
    format!("https://{addr}/")
}

struct Pki {
    dir: tempfile::TempDir,
    root: Ca,
    inter: Ca,
}

impl Pki {
    fn new() -> Pki {
        let root = Ca::root("Probe Root");
        let inter = root.intermediate("Probe Intermediate");
        Pki {
            dir: tempfile::tempdir().unwrap(),
            root,
            inter,
        }
    }

    fn root_file(&self) -> PathBuf {
        write(self.dir.path(), "root.pem", self.root.pem())
    }

    fn serve(&self, leaf: &Leaf) -> SocketAddr {
        rustls_server(vec![leaf.der(), self.inter.der()], leaf.key_der())
    }
}

#[test]
fn trusted_chain_exits_0_and_names_the_anchor() {
    let pki = Pki::new();
    let addr = pki.serve(&pki.inter.leaf(&["127.0.0.1"]));
    let root = pki.root_file();
    let (code, out) = probe(&[&url(addr)], &[("NODE_EXTRA_CA_CERTS", &root)]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("TLS handshake: completed"), "{out}");
    assert!(out.contains("presented chain (2 certificate(s)"), "{out}");
    assert!(out.contains("[1] CN=127.0.0.1"), "{out}");
    assert!(out.contains("[2] CN=Probe Intermediate"), "{out}");
    assert!(
        out.contains("anchor: CN=Probe Root, from one of the extra CA certificates"),
        "{out}"
    );
    assert!(out.contains("name check: OK"), "{out}");
    assert!(out.contains("verdict: TRUSTED"), "{out}");
}

#[test]
fn untrusted_chain_exits_1_and_still_shows_the_chain() {
    let pki = Pki::new();
    let addr = pki.serve(&pki.inter.leaf(&["127.0.0.1"]));
    let other = write(pki.dir.path(), "other.pem", Ca::root("Other Root").pem());
    let (code, out) = probe(&[&url(addr)], &[("NODE_EXTRA_CA_CERTS", &other)]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("TLS handshake: failed"), "{out}");
    assert!(out.contains("[2] CN=Probe Intermediate"), "{out}");
    assert!(out.contains("anchor: none: ERR_CERT_UNTRUSTED"), "{out}");
    assert!(out.contains("issued by CN=Probe Root"), "{out}");
    assert!(
        out.contains("verdict: NOT TRUSTED: ERR_CERT_UNTRUSTED"),
        "{out}"
    );

    // Mozilla's roots alone (variable unset) do not trust it either.
    let (code, out) = probe(&[&url(addr)], &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("0 extra CA certificate(s)"), "{out}");
}

#[test]
fn wrong_name_exits_1_but_shows_the_anchor() {
    let pki = Pki::new();
    let addr = pki.serve(&pki.inter.leaf(&["identity.test"]));
    let root = pki.root_file();
    let (code, out) = probe(&[&url(addr)], &[("NODE_EXTRA_CA_CERTS", &root)]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("anchor: CN=Probe Root"), "{out}");
    assert!(out.contains("name check: FAILED"), "{out}");
    assert!(
        out.contains("verdict: NOT TRUSTED: ERR_CERT_HOSTNAME_MISMATCH"),
        "{out}"
    );
    assert!(out.contains("it names DNS:identity.test"), "{out}");

    // Reached by its own name (connecting to 127.0.0.1), the same server is trusted.
    let by_name = format!("https://identity.test:{}/", addr.port());
    let (code, out) = probe(
        &[&by_name, "--connect", &addr.to_string()],
        &[("NODE_EXTRA_CA_CERTS", &root)],
    );
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn expired_leaf_exits_1() {
    let pki = Pki::new();
    let now = SystemTime::now();
    let addr = pki.serve(
        &pki.inter
            .leaf_valid(&["127.0.0.1"], now - 60 * DAY, now - DAY),
    );
    let root = pki.root_file();
    let (code, out) = probe(&[&url(addr)], &[("NODE_EXTRA_CA_CERTS", &root)]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("(EXPIRED)"), "{out}");
    assert!(
        out.contains("verdict: NOT TRUSTED: ERR_CERT_EXPIRED"),
        "{out}"
    );
}

#[test]
fn default_url_comes_from_the_identity_variables() {
    let pki = Pki::new();
    let addr = pki.serve(&pki.inter.leaf(&["127.0.0.1"]));
    let root = pki.root_file();
    let target = PathBuf::from(url(addr));
    let unused = PathBuf::from("https://unused.invalid/");

    let (code, out) = probe(
        &[],
        &[
            ("NODE_EXTRA_CA_CERTS", &root),
            ("KEYCLOAK_BASE_URL", &unused),
            ("KEYCLOAK_INTERNAL_BASE_URL", &target),
        ],
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("(from KEYCLOAK_INTERNAL_BASE_URL)"), "{out}");

    let (code, out) = probe(
        &[],
        &[
            ("NODE_EXTRA_CA_CERTS", &root),
            ("KEYCLOAK_BASE_URL", &target),
        ],
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("(from KEYCLOAK_BASE_URL)"), "{out}");

    let (code, out) = probe(&[], &[]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("KEYCLOAK_INTERNAL_BASE_URL"), "{out}");
}

#[test]
fn http_and_invalid_urls() {
    let (code, out) = probe(&["http://user:s3cret@127.0.0.1:9/"], &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("NOT TLS"), "{out}");
    assert!(!out.contains("s3cret"), "{out}");

    let (code, out) = probe(&["ftp://127.0.0.1/"], &[]);
    assert_eq!(code, Some(2), "{out}");
    let (code, _) = probe(&["https://127.0.0.1/", "--timeout", "0"], &[]);
    assert_eq!(code, Some(2));
}

#[test]
fn strict_trust_problems_fail_the_probe_unless_lenient() {
    let pki = Pki::new();
    let addr = pki.serve(&pki.inter.leaf(&["127.0.0.1"]));
    let bundle = write(
        pki.dir.path(),
        "bundle.pem",
        format!(
            "{}-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
            pki.root.pem()
        ),
    );
    let (code, out) = probe(&[&url(addr)], &[("NODE_EXTRA_CA_CERTS", &bundle)]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("problem: ERR_PEM_INVALID"), "{out}");
    assert!(out.contains("verdict: NOT OK"), "{out}");

    let (code, out) = probe(
        &[&url(addr), "--lenient"],
        &[("NODE_EXTRA_CA_CERTS", &bundle)],
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("warning: WARN_TRUST_PROBLEM"), "{out}");
}

#[test]
fn servers_that_do_not_speak_tls_or_do_not_answer() {
    // Refused: nothing listens on a port we just released.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let (code, out) = probe(&[&url(closed)], &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("cannot connect"), "{out}");

    // Plain HTTP on the port.
    let http = TcpListener::bind("127.0.0.1:0").unwrap();
    let http_addr = http.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut stream in http.incoming().flatten() {
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
        }
    });
    let (code, out) = probe(&[&url(http_addr)], &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("TLS handshake: failed"), "{out}");
    assert!(out.contains("no certificate chain"), "{out}");

    // Accepts but never answers: the handshake timeout ends it.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_addr = silent.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming().flatten() {
            held.push(stream);
        }
    });
    let (code, out) = probe(&[&url(silent_addr), "--timeout", "0.5"], &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("no answer within 0.5 s"), "{out}");
}

// ---- openssl s_server ---------------------------------------------------

/// `openssl s_server` on 127.0.0.1 (an ephemeral port), killed on drop.
struct SServer {
    child: Child,
    addr: SocketAddr,
}

impl SServer {
    fn start(cert: &Path, key: &Path, chain: Option<&Path>) -> Option<SServer> {
        let mut command = Command::new("openssl");
        command
            .args(["s_server", "-accept", "127.0.0.1:0", "-www", "-cert"])
            .arg(cert)
            .arg("-key")
            .arg(key)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(chain) = chain {
            command.arg("-cert_chain").arg(chain);
        }
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(_) => {
                eprintln!("skipped: openssl is not on PATH");
                return None;
            }
        };
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(addr) = line.strip_prefix("ACCEPT ") {
                        break addr.parse().expect("s_server prints its address");
                    }
                }
                _ => {
                    let _ = child.kill();
                    panic!("openssl s_server did not start");
                }
            }
        };
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Some(SServer { child, addr })
    }
}

impl Drop for SServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn openssl_s_server_trusted_untrusted_wrong_name_expired() {
    let pki = Pki::new();
    let dir = pki.dir.path();
    let root = pki.root_file();
    let inter = write(dir, "inter.pem", pki.inter.pem());
    let serve = |name: &str, leaf: &Leaf| {
        let cert = write(dir, &format!("{name}.pem"), leaf.pem());
        let key = write(dir, &format!("{name}.key"), leaf.key_pem());
        SServer::start(&cert, &key, Some(&inter))
    };

    let Some(good) = serve("good", &pki.inter.leaf(&["127.0.0.1"])) else {
        return;
    };
    let (code, out) = probe(&[&url(good.addr)], &[("NODE_EXTRA_CA_CERTS", &root)]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("[2] CN=Probe Intermediate"), "{out}");

    let other = write(dir, "other.pem", Ca::root("Other Root").pem());
    let (code, out) = probe(&[&url(good.addr)], &[("NODE_EXTRA_CA_CERTS", &other)]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("ERR_CERT_UNTRUSTED"), "{out}");

    let named = serve("named", &pki.inter.leaf(&["identity.test"])).unwrap();
    let (code, out) = probe(&[&url(named.addr)], &[("NODE_EXTRA_CA_CERTS", &root)]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("ERR_CERT_HOSTNAME_MISMATCH"), "{out}");

    let now = SystemTime::now();
    let old = pki
        .inter
        .leaf_valid(&["127.0.0.1"], now - 60 * DAY, now - DAY);
    let expired = serve("expired", &old).unwrap();
    let (code, out) = probe(&[&url(expired.addr)], &[("NODE_EXTRA_CA_CERTS", &root)]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("ERR_CERT_EXPIRED"), "{out}");
}

#[test]
fn openssl_s_server_with_an_openssl_req_x509_certificate() {
    let cert = fixture("selfsigned-ca-true.pem");
    let Some(server) = SServer::start(&cert, &fixture("selfsigned-ca-true.key"), None) else {
        return;
    };
    let (code, out) = probe(&[&url(server.addr)], &[("NODE_EXTRA_CA_CERTS", &cert)]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("trusted directly"), "{out}");
    assert!(out.contains("CA, self-signed"), "{out}");

    let (code, out) = probe(&[&url(server.addr)], &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("CA:TRUE"), "{out}");
}
