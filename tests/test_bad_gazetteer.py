"""Gazetteer and actors files from strangers: every bad one is one line and exit 2, nothing written.

Each case spoils one feature, line or actor of a small theatre that builds,
then runs ``conflictmap build`` (into no folder, and into a folder an earlier
build left) and, for gazetteers, ``conflictmap gazetteer check``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conflictmap.gazetteer import Gazetteer
from conflictmap.geo.actors import Actors
from conflictmap.geo.cli import main

ARTICLE = " date 2017-10-16\nThe army captured Barid in Testcity from the insurgents on Monday.\n"
CITY = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [39.0, 35.95]},
        "properties": {"id": "tc", "name": "Testcity", "kind": "city", "source": "t"}}
BARID = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [39.004, 35.956]},
         "properties": {"id": "bq", "name": "Barid", "kind": "neighbourhood", "parent": "tc", "source": "t"}}
GOV = "  - {id: GOV, name: Army, colour: '#0072B2', enemies: [INS], aliases: [army, troops]}\n"
INS = "  - {id: INS, name: Insurgents, colour: '#D55E00', enemies: [GOV], aliases: [insurgents]}\n"
ACTORS = "actors:\n" + GOV + INS
CSV_HEAD = "id,name,lat,lon,kind,parent,source\n"
CSV_CITY = "tc,Testcity,35.95,39.0,city,,t\n"
WKT_HEAD = "id,name,wkt,kind,parent,source\n"
WKT_CITY = "tc,Testcity,POINT (39 35.95),city,,t\n"
SELF_CROSSING = [[[39, 35.9], [39.1, 36], [39.1, 35.9], [39, 36], [39, 35.9]]]


def _barid(geometry: object = ..., **props: object) -> str:
    """The theatre's GeoJSON with its second feature (Barid) spoilt."""
    feature = json.loads(json.dumps(BARID))
    if geometry is not ...:
        feature["geometry"] = geometry
    feature["properties"].update(props)
    return json.dumps({"type": "FeatureCollection", "features": [CITY, feature]})


def _csv(lat: str, lon: str) -> str:
    """The theatre as CSV, Barid at ``lat``, ``lon`` (line 3)."""
    return CSV_HEAD + CSV_CITY + f"bq,Barid,{lat},{lon},neighbourhood,tc,t\n"


def _wkt(wkt: str) -> str:
    """The theatre as CSV with a WKT column, Barid's geometry ``wkt`` (line 3)."""
    return WKT_HEAD + WKT_CITY + f'bq,Barid,"{wkt}",neighbourhood,tc,t\n'


def _no_geometry() -> str:
    feature = {k: v for k, v in BARID.items() if k != "geometry"}
    return json.dumps({"type": "FeatureCollection", "features": [CITY, feature]})


