//! PEM scanning that accounts for every block.
//!
//! Unlike a reader that stops at (or silently skips) what it does not
//! understand, [`scan`] returns one entry per `-----BEGIN` line: the decoded
//! block, or an error naming its 1-based index and line. Callers decide what a
//! bad block means (the trust loader keeps the good blocks after it; Node drops
//! them). RFC 1421 headers (`Proc-Type`, `DEK-Info`) are kept, because
//! OpenSSL's legacy key encryption lives there.
//!
//! Tolerated: a UTF-8 byte order mark, CRLF line ends, whitespace around lines,
//! and any text outside blocks. Base64 is decoded in constant time
//! (`base64ct`), since blocks may hold keys; certificate blocks, which are
//! public and make up bundles of thousands, take the faster `base64` decoder
//! first (same strict rules: canonical padding, no trailing bits) and fall
//! back to the constant-time path only to explain a failure.

use base64::Engine as _;
use base64ct::{Base64, Encoding};
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};

/// One decoded PEM block.
pub struct Block {
    /// 1-based position among all blocks of the input.
    pub index: usize,
    /// 1-based line of the `-----BEGIN` line.
    pub line: usize,
    /// The label, e.g. `CERTIFICATE` or `ENCRYPTED PRIVATE KEY`.
    pub label: String,
    /// RFC 1421 headers (`Proc-Type`, `DEK-Info`), in order.
    pub headers: Vec<(String, String)>,
    /// The decoded bytes; wiped on drop since they may be a key.
    pub der: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Block {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Block")
            .field("index", &self.index)
            .field("line", &self.line)
            .field("label", &self.label)
            .field("headers", &self.headers)
            .field("der_len", &self.der.len())
            .finish()
    }
}

impl Block {
    /// The value of header `name`, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// True when `input` contains at least one `-----BEGIN ` line.
pub fn contains_pem(input: &[u8]) -> bool {
    find(input, b"-----BEGIN ").is_some()
}

/// One `-----BEGIN` line's outcome: its label, and the block or why it is bad.
#[derive(Debug)]
pub struct Scanned {
    /// The label on the BEGIN line.
    pub label: String,
    /// The decoded block, or an error that names its index and line.
    pub block: Result<Block>,
}

/// Scans every PEM block of `input`, in order. See [`blocks`] for a scan
/// that keeps nothing it has returned.
pub fn scan(input: &[u8]) -> Vec<Scanned> {
    blocks(input).collect()
}

/// The PEM blocks of `input`, one per `-----BEGIN` line, scanned as they are
/// asked for: a caller that stops at the first key, or keeps only the
/// certificates, never holds the outcome of every block. (A file of 8 MiB
/// can hold 350 000 BEGIN lines, each outcome ~300 bytes.)
pub fn blocks(input: &[u8]) -> Blocks<'_> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    Blocks {
        lines: Lines::new(input).enumerate().peekable(),
        index: 0,
    }
}

/// The iterator [`blocks`] returns.
pub struct Blocks<'a> {
    /// The input's lines, numbered from 0, with one line of look-ahead.
    lines: std::iter::Peekable<std::iter::Enumerate<Lines<'a>>>,
    index: usize,
}

impl std::fmt::Debug for Blocks<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blocks")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

/// More header lines than any real PEM block has (RFC 1421's Proc-Type and
/// DEK-Info, a few others): past this a block is malformed, so that a block
/// of a million `a:` lines does not become a million header strings.
pub const MAX_HEADERS: usize = 16;

impl Iterator for Blocks<'_> {
    type Item = Scanned;

    fn next(&mut self) -> Option<Scanned> {
        let lines = &mut self.lines;
        let (number, raw_label) = loop {
            let (number, raw) = lines.next()?;
            if let Some(label) = begin_label(trim(raw)) {
                break (number, label);
            }
        };
        self.index += 1;
        let index = self.index;
        let start = number + 1;
        let label = label_text(raw_label);
        let fail = |reason: String| {
            Error::new(ErrorKind::MalformedPem { reason }).with_block(index, Some(start))
        };
        let mut headers = Vec::new();
        let mut too_many_headers = false;
        // Sized for a typical certificate so that the lines append without
        // regrowing (each regrowth would leave an unwiped copy of a key).
        let mut body = Zeroizing::new(Vec::with_capacity(2048));
        let mut in_headers = true;
        let mut outcome = None;
        while let Some(&(_, raw)) = lines.peek() {
            let line = trim(raw);
            if begin_label(line).is_some() {
                // Leave the next BEGIN for the next call: that block still counts.
                outcome = Some(Err(fail(format!("-----END {label}----- is missing"))));
                break;
            }
            lines.next();
            if let Some(end) = end_label(line) {
                // Raw bytes: the shown label may be shortened or lossily decoded.
                outcome = Some(if end.trim_ascii() != raw_label.trim_ascii() {
                    Err(fail(format!(
                        "it begins as {label} but ends as {}",
                        label_text(end)
                    )))
                } else if too_many_headers {
                    Err(fail(format!(
                        "it has more than {MAX_HEADERS} header lines (name: value)"
                    )))
                } else {
                    decode(&body, &label).map_err(fail).map(|der| Block {
                        index,
                        line: start,
                        label: label.clone(),
                        headers: std::mem::take(&mut headers),
                        der,
                    })
                });
                break;
            }
            if in_headers {
                if line.is_empty() {
                    // A blank line ends the headers; before any header it is just blank.
                    in_headers = headers.is_empty() && !too_many_headers;
                    continue;
                }
                if let Some(colon) = line.iter().position(|&b| b == b':') {
                    if headers.len() == MAX_HEADERS {
                        too_many_headers = true;
                    } else {
                        let key = String::from_utf8_lossy(&line[..colon]).trim().to_owned();
                        let value = String::from_utf8_lossy(&line[colon + 1..])
                            .trim()
                            .to_owned();
                        headers.push((key, value));
                    }
                    continue;
                }
                in_headers = false;
            }
            body.extend_from_slice(line);
        }
        let block =
            outcome.unwrap_or_else(|| Err(fail(format!("-----END {label}----- is missing"))));
        Some(Scanned { label, block })
    }
}

