"""A project survives SIGKILL at any moment of ``add`` and ``build``: the store stays whole,
the outputs are the old or the new ones, and the next build completes."""

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import AFP

import conflictmap.geo.project as pj


def _hashes(folder):
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(argv):
    return subprocess.Popen([sys.executable, "-m", "conflictmap", *argv], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def _timed(argv) -> float:
    t = time.monotonic()
    run = _run(argv)
    _, err = run.communicate(timeout=300)
    assert run.returncode == 0, err
    return time.monotonic() - t


def _whole(store):
    with sqlite3.connect(store) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def _steps(root, report):
    return (["add", str(root), str(report), "--date", f"{AFP}=2017-10-16", "-q"],
            ["build", str(root), "-q"])


@pytest.fixture(scope="module")
def project(seeds, tmp_path_factory):
    """A built project of two seed reports, the third report, and what adding it gives.

    The add and the build are timed on a copy, so the tests can kill them part-way.
    """
    base = tmp_path_factory.mktemp("kill")
    proj = pj.init(base / "p")
    files = sorted(seeds.glob("*.txt"))
    pj.add(proj, [f for f in files if f.name != AFP])
    pj.build(proj)
    report = next(f for f in files if f.name == AFP)
    shutil.copytree(proj.root, base / "trial")
    add, build = _steps(base / "trial", report)
    took = (_timed(add), _timed(build))
    return proj, report, took, _hashes(base / "trial" / "out")


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.9])
def test_a_killed_add_then_build_loses_nothing(project, fraction, tmp_path):
    base, report, took, new = project
    root = tmp_path / "p"
    shutil.copytree(base.root, root)
    proj = pj.Project.open(root)
    old = _hashes(proj.out)
    assert new != old
    add, build = _steps(root, report)
    for argv, took_it in zip((add, build), took, strict=True):
        run = _run(argv)
        time.sleep(took_it * fraction)
        if run.poll() is None:
            os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=60)
        assert _whole(proj.store) == "ok"
        assert _hashes(proj.out) in (old, new)  # the old outputs or the new, never a mix
        leftovers = [p.name for p in root.parent.iterdir() if p.name.startswith(".p.")]
        assert all(not name.endswith(".tmp") for name in leftovers)
    # The next add and build complete, and give what an uninterrupted run gives.
    for argv in (add, build):
        run = _run(argv)
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    assert _whole(proj.store) == "ok"
    assert _hashes(proj.out) == new
