//! Rotation: files replaced the way Kubernetes and people do it, broken
//! intermediate states, and a live rustls server that follows the last good
//! identity.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::{mpsc, Arc};
use std::time::Duration;

use common::ping;
use common::pki::{Ca, Issued};
use common::secret_volume::SecretVolume;
use console_tls::reload::{
    watched_files, ConfigWatcher, FileWatch, Poll, ReloadingCertResolver, WatchThread,
};
use console_tls::server_tls::server_config_with;
use console_tls::{ErrorCode, Listener, Options, Settings};

fn settings(dir: &Path) -> Settings {
    Settings::from_vars([
        ("SERVER_SSL_ENABLED", "true".to_owned()),
        (
            "SERVER_SSL_CERTIFICATE",
            format!("file:{}", dir.join("tls.crt").display()),
        ),
        (
            "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            format!("file:{}", dir.join("tls.key").display()),
        ),
    ])
}

fn serial_of(watcher: &ConfigWatcher) -> String {
    let config = watcher.current().expect("a good configuration");
    config.server.as_ref().unwrap().leaf().info().serial.clone()
}

fn hex_serial(serial: u8) -> String {
    format!("{serial:02X}")
}

/// Polls until something other than Unchanged happens (two polls suffice:
/// one to see the change, one to confirm it held still).
fn settle(watcher: &ConfigWatcher) -> Poll {
    for _ in 0..3 {
        match watcher.poll() {
            Poll::Unchanged => continue,
            other => return other,
        }
    }
    Poll::Unchanged
}

#[test]
fn kubernetes_symlink_swaps_and_broken_states() {
    let ca = Ca::root("Rotation CA");
    let dir = tempfile::tempdir().unwrap();
    let first = ca.issue(&["console.test"], 1);
    let mut volume = SecretVolume::new(dir.path(), &first.chain_pem, &first.key_pem);
    let (watcher, error) = ConfigWatcher::new(settings(dir.path()), Options::default());
    assert!(error.is_none(), "{error:?}");
    assert_eq!(serial_of(&watcher), hex_serial(1));
    assert!(matches!(watcher.poll(), Poll::Unchanged));

    let second = ca.issue(&["console.test"], 2);
    volume.publish(&second.chain_pem, &second.key_pem);
    assert!(matches!(settle(&watcher), Poll::Reloaded(_)));
    assert_eq!(serial_of(&watcher), hex_serial(2));

    // Broken states: each is reported, and the last good identity stays.
    let third = ca.issue(&["console.test"], 3);
    let truncated_key = &third.key_pem[..third.key_pem.len() / 2];
    let broken: [(&str, &str, ErrorCode); 3] = [
        (&third.chain_pem, truncated_key, ErrorCode::PemInvalid),
        (&third.chain_pem, &second.key_pem, ErrorCode::KeyMismatch),
        ("", &third.key_pem, ErrorCode::PemInvalid),
    ];
    for (cert, key, code) in broken {
        volume.publish(cert, key);
        match settle(&watcher) {
            Poll::Failed(error) => assert_eq!(error.code(), code, "{error}"),
            other => panic!("expected a failure with {code}, got {other:?}"),
        }
        assert_eq!(
            serial_of(&watcher),
            hex_serial(2),
            "the last good identity stays"
        );
    }
    volume.publish(&third.chain_pem, &third.key_pem);
    assert!(matches!(settle(&watcher), Poll::Reloaded(_)));
    assert_eq!(serial_of(&watcher), hex_serial(3));
}

#[test]
fn in_place_overwrite_write_then_rename_and_touch() {
    let ca = Ca::root("Rotation CA");
    let dir = tempfile::tempdir().unwrap();
    let write = |leaf: &Issued| {
        fs::write(dir.path().join("tls.crt"), &leaf.chain_pem).unwrap();
        fs::write(dir.path().join("tls.key"), &leaf.key_pem).unwrap();
    };
    write(&ca.issue(&["console.test"], 10));
    let (watcher, _) = ConfigWatcher::new(settings(dir.path()), Options::default());
    assert_eq!(serial_of(&watcher), hex_serial(10));

    write(&ca.issue(&["console.test"], 11));
    assert!(matches!(settle(&watcher), Poll::Reloaded(_)));
    assert_eq!(serial_of(&watcher), hex_serial(11));

    // Write-then-rename, the way editors and most tools replace files.
    let next = ca.issue(&["console.test"], 12);
    for (name, content) in [("tls.crt", &next.chain_pem), ("tls.key", &next.key_pem)] {
        let tmp = dir.path().join(format!(".{name}.tmp"));
        fs::write(&tmp, content).unwrap();
        fs::rename(&tmp, dir.path().join(name)).unwrap();
    }
    assert!(matches!(settle(&watcher), Poll::Reloaded(_)));
    assert_eq!(serial_of(&watcher), hex_serial(12));

    // Same content rewritten: metadata moves, content does not: no reload.
    fs::write(dir.path().join("tls.crt"), &next.chain_pem).unwrap();
    assert!(matches!(settle(&watcher), Poll::Unchanged));
}

