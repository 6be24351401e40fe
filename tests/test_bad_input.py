"""The bad-input battery: every bad article, gazetteer, actors file, option or output folder.

Each case spoils one input of a small theatre that builds (``test_the_good_theatre_builds``
shows it does) and runs ``conflictmap build`` in-process. One check holds for all of them
(:func:`_refused`): exit status 2, exactly one line on stderr naming the file (and the line,
feature or actor at fault), no traceback, and an output folder an earlier build left (the
demo, built once a session) byte for byte as it was. Gazetteer cases also run
``conflictmap gazetteer check``. What needs a real process (permissions under setpriv, a
crash of the C extension) runs one, with the same check.

The reading that succeeds (encodings, repaired bytes, dropped heights) sits at the end.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import invented_theatre
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictmap.gazetteer import Gazetteer
from conflictmap.geo.actors import Actors
from conflictmap.geo.articles import LIMIT_VARIABLE, TOTAL_VARIABLE, NoDateError, read_article, read_text
from conflictmap.geo.cli import main
from conflictmap.geo.errors import InputError

HEADER = " date 2017-10-17\n"
GOOD = HEADER + "VELMORA - The army captured Naim Square from the insurgents on Tuesday.\n"
# Reports as desks in other languages file them, each in its own code page.
ARABIC = ("سيطرت قوات الجيش على دوار النعيم في مدينة فيلمورا يوم الثلاثاء بعد معارك عنيفة "
          "مع المسلحين، وقال مصدر عسكري إن الاشتباكات استمرت حتى المساء.\n")
FRENCH = ("L'armée a pris la place Naïm mardi, après des combats acharnés ; le café d'en face "
          "était fermé, a précisé un témoin à l'hôpital.\n")
RUSSIAN = ("Армия заняла площадь Наим во вторник после ожесточённых боёв, сообщил военный "
           "источник; бои продолжались до вечера.\n")
# Readings a wrong code page gives them: a combining accent (CP1258), a superscript in a word
# (CP1257), Hebrew as capitals of KOI8-R.
OTHERS = {
    "cp1252": "L'esercito ha preso la piazza martedì, dopo combattimenti; la città è distrutta.\n",
    "cp1250": "Armia zajęła we wtorek plac po ciężkich walkach; mieszkańcy uciekli, powiedział rzecznik.\n",
    "cp1255": "הצבא כבש את הכיכר ביום שלישי לאחר קרבות קשים, אמר דובר צבאי.\n",
    "cp1253": "Ο στρατός κατέλαβε την πλατεία την Τρίτη μετά από σφοδρές μάχες.\n",
    "cp1254": "Ordu salı günü meydanı ele geçirdi; şiddetli çatışmaların ardından siviller kaçtı.\n",
}
AR_SQUARE = "دوار النعيم"
PLACES = [("velmora", "Velmora", "city", None, 39.0, 35.95),
          ("naim", "Naim Square", "square", "velmora", 39.01, 35.951)]
NOISE = random.Random(7).randbytes(4096)

# --- the bad inputs: each writes its case into ``d`` and returns (arguments, the name the error gives)

def _file(name: str, data: bytes):
    def make(d: Path):
        (d / name).write_bytes(data)
        return [d / name], name
    return make


def _named(name: str, make_entry):
    """A bad entry named on the command line."""
    def make(d: Path):
        make_entry(d / name)
        return [d / name], name
    return make


def _in_folder(name: str, make_entry):
    """The same bad entry met in a folder of otherwise good articles."""
    def make(d: Path):
        folder = d / "reports"
        folder.mkdir()
        (folder / "a_good.txt").write_text(GOOD, "utf-8")
        make_entry(folder / name)
        return [folder], name
    return make


def _zip(d: Path):
    with zipfile.ZipFile(d / "report.txt", "w") as z:
        z.writestr("word/document.xml", "<w:document>The army took the square.</w:document>")
    return [d / "report.txt"], "report.txt"


def _loop(path: Path):
    os.symlink(path.with_name("other.txt"), path)
    os.symlink(path, path.with_name("other.txt"))


def _fifo(path: Path):
    os.mkfifo(path)


def _socket(d: Path):
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(d / "s.txt"))
    s.close()  # the socket file stays
    return [d / "s.txt"], "s.txt"


def _sparse(d: Path):
    with open(d / "huge.txt", "wb") as f:  # larger than the default limit, on no disk space
        f.truncate(21 * 2**20)
    return [d / "huge.txt"], "huge.txt"


def _env_limit(d: Path):
    (d / "big.txt").write_text(GOOD + "The army held the square.\n" * 100, "utf-8")
    os.environ[LIMIT_VARIABLE] = "1000"
    return [d / "big.txt"], "big.txt"


def _env_total(d: Path):
    for name in ("a.txt", "b.txt"):
        (d / name).write_text(GOOD + "The army held the square.\n" * 40, "utf-8")
    os.environ[TOTAL_VARIABLE] = "1500"  # each is under it, the two are not
    return [d / "a.txt", d / "b.txt"], "b.txt"


def _env_bad(d: Path):
    (d / "a.txt").write_text(GOOD, "utf-8")
    os.environ[LIMIT_VARIABLE] = "lots"
    return [d / "a.txt"], LIMIT_VARIABLE


def _self_link_folder(d: Path):
    os.symlink(d / "reports", d / "reports")
    return [d / "reports"], "reports"


def _subfolder_link(d: Path):
    folder = d / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, "utf-8")
    os.symlink(".", folder / "again.txt")  # a link back into the folder: read once, never walked
    return [folder], "again.txt"


def _no_txt(d: Path):
    (d / "reports").mkdir()
    (d / "reports" / "notes.md").write_text(GOOD, "utf-8")
    return [d / "reports"], "reports"


def _bad_name(d: Path):
    folder = d / "reports"
    folder.mkdir()
    fd = os.open(os.fsencode(folder) + b"/caf\xe9.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, GOOD.encode())
    os.close(fd)
    return [folder], "caf"


def _unreadable_folder(d: Path):
    folder = d / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, "utf-8")
    folder.chmod(0)
    return [folder], "reports"


def _unreadable_file(d: Path):
    (d / "secret.txt").write_text(GOOD, "utf-8")
    (d / "secret.txt").chmod(0)
    return [d / "secret.txt"], "secret.txt"


def _unsearchable_folder(d: Path):
    folder = d / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, "utf-8")
    folder.chmod(0o644)  # its names can be listed, its files not opened
    return [folder], "a.txt"


def _unprivileged() -> list[str]:
    """A command prefix under which permissions hold, root's too (root minus its right to ignore them)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("root reads whatever the permissions say, and setpriv is not installed")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]


