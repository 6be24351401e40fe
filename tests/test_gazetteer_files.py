"""Gazetteer files in every format, their checks, the cache and the gazetteer CLI."""

import json
import os
import pickle
import shutil
from pathlib import Path

import pyogrio
import pytest
import shapely

from conflictmap.gazetteer import Gazetteer, GazetteerError, check_files, read_places
from conflictmap.gazetteer import cache as disk
from conflictmap.geo.cli import main

GAZ = Path(__file__).parent / "data" / "gazetteers"


def _gpkg(tmp_path):
    # The analyst's QGIS layer: same places, drawn in Web Mercator.
    frame = Gazetteer.from_files([GAZ / "mini.geojson"], world=False, cache=False).places
    frame["aliases"] = frame["aliases"].map("|".join)
    frame = frame.drop(columns=["layer", "file", "row"]).to_crs(3857)
    path = tmp_path / "mini.gpkg"
    pyogrio.write_dataframe(frame, path, layer="places")
    return path


def _gdb(tmp_path):
    # An Esri File Geodatabase: a folder, not a file, read through GDAL.
    frame = pyogrio.read_dataframe(_gpkg(tmp_path), layer="places")
    path = tmp_path / "mini.gdb"
    pyogrio.write_dataframe(frame, path, layer="places", driver="OpenFileGDB",
                            layer_options={"TARGET_ARCGIS_VERSION": "ARCGIS_PRO_3_2_OR_LATER"})
    return path


FORMATS = {
    "geojson": lambda tmp: GAZ / "mini.geojson",
    "csv": lambda tmp: GAZ / "mini.csv",
    "csv-wkt": lambda tmp: GAZ / "mini_wkt.csv",
    "geonames": lambda tmp: GAZ / "mini_geonames.txt",
    "gpkg": _gpkg,
    "gdb": _gdb,
}


def _summary(gaz):
    out = {}
    for pid in gaz.ids():
        p = gaz[pid]
        out[p.name] = (round(p.lon, 5), round(p.lat, 5))
    return out


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_gives_the_same_places(tmp_path, fmt):
    paths = [FORMATS[fmt](tmp_path)]
    if fmt == "geonames":
        paths.append(GAZ / "mini_alternateNamesV2.txt")
    gaz = Gazetteer.from_files(paths, world=False, cache=False)
    ref = Gazetteer.from_files([GAZ / "mini.geojson"], world=False, cache=False)
    assert _summary(gaz) == _summary(ref)
    # Every format finds the square under all three of its names, inside the city.
    for name in ("Paradise Square", "Jahim", "Al-Naim roundabout"):
        (m,) = gaz.match(f"They reached {name} at dawn")
        square = gaz[m.ids[0]]
        assert square.name == "Al-Naim Square"
        assert gaz[gaz.city_of(square.id)].name == "Raqqa"
    hospital = gaz.candidates("the National Hospital", near="Raqqa")[0]
    assert hospital.place.name == "Raqqa National Hospital"


def test_geonames_ids_kinds_and_alternate_names():
    gaz = Gazetteer.from_files([GAZ / "mini_geonames.txt", GAZ / "mini_alternateNamesV2.txt"],
                               world=False, cache=False)
    raqqa = gaz["geonames:172955"]
    assert raqqa.kind == "city" and raqqa.population == 531952 and raqqa.layer == "geonames"
    stadium = gaz.candidates("Black Stadium")[0].place
    assert stadium.kind == "stadium" and stadium.parent == "geonames:172955"
    # Links in the alternate names are not names.
    assert not any(a.startswith("http") for pid in gaz.ids() for a in gaz[pid].aliases)


def test_geonames_filters(tmp_path):
    only_p = Gazetteer.from_files([GAZ / "mini_geonames.txt"], world=False, cache=False,
                                  feature_classes=["P"])
    assert {only_p[p].kind for p in only_p.ids()} == {"city", "neighbourhood"}
    with pytest.raises(GazetteerError, match="no places"):
        Gazetteer.from_files([GAZ / "mini_geonames.txt"], world=False, cache=False, countries=["IQ"])