fn handshake_serial(port: u16, ca_der: &[u8]) -> Vec<u8> {
    let served = ping::ping(port, ca_der, "console.test");
    let (_, cert) = x509_parser::parse_x509_certificate(&served[0]).unwrap();
    cert.raw_serial().to_vec()
}

#[test]
fn a_live_server_follows_rotation() {
    let ca = Ca::root("Rotation CA");
    let dir = tempfile::tempdir().unwrap();
    let first = ca.issue(&["console.test"], 21);
    let mut volume = SecretVolume::new(dir.path(), &first.chain_pem, &first.key_pem);
    let (watcher, _) = ConfigWatcher::new(settings(dir.path()), Options::default());
    let initial = watcher.current().unwrap();
    let resolver = Arc::new(ReloadingCertResolver::new(
        initial.server.as_ref().unwrap().certified_key(),
    ));
    let server_config = Arc::new(server_config_with(resolver.clone()));

    let server = ping::serve(server_config, 2);
    let port = server.port;
    assert_eq!(handshake_serial(port, ca.der().as_ref()), [21]);

    let (sender, receiver) = mpsc::channel();
    let applier = resolver.clone();
    let thread = WatchThread::spawn(watcher, Duration::from_millis(20), move |result| {
        if let Ok(config) = &result {
            applier.apply(config, Listener::Server);
        }
        let _ = sender.send(result.map(|_| ()).map_err(|e| e.code()));
    })
    .unwrap();
    let second = ca.issue(&["console.test"], 22);
    volume.publish(&second.chain_pem, &second.key_pem);
    // A bounded wait for the event, not a timing assertion.
    let event = receiver
        .recv_timeout(Duration::from_secs(30))
        .expect("the watcher reports the change");
    assert_eq!(event, Ok(()));
    assert_eq!(handshake_serial(port, ca.der().as_ref()), [22]);
    thread.stop();
    server.join();
}

/// Replaces `path` with new content under a new inode (write-then-rename).
fn replace(path: &Path, content: &str) {
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, content).unwrap();
    fs::rename(&tmp, path).unwrap();
}

#[test]
fn a_burst_of_writes_loads_once_when_it_holds_still() {
    let ca = Ca::root("Rotation CA");
    let dir = tempfile::tempdir().unwrap();
    let first = ca.issue(&["console.test"], 40);
    replace(&dir.path().join("tls.crt"), &first.chain_pem);
    replace(&dir.path().join("tls.key"), &first.key_pem);
    let (watcher, _) = ConfigWatcher::new(settings(dir.path()), Options::default());
    let second = ca.issue(&["console.test"], 41);
    // Certificate first: the half-rotated pair is never loaded...
    replace(&dir.path().join("tls.crt"), &second.chain_pem);
    assert!(matches!(watcher.poll(), Poll::Unchanged));
    // ...because the key moves before it held still.
    replace(&dir.path().join("tls.key"), &second.key_pem);
    assert!(matches!(watcher.poll(), Poll::Unchanged));
    assert!(matches!(watcher.poll(), Poll::Reloaded(_)));
    assert_eq!(serial_of(&watcher), hex_serial(41));
}

#[test]
fn a_load_that_races_a_write_is_not_reported_and_the_write_is() {
    let ca = Ca::root("Rotation CA");
    let dir = tempfile::tempdir().unwrap();
    let first = ca.issue(&["console.test"], 50);
    replace(&dir.path().join("tls.crt"), &first.chain_pem);
    replace(&dir.path().join("tls.key"), &first.key_pem);
    let (watcher, _) = ConfigWatcher::new(settings(dir.path()), Options::default());

    // A truncated key is seen and held still...
    replace(&dir.path().join("tls.key"), &first.key_pem[..40]);
    let mut polls = 0;
    while !watcher.changed() {
        polls += 1;
        assert!(polls < 5, "the truncated key is never seen");
    }
    // ...but another write lands before the load reads the files: the load
    // fails on material that is no longer the state that was seen.
    let other = ca.issue(&["console.test"], 51);
    replace(&dir.path().join("tls.key"), &other.key_pem);
    assert!(matches!(watcher.reload(), Poll::Unchanged));
    // The state that is there now is reported, once.
    match settle(&watcher) {
        Poll::Failed(error) => assert_eq!(error.code(), ErrorCode::KeyMismatch, "{error}"),
        other => panic!("expected the mismatch, got {other:?}"),
    }
    assert!(matches!(settle(&watcher), Poll::Unchanged));
    assert_eq!(serial_of(&watcher), hex_serial(50));
}

