//! Certificate rotation without restarts: watch the files behind a
//! configuration, validate new material fully, and swap it in atomically.
//!
//! Detection ([`FileWatch`]) is by polling, cheap when idle: each poll reads
//! only the metadata of the watched files (following symlinks, so
//! Kubernetes' atomic `..data` swap changes the inode seen). A change must
//! hold still for one more poll (bursts of writes are debounced); then the
//! contents are hashed, and only new contents count as a change. Metadata
//! can miss a rewrite that keeps size and timestamps (file systems stamp
//! times from a coarse clock, so two writes within one tick look alike), so
//! contents are also hashed while any file was modified within the last
//! [`RACY_WINDOW`] (the "racily clean" rule git uses for its index), and
//! every `full_check_every` polls as a safety net.
//!
//! [`ConfigWatcher`] loads the [`Config`] again when its files changed and
//! keeps the last good one when the new material fails; each distinct
//! broken state is reported once. [`WatchThread`] polls on a thread of its
//! own; [`ReloadingCertResolver`] serves the current identity to rustls.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, TryLockError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use rustls::client::danger::HandshakeSignatureValid;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use rustls_pki_types::{CertificateDer, UnixTime};

use crate::client_auth::ClientAuth;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::location::{read_bounded, Location};
use crate::options::Options;
use crate::settings::{Listener, Settings};

/// A file modified this recently may be rewritten within the same
/// timestamp tick without its metadata changing: its contents are hashed on
/// every poll until it is older than this.
pub const RACY_WINDOW: Duration = Duration::from_secs(2);

/// Hash contents every this many polls even when nothing looks changed.
pub const DEFAULT_FULL_CHECK_EVERY: u64 = 30;

/// What a poll found.
#[derive(Debug)]
pub enum Poll {
    /// Nothing new.
    Unchanged,
    /// New material loaded and validated; it is now current.
    Reloaded(Arc<Config>),
    /// New material failed to load; the last good configuration stays current.
    Failed(Error),
}

/// The metadata that changes when a file is replaced or rewritten.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Signature {
    Missing,
    Present {
        device: u64,
        inode: u64,
        len: u64,
        modified: Option<SystemTime>,
        changed: Option<SystemTime>,
    },
}

impl Signature {
    fn of(path: &Path) -> Signature {
        match fs::metadata(path) {
            Err(_) => Signature::Missing,
            Ok(meta) => {
                let (device, inode, changed) = unix_ids(&meta);
                Signature::Present {
                    device,
                    inode,
                    len: meta.len(),
                    modified: meta.modified().ok(),
                    changed,
                }
            }
        }
    }

    /// Modified (or its inode changed) within [`RACY_WINDOW`] of `now`, in
    /// either direction (a clock step must not hide a change).
    fn is_racy(&self, now: SystemTime) -> bool {
        let recent = |time: &Option<SystemTime>| {
            time.is_some_and(|time| {
                let distance = now
                    .duration_since(time)
                    .unwrap_or_else(|future| future.duration());
                distance < RACY_WINDOW
            })
        };
        match self {
            Signature::Missing => false,
            Signature::Present {
                modified, changed, ..
            } => recent(modified) || recent(changed),
        }
    }
}

#[cfg(unix)]
fn unix_ids(meta: &fs::Metadata) -> (u64, u64, Option<SystemTime>) {
    use std::os::unix::fs::MetadataExt;
    let changed = u64::try_from(meta.ctime()).ok().map(|secs| {
        SystemTime::UNIX_EPOCH
            + Duration::from_secs(secs)
            + Duration::from_nanos(meta.ctime_nsec().clamp(0, 999_999_999) as u64)
    });
    (meta.dev(), meta.ino(), changed)
}

#[cfg(not(unix))]
fn unix_ids(_: &fs::Metadata) -> (u64, u64, Option<SystemTime>) {
    (0, 0, None)
}

type Digest = [u8; 32];

/// Tells when the contents of a set of files changed: metadata first,
/// content hash to confirm, debounced by one poll. A file's absence and a
/// read error are states too (a file that disappears is a change).
#[derive(Debug)]
pub struct FileWatch {
    files: Vec<PathBuf>,
    max_file_size: u64,
    /// Metadata at the last poll.
    seen: Vec<Signature>,
    /// Metadata moved at the last poll: confirm the contents once it holds still.
    pending: bool,
    /// Contents moved although metadata did not (racy or full check): the
    /// digest seen, to accept once it holds still for a poll.
    candidate: Option<Digest>,
    /// Contents at the last change reported (`None`: report the next state).
    digest: Option<Digest>,
    polls: u64,
    full_check_every: u64,
}

