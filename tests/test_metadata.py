"""Articles with their outlet, title and URL; sources cited as a reader expects; events in ACLED's terms.

The theatre is invented: a country, a province, a district, a city and its
quarters, an army (a state force) and insurgents (a non-state group), and
reports written for these tests in the style of wire copy.
"""

import datetime as dt
import json

import pandas as pd
import pytest

from conflictmap.gazetteer.world import world_places
from conflictmap.geo.articles import Article, read_article
from conflictmap.geo.cli import main
from conflictmap.geo.errors import InputError
from conflictmap.geo.pipeline import build, read_articles
from conflictmap.maps.feeds import acled_type
from conflictmap.maps.schema import CLAIM_COLUMNS, EVENT_COLUMNS

PLACES = [  # id, name, kind, parent, lon, lat
    ("fr", "Freland", "country", None, 31.0, 41.0),
    ("fr-nor", "Norvale Province", "province", "fr", 31.0, 41.0),
    ("fr-kesh", "Kesh District", "district", "fr-nor", 31.0, 41.0),
    ("tarv", "Tarvel", "city", "fr-kesh", 31.0, 41.0),
    ("tarv-ostran", "Ostran", "neighbourhood", "tarv", 31.0, 41.01),
    ("tarv-belmir", "Belmir", "neighbourhood", "tarv", 31.0, 40.99),
    ("tarv-corrin", "Corrin", "neighbourhood", "tarv", 31.01, 41.0),
    ("tarv-bridge", "Stone Bridge", "bridge", "tarv", 30.99, 41.0),
]
ACTORS = """actors:
  - {id: GOV, name: Army, colour: '#0072B2', enemies: [INS], kind: state,
     aliases: [army, troops, government forces, soldiers]}
  - {id: INS, name: Insurgents, colour: '#D55E00', enemies: [GOV], kind: non-state,
     aliases: [insurgents, rebels]}
"""
TITLE = "Army retakes Ostran </script><b>as insurgents fall back</b>"
URL = "https://news.example.org/2021/03/10/ostran"
WIRE = f""" date 2021-03-10
source: Northern Wire
title: {TITLE}
url: {URL}
author: A. Correspondent

TARVEL, March 10 (Northern Wire) - Government forces captured Ostran on Tuesday, the defence ministry said.
Insurgents seized Belmir on Monday after a night of heavy fighting.
Street fighting raged in Corrin on Tuesday.
"""
# No outlet, no title: cited by its file name.
BARE = " date 2021-03-11\nRebels pulled out of Belmir on Wednesday, residents said.\n"


def _gazetteer(path, places):
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [p[4], p[5]]},
              "properties": {"id": p[0], "name": p[1], "kind": p[2], "parent": p[3], "source": "invented"}}
             for p in places]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


@pytest.fixture(scope="module")
def theatre(tmp_path_factory):
    d = tmp_path_factory.mktemp("tarvel")
    (d / "arts").mkdir()
    (d / "arts" / "wire.txt").write_text(WIRE)
    (d / "arts" / "bare.txt").write_text(BARE)
    (d / "actors.yaml").write_text(ACTORS)
    return d, _gazetteer(d / "g.geojson", PLACES), d / "actors.yaml"


@pytest.fixture(scope="module")
def built(theatre):
    d, gaz, actors = theatre
    out = d / "out"
    build([d / "arts"], gazetteer=[gaz], actors=actors, out_dir=out, formats="html,geojson,csv")
    claims = pd.read_csv(out / "claims.csv", keep_default_na=False)
    events = pd.read_csv(out / "events.csv", keep_default_na=False)
    return out, claims, events


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- header lines ---------------------------------------------------------------------------

def test_header_lines_are_metadata_not_text(tmp_path):
    art = read_article(_write(tmp_path, "w.txt", WIRE))
    assert (art.outlet, art.title, art.url, art.author) == ("Northern Wire", TITLE, URL, "A. Correspondent")
    assert art.published == dt.date(2021, 3, 10) and art.date_source == "header"
    assert art.text.lstrip().startswith("TARVEL, March 10")
    assert "Northern Wire\n" not in art.text and URL not in art.text


@pytest.mark.parametrize("raw,outlet,title,first", [
    # Keys in any order and case, outlet: as source:, the date line among them.
    ("Outlet: Kesh Radio\nTITLE: Calm in Corrin\n date 2021-03-10\nCorrin was calm.",
     "Kesh Radio", "Calm in Corrin", "Corrin was calm."),
    # Text after the date on its line starts the body; no header key after it is read.
    (" date 2021-03-10 Source: the army said Corrin was calm.", "", "", "Source: the army said"),
    # A first sentence with a colon is not a header line.
    (" date 2021-03-10\nUpdate: troops entered Corrin.", "", "", "Update: troops entered Corrin."),
    # The block ends at its first blank line.
    ("source: Kesh Radio\n\ntitle: not a header\nCorrin was calm.", "Kesh Radio", "", "title: not a header"),
])
def test_header_block_forms(tmp_path, raw, outlet, title, first):
    art = read_article(_write(tmp_path, "a.txt", raw), dt.date(2021, 3, 10))
    assert (art.outlet, art.title) == (outlet, title)
    assert art.text.strip().startswith(first)


