//! Certificate rotation without restarts: watch the files behind a
//! configuration, validate new material fully, and swap it in atomically.
//!
//! Detection is by polling, cheap when idle: each poll reads only the
//! metadata of the watched files (following symlinks, so Kubernetes' atomic
//! `..data` swap changes the inode seen). A change must hold still for one
//! more poll (bursts of writes are debounced); then the contents are hashed,
//! and only new contents are loaded. Every `full_check_every` polls the
//! contents are hashed even if the metadata did not move, for writes that
//! keep size and timestamp. A failed load keeps the last good configuration
//! and is reported once per distinct content.

use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::location::{read_bounded, Location};
use crate::options::Options;
use crate::settings::{Listener, Settings};

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
        changed_nanos: i64,
    },
}

fn signature(path: &PathBuf) -> Signature {
    match fs::metadata(path) {
        Err(_) => Signature::Missing,
        Ok(meta) => {
            let (device, inode, changed_nanos) = unix_ids(&meta);
            Signature::Present {
                device,
                inode,
                len: meta.len(),
                modified: meta.modified().ok(),
                changed_nanos,
            }
        }
    }
}

#[cfg(unix)]
fn unix_ids(meta: &fs::Metadata) -> (u64, u64, i64) {
    use std::os::unix::fs::MetadataExt;
    (
        meta.dev(),
        meta.ino(),
        meta.ctime().saturating_mul(1_000_000_000) + meta.ctime_nsec(),
    )
}

#[cfg(not(unix))]
fn unix_ids(_: &fs::Metadata) -> (u64, u64, i64) {
    (0, 0, 0)
}

/// Watches the files a [`Settings`] names and reloads the [`Config`] when
/// they change. Driven by [`ConfigWatcher::poll`]: a host calls it on its own
/// timer (Node does, from its event loop), or [`WatchThread`] calls it.
pub struct ConfigWatcher {
    settings: Settings,
    options: Options,
    files: Vec<PathBuf>,
    seen: Vec<Signature>,
    pending: Option<Vec<Signature>>,
    digest: Option<Vec<u8>>,
    current: Option<Arc<Config>>,
    polls: u64,
    full_check_every: u64,
}

impl std::fmt::Debug for ConfigWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigWatcher")
            .field("files", &self.files)
            .field("has_current", &self.current.is_some())
            .finish_non_exhaustive()
    }
}

impl ConfigWatcher {
    /// Loads the configuration once and starts watching its files. The
    /// initial load may fail (then [`ConfigWatcher::current`] is `None` and
    /// the error is returned beside the watcher); the next good state loads.
    pub fn new(settings: Settings, options: Options) -> (ConfigWatcher, Option<Error>) {
        let files = watched_files(&settings);
        let seen = files.iter().map(signature).collect();
        let mut watcher = ConfigWatcher {
            settings,
            options,
            files,
            seen,
            pending: None,
            digest: None,
            current: None,
            polls: 0,
            full_check_every: 30,
        };
        let digest = watcher.content_digest();
        let error = match Config::load(&watcher.settings, &watcher.options) {
            Ok(config) => {
                watcher.current = Some(Arc::new(config));
                None
            }
            Err(error) => Some(error),
        };
        watcher.digest = Some(digest);
        (watcher, error)
    }

    /// Hash contents every `polls` polls even when metadata is unchanged
    /// (0 turns the safety net off).
    pub fn with_full_check_every(mut self, polls: u64) -> ConfigWatcher {
        self.full_check_every = polls;
        self
    }

    /// The last good configuration.
    pub fn current(&self) -> Option<Arc<Config>> {
        self.current.clone()
    }

    /// The files being watched.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Checks the files once; loads new material when it has held still for
    /// one poll.
    pub fn poll(&mut self) -> Poll {
        self.polls += 1;
        let now: Vec<Signature> = self.files.iter().map(signature).collect();
        let full_check = self.full_check_every > 0 && self.polls % self.full_check_every == 0;
        if now != self.seen {
            // Moved since the last poll: wait until it holds still.
            self.seen = now.clone();
            self.pending = Some(now);
            return Poll::Unchanged;
        }
        if self.pending.take().is_none() && !full_check {
            return Poll::Unchanged;
        }
        self.reload_if_new()
    }

    fn reload_if_new(&mut self) -> Poll {
        let digest = self.content_digest();
        if self.digest.as_ref() == Some(&digest) {
            return Poll::Unchanged;
        }
        self.digest = Some(digest);
        match Config::load(&self.settings, &self.options) {
            Ok(config) => {
                let config = Arc::new(config);
                self.current = Some(config.clone());
                Poll::Reloaded(config)
            }
            Err(error) => Poll::Failed(error),
        }
    }

    fn content_digest(&self) -> Vec<u8> {
        let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
        for path in &self.files {
            match read_bounded(path, self.options.max_file_size) {
                Ok(bytes) => {
                    context.update(&(bytes.len() as u64).to_le_bytes());
                    context.update(&bytes);
                }
                // Errors are part of the state: "missing" differs from "empty".
                Err(error) => context.update(error.code().as_str().as_bytes()),
            }
            context.update(b"\0");
        }
        context.finish().as_ref().to_vec()
    }
}

/// The files behind everything `settings` configures (inline values and
/// disabled listeners have none).
fn watched_files(settings: &Settings) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for listener in Listener::ALL {
        if let Ok(Some(listener)) = settings.listener(listener) {
            files.extend(listener.certificate.path().map(PathBuf::from));
            files.extend(listener.private_key.path().map(PathBuf::from));
        }
    }
    if let Ok(Some(Location::File(path))) = settings.extra_ca_certs() {
        files.push(path);
    }
    files.dedup();
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
        mut watcher: ConfigWatcher,
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
                while !stopping.load(Ordering::Acquire) {
                    std::thread::park_timeout(interval);
                    if stopping.load(Ordering::Acquire) {
                        break;
                    }
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