impl FileWatch {
    /// Starts watching `files` (duplicates are watched once); the current
    /// contents are the baseline. Reads are bounded by `max_file_size`.
    pub fn new(files: impl IntoIterator<Item = PathBuf>, max_file_size: u64) -> FileWatch {
        let mut unique = HashSet::new();
        let files: Vec<PathBuf> = files
            .into_iter()
            .filter(|path| unique.insert(path.clone()))
            .collect();
        let mut watch = FileWatch {
            seen: files.iter().map(|path| Signature::of(path)).collect(),
            files,
            max_file_size,
            pending: false,
            candidate: None,
            digest: None,
            polls: 0,
            full_check_every: DEFAULT_FULL_CHECK_EVERY,
        };
        watch.digest = Some(watch.content_digest());
        watch
    }

    /// Hash contents every `polls` polls even when metadata is unchanged
    /// (0 turns this safety net off; the racy-window checks stay).
    pub fn with_full_check_every(mut self, polls: u64) -> FileWatch {
        self.full_check_every = polls;
        self
    }

    /// The files being watched.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Checks the files once. `true` when their contents differ from the
    /// last reported state and have held still since the previous poll.
    pub fn poll(&mut self) -> bool {
        let now = self.files.iter().map(|path| Signature::of(path)).collect();
        self.poll_with(now, SystemTime::now())
    }

    /// [`FileWatch::poll`] given the metadata and the time (tests feed
    /// what a coarse file-system clock would show).
    fn poll_with(&mut self, now: Vec<Signature>, wall_clock: SystemTime) -> bool {
        self.polls += 1;
        if now != self.seen {
            // Moved since the last poll: wait until it holds still.
            self.seen = now;
            self.pending = true;
            self.candidate = None;
            return false;
        }
        let full_check =
            self.full_check_every > 0 && self.polls.is_multiple_of(self.full_check_every);
        let racy = self.seen.iter().any(|s| s.is_racy(wall_clock));
        if !self.pending && !racy && !full_check && self.candidate.is_none() {
            return false;
        }
        let settled = std::mem::take(&mut self.pending);
        let digest = self.content_digest();
        if self.digest == Some(digest) {
            self.candidate = None;
            return false;
        }
        // Metadata held still for a poll, or the contents did.
        if settled || self.candidate == Some(digest) {
            self.candidate = None;
            self.digest = Some(digest);
            return true;
        }
        self.candidate = Some(digest);
        false
    }

    /// Whether the contents are still those of the last reported change.
    pub fn is_current(&self) -> bool {
        self.digest == Some(self.content_digest())
    }

    /// Forgets the last reported state: the next settled poll reports a
    /// change. For a load that raced with a write (see [`ConfigWatcher::reload`]).
    pub fn invalidate(&mut self) {
        self.digest = None;
        self.pending = true;
        self.candidate = None;
    }

    fn content_digest(&self) -> Digest {
        let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
        for path in &self.files {
            match read_bounded(path, self.max_file_size) {
                Ok(bytes) => {
                    context.update(b"F");
                    context.update(&(bytes.len() as u64).to_le_bytes());
                    context.update(&bytes);
                }
                // Errors are part of the state: "missing" differs from "empty".
                Err(error) => {
                    context.update(b"E");
                    context.update(error.code().as_str().as_bytes());
                }
            }
            context.update(b"\0");
        }
        let mut digest = [0u8; 32];
        digest.copy_from_slice(context.finish().as_ref());
        digest
    }
}

/// Watches the files a [`Settings`] names and reloads the [`Config`] when
/// they change. Driven by [`ConfigWatcher::poll`]: a host calls it on its own
/// timer (Node does, from its event loop), or [`WatchThread`] calls it.
///
/// A poll is two halves a host may call separately: [`ConfigWatcher::changed`]
/// (cheap: metadata, and a hash of small files when it moved) and
/// [`ConfigWatcher::reload`] (the full load and validation), so that an event
/// loop can run the second half on a worker thread.
///
/// Every method takes `&self`, so one watcher is shared as it is (in an
/// `Arc`) by every thread and surface: [`ConfigWatcher::current`] never waits
/// for a load in progress (it reads the last good configuration, swapped in
/// only once the new one is fully validated), and a poll that finds a reload
/// already running reports `Unchanged` instead of waiting.
pub struct ConfigWatcher {
    settings: Settings,
    options: Options,
    /// The watch's files, kept outside its lock so that `files()` can lend them.
    files: Vec<PathBuf>,
    /// The file signatures, held by one poll (or reload) at a time.
    watch: Mutex<FileWatch>,
    current: RwLock<Option<Arc<Config>>>,
}

