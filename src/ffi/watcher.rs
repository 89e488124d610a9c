//! `ctls_watcher`: certificate rotation for C hosts, driven by polling.
//!
//! The host calls `ctls_watcher_poll` on its own timer, from any thread: no
//! thread of the library's, no callback into the host from a thread it does
//! not know. A poll is cheap when nothing changed (a `stat` per file).

use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, PoisonError};

use super::boundary::Fallback;
use super::config::{ctls_config, ConfigView};
use super::error::{self, ctls_error, ErrorData};
use super::handle::{self, Handle, Out, Owned};
use super::options;
use super::status::ctls_status;
use super::text::{arg_vars, path_c_string};
use crate::config::Config;
use crate::error::Error;
use crate::reload::{ConfigWatcher, Poll};
use crate::settings::Settings;

/// Watches the files behind a configuration (both listeners' certificate
/// and key, `NODE_EXTRA_CA_CERTS`) and reloads it when they change,
/// including Kubernetes' atomic `..data` symlink swap, writes in place and
/// write-then-rename. New material is used only once it is fully validated;
/// a broken state is reported once and the last good configuration stays.
///
/// Owned: release it with `ctls_watcher_free`. Unlike the other handles it
/// changes over time, but it is safe to use from several threads at once:
/// polls are serialized (a poll that loads new material makes a concurrent
/// poll wait), and `ctls_watcher_current` never waits for a load.
pub struct ctls_watcher {
    _private: [u8; 0],
}

/// What `ctls_watcher_poll` found.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ctls_watch_status {
    /// Nothing new: the files did not change, their new contents have not
    /// held still for one poll yet, or they are the same bytes again.
    CTLS_WATCH_UNCHANGED = 0,
    /// New material was loaded and fully validated and is now current;
    /// `*reloaded` (when not NULL) receives it.
    CTLS_WATCH_RELOADED = 1,
    /// New material failed to load (or the first load failed): `*err` (when
    /// not NULL) says why, e.g. `CTLS_ERR_KEY_MISMATCH` naming the variable
    /// and file. The last good configuration stays current. Each broken
    /// state is reported once. Also the result of a NULL `watcher`
    /// (`CTLS_ERR_NULL_ARGUMENT`) or of a caught panic (`CTLS_ERR_PANIC`).
    CTLS_WATCH_FAILED = 2,
}

impl Fallback for ctls_watch_status {
    fn on_panic() -> Self {
        ctls_watch_status::CTLS_WATCH_FAILED
    }
}

/// The Rust value behind a `ctls_watcher`.
pub(crate) struct WatcherView {
    /// The core's watcher: shared by every thread as it is.
    watcher: ConfigWatcher,
    /// The first load's failure, reported by the first poll.
    initial_error: Mutex<Option<Error>>,
    /// The C face of the current configuration, made once per configuration
    /// (its strings are built on first use and must live as long as it).
    view: Mutex<Option<(Arc<Config>, Arc<ConfigView>)>>,
    files: Vec<CString>,
}

impl Handle for ctls_watcher {
    type Inner = WatcherView;
}
impl Owned for ctls_watcher {}

impl WatcherView {
    fn new(settings: Settings, flags: u32) -> Result<WatcherView, ErrorData> {
        let options = options::from_flags(flags)?;
        let (watcher, initial_error) = ConfigWatcher::new(settings, options);
        Ok(WatcherView {
            files: watcher.files().iter().map(|p| path_c_string(p)).collect(),
            watcher,
            initial_error: Mutex::new(initial_error),
            view: Mutex::new(None),
        })
    }

    /// The C face of `config`: the cached one when it is the same
    /// configuration, else a new one (cached for the next callers).
    fn view_of(&self, config: Arc<Config>) -> Arc<ConfigView> {
        // A panic cannot leave the Option half-written: a poisoned lock still
        // holds a whole value.
        let mut cached = self.view.lock().unwrap_or_else(PoisonError::into_inner);
        match cached.as_ref() {
            Some((seen, view)) if Arc::ptr_eq(seen, &config) => view.clone(),
            _ => {
                let view = Arc::new(ConfigView::new(config.clone()));
                *cached = Some((config, view.clone()));
                view
            }
        }
    }

    fn current(&self) -> Option<Arc<ConfigView>> {
        self.watcher.current().map(|config| self.view_of(config))
    }

    /// One poll: `Ok(None)` unchanged, `Ok(Some)` reloaded, `Err` failed.
    fn poll(&self) -> Result<Option<Arc<ConfigView>>, ErrorData> {
        let initial = self
            .initial_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(error) = initial {
            return Err(error.into());
        }
        match self.watcher.poll() {
            Poll::Unchanged => Ok(None),
            Poll::Failed(error) => Err(error.into()),
            Poll::Reloaded(config) => Ok(Some(self.view_of(config))),
        }
    }
}

fn create(settings: Settings, flags: u32, out: Out<*const ctls_watcher>) -> Result<(), ErrorData> {
    let view = WatcherView::new(settings, flags)?;
    out.write(handle::into_raw(Arc::new(view)));
    Ok(())
}

/// Starts watching what `count` name/value pairs configure. Same as
/// `ctls_watcher_new_with_options(names, values, count, 0, out, err)`.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_watcher_new(
    names: *const *const c_char,
    values: *const *const c_char,
    count: usize,
    out: *mut *const ctls_watcher,
    err: *mut *const ctls_error,
) -> ctls_status {
    ffi_boundary! {
        ctls_watcher_new_with_options(names, values, count, 0, out, err)
    }
}