def test_old_date_line_keeps_its_body_unchanged(tmp_path):
    raw = " date 2021-03-10\nSoldiers stormed Corrin.\n"
    assert read_article(_write(tmp_path, "a.txt", raw)).text == raw[len(" date 2021-03-10"):]


@pytest.mark.parametrize("raw,needle", [
    (" date 2021-03-10\nurl: javascript:alert(1)\nText.", "not a web address"),
    (" date 2021-03-10\nsource: A\noutlet: B\nText.", "given twice"),
])
def test_bad_header_lines_are_errors(tmp_path, raw, needle):
    with pytest.raises(InputError, match=needle) as err:
        read_article(_write(tmp_path, "bad.txt", raw))
    assert "bad.txt" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("outlet,title,cite", [
    ("AP", "Forces take the hospital", "AP, 17 Oct 2017: Forces take the hospital"),
    ("AP", "", "AP, 17 Oct 2017"),
    ("", "Forces take the hospital", "17 Oct 2017: Forces take the hospital"),
    ("", "", "001_report.txt"),
])
def test_cite(outlet, title, cite):
    art = Article("x/001_report.txt", "001_report.txt", "Text.", dt.date(2017, 10, 17), "header",
                  outlet=outlet, title=title)
    assert art.cite == cite


# --- the sidecar table ----------------------------------------------------------------------

def test_sidecar_fills_what_the_file_lacks(tmp_path):
    _write(tmp_path, "s1.txt", "Troops seized the Stone Bridge on Thursday.\n")
    _write(tmp_path, "s2.txt", " date 2021-03-13\nsource: Own Desk\nRebels held Corrin.\n")
    _write(tmp_path, "articles.csv",
           "file,date,source,title,url,desk\n"
           's1.txt,2021-03-12,Kesh Radio,"Troops hold the bridge, commander says",https://radio.example.net/b,x\n'
           "s2.txt,2021-03-01,Kesh Radio,Rebels in Corrin,,y\n")
    arts = {a.name: a for a in read_articles([tmp_path])}
    s1, s2 = arts["s1.txt"], arts["s2.txt"]
    assert (s1.published, s1.date_source) == (dt.date(2021, 3, 12), "sidecar")
    assert (s1.outlet, s1.title, s1.url) == ("Kesh Radio", "Troops hold the bridge, commander says",
                                             "https://radio.example.net/b")
    # The file's own header lines win, field by field; the table gives what they lack.
    assert (s2.published, s2.date_source, s2.outlet, s2.title) == (
        dt.date(2021, 3, 13), "header", "Own Desk", "Rebels in Corrin")
    # --date wins over both.
    again = {a.name: a for a in read_articles([tmp_path], {"s2.txt": dt.date(2021, 3, 20)})}
    assert (again["s2.txt"].published, again["s2.txt"].date_source) == (dt.date(2021, 3, 20), "option")


