"""Real QGIS plays the seed build day by day, the GeoPackage and control.geojson alike.

The system QGIS (``/usr/bin/python3`` with PyQGIS: ``apt-get install python3-qgis``)
loads each layer as the application does when a user drags it in, with no
set-up by hand, and ``tests/qgis_driver.py`` reports what the Temporal
Controller shows in each day's frame. Skipped when PyQGIS is missing, unless
``CONFLICTMAP_REQUIRE_QGIS=1`` (as in CI), when that is a failure.
"""

import datetime as dt
import json
import math
import os
import subprocess
from collections import Counter
from pathlib import Path

import pyogrio
import pytest

from conflictmap.maps.schema import STYLE

SYSTEM_PYTHON = "/usr/bin/python3"
DRIVER = Path(__file__).with_name("qgis_driver.py")
LAYERS = {
    "gpkg": "conflictmap.gpkg|layername=control_intervals",
    "gpkg-areas": "conflictmap.gpkg|layername=control_areas",
    "geojson": "control.geojson",
    "geojsonl": "control.geojsonl",
}
#: QGIS's mode "separate fields for start and end date/time".
START_AND_END_FROM_FIELDS = 2


def _system_python_has(module):
    try:
        done = subprocess.run([SYSTEM_PYTHON, "-c", f"import {module}"], capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _require(module, package):
    if _system_python_has(module):
        return
    message = f"{SYSTEM_PYTHON} cannot import {module} (apt-get install -y {package})"
    if os.environ.get("CONFLICTMAP_REQUIRE_QGIS") == "1":
        pytest.fail(f"CONFLICTMAP_REQUIRE_QGIS=1 but {message}")
    pytest.skip(message)


@pytest.fixture(scope="module")
def qgis():
    _require("qgis.core", "python3-qgis")


def _env(home, tz="UTC"):
    # Its own home: QGIS reads no settings of the user's (expression compiling, say).
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TZ": tz,
            "XDG_RUNTIME_DIR": str(home), "QT_QPA_PLATFORM": "offscreen"}


@pytest.fixture(scope="module", params=["UTC", "Asia/Tokyo"])
def seen(request, qgis, seed_build, tmp_path_factory):
    """What QGIS shows of each layer of the seed build, with the clock in ``request.param``."""
    reading, out = seed_build
    days = reading.timeline.days
    home = tmp_path_factory.mktemp("qgis-home")
    uris = [str(out / uri) for uri in LAYERS.values()]
    done = subprocess.run([SYSTEM_PYTHON, str(DRIVER), days[0].isoformat(), days[-1].isoformat(), *uris],
                          capture_output=True, text=True, timeout=300, env=_env(home, request.param))
    assert done.returncode == 0, done.stderr[-3000:]
    got = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert [g["uri"] for g in got] == uris
    return dict(zip(LAYERS, got, strict=True))


def _day_feed(out, day):
    feats = json.loads((out / "days" / f"{day}.geojson").read_text())["features"]
    return {f["properties"]["site"]: f["properties"]["controller"] for f in feats}


def test_style_sidecar_is_in_the_build(seed_build):
    # QGIS's default style for control.geojson(l) is control.qml beside them.
    _, out = seed_build
    assert (out / "control.qml").is_file(), "control.qml is missing: OUTPUTS['geojson'] must list it"


@pytest.mark.parametrize("kind", LAYERS)
def test_layer_loads_with_its_temporal_setup(seen, kind, seed_build):
    if not kind.startswith("gpkg"):
        assert (seed_build[1] / "control.qml").is_file(), "no control.qml: the feeds' style is missing"
    layer = seen[kind]
    assert layer["valid"] and layer["styled"], layer.get("style_message")
    assert layer["temporal"] == {"active": True, "mode": START_AND_END_FROM_FIELDS, "start": "valid_from",
                                 "end": "valid_to", "limit": 0}
    fields = layer["fields"]
    assert (fields["start"], fields["end"]) == ("Date", "Date")
    assert (fields["valid_from"], fields["valid_to"]) == ("DateTime", "DateTime")


@pytest.mark.parametrize("kind", LAYERS)
def test_renderer_is_categorized_by_controller_in_the_actors_colours(seen, kind, actors):
    renderer = seen[kind]["renderer"]
    assert (renderer["type"], renderer["attr"]) == ("categorizedSymbol", "controller")
    want = {a.id: [a.name, a.colour.lower()] for a in actors}
    want.update({state: [state, style["colour"].lower()] for state, style in STYLE.items()})
    assert {value: [label, colour] for value, label, colour in renderer["categories"]} == want


