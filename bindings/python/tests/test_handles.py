"""Handles: released by `with`, by close() and by garbage collection;
listeners and trust taken from a config are references of their own; threads."""

import gc
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import console_tls


def test_version_and_library() -> None:
    assert console_tls.version()[0].isdigit()
    assert "console_tls" in console_tls.library_path()


def test_with_releases_and_closed_objects_refuse(pki: Path) -> None:
    with console_tls.load_server_tls(pki / "chain.pem", pki / "leaf.key") as tls:
        assert not tls.closed
    assert tls.closed
    with pytest.raises(ValueError, match="closed"):
        tls.cert
    tls.close()  # idempotent
    assert repr(tls) == "ServerTls(<closed>)"


def test_garbage_collection_frees(pki: Path) -> None:
    tls = console_tls.load_server_tls(pki / "chain.pem", pki / "leaf.key")
    finalizer = tls._finalizer
    assert finalizer is not None and finalizer.alive
    reference = weakref.ref(tls)
    del tls
    gc.collect()
    assert reference() is None
    assert not finalizer.alive


def test_listeners_and_trust_outlive_their_config(pki: Path) -> None:
    # config.server / config.trust are references of their own (the C
    # accessors return new references): closing or collecting the config
    # leaves them working, and each is released on its own.
    env = {
        "SERVER_SSL_ENABLED": "true",
        "SERVER_SSL_CERTIFICATE": str(pki / "chain.pem"),
        "SERVER_SSL_CERTIFICATE_PRIVATE_KEY": str(pki / "leaf.key"),
        "NODE_EXTRA_CA_CERTS": str(pki / "extra-ca.pem"),
    }
    with console_tls.load_from_env(env) as config:
        server = config.server
        trust = config.trust
    assert config.closed and not server.closed and not trust.closed
    assert server.key_type == "ECDSA P-256"
    trust.verify_server(server.cert, "localhost")
    finalizers = [server._finalizer, trust._finalizer]
    del server, trust
    gc.collect()
    assert not any(f.alive for f in finalizers)


def test_threads_share_a_trust(pki: Path) -> None:
    chain = (pki / "chain.pem").read_text()
    errors = []
    with console_tls.load_trust(pki / "extra-ca.pem") as trust:
        barrier = threading.Barrier(8)

        def work(_: int) -> None:
            barrier.wait()
            for _ in range(20):
                trust.verify_server(chain, "localhost")
                try:
                    trust.verify_server(chain, "other.example")
                except console_tls.ConsoleTlsError as error:
                    errors.append(error.code)
                with console_tls.load_server_tls(pki / "chain.pem", pki / "leaf.key") as tls:
                    assert tls.cert == chain

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(work, range(8)))
    assert errors == ["ERR_CERT_HOSTNAME_MISMATCH"] * 160
