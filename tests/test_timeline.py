"""Timeline rules on small hand-made claims: the state model, one rule a test."""

import datetime as dt

import pytest

from conflictmap.geo.claims import Claim
from conflictmap.geo.timeline import Timeline

D1, D2, D3, D4 = (dt.date(2020, 1, d) for d in (1, 2, 3, 4))


def claim(site, type_, actor, day, *, tense="present", status="asserted", loser=None, n=0,
          part=False, order=0, clock=None, published=None, confidence=0.8, precision="day",
          asserted_by="reporter", sentence=None):
    return Claim(article=f"a{n}.txt", published=published or day,
                 sentence=sentence or f"{type_} {actor} {n}", start=n, end=n + 1, site=site,
                 site_text=site, type=type_, actor=actor, loser=loser, date=day,
                 date_precision=precision, date_text="", status=status, tense=tense,
                 asserted_by=asserted_by, confidence=confidence, reason="test", part=part,
                 order=order, clock=clock)


def states(actors, claims, site="s", parents=None, sites=None):
    t = Timeline(claims, sites or [site], actors, D1, D4, parents=parents)
    return [t.on(d)[site].controller + ("*" if t.on(d)[site].inferred else "") for d in t.days]


def fighting(actors, claims, site="s"):
    t = Timeline(claims, [site], actors, D1, D4)
    return [t.on(d)[site].fighting for d in t.days]


def test_capture_carries_forward_and_infers_the_loser(actors):
    assert states(actors, [claim("s", "capture", "SDF", D3)]) == ["IS*", "IS*", "SDF", "SDF"]


def test_explicit_loser_wins_over_the_opponent_rule(actors):
    got = states(actors, [claim("s", "capture", "IS", D2, loser="SYR")])
    assert got == ["SYR*", "IS", "IS", "IS"]


def test_hold_then_capture(actors):
    got = states(actors, [claim("s", "hold", "IS", D2), claim("s", "capture", "SDF", D4, n=1)])
    assert got == ["IS*", "IS", "IS", "SDF"]


def test_besieged_is_not_contested(actors):
    # A siege keeps the holder; with none known, the enemy of the side pressing it holds it.
    got = states(actors, [claim("s", "hold", "IS", D1), claim("s", "siege", "SDF", D2, n=1)])
    assert got == ["IS", "IS", "IS", "IS"]
    assert fighting(actors, [claim("s", "siege", "SDF", D2)]) == ["none", "around", "none", "none"]
    assert states(actors, [claim("s", "siege", "SDF", D2)]) == ["IS*", "IS", "IS", "IS"]


def test_entry_and_fighting_inside_are_contested(actors):
    got = states(actors, [claim("s", "hold", "IS", D1), claim("s", "entry", "SDF", D2, n=1)])
    assert got == ["IS", "contested", "contested", "contested"]
    got = fighting(actors, [claim("s", "hold", "IS", D1), claim("s", "contested", None, D3, n=1)])
    assert got == ["none", "none", "inside", "inside"]


def test_part_of_a_site_is_contested_and_says_who_held_it(actors):
    got = states(actors, [claim("s", "hold", "IS", D2, part=True)])
    assert got == ["IS*", "contested", "contested", "contested"]
    got = states(actors, [claim("s", "capture", "SDF", D2, part=True)])
    assert got == ["IS*", "contested", "contested", "contested"]


def test_capture_after_fighting_the_same_day_ends_it(actors):
    got = states(actors, [claim("s", "contested", None, D2),
                          claim("s", "capture", "SDF", D2, n=1, order=1)])
    assert got[1:] == ["SDF", "SDF", "SDF"]


def test_still_holding_the_day_it_was_taken_is_contested(actors):
    got = states(actors, [claim("s", "capture", "SDF", D2),
                          claim("s", "presence", "IS", D2, n=1)])
    assert got[1] == "contested"


def test_capture_supersedes_past_holds(actors):
    got = states(actors, [claim("s", "capture", "SDF", D2),
                          claim("s", "hold", "IS", D2, tense="past", n=2)])
    assert got[1] == "SDF"


def test_brief_capture_then_retreat_leaves_the_last_holder(actors):
    # "briefly took the square, then were forced to retreat": back and forth that day, the
    # next days belong to who held it at the end.
    got = states(actors, [claim("s", "capture", "IS", D2, order=-2, loser="SDF"),
                          claim("s", "loss", "IS", D2, n=1)])
    assert got == ["SDF*", "contested", "SDF", "SDF"]


def test_later_reports_of_a_day_have_the_last_word(actors):
    # A morning report of fighting, an evening one of the capture (a live blog's clock).
    got = states(actors, [claim("s", "contested", None, D2, clock=9 * 60 + 30),
                          claim("s", "capture", "SDF", D2, n=1, clock=19 * 60 + 40)])
    assert got[1] == "SDF"
    got = states(actors, [claim("s", "capture", "SDF", D2, n=1, clock=9 * 60),
                          claim("s", "capture", "IS", D2, n=2, clock=20 * 60)])
    assert got[1] == "contested" and got[2] == "IS"


