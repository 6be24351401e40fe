"""Bounded work: the span of days a build maps; reading in time that grows with the text, not its square."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import conflictmap.geo.engine as engine
import conflictmap.geo.pipeline as pipeline
from conflictmap.gazetteer import Gazetteer
from conflictmap.geo.actors import Actors
from conflictmap.geo.articles import Article
from conflictmap.geo.claims import extract_claims
from conflictmap.geo.cli import main
from conflictmap.geo.errors import InputError
from conflictmap.geo.mentions import find_mentions, focus_city
from conflictmap.geo.timeline import MAX_DAYS, check_span

GEO = Path(pipeline.__file__).resolve().parent


def _reports(folder: Path, days: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, day in days.items():
        (folder / name).write_text(f" date {day}\nSDF fighters captured the stadium in Raqqa on Monday.\n")
    return folder


@pytest.fixture
def theatre() -> tuple[Gazetteer, Actors]:
    t = pipeline.bundled_theatre()
    return Gazetteer.from_files(t["gazetteer"]), Actors.load(t["actors"])


# -- the span of days ----------------------------------------------------------------------------------

@pytest.mark.parametrize("stray, word", [("2999-01-01", "after"), ("1900-01-01", "before")])
def test_a_stray_date_is_one_line_before_any_reading(tmp_path, capsys, monkeypatch, stray, word):
    folder = _reports(tmp_path / "a", {"a.txt": "2017-10-15", "b.txt": "2017-10-17", "c.txt": "2017-10-16",
                                       "stray.txt": stray})
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")

    def no_reading(*args: Any, **kw: Any) -> None:
        raise AssertionError("the articles were read before their dates were checked")

    monkeypatch.setattr(engine, "read_report", no_reading)
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert "stray.txt" in lines[0] and stray in lines[0] and word in lines[0]
    assert f"--max-days {MAX_DAYS}" in lines[0]
    gap = abs((dt.date.fromisoformat(stray) - dt.date(2017, 10, 17 if word == "after" else 15)).days)
    assert f"{gap:,} days" in lines[0]
    assert [p.name for p in out.iterdir()] == ["keep.txt"] and (out / "keep.txt").read_text() == "mine"


def test_exactly_the_limit_passes(tmp_path):
    folder = _reports(tmp_path / "a", {"a.txt": "2017-01-01", "b.txt": "2017-01-10"})
    arts, _, _ = pipeline.load_inputs([folder], max_days=10)  # ten days, first and last included
    assert [a.published.day for a in arts] == [1, 10]
    with pytest.raises(InputError, match="b.txt.*more than --max-days 9$"):
        pipeline.load_inputs([folder], max_days=9)


def test_the_option_sets_the_limit(tmp_path, capsys):
    folder = _reports(tmp_path / "a", {"a.txt": "2017-01-01", "b.txt": "2017-03-01"})
    assert main(["build", str(folder), "--out", str(tmp_path / "out"), "-q", "--max-days", "30"]) == 2
    err = capsys.readouterr().err.strip()
    assert "b.txt" in err and "59 days after" in err and "span 60 days" in err and "--max-days 30" in err


def test_the_report_named_is_the_one_furthest_out():
    days = [("a", dt.date(2017, 1, 1)), ("b", dt.date(2017, 1, 2)), ("c", dt.date(2017, 1, 3)),
            ("old", dt.date(2010, 1, 1)), ("new", dt.date(2018, 1, 1))]
    with pytest.raises(InputError) as err:
        check_span(days)
    assert err.value.path == "old" and "before" in err.value.problem
    check_span(days[:3], max_days=3)
    check_span([days[3]], max_days=1)  # one report, one day
    with pytest.raises(InputError, match="at least 1"):
        check_span(days[:3], max_days=0)


def test_a_claim_dated_years_before_its_report_is_no_map_day(theatre):
    gaz, actors = theatre
    art = Article("old.txt", "old.txt", "SDF fighters captured the stadium in Raqqa on 2 January 2014.\n",
                  dt.date(2017, 10, 17), "option")
    reading = pipeline.read_theatre([art], gaz, actors)
    assert any(c.date.year == 2014 for c in reading.claims)  # the history was read ...
    assert reading.timeline.days == [dt.date(2017, 10, 17)]  # ... and maps no day of its own


# -- reading in time linear in the text ------------------------------------------------------------------

_PARAGRAPHS = (
    "SDF fighters captured {a} on {day} and pushed on towards {b}, a commander said.",
    "\"Islamic State still holds {b},\" a spokesman for the alliance told reporters on {day}.",
    "Fighting raged around {a} for a second straight day. There was no independent confirmation.",
    "The militants pulled out of the hospital overnight, leaving the stadium near {b} as their last "
    "stand; the city's main square was shelled.",
    "Civilians fled {a} on {day} as coalition aircraft struck the bulk of it, residents said.",
)


def _report(gaz: Gazetteer, paragraphs: int) -> str:
    names = [gaz[p].name for p in gaz.sites()]
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    return "".join(_PARAGRAPHS[k % len(_PARAGRAPHS)].format(
        a=names[k % len(names)], b=names[(5 * k + 2) % len(names)], day=days[k % len(days)]) + "\n\n"
        for k in range(paragraphs))


def _lines_run(work: Callable[[], object]) -> int:
    """Count the lines of the reader (geo/mentions.py, geo/claims/) that ``work`` runs: its work."""
    ours = {str(GEO / "mentions.py"), *(str(p) for p in (GEO / "claims").glob("*.py"))}
    count = 0

    def local(frame: FrameType, event: str, arg: object) -> Callable[..., object]:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: object) -> Callable[..., object] | None:
        return local if event == "call" and str(Path(frame.f_code.co_filename).resolve()) in ours else None

    sys.settrace(calls)
    try:
        work()
    finally:
        sys.settrace(None)
    return count


def test_reading_work_grows_with_the_text_not_its_square(theatre):
    gaz, actors = theatre

    def reading(paragraphs: int) -> Callable[[], object]:
        art = Article("long.txt", "long.txt", _report(gaz, paragraphs), dt.date(2017, 10, 17), "option")
        matches = gaz.match(art.text)
        art.sentences  # noqa: B018 - split outside the count (geo/articles.py)

        def work() -> object:
            ms = find_mentions(gaz, art, focus_city(gaz, art, matches), matches)
            return extract_claims(art, ms, actors)
        return work

    reading(5)()  # what is loaded once (the phrasing data, the gazetteer's nouns) is not counted
    small, large = _lines_run(reading(40)), _lines_run(reading(160))
    # Four times the text: four times the lines run (a step over every earlier mention or
    # sentence for each one would make it sixteen).
    assert small > 10_000
    assert large / small < 4.6, (small, large)


def test_a_doubled_article_has_twice_the_mentions(theatre):
    gaz, _ = theatre
    text = _report(gaz, 25)
    once = Article("a.txt", "a.txt", text, dt.date(2017, 10, 17), "option")
    twice = Article("b.txt", "b.txt", text + text, dt.date(2017, 10, 17), "option")
    first = find_mentions(gaz, once)
    both = find_mentions(gaz, twice)
    assert {m.how for m in first} >= {"name", "reference"}
    shifted = [(m.start + len(text), m.end + len(text), m.place, m.how) for m in first]
    assert [(m.start, m.end, m.place, m.how) for m in both] == \
        [(m.start, m.end, m.place, m.how) for m in first] + shifted


# -- a run of text with no full stop --------------------------------------------------------------

def test_a_run_without_full_stops_is_read_in_clauses(tmp_path):
    from conflictmap.geo.articles import MAX_SENTENCE, split_sentences

    text = "Troops captured Al-Barid, " * 2000 + "and the stadium."
    sentences = split_sentences(text)
    assert len(sentences) > len(text) // MAX_SENTENCE
    assert all(len(s.text) <= MAX_SENTENCE and text[s.start:s.end] == s.text for s in sentences)
    assert all(s.text.endswith(",") for s in sentences[:-1])  # cut at clause breaks
    # Real sentences are never cut.
    real = "Kurdish-led fighters took the Al-Barid neighbourhood, in the north, overnight. It rained."
    assert [s.text for s in split_sentences(real)] == [
        "Kurdish-led fighters took the Al-Barid neighbourhood, in the north, overnight.", "It rained."]
    # Every clause is read: the claims of the run are all there.
    (tmp_path / "a.txt").write_text("date: 2017-10-16\n\n" + "SDF fighters captured Al-Barid and " * 300
                                    + "the stadium.\n", encoding="utf-8")
    arts, gaz, sides = pipeline.load_inputs([tmp_path])
    claims = pipeline.read_theatre(arts, gaz, sides, jobs=1).claims
    assert sum(c.site == "raqqa-al-barid" and c.type == "capture" for c in claims) >= 250
