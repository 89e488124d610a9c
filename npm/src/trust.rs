//! Trust (extra CA certificates) and server-chain verification.
//!
//! A loaded trust crosses into JavaScript twice: as plain data (`ca`,
//! `warnings`) and as a `TrustHandle` that keeps the core's `Trust` alive so
//! that `verifyServer` does not parse the bundle again, and that describes
//! the certificates when the wrapper's `certificates` is first read. The
//! public wrapper hides the handle behind a symbol.

use napi::bindgen_prelude::*;
use napi::{Env, Task};
use napi_derive::napi;

use crate::convert::{self, CertificateInfo, NativeOptions, WarningInfo};
use crate::error;

/// The core's `Trust`, held for `verifyServer`.
#[napi]
pub struct TrustHandle {
    inner: console_tls::Trust,
}

/// A chain that verified.
#[napi(object, object_from_js = false)]
pub struct Verified {
    /// The trust anchor's subject (for a directly trusted certificate, its own).
    pub anchor_subject: String,
    /// The server certificate itself is one of the extras (exact bytes).
    pub trusted_directly: bool,
    /// `'extra'`, `'mozilla'` or `'system'`.
    pub anchor_source: String,
    /// The presented certificates the path used, server certificate first.
    pub chain: Vec<CertificateInfo>,
}

#[napi]
impl TrustHandle {
    /// One entry per extra certificate, in the order of `ca`.
    #[napi]
    pub fn certificates(&self) -> Vec<CertificateInfo> {
        self.inner
            .extras()
            .iter()
            .map(|c| CertificateInfo::from(c.info()))
            .collect()
    }

    /// The operating system's roots this trust uses, as PEM strings (empty
    /// unless it was loaded with `system`): Node's `SecureContext` for
    /// `agentOptions` needs the certificates, and Node 20 cannot read the
    /// system store itself.
    #[napi]
    pub fn system_ca(&self) -> Vec<String> {
        self.inner
            .system_root_certificates()
            .iter()
            .map(|der| console_tls::certificate::pem_encode("CERTIFICATE", der))
            .collect()
    }

    /// Verifies `chain` (each entry DER or PEM bytes, or PEM text; server
    /// certificate first) for `hostname` at `nowMs` (default: now).
    #[napi]
    pub fn verify_server(
        &self,
        env: Env,
        chain: Vec<Either<String, Buffer>>,
        hostname: String,
        now_ms: Option<f64>,
    ) -> Result<Verified> {
        let now = NativeOptions {
            now_ms,
            ..NativeOptions::default()
        }
        .to_core()
        .now();
        let items: Vec<&[u8]> = chain
            .iter()
            .map(|entry| match entry {
                Either::A(text) => text.as_bytes(),
                Either::B(buffer) => &buffer[..],
            })
            .collect();
        let ders: Vec<_> = console_tls::certificate::chain_from_items(&items, "chain")
            .map_err(|e| error::to_js(&env, &e))?
            .into_iter()
            .map(|c| c.der().clone())
            .collect();
        let verified = self
            .inner
            .verify_server(&ders, &hostname, now)
            .map_err(|e| error::to_js(&env, &e))?;
        Ok(Verified {
            anchor_subject: verified.anchor_subject,
            trusted_directly: verified.trusted_directly,
            anchor_source: verified.anchor_source.as_str().to_owned(),
            chain: verified.chain.iter().map(CertificateInfo::from).collect(),
        })
    }
}

/// A loaded trust as data, plus the handle the wrapper hides. The facts of
/// each extra certificate are not here: the wrapper's `certificates` asks
/// the handle for them on first read (a bundle of a hundred CAs costs
/// milliseconds to describe, and most callers only pass `ca` on).
#[napi(object, object_from_js = false)]
pub struct Trust {
    /// The extra certificates as PEM strings, one per certificate, deduplicated.
    pub ca: Vec<String>,
    pub warnings: Vec<WarningInfo>,
    /// How many of the base roots come from Mozilla's store.
    pub mozilla_roots: u32,
    /// How many come from the operating system's (0 unless `system`).
    pub system_roots: u32,
    pub handle: TrustHandle,
}

