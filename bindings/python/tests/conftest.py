"""Shared fixtures: the package on sys.path and a PKI made by openssl."""

import subprocess
import sys
from pathlib import Path

import pytest

BINDINGS = Path(__file__).resolve().parents[1]
REPO = BINDINGS.parents[1]
sys.path.insert(0, str(BINDINGS))


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh PKI (see tests/c/make-pki.sh for what each file is)."""
    directory = tmp_path_factory.mktemp("pki")
    subprocess.run(["sh", str(REPO / "tests" / "c" / "make-pki.sh"), str(directory)], check=True)
    return directory
