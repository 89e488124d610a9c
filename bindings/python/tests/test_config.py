"""load_from_env: configurations from a dict (the process environment left
alone) or os.environ, both listeners, trust, Identity, options, and errors
naming their variables."""

import os
from pathlib import Path

import pytest

import console_tls
from console_tls import ConsoleTlsError


def full_env(pki: Path) -> dict:
    return {
        "SERVER_SSL_ENABLED": "true",
        "SERVER_SSL_CERTIFICATE": str(pki / "chain.pem"),
        "SERVER_SSL_CERTIFICATE_PRIVATE_KEY": str(pki / "leaf-encrypted.key"),
        "SERVER_SSL_PASSPHRASE": "correct horse",
        "MANAGEMENT_SERVER_SSL_ENABLED": "yes",
        "MANAGEMENT_SERVER_SSL_CERTIFICATE": f"file:{pki / 'rsa.pem'}",
        "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY": (pki / "rsa.key").read_text(),
        "KEYCLOAK_BASE_URL": "https://identity.local:8443/auth",
        "KEYCLOAK_INTERNAL_BASE_URL": "http://keycloak.identity.svc:8080",
        "NODE_EXTRA_CA_CERTS": str(pki / "extra-ca.pem"),
    }


def test_loads_everything_from_a_dict(pki: Path) -> None:
    with console_tls.load_from_env(full_env(pki)) as config:
        assert config.server is not None and config.management is not None
        assert config.server.key_type == "ECDSA P-256"
        assert config.management.key_type == "RSA 2048-bit"
        assert len(config.trust.certificates) == 2
        config.trust.verify_server(config.server.cert, "localhost")
        config.trust.verify_server((pki / "identity.pem").read_text(), "identity.local")
        identity = config.identity
        assert identity.base_url == "https://identity.local:8443/auth"
        assert identity.internal_base_url == "http://keycloak.identity.svc:8080/"
        assert identity.uses_tls
        assert [w.code for w in identity.warnings] == ["WARN_IDENTITY_NOT_ENCRYPTED"]
        assert [(w.code, w.env_var) for w in config.warnings] == [
            ("WARN_IDENTITY_NOT_ENCRYPTED", "KEYCLOAK_INTERNAL_BASE_URL")
        ]


def test_a_dict_leaves_the_process_environment_alone(pki: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A broken configuration in os.environ must not be read...
    monkeypatch.setenv("SERVER_SSL_ENABLED", "not a boolean")
    monkeypatch.setenv("NODE_EXTRA_CA_CERTS", "/nonexistent/bundle.pem")
    before = dict(os.environ)
    with console_tls.load_from_env({"MANAGEMENT_SERVER_SSL_ENABLED": "false"}) as config:
        assert config.server is None and config.management is None
        assert config.trust.certificates == []
    # ...nor changed.
    assert dict(os.environ) == before
    with console_tls.load_from_env(full_env(pki)) as config:
        assert config.server is not None
    assert dict(os.environ) == before


def test_none_reads_os_environ(pki: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MANAGEMENT_SERVER_SSL_ENABLED", "KEYCLOAK_BASE_URL", "KEYCLOAK_INTERNAL_BASE_URL", "NODE_EXTRA_CA_CERTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SERVER_SSL_ENABLED", "on")
    monkeypatch.setenv("SERVER_SSL_CERTIFICATE", str(pki / "combined.pem"))
    monkeypatch.setenv("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", str(pki / "combined.pem"))
    with console_tls.load_from_env() as config:
        assert config.server is not None and config.management is None
    monkeypatch.setenv("SERVER_SSL_ENABLED", "maybe")
    with pytest.raises(ConsoleTlsError) as caught:
        console_tls.load_from_env()
    assert (caught.value.code, caught.value.env_var) == ("ERR_CONFIG_INVALID", "SERVER_SSL_ENABLED")


def test_options(pki: Path) -> None:
    env = {"KEYCLOAK_BASE_URL": "http://identity.example.com"}
    with pytest.raises(ConsoleTlsError) as caught:
        console_tls.load_from_env(env, require_tls=True)
    assert (caught.value.code, caught.value.env_var) == ("ERR_URL_NOT_HTTPS", "KEYCLOAK_BASE_URL")
    env = {"NODE_EXTRA_CA_CERTS": str(pki / "bad-bundle.pem")}
    with pytest.raises(ConsoleTlsError) as caught:
        console_tls.load_from_env(env)
    assert (caught.value.env_var, caught.value.path, caught.value.block) == (
        "NODE_EXTRA_CA_CERTS",
        str(pki / "bad-bundle.pem"),
        2,
    )
    with console_tls.load_from_env(env, strict_trust=False) as config:
        assert len(config.trust.certificates) == 2
        assert [w.code for w in config.warnings] == ["WARN_TRUST_PROBLEM"]


@pytest.mark.parametrize(
    "overrides, code, env_var",
    [
        ({"SERVER_SSL_ENABLED": "maybe"}, "ERR_CONFIG_INVALID", "SERVER_SSL_ENABLED"),
        ({"SERVER_SSL_CERTIFICATE": ""}, "ERR_CONFIG_MISSING", "SERVER_SSL_CERTIFICATE"),
        ({"SERVER_SSL_CERTIFICATE": "classpath:cert.pem"}, "ERR_CONFIG_INVALID", "SERVER_SSL_CERTIFICATE"),
        ({"SERVER_SSL_PASSPHRASE": ""}, "ERR_KEY_ENCRYPTED", "SERVER_SSL_CERTIFICATE_PRIVATE_KEY"),
        ({"SERVER_SSL_PASSPHRASE": b"\xff wrong"}, "ERR_PASSPHRASE_WRONG", "SERVER_SSL_CERTIFICATE_PRIVATE_KEY"),
        ({"MANAGEMENT_SERVER_SSL_CERTIFICATE": "/nonexistent/cert.pem"}, "ERR_FILE_NOT_FOUND", "MANAGEMENT_SERVER_SSL_CERTIFICATE"),
        ({"KEYCLOAK_BASE_URL": "ftp://identity.example.com"}, "ERR_CONFIG_INVALID", "KEYCLOAK_BASE_URL"),
        ({"NODE_EXTRA_CA_CERTS": "/nonexistent/ca.pem"}, "ERR_FILE_NOT_FOUND", "NODE_EXTRA_CA_CERTS"),
    ],
)
def test_errors_name_their_variable(pki: Path, overrides: dict, code: str, env_var: str) -> None:
    env = {**full_env(pki), **overrides}
    with pytest.raises(ConsoleTlsError) as caught:
        console_tls.load_from_env(env)
    assert caught.value.code == code
    assert caught.value.env_var == env_var
    assert str(caught.value).startswith(env_var + ": ")


def test_encrypted_key_message_names_the_passphrase_variable(pki: Path) -> None:
    env = full_env(pki)
    del env["SERVER_SSL_PASSPHRASE"]
    with pytest.raises(ConsoleTlsError) as caught:
        console_tls.load_from_env(env)
    assert caught.value.code == "ERR_KEY_ENCRYPTED"
    assert "SERVER_SSL_PASSPHRASE" in str(caught.value)
    assert caught.value.path == str(pki / "leaf-encrypted.key")