impl From<&console_tls::Trust> for Trust {
    fn from(trust: &console_tls::Trust) -> Self {
        Trust {
            ca: trust.extras().iter().map(|c| c.pem()).collect(),
            warnings: convert::warnings(trust.warnings()),
            mozilla_roots: trust.mozilla_root_count() as u32,
            system_roots: trust.system_root_count() as u32,
            handle: TrustHandle {
                inner: trust.clone(),
            },
        }
    }
}

/// `loadTrust` arguments.
#[napi(object)]
pub struct TrustArgs {
    /// One location or several: a path, `file:/path`, or the PEM text itself.
    pub extra_ca_certs: Option<Either<String, Vec<String>>>,
    /// Problems are errors (default) or warnings.
    pub strict: Option<bool>,
    /// Add the operating system's root store to Mozilla's.
    pub system: Option<bool>,
    /// Directory that relative paths resolve against.
    pub base_dir: Option<String>,
}

/// The name errors and warnings give the argument.
const EXTRA_CA_CERTS: &str = "extraCaCerts";

pub struct TrustInput {
    locations: Vec<String>,
    options: NativeOptions,
}

impl TrustInput {
    pub fn new(args: TrustArgs, options: Option<NativeOptions>) -> Self {
        let mut options = options.unwrap_or_default();
        options.strict = args.strict.or(options.strict);
        options.system = args.system.or(options.system);
        if args.base_dir.is_some() {
            options.base_dir = args.base_dir;
        }
        let locations = match args.extra_ca_certs {
            None => Vec::new(),
            Some(Either::A(one)) => vec![one],
            Some(Either::B(many)) => many,
        };
        TrustInput { locations, options }
    }

    fn load(&self) -> console_tls::Result<console_tls::Trust> {
        console_tls::Trust::from_locations(
            &self.locations,
            &self.options.base_dir(),
            EXTRA_CA_CERTS,
            &self.options.to_core(),
        )
    }
}

/// Loads extra CA certificates on top of the base roots.
#[napi]
pub fn load_trust(env: Env, args: TrustArgs, options: Option<NativeOptions>) -> Result<Trust> {
    match TrustInput::new(args, options).load() {
        Ok(trust) => Ok(Trust::from(&trust)),
        Err(e) => Err(error::to_js(&env, &e)),
    }
}

pub struct LoadTrustTask(TrustInput);

impl Task for LoadTrustTask {
    type Output = console_tls::Result<console_tls::Trust>;
    type JsValue = Trust;

    fn compute(&mut self) -> Result<Self::Output> {
        Ok(self.0.load())
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<Trust> {
        match output {
            Ok(trust) => Ok(Trust::from(&trust)),
            Err(e) => Err(error::to_js(&env, &e)),
        }
    }
}

/// `loadTrust` on the thread pool.
#[napi(ts_return_type = "Promise<Trust>")]
pub fn load_trust_async(
    args: TrustArgs,
    options: Option<NativeOptions>,
) -> AsyncTask<LoadTrustTask> {
    AsyncTask::new(LoadTrustTask(TrustInput::new(args, options)))
}

/// Identity's URLs.
#[napi(object, object_from_js = false)]
pub struct Identity {
    /// `KEYCLOAK_BASE_URL`, normalised (`null` when unset).
    pub base_url: Option<String>,
    /// `KEYCLOAK_INTERNAL_BASE_URL`, or the base URL when unset.
    pub internal_base_url: Option<String>,
    /// A configured URL is `https://`.
    pub uses_tls: bool,
    pub warnings: Vec<WarningInfo>,
}

impl From<&console_tls::Identity> for Identity {
    fn from(identity: &console_tls::Identity) -> Self {
        Identity {
            base_url: identity.base_url.as_ref().map(|u| u.to_string()),
            internal_base_url: identity.internal_base_url.as_ref().map(|u| u.to_string()),
            uses_tls: identity.uses_tls(),
            warnings: convert::warnings(&identity.warnings),
        }
    }
}
