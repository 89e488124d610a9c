//! Generates `include/console_tls.h` from the C ABI in `src/ffi/` with
//! cbindgen. The header is committed; the build rewrites it only when its
//! content changes, and `tests/c/run.sh` fails when the committed copy is
//! stale.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src/ffi");

    let root = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    if let Err(message) = generate_header(&root) {
        // A broken header must not hide the compiler's own error (a syntax
        // error in src/ffi fails here first); the stale-header check in
        // tests/c/run.sh catches a header that was not regenerated.
        println!("cargo:warning=include/console_tls.h not regenerated: {message}");
    }
}

fn generate_header(root: &Path) -> Result<(), String> {
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml"))
        .map_err(|e| format!("cbindgen.toml: {e}"))?;
    // Parsing src/ffi alone (not the whole crate through `cargo metadata`)
    // keeps the build script fast and exports only the C ABI's items.
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi/mod.rs"))
        .generate()
        .map_err(|e| e.to_string())?;
    let mut header = Vec::new();
    bindings.write(&mut header);

    let path = root.join("include/console_tls.h");
    if std::fs::read(&path).ok().as_deref() == Some(header.as_slice()) {
        return Ok(());
    }
    std::fs::create_dir_all(root.join("include")).map_err(|e| e.to_string())?;
    std::fs::write(&path, header).map_err(|e| format!("{}: {e}", path.display()))
}
