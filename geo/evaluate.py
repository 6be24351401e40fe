"""Measure a reading against hand-made gold annotations.

A gold file is YAML with these sections (all optional, at least one of
``claims``, ``toponyms`` and ``control`` non-empty):

``claims``
    ``{article, site, actor, type, date}``: ``site`` the name as written in
    the claim's sentence (or a gazetteer id), ``type`` one of ``capture``,
    ``loss``, ``hold``, ``contested``, ``full_control``, ``entry``, ``siege``.
``not_claims``
    ``{article, sentence_fragment, why}``: text that must not yield a claim.
``toponyms``
    ``{article, text, place}``: a place named (or referred to, "the
    hospital") in an article, as written; ``place`` a gazetteer id or a
    place name (resolved through the gazetteer, e.g. ``Mosul``).
``control``
    ``{site, date, controller}``: ``site`` a gazetteer id (or name),
    ``controller`` an actor id, ``contested`` or ``unknown``; optionally
    ``accept``, every defensible answer separated by ``|`` ("IS|contested").
``dates``
    article name -> publication date, used when an article has no date line.

A truth table (``.csv``, the form of ``../shared/corpus/*/truth.csv``) is read
as a gold file with ``control`` only: columns ``site``, ``date`` and
``accept``; ``controller`` is optional (it must be one of ``accept``),
``note`` is shown with a wrong cell, ``source`` is the table's own record.

How predictions meet the gold
-----------------------------
*Gold place names* resolve, in this order: a gazetteer id; a name or
alias (the candidate in the article's focus city first); a description
("the hospital", "the city") to the one place of that kind in the focus
city; an ambiguous description ("the district") to the place the reader
gave that text in the article; a misspelt name of a theatre place. A gold
name none of these resolve is an error, so a typo never passes silently.

*Toponyms.* One unit per article, place and text (case-insensitive). A
predicted mention matches a gold toponym when it is in the same article,
names the same place and its span overlaps an occurrence of the gold text.

*Claims.* Only counting claims are predicted positives (asserted, dated to
a day or a span of days, see :attr:`geo.claims.Claim.counts`): denied,
negated, intended, hedged and historical claims never count. Claims are
compared as units per article, site and day, where

- ``presence`` (holed up, dug in) is a ``hold``;
- ``contested``, ``entry`` and ``siege`` are fighting, a state of the site,
  not of a side: all such records of one article, site and day are one
  unit, whoever they name (where it was fought is for the control cells);
- a claim on part of a site ("a strip of the Old City") is ``contested``;
- ``capture`` and ``loss`` are two views of one change of hands: a gold
  capture by Y and loss by X for one article, site and day are one unit.
  A predicted capture matches a gold loss when its taker is an enemy of the
  loser, a predicted loss matches a gold capture when the loser is an enemy
  of the taker; where both name the taker (or both only the loser) these
  must agree;
- ``hold`` and ``full_control`` match on the side.

The same unit read several times (three sentences saying IS holds the city)
is one prediction. Each unit matches at most one unit of the other side.

*Not-claims.* A counting claim whose sentence contains a fragment of
``not_claims`` (or whose phrase overlaps it) and that matches no gold claim
is a violation.

*Control.* Each gold cell is compared with ``timeline.on(date)[site]``;
only the controller counts, not whether it was inferred.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from conflictmap.gazetteer import Gazetteer

from .actors import Actors, Controller
from .articles import Article
from .claims import Claim, ClaimType
from .errors import InputError, read_yaml
from .mentions import Mention, focus_city
from .pipeline import Reading, load_inputs, read_theatre

__all__ = [
    "GOLD_TYPES", "Gold", "GoldClaim", "GoldToponym", "GoldCell", "NotClaim", "Miss", "Score",
    "Report", "load_gold", "load_truth", "score", "evaluate", "format_report", "evaluate_corpus",
    "format_corpus", "corpus_battles",
]

#: Claim types a gold file may use.
GOLD_TYPES = (ClaimType.CAPTURE, ClaimType.LOSS, ClaimType.HOLD, ClaimType.CONTESTED, ClaimType.FULL_CONTROL,
              ClaimType.ENTRY, ClaimType.SIEGE)
_SECTIONS = ("claims", "not_claims", "toponyms", "control", "dates")
# Claim types that are fighting at a site: one unit per article, site and day.
_FIGHTING = (ClaimType.CONTESTED, ClaimType.ENTRY, ClaimType.SIEGE)
_FIELDS = {
    "claims": ({"article", "site", "actor", "type", "date"}, set()),
    "not_claims": ({"article", "sentence_fragment"}, {"why"}),
    "toponyms": ({"article", "text", "place"}, set()),
    "control": ({"site", "date", "controller"}, {"accept"}),
}
# Straight quotes and spaces stand for their typographic variants (1:1, offsets kept).
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "\n": " ",
                         "\t": " "})


# -- gold -------------------------------------------------------------------------
@dataclass(frozen=True)
class GoldClaim:
    """One gold control claim; ``entry`` is its 1-based number in the file."""

    entry: int
    article: str
    site: str
    actor: str
    type: str
    date: dt.date


@dataclass(frozen=True)
class NotClaim:
    """Text of an article that must not yield a (counting) claim."""

    entry: int
    article: str
    fragment: str
    why: str


@dataclass(frozen=True)
class GoldToponym:
    """A place an article names, as written, and the place it is."""

    entry: int
    article: str
    text: str
    place: str


@dataclass(frozen=True)
class GoldCell:
    """Who held ``site`` at the end of ``date``; ``accept`` every answer scored right."""

    entry: int
    site: str
    date: dt.date
    controller: str
    accept: tuple[str, ...] = ()
    note: str = ""
    where: str = ""  # how errors name it: "control entry 3", "row 4"

    @property
    def answers(self) -> tuple[str, ...]:
        """The answers scored right: ``accept``, or the controller alone."""
        return self.accept or (self.controller,)


@dataclass
class Gold:
    """A gold file, checked for form (not yet against the articles).

    Attributes
    ----------
    path : str
    claims, not_claims, toponyms, control : list
        ``toponyms`` and ``control`` are None when the file has no such section.
    dates : dict of str to date
        Publication dates by article name.
    """

    path: str
    claims: list[GoldClaim] | None
    not_claims: list[NotClaim]
    toponyms: list[GoldToponym] | None
    control: list[GoldCell] | None
    dates: dict[str, dt.date] = field(default_factory=dict)


def _date(path: str, where: str, value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(path, f"{where}: 'date' must be YYYY-MM-DD, got {value!r}") from None


def _text(path: str, where: str, entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
        raise InputError(path, f"{where}: {key!r} must be non-empty text")
    return str(value)


def load_gold(path: str | Path) -> Gold:
    """Read and check a gold file.

    Parameters
    ----------
    path : str or Path
        A YAML file (see the module documentation for its sections).

    Returns
    -------
    Gold

    Raises
    ------
    InputError
        One line naming the file and the entry at fault.
    """
    spath = str(path)
    if spath.lower().endswith(".csv"):
        return load_truth(path)
    doc = read_yaml(path, "gold file")
    if not isinstance(doc, dict):
        raise InputError(spath, "expected a mapping with sections 'claims', 'not_claims', "
                                "'toponyms', 'control', 'dates'")
    unknown = sorted(str(k) for k in doc if k not in _SECTIONS)
    if unknown:
        raise InputError(spath, f"unknown section {unknown[0]!r} (expected one of "
                                f"{', '.join(_SECTIONS)})")
    entries: dict[str, list[dict[str, Any]] | None] = {}
    for section, (required, optional) in _FIELDS.items():
        if section not in doc:
            entries[section] = None
            continue
        items = doc[section] if doc[section] is not None else []
        if not isinstance(items, list):
            raise InputError(spath, f"section {section!r} must be a list")
        for n, e in enumerate(items, start=1):
            where = f"{section} entry {n}"
            if not isinstance(e, dict):
                raise InputError(spath, f"{where}: expected a mapping")
            missing = sorted(required - set(e))
            if missing:
                raise InputError(spath, f"{where}: missing {missing[0]!r}")
            extra = sorted(str(k) for k in set(e) - required - optional)
            if extra:
                raise InputError(spath, f"{where}: unknown key {extra[0]!r}")
        entries[section] = items
    claims = None
    if entries["claims"] is not None:
        claims = []
        for n, e in enumerate(entries["claims"], start=1):
            where = f"claims entry {n}"
            ctype = _text(spath, where, e, "type")
            if ctype not in GOLD_TYPES:
                raise InputError(spath, f"{where}: 'type' must be one of {', '.join(GOLD_TYPES)}, "
                                        f"got {ctype!r}")
            claims.append(GoldClaim(n, _text(spath, where, e, "article"),
                                    _text(spath, where, e, "site"),
                                    _text(spath, where, e, "actor"), ctype,
                                    _date(spath, where, e["date"])))
    not_claims = [
        NotClaim(n, _text(spath, f"not_claims entry {n}", e, "article"),
                 _text(spath, f"not_claims entry {n}", e, "sentence_fragment"), str(e.get("why") or ""))
        for n, e in enumerate(entries["not_claims"] or [], start=1)
    ]
    toponyms = None if entries["toponyms"] is None else [
        GoldToponym(n, _text(spath, f"toponyms entry {n}", e, "article"),
                    _text(spath, f"toponyms entry {n}", e, "text"),
                    _text(spath, f"toponyms entry {n}", e, "place"))
        for n, e in enumerate(entries["toponyms"], start=1)
    ]
    control = None
    if entries["control"] is not None:
        control = []
        seen: dict[tuple[str, dt.date], GoldCell] = {}
        for n, e in enumerate(entries["control"], start=1):
            where = f"control entry {n}"
            controller = _text(spath, where, e, "controller")
            accept = _answers(spath, where, controller, e.get("accept"))
            cell = GoldCell(n, _text(spath, where, e, "site"), _date(spath, where, e["date"]),
                            controller, accept, where=where)
            prev = seen.get((cell.site, cell.date))
            if prev and prev.controller != cell.controller:
                raise InputError(spath, f"{where}: {cell.site} on {cell.date} already has "
                                        f"controller {prev.controller!r} (entry {prev.entry})")
            seen[(cell.site, cell.date)] = cell
            if not prev:
                control.append(cell)
    dates: dict[str, dt.date] = {}
    raw_dates = doc.get("dates") or {}
    if not isinstance(raw_dates, dict):
        raise InputError(spath, "section 'dates' must map article names to YYYY-MM-DD")
    for name, value in raw_dates.items():
        dates[str(name)] = _date(spath, f"dates entry {name!r}", value)
    if not (claims or toponyms or control):
        raise InputError(spath, "no gold annotations: 'claims', 'toponyms' and 'control' are all "
                                "missing or empty")
    return Gold(spath, claims, not_claims, toponyms, control, dates)


def load_truth(path: str | Path) -> Gold:
    """Read a truth table: one row per site and day, every defensible answer in ``accept``.

    Parameters
    ----------
    path : str or Path
        A CSV with a header: ``site``, ``date`` and ``accept`` (answers
        separated by ``|``); ``controller`` (the first answer when missing),
        ``source`` and ``note`` are optional.

    Returns
    -------
    Gold
        With ``control`` only.

    Raises
    ------
    InputError
        One line naming the file and the row at fault.
    """
    spath = str(path)
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(spath, f"cannot read truth table ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    if not {"site", "date", "accept"} <= set(reader.fieldnames or ()):
        raise InputError(spath, "a truth table needs a header with 'site', 'date' and 'accept'")
    cells: list[GoldCell] = []
    seen: set[tuple[str, dt.date]] = set()
    for n, row in enumerate(reader, start=2):
        where = f"row {n}"
        site = (row.get("site") or "").strip()
        controller = (row.get("controller") or "").strip()
        accept = _answers(spath, where, controller or None, row.get("accept"))
        if not site or not accept:
            raise InputError(spath, f"{where}: 'site' and 'accept' must not be empty")
        day = _date(spath, where, (row.get("date") or "").strip())
        if (site, day) in seen:
            raise InputError(spath, f"{where}: {site} on {day} appears twice")
        seen.add((site, day))
        cells.append(GoldCell(n, site, day, controller or accept[0], accept,
                              (row.get("note") or "").strip(), where))
    if not cells:
        raise InputError(spath, "the truth table has a header but no rows")
    return Gold(spath, None, [], None, cells, {})


def _answers(spath: str, where: str, controller: str | None, accept: object) -> tuple[str, ...]:
    """Return the answers of an ``accept`` field ("IS|contested"), which must hold the controller."""
    answers = tuple(a.strip() for a in str(accept or "").split("|") if a.strip())
    if answers and controller and controller not in answers:
        raise InputError(spath, f"{where}: 'accept' must include the controller {controller!r}")
    return answers


# -- results ----------------------------------------------------------------------
@dataclass(frozen=True)
class Miss:
    """One disagreement with the gold.

    Attributes
    ----------
    kind : str
        ``toponym``, ``claim``, ``not_claim`` or ``control``.
    what : str
        ``false positive``, ``false negative``, ``violation`` or ``wrong cell``.
    article : str
        The article concerned ("" when none, e.g. a cell with no evidence).
    item : str
        The unit, e.g. ``capture by SDF · raqqa-al-barid · 2017-10-16``.
    sentence : str
        The sentence behind it (the prediction's, else the gold's).
    note : str
        Why it missed, when known.
    """

    kind: str
    what: str
    article: str
    item: str
    sentence: str
    note: str = ""


@dataclass(frozen=True)
class Score:
    """Counts of a precision/recall measure."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when the gold is empty."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """Return the counts and the three figures (rounded to 4 places)."""
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


