"""Finding libconsole_tls and declaring its C functions for ctypes.

The library is looked for, in order:

1. the path in the ``CONSOLE_TLS_LIB`` environment variable;
2. next to this package: ``pip install bindings/python`` builds it with cargo
   and bundles it there under the platform's own name (see setup.py);
3. the cargo target directory of the repository this package sits in
   (``CARGO_TARGET_DIR`` or ``<repo>/target``; the newer of ``release`` and ``debug``);
4. the system's library path (``ctypes.util.find_library("console_tls")``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from ctypes import POINTER, c_bool, c_char_p, c_int, c_int64, c_size_t, c_uint32, c_uint64, c_void_p
from pathlib import Path
from typing import Optional

ENV_VAR = "CONSOLE_TLS_LIB"

if sys.platform == "darwin":
    _FILE_NAME = "libconsole_tls.dylib"
elif sys.platform == "win32":
    _FILE_NAME = "console_tls.dll"
else:
    _FILE_NAME = "libconsole_tls.so"


def _candidates() -> list[Path]:
    package_dir = Path(__file__).resolve().parent
    found = [package_dir / _FILE_NAME]
    repo = package_dir.parent.parent.parent
    if (repo / "Cargo.toml").is_file():
        target = Path(os.environ.get("CARGO_TARGET_DIR") or repo / "target")
        if not target.is_absolute():
            target = repo / target
        built = [target / profile / _FILE_NAME for profile in ("release", "debug")]
        built = [path for path in built if path.is_file()]
        found += sorted(built, key=lambda path: path.stat().st_mtime, reverse=True)
    return found


def find_library() -> str:
    """The path of the library this package will load."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        if not Path(explicit).is_file():
            raise OSError(f"{ENV_VAR}={explicit!r}: no such file")
        return explicit
    for path in _candidates():
        if path.is_file():
            return str(path)
    system = ctypes.util.find_library("console_tls")
    if system:
        return system
    raise OSError(
        f"{_FILE_NAME} not found: build it with `cargo build --release` (or `cargo build`), "
        f"install it next to the console_tls package, or set {ENV_VAR} to its path"
    )


_OUT = POINTER(c_void_p)
_BYTES_OUT = POINTER(POINTER(ctypes.c_uint8))