impl std::fmt::Debug for ConfigWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigWatcher")
            .field("files", &self.files)
            .field("has_current", &self.current().is_some())
            .finish_non_exhaustive()
    }
}

impl ConfigWatcher {
    /// Loads the configuration once and starts watching its files. The
    /// initial load may fail (then [`ConfigWatcher::current`] is `None` and
    /// the error is returned beside the watcher); the next good state loads.
    pub fn new(settings: Settings, options: Options) -> (ConfigWatcher, Option<Error>) {
        // The baseline is taken before loading: a write during the load is
        // seen by the next polls.
        let files = watched_files(&settings);
        let watch = FileWatch::new(files.clone(), options.max_file_size);
        let (current, error) = match Config::load(&settings, &options) {
            Ok(config) => (Some(Arc::new(config)), None),
            Err(error) => (None, Some(error)),
        };
        let watcher = ConfigWatcher {
            settings,
            options,
            files,
            watch: Mutex::new(watch),
            current: RwLock::new(current),
        };
        (watcher, error)
    }

    /// Hash contents every `polls` polls even when metadata is unchanged
    /// (0 turns the safety net off).
    pub fn with_full_check_every(mut self, polls: u64) -> ConfigWatcher {
        self.watch
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .full_check_every = polls;
        self
    }

    /// The last good configuration; never waits for a reload in progress.
    pub fn current(&self) -> Option<Arc<Config>> {
        // A panic cannot leave the Option half-written: a poisoned lock still
        // holds a whole value.
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The files being watched.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Checks the files once; loads new material when it has held still for
    /// one poll. Same as `if changed() { reload() } else { Unchanged }`.
    pub fn poll(&self) -> Poll {
        if self.changed() {
            self.reload()
        } else {
            Poll::Unchanged
        }
    }

    /// The cheap half of [`ConfigWatcher::poll`]: whether the files hold new
    /// contents that should be loaded now. After `true`, call
    /// [`ConfigWatcher::reload`] (the contents count as seen). `false` while
    /// another thread polls or reloads: the next poll sees what it missed.
    pub fn changed(&self) -> bool {
        match self.watch.try_lock() {
            Ok(mut watch) => watch.poll(),
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner().poll(),
            Err(TryLockError::WouldBlock) => false,
        }
    }

    /// Loads and validates the files now. On success the new configuration
    /// becomes current; on failure the last good one stays. A failure while
    /// the files were being written again is not reported: the next polls
    /// see the write settle and load it. Reloads run one at a time; readers
    /// of [`ConfigWatcher::current`] are never held up by one.
    pub fn reload(&self) -> Poll {
        // Holding the file signatures for the whole load keeps reloads (and
        // polls, which then answer `false`) from overlapping.
        let mut watch = self.watch.lock().unwrap_or_else(PoisonError::into_inner);
        match Config::load(&self.settings, &self.options) {
            Ok(config) => {
                let config = Arc::new(config);
                *self.current.write().unwrap_or_else(PoisonError::into_inner) =
                    Some(config.clone());
                Poll::Reloaded(config)
            }
            Err(_) if !watch.is_current() => {
                watch.invalidate();
                Poll::Unchanged
            }
            Err(error) => Poll::Failed(error),
        }
    }
}

/// The files behind everything `settings` configures (inline values and
/// disabled listeners have none): both listeners' certificate and key (or
/// key store), their client CA bundle when client authentication is on, and
/// `NODE_EXTRA_CA_CERTS`.
pub fn watched_files(settings: &Settings) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for listener in Listener::ALL {
        if let Ok(Some(listener)) = settings.listener(listener) {
            files.extend(listener.files().into_iter().map(PathBuf::from));
            if listener.client_auth.mode != ClientAuth::None {
                let bundle = listener.client_auth.trust_certificate.as_ref();
                files.extend(bundle.and_then(Location::path).map(PathBuf::from));
            }
        }
    }
    if let Ok(Some(Location::File(path))) = settings.extra_ca_certs() {
        files.push(path);
    }
    let mut unique = HashSet::new();
    files.retain(|path| unique.insert(path.clone()));
    files
}

