"""console-tls for Python: the TLS configuration of a Node-based Console
service (listener identities, extra CA trust, Identity URLs), loaded and
checked by the console-tls library through its C ABI.

>>> import console_tls
>>> with console_tls.load_server_tls("/etc/tls/cert.pem", "/etc/tls/key.pem") as tls:
...     ssl_context.load_cert_chain(...)  # tls.cert / tls.key are PEM text
>>> with console_tls.load_trust("/etc/tls/identity-ca.pem") as trust:
...     trust.verify_server(chain_pem, "identity.example.com")
...     context = trust.ssl_context()   # urllib, http.client, requests, httpx
>>> with console_tls.load_from_env() as config:   # os.environ, or a dict
...     config.server, config.management, config.trust, config.identity
>>> with console_tls.Watcher() as watcher:        # certificate rotation
...     config = watcher.current                    # the last good configuration
...     reloaded = watcher.poll()                   # on a timer: None, a new Config, or raises

Every failure raises :class:`ConsoleTlsError` with the contract's stable
``code`` (``"ERR_KEY_MISMATCH"``, …), and where known ``env_var`` and
``path``. Objects that hold library handles are context managers; they are
also released when garbage-collected.
"""

from __future__ import annotations

import ctypes
import json
import os
import ssl
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

from . import _native

__all__ = [
    "ERROR_CODES",
    "Certificate",
    "Config",
    "ConsoleTlsError",
    "DEFAULT_WARNING_THRESHOLD",
    "Identity",
    "ServerTls",
    "TlsWarning",
    "Trust",
    "Watcher",
    "library_path",
    "load_from_env",
    "load_key_store",
    "load_server_tls",
    "load_trust",
    "version",
]

StrOrPath = Union[str, "os.PathLike[str]", "os.PathLike[bytes]", bytes]
Chain = Union[str, bytes, Sequence[Union[str, bytes]]]


ERROR_CODES = (
    "ERR_CONFIG_INVALID",
    "ERR_CONFIG_MISSING",
    "ERR_FILE_NOT_FOUND",
    "ERR_FILE_UNREADABLE",
    "ERR_FILE_TOO_LARGE",
    "ERR_PEM_INVALID",
    "ERR_CERT_INVALID",
    "ERR_KEY_UNSUPPORTED",
    "ERR_KEY_ENCRYPTED",
    "ERR_PASSPHRASE_WRONG",
    "ERR_KEY_MISMATCH",
    "ERR_CHAIN_ORDER",
    "ERR_CERT_UNTRUSTED",
    "ERR_CERT_HOSTNAME_MISMATCH",
    "ERR_CERT_EXPIRED",
    "ERR_CERT_NOT_YET_VALID",
    "ERR_URL_NOT_HTTPS",
    "ERR_CERT_UNSUPPORTED",
)
"""The stable ``ERR_*`` codes a :class:`ConsoleTlsError` may carry, in the
order of the C ``ctls_status`` values 1, 2, … (so ``ERROR_CODES[s - 1]`` is
status ``s``'s code)."""


