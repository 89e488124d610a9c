//! Options shared by every loader.

use std::time::SystemTime;

use crate::location::DEFAULT_MAX_FILE_SIZE;

/// How loading behaves. `Options::default()` is what the environment
/// contract describes: strict trust, Mozilla's roots only, `http://`
/// Identity allowed with a warning, files up to 8 MiB, the clock's time.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Options {
    /// The time certificates are judged at; `None` is the system clock.
    pub now: Option<SystemTime>,
    /// The largest file read, in bytes.
    pub max_file_size: u64,
    /// Trust problems are errors (`true`, the default) or warnings.
    pub strict_trust: bool,
    /// Add the operating system's root store to Mozilla's.
    pub system_roots: bool,
    /// `http://` Identity URLs are `ERR_URL_NOT_HTTPS` instead of a warning.
    pub require_tls: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            now: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            strict_trust: true,
            system_roots: false,
            require_tls: false,
        }
    }
}

impl Options {
    /// The time to judge certificates at.
    pub fn now(&self) -> SystemTime {
        self.now.unwrap_or_else(SystemTime::now)
    }

    /// Judges certificates at `now` instead of the system clock.
    pub fn at(mut self, now: SystemTime) -> Options {
        self.now = Some(now);
        self
    }

    /// Sets [`Options::strict_trust`].
    pub fn strict_trust(mut self, strict: bool) -> Options {
        self.strict_trust = strict;
        self
    }

    /// Sets [`Options::system_roots`].
    pub fn system_roots(mut self, system: bool) -> Options {
        self.system_roots = system;
        self
    }

    /// Sets [`Options::require_tls`].
    pub fn require_tls(mut self, require: bool) -> Options {
        self.require_tls = require;
        self
    }

    /// Sets [`Options::max_file_size`].
    pub fn max_file_size(mut self, bytes: u64) -> Options {
        self.max_file_size = bytes;
        self
    }
}