# (file name, content, what the one line says besides the file's name)
GEOJSON = [
    ("null.geojson", _barid(None), ["feature 2 (id 'bq')", "no geometry"]),
    ("missing.geojson", _no_geometry(), ["feature 2 (id 'bq')", "no geometry"]),
    ("circle.geojson", _barid({"type": "Circle", "coordinates": [39, 35.9], "radius": 5}),
     ["feature 2", "unsupported geometry type 'Circle'"]),
    ("collection.geojson", _barid({"type": "GeometryCollection", "geometries": [BARID["geometry"]]}),
     ["feature 2", "unsupported geometry type 'GeometryCollection'"]),
    ("nested.geojson", _barid({"type": "Point", "coordinates": [[39.0, 35.9]]}),
     ["feature 2", "a position must be [longitude, latitude]"]),
    ("flat.geojson", _barid({"type": "Polygon", "coordinates": [39.0, 35.9]}), ["feature 2", "nested"]),
    ("text.geojson", _barid({"type": "Point", "coordinates": "39.0 35.9"}), ["feature 2", "a position"]),
    ("bool.geojson", _barid({"type": "Point", "coordinates": [True, 35.9]}), ["feature 2", "a position"]),
    ("four.geojson", _barid({"type": "Point", "coordinates": [39.0, 35.9, 1, 2]}),
     ["feature 2", "a position"]),
    ("range.geojson", _barid({"type": "Point", "coordinates": [39.0, 95.0]}), ["feature 2", "out of range"]),
    ("crossing.geojson", _barid({"type": "Polygon", "coordinates": SELF_CROSSING}),
     ["feature 2", "invalid geometry (Self-intersection"]),
    ("line.geojson", _barid({"type": "LineString", "coordinates": [[39.0, 35.9]]}),
     ["feature 2", "invalid geometry (LineString"]),
    ("geomtext.geojson", _barid("POINT (39 35.9)"), ["feature 2", "'geometry' must be a GeoJSON geometry"]),
    ("props.geojson", _barid().replace('"properties": {"id": "bq"', '"properties": 1, "p": {"id": "bq"'),
     ["feature 2", "not a GeoJSON Feature"]),
    ("idlist.geojson", _barid(id=["bq"]), ["feature 2", "'id' must be text"]),
    ("namenumber.geojson", _barid(name=5), ["feature 2 (id 'bq')", "'name' must be text, not 5"]),
    ("kinddict.geojson", _barid(kind={"a": 1}), ["feature 2 (id 'bq')", "'kind' must be text"]),
    ("longname.geojson", _barid(name="B" * 301), ["feature 2 (id 'bq')", "name is 301 characters long"]),
    ("longalias.geojson", _barid(aliases=["Al-Barid", "B" * 301]),
     ["feature 2", "alias 2 is 301 characters"]),
    ("manyaliases.geojson", _barid(aliases=[f"Barid {i}" for i in range(2001)]),
     ["feature 2", "2,001 aliases (at most 2,000)"]),
    ("nul.geojson", _barid(name="Bar\x00id"), ["feature 2", "control character U+0000"]),
    ("escape.geojson", _barid(aliases=["Bar\x1b[31mid"]), ["feature 2", "alias 1", "U+001B"]),
    ("population.geojson", _barid(population=-5), ["feature 2", "'population' must be a whole number"]),
    ("prominence.geojson", _barid(prominence=1e30), ["feature 2", "'prominence' must be a whole number"]),
    ("infinite.geojson", _barid().replace("39.004", "1e400"), ["not valid JSON"]),
    ("features.geojson", json.dumps({"type": "FeatureCollection", "features": "Barid"}),
     ["'features' must be a list"]),
]
CSV = [
    ("range.csv", _csv("95", "39.004"), ["line 3 (id 'bq')", "out of range"]),
    ("polar.csv", _csv("89.5", "39.004"), ["line 3 (id 'bq')", "latitude 89.5 is too near a pole"]),
    ("nan.csv", _csv("nan", "39.004"), ["line 3", "finite numbers"]),
    ("inf.csv", _csv("35.9", "-inf"), ["line 3", "finite numbers"]),
    ("words.csv", _csv("north", "39.004"), ["line 3", "not numbers"]),
    ("blank.csv", _csv("", ""), ["line 3 (id 'bq')", "no geometry"]),
    ("nocolumns.csv", "id,name,kind\ntc,Testcity,city\n", ["no coordinate columns"]),
    ("wkt.csv", _wkt("POINT (39 35.9"), ["line 3", "invalid WKT geometry"]),
    ("wktcollection.csv", _wkt("GEOMETRYCOLLECTION (POINT (39 35))"),
     ["line 3", "unsupported geometry type 'GeometryCollection'"]),
    ("ring.csv", _wkt("LINEARRING (39 35.9, 39.1 35.9, 39.1 36, 39 35.9)"),
     ["line 3", "unsupported geometry type 'LinearRing'"]),
    ("wktnan.csv", _wkt("POINT (nan 35.9)"), ["line 3", "finite"]),
    ("control.csv", CSV_HEAD + CSV_CITY + "bq,Bar\x07id,35.956,39.004,neighbourhood,tc,t\n",
     ["line 3", "U+0007"]),
    ("hugefield.csv", CSV_HEAD + CSV_CITY + "bq,Barid,35.956,39.004,neighbourhood,tc," + "t" * 200_000 + "\n",
     ["line 3", "not CSV"]),
    ("fields.csv", CSV_HEAD + CSV_CITY + "bq,Barid,35.956\n", ["line 3", "3 fields, the header has 7"]),
    ("header.csv", 'id,"na\nme",lat,lon\ntc,Testcity,35.95,39.0\n', ["no 'name' column", "'na\\nme'"]),
]
YAML = [
    ("idnumber.yaml", "actors:\n  - {id: 5, name: Army, colour: '#0072B2'}\n" + INS.replace("[GOV]", "[]"),
     ["actor 1", "'id' must be text"]),
    ("idyes.yaml", "actors:\n  - {id: yes, name: Army, colour: '#0072B2'}\n",
     ["actor 1", "'id' must be text"]),
    ("colourname.yaml", ACTORS.replace("'#0072B2'", "red"), ["actor 'GOV'", "'colour' must look like"]),
    ("colournumber.yaml", ACTORS.replace("'#0072B2'", "123456"), ["actor 'GOV'", "'colour'"]),
    ("colourcss.yaml", ACTORS.replace("'#0072B2'", "'#000;background:url(x)'"), ["actor 'GOV'", "'colour'"]),
    ("aliastext.yaml", ACTORS.replace("[army, troops]", "army"), ["actor 'GOV'", "'aliases' must be a list"]),
    ("aliasnumber.yaml", ACTORS.replace("[army, troops]", "[army, 7]"), ["actor 'GOV'", "'aliases'"]),
    ("aliaslong.yaml", ACTORS.replace("troops", "t" * 301), ["actor 'GOV'", "alias 2 is 301 characters"]),
    ("enemytext.yaml", ACTORS.replace("enemies: [INS]", "enemies: INS"),
     ["actor 'GOV'", "'enemies' must be"]),
    ("enemyunknown.yaml", ACTORS.replace("enemies: [INS]", "enemies: [REB]"), ["actor 'GOV'", "enemy 'REB'"]),
    ("enemyself.yaml", ACTORS.replace("enemies: [INS]", "enemies: [GOV]"), ["actor 'GOV'", "its own enemy"]),
    ("duplicate.yaml", ACTORS + GOV, ["actor 3", "duplicate id 'GOV' (first at actor 1)"]),
    ("empty.yaml", "actors: []\n", ["non-empty list 'actors'"]),
    ("unknownkey.yaml", ACTORS.replace("aliases:", "alias:", 1), ["actor 'GOV'", "unknown key 'alias'"]),
    ("reserved.yaml", ACTORS.replace("id: GOV", "id: contested"), ["actor 1", "reserved"]),
    ("kind.yaml", ACTORS.replace("name: Army", "name: Army, kind: army"), ["actor 'GOV'", "'kind'"]),
    ("tag.yaml", "actors: !!python/object/apply:os.system ['true']\n", ["not plain data", "line 1"]),
    ("selfalias.yaml", "loop: &a [1, *a]\n" + ACTORS, ["refers to the value that holds it"]),
    ("manyaliases.yaml", "x: &x 1\ny: [" + ", ".join(["*x"] * 101) + "]\n" + ACTORS,
     ["more than 100 YAML aliases"]),
    ("large.yaml", ACTORS + "# " + "padding " * 130_000 + "\n", ["larger than 1,000,000 bytes"]),
    ("tabs.yaml", "actors:\n\t- {id: GOV}\n", ["not valid YAML at line 2"]),
]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _theatre(tmp_path: Path) -> dict[str, Path]:
    paths = {"article": tmp_path / "article.txt", "gazetteer": tmp_path / "good.geojson",
             "actors": tmp_path / "good.yaml"}
    paths["article"].write_text(ARTICLE, "utf-8")
    paths["gazetteer"].write_text(json.dumps({"type": "FeatureCollection", "features": [CITY, BARID]}))
    paths["actors"].write_text(ACTORS, "utf-8")
    return paths


