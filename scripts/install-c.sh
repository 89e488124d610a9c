#!/bin/sh
# Builds libconsole_tls and installs it for C projects:
#
#   scripts/install-c.sh PREFIX
#
# PREFIX/include/console_tls.h, PREFIX/lib/libconsole_tls.{so,a} and
# PREFIX/lib/pkgconfig/console_tls.pc, so that a C project can use
#   cc app.c $(pkg-config --cflags --libs console_tls)
# with PKG_CONFIG_PATH=PREFIX/lib/pkgconfig (see docs/c-api.md).
# CTLS_PROFILE=debug installs the debug build instead of the release one.
set -eu

prefix=${1:?usage: scripts/install-c.sh PREFIX}
profile=${CTLS_PROFILE:-release}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

case $profile in
release) cargo build --release --lib -p console-tls ;;
debug) cargo build --lib -p console-tls ;;
*) echo "CTLS_PROFILE must be release or debug" >&2; exit 2 ;;
esac

target_dir=$(cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
built="$target_dir/$profile"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)

# A target directory shared with other checkouts may hold another build of
# the crate: install only a library that has the C ABI.
if command -v nm >/dev/null && ! nm -D --defined-only "$built/libconsole_tls.so" | grep -q ' ctls_version$'; then
    echo "$built/libconsole_tls.so does not export the C ABI (ctls_*); rebuild it" >&2
    exit 1
fi

install -d "$prefix/include" "$prefix/lib/pkgconfig"
install -m 644 include/console_tls.h "$prefix/include/console_tls.h"
install -m 755 "$built/libconsole_tls.so" "$prefix/lib/libconsole_tls.so"
install -m 644 "$built/libconsole_tls.a" "$prefix/lib/libconsole_tls.a"

# Libs.private: what the static library needs from the system, as
# `cargo rustc --lib --crate-type staticlib -- --print native-static-libs`
# prints it on Linux (without -lc; with glibc >= 2.34 -lpthread -ldl -lm suffice).
cat > "$prefix/lib/pkgconfig/console_tls.pc" <<PC
prefix=$prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: console_tls
Description: Loads, checks and trusts the TLS configuration of a Node-based Console service
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -lconsole_tls
Libs.private: -lgcc_s -lutil -lrt -lpthread -lm -ldl
PC

echo "installed console-tls $version ($profile) into $prefix"
