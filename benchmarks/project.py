"""A project's incremental build: add one report to N, then build, against a full rebuild.

Both in the same run, on the seeded synthetic corpus (``benchmarks/corpus.py``):
``init``, ``add`` N reports, ``build`` (every report read: the full rebuild),
then ``add`` one more and ``build`` again (one report read, the rest from the
store). The target: the incremental build at least 50 times faster. Run:
``python benchmarks/project.py [--reports 10000] [--jobs 2]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402


def _timed(argv: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "conflictmap", *argv], check=True)
    return time.perf_counter() - t


def _built(argv: list[str]) -> tuple[float, str]:
    """Time a build and return its first line: what it read and which sites it worked out again."""
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "conflictmap", *argv], check=True,
                          capture_output=True, text=True)
    return time.perf_counter() - t, done.stdout.splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        files = corpus.generate(args.reports + 1, 11, folder)
        project = Path(tmp) / "battle"
        _timed(["init", str(project)])
        (folder / "later").mkdir()
        files[-1].rename(folder / "later" / files[-1].name)
        add_all = _timed(["add", str(project), str(folder), "-q"])
        full, _ = _built(["build", str(project), *jobs])
        add_one = _timed(["add", str(project), str(folder / "later"), "-q"])
        incremental, work = _built(["build", str(project), *jobs])
    result = {"reports": args.reports, "add_all_s": round(add_all, 2), "full_build_s": round(full, 2),
              "add_one_s": round(add_one, 2), "incremental_build_s": round(incremental, 2),
              "ratio": round(full / (add_one + incremental), 1), "target_ratio": 50,
              "incremental_work": work.removeprefix("conflictmap: ")}
    print(f"{args.reports} reports: full build {full:.1f} s; add 1 + build {add_one + incremental:.1f} s "
          f"({add_one:.1f} + {incremental:.1f}): {result['ratio']}x faster (target >= 50x); {work}")
    out = ROOT / "benchmarks" / "results" / "project.json"
    out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
