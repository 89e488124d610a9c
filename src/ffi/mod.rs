//! The C ABI (`include/console_tls.h`, symbols `ctls_*`).
//!
//! This module only converts types: every decision is made by the core.
//! It follows rustls-ffi's conventions:
//!
//! - One status enum, [`status::ctls_status`]: `CTLS_OK`, one `CTLS_ERR_*` per
//!   [`crate::ErrorCode`], plus `CTLS_ERR_NULL_ARGUMENT`,
//!   `CTLS_ERR_INVALID_UTF8` and `CTLS_ERR_PANIC`.
//! - Results go to `T **out` parameters; a fallible function also takes a
//!   nullable `ctls_error **err` that receives the details of a failure.
//! - Handles are opaque, immutable, `Arc`-backed (shareable between threads
//!   once built). One ownership per type: a type with a `_free` function is
//!   always owned (accessors that return one return a new reference), and a
//!   type without one (certificates, warnings, identity) is always borrowed
//!   and lives, like strings and bytes, as long as the handle it came from.
//! - Every export runs inside [`ffi_boundary!`]: a panic becomes
//!   `CTLS_ERR_PANIC` (or NULL / 0 / false) instead of unwinding into C.
//! - NULL arguments are checked first and give `CTLS_ERR_NULL_ARGUMENT`.
//! - Inputs are copied; nothing the caller passed is kept after the call.
//!
//! `unsafe` lives here and nowhere else in the crate; each block says why it
//! is sound.

// C names (`ctls_status`, `ctls_config`, …) are the ABI.
#![allow(non_camel_case_types)]

#[macro_use]
mod boundary;
mod handle;
mod text;

pub mod certificate;
pub mod config;
pub mod error;
pub mod health;
pub mod identity;
pub mod options;
pub mod server_tls;
pub mod status;
pub mod trust;
pub mod warning;
pub mod watcher;

#[cfg(test)]
mod tests;
