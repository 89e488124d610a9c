//! Opaque handles: how a C pointer type maps to the Rust value behind it.
//!
//! Every handle points at an immutable Rust value. Owned handles come from
//! `Arc::into_raw` and go back through their `_free` function; borrowed
//! handles (a certificate of a chain, a warning, the server identity of a
//! config) point into a value an owned handle keeps alive.

use std::sync::Arc;

use super::error::ErrorData;

/// Links an opaque C type (`ctls_foo`) to the Rust type behind it.
pub(crate) trait Handle {
    /// The value a `*const Self` points at.
    type Inner: Send + Sync;
}

/// A handle the caller owns and releases with its `_free` function.
pub(crate) trait Owned: Handle {}

/// Gives the caller a new owned handle.
pub(crate) fn into_raw<H: Owned>(inner: Arc<H::Inner>) -> *const H {
    Arc::into_raw(inner).cast()
}

/// A borrowed handle for a value kept alive by its owner.
pub(crate) fn as_ptr<H: Handle>(inner: &H::Inner) -> *const H {
    (inner as *const H::Inner).cast()
}

/// Releases an owned handle; NULL is ignored.
pub(crate) fn free<H: Owned>(ptr: *const H) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: the header documents that an owned handle comes from this
    // library (`into_raw`, i.e. `Arc::into_raw` of the same `Inner` type)
    // and is freed at most once; `H` fixes `Inner`, so the cast recovers the
    // pointer `Arc::into_raw` returned.
    drop(unsafe { Arc::from_raw(ptr.cast::<H::Inner>()) });
}

/// The value behind a handle, or `None` for NULL.
pub(crate) fn get<'a, H: Handle>(ptr: *const H) -> Option<&'a H::Inner> {
    // SAFETY: a non-NULL handle was produced by `into_raw` or `as_ptr` for
    // this `H` (both point at a live `H::Inner`), and the header documents
    // that it must not be used after its owner is freed. The value is never
    // mutated after construction, so a shared reference is sound.
    unsafe { ptr.cast::<H::Inner>().as_ref() }
}

/// The value behind a required handle argument.
pub(crate) fn arg<'a, H: Handle>(
    ptr: *const H,
    name: &'static str,
) -> Result<&'a H::Inner, ErrorData> {
    get(ptr).ok_or_else(|| ErrorData::null_argument(name))
}

/// A required `T *out` parameter.
pub(crate) struct Out<T> {
    ptr: *mut T,
}

impl<T> Out<T> {
    /// Checks `ptr` for NULL.
    pub(crate) fn new(ptr: *mut T, name: &'static str) -> Result<Out<T>, ErrorData> {
        if ptr.is_null() {
            Err(ErrorData::null_argument(name))
        } else {
            Ok(Out { ptr })
        }
    }

    /// Stores `value`.
    pub(crate) fn write(self, value: T) {
        // SAFETY: `ptr` is not NULL (checked in `new`), and the header
        // documents that an out parameter points to writable storage for
        // one `T`. `T` is a pointer or an integer: nothing is dropped.
        unsafe { self.ptr.write(value) }
    }
}

/// Sets a pointer out parameter to NULL when it is not NULL itself, so that
/// it holds NULL after any failure.
pub(crate) fn clear<T>(out: *mut *const T) {
    if !out.is_null() {
        // SAFETY: not NULL; the header documents that out parameters point
        // to writable storage for one pointer.
        unsafe { out.write(std::ptr::null()) }
    }
}

/// Stores a slice in a `(const uint8_t **data, size_t *len)` pair.
pub(crate) fn write_bytes(
    data: *mut *const u8,
    len: *mut usize,
    bytes: &[u8],
) -> Result<(), ErrorData> {
    let data = Out::new(data, "data")?;
    let len = Out::new(len, "len")?;
    data.write(bytes.as_ptr());
    len.write(bytes.len());
    Ok(())
}
