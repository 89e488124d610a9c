//! console-tls loads, checks and trusts the TLS configuration of a Node-based
//! Console service, configured by environment variables, and hands the
//! result to Rust, Node (native addon), C and any runtime with a C FFI.
//!
//! ```no_run
//! use console_tls::{Config, Options, Settings};
//!
//! let settings = Settings::from_vars([
//!     ("SERVER_SSL_ENABLED", "true"),
//!     ("SERVER_SSL_CERTIFICATE", "file:/etc/tls/cert.pem"),
//!     ("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "file:/etc/tls/key.pem"),
//! ]);
//! match Config::load(&settings, &Options::default()) {
//!     Ok(config) => {
//!         let server = config.server.expect("SERVER_SSL_ENABLED is true");
//!         println!("serving {}", server.leaf().info().subject);
//!         let _rustls_config = server.server_config();
//!     }
//!     // e.g. "SERVER_SSL_CERTIFICATE_PRIVATE_KEY: the key in /etc/tls/key.pem
//!     // (ECDSA P-256) does not belong to the certificate in /etc/tls/cert.pem (RSA 2048-bit); …"
//!     Err(error) => eprintln!("{}: {error}", error.code()),
//! }
//! ```
//!
//! The modules follow the loading path: [`settings`] (the environment
//! contract) → [`location`] (bounded file reading) → [`pem`] (every block
//! accounted for) → [`certificate`] and [`key`] (or a PKCS#12 [`key_store`]) →
//! [`server_tls`] (a listener's identity); [`trust`] (extra CAs and server verification) and [`identity`]
//! (Identity's URLs) → [`config`] (everything the environment configures) and
//! [`report`] (every problem at once, for `console-tls check`); [`health`]
//! (certificate validity as Spring Boot's `ssl` health and Prometheus metrics).

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod certificate;
pub mod client_auth;
pub mod config;
#[cfg(feature = "cli")]
pub mod dev_certs;
pub mod error;
#[cfg(feature = "c-api")]
#[allow(unsafe_code)]
pub mod ffi;
pub mod health;
pub mod identity;
pub mod key;
pub mod key_store;
pub mod location;
pub mod options;
pub mod pem;
pub mod provider;
pub mod reload;
pub mod report;
pub mod servable;
pub mod server_tls;
pub mod settings;
pub mod trust;
pub mod warning;

pub use certificate::{Certificate, CertificateInfo};
pub use client_auth::{ClientAuth, ClientAuthPolicy};
pub use config::Config;
pub use error::{Error, ErrorCode, ErrorKind, Result, Source};
pub use health::{HealthOptions, SslHealth};
pub use identity::Identity;
pub use key::{KeyFormat, KeyType, PrivateKey};
pub use location::Location;
pub use options::Options;
pub use report::Report;
pub use server_tls::ServerTls;
pub use settings::{IdentitySource, Listener, ListenerSettings, Passphrase, Settings};
pub use trust::{Trust, Verified};
pub use warning::{Warning, WarningCode};

/// The library version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
