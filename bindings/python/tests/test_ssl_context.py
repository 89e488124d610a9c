"""Trust.ssl_context(): a client SSLContext trusting Mozilla's roots plus the
extras, used by urllib and http.client against real HTTPS servers on
127.0.0.1 (an Identity issued by the extra root, a self-signed CA:TRUE
Identity trusted directly, and an impostor nothing trusts)."""

import http.client
import http.server
import socket
import ssl
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

import console_tls


@contextmanager
def https_server(cert: Path, key: Path):
    """An HTTPS server on 127.0.0.1 answering every GET with "identity"."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            body = b"identity"
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def context(pki: Path) -> ssl.SSLContext:
    with console_tls.load_trust(pki / "extra-ca.pem") as trust:
        context = trust.ssl_context()
    return context  # the handle is closed: the context must not depend on it


def test_trusts_mozillas_roots_and_the_extras(pki: Path, context: ssl.SSLContext) -> None:
    with console_tls.load_trust(pki / "extra-ca.pem") as trust:
        expected = trust.mozilla_root_count + len(trust.certificates)
        subjects = [c.subject for c in trust.certificates]
    loaded = context.get_ca_certs()
    assert len(loaded) == expected
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    names = {dict(item[0] for item in cert["subject"]).get("commonName") for cert in loaded}
    assert {"console-tls test root CA", "identity.local"} <= names, subjects


def test_urllib_reaches_a_server_issued_by_the_extra_root(pki: Path, context: ssl.SSLContext) -> None:
    with https_server(pki / "chain.pem", pki / "leaf.key") as port:
        with urllib.request.urlopen(f"https://localhost:{port}/", context=context, timeout=10) as response:
            assert response.read() == b"identity"


def test_a_self_signed_identity_is_trusted_directly(pki: Path, context: ssl.SSLContext) -> None:
    # The certificate names identity.local: connect to 127.0.0.1, check that name.
    with https_server(pki / "identity.pem", pki / "identity.key") as port:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            with context.wrap_socket(raw, server_hostname="identity.local") as tls:
                tls.sendall(b"GET / HTTP/1.0\r\nHost: identity.local\r\n\r\n")
                response = b""
                while chunk := tls.recv(4096):
                    response += chunk
    assert response.startswith(b"HTTP/1.0 200") and response.endswith(b"identity")


def test_an_impostor_is_refused(pki: Path, context: ssl.SSLContext) -> None:
    with https_server(pki / "untrusted.pem", pki / "untrusted.key") as port:
        with pytest.raises(urllib.error.URLError) as raised:
            urllib.request.urlopen(f"https://localhost:{port}/", context=context, timeout=10)
        assert isinstance(raised.value.reason, ssl.SSLCertVerificationError)


def test_a_wrong_host_name_is_refused(pki: Path, context: ssl.SSLContext) -> None:
    with https_server(pki / "chain.pem", pki / "leaf.key") as port:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
                context.wrap_socket(raw, server_hostname="console.example.com")
