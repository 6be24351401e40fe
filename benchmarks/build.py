"""Where the time of a build goes, as ratios against a baseline measured in the same run.

Baseline: starting Python and importing geopandas (the floor any build pays).
Stages: importing conflictmap, loading the gazetteer (with the GeoNames world
layer), building its name index, reading the bundled demo, writing outputs.
"""

import subprocess
import sys
import tempfile
import time


def _time(code: str, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    out = tempfile.mkdtemp()
    base = _time("import geopandas")
    stages = {
        "import conflictmap": "import conflictmap.geo.pipeline",
        "+ load gazetteer": "from conflictmap.gazetteer import Gazetteer; Gazetteer.from_files()",
        "+ name index": "from conflictmap.gazetteer import Gazetteer; Gazetteer.from_files().match('Raqqa')",
        "+ read demo": (
            "from conflictmap.gazetteer import Gazetteer; from conflictmap.geo.pipeline import *\n"
            "from conflictmap.geo.actors import Actors\n"
            "t=bundled_theatre(); g=Gazetteer.from_files(); a=Actors.load(t['actors'])\n"
            "read_theatre(read_articles(t['articles']), g, a)"),
        "+ write outputs (demo)": (
            f"from conflictmap.geo.cli import main; main(['demo','--out',{out!r},'-q'])"),
    }
    print(f"baseline (python + import geopandas): {base:.2f} s = 1.00")
    for name, code in stages.items():
        t = _time(code)
        print(f"{name:28s} {t:6.2f} s = {t / base:5.2f} x baseline")


if __name__ == "__main__":
    main()
