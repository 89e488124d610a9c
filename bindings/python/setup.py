"""Builds libconsole_tls, the C library of the console-tls crate at the
repository root, with cargo and bundles it in the package, so that an
installed wheel works from any directory without CONSOLE_TLS_LIB.

setuptools-rust, not maturin: this package is ctypes over a plain C library.
setuptools-rust builds a crate's cdylib as it is (``Binding.NoBinding``) and
copies it into the package; maturin wants a PyO3, cffi or uniffi module (or
a binary) and would wrap or rename the library.

Two adjustments to setuptools' defaults, both because the library is not a
Python extension module:

* the file keeps the platform's library name (``libconsole_tls.so``), not an
  extension-module suffix (``.cpython-311-x86_64-linux-gnu.so``): it is never
  imported, ``_native.py`` loads it by that name;
* the wheel is tagged ``py3-none-<platform>``: ctypes uses no Python ABI, so
  one wheel per platform serves every Python 3 version.

Build from a checkout of the repository (the crate is two directories up);
an sdist of this directory alone cannot build. Release by default (cargo's
release profile); SETUPTOOLS_RUST_CARGO_PROFILE=dev builds the debug
profile, and CARGO_TARGET_DIR picks cargo's target directory (default: the
workspace's own), so a test build reuses what cargo already compiled.
"""

import os
import runpy

from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_ext import build_ext
from setuptools_rust import Binding, RustExtension

HERE = os.path.dirname(os.path.abspath(__file__))
# The file name the package loads the library by (_native.py, read without
# importing the package: only the standard library runs).
LIBRARY = runpy.run_path(os.path.join(HERE, "console_tls", "_native.py"))["_FILE_NAME"]
STEM = LIBRARY.split(".")[0]


class BuildLibrary(build_ext):
    def get_ext_filename(self, fullname: str) -> str:
        *package, name = fullname.split(".")
        if name == STEM:
            return os.path.join(*package, LIBRARY)
        return super().get_ext_filename(fullname)


class WheelForAnyPython3(bdist_wheel):
    def get_tag(self) -> tuple:
        _python, _abi, platform = super().get_tag()
        return "py3", "none", platform


setup(
    rust_extensions=[
        RustExtension(
            f"console_tls.{STEM}",
            path=os.path.join(HERE, "..", "..", "Cargo.toml"),
            binding=Binding.NoBinding,
            # The C ABI alone: the CLI's dependencies (clap, rcgen) stay out.
            features=["c-api"],
            args=["--no-default-features"],
        )
    ],
    cmdclass={"build_ext": BuildLibrary, "bdist_wheel": WheelForAnyPython3},
)