@pytest.mark.parametrize("kind", LAYERS)
def test_full_range_plays_every_day(seen, kind, seed_build):
    # The Temporal Controller's "set to full range": from the first day mapped to the end of the last,
    # so that one-day steps play every day and no more.
    reading, _ = seed_build
    days = reading.timeline.days
    begin, end = (dt.datetime.fromisoformat(t) for t in seen[kind]["full_range"])
    assert begin == dt.datetime.combine(days[0], dt.time())
    assert math.ceil((end - begin) / dt.timedelta(days=1)) == len(days)


@pytest.mark.parametrize("kind", LAYERS)
def test_every_day_shows_each_site_once_with_the_day_feeds_controller(seen, kind, seed_build, actors):
    reading, out = seed_build
    days = reading.timeline.days
    colours = {a.id: a.colour.lower() for a in actors} | {k: v["colour"].lower() for k, v in STYLE.items()}
    frames = seen[kind]["frames"]
    assert [f["begin"][:10] for f in frames] == [d.isoformat() for d in days]
    # The areas layer holds the quarters only: each of them, every day.
    only = (set(pyogrio.read_dataframe(out / "conflictmap.gpkg", layer="control_areas",
                                       columns=["site"], read_geometry=False)["site"])
            if kind == "gpkg-areas" else None)
    assert only is None or len(only) >= 10
    for day, frame in zip(days, frames, strict=True):
        want = _day_feed(out, day.isoformat())
        if only is not None:
            want = {site: c for site, c in want.items() if site in only}
        assert frame["visible"] and frame["filter"]
        sites = Counter(site for site, _, _ in frame["features"])
        assert set(sites) == set(want) and set(sites.values()) == {1}, day
        got = {site: controller for site, controller, _ in frame["features"]}
        assert got == want, day
        assert {site: colour for site, _, colour in frame["features"]} == \
            {site: colours[c] for site, c in want.items()}, day


def test_gpkg_passes_gdals_validator(seed_build, tmp_path):
    _require("osgeo_utils.samples.validate_gpkg", "python3-gdal")
    _, out = seed_build
    done = subprocess.run([SYSTEM_PYTHON, "-m", "osgeo_utils.samples.validate_gpkg", "--extra",
                           "--warning-as-error", "-k", str(out / "conflictmap.gpkg")],
                          capture_output=True, text=True, timeout=120, env=_env(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr


GDAL_CHECK = """
import json, sys
from osgeo import gdal, ogr
gdal.UseExceptions()
gdal.SetConfigOption("CPL_DEBUG", "ON")
said = []
gdal.PushErrorHandler(lambda level, number, text: said.append([level, text]))
ds = gdal.OpenEx(sys.argv[1], gdal.OF_VECTOR | gdal.OF_UPDATE)
layer = ds.GetLayerByName("sites")
n = layer.GetFeatureCount()
first = layer.GetNextFeature()
layer.ResetReading()
# GDAL's own edits fire the R-tree triggers (they call its SQL functions).
ds.ExecuteSQL("UPDATE sites SET geom = (SELECT geom FROM sites WHERE fid = 2) WHERE fid = 1")
ds.ExecuteSQL("DELETE FROM sites WHERE fid = 3")
ds = None
print(json.dumps({"said": said, "n": n, "first": first.GetFID()}))
"""


def test_gdal_reads_and_edits_the_gpkg_without_a_warning(seed_build, tmp_path):
    _require("osgeo.gdal", "python3-gdal")
    import shutil
    import sqlite3

    _, out = seed_build
    path = tmp_path / "copy.gpkg"
    shutil.copy(out / "conflictmap.gpkg", path)
    with sqlite3.connect(path) as con:
        boxes = dict((r[0], r[1:]) for r in con.execute('SELECT * FROM "rtree_sites_geom" WHERE id <= 3'))
    done = subprocess.run([SYSTEM_PYTHON, "-c", GDAL_CHECK, str(path)], capture_output=True, text=True,
                          timeout=120, env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    warnings = [text for level, text in got["said"] if level >= 2]  # CE_Warning and worse
    assert not warnings
    assert any("GeoPackage v1.2" in text for _, text in got["said"])  # as GDAL reads it, with CPL_DEBUG
    with sqlite3.connect(path) as con:
        after = dict((r[0], r[1:]) for r in con.execute('SELECT * FROM "rtree_sites_geom" WHERE id <= 3'))
    assert after == {1: boxes[2], 2: boxes[2]}  # fid 1 moved onto fid 2's point; fid 3 gone
