"""Engines: every core (--jobs) and a dask cluster (--engine dask) give the same bytes as one process."""

import hashlib
import subprocess
import sys

import pytest
from conftest import AFP

from conflictmap.geo.cli import main
from conflictmap.geo.engine import PARALLEL_MIN_BYTES, Engine, jobs_for

BATTLES = ("kobani", "ramadi", "severodonetsk", "tal_afar")


def _hashes(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def cluster():
    """One local dask cluster of two worker processes, shared by the tests (its address)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address="127.0.0.1:0") as local:
        yield local.scheduler_address


def _inputs(name, seeds, corpus_root):
    if name == "seeds":
        return [str(seeds), "--date", f"{AFP}=2017-10-16"]
    battle = corpus_root / name
    return [str(battle / "articles"), "--gazetteer", str(battle / "gazetteer.geojson"),
            "--actors", str(battle / "actors.yaml")]


@pytest.mark.parametrize("name", ["seeds", *BATTLES])
def test_jobs_and_dask_write_the_same_bytes(name, seeds, corpus_root, cluster, tmp_path):
    args = _inputs(name, seeds, corpus_root)
    runs = {"one": ["--jobs", "1"], "two": ["--jobs", "2"],
            "dask": ["--engine", "dask", "--scheduler", cluster]}
    for run, extra in runs.items():
        assert main(["build", *args, *extra, "--out", str(tmp_path / run), "-q"]) == 0
    one = _hashes(tmp_path / "one")
    assert len(one) > 5 and "claims.csv" in one
    assert (tmp_path / "one" / "claims.csv").read_text().count("\n") > 5  # something was read
    assert _hashes(tmp_path / "two") == one
    assert _hashes(tmp_path / "dask") == one


def test_a_local_dask_cluster_is_started_when_no_scheduler_is_given(seeds, tmp_path):
    pytest.importorskip("distributed")
    args = _inputs("seeds", seeds, None)
    assert main(["build", *args, "--jobs", "1", "--out", str(tmp_path / "one"), "-q"]) == 0
    # A subprocess: a LocalCluster is the build's own, started and stopped inside it.
    run = subprocess.run([sys.executable, "-m", "conflictmap", "build", *args, "--engine", "dask",
                          "--jobs", "2", "--out", str(tmp_path / "dask"), "-q"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # the cluster's chatter is not the build's news
    assert _hashes(tmp_path / "dask") == _hashes(tmp_path / "one")


@pytest.mark.parametrize("extra, words", [
    (["--jobs", "0"], "1 to 1024"),
    (["--jobs", "many"], "number of processes"),
    (["--scheduler", "tcp://127.0.0.1:1"], "needs --engine dask"),
    (["--engine", "spark"], "invalid choice"),
    (["--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"], "cannot reach the dask scheduler"),
])
def test_engine_options_fail_in_one_line(extra, words, seeds, tmp_path, capsys):
    out = tmp_path / "out"
    try:
        code = main(["build", *_inputs("seeds", seeds, None), *extra, "--out", str(out)])
    except SystemExit as stop:  # argparse's own refusals
        code = stop.code
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "Traceback" not in err
    assert not out.exists()  # refused before anything was written


def test_a_small_build_reads_in_one_process_unless_told():
    assert jobs_for(40, PARALLEL_MIN_BYTES - 1) == 1
    assert jobs_for(40, PARALLEL_MIN_BYTES - 1, jobs=2) == 2
    assert jobs_for(1, 10**9, jobs=8) == 1  # never more workers than reports
    assert jobs_for(40, PARALLEL_MIN_BYTES) >= 1
    assert Engine("local") is Engine.LOCAL
