"""The day-by-day map at scale, end to end: sites x days through the timeline and every default writer.

A synthetic battle — N quarters of one city, each changing hands about every
30 days over D days — goes through the same stages a build runs after the
reading: the timeline, the frames, and the default outputs (HTML, interval
and day feeds, GeoPackage, CSVs). Each size runs in a fresh process, so its
peak memory is its own. Figures are ratios against the smallest size in the
same run (how time and memory grow). Run: ``python benchmarks/sitedays.py
[--sites 1000,10000] [--days 365]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACTORS = ["SDF", "IS", "SAA"]


def gazetteer(n: int, folder: Path) -> Path:
    """Write a city and ``n`` point quarters inside it, as a gazetteer GeoJSON."""
    rng = random.Random(n)
    x0, y0, size = 38.9, 35.9, 0.2
    city = {"type": "Feature", "properties": {"id": "city", "name": "Synthetic City", "kind": "city",
                                              "source": "synthetic"},
            "geometry": {"type": "Polygon", "coordinates": [[[x0, y0], [x0 + size, y0],
                                                             [x0 + size, y0 + size], [x0, y0 + size],
                                                             [x0, y0]]]}}
    feats = [city]
    for i in range(n):
        feats.append({"type": "Feature",
                      "properties": {"id": f"q{i:05d}", "name": f"Quarter {i}", "kind": "neighbourhood",
                                     "parent": "city", "source": "synthetic"},
                      "geometry": {"type": "Point", "coordinates": [round(x0 + rng.random() * size, 6),
                                                                    round(y0 + rng.random() * size, 6)]}})
    path = folder / "gazetteer.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


def run_one(n_sites: int, n_days: int, folder: Path) -> dict[str, float]:
    """Build the map of one size in this process; return seconds and peak MB per stage."""
    from conflictmap.gazetteer import Gazetteer
    from conflictmap.geo.actors import Actors
    from conflictmap.geo.articles import Article
    from conflictmap.geo.claims import Claim
    from conflictmap.geo.pipeline import Reading, bundled_theatre, quarters, write_outputs
    from conflictmap.geo.timeline import Timeline

    def peak() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    out: dict[str, float] = {}
    t = time.perf_counter()
    gaz = Gazetteer.from_files([gazetteer(n_sites, folder)])
    actors = Actors.load(bundled_theatre()["actors"])
    sides = [a.id for a in actors][:3]
    first = dt.date(2017, 1, 1)
    rng = random.Random(7)
    arts, claims = [], []
    for d in range(0, n_days, 3):  # a report every third day
        day = first + dt.timedelta(days=d)
        arts.append(Article(f"r{d}.txt", f"r{d}.txt", "Synthetic report.", day, "header",
                            outlet="Synthetic Wire", title=f"Day {d}"))
    for i in range(n_sites):
        d = rng.randrange(0, 30)
        while d < n_days:
            day = first + dt.timedelta(days=d - d % 3)
            taker, loser = rng.sample(sides, 2)
            claims.append(Claim(
                article=f"r{d - d % 3}.txt", published=day, sentence=f"{taker} took Quarter {i} (day {d}).",
                start=0, end=4, site=f"q{i:05d}", site_text=f"Quarter {i}", type="capture", actor=taker,
                loser=loser, date=day, date_precision="day", date_text="", status="asserted",
                tense="past", asserted_by="", confidence=0.8, reason="synthetic"))
            d += rng.randrange(20, 41)
    out["setup_s"] = time.perf_counter() - t
    out["setup_peak_mb"] = peak()
    t = time.perf_counter()
    sites = sorted(gaz.sites())
    last = first + dt.timedelta(days=n_days - 1)
    timeline = Timeline(claims, sites, actors, first, last, parents=quarters(gaz, sites))
    out["timeline_s"] = time.perf_counter() - t
    out["timeline_peak_mb"] = peak()
    reading = Reading(arts, {a.name: [] for a in arts}, claims, timeline, "city",
                      {a.name: "city" for a in arts}, [])
    t = time.perf_counter()
    write_outputs(reading, gaz, actors, folder / "out")
    out["write_s"] = time.perf_counter() - t
    out["write_peak_mb"] = peak()
    out["claims"] = len(claims)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", default="1000,10000")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(run_one(int(args.sites), args.days, Path(tmp))))
        return
    results = {}
    for n in [int(s) for s in args.sites.split(",")]:
        t = time.perf_counter()
        run = subprocess.run([sys.executable, __file__, "--one", "--sites", str(n), "--days",
                              str(args.days)], capture_output=True, text=True)
        if run.returncode != 0:
            print(f"{n} sites x {args.days} days: failed ({run.returncode}): {run.stderr[-500:]}")
            continue
        r = json.loads(run.stdout)
        r["total_s"] = time.perf_counter() - t
        results[n] = r
        print(f"{n:>6} sites x {args.days} days: {r['claims']:>7} claims; timeline {r['timeline_s']:.1f} s "
              f"(peak {r['timeline_peak_mb']:.0f} MB), write {r['write_s']:.1f} s "
              f"(peak {r['write_peak_mb']:.0f} MB), {r['total_s']:.1f} s in all")
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "sitedays.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
