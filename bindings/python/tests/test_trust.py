"""load_trust and Trust.verify_server: trusted, untrusted, wrong host,
expired, not yet valid, directly trusted self-signed certificates, chain
forms, strict and lenient bundles."""

from pathlib import Path

import pytest

import console_tls
from console_tls import ConsoleTlsError


@pytest.fixture
def trust(pki: Path):
    with console_tls.load_trust(pki / "extra-ca.pem") as trust:
        yield trust


def test_extras(trust, pki: Path) -> None:
    root, identity = trust.certificates
    assert "CN=console-tls test root CA" in root.subject
    assert "CN=identity.local" in identity.subject and identity.is_ca
    assert trust.ca == (pki / "extra-ca.pem").read_text()
    assert trust.warnings == []
    assert trust.mozilla_root_count > 100
    assert trust.system_root_count == 0


@pytest.mark.parametrize(
    "chain, hostname, code",
    [
        ("chain.pem", "localhost", None),
        ("chain.pem", "127.0.0.1", None),
        ("identity.pem", "identity.local", None),  # self-signed CA:TRUE, trusted directly
        ("chain.pem", "console.example.com", "ERR_CERT_HOSTNAME_MISMATCH"),
        ("identity.pem", "localhost", "ERR_CERT_HOSTNAME_MISMATCH"),
        ("untrusted.pem", "localhost", "ERR_CERT_UNTRUSTED"),
        ("leaf.pem", "localhost", "ERR_CERT_UNTRUSTED"),  # intermediate missing
        ("expired-chain.pem", "localhost", "ERR_CERT_EXPIRED"),
        ("future-chain.pem", "localhost", "ERR_CERT_NOT_YET_VALID"),
        ("not-a-cert.pem", "localhost", "ERR_CERT_INVALID"),
        ("no-cert.pem", "localhost", "ERR_PEM_INVALID"),
        ("chain.pem", "not a host!", "ERR_CONFIG_INVALID"),
    ],
)
def test_verify_server(trust, pki: Path, chain: str, hostname: str, code) -> None:
    pem = (pki / chain).read_text()
    if code is None:
        assert trust.verify_server(pem, hostname) is None
        assert trust.verify_server(pem.encode(), hostname) is None
    else:
        with pytest.raises(ConsoleTlsError) as caught:
            trust.verify_server(pem, hostname)
        assert caught.value.code == code
        assert caught.value.status > 0


def test_chain_forms(trust, pki: Path) -> None:
    leaf = (pki / "leaf.der").read_bytes()
    intermediate = (pki / "intermediate.der").read_bytes()
    trust.verify_server([leaf, intermediate], "localhost")
    trust.verify_server([leaf, (pki / "intermediate.pem").read_text()], "localhost")
    trust.verify_server([(pki / "leaf.pem").read_bytes(), intermediate], "localhost")
    with pytest.raises(ConsoleTlsError) as caught:
        trust.verify_server(leaf, "localhost")  # one DER certificate, no intermediate
    assert caught.value.code == "ERR_CERT_UNTRUSTED"


def test_error_messages_say_what_to_do(trust, pki: Path) -> None:
    with pytest.raises(ConsoleTlsError) as caught:
        trust.verify_server((pki / "untrusted.pem").read_text(), "localhost")
    assert "NODE_EXTRA_CA_CERTS" in str(caught.value)
    with pytest.raises(ConsoleTlsError) as caught:
        trust.verify_server((pki / "not-a-cert.pem").read_text(), "localhost")
    # The chain is named "chain" on every surface (Node's verifyServer, C's
    # ctls_trust_verify_server_items, this binding), the item as the block.
    assert (caught.value.env_var, caught.value.block) == ("chain", 1)
    with pytest.raises(ConsoleTlsError) as caught:
        trust.verify_server((pki / "chain.pem").read_text(), "not a host!")
    assert caught.value.env_var == "hostname"


def test_without_extras_nothing_private_is_trusted(pki: Path) -> None:
    with console_tls.load_trust(pki / "missing.pem", strict=False) as trust:
        assert trust.certificates == []
        assert [w.code for w in trust.warnings] == ["WARN_TRUST_PROBLEM"]
        with pytest.raises(ConsoleTlsError) as caught:
            trust.verify_server((pki / "chain.pem").read_text(), "localhost")
        assert caught.value.code == "ERR_CERT_UNTRUSTED"


@pytest.mark.parametrize(
    "bundle, code",
    [
        ("missing.pem", "ERR_FILE_NOT_FOUND"),
        ("ca-db", "ERR_FILE_UNREADABLE"),
        ("empty.pem", "ERR_PEM_INVALID"),
        ("big.pem", "ERR_FILE_TOO_LARGE"),
    ],
)
def test_strict_bundle_errors(pki: Path, bundle: str, code: str) -> None:
    with pytest.raises(ConsoleTlsError) as caught:
        console_tls.load_trust(pki / bundle)
    assert caught.value.code == code
    assert caught.value.env_var == "extra_ca_certs"
    assert caught.value.path == str(pki / bundle)


def test_corrupt_block_strict_and_lenient(pki: Path) -> None:
    with pytest.raises(ConsoleTlsError) as caught:
        console_tls.load_trust(pki / "bad-bundle.pem")
    assert caught.value.code in ("ERR_CERT_INVALID", "ERR_PEM_INVALID")
    assert caught.value.block == 2
    with console_tls.load_trust(pki / "bad-bundle.pem", strict=False) as trust:
        # The good blocks before and after the bad one are kept.
        assert len(trust.certificates) == 2
        (warning,) = trust.warnings
        assert warning.code == "WARN_TRUST_PROBLEM" and "block 2" in warning.message
        trust.verify_server((pki / "identity.pem").read_text(), "identity.local")


def test_duplicates_collapse(pki: Path) -> None:
    with console_tls.load_trust(pki / "duplicates.pem") as trust:
        assert len(trust.certificates) == 2
        assert [w.code for w in trust.warnings] == ["WARN_DUPLICATE_CERTIFICATE"]
