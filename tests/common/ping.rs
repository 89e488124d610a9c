//! The smallest real TLS exchange on 127.0.0.1: a rustls server that answers
//! "ping" with "pong", and a client that verifies what it was served against
//! one root and returns the chain, for tests that ask "what does a client
//! see?".

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use rustls::pki_types::CertificateDer;

pub struct PingServer {
    pub port: u16,
    thread: JoinHandle<()>,
}

/// Serves `connections` connections with `config`, one after the other.
pub fn serve(config: Arc<rustls::ServerConfig>, connections: usize) -> PingServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let thread = std::thread::spawn(move || {
        for socket in listener.incoming().take(connections) {
            let mut socket = socket.unwrap();
            socket
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut connection = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut stream = rustls::Stream::new(&mut connection, &mut socket);
            let mut buf = [0u8; 4];
            // A failed handshake is the client's to report.
            if stream.read_exact(&mut buf).is_ok() {
                let _ = stream.write_all(b"pong");
                let _ = stream.flush();
            }
        }
    });
    PingServer { port, thread }
}

impl PingServer {
    /// Waits until every connection was served.
    pub fn join(self) {
        self.thread.join().unwrap();
    }
}

/// Connects to `port` as `server_name`, trusting only `root`, exchanges
/// ping/pong, and returns the chain the server sent.
pub fn ping(port: u16, root: &[u8], server_name: &str) -> Vec<CertificateDer<'static>> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(root.to_vec().into()).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(console_tls::provider::get())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = server_name.to_owned().try_into().unwrap();
    let mut client = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let mut socket = TcpStream::connect(("127.0.0.1", port)).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut stream = rustls::Stream::new(&mut client, &mut socket);
    stream.write_all(b"ping").unwrap();
    let mut reply = [0u8; 4];
    stream.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"pong");
    client.peer_certificates().unwrap().to_vec()
}
