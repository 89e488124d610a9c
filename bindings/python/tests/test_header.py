"""The binding is tied to the header cbindgen generates from the Rust code:
every ctypes prototype matches a declaration of include/console_tls.h (name,
arity, and the kind of each type), every function of the header is bound,
and ERROR_CODES is the header's status enum."""

import ctypes
import re
from pathlib import Path

import console_tls
from console_tls import _native

HEADER = Path(__file__).resolve().parents[3] / "include" / "console_tls.h"

# Statuses that are about the call, not the configuration.
CALL_STATUSES = {"NULL_ARGUMENT", "INVALID_UTF8", "PANIC"}


def declarations() -> dict[str, tuple[str, list[str]]]:
    """name -> (return type, [parameter types]) for every function of the header."""
    text = re.sub(r"/\*.*?\*/", "", HEADER.read_text(), flags=re.S)
    found = {}
    for ret, name, params in re.findall(r"^([\w][\w \*]*?)\s*\b(ctls_\w+)\(([^)]*)\);", text, flags=re.M):
        params = " ".join(params.split())
        types = [] if params in ("", "void") else [re.sub(r"\s*\b\w+$", "", p.strip()) for p in params.split(",")]
        found[name] = (" ".join(ret.split()), types)
    return found


def kind_of_c(c_type: str) -> str:
    c_type = c_type.replace("const ", "").strip()
    if c_type == "void":
        return "void"
    if c_type.count("*") >= 2:
        return "out"
    if c_type in ("char *", "char*"):
        return "text"
    if c_type.endswith("*"):
        return "pointer"
    if c_type in ("size_t", "uintptr_t"):
        return "size"
    if c_type == "bool":
        return "bool"
    if c_type in ("int64_t",):
        return "int64"
    if c_type in ("uint64_t",):
        return "uint64"
    if c_type in ("ctls_status", "ctls_watch_result", "int32_t", "uint32_t", "int") or c_type.startswith("ctls_"):
        return "int"
    return c_type


def kind_of_ctypes(t) -> str:
    if t is None:
        return "void"
    if t is ctypes.c_char_p:
        return "text"
    if t is ctypes.c_void_p:
        return "pointer"
    if t is ctypes.c_size_t:
        return "size"
    if t is ctypes.c_bool:
        return "bool"
    if t is ctypes.c_int64:
        return "int64"
    if t is ctypes.c_uint64:
        return "uint64"
    if t in (ctypes.c_int, ctypes.c_uint32, ctypes.c_int32):
        return "int"
    if hasattr(t, "_type_") and not isinstance(t._type_, str):
        inner = t._type_
        # POINTER(c_void_p) / POINTER(POINTER(...)): an out parameter; POINTER(c_size_t) too.
        if inner is ctypes.c_size_t:
            return "size out"
        return "out"
    if isinstance(t, type) and issubclass(t, ctypes.Array):
        return "out"
    return repr(t)


def compatible(c_type: str, py_type) -> bool:
    c_kind, py_kind = kind_of_c(c_type), kind_of_ctypes(py_type)
    if c_kind == py_kind:
        return True
    # `size_t *len`, `const char *const *names`, `const uint8_t *bytes` are pointers in C.
    if py_kind == "size out" and c_type.replace(" ", "").endswith("size_t*"):
        return True
    if c_kind == "pointer" and py_kind in ("text", "out"):
        return True
    if c_kind == "out" and py_kind == "pointer":
        return True
    # ctypes' c_uint64 is c_size_t's own type on LP64 platforms.
    if c_kind == "uint64" and py_kind == "size" and ctypes.sizeof(py_type) == 8:
        return True
    # An owned `char *` handed back to be freed (ctls_string_free): a c_void_p,
    # because a c_char_p would be copied into bytes and the pointer lost.
    if c_type.replace(" ", "") == "char*" and py_kind == "pointer":
        return True
    return False


def test_every_prototype_matches_the_header() -> None:
    header = declarations()
    assert len(header) > 60
    mismatches = []
    for name, (restype, argtypes) in _native._PROTOTYPES.items():
        if name not in header:
            mismatches.append(f"{name}: not in the header")
            continue
        c_ret, c_params = header[name]
        if len(c_params) != len(argtypes):
            mismatches.append(f"{name}: {len(argtypes)} arguments bound, {len(c_params)} declared")
            continue
        if not compatible(c_ret, restype):
            mismatches.append(f"{name}: returns {c_ret}, bound as {restype}")
        for i, (c_type, py_type) in enumerate(zip(c_params, argtypes)):
            if not compatible(c_type, py_type):
                mismatches.append(f"{name}: argument {i} is {c_type}, bound as {py_type}")
    assert mismatches == []


# C conveniences the binding reaches through a more general function.
NOT_BOUND = {
    "ctls_config_from_env": "load_from_env passes the environment itself (ctls_config_from_vars_with_options)",
    "ctls_config_from_env_with_options": "the same",
    "ctls_config_from_vars": "ctls_config_from_vars_with_options with options 0",
    "ctls_server_tls_load": "load_server_tls passes its arguments by name (ctls_server_tls_load_arguments)",
    "ctls_server_tls_load_key_store": "load_key_store: the same",
    "ctls_server_tls_cert_der": "certificates are read through ctls_server_tls_certificate + ctls_certificate_der",
    "ctls_trust_load": "ctls_trust_load_with_options with options 0",
    "ctls_watcher_from_env": "Watcher passes the environment itself (ctls_watcher_new_with_options)",
    "ctls_watcher_from_env_with_options": "the same",
    "ctls_watcher_new": "ctls_watcher_new_with_options with options 0",
}


def test_every_function_of_the_header_is_bound() -> None:
    header = set(declarations())
    assert sorted(header - set(_native._PROTOTYPES)) == sorted(NOT_BOUND)
    assert set(NOT_BOUND) <= header


def test_error_codes_are_the_headers_status_enum() -> None:
    statuses = re.findall(r"\bCTLS_ERR_([A-Z0-9_]+) = (\d+)", HEADER.read_text())
    from_header = [f"ERR_{name}" for name, _ in sorted(statuses, key=lambda s: int(s[1])) if name not in CALL_STATUSES]
    assert list(console_tls.ERROR_CODES) == from_header
    # And the library agrees on each status's name.
    lib = _native.lib()
    for name, value in statuses:
        assert lib.ctls_status_name(int(value)).decode() == f"ERR_{name}"
