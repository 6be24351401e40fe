"""The HTML map in a real browser (the system Chromium, never a downloaded one)."""

import json

import chromium
import pytest

from conflictmap.geo.pipeline import build

pytestmark = pytest.mark.browser


def _open(browser, path, **context):
    page = browser.new_page(**context)
    errors, remote = chromium.guard(page)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_function("window.conflictmap && window.conflictmap.ready")
    return page, errors, remote, dialogs


def _state(page, site):
    return page.get_attribute(f'#cm-sites tr[data-site="{site}"]', "data-controller")


def test_slider_shows_each_day(browser, seed_build):
    _, out = seed_build
    page, errors, remote, _ = _open(browser, out / "index.html")
    slider = page.locator("#cm-day")
    days = page.evaluate("window.conflictmap.data.days")
    assert days == ["2017-10-14", "2017-10-15", "2017-10-16", "2017-10-17"]
    slider.fill(str(days.index("2017-10-16")))
    assert page.get_attribute("#cm-panel", "data-date") == "2017-10-16"
    assert _state(page, "raqqa-national-hospital") == "IS"
    assert _state(page, "raqqa-al-barid") == "SDF"
    slider.fill("0")
    assert _state(page, "raqqa-al-barid") == "IS"
    assert page.get_attribute('#cm-sites tr[data-site="raqqa-al-barid"]', "data-inferred") == "true"
    # The popup shows the evidence sentence.
    slider.fill("3")
    page.click('#cm-sites tr[data-site="raqqa-national-hospital"] td')
    popup = page.locator(".cm-popup")
    assert "captured the hospital" in popup.inner_text()
    assert errors == [] and remote == []
    page.close()


def test_article_text_cannot_run(browser, tmp_path):
    art = tmp_path / "evil.txt"
    art.write_text(' date 2017-10-17\nThe SDF captured the hospital <script>alert(1)</script> '
                   'and "><img src=x onerror=alert(2)> on Tuesday.\n', encoding="utf-8")
    out = tmp_path / "out"
    build([art], out_dir=out)
    page, errors, remote, dialogs = _open(browser, out / "index.html")
    page.click('#cm-sites tr[data-site="raqqa-national-hospital"] td')
    text = page.locator(".cm-popup").inner_text()
    assert "<script>alert(1)</script>" in text and "onerror=alert(2)>" in text
    page.wait_for_timeout(200)
    assert dialogs == [] and errors == [] and remote == []
    page.close()


def _expected_states(out):
    """Per day, site -> (controller, inferred, sentences) from the day feeds."""
    expected = {}
    for path in sorted((out / "days").glob("*.geojson")):
        doc = json.loads(path.read_text())
        expected[path.stem] = {
            f["properties"]["site"]: (f["properties"]["controller"], f["properties"]["inferred"],
                                      {e["sentence"] for e in f["properties"]["evidence"]})
            for f in doc["features"]}
    return expected


def test_every_day_matches_the_feeds(browser, seed_build):
    _, out = seed_build
    expected = _expected_states(out)
    page, errors, remote, _ = _open(browser, out / "index.html")
    days = page.evaluate("window.conflictmap.data.days")
    assert days == sorted(expected)
    slider = page.locator("#cm-day")
    for i, day in enumerate(days):
        slider.fill(str(i))
        assert page.get_attribute("#cm-panel", "data-date") == day
        assert page.text_content("#cm-date") == day
        rows = page.eval_on_selector_all(
            "#cm-sites tbody tr",
            "rs => rs.map(r => [r.dataset.site, r.dataset.controller, r.dataset.inferred])")
        assert rows
        for site, controller, inferred in rows:
            assert (controller, inferred == "true") == expected[day][site][:2], (day, site)
        # Every site, listed or not, in the state the day's feed gives it.
        states = page.evaluate(
            "i => Object.fromEntries(window.conflictmap.data.sites.map("
            "s => [s.id, window.conflictmap.stateOf(s.id, i)]))", i)
        assert set(states) == set(expected[day])
        for site, st in states.items():
            want = expected[day][site]
            assert (st["controller"], st["inferred"]) == want[:2], (day, site)
            # The day's own sentences, and those of earlier days of the same run.
            assert want[2] <= set(st["evidence"]), (day, site)
    # A popup shows the day's evidence, and follows the slider while open.
    slider.fill(str(len(days) - 1))
    site, (controller, _, sentences) = next(
        (s, v) for s, v in sorted(expected[days[-1]].items()) if v[2] and v[0] != "unknown")
    page.click(f'#cm-sites tr[data-site="{site}"] td')
    popup = page.locator(".cm-popup")
    assert popup.get_attribute("data-site") == site
    assert popup.locator("[data-controller]").get_attribute("data-controller") == controller
    assert any(s in popup.inner_text() for s in sentences)
    slider.fill("0")
    assert days[0] in page.locator(".cm-popup").inner_text()
    assert errors == [] and remote == []
    page.close()


