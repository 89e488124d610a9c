"""Client certificates (mutual TLS): ServerTls.client_auth / client_ca_pem /
client_cas, and ServerTls.ssl_context() serving real handshakes on 127.0.0.1
to Python clients with and without a certificate, and with one from a
foreign CA."""

import socket
import ssl
import subprocess
import threading
from pathlib import Path
from typing import Optional

import pytest

import console_tls


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """client-ca, foreign-ca, and alice (from client-ca) / mallory (from foreign-ca)."""
    directory = tmp_path_factory.mktemp("clients")
    config = directory / "min.cnf"
    config.write_text("[req]\ndistinguished_name = dn\n[dn]\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-config", str(config)]
    for ca in ("client-ca", "foreign-ca"):
        _openssl(
            "req", "-x509", "-new", *ec, "-keyout", str(directory / f"{ca}.key"), "-out", str(directory / f"{ca}.pem"),
            "-subj", f"/CN={ca}", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign",
        )
    for name, ca in (("alice", "client-ca"), ("mallory", "foreign-ca")):
        _openssl(
            "req", "-x509", "-new", *ec, "-keyout", str(directory / f"{name}.key"), "-out", str(directory / f"{name}.pem"),
            "-subj", f"/CN={name}", "-CA", str(directory / f"{ca}.pem"), "-CAkey", str(directory / f"{ca}.key"),
            "-addext", "basicConstraints=CA:FALSE", "-addext", "extendedKeyUsage=clientAuth",
        )
    return directory


def _env(pki: Path, clients: Path, mode: Optional[str]) -> dict:
    env = {
        "SERVER_SSL_ENABLED": "true",
        "SERVER_SSL_CERTIFICATE": str(pki / "chain.pem"),
        "SERVER_SSL_CERTIFICATE_PRIVATE_KEY": str(pki / "leaf.key"),
    }
    if mode is not None:
        env["SERVER_SSL_CLIENT_AUTH"] = mode
        env["SERVER_SSL_TRUST_CERTIFICATE"] = str(clients / "client-ca.pem")
    return env


