//! Strings across the boundary: NUL-terminated input, and the C strings
//! handles keep for their accessors.

use std::ffi::{c_char, CStr, CString};
use std::path::Path;

use super::error::ErrorData;

/// A required NUL-terminated argument, as bytes.
pub(crate) fn arg_bytes<'a>(ptr: *const c_char, name: &'static str) -> Result<&'a [u8], ErrorData> {
    optional_bytes(ptr).ok_or_else(|| ErrorData::null_argument(name))
}

/// A nullable NUL-terminated argument, as bytes.
pub(crate) fn optional_bytes<'a>(ptr: *const c_char) -> Option<&'a [u8]> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: not NULL, and the header documents that string arguments are
    // NUL-terminated and stay valid for the duration of the call; the bytes
    // are copied before the call returns.
    Some(unsafe { CStr::from_ptr(ptr) }.to_bytes())
}

/// The text of an argument that must be UTF-8.
pub(crate) fn utf8<'a>(bytes: &'a [u8], name: &'static str) -> Result<&'a str, ErrorData> {
    std::str::from_utf8(bytes).map_err(|_| ErrorData::invalid_utf8(name))
}

/// A C string for an accessor. Text from certificates may hold NUL bytes,
/// which a C string cannot: they become U+FFFD so the rest stays readable.
pub(crate) fn c_string(text: &str) -> CString {
    CString::new(text.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

/// A path as the bytes the operating system uses for it.
pub(crate) fn path_c_string(path: &Path) -> CString {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        CString::new(path.as_os_str().as_bytes())
            .unwrap_or_else(|_| c_string(&path.to_string_lossy()))
    }
    #[cfg(not(unix))]
    {
        c_string(&path.to_string_lossy())
    }
}

/// The pointer an accessor returns for an optional string.
pub(crate) fn ptr_of(text: Option<&CString>) -> *const c_char {
    text.map_or(std::ptr::null(), |text| text.as_ptr())
}

/// A required array argument of `count` pointers (NULL is allowed when
/// `count` is 0).
pub(crate) fn arg_array<'a, T>(
    ptr: *const T,
    count: usize,
    name: &'static str,
) -> Result<&'a [T], ErrorData> {
    if count == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(ErrorData::null_argument(name));
    }
    // SAFETY: not NULL, and the header documents that the array holds
    // `count` pointers and stays valid for the duration of the call.
    Ok(unsafe { std::slice::from_raw_parts(ptr, count) })
}

/// A required byte-range argument.
pub(crate) fn arg_slice<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], ErrorData> {
    if ptr.is_null() {
        return Err(ErrorData::null_argument(name));
    }
    // SAFETY: not NULL, and the header documents that the range holds `len`
    // readable bytes for the duration of the call; they are copied or parsed
    // before the call returns.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The `items` / `lens` arrays of `count` byte ranges (`lens[i]` bytes at
/// `items[i]`), e.g. the DER or PEM certificates a TLS client received. A
/// NULL array or item is `CTLS_ERR_NULL_ARGUMENT`.
pub(crate) fn arg_items<'a>(
    items: *const *const u8,
    lens: *const usize,
    count: usize,
) -> Result<Vec<&'a [u8]>, ErrorData> {
    let items = arg_array(items, count, "items")?;
    let lens = arg_array(lens, count, "lens")?;
    items
        .iter()
        .zip(lens)
        .enumerate()
        .map(|(i, (&item, &len))| {
            if item.is_null() {
                return Err(ErrorData::null_entry("items", i));
            }
            // SAFETY: not NULL, and the header documents that `items[i]`
            // holds `lens[i]` readable bytes for the duration of the call;
            // they are parsed before the call returns.
            Ok(unsafe { std::slice::from_raw_parts(item, len) })
        })
        .collect()
}

/// A name/value pair as `Settings::from_vars` takes it.
pub(crate) type Var<'a> = (std::borrow::Cow<'a, str>, &'a [u8]);

/// The `names` / `values` arrays of `count` NUL-terminated strings that the
/// `*_from_vars` functions take, as the pairs `Settings::from_vars` takes:
/// names lossily as text (a name that is not UTF-8 is no contract variable),
/// values as bytes. A NULL array or entry is `CTLS_ERR_NULL_ARGUMENT`.
pub(crate) fn arg_vars<'a>(
    names: *const *const c_char,
    values: *const *const c_char,
    count: usize,
) -> Result<Vec<Var<'a>>, ErrorData> {
    let names = arg_array(names, count, "names")?;
    let values = arg_array(values, count, "values")?;
    let mut vars = Vec::with_capacity(count);
    for (i, (name, value)) in names.iter().zip(values).enumerate() {
        let name = optional_bytes(*name).ok_or_else(|| ErrorData::null_entry("names", i))?;
        let value = optional_bytes(*value).ok_or_else(|| ErrorData::null_entry("values", i))?;
        vars.push((String::from_utf8_lossy(name), value));
    }
    Ok(vars)
}