def _one_line(err: str, path: Path, needles: list[str]) -> None:
    lines = err.splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"conflictmap: error: {path}: "), lines[0]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def _build_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], bad: Path,
                 needles: list[str]) -> None:
    """A build with ``args`` exits 2 with one line, writes no folder and leaves an old one as it was."""
    theatre = _theatre(tmp_path)
    fresh = tmp_path / "fresh"
    assert main(["build", str(theatre["article"]), *args, "--out", str(fresh), "-q"]) == 2
    _one_line(capsys.readouterr().err, bad, needles)
    assert not fresh.exists()
    # A folder an earlier build wrote keeps every byte.
    old = tmp_path / "old"
    (old / "days").mkdir(parents=True)
    (old / "index.html").write_text("<p>the map of yesterday</p>")
    (old / "days" / "2017-10-15.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    before = _snapshot(old)
    assert main(["build", str(theatre["article"]), *args, "--out", str(old), "-q"]) == 2
    _one_line(capsys.readouterr().err, bad, needles)
    assert _snapshot(old) == before


@pytest.mark.parametrize("name,content,needles", GEOJSON + CSV, ids=[c[0] for c in GEOJSON + CSV])
def test_bad_gazetteer_is_one_line(tmp_path, capsys, name, content, needles):
    bad = tmp_path / name
    bad.write_bytes(content.encode("utf-8"))
    actors = _theatre(tmp_path)["actors"]
    _build_fails(tmp_path, capsys, ["--gazetteer", str(bad), "--actors", str(actors)], bad, needles)
    assert main(["gazetteer", "check", str(bad), "--no-world"]) == 2
    out, err = capsys.readouterr()
    # A problem of one place is listed with the others; a file that cannot be read is the one line.
    said = out.splitlines() + err.splitlines()
    assert "Traceback" not in out + err
    assert any(str(bad) in line and all(n in line for n in needles) for line in said), said


@pytest.mark.parametrize("name,content,needles", YAML, ids=[c[0] for c in YAML])
def test_bad_actors_file_is_one_line(tmp_path, capsys, name, content, needles):
    bad = tmp_path / name
    bad.write_bytes(content.encode("utf-8"))
    gazetteer = _theatre(tmp_path)["gazetteer"]
    _build_fails(tmp_path, capsys, ["--gazetteer", str(gazetteer), "--actors", str(bad)], bad, needles)


def test_cp1252_csv_is_refused_not_guessed(tmp_path, capsys):
    bad = tmp_path / "places.csv"
    bad.write_bytes(_csv("35.956", "39.004").replace("Barid", "Caf\xe9 Barid").encode("cp1252"))
    actors = _theatre(tmp_path)["actors"]
    _build_fails(tmp_path, capsys, ["--gazetteer", str(bad), "--actors", str(actors)], bad,
                 ["line 3", "not UTF-8 text (byte 0xE9)"])


def test_billion_laughs_fails_fast(tmp_path, capsys):
    # Nine levels of nine aliases each: 9**9 "lol"s if expanded, in 80 aliases.
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    bad = tmp_path / "laughs.yaml"
    actor = "  - {id: *a8, name: *a8, colour: '#000000', aliases: *a8}"
    bad.write_text("\n".join([*levels, "actors:", actor]) + "\n")
    start = time.perf_counter()
    gazetteer = _theatre(tmp_path)["gazetteer"]
    _build_fails(tmp_path, capsys, ["--gazetteer", str(gazetteer), "--actors", str(bad)], bad,
                 ["expand to more than 100,000 values"])
    assert time.perf_counter() - start < 5


def _subprocess(*code_or_args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *code_or_args], capture_output=True, text=True, timeout=timeout)


