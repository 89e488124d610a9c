"""The loading corpus (tests/fixtures/corpus/expected.tsv, the table the
Rust, C and Node suites check) through the Python binding: the same code and
key type for every case, the key as the bytes ``openssl pkcs8 -topk8
-nocrypt`` writes for it, and errors that name their file and never show the
passphrase."""

import csv
import hashlib
import os
from pathlib import Path

import pytest

import console_tls
from console_tls import ConsoleTlsError

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "corpus"


def _table(name: str) -> list[dict[str, str]]:
    with open(CORPUS / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


CASES = _table("expected.tsv")
OPENSSL = {(row["key"], row["passphrase"]): row["sha256"] for row in _table("openssl-pkcs8.tsv")}


def test_the_corpus_is_all_there() -> None:
    assert len(CASES) >= 140


def test_error_codes_are_the_c_statuses_in_order() -> None:
    lib = console_tls._native.lib()
    for status, code in enumerate(console_tls.ERROR_CODES, start=1):
        assert lib.ctls_status_name(status).decode() == code
    assert "ERR_CERT_UNSUPPORTED" in console_tls.ERROR_CODES


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_case_gives_its_expected_verdict(case: dict[str, str]) -> None:
    passphrase = {"-": None, "(empty)": ""}.get(case["passphrase"], case["passphrase"])
    cert, key = CORPUS / case["cert"], CORPUS / case["key"]
    if case["expected"] == "OK":
        tls = console_tls.load_server_tls(cert, key, passphrase)
        assert tls.key_type == case["key_type"]
        assert (",".join(w.code for w in tls.warnings) or "-") == case["warnings"]
        want = OPENSSL[(case["key"], case["passphrase"])]
        assert hashlib.sha256(tls.key_der).hexdigest() == want
        return
    with pytest.raises(ConsoleTlsError) as caught:
        console_tls.load_server_tls(cert, key, passphrase)
    error = caught.value
    assert error.code == case["expected"]
    assert error.path is not None and error.path in error.message
    assert os.path.samefile(error.path, cert) or os.path.samefile(error.path, key)
    if passphrase:
        assert passphrase not in error.message and passphrase not in repr(error)