# --- the gazetteer and actors cases: one feature, line or actor spoilt

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


# --- the good theatre, the old folder, the one check

@dataclass
class Bad:
    """What a case runs: the good theatre with one input spoilt, and what the error line names."""

    named: str | Path
    needles: tuple[str, ...] = ()
    articles: list[Path] | None = None
    gazetteer: Path | None = None
    actors: Path | None = None
    extra: list[str] = field(default_factory=list)
    out: Path | None = None  # an --out of the case's own (default: the copy of the old folder)
    check: bool = False  # also `conflictmap gazetteer check` the gazetteer
    undo: Callable[[], None] | None = None  # gives back what the case locked


@dataclass
class Work:
    """A case's folder with the good theatre in it, and the old output folder's template."""

    d: Path
    article: Path
    gazetteer: Path
    actors: Path
    demo: Path


def _hashes(folder: Path) -> dict[str, tuple[int, str]]:
    """Every entry under ``folder``: its mode and, for a file, the hash of its bytes."""
    return {str(p.relative_to(folder)): (p.lstat().st_mode,
                                         hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "")
            for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> tuple[Path, dict[str, tuple[int, str]]]:
    """The demo built once: the folder an earlier build left, and its hashes."""
    out = tmp_path_factory.mktemp("demo") / "out"
    assert main(["demo", "-q", "--out", str(out)]) == 0
    hashes = _hashes(out)
    assert len([h for h in hashes.values() if h[1]]) >= 5  # a real folder, not an empty one
    return out, hashes


def _theatre(tmp_path: Path) -> dict[str, Path]:
    paths = {"article": tmp_path / "article.txt", "gazetteer": tmp_path / "good.geojson",
             "actors": tmp_path / "good.yaml"}
    paths["article"].write_text(ARTICLE, "utf-8")
    paths["gazetteer"].write_text(json.dumps({"type": "FeatureCollection", "features": [CITY, BARID]}))
    paths["actors"].write_text(ACTORS, "utf-8")
    return paths


def _refused(status: object, err: str, named: str, needles: tuple[str, ...] | list[str] = ()) -> None:
    """The one check of the battery: status 2, one line, the file (and place) named, no traceback."""
    lines = err.splitlines()
    assert status == 2, err
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("conflictmap") and ": error: " in lines[0], lines[0]
    assert named in lines[0], (named, lines[0])
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def _run(argv: list[str]) -> object:
    """``main(argv)``; an option argparse refuses exits, and that status is the answer."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def _one_line(err: str, path: Path, needles: list[str]) -> None:
    _refused(2, err, f"conflictmap: error: {path}: ", needles)


# --- the cases, as (id, make): make writes the spoilt input into the case's folder

def _article(make) -> Callable[[Work], Bad]:
    """An article case of the form ``make(folder) -> (articles, the name the error gives)``."""
    def case(w: Work) -> Bad:
        args, named = make(w.d)
        return Bad(named, articles=args)
    return case


def _gazetteer(name: str, content: str | bytes, needles: list[str], check: bool = True):
    def case(w: Work) -> Bad:
        bad = w.d / name
        bad.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return Bad(f"error: {bad}: ", tuple(needles), gazetteer=bad, check=check)
    return case


def _actors(name: str, content: str | bytes, needles: list[str]):
    def case(w: Work) -> Bad:
        bad = w.d / name
        bad.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return Bad(f"error: {bad}: ", tuple(needles), actors=bad)
    return case


def _special(kind: str, make_entry, needles: list[str]):
    """A gazetteer or actors path that is no file: a pipe, a folder, nothing, a NUL in its name."""
    def case(w: Work) -> Bad:
        path = w.d / f"entry.{'geojson' if kind == 'gazetteer' else 'yaml'}"
        path = make_entry(path) or path
        named = f"error: {str(path).replace(chr(0), chr(92) + 'x00')}: "
        return Bad(named, tuple(needles), **{kind: path}, check=kind == "gazetteer" and "\0" not in str(path))
    return case


def _option(extra: list[str], named: str, needles: list[str] = ()):
    def case(w: Work) -> Bad:
        return Bad(named, tuple(needles), extra=[a.replace("ARTICLE", str(w.article)) for a in extra])
    return case


def _billion_laughs(w: Work) -> Bad:
    # Nine levels of nine aliases each: 9**9 "lol"s if expanded, in 80 aliases.
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    bad = w.d / "laughs.yaml"
    actor = "  - {id: *a8, name: *a8, colour: '#000000', aliases: *a8}"
    bad.write_text("\n".join([*levels, "actors:", actor]) + "\n")
    return Bad(f"error: {bad}: ", ("expand to more than 100,000 values",), actors=bad)


def _cp1252_csv(w: Work) -> Bad:
    bad = w.d / "places.csv"
    bad.write_bytes(_csv("35.956", "39.004").replace("Barid", "Caf\xe9 Barid").encode("cp1252"))
    return Bad(f"error: {bad}: ", ("line 3", "not UTF-8 text (byte 0xE9)"), gazetteer=bad)


def _out_at(make_out, needles: list[str]):
    """An --out the build must refuse; ``make_out(work)`` returns it."""
    def case(w: Work) -> Bad:
        out = make_out(w)
        return Bad(f"error: {out}: ", tuple(needles), out=out)
    return case


def _a_file(w: Work) -> Path:
    (w.d / "file.txt").write_text("x")
    return w.d / "file.txt"


def _dangling(w: Work) -> Path:
    (w.d / "gone").symlink_to(w.d / "nowhere")
    return w.d / "gone"


def _read_only_parent(w: Work) -> Bad:
    """The old folder in a parent no build may write to (root: a read-only mount)."""
    parent = w.d / "ro"
    parent.mkdir()
    undo: Callable[[], None]
    if os.geteuid() != 0:
        shutil.copytree(w.demo, parent / "out", symlinks=True)
        parent.chmod(0o555)
        undo = lambda: parent.chmod(0o755)  # noqa: E731
    else:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(parent)],
                          capture_output=True).returncode != 0:
            pytest.skip("root without mount cannot make a read-only folder")
        shutil.copytree(w.demo, parent / "out", symlinks=True)
        subprocess.run(["mount", "-o", "remount,ro", str(parent)], check=True)
        undo = lambda: subprocess.run(["umount", str(parent)], check=True)  # noqa: E731
    return Bad(f"error: {parent / 'out'}: ", ("cannot write",), out=parent / "out", undo=undo)


H = HEADER.encode()
ARTICLES = [
    ("docx-like zip", _zip),
    ("pdf", _file("r.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")),
    ("gzip", _file("r.txt", gzip.compress(GOOD.encode(), mtime=0))),
    ("png", _file("r.txt", b"\x89PNG\r\n\x1a\n" + NOISE[:64])),
    ("nul bytes", _file("r.txt", GOOD.encode() + b"\x00\x01\x02 trailing junk")),
    ("only nul bytes", _file("r.txt", b"\x00" * 100)),
    ("random bytes", _file("r.txt", NOISE)),
    ("random bytes without NUL", _file("r.txt", bytes(b for b in NOISE if b))),
    ("control chars", _file("r.txt", H + bytes(range(1, 9)) * 40 + b" text")),
    ("utf-16 of NULs", _file("r.txt", b"\xff\xfe" + b"\x00\x00" * 40)),
    ("only a utf-8 BOM", _file("r.txt", b"\xef\xbb\xbf")),
    ("only a utf-16 BOM", _file("r.txt", b"\xff\xfe")),
    ("only a utf-32 BOM", _file("r.txt", b"\xff\xfe\x00\x00")),
    ("empty", _file("r.txt", b"")),
    ("only blank lines", _file("r.txt", b"\r\n \t\n" * 500)),
    ("date line only", _file("r.txt", H)),
    ("no date", _file("r.txt", b"The army captured the square.\n")),
    ("date line not a date", _file("r.txt", b" date 2017-02-30\nThe army captured the square.\n")),
    ("date line year 0", _file("r.txt", b" date 0000-01-01\nThe army captured the square.\n")),
    ("url header javascript", _file("r.txt", H + b"url: javascript:alert(1)\nThe army took the square.\n")),
    ("over the default size limit", _sparse),
    ("over a limit from the environment", _env_limit),
    ("over the limit of all articles together", _env_total),
    ("limit variable not a size", _env_bad),
    ("missing file", lambda d: ([d / "absent.txt"], "absent.txt")),
    ("NUL in the name", lambda d: ([Path(str(d) + "/a\0.txt")], "a\\x00.txt")),
    ("link loop", _named("a.txt", _loop)),
    ("link loop in folder", _in_folder("loop.txt", _loop)),
    ("dangling link", _named("a.txt", lambda p: os.symlink(p.with_name("gone.txt"), p))),
    ("dangling link in folder", _in_folder("dangling.txt", lambda p: os.symlink(p.with_name("gone.txt"), p))),
    ("named pipe", _named("p.txt", _fifo)),
    ("named pipe in folder", _in_folder("pipe.txt", _fifo)),
    ("socket", _socket),
    ("device", lambda d: ([Path("/dev/zero")], "/dev/zero")),
    ("folder named .txt", _in_folder("sub.txt", lambda p: p.mkdir())),
    ("folder linked to itself", _self_link_folder),
    ("link back into the folder", _subfolder_link),
    ("folder without .txt", _no_txt),
    ("file name not UTF-8", _bad_name),
    ("metadata table a dangling link",
     _in_folder("articles.csv", lambda p: os.symlink(p.with_name("gone.csv"), p))),
    ("metadata table a named pipe", _in_folder("metadata.csv", _fifo)),
    ("metadata cell past the csv limit",
     _in_folder("articles.csv", lambda p: p.write_text("file,title\na_good.txt," + "x" * 2**18))),
]
GAZETTEERS_NEW = [
    ("nan.geojson", _barid().replace("39.004", "NaN"), ["not valid JSON"]),
    ("infinity.geojson", _barid().replace("39.004", "-Infinity"), ["not valid JSON"]),
    ("longitude.geojson", _barid({"type": "Point", "coordinates": [190.0, 35.9]}),
     ["feature 2 (id 'bq')", "out of range"]),
    ("nofeatures.geojson", json.dumps({"type": "FeatureCollection", "features": []}), ["no features"]),
    ("empty.geojson", "", ["not valid JSON"]),
    ("list.geojson", "[1, 2]", ["not a GeoJSON FeatureCollection"]),
    ("feature.geojson", json.dumps(BARID), ["not a GeoJSON FeatureCollection"]),
    ("binary.geojson", bytes(range(256)), ["not valid JSON"]),
    ("utf16.geojson", _barid().encode("utf-16"), ["not valid JSON"]),
    ("deep.geojson", _barid(note=None).replace('"note": null', '"note": ' + "[" * 50_000 + "]" * 50_000),
     ["not valid JSON"]),
    ("duplicate.geojson", json.dumps({"type": "FeatureCollection", "features": [CITY, {
        **BARID, "properties": {**BARID["properties"], "id": "tc"}}]}),
     ["feature 2 (id 'tc')", "duplicate id 'tc' (first at feature 1)"]),
    ("ownparent.geojson", _barid(parent="bq"), ["feature 2 (id 'bq')", "parent cycle: bq -> bq"]),
    ("cycle.geojson", json.dumps({"type": "FeatureCollection", "features": [{
        **CITY, "properties": {**CITY["properties"], "parent": "bq"}}, BARID]}),
     ["feature 1 (id 'tc')", "parent cycle: tc -> bq -> tc"]),
    ("noparent.geojson", _barid(parent="zz"), ["feature 2 (id 'bq')", "parent 'zz' does not exist"]),
    ("emptypolygon.geojson", _barid({"type": "Polygon", "coordinates": []}), ["feature 2", "empty geometry"]),
    ("blankid.geojson", _barid(id="  "), ["feature 2", "missing 'id'"]),
    ("newlineid.geojson", _barid(id="b\nq"), ["feature 2", "U+000A"]),
    ("longid.geojson", _barid(id="b" * 5000), ["feature 2", "5,000 characters long"]),
    ("garbage.shp", b"garbage", ["cannot read with GDAL"]),
    ("garbage.gpkg", b"garbage", ["cannot read with GDAL"]),
    ("broken.kml", b"<kml><bad", ["cannot read with GDAL"]),
    ("places.xyz", b"hello", ["unknown gazetteer format '.xyz'"]),
]
ACTORS_NEW = [
    ("syntax.yaml", "actors: [\n", ["not valid YAML at line 2"]),
    ("emptyfile.yaml", "", ["non-empty list 'actors'"]),
    ("null.yaml", "~\n", ["non-empty list 'actors'"]),
    ("toplist.yaml", "- GOV\n- INS\n", ["non-empty list 'actors'"]),
    ("actorsmap.yaml", "actors: {GOV: 1}\n", ["non-empty list 'actors'"]),
    ("bomonly.yaml", b"\xef\xbb\xbf", ["non-empty list 'actors'"]),
    ("binary.yaml", bytes(range(256)), ["not UTF-8 text"]),
    ("utf16.yaml", ACTORS.encode("utf-16"), ["not UTF-8 text"]),
    ("nul.yaml", ACTORS + "\x00", ["not valid YAML", "#x0000"]),
    ("bell.yaml", ACTORS.replace("Army", "Ar\x07my"), ["not valid YAML", "#x0007"]),
    ("colourstyle.yaml", ACTORS.replace("'#0072B2'", "'red; background:url(x)'"),
     ["actor 'GOV'", "'colour'"]),
    ("colourint.yaml", ACTORS.replace("'#0072B2'", "0x0072B2"), ["actor 'GOV'", "'colour'"]),
    ("unknownid.yaml", ACTORS.replace("id: GOV", "id: unknown"), ["actor 1", "'unknown' is reserved"]),
    ("dateid.yaml", "actors:\n  - {id: 2001-01-01, colour: '#000'}\n", ["actor 1", "'id' must be text"]),
    ("namelist.yaml", ACTORS.replace("name: Army", "name: [Army]"), ["actor 'GOV'", "'name' must be text"]),
    ("enemyyes.yaml", ACTORS.replace("enemies: [INS]", "enemies: [yes]"), ["actor 'GOV'", "'enemies'"]),
    ("hugename.yaml", "a: &a " + "x" * 900_000 + "\nactors:\n  - {id: GOV, name: *a, colour: '#000'}\n",
     ["actor 'GOV'", "'name' is 900,000 characters long"]),
    ("deep.yaml", "actors: " + "[" * 10_000 + "]" * 10_000 + "\n", ["nested too deeply"]),
    ("dupkey.yaml", "actors:\n  - {id: GOV, id: INS, colour: '#000'}\n", ["'id' is given twice", "line 2"]),
    ("deepmap.yaml", "actors: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n", ["nested too deeply"]),
    ("complexkey.yaml", "actors:\n  - {? [a, b] : 1, id: GOV, colour: '#000'}\n",
     ["not plain data at line 2"]),
    ("badmerge.yaml", "actors:\n  - {<<: 5, id: GOV, colour: '#000'}\n", ["not plain data at line 2"]),
    ("many.yaml", "actors:\n" + "".join(f"  - {{id: A{i}, colour: '#000'}}\n" for i in range(101)),
     ["101 actors (at most 100)"]),
]


def _mkdir(p: Path) -> None:
    p.mkdir()


def _nul(p: Path) -> Path:
    return Path(str(p) + "\0")


OPTIONS = [
    ("--date without =", ["--date", "ARTICLE"], "--date", ["PATH=YYYY-MM-DD"]),
    ("--date without a path", ["--date", "=2017-10-01"], "--date", ["PATH=YYYY-MM-DD"]),
    ("--date empty", ["--date", ""], "--date", ["PATH=YYYY-MM-DD"]),
    ("--date month 13", ["--date", "ARTICLE=2017-13-01"], "--date", ["'2017-13-01' is not a date"]),
    ("--date day first", ["--date", "ARTICLE=17/10/2017"], "--date", ["'17/10/2017' is not a date"]),
    ("--date of a missing file", ["--date", "absent.txt=2017-10-01"], "absent.txt",
     ["--date names a file that is not among the articles"]),
    ("unknown option", ["--frobnicate"], "--frobnicate", ["unrecognized arguments"]),
    ("misspelt option", ["--gazeteer", "x.geojson"], "--gazeteer", ["did you mean --gazetteer?"]),
    ("--format unknown", ["--format", "pdf"], "--format", ["unknown format 'pdf'"]),
    ("--format empty", ["--format", ""], "--format", ["no format given"]),
    ("--format only commas", ["--format", ",,"], "--format", ["no format given"]),
    ("--max-days 0", ["--max-days", "0"], "--max-days", ["at least 1"]),
    ("--max-days negative", ["--max-days", "-1"], "--max-days", ["at least 1"]),
    ("--max-days text", ["--max-days", "ten"], "--max-days", ["invalid int value"]),
    ("--tiles javascript", ["--tiles", "javascript:alert(1)"], "--tiles", ["not an http(s) address"]),
    ("--tiles empty", ["--tiles", ""], "--tiles", ["not an http(s) address"]),
]
OUTS = [
    ("--out is a file", _out_at(_a_file, ["not a folder"])),
    ("--out under a regular file", _out_at(lambda w: _a_file(w) / "sub", ["is a file, not a folder"])),
    ("--out at a dangling link", _out_at(_dangling, ["symbolic link to nothing"])),
    ("--out under a dangling link", _out_at(lambda w: _dangling(w) / "sub", ["symbolic link to nothing"])),
    ("--out is the article", _out_at(lambda w: w.article, ["not a folder"])),
    ("--out is the gazetteer", _out_at(lambda w: w.gazetteer, ["not a folder"])),
    ("--out is the actors file", _out_at(lambda w: w.actors, ["not a folder"])),
    ("--out empty", lambda w: Bad("error: .: ", ("current folder",), out=Path(""))),
    ("--out a read-only parent", _read_only_parent),
]
CASES = [
    *(pytest.param(_article(make), id=f"article: {name}") for name, make in ARTICLES),
    *(pytest.param(_gazetteer(*c), id=f"gazetteer: {c[0]}") for c in GEOJSON + CSV + GAZETTEERS_NEW),
    pytest.param(_cp1252_csv, id="gazetteer: cp1252.csv"),
    pytest.param(_special("gazetteer", _fifo, ["not a regular file"]), id="gazetteer: named pipe"),
    pytest.param(_special("gazetteer", _mkdir, ["is a folder"]), id="gazetteer: a folder"),
    pytest.param(_special("gazetteer", lambda p: None, ["No such file"]), id="gazetteer: missing file"),
    pytest.param(_special("gazetteer", _nul, ["a NUL character in the name"]),
                 id="gazetteer: NUL in the name"),
    *(pytest.param(_actors(*c), id=f"actors: {c[0]}") for c in YAML + ACTORS_NEW),
    pytest.param(_billion_laughs, id="actors: billion laughs"),
    pytest.param(_special("actors", _fifo, ["not a regular file"]), id="actors: named pipe"),
    pytest.param(_special("actors", _mkdir, ["not a regular file"]), id="actors: a folder"),
    pytest.param(_special("actors", lambda p: None, ["No such file"]), id="actors: missing file"),
    pytest.param(_special("actors", _nul, ["a NUL character in the name"]), id="actors: NUL in the name"),
    *(pytest.param(_option(extra, named, needles), id=f"option: {name}")
      for name, extra, named, needles in OPTIONS),
    pytest.param(lambda w: Bad("(arguments)", ("no articles given",), articles=[]), id="option: no articles"),
    *(pytest.param(make, id=f"out: {name}") for name, make in OUTS),
    pytest.param(lambda w: Bad("o\\x00ut", ("NUL",), out=Path(str(w.d) + "/o\0ut")),
                 id="out: NUL in the name"),
]


def _argv(w: Work, bad: Bad, old: Path) -> list[str]:
    articles = [w.article] if bad.articles is None else bad.articles
    return ["build", *map(str, articles), "--gazetteer", str(bad.gazetteer or w.gazetteer),
            "--actors", str(bad.actors or w.actors), *bad.extra,
            "--out", str(old if bad.out is None else bad.out), "-q"]


def test_the_good_theatre_builds(tmp_path, capsys):
    """The theatre every case spoils builds as it is: a case fails for its one bad input."""
    t = _theatre(tmp_path)
    assert main(["build", str(t["article"]), "--gazetteer", str(t["gazetteer"]), "--actors", str(t["actors"]),
                 "--out", str(tmp_path / "out"), "-q", "--format", "csv"]) == 0
    assert capsys.readouterr().err == ""
    with open(tmp_path / "out" / "claims.csv", newline="", encoding="utf-8") as f:
        assert any(r["site"] == "bq" for r in csv.DictReader(f))


def test_the_battery_has_every_category():
    ids = [p.id for p in CASES]
    assert len(ids) == len(set(ids)) >= 60
    kinds = ("article", "gazetteer", "actors", "option", "out")
    counts = {c: sum(i.startswith(c + ":") for i in ids) for c in kinds}
    assert min(counts.values()) >= 8, counts


@pytest.mark.parametrize("make", CASES)
def test_bad_input_is_one_line_and_leaves_the_old_folder(make, tmp_path, demo, capsys, monkeypatch):
    monkeypatch.setenv(LIMIT_VARIABLE, "")  # the default limits; a case may set them, undone after
    monkeypatch.setenv(TOTAL_VARIABLE, "")
    monkeypatch.chdir(tmp_path)
    template, hashes = demo
    old = tmp_path / "old" / "out"
    shutil.copytree(template, old, symlinks=True)
    work = tmp_path / "in"
    work.mkdir()
    t = _theatre(work)
    w = Work(work, t["article"], t["gazetteer"], t["actors"], template)
    inputs = {p: p.read_bytes() for p in t.values()}
    bad = make(w)
    own = _hashes(bad.out) if bad.out and bad.out.is_dir() and not bad.out.is_symlink() else None
    try:
        capsys.readouterr()
        start = time.perf_counter()
        status = _run(_argv(w, bad, old))
        took = time.perf_counter() - start
        err = capsys.readouterr().err
        if bad.check:  # the same file through `gazetteer check`, which lists every problem
            assert _run(["gazetteer", "check", str(bad.gazetteer), "--no-world"]) == 2
            out, check_err = capsys.readouterr()
            said = out.splitlines() + check_err.splitlines()
            assert "Traceback" not in out + check_err
            named = [line for line in said if str(bad.gazetteer) in line]
            assert any(all(n in line for n in bad.needles) for line in named), said
        if own is not None:
            assert _hashes(bad.out) == own
    finally:
        if bad.undo:
            bad.undo()
        for p in [work, *work.rglob("*")]:  # give back what a case locked, so tmp_path can go
            if not p.is_symlink():
                p.chmod(0o755)
    _refused(status, err, str(bad.named), bad.needles)
    assert _hashes(old) == hashes
    assert os.listdir(old.parent) == ["out"]  # nothing half-written beside it
    assert {p: p.read_bytes() for p in inputs} == inputs
    assert took < 20, took  # refused early, not after minutes of work


# --- reading that succeeds, and what needs a real process

@pytest.fixture(scope="module")
def theatre(tmp_path_factory):
    """An invented city whose square the gazetteer also knows by its Arabic name."""
    d = tmp_path_factory.mktemp("theatre")
    _, actors = invented_theatre(d, [])
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [p[4], p[5]]},
              "properties": {"id": p[0], "name": p[1], "kind": p[2], "parent": p[3], "source": "invented",
                             **({"aliases": [AR_SQUARE]} if p[0] == "naim" else {})}}
             for p in PLACES]
    gaz = d / "g.geojson"
    gaz.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False), "utf-8")
    return gaz, actors


def _build(theatre, articles, out, fmt="csv,geojson"):
    gaz, actors = theatre
    return main(["build", *map(str, articles), "--gazetteer", str(gaz), "--actors", str(actors),
                 "--out", str(out), "--format", fmt, "-q"])


# --- encodings read right

@pytest.mark.parametrize("text,codec,recorded", [
    (ARABIC, "cp1256", "cp1256"),
    (FRENCH, "cp1252", "cp1252"),
    (RUSSIAN, "cp1251", "cp1251"),
    (FRENCH, "utf-8", "utf-8"),
    (ARABIC, "utf-8-sig", "utf-8-sig"),
    (RUSSIAN, "utf-16", "utf-16"),        # with its byte-order mark (little-endian here)
    (ARABIC, "utf-16-le", "utf-16-le"),   # without one: told by where the NUL bytes fall
    (FRENCH, "utf-32", "utf-32"),
    *((text, codec, codec) for codec, text in OTHERS.items()),
])
def test_reports_read_in_the_encoding_they_were_saved_in(tmp_path, text, codec, recorded):
    path = tmp_path / "r.txt"
    path.write_bytes((HEADER + text.replace("\n", "\r\n")).encode(codec))
    art = read_article(path)
    assert art.text == "\n" + text  # the body keeps the date line's line end
    assert art.encoding == recorded and art.warnings == ()


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_mark_in_a_script_with_few_nul_bytes(tmp_path, codec):
    path = tmp_path / "r.txt"
    path.write_bytes(ARABIC.encode(codec))  # only its spaces and full stop have a NUL byte
    read = read_text(path)
    assert read.text == ARABIC and read.encoding == codec


def test_big_endian_utf16_with_its_mark(tmp_path):
    path = tmp_path / "r.txt"
    path.write_bytes(b"\xfe\xff" + (HEADER + RUSSIAN).encode("utf-16-be"))
    assert read_article(path).text == "\n" + RUSSIAN


def test_a_stray_byte_in_utf8_is_one_replacement_and_a_warning_with_its_offset(tmp_path):
    head, tail = (HEADER + FRENCH).encode("utf-8"), b" Fin.\n"
    path = tmp_path / "r.txt"
    path.write_bytes(head + b"\x92" + tail)  # a Windows quote pasted into UTF-8 text
    art = read_article(path)
    assert art.encoding == "utf-8"
    assert art.text == "\n" + FRENCH + "\ufffd Fin.\n"  # the accents stay accents: no "Ã©"
    assert len(art.warnings) == 1
    assert str(path) in art.warnings[0] and f"byte offset {len(head)} " in art.warnings[0]


def test_several_stray_bytes_are_counted(tmp_path):
    path = tmp_path / "r.txt"
    path.write_bytes((HEADER + FRENCH).encode() + b"\xff x \xfe y \xc3\n")
    art = read_article(path)
    assert art.text.count("\ufffd") == 3
    assert "3 places" in art.warnings[0]


def test_the_size_limit_comes_from_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "r.txt"
    path.write_text(GOOD, "utf-8")
    size = path.stat().st_size
    monkeypatch.setenv(LIMIT_VARIABLE, str(size))
    assert read_text(path).text == GOOD
    monkeypatch.setenv(LIMIT_VARIABLE, str(size - 1))
    with pytest.raises(InputError, match="r.txt"):
        read_text(path)
    monkeypatch.setenv(LIMIT_VARIABLE, "1K")
    assert read_text(path).encoding == "utf-8"


def test_an_arabic_name_in_a_cp1256_report_finds_its_place(tmp_path, theatre):
    body = "VELMORA - The army captured " + AR_SQUARE + " from the insurgents on Tuesday.\n"
    (tmp_path / "a.txt").write_bytes((HEADER + body + ARABIC).encode("cp1256"))
    (tmp_path / "b.txt").write_text(GOOD, "utf-8")
    out = tmp_path / "out"
    assert _build(theatre, [tmp_path / "a.txt", tmp_path / "b.txt"], out, fmt="csv") == 0
    with open(out / "mentions.csv", newline="", encoding="utf-8") as f:
        found = [r for r in csv.DictReader(f) if r["article"] == "a.txt" and r["place"] == "naim"]
    assert found and found[0]["text"] == AR_SQUARE
    with open(out / "claims.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[-2:] == ["encoding", "id"]
    assert {r["article"]: r["encoding"] for r in rows} == {"a.txt": "cp1256", "b.txt": "utf-8"}


def test_hidden_files_in_a_folder_are_not_articles(tmp_path):
    from conflictmap.geo.pipeline import read_articles

    (tmp_path / "a.txt").write_text(GOOD, "utf-8")
    (tmp_path / "._a.txt").write_bytes(b"\x00\x05\x16\x07" + NOISE[:200])  # what a Mac copy leaves
    assert [a.name for a in read_articles([tmp_path])] == ["a.txt"]


# --- whatever the bytes, a documented answer

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=600),
                 st.builds(lambda t, c: (HEADER + t).encode(c, "replace"), st.text(max_size=200),
                           st.sampled_from(["utf-8", "utf-16", "cp1252", "cp1256", "cp1251"]))))
def test_any_bytes_give_an_article_or_an_input_error(tmp_path, raw):
    path = tmp_path / "x.txt"
    path.write_bytes(raw)
    try:
        art = read_article(path)
    except (InputError, NoDateError) as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(path))
        return
    assert art.text.strip() and "\x00" not in art.text and "\r" not in art.text
    art.text.encode("utf-8")  # no lone surrogates for the writers to choke on


# Text without control characters or line separators, as a desk would type it.
TYPED = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=200)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TYPED.filter(lambda t: t.strip()), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_unicode_text_comes_back_as_written(tmp_path, text, codec):
    path = tmp_path / "x.txt"
    path.write_bytes((HEADER + "\n" + text).encode(codec))
    art = read_article(path)
    assert art.text.lstrip("\n") == text.lstrip("\n") and art.encoding == codec


@pytest.mark.parametrize("make", [pytest.param(_unreadable_folder, id="unreadable folder"),
                                  pytest.param(_unreadable_file, id="unreadable file"),
                                  pytest.param(_unsearchable_folder, id="folder without search right")])
def test_what_cannot_be_read_is_said_with_its_reason(make, tmp_path, theatre, demo):
    template, hashes = demo
    out = tmp_path / "out"
    shutil.copytree(template, out, symlinks=True)
    work = tmp_path / "in"
    work.mkdir()
    args, named = make(work)
    gaz, actors = theatre
    try:
        run = subprocess.run([*_unprivileged(), sys.executable, "-m", "conflictmap", "build", *map(str, args),
                              "--gazetteer", str(gaz), "--actors", str(actors), "--out", str(out)],
                             capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    finally:
        for p in [work, *work.iterdir()]:
            p.chmod(0o755)
    err = run.stderr.decode("utf-8")
    _refused(run.returncode, err, named, ["permission denied"])
    assert "no .txt" not in err, err
    assert _hashes(out) == hashes


@pytest.mark.parametrize("make", [pytest.param(_bad_name, id="file name not UTF-8"),
                                  pytest.param(_in_folder("pipe.txt", _fifo), id="named pipe in folder")])
def test_the_command_says_one_line_in_a_real_process(make, tmp_path, theatre):
    work = tmp_path / "in"
    work.mkdir()
    args, named = make(work)
    gaz, actors = theatre
    run = subprocess.run([sys.executable, "-m", "conflictmap", "build", *map(str, args),
                          "--gazetteer", str(gaz), "--actors", str(actors), "--out", str(tmp_path / "out")],
                         capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    err = run.stderr.decode("utf-8")
    _refused(run.returncode, err, named)
    assert not (tmp_path / "out").exists()


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
