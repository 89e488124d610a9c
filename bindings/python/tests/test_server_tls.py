"""load_server_tls: identities from every location form, the facts about
them, a real TLS handshake with what it returns, and each error class."""

import datetime
import os
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest

import console_tls
from console_tls import ConsoleTlsError


def test_loads_chain_and_key_with_their_facts(pki: Path) -> None:
    with console_tls.load_server_tls(str(pki / "chain.pem"), str(pki / "leaf.key")) as tls:
        assert tls.key_type == "ECDSA P-256"
        assert tls.key_algorithm == "EC"
        assert tls.key_bits == 256
        assert tls.warnings == []
        assert tls.cert == (pki / "chain.pem").read_text()
        assert tls.key.startswith("-----BEGIN PRIVATE KEY-----\n")
        # The key as PKCS#8 DER, byte for byte what openssl makes of it.
        assert tls.key_der == (pki / "leaf.key.der").read_bytes()

        leaf, intermediate = tls.certificates
        assert "CN=localhost" in leaf.subject
        assert leaf.issuer == intermediate.subject
        assert leaf.subject_alt_names == ("DNS:localhost", "IP Address:127.0.0.1")
        assert not leaf.is_ca and intermediate.is_ca
        assert leaf.der == (pki / "leaf.der").read_bytes()
        assert leaf.pem == (pki / "leaf.pem").read_text()
        assert leaf.public_key == "ECDSA P-256"
        fingerprint = subprocess.run(
            ["openssl", "x509", "-in", str(pki / "leaf.pem"), "-noout", "-fingerprint", "-sha256"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        assert fingerprint.endswith("=" + leaf.fingerprint256)
        serial = subprocess.run(
            ["openssl", "x509", "-in", str(pki / "leaf.pem"), "-noout", "-serial"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        assert serial == "serial=" + leaf.serial
        now = datetime.datetime.now(datetime.timezone.utc)
        assert leaf.not_before <= now < leaf.not_after


@pytest.mark.parametrize("form", ["path", "pathlib", "file:", "file://", "inline", "bytes"])
def test_every_location_form(pki: Path, form: str) -> None:
    def location(name: str):
        path = pki / name
        return {
            "path": str(path),
            "pathlib": path,
            "file:": f"file:{path}",
            "file://": f"file://{path}",
            "inline": path.read_text(),
            "bytes": bytes(path),
        }[form]

    with console_tls.load_server_tls(location("chain.pem"), location("leaf.key")) as tls:
        assert len(tls.certificates) == 2


def test_combined_file_and_rsa_pkcs1(pki: Path) -> None:
    with console_tls.load_server_tls(pki / "combined.pem", pki / "combined.pem") as tls:
        assert tls.key_type == "ECDSA P-256"
    with console_tls.load_server_tls(pki / "rsa.pem", pki / "rsa.key") as tls:
        assert (tls.key_type, tls.key_algorithm, tls.key_bits) == ("RSA 2048-bit", "RSA", 2048)
        assert tls.key_der == (pki / "rsa.key.der").read_bytes()


@pytest.mark.parametrize("passphrase", ["correct horse", b"correct horse"])
def test_encrypted_keys_with_passphrase(pki: Path, passphrase) -> None:
    with console_tls.load_server_tls(pki / "chain.pem", pki / "leaf-encrypted.key", passphrase) as tls:
        assert tls.key_der == (pki / "leaf.key.der").read_bytes()
    with console_tls.load_server_tls(pki / "rsa.pem", pki / "rsa-legacy-encrypted.key", passphrase) as tls:
        assert tls.key_der == (pki / "rsa.key.der").read_bytes()


def test_warnings(pki: Path) -> None:
    with console_tls.load_server_tls(pki / "chain.pem", pki / "leaf.key", "not needed") as tls:
        (warning,) = tls.warnings
        assert warning.code == "WARN_PASSPHRASE_UNUSED"
        assert warning.env_var == "passphrase"
        assert "not needed" not in warning.message
    with console_tls.load_server_tls(pki / "expired.pem", pki / "expired.key") as tls:
        assert [w.code for w in tls.warnings] == ["WARN_CERT_EXPIRED"]
        assert tls.warnings[0].env_var == "certificate"


@pytest.mark.parametrize(
    "certificate, private_key, passphrase, code, env_var, path",
    [
        ("missing.pem", "leaf.key", None, "ERR_FILE_NOT_FOUND", "certificate", "missing.pem"),
        ("chain.pem", "missing.key", None, "ERR_FILE_NOT_FOUND", "private_key", "missing.key"),
        ("ca-db", "leaf.key", None, "ERR_FILE_UNREADABLE", "certificate", "ca-db"),
        ("big.pem", "leaf.key", None, "ERR_FILE_TOO_LARGE", "certificate", "big.pem"),
        ("empty.pem", "leaf.key", None, "ERR_PEM_INVALID", "certificate", "empty.pem"),
        ("bad-base64.pem", "leaf.key", None, "ERR_PEM_INVALID", "certificate", "bad-base64.pem"),
        ("not-a-cert.pem", "leaf.key", None, "ERR_CERT_INVALID", "certificate", "not-a-cert.pem"),
        ("chain.pem", "chain.pem", None, "ERR_PEM_INVALID", "private_key", "chain.pem"),
        ("rsa.pem", "rsa1024.key", None, "ERR_KEY_UNSUPPORTED", "private_key", "rsa1024.key"),
        ("chain.pem", "leaf-encrypted.key", None, "ERR_KEY_ENCRYPTED", "private_key", "leaf-encrypted.key"),
        ("chain.pem", "leaf-encrypted.key", "wrong", "ERR_PASSPHRASE_WRONG", "private_key", "leaf-encrypted.key"),
        ("chain.pem", "other.key", None, "ERR_KEY_MISMATCH", "private_key", "other.key"),
        ("rsa.pem", "leaf.key", None, "ERR_KEY_MISMATCH", "private_key", "leaf.key"),
        ("wrong-order.pem", "leaf.key", None, "ERR_CHAIN_ORDER", "private_key", "wrong-order.pem"),
    ],
)
def test_each_error_class(pki: Path, certificate, private_key, passphrase, code, env_var, path) -> None:
    with pytest.raises(ConsoleTlsError) as caught:
        console_tls.load_server_tls(pki / certificate, pki / private_key, passphrase)
    error = caught.value
    assert error.code == code
    assert error.env_var == env_var
    assert error.path == str(pki / path)
    assert str(error).startswith(f"{env_var}: ")
    assert error.status > 0
    if passphrase:
        assert passphrase not in str(error)


def test_block_and_location_errors(pki: Path) -> None:
    with pytest.raises(ConsoleTlsError) as caught:
        console_tls.load_server_tls(pki / "not-a-cert.pem", pki / "leaf.key")
    assert (caught.value.block, caught.value.line) == (1, 1)

    with pytest.raises(ConsoleTlsError) as caught:
        console_tls.load_server_tls("classpath:tls/cert.pem", pki / "leaf.key")
    assert (caught.value.code, caught.value.env_var, caught.value.path) == ("ERR_CONFIG_INVALID", "certificate", None)

    with pytest.raises(ConsoleTlsError) as caught:
        console_tls.load_server_tls("", pki / "leaf.key")
    assert caught.value.code == "ERR_CONFIG_MISSING"

    # Paths are bytes, as Linux file names are: a missing one is named exactly...
    with pytest.raises(ConsoleTlsError) as caught:
        console_tls.load_server_tls(b"/nonexistent/\xff.pem", pki / "leaf.key")
    assert (caught.value.code, caught.value.env_var) == ("ERR_FILE_NOT_FOUND", "certificate")
    assert os.fsencode(caught.value.path) == b"/nonexistent/\xff.pem"
    # ...and one that exists loads.
    odd = os.fsencode(pki) + b"/\xff\xfe leaf.pem"
    os.symlink(os.fsencode(pki / "chain.pem"), odd)
    try:
        with console_tls.load_server_tls(odd, pki / "leaf.key") as tls:
            assert len(tls.certificates) == 2
    finally:
        os.unlink(odd)

    with pytest.raises(ValueError):
        console_tls.load_server_tls("cert\0.pem", pki / "leaf.key")
    with pytest.raises(TypeError):
        console_tls.load_server_tls(42, pki / "leaf.key")  # type: ignore[arg-type]


def test_serves_tls_that_a_verifying_client_accepts(pki: Path, tmp_path: Path) -> None:
    """What load_server_tls returns is what a TLS server takes as it is."""
    with console_tls.load_server_tls(pki / "chain.pem", pki / "leaf-encrypted.key", "correct horse") as tls:
        (tmp_path / "cert.pem").write_text(tls.cert)
        (tmp_path / "key.pem").write_text(tls.key)
        intermediate = tls.certificates[1].der
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        connection, _ = listener.accept()
        with server_context.wrap_socket(connection, server_side=True) as tls_connection:
            tls_connection.sendall(b"hello")

    thread = threading.Thread(target=serve)
    thread.start()
    client_context = ssl.create_default_context(cadata=(pki / "root.pem").read_text())
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with client_context.wrap_socket(raw, server_hostname="localhost") as client:
            assert client.recv(5) == b"hello"
            leaf = client.getpeercert(binary_form=True)
    thread.join(timeout=10)
    listener.close()

    with console_tls.load_trust(pki / "root.pem") as trust:
        trust.verify_server([leaf, intermediate], "localhost")
        trust.verify_server([leaf, intermediate], "127.0.0.1")
        with pytest.raises(ConsoleTlsError) as caught:
            trust.verify_server([leaf, intermediate], "console.example.com")
        assert caught.value.code == "ERR_CERT_HOSTNAME_MISMATCH"