/// Loads what `count` name/value pairs configure (as
/// `ctls_config_from_vars_with_options` does) and starts watching the
/// files behind it. Relative paths resolve against the working directory.
///
/// Returns `CTLS_OK` whenever the watcher was created, even when the first
/// load failed: then `ctls_watcher_current` returns NULL, the first
/// `ctls_watcher_poll` reports the failure, and the next good state of the
/// files loads. Other statuses are about the call (NULL arguments, unknown
/// option bits); then `*out` is NULL. Release the watcher with
/// `ctls_watcher_free`.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_watcher_new_with_options(
    names: *const *const c_char,
    values: *const *const c_char,
    count: usize,
    options: u32,
    out: *mut *const ctls_watcher,
    err: *mut *const ctls_error,
) -> ctls_status {
    ffi_boundary! { err =>
        handle::clear(out);
        let out = Out::new(out, "out")?;
        let vars = arg_vars(names, values, count)?;
        create(Settings::from_vars(vars), options, out)
    }
}

/// Starts watching what the process environment configures. Same as
/// `ctls_watcher_from_env_with_options(0, out, err)`.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_watcher_from_env(
    out: *mut *const ctls_watcher,
    err: *mut *const ctls_error,
) -> ctls_status {
    ffi_boundary! {
        ctls_watcher_from_env_with_options(0, out, err)
    }
}

/// Loads what the process environment configures (read once, now) and
/// starts watching the files behind it; otherwise as
/// `ctls_watcher_new_with_options`.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_watcher_from_env_with_options(
    options: u32,
    out: *mut *const ctls_watcher,
    err: *mut *const ctls_error,
) -> ctls_status {
    ffi_boundary! { err =>
        handle::clear(out);
        let out = Out::new(out, "out")?;
        create(Settings::from_env(), options, out)
    }
}

/// Checks the files once; call it on a timer (every second is cheap: a
/// `stat` per file when nothing changed). New contents are loaded once they
/// have held still for one poll, so a burst of writes loads once.
///
/// - `CTLS_WATCH_UNCHANGED`: nothing new; `*reloaded` is NULL.
/// - `CTLS_WATCH_RELOADED`: `*reloaded` receives the new configuration
///   (owned: release it with `ctls_config_free`); it is also what
///   `ctls_watcher_current` returns from now on.
/// - `CTLS_WATCH_FAILED`: `*err` receives the problem (release it with
///   `ctls_error_free`); `*reloaded` is NULL and the last good
///   configuration stays current.
///
/// `reloaded` and `err` may be NULL when the caller does not want them.
#[no_mangle]
#[must_use]
pub extern "C" fn ctls_watcher_poll(
    watcher: *const ctls_watcher,
    reloaded: *mut *const ctls_config,
    err: *mut *const ctls_error,
) -> ctls_watch_status {
    ffi_boundary! {
        handle::clear(reloaded);
        error::clear_out(err);
        let result = catch_unwind(AssertUnwindSafe(|| {
            handle::arg::<ctls_watcher>(watcher, "watcher")?.poll()
        }))
        .unwrap_or_else(|_| Err(ErrorData::panic()));
        match result {
            Ok(None) => ctls_watch_status::CTLS_WATCH_UNCHANGED,
            Ok(Some(view)) => {
                if let Ok(out) = Out::new(reloaded, "reloaded") {
                    out.write(handle::into_raw(view));
                }
                ctls_watch_status::CTLS_WATCH_RELOADED
            }
            Err(data) => {
                error::report(err, Err(data));
                ctls_watch_status::CTLS_WATCH_FAILED
            }
        }
    }
}

/// The last good configuration: a new reference the caller owns (release
/// it with `ctls_config_free`; it stays valid after later reloads and after
/// `ctls_watcher_free`). NULL when no load has succeeded yet, or when
/// `watcher` is NULL.
#[no_mangle]
pub extern "C" fn ctls_watcher_current(watcher: *const ctls_watcher) -> *const ctls_config {
    ffi_boundary! {
        handle::get(watcher)
            .and_then(WatcherView::current)
            .map_or(std::ptr::null(), handle::into_raw)
    }
}

/// How many files the watcher watches (0 when everything is inline or
/// disabled, or `watcher` is NULL).
#[no_mangle]
pub extern "C" fn ctls_watcher_files_len(watcher: *const ctls_watcher) -> usize {
    ffi_boundary! {
        handle::get(watcher).map_or(0, |view| view.files.len())
    }
}

/// The i-th watched file's path (as given, relative paths resolved); lives
/// as long as the watcher. NULL when out of range.
#[no_mangle]
pub extern "C" fn ctls_watcher_file(watcher: *const ctls_watcher, index: usize) -> *const c_char {
    ffi_boundary! {
        handle::get(watcher)
            .and_then(|view| view.files.get(index))
            .map_or(std::ptr::null(), |path| path.as_ptr())
    }
}

/// Releases a watcher. Configurations it returned stay valid until their
/// own `ctls_config_free`. NULL is ignored. No poll may be running.
#[no_mangle]
pub extern "C" fn ctls_watcher_free(watcher: *const ctls_watcher) {
    ffi_boundary! {
        handle::free(watcher)
    }
}