def test_later_files_override_earlier_ids(tmp_path):
    doc = json.loads((GAZ / "mini.geojson").read_text())
    doc["features"] = [f for f in doc["features"] if f["properties"]["id"] == "raqqa-al-barid"]
    doc["features"][0]["geometry"]["coordinates"] = [39.0, 35.96]
    doc["features"][0]["properties"]["source"] = "a later survey"
    later = tmp_path / "later.geojson"
    later.write_text(json.dumps(doc))
    gaz = Gazetteer.from_files([GAZ / "mini.geojson", later], world=False, cache=False)
    assert gaz["raqqa-al-barid"].source == "a later survey"
    assert (gaz["raqqa-al-barid"].lon, gaz["raqqa-al-barid"].lat) == (39.0, 35.96)


def test_parent_from_containing_polygon(tmp_path):
    city = shapely.box(38.98, 35.93, 39.04, 35.97)
    quarter = shapely.box(39.0, 35.95, 39.01, 35.96)
    feats = [
        {"type": "Feature", "geometry": shapely.geometry.mapping(g),
         "properties": {"id": pid, "name": name, "kind": kind, "source": "test"}}
        for pid, name, kind, g in [
            ("c", "Testcity", "city", city), ("q", "Testquarter", "neighbourhood", quarter),
            ("h", "Test Hospital", "hospital", shapely.Point(39.005, 35.955)),
            ("x", "Outside Bridge", "bridge", shapely.Point(39.2, 35.8)),
        ]
    ]
    path = tmp_path / "poly.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    gaz = Gazetteer.from_files([path], world=False, cache=False)
    assert gaz["h"].parent == "q" and gaz["q"].parent == "c" and gaz["c"].parent is None
    assert gaz["x"].parent is None
    assert gaz.city_of("h") == "c"


CSV_HEAD = "id,name,lat,lon,kind,parent,source\n"
CITY = "raqqa,Raqqa,35.95283,39.00788,city,,GeoNames 172955\n"


@pytest.mark.parametrize("body,line,problem", [
    (CITY + "b,,35.956,39.004,neighbourhood,raqqa,test\n", 3, "missing 'name'"),
    (CITY + "b,Barid,35.956,39.004,neighbourhood,raqqa,test\nb,Barid 2,35.95,39.0,neighbourhood,raqqa,t\n",
     4, "duplicate id 'b'"),
    (CITY + "b,Barid,35.956,39.004,neighbourhood,nowhere,test\n", 3, "parent 'nowhere' does not exist"),
    (CITY + "b,Barid,35.956,39.004,neighbourhood,c,test\nc,Cee,35.95,39.0,neighbourhood,b,t\n",
     3, "parent cycle"),
    (CITY + "b,Barid,95.1,39.004,neighbourhood,raqqa,test\n", 3, "out of range"),
    (CITY + "b,Barid,39.004,35.9565,neighbourhood,raqqa,test\n", 3, "look swapped"),
    (CITY + "b,Barid,north,39.004,neighbourhood,raqqa,test\n", 3, "not numbers"),
])
def test_each_check_names_file_and_line(tmp_path, capsys, body, line, problem):
    path = tmp_path / "places.csv"
    path.write_text(CSV_HEAD + body)
    assert main(["gazetteer", "check", str(path), "--no-world"]) == 2
    out = capsys.readouterr().out
    assert f"error: {path}: line {line}" in out and problem in out, out
    with pytest.raises(GazetteerError, match=problem):
        Gazetteer.from_files([path], world=False, cache=False)
    # A build stops on it too, with one line and exit 2.
    article = tmp_path / "a.txt"
    article.write_text(" date 2017-10-16\nFighting in Raqqa.")
    assert main(["build", str(article), "--gazetteer", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and problem in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("geometry,problem", [
    ({"type": "Point", "coordinates": []}, "empty geometry"),
    ({"type": "Polygon", "coordinates": [[[39, 35.9], [39.1, 36], [39.1, 35.9], [39, 36], [39, 35.9]]]},
     "invalid geometry (Self-intersection"),
    ({"type": "Polygon", "coordinates": [[[39, 35.9]]]}, "invalid geometry"),
])
def test_bad_geometry(tmp_path, capsys, geometry, problem):
    path = tmp_path / "g.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": geometry,
         "properties": {"id": "a", "name": "A", "kind": "neighbourhood", "source": "t"}}]}))
    assert main(["gazetteer", "check", str(path), "--no-world"]) == 2
    out = capsys.readouterr().out
    assert f"{path}: feature 1 (id 'a'): {problem}" in out