def _serve_once(context: ssl.SSLContext):
    """Accepts one connection; returns (port, thread, result) where result
    receives ("verified", CN), ("anonymous", None) or ("refused", reason)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    result: dict = {}

    def run() -> None:
        with listener:
            raw, _ = listener.accept()
            raw.settimeout(20)  # a guard against a stuck client, not an assertion
            try:
                with context.wrap_socket(raw, server_side=True) as tls:
                    peer = tls.getpeercert()
                    if peer:
                        cn = dict(item[0] for item in peer["subject"])["commonName"]
                        result["seen"] = ("verified", cn)
                    else:
                        result["seen"] = ("anonymous", None)
                    tls.sendall(result["seen"][0].encode())
            except (ssl.SSLError, OSError) as error:
                result["seen"] = ("refused", str(error))
                raw.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return port, thread, result


def _handshake(context: ssl.SSLContext, pki: Path, client: Optional[Path], name: Optional[str]):
    """What the server saw of one client, and what the client read (or None)."""
    port, thread, result = _serve_once(context)
    client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_context.load_verify_locations(pki / "root.pem")
    if client is not None:
        client_context.load_cert_chain(client / f"{name}.pem", client / f"{name}.key")
    read: Optional[bytes] = None
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
            with client_context.wrap_socket(raw, server_hostname="localhost") as tls:
                read = tls.recv(64) or None
    except (ssl.SSLError, OSError):
        read = None
    thread.join(30)
    assert not thread.is_alive()
    return result["seen"], read


def test_the_mode_and_the_client_cas(pki: Path, clients: Path) -> None:
    with console_tls.load_from_env(_env(pki, clients, None)) as config:
        server = config.server
        assert server.client_auth == "none"
        assert server.client_ca_pem == ""
        assert server.client_cas == []
    with console_tls.load_from_env(_env(pki, clients, "NEED")) as config:
        server = config.server
        assert server.client_auth == "need"
        expected = ssl.PEM_cert_to_DER_cert((clients / "client-ca.pem").read_text())
        assert server.client_cas == [expected]
        assert ssl.PEM_cert_to_DER_cert(server.client_ca_pem) == expected
    with console_tls.load_from_env(_env(pki, clients, "want")) as config:
        assert config.server.client_auth == "want"


def test_errors_name_the_variable(pki: Path, clients: Path) -> None:
    env = _env(pki, clients, "need")
    del env["SERVER_SSL_TRUST_CERTIFICATE"]
    with pytest.raises(console_tls.ConsoleTlsError) as missing:
        console_tls.load_from_env(env)
    assert missing.value.code == "ERR_CONFIG_MISSING"
    assert "SERVER_SSL_TRUST_CERTIFICATE" in str(missing.value)
    with pytest.raises(console_tls.ConsoleTlsError) as invalid:
        console_tls.load_from_env({**_env(pki, clients, "need"), "SERVER_SSL_CLIENT_AUTH": "always"})
    assert invalid.value.code == "ERR_CONFIG_INVALID"
    assert "SERVER_SSL_CLIENT_AUTH" in str(invalid.value)


def test_need_refuses_no_certificate_and_a_foreign_one(pki: Path, clients: Path) -> None:
    with console_tls.load_from_env(_env(pki, clients, "need")) as config:
        context = config.server.ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert _handshake(context, pki, clients, "alice") == (("verified", "alice"), b"verified")
    seen, read = _handshake(context, pki, None, None)
    assert seen[0] == "refused" and read is None
    seen, read = _handshake(context, pki, clients, "mallory")
    assert seen[0] == "refused" and read is None


def test_want_accepts_no_certificate_and_refuses_a_foreign_one(pki: Path, clients: Path) -> None:
    with console_tls.load_from_env(_env(pki, clients, "want")) as config:
        context = config.server.ssl_context()
    assert context.verify_mode == ssl.CERT_OPTIONAL
    assert _handshake(context, pki, None, None) == (("anonymous", None), b"anonymous")
    assert _handshake(context, pki, clients, "alice") == (("verified", "alice"), b"verified")
    # OpenSSL's CERT_OPTIONAL, like the rustls config: a presented
    # certificate must verify.
    seen, read = _handshake(context, pki, clients, "mallory")
    assert seen[0] == "refused" and read is None


def test_none_serves_without_asking(pki: Path, clients: Path) -> None:
    with console_tls.load_from_env(_env(pki, clients, None)) as config:
        context = config.server.ssl_context()
    assert context.verify_mode == ssl.CERT_NONE
    assert _handshake(context, pki, clients, "alice") == (("anonymous", None), b"anonymous")


def test_the_direct_loaders_take_client_authentication(pki: Path, clients: Path) -> None:
    # load_server_tls / load_key_store pass their arguments by name through
    # the same rules as the variables: client authentication included.
    with console_tls.load_server_tls(
        pki / "chain.pem", pki / "leaf.key", client_auth="need", trust_certificate=clients / "client-ca.pem"
    ) as server:
        assert server.client_auth == "need"
        context = server.ssl_context()
    assert _handshake(context, pki, clients, "alice") == (("verified", "alice"), b"verified")
    seen, read = _handshake(context, pki, clients, "mallory")
    assert seen[0] == "refused" and read is None

    with pytest.raises(console_tls.ConsoleTlsError) as missing:
        console_tls.load_server_tls(pki / "chain.pem", pki / "leaf.key", client_auth="want")
    assert missing.value.code == "ERR_CONFIG_MISSING"
    assert missing.value.env_var == "trust_certificate"
    with pytest.raises(console_tls.ConsoleTlsError) as invalid:
        console_tls.load_server_tls(
            pki / "chain.pem", pki / "leaf.key", client_auth="always", trust_certificate=clients / "client-ca.pem"
        )
    assert invalid.value.code == "ERR_CONFIG_INVALID"
    assert invalid.value.env_var == "client_auth"
    with pytest.raises(TypeError):
        console_tls.load_server_tls(pki / "chain.pem", pki / "leaf.key", client_auth=2)  # type: ignore[arg-type]

    stores = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "keystore"
    with console_tls.load_key_store(
        stores / "rsa.p12", "fixture-secret-7Qx", key_store_type="pkcs12",
        client_auth="want", trust_certificate=clients / "client-ca.pem",
    ) as server:
        assert server.client_auth == "want"
        assert server.key_type == "RSA 2048-bit"
    with pytest.raises(console_tls.ConsoleTlsError) as jks:
        console_tls.load_key_store(stores / "rsa.p12", "fixture-secret-7Qx", key_store_type="JKS")
    assert jks.value.code == "ERR_KEY_UNSUPPORTED"
    assert jks.value.env_var == "key_store_type"


CORPUS = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "client-chains"


def _python_expectation(case: dict, security_level: int) -> str:
    """The verdict Python's ssl (OpenSSL, as Node) should give: the manifest's
    Node verdict, except that a security level of 2 or more (Debian's and
    Ubuntu's default) refuses an RSA-1024 client key as console-tls does."""
    if case["name"] == "key-rsa1024" and security_level >= 2:
        return "REFUSED"
    return case.get("node", case["expect"])


def test_the_client_certificate_corpus_through_ssl_context(pki: Path) -> None:
    """tests/fixtures/client-chains through ServerTls.ssl_context() in need
    mode, with a Python client presenting each case's chain: OpenSSL gives
    Node's verdicts (npm/__test__/client-chains.test.js)."""
    import json

    cases = json.loads((CORPUS / "cases.json").read_text())
    assert len(cases) >= 30
    wrong = []
    for case in cases:
        directory = CORPUS / case["name"]
        env = {
            "SERVER_SSL_ENABLED": "true",
            "SERVER_SSL_CERTIFICATE": str(pki / "chain.pem"),
            "SERVER_SSL_CERTIFICATE_PRIVATE_KEY": str(pki / "leaf.key"),
            "SERVER_SSL_CLIENT_AUTH": "need",
            "SERVER_SSL_TRUST_CERTIFICATE": str(directory / "trust.pem"),
        }
        with console_tls.load_from_env(env) as config:
            context = config.server.ssl_context()
        port, thread, result = _serve_once(context)
        client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        client_context.load_verify_locations(pki / "root.pem")
        # The client presents weak material too, for the server to judge.
        client_context.set_ciphers("DEFAULT:@SECLEVEL=0")
        client_context.load_cert_chain(directory / "chain.pem", directory / "key.pem")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
                with client_context.wrap_socket(raw, server_hostname="localhost") as tls:
                    tls.recv(64)
        except (ssl.SSLError, OSError):
            pass
        thread.join(30)
        assert not thread.is_alive()
        verdict = "OK" if result["seen"][0] == "verified" else "REFUSED"
        expected = _python_expectation(case, context.security_level)
        if verdict != expected:
            wrong.append(f"{case['name']}: Python {verdict} ({result['seen']}), expected {expected}")
    assert wrong == []
