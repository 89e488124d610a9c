//! Locations (`file:/path`, `file:///path`, a bare path, or inline PEM) and
//! bounded reading of the files behind them.
//!
//! Reading never hangs and never exhausts memory: the path must be a regular
//! file after following symlinks (so `/dev/zero`, a FIFO or a directory are
//! refused before they are opened), and at most `limit + 1` bytes are read.

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result, Source};

/// The default bound on any file read: 8 MiB holds ~5000 PEM certificates.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// Where PEM (or DER) bytes come from.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// A file; relative paths are already resolved against the base directory.
    File(PathBuf),
    /// The PEM text itself, given in the value.
    Inline(Zeroizing<String>),
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(path) => f.debug_tuple("File").field(path).finish(),
            // Inline values may hold a private key: show only their size.
            Location::Inline(text) => write!(f, "Inline(<{} bytes>)", text.len()),
        }
    }
}

impl Location {
    /// Parses a location value. Relative paths are resolved against `base_dir`.
    ///
    /// Accepted: `file:/abs`, `file:///abs` (percent-escapes decoded),
    /// `file:relative`, a bare absolute or relative path, and a value that
    /// contains `-----BEGIN ` (inline PEM). Any other `scheme:` is refused.
    pub fn parse(value: &str, base_dir: &Path) -> Result<Location> {
        if value.contains("-----BEGIN ") {
            return Ok(Location::Inline(Zeroizing::new(value.to_owned())));
        }
        if value.trim().is_empty() {
            return Err(Error::new(ErrorKind::Missing));
        }
        let path = if let Some(rest) = value.strip_prefix("file://") {
            // A URL: an empty or `localhost` authority, then an absolute path.
            let rest = rest.strip_prefix("localhost").unwrap_or(rest);
            if !rest.starts_with('/') {
                return Err(Error::new(ErrorKind::InvalidValue {
                    reason: "a file:// URL must name an absolute path (file:///path/to/file.pem)"
                        .to_owned(),
                }));
            }
            PathBuf::from(percent_decode(rest)?)
        } else if let Some(rest) = value.strip_prefix("file:") {
            PathBuf::from(rest)
        } else if let Some(scheme) = url_scheme(value) {
            return Err(Error::new(ErrorKind::UnsupportedScheme {
                scheme: scheme.to_owned(),
            }));
        } else {
            PathBuf::from(value)
        };
        if path.as_os_str().is_empty() {
            return Err(Error::new(ErrorKind::Missing));
        }
        Ok(Location::File(base_dir.join(path)))
    }

    /// Where errors say the bytes came from.
    pub fn source(&self) -> Source {
        match self {
            Location::File(path) => Source::File(path.clone()),
            Location::Inline(_) => Source::Inline,
        }
    }

    /// The file path, if this is a file.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Location::File(path) => Some(path),
            Location::Inline(_) => None,
        }
    }

    /// Reads the bytes, bounded by `limit`. Errors carry the source.
    pub fn read(&self, limit: u64) -> Result<Zeroizing<Vec<u8>>> {
        match self {
            Location::File(path) => read_bounded(path, limit),
            Location::Inline(text) => Ok(Zeroizing::new(text.as_bytes().to_vec())),
        }
    }
}

/// Reads a regular file of at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Zeroizing<Vec<u8>>> {
    let source = || Source::File(path.to_owned());
    let fail = |kind: ErrorKind| Error::new(kind).with_source(source());
    // `metadata` follows symlinks: a dangling one is "not found", a loop "unreadable".
    let meta = fs::metadata(path).map_err(|e| fail(io_kind(&e)))?;
    check_regular(&meta).map_err(fail)?;
    if meta.len() > limit {
        return Err(fail(ErrorKind::FileTooLarge {
            size: meta.len(),
            limit,
        }));
    }
    let file = fs::File::open(path).map_err(|e| fail(io_kind(&e)))?;
    // The path may have been swapped since `metadata`: check what was opened.
    let opened = file.metadata().map_err(|e| fail(io_kind(&e)))?;
    check_regular(&opened).map_err(fail)?;
    let mut bytes = Zeroizing::new(Vec::with_capacity(opened.len().min(limit) as usize));
    // `limit` may be u64::MAX (an option set to "no limit"): one more must not overflow.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| fail(io_kind(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(fail(ErrorKind::FileTooLarge {
            size: bytes.len() as u64,
            limit,
        }));
    }
    Ok(bytes)
}

fn check_regular(meta: &fs::Metadata) -> std::result::Result<(), ErrorKind> {
    let file_type = meta.file_type();
    if file_type.is_file() {
        return Ok(());
    }
    let found = if file_type.is_dir() {
        "directory"
    } else {
        special_file_kind(&file_type)
    };
    Err(ErrorKind::NotARegularFile { found })
}

#[cfg(unix)]
fn special_file_kind(file_type: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        "FIFO (named pipe)"
    } else if file_type.is_char_device() {
        "character device"
    } else if file_type.is_block_device() {
        "block device"
    } else if file_type.is_socket() {
        "socket"
    } else {
        "special file"
    }
}

#[cfg(not(unix))]
fn special_file_kind(_: &fs::FileType) -> &'static str {
    "special file"
}

fn io_kind(error: &io::Error) -> ErrorKind {
    match error.kind() {
        io::ErrorKind::NotFound => ErrorKind::FileNotFound,
        io::ErrorKind::PermissionDenied => ErrorKind::FileUnreadable {
            reason: "permission denied".to_owned(),
        },
        _ => ErrorKind::FileUnreadable {
            reason: describe_io(error),
        },
    }
}

fn describe_io(error: &io::Error) -> String {
    // `io::Error`'s Display ends with "(os error N)": keep the words only.
    let text = error.to_string();
    match text.find(" (os error") {
        Some(end) => text[..end].to_owned(),
        None => text,
    }
}

/// The scheme of `value` if it looks like `scheme:…` (two or more characters,
/// so that a Windows drive letter is not mistaken for one).
fn url_scheme(value: &str) -> Option<&str> {
    let colon = value.find(':')?;
    let scheme = &value[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = scheme.len() >= 2
        && first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

fn percent_decode(text: &str) -> Result<String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map(|path| path.into_owned())
        .map_err(|_| {
            Error::new(ErrorKind::InvalidValue {
                reason: "the file:// URL's path is not UTF-8 after percent-decoding".to_owned(),
            })
        })
}
