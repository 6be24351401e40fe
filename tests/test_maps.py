"""Maps and feeds as GIS tools read them: GDAL, RFC 7946, GeoPackage dates, images, schema."""

import hashlib
import json
import os
import sqlite3
import struct
import subprocess
import sys
from xml.etree import ElementTree

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import LinearRing, Point, Polygon, shape

from conflictmap.geo.cli import main
from conflictmap.geo.pipeline import OUTPUTS, build, bundled_theatre, parse_formats, write_outputs
from conflictmap.maps import (
    SchemaError,
    intervals_from_days,
    write_claims_csv,
    write_day_images,
    write_events_csv,
    write_gpkg,
    write_interval_feeds,
    write_map,
    write_site_days,
)
from conflictmap.maps.schema import EVENT_COLUMNS

ACTORS = {"A": {"name": "Side A", "colour": "#0072B2"}, "B": {"name": "Side B", "colour": "#D55E00"}}
DAYS = ["2020-01-01", "2020-01-02", "2020-01-03"]
# Clockwise exterior and a counter-clockwise hole: the writers must turn both round.
CW_SQUARE = Polygon([(10.0, 50.0), (10.0, 50.01), (10.01, 50.01), (10.01, 50.0)],
                    [[(10.002, 50.002), (10.004, 50.002), (10.004, 50.004), (10.002, 50.004)]])


def _ev(day, sentence):
    return [{"article": f"{day}.txt", "date": day, "sentence": sentence}]