@dataclass
class Report:
    """The scores of a reading against a gold file.

    Attributes
    ----------
    gold : str
        The gold file.
    articles : int
    days : tuple of date
        First and last day of the timeline.
    toponyms, claims : Score or None
        None when the gold has no such section.
    not_claims : int
        Fragments checked.
    violations : int
    cells_correct, cells_total : int
    misses : list of Miss
    """

    gold: str
    articles: int
    days: tuple[dt.date, dt.date]
    toponyms: Score | None
    claims: Score | None
    not_claims: int
    violations: int
    cells_correct: int
    cells_total: int
    misses: list[Miss]

    @property
    def cell_accuracy(self) -> float | None:
        """Share of gold control cells the timeline gets right (None without cells)."""
        return self.cells_correct / self.cells_total if self.cells_total else None

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        acc = self.cell_accuracy
        return {
            "gold": self.gold, "articles": self.articles,
            "days": [self.days[0].isoformat(), self.days[1].isoformat()],
            "toponyms": self.toponyms.as_dict() if self.toponyms else None,
            "claims": self.claims.as_dict() if self.claims else None,
            "not_claims": {"checked": self.not_claims, "violations": self.violations},
            "control": {"correct": self.cells_correct, "total": self.cells_total,
                        "accuracy": None if acc is None else round(acc, 4)},
            "misses": [asdict(m) for m in self.misses],
        }