#[test]
fn a_same_size_rewrite_with_the_old_timestamp_is_seen() {
    // End to end on the real file system: a same-size rewrite that puts the
    // old mtime back. Where ctime is fine-grained the metadata shows it;
    // where the clock is coarse, recently modified files are hashed on every
    // poll (the unit tests in src/reload.rs feed such metadata directly).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.pem");
    fs::write(&path, "a".repeat(64)).unwrap();
    let modified = fs::metadata(&path).unwrap().modified().unwrap();
    let mut watch = FileWatch::new([path.clone()], 1 << 20).with_full_check_every(0);
    assert!(!watch.poll());
    let file = fs::OpenOptions::new().write(true).open(&path).unwrap();
    (&file).write_all("b".repeat(64).as_bytes()).unwrap();
    file.set_modified(modified).unwrap();
    drop(file);
    assert!((0..3).any(|_| watch.poll()), "the rewrite is never seen");
    assert!(!watch.poll() && !watch.poll(), "and it is reported once");
}

#[test]
fn a_file_that_disappears_and_comes_back_is_a_change_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ca.pem");
    fs::write(&path, "one").unwrap();
    let mut watch = FileWatch::new([path.clone(), path.clone()], 1 << 20);
    assert_eq!(
        watch.files(),
        std::slice::from_ref(&path),
        "each file is watched once"
    );
    fs::remove_file(&path).unwrap();
    assert!((0..3).any(|_| watch.poll()), "the removal is never seen");
    fs::write(&path, "one").unwrap();
    assert!((0..3).any(|_| watch.poll()), "the return is never seen");
}

#[test]
fn the_watched_files_are_those_the_settings_read() {
    let dir = tempfile::tempdir().unwrap();
    let combined = dir.path().join("combined.pem");
    let settings = Settings::from_vars([
        ("SERVER_SSL_ENABLED", "true".to_owned()),
        ("SERVER_SSL_CERTIFICATE", combined.display().to_string()),
        (
            "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            format!("file://{}", combined.display()),
        ),
        ("MANAGEMENT_SERVER_SSL_ENABLED", "true".to_owned()),
        ("MANAGEMENT_SERVER_SSL_CERTIFICATE", "mgmt.crt".to_owned()),
        (
            "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
            "-----BEGIN PRIVATE KEY-----\ninline\n-----END PRIVATE KEY-----\n".to_owned(),
        ),
        ("NODE_EXTRA_CA_CERTS", "ca.pem".to_owned()),
    ])
    .with_base_dir(dir.path());
    assert_eq!(
        watched_files(&settings),
        [
            combined.clone(),
            dir.path().join("mgmt.crt"),
            dir.path().join("ca.pem")
        ]
    );
    let disabled = Settings::from_vars([("SERVER_SSL_CERTIFICATE", "/x.pem")]);
    assert!(watched_files(&disabled).is_empty());
}

/// One watcher, shared as it is by several threads (every method takes
/// `&self`): while they poll it through 10 rotations, each of their reads of
/// `current()` has a configuration (readers never see a gap during a load),
/// each rotation is reported exactly once among them, and all end on the
/// last identity.
#[test]
fn one_watcher_is_shared_by_polling_threads_as_it_is() {
    fn shared<T: Send + Sync>() {}
    shared::<ConfigWatcher>();

    let ca = Ca::root("Shared watcher CA");
    let dir = tempfile::tempdir().unwrap();
    let first = ca.issue(&["a.test"], 100);
    let mut volume = SecretVolume::new(dir.path(), &first.chain_pem, &first.key_pem);
    let (watcher, error) = ConfigWatcher::new(settings(dir.path()), Options::default());
    assert!(error.is_none(), "{error:?}");
    let watcher = Arc::new(watcher);

    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (reloads, reported) = mpsc::channel::<String>();
    let pollers: Vec<_> = (0..4)
        .map(|_| {
            let watcher = watcher.clone();
            let done = done.clone();
            let reloads = reloads.clone();
            std::thread::spawn(move || {
                let mut reads = 0u64;
                while !done.load(std::sync::atomic::Ordering::SeqCst) {
                    if let Poll::Reloaded(config) = watcher.poll() {
                        let serial = config.server.as_ref().unwrap().leaf().info().serial.clone();
                        reloads.send(serial).unwrap();
                    }
                    assert!(watcher.current().is_some(), "a read found no configuration");
                    reads += 1;
                }
                reads
            })
        })
        .collect();
    drop(reloads);

    for serial in 101..=110u8 {
        let leaf = ca.issue(&["a.test"], serial);
        volume.publish(&leaf.chain_pem, &leaf.key_pem);
        let seen = reported
            .recv_timeout(Duration::from_secs(20))
            .expect("the rotation is reported");
        assert_eq!(seen, hex_serial(serial), "reported once, in order");
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let reads: u64 = pollers.into_iter().map(|p| p.join().unwrap()).sum();
    assert!(reads > 0);
    assert!(
        reported.try_recv().is_err(),
        "no rotation is reported twice"
    );
    assert_eq!(serial_of(&watcher), hex_serial(110));
}