def test_disagreeing_reports_are_weighed(actors):
    # Equal weight: contested. One wrong-side reading among right ones: the right side.
    even = [claim("s", "capture", "SDF", D2), claim("s", "capture", "IS", D2, n=1)]
    assert states(actors, even)[1:] == ["contested"] * 3
    many = [claim("s", "capture", "SDF", D2, n=k, sentence=f"report {k}") for k in range(3)]
    assert states(actors, [*many, claim("s", "capture", "IS", D2, n=9)])[1] == "SDF"


def test_a_reprinted_story_counts_once(actors):
    same = [claim("s", "capture", "SDF", D2, n=k, sentence="SDF fighters took the square.")
            for k in range(3)]
    got = states(actors, [*same, claim("s", "capture", "IS", D2, n=9, sentence="IS took it back.")])
    assert got[1] == "contested"


def test_doubtful_claims_only_hint_who_held_the_site(actors):
    # "preparing to capture X" (intent) and a denied capture never give a state of their own;
    # the intent says the other side held it, which only fills days nothing else speaks of.
    got = states(actors, [claim("s", "capture", "SDF", D2, status="intent"),
                          claim("s", "capture", "SDF", D3, status="denied", n=1)])
    assert got == ["IS*"] * 4
    got = states(actors, [claim("s", "capture", "SDF", D2, status="intent"),
                          claim("s", "capture", "SDF", D4, n=1)])
    assert got == ["IS*", "IS*", "IS*", "SDF"]


def test_history_sets_the_state_before_the_first_report(actors):
    old = claim("s", "capture", "IS", dt.date(2019, 5, 1), precision="month")
    assert states(actors, [old, claim("s", "entry", "SDF", D3, n=1)]) == [
        "IS*", "IS*", "contested", "contested"]


def test_a_city_takes_its_state_from_its_quarters(actors):
    quarters = {"q1": "city", "q2": "city"}
    claims = [claim("q1", "capture", "SDF", D2), claim("q2", "hold", "IS", D2, n=1)]
    got = states(actors, claims, site="city", parents=quarters, sites=["city", "q1", "q2"])
    assert got == ["IS*", "contested*", "contested*", "contested*"]


def test_a_city_fully_taken_takes_its_quarters(actors):
    claims = [claim("q1", "hold", "IS", D1), claim("city", "full_control", "SDF", D3, n=1)]
    got = states(actors, claims, site="q1", parents={"q1": "city"}, sites=["city", "q1"])
    assert got == ["IS", "IS", "SDF", "SDF"]


def test_a_quarter_lost_after_the_city_s_last_word_makes_it_contested(actors):
    claims = [claim("city", "hold", "IS", D1), claim("q1", "capture", "SDF", D3, n=1)]
    got = states(actors, claims, site="city", parents={"q1": "city"}, sites=["city", "q1"])
    assert got == ["IS", "IS", "contested", "contested"]


def test_a_quarter_no_report_names_is_held_with_its_city(actors):
    # The square no report speaks of is its city's while one side holds all of the city, and
    # still its holder's while the city is fought over; a quarter with claims of its own keeps them.
    claims = [claim("city", "hold", "IS", D1), claim("city", "entry", "SDF", D2, n=1),
              claim("city", "capture", "SDF", D4, n=2), claim("q2", "hold", "IS", D4, n=3)]
    sites = ["city", "square", "q2"]
    parents = {"square": "city", "q2": "city"}
    assert states(actors, claims, site="square", parents=parents, sites=sites) == [
        "IS*", "IS*", "IS*", "SDF*"]
    # A city fought over from the first report on, no holder before: its silent quarters are unknown.
    fought = [claim("city", "contested", None, D2)]
    assert states(actors, fought, site="square", parents=parents, sites=sites) == ["unknown"] * 4
    assert states(actors, claims, site="q2", parents=parents, sites=sites)[:3] == ["IS*", "IS*", "IS*"]
    # Taken with its city taken whole, it is its own (not inferred).
    whole = [*claims[:2], claim("city", "full_control", "SDF", D4, n=2)]
    assert states(actors, whole, site="square", parents=parents, sites=sites)[3] == "SDF"


def test_a_city_known_only_from_one_quarter_does_not_hand_that_side_the_others(actors):
    # One square taken in a city no report speaks of: the city may follow the square
    # (inferred), but the quarters nobody names stay unknown, not the square's taker's.
    claims = [claim("square", "capture", "SDF", D2)]
    sites, parents = ["city", "square", "q2"], {"square": "city", "q2": "city"}
    assert states(actors, claims, site="city", parents=parents, sites=sites)[1:] == ["SDF*"] * 3
    assert states(actors, claims, site="q2", parents=parents, sites=sites) == ["unknown"] * 4
    # Once a report speaks of the city itself, its holder is the silent quarter's again.
    held = [*claims, claim("city", "hold", "SDF", D3, n=1)]
    assert states(actors, held, site="q2", parents=parents, sites=sites)[2:] == ["SDF*"] * 2


