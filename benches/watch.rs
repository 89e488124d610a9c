//! The cost of certificate rotation (issue 7):
//!
//! 1. idle cost: the CPU time a `WatchThread` polling every 100 ms spends
//!    over 10 seconds in which nothing changes (CPU time of the process's
//!    threads from `/proc/self/task/*/schedstat`, while the main thread sleeps), and the cost of one idle
//!    poll;
//! 2. the delay from a Kubernetes-style `..data` swap to a rustls server
//!    (`ReloadingCertResolver`) presenting the new certificate to a new
//!    connection.
//!
//! `cargo bench --bench watch`. Not criterion: both figures are about
//! wall-clock periods, not a hot loop. Under `cargo test --benches` (no
//! `--bench` argument) it runs a short smoke version.

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use console_tls::reload::{ConfigWatcher, Poll, ReloadingCertResolver, WatchThread};
use console_tls::server_tls::server_config_with;
use console_tls::{Listener, Options, Settings};

// The tests' rcgen PKI and Kubernetes secret volume, shared rather than copied.
#[path = "../tests/common/pki.rs"]
mod pki;
#[path = "../tests/common/secret_volume.rs"]
mod secret_volume;

use pki::Ca;
use secret_volume::SecretVolume;

fn settings(dir: &Path) -> Settings {
    Settings::from_vars([
        ("SERVER_SSL_ENABLED", "true".to_owned()),
        (
            "SERVER_SSL_CERTIFICATE",
            dir.join("tls.crt").display().to_string(),
        ),
        (
            "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            dir.join("tls.key").display().to_string(),
        ),
    ])
}

/// CPU time of every live thread of the process, in nanoseconds (the first
/// field of each `/proc/self/task/*/schedstat`; Linux).
fn process_cpu() -> Duration {
    let mut total = 0u64;
    for task in fs::read_dir("/proc/self/task").expect("Linux /proc") {
        let path = task.unwrap().path().join("schedstat");
        if let Ok(text) = fs::read_to_string(path) {
            total += text
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    Duration::from_nanos(total)
}

fn idle_cost(idle: Duration) {
    let ca = Ca::root("Bench CA");
    let dir = tempfile::tempdir().unwrap();
    let first = ca.issue(&["localhost"], 1);
    let _volume = SecretVolume::new(dir.path(), &first.chain_pem, &first.key_pem);
    // Past the racy window, the steady state is metadata only.
    std::thread::sleep(console_tls::reload::RACY_WINDOW + Duration::from_millis(200));

    let interval = Duration::from_millis(100);

    // The floor: a thread that wakes every interval and does nothing.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopping = stop.clone();
    let before = process_cpu();
    let started = Instant::now();
    let idler = std::thread::spawn(move || {
        while !stopping.load(std::sync::atomic::Ordering::Acquire) {
            std::thread::park_timeout(interval);
        }
    });
    std::thread::sleep(idle);
    let floor = process_cpu() - before;
    let floor_wall = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Release);
    idler.thread().unpark();
    idler.join().unwrap();
    println!(
        "idle: floor, a thread waking every {} ms doing nothing, over {:.1} s: {} µs CPU",
        interval.as_millis(),
        floor_wall.as_secs_f64(),
        floor.as_micros(),
    );

    let (watcher, error) = ConfigWatcher::new(settings(dir.path()), Options::default());
    assert!(error.is_none(), "{error:?}");
    let (sender, reports) = mpsc::channel();
    let thread = WatchThread::spawn(watcher, interval, move |result| {
        let _ = sender.send(result.map(|_| ()).map_err(|e| e.code()));
    })
    .unwrap();
    let before = process_cpu();
    let started = Instant::now();
    std::thread::sleep(idle);
    let cpu = process_cpu() - before;
    let wall = started.elapsed();
    thread.stop();
    let spurious: Vec<_> = reports.try_iter().collect();
    assert!(spurious.is_empty(), "nothing changed, yet: {spurious:?}");
    let polls = wall.as_millis() / interval.as_millis();
    println!(
        "idle: WatchThread every {} ms over {:.1} s: {} µs CPU in all ({:.3}% of one core, ~{} polls)",
        interval.as_millis(),
        wall.as_secs_f64(),
        cpu.as_micros(),
        100.0 * cpu.as_secs_f64() / wall.as_secs_f64(),
        polls,
    );

    // One idle poll, measured in a loop (metadata of 2 files, no hashing).
    let (mut watcher, _) = ConfigWatcher::new(settings(dir.path()), Options::default());
    watcher = watcher.with_full_check_every(0);
    let count = if idle >= Duration::from_secs(5) {
        100_000
    } else {
        1_000
    };
    let started = Instant::now();
    for _ in 0..count {
        assert!(matches!(watcher.poll(), Poll::Unchanged));
    }
    println!(
        "idle: one poll (2 files, metadata only): {:.2} µs",
        started.elapsed().as_secs_f64() * 1e6 / count as f64
    );

    // The full-content safety net (every 30th poll by default): hash both files.
    let (mut watcher, _) = ConfigWatcher::new(settings(dir.path()), Options::default());
    watcher = watcher.with_full_check_every(1);
    let started = Instant::now();
    for _ in 0..count / 10 {
        assert!(matches!(watcher.poll(), Poll::Unchanged));
    }
    println!(
        "idle: one poll with a full content check (read + SHA-256 of both files): {:.2} µs",
        started.elapsed().as_secs_f64() * 1e6 / (count / 10) as f64
    );
}

/// A new connection's view of the served leaf: its serial's last byte.
fn served_serial(port: u16, ca_der: &[u8]) -> u32 {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca_der.to_vec().into()).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(console_tls::provider::get())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut client =
        rustls::ClientConnection::new(Arc::new(config), "localhost".try_into().unwrap()).unwrap();
    let mut socket = TcpStream::connect(("127.0.0.1", port)).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut stream = rustls::Stream::new(&mut client, &mut socket);
    stream.write_all(b"ping").unwrap();
    let mut reply = [0u8; 4];
    stream.read_exact(&mut reply).unwrap();
    let leaf = client.peer_certificates().unwrap()[0].clone();
    let (_, cert) = x509_parser::parse_x509_certificate(&leaf).unwrap();
    cert.raw_serial()
        .iter()
        .fold(0u32, |n, b| (n << 8) | u32::from(*b))
}

