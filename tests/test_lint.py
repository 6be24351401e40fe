"""The linters as part of the suite: mypy --strict (set in pyproject.toml) and ruff.

CI runs only the README's test command, so these are how a type error or a
lint failure turns CI red.  mypy keeps its cache in ``.mypy_cache``: a cold run
takes about a minute on the CI machine, a warm one a few seconds.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What noxfile.py's lint session checks.
RUFF_PATHS = ["gazetteer", "geo", "maps", "tests", "benchmarks", "noxfile.py", "conflictmap"]


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed (pip install -e '.[test]' brings it)")
    return subprocess.run([sys.executable, "-m", tool, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_mypy_strict_is_clean():
    # Plain `-p conflictmap`: strictness and the untyped libraries come from pyproject.toml.
    done = _run("mypy", "-p", "conflictmap")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


def test_ruff_is_clean():
    done = _run("ruff", "check", *RUFF_PATHS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_config_is_strict():
    # The test above is only as good as the configuration it reads.
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mypy"]
    assert config["strict"] is True
    assert "ignore_missing_imports" not in config  # only per library, in the overrides


@pytest.mark.parametrize("module", ["conflictmap.geo.claims.enums", "conflictmap.geo.actors"])
def test_enum_doctests(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted >= 3
    assert result.failed == 0