@pytest.mark.parametrize("table,line,needle", [
    ("name,date\ns1.txt,2021-03-12\n", 1, "no 'file' column"),
    ("file,date\ns1.txt,12/03/2021\n", 2, "bad date"),
    ("file,source\ns1.txt,Kesh Radio\nmissing.txt,Kesh Radio\n", 3, "'missing.txt' is not an article"),
    ("file,title\ns1.txt,Troops hold the bridge, commander says\n", 2, "more cells than columns"),
    ("file,url\ns1.txt,file:///etc/passwd\n", 2, "not a web address"),
])
def test_bad_sidecar_is_one_line_exit_2(tmp_path, capsys, table, line, needle):
    _write(tmp_path, "s1.txt", " date 2021-03-12\nTroops seized the Stone Bridge.\n")
    sidecar = _write(tmp_path, "metadata.csv", table)
    assert main(["build", str(tmp_path), "--out", str(tmp_path / "out"), "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(sidecar) in err[0] and f"line {line}" in err[0] and needle in err[0], err
    assert not (tmp_path / "out").exists()


def test_two_sidecars_are_an_error(tmp_path):
    _write(tmp_path, "s1.txt", " date 2021-03-12\nText.\n")
    _write(tmp_path, "articles.csv", "file\ns1.txt\n")
    _write(tmp_path, "metadata.csv", "file\ns1.txt\n")
    with pytest.raises(InputError, match="keep one"):
        read_articles([tmp_path])


# --- what the outputs cite ------------------------------------------------------------------

def test_popup_evidence_cites_the_article(built):
    out, _, _ = built
    evidence = [e for path in sorted((out / "days").glob("*.geojson"))
                for f in json.loads(path.read_text())["features"] for e in f["properties"]["evidence"]]
    by_article = {e["article"]: e for e in evidence}
    assert set(by_article) == {"wire.txt", "bare.txt"}
    wire, bare = by_article["wire.txt"], by_article["bare.txt"]
    assert {"article", "date", "sentence", "type", "actor"} <= set(wire)
    assert (wire["source"], wire["title"], wire["url"]) == ("Northern Wire", TITLE, URL)
    assert wire["cite"] == f"Northern Wire, 10 Mar 2021: {TITLE}"
    assert (bare["source"], bare["title"], bare["url"], bare["cite"]) == ("", "", "", "bare.txt")


def test_article_text_reaches_the_map_escaped(built):
    out, _, _ = built
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "</script><b>" not in html and "<b>as insurgents" not in html


def test_claims_csv_appends_its_citation_columns(built):
    _, claims, _ = built
    cols = list(claims.columns)
    assert cols[:len(CLAIM_COLUMNS)] == list(CLAIM_COLUMNS)
    assert cols[-6:] == ["outlet", "title", "url", "cite", "encoding", "id"]
    wire = claims[claims["article"] == "wire.txt"]
    assert len(wire) and (wire["outlet"] == "Northern Wire").all() and (wire["url"] == URL).all()
    assert (claims.loc[claims["article"] == "bare.txt", "cite"] == "bare.txt").all()


def _event(events, site, claim_type):
    rows = events[(events["site"] == site) & (events["claim_type"] == claim_type)]
    assert len(rows) == 1, (site, claim_type, events[["site", "claim_type"]].values.tolist())
    return rows.iloc[0]


@pytest.mark.parametrize("site,claim_type,types,actors", [
    # "Government forces captured Ostran": a state force takes it.
    ("tarv-ostran", "capture", ("Battles", "Government regains territory"), ("GOV", "")),
    # "Insurgents seized Belmir": a non-state group takes it.
    ("tarv-belmir", "capture", ("Battles", "Non-state actor overtakes territory"), ("INS", "")),
    # "Street fighting raged in Corrin": fighting, no side named.
    ("tarv-corrin", "contested", ("Battles", "Armed clash"), ("", "")),
    # "Rebels pulled out of Belmir": a withdrawal; actor1 is the side it passes to.
    ("tarv-belmir", "loss", ("Strategic developments", "Non-violent transfer of territory"), ("GOV", "INS")),
])
def test_events_in_acled_types(built, site, claim_type, types, actors):
    _, _, events = built
    row = _event(events, site, claim_type)
    assert (row["event_type"], row["sub_event_type"]) == types
    assert (row["actor1"], row["actor2"]) == actors


def test_events_geography_and_source(built):
    _, _, events = built
    assert tuple(events.columns) == EVENT_COLUMNS
    # Every claimed site is a quarter of Tarvel: the areas above the city, widest first.
    assert set(map(tuple, events[["country", "admin1", "admin2", "admin3"]].values)) == {
        ("Freland", "Norvale Province", "Kesh District", "")}
    wire = _event(events, "tarv-ostran", "capture")
    assert (wire["source"], wire["source_url"]) == ("Northern Wire", URL)
    bare = _event(events, "tarv-belmir", "loss")
    assert (bare["source"], bare["source_url"]) == ("bare.txt", "")


@pytest.mark.parametrize("lon,lat", [("near", None), (-20.0, -30.0)])
def test_country_from_the_world_layer(tmp_path, lon, lat):
    expected = ""
    if lon == "near":  # 2 km from a large city of the world layer
        city = next(r for r in world_places() if r["kind"] == "city" and r["name"] == "Lyon")
        lon, lat = city["geometry"].x + 0.02, city["geometry"].y
        expected = next(r["name"] for r in world_places() if r["id"] == city["parent"])
    places = [("zar", "Zarvik", "city", None, lon, lat), ("zar-q", "Quellin", "neighbourhood", "zar",
                                                          lon, lat + 0.005)]
    gaz = _gazetteer(tmp_path / "g.geojson", places)
    (tmp_path / "a.yaml").write_text(ACTORS)
    _write(tmp_path, "z.txt", " date 2021-03-10\nSoldiers stormed Quellin on Tuesday.\n")
    build([tmp_path / "z.txt"], gazetteer=[gaz], actors=tmp_path / "a.yaml", out_dir=tmp_path / "out",
          formats="csv")
    events = pd.read_csv(tmp_path / "out" / "events.csv", keep_default_na=False)
    assert len(events) and (events["country"] == expected).all()
    assert (events["admin1"] == "").all()


@pytest.mark.parametrize("args,types", [
    (("capture", "unknown"), ("Battles", "")),  # the actors file does not say what the taker is
    (("full_control", "state"), ("Battles", "Government regains territory")),
    (("loss", "non-state", False), ("Battles", "Non-state actor overtakes territory")),
    (("hold", "state", False, "inside"), ("Battles", "Armed clash")),
    (("presence", "non-state", False, "none"), ("Strategic developments", "Other")),
    (("siege", ""), ("Battles", "Armed clash")),
])
def test_acled_type(args, types):
    assert acled_type(*args) == types
