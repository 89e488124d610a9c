//! The one crypto provider every config is built with.
//!
//! rustls can pick a process-wide default; a library must not depend on (or
//! change) what its host installed, so every config names this one.

use std::sync::{Arc, LazyLock};

use rustls::crypto::CryptoProvider;

static PROVIDER: LazyLock<Arc<CryptoProvider>> =
    LazyLock::new(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));

/// The aws-lc-rs provider, built once.
pub fn get() -> Arc<CryptoProvider> {
    PROVIDER.clone()
}
