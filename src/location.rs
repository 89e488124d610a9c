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
use crate::pem;

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
    /// contains `-----BEGIN ` (inline PEM). Any other `scheme:` is refused,
    /// and so is a value that is key or certificate data rather than a path
    /// (see [`Location::parse_bytes`]).
    pub fn parse(value: &str, base_dir: &Path) -> Result<Location> {
        Location::parse_bytes(value.as_bytes(), base_dir)
    }

    /// Parses a location given as bytes, as environment variables hold them.
    ///
    /// On Unix a path is the bytes themselves (Linux file names need not be
    /// UTF-8), after `file:` is removed or a `file://` URL's percent-escapes
    /// are decoded; elsewhere a path must be UTF-8 (else `ERR_CONFIG_INVALID`).
    /// Inline PEM whose text outside the blocks is not UTF-8 (a Latin-1
    /// comment) is read with those bytes replaced, as a file would be.
    ///
    /// A value that is data rather than a path is `ERR_CONFIG_INVALID`
    /// without being quoted, because it is usually a key that lost its
    /// `-----BEGIN` line or was base64-encoded once more, and a "file not
    /// found" message would print it: a damaged PEM boundary, several lines,
    /// more bytes than any path, or base64 of DER or PEM.
    pub fn parse_bytes(value: &[u8], base_dir: &Path) -> Result<Location> {
        if pem::contains_pem(value) {
            return Ok(Location::Inline(inline_text(value)));
        }
        if value.trim_ascii().is_empty() {
            return Err(Error::new(ErrorKind::Missing));
        }
        refuse_data(value)?;
        let path = if let Some(rest) = value.strip_prefix(b"file://") {
            // A URL: an empty or `localhost` authority, then an absolute path.
            let rest = rest.strip_prefix(b"localhost").unwrap_or(rest);
            if !rest.starts_with(b"/") {
                return Err(Error::new(ErrorKind::InvalidValue {
                    reason: "a file:// URL must name an absolute path (file:///path/to/file.pem)"
                        .to_owned(),
                }));
            }
            path_from_bytes(&percent_encoding::percent_decode(rest).collect::<Vec<u8>>())?
        } else if let Some(rest) = value.strip_prefix(b"file:") {
            refuse_data(rest)?;
            path_from_bytes(rest)?
        } else if let Some(scheme) = url_scheme(value) {
            return Err(Error::new(ErrorKind::UnsupportedScheme {
                scheme: scheme.to_owned(),
            }));
        } else {
            path_from_bytes(value)?
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
    // Reserve what the file says it holds, but no more than the default
    // limit: a raised limit and a sparse file claiming a terabyte would
    // otherwise abort the process in the allocator (not a panic: no host
    // could catch it). Beyond this the vector grows as bytes arrive.
    let reserve = opened.len().min(limit).min(DEFAULT_MAX_FILE_SIZE);
    let mut bytes = Zeroizing::new(Vec::with_capacity(reserve as usize));
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
fn url_scheme(value: &[u8]) -> Option<&str> {
    let colon = value.iter().position(|&b| b == b':')?;
    let scheme = &value[..colon];
    let (&first, rest) = scheme.split_first()?;
    let valid = scheme.len() >= 2
        && first.is_ascii_alphabetic()
        && rest
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    // Only ASCII was accepted, so this never fails.
    valid.then(|| std::str::from_utf8(scheme).ok()).flatten()
}

/// The text of an inline PEM value; bytes that are not UTF-8 become U+FFFD.
fn inline_text(value: &[u8]) -> Zeroizing<String> {
    Zeroizing::new(match std::str::from_utf8(value) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(value).into_owned(),
    })
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> Result<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> Result<PathBuf> {
    std::str::from_utf8(bytes).map(PathBuf::from).map_err(|_| {
        Error::new(ErrorKind::InvalidValue {
            reason: "the path is not valid UTF-8".to_owned(),
        })
    })
}

/// No path on Linux is longer than this (PATH_MAX, with its NUL).
const MAX_PATH_BYTES: usize = 4096;

/// Refuses a value that is data rather than a path (see [`Location::parse_bytes`]).
fn refuse_data(value: &[u8]) -> Result<()> {
    let text = value.trim_ascii();
    let reason = if contains_ignore_case(text, b"-----BEGIN")
        || contains_ignore_case(text, b"-----END")
    {
        "the value holds a PEM boundary but no \"-----BEGIN LABEL-----\" line; give the whole PEM text (BEGIN line, base64 lines, END line) or a path"
    } else if text.contains(&b'\n') || text.contains(&b'\r') {
        "the value has several lines, so it is data, not a path; give the whole PEM text (with its BEGIN and END lines) or a path"
    } else if text.len() >= MAX_PATH_BYTES {
        "the value is longer than any path, so it is data, not a path; give the whole PEM text (with its BEGIN and END lines) or a path"
    } else if is_base64_of_der_or_pem(text) {
        "the value is base64-encoded DER or PEM, not a path; decode it (base64 -d) and give the PEM text or the path of a file holding it"
    } else {
        return Ok(());
    };
    Err(Error::new(ErrorKind::InvalidValue {
        reason: format!("{reason} (the value is not shown: it may hold a key)"),
    }))
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle))
}

/// True for the base64 of a DER structure (a SEQUENCE whose length is
/// exactly the rest) or of PEM text. A path that decodes like that by chance
/// is not a concern: the exact DER length makes it vanishingly unlikely.
fn is_base64_of_der_or_pem(text: &[u8]) -> bool {
    use base64ct::{Base64, Base64Unpadded, Encoding};
    if text.len() < 16 {
        return false;
    }
    let Ok(text) = std::str::from_utf8(text) else {
        return false;
    };
    let Ok(decoded) = Base64::decode_vec(text).or_else(|_| Base64Unpadded::decode_vec(text)) else {
        return false;
    };
    let decoded = Zeroizing::new(decoded);
    decoded.starts_with(b"-----") || der_sequence_len(&decoded) == Some(decoded.len())
}

/// The total length a DER SEQUENCE at the start of `der` declares.
fn der_sequence_len(der: &[u8]) -> Option<usize> {
    let (&tag, rest) = der.split_first()?;
    let (&first, rest) = rest.split_first()?;
    if tag != 0x30 {
        return None;
    }
    if first < 0x80 {
        return Some(2 + usize::from(first));
    }
    let count = usize::from(first & 0x7f);
    if count == 0 || count > 4 || rest.len() < count {
        return None;
    }
    // In u64: four length bytes shifted in a 32-bit usize would overflow.
    let length = rest[..count]
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    usize::try_from(length).ok()?.checked_add(2 + count)
}
