"""Script injection through every field of every input file, tried in the system Chromium.

Each payload goes into every field a build reads: the gazetteer's ``id``,
``name``, ``aliases``, ``kind``, ``source`` and ``parent``; the actors'
``id``, ``name`` and ``aliases``; an article's sentences, its ``title:`` and
``source:`` header lines and its ``url:`` (a web address carrying the
payload in its query), and the article's file name. One build holds every
payload in every field (field ``f`` of site or actor ``i`` carries payload
``i + f``). The page is then opened with every popup, the site list, the
hover names and each day's list of changes shown, and must run none of it,
fetch nothing, break none of its Content-Security-Policy, and show each
payload as text. Fields an input file checks (an actor's colour, an
article's url) must refuse a payload with one line naming the file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import chromium
import pytest
import yaml

from conflictmap.geo.cli import main

pytestmark = pytest.mark.browser

LONG = "<img src=x onerror=alert('long')>" * 8  # a long name, under the gazetteer's 300 characters
PAYLOADS = [
    "<img src=x onerror=alert('img')>",
    "<svg onload=alert('svg')>",
    "\"><script>alert('script')</script>",
    "'><iframe src=javascript:alert('iframe')></iframe>",
    "javascript:alert('js-url')",
    "</title><script>alert('title')</script>",
    "{{ 7 * 191 }}{% if 1 %}jinja{% endif %}{# hidden #}",
    "red;background:url(http://evil.example/css)",
    "line\u2028and\u2029paragraph separators",
    "</script><script>alert('json')</script><!--",
    "\\u003cb\\u003e &amp; &lt;b&gt; &#x3c;i&#x3e;",
    "constructor",
    "__proto__",
    LONG,
]
#: The end of the city's name, long once escaped: the page's title must not push its charset back.
CITY_TAIL = "'<>" * 80
#: Plain words the article names sites and actors by; each carries one payload in its fields.
PLACES = ["Kastani", "Dorrel", "Mirath", "Sovena", "Talvik", "Orrin", "Beskel", "Hadran", "Ulmet",
          "Pervaz", "Quenby", "Rastok", "Zelmar", "Ivrane"]
FORCES = ["Falcons", "Wolves", "Herons", "Lynxes", "Otters", "Ravens", "Badgers", "Vipers", "Stags",
          "Foxes", "Hawks", "Bears", "Cranes", "Ibexes"]
# What a payload may leave in the page if it ran or was parsed as markup.
_INJECTED = """() => {
  const withOn = [...document.querySelectorAll('*')].filter(
    e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on')));
  const hrefs = [...document.querySelectorAll('[href], [src], [action], [formaction]')].map(
    e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || '').filter(
    h => !/^(https?:\\/\\/|#)/i.test(h));
  return {on: withOn.map(e => e.tagName), links: hrefs,
          elements: document.querySelectorAll('img, iframe, object, embed, frame, base, form, svg script')
            .length,
          scripts: document.scripts.length, styles: document.querySelectorAll('style, link').length};
}"""
_CSP_LISTENER = ("window.__csp = []; document.addEventListener('securitypolicyviolation',"
                 " e => window.__csp.push([e.violatedDirective, e.blockedURI, e.sample]));")


def payload(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


def _id(i: int, at_most: int = 300) -> str:
    # Ids are the payloads themselves where they are unique, a suffix keeping them apart
    # (and no longer than an id may be: 300 characters for a place, 64 for an actor).
    return payload(i)[:at_most] if i < len(PAYLOADS) else f"{payload(i)[:at_most - 4]}#{i}"


def _file_name(i: int) -> str:
    # A file name cannot hold "/" (or NUL); everything else of the payload stays.
    return f"{i:02d} {payload(i).replace('/', '')[:120]}.txt"


def _write_inputs(folder: Path) -> list[Path]:
    """Write the hostile gazetteer, actors and articles; return the articles."""
    n = len(PLACES)
    city_id = f"city {payload(3)}"
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [30.0, 40.0]},
              "properties": {"id": city_id, "name": f"Velmora {payload(5)} {CITY_TAIL}",
                             "aliases": ["Velmora"], "kind": "city", "source": payload(6)}}]
    for i, word in enumerate(PLACES):
        feats.append({"type": "Feature",
                      "geometry": {"type": "Point", "coordinates": [30.0 + (i % 4 - 1.5) * 0.004,
                                                                    40.0 + (i // 4 - 1.5) * 0.004]},
                      "properties": {"id": _id(i), "name": payload(i + 1), "aliases": [word, payload(i + 2)],
                                     # Two thirds are quarters (areas), the others a payload kind.
                                     "kind": payload(i + 3).lower() if i % 3 == 2 else "neighbourhood",
                                     "source": payload(i + 4), "parent": city_id}})
    (folder / "g.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    actors = [{"id": _id(i + 5, 64), "name": payload(i + 6), "colour": f"#{(i * 0x1F3A5B) % 0xFFFFFF:06X}",
               "aliases": [word, f"{word.lower()} {payload(i + 7)}"],
               "enemies": [_id((i + 1) % n + 5, 64)]} for i, word in enumerate(FORCES)]
    (folder / "a.yaml").write_text(yaml.safe_dump({"actors": actors}, allow_unicode=True))
    arts = []
    for i, (place, force) in enumerate(zip(PLACES, FORCES, strict=True)):
        day = 16 + i % 3
        header = f" date 2017-10-{day}\n"
        if i % 2:  # cited by its header; the others by their file name
            header += (f"title: {payload(i + 8)} {'T' * 300 if i == 1 else ''}\nsource: {payload(i + 9)}\n"
                       f"url: https://example.org/{i}?q={_in_url(payload(i + 10))}\n")
        body = (f"The {force} captured {place}, where residents wrote {payload(i + 11)} on the walls. "
                f"{'Witnesses repeated it. ' * (200 if i == 0 else 1)}\n")
        art = folder / _file_name(i)
        art.write_text(header + body, encoding="utf-8")
        arts.append(art)
    return arts


def _in_url(text: str) -> str:
    # A web address cannot hold spaces, quotes or angle brackets: those are escaped, the rest kept.
    return quote(text, safe="{}()=:;&*%#[]!$,+@~")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xss")
    arts = _write_inputs(folder)
    out = folder / "out"
    code = main(["build", *map(str, arts), "--gazetteer", str(folder / "g.geojson"),
                 "--actors", str(folder / "a.yaml"), "--out", str(out), "-q"])
    assert code == 0
    return out


def _features(out: Path) -> list[dict]:
    return [f["properties"] for f in json.loads((out / "control.geojson").read_text())["features"]]


def test_the_page_is_written_with_its_policy_first(hostile):
    html = (hostile / "index.html").read_text(encoding="utf-8")
    head = html.split("<head>", 1)[1].lstrip()
    assert head.startswith('<meta http-equiv="Content-Security-Policy"')
    policy = re.match(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', head).group(1)
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'" and directives["img-src"] == "data:"
    assert "unsafe" not in directives["script-src"] + directives["style-src"]
    assert {"base-uri", "form-action", "object-src"} <= set(directives)
    # The page's text holds the payloads only escaped: no tag of theirs closes or opens anything.
    assert html.count("<title>") == 1 and html.count("</title>") == 1
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "&lt;/title&gt;&lt;script&gt;" in title
    assert "1337" not in html  # no "{{ 7 * 191 }}" was run as a template
    assert len(re.findall(r"<script\b", html)) == 4  # Leaflet, folium's flags, the data, the map
    # The charset is declared where a browser looks for it, however long the title.
    assert html.encode().index(b"charset=UTF-8") < 1024 < len(title.encode())
    # Each hash is that of an inline element, read back by the standard library's parser.
    assert sorted(directives["script-src"].split()) == sorted(_hashes(html, "script"))
    assert sorted(directives["style-src"].split()) == sorted(_hashes(html, "style"))


def _hashes(html: str, tag: str) -> set[str]:
    class Inline(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=False)
            self.texts: list[str] = []
            self.inside = False

        def handle_starttag(self, name, attrs):
            self.inside = name == tag and dict(attrs).get("type") != "application/json"
            if self.inside:
                self.texts.append("")

        def handle_data(self, data):
            if self.inside:
                self.texts[-1] += data

        def handle_endtag(self, name):
            self.inside = False

    parser = Inline()
    parser.feed(html)
    return {"'sha256-" + base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() + "'"
            for t in parser.texts}


_POPUP = """id => {
  const p = [...document.querySelectorAll('.cm-popup')].find(p => p.dataset.site === id);
  if (!p) { return null; }
  const all = sel => [...p.querySelectorAll(sel)].map(e => e.textContent);
  return {name: p.querySelector('h3').textContent, subs: all('.cm-sub'), sentences: all('.cm-sentence'),
          cites: all('.cm-cite'),
          links: [...p.querySelectorAll('a')].map(a => [a.getAttribute('href'), a.textContent])};
}"""


def _open(browser, path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(_CSP_LISTENER)
    errors, remote = chromium.guard(page)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_function("window.conflictmap && window.conflictmap.ready")
    return page, errors, remote, dialogs


def test_no_payload_runs_in_any_part_of_the_page(browser, hostile):
    feats = _features(hostile)
    page, errors, remote, dialogs = _open(browser, hostile / "index.html")
    before = page.evaluate(_INJECTED)
    data = page.evaluate("window.conflictmap.data")
    sites = {s["id"]: s for s in data["sites"]}
    names = {p["site"]: p["name"] for p in feats}
    assert set(sites) == set(names) and {_id(i) for i in range(len(PLACES))} <= set(sites)
    assert {payload(i + 1) for i in range(len(PLACES))} <= set(names.values())
    # Every site's popup on the last day, from the site list: name, kind, source, evidence, citation, link.
    page.locator("#cm-day").fill(str(len(data["days"]) - 1))
    popups = {}
    for sid in sites:
        page.evaluate("id => [...document.querySelectorAll('#cm-sites tbody tr')]"
                      ".find(r => r.dataset.site === id).querySelector('button').click()", sid)
        popups[sid] = page.wait_for_function(_POPUP, sid)
    for sid, pop in popups.items():
        assert pop["name"] == names[sid] == sites[sid]["name"]
        assert any(sub.startswith(sites[sid]["kind"] + " · ") for sub in pop["subs"])
        assert any(f"({sites[sid]['source']})" in sub for sub in pop["subs"])
    sentences = {t for pop in popups.values() for t in pop["sentences"]}
    assert {row[2] for row in data["evidence"]} <= sentences
    written = {p for p in PAYLOADS if any(p in t for t in sentences)}
    assert {payload(0), payload(1), payload(2), payload(6), payload(9)} <= written, written
    cites = " ".join(c for pop in popups.values() for c in pop["cites"])
    assert all(src[0] in cites for src in data["sources"])
    assert sum(src[0] == _file_name(i) for src in data["sources"] for i in range(0, len(PLACES), 2)) >= 4
    links = {href: text for pop in popups.values() for href, text in pop["links"]}
    assert links == {src[1]: src[0] for src in data["sources"] if src[1]} and len(links) >= 4
    assert all(h.startswith("https://example.org/") for h in links)
    assert sum(payload(i + 8) in text for i in range(1, len(PLACES), 2) for text in links.values()) >= 3
    # Every day's list of changes, each entry clicked (its popup opens).
    changed = 0
    for i in range(len(data["days"])):
        page.locator("#cm-day").fill(str(i))
        entries = page.eval_on_selector_all("#cm-changes button",
                                            "bs => bs.map(b => [b.dataset.site, b.textContent])")
        for k, (sid, text) in enumerate(entries):
            assert text.startswith(names[sid] + ": ")
            page.locator("#cm-changes button").nth(k).click()
            assert page.wait_for_function(_POPUP, sid)["name"] == names[sid]
            changed += 1
    assert changed
    # The hover names of quiet sites, every permanent label, the legend and the title.
    page.evaluate("() => Object.keys(window.conflictmap.layers).forEach(id => {"
                  " const l = window.conflictmap.layers[id]; if (l.getTooltip()) { l.openTooltip(); } })")
    labels = page.eval_on_selector_all(".cm-label span[data-site]",
                                       "es => es.map(e => [e.dataset.site, e.textContent])")
    assert labels and all(text == names[sid] for sid, text in labels)
    legend = page.text_content("#cm-legend")
    for i in range(len(FORCES)):
        assert f"{payload(i + 6)} ({_id(i + 5, 64)})" in legend
    assert f"Velmora {payload(5)} {CITY_TAIL}" in page.title()
    assert page.text_content("#cm-credit") == data["credit"] and payload(2) in data["credit"]
    page.wait_for_timeout(300)
    after = page.evaluate(_INJECTED)
    assert after["on"] == [] and after["links"] == [] and after["elements"] == 0, after
    assert after["scripts"] == before["scripts"] == 4 and after["styles"] == before["styles"]
    assert page.evaluate("window.__csp") == []
    assert dialogs == [] and errors == [] and remote == []
    page.close()


def _refused(capsys, tmp_path, args, culprit, words):
    """Run a build that must fail: exit 2, one line naming the file and the problem, the output untouched."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    (out / "index.html").write_text("an earlier build")
    capsys.readouterr()
    assert main(["build", *args, "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert str(culprit) in err and all(w in err for w in words), err
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]
    assert (out / "index.html").read_text() == "an earlier build"


@pytest.mark.parametrize("colour", ["red;background:url(http://evil.example/css)", "#12345\" onload=\"x",
                                    "expression(alert(1))", "url(javascript:alert(1))"])
def test_an_actor_colour_must_be_a_colour(capsys, tmp_path, colour):
    arts = _write_inputs(tmp_path)
    doc = yaml.safe_load((tmp_path / "a.yaml").read_text())
    doc["actors"][3]["colour"] = colour
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(doc))
    _refused(capsys, tmp_path, [str(arts[0]), "--gazetteer", str(tmp_path / "g.geojson"),
                                "--actors", str(tmp_path / "a.yaml")], tmp_path / "a.yaml", ["colour"])


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                 'https://example.org/"><script>alert(1)</script>', "//evil.example/x",
                                 "file:///etc/passwd", "vbscript:msgbox(1)"])
def test_an_article_url_must_be_a_web_address(capsys, tmp_path, url):
    arts = _write_inputs(tmp_path)
    arts[1].write_text(f" date 2017-10-17\nurl: {url}\nThe Wolves captured Dorrel.\n", encoding="utf-8")
    _refused(capsys, tmp_path, [*map(str, arts[:3]), "--gazetteer", str(tmp_path / "g.geojson"),
                                "--actors", str(tmp_path / "a.yaml")], arts[1], ["url"])


def test_a_gazetteer_name_of_a_megabyte_is_refused(capsys, tmp_path):
    arts = _write_inputs(tmp_path)
    doc = json.loads((tmp_path / "g.geojson").read_text())
    doc["features"][2]["properties"]["name"] = payload(0) * 40000
    (tmp_path / "g.geojson").write_text(json.dumps(doc))
    _refused(capsys, tmp_path, [str(arts[0]), "--gazetteer", str(tmp_path / "g.geojson"),
                                "--actors", str(tmp_path / "a.yaml")], tmp_path / "g.geojson", ["feature 3"])


def _small_map(path: Path, tiles: str | None) -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    from conflictmap.maps import write_map

    sites = gpd.GeoDataFrame({"site": ["a"], "name": [payload(0)], "kind": ["square"], "precision": ["exact"],
                              "source": [payload(6)]}, geometry=[Point(10, 50)], crs="EPSG:4326")
    intervals = gpd.GeoDataFrame({"site": ["a"], "name": [payload(0)], "controller": ["A"],
                                  "start": ["2020-01-01"], "end": [""], "inferred": [False],
                                  "evidence": [[]]},
                                 geometry=sites.geometry.values, crs="EPSG:4326")
    write_map(path, sites, intervals, {"A": {"name": payload(1), "colour": "#0072B2"}},
              days=["2020-01-01", "2020-01-02"], tiles=tiles)


def test_tiles_are_let_in_only_from_their_host(browser, tmp_path):
    _small_map(tmp_path / "plain.html", None)
    # What follows the host, however it reads, names no source of the policy.
    _small_map(tmp_path / "tiles.html", "https://{s}.tiles.example.org:8443/{z}/{x}/{y}.png?k=1;script-src *")
    _small_map(tmp_path / "again.html", None)
    # The hashes are of the page's own text: the same input, the same bytes.
    assert (tmp_path / "again.html").read_bytes() == (tmp_path / "plain.html").read_bytes()
    plain = (tmp_path / "plain.html").read_text()
    tiles = (tmp_path / "tiles.html").read_text()
    assert "connect-src" not in plain and "example.org" not in plain.split("</head>")[0]
    policy = re.search(r'Content-Security-Policy" content="([^"]*)"', tiles).group(1)
    assert "img-src data: https://*.tiles.example.org:8443;" in policy
    assert "connect-src https://*.tiles.example.org:8443;" in policy
    assert policy.count("script-src") == 1 and "*" not in policy.split("script-src", 1)[1].split(";")[0]
    page, errors, remote, dialogs = _open(browser, tmp_path / "tiles.html")
    page.wait_for_timeout(300)
    # The tiles are asked for (and aborted by the guard), nothing else, and the policy lets them through.
    assert remote and all(re.match(r"https://[abc]\.tiles\.example\.org:8443/", u) for u in remote)
    assert page.evaluate("window.__csp") == [] and dialogs == []
    page.close()


@pytest.mark.parametrize("url", ["https://evil.example';script-src 'unsafe-inline'/{z}/{x}/{y}.png",
                                 "https://evil.example;script-src */{z}.png", "javascript:alert(1)//{z}",
                                 "https://{{ 7 * 191 }}.example/{z}/{x}/{y}.png", "https://user@evil.example/{z}"])
def test_a_tiles_url_that_would_widen_the_policy_is_refused(tmp_path, url):
    with pytest.raises(ValueError, match="tiles URL"):
        _small_map(tmp_path / "m.html", url)
    assert not (tmp_path / "m.html").exists()