# name: (restype, argtypes)
_PROTOTYPES = {
    "ctls_version": (c_char_p, []),
    "ctls_status_name": (c_char_p, [c_int]),
    # errors
    "ctls_error_status": (c_int, [c_void_p]),
    "ctls_error_code": (c_char_p, [c_void_p]),
    "ctls_error_message": (c_char_p, [c_void_p]),
    "ctls_error_env_var": (c_char_p, [c_void_p]),
    "ctls_error_path": (c_char_p, [c_void_p]),
    "ctls_error_block": (c_size_t, [c_void_p]),
    "ctls_error_line": (c_size_t, [c_void_p]),
    "ctls_error_free": (None, [c_void_p]),
    # warnings
    "ctls_warning_code": (c_char_p, [c_void_p]),
    "ctls_warning_message": (c_char_p, [c_void_p]),
    "ctls_warning_env_var": (c_char_p, [c_void_p]),
    # certificates
    "ctls_certificate_der": (c_int, [c_void_p, _BYTES_OUT, POINTER(c_size_t)]),
    "ctls_certificate_pem": (c_char_p, [c_void_p]),
    "ctls_certificate_subject": (c_char_p, [c_void_p]),
    "ctls_certificate_issuer": (c_char_p, [c_void_p]),
    "ctls_certificate_serial": (c_char_p, [c_void_p]),
    "ctls_certificate_not_before": (c_char_p, [c_void_p]),
    "ctls_certificate_not_after": (c_char_p, [c_void_p]),
    "ctls_certificate_not_before_unix": (c_int64, [c_void_p]),
    "ctls_certificate_not_after_unix": (c_int64, [c_void_p]),
    "ctls_certificate_fingerprint256": (c_char_p, [c_void_p]),
    "ctls_certificate_public_key": (c_char_p, [c_void_p]),
    "ctls_certificate_is_ca": (c_bool, [c_void_p]),
    "ctls_certificate_san_len": (c_size_t, [c_void_p]),
    "ctls_certificate_san": (c_char_p, [c_void_p, c_size_t]),
    # server identities
    "ctls_server_tls_load_arguments": (c_int, [POINTER(c_char_p), POINTER(c_char_p), c_size_t, _OUT, _OUT]),
    "ctls_server_tls_chain_len": (c_size_t, [c_void_p]),
    "ctls_server_tls_certificate": (c_void_p, [c_void_p, c_size_t]),
    "ctls_server_tls_key_der": (c_int, [c_void_p, _BYTES_OUT, POINTER(c_size_t)]),
    "ctls_server_tls_chain_pem": (c_char_p, [c_void_p]),
    "ctls_server_tls_key_pem": (c_char_p, [c_void_p]),
    "ctls_server_tls_key_type": (c_char_p, [c_void_p]),
    "ctls_server_tls_key_algorithm": (c_char_p, [c_void_p]),
    "ctls_server_tls_key_bits": (c_size_t, [c_void_p]),
    "ctls_server_tls_warnings_len": (c_size_t, [c_void_p]),
    "ctls_server_tls_warning": (c_void_p, [c_void_p, c_size_t]),
    "ctls_server_tls_client_auth": (c_int, [c_void_p]),
    "ctls_server_tls_client_ca_len": (c_size_t, [c_void_p]),
    "ctls_server_tls_client_ca_der": (c_int, [c_void_p, c_size_t, _BYTES_OUT, POINTER(c_size_t)]),
    "ctls_server_tls_client_ca_pem": (c_char_p, [c_void_p]),
    "ctls_server_tls_free": (None, [c_void_p]),
    # trust
    "ctls_trust_load_with_options": (c_int, [c_char_p, c_uint32, _OUT, _OUT]),
    "ctls_trust_verify_server": (c_int, [c_void_p, c_char_p, c_size_t, c_char_p, _OUT]),
    "ctls_trust_extras_len": (c_size_t, [c_void_p]),
    "ctls_trust_extra": (c_void_p, [c_void_p, c_size_t]),
    "ctls_trust_extras_pem": (c_char_p, [c_void_p]),
    "ctls_trust_trusted_pem": (c_char_p, [c_void_p]),
    "ctls_trust_verify_server_items": (c_int, [c_void_p, POINTER(c_char_p), POINTER(c_size_t), c_size_t, c_char_p, _OUT]),
    "ctls_trust_mozilla_root_count": (c_size_t, [c_void_p]),
    "ctls_trust_system_root_count": (c_size_t, [c_void_p]),
    "ctls_trust_warnings_len": (c_size_t, [c_void_p]),
    "ctls_trust_warning": (c_void_p, [c_void_p, c_size_t]),
    "ctls_trust_free": (None, [c_void_p]),
    # configs
    "ctls_config_from_vars_with_options": (
        c_int,
        [POINTER(c_char_p), POINTER(c_char_p), c_size_t, c_uint32, _OUT, _OUT],
    ),
    "ctls_config_server": (c_void_p, [c_void_p]),
    "ctls_config_management": (c_void_p, [c_void_p]),
    "ctls_config_trust": (c_void_p, [c_void_p]),
    "ctls_config_identity": (c_void_p, [c_void_p]),
    "ctls_config_warnings_len": (c_size_t, [c_void_p]),
    "ctls_config_warning": (c_void_p, [c_void_p, c_size_t]),
    "ctls_config_free": (None, [c_void_p]),
    "ctls_config_ssl_health_json": (c_int, [c_void_p, c_uint64, _OUT]),
    "ctls_config_ssl_metrics": (c_int, [c_void_p, c_uint64, _OUT]),
    "ctls_string_free": (None, [c_void_p]),
    # watchers
    "ctls_watcher_new_with_options": (
        c_int,
        [POINTER(c_char_p), POINTER(c_char_p), c_size_t, c_uint32, _OUT, _OUT],
    ),
    "ctls_watcher_poll": (c_int, [c_void_p, _OUT, _OUT]),
    "ctls_watcher_current": (c_void_p, [c_void_p]),
    "ctls_watcher_files_len": (c_size_t, [c_void_p]),
    "ctls_watcher_file": (c_char_p, [c_void_p, c_size_t]),
    "ctls_watcher_free": (None, [c_void_p]),
    # identity
    "ctls_identity_base_url": (c_char_p, [c_void_p]),
    "ctls_identity_internal_base_url": (c_char_p, [c_void_p]),
    "ctls_identity_uses_tls": (c_bool, [c_void_p]),
    "ctls_identity_warnings_len": (c_size_t, [c_void_p]),
    "ctls_identity_warning": (c_void_p, [c_void_p, c_size_t]),
}

OPTION_LENIENT_TRUST = 1
OPTION_SYSTEM_ROOTS = 2
OPTION_REQUIRE_TLS = 4

# ctls_watch_status
WATCH_UNCHANGED = 0
WATCH_RELOADED = 1
WATCH_FAILED = 2

_lib: Optional[ctypes.CDLL] = None


def lib() -> ctypes.CDLL:
    """The loaded library with every prototype declared (loaded on first use)."""
    global _lib
    if _lib is None:
        loaded = ctypes.CDLL(find_library())
        for name, (restype, argtypes) in _PROTOTYPES.items():
            function = getattr(loaded, name)
            function.restype = restype
            function.argtypes = argtypes
        _lib = loaded
    return _lib
