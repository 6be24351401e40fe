"""The HTML map in a real browser (the system Chromium, never a downloaded one)."""

import json

import chromium
import pytest

from conflictmap.geo.pipeline import build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    sync = pytest.importorskip("playwright.sync_api")
    if chromium.executable() is None:
        pytest.fail("chromium is not installed (apt-get install -y chromium)")
    with sync.sync_playwright() as p:
        b = chromium.launch(p)
        yield b
        b.close()


def _open(browser, path):
    page = browser.new_page()
    errors, remote = chromium.guard(page)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_selector("#cm-sites tbody tr")
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
    assert page.evaluate(fill, "sq") == [True, False, "#D55E00", 0.85]
    assert page.evaluate(fill, "pt")[:3] == [False, True, "#0072B2"]
    page.locator("#cm-day").fill("0")
    is_poly, _, colour, opacity = page.evaluate(fill, "sq")
    assert (is_poly, colour, opacity) == (True, "#0072B2", 0.35)  # inferred: paler
    page.click('#cm-sites tr[data-site="sq"] td')
    text = page.locator(".cm-popup").inner_text()
    assert "(inferred)" in text and '"><img src=x onerror=alert(3)>' in text
    page.click('#cm-sites tr[data-site="pt"] td')
    assert "2019-12-30 · old.txt: A has held it." in page.locator('.cm-popup[data-site="pt"]').inner_text()
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