/// A thread that polls a [`ConfigWatcher`] and reports to a callback.
/// The callback runs on the watch thread. Dropping the handle stops it.
pub struct WatchThread {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl WatchThread {
    /// Polls every `interval`, calling `on_change` with `Ok` for each newly
    /// loaded configuration and `Err` for each failed one.
    pub fn spawn<F>(
        watcher: ConfigWatcher,
        interval: Duration,
        on_change: F,
    ) -> Result<WatchThread, std::io::Error>
    where
        F: FnMut(std::result::Result<Arc<Config>, Error>) + Send + 'static,
    {
        WatchThread::spawn_shared(Arc::new(watcher), interval, on_change)
    }

    /// [`WatchThread::spawn`] for a watcher shared with others, e.g. the
    /// [`following_server_config`] that serves its current configuration.
    pub fn spawn_shared<F>(
        watcher: Arc<ConfigWatcher>,
        interval: Duration,
        mut on_change: F,
    ) -> Result<WatchThread, std::io::Error>
    where
        F: FnMut(std::result::Result<Arc<Config>, Error>) + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::Builder::new()
            .name("console-tls-watch".to_owned())
            .spawn(move || {
                let mut next = Instant::now() + interval;
                loop {
                    // park_timeout may wake early (spuriously, or to stop):
                    // sleep until the deadline, not for one more interval.
                    let now = Instant::now();
                    if stopping.load(Ordering::Acquire) {
                        break;
                    }
                    if now < next {
                        std::thread::park_timeout(next - now);
                        continue;
                    }
                    next = now + interval;
                    match watcher.poll() {
                        Poll::Unchanged => {}
                        Poll::Reloaded(config) => on_change(Ok(config)),
                        Poll::Failed(error) => on_change(Err(error)),
                    }
                }
            })?;
        Ok(WatchThread {
            stop,
            thread: Some(thread),
        })
    }

    /// Stops the thread and waits for it.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

impl Drop for WatchThread {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A `rustls` certificate resolver whose identity can be replaced while
/// connections are being served: every handshake gets the current one.
#[derive(Debug)]
pub struct ReloadingCertResolver {
    current: RwLock<Arc<CertifiedKey>>,
}

impl ReloadingCertResolver {
    /// Starts with `initial`.
    pub fn new(initial: Arc<CertifiedKey>) -> ReloadingCertResolver {
        ReloadingCertResolver {
            current: RwLock::new(initial),
        }
    }

    /// Serves `next` from the next handshake on.
    pub fn set(&self, next: Arc<CertifiedKey>) {
        // A poisoned lock only means a writer panicked after the swap; the
        // value inside is a complete Arc either way.
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = next;
    }

    /// The identity being served.
    pub fn get(&self) -> Arc<CertifiedKey> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Applies a reloaded configuration's `listener` identity, if enabled.
    pub fn apply(&self, config: &Config, listener: Listener) {
        if let Some(tls) = config.listener(listener) {
            self.set(tls.certified_key());
        }
    }
}

impl ResolvesServerCert for ReloadingCertResolver {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.get())
    }
}

/// A `rustls` client certificate verifier that follows a [`ConfigWatcher`]:
/// every handshake is judged by the current configuration's `listener`
/// (its mode and its client CAs), so a rotated client CA bundle applies
/// from the next handshake on, as a rotated identity does through
/// [`ReloadingCertResolver`]. With no current configuration, or the
/// listener disabled or at `none`, clients are not asked for certificates.
///
/// It sends no CA names in its certificate request: the list lives in the
/// current configuration, which a borrowed return cannot outlive. Clients
/// then choose their certificate without the hint; curl, OpenSSL, Node and
/// rustls send the one they are configured with.
pub struct ReloadingClientVerifier {
    watcher: Arc<ConfigWatcher>,
    listener: Listener,
    schemes: rustls::crypto::WebPkiSupportedAlgorithms,
}

impl std::fmt::Debug for ReloadingClientVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReloadingClientVerifier")
            .field("listener", &self.listener)
            .finish_non_exhaustive()
    }
}

impl ReloadingClientVerifier {
    /// Follows `watcher`'s current `listener`.
    pub fn new(watcher: Arc<ConfigWatcher>, listener: Listener) -> ReloadingClientVerifier {
        ReloadingClientVerifier {
            watcher,
            listener,
            schemes: crate::provider::get().signature_verification_algorithms,
        }
    }

