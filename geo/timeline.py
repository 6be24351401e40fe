"""The day-by-day control timeline: per site and day, who held it, how hard it was fought, and why.

The state model
---------------
A site's ``controller`` is who holds it at the end of the day. A site that is
besieged, surrounded, shelled or fought *around* stays with its holder (the
state before; with none, the side the next evidence implies; with none, the
enemy of the side pressing it). It is ``contested`` only where both sides
are inside it (fighting in it, an entry, a claim on part of it), where it
changed hands back and forth that day, or where credible reports of that
day disagree. Each day also says how it was fought: ``fighting`` is
``inside``, ``around`` or ``none``.

Within a day, claims are taken in the order the reports give them: later
reports after earlier ones, and in a report, what it says came early (or
was brief: "briefly took the square") before what came later. The last word
decides; reports of one moment that disagree are weighed by who asserts
them (:func:`geo.claims.attribution.weigh`), a wire story reprinted by
several outlets counting once.

A parent site (a city) takes its state from its quarters where it has no
evidence of its own; a quarter taken after the city's last word makes a
carried-forward city state contested; a city fully taken takes its quarters
with it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zlib
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from conflictmap.maps.schema import FIGHTING

from .actors import CONTESTED, UNKNOWN, Actors
from .claims import CONTROL_TYPES, STATE_TYPES, Claim, ClaimType, Status
from .errors import InputError
from .memo import SiteMemo, claims_digest, code_version, digest, sides_digest

__all__ = ["State", "Interval", "Timeline", "FIGHTING", "MAX_DAYS", "check_span"]

#: The most days a map covers unless told otherwise: three years (a stray date such as
#: 2999-01-01 would otherwise have the build map every day up to it).
MAX_DAYS = 1096

# Statuses of claims that, though they do not count, say who held the site:
# "troops are preparing to storm X" means the other side holds X.
_HINTS = frozenset({Status.INTENT, Status.NEGATED, Status.HEDGED, Status.CONDITIONAL})
# Effects, in the order they apply within one moment of a day (see _apply).
_PRECEDENCE = {"around": 0, "fight": 1, "attack_in": 2, "lose": 3, "guess": 4, "take": 4, "hold": 5,
               "defend_in": 6, "part": 7, "disagree": 8}
# What makes a claim one piece of evidence: its day, report, place in the text, type and site.
_ClaimKey = tuple[dt.date, str, int, str, str]


@dataclass(frozen=True, slots=True)
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
        site's first evidence implies, or its quarters' (for a city).
    evidence : tuple of Claim
        The claims the state rests on (for a carried-forward state, those of
        the day it was last set).
    since : datetime.date or None
        The day of that evidence.
    fighting : str
        ``inside``, ``around`` or ``none`` on that day.
    """

    site: str
    date: dt.date
    controller: str
    inferred: bool
    evidence: tuple[Claim, ...]
    since: dt.date | None
    fighting: str = "none"


@dataclass(frozen=True, slots=True)
class Interval:
    """A run of days over which a site's state did not change (bounds inclusive)."""

    site: str
    controller: str
    start: dt.date
    end: dt.date
    inferred: bool
    evidence: tuple[Claim, ...]
    fighting: str = "none"


@dataclass(frozen=True)
class _Effect:
    """What one claim does to a site's state: a kind (see ``_PRECEDENCE``) and a side."""

    kind: str
    side: str | None
    claim: Claim


@dataclass
class _Day:
    """A site's state while a day's claims are applied.

    ``holder`` holds it as far as is known; ``inside`` are the sides known to
    be in it; ``melee`` is fighting inside it, whoever the reports name;
    ``churn`` marks a site that changed hands back and forth that day.
    """

    holder: str | None
    inside: set[str] = field(default_factory=set)
    fighting: str = "none"
    melee: bool = False
    churn: bool = False
    before: str | None = None  # who held it before the day's last change of hands
    named_take: bool = False  # a report of the day names the side that took it
    taken: bool = False  # its holder took it on the last day that spoke of it

    @property
    def controller(self) -> str | None:
        if self.melee or len(self.inside) > 1 or self.churn:
            return CONTESTED
        return self.holder