def test_a_taking_by_no_side_named_is_the_side_on_the_offensive_against_the_holder(actors):
    # "The capture of the fortress came despite ..." (no side; SDF on the offensive) of a site
    # IS holds (the SDF besieged it): the SDF took it. Not so on a day IS took it itself: then
    # the report is news of IS's taking, not a second change of hands.
    from dataclasses import replace
    held = [claim("s", "siege", "SDF", D1)]
    guessed = replace(claim("s", "capture", None, D3, n=1), guess="SDF")
    assert states(actors, [*held, guessed]) == ["IS", "IS", "SDF", "SDF"]
    taken = [claim("s", "capture", "IS", D3, n=2), guessed]
    assert states(actors, [*held, *taken])[2:] == ["IS", "IS"]


def test_fighting_around_a_site_by_no_side_named_leaves_it_with_the_attacker_s_enemy(actors):
    # "Clashes are under way near the compound" in a report of the SDF's offensive: the
    # compound is pressed by the SDF and held by IS; a side named holding it still wins.
    from dataclasses import replace
    pressed = replace(claim("s", "siege", None, D2), guess="SDF", fighting="around")
    assert states(actors, [pressed]) == ["IS*", "IS", "IS", "IS"]
    assert states(actors, [pressed, claim("s", "hold", "SDF", D3, n=1)])[2:] == ["SDF", "SDF"]


def test_a_hold_by_the_loser_the_next_day_a_report_speaks_is_reports_disagreeing(actors):
    # SDF took it on day 2; on day 3 a report says it "remains under IS control": the reports
    # disagree (contested), the map does not hand it back. Later, an IS hold is the latest word.
    claims = [claim("s", "hold", "IS", D1), claim("s", "capture", "SDF", D2, n=1),
              claim("s", "hold", "IS", D3, n=2)]
    assert states(actors, claims) == ["IS", "SDF", "contested", "contested"]
    quiet = [claim("s", "hold", "IS", D1), claim("s", "capture", "SDF", D2, n=1),
             claim("s", "hold", "SDF", D3, n=2), claim("s", "hold", "IS", D4, n=3)]
    assert states(actors, quiet) == ["IS", "SDF", "SDF", "IS"]
    # long after the taking, the other side's hold is the latest word
    late = [claim("s", "capture", "SDF", D1), claim("s", "hold", "IS", D1 + dt.timedelta(days=9), n=1)]
    t = Timeline(late, ["s"], actors, D1, D1 + dt.timedelta(days=9))
    assert t.on(D1 + dt.timedelta(days=9))["s"].controller == "IS"


def test_two_winners_same_day(actors):
    got = states(actors, [claim("s", "capture", "SDF", D2),
                          claim("s", "capture", "IS", D2, n=1)])
    assert got[1:] == ["contested"] * 3


def test_intervals_cover_every_day_once(actors):
    t = Timeline([claim("s", "capture", "SDF", D3)], ["s", "t"], actors, D1, D4)
    ivs = t.intervals()
    assert [(i.site, i.controller, i.start, i.end, i.inferred, i.fighting) for i in ivs] == [
        ("s", "IS", D1, D2, True, "none"), ("s", "SDF", D3, D4, False, "none"),
        ("t", "unknown", D1, D4, False, "none")]


def test_intervals_split_where_the_fighting_changes(actors):
    t = Timeline([claim("s", "hold", "IS", D1), claim("s", "siege", "SDF", D3, n=1)], ["s"],
                 actors, D1, D4)
    assert [(i.controller, i.start, i.end, i.fighting) for i in t.intervals()] == [
        ("IS", D1, D2, "none"), ("IS", D3, D3, "around"), ("IS", D4, D4, "none")]


def test_on_outside_range(actors):
    t = Timeline([], ["s"], actors, D1, D2)
    with pytest.raises(KeyError):
        t.on(D4)


def test_the_side_a_site_was_taken_from_by_name_wins_over_old_history(actors):
    # "The base was the army's headquarters" (history, years ago) and then "troops seized the
    # base from IS": who held it just before is the side it was taken from, not who held it then.
    old = claim("s", "hold", "SDF", dt.date(2003, 1, 1), precision="year")
    taken = claim("s", "capture", "SDF", D3, loser="IS", n=1)
    assert states(actors, [old, taken]) == ["IS*", "IS*", "SDF", "SDF"]
    # A taking that names no loser leaves history its say.
    assert states(actors, [old, claim("s", "capture", "SDF", D3, n=1)]) == [
        "SDF*", "SDF*", "SDF", "SDF"]


def test_a_sides_claim_to_have_taken_a_site_it_is_reported_inside_counts(actors):
    # "IS stormed the base", then "IS claimed to have taken control of it": the entry bears the
    # claim out, and the base is IS's, not fought over for ever.
    entry = claim("s", "entry", "IS", D2)
    said = claim("s", "capture", "IS", D2, status="hedged", n=1, order=1)
    assert states(actors, [entry, said])[1:] == ["IS", "IS", "IS"]
    assert states(actors, [entry])[1:] == ["contested"] * 3
    # Without an entry of its own, a side's claim stays a claim.
    assert "IS" not in states(actors, [said])
    # Nor does the other side's entry bear it out.
    assert states(actors, [claim("s", "entry", "SDF", D2), said])[1:] == ["contested"] * 3
