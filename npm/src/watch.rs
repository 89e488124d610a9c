//! Certificate rotation: the core's `ConfigWatcher` for the event loop.
//!
//! The JavaScript wrapper (`watch` in index.js) drives it from an unref'd
//! `setInterval`: each tick calls `changed()` on the main thread (a `stat`
//! of each watched file; a hash of their contents only when the metadata
//! moved), and only when that says yes does `reload()` load and validate
//! the files on libuv's thread pool, so that a slow key derivation (scrypt)
//! never blocks the event loop. No thread of ours, nothing to stop but the
//! timer: idle cost is a few `stat` calls per interval.

use std::collections::HashMap;
use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi::{Env, Task};
use napi_derive::napi;

use console_tls::reload::{self, Poll};

use crate::convert::NativeOptions;
use crate::error;
use crate::{Config, EnvInput};

/// The core's watcher, shared as it is with the reload task running on the
/// pool (every method of the core's watcher takes `&self`).
#[napi]
pub struct ConfigWatcher {
    inner: Arc<reload::ConfigWatcher>,
    initial_error: Option<console_tls::Error>,
}

#[napi]
impl ConfigWatcher {
    /// Loads what `vars` configure (synchronously, like `loadFromEnv`) and
    /// starts watching the files behind it. A failed first load does not
    /// throw: `takeInitialError()` returns it and the next good state loads.
    #[napi(constructor)]
    pub fn new(vars: HashMap<String, String>, options: Option<NativeOptions>) -> Self {
        let input = EnvInput::new(vars, options);
        let (watcher, initial_error) =
            reload::ConfigWatcher::new(input.settings(), input.options.to_core());
        ConfigWatcher {
            inner: Arc::new(watcher),
            initial_error,
        }
    }

    /// The first load's error (once; then `null`).
    #[napi(ts_return_type = "Error | null")]
    pub fn take_initial_error<'env>(&mut self, env: &'env Env) -> Result<Option<Object<'env>>> {
        match self.initial_error.take() {
            Some(error) => error::object(env, &error).map(Some),
            None => Ok(None),
        }
    }

    /// The last good configuration, `null` when none loaded yet; never
    /// waits for a reload in progress.
    #[napi]
    pub fn current(&self) -> Option<Config> {
        self.inner.current().map(Config::from)
    }

    /// The files being watched (absolute paths).
    #[napi]
    pub fn files(&self) -> Vec<String> {
        self.inner
            .files()
            .iter()
            .map(|path| path.to_string_lossy().into_owned())
            .collect()
    }

    /// The cheap half of a poll: whether the files hold new contents that
    /// `reload()` should load now. `false` while a reload is running.
    #[napi]
    pub fn changed(&self) -> bool {
        self.inner.changed()
    }

    /// Loads and validates the files on the thread pool. Resolves to the new
    /// configuration (now current), to `null` when the files were being
    /// written again (the next polls settle it), or rejects with the
    /// problem (the last good configuration stays current).
    #[napi(ts_return_type = "Promise<Config | null>")]
    pub fn reload(&self) -> AsyncTask<ReloadTask> {
        AsyncTask::new(ReloadTask(self.inner.clone()))
    }
}

pub struct ReloadTask(Arc<reload::ConfigWatcher>);

impl Task for ReloadTask {
    type Output = Poll;
    type JsValue = Option<Config>;

    fn compute(&mut self) -> Result<Poll> {
        Ok(self.0.reload())
    }

    fn resolve(&mut self, env: Env, output: Poll) -> Result<Option<Config>> {
        match output {
            Poll::Reloaded(config) => Ok(Some(Config::from(config))),
            Poll::Unchanged => Ok(None),
            Poll::Failed(problem) => Err(error::to_js(&env, &problem)),
        }
    }
}