def test_shared_alias_is_a_warning_not_an_error(tmp_path, capsys):
    path = tmp_path / "places.csv"
    path.write_text("id,name,lat,lon,kind,parent,source,aliases\n" + CITY.rstrip("\n") + ",\n"
                    "h1,National Hospital,35.951,39.004,hospital,raqqa,t,Watani\n"
                    "h2,Military Hospital,35.955,39.01,hospital,raqqa,t,Watani\n")
    assert main(["gazetteer", "check", str(path), "--no-world"]) == 0
    out = capsys.readouterr().out
    assert "warning:" in out and "ambiguous name 'watani'" in out and "'h1', 'h2'" in out
    gaz = Gazetteer.from_files([path], world=False, cache=False)
    (m,) = gaz.match("shelling near Watani")
    assert set(m.ids) == {"h1", "h2"}  # both kept: the ambiguity is visible


def test_far_from_parent_is_a_warning(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text(CSV_HEAD + CITY + "d,Tabqa Dam,35.87,38.56,dam,raqqa,t\n")
    (p,) = [p for p in check_files([path], world=False)]
    assert p.level == "warning" and "km from its parent 'raqqa'" in p.message


def test_unknown_format_and_unreadable(tmp_path, capsys):
    bad = tmp_path / "places.txt"
    bad.write_text("just some notes\n")
    assert main(["gazetteer", "check", str(bad)]) == 2
    assert "not a GeoNames file" in capsys.readouterr().err
    assert main(["gazetteer", "stats", str(tmp_path / "missing.geojson")]) == 2
    assert "cannot read file" in capsys.readouterr().err


def test_cache_is_pruned_to_its_size_oldest_use_first(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(folder))
    folder.mkdir()
    for i, name in enumerate(["a", "b", "c"]):
        (folder / f"gazetteer-{name}.pickle").write_bytes(pickle.dumps(b"x" * 400_000))
        os.utime(folder / f"gazetteer-{name}.pickle", (1_000 + i, 1_000 + i))
    (folder / ".gazetteer-dead.tmp").write_bytes(b"x")
    os.utime(folder / ".gazetteer-dead.tmp", (1_000, 1_000))
    assert disk.load("a") == b"x" * 400_000  # read: used now
    monkeypatch.setenv("CONFLICTMAP_CACHE_MB", "1")
    src = tmp_path / "mini.geojson"
    shutil.copy(GAZ / "mini.geojson", src)
    Gazetteer.from_files([src], world=False)
    left = sorted(p.name for p in folder.iterdir())
    # b is the oldest unused entry: it goes first; the new entry always stays.
    assert "gazetteer-b.pickle" not in left and ".gazetteer-dead.tmp" not in left
    assert sum(p.stat().st_size for p in folder.iterdir()) <= 1_000_000
    assert len([n for n in left if n.endswith(".pickle")]) >= 1


def test_cache_is_used_and_follows_the_content(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path / "cache"))
    src = tmp_path / "mini.geojson"
    shutil.copy(GAZ / "mini.geojson", src)
    first = Gazetteer.from_files([src], world=False)
    assert len(list((tmp_path / "cache").glob("gazetteer-*.pickle"))) == 1
    # The second start reads the cache: nothing is parsed or indexed again.
    core = "conflictmap.gazetteer.core"
    monkeypatch.setattr(f"{core}.read_places", lambda *a, **k: pytest.fail("parsed again"))
    monkeypatch.setattr(f"{core}.index_names", lambda *a, **k: pytest.fail("indexed again"))
    second = Gazetteer.from_files([src], world=False)
    assert [m.ids for m in second.match("Paradise Square in Raqqa")] == \
        [m.ids for m in first.match("Paradise Square in Raqqa")]
    monkeypatch.undo()
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path / "cache"))
    # An edited file is a new key.
    src.write_text(src.read_text().replace("Al-Barid", "Al-Baridd"))
    assert disk.cache_key([src], {"world": False}) != disk.cache_key([GAZ / "mini.geojson"],
                                                                      {"world": False})
    third = Gazetteer.from_files([src], world=False)
    assert any(third[p].name == "Al-Baridd" for p in third.ids())
    # Another copy of the same file is cited where it is, not where the cache was written.
    moved = tmp_path / "elsewhere" / "mini.geojson"
    moved.parent.mkdir()
    shutil.copy(src, moved)
    assert set(Gazetteer.from_files([moved], world=False).places["file"]) == {str(moved)}
    assert str(tmp_path).encode() not in b"".join(
        f.read_bytes() for f in (tmp_path / "cache").glob("*.pickle"))
    # A corrupt cache file is ignored and rewritten.
    for f in (tmp_path / "cache").glob("*.pickle"):
        f.write_bytes(b"not a pickle")
    assert len(Gazetteer.from_files([src], world=False)) == len(third)