def check_span(dated: Sequence[tuple[str, dt.date]], max_days: int | None = None) -> None:
    """Refuse a map of more than ``max_days`` days, naming the report dated furthest out.

    Parameters
    ----------
    dated : sequence of (str, datetime.date)
        Each report's path and the day it adds to the map (its publication date).
    max_days : int, optional
        The most days the map may cover, first and last included (default :data:`MAX_DAYS`).

    Raises
    ------
    InputError
        On the report whose date lies furthest from the others' middle, with
        how far it lies from the nearest of them. Nothing day by day is done
        before the check.
    """
    max_days = MAX_DAYS if max_days is None else max_days
    if max_days < 1:
        raise InputError("--max-days", f"must be at least 1, not {max_days}")
    if len(dated) < 2:
        return
    order = sorted(dated, key=lambda pd: (pd[1], pd[0]))
    first, last = order[0], order[-1]
    if (last[1] - first[1]).days + 1 <= max_days:
        return
    middle = order[(len(order) - 1) // 2][1]
    late = (last[1] - middle).days >= (middle - first[1]).days
    path, day = last if late else first
    nearest = order[-2][1] if late else order[1][1]
    gap = abs((day - nearest).days)
    raise InputError(path, f"{day} is {gap:,} days {'after' if late else 'before'} the other reports "
                           f"(nearest {nearest}): the map would span "
                           f"{(last[1] - first[1]).days + 1:,} days, more than --max-days {max_days}")


def _day_range(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _fight(day: _Day, level: str) -> None:
    if FIGHTING.index(level) > FIGHTING.index(day.fighting):
        day.fighting = level


class _Runs:
    """One site's states, day by day, kept as runs of days whose state is the same.

    A year of ten thousand sites is a few changes each, not 3.65 million
    states. :meth:`at` gives the run's state as stored (its ``date`` is the
    run's first day); ``runs[day]`` gives it dated ``day``.
    """

    __slots__ = ("first", "starts", "states")

    def __init__(self, first: dt.date, days: Sequence[dt.date], states: Mapping[dt.date, State]) -> None:
        self.first = first.toordinal()
        self.starts: list[int] = []
        self.states: list[State] = []
        for i, day in enumerate(days):
            st = states[day]
            if self.states and _same(self.states[-1], st):
                continue
            self.starts.append(i)
            self.states.append(st)

    @classmethod
    def of(cls, first: dt.date, starts: list[int], states: list[State]) -> _Runs:
        """Return runs already made: each run's first day index and its state."""
        runs = cls(first, [], {})
        runs.starts, runs.states = starts, states
        return runs

    def at(self, day: dt.date) -> State:
        """Return the state of ``day``'s run (dated the run's first day)."""
        return self.states[bisect_right(self.starts, day.toordinal() - self.first) - 1]

    def __getitem__(self, day: dt.date) -> State:
        st = self.at(day)
        return st if st.date == day else replace(st, date=day)

    def spans(self, n_days: int) -> Iterator[tuple[int, int, State]]:
        """Yield each run as ``(first day index, last day index, state)``."""
        ends = [*self.starts[1:], n_days]
        for a, b, st in zip(self.starts, ends, self.states, strict=True):
            yield a, b - 1, st


def _same(a: State, b: State) -> bool:
    """Whether two days' states are one state (all but the date alike)."""
    return (a.controller == b.controller and a.inferred == b.inferred and a.since == b.since
            and a.fighting == b.fighting and a.site == b.site
            and (a.evidence is b.evidence or a.evidence == b.evidence))


class Timeline:
    """Who held each site on each day, from the claims.

    Parameters
    ----------
    claims : iterable of Claim
        All claims; those that do not count (doubtful, historical, furniture)
        serve only as hints of who held a site no counting claim speaks of.
    sites : sequence of str
        The site ids of the map; each gets a state every day.
    actors : Actors
        Used to name the loser of a capture when the text does not.
    start, end : datetime.date
        The first and last day of the map.
    parents : mapping of str to str, optional
        Site id to the site it is a quarter of (a neighbourhood to its city);
        only quarters inside a settlement, not villages near it.
    memo : SiteMemo, optional
        The days worked out by an earlier build, by site: a site whose
        inputs digest to the same key takes them, the others are worked out
        again (:attr:`recomputed`) and put in the memo's ``fresh``.

    Notes
    -----
    See the module docstring for the state model.
    """

    def __init__(
        self, claims: Iterable[Claim], sites: Sequence[str], actors: Actors,
        start: dt.date, end: dt.date, parents: Mapping[str, str] | None = None,
        memo: SiteMemo | None = None,
    ) -> None:
        if end < start:
            raise ValueError("the timeline ends before it starts")
        self.actors = actors
        self.sites = list(sites)
        self.days = _day_range(start, end)
        self._day_set = frozenset(self.days)
        site_set = frozenset(self.sites)
        self.parents = {c: p for c, p in (parents or {}).items() if c in site_set and p in site_set}
        # Without a memo to keep, no site's inputs are digested nor its days encoded.
        self._keeping = memo is not None
        self.memo = memo if memo is not None else SiteMemo()
        by_site: dict[str, list[Claim]] = defaultdict(list)
        hints: dict[str, list[Claim]] = defaultdict(list)
        for c in claims:
            if c.site not in site_set or c.date > end:
                continue
            if c.counts:
                by_site[c.site].append(c)
            elif c.actor and (c.status in _HINTS or c.status == Status.ASSERTED and c.historical):
                hints[c.site].append(c)
        # A side reported inside a site ("stormed X") that then claims to have taken it
        # ("claiming to have taken control of X"): its entry bears the claim out.
        for site, pool in hints.items():
            entered = [c for c in by_site.get(site, ()) if c.type == ClaimType.ENTRY and not c.part]
            for c in pool:
                if c.status == Status.HEDGED and c.type in CONTROL_TYPES and not c.part \
                        and not c.historical and any(
                            e.actor == c.actor and e.date <= c.date for e in entered):
                    by_site[site].append(c)
        # What every site's key starts from: the code, the days mapped and the sides.
        self._base = digest(code_version(), start, end, sides_digest(actors)) if self._keeping else ""
        self._pools: dict[str, list[Claim]] = {}
        self._keys: dict[str, str] = {}
        self._states: dict[str, _Runs] = {}
        self._quarters(by_site, hints)

    # -- one claim ------------------------------------------------------------
    def _enemy(self, side: str | None) -> str | None:
        return self.actors.opponent(side) if side and side in self.actors else None

    def _effect(self, c: Claim) -> _Effect | None:
        t, a = c.type, c.actor
        if c.tense == "past" and t in (*CONTROL_TYPES, *STATE_TYPES):
            return None  # "where soldiers had been holding out", "once entirely controlled by IS"
        if c.part and (a or (t in CONTROL_TYPES and c.guess)):
            # Part of it: the side is in it, and so is the other (it holds the rest, or the
            # part a loser keeps).
            side = a or c.guess
            return _Effect("part", side if t != ClaimType.LOSS else (c.taker or self._enemy(side)), c)
        if t in CONTROL_TYPES:
            if a:
                return _Effect("take", a, c)
            return _Effect("guess", c.guess, c) if c.guess else None
        if t == ClaimType.LOSS:
            if not a:
                return None
            taker = c.taker or self._enemy(a)
            return _Effect("take", taker, c) if taker else _Effect("lose", a, c)
        if t == ClaimType.HOLD:
            return _Effect("hold", a, c) if a and c.tense == "present" else None
        if t == ClaimType.PRESENCE:
            return _Effect("defend_in", a, c) if a and c.tense == "present" else None
        if t == ClaimType.ENTRY:
            return _Effect("attack_in", a, c)
        if t == ClaimType.CONTESTED:
            return _Effect("fight", a, c)
        if t == ClaimType.SIEGE:
            return _Effect("around", a or c.guess, c)
        return None

    # -- one day --------------------------------------------------------------
    def _apply(self, day: _Day, e: _Effect, took_today: set[str]) -> None:
        side, enemy = e.side, self._enemy(e.side)
        if e.kind == "around":
            # Pressure from outside: the holder stays (with none known, the other side holds it).
            if day.holder is None and enemy:
                day.holder = enemy
                day.inside.add(enemy)
            _fight(day, "around")
        elif e.kind == "fight":
            _fight(day, "inside")
            day.melee = True  # fighting in it: both sides inside, named or not
            if side and day.holder not in (None, side):
                day.inside |= {day.holder, side}
        elif e.kind == "attack_in" and side is not None and side == day.holder and not day.melee:
            pass  # its own troops going into a site it holds
        elif e.kind in ("attack_in", "part", "disagree"):
            # The side goes in (or holds part, or reports disagree): both sides are inside.
            _fight(day, "inside")
            if day.holder is None:
                held = side if e.kind == "part" and e.claim.type in STATE_TYPES else enemy
                day.holder = held or side
            rival = side if side and side != day.holder else self._enemy(day.holder)
            day.inside |= {s for s in (day.holder, rival) if s}
            day.melee = day.melee or len(day.inside) < 2
        elif e.kind == "guess":
            # "X was liberated", by no side named: news of a change where no holder is known,
            # it was fought over, or its holder is the guessed side's enemy (besieged by it) and
            # no report of the day names a taker; else it tells what is already known.
            if day.holder is None or day.melee or len(day.inside) > 1 or (
                    side is not None and day.holder == enemy and not day.named_take):
                self._apply(day, _Effect("take", side, e.claim), took_today)
        elif e.kind == "take":
            if took_today and side not in took_today:
                day.churn = True  # it changed hands back and forth that day
            if side != day.holder:
                day.before = day.holder or e.claim.loser
            day.holder, day.inside, day.melee = side, {side} if side else set(), False
            if side:
                took_today.add(side)
        elif e.kind == "lose":
            day.inside.discard(side or "")
            if day.holder == side:
                # Back to who held it before the side took it, else the side's one enemy.
                back = day.before if day.before != side else None
                day.holder = back or self._enemy(side)
                if took_today and day.holder:
                    day.churn = True
                day.inside = {day.holder} if day.holder else set()
        elif e.kind in ("hold", "defend_in") and side:
            if day.holder is None or day.holder == side:
                day.holder = side
                day.inside.add(side)
            elif took_today or day.fighting == "inside" or e.kind == "defend_in" or day.taken:
                # "still holds it" the day the other side took it (or the next day that speaks
                # of it: reports that disagree), or its fighters are in a site the other side
                # holds: both are inside.
                day.inside |= {day.holder, side}
            else:
                # The latest word on a state carried from the days before.
                day.holder, day.inside, day.melee = side, {side}, False

    def _moments(self, claims: list[Claim]) -> list[list[Claim]]:
        """Return the day's claims in order, grouped into moments of one report time and order."""
        ordered = sorted(claims, key=lambda c: (c.published, c.moment, c.article, c.start, c.site))
        groups: list[list[Claim]] = []
        for c in ordered:
            if groups and (groups[-1][0].published, groups[-1][0].moment) == (c.published, c.moment):
                groups[-1].append(c)
            else:
                groups.append([c])
        return groups

    def _resolve(self, moment: list[Claim]) -> list[_Effect]:
        """Return the effects of one moment; reports of it that disagree on the holder are weighed.

        A side wins when the weight of the independent reports for it is at
        least half as much again as, and 0.2 more than, the other's ("one
        wrong-side reading among right ones"); otherwise the moment is
        contested.
        """
        effects = [e for e in (self._effect(c) for c in _independent(moment)) if e]
        control = [e for e in effects if e.kind in ("take", "hold")]
        support: dict[str, float] = defaultdict(float)
        for e in control:
            if e.side:
                support[e.side] += e.claim.confidence
        if len(support) > 1:
            ranked = sorted(support.items(), key=lambda kv: (-kv[1], kv[0]))
            (top, a), (_, b) = ranked[0], ranked[1]
            rest = [e for e in effects if e.kind not in ("take", "hold")]
            if a >= 1.5 * b and a - b >= 0.2:
                effects = rest + [e for e in control if e.side == top]
            else:
                first = next(e for e in control if e.side == top)
                effects = rest + [_Effect("disagree", top, first.claim)]
        return sorted(effects, key=lambda e: _PRECEDENCE[e.kind])

    def _decide(self, claims: list[Claim], prev: _Day | None) -> tuple[_Day, list[Claim]]:
        day = _Day(prev.holder if prev else None, set(prev.inside) if prev else set(),
                   melee=prev.melee if prev else False, taken=prev.taken if prev else False)
        took: set[str] = set()
        used: list[Claim] = []
        moments = [self._resolve(moment) for moment in self._moments(claims)]
        # A day whose reports name who took the site: a taking by no side named is that news.
        day.named_take = any(e.kind == "take" for effects in moments for e in effects)
        for effects in moments:
            for e in effects:
                self._apply(day, e, took)
                used.append(e.claim)
        day.taken = day.holder in took  # what the next day that speaks of it starts from
        return day, used

    # -- a site's days --------------------------------------------------------
    def _implied_before(self, first: list[Claim]) -> str | None:
        """Return the state a site's first evidence implies it had before."""
        # What a city's fall says of its quarters says nothing of who held them before.
        effects = [e for moment in self._moments([c for c in first if not c.derived])
                   for e in self._resolve(moment) if e.side]
        for e in effects:
            if e.kind in ("take", "guess"):
                return e.claim.loser if e.claim.type != ClaimType.LOSS and e.claim.loser else (
                    e.claim.actor if e.claim.type == ClaimType.LOSS else self._enemy(e.side))
            if e.kind in ("hold", "defend_in", "lose"):
                return e.side
            if e.kind == "part" and e.claim.type in STATE_TYPES:
                return e.side  # held part of it: it held it before
        # Only pressure on it that day ("IS pushed towards X"): the other side held it. A
        # hold the same day says so itself ("IS has controlled X for a year"), so it wins.
        for e in effects:
            if e.kind in ("attack_in", "around", "part", "fight"):
                return self._enemy(e.side)
        return None

    def _taken_from(self, first: list[Claim]) -> str | None:
        """Return the side a site's first evidence says it was taken from, by name ("from IS")."""
        for moment in self._moments([c for c in first if not c.derived]):
            for e in self._resolve(moment):
                if e.kind in ("take", "guess") and e.side and e.claim.type != ClaimType.LOSS:
                    if e.claim.loser and e.claim.loser != e.side:
                        return e.claim.loser
                    continue  # "took the base": another report of that taking may name the side
                if e.kind in ("hold", "defend_in", "lose", "part") and e.side:
                    return None  # what the day says first is not a taking
        return None

    def _runs(self, states: Mapping[dt.date, State]) -> _Runs:
        return _Runs(self.days[0], self.days, states)

    def _site_states(self, claims: list[Claim], hints: list[Claim]) -> dict[dt.date, State]:
        by_day: dict[dt.date, list[Claim]] = defaultdict(list)
        for c in claims:
            by_day[c.date].append(c)
        decided: dict[dt.date, tuple[_Day, tuple[Claim, ...]]] = {}
        carried: dict[dt.date, _Day] = {}
        prev: _Day | None = None
        last: dt.date | None = None
        for day in sorted(by_day):
            if prev is not None and last is not None and (day - last).days > _DISAGREE_DAYS:
                prev.taken = False  # a hold said long after the taking is the latest word
            state, used = self._decide(by_day[day], prev)
            if state.controller is None:
                continue  # "the plant was shelled", by nobody named: no state yet
            # The next days start from the last holder; a day it changed hands back and
            # forth is contested, but what carries on is who held it at the end.
            mixed = state.melee or len(state.inside) > 1
            carry = _Day(state.holder, set(state.inside) if mixed else
                         ({state.holder} if state.holder else set()),
                         "inside" if mixed else "none", melee=state.melee,
                         taken=state.taken)
            decided[day] = (state, tuple(sorted(used, key=_claim_key)))
            carried[day] = carry
            last = day
            prev = carry
        out: dict[dt.date, State] = {}
        first = min(decided) if decided else None
        # Before the first day decided: the side that day's taking names as the one it was
        # taken from ("seized the base from Kurdish fighters": who held it just before, which
        # history years old cannot overrule), else what history says it was (taken "in
        # November"), else what that day implies (the side it was taken from), else what
        # doubtful claims imply ("preparing to storm X").
        implied = self._taken_from(list(decided[first][1])) if first is not None else None
        implied_from = decided[first][1] if implied is not None and first is not None else ()
        if implied is None:
            implied, implied_from = self._hinted([c for c in hints if c.status == Status.ASSERTED], first)
        for day in sorted(decided):
            if implied is not None:
                break
            # The first day whose claims say something of the side before ("fighting in X"
            # says nothing; "troops took X" says the other side held it).
            implied = self._implied_before(list(decided[day][1]))
            implied_from = decided[day][1]
        if implied is None:
            implied, implied_from = self._hinted(hints, first)
        current: tuple[_Day, tuple[Claim, ...]] | None = None
        since = None
        for day in sorted({*decided, *self.days}):
            fresh = day in decided
            if fresh:
                current, since = decided[day], day
            if day not in self._day_set:
                continue
            if current is not None:
                st, ev = current
                if fresh:
                    ctrl, fighting = st.controller or UNKNOWN, st.fighting
                else:
                    carry = carried[since]  # type: ignore[index]
                    ctrl, fighting = carry.controller or UNKNOWN, carry.fighting
                out[day] = State("", day, ctrl, False, ev, since, fighting)
            elif implied is not None:
                out[day] = State("", day, implied, True, implied_from, None)
            else:
                out[day] = State("", day, UNKNOWN, False, (), None)
        return out

    def _hinted(self, hints: list[Claim], first: dt.date | None) -> tuple[str | None, tuple[Claim, ...]]:
        """Return the holder implied by claims that do not count, for days before any that do.

        History ("X fell to IS in May") gives the side that took or held the
        site then; an intention or a failure ("preparing to storm X", "failed
        to take X") the other side; a hedged hold its holder, a hedged capture
        the other side. The latest hint wins; hints of one day that disagree
        give nothing.
        """
        held: dict[dt.date, dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
        for c in hints:
            if first is not None and c.date > first:
                continue
            side = self._hint_side(c)
            if side:
                held[c.date][side].append(c)
        if not held:
            return None, ()
        sides = held[max(held)]
        if len(sides) != 1:
            return None, ()
        (side, ev), = sides.items()
        return side, tuple(sorted(ev, key=_claim_key))

    def _hint_side(self, c: Claim) -> str | None:
        if c.status == Status.ASSERTED:  # history
            if c.type in CONTROL_TYPES or c.type in STATE_TYPES:
                return c.actor
            if c.type == ClaimType.LOSS:
                return c.taker or self._enemy(c.actor)
            return None
        if c.status == Status.HEDGED:
            # "reportedly holds X": its holder; "reportedly took X": the other side had it,
            # and an unconfirmed capture does not change the map.
            if c.type in STATE_TYPES:
                return c.actor
            return self._enemy(c.actor) if c.type in CONTROL_TYPES else None
        if c.type in (*CONTROL_TYPES, ClaimType.ENTRY, ClaimType.SIEGE, ClaimType.CONTESTED):
            return self._enemy(c.actor)
        return None

    # -- cities and their quarters ----------------------------------------------
    def _quarters(self, by_site: dict[str, list[Claim]], hints: dict[str, list[Claim]]) -> None:
        """Work out every site's days: a city taken whole carried down, then a city's days filled up."""
        children: dict[str, list[str]] = defaultdict(list)
        for child, parent in self.parents.items():
            children[parent].append(child)

        def depth(site: str) -> int:
            d, cur = 0, site
            while cur in self.parents and d < 20:
                cur, d = self.parents[cur], d + 1
            return d

        # Top down: the city first, then its districts, then what stands in them; a quarter of a
        # city taken whole is taken with it.
        for site in sorted(self.sites, key=lambda s: (depth(s), s)):
            parent = self.parents.get(site, "")
            claims = by_site.get(site, [])
            whole = self._taken_whole(parent) if parent else []
            if whole:
                claims = [*claims, *(replace(c, site=site, type=ClaimType.CAPTURE, actor=side, part=False,
                                             fighting="none", derived=parent,
                                             reason=f"{c.reason}; the whole of {parent}, so {site} too")
                                     for c, side in whole)]
            self._own(site, claims, hints.get(site, []))
        # Bottom up: a city's days from its quarters.
        for parent in sorted(children, key=lambda p: (-depth(p), p)):
            kids = sorted(children[parent])
            key = digest(self._keys[parent], tuple((k, self._keys[k]) for k in kids)) if self._keeping else ""
            self._keys[parent] = key
            self._kept_or(f"all:{parent}", key, parent, partial(self._fill_up, parent, kids))
        # Last, a quarter no report speaks of: held by whoever holds its city (its city first).
        # Its key is its city's days as they came out, not the city's inputs: a change in the
        # city's other quarters that leaves its days as they were leaves the quarter's too.
        silent = [s for s in self.parents if not by_site.get(s) and not hints.get(s)]
        held: dict[str, str] = {}
        for site in sorted(silent, key=lambda s: (depth(s), s)):
            parent = self.parents[site]
            if self._keeping and parent not in held:
                held[parent] = digest(self._base, "with its city", self._encode(self._states[parent]))
            key = digest(self._keys[site], held[parent]) if self._keeping else ""
            self._keys[site] = key
            self._kept_or(f"with:{site}", key, site, partial(self._held_with, site, parent))

    def _own(self, site: str, claims: list[Claim], hints: list[Claim]) -> None:
        """Work out a site's days from its own claims, or take them from the memo."""
        self._pools[site] = pool = [*claims, *hints]
        key = digest(self._base, len(claims), claims_digest(pool)) if self._keeping else ""
        self._keys[site] = key

        def work() -> None:
            self._states[site] = self._runs(self._site_states(claims, hints))
        self._kept_or(f"own:{site}", key, site, work)

    def _kept_or(self, name: str, key: str, site: str, work: Callable[[], None]) -> None:
        """Take a site's days from the memo under ``key``, else ``work`` them out and keep them."""
        kept = self.memo.get(name, key)
        runs = self._decode(kept) if kept is not None else None
        if runs is not None:
            self._states[site] = runs
            return
        work()
        self.memo.put(name, key, self._encode(self._states[site]) if self._keeping else b"")

    def _encode(self, runs: _Runs) -> bytes:
        # Evidence as (site, place in that site's claims): the claims themselves are this build's.
        where = {id(c): (s, i) for s in {c.site for st in runs.states for c in st.evidence}
                 for i, c in enumerate(self._pools[s])}
        states = [[st.date.toordinal(), st.controller, st.inferred,
                   st.since.toordinal() if st.since else None, st.fighting,
                   [where[id(c)] for c in st.evidence]] for st in runs.states]
        return zlib.compress(json.dumps([runs.starts, states], separators=(",", ":")).encode())

    def _decode(self, data: bytes) -> _Runs | None:
        # None (work it out again) for what cannot be decoded: the memo is only a cache.
        try:
            starts, states = json.loads(zlib.decompress(data))
            runs = _Runs.of(self.days[0], [int(a) for a in starts], [
                State("", dt.date.fromordinal(d), str(ctrl), bool(inferred),
                      tuple(self._pools[s][i] for s, i in ev),
                      dt.date.fromordinal(since) if since is not None else None, str(fighting))
                for d, ctrl, inferred, since, fighting, ev in states])
        except (ValueError, TypeError, KeyError, IndexError, zlib.error):
            return None
        return runs if len(runs.starts) == len(runs.states) and runs.starts[:1] == [0] else None

    def _taken_whole(self, site: str) -> list[tuple[Claim, str]]:
        """Return the claims by which a site was taken whole, with the side holding it after.

        "Fully liberated", "pulled out of X", on the days its state says so.
        """
        out = []
        for a, _, st in self._states[site].spans(len(self.days)):
            day = self.days[a]  # a state that starts on its own day starts a run
            if st.inferred or st.since != day or st.controller in (CONTESTED, UNKNOWN):
                continue
            for c in st.evidence:
                if c.date != day or c.part or not (c.type == ClaimType.FULL_CONTROL or c.withdrawal):
                    continue
                # Taken whole: said so ("fully liberated"), or left by the other side
                # ("rebels pulled out of the Old City").
                side = c.actor if c.type == ClaimType.FULL_CONTROL else c.taker or self._enemy(c.actor)
                if side == st.controller:
                    out.append((c, side))
        return out

    def _held_with(self, site: str, parent: str) -> None:
        """Give a quarter no report speaks of its city's holder, on the days one side holds it all.

        While the city is fought over, the quarter stays with the side that held the city
        before (the fighting reports name where it is; what they do not name is behind the
        holder's lines), or unknown where no holder came before.

        Its own days (a city taken whole takes it too) stand where they say who held it.
        Inferred, with no evidence of its own: what the city's claims say is theirs, not the
        quarter's (a feed or a picture that lists a site's evidence shows none for it).
        """
        states = {}
        held: str | None = None  # the city's holder before it was fought over
        for day in self.days:
            own, st = self._states[site].at(day), self._states[parent].at(day)
            # A city whose holder is only that of the quarters reports name says nothing of
            # the others: one square taken is not a city held.
            from_quarters = st.inferred and not any(c.site == parent for c in st.evidence)
            if st.controller not in (CONTESTED, UNKNOWN) and not from_quarters:
                held = st.controller
            if own.controller != UNKNOWN or st.controller == UNKNOWN or from_quarters:
                states[day] = own
            elif st.controller == CONTESTED:
                # A city fought over: what no report names is still its holder's.
                states[day] = own if held is None else State("", day, held, True, (), None)
            else:
                states[day] = State("", day, st.controller, True, (), st.since)
        self._states[site] = self._runs(states)

    def _fill_up(self, parent: str, kids: list[str]) -> None:
        states = {day: self._states[parent][day] for day in self.days}
        for day in self.days:
            st = states[day]
            quarters = [self._states[k].at(day) for k in kids]
            known = [q for q in quarters if q.controller != UNKNOWN]
            if not known:
                continue
            holders = {q.controller for q in known}
            mixed = len(holders) > 1 or CONTESTED in holders or any(
                q.fighting == "inside" for q in known)
            if st.controller == UNKNOWN or st.inferred:
                ctrl = CONTESTED if mixed else next(iter(holders))
                ev = tuple(c for q in known for c in q.evidence if not q.inferred)
                out = State("", day, ctrl, True, tuple(sorted(set(ev), key=_claim_key)), None,
                            "inside" if mixed else "none")
                states[day] = out
            elif st.since != day and st.controller not in (CONTESTED, UNKNOWN):
                # A quarter taken by the other side after the city's last word.
                turned = [q for q in known if not q.inferred and q.since is not None and st.since
                          is not None and q.since > st.since and q.controller != st.controller]
                if turned:
                    ev = tuple(sorted({c for q in turned for c in q.evidence}, key=_claim_key))
                    states[day] = State("", day, CONTESTED, False, ev, st.since, "inside")
        self._states[parent] = self._runs(states)

    # -- access ---------------------------------------------------------------
    @property
    def recomputed(self) -> list[str]:
        """Return the sites whose days were worked out here, not taken from the memo.

        Every site without a memo; with one (a project's build), only the
        sites whose claims, or whose quarters' days, changed.
        """
        return sorted({name.split(":", 1)[1] for name in self.memo.worked})

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
        return {site: replace(self._states[site].at(day), site=site, date=day) for site in self.sites}

    def states_on(self, day: dt.date) -> Iterator[tuple[str, State]]:
        """Yield ``(site, state)`` for every site at the end of ``day``, in site order.

        What :meth:`on` gives, without a copy of each state: the state's own
        ``site`` field may be empty (the pair names the site). For writers
        that go through a year of sites a day at a time.

        Parameters
        ----------
        day : datetime.date

        Yields
        ------
        tuple of (str, State)
        """
        if day not in self._day_set:
            raise KeyError(f"{day} is outside the timeline ({self.days[0]} to {self.days[-1]})")
        for site in self.sites:
            yield site, self._states[site].at(day)

    def intervals(self) -> list[Interval]:
        """Return each site's runs of unchanged state, by site then start."""
        out = []
        for site in self.sites:
            run: list[tuple[int, int, State]] = []
            for a, b, s in self._states[site].spans(len(self.days)):
                if run and (s.controller, s.inferred, s.fighting) != (
                        run[0][2].controller, run[0][2].inferred, run[0][2].fighting):
                    out.append(self._interval(site, run))
                    run = []
                run.append((a, b, s))
            out.append(self._interval(site, run))
        return out

    def _interval(self, site: str, run: list[tuple[int, int, State]]) -> Interval:
        evidence: dict[_ClaimKey, Claim] = {}
        for _, _, s in run:  # the days of one stored run share its evidence
            for c in s.evidence:
                evidence.setdefault(_claim_key(c), c)
        first = run[0][2]
        return Interval(site, first.controller, self.days[run[0][0]], self.days[run[-1][1]],
                        first.inferred, tuple(evidence[k] for k in sorted(evidence)), first.fighting)


# How many days after a side took a site the other side's hold is reports disagreeing, not news.
_DISAGREE_DAYS = 2


def _independent(claims: list[Claim]) -> list[Claim]:
    """Drop claims that repeat another report's sentence (a reprinted wire story counts once)."""
    seen: set[tuple[str, str, str | None, str]] = set()
    out = []
    for c in claims:
        key = (c.site, c.type, c.actor, " ".join(re.findall(r"[a-z0-9]+", c.sentence.lower()))[:120])
        if key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out


def _claim_key(c: Claim) -> _ClaimKey:
    return (c.date, c.article, c.start, c.type, c.site)
