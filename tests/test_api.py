"""The Python interface: conflictmap.build, ControlMap's frames, days and writers."""

import json
import re
from pathlib import Path

import pyogrio
import pytest

import conflictmap
from conflictmap.geo.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(scope="module")
def demo():
    return conflictmap.build(conflictmap.demo_articles())


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli")
    assert main(["demo", "--out", str(out), "-q"]) == 0
    return out


def test_day_is_the_day_feed(demo, demo_folder):
    for day in demo.days:
        feed = json.loads((demo_folder / "days" / f"{day}.geojson").read_text())
        want = {f["properties"]["site"]: f["properties"]["controller"] for f in feed["features"]}
        frame = demo.day(day)
        assert dict(zip(frame["site"], frame["controller"], strict=True)) == want
        assert demo.day(day.isoformat())["site"].tolist() == frame["site"].tolist()


def test_frames_follow_the_schema(demo):
    from conflictmap.maps.schema import CLAIM_COLUMNS, INTERVAL_COLUMNS, SITE_COLUMNS

    assert set(SITE_COLUMNS) <= set(demo.sites.columns)
    assert set(INTERVAL_COLUMNS) <= set(demo.intervals.columns)
    assert set(CLAIM_COLUMNS) <= set(demo.claims.columns)
    assert demo.sites.crs.to_epsg() == 4326
    assert set(demo.intervals["site"]) == set(demo.sites["site"])
    # Each call hands out a copy: changing it does not change the map.
    copy = demo.sites
    copy["name"] = "changed"
    assert "changed" not in set(demo.sites["name"])


@pytest.mark.parametrize("bad", ["2017-10-01", "17 Oct", "2018-10-17"])
def test_day_outside_the_map_is_an_input_error(demo, bad):
    with pytest.raises(conflictmap.InputError):
        demo.day(bad)


def test_writers_give_the_cli_bytes(demo, demo_folder, tmp_path):
    demo.to_file(tmp_path / "all")
    for name in ("control.geojson", "claims.csv", "index.html", "conflictmap.gpkg"):
        assert (tmp_path / "all" / name).read_bytes() == (demo_folder / name).read_bytes(), name
    assert demo.to_file(tmp_path / "one.gpkg") == tmp_path / "one.gpkg"
    layers = {name for name, _ in pyogrio.list_layers(tmp_path / "one.gpkg")}
    assert {"sites", "control_intervals", "claims"} <= layers
    demo.to_html(tmp_path / "map.html")
    assert (tmp_path / "map.html").read_bytes() == (demo_folder / "index.html").read_bytes()
    demo.to_file(tmp_path / "feeds", format="geojson")
    assert (tmp_path / "feeds" / "control.geojson").exists()
    assert not (tmp_path / "feeds" / "index.html").exists()
    # Nothing but the file asked for is left beside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all", "feeds", "map.html", "one.gpkg"]


def test_bad_input_is_an_input_error(tmp_path):
    (tmp_path / "a.txt").write_text("No date line, no dateline.")
    with pytest.raises(conflictmap.InputError, match="a.txt"):
        conflictmap.build([tmp_path / "a.txt"])
    with pytest.raises(conflictmap.InputError, match="not a date"):
        conflictmap.build([tmp_path / "a.txt"], dates={"a.txt": "17/10/2017"})


def test_the_readme_example_runs(tmp_path, monkeypatch):
    text = README.read_text()
    section = text[text.index("## Use it from Python"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert len(code.strip().splitlines()) <= 8
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert (tmp_path / "out" / "index.html").exists()