# -- helpers ----------------------------------------------------------------------
def _sentence_at(article: Article, pos: int) -> str:
    for s in article.sentences:
        if s.start <= pos < max(s.end, s.start + 1):
            return s.text
    return ""


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Spans of ``needle`` in ``text``: case-insensitive, quotes folded, whole words."""
    hay = text.translate(_QUOTES).casefold()
    pin = needle.translate(_QUOTES).casefold()
    if len(hay) != len(text) or not pin:
        hay = text.translate(_QUOTES)  # casefold changed lengths: fall back to exact case
        pin = needle.translate(_QUOTES)
    left = r"(?<!\w)" if pin[:1].isalnum() else ""
    right = r"(?!\w)" if pin[-1:].isalnum() else ""
    return [(m.start(), m.end()) for m in re.finditer(left + re.escape(pin) + right, hay)]


class _Resolver:
    """Resolve gold place names to gazetteer ids, per article."""

    def __init__(self, reading: Reading, gaz: Gazetteer) -> None:
        self.reading = reading
        self.gaz = gaz
        self.articles = {a.name: a for a in reading.articles}
        self._focus: dict[str, str | None] = {}

    def focus(self, article: str) -> str | None:
        if article not in self._focus:
            known = self.reading.focuses
            self._focus[article] = (known[article] if article in known
                                    else focus_city(self.gaz, self.articles[article]))
        return self._focus[article]

    def _described(self, name: str, focus: str | None) -> str | None:
        """Resolve "the hospital", "the city" to the one such place of the focus city."""
        words = re.findall(r"[\w-]+", name.lower())
        if not focus or len(words) < 2 or words[0] not in ("the", "its", "this", "that"):
            return None
        kinds = sorted(k for k, nouns in self.gaz.kind_nouns.items()
                       if words[-1] in (n.lower() for n in nouns))
        if {"city", "town"} & set(kinds):
            return focus
        found = sorted({p.id: p for k in kinds for p in self.gaz.in_kind(focus, k)}.values(),
                       key=lambda p: (-p.prominence, p.id))
        if len(found) == 1 or (len(found) > 1 and found[0].prominence > found[1].prominence):
            return found[0].id
        return None

    def place(self, name: str, article: str | None) -> str | None:
        """Return the place ``name`` stands for in ``article``, or None."""
        gaz = self.gaz
        if name in gaz:
            return name
        focus = self.focus(article) if article else self.reading.focus
        whole = [m for m in gaz.match(name) if m.start == 0 and m.end == len(name)]
        if whole:
            return gaz.rank(whole[0].ids, focus)[0].place.id
        described = self._described(name, focus)
        if described:
            return described
        if article:
            # An ambiguous description ("the district"): the place the reader gave that text.
            spans = _occurrences(self.articles[article].text, name)
            found = sorted({m.place for m in self.reading.mentions.get(article, [])
                            for s, e in spans if m.start < e and s < m.end})
            if len(found) == 1:
                return found[0]
        # A misspelling of a theatre place; a fuzzy hit in the world layer is too loose.
        cands = [c for c in gaz.candidates(name, near=focus, limit=3) if c.place.layer != "world"]
        return cands[0].place.id if cands else None


def _check_article(gold: Gold, where: str, article: str, names: set[str]) -> None:
    if article not in names:
        raise InputError(gold.path, f"{where}: article {article!r} is not among the articles read")


# -- claims -----------------------------------------------------------------------
@dataclass
class _Unit:
    """Claims of one article, site and day that say one thing."""

    article: str
    site: str
    date: dt.date
    type: str  # capture (change of hands), hold, full_control, contested
    winner: str | None = None
    loser: str | None = None
    sources: list[Any] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, dt.date, str, str, str, str]:
        return (self.article, self.date, self.site, self.type, self.winner or "", self.loser or "")

    def label(self) -> str:
        if self.type == "capture" and (self.winner or not self.loser):
            what = f"capture by {self.winner or '(no side)'}" + (
                f" from {self.loser}" if self.loser else "")
        elif self.type == "capture":
            what = f"loss by {self.loser}"
        elif self.type == "fighting":
            what = "fighting (contested, entry or siege)"
        else:
            what = f"{self.type} by {self.winner or '(no side)'}"
        return f"{what} · {self.site} · {self.date.isoformat()}"


# One claim to score: (article, site, type, actor, loser, date, source).
_Record = tuple[str, str, str, str | None, str | None, dt.date, Any]


def _units(records: list[_Record]) -> list[_Unit]:
    """Group (article, site, type, actor, loser, date, source) records into units."""
    groups: dict[tuple[str, str, dt.date], list[_Record]] = {}
    for rec in records:
        groups.setdefault((rec[0], rec[1], rec[5]), []).append(rec)
    out: list[_Unit] = []
    for (article, site, day), recs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][2],
                                                                             kv[0][1])):
        units: dict[tuple[str] | tuple[str, str | None], _Unit] = {}
        losses = []
        for _a, _s, ctype, actor, loser, _d, src in recs:
            if ctype == ClaimType.PRESENCE:
                ctype = ClaimType.HOLD
            if ctype == ClaimType.LOSS:
                losses.append((actor, src))
                continue
            # Fighting (inside, going in, or around) is a state of the site, not of a side; where
            # it was fought is the control cells' business.
            shared = ctype in _FIGHTING
            if shared:
                ctype = "fighting"
            key: tuple[str] | tuple[str, str | None] = (ctype,) if shared else (ctype, actor)
            unit = units.setdefault(key, _Unit(article, site, day, key[0], None if shared else actor))
            if ctype == "capture" and loser and not unit.loser:
                unit.loser = loser
            unit.sources.append(src)
        for actor, src in losses:
            # A loss joins a capture of the same site and day by another side.
            takers = [u for k, u in units.items() if k[0] == "capture" and u.winner != actor
                      and u.loser in (None, actor)]
            if takers:
                takers[0].loser = actor
                takers[0].sources.append(src)
            else:
                unit = units.setdefault(("loss", actor), _Unit(article, site, day, "capture",
                                                               None, actor))
                unit.sources.append(src)
        out.extend(sorted(units.values(), key=lambda u: u.key))
    return out


def _compatible(p: _Unit, g: _Unit, actors: Actors) -> bool:
    if (p.article, p.site, p.date, p.type) != (g.article, g.site, g.date, g.type):
        return False
    if p.type == "fighting":
        return True
    if p.type != "capture":
        return p.winner == g.winner

    def enemies(aid: str | None) -> tuple[str, ...]:
        return actors[aid].enemies if aid and aid in actors else ()

    if p.winner and g.winner:
        return p.winner == g.winner
    if p.winner:  # predicted capture, gold loss only
        return p.winner != g.loser and (p.winner in enemies(g.loser) or g.loser in enemies(p.winner))
    if g.winner:  # predicted loss only, gold capture
        return (g.loser in (None, p.loser)) and (
            g.winner in enemies(p.loser) or p.loser in enemies(g.winner))
    return p.loser == g.loser


def _match(pred: list[_Unit], gold: list[_Unit], actors: Actors) -> list[tuple[int, int]]:
    """Greedy one-to-one matching, exact keys first, in a fixed order."""
    pairs = []
    used_p: set[int] = set()
    used_g: set[int] = set()
    for exact in (True, False):
        for i, p in enumerate(pred):
            if i in used_p:
                continue
            for j, g in enumerate(gold):
                if j in used_g:
                    continue
                ok = (p.key == g.key) if exact else _compatible(p, g, actors)
                if ok:
                    pairs.append((i, j))
                    used_p.add(i)
                    used_g.add(j)
                    break
    return sorted(pairs)


# -- scoring ----------------------------------------------------------------------
def _score_toponyms(gold: Gold, reading: Reading, res: _Resolver, misses: list[Miss]) -> Score:
    arts = res.articles
    golds: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    for t in gold.toponyms or []:
        where = f"toponyms entry {t.entry}"
        _check_article(gold, where, t.article, set(arts))
        spans = _occurrences(arts[t.article].text, t.text)
        if not spans:
            raise InputError(gold.path, f"{where}: {t.text!r} does not occur in {t.article}")
        place = res.place(t.place, t.article)
        if place is None:
            raise InputError(gold.path, f"{where}: place {t.place!r} is not in the gazetteer")
        golds.setdefault((t.article, t.text.casefold(), place), spans)
    preds: dict[tuple[str, str, str], list[Mention]] = {}
    for art in reading.articles:
        for m in reading.mentions.get(art.name, []):
            preds.setdefault((art.name, m.text.casefold(), m.place), []).append(m)
    found: set[tuple[str, str, str]] = set()
    tp = fp = 0
    for key in sorted(preds):
        article, _text, place = key
        hit = [g for g, spans in golds.items() if g[0] == article and g[2] == place
               and any(m.start < e and s < m.end for m in preds[key] for s, e in spans)]
        if hit:
            tp += 1
            found.update(hit)
            continue
        fp += 1
        m = preds[key][0]
        same_text = sorted(g[2] for g, spans in golds.items() if g[0] == article and
                           any(m.start < e and s < m.end for s, e in spans))
        note = f"gold: {', '.join(same_text)}" if same_text else "not a gold toponym"
        misses.append(Miss("toponym", "false positive", article, f"'{m.text}' -> {place}",
                           _sentence_at(arts[article], m.start), note))
    fn = 0
    for key in sorted(golds):
        if key in found:
            continue
        fn += 1
        article, _text, place = key
        s, e = golds[key][0]
        text = arts[article].text[s:e]
        got = sorted({m.place for m in reading.mentions.get(article, [])
                      for s2, e2 in golds[key] if m.start < e2 and s2 < m.end})
        note = f"read as {', '.join(got)}" if got else "not found"
        misses.append(Miss("toponym", "false negative", article, f"'{text}' -> {place}",
                           _sentence_at(arts[article], s), note))
    return Score(tp, fp, fn)


def _score_claims(gold: Gold, reading: Reading, res: _Resolver, actors: Actors,
                  misses: list[Miss]) -> tuple[Score | None, int]:
    arts = res.articles
    sites = set(reading.timeline.sites)
    records: list[tuple[str, str, str, str | None, str | None, dt.date, Any]] = []
    for g in gold.claims or []:
        where = f"claims entry {g.entry}"
        _check_article(gold, where, g.article, set(arts))
        if g.actor not in actors:
            raise InputError(gold.path, f"{where}: actor {g.actor!r} is not in the actors file")
        site = res.place(g.site, g.article)
        if site is None:
            raise InputError(gold.path, f"{where}: site {g.site!r} is not in the gazetteer")
        if site not in sites:
            raise InputError(gold.path, f"{where}: {g.site!r} ({site}) is not a site of the map")
        records.append((g.article, site, g.type, g.actor, None, g.date, g))
    gold_units = _units(records)
    # What the timeline derives (fighting on the days a duration covers) is not read; a claim
    # on part of a site says it is contested.
    counting = [c for c in reading.claims if c.counts and not c.derived]
    pred_units = _units([(c.article, c.site, ClaimType.CONTESTED if c.part else c.type, c.actor or c.guess,
                          c.loser, c.date, c)
                         for c in sorted(counting, key=lambda c: (c.article, c.start, c.type))])
    pairs = _match(pred_units, gold_units, actors) if gold.claims is not None else []
    matched_p = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    wrong: list[_Unit] = [u for i, u in enumerate(pred_units) if i not in matched_p]
    # -- not-claims: counting claims in excluded text that the gold does not back
    violations = 0
    for nc in gold.not_claims:
        where = f"not_claims entry {nc.entry}"
        _check_article(gold, where, nc.article, set(arts))
        spans = _occurrences(arts[nc.article].text, nc.fragment)
        if not spans:
            raise InputError(gold.path, f"{where}: fragment {nc.fragment!r} does not occur in "
                                        f"{nc.article}")
        frag = nc.fragment.translate(_QUOTES).casefold()
        for u in wrong:
            if u.article != nc.article:
                continue
            bad = [c for c in u.sources if frag in c.sentence.translate(_QUOTES).casefold()
                   or any(c.start < e and s < c.end for s, e in spans)]
            if bad:
                violations += 1
                misses.append(Miss("not_claim", "violation", u.article, u.label(),
                                   bad[0].sentence, nc.why or "gold says: no claim here"))
    if gold.claims is None:
        return None, violations
    for u in wrong:
        c: Claim = u.sources[0]
        near = [gu.label() for j, gu in enumerate(gold_units) if j not in matched_g
                and gu.article == u.article and gu.site == u.site]
        note = ("gold has " + "; ".join(near)) if near else ""
        note = "; ".join(x for x in (note, c.reason) if x)
        misses.append(Miss("claim", "false positive", u.article, u.label(), c.sentence, note))
    for j, gu in enumerate(gold_units):
        if j in matched_g:
            continue
        read = [c for c in reading.claims if c.article == gu.article and c.site == gu.site]
        counted = [c for c in read if c.counts]
        if counted:
            note = "read as " + "; ".join(sorted({
                f"{c.type} by {c.actor or '(no side)'} on {c.date.isoformat()}" for c in counted}))
        elif read:
            note = "read but not counted: " + "; ".join(sorted({
                f"{c.type} {c.status}" + (f" ({c.date_precision})" if c.historical else "")
                for c in read}))
        else:
            note = "no claim read about this site"
        kind = {ClaimType.PRESENCE: ClaimType.HOLD, ClaimType.LOSS: ClaimType.CAPTURE}
        best = sorted(read, key=lambda c: (c.date != gu.date, kind.get(c.type, c.type) != gu.type,
                                           c.start))
        sentence = best[0].sentence if best else ""
        if not sentence:
            spans = _occurrences(arts[gu.article].text, gu.sources[0].site)
            sentence = _sentence_at(arts[gu.article], spans[0][0]) if spans else ""
        entries = ", ".join(str(s.entry) for s in gu.sources)
        misses.append(Miss("claim", "false negative", gu.article, gu.label(), sentence,
                           f"gold entry {entries}; {note}"))
    return Score(len(pairs), len(pred_units) - len(pairs), len(gold_units) - len(pairs)), violations


def _score_control(gold: Gold, reading: Reading, res: _Resolver, actors: Actors,
                   misses: list[Miss]) -> tuple[int, int]:
    tl = reading.timeline
    correct = 0
    cells = gold.control or []
    for cell in cells:
        where = cell.where or f"control entry {cell.entry}"
        site = res.place(cell.site, None)
        if site is None:
            raise InputError(gold.path, f"{where}: site {cell.site!r} is not in the gazetteer")
        if site not in tl.sites:
            raise InputError(gold.path, f"{where}: {cell.site!r} ({site}) is not a site of the map")
        for answer in cell.answers:
            if answer not in actors and answer not in tuple(Controller):
                raise InputError(gold.path, f"{where}: controller {answer!r} is not an actor, "
                                            f"'{Controller.CONTESTED}' or '{Controller.UNKNOWN}'")
        item = f"{site} · {cell.date.isoformat()}"
        want = "|".join(cell.answers)
        if cell.date not in tl.days:
            misses.append(Miss("control", "wrong cell", "", item, "",
                               f"gold {want}; the timeline runs {tl.days[0]} to {tl.days[-1]}"))
            continue
        st = tl.on(cell.date)[site]
        if st.controller in cell.answers:
            correct += 1
            continue
        ev = st.evidence[0] if st.evidence else None
        how = "inferred" if st.inferred else (f"since {st.since}" if st.since else "no evidence")
        because = "; ".join(f"{c.type} by {c.actor or '(no side)'} on {c.date} in {c.article}"
                            for c in st.evidence[:3])
        misses.append(Miss("control", "wrong cell", ev.article if ev else "", item,
                           ev.sentence if ev else "",
                           f"gold {want}, map {st.controller} ({how})"
                           + (f": {because}" if because else "")
                           + (f"; truth note: {cell.note}" if cell.note else "")))
    return correct, len(cells)


_ORDER = {("toponym", "false positive"): 4, ("toponym", "false negative"): 5,
          ("claim", "false positive"): 1, ("claim", "false negative"): 2,
          ("not_claim", "violation"): 3, ("control", "wrong cell"): 0}


def score(reading: Reading, gold: Gold, gaz: Gazetteer, actors: Actors) -> Report:
    """Score a reading against gold annotations.

    Parameters
    ----------
    reading : Reading
        What was read (:func:`geo.pipeline.read_theatre`).
    gold : Gold
        From :func:`load_gold`.
    gaz : Gazetteer
        Resolves the gold's place names.
    actors : Actors
        Checks the gold's sides; their enemies relate captures to losses.

    Returns
    -------
    Report
        The misses ordered by kind (control cells, claims, not-claims,
        toponyms), then article and item.

    Raises
    ------
    InputError
        When the gold does not fit the articles, gazetteer or actors (an
        article not read, a fragment or text not in its article, an unknown
        place, side or controller).
    """
    res = _Resolver(reading, gaz)
    misses: list[Miss] = []
    cells = _score_control(gold, reading, res, actors, misses)
    claims, violations = _score_claims(gold, reading, res, actors, misses)
    toponyms = _score_toponyms(gold, reading, res, misses) if gold.toponyms is not None else None
    misses.sort(key=lambda m: (_ORDER[(m.kind, m.what)], m.article, m.item, m.sentence, m.note))
    return Report(gold.path, len(reading.articles), (reading.timeline.days[0], reading.timeline.days[-1]),
                  toponyms, claims, len(gold.not_claims), violations, cells[0], cells[1], misses)


def evaluate(
    gold_path: str | Path, articles: Sequence[str | Path], *, gazetteer: Sequence[str | Path] = (),
    actors: str | Path | None = None, dates: Mapping[str, dt.date] | None = None,
) -> Report:
    """Read articles and score the reading against a gold file.

    Parameters
    ----------
    gold_path : path
        A gold YAML file or a truth table (``.csv``).
    articles : sequence of path
        Article files or folders of ``.txt`` files.
    gazetteer : sequence of path, optional
        Gazetteer files (default: the bundled Raqqa gazetteer).
    actors : path, optional
        The actors file (default: the bundled Raqqa actors).
    dates : mapping, optional
        Publication dates by path or file name; they override the gold's
        ``dates``, which apply only to articles without a date line.

    Returns
    -------
    Report
        The timeline covers the articles' days and every gold control day.

    Raises
    ------
    InputError
        On a bad gold file, article, gazetteer or actors file.
    """
    gold = load_gold(gold_path)
    arts, gaz, sides = load_inputs(articles, gazetteer=gazetteer, actors=actors, dates=dates,
                                   fallback=gold.dates)
    days = [a.published for a in arts] + [c.date for c in gold.control or []]
    reading = read_theatre(arts, gaz, sides, start=min(days), end=max(days))
    return score(reading, gold, gaz, sides)


def corpus_battles(root: str | Path, names: Sequence[str] | None = None) -> list[Path]:
    """Return the battle folders of a corpus: those holding a ``truth.csv``, sorted.

    Parameters
    ----------
    root : path
        A folder of battle folders (``../shared/corpus``), each with
        ``truth.csv``, ``articles/``, ``gazetteer.geojson`` and ``actors.yaml``.
    names : sequence of str, optional
        Only these battles.

    Raises
    ------
    InputError
        When the folder holds no battle, or a battle named is not there.
    """
    base = Path(root)
    if not base.is_dir():
        raise InputError(str(base), "corpus folder not found")
    found = sorted(p.parent for p in base.glob("*/truth.csv"))
    if names:
        by_name = {p.name: p for p in found}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise InputError(str(base), f"no battle {missing[0]!r} (there are: "
                                        f"{', '.join(by_name) or 'none'})")
        found = [by_name[n] for n in names]
    if not found:
        raise InputError(str(base), "no battle folders with a truth.csv")
    return found


def evaluate_corpus(root: str | Path, names: Sequence[str] | None = None) -> dict[str, Report]:
    """Read and score every battle of a corpus against its truth table.

    Parameters
    ----------
    root : path
        See :func:`corpus_battles`.
    names : sequence of str, optional
        Only these battles.

    Returns
    -------
    dict of str to Report
        By battle folder name, in order.
    """
    out = {}
    for folder in corpus_battles(root, names):
        out[folder.name] = evaluate(folder / "truth.csv", [folder / "articles"],
                                    gazetteer=[folder / "gazetteer.geojson"],
                                    actors=folder / "actors.yaml")
    return out


def format_corpus(reports: Mapping[str, Report]) -> str:
    """Return every battle's misses, a line per battle and the corpus score, as text."""
    lines = []
    total = right = 0
    for name, r in reports.items():
        for m in r.misses:
            if m.kind == "control":
                lines.append(f"  miss {name} {m.item}: {m.note}")
                if m.sentence:
                    lines.append(f"      > {' '.join(m.sentence.split())[:300]}")
    for name, r in reports.items():
        total += r.cells_total
        right += r.cells_correct
        acc = r.cell_accuracy or 0.0
        lines.append(f"{name}: {r.cells_correct}/{r.cells_total} cells right ({_pct(acc)})")
    lines.append(f"corpus: {right}/{total} cells right ({_pct(right / total if total else 0.0)})")
    return "\n".join(lines) + "\n"


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def format_report(report: Report) -> str:
    """Return the report as text: the figures, then every miss with its sentence.

    Parameters
    ----------
    report : Report

    Returns
    -------
    str
    """
    lines = [f"gold {report.gold}: {report.articles} articles, "
             f"{report.days[0]} to {report.days[1]}"]
    for name, sc in (("toponyms", report.toponyms), ("claims", report.claims)):
        if sc is None:
            lines.append(f"{name:<11}n/a (no '{name}' in the gold)")
        else:
            lines.append(f"{name:<11}P {_pct(sc.precision):>7}  R {_pct(sc.recall):>7}  "
                         f"F1 {_pct(sc.f1):>7}  (tp {sc.tp}, fp {sc.fp}, fn {sc.fn})")
    lines.append(f"{'not_claims':<11}{report.violations} violations in {report.not_claims} "
                 "fragments checked")
    acc = report.cell_accuracy
    lines.append(f"{'control':<11}" + ("n/a (no 'control' in the gold)" if acc is None else
                                       f"{report.cells_correct}/{report.cells_total} cells "
                                       f"correct ({_pct(acc)})"))
    if report.misses:
        lines.append("")
        lines.append(f"misses ({len(report.misses)}):")
    for m in report.misses:
        head = f"  {m.kind} {m.what}: {m.item}"
        if m.article:
            head += f"  [{m.article}]"
        lines.append(head)
        if m.note:
            lines.append(f"      {m.note}")
        if m.sentence:
            lines.append(f"      > {' '.join(m.sentence.split())}")
    return "\n".join(lines) + "\n"
