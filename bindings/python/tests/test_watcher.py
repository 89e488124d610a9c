"""Watcher: certificate rotation through ctls_watcher_poll. Files are rotated
the way Kubernetes does (``..data`` swapped with rename) and by hand, through
broken states that raise once each while the last good configuration stays.
Every wait is a bounded number of polls."""

import os
import threading
import time
from pathlib import Path
from typing import Optional

import pytest

import console_tls
from console_tls import ConsoleTlsError

MAX_POLLS = 2000


class SecretVolume:
    """``tls.crt`` -> ``..data/tls.crt``, ``..data`` -> ``..<n>/``, swapped with rename(2)."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.generation = 0

    def publish(self, cert: bytes, key: bytes) -> None:
        self.generation += 1
        name = f"..2026_11_28_{self.generation:04d}"
        (self.dir / name).mkdir()
        (self.dir / name / "tls.crt").write_bytes(cert)
        (self.dir / name / "tls.key").write_bytes(key)
        os.symlink(name, self.dir / "..data_tmp")
        os.rename(self.dir / "..data_tmp", self.dir / "..data")
        if self.generation == 1:
            os.symlink("..data/tls.crt", self.dir / "tls.crt")
            os.symlink("..data/tls.key", self.dir / "tls.key")


def env_for(directory: Path) -> dict:
    return {
        "SERVER_SSL_ENABLED": "true",
        "SERVER_SSL_CERTIFICATE": str(directory / "tls.crt"),
        "SERVER_SSL_CERTIFICATE_PRIVATE_KEY": f"file:{directory / 'tls.key'}",
    }


def settle(watcher: console_tls.Watcher) -> Optional[console_tls.Config]:
    """Polls until something happens: the new config, or the exception propagates."""
    for _ in range(MAX_POLLS):
        config = watcher.poll()
        if config is not None:
            return config
        time.sleep(0.002)
    pytest.fail("the watcher never reported the change")


def key_type(config: Optional[console_tls.Config]) -> str:
    assert config is not None and config.server is not None
    return config.server.key_type


def test_kubernetes_swaps_and_broken_states(pki: Path, tmp_path: Path) -> None:
    leaf = ((pki / "leaf.pem").read_bytes(), (pki / "leaf.key").read_bytes())
    rsa = ((pki / "rsa.pem").read_bytes(), (pki / "rsa.key").read_bytes())
    volume = SecretVolume(tmp_path)
    volume.publish(*leaf)
    with console_tls.Watcher(env_for(tmp_path)) as watcher:
        assert watcher.files == [str(tmp_path / "tls.crt"), str(tmp_path / "tls.key")]
        with watcher.current as first:
            assert key_type(first) == "ECDSA P-256"
        assert watcher.poll() is None

        volume.publish(*rsa)
        with settle(watcher) as reloaded:
            assert key_type(reloaded) == "RSA 2048-bit"
        assert key_type(watcher.current) == "RSA 2048-bit"

        broken = [
            (rsa[0], rsa[1][:200], "ERR_PEM_INVALID", "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "tls.key"),
            (leaf[0], (pki / "other.key").read_bytes(), "ERR_KEY_MISMATCH", "SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "tls.key"),
            (b"", leaf[1], "ERR_PEM_INVALID", "SERVER_SSL_CERTIFICATE", "tls.crt"),
        ]
        for cert, key, code, env_var, name in broken:
            volume.publish(cert, key)
            with pytest.raises(ConsoleTlsError) as caught:
                settle(watcher)
            assert (caught.value.code, caught.value.env_var) == (code, env_var)
            assert caught.value.path == str(tmp_path / name)
            assert watcher.poll() is None, "each broken state is reported once"
            assert key_type(watcher.current) == "RSA 2048-bit", "the last good configuration stays"

        volume.publish(*leaf)
        assert key_type(settle(watcher)) == "ECDSA P-256"
    assert watcher.closed
    with pytest.raises(ValueError):
        watcher.poll()


def test_by_hand_and_a_first_load_that_fails(pki: Path, tmp_path: Path) -> None:
    (tmp_path / "tls.crt").write_bytes((pki / "leaf.pem").read_bytes())
    watcher = console_tls.Watcher(env_for(tmp_path))
    try:
        assert watcher.current is None
        with pytest.raises(ConsoleTlsError) as caught:
            watcher.poll()
        assert caught.value.code == "ERR_FILE_NOT_FOUND"
        assert watcher.poll() is None

        (tmp_path / "tls.key").write_bytes((pki / "leaf.key").read_bytes())
        assert key_type(settle(watcher)) == "ECDSA P-256"

        # Write-then-rename, as editors and most tools replace files.
        for name, source in (("tls.crt", "rsa.pem"), ("tls.key", "rsa.key")):
            (tmp_path / ".tmp").write_bytes((pki / source).read_bytes())
            os.rename(tmp_path / ".tmp", tmp_path / name)
        assert key_type(settle(watcher)) == "RSA 2048-bit"
    finally:
        watcher.close()


def test_threads_share_a_watcher(pki: Path, tmp_path: Path) -> None:
    volume = SecretVolume(tmp_path)
    volume.publish((pki / "leaf.pem").read_bytes(), (pki / "leaf.key").read_bytes())
    reloads = []
    stop = threading.Event()
    with console_tls.Watcher(env_for(tmp_path)) as watcher:

        def poll_loop() -> None:
            for _ in range(MAX_POLLS):
                if stop.is_set():
                    return
                config = watcher.poll()
                if config is not None:
                    reloads.append(key_type(config))
                time.sleep(0.001)

        threads = [threading.Thread(target=poll_loop) for _ in range(3)]
        for thread in threads:
            thread.start()
        volume.publish((pki / "rsa.pem").read_bytes(), (pki / "rsa.key").read_bytes())
        for _ in range(MAX_POLLS):
            if reloads:
                break
            time.sleep(0.002)
        stop.set()
        for thread in threads:
            thread.join()
    assert reloads == ["RSA 2048-bit"], "one change, reported to one poller"


def test_options_and_arguments(tmp_path: Path) -> None:
    with console_tls.Watcher({"KEYCLOAK_BASE_URL": "http://identity.example.com"}) as watcher:
        assert watcher.files == []
        assert watcher.current is not None
        assert watcher.poll() is None
    with console_tls.Watcher({"KEYCLOAK_BASE_URL": "http://identity.example.com"}, require_tls=True) as watcher:
        assert watcher.current is None
        with pytest.raises(ConsoleTlsError) as caught:
            watcher.poll()
        assert caught.value.code == "ERR_URL_NOT_HTTPS"
    with pytest.raises(ValueError):
        console_tls.Watcher({"SERVER_SSL_CERTIFICATE": "a\0b"})