def test_geocode_command(capsys):
    assert main(["geocode", "Hell Square", "--near", "Raqqa"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["name", "id", "kind", "lon", "lat", "score", "why"]
    assert out[1].split()[:4] == ["Al-Naim", "Square", "raqqa-al-naim-square", "square"]
    assert main(["geocode", "Rakka", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found[0]["id"] == "raqqa" and 38.9 < found[0]["lon"] < 39.1
    assert main(["geocode", "Qqxzv Wvvz"]) == 1


@pytest.mark.parametrize("query", ["Nowhereville", "Zzyzzx Qorp", "Damascus Internationale Stadiumm"])
def test_geocode_answers_no_match_below_the_floor(gaz, query):
    # A fuzzy match on a piece of the query ("evile" in "nowhereville") is no answer.
    assert gaz.candidates(query) == []


def test_geocode_command_says_no_match(capsys):
    assert main(["geocode", "Nowhereville"]) == 1
    assert "no place found" in capsys.readouterr().out


def test_fuzzy_match_scores_below_exact(gaz):
    exact = gaz.candidates("Al-Barid")[0]
    fuzzy = gaz.candidates("Al-Baridd Neighbourhod")
    assert fuzzy and fuzzy[0].place.id == "raqqa-al-barid" and "fuzzy" in fuzzy[0].why
    assert fuzzy[0].score < exact.score


def test_stats_command(capsys):
    assert main(["gazetteer", "stats", str(GAZ / "mini.csv"), "--no-world", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["places"] == 6 and stats["by_kind"]["hospital"] == 1
    rows = (GAZ / "mini.csv").read_text().splitlines()[1:]
    assert stats["names"] == 6 + sum(len(r.split(",")[4].split("|")) for r in rows)


def test_read_places_reports_rows_not_raises(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(CSV_HEAD + CITY + "x,,1,1,city,,t\n")
    loaded = read_places(path)
    assert len(loaded.places) == 1 and [str(p) for p in loaded.problems] == [
        f"{path}: line 3 (id 'x'): missing 'name'"]


def test_build_with_a_geonames_dump_maps_the_sites_named(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(" date 2017-10-16\nSDF fighters captured the Black Stadium in Raqqa on "
                       "Monday, while IS still holds the National Hospital.\n")
    out = tmp_path / "out"
    assert main(["build", str(article), "--gazetteer", str(GAZ / "mini_geonames.txt"),
                 "--gazetteer", str(GAZ / "mini_alternateNamesV2.txt"), "--out", str(out),
                 "-q", "--format", "geojson"]) == 0
    day = json.loads((out / "days" / "2017-10-16.geojson").read_text())
    states = {f["properties"]["name"]: f["properties"]["controller"] for f in day["features"]}
    # Only the places the article names, of the six in the dump, are on the map; the city,
    # of which nothing is said, is contested because its quarters are held by both sides.
    assert states == {"Raqqa": "contested", "Raqqa Municipal Stadium": "SDF",
                      "Raqqa National Hospital": "IS"}


def test_fuzzy_candidates_are_not_fragments(gaz):
    found = gaz.candidates("Paradise Sqare")
    assert found[0].place.id == "raqqa-al-naim-square"
    # "ara", "ise" and "para" score 90 as parts of the query, but are not the place it names.
    keys = [c.why.split("on '")[1].split("'")[0] for c in found]
    assert all(len(k) >= len("paradise skare") / 3 for k in keys), keys
