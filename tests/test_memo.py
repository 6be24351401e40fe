"""A timeline with a memo: the days of sites whose claims are the same are kept, the rest worked out."""

from __future__ import annotations

import dataclasses

import pytest

from conflictmap.geo.memo import SiteMemo, claims_digest
from conflictmap.geo.pipeline import load_inputs, quarters, read_theatre
from conflictmap.geo.timeline import Timeline


@pytest.fixture(scope="module")
def seeds_reading(seeds, seed_dates):
    arts, gaz, sides = load_inputs(sorted(seeds.glob("*.txt")), dates=seed_dates)
    return read_theatre(arts, gaz, sides)


def _timeline(reading, gaz, actors, claims, memo=None):
    tl = reading.timeline
    return Timeline(claims, tl.sites, actors, tl.days[0], tl.days[-1], parents=quarters(gaz, tl.sites),
                    memo=memo)


def _days(tl):
    return [tl.on(day) for day in tl.days], tl.intervals()


def _kept(memo):
    return {name: kd for name, kd in memo.fresh.items()}


def test_a_second_timeline_of_the_same_claims_works_out_nothing(seeds_reading, gaz, actors):
    first = SiteMemo()
    a = _timeline(seeds_reading, gaz, actors, seeds_reading.claims, first)
    assert a.recomputed == sorted(a.sites)  # an empty memo: every site worked out
    b = _timeline(seeds_reading, gaz, actors, seeds_reading.claims, SiteMemo(_kept(first)))
    assert b.recomputed == []
    assert _days(b) == _days(a) == _days(_timeline(seeds_reading, gaz, actors, seeds_reading.claims))
    # The days taken from the memo rest on this build's claims, not copies of them.
    ids = {id(c) for c in seeds_reading.claims}
    assert all(id(c) in ids or c.derived for s in b.on(b.days[-1]).values() for c in s.evidence)


def test_a_changed_claim_works_out_its_site_and_its_city_only(seeds_reading, gaz, actors):
    memo = SiteMemo()
    a = _timeline(seeds_reading, gaz, actors, seeds_reading.claims, memo)
    quarter = next(s for s in a.parents if any(c.site == s and c.counts for c in seeds_reading.claims))
    changed = [dataclasses.replace(c, confidence=c.confidence / 2) if c.site == quarter else c
               for c in seeds_reading.claims]
    b = _timeline(seeds_reading, gaz, actors, changed, SiteMemo(_kept(memo)))
    city = a.parents[quarter]
    assert quarter in b.recomputed and city in b.recomputed
    assert set(b.recomputed) <= {quarter, *_ancestors(a.parents, quarter), *_descendants(a.parents, quarter)}
    assert _days(b) == _days(_timeline(seeds_reading, gaz, actors, changed))


def test_a_city_whose_days_change_reworks_the_quarters_held_with_it(seeds_reading, gaz, actors):
    # A quarter no report names follows its city: when the city's days change, so do its, and
    # the kept build equals a fresh one; the quarter is worked out again, not kept stale.
    memo = SiteMemo()
    a = _timeline(seeds_reading, gaz, actors, seeds_reading.claims, memo)
    city = next(p for p in set(a.parents.values()) if p not in a.parents)
    changed = [dataclasses.replace(c, actor="IS", loser=None, taker=None)
               if c.site == city and c.counts and c.actor == "SDF" else c for c in seeds_reading.claims]
    b = _timeline(seeds_reading, gaz, actors, changed, SiteMemo(_kept(memo)))
    full = _timeline(seeds_reading, gaz, actors, changed)
    assert _days(b) == _days(full)
    silent = [q for q, p in a.parents.items() if p == city
              and not any(c.site == q for c in seeds_reading.claims)]
    moved = [q for q in silent if [a.on(d)[q].controller for d in a.days] != [full.on(d)[q].controller
                                                                           for d in a.days]]
    assert moved and set(moved) <= set(b.recomputed)


def test_a_memo_that_cannot_be_decoded_is_worked_out_again(seeds_reading, gaz, actors):
    memo = SiteMemo()
    a = _timeline(seeds_reading, gaz, actors, seeds_reading.claims, memo)
    broken = {name: (key, b"not zlib") for name, (key, _) in memo.fresh.items()}
    b = _timeline(seeds_reading, gaz, actors, seeds_reading.claims, SiteMemo(broken))
    assert b.recomputed == sorted(a.sites)
    assert _days(b) == _days(a)


def test_a_longer_map_voids_every_site(seeds_reading, gaz, actors):
    memo = SiteMemo()
    tl = _timeline(seeds_reading, gaz, actors, seeds_reading.claims, memo)
    longer = Timeline(seeds_reading.claims, tl.sites, actors, tl.days[0], tl.days[-1].replace(day=28),
                      parents=quarters(gaz, tl.sites), memo=SiteMemo(_kept(memo)))
    assert longer.recomputed == sorted(tl.sites)


def test_the_digest_sees_every_field(seeds_reading):
    c = next(c for c in seeds_reading.claims if c.counts)
    base = claims_digest([c])
    assert claims_digest([c]) == base
    for f in ("reason", "sentence", "confidence", "status", "actor", "derived"):
        value = getattr(c, f)
        other = {str: value + "x" if isinstance(value, str) else value, float: 0.123}.get(type(value), "x")
        assert claims_digest([dataclasses.replace(c, **{f: other})]) != base, f


def _ancestors(parents, site):
    out = []
    while site in parents:
        site = parents[site]
        out.append(site)
    return out


def _descendants(parents, site):
    out, todo = set(), [site]
    while todo:
        s = todo.pop()
        kids = {k for k, p in parents.items() if p == s}
        todo.extend(kids - out)
        out |= kids
    return out
