"""Config.ssl_health / Config.ssl_metrics: Spring Boot's `ssl` health
component and the Prometheus expiry metrics, through the C library, on a
PKI with a valid, an expired and a not-yet-valid listener chain and the
NODE_EXTRA_CA_CERTS bundle; the metrics checked by prometheus_client's
own parser against the certificates' dates."""

import time
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

import console_tls


def env(pki: Path, management_chain: str, management_key: str) -> dict:
    return {
        "SERVER_SSL_ENABLED": "true",
        "SERVER_SSL_CERTIFICATE": str(pki / "chain.pem"),
        "SERVER_SSL_CERTIFICATE_PRIVATE_KEY": str(pki / "leaf.key"),
        "MANAGEMENT_SERVER_SSL_ENABLED": "true",
        "MANAGEMENT_SERVER_SSL_CERTIFICATE": str(pki / management_chain),
        "MANAGEMENT_SERVER_SSL_CERTIFICATE_PRIVATE_KEY": str(pki / management_key),
        "NODE_EXTRA_CA_CERTS": str(pki / "extra-ca.pem"),
    }


def statuses(chain: dict) -> list[str]:
    return [cert["validity"]["status"] for cert in chain["certificates"]]


def test_an_expired_listener_is_out_of_service(pki: Path) -> None:
    with console_tls.load_from_env(env(pki, "expired-chain.pem", "expired.key")) as config:
        health = config.ssl_health()
    assert health["status"] == "OUT_OF_SERVICE"
    invalid = {chain["alias"]: chain for chain in health["details"]["invalidChains"]}
    valid = {chain["alias"]: chain for chain in health["details"]["validChains"]}
    assert list(invalid) == ["management"]
    assert statuses(invalid["management"]) == ["EXPIRED", "VALID"]
    assert invalid["management"]["certificates"][0]["validity"]["message"] == "Not valid after 2021-01-01T00:00:00Z"
    # Spring Boot leaves truststores alone; the extra CAs are chains here too.
    assert set(valid) == {"server", "CN=console-tls test root CA", "CN=identity.local"}
    assert statuses(valid["server"]) == ["VALID", "VALID"]


def test_a_not_yet_valid_listener_is_out_of_service(pki: Path) -> None:
    with console_tls.load_from_env(env(pki, "future-chain.pem", "future.key")) as config:
        health = config.ssl_health()
    assert health["status"] == "OUT_OF_SERVICE"
    (management,) = health["details"]["invalidChains"]
    assert statuses(management) == ["NOT_YET_VALID", "VALID"]


def test_the_warning_threshold(pki: Path) -> None:
    # Leaves and Identity's certificate: 825 days; the CAs: 10 years.
    with console_tls.load_from_env(env(pki, "rsa.pem", "rsa.key")) as config:
        soon = config.ssl_health(warning_threshold=timedelta(days=900))
        default = config.ssl_health()
        with pytest.raises(ValueError):
            config.ssl_health(warning_threshold=timedelta(seconds=-1))
        with pytest.raises(TypeError):
            config.ssl_metrics(warning_threshold=14)  # type: ignore[arg-type]
    assert soon["status"] == "UP" and soon["details"]["invalidChains"] == []
    valid = {chain["alias"]: statuses(chain) for chain in soon["details"]["validChains"]}
    assert valid["server"] == ["WILL_EXPIRE_SOON", "VALID"]
    assert valid["management"] == ["WILL_EXPIRE_SOON"]
    assert valid["CN=identity.local"] == ["WILL_EXPIRE_SOON"]
    assert valid["CN=console-tls test root CA"] == ["VALID"]
    assert all(s == "VALID" for chain in default["details"]["validChains"] for s in statuses(chain))


def test_metrics_parse_and_match_the_certificates(pki: Path) -> None:
    with console_tls.load_from_env(env(pki, "expired-chain.pem", "expired.key")) as config:
        before = time.time()
        text = config.ssl_metrics()
        after = time.time()
        certificates = {
            cert.serial: cert
            for tls in (config.server, config.management)
            for cert in tls.certificates  # type: ignore[union-attr]
        } | {cert.serial: cert for cert in config.trust.certificates}
    families = {family.name: family for family in text_string_to_metric_families(text)}
    assert set(families) == {"ssl_chains", "ssl_chain_expiry_seconds"}
    assert all(family.type == "gauge" for family in families.values())
    chains = {sample.labels["status"]: sample.value for sample in families["ssl_chains"].samples}
    assert chains == {"valid": 3, "expired": 1, "not-yet-valid": 0, "will-expire-soon": 0}
    samples = families["ssl_chain_expiry_seconds"].samples
    assert len(samples) == 6  # two per listener chain, one per extra CA
    for sample in samples:
        cert = certificates[sample.labels["certificate"]]
        not_after = cert.not_after.timestamp()
        # The value is notAfter minus the moment of the call.
        assert not_after - after - 1 <= sample.value <= not_after - before + 1, sample
    expired = [s for s in samples if s.labels["bundle"] == "management" and s.value < 0]
    assert len(expired) == 1


def test_a_watchers_current_config_has_health(pki: Path) -> None:
    with console_tls.Watcher(env(pki, "rsa.pem", "rsa.key")) as watcher:
        current = watcher.current
        assert current is not None
        assert current.ssl_health()["status"] == "UP"
        assert "ssl_chains{status=\"valid\"} 4" in current.ssl_metrics()