def test_four_megabyte_alias_does_not_crash_the_process(tmp_path):
    theatre = _theatre(tmp_path)
    bad = tmp_path / "huge.geojson"
    bad.write_text(_barid(aliases=["b" * 4_000_000]))
    res = _subprocess("-m", "conflictmap.geo.cli", "build", str(theatre["article"]), "--gazetteer", str(bad),
                      "--actors", str(theatre["actors"]), "--out", str(tmp_path / "o"))
    assert res.returncode == 2, (res.returncode, res.stderr[-500:])
    _one_line(res.stderr, bad, ["feature 2 (id 'bq')", "alias 1 is 4,000,000 characters long"])
    assert not (tmp_path / "o").exists()


def test_name_index_leaves_out_a_key_that_would_crash_it():
    # pyahocorasick segfaults on freeing a key of about a million characters.
    code = ("from conflictmap.gazetteer.matcher import NameIndex\n"
            "ix = NameIndex([('b' * 4_000_000, 'x'), ('barid', 'y')])\n"
            "print([h.keys for h in ix.find('fighting in barid')], len(ix))\n"
            "del ix\n")
    res = _subprocess("-c", code)
    assert res.returncode == 0, (res.returncode, res.stderr[-500:])
    assert res.stdout.split("\n")[0] == "[('y',)] 1"


