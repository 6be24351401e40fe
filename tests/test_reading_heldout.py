"""Reading patterns found on held-out wire reports, each with sentences written for the test."""

import pytest

from conflictmap.geo.articles import read_article
from conflictmap.geo.claims import extract_claims
from conflictmap.geo.mentions import find_mentions


def _claims(gaz, actors, tmp_path, text, date="2017-10-17"):
    path = tmp_path / "r.txt"
    path.write_text(f" date {date}\n{text}", encoding="utf-8")
    art = read_article(path)
    return extract_claims(art, find_mentions(gaz, art), actors)


def _counted(claims, site):
    return [(c.type, c.actor, c.taker) for c in claims if c.counts and c.site == f"raqqa-{site}"]


@pytest.mark.parametrize("text,site", [
    ("SDF units moved to within 5 km (3 miles) of the Old City on Tuesday.", "old-city"),
    ("Kurdish-led forces advanced to within two kilometres (1.2 miles) of the National Hospital.",
     "national-hospital"),
])
def test_a_bracketed_conversion_does_not_hide_how_far_from_the_site(gaz, actors, tmp_path, text, site):
    # "within 5 km (3 miles) of X" is outside X: pressure on it, not an entry into it.
    got = _counted(_claims(gaz, actors, tmp_path, text), site)
    assert got and all(t == "siege" for t, _, _ in got)


@pytest.mark.parametrize("text,site", [
    ("SDF fighters briefly captured the Al-Mishlab district before Islamic State suicide bombers "
     "pushed them out on Saturday.", "al-mishlab"),
    ("The SDF briefly entered the Old City on Monday but were pushed back.", "old-city"),
    ("SDF fighters briefly stormed the municipal stadium on Sunday, only to be driven out hours later.",
     "municipal-stadium"),
])
def test_a_brief_taking_undone_in_its_sentence_ends_with_the_other_side(gaz, actors, tmp_path, text,
                                                                          site):
    claims = [c for c in _claims(gaz, actors, tmp_path, text) if c.counts and c.site == f"raqqa-{site}"]
    (loss,) = [c for c in claims if c.type == "loss"]
    assert loss.actor == "SDF" and loss.taker == "IS"
    # The loss comes after the brief taking in the day's order.
    assert all(loss.order > c.order for c in claims if c is not loss)


def test_a_taking_that_was_not_brief_is_not_undone(gaz, actors, tmp_path):
    text = "The SDF captured the Old City before pushing on to the clock tower."
    assert ("capture", "SDF", None) in _counted(_claims(gaz, actors, tmp_path, text), "old-city")
    assert not [c for c in _claims(gaz, actors, tmp_path, text) if c.type == "loss"]


@pytest.mark.parametrize("text,taken,beside", [
    ("SDF fighters seized the hill above the National Hospital.", "tell-al-bia", "national-hospital"),
    ("The SDF seized the clock tower, located above the Old City.", "clock-tower", "old-city"),
    ("SDF fighters took the hill beneath the clock tower on Tuesday.", "tell-al-bia", "clock-tower"),
])
def test_a_place_above_or_beneath_a_site_is_not_the_site(gaz, actors, tmp_path, text, taken, beside):
    claims = _claims(gaz, actors, tmp_path, text)
    assert not [t for t, _, _ in _counted(claims, beside) if t in ("capture", "full_control")]
    assert ("capture", "SDF", None) in _counted(claims, taken)


@pytest.mark.parametrize("text,site", [
    ("Earlier it was reported that the SDF had already captured the National Hospital, but that "
     "proved premature.", "national-hospital"),
    ("Reports that the SDF had seized the clock tower turned out to be false.", "clock-tower"),
    ("The SDF captured the National Hospital on Monday, a commander said. That later proved premature.",
     "national-hospital"),
    ("SDF fighters took the clock tower on Monday. Fighting went on. Reports that the SDF had taken "
     "the clock tower turned out to be premature, residents said.", "clock-tower"),
])
def test_a_taking_the_report_calls_premature_or_false_is_denied(gaz, actors, tmp_path, text, site):
    claims = [c for c in _claims(gaz, actors, tmp_path, text) if c.site == f"raqqa-{site}"]
    assert claims and all(c.status == "denied" and not c.counts for c in claims)


def test_a_taking_stands_when_only_other_reports_proved_false(gaz, actors, tmp_path):
    text = "The SDF took the clock tower after reports that it had fallen proved false."
    assert ("capture", "SDF", None) in _counted(_claims(gaz, actors, tmp_path, text), "clock-tower")


@pytest.mark.parametrize("text,kind", [
    ("The SDF drove the jihadists out of the Old City on Tuesday.", "full_control"),
    ("The SDF drove the jihadists out of parts of the Old City on Tuesday.", "capture"),
])
def test_driving_the_enemy_out_of_a_site_takes_all_of_it(gaz, actors, tmp_path, text, kind):
    claims = [c for c in _claims(gaz, actors, tmp_path, text) if c.counts and c.site == "raqqa-old-city"]
    assert [(c.type, c.actor, c.part) for c in claims] == [(kind, "SDF", kind == "capture")]