fn swap_to_serve(swaps: u8) {
    let ca = Ca::root("Bench CA");
    let dir = tempfile::tempdir().unwrap();
    let first = ca.issue(&["localhost"], 1);
    let mut volume = SecretVolume::new(dir.path(), &first.chain_pem, &first.key_pem);
    let interval = Duration::from_millis(100);
    let (watcher, _) = ConfigWatcher::new(settings(dir.path()), Options::default());
    let current = watcher.current().unwrap();
    let resolver = Arc::new(ReloadingCertResolver::new(
        current.server.as_ref().unwrap().certified_key(),
    ));
    let server_config = Arc::new(server_config_with(resolver.clone()));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for socket in listener.incoming() {
            let Ok(mut socket) = socket else { continue };
            let mut server = rustls::ServerConnection::new(server_config.clone()).unwrap();
            let mut stream = rustls::Stream::new(&mut server, &mut socket);
            let mut buf = [0u8; 4];
            if stream.read_exact(&mut buf).is_ok() {
                let _ = stream.write_all(b"pong");
                let _ = stream.flush();
            }
        }
    });
    let (sender, applied) = mpsc::channel();
    let applier = resolver.clone();
    let thread = WatchThread::spawn(watcher, interval, move |result| {
        let config = result.expect("every rotation here is good");
        applier.apply(&config, Listener::Server);
        let _ = sender.send(());
    })
    .unwrap();

    let mut delays = Vec::new();
    for serial in 2..2 + swaps {
        let next = ca.issue(&["localhost"], serial);
        let started = Instant::now();
        volume.publish(&next.chain_pem, &next.key_pem);
        // New connections until one is served the new certificate (bounded).
        while served_serial(port, ca.der().as_ref()) != u32::from(serial) {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the new identity is not served"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        delays.push(started.elapsed());
        applied.recv_timeout(Duration::from_secs(30)).unwrap();
    }
    thread.stop();
    delays.sort();
    let ms = |d: &Duration| d.as_secs_f64() * 1e3;
    println!(
        "swap to serve: WatchThread every {} ms, {} Kubernetes ..data swaps: min {:.1} ms, median {:.1} ms, max {:.1} ms",
        interval.as_millis(),
        delays.len(),
        ms(&delays[0]),
        ms(&delays[delays.len() / 2]),
        ms(delays.last().unwrap()),
    );
}

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    if full {
        idle_cost(Duration::from_secs(10));
        swap_to_serve(20);
    } else {
        idle_cost(Duration::from_millis(500));
        swap_to_serve(2);
    }
}