def test_heights_are_dropped_and_the_build_goes_on(tmp_path, capsys):
    theatre = _theatre(tmp_path)
    gaz = tmp_path / "heights.geojson"
    gaz.write_text(_barid({"type": "Point", "coordinates": [39.004, 35.956, 310.5]}))
    out = tmp_path / "out"
    assert main(["build", str(theatre["article"]), "--gazetteer", str(gaz),
                 "--actors", str(theatre["actors"]), "--out", str(out), "-q"]) == 0
    assert capsys.readouterr().err == ""
    day = json.loads((out / "days" / "2017-10-16.geojson").read_text())
    (barid,) = [f for f in day["features"] if f["properties"]["site"] == "bq"]
    assert barid["geometry"]["coordinates"] == [39.004, 35.956]


def test_short_colour_is_expanded(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text(ACTORS.replace("'#0072B2'", "'#0af'"))
    assert Actors.load(path)["GOV"].colour == "#00AAFF"


def test_geonames_dump_drops_unusable_aliases(tmp_path):
    others = "Barid," + "B" * 400 + ",Bar\x01id,Baridah"
    cells = ["99000002", "Al-Barid", "Al-Barid", others, "35.9565", "39.004", "P", "PPLX", "SY", "", "04",
             "", "", "", "0", "", "250", "Asia/Damascus", "2024-01-01"]
    dump = tmp_path / "dump.txt"
    dump.write_text("\t".join(cells) + "\n", "utf-8")
    gaz = Gazetteer.from_files([dump], world=False, cache=False)
    assert gaz["geonames:99000002"].aliases == ("Barid", "Baridah")


def test_pipes_and_folders_are_refused_not_read(tmp_path, capsys):
    theatre = _theatre(tmp_path)
    pipe = tmp_path / "places.geojson"
    os.mkfifo(pipe)  # reading it would wait for a writer for ever
    assert main(["gazetteer", "check", str(pipe), "--no-world"]) == 2
    _one_line(capsys.readouterr().err, pipe, ["not a regular file"])
    actors = tmp_path / "actors.yaml"
    os.mkfifo(actors)
    args = ["--gazetteer", str(theatre["gazetteer"]), "--actors", str(actors)]
    _build_fails(tmp_path, capsys, args, actors, ["not a regular file"])
    assert main(["gazetteer", "check", str(tmp_path), "--no-world"]) == 2
    _one_line(capsys.readouterr().err, tmp_path, ["is a folder"])


def test_geonames_places_near_a_pole_are_measured_without_utm(tmp_path):
    # No UTM zone reaches 85 degrees south: the parent is found in another projection.
    row = ["", "", "", "", "-85.0", "10.0", "P", "PPL", "AQ", "", "", "", "", "", "100", "", "", "", ""]
    town = ["1", "Southtown", "Southtown", *row[3:]]
    camp = ["2", "South Camp", "South Camp", "", "-85.01", "10.1", "S", "CMP", *row[8:]]
    dump = tmp_path / "dump.txt"
    dump.write_text("".join("\t".join(r) + "\n" for r in (town, camp)), "utf-8")
    gaz = Gazetteer.from_files([dump], world=False, cache=False)
    assert gaz["geonames:2"].parent == "geonames:1"


def test_a_name_no_report_can_use_is_a_warning(tmp_path, capsys):
    gaz = tmp_path / "unnameable.geojson"
    gaz.write_text(_barid(name="\u200b!!", aliases=["--"]))
    assert main(["gazetteer", "check", str(gaz), "--no-world"]) == 0
    out, err = capsys.readouterr()
    said = "no name or alias has a letter or digit: no report can name the place"
    assert out.splitlines() == [f"warning: {gaz}: feature 2 (id 'bq'): {said}"]
    assert err.splitlines() == ["1 file(s): 0 error(s), 1 warning(s)"]
