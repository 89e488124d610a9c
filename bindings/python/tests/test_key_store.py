"""load_key_store and SERVER_SSL_KEY_STORE through load_from_env: PKCS#12
stores made by OpenSSL 3 (default and -legacy) and keytool give the identity
of the PEM pair they were made from, a real TLS handshake serves it, and each
failure has its code, variable and path, never the password."""

import socket
import ssl
import tempfile
import threading
from pathlib import Path

import pytest

import console_tls
from console_tls import ConsoleTlsError

STORES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "keystore"
PASSWORD = "fixture-secret-7Qx"


def identity(tls: console_tls.ServerTls) -> tuple:
    return ([c.der for c in tls.certificates], tls.key_der, tls.key_type)


@pytest.mark.parametrize(
    ("store", "password", "alias", "pair"),
    [
        ("rsa.p12", PASSWORD, None, "rsa"),
        ("ec.p12", PASSWORD, None, "ec"),
        ("rsa-legacy.p12", PASSWORD, None, "rsa"),
        ("ec-keytool-legacy.p12", PASSWORD, None, "ec"),
        ("rsa-keytool.p12", PASSWORD.encode(), None, "rsa"),
        ("rsa-empty-password.p12", None, None, "rsa"),
        ("two-aliases.p12", PASSWORD, "Ec-Server", "ec"),
    ],
)
def test_stores_load_the_identity_of_their_pem_pair(store: str, password, alias, pair: str) -> None:
    with console_tls.load_server_tls(str(STORES / f"{pair}-chain.pem"), STORES / f"{pair}-key.pem") as pem:
        expected = identity(pem)
    with console_tls.load_key_store(STORES / store, password, alias) as tls:
        assert identity(tls) == expected
        assert len(tls.certificates) == 3
        assert tls.warnings == []


@pytest.mark.parametrize(
    ("store", "password", "alias", "code", "env_var"),
    [
        ("rsa.p12", "wrong-secret", None, "ERR_PASSPHRASE_WRONG", "key_store"),
        ("rsa-legacy.p12", "wrong-secret", None, "ERR_PASSPHRASE_WRONG", "key_store"),
        ("rsa.p12", None, None, "ERR_KEY_ENCRYPTED", "key_store"),
        ("rsa.jks", PASSWORD, None, "ERR_KEY_UNSUPPORTED", "key_store"),
        ("two-aliases.p12", PASSWORD, None, "ERR_CONFIG_INVALID", "alias"),
        ("two-aliases.p12", PASSWORD, "tomcat", "ERR_CONFIG_INVALID", "alias"),
        ("certificates-only.p12", PASSWORD, None, "ERR_PEM_INVALID", "key_store"),
    ],
)
def test_errors_have_code_argument_and_path(store: str, password, alias, code: str, env_var: str) -> None:
    with pytest.raises(ConsoleTlsError) as raised:
        console_tls.load_key_store(str(STORES / store), password, alias)
    error = raised.value
    assert error.code == code
    assert error.env_var == env_var
    assert error.path == str(STORES / store)
    assert PASSWORD not in str(error) and "wrong-secret" not in str(error)
    assert PASSWORD not in repr(error)


def test_alias_must_be_text() -> None:
    with pytest.raises(TypeError):
        console_tls.load_key_store(STORES / "rsa.p12", PASSWORD, b"rsa-server")  # type: ignore[arg-type]


def base_env(store: str, **extra: str) -> dict:
    env = {"SERVER_SSL_ENABLED": "true", "SERVER_SSL_KEY_STORE": f"file:{STORES / store}"}
    env.update(extra)
    return env


def test_load_from_env_serves_the_key_store() -> None:
    env = base_env(
        "rsa-legacy.p12",
        SERVER_SSL_KEY_STORE_PASSWORD=PASSWORD,
        SERVER_SSL_KEY_STORE_TYPE="pkcs12",
        MANAGEMENT_SERVER_SSL_ENABLED="true",
        MANAGEMENT_SERVER_SSL_KEY_STORE=str(STORES / "two-aliases.p12"),
        MANAGEMENT_SERVER_SSL_KEY_STORE_PASSWORD=PASSWORD,
        MANAGEMENT_SERVER_SSL_KEY_ALIAS="ec-server",
    )
    with console_tls.load_from_env(env) as config:
        server, management = config.server, config.management
        assert server is not None and management is not None
        assert management.key_type == "ECDSA P-256"
        # A real handshake on 127.0.0.1 with Python's ssl serving what was loaded.
        server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        with tempfile.TemporaryDirectory() as tmp:
            cert_file = Path(tmp) / "chain.pem"
            key_file = Path(tmp) / "key.pem"
            cert_file.write_text(server.cert)
            key_file.write_text(server.key)
            server_ctx.load_cert_chain(cert_file, key_file)
        client_ctx = ssl.create_default_context(cafile=str(STORES / "root-cert.pem"))
        with socket.create_server(("127.0.0.1", 0)) as listener:
            port = listener.getsockname()[1]

            def serve() -> None:
                conn, _ = listener.accept()
                with server_ctx.wrap_socket(conn, server_side=True) as tls_conn:
                    tls_conn.sendall(tls_conn.recv(4))

            thread = threading.Thread(target=serve)
            thread.start()
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                with client_ctx.wrap_socket(raw, server_hostname="localhost") as conn:
                    conn.sendall(b"ping")
                    assert conn.recv(4) == b"ping"
                    assert conn.getpeercert(binary_form=True) == server.certificates[0].der
            thread.join(10)


@pytest.mark.parametrize(
    ("extra", "code", "env_var"),
    [
        ({"SERVER_SSL_KEY_STORE_PASSWORD": "wrong-secret"}, "ERR_PASSPHRASE_WRONG", "SERVER_SSL_KEY_STORE"),
        ({}, "ERR_KEY_ENCRYPTED", "SERVER_SSL_KEY_STORE"),
        ({"SERVER_SSL_KEY_STORE_TYPE": "JKS"}, "ERR_KEY_UNSUPPORTED", "SERVER_SSL_KEY_STORE_TYPE"),
        ({"SERVER_SSL_CERTIFICATE": str(STORES / "rsa-chain.pem")}, "ERR_CONFIG_INVALID", "SERVER_SSL_KEY_STORE"),
    ],
)
def test_load_from_env_errors(extra: dict, code: str, env_var: str) -> None:
    with pytest.raises(ConsoleTlsError) as raised:
        console_tls.load_from_env(base_env("rsa.p12", **extra))
    assert raised.value.code == code
    assert raised.value.env_var == env_var
    assert "wrong-secret" not in str(raised.value)