    fn current(&self) -> Option<Arc<dyn ClientCertVerifier>> {
        let config = self.watcher.current()?;
        config.listener(self.listener)?.client_auth().verifier()
    }
}

impl ClientCertVerifier for ReloadingClientVerifier {
    fn offer_client_auth(&self) -> bool {
        self.current().is_some_and(|v| v.offer_client_auth())
    }

    fn client_auth_mandatory(&self) -> bool {
        self.current().is_some_and(|v| v.client_auth_mandatory())
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> std::result::Result<ClientCertVerified, rustls::Error> {
        // A reload to `none` between the request and the answer: nothing
        // can vouch for the certificate any more, so it is refused.
        match self.current() {
            Some(verifier) => verifier.verify_client_cert(end_entity, intermediates, now),
            None => Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            )),
        }
    }

    // Signatures depend on the provider only, never on the configuration.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.schemes)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.schemes)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes.supported_schemes()
    }
}

/// Serves the current identity of a [`ConfigWatcher`]'s `listener`.
#[derive(Debug)]
struct WatcherIdentity {
    watcher: Arc<ConfigWatcher>,
    listener: Listener,
}

impl ResolvesServerCert for WatcherIdentity {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let config = self.watcher.current()?;
        Some(config.listener(self.listener)?.certified_key())
    }
}

/// A `ServerConfig` (TLS 1.2 and 1.3, aws-lc-rs) that follows `watcher`:
/// each handshake gets the current identity of `listener` and is judged by
/// its current client authentication (mode and client CAs). Poll the
/// watcher (or drive it from a [`WatchThread`]-like loop) to pick up changes.
pub fn following_server_config(
    watcher: Arc<ConfigWatcher>,
    listener: Listener,
) -> rustls::ServerConfig {
    crate::server_tls::server_config_with_verifier(
        Arc::new(WatcherIdentity {
            watcher: watcher.clone(),
            listener,
        }),
        Arc::new(ReloadingClientVerifier::new(watcher, listener)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn present(age: Duration, future: bool) -> Signature {
        let now = SystemTime::now();
        let time = if future { now + age } else { now - age };
        Signature::Present {
            device: 1,
            inode: 2,
            len: 3,
            modified: Some(time),
            changed: Some(time),
        }
    }

    #[test]
    fn only_recent_files_are_racy() {
        let now = SystemTime::now();
        assert!(present(Duration::from_millis(100), false).is_racy(now));
        assert!(present(Duration::from_millis(100), true).is_racy(now));
        assert!(!present(RACY_WINDOW * 5, false).is_racy(now));
        assert!(!Signature::Missing.is_racy(now));
    }

    #[test]
    fn a_rewrite_that_metadata_misses_is_seen_while_racy_and_debounced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tls.key");
        fs::write(&path, "a".repeat(64)).unwrap();
        let mut watch = FileWatch::new([path.clone()], 1 << 20).with_full_check_every(0);
        let seen = watch.seen.clone();
        let just_after = SystemTime::now();
        assert!(!watch.poll_with(seen.clone(), just_after));
        // A same-size rewrite within one tick of a coarse timestamp clock:
        // the metadata does not move.
        fs::write(&path, "b".repeat(64)).unwrap();
        assert!(
            !watch.poll_with(seen.clone(), just_after),
            "new contents must hold still for a poll"
        );
        assert!(
            watch.poll_with(seen.clone(), just_after),
            "then they are reported"
        );
        assert!(!watch.poll_with(seen, just_after), "once");
    }

    #[test]
    fn old_files_are_hashed_only_by_the_full_check() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tls.crt");
        fs::write(&path, "one").unwrap();
        let mut watch = FileWatch::new([path.clone()], 1 << 20).with_full_check_every(3);
        let seen = watch.seen.clone();
        fs::write(&path, "two").unwrap();
        // Long after the last write, with metadata that did not move.
        let later = SystemTime::now() + RACY_WINDOW * 10;
        let polls: Vec<bool> = (0..4)
            .map(|_| watch.poll_with(seen.clone(), later))
            .collect();
        // Polls 1 and 2 read metadata only; poll 3 (the full check) hashes
        // and finds a candidate; poll 4 finds it held still.
        assert_eq!(polls, [false, false, false, true]);
    }
}
