"""The analyst's review: decisions kept in ``review.csv``, applied to the claims, and what needs a look.

A project's reading is redone whenever the reader changes, so what the
analyst decides cannot live in the claims themselves. It lives in
``review.csv``, one decision a row, and is applied to the claims of every
build:

``accept CLAIM``
    the claim counts, whatever the reader made of it;
``reject CLAIM``
    the claim is kept (it is still listed) but does not count;
``set SITE DATE CONTROLLER``
    on that day the site is held by CONTROLLER (an actor id), is
    ``contested``, or has no evidence (``unknown``): every claim of the site
    on that day is dropped, and for an actor or ``contested`` one analyst's
    claim takes their place, so the days after follow it;
``alias SITE NAME``
    the reports call the site NAME (for the gazetteer).

A claim is named by its id (:func:`claim_id`): the report's stem, the span of
its phrase and the site. A decision whose id no longer matches (a new reader
moved the offsets a little) falls back to a claim of the same report and
site whose span overlaps it.

:func:`needs_review` lists what a human should look at: reports that
disagree, contested runs, weak claims the map rests on, states one source
carries, and place names the gazetteer lacks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .actors import CONTESTED, UNKNOWN
from .claims import CONTROL_TYPES, STATE_TYPES, Claim, ClaimType, Status, report_stem
from .errors import InputError
from .files import write_atomic
from .timeline import Interval, Timeline
from .unresolved import Unresolved

__all__ = ["ACTIONS", "COLUMNS", "KINDS", "REJECTED", "Decision", "ReviewItem", "read_decisions",
           "write_decisions", "add_decision", "claim_id", "parse_claim_id", "apply_decisions", "aliases",
           "needs_review", "format_review", "review_rows"]

#: The decisions, in the order the file lists them.
ACTIONS = ("accept", "reject", "set", "alias")
#: The columns of ``review.csv``, in the order they are written (the fields of :class:`Decision`).
COLUMNS = ("action", "claim", "site", "date", "controller", "name", "note", "by", "at")
#: The status a rejected claim gets: it never counts and is no hint to the timeline.
REJECTED = Status.REJECTED
#: The article name of the claims a ``set`` decision makes.
ANALYST = "analyst"
#: What needs review, most important first, with the heading each is listed under.
KINDS = {
    "conflict": "Reports that disagree",
    "contested": "Contested",
    "low_confidence": "Weak claims the map counts",
    "single_source": "States that rest on one source",
    "unresolved": "Place names the gazetteer lacks",
}

# The fields each action needs (the others, but note, by and at, must be empty).
_NEEDS = {"accept": ("claim",), "reject": ("claim",), "set": ("site", "date", "controller"),
          "alias": ("site", "name")}
# stem:start-end:site; the stem is a report's hash in a project, the site a place id.
_CLAIM_ID = re.compile(r"(?P<stem>[^\s:]+):(?P<start>\d+)-(?P<end>\d+):(?P<site>\S+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Characters no decision has (a note may break lines and have tabs).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# How much of a sentence a listing shows.
_SHOWN = 220


def _default_by() -> str:
    return os.environ.get("USER") or ANALYST


@dataclass(frozen=True)
class Decision:
    """One row of ``review.csv``: what the analyst decided.

    Attributes
    ----------
    action : str
        One of :data:`ACTIONS`.
    claim : str
        A claim id (:func:`claim_id`), for ``accept`` and ``reject``.
    site : str
        A site id, for ``set`` and ``alias``.
    date : str
        The day (``YYYY-MM-DD``), for ``set``; :attr:`day` gives it as a date.
    controller : str
        An actor id, ``contested`` or ``unknown``, for ``set``.
    name : str
        The name the reports use, for ``alias``.
    note : str
        Why, in the analyst's words.
    by : str
        Who decided (default ``$USER``, else ``analyst``).
    at : str
        When (``YYYY-MM-DD``, default today).

    Raises
    ------
    ValueError
        For an unknown action, a field the action needs left empty, one it
        does not use given, a date or ``at`` that is not a day written
        ``YYYY-MM-DD``, or a claim id not of the form ``stem:start-end:site``.
    """

    action: str
    claim: str = ""
    site: str = ""
    date: str = ""
    controller: str = ""
    name: str = ""
    note: str = ""
    by: str = field(default_factory=_default_by)
    at: str = field(default_factory=lambda: dt.date.today().isoformat())

    def __post_init__(self) -> None:
        if self.action not in _NEEDS:
            raise ValueError(f"unknown action {self.action!r} (one of {', '.join(ACTIONS)})")
        needs = _NEEDS[self.action]
        for name in ("claim", "site", "date", "controller", "name"):
            given = getattr(self, name) != ""
            if name in needs and not given:
                raise ValueError(f"{self.action} needs a {name}")
            if name not in needs and given:
                raise ValueError(f"{self.action} takes no {name} (it has {getattr(self, name)!s:.60})")
        if self.claim and parse_claim_id(self.claim) is None:
            raise ValueError(f"claim {self.claim!r:.80} is not of the form stem:start-end:site")
        for name in ("date", "at"):
            if getattr(self, name):
                _day(getattr(self, name), name)

    @property
    def day(self) -> dt.date | None:
        """The ``date`` as a day; None when it has none."""
        return dt.date.fromisoformat(self.date) if self.date else None

    @property
    def key(self) -> tuple[str, ...]:
        """What a later decision of the same kind replaces: the claim, the site-day, or the alias."""
        if self.action in ("accept", "reject"):
            return ("claim", self.claim)
        if self.action == "set":
            return ("day", self.site, self.date)
        return ("alias", self.site, self.name.casefold())

    def _order(self) -> tuple[int, str, str, str, str]:
        return (ACTIONS.index(self.action), self.site, self.date, self.claim, self.name)


def parse_claim_id(text: str) -> tuple[str, int, int, str] | None:
    """Split a claim id into ``(stem, start, end, site)``; None when it is not one.

    Parameters
    ----------
    text : str

    Returns
    -------
    tuple of (str, int, int, str) or None

    Examples
    --------
    >>> parse_claim_id("3f2a:120-131:old-town")
    ('3f2a', 120, 131, 'old-town')
    >>> parse_claim_id("3f2a:131-120:old-town") is None
    True
    """
    m = _CLAIM_ID.fullmatch(text)
    if m is None:
        return None
    start, end = int(m["start"]), int(m["end"])
    if end < start:
        return None
    return m["stem"], start, end, m["site"]


def claim_id(claim: Claim) -> str:
    """Return a claim's stable id: ``report stem:start-end:site``.

    Parameters
    ----------
    claim : Claim

    Returns
    -------
    str
    """
    return claim.id


# -- the file ---------------------------------------------------------------------------------------
def _day(text: str, what: str) -> dt.date:
    if not _DATE.fullmatch(text):
        raise ValueError(f"{what} {text!r:.40} is not a date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what} {text!r:.40} is not a day of the calendar") from None


def _check_unique(decisions: Sequence[Decision], lines: Sequence[int]) -> str | None:
    """Return the first duplicate decision, as a message with its line; None when there is none."""
    seen: dict[tuple[str, ...], int] = {}
    for d, line in zip(decisions, lines, strict=True):
        if d.key in seen:
            what = {"claim": f"claim {d.claim}", "day": f"site {d.site} on {d.date}",
                    "alias": f"alias {d.name!r} of {d.site}"}[d.key[0]]
            return f"line {line}: a second decision for {what} (the first is on line {seen[d.key]})"
        seen[d.key] = line
    return None


def read_decisions(path: str | Path) -> list[Decision]:
    """Read the analyst's decisions.

    Parameters
    ----------
    path : str or Path
        A ``review.csv``; a missing file is no decisions.

    Returns
    -------
    list of Decision
        In the file's order.

    Raises
    ------
    InputError
        One line naming the file and the line at fault: a file that is not
        UTF-8 CSV, an unknown column or action, a field the action needs left
        empty, a bad date, a malformed claim id, or two decisions on the same
        claim, the same site and day, or the same alias.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        return []
    except IsADirectoryError:
        raise InputError(str(p), "is a folder, not a decisions file") from None
    except OSError as e:
        raise InputError(str(p), f"cannot be read: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise InputError(str(p), f"line {line}: not UTF-8 text") from None
    rows = csv.reader(io.StringIO(text, newline=""))
    out: list[Decision] = []
    lines: list[int] = []
    header: list[str] | None = None
    last = 0  # the physical line the previous row ended on: a quoted note may span lines
    try:
        for row in rows:
            line, last = last + 1, rows.line_num
            if not any(f.strip() for f in row):
                continue
            if header is None:
                header = [f.strip() for f in row]
                unknown = [f for f in header if f not in COLUMNS]
                if unknown:
                    raise InputError(str(p), f"line {line}: unknown column {unknown[0]!r:.40} "
                                             f"(columns: {', '.join(COLUMNS)})")
                if "action" not in header:
                    raise InputError(str(p), f"line {line}: no 'action' column (columns: "
                                             f"{', '.join(COLUMNS)})")
                twice = sorted({f for f in header if header.count(f) > 1})
                if twice:
                    raise InputError(str(p), f"line {line}: column {twice[0]!r} twice")
                continue
            if len(row) != len(header):
                raise InputError(str(p), f"line {line}: {len(row)} fields, the header has {len(header)}")
            out.append(_decision(dict(zip(header, row, strict=True)), str(p), line))
            lines.append(line)
    except csv.Error as e:
        raise InputError(str(p), f"line {rows.line_num}: {e}") from None
    dup = _check_unique(out, lines)
    if dup:
        raise InputError(str(p), dup)
    return out


def _decision(row: dict[str, str], path: str, line: int) -> Decision:
    """Turn one row into a Decision; its faults are one line naming ``line``."""
    f = {k: (v if k == "note" else v.strip()) for k, v in row.items()}
    try:
        if "\n" in "".join(v for k, v in f.items() if k != "note") or "\r" in "".join(f.values()):
            raise ValueError("a line break inside a field (only a note may have one, and no CR)")
        bad = _CONTROL.search("".join(f.values()))
        if bad:
            raise ValueError(f"a control character (U+{ord(bad.group()):04X}) in a field")
        return Decision(**{k: f.get(k, "") for k in COLUMNS})
    except ValueError as e:
        raise InputError(path, f"line {line}: {e}") from None


def _csv_text(decisions: Sequence[Decision]) -> str:
    """Return the file's text: the header, then a row a decision, in the order given."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(COLUMNS)
    w.writerows([getattr(d, k) for k in COLUMNS] for d in decisions)
    return buf.getvalue()


def write_decisions(path: str | Path, decisions: Sequence[Decision]) -> None:
    """Write the decisions, sorted so that a change is a small diff, atomically.

    Rows are sorted by action (in :data:`ACTIONS` order), site, date, claim
    and name; fields are quoted only where they must be. The file is written
    to a temporary file beside it, flushed to disk and moved into place, so a
    crash leaves the old file or the new one, never half of one.

    Parameters
    ----------
    path : str or Path
    decisions : sequence of Decision

    Raises
    ------
    ValueError
        When two decisions are on the same claim, site and day, or alias.
    """
    p = Path(path)
    ordered = sorted(decisions, key=Decision._order)
    dup = _check_unique(ordered, range(2, len(ordered) + 2))
    if dup:
        raise ValueError(f"{p}: {dup}")
    write_atomic(p, _csv_text(ordered).encode("utf-8"))


def add_decision(path: str | Path, decision: Decision) -> list[Decision]:
    """Add a decision to the file, replacing an earlier one on the same claim, site-day or alias.

    Parameters
    ----------
    path : str or Path
    decision : Decision

    Returns
    -------
    list of Decision
        The file's decisions after the change, in its order.

    Raises
    ------
    InputError
        When the file as it stands cannot be read (see :func:`read_decisions`).
    """
    kept = [d for d in read_decisions(path) if d.key != decision.key]
    out = sorted([*kept, decision], key=Decision._order)
    write_decisions(path, out)
    return out


def aliases(decisions: Sequence[Decision]) -> dict[str, list[str]]:
    """Return the names the analyst taught, by site id, for the gazetteer.

    Parameters
    ----------
    decisions : sequence of Decision

    Returns
    -------
    dict of str to list of str
        Each site's names in the decisions' order, each once.
    """
    out: dict[str, list[str]] = {}
    for d in decisions:
        if d.action == "alias":
            names = out.setdefault(d.site, [])
            if d.name.casefold() not in (n.casefold() for n in names):
                names.append(d.name)
    return out


# -- applying them ----------------------------------------------------------------------------------
def _noted(text: str, note: str) -> str:
    return f"{text}: {note}" if note.strip() else text


def _overlap(c: Claim, start: int, end: int) -> int:
    return min(c.end, end) - max(c.start, start)


def apply_decisions(claims: Sequence[Claim], decisions: Sequence[Decision], *,
                    actors_ids: Collection[str], sites: Collection[str] | None = None,
                    ) -> tuple[list[Claim], list[str]]:
    """Return the claims the timeline should use, the analyst's decisions applied.

    Parameters
    ----------
    claims : sequence of Claim
        All claims of the reading.
    decisions : sequence of Decision
    actors_ids : collection of str
        The actor ids a ``set`` may name (besides ``contested`` and ``unknown``).
    sites : collection of str, optional
        The map's site ids: a ``set`` or ``alias`` of another site is warned of.

    Returns
    -------
    claims : list of Claim
        In the order given, accepted and rejected ones changed in place, the
        claims of a site-day that was ``set`` dropped, and the analyst's own
        claims after them.
    warnings : list of str
        One line for each decision that matched nothing or could not apply.

    Notes
    -----
    An accepted claim is asserted by ``analyst`` with confidence 1; a
    rejected one gets status :data:`REJECTED`. A decision on a claim id
    applies to every claim of that id (a phrase's claims on the days before
    it, derived from it, share it). Where no claim has the id, the claim of
    the same report and site whose span overlaps the decision's most is
    taken. An accepted claim dated only to a month or year stays background
    history (a ``set`` gives it a day).
    """
    out = list(claims)
    if not decisions:  # the usual build: nothing to look up, nothing to warn of
        return out, []
    warnings: list[str] = []
    by_id: dict[str, list[int]] = defaultdict(list)
    by_report: dict[tuple[str, str], list[int]] = defaultdict(list)
    if any(d.action in ("accept", "reject") for d in decisions):  # only these name claims
        for i, c in enumerate(out):
            if c.article == ANALYST:
                continue
            by_id[c.id].append(i)
            by_report[(report_stem(c.article), c.site)].append(i)
    wanted = {d.claim for d in decisions if d.claim}

    def matched(d: Decision) -> list[int]:
        if d.claim in by_id:
            return by_id[d.claim]
        stem, start, end, site = parse_claim_id(d.claim) or ("", 0, 0, "")
        # A reader that moved the offsets a little: the same report and site, an overlapping span
        # (not a claim another decision names by its own id).
        near = [i for i in by_report.get((stem, site), ())
                if _overlap(out[i], start, end) > 0 and claim_id(out[i]) not in wanted]
        if not near:
            return []
        best = min(near, key=lambda i: (-_overlap(out[i], start, end), abs(out[i].start - start),
                                        claim_id(out[i])))
        return by_id[claim_id(out[best])]

    decided: dict[int, Decision] = {}
    for d in decisions:
        if d.action not in ("accept", "reject"):
            continue
        hits = matched(d)
        if not hits:
            warnings.append(f"{d.action} {d.claim}: no claim of that report and site overlaps it")
            continue
        for i in hits:
            c = out[i]
            decided[i] = d
            if d.action == "accept":
                out[i] = replace(c, status=Status.ASSERTED, confidence=1.0, asserted_by=ANALYST,
                                 reason=_noted(f"{c.reason}; accepted by analyst", d.note))
            else:
                out[i] = replace(c, status=REJECTED,
                                 reason=_noted(f"{c.reason}; rejected by analyst", d.note))
        if d.action == "accept" and out[hits[0]].historical:
            warnings.append(f"accept {d.claim}: dated only to a {out[hits[0]].date_precision}, it stays "
                            "background history (set the site's day instead)")

    sets = [d for d in decisions if d.action == "set"]
    known = {*actors_ids, CONTESTED, UNKNOWN}
    dropped: set[tuple[str, dt.date]] = set()
    added: list[Claim] = []
    for d in sets:
        day = d.day
        assert day is not None  # a set always has its day (Decision checks it)
        if d.controller not in known:
            warnings.append(f"set {d.site} {d.date} {d.controller}: {d.controller!r} is not an actor id, "
                            "contested or unknown")
            continue
        if sites is not None and d.site not in sites:
            warnings.append(f"set {d.site} {d.date} {d.controller}: {d.site!r} is not a site of the map")
            continue
        dropped.add((d.site, day))
        if d.controller != UNKNOWN:
            added.append(_analyst_claim(d, day))
    for d in decisions:
        if d.action == "alias" and sites is not None and d.site not in sites:
            warnings.append(f"alias {d.site} {d.name}: {d.site!r} is not a site of the map")
    if dropped:
        for i, d in sorted(decided.items()):
            if (out[i].site, out[i].date) in dropped:
                warnings.append(f"{d.action} {d.claim}: overridden by the set of {out[i].site} on "
                                f"{out[i].date}")
        out = [c for c in out if (c.site, c.date) not in dropped]
    # One warning a decision, however many claims it touched.
    return out + added, list(dict.fromkeys(warnings))


def _analyst_claim(d: Decision, day: dt.date) -> Claim:
    """Return the claim a ``set`` decision puts in place of the day's claims."""
    contested = d.controller == CONTESTED
    return Claim(
        article=ANALYST, published=day, sentence=d.note.strip() or "Set by analyst", start=0, end=0,
        site=d.site, site_text=d.site, type=ClaimType.CONTESTED if contested else ClaimType.CAPTURE,
        # Fighting inside with no side named is contested whoever held it: a side would be
        # counted as one of those inside.
        actor=None if contested else d.controller, loser=None, date=day, date_precision="day",
        date_text=d.date, status=Status.ASSERTED, tense="present", asserted_by=ANALYST,
        confidence=1.0, reason=_noted("set by analyst", d.note), fighting="inside" if contested else "none")


# -- what needs a look ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReviewItem:
    """One thing the analyst should look at.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    ref : str
        What it is about: a claim id, ``site date``, ``site first..last`` or a name.
    summary : str
        One line saying what is wrong.
    sentence : str
        The evidence: the sentence it rests on; for reports that disagree, one
        a side, a line each.
    site : str
    start, end : datetime.date or None
        The days it concerns.
    claims : tuple of str
        The ids of the claims involved (what an accept or reject would name).
    """

    kind: str
    ref: str
    summary: str
    sentence: str
    site: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    claims: tuple[str, ...] = ()


def _holder_after(c: Claim, tl: Timeline) -> str | None:
    """Return the side a counting claim says holds its site afterwards; None when it says none."""
    if c.part or c.tense == "past":
        return None
    if c.type in CONTROL_TYPES:
        return c.actor or c.guess
    if c.type in STATE_TYPES:
        return c.actor
    if c.type == ClaimType.LOSS and c.actor:
        return c.taker or (tl.actors.opponent(c.actor) if c.actor in tl.actors else None)
    return None


def _span(a: dt.date, b: dt.date) -> str:
    return str(a) if a == b else f"{a}..{b}"


def _days(a: dt.date, b: dt.date) -> str:
    n = (b - a).days + 1
    return f"{n} day{'s' * (n != 1)}"


def _controller_on(runs: Sequence[Interval], day: dt.date) -> str | None:
    return next((r.controller for r in runs if r.start <= day <= r.end), None)


def _conflicts(claims: Sequence[Claim], tl: Timeline, runs: Mapping[str, list[Interval]]) -> list[ReviewItem]:
    by_day: dict[tuple[str, dt.date], dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    for c in claims:
        if c.counts and c.article != ANALYST:
            side = _holder_after(c, tl)
            if side:
                by_day[(c.site, c.date)][side].append(c)
    out = []
    for (site, day), sides in sorted(by_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(sides) < 2:
            continue
        said = {side: {(c.article, c.sentence) for c in cs} for side, cs in sides.items()}
        # One sentence that tells a hold then the fall ("the last district IS held fell to
        # the SDF") is a sequence, not reports that disagree.
        if not any(a != b for x, ax in said.items() for y, by in said.items() if x < y
                   for a in ax for b in by):
            continue
        ranked = sorted(sides.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        parts = [f"{side} ({', '.join(sorted({str(c.type) for c in cs}))}, {len(cs)} claim"
                 f"{'s' * (len(cs) != 1)})" for side, cs in ranked]
        shown = _controller_on(runs.get(site, ()), day)
        summary = f"{site} {day}: reports disagree: {' vs '.join(parts)}" + (
            f"; the map says {shown}" if shown else "")
        sentence = "\n".join(dict.fromkeys(_line(cs[0].sentence, None) for _, cs in ranked))
        ids = tuple(dict.fromkeys(claim_id(c) for _, cs in ranked for c in cs))
        out.append(ReviewItem("conflict", f"{site} {day}", summary, sentence, site, day, day, ids))
    return out


def _merged(runs: Sequence[Interval], same: Mapping[int, object]) -> list[list[Interval]]:
    """Group runs of one site that follow one another and have the same key (``same[i]``)."""
    groups: list[list[Interval]] = []
    last_key: object = None
    for i, r in enumerate(runs):
        key = same.get(i)
        if key is None:
            last_key = None
            continue
        if groups and key == last_key and groups[-1][-1].end + dt.timedelta(days=1) == r.start:
            groups[-1].append(r)
        else:
            groups.append([r])
        last_key = key
    return groups


def _evidence(runs: Sequence[Interval]) -> list[Claim]:
    seen: dict[tuple[str, int, str, dt.date], Claim] = {}
    for r in runs:
        for c in r.evidence:
            if c.article != ANALYST:
                seen.setdefault((c.article, c.start, c.site, c.date), c)
    return list(seen.values())


def _contested(runs: Mapping[str, list[Interval]]) -> list[ReviewItem]:
    out = []
    for site, rs in runs.items():
        keys = {i: True for i, r in enumerate(rs) if r.controller == CONTESTED}
        for group in _merged(rs, keys):
            ev = _evidence(group)
            if not ev and any(r.evidence for r in group):
                continue  # the analyst set it so: decided, not to review
            a, b = group[0].start, group[-1].end
            fighting = sorted({r.fighting for r in group if r.fighting != "none"})
            summary = (f"{site} contested {_span(a, b)} ({_days(a, b)})"
                       + (f", fighting {'/'.join(fighting)}" if fighting else "")
                       + f", {len(ev)} claim{'s' * (len(ev) != 1)}"
                       + (", inferred from its quarters" if all(r.inferred for r in group) else ""))
            best = max(ev, key=lambda c: (c.type == ClaimType.CONTESTED, c.confidence), default=None)
            out.append(ReviewItem("contested", f"{site} {_span(a, b)}", summary,
                                  best.sentence if best else "", site, a, b,
                                  tuple(dict.fromkeys(claim_id(c) for c in ev))))
    return out


def _weak(claims: Sequence[Claim], low: float) -> list[ReviewItem]:
    out = []
    for c in claims:
        if c.counts and c.article != ANALYST and c.confidence < low:
            side = f" by {c.actor}" if c.actor else ""
            out.append(ReviewItem(
                "low_confidence", claim_id(c),
                f"{c.site} {c.date}: {c.type}{side}, confidence {c.confidence:g} (below {low:g}), "
                f"asserted by {c.asserted_by}", c.sentence, c.site, c.date, c.date, (claim_id(c),)))
    return out


def _one_source(runs: Mapping[str, list[Interval]], outlets: Mapping[str, str] | None) -> list[ReviewItem]:
    def source(r: Interval) -> tuple[str, str] | None:
        ev = [c for c in r.evidence if c.article != ANALYST]
        if r.controller == UNKNOWN or not ev:
            return None
        reports = {c.article for c in ev}
        if len(reports) == 1:
            return ("report", next(iter(reports)))
        names = {(outlets or {}).get(a, "") for a in reports}
        if outlets is not None and len(names) == 1 and "" not in names:
            return ("outlet", next(iter(names)))
        return None

    out = []
    for site, rs in runs.items():
        keys = {i: k for i, r in enumerate(rs) if (k := source(r)) is not None}
        for group in _merged(rs, keys):
            what, who = source(group[0]) or ("", "")
            a, b = group[0].start, group[-1].end
            states = ", then ".join(f"{r.controller} {_span(r.start, r.end)}{' (inferred)' * r.inferred}"
                                    for r in group)
            ev = _evidence(group)
            summary = f"{site} {_span(a, b)}: {states}, resting on one {what} ({who})"
            said = "\n".join(dict.fromkeys(_line(c.sentence, None) for c in ev[:2]))
            out.append(ReviewItem("single_source", f"{site} {_span(a, b)}", summary, said, site, a, b,
                                  tuple(dict.fromkeys(claim_id(c) for c in ev))))
    return out


def _unresolved(unresolved: Sequence[Unresolved]) -> list[ReviewItem]:
    return [ReviewItem("unresolved", u.name,
                       f"{u.name!r} ({u.kind}): named {u.count} time{'s' * (u.count != 1)} in "
                       f"{len(u.articles)} report{'s' * (len(u.articles) != 1)}, not in the gazetteer",
                       u.sentence) for u in unresolved]


def needs_review(claims: Sequence[Claim], timeline: Timeline, unresolved: Sequence[Unresolved], *,
                 low: float = 0.6, outlets: Mapping[str, str] | None = None) -> list[ReviewItem]:
    """List what needs a human, most important first.

    Parameters
    ----------
    claims : sequence of Claim
        The claims the timeline was built from (decisions applied).
    timeline : Timeline
    unresolved : sequence of Unresolved
        The place names the gazetteer lacks (:func:`geo.unresolved.tally`).
    low : float
        A counting claim weaker than this is listed.
    outlets : mapping of str to str, optional
        Each report's outlet, by article name: a state all of whose reports
        come from one outlet is listed too (without it, only one report).

    Returns
    -------
    list of ReviewItem
        By kind in :data:`KINDS` order: reports that disagree on who held a
        site on a day; contested runs (each once, first to last day); counting
        claims below ``low``; states that rest on one report or one outlet;
        place names the gazetteer lacks. Within a kind, by day then site
        (names by how often they are named). Claims the analyst made (``set``)
        are never listed.
    """
    runs: dict[str, list[Interval]] = defaultdict(list)
    for r in timeline.intervals():
        runs[r.site].append(r)
    items = [*_conflicts(claims, timeline, runs), *_contested(runs), *_weak(claims, low),
             *_one_source(runs, outlets), *_unresolved(unresolved)]
    rank = {k: n for n, k in enumerate(KINDS)}
    # sorted is stable: names keep their tally's order.
    return sorted(items, key=lambda it: (rank[it.kind], it.start or dt.date.min, it.site, it.ref))


def _line(text: str, most: int | None = _SHOWN) -> str:
    """Return ``text`` on one line, shortened to ``most`` characters."""
    one = " ".join(text.split())
    return one if most is None or len(one) <= most else one[:most - 3].rstrip() + "..."


def format_review(items: Sequence[ReviewItem]) -> str:
    """Return the items as plain text, by kind (what ``conflictmap review DIR`` prints).

    Parameters
    ----------
    items : sequence of ReviewItem

    Returns
    -------
    str
        A heading a kind with its count, then each item: its summary, the
        evidence sentence (one line, shortened) and the claim ids to accept
        or reject. ``Nothing to review.`` when there is nothing.
    """
    if not items:
        return "Nothing to review.\n"
    lines = [f"{len(items)} item{'s' * (len(items) != 1)} to review"]
    for kind, title in KINDS.items():
        mine = [it for it in items if it.kind == kind]
        if not mine:
            continue
        lines += ["", f"{title} ({len(mine)})"]
        for it in mine:
            lines.append(f"  - {it.summary}")
            for sentence in it.sentence.splitlines():
                lines.append(f"      \"{_line(sentence)}\"")
            if it.claims:
                shown = ", ".join(it.claims[:4]) + (f" (+{len(it.claims) - 4} more)" if len(it.claims) > 4
                                                    else "")
                lines.append(f"      claims: {shown}")
    return "\n".join(lines) + "\n"


def review_rows(items: Sequence[ReviewItem]) -> list[dict[str, str]]:
    """Return the items as rows of strings, for a CSV or JSON listing.

    Parameters
    ----------
    items : sequence of ReviewItem

    Returns
    -------
    list of dict of str to str
        Keys ``kind``, ``ref``, ``site``, ``start``, ``end``, ``summary``,
        ``sentence`` (sentences separated by `` | ``) and ``claims`` (ids
        separated by spaces).
    """
    return [{"kind": it.kind, "ref": it.ref, "site": it.site,
             "start": it.start.isoformat() if it.start else "", "end": it.end.isoformat() if it.end else "",
             "summary": it.summary, "sentence": " | ".join(_line(s, None) for s in it.sentence.splitlines()),
             "claims": " ".join(it.claims)}
            for it in items]
