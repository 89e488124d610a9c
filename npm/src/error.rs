//! Core errors as real JavaScript `Error` objects carrying the contract's
//! structure: `.code` (`ERR_*`), `.envVar`, `.path`, `.block`, `.line`.

use napi::bindgen_prelude::*;

/// Builds the JavaScript error for `error` and wraps it so that napi throws
/// (or rejects with) that very object.
pub fn to_js(env: &Env, error: &console_tls::Error) -> Error {
    build(env, error).unwrap_or_else(|failure| failure)
}

fn build(env: &Env, error: &console_tls::Error) -> Result<Error> {
    let object = object(env, error)?;
    Ok(Error::from(object.into_unknown(env)?))
}

/// The JavaScript `Error` object for `error`, as a value (for callbacks
/// that receive errors instead of catching them).
pub fn object<'env>(env: &'env Env, error: &console_tls::Error) -> Result<Object<'env>> {
    let mut object = env.create_error(Error::new(Status::GenericFailure, error.message()))?;
    object.set_named_property("code", error.code().as_str())?;
    if let Some(var) = error.env_var() {
        object.set_named_property("envVar", var)?;
    }
    if let Some(path) = error.path() {
        object.set_named_property("path", path.to_string_lossy().as_ref())?;
    }
    if let Some(block) = error.block() {
        object.set_named_property("block", block as u32)?;
    }
    if let Some(line) = error.line() {
        object.set_named_property("line", line as u32)?;
    }
    Ok(object)
}
