"""The command line: outputs, feeds GIS reads, reproducibility, bad input."""

import hashlib
import json
import subprocess
import sys

import pyogrio
import pytest

from conflictmap.geo.cli import main


def _hashes(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_outputs_and_feeds(seed_build):
    reading, out = seed_build
    assert {p.name for p in out.iterdir()} == {
        "index.html", "control.geojson", "control.geojsonl", "control.qml", "areas.geojson", "days",
        "conflictmap.gpkg",
        "claims.csv", "events.csv", "mentions.csv", "unresolved.csv"}
    days = sorted(p.name for p in (out / "days").iterdir())
    assert days == [f"2017-10-{d}.geojson" for d in (14, 15, 16, 17)]
    n_sites = len(reading.timeline.sites)
    for day in days:
        info = pyogrio.read_info(out / "days" / day)
        assert info["features"] == n_sites
        assert info["crs"] == "EPSG:4326"
        assert info["geometry_type"] == "Point"
    control = pyogrio.read_dataframe(out / "control.geojson")
    assert len(control) == len(reading.timeline.intervals())
    assert {"site", "name", "controller", "start", "end", "inferred", "fighting",
            "evidence"} <= set(control)
    assert set(control["fighting"]) <= {"none", "around", "inside"}
    # The city is fought in on every day of the seeds.
    city = control[control["site"] == "raqqa"]
    assert set(city["fighting"]) & {"inside"}


def test_geojson_is_rfc7946(seed_build):
    _, out = seed_build
    doc = json.loads((out / "days" / "2017-10-16.geojson").read_text())
    assert "crs" not in doc
    feats = {f["properties"]["site"]: f for f in doc["features"]}
    lon, lat = feats["raqqa"]["geometry"]["coordinates"]
    assert 38.9 < lon < 39.1 and 35.9 < lat < 36.0
    hosp = feats["raqqa-national-hospital"]["properties"]
    assert hosp["controller"] == "IS" and hosp["date"] == "2017-10-16" and not hosp["inferred"]
    assert any("positions" in e["sentence"] for e in hosp["evidence"])
    assert set(hosp["evidence"][0]) >= {"article", "date", "sentence"}


def test_claims_csv(seed_build):
    import pandas as pd
    _, out = seed_build
    claims = pd.read_csv(out / "claims.csv")
    assert {"article", "sentence", "site", "actor", "type", "date", "date_precision"} <= set(claims)
    assert (claims["status"] == "negated").any()


def test_same_input_same_bytes(seeds, seed_dates, tmp_path):
    date = [f"--date={next(iter(seed_dates))}=2017-10-16"]
    assert main(["build", str(seeds), *date, "--out", str(tmp_path / "a"), "-q"]) == 0
    assert main(["build", str(seeds), *date, "--out", str(tmp_path / "b"), "-q"]) == 0
    assert _hashes(tmp_path / "a") == _hashes(tmp_path / "b")


def _run(*args):
    return subprocess.run([sys.executable, "-m", "conflictmap", *args], capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize("setup,args,needle", [
    (lambda d: (d / "a.txt").write_text("no date line here"), ["a.txt"], "no publication date"),
    (lambda d: (d / "a.txt").write_text(""), ["a.txt"], "no text"),
    (lambda d: None, ["missing.txt"], "cannot read article"),
    (lambda d: ((d / "a.txt").write_text(" date 2017-10-17 x"), (d / "g.geojson").write_text("{")),
     ["a.txt", "--gazetteer", "g.geojson"], "not valid JSON"),
    (lambda d: ((d / "a.txt").write_text(" date 2017-10-17 x"), (d / "act.yaml").write_text("x: [")),
     ["a.txt", "--actors", "act.yaml"], "not valid YAML"),
    (lambda d: (d / "a.txt").write_text(" date 2017-10-17 x"), ["a.txt", "--date", "b.txt=2017-10-16"],
     "b.txt"),
    (lambda d: (d / "a.txt").write_text(" date 2017-10-17 x"),
     ["a.txt", "--from", "2017-10-20", "--until", "2017-10-18"], "before --from"),
    (lambda d: (d / "a.txt").write_text(" date 2017-10-17 x"), ["a.txt", "--until", "2027-10-18"],
     "--until"),
    (lambda d: (d / "a.txt").write_text(" date 2017-10-17 x"), ["a.txt", "--from", "2017-10-20"],
     "after the last report"),
    (lambda d: (d / "a.txt").write_text(" date 2017-10-17 x"), ["a.txt", "--until", "2017-10-01"],
     "before the reports' first day"),
])
def test_bad_input_is_one_line_exit_2_and_no_output(tmp_path, monkeypatch, setup, args, needle):
    monkeypatch.chdir(tmp_path)
    setup(tmp_path)
    res = _run("build", *args, "--out", "out")
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_bad_date_option_is_exit_2(tmp_path):
    res = _run("build", "x.txt", "--date", "x.txt=17/10/2017")
    assert res.returncode == 2 and "is not a date" in res.stderr


@pytest.mark.parametrize("args,says", [
    (["build", "a.txt", "--gazeteer", "g.geojson"], ["conflictmap build:", "--gazeteer",
                                                     "did you mean --gazetteer?"]),
    (["build", "a.txt", "--date", "a.txt"], ["conflictmap build:", "PATH=YYYY-MM-DD"]),
    (["gazetteer", "check", "g.csv", "--no-wrold"], ["conflictmap gazetteer check:", "--no-world?"]),
    (["bild", "a.txt"], ["conflictmap:", "invalid choice: 'bild'"]),
])
def test_option_mistakes_are_one_line_naming_the_subcommand(args, says):
    res = _run(*args)
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2 and len(lines) == 1, res.stderr
    assert all(s in lines[0] for s in says), lines[0]
    assert "usage:" not in res.stderr


def test_version():
    from importlib import metadata

    res = _run("--version")
    assert res.returncode == 0 and res.stdout.split() == ["conflictmap", metadata.version("conflictmap")]


def test_help():
    res = _run("build", "--help")
    assert res.returncode == 0 and "--gazetteer" in res.stdout and "--date" in res.stdout


def test_demo(tmp_path):
    assert main(["demo", "--out", str(tmp_path), "-q"]) == 0
    doc = json.loads((tmp_path / "days" / "2017-10-17.geojson").read_text())
    state = {f["properties"]["site"]: f["properties"]["controller"] for f in doc["features"]}
    assert state["raqqa-national-hospital"] == "SDF"
    assert state["raqqa-al-barid"] == "SDF"


@pytest.mark.parametrize("content,problem", [
    ("actors:\n  - {id: A, name: Caf\xe9, colour: '#000000'}\n".encode("latin-1"), "not UTF-8"),
    (b"actors:\n  - {id: A, colour: '#000000', enemies: B}\n  - {id: B, colour: '#111111'}\n",
     "'enemies' must be a list"),
])
def test_bad_actors_file_is_one_line(tmp_path, capsys, content, problem):
    actors = tmp_path / "actors.yaml"
    actors.write_bytes(content)
    article = tmp_path / "a.txt"
    article.write_text(" date 2017-10-16\nFighting in Raqqa.")
    assert main(["build", str(article), "--actors", str(actors), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(actors) in err and problem in err


def test_the_map_starts_on_the_day_before_the_first_report_that_it_speaks_of(tmp_path):
    # Friday's paper on Thursday's capture: Thursday is mapped; history months before is not.
    report = tmp_path / "fri.txt"
    report.write_text("date: 2017-10-20\n\nSDF fighters seized the clock tower on Thursday, a commander "
                      "said. Islamic State had overrun the stadium on June 3 after a long siege.\n",
                      encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(report), "--out", str(out), "-q"]) == 0
    days = sorted(p.stem for p in (out / "days").glob("*.geojson"))
    assert days == ["2017-10-19", "2017-10-20"]
    thursday = json.loads((out / "days" / "2017-10-19.geojson").read_text(encoding="utf-8"))
    tower = next(f["properties"] for f in thursday["features"]
                 if f["properties"]["site"] == "raqqa-clock-tower")
    assert tower["controller"] == "SDF" and not tower["inferred"]


def test_the_map_runs_from_and_until_the_days_asked(tmp_path):
    # "The map through today": each site's state carries on past the last report, and a
    # window before the reports' end leaves their later claims out.
    (tmp_path / "a.txt").write_text(" date 2017-10-16\nSDF fighters captured the stadium on Monday.\n")
    (tmp_path / "b.txt").write_text(" date 2017-10-18\nIS fighters retook the stadium on Wednesday.\n")
    arts = [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    assert main(["build", *arts, "--until", "2017-10-21", "--out", str(tmp_path / "long"), "-q"]) == 0
    assert main(["build", *arts, "--from", "2017-10-15", "--until", "2017-10-17",
                 "--out", str(tmp_path / "short"), "-q"]) == 0

    def held(out, day):
        feats = json.loads((tmp_path / out / "days" / f"{day}.geojson").read_text())["features"]
        return next(f["properties"]["controller"] for f in feats
                    if f["properties"]["site"] == "raqqa-municipal-stadium")

    assert sorted(p.stem for p in (tmp_path / "long" / "days").glob("*.geojson"))[-1] == "2017-10-21"
    assert held("long", "2017-10-21") == "IS"
    assert [p.stem for p in sorted((tmp_path / "short" / "days").glob("*.geojson"))] == [
        "2017-10-15", "2017-10-16", "2017-10-17"]
    assert held("short", "2017-10-17") == "SDF"
