"""The day-by-day control timeline: per site and day, who held it and why."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .actors import CONTESTED, UNKNOWN, Actors
from .claims import CONTROL_TYPES, Claim

__all__ = ["State", "Interval", "Timeline"]


@dataclass(frozen=True)
class State:
    """A site's state at the end of one day.

    Attributes
    ----------
    site : str
    date : datetime.date
    controller : str
        An actor id, ``contested`` or ``unknown``.
    inferred : bool
        True where no evidence speaks of that day: the state is the one the
        site's first evidence implies (the side that lost it, or held it).
    evidence : tuple of Claim
        The claims the state rests on (for a carried-forward state, those of
        the day it was last set).
    since : datetime.date or None
        The day of that evidence.
    """

    site: str
    date: dt.date
    controller: str
    inferred: bool
    evidence: tuple[Claim, ...]
    since: dt.date | None


@dataclass(frozen=True)
class Interval:
    """A run of days over which a site's state did not change (bounds inclusive)."""

    site: str
    controller: str
    start: dt.date
    end: dt.date
    inferred: bool
    evidence: tuple[Claim, ...]


def _day_range(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


class Timeline:
    """Who held each site on each day, from the claims.

    Parameters
    ----------
    claims : iterable of Claim
        All claims; those that do not count (doubtful, historical, no side)
        are ignored.
    sites : sequence of str
        The site ids of the map; each gets a state every day.
    actors : Actors
        Used to name the loser of a capture when the text does not.
    start, end : datetime.date
        The first and last day of the map.

    Notes
    -----
    A day's state is the state at its end, decided from that day's claims:

    - a capture (or full control) by one side gives that side, unless a side
      it took the site from is said the same day to still hold or be in it
      (then ``contested``); fighting on the day of a capture preceded it;
      a hold in the past tense ("was one of IS's last holdouts") describes
      the day before the capture;
    - a hold by one side gives that side, unless there was fighting;
    - fighters present (holed up, dug in) give their side where nothing else
      is known, ``contested`` where the site was another side's or fought over;
    - fighting alone gives ``contested``; several sides claiming control too.

    A state carries forward until new evidence. Days before a site's first
    evidence take the state that evidence implies, marked inferred.
    """

    def __init__(
        self, claims: Iterable[Claim], sites: Sequence[str], actors: Actors,
        start: dt.date, end: dt.date,
    ) -> None:
        if end < start:
            raise ValueError("the timeline ends before it starts")
        self.actors = actors
        self.sites = list(sites)
        self.days = _day_range(start, end)
        self._day_set = frozenset(self.days)
        site_set = frozenset(self.sites)
        by_site: dict[str, dict[dt.date, list[Claim]]] = defaultdict(lambda: defaultdict(list))
        for c in claims:
            if c.counts and c.site in site_set and c.date <= end:
                by_site[c.site][c.date].append(c)
        self._states = {site: self._site_states(by_site.get(site, {})) for site in self.sites}

    # -- rules ----------------------------------------------------------------
    def _winner(self, c: Claim) -> str | None:
        if c.type in CONTROL_TYPES:
            return c.actor
        if c.type == "loss" and c.actor:
            return c.taker or self.actors.opponent(c.actor)
        return None

    def _decide(self, claims: list[Claim], prev: str | None) -> tuple[str, list[Claim]] | None:
        captures = [c for c in claims if c.type in (*CONTROL_TYPES, "loss") and c.actor]
        holds = [c for c in claims if c.type == "hold" and c.actor]
        present = [c for c in claims if c.type == "presence" and c.actor and c.tense == "present"]
        fights = [c for c in claims if c.type == "contested"]
        if captures:
            winners = {self._winner(c) for c in captures}
            if len(winners) > 1 or None in winners:
                return CONTESTED, captures
            (side,) = winners
            still = [c for c in holds + present if c.actor != side and c.tense == "present"]
            if still:
                return CONTESTED, captures + still
            return side, captures
        if holds:
            holders = {c.actor for c in holds}
            others = [c for c in present if c.actor not in holders]
            if len(holders) > 1 or fights or others:
                return CONTESTED, holds + fights + others
            return holds[0].actor, holds
        if present:
            holders = {c.actor for c in present}
            side = present[0].actor
            if len(holders) > 1 or fights or prev not in (None, side):
                return CONTESTED, present + fights
            return side, present
        if fights:
            return CONTESTED, fights
        return None

    def _implied_before(self, claims: list[Claim]) -> str | None:
        """Return the state a site's first evidence implies it had before."""
        for c in claims:
            if c.type in CONTROL_TYPES and c.actor:
                return c.loser or self.actors.opponent(c.actor)
            if c.type == "loss" and c.actor:
                return c.actor
        holders = {c.actor for c in claims if c.type in ("hold", "presence") and c.actor}
        return holders.pop() if len(holders) == 1 else None

    def _site_states(self, by_day: dict[dt.date, list[Claim]]) -> dict[dt.date, State]:
        decided: dict[dt.date, tuple[str, tuple[Claim, ...]]] = {}
        prev = None
        for day in sorted(by_day):
            result = self._decide(by_day[day], prev)
            if result:
                prev = result[0]
                decided[day] = (result[0], tuple(sorted(result[1], key=_claim_key)))
        out: dict[dt.date, State] = {}
        first = min(decided) if decided else None
        current: tuple[str, tuple[Claim, ...]] | None = None
        since = None
        for day in sorted({*decided, *self.days}):
            if day in decided:
                current, since = decided[day], day
            if day not in self._day_set:
                continue
            if current is not None:
                out[day] = State("", day, current[0], False, current[1], since)
            elif first is not None:
                implied = self._implied_before(list(decided[first][1]))
                out[day] = State("", day, implied or UNKNOWN, implied is not None,
                                 decided[first][1] if implied else (), None)
            else:
                out[day] = State("", day, UNKNOWN, False, (), None)
        return out

    # -- access ---------------------------------------------------------------
    def on(self, day: dt.date) -> dict[str, State]:
        """Return every site's state at the end of ``day``.

        Parameters
        ----------
        day : datetime.date
            A day of the timeline.

        Returns
        -------
        dict of str to State
        """
        if day not in self._day_set:
            raise KeyError(f"{day} is outside the timeline ({self.days[0]} to {self.days[-1]})")
        return {
            site: State(site, day, s.controller, s.inferred, s.evidence, s.since)
            for site in self.sites
            for s in (self._states[site][day],)
        }

    def intervals(self) -> list[Interval]:
        """Return each site's runs of unchanged state, by site then start."""
        out = []
        for site in self.sites:
            run: list[State] = []
            for day in self.days:
                s = self._states[site][day]
                if run and (s.controller, s.inferred) != (run[0].controller, run[0].inferred):
                    out.append(self._interval(site, run))
                    run = []
                run.append(s)
            out.append(self._interval(site, run))
        return out

    @staticmethod
    def _interval(site: str, run: list[State]) -> Interval:
        evidence: dict[tuple, Claim] = {}
        for s in run:
            for c in s.evidence:
                evidence.setdefault(_claim_key(c), c)
        return Interval(site, run[0].controller, run[0].date, run[-1].date, run[0].inferred,
                        tuple(evidence[k] for k in sorted(evidence)))


def _claim_key(c: Claim) -> tuple:
    return (c.date, c.article, c.start, c.type)
