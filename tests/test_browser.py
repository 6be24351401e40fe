"""The HTML map in a real browser (the system Chromium, never a downloaded one)."""

import shutil

import pytest

from geo.pipeline import build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    sync = pytest.importorskip("playwright.sync_api")
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.fail("chromium is not installed (apt-get install -y chromium)")
    with sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def _open(browser, path):
    page = browser.new_page()
    errors, remote, dialogs = [], [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            remote.append(r.request.url)
            r.abort()

    page.route("**/*", route)
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