def test_polygon_sites_are_shaded_by_controller(browser, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point, Polygon

    from conflictmap.maps import intervals_from_days, write_map

    days = ["2020-01-01", "2020-01-02"]
    square = Polygon([(10.0, 50.0), (10.0, 50.01), (10.01, 50.01), (10.01, 50.0)])
    actors = {"A": {"name": "Side A", "colour": "#0072B2"}, "B": {"name": "Side B", "colour": "#D55E00"}}
    ev = [{"article": "a.txt", "date": days[1],
           "sentence": 'B took the "><img src=x onerror=alert(3)> square.'}]
    rows = [
        {"site": "sq", "name": "The square", "date": days[0], "controller": "A", "inferred": True,
         "evidence": ev, "geometry": square},
        {"site": "sq", "name": "The square", "date": days[1], "controller": "B", "inferred": False,
         "evidence": ev, "geometry": square},
    ] + [{"site": "pt", "name": "A point", "date": d, "controller": "A", "inferred": False,
          "evidence": [{"article": "old.txt", "date": "2019-12-30", "sentence": "A has held it."}],
          "geometry": Point(10.02, 50.02)} for d in days]
    site_days = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    sites = gpd.GeoDataFrame({"site": ["sq", "pt"], "name": ["The square", "A point"],
                              "kind": ["neighbourhood", "square"], "precision": ["exact"] * 2,
                              "source": ["test"] * 2},
                             geometry=[square, Point(10.02, 50.02)], crs="EPSG:4326")
    write_map(tmp_path / "m.html", sites, intervals_from_days(site_days), actors, days=days)
    page, errors, remote, dialogs = _open(browser, tmp_path / "m.html")
    fill = ("id => { const l = window.conflictmap.layers[id]; const p = l.getLayers ? l.getLayers()[0] : l;"
            " return [p instanceof L.Polygon, p instanceof L.CircleMarker, p.options.fillColor,"
            " p.options.fillOpacity]; }")
    # The page opens on the first day: the square inferred A's, paler than reported.
    is_poly, _, colour, inferred_opacity = page.evaluate(fill, "sq")
    assert (is_poly, colour) == (True, "#0072B2")
    assert page.evaluate(fill, "pt")[:3] == [False, True, "#0072B2"]
    page.locator("#cm-day").fill("1")
    is_poly, _, colour, opacity = page.evaluate(fill, "sq")
    assert (is_poly, colour) == (True, "#D55E00") and opacity > inferred_opacity
    page.locator("#cm-day").fill("0")
    page.click('#cm-sites tr[data-site="sq"] td')
    text = page.locator(".cm-popup").inner_text()
    assert "(inferred)" in text and '"><img src=x onerror=alert(3)>' in text
    page.click('#cm-sites tr[data-site="pt"] td')
    item = page.locator('.cm-popup[data-site="pt"] li')
    assert item.locator(".cm-cite").inner_text() == "2019-12-30 · old.txt"
    assert item.locator(".cm-sentence").inner_text() == "A has held it."
    page.wait_for_timeout(200)
    assert errors == [] and remote == [] and dialogs == []
    page.close()


def test_long_site_list_is_capped_and_filtered(browser, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    from conflictmap.maps import write_map

    n = 1200
    ids = [f"s{i:04d}" for i in range(n)]
    sites = gpd.GeoDataFrame({"site": ids, "name": [f"Block {i}" for i in range(n)],
                              "kind": ["neighbourhood"] * n, "precision": ["exact"] * n,
                              "source": ["test"] * n},
                             geometry=[Point(10 + i % 40 * 0.001, 50 + i // 40 * 0.001) for i in range(n)],
                             crs="EPSG:4326")
    intervals = gpd.GeoDataFrame(
        {"site": ids, "name": sites["name"], "controller": ["A" if i % 2 else "B" for i in range(n)],
         "start": ["2020-01-01"] * n, "end": [""] * n, "inferred": [False] * n,
         "evidence": [[] for _ in range(n)]},
        geometry=sites.geometry.values, crs="EPSG:4326")
    actors = {"A": {"name": "Side A", "colour": "#0072B2"}, "B": {"name": "Side B", "colour": "#D55E00"}}
    write_map(tmp_path / "m.html", sites, intervals, actors, days=["2020-01-01", "2020-01-02"])
    page, errors, remote, _ = _open(browser, tmp_path / "m.html")
    assert page.locator("#cm-sites tbody tr").count() == 300
    assert "300 of 1200" in page.text_content("#cm-more")
    page.fill("#cm-filter", "Block 1111")
    assert page.eval_on_selector_all("#cm-sites tbody tr", "rs => rs.map(r => r.dataset.site)") == ["s1111"]
    assert page.get_attribute('#cm-sites tr[data-site="s1111"]', "data-controller") == "A"
    assert errors == [] and remote == []
    page.close()


# --- the demo as a reader opens it ----------------------------------------------------------

@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    from conflictmap.geo.cli import main

    out = tmp_path_factory.mktemp("demo") / "out"
    assert main(["demo", "--out", str(out), "-q"]) in (0, None)
    return out


def _features(out):
    return json.loads((out / "control.geojson").read_text())["features"]


def _evidenced(out):
    """Site id -> name of every site some interval's evidence speaks of."""
    return {f["properties"]["site"]: f["properties"]["name"] for f in _features(out)
            if f["properties"]["evidence"]}


def _overlap(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0) * max(h, 0)


_RECT = "e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


def test_opening_view_names_every_site_with_evidence(browser, demo_out):
    page, errors, remote, _ = _open(browser, demo_out / "index.html",
                                    viewport={"width": 1280, "height": 800})
    named = _evidenced(demo_out)
    assert named
    labels = page.eval_on_selector_all(
        ".cm-label span[data-site]",
        "es => es.map(e => { const r = e.getBoundingClientRect();"
        " return [e.dataset.site, e.textContent, [r.left, r.top, r.right, r.bottom]]; })")
    # One permanent label per site with evidence, none for the quiet ones.
    assert sorted(site for site, _, _ in labels) == sorted(named)
    panel = page.eval_on_selector("#cm-panel", _RECT)
    boxes = []
    for site, text, (x0, y0, x1, y1) in labels:
        assert text == named[site]
        assert x1 - x0 > 0 and y1 - y0 > 0, site
        assert 0 <= x0 and x1 <= 1280 and 0 <= y0 and y1 <= 800, (site, x0, y0, x1, y1)
        assert _overlap((x0, y0, x1, y1), panel) == 0, site  # not under the panel
        boxes.append((x0, y0, x1, y1))
    # Placed apart: no two labels share more than a sliver.
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert _overlap(a, b) <= 0.1 * min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    # The city's outline and the river are in the first view, the city filling much of it.
    outline = page.eval_on_selector("path.cm-outline", _RECT)
    assert outline[0] >= 0 and outline[1] >= 0 and outline[2] <= panel[0] and outline[3] <= 800
    assert (outline[2] - outline[0]) > 0.5 * panel[0]
    river = page.evaluate(
        "() => { const n = window.conflictmap.data.context.length; return n; }")
    assert river and page.get_by_text("Euphrates", exact=True).is_visible()
    # Every site is in the list, those with evidence first.
    listed = page.eval_on_selector_all("#cm-sites tbody tr", "rs => rs.map(r => r.dataset.site)")
    assert sorted(listed) == sorted(s["id"] for s in page.evaluate("window.conflictmap.data.sites"))
    assert set(listed[:len(named)]) == set(named)
    assert errors == [] and remote == []
    page.close()


def test_play_steps_through_every_day_and_stops(browser, demo_out):
    page, errors, remote, _ = _open(browser, demo_out / "index.html")
    days = page.evaluate("window.conflictmap.data.days")
    assert len(days) > 2
    assert page.text_content("#cm-date") == days[0]  # it opens on the first day
    assert page.evaluate("window.conflictmap.playMs") == 1000
    page.evaluate("() => { window.seen = []; const p = document.getElementById('cm-panel');"
                  " new MutationObserver(() => window.seen.push([p.dataset.date, performance.now()]))"
                  ".observe(p, {attributes: true, attributeFilter: ['data-date']}); }")
    page.click("#cm-play")
    assert page.get_attribute("#cm-play", "aria-pressed") == "true"
    page.wait_for_function("document.getElementById('cm-play').getAttribute('aria-pressed') === 'false'",
                           timeout=3000 * len(days))
    seen = page.evaluate("window.seen")
    assert [d for d, _ in seen] == days[1:]
    steps = [b - a for (_, a), (_, b) in zip(seen, seen[1:], strict=False)]
    assert all(700 < ms < 2000 for ms in steps), steps  # about a second a day
    assert page.text_content("#cm-date") == days[-1]
    assert page.input_value("#cm-day") == str(len(days) - 1)
    page.wait_for_timeout(1300)
    assert page.text_content("#cm-date") == days[-1]  # stopped there
    # Space plays from the start again and pauses.
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press(" ")
    assert page.get_attribute("#cm-play", "aria-pressed") == "true"
    assert page.text_content("#cm-date") == days[0]
    page.keyboard.press(" ")
    assert page.get_attribute("#cm-play", "aria-pressed") == "false"
    page.click("#cm-next")
    assert page.text_content("#cm-date") in days[1:3]
    assert errors == [] and remote == []
    page.close()


def test_what_changed_is_the_interval_feed(browser, seed_build):
    _, out = seed_build
    feats = [f["properties"] for f in _features(out)]
    page, errors, remote, _ = _open(browser, out / "index.html")
    days = page.evaluate("window.conflictmap.data.days")
    ctl = {(p["site"], d): p["controller"] for p in feats for d in days
           if p["start"] <= d <= (p["end"] or days[-1])}
    total = 0
    for i, day in enumerate(days):
        page.locator("#cm-day").fill(str(i))
        got = page.eval_on_selector_all("#cm-changes button",
                                        "bs => bs.map(b => [b.dataset.site, b.textContent])")
        want = sorted(p["site"] for p in feats if p["start"] == day and day != days[0])
        assert sorted(site for site, _ in got) == want, day
        total += len(want)
        for site, text in got:
            name = next(p["name"] for p in feats if p["site"] == site)
            before, after = text.split(": ", 1)[1].split(" → ")
            assert text.startswith(name + ": ")
            assert before.split(",")[0].split(" (")[0] == ctl[(site, days[i - 1])]
            assert after.split(",")[0].split(" (")[0] == ctl[(site, day)]
    assert total  # the seeds do change hands
    # An entry pans to its site and opens its popup.
    day = next(d for d in days if page.evaluate(f"window.conflictmap.changes({days.index(d)}).length"))
    page.locator("#cm-day").fill(str(days.index(day)))
    button = page.locator("#cm-changes button").first
    site = button.get_attribute("data-site")
    button.click()
    assert page.locator(".cm-popup").get_attribute("data-site") == site
    assert errors == [] and remote == []
    page.close()


def test_quarters_are_shaded_in_their_holders_colour(browser, seed_build):
    from conflictmap.maps.schema import FIGHT_STYLE

    _, out = seed_build
    page, errors, remote, _ = _open(browser, out / "index.html")
    data = page.evaluate("window.conflictmap.data")
    colour = {**{k: v["colour"] for k, v in data["style"].items() if "colour" in v},
              **{k: v["colour"] for k, v in data["actors"].items()}}
    areas = [s for s in data["sites"] if "area" in s]
    assert len(areas) > 10
    fought = 0
    for i, day in enumerate(data["days"]):
        page.locator("#cm-day").fill(str(i))
        feed = {f["properties"]["site"]: f["properties"]
                for f in json.loads((out / "days" / f"{day}.geojson").read_text())["features"]}
        paths = dict(page.eval_on_selector_all(
            "path.cm-area", "ps => ps.map(p => [p.dataset.site, [p.getAttribute('fill'),"
            " p.getAttribute('stroke'), p.getAttribute('stroke-width'),"
            " p.getAttribute('stroke-dasharray')]])"))
        assert sorted(paths) == sorted(s["id"] for s in areas)
        for s in areas:
            fill, _, _, dash = paths[s["id"]]
            assert fill == colour[feed[s["id"]]["controller"]], (day, s["id"])
            if s.get("approx") and feed[s["id"]].get("fighting", "none") == "none":
                assert dash, s["id"]  # an approximate area has a dashed edge
        # A fought site is ringed as FIGHT_STYLE says.
        for site, props in feed.items():
            fight = props.get("fighting", "none")
            if fight == "none":
                continue
            fought += 1
            sel = (f'path.cm-area[data-site="{site}"]' if any(s["id"] == site for s in areas)
                   else f'path.cm-dot[data-site="{site}"]')
            stroke, width, dash = page.eval_on_selector(
                sel, "p => [p.getAttribute('stroke'), p.getAttribute('stroke-width'),"
                     " p.getAttribute('stroke-dasharray')]")
            assert stroke == FIGHT_STYLE["colour"]
            assert float(width) == FIGHT_STYLE[fight]["weight"]
            assert dash == FIGHT_STYLE[fight]["dash"]
    assert fought
    assert errors == [] and remote == []
    page.close()


def test_phone_keeps_the_map_in_view(browser, demo_out):
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    page, errors, remote, _ = _open(browser, demo_out / "index.html", **phone)

    def uncovered():
        m = page.eval_on_selector(".folium-map", _RECT)
        p = page.eval_on_selector("#cm-panel", _RECT)
        view = (max(m[0], 0), max(m[1], 0), min(m[2], 390), min(m[3], 844))
        area = _overlap(view, view)
        return (area - _overlap(view, p)) / area

    assert uncovered() >= 0.9  # folded to its bar
    assert page.get_attribute("#cm-toggle", "aria-expanded") == "false"
    assert not page.locator("#cm-day").is_visible()

    def small_targets():
        return page.eval_on_selector_all(
            "#cm-panel button, #cm-panel input, #cm-panel summary, .leaflet-control-zoom a",
            "es => es.filter(e => e.offsetParent !== null).map(e => { const r = e.getBoundingClientRect();"
            " return [e.id || e.className || e.tagName, r.width, r.height]; })"
            ".filter(t => t[1] < 40 || t[2] < 40)")

    assert small_targets() == []
    page.tap("#cm-toggle")
    assert page.get_attribute("#cm-toggle", "aria-expanded") == "true"
    assert page.locator("#cm-day").is_visible() and page.locator("#cm-changes-title").is_visible()
    assert 0.25 <= uncovered() < 0.9  # open over part of the map, not all of it
    page.tap("#cm-next")
    assert page.locator("#cm-changes button").count()
    assert small_targets() == []
    # Choosing a change folds the panel away and shows the site's popup.
    site = page.locator("#cm-changes button").first.get_attribute("data-site")
    page.locator("#cm-changes button").first.tap()
    assert page.locator(".cm-popup").get_attribute("data-site") == site
    assert page.get_attribute("#cm-toggle", "aria-expanded") == "false"
    assert errors == [] and remote == []
    page.close()


# --- hostile input ----------------------------------------------------------------------------

HOSTILE = {
    "city": '</title><script>alert("title")</script>Velmora "city"',
    "quarter": "<img src=x onerror=alert(1)>",
    "hospital": "\"'><svg onload=alert(2)></script><script>alert(3)</script>",
    "actor": "<img src=y onerror=alert(4)> Army",
}


def _no_injection(page):
    found = page.evaluate(
        "() => [document.querySelectorAll('[onerror], [onload], [onmouseover]').length,"
        " document.querySelectorAll('img, svg script, iframe, object, embed').length,"
        " Array.from(document.scripts).filter(s => s.type !== 'application/json'"
        " && s.textContent.includes('alert(')).length]")
    assert found == [0, 0, 0]


def test_hostile_names_are_shown_as_text(browser, tmp_path):
    def place(pid, name, kind, parent, lon, lat, aliases):
        return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"id": pid, "name": name, "aliases": aliases, "kind": kind,
                               "parent": parent, "source": "invented <b>source</b>"}}

    gaz = tmp_path / "g.geojson"
    gaz.write_text(json.dumps({"type": "FeatureCollection", "features": [
        place("vel", HOSTILE["city"], "city", None, 30.0, 40.0, ["Velmora"]),
        place("vel-north", HOSTILE["quarter"], "neighbourhood", "vel", 30.0, 40.01, ["Kastani"]),
        place("vel-south", "Dorrel", "neighbourhood", "vel", 30.0, 39.99, []),
        place("vel-hospital", HOSTILE["hospital"], "hospital", "vel", 30.005, 40.0,
              ["Velmora General Hospital"]),
    ]}))
    actors = tmp_path / "a.yaml"
    actors.write_text(
        "actors:\n"
        f"  - {{id: GOV, name: {json.dumps(HOSTILE['actor'])}, colour: '#0072B2', enemies: [INS],\n"
        "     aliases: [army, troops, government forces]}\n"
        "  - {id: INS, name: Insurgents, colour: '#D55E00', enemies: [GOV], aliases: [insurgents, rebels]}\n")
    art = tmp_path / "a.txt"
    art.write_text(" date 2021-03-10\nGovernment forces captured Kastani in Velmora on Tuesday. "
                   "Insurgents still hold Velmora General Hospital.\n", encoding="utf-8")
    out = tmp_path / "out"
    build([art], gazetteer=[gaz], actors=actors, out_dir=out)
    html = (out / "index.html").read_text()
    assert "<title>" in html and "</title><script>" not in html
    page, errors, remote, dialogs = _open(browser, out / "index.html")
    page.wait_for_timeout(300)
    _no_injection(page)
    assert HOSTILE["city"] in page.title()
    names = {f["properties"]["site"]: f["properties"]["name"] for f in _features(out)}
    assert names["vel-north"] == HOSTILE["quarter"] and names["vel-hospital"] == HOSTILE["hospital"]
    labels = dict(page.eval_on_selector_all(".cm-label span[data-site]",
                                            "es => es.map(e => [e.dataset.site, e.textContent])"))
    for site in ("vel-north", "vel-hospital"):
        assert labels[site] == names[site]
        assert page.text_content(f'#cm-sites tr[data-site="{site}"] button') == names[site]
        page.click(f'#cm-sites tr[data-site="{site}"] button')
        assert page.text_content(f'.cm-popup[data-site="{site}"] h3') == names[site]
    assert HOSTILE["actor"] in page.text_content("#cm-legend")
    page.locator("#cm-day").fill("0")
    _no_injection(page)
    assert dialogs == [] and errors == [] and remote == []
    page.close()


def test_links_only_to_web_addresses_and_colours_checked(browser, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    from conflictmap.maps import write_map
    from conflictmap.maps.style import DEFAULT_COLOUR

    urls = {"web": "https://example.org/a?x=1&y=2", "plain": "http://example.org/b",
            "script": "javascript:alert(5)", "data": "data:text/html,<script>alert(6)</script>",
            "none": ""}
    ids = sorted(urls)
    sites = gpd.GeoDataFrame({"site": ids, "name": ids, "kind": ["square"] * len(ids),
                              "precision": ["exact"] * len(ids), "source": ["test"] * len(ids)},
                             geometry=[Point(10 + i * 0.001, 50) for i in range(len(ids))], crs="EPSG:4326")
    ev = {k: [{"article": f"{k}.txt", "date": "2020-01-01", "sentence": f"A holds {k}.",
               "cite": f"AP, 1 Jan 2020: <b>{k}</b>" if k != "none" else None, "url": u}]
          for k, u in urls.items()}
    intervals = gpd.GeoDataFrame(
        {"site": ids, "name": ids, "controller": ["A"] * len(ids), "start": ["2020-01-01"] * len(ids),
         "end": [""] * len(ids), "inferred": [False] * len(ids), "evidence": [ev[k] for k in ids]},
        geometry=sites.geometry.values, crs="EPSG:4326")
    actors = {"A": {"name": "Side A", "colour": 'red" onmouseover="alert(7)'},
              "B": {"name": "Side B", "colour": "#0072b2"}}
    write_map(tmp_path / "m.html", sites, intervals, actors, days=["2020-01-01", "2020-01-02"])
    page, errors, remote, dialogs = _open(browser, tmp_path / "m.html")
    for k in ids:
        page.click(f'#cm-sites tr[data-site="{k}"] button')
        popup = page.locator(f'.cm-popup[data-site="{k}"]')
        popup.wait_for()
        links = popup.locator("a").evaluate_all(
            "as => as.map(a => [a.getAttribute('href'), a.target, a.rel, a.textContent])")
        if k in ("web", "plain"):
            assert links == [[urls[k], "_blank", "noopener noreferrer", f"AP, 1 Jan 2020: <b>{k}</b>"]]
        else:
            assert links == []
            want = f"AP, 1 Jan 2020: <b>{k}</b>" if k != "none" else "none.txt"
            assert popup.locator(".cm-cite").inner_text() == f"2020-01-01 · {want}"
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
    assert [h for h in hrefs if not h.startswith(("http://", "https://", "#"))] == []
    # The bad colour never reaches SVG or CSS: the default stands in.
    assert page.get_attribute('path.cm-dot[data-site="web"]', "fill") == DEFAULT_COLOUR
    assert page.evaluate("window.conflictmap.data.actors.B.colour") == "#0072B2"
    legend = page.eval_on_selector_all("#cm-legend rect", "rs => rs.map(r => r.getAttribute('fill'))")
    assert DEFAULT_COLOUR in legend and "#0072B2" in legend
    _no_injection(page)
    assert dialogs == [] and errors == [] and remote == []
    page.close()
