"""The wheel, installed outside the source tree, runs the demo and imports as one package."""

import os
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(cmd, **kw):
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert res.returncode == 0, f"{cmd}: {res.stdout}\n{res.stderr}"
    return res


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with only the wheel installed; the dependencies come from this venv."""
    tmp = tmp_path_factory.mktemp("wheel")
    # Offline: the wheel is built with this venv's setuptools, not an isolated one.
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
          "-w", str(tmp / "dist"), str(ROOT)], cwd=tmp)
    wheel = next((tmp / "dist").glob("conflictmap-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    # The dependencies, but not this checkout: only the site folders' paths, not their .pth files.
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (purelib / "deps.pth").write_text("\n".join(deps) + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
          "--no-deps", "--no-index", str(wheel)], cwd=tmp)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    work = tmp / "elsewhere"
    work.mkdir()
    return {"venv": venv, "env": env, "cwd": work, "wheel": wheel}


def test_wheel_holds_one_package_and_its_data(installed):
    import zipfile

    names = zipfile.ZipFile(installed["wheel"]).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert tops == {"conflictmap"}
    for needed in ("conflictmap/geo/data/raqqa/articles/", "conflictmap/gazetteer/data/raqqa.geojson",
                   "conflictmap/geo/data/en/predicates.yaml", "conflictmap/maps/templates/",
                   "conflictmap/py.typed"):
        assert any(n.startswith(needed) for n in names), needed
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_installed_wheel_runs_the_demo_from_anywhere(installed):
    env, cwd = installed["env"], installed["cwd"]
    version = _run(["conflictmap", "--version"], env=env, cwd=cwd).stdout.split()
    assert version[0] == "conflictmap" and version[1][0].isdigit()
    _run(["conflictmap", "demo", "--out", "out", "-q"], env=env, cwd=cwd)
    days = sorted(p.name for p in (cwd / "out" / "days").glob("*.geojson"))
    assert days == ["2017-10-14.geojson", "2017-10-15.geojson", "2017-10-16.geojson",
                    "2017-10-17.geojson"]


def test_installed_package_imports_from_the_venv_not_the_tree(installed):
    py = str(installed["venv"] / "bin" / "python")
    code = ("import conflictmap, conflictmap.geo.cli, importlib.util; print(conflictmap.__file__); "
            "print(conflictmap.__version__); "
            "print([m for m in ('geo', 'maps', 'gazetteer') if importlib.util.find_spec(m)])")
    out = _run([py, "-c", code], env=installed["env"], cwd=installed["cwd"]).stdout.split("\n")
    assert out[0].startswith(str(installed["venv"])), out[0]
    assert out[1][0].isdigit()
    assert out[2] == "[]"  # no generic top-level packages