@pytest.fixture()
def frames():
    sites = gpd.GeoDataFrame(
        {"site": ["p1", "p2", "sq"], "name": ["Point one", "Point <two>", "The square"],
         "kind": ["neighbourhood", "hospital", "neighbourhood"],
         "precision": ["exact", "approximate", "estimate"], "source": ["test"] * 3},
        geometry=[Point(10.0012345678, 50.0054321), Point(10.02, 50.02), CW_SQUARE],
        crs="EPSG:4326")
    geom = dict(zip(sites["site"], sites.geometry, strict=True))
    names = dict(zip(sites["site"], sites["name"], strict=True))
    states = {  # site -> per day (controller, inferred, evidence)
        "p1": [("A", True, _ev(DAYS[1], "A took p1.")), ("A", False, _ev(DAYS[1], "A took p1.")),
               ("B", False, _ev(DAYS[2], "B took p1 <script>x</script>."))],
        "p2": [("unknown", False, [])] * 3,
        "sq": [("contested", False, _ev(DAYS[0], "Fighting in the square."))] * 2
              + [("B", False, _ev(DAYS[2], "B holds the square."))],
    }
    rows = [{"site": s, "name": names[s], "date": d, "controller": st[0], "inferred": st[1],
             "evidence": st[2], "geometry": geom[s]}
            for s, seq in states.items() for d, st in zip(DAYS, seq, strict=True)]
    days = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    intervals = intervals_from_days(days)
    claims = pd.DataFrame([{
        "article": f"{DAYS[2]}.txt", "published": DAYS[2], "date": DAYS[2], "date_precision": "day",
        "site": "p1", "site_name": "Point one", "type": "capture", "actor": "B", "loser": "A",
        "status": "asserted", "asserted_by": "reporter", "confidence": 0.9,
        "sentence": "B took p1 <script>x</script>.", "reason": "test", "longitude": 10.0012345678,
        "latitude": 50.0054321, "start": 0, "site_precision": "exact", "site_kind": "neighbourhood"}])
    mentions = pd.DataFrame([{"article": f"{DAYS[2]}.txt", "start": 6, "end": 8, "text": "p1",
                              "place": "p1", "name": "Point one", "kind": "neighbourhood",
                              "layer": "theatre", "site": True, "how": "exact", "candidates": "p1"}])
    return {"sites": sites, "days": days, "intervals": intervals, "claims": claims,
            "mentions": mentions}


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The bundled Raqqa demo built with every format twice: here and in another process.

    The other process has another hash seed, so output that hung on set order would differ.
    """
    a, b = tmp_path_factory.mktemp("demo") / "a", tmp_path_factory.mktemp("demo") / "b"
    other = subprocess.Popen([sys.executable, "-m", "conflictmap", "demo", "--format", "all", "-q",
                              "--out", str(b)], env={**os.environ, "PYTHONHASHSEED": "123"})
    reading = build(bundled_theatre()["articles"], out_dir=a, formats="all")
    assert other.wait(timeout=300) == 0
    return reading, a, b


# --- GDAL reads every feed ---------------------------------------------------------------

def test_intervals_from_days(frames):
    iv = frames["intervals"]
    got = {(r.site, r.controller, r.start, r.end, r.inferred) for r in iv.itertuples()}
    assert got == {("p1", "A", DAYS[0], DAYS[0], True), ("p1", "A", DAYS[1], DAYS[1], False),
                   ("p1", "B", DAYS[2], "", False), ("p2", "unknown", DAYS[0], "", False),
                   ("sq", "contested", DAYS[0], DAYS[1], False), ("sq", "B", DAYS[2], "", False)}


@pytest.mark.parametrize("feed", ["control.geojson", "control.geojsonl", "day"])
def test_geojson_feeds_read_by_gdal(demo, feed):
    reading, out, _ = demo
    if feed == "day":
        paths = sorted((out / "days").glob("*.geojson"))
        assert [p.stem for p in paths] == [d.isoformat() for d in reading.timeline.days]
        expected = len(reading.timeline.sites)
    else:
        paths = [out / feed]
        expected = len(reading.timeline.intervals())
    for path in paths:
        info = pyogrio.read_info(path)
        assert info["crs"] == "EPSG:4326"
        assert info["geometry_type"] == "Point"
        assert info["features"] == expected
        df = pyogrio.read_dataframe(path)
        assert {"site", "name", "controller", "inferred", "evidence"} <= set(df.columns)
        assert df["controller"].notna().all()


def test_geojsonseq_is_one_feature_a_line(demo):
    _, out, _ = demo
    lines = (out / "control.geojsonl").read_bytes().split(b"\n")
    assert lines[-1] == b""
    feats = [json.loads(line) for line in lines[:-1]]
    assert all(f["type"] == "Feature" and "crs" not in f for f in feats)
    assert not any(line.startswith(b"\x1e") for line in lines)
    collection = json.loads((out / "control.geojson").read_text())
    assert feats == collection["features"]


def test_gpkg_layers_types_and_counts(demo):
    reading, out, _ = demo
    path = out / "conflictmap.gpkg"
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == {"sites", "control_intervals", "control_areas", "claims", "mentions",
                           "layer_styles"}
    assert layers["layer_styles"] is None  # QGIS's style table, without geometry
    # The quarters' intervals again on their ground, approximate where the gazetteer has a point.
    ground = pyogrio.read_dataframe(path, layer="control_areas")
    assert layers["control_areas"] == "Polygon" and ground["approximate"].all()
    intervals = pyogrio.read_dataframe(path, layer="control_intervals")
    quarters = set(ground["site"])
    assert len(ground) == intervals["site"].isin(quarters).sum() and len(quarters) >= 10
    counts = {"sites": len(reading.timeline.sites),
              "control_intervals": len(reading.timeline.intervals()),
              "claims": len(reading.claims),
              "mentions": sum(len(m) for m in reading.mentions.values())}
    for layer, n in counts.items():
        info = pyogrio.read_info(path, layer=layer)
        assert info["features"] == n, layer
        assert info["crs"] == "EPSG:4326"
        assert info["geometry_type"] == "Point"
    info = pyogrio.read_info(path, layer="control_intervals")
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert types["start"] == "OFTDate" and types["end"] == "OFTDate"
    assert types["valid_from"] == "OFTDateTime" and types["valid_to"] == "OFTDateTime"
    assert types["evidence"] == "OFTString" and types["controller"] == "OFTString"
    claims = dict(zip(*[pyogrio.read_info(path, layer="claims")[k] for k in ("fields", "ogr_types")],
                      strict=True))
    assert claims["date"] == "OFTDate"
    df = pyogrio.read_dataframe(path, layer="control_intervals")
    assert pd.api.types.is_datetime64_any_dtype(df["start"])
    last = pd.Timestamp(reading.timeline.days[-1])
    ongoing = df["end"].isna()
    assert ongoing.any() and (df.loc[~ongoing, "end"] < last).all()
    assert (df["start"] <= df["end"].fillna(last)).all()
    # valid_from/valid_to span the same days: the first instant of the first, the last of the last.
    day = pd.Timedelta(days=1)
    assert (df["valid_from"] == df["start"].dt.tz_localize("UTC")).all()
    last_instant = (df["end"].fillna(last) + day).dt.tz_localize("UTC") - pd.Timedelta(1, "ms")
    assert (df["valid_to"] == last_instant).all()
    for ev in df["evidence"]:
        parsed = json.loads(ev)
        assert isinstance(parsed, list) and all("sentence" in e for e in parsed)


def test_gpkg_time_stamp_is_the_last_day(frames, tmp_path):
    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    write_gpkg(tmp_path / "a.gpkg", sites=frames["sites"], intervals=frames["intervals"],
               claims=frames["claims"], mentions=frames["mentions"])
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") == before
    with sqlite3.connect(tmp_path / "a.gpkg") as con:
        stamps = {r[0] for r in con.execute("SELECT last_change FROM gpkg_contents")}
        geom_types = dict(con.execute("SELECT table_name, geometry_type_name "
                                      "FROM gpkg_geometry_columns"))
    assert stamps == {f"{DAYS[-1]}T00:00:00.000Z"}
    assert geom_types["sites"] == "GEOMETRY"  # points and a polygon
    assert set(pyogrio.read_dataframe(tmp_path / "a.gpkg", layer="mentions").columns) >= {"place"}


def _frame_shows(iv, day, as_text):
    """Whether QGIS's Temporal Controller shows an interval in the frame [day, day + 1).

    QGIS keeps a feature when valid_from < the frame's end and valid_to > its start. QGIS 3.22
    compiles that for a GeoPackage to SQL comparing the stored text with 'YYYY-MM-DDT00:00:00.000'.
    """
    begin = pd.Timestamp(day, tz="UTC")
    end = begin + pd.Timedelta(days=1)
    if as_text:
        return (iv["valid_from"] < end.strftime("%Y-%m-%dT%H:%M:%S.000")
                and iv["valid_to"] > begin.strftime("%Y-%m-%dT%H:%M:%S.000"))
    return pd.Timestamp(iv["valid_from"]) < end and pd.Timestamp(iv["valid_to"]) > begin


@pytest.mark.parametrize("as_text", [False, True])
def test_each_day_frame_shows_one_interval_a_site(frames, as_text):
    from conflictmap.maps.qgis import with_validity

    timed = with_validity(frames["intervals"], DAYS[-1])
    assert timed["end"].isna().sum() == (frames["intervals"]["end"] == "").sum() > 0
    for day in DAYS:
        shown = [iv for _, iv in timed.iterrows() if _frame_shows(iv, day, as_text)]
        assert sorted(iv["site"] for iv in shown) == ["p1", "p2", "sq"], day
        for iv in shown:  # and it is the interval whose inclusive days hold the day
            assert iv["start"] <= day <= (iv["end"] or DAYS[-1])
    # An ongoing interval runs to the end of the last day mapped, not of the last day it names.
    later = with_validity(frames["intervals"], "2020-01-09")
    assert set(later.loc[later["end"].isna(), "valid_to"]) == {"2020-01-09T23:59:59.999Z"}


def test_gpkg_version_and_spatial_index(frames, tmp_path):
    path = write_gpkg(tmp_path / "a.gpkg", sites=frames["sites"], intervals=frames["intervals"],
                      claims=frames["claims"], mentions=frames["mentions"])
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 10200  # GeoPackage 1.2
        tables = [r[0] for r in con.execute("SELECT table_name FROM gpkg_geometry_columns")]
        extensions = set(con.execute("SELECT table_name, column_name, extension_name, scope "
                                     "FROM gpkg_extensions"))
        triggers = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        rtrees = {t: con.execute(f'SELECT id, minx, maxx, miny, maxy FROM "rtree_{t}_geom" ORDER BY id')
                  .fetchall() for t in tables}
    assert set(tables) == {"sites", "control_intervals", "claims"}  # these mentions have no points
    assert extensions == {(t, "geom", "gpkg_rtree_index", "write-only") for t in tables}
    for t in tables:
        assert {f"rtree_{t}_geom_{s}" for s in ("insert", "update1", "update2", "update3", "update4",
                                                 "delete")} <= triggers
        df = pyogrio.read_dataframe(path, layer=t, fid_as_index=True)
        assert [r[0] for r in rtrees[t]] == df.index[~df.geometry.is_empty].tolist()
        for fid, minx, maxx, miny, maxy in rtrees[t]:  # float32 boxes hold their geometry
            x0, y0, x1, y1 = df.geometry[fid].bounds
            assert minx <= x0 <= x1 <= maxx and miny <= y0 <= y1 <= maxy
            assert maxx - minx <= x1 - x0 + 1e-5 and maxy - miny <= y1 - y0 + 1e-5
        assert pyogrio.read_info(path, layer=t)["capabilities"]["fast_spatial_filter"]
    # GDAL finds features through the index, and its insert trigger keeps the index in step.
    def inside(bbox):
        return pyogrio.read_dataframe(path, layer="sites", bbox=bbox)["site"].tolist()

    assert inside((10.015, 50.015, 10.025, 50.025)) == ["p2"]
    new = gpd.GeoDataFrame({"site": ["n1"], "name": ["New"], "kind": ["square"], "precision": ["exact"],
                            "source": ["t"]}, geometry=[Point(11.5, 51.5)], crs="EPSG:4326")
    pyogrio.write_dataframe(new, path, layer="sites", append=True)
    assert inside((11.4, 51.4, 11.6, 51.6)) == ["n1"]
    with sqlite3.connect(path) as con:
        count = con.execute('SELECT count(*) FROM "rtree_sites_geom"').fetchone()[0]
    assert count == len(rtrees["sites"]) + 1


def test_packed_rtree_answers_as_sqlites_own(tmp_path):
    # Thousands of sites: a tree of several levels, packed by the writer rather than grown by SQLite.
    rng = np.random.default_rng(5)
    n = 3000
    xy = rng.normal((39.0, 35.95), 0.03, (n, 2))
    geoms = [Point(x, y) for x, y in xy] + [Point(39.0, 35.95).buffer(0.01), CW_SQUARE]
    ids = [f"s{i}" for i in range(len(geoms))]
    sites = gpd.GeoDataFrame({"site": ids, "name": ids, "kind": "square", "precision": "exact",
                              "source": "test"}, geometry=geoms, crs="EPSG:4326")
    intervals = gpd.GeoDataFrame({"site": ids, "name": ids, "controller": "A", "start": DAYS[0], "end": "",
                                  "inferred": False, "evidence": [[] for _ in ids]},
                                 geometry=geoms, crs="EPSG:4326")
    path = write_gpkg(tmp_path / "a.gpkg", sites=sites, intervals=intervals)
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT rtreecheck('rtree_sites_geom')").fetchone() == ("ok",)
        root = con.execute("SELECT data FROM rtree_sites_geom_node WHERE nodeno = 1").fetchone()[0]
        assert struct.unpack(">H", root[:2])[0] >= 2  # the tree's depth: leaves, a level, the root
        # The same boxes inserted one by one, as SQLite grows a tree.
        con.execute("CREATE VIRTUAL TABLE ref USING rtree(id, minx, maxx, miny, maxy)")
        bounds = shapely.bounds(np.asarray(sites.sort_values("site").geometry.values))
        fids = pyogrio.read_dataframe(path, layer="sites", fid_as_index=True).index
        rows = [(int(f), b[0], b[2], b[1], b[3]) for f, b in zip(fids, bounds.tolist(), strict=True)]
        con.executemany("INSERT INTO ref VALUES (?, ?, ?, ?, ?)", rows)
        stored = {r[0]: r[1:] for r in con.execute("SELECT * FROM rtree_sites_geom")}
        assert stored == {r[0]: r[1:] for r in con.execute("SELECT * FROM ref")}
        query = "SELECT id FROM {} WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ? ORDER BY id"
        for x, y in rng.normal((39.0, 35.95), 0.03, (50, 2)).tolist():
            box = (x - 0.004, x + 0.004, y - 0.003, y + 0.003)
            assert con.execute(query.format("rtree_sites_geom"), box).fetchall() == \
                con.execute(query.format("ref"), box).fetchall()


def _qml_categories(qml):
    root = ElementTree.fromstring(qml)
    renderer = root.find("renderer-v2")
    colours = {s.get("name"): s.find("layer/Option/Option[@name='color']").get("value")
               for s in renderer.find("symbols")}
    return root, renderer, {c.get("value"): (c.get("label"), colours[c.get("symbol")])
                            for c in renderer.find("categories")}


def _rgba(hex_colour):
    return ",".join(str(int(hex_colour[i:i + 2], 16)) for i in (1, 3, 5)) + ",255"


@pytest.mark.parametrize("writer", ["gpkg", "geojson"])
def test_default_style_plays_by_valid_from_and_to(frames, tmp_path, writer):
    from conflictmap.maps.schema import STYLE

    actors = {**ACTORS, "C": {"name": "Side <C> & co", "colour": "#009E73"}}
    if writer == "gpkg":
        path = write_gpkg(tmp_path / "a.gpkg", sites=frames["sites"], intervals=frames["intervals"],
                          actors=actors)
        with sqlite3.connect(path) as con:
            rows = con.execute("SELECT f_table_name, f_geometry_column, useAsDefault, styleQML "
                               "FROM layer_styles").fetchall()
            kind = con.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'")
            assert kind.fetchone() == ("attributes",)
        assert [r[:3] for r in rows] == [("control_intervals", "geom", 1)]
        qml = rows[0][3]
    else:
        write_interval_feeds(frames["intervals"], tmp_path / "control.geojson", tmp_path / "control.geojsonl",
                             actors=actors)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["control.geojson", "control.geojsonl",
                                                              "control.qml"]
        qml = (tmp_path / "control.qml").read_text()
    root, renderer, cats = _qml_categories(qml)
    temporal = root.find("temporal")
    assert (temporal.get("enabled"), temporal.get("mode")) == ("1", "2")  # start and end from fields
    assert (temporal.get("startField"), temporal.get("endField")) == ("valid_from", "valid_to")
    assert (renderer.get("type"), renderer.get("attr")) == ("categorizedSymbol", "controller")
    assert cats == {**{k: (v["name"], _rgba(v["colour"])) for k, v in actors.items()},
                    **{k: (k, _rgba(v["colour"])) for k, v in STYLE.items()}}


def test_style_names_a_controller_the_actors_lack(frames, tmp_path):
    write_interval_feeds(frames["intervals"], tmp_path / "c.geojson", actors={"A": ACTORS["A"]})
    _, _, cats = _qml_categories((tmp_path / "c.qml").read_text())
    assert set(cats) == {"A", "B", "contested", "unknown"}
    assert len({colour for _, colour in cats.values()}) == 4  # B is drawn, in a colour of its own


def test_interval_feeds_write_null_ends_and_validity(frames, tmp_path):
    write_interval_feeds(frames["intervals"], tmp_path / "a.geojson", tmp_path / "a.geojsonl",
                         last_day=DAYS[-1])
    feats = json.loads((tmp_path / "a.geojson").read_text())["features"]
    ongoing = [f["properties"] for f in feats if f["properties"]["end"] is None]
    assert len(ongoing) == (frames["intervals"]["end"] == "").sum()
    assert not [f for f in feats if f["properties"]["end"] == ""]
    assert {p["valid_to"] for p in ongoing} == {f"{DAYS[-1]}T23:59:59.999Z"}
    for feed in ("a.geojson", "a.geojsonl"):
        info = pyogrio.read_info(tmp_path / feed)
        types = dict(zip(info["fields"], info["ogr_types"], strict=True))
        assert (types["start"], types["end"]) == ("OFTDate", "OFTDate")
        assert (types["valid_from"], types["valid_to"]) == ("OFTDateTime", "OFTDateTime")
        df = pyogrio.read_dataframe(tmp_path / feed)
        assert str(df["end"].dtype).startswith("datetime64") and df["end"].isna().sum() == len(ongoing)
    # None and NaN ends are the same ongoing state as "".
    for missing in (None, np.nan):
        frames["intervals"]["end"] = [missing if e == "" else e for e in frames["intervals"]["end"]]
        write_interval_feeds(frames["intervals"], tmp_path / "b.geojson", tmp_path / "b.geojsonl",
                             last_day=DAYS[-1])
        for suffix in ("geojson", "geojsonl", "qml"):
            assert (tmp_path / f"b.{suffix}").read_bytes() == (tmp_path / f"a.{suffix}").read_bytes()


# --- RFC 7946 ----------------------------------------------------------------------------

@pytest.mark.parametrize("feed", ["control.geojson", "control.geojsonl", "days/2017-10-16.geojson"])
def test_rfc7946_lon_lat_no_crs(demo, feed):
    _, out, _ = demo
    text = (out / feed).read_text()
    if feed.endswith("l"):
        doc = {"features": [json.loads(line) for line in text.splitlines()]}
    else:
        doc = json.loads(text)
        assert doc["type"] == "FeatureCollection" and "crs" not in doc
    raqqa = [f for f in doc["features"] if f["properties"]["site"] == "raqqa"]
    assert raqqa
    lon, lat = raqqa[0]["geometry"]["coordinates"]
    assert lon == pytest.approx(39.0, abs=0.05) and lat == pytest.approx(35.95, abs=0.05)
    for f in doc["features"]:
        for c in f["geometry"]["coordinates"]:
            assert len(repr(c).split(".")[-1]) <= 6


@pytest.mark.parametrize("writer", ["geojson", "geojsonl", "days"])
def test_polygon_winding_and_precision(frames, tmp_path, writer):
    if writer == "geojson":
        write_interval_feeds(frames["intervals"], geojson=tmp_path / "c.geojson")
        feats = json.loads((tmp_path / "c.geojson").read_text())["features"]
    elif writer == "geojsonl":
        write_interval_feeds(frames["intervals"], seq=tmp_path / "c.geojsonl")
        feats = [json.loads(x) for x in (tmp_path / "c.geojsonl").read_text().splitlines()]
    else:
        write_site_days(frames["days"], tmp_path / "days")
        feats = json.loads((tmp_path / "days" / f"{DAYS[0]}.geojson").read_text())["features"]
    polys = [f["geometry"] for f in feats if f["geometry"]["type"] == "Polygon"]
    assert polys
    for g in polys:
        assert LinearRing(g["coordinates"][0]).is_ccw
        assert not LinearRing(g["coordinates"][1]).is_ccw
        assert shape(g).equals(CW_SQUARE)
    p1 = next(f for f in feats if f["properties"]["site"] == "p1")
    assert p1["geometry"]["coordinates"] == [10.001235, 50.005432]


# --- byte for byte -------------------------------------------------------------------------

@pytest.mark.parametrize("pattern", ["index.html", "control.geojson", "control.geojsonl",
                                     "days/*.geojson", "conflictmap.gpkg", "*.csv", "days/*.png",
                                     "days.gif"])
def test_two_builds_are_byte_identical(demo, pattern):
    _, a, b = demo
    files = sorted(p.relative_to(a) for p in a.glob(pattern))
    assert files and files == sorted(p.relative_to(b) for p in b.glob(pattern))
    for f in files:
        assert _sha(a / f) == _sha(b / f), f


# --- CSV, images, formats -------------------------------------------------------------------

def test_events_csv_in_acled_columns(demo):
    reading, out, _ = demo
    ev = pd.read_csv(out / "events.csv", keep_default_na=False)
    claims = pd.read_csv(out / "claims.csv", keep_default_na=False)
    assert tuple(ev.columns) == EVENT_COLUMNS
    assert len(ev) == len(claims) == len(reading.claims)
    assert ev["event_id"].is_unique
    assert set(ev["time_precision"]) <= {1, 2, 3} and set(ev["geo_precision"]) <= {1, 2, 3}
    assert list(ev["notes"]) == list(claims["sentence"])
    assert list(ev["event_date"]) == list(claims["date"])
    assert ev["latitude"].between(35, 37).all() and ev["longitude"].between(38, 40).all()


def test_events_from_synthetic_claims(frames, tmp_path):
    write_events_csv(frames["claims"], tmp_path / "e.csv")
    row = pd.read_csv(tmp_path / "e.csv").iloc[0]
    assert (row["actor1"], row["actor2"], row["time_precision"], row["geo_precision"]) == ("B", "A", 1, 1)
    assert row["notes"] == "B took p1 <script>x</script>."


def test_images_of_synthetic_frames_draw_polygons(frames, tmp_path):
    paths = write_day_images(tmp_path, frames["sites"], frames["days"], ACTORS, title="t")
    assert [p.name for p in paths] == [f"{d}.png" for d in DAYS]
    again = write_day_images(tmp_path / "again", frames["sites"], frames["days"], ACTORS, title="t")
    assert [_sha(p) for p in paths] == [_sha(p) for p in again]


def test_format_replaces_only_its_own_files(demo, gaz, actors, tmp_path):
    reading = demo[0]
    out = tmp_path / "out"
    write_outputs(reading, gaz, actors, out, formats="csv")
    assert sorted(p.name for p in out.iterdir()) == ["claims.csv", "events.csv", "mentions.csv",
                                                      "unresolved.csv"]
    (out / "keep.txt").write_text("mine")
    (out / "days").mkdir()
    (out / "days" / "1999-01-01.geojson").write_text("stale")
    (out / "days" / "notes.txt").write_text("mine")
    before = _sha(out / "claims.csv")
    write_outputs(reading, gaz, actors, out, formats=["geojson"])
    days = sorted(p.name for p in (out / "days").iterdir())
    assert "1999-01-01.geojson" not in days and "notes.txt" in days
    assert (out / "keep.txt").read_text() == "mine" and _sha(out / "claims.csv") == before
    assert (out / "control.geojsonl").exists() and not (out / "index.html").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


@pytest.mark.parametrize("spec,expected", [
    (None, ("html", "geojson", "gpkg", "csv")), ("all", tuple(OUTPUTS)),
    ("png, HTML", ("html", "png")), (["gif"], ("gif",)),
])
def test_parse_formats(spec, expected):
    assert parse_formats(spec) == expected


def test_unknown_format_is_one_line_exit_2(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path / "o"), "--format", "html,svg"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown format 'svg'" in err[0]
    assert not (tmp_path / "o").exists()


# --- HTML -----------------------------------------------------------------------------------

def _payload(path):
    html = path.read_text()
    start = html.index('<script type="application/json" id="cm-data">') + len(
        '<script type="application/json" id="cm-data">')
    return json.loads(html[start:html.index("</script>", start)])


def _unpacked(flat, scale):
    """A packed ring of the page (steps of 1 / scale degrees) as lon/lat pairs."""
    xy = np.cumsum(np.asarray(flat, dtype=np.int64).reshape(-1, 2), axis=0) / scale
    return [tuple(p) for p in xy.tolist()]


def test_html_embeds_intervals_and_polygons(frames, tmp_path):
    write_map(tmp_path / "m.html", frames["sites"], frames["intervals"], ACTORS, days=DAYS)
    html = (tmp_path / "m.html").read_text()
    assert "<script>x</script>" not in html and "Point <two>" not in html
    data = _payload(tmp_path / "m.html")
    assert data["days"] == DAYS
    sites = {s["id"]: s for s in data["sites"]}
    # The square is shaded as its own polygon, holes and all; the point quarters get
    # approximate areas (their cells) with their label in the middle.
    def area(site):
        rings = [_unpacked(r, data["scale"]) for r in sites[site]["area"][0]]
        return Polygon(rings[0], rings[1:])

    assert len(sites["sq"]["area"]) == 1 and area("sq").equals(CW_SQUARE)
    assert "approx" not in sites["sq"] and sites["p1"]["approx"] == 1
    assert area("p1").contains(Point(sites["p1"]["at"]))
    assert area("p1").contains(Point(sites["p1"]["lon"], sites["p1"]["lat"]))
    assert "area" not in sites["p2"]  # a hospital is a point
    assert data["start"] == 0  # the first day
    # [first day, last day, 8 * controller + 2 * fighting + inferred, evidence refs...]
    got = {(s["id"], iv[0], iv[1], data["controllers"][iv[2] >> 3], bool(iv[2] & 1),
            tuple(data["evidence"][k][2] for k in iv[3:]))
           for s in data["sites"] for iv in s["iv"]}
    assert got == {("p1", 0, 0, "A", True, ("A took p1.",)), ("p1", 1, 1, "A", False, ("A took p1.",)),
                   ("p1", 2, 2, "B", False, ("B took p1 <script>x</script>.",)),
                   ("p2", 0, 2, "unknown", False, ()),
                   ("sq", 0, 1, "contested", False, ("Fighting in the square.",)),
                   ("sq", 2, 2, "B", False, ("B holds the square.",))}
    sentences = [e[2] for e in data["evidence"]]
    assert len(sentences) == len(set(sentences)) == 4  # "A took p1." backs two intervals
    assert [e[0] for e in data["evidence"] if e[2] == "A took p1."] == [1]  # days after the first
    # The same page from site-days (collapsed to intervals) is the same bytes.
    write_map(tmp_path / "d.html", frames["sites"], frames["days"], ACTORS, days=DAYS)
    assert _sha(tmp_path / "d.html") == _sha(tmp_path / "m.html")


# --- schema ---------------------------------------------------------------------------------

WRITERS = {
    "intervals": lambda f, p: write_interval_feeds(f["intervals"], geojson=p / "c.geojson"),
    "intervals-seq": lambda f, p: write_interval_feeds(f["intervals"], seq=p / "c.geojsonl"),
    "site-days": lambda f, p: write_site_days(f["days"], p / "days"),
    "gpkg": lambda f, p: write_gpkg(p / "c.gpkg", sites=f["sites"], intervals=f["intervals"],
                                    claims=f["claims"], mentions=f["mentions"]),
    "html": lambda f, p: write_map(p / "m.html", f["sites"], f["intervals"], ACTORS),
    "claims": lambda f, p: write_claims_csv(f["claims"], p / "c.csv"),
    "events": lambda f, p: write_events_csv(f["claims"], p / "e.csv"),
    "png": lambda f, p: write_day_images(p, f["sites"], f["days"], ACTORS),
}


@pytest.mark.parametrize("writer,frame,column", [
    ("intervals", "intervals", "end"), ("intervals-seq", "intervals", "controller"),
    ("site-days", "days", "date"), ("gpkg", "intervals", "start"), ("gpkg", "sites", "kind"),
    ("gpkg", "claims", "sentence"), ("gpkg", "mentions", "place"), ("html", "sites", "precision"),
    ("html", "intervals", "inferred"), ("claims", "claims", "status"),
    ("events", "claims", "date_precision"), ("png", "days", "controller"), ("png", "sites", "kind"),
])
def test_writers_check_their_schema(frames, tmp_path, writer, frame, column):
    frames[frame] = frames[frame].drop(columns=[column])
    with pytest.raises(SchemaError, match=column):
        WRITERS[writer](frames, tmp_path)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_writers_refuse_projected_frames(frames, tmp_path):
    frames["intervals"] = frames["intervals"].to_crs(3857)
    with pytest.raises(SchemaError, match="EPSG:4326"):
        WRITERS["gpkg"](frames, tmp_path)


def test_geometry_json_rounds_each_geometry_once():
    from conflictmap.maps.feeds import geometry_json
    pt = Point(1.23456789, 2.0)
    out = geometry_json(np.array([pt, pt, None, shapely.LineString([(0, 0), (1, 1)])], dtype=object))
    assert out[0] is out[1] and json.loads(out[0]) == {"type": "Point", "coordinates": [1.234568, 2.0]}
    assert out[2] == b"null" and json.loads(out[3])["type"] == "LineString"


def test_both_interval_feeds_from_one_serialisation(frames, tmp_path):
    # Each feed alone is the same bytes as written alongside the other.
    write_interval_feeds(frames["intervals"], geojson=tmp_path / "a.geojson")
    write_interval_feeds(frames["intervals"], seq=tmp_path / "a.geojsonl")
    write_interval_feeds(frames["intervals"], tmp_path / "b.geojson", tmp_path / "b.geojsonl")
    assert (tmp_path / "a.geojson").read_bytes() == (tmp_path / "b.geojson").read_bytes()
    assert (tmp_path / "a.geojsonl").read_bytes() == (tmp_path / "b.geojsonl").read_bytes()


def test_gpkg_meets_the_ogc_datetime_requirements(demo):
    # Checked with GDAL's validate_gpkg.py; these are the two rules it once caught.
    _, out, _ = demo
    with sqlite3.connect(out / "conflictmap.gpkg") as con:
        cols = {r[1]: r[4] for r in con.execute("PRAGMA table_info(gpkg_contents)")}
        stamps = [r[0] for r in con.execute("SELECT last_change FROM gpkg_contents")]
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
    assert "strftime('%Y-%m-%dT%H:%M:%fZ','now')" in cols["last_change"]  # Req 13
    assert all(len(s) == 24 and s.endswith(".000Z") for s in stamps)  # Req 15
    assert app_id == 0x47504B47


def test_writers_accept_null_ends(frames, tmp_path):
    # pandas may hold an ongoing interval's empty end as None or NaN.
    frames["intervals"]["end"] = [None if e == "" else e for e in frames["intervals"]["end"]]
    write_gpkg(tmp_path / "a.gpkg", sites=frames["sites"], intervals=frames["intervals"])
    write_map(tmp_path / "m.html", frames["sites"], frames["intervals"], ACTORS)
    assert (tmp_path / "a.gpkg").stat().st_size and (tmp_path / "m.html").stat().st_size


def test_html_from_the_geopackage_read_back(tmp_path):
    # What GDAL gives back: datetime start / end (NaT for an open end), evidence as JSON
    # text; inferred as an integer, as some readers give it. The page is the demo's own.
    from conflictmap.geo.actors import Actors

    out = tmp_path / "demo"
    main(["demo", "--out", str(out), "-q"])
    sites = pyogrio.read_dataframe(out / "conflictmap.gpkg", layer="sites")
    intervals = pyogrio.read_dataframe(out / "conflictmap.gpkg", layer="control_intervals")
    assert str(intervals["start"].dtype).startswith("datetime64") and intervals["end"].isna().any()
    assert isinstance(intervals["evidence"].iloc[0], str)
    intervals["inferred"] = intervals["inferred"].astype(int)
    actors = {a.id: {"name": a.name, "colour": a.colour} for a in Actors.load(bundled_theatre()["actors"])}
    write_map(tmp_path / "m.html", sites, intervals, actors)
    got, want = _payload(tmp_path / "m.html"), _payload(out / "index.html")
    assert sorted(s["id"] for s in got["sites"]) == sorted(sites["site"])
    for key in ("days", "sites", "evidence", "sources", "controllers", "view"):
        assert got[key] == want[key], key