/// Labels whose contents are public, so that the decoder need not be
/// constant-time.
fn is_public_label(label: &str) -> bool {
    matches!(
        label,
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE"
    )
}

fn decode(body: &[u8], label: &str) -> std::result::Result<Zeroizing<Vec<u8>>, String> {
    if body.is_empty() {
        return Err("the block is empty".to_owned());
    }
    if is_public_label(label) {
        // Accepts exactly what the strict path below accepts (see the
        // `fast_base64_agrees_with_base64ct` property); a failure is explained by it.
        if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(body) {
            return Ok(Zeroizing::new(der));
        }
    }
    decode_strict(body)
}

/// Constant-time decoding, and the reason when the body is not base64.
fn decode_strict(body: &[u8]) -> std::result::Result<Zeroizing<Vec<u8>>, String> {
    if let Some(bad) = body
        .iter()
        .find(|&&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')))
    {
        return Err(if bad.is_ascii_graphic() {
            format!("the character '{}' is not base64", *bad as char)
        } else {
            format!("the byte 0x{bad:02x} is not base64")
        });
    }
    let text = std::str::from_utf8(body).map_err(|_| "the block is not ASCII".to_owned())?;
    Base64::decode_vec(text)
        .map(Zeroizing::new)
        .map_err(|_| "the base64 is truncated or has wrong padding".to_owned())
}

fn begin_label(line: &[u8]) -> Option<&[u8]> {
    line.strip_prefix(b"-----BEGIN ")?.strip_suffix(b"-----")
}

fn end_label(line: &[u8]) -> Option<&[u8]> {
    line.strip_prefix(b"-----END ")?.strip_suffix(b"-----")
}

/// Labels longer than this are shortened: no real label comes close, and a
/// hostile one must not turn every message that names it into megabytes.
pub const MAX_LABEL_CHARS: usize = 64;

/// How many distinct labels an error lists ("found: …") before it stops.
pub const MAX_LISTED_LABELS: usize = 8;

fn label_text(label: &[u8]) -> String {
    let text = String::from_utf8_lossy(label);
    let text = text.trim();
    if text.chars().count() <= MAX_LABEL_CHARS {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(MAX_LABEL_CHARS).collect();
    short.push('…');
    short
}

/// Adds `label` to the distinct labels an error lists, keeping at most
/// [`MAX_LISTED_LABELS`] (then one "…"). Checking a short list keeps this
/// linear in the number of blocks: a file of a million distinct labels
/// would otherwise take a quadratic number of comparisons.
pub fn remember_label(found: &mut Vec<String>, label: &str) {
    if found.iter().any(|seen| seen == label) {
        return;
    }
    match found.len() {
        n if n < MAX_LISTED_LABELS => found.push(label.to_owned()),
        n if n == MAX_LISTED_LABELS => found.push("…".to_owned()),
        _ => {}
    }
}

fn trim(line: &[u8]) -> &[u8] {
    line.trim_ascii()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The input split at `\n` (as `split` would, including a last empty line
/// after a final newline), found with `memchr`: bundles are megabytes of
/// short lines.
struct Lines<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Lines<'a> {
    fn new(input: &'a [u8]) -> Self {
        Lines { rest: Some(input) }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        match memchr::memchr(b'\n', rest) {
            Some(end) => {
                self.rest = Some(&rest[end + 1..]);
                Some(&rest[..end])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lines_split_like_split() {
        for input in [&b""[..], b"\n", b"a", b"a\n", b"a\nb", b"\n\na\r\n\nb\n"] {
            let ours: Vec<&[u8]> = Lines::new(input).collect();
            let std: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
            assert_eq!(ours, std, "{input:?}");
        }
    }

    proptest! {
        /// The fast decoder used for certificate blocks accepts exactly the
        /// inputs the constant-time one accepts, with the same output: whole
        /// quads, then a tail of 0-4 characters whose last bits may be set
        /// (`B`, `Z`, `9`), then 0-3 `=`, so that padding and trailing-bit
        /// cases are frequent.
        #[test]
        fn fast_base64_agrees_with_base64ct(
            quads in "([AQgwBZz9/+]{4}){0,2}",
            tail in "[AQgwBZz9/+]{0,4}",
            padding in "={0,3}",
            junk in "[=A ]{0,1}",
        ) {
            let body = format!("{quads}{tail}{padding}{junk}");
            let fast = base64::engine::general_purpose::STANDARD.decode(body.as_bytes()).ok();
            let strict = Base64::decode_vec(&body).ok();
            prop_assert_eq!(fast, strict, "{:?}", body);
        }

        #[test]
        fn fast_base64_agrees_on_encoded_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..64), cut in 0usize..4) {
            let mut text = Base64::encode_string(&bytes);
            text.truncate(text.len().saturating_sub(cut));
            let fast = base64::engine::general_purpose::STANDARD.decode(text.as_bytes()).ok();
            let strict = Base64::decode_vec(&text).ok();
            prop_assert_eq!(fast, strict);
        }

        #[test]
        fn certificate_blocks_decode_as_before(body in "[A-Za-z0-9+/=]{1,40}") {
            let fast = decode(body.as_bytes(), "CERTIFICATE").map(|d| d.to_vec());
            let strict = decode_strict(body.as_bytes()).map(|d| d.to_vec());
            prop_assert_eq!(fast, strict);
        }
    }
}
