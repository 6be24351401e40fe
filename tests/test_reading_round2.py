"""Reading patterns of wire copy, round two: how reporters write, in our own sentences.

Each test states the pattern and what the reader must make of it; each fails
for a reader that returns nothing.
"""

import datetime as dt

from conftest import read_claims as _claims

from conflictmap.geo.timeline import Timeline


def _days(actors, claims, site, first, last):
    t = Timeline(claims, [site], actors, first, last)
    return [t.on(d)[site].controller for d in t.days]


def test_a_hold_stated_the_day_a_side_presses_on_a_site_says_who_held_it_before(gaz, actors, tmp_path):
    # A side pushing towards a town it has long held (pressing on the country beyond) says
    # nothing against the hold the same report states: the days before are the holder's.
    text = ("Islamic State units pushed toward Tabqa on Tuesday to widen the ground they hold. "
            "Islamic State has controlled Tabqa for more than a year.")
    claims = _claims(gaz, actors, tmp_path, text)
    assert any(c.site == "tabqa" and c.type == "hold" and c.actor == "IS" for c in claims)
    got = _days(actors, claims, "tabqa", dt.date(2017, 10, 14), dt.date(2017, 10, 17))
    assert got == ["IS", "IS", "IS", "IS"]


def test_a_side_announcing_the_evacuation_of_a_town_runs_it(gaz, actors, tmp_path):
    # Ordering people out of a town is done by whoever runs it: the side announcing the
    # evacuation of X holds X that day, even one that has pulled its own lines back elsewhere.
    text = ("The Islamic State, whose fighters have fallen back to the east bank, announced the "
            "evacuation of the town of Tabqa on Sunday.")
    claims = _claims(gaz, actors, tmp_path, text)
    assert ("tabqa", "hold", "IS") in {(c.site, c.type, c.actor) for c in claims if c.counts}
    got = _days(actors, claims, "tabqa", dt.date(2017, 10, 14), dt.date(2017, 10, 16))
    assert got == ["IS", "IS", "IS"]


def test_the_names_of_places_a_count_said_were_taken_take_the_counts_day(gaz, actors, tmp_path):
    # "On Saturday, five villages were freed" then, a sentence or two on, the list of them with
    # no day of its own: the same takings, on Saturday, not on the day the report came out.
    text = ("In the SDF push north of the river on Saturday, five villages were freed. The command "
            "gave the figure on Monday evening.\n\n"
            "Among them, it proved possible to free Tabqa, Ain Issa and Mansoura, a spokesman said.")
    claims = _claims(gaz, actors, tmp_path, text)
    takings = {c.site: c.date for c in claims if c.type == "capture" and c.counts}
    assert takings.get("tabqa") == dt.date(2017, 10, 14)
    assert takings.get("raqqa-ain-issa") == dt.date(2017, 10, 14)
    # A list with no count before it keeps the report's day.
    alone = _claims(gaz, actors, tmp_path, "The SDF freed Tabqa and Ain Issa, a spokesman said.")
    assert {c.date for c in alone if c.site == "tabqa" and c.counts} == {dt.date(2017, 10, 17)}


def test_being_in_a_state_is_no_presence_in_the_site_of_the_next_verb(gaz, actors, tmp_path):
    # "are in disarray and are pulling out of X": "are in" is said of a state, and the site
    # after the next verb is that verb's; IS is not in X by it.
    text = "IS fighters on the road north are in disarray and are pulling out of Tabqa, officials said."
    claims = _claims(gaz, actors, tmp_path, text)
    assert not any(c.type == "presence" and c.site == "tabqa" for c in claims)
    assert any(c.type == "loss" and c.site == "tabqa" and c.actor == "IS" for c in claims)


def test_an_unconfirmed_report_hedges_its_whole_clause(gaz, actors, tmp_path):
    # The doubt of "Unconfirmed reports indicate that ..." is on what the reports say, however
    # many words stand between it and the phrase.
    text = ("Unconfirmed reports indicate that Islamic State fighters holding the road to the north "
            "of the lake are withdrawing from Tabqa.")
    claims = _claims(gaz, actors, tmp_path, text)
    losses = [c for c in claims if c.type == "loss" and c.site == "tabqa"]
    assert losses and all(c.status == "hedged" for c in losses)


def test_machines_moving_in_say_nothing_of_whose_they_are(gaz, actors, tmp_path):
    # "TV showed tanks and other vehicles entering X": no side is named, and vehicles moving
    # into a base are as often the holder's own; fighters that storm it with no side read still
    # count as an entry.
    moving = _claims(gaz, actors, tmp_path, "State television showed tanks and other armoured "
                     "vehicles entering Tabqa.")
    assert any(c.type == "entry" and c.site == "tabqa" for c in moving)
    assert not any(c.type == "entry" and c.counts for c in moving)
    stormed = _claims(gaz, actors, tmp_path, "Forces advancing on the city stormed Tabqa on Monday.")
    assert any(c.type == "entry" and c.site == "tabqa" and c.counts for c in stormed)


def test_a_taking_since_an_operation_was_launched_is_not_dated_to_the_launch(gaz, actors, tmp_path):
    # "launched a large-scale operation on Monday ..., and so far have managed to liberate X":
    # Monday is when the operation began; the liberation came since, by the report. Nor does
    # the date of an aside elsewhere in the sentence ("a vote held last month") become its own.
    text = ("Answering a vote held last month, SDF fighters launched a large-scale operation on "
            "Monday to retake ground from IS, and so far have managed to free several towns "
            "including Tabqa.")
    takings = [c for c in _claims(gaz, actors, tmp_path, text) if c.site == "tabqa" and c.type == "capture"]
    assert takings and {(c.date, c.counts) for c in takings} == {(dt.date(2017, 10, 17), True)}
    # A taking with its own day keeps it.
    own = _claims(gaz, actors, tmp_path, "SDF fighters launched an operation on Monday and took "
                  "Tabqa on Monday evening.")
    assert {c.date for c in own if c.site == "tabqa" and c.type == "capture"} == {dt.date(2017, 10, 16)}
