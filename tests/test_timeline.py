"""Timeline rules on small hand-made claims."""

import datetime as dt

import pytest

from geo.claims import Claim
from geo.timeline import Timeline

D1, D2, D3, D4 = (dt.date(2020, 1, d) for d in (1, 2, 3, 4))


def claim(site, type_, actor, day, *, tense="present", status="asserted", loser=None, n=0):
    return Claim(article=f"a{n}.txt", published=day, sentence=f"{type_} {actor} {n}", start=n,
                 end=n + 1, site=site, site_text=site, type=type_, actor=actor, loser=loser,
                 date=day, date_precision="day", date_text="", status=status, tense=tense,
                 asserted_by="reporter", confidence=0.9, reason="test")


def states(actors, claims, site="s"):
    t = Timeline(claims, [site], actors, D1, D4)
    return [t.on(d)[site].controller + ("*" if t.on(d)[site].inferred else "") for d in t.days]


def test_capture_carries_forward_and_infers_the_loser(actors):
    assert states(actors, [claim("s", "capture", "SDF", D3)]) == ["IS*", "IS*", "SDF", "SDF"]


def test_explicit_loser_wins_over_the_opponent_rule(actors):
    got = states(actors, [claim("s", "capture", "IS", D2, loser="SYR")])
    assert got == ["SYR*", "IS", "IS", "IS"]


def test_hold_then_capture(actors):
    got = states(actors, [claim("s", "hold", "IS", D2), claim("s", "capture", "SDF", D4, n=1)])
    assert got == ["IS*", "IS", "IS", "SDF"]


def test_contradiction_on_a_day_is_contested(actors):
    got = states(actors, [claim("s", "capture", "SDF", D2),
                          claim("s", "presence", "IS", D2, n=1)])
    assert got[1] == "contested"


def test_capture_supersedes_fighting_and_past_holds(actors):
    got = states(actors, [claim("s", "capture", "SDF", D2),
                          claim("s", "contested", "IS", D2, n=1),
                          claim("s", "hold", "IS", D2, tense="past", n=2)])
    assert got[1] == "SDF"


def test_doubtful_claims_change_nothing(actors):
    got = states(actors, [claim("s", "capture", "SDF", D2, status="intent"),
                          claim("s", "capture", "SDF", D3, status="denied", n=1)])
    assert got == ["unknown"] * 4


def test_two_winners_same_day(actors):
    got = states(actors, [claim("s", "capture", "SDF", D2),
                          claim("s", "capture", "IS", D2, n=1)])
    assert got[1:] == ["contested"] * 3


def test_intervals_cover_every_day_once(actors):
    t = Timeline([claim("s", "capture", "SDF", D3)], ["s", "t"], actors, D1, D4)
    ivs = t.intervals()
    assert [(i.site, i.controller, i.start, i.end, i.inferred) for i in ivs] == [
        ("s", "IS", D1, D2, True), ("s", "SDF", D3, D4, False), ("t", "unknown", D1, D4, False)]


def test_on_outside_range(actors):
    t = Timeline([], ["s"], actors, D1, D2)
    with pytest.raises(KeyError):
        t.on(D4)
