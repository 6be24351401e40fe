import atexit
import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from conflictmap.gazetteer import Gazetteer
from conflictmap.geo.actors import Actors
from conflictmap.geo.pipeline import build, bundled_theatre

# Tests keep their own gazetteer cache, never the user's; the process that made it removes it.
if "CONFLICTMAP_CACHE" not in os.environ:
    os.environ["CONFLICTMAP_CACHE"] = _CACHE = tempfile.mkdtemp(prefix="conflictmap-cache-")
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
AFP = "001_d70dbf89028dd6cf.txt"  # published Monday 2017-10-16, no date line


def invented_theatre(folder: Path, places, gov=(), ins=()) -> tuple[Path, Path]:
    """Write an invented theatre: its gazetteer and a two-sided actors file.

    ``places`` are ``(id, name, kind, parent, lon, lat[, prominence])``; ``gov`` and ``ins``
    are aliases added to the army's and the insurgents' own.
    """
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [p[4], p[5]]},
              "properties": {"id": p[0], "name": p[1], "kind": p[2], "parent": p[3], "source": "invented",
                             **({"prominence": p[6]} if len(p) > 6 else {})}}
             for p in places]
    gaz, actors = folder / "g.geojson", folder / "a.yaml"
    gaz.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    actors.write_text(
        "actors:\n"
        "  - {id: GOV, name: Army, colour: '#0072B2', enemies: [INS],\n"
        f"     aliases: [army, troops, government forces, soldiers{''.join(', ' + a for a in gov)}]}}\n"
        "  - {id: INS, name: Insurgents, colour: '#D55E00', enemies: [GOV],\n"
        f"     aliases: [insurgents, rebels, militants{''.join(', ' + a for a in ins)}]}}\n")
    return gaz, actors


def read_claims(gaz, actors, folder: Path, text: str, date: str = "2017-10-17"):
    """Read one report of ``text`` dated ``date`` (written into ``folder``): its claims."""
    from conflictmap.geo.articles import read_article
    from conflictmap.geo.claims import extract_claims
    from conflictmap.geo.mentions import find_mentions

    path = folder / "r.txt"
    path.write_text(f" date {date}\n{text}", encoding="utf-8")
    art = read_article(path)
    return extract_claims(art, find_mentions(gaz, art), actors)


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The three real seed reports; their absence is a failure, never a skip."""
    folder = Path(os.environ.get("CONFLICTMAP_SEEDS", ROOT.parent / "shared" / "seeds"))
    if not folder.is_dir() or len(list(folder.glob("*.txt"))) < 3:
        pytest.fail(f"seed reports not found in {folder}: CI must run with ../shared beside the repo")
    return folder


@pytest.fixture(scope="session")
def seed_dates() -> dict[str, dt.date]:
    return {AFP: dt.date(2017, 10, 16)}


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    return Gazetteer.from_files()


@pytest.fixture(scope="session")
def actors() -> Actors:
    return Actors.load(bundled_theatre()["actors"])


@pytest.fixture(scope="session")
def seed_build(seeds, seed_dates, tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds") / "out"
    reading = build([seeds], dates=seed_dates, out_dir=out)
    return reading, out


@pytest.fixture(scope="module")
def browser():
    """The system Chromium, headless and offline (see tests/chromium.py), one per test module."""
    import chromium

    sync = pytest.importorskip("playwright.sync_api")
    if chromium.executable() is None:
        pytest.fail("chromium is not installed (apt-get install -y chromium)")
    with sync.sync_playwright() as p:
        b = chromium.launch(p)
        yield b
        b.close()


@pytest.fixture(scope="session")
def corpus_root() -> Path:
    """The real-report corpus (../shared/corpus); its absence is a failure, never a skip."""
    folder = Path(os.environ.get("CONFLICTMAP_CORPUS", ROOT.parent / "shared" / "corpus"))
    if not (folder / "score.py").is_file() or len(list(folder.glob("*/truth.csv"))) < 4:
        pytest.fail(f"corpus not found in {folder}: CI must run with ../shared beside the repo")
    return folder


# An invented two-sided theatre (GOV against INS), for rules about sides and names no real
# battle's file holds; "Ankara" is a capital the actors file names as the army's side.
VELMORA = [("vel", "Velmora", "city", None, 30.00, 40.00, 10),
           ("vel-south", "Dorrel", "neighbourhood", "vel", 30.00, 39.98, 0)]


@pytest.fixture(scope="session")
def velmora(tmp_path_factory):
    """Velmora's gazetteer (with the world's countries) and actors."""
    gaz, actors = invented_theatre(tmp_path_factory.mktemp("velmora"), VELMORA, gov=["Ankara"])
    return Gazetteer.from_files([gaz], world=True), Actors.load(actors)