class ConsoleTlsError(Exception):
    """A console-tls error.

    ``code`` is the stable ``ERR_*`` name (the same in every surface);
    ``status`` the C ``ctls_status`` number; ``env_var`` the variable or
    argument the error is about; ``path`` the file; ``block``/``line`` the
    PEM block (1-based) and where it starts, when the error is about one.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int,
        env_var: Optional[str] = None,
        path: Optional[str] = None,
        block: Optional[int] = None,
        line: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.env_var = env_var
        self.path = path
        self.block = block
        self.line = line

    def __repr__(self) -> str:
        return f"ConsoleTlsError(code={self.code!r}, env_var={self.env_var!r}, path={self.path!r}, message={self.message!r})"


@dataclass(frozen=True)
class TlsWarning:
    """Something an operator should hear about that did not stop loading."""

    code: str
    """Stable ``WARN_*`` name."""
    message: str
    """One line, prefixed with the variable when there is one."""
    env_var: Optional[str]


@dataclass(frozen=True)
class Certificate:
    """An X.509 certificate and the facts an operator needs about it."""

    subject: str
    issuer: str
    serial: str
    """Upper-case hex (Node's ``serialNumber``)."""
    subject_alt_names: tuple[str, ...]
    """Node's spelling: ``DNS:host``, ``IP Address:10.0.0.1``, …"""
    not_before: datetime
    not_after: datetime
    fingerprint256: str
    is_ca: bool
    public_key: str
    """E.g. ``RSA 2048-bit`` or ``ECDSA P-256``."""
    der: bytes
    pem: str


@dataclass(frozen=True)
class Identity:
    """Identity's (Keycloak's) URLs."""

    base_url: Optional[str]
    """``KEYCLOAK_BASE_URL``, normalised."""
    internal_base_url: Optional[str]
    """``KEYCLOAK_INTERNAL_BASE_URL``, or the base URL when unset."""
    uses_tls: bool
    warnings: tuple[TlsWarning, ...]


# --- conversions -----------------------------------------------------------


def _text(value: Optional[bytes]) -> Optional[str]:
    return None if value is None else value.decode("utf-8", "replace")


def _arg(value: StrOrPath, name: str) -> bytes:
    """A location or name as the NUL-terminated bytes the C ABI takes."""
    if isinstance(value, str):
        # UTF-8; text that came from the OS (paths, os.environ) may hold
        # undecodable bytes as surrogates, which become those bytes again.
        data = os.fsencode(value)
    elif isinstance(value, bytes):
        data = value
    elif isinstance(value, os.PathLike):
        data = os.fsencode(value)
    else:
        raise TypeError(f"{name} must be a str, bytes or path, not {type(value).__name__}")
    if b"\0" in data:
        raise ValueError(f"{name} must not contain NUL characters")
    return data


def _passphrase(value: Union[str, bytes, None]) -> Optional[bytes]:
    if value is None:
        return None
    data = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else bytes(value)
    if b"\0" in data:
        raise ValueError("passphrase must not contain NUL characters")
    return data


def _raise(status: int, err: ctypes.c_void_p) -> None:
    """Raises the error `err` describes (and frees it); `status` when there is none."""
    lib = _native.lib()
    if not err:
        name = _text(lib.ctls_status_name(status)) or "UNKNOWN"
        raise ConsoleTlsError(f"console-tls failed with {name}", code=name, status=status)
    try:
        error = ConsoleTlsError(
            _text(lib.ctls_error_message(err)) or "",
            code=_text(lib.ctls_error_code(err)) or "UNKNOWN",
            status=lib.ctls_error_status(err),
            env_var=_text(lib.ctls_error_env_var(err)),
            path=os.fsdecode(lib.ctls_error_path(err)) if lib.ctls_error_path(err) else None,
            block=lib.ctls_error_block(err) or None,
            line=lib.ctls_error_line(err) or None,
        )
    finally:
        lib.ctls_error_free(err)
    raise error


def _call(function: Callable[..., int], *args: Any) -> None:
    """Calls a fallible C function whose last argument is `const ctls_error **err`."""
    err = ctypes.c_void_p()
    status = function(*args, ctypes.byref(err))
    if status != 0:
        _raise(status, err)


def _warnings(handle: int, length: Callable[[int], int], nth: Callable[[int, int], int]) -> list[TlsWarning]:
    lib = _native.lib()
    result = []
    for i in range(length(handle)):
        warning = nth(handle, i)
        result.append(
            TlsWarning(
                code=_text(lib.ctls_warning_code(warning)) or "",
                message=_text(lib.ctls_warning_message(warning)) or "",
                env_var=_text(lib.ctls_warning_env_var(warning)),
            )
        )
    return result


def _bytes(function: Callable[..., int], *args: Any) -> bytes:
    data = ctypes.POINTER(ctypes.c_uint8)()
    length = ctypes.c_size_t()
    status = function(*args, ctypes.byref(data), ctypes.byref(length))
    if status != 0:
        _raise(status, ctypes.c_void_p())
    return ctypes.string_at(data, length.value)


def _owned_text(function: Callable[..., int], *args: Any) -> str:
    """Calls a C function that gives a new string in its last argument, and frees it."""
    lib = _native.lib()
    text = ctypes.c_void_p()
    status = function(*args, ctypes.byref(text))
    if status != 0:
        _raise(status, ctypes.c_void_p())
    try:
        return ctypes.string_at(text.value).decode("utf-8")
    finally:
        lib.ctls_string_free(text)


# Spring Boot's default `certificate-validity-warning-threshold`.
DEFAULT_WARNING_THRESHOLD = timedelta(days=14)


def _threshold_seconds(warning_threshold: timedelta) -> int:
    if not isinstance(warning_threshold, timedelta):
        raise TypeError(f"warning_threshold must be a datetime.timedelta, not {type(warning_threshold).__name__}")
    if warning_threshold < timedelta(0):
        raise ValueError("warning_threshold must not be negative")
    return int(warning_threshold.total_seconds())


def _certificate(handle: int) -> Certificate:
    lib = _native.lib()
    return Certificate(
        subject=_text(lib.ctls_certificate_subject(handle)) or "",
        issuer=_text(lib.ctls_certificate_issuer(handle)) or "",
        serial=_text(lib.ctls_certificate_serial(handle)) or "",
        subject_alt_names=tuple(
            _text(lib.ctls_certificate_san(handle, i)) or "" for i in range(lib.ctls_certificate_san_len(handle))
        ),
        not_before=datetime.fromtimestamp(lib.ctls_certificate_not_before_unix(handle), timezone.utc),
        not_after=datetime.fromtimestamp(lib.ctls_certificate_not_after_unix(handle), timezone.utc),
        fingerprint256=_text(lib.ctls_certificate_fingerprint256(handle)) or "",
        is_ca=bool(lib.ctls_certificate_is_ca(handle)),
        public_key=_text(lib.ctls_certificate_public_key(handle)) or "",
        der=_bytes(lib.ctls_certificate_der, handle),
        pem=_text(lib.ctls_certificate_pem(handle)) or "",
    )


def _chain_items(chain: Chain) -> list[bytes]:
    """A chain as the items the library reads: PEM text (one or more
    certificates) or one DER certificate each."""
    if isinstance(chain, (str, bytes, bytearray, memoryview)):
        chain = [chain]
    return [item.encode("utf-8") if isinstance(item, str) else bytes(item) for item in chain]


# --- handles ---------------------------------------------------------------


class _Handle:
    """A library handle the object owns (the C library has one ownership
    per handle type): released by close(), `with`, or garbage collection."""

    _free_name = ""

    def __init__(self, handle: int) -> None:
        self._handle: Optional[int] = handle
        self._finalizer = weakref.finalize(self, getattr(_native.lib(), self._free_name), handle)

    @property
    def _h(self) -> int:
        if self._handle is None:
            raise ValueError(f"{type(self).__name__} is closed")
        return self._handle

    @property
    def closed(self) -> bool:
        return self._handle is None

    def close(self) -> None:
        """Releases the handle now (idempotent)."""
        self._handle = None
        self._finalizer()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_CLIENT_AUTH = {0: "none", 1: "want", 2: "need"}


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _load_cert_chain(context: ssl.SSLContext, cert: str, key: str) -> None:
    """``load_cert_chain`` from text, without the key touching a disk where possible."""
    memfd_create = getattr(os, "memfd_create", None)
    if memfd_create is not None and os.path.isdir("/proc/self/fd"):
        fds: list[int] = []
        try:
            for name, text in (("cert", cert), ("key", key)):
                fd = memfd_create(f"console-tls-{name}", getattr(os, "MFD_CLOEXEC", 0))
                fds.append(fd)
                _write_all(fd, text.encode())
            # Opening /proc/self/fd/N opens the memfd anew, from its start.
            context.load_cert_chain(f"/proc/self/fd/{fds[0]}", f"/proc/self/fd/{fds[1]}")
        finally:
            for fd in fds:
                os.close(fd)
        return
    import shutil
    import tempfile

    directory = tempfile.mkdtemp(prefix="console-tls-")  # mode 0700
    try:
        paths = []
        for name, text in (("cert.pem", cert), ("key.pem", key)):
            path = os.path.join(directory, name)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                _write_all(fd, text.encode())
            finally:
                os.close(fd)
            paths.append(path)
        context.load_cert_chain(paths[0], paths[1])
    finally:
        shutil.rmtree(directory, ignore_errors=True)


class ServerTls(_Handle):
    """A listener's identity: chain, key, key type, warnings."""

    _free_name = "ctls_server_tls_free"

    @property
    def cert(self) -> str:
        """The chain as PEM, leaf first (Node's ``cert`` option; ``ssl``'s certfile)."""
        return _text(_native.lib().ctls_server_tls_chain_pem(self._h)) or ""

    @property
    def key(self) -> str:
        """The key as unencrypted PKCS#8 PEM (Node's ``key`` option). Secret."""
        return _text(_native.lib().ctls_server_tls_key_pem(self._h)) or ""

    @property
    def key_der(self) -> bytes:
        """The key as unencrypted PKCS#8 DER. Secret."""
        return _bytes(_native.lib().ctls_server_tls_key_der, self._h)

    @property
    def certificates(self) -> list[Certificate]:
        """The chain, leaf first."""
        lib = _native.lib()
        handle = self._h
        return [_certificate(lib.ctls_server_tls_certificate(handle, i)) for i in range(lib.ctls_server_tls_chain_len(handle))]

    @property
    def key_type(self) -> str:
        """E.g. ``RSA 2048-bit``, ``ECDSA P-256``, ``Ed25519``."""
        return _text(_native.lib().ctls_server_tls_key_type(self._h)) or ""

    @property
    def key_algorithm(self) -> str:
        """``RSA``, ``EC`` or ``Ed25519``."""
        return _text(_native.lib().ctls_server_tls_key_algorithm(self._h)) or ""

    @property
    def key_bits(self) -> int:
        return int(_native.lib().ctls_server_tls_key_bits(self._h))

    @property
    def warnings(self) -> list[TlsWarning]:
        lib = _native.lib()
        return _warnings(self._h, lib.ctls_server_tls_warnings_len, lib.ctls_server_tls_warning)

    @property
    def client_auth(self) -> str:
        """``"none"``, ``"want"`` or ``"need"`` (``SERVER_SSL_CLIENT_AUTH``)."""
        return _CLIENT_AUTH.get(int(_native.lib().ctls_server_tls_client_auth(self._h)), "none")

    @property
    def client_ca_pem(self) -> str:
        """The CAs that issue client certificates (``SERVER_SSL_TRUST_CERTIFICATE``)
        as PEM; empty without client authentication."""
        return _text(_native.lib().ctls_server_tls_client_ca_pem(self._h)) or ""

    @property
    def client_cas(self) -> list[bytes]:
        """The client CAs, DER, one per certificate."""
        lib = _native.lib()
        handle = self._h
        return [_bytes(lib.ctls_server_tls_client_ca_der, handle, i) for i in range(lib.ctls_server_tls_client_ca_len(handle))]

    def ssl_context(self) -> ssl.SSLContext:
        """A server :class:`ssl.SSLContext` (TLS 1.2+) serving this identity
        and asking for client certificates as configured: ``need`` is
        ``CERT_REQUIRED``, ``want`` ``CERT_OPTIONAL`` (a client without a
        certificate connects; one whose certificate does not verify is
        refused, as by the rustls config), ``none`` ``CERT_NONE``. It stays
        usable after ``close()``.

        ``ssl`` loads certificates and keys from files only: they are handed
        over through anonymous in-memory files (``memfd``) where the system
        has them, else through a private temporary directory removed at once.
        """
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        _load_cert_chain(context, self.cert, self.key)
        mode = self.client_auth
        if mode != "none":
            context.load_verify_locations(cadata=self.client_ca_pem)
            context.verify_mode = ssl.CERT_REQUIRED if mode == "need" else ssl.CERT_OPTIONAL
        return context

    def __repr__(self) -> str:
        if self.closed:
            return "ServerTls(<closed>)"
        return f"ServerTls(subject={self.certificates[0].subject!r}, key_type={self.key_type!r})"


class Trust(_Handle):
    """Mozilla's roots (optionally the system's) plus the extra CA certificates."""

    _free_name = "ctls_trust_free"

    def verify_server(self, chain_pem: Chain, hostname: str) -> None:
        """Verifies a server's chain (server certificate first) for
        ``hostname`` (a name or an IP address) now, as Node does; raises
        :class:`ConsoleTlsError` (``ERR_CERT_UNTRUSTED``,
        ``ERR_CERT_HOSTNAME_MISMATCH``, ``ERR_CERT_EXPIRED``,
        ``ERR_CERT_NOT_YET_VALID``, …) when it does not verify.

        ``chain_pem`` is PEM text (str or bytes), one DER certificate, or a
        list of DER certificates / PEM strings (e.g. what a TLS client got).
        """
        items = _chain_items(chain_pem)
        pointers = (ctypes.c_char_p * len(items))(*items)
        lens = (ctypes.c_size_t * len(items))(*(len(item) for item in items))
        _call(
            _native.lib().ctls_trust_verify_server_items,
            self._h,
            pointers,
            lens,
            len(items),
            _arg(hostname, "hostname"),
        )

    @property
    def certificates(self) -> list[Certificate]:
        """The extra certificates (duplicates collapsed)."""
        lib = _native.lib()
        handle = self._h
        return [_certificate(lib.ctls_trust_extra(handle, i)) for i in range(lib.ctls_trust_extras_len(handle))]

    @property
    def ca(self) -> str:
        """The extra certificates as PEM (``ssl.SSLContext.load_verify_locations(cadata=…)``)."""
        return _text(_native.lib().ctls_trust_extras_pem(self._h)) or ""

    @property
    def trusted_pem(self) -> str:
        """Every certificate this trust anchors on, as PEM: Mozilla's roots
        (the same as verification's), the system's when loaded with them, and
        the extras."""
        return _text(_native.lib().ctls_trust_trusted_pem(self._h)) or ""

    def ssl_context(self) -> ssl.SSLContext:
        """A client :class:`ssl.SSLContext` (TLS 1.2+, certificates and host
        names verified) trusting exactly :attr:`trusted_pem`, for ``urllib``,
        ``http.client``, ``requests``/``httpx`` (``verify=context``). It is
        independent of this handle: it stays usable after ``close()``.

        OpenSSL verifies the path to those certificates; the checks
        console-tls adds on top (see :meth:`verify_server`) are not run by it.
        """
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_verify_locations(cadata=self.trusted_pem)
        return context

    @property
    def mozilla_root_count(self) -> int:
        return int(_native.lib().ctls_trust_mozilla_root_count(self._h))

    @property
    def system_root_count(self) -> int:
        return int(_native.lib().ctls_trust_system_root_count(self._h))

    @property
    def warnings(self) -> list[TlsWarning]:
        lib = _native.lib()
        return _warnings(self._h, lib.ctls_trust_warnings_len, lib.ctls_trust_warning)

    def __repr__(self) -> str:
        if self.closed:
            return "Trust(<closed>)"
        return f"Trust(extras={len(self.certificates)}, mozilla_roots={self.mozilla_root_count})"


class Config(_Handle):
    """Everything the environment contract configures."""

    _free_name = "ctls_config_free"

    def _listener(self, accessor: Callable[[int], int]) -> Optional[ServerTls]:
        handle = accessor(self._h)
        return ServerTls(handle) if handle else None

    @property
    def server(self) -> Optional[ServerTls]:
        """The main listener (``SERVER_SSL_*``), or None when its TLS is disabled."""
        return self._listener(_native.lib().ctls_config_server)

    @property
    def management(self) -> Optional[ServerTls]:
        """The management listener (``MANAGEMENT_SERVER_SSL_*``), or None when disabled."""
        return self._listener(_native.lib().ctls_config_management)

    @property
    def trust(self) -> Trust:
        """Mozilla's roots plus ``NODE_EXTRA_CA_CERTS``."""
        return Trust(_native.lib().ctls_config_trust(self._h))

    @property
    def identity(self) -> Identity:
        lib = _native.lib()
        handle = lib.ctls_config_identity(self._h)
        return Identity(
            base_url=_text(lib.ctls_identity_base_url(handle)),
            internal_base_url=_text(lib.ctls_identity_internal_base_url(handle)),
            uses_tls=bool(lib.ctls_identity_uses_tls(handle)),
            warnings=tuple(_warnings(handle, lib.ctls_identity_warnings_len, lib.ctls_identity_warning)),
        )

    @property
    def warnings(self) -> list[TlsWarning]:
        """Every warning: listeners, trust and Identity."""
        lib = _native.lib()
        return _warnings(self._h, lib.ctls_config_warnings_len, lib.ctls_config_warning)

    def ssl_health(self, warning_threshold: timedelta = DEFAULT_WARNING_THRESHOLD) -> dict[str, Any]:
        """Spring Boot's ``ssl`` health component now: ``{"status": "UP" | "OUT_OF_SERVICE",
        "details": {"validChains": [...], "invalidChains": [...]}}`` over both listeners and
        each ``NODE_EXTRA_CA_CERTS`` certificate; a certificate expiring within
        ``warning_threshold`` is ``WILL_EXPIRE_SOON`` (its chain stays valid)."""
        seconds = _threshold_seconds(warning_threshold)
        return json.loads(_owned_text(_native.lib().ctls_config_ssl_health_json, self._h, seconds))

    def ssl_metrics(self, warning_threshold: timedelta = DEFAULT_WARNING_THRESHOLD) -> str:
        """The certificate metrics now, in Prometheus' text format 0.0.4:
        ``ssl_chains{status}`` and ``ssl_chain_expiry_seconds{bundle,chain,certificate}``."""
        seconds = _threshold_seconds(warning_threshold)
        return _owned_text(_native.lib().ctls_config_ssl_metrics, self._h, seconds)

    def __repr__(self) -> str:
        if self.closed:
            return "Config(<closed>)"
        return f"Config(server={self.server!r}, management={self.management!r}, identity={self.identity!r})"


# --- entry points ----------------------------------------------------------


def _load_listener(arguments: list[tuple[str, Optional[bytes]]]) -> ServerTls:
    """A listener from named arguments (ctls_server_tls_load_arguments: the
    rules of the listener's environment variables); None values are left out."""
    given = [(name.encode(), value) for name, value in arguments if value is not None]
    names = (ctypes.c_char_p * len(given))(*[name for name, _ in given])
    values = (ctypes.c_char_p * len(given))(*[value for _, value in given])
    out = ctypes.c_void_p()
    _call(_native.lib().ctls_server_tls_load_arguments, names, values, len(given), ctypes.byref(out))
    return ServerTls(out.value)  # type: ignore[arg-type]


def _client_auth(client_auth: Optional[str], trust_certificate: Optional[StrOrPath]) -> list[tuple[str, Optional[bytes]]]:
    if client_auth is not None and not isinstance(client_auth, str):
        raise TypeError(f"client_auth must be a str or None, not {type(client_auth).__name__}")
    return [
        ("client_auth", None if client_auth is None else _arg(client_auth, "client_auth")),
        ("trust_certificate", None if trust_certificate is None else _arg(trust_certificate, "trust_certificate")),
    ]


def load_server_tls(
    certificate: StrOrPath,
    private_key: StrOrPath,
    passphrase: Union[str, bytes, None] = None,
    *,
    client_auth: Optional[str] = None,
    trust_certificate: Optional[StrOrPath] = None,
) -> ServerTls:
    """Loads and checks a listener's identity.

    ``certificate`` and ``private_key`` take the forms the environment
    variables take: a path (``str`` or path-like; relative to the working
    directory), ``file:/abs/path``, or the PEM text itself. ``passphrase``
    (``str`` as UTF-8, or ``bytes``) decrypts an encrypted key.
    ``client_auth`` (``"none"``, ``"want"``, ``"need"``) and
    ``trust_certificate`` (the client CAs' PEM bundle) are
    ``SERVER_SSL_CLIENT_AUTH`` and ``SERVER_SSL_TRUST_CERTIFICATE``: see
    :meth:`ServerTls.ssl_context`.
    """
    return _load_listener(
        [
            ("certificate", _arg(certificate, "certificate")),
            ("private_key", _arg(private_key, "private_key")),
            ("passphrase", _passphrase(passphrase)),
        ]
        + _client_auth(client_auth, trust_certificate)
    )


def load_key_store(
    location: StrOrPath,
    password: Union[str, bytes, None] = None,
    alias: Optional[str] = None,
    *,
    key_store_type: Optional[str] = None,
    client_auth: Optional[str] = None,
    trust_certificate: Optional[StrOrPath] = None,
) -> ServerTls:
    """Loads and checks a listener's identity from a PKCS#12 key store
    (``.p12``/``.pfx``), as ``SERVER_SSL_KEY_STORE`` does.

    ``location`` is a path (``str`` or path-like; relative to the working
    directory) or ``file:`` URL. ``password`` opens the store; ``None`` (or
    empty) tries the empty password, as Java and OpenSSL do. ``alias`` chooses
    the key entry (any case); ``None`` takes the only one. ``key_store_type``
    is ``"PKCS12"`` (any case) or None. The result is the ``ServerTls`` the
    PEM certificate and key in the store would give. ``client_auth`` and
    ``trust_certificate`` as for :func:`load_server_tls`.
    """
    for name, value in (("alias", alias), ("key_store_type", key_store_type)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be a str or None, not {type(value).__name__}")
    return _load_listener(
        [
            ("key_store", _arg(location, "location")),
            ("password", _passphrase(password)),
            ("alias", None if alias is None else _arg(alias, "alias")),
            ("key_store_type", None if key_store_type is None else _arg(key_store_type, "key_store_type")),
        ]
        + _client_auth(client_auth, trust_certificate)
    )


def load_trust(path: StrOrPath, *, strict: bool = True, system: bool = False) -> Trust:
    """Loads a bundle of extra CA certificates (like ``NODE_EXTRA_CA_CERTS``:
    a path, ``file:`` URL or the PEM text) on top of Mozilla's roots.

    ``strict=False`` turns problems (a bad block, a missing file) into
    warnings; ``system=True`` adds the operating system's roots.
    """
    flags = (0 if strict else _native.OPTION_LENIENT_TRUST) | (_native.OPTION_SYSTEM_ROOTS if system else 0)
    out = ctypes.c_void_p()
    _call(_native.lib().ctls_trust_load_with_options, _arg(path, "path"), flags, ctypes.byref(out))
    return Trust(out.value)  # type: ignore[arg-type]


Env = Optional[Mapping[Union[str, bytes], Union[str, bytes]]]


def _vars(env: Env, strict_trust: bool, system_roots: bool, require_tls: bool) -> tuple[Any, Any, int, int]:
    """``env`` (``os.environ`` when None) as the C arrays and option flags."""
    source = os.environ if env is None else env
    names = []
    values = []
    for name, value in source.items():
        names.append(_arg(name, "name"))
        values.append(_arg(value, f"value of {name!r}"))
    count = len(names)
    flags = (
        (0 if strict_trust else _native.OPTION_LENIENT_TRUST)
        | (_native.OPTION_SYSTEM_ROOTS if system_roots else 0)
        | (_native.OPTION_REQUIRE_TLS if require_tls else 0)
    )
    return (ctypes.c_char_p * count)(*names), (ctypes.c_char_p * count)(*values), count, flags


def load_from_env(
    env: Env = None,
    *,
    strict_trust: bool = True,
    system_roots: bool = False,
    require_tls: bool = False,
) -> Config:
    """Loads everything the contract's variables configure, from ``env``
    (any mapping of names to values; ``os.environ`` when None). The process
    environment is never read or changed when ``env`` is given.
    """
    name_array, value_array, count, flags = _vars(env, strict_trust, system_roots, require_tls)
    out = ctypes.c_void_p()
    _call(
        _native.lib().ctls_config_from_vars_with_options,
        name_array,
        value_array,
        count,
        flags,
        ctypes.byref(out),
    )
    return Config(out.value)  # type: ignore[arg-type]


class Watcher(_Handle):
    """Certificate rotation: watches the files behind a configuration (both
    listeners' certificate and key, ``NODE_EXTRA_CA_CERTS``) and reloads it
    when they change, including Kubernetes' atomic ``..data`` symlink swap.

    Call :meth:`poll` on a timer (every second is cheap: a ``stat`` per file
    when nothing changed). It returns None when nothing is new, the new
    :class:`Config` once new material is fully validated, or raises
    :class:`ConsoleTlsError` when it is broken; then :attr:`current` stays the
    last good configuration. Each broken state is reported once. A first
    load that fails does not raise here: :attr:`current` is None and the
    first :meth:`poll` raises it. Safe to poll from several threads.

    ``env`` and the options are those of :func:`load_from_env` (the
    environment is read once, now).
    """

    _free_name = "ctls_watcher_free"

    def __init__(
        self,
        env: Env = None,
        *,
        strict_trust: bool = True,
        system_roots: bool = False,
        require_tls: bool = False,
    ) -> None:
        name_array, value_array, count, flags = _vars(env, strict_trust, system_roots, require_tls)
        out = ctypes.c_void_p()
        _call(
            _native.lib().ctls_watcher_new_with_options,
            name_array,
            value_array,
            count,
            flags,
            ctypes.byref(out),
        )
        super().__init__(out.value)  # type: ignore[arg-type]

    def poll(self) -> Optional[Config]:
        """Checks the files once: None (nothing new), the new configuration
        (now current), or raises :class:`ConsoleTlsError` for broken material."""
        reloaded = ctypes.c_void_p()
        err = ctypes.c_void_p()
        status = _native.lib().ctls_watcher_poll(self._h, ctypes.byref(reloaded), ctypes.byref(err))
        if status == _native.WATCH_RELOADED:
            return Config(reloaded.value)  # type: ignore[arg-type]
        if status == _native.WATCH_FAILED:
            _raise(_native.lib().ctls_error_status(err) if err else 102, err)
        return None

    @property
    def current(self) -> Optional[Config]:
        """The last good configuration (a new handle each time), or None
        when none has loaded yet."""
        handle = _native.lib().ctls_watcher_current(self._h)
        return Config(handle) if handle else None

    @property
    def files(self) -> list[str]:
        """The files being watched."""
        lib = _native.lib()
        handle = self._h
        return [os.fsdecode(lib.ctls_watcher_file(handle, i)) for i in range(lib.ctls_watcher_files_len(handle))]

    def __repr__(self) -> str:
        if self.closed:
            return "Watcher(<closed>)"
        return f"Watcher(files={self.files!r})"


def version() -> str:
    """The library's version."""
    return _text(_native.lib().ctls_version()) or ""


def library_path() -> str:
    """The path of the shared library in use (or that would be loaded)."""
    return _native.find_library()
