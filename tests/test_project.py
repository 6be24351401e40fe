"""Following a battle: a project folder, incremental builds, the analyst's decisions."""

import csv
import datetime as dt
import hashlib
import shutil
import sqlite3
import sys
from dataclasses import replace
from pathlib import Path

import pyogrio
import pytest

import conflictmap.geo.project as pj
from conflictmap.geo.cli import main

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus as synthetic  # noqa: E402  (benchmarks/corpus.py: seeded wire-style reports)
from conftest import AFP  # noqa: E402


def _hashes(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _claims(out):
    with (out / "claims.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _day(out, day):
    frame = pyogrio.read_dataframe(out / "days" / f"{day}.geojson")
    return dict(zip(frame["site"], frame["controller"], strict=True))


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    synthetic.generate(201, 5, folder)
    return sorted(folder.glob("*.txt"))


@pytest.fixture(scope="module")
def project_200(reports, tmp_path_factory):
    """A project of 200 reports, built once; copied by the tests that change it."""
    root = tmp_path_factory.mktemp("proj") / "battle"
    assert main(["init", str(root)]) == 0
    assert main(["add", str(root), *map(str, reports[:200]), "-q"]) == 0
    assert main(["build", str(root), "-q"]) == 0
    return root


def _copy(project, tmp_path):
    dest = tmp_path / "battle"
    shutil.copytree(project, dest, symlinks=True)
    return pj.Project.open(dest)


def test_init_makes_a_project_and_refuses_twice(tmp_path, capsys):
    root = tmp_path / "p"
    assert main(["init", str(root)]) == 0
    for name in ("conflictmap.toml", "actors.yaml", "review.csv", "store.sqlite", "reports"):
        assert (root / name).exists(), name
    assert list((root / "gazetteer").iterdir())
    capsys.readouterr()
    assert main(["init", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already a conflictmap project" in err
    assert main(["build", str(root)]) == 2
    assert "no reports" in capsys.readouterr().err


def _affected(timeline, sites):
    """The sites whose days can change when these sites' claims do: them, their cities, their quarters."""
    out = set(sites)
    while True:
        more = {timeline.parents[s] for s in out if s in timeline.parents}
        more |= {k for k, p in timeline.parents.items() if p in out}
        if more <= out:
            return out
        out |= more


def test_adding_one_report_reads_one_and_works_out_only_its_sites(project_200, reports, tmp_path):
    proj = _copy(project_200, tmp_path)
    again = pj.build(proj)
    assert (again.read, again.reused) == (0, 200)
    assert again.recomputed == [] and again.site_days[0] == 0  # nothing new: every site's days kept
    old = _hashes(proj.out)
    added = pj.add(proj, [reports[200]])
    assert len(added.added) == 1
    built = pj.build(proj)
    assert (built.read, built.reused) == (1, 200)  # the work: one report read, the rest stored
    assert len(built.reading.articles) == 201
    assert _hashes(proj.out) != old
    # ... and only the sites the new report's claims touch worked out again (with their city).
    new = added.added[0]
    touched = {c.site for c in built.reading.claims if c.article == new}
    timeline = built.reading.timeline
    assert touched and built.recomputed
    assert set(built.recomputed) <= _affected(timeline, touched)
    assert set(built.recomputed) & touched
    worked, mapped = built.site_days
    assert worked == len(built.recomputed) * len(timeline.days) and worked < mapped / 2


def test_an_incremental_build_writes_what_a_full_one_does(project_200, reports, tmp_path):
    proj = _copy(project_200, tmp_path)
    pj.add(proj, [reports[200]])
    pj.build(proj)
    full = tmp_path / "full"
    assert main(["init", str(full)]) == 0
    assert main(["add", str(full), *map(str, reports), "-q"]) == 0
    assert main(["build", str(full), "-q"]) == 0
    assert _hashes(proj.out) == _hashes(full / "out")


def test_the_same_story_twice_or_reprinted_counts_once(seeds, tmp_path):
    proj = pj.init(tmp_path / "p")
    first = pj.add(proj, [seeds], dates={AFP: dt.date(2017, 10, 16)})
    assert len(first.added) == 3
    # The same files again: nothing added.
    again = pj.add(proj, [seeds / n for n in sorted(p.name for p in seeds.glob("*.txt")) if n != AFP])
    assert again.added == [] and len(again.copies) == 2
    # A second outlet's reprint: a new headline line, the same story.
    src = sorted(p for p in seeds.glob("*.txt") if p.name != AFP)[0]
    text = src.read_text(encoding="utf-8")
    reprint = tmp_path / "reprint.txt"
    reprint.write_text("source: Other Outlet\n" + text.replace("\n", "\nRead the story as reprinted.\n", 1),
                       encoding="utf-8")
    got = pj.add(proj, [reprint])
    assert len(got.added) == 1 and got.reprints  # linked to its original
    built = pj.build(proj)
    name = got.added[0]
    theirs = [c for c in built.reading.claims if c.article == name]
    assert theirs and not any(c.counts for c in theirs)  # shown, never a second source


def test_decisions_change_the_map_and_survive_a_new_reader(project_200, tmp_path, monkeypatch, capsys):
    proj = _copy(project_200, tmp_path)
    days = {p.stem for p in (proj.out / "days").glob("*.geojson")}
    claims = [c for c in _claims(proj.out) if c["counts"] == "True" and c["type"] == "capture"
              and c["date"] in days]
    assert claims, "the synthetic reports make captures"
    target = claims[0]
    day = target["date"]
    # Reject every counting claim about that site that day: the day's cell must change.
    same = [c for c in _claims(proj.out) if c["site"] == target["site"] and c["date"] == day
            and c["counts"] == "True"]
    map_before = _hashes(proj.out)
    for c in same:
        assert main(["reject", str(proj.root), c["id"], "--note", "misread"]) == 0
    assert main(["build", str(proj.root), "-q"]) == 0
    changed = {k for k, v in _hashes(proj.out).items() if map_before.get(k) != v}
    assert "index.html" in changed and f"days/{day}.geojson" in changed  # rejecting changes the map
    after_reject = _day(proj.out, day)[target["site"]]
    after = {c["id"]: c for c in _claims(proj.out)}
    assert all(after[c["id"]]["counts"] == "False" for c in same)  # rejected: kept, not counted
    # An analyst's own call wins (on another site), and is cited as the analyst's in the feeds.
    second = next(c for c in claims if c["site"] != target["site"])
    site, day2 = second["site"], second["date"]
    other = next(a for a in ("SDF", "IS", "SYR", "contested") if a != _day(proj.out, day2)[site])
    assert main(["set", str(proj.root), site, day2, other, "--note", "seen on video"]) == 0
    assert main(["build", str(proj.root), "-q"]) == 0
    assert _day(proj.out, day2)[site] == other
    feed = (proj.out / "days" / f"{day2}.geojson").read_text(encoding="utf-8")
    assert "seen on video" in feed and '"analyst"' in feed
    assert _day(proj.out, day)[target["site"]] == after_reject
    # A new reader (another version): everything is read again, and the decisions still hold.
    monkeypatch.setattr(pj, "reader_key", lambda *a: "another-reader")
    built = pj.build(proj)
    assert built.read == 200 and built.reused == 0
    assert _day(proj.out, day2)[site] == other
    assert _day(proj.out, day)[target["site"]] == after_reject
    rejected = [c for c in built.reading.claims if c.site == target["site"] and c.date.isoformat() == day
                and "rejected by analyst" in c.reason]
    assert rejected and not any(c.counts for c in rejected)
    capsys.readouterr()


def test_an_alias_makes_a_name_resolve(tmp_path):
    proj = pj.init(tmp_path / "p")
    report = tmp_path / "r.txt"
    report.write_text("date: 2017-10-16\nsource: Test Wire\n\nSDF fighters captured the Zuhur Gardens "
                      "district of Raqqa on Monday, a commander said.\n", encoding="utf-8")
    pj.add(proj, [report])
    built = pj.build(proj)
    assert any(u.name.startswith("Zuhur") for u in built.reading.unresolved)
    site = "raqqa-al-basil"
    assert main(["alias", str(proj.root), "Zuhur Gardens", site]) == 0
    built = pj.build(proj)
    assert built.read == 1  # the aliases change what is read
    assert any(c.site == site and c.counts for c in built.reading.claims)
    assert not any(u.name.startswith("Zuhur") for u in built.reading.unresolved)


def test_review_lists_what_needs_a_human(project_200, capsys):
    capsys.readouterr()
    assert main(["review", str(project_200)]) == 0
    out = capsys.readouterr().out
    assert out.strip() and "contested" in out.lower()


@pytest.mark.parametrize("argv, words", [
    (["accept", "{root}", "nothing:1-2:x"], "no such claim"),
    (["set", "{root}", "no-such-site", "2017-10-16", "SDF", "--note", "x"], "not a site"),
    (["set", "{root}", "raqqa", "16/10/2017", "SDF", "--note", "x"], "not a date"),
    (["set", "{root}", "raqqa", "2017-10-16", "NOBODY", "--note", "x"], "not an actor"),
    (["alias", "{root}", "Somewhere", "no-such-site"], "not a place"),
    (["add", "{root}/missing", "x.txt"], "not a conflictmap project"),
])
def test_bad_decisions_are_one_line(argv, words, seeds, tmp_path, capsys):
    root = tmp_path / "p"
    proj = pj.init(root)
    pj.add(proj, [seeds], dates={AFP: dt.date(2017, 10, 16)})
    review = (root / "review.csv").read_bytes()
    capsys.readouterr()
    assert main([a.format(root=root) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "Traceback" not in err
    assert (root / "review.csv").read_bytes() == review


def test_the_store_is_sqlite_in_wal_mode(project_200):
    with sqlite3.connect(project_200 / "store.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_build_reads_only_the_files_of_reports_it_has_not_read(seeds, tmp_path, monkeypatch):
    proj = pj.init(tmp_path / "p")
    pj.add(proj, [seeds], dates={AFP: dt.date(2017, 10, 16)})
    first = pj.build(proj)
    full = {a.name: replace(a, text="") for a in first.reading.articles}
    before = _hashes(proj.out)
    opened: list[str] = []
    real = pj.read_article

    def counted(path, *args, **kwargs):
        opened.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pj, "read_article", counted)
    again = pj.build(proj)
    assert opened == [] and again.read == 0
    # Every field but the text as the files gave it, and the same outputs.
    assert {a.name: a for a in again.reading.articles} == full
    assert _hashes(proj.out) == before
    # An edited header is read again (its size or time changed), and its new outlet shown.
    path = proj.reports / sorted(full)[0]
    path.write_text(path.read_text(encoding="utf-8").replace("\n\n", "\nsource: Edited Desk\n\n", 1),
                    encoding="utf-8")
    third = pj.build(proj)
    assert opened == [path.name] and third.read == 0
    assert {a.name: a.outlet for a in third.reading.articles}[path.name] == "Edited Desk"


def _full(reports, tmp_path):
    """The outputs of a build of these reports in a new project."""
    full = tmp_path / "full"
    assert main(["init", str(full)]) == 0
    assert main(["add", str(full), *map(str, reports), "-q"]) == 0
    assert main(["build", str(full), "-q"]) == 0
    return _hashes(full / "out")


def test_an_incremental_build_copies_the_rows_of_unchanged_reports(project_200, reports, tmp_path):
    proj = _copy(project_200, tmp_path)  # a copy keeps its files' sizes and times: its rows are kept
    pj.add(proj, [reports[200]])
    built = pj.build(proj)
    # Every report but the new one: its claims and mentions rows come from the last build's files.
    assert built.kept == {"claims": 200, "mentions": 200}
    assert _hashes(proj.out) == _full(reports, tmp_path)
    # Nothing new: every row is copied, and the files stay the same.
    before = _hashes(proj.out)
    again = pj.build(proj)
    assert again.kept == {"claims": 201, "mentions": 201} and _hashes(proj.out) == before


def test_decisions_and_edited_outputs_make_their_rows_again(project_200, reports, tmp_path):
    proj = _copy(project_200, tmp_path)
    rows = _claims(proj.out)
    target = rows[len(rows) // 2]
    assert main(["reject", str(proj.root), target["id"], "--note", "misread"]) == 0
    built = pj.build(proj)
    # The report whose claim was rejected is made again, the others copied.
    assert built.kept["claims"] == 199 and built.kept["mentions"] == 200
    after = {c["id"]: c for c in _claims(proj.out)}
    assert after[target["id"]]["status"] == "rejected"
    assert main(["accept", str(proj.root), rows[1]["id"]]) == 0
    assert main(["set", str(proj.root), target["site"], target["date"], "SDF", "--note", "video"]) == 0
    pj.build(proj)
    expect = _hashes(proj.out)
    # A file that is not the one the store indexed (edited since) is not copied from.
    events = proj.out / "events.csv"
    events.write_bytes(events.read_bytes().replace(b"Battles", b"Xattles", 1))
    again = pj.build(proj)
    assert again.kept == {"claims": 0, "mentions": 200}
    assert _hashes(proj.out) == expect
    # ... and a build on the same decisions in a new project writes the same.
    full = tmp_path / "full"
    assert main(["init", str(full)]) == 0
    assert main(["add", str(full), *map(str, reports[:200]), "-q"]) == 0
    shutil.copyfile(proj.review, full / "review.csv")
    assert main(["build", str(full), "-q"]) == 0
    assert _hashes(full / "out") == expect


def test_rows_that_cannot_be_copied_are_made_again(project_200, reports, tmp_path, monkeypatch):
    import conflictmap.maps.parts as parts

    proj = _copy(project_200, tmp_path)
    pj.add(proj, [reports[200]])

    def broken(*args, **kwargs):
        raise parts.PartsError("the previous file is short")

    monkeypatch.setattr(parts, "copy_range", broken)
    monkeypatch.setattr("conflictmap.maps.feeds.copy_range", broken)
    built = pj.build(proj)  # the first try fails before anything is published; the second makes all
    assert built.kept == {"claims": 0, "mentions": 0}
    assert _hashes(proj.out) == _full(reports, tmp_path)
