"""Control claims: who captured, holds, entered or fights over which site, when, says who.

The reader runs in stages, one module each, over every sentence of a report:

1. :mod:`~geo.claims.clauses` — clause segmentation;
2. :mod:`~geo.claims.spans` — the site and side spans;
3. :mod:`~geo.claims.roles` — the roles of each claim phrase, from clause structure;
4. :mod:`~geo.claims.classify` — the claim type (partial, entry, siege ...);
5. :mod:`~geo.claims.doubt` — asserted, or negated, intended, hedged, denied;
6. :mod:`~geo.claims.dating` — the day, and the order within the day;
7. :mod:`~geo.claims.attribution` — who asserts it, and its weight.

The phrases and cue words are language data (:mod:`~geo.claims.language`,
``geo/data/en/``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import PurePath

from conflictmap.gazetteer.core import Spans

from ..actors import ActorMention, Actors
from ..articles import Article, Sentence
from ..dates import HISTORICAL, DateRef, find_dates
from ..mentions import ByStart, Mention
from ..weights import Weights
from .attribution import Speaker, speaker_of, weigh
from .classify import FIGHTING, classify
from .clauses import segment
from .dating import date_claim
from .doubt import doubt
from .enums import ClaimType, Status
from .language import Language, PhraseHit
from .roles import Context, Roles, destination, read_roles
from .spans import Side, described_sides, local_sites, named_sides
from .tokens import tokenize

__all__ = ["Claim", "ClaimType", "Status", "extract_claims", "CLAIM_TYPES", "CONTROL_TYPES", "STATE_TYPES",
           "Language", "report_stem"]

#: Claim types, after ACLED's territorial sub-events and the state model.
CLAIM_TYPES = tuple(ClaimType)
#: Types that end a day with one side in control.
CONTROL_TYPES = frozenset({ClaimType.CAPTURE, ClaimType.FULL_CONTROL})
#: Types that say who holds a site without a change of hands.
STATE_TYPES = frozenset({ClaimType.HOLD, ClaimType.PRESENCE})
# Sentences of these page roles are read but never move the map.
_FURNITURE = (Status.HEADLINE, Status.SUBHEAD, Status.CAPTION, Status.DUPLICATE)
# Types that say nothing without a side: holding, being in, losing, going in.
_SIDED = frozenset({ClaimType.HOLD, ClaimType.PRESENCE, ClaimType.LOSS})
# Where in the day a claim stands when no clock says: brief, early, untold, late.
_ORDER_CLOCK = {-2: 0, -1: 360, 0: 720, 1: 1080}
# A claim this close to where a cut-off page stops may have lost its date or negation.
_CUT_MARGIN = 30


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement about who controls a site.

    Attributes
    ----------
    article : str
        The article's file name.
    published : datetime.date
    sentence : str
        The evidence, verbatim.
    start, end : int
        Offsets of the claim's phrase in the article text.
    site : str
        The site's place id; ``site_text`` is how the article named it.
    type : ClaimType
        One of :data:`CLAIM_TYPES`.
    actor : str or None
        The taker (capture), holder (hold, presence), loser (loss), the side
        going in (entry) or pressing from outside (siege), a side fighting
        (contested).
    loser : str or None
        For a capture, the side that lost the site when the text names it.
    date : datetime.date
        The day the claim is about; ``date_precision`` one of day / night /
        range / week / month / year; ``date_text`` the expression it came from.
    status : Status
        ``asserted``, or why it does not count (see
        :data:`geo.claims.doubt.STATUSES`: ``negated``, ``intent``, ``hedged``,
        ``denied``, ``conditional``, ``superseded``, ``generic``,
        ``background``, ``truncated``), ``no side``; or the page furniture
        it stands in: ``headline``, ``subhead``, ``caption``, ``duplicate``.
    tense : str
        ``present`` or ``past`` (a hold described in the past tense).
    asserted_by : str
        ``reporter``, an actor id (its spokesman), ``third party``, ``source``
        (an unaffiliated speaker) or ``quoted``.
    confidence : float
        Its weight against a conflicting claim of the same day.
    reason : str
        How the claim was read.
    taker : str or None
        For a loss, the side that took the site, when the text names it or
        the article makes it the only likely one.
    part : bool
        The claim is about part of the site ("most of the city").
    fighting : str
        ``inside``, ``around`` or ``none``: the fighting the claim reports.
    order : int
        Its place among the day's claims: negative early (or brief), positive late.
    clock : int or None
        The time of day it was reported at (minutes after midnight), where a
        live blog's entry gives one.
    phrase : str
        The claim's phrase as written ("pulled out of", "stormed").
    guess : str or None
        For a capture no side is named for ("the city has been liberated"),
        the side the article shows on the offensive: the timeline takes it
        only where it knows no holder before.
    withdrawal : bool
        A loss by leaving the whole site ("the rebels pulled out of X"): the
        other side has all of it, as after full control.
    derived : str
        How a claim no phrase makes was derived: ``duration`` for fighting on
        the days before that the sentence says it went on; for one about a
        quarter from one about its city ("fully liberated"), the city's id.
    """

    article: str
    published: dt.date
    sentence: str
    start: int
    end: int
    site: str
    site_text: str
    type: ClaimType
    actor: str | None
    loser: str | None
    date: dt.date
    date_precision: str
    date_text: str
    status: Status
    tense: str
    asserted_by: str
    confidence: float
    reason: str
    taker: str | None = None
    part: bool = False
    fighting: str = "none"
    order: int = 0
    clock: int | None = None
    phrase: str = ""
    derived: str = ""
    guess: str | None = None
    withdrawal: bool = False

    @property
    def id(self) -> str:
        """Its stable id, ``REPORT:START-END:SITE`` (the report's file name without its suffix).

        It survives a new reader while the phrase keeps its offsets; the
        analyst's decisions name claims by it (``conflictmap accept``).
        """
        return f"{report_stem(self.article)}:{self.start}-{self.end}:{self.site}"

    @property
    def moment(self) -> int:
        """When in its day it was reported, in minutes: its clock, else what ``order`` says."""
        return self.clock if self.clock is not None else _ORDER_CLOCK.get(self.order, 720)

    @property
    def historical(self) -> bool:
        """Whether the claim is background history (dated only to a month or year)."""
        return self.date_precision in HISTORICAL

    @property
    def counts(self) -> bool:
        """Whether the claim bears on the daily control map."""
        return self.status == Status.ASSERTED and not self.historical


# A build asks for the id of every claim, tens of thousands of claims of a few thousand reports:
# a path made for each one was most of the cost. The cache is bounded for a long-lived process
# that meets many reports.
@lru_cache(maxsize=1 << 16)
def report_stem(article: str) -> str:
    """Return a report's file name without its folder and suffix, as a claim id names the report.

    It is ``PurePath(article).stem`` (a leading dot is no suffix), worked out
    once for each name.

    Parameters
    ----------
    article : str
        A claim's ``article``.

    Returns
    -------
    str

    Examples
    --------
    >>> report_stem("0114d34425c4772c.txt"), report_stem("in/a.b.txt"), report_stem(".hidden")
    ('0114d34425c4772c', 'a.b', '.hidden')
    """
    return PurePath(article).stem


@dataclass(frozen=True)
class _Sentence:
    """One sentence prepared for reading: its context, speaker and date expressions."""

    sent: Sentence
    ctx: Context
    speaker: Speaker
    refs: list[DateRef]
    day: list[DateRef]  # a live blog's day header above it ("WEDNESDAY 3 AUGUST"), as dates


def _prepare(lang: Language, actors: Actors, article: Article, sent: Sentence,
             mentions: Sequence[Mention], found: Sequence[ActorMention],
             attacker: str | None, context: str | None = None,
             inherited: Sequence[DateRef] = ()) -> _Sentence | None:
    sites = local_sites(lang, mentions, sent)
    if not sites or not lang.may_hold_phrase(sent.text):
        return None
    tokens = tokenize(sent.text)
    named = named_sides(found, sent, sites)
    speaker = speaker_of(lang, sent.text, named)
    # A word inside a site's name ("the provincial government offices") is the site's.
    described = [s for s in described_sides(lang, actors, sent.text, named, speaker.side, attacker, context)
                 if not any(m.start <= s.start and s.end <= m.end for m in sites)]
    spans_of_sides = [(s.start, s.end) for s in (*named, *described)]

    def gap_holds(lo: int, hi: int) -> bool:
        # "drove * out of": the gap holds a side ("drove the militants out of"), or a pronoun;
        # in the passive only a particle ("were pushed back from").
        return any(lo <= a and b <= hi for a, b in spans_of_sides) or bool(
            lang.rx("claims.gap_pronoun").search(sent.text[lo:hi])) or all(
            w.lower() in lang.gap_particles for w in sent.text[lo:hi].split())

    hits = lang.find(tokens, sent.text, gap_holds)
    # A phrase inside a name ("Free Syrian Army", "Liberation Square") is part of the name.
    spans = [(m.start, m.end) for m in sites] + [(s.start, s.end) for s in named]
    hits = [h for h in hits if not any(a <= h.start and h.end <= b for a, b in spans)]
    hits = _verbs_over_their_nouns(lang, sent.text, hits)
    if not hits:
        return None
    sides = _merge_heads(sent.text, named, described)
    ctx = Context(sent.text, tokens, segment(sent.text, lang), sites, sides, hits)
    day = find_dates(sent.day, article.published)[:1] if sent.day else []
    if day and len(day[0].text) < len((sent.day or "").strip(" ,.")) - 2:
        # "Thursday, April 18, 2024" above a 2017 report: the page's own date line when it was
        # saved (its date unreadable as a day of the report), not a day the report is about.
        day = []
    refs = find_dates(sent.text, article.published)
    if not day and inherited and (lang.rx("claims.same_day").match(sent.text) or len(sites) > 1) and \
            not any(r.precision == "day" for r in refs):
        # "By evening they had taken X" after "... on Monday": Monday's evening. The names of
        # the places a count said were taken ("12 villages were freed on Monday. They are X,
        # Y and Z."): the same takings, that day (see _days_restated).
        day = [replace(r, start=0, end=0) for r in inherited[:1]]
    return _Sentence(sent, ctx, speaker, refs, day)


def _days_before(lang: Language, article: Article) -> dict[int, list[DateRef]]:
    """For each sentence opening later that day (by start), the day the one before it names.

    Only within a paragraph; the sentence before must name a day (not a later one).
    """
    out: dict[int, list[DateRef]] = {}
    prev: Sentence | None = None
    same_day = lang.rx("claims.same_day")
    for sent in article.sentences:
        if prev is not None and same_day.match(sent.text) and "\n\n" not in article.text[prev.end:sent.start]:
            days = [r for r in find_dates(prev.text, article.published)
                    if r.precision == "day" and r.date <= article.published]
            if days:
                out[sent.start] = days[-1:]
        prev = sent
    return out


def _days_restated(lang: Language, article: Article) -> dict[int, list[DateRef]]:
    """For each sentence that may list the places a count before it said were taken, that day.

    "On Monday, 12 settlements were liberated. ... It was possible to liberate X,
    Y and Z.": the list, a few sentences on, restates Monday's takings. Only a
    sentence that speaks of taking (:func:`_prepare` also asks for two places
    or more and no day of its own); a new count ends the last one's reach.
    """
    out: dict[int, list[DateRef]] = {}
    count, taking, new = (lang.rx("claims.count_taken"), lang.rx("claims.restates_taking"),
                          lang.rx("claims.new_taking"))
    days: list[DateRef] = []
    left = 0
    for sent in article.sentences:
        if count.search(sent.text):
            days = [r for r in find_dates(sent.text, article.published)
                    if r.precision == "day" and r.date <= article.published][-1:]
            left = _RESTATED_WITHIN
            continue
        if days and left > 0 and taking.search(sent.text) and not new.search(sent.text):
            out[sent.start] = days
        left -= 1
    return out


# How many sentences after a count of places taken may list them.
_RESTATED_WITHIN = 3


def _verbs_over_their_nouns(lang: Language, text: str, hits: list[PhraseHit]) -> list[PhraseHit]:
    """Drop a noun of fighting that is the subject of the next phrase.

    "The fighting had not yet moved inside X": the verb says what happened, and
    its doubt is the sentence's; the noun alone would say there was fighting in X.
    """
    out = []
    for k, h in enumerate(hits):
        nxt = hits[k + 1] if k + 1 < len(hits) else None
        if h.phrase.form == "noun" and h.phrase.type in ("fight", "move") and nxt is not None \
                and nxt.phrase.form != "noun" and lang.rx("claims.subject_gap").match(text[h.end:nxt.start]):
            continue
        out.append(h)
    return out


def _merge_heads(text: str, named: Sequence[Side], described: Sequence[Side]) -> list[Side]:
    """Sides in text order; "rebel units", a name then a noun of fighters, is one side."""
    out: list[Side] = []
    for s in sorted([*named, *described], key=lambda s: s.start):
        prev = out[-1] if out else None
        if prev is not None and s.how == "context" and prev.how == "name" and \
                not text[prev.end:s.start].strip():
            out[-1] = replace(prev, end=s.end, text=text[prev.start:s.end])
            continue
        out.append(s)
    return out


def _claims_of(lang: Language, article: Article, prep: _Sentence, hit: PhraseHit,
               likely: Callable[[str], str | None], weights: Weights | None = None) -> list[Claim]:
    roles = read_roles(lang, prep.ctx, hit)
    if roles is None:
        return []
    out = _claims_for(lang, article, prep, hit, roles, likely, weights) if roles.site.site else []
    dest = destination(lang, prep.ctx, hit, roles)
    if dest is not None:
        # "advanced from X towards Y": in X, and pressing on Y.
        out += _claims_for(lang, article, prep, hit, dest, likely, weights)
    return out


def _claims_for(lang: Language, article: Article, prep: _Sentence, hit: PhraseHit, roles: Roles,
                likely: Callable[[str], str | None], weights: Weights | None = None) -> list[Claim]:
    """Return the claims one phrase makes about the site of its roles (and those listed with it)."""
    ctx = prep.ctx
    n = ctx.clause_of(hit.start)
    lo, hi = ctx.clauses[n].start, ctx.clauses[n].end
    kind = classify(lang, ctx.text, hit, roles, hi)
    actor = roles.actor.actor if roles.actor else None
    other = roles.other.actor if roles.other else None
    if other == actor:
        other = None
    loser = taker = None
    if kind.type in ("capture", "full_control"):
        loser = other
        if actor is None and loser is not None:
            actor = likely(loser)
    elif kind.type == "loss":
        taker = other or (likely(actor) if actor else None)
    # "drove the militants out of X": the side driven out left all of X, to the actor.
    expelled = kind.type == "capture" and hit.phrase.frame == "expel" and not roles.passive \
        and not kind.part and not roles.beside and loser is not None
    if expelled:
        taker = actor
    # What was said is doubted where the saying is: "The SDF denied reports that it lost X".
    said = ctx.clauses[n - 1].start if n > 0 and ctx.clauses[n - 1].kind == "attribution" \
        and ctx.clauses[n].kind == "main" else lo
    status = doubt(lang, ctx.text, hit, said, hi, prep.refs, ended=kind.ended)
    if status == Status.ASSERTED and said < lo and \
            lang.doubt[Status.HEDGED].search(ctx.text[said:ctx.clauses[n - 1].end]):
        # "Unconfirmed reports indicate that ... are withdrawing from X": the saying's doubt
        # is the whole report's, however far from it the phrase stands.
        status = Status.HEDGED
    if status == Status.ASSERTED:
        status = _consequence_of(lang, ctx, n, prep.refs) or status
    if status == Status.ASSERTED and prep.sent.truncated and \
            len(ctx.text) - max(hit.end, roles.site.end) < _CUT_MARGIN:
        status = Status.TRUNCATED  # the page stops right after it: its last words may undo it
    if prep.sent.role in _FURNITURE:
        status = Status(prep.sent.role) if status == Status.ASSERTED else status
    if status == Status.ASSERTED and actor is None and kind.type in _SIDED and not (
            kind.type in CONTROL_TYPES and loser is None):
        # "Civilians are still inside X", "families fled X": read, kept, not about a side.
        status = Status.NO_SIDE
    elif status == Status.ASSERTED and actor is None and kind.type == ClaimType.ENTRY and \
            lang.rx("claims.unsided_movers").search(ctx.text[lo:hit.start]):
        # "TV showed tanks and other vehicles entering the base": machines or people moving
        # in say nothing of whose they are (the holder's own reinforcements, as often as not).
        status = Status.NO_SIDE
    # A hold said to be complete is full control, and still a state: "once entirely controlled".
    state = kind.type in STATE_TYPES or hit.phrase.type in STATE_TYPES
    refs = prep.refs
    if prep.day and not any(lo <= r.start and r.end <= hi for r in refs):
        # A live blog's entry under "WEDNESDAY 3 AUGUST" is about that day.
        refs = [*refs, *(replace(r, start=lo, end=lo) for r in prep.day)]
    when = date_claim(lang, ctx.text, hit, lo, hi, refs, article.published, present_state=state)
    tense = "past" if state and lang.past.search(ctx.text[max(lo, hit.start - 45):hit.start]) \
        else "present"
    weight = weigh(prep.speaker, kind.type, actor, prep.sent.truncated, article.outlet, weights)
    reason = _reason(hit, roles, actor, loser, kind.note, status)
    out = []
    # "more than half of X and Y districts": the part is of each place the list's noun heads.
    shared = kind.part and bool(roles.more) and roles.site.start >= hit.end and bool(
        lang.rx("claims.list_head").match(ctx.text, max(m.end for m in roles.more)))
    for m in (roles.site, *roles.more, *_wholes_of(lang, ctx, roles.site, kind.type)):
        part = (kind.part and (m is roles.site or (shared and m in roles.more))) \
            or m not in (roles.site, *roles.more)
        out.append(Claim(
            article=article.name, published=article.published, sentence=prep.sent.evidence,
            start=prep.sent.start + hit.start, end=prep.sent.start + hit.end, site=m.place,
            site_text=m.text, type=kind.type, actor=actor, loser=loser, date=when.date,
            date_precision=when.precision, date_text=when.text, status=status, tense=tense,
            asserted_by=prep.speaker.who, confidence=weight,
            reason=reason if m is roles.site else f"{reason}; '{m.text}' listed with '{roles.site.text}'",
            # Fighting at the site: the type's, else inside where the claim is about a part of it.
            taker=taker, part=part, fighting=FIGHTING.get(kind.type, "inside" if part else "none"),
            order=when.order, clock=prep.sent.clock, phrase=hit.text,
            withdrawal=(kind.type == "loss" and hit.phrase.whole or expelled) and not part,
        ))
    return [*out, *_undone(lang, prep, hit, roles, out, likely), *_durations(lang, ctx.text, hit, out)]


def _consequence_of(lang: Language, ctx: Context, n: int, refs: Sequence[DateRef]) -> Status | None:
    """Return the doubt of the clause a consequence clause hangs on: "aim to storm X, bringing Y".

    A participle clause that says what would follow ("..., bringing them full
    control of the city") is as uncertain as the intention or condition it
    follows; its own words have no cue of doubt.
    """
    clause = ctx.clauses[n]
    if clause.kind != "participle" or clause.host is None or n == 0 or \
            not lang.rx("claims.consequence").match(ctx.text, clause.start):
        return None
    host = ctx.clauses[n - 1]
    text = ctx.text
    for r in refs:  # "in May" is a month, not the modal
        text = text[:r.start] + " " * (r.end - r.start) + text[r.end:]
    for status in (Status.CONDITIONAL, Status.INTENT):
        if lang.doubt[status].search(text[host.start:host.end]):
            return status
    return None


def _undone(lang: Language, prep: _Sentence, hit: PhraseHit, roles: Roles, claims: list[Claim],
            likely: Callable[[str], str | None]) -> list[Claim]:
    """Return the losses that undo a brief capture or entry later in its sentence.

    "Troops briefly captured X before militants pushed them out", "briefly
    entered X but were pushed back": the side took or went into X and lost it
    again; at the end of the day X is the other side's. The loss is placed
    late in the day (the capture, said to be brief, comes first).
    """
    ctx = prep.ctx
    taken = [c for c in claims if c.type in (ClaimType.CAPTURE, ClaimType.FULL_CONTROL, ClaimType.ENTRY)
             and c.status == Status.ASSERTED and c.actor is not None]
    if not taken:
        return []
    end = max(hit.end, roles.site.end)
    if not lang.brief.search(ctx.text, max(ctx.clause_start(hit.start), hit.start - 40), end + 15):
        return []  # an undone capture that was not said to be brief is left to the reports
    back = lang.rx("claims.reversed").match(ctx.text, end)
    if back is None:
        return []
    actor = taken[0].actor
    assert actor is not None
    # The side that pushed them out, where the sentence names it; else the likely enemy.
    taker = next((s.actor for s in ctx.sides if end <= s.start < back.end() and s.actor != actor),
                 None) or likely(actor)
    start, stop = prep.sent.start + back.start(), prep.sent.start + back.end()
    return [replace(c, type=ClaimType.LOSS, taker=taker, loser=None, start=start, end=stop,
                    order=max(c.order, 0) + 1, phrase=back.group(0), fighting="none",
                    reason=f"{c.reason}; undone later: '{back.group(0).strip()}'") for c in taken]


def _wholes_of(lang: Language, ctx: Context, site: Mention, ctype: str) -> list[Mention]:
    """Return the site a taken quarter is said in apposition to be part of.

    "... took Masaken Hanano, the first district of rebel-held eastern Aleppo
    to fall": eastern Aleppo is taken in part.
    """
    if ctype not in ("capture", "full_control", "loss", "entry"):
        return []
    after = ctx.text[site.end:site.end + 90]
    # The apposition may follow a date or a "state television said" put in between.
    m = re.match(r"(?:\s+on\s+\w+)?(?:,\s+[^,.;]{0,40}?\b(?:said|says|reported)\b)?"
                 r",\s+(?:the|a|an)\s+(?:[\w'’-]+\s+){0,2}?([\w'’-]+)\s+of\s+(?:the\s+)?", after)
    if not m or m.group(1).lower() not in lang.part_nouns:
        return []
    at = site.end + m.end()
    whole = [w for w in ctx.sites if at <= w.start <= at + 30 and w.place != site.place]
    return whole[:1]


# The longest fighting a sentence's "after N days of fighting" is taken to tell day by day.
_DURATION_DAYS = 7


def _durations(lang: Language, text: str, hit: PhraseHit, claims: list[Claim]) -> list[Claim]:
    """Return the days before a claim on which its sentence says fighting went on.

    "drove IS out of X on Sunday, after two days of fighting": fighting in X on
    Friday and Saturday; "fighting in X raged for a fourth straight day": on
    the three days before too.
    """
    if not claims or claims[0].status != Status.ASSERTED:
        return []
    first = claims[0]
    days = 0
    if first.type in (ClaimType.CONTESTED, ClaimType.SIEGE):
        m = re.search(r"\bfor\s+(?:a|the)\s+(\w+)\s+(?:straight|consecutive|successive|running)\s+day",
                      text[hit.start:], re.IGNORECASE)
        days = lang.ordinals.get(m.group(1).lower(), 0) - 1 if m else 0
        kind = first.type
    else:
        m = re.search(r"\b(?:after|following)\s+(\w+(?:\s+\w+)?)\s+days?\s+of\s+((?:[\w-]+\s*){1,3})",
                      text[hit.end:], re.IGNORECASE)
        # "after two days of heavy street fighting": a word of fighting among the next three.
        if m and any(w in lang.fight_words for w in m.group(2).split()):
            days = lang.number(m.group(1))
        kind = ClaimType.CONTESTED
    if days > _DURATION_DAYS:
        return []  # "after 95 days of fighting": the campaign's length, not days the map can tell
    out = []
    for c in claims:
        for k in range(1, days + 1):
            out.append(replace(c, type=kind, date=c.date - dt.timedelta(days=k), actor=None,
                               loser=None, taker=None, fighting="inside" if kind == ClaimType.CONTESTED
                               else "around", part=False, order=0, derived="duration",
                               reason=f"{c.reason}; fighting {k} day(s) before, as the sentence says"))
    return out


def _reason(hit: PhraseHit, roles: Roles, actor: str | None, loser: str | None, note: str,
            status: str) -> str:
    out = f"{hit.phrase.type} phrase '{hit.text}', site '{roles.site.text}'"
    if roles.actor is not None:
        out += f", side {roles.actor.actor} from '{roles.actor.text}' ({roles.how})"
    elif actor:
        out += f", side {actor} as the only likely one"
    if loser:
        out += f", loser {loser}"
    if roles.inside is not None:
        out += ", inside" if roles.inside else ", around"
    if note:
        out += f"; {note}"
    if status != "asserted":
        out += f"; {status}"
    return out


def extract_claims(
    article: Article, mentions: list[Mention], actors: Actors, language: Language | None = None,
    weights: Weights | None = None,
) -> list[Claim]:
    """Read the control claims of an article.

    Parameters
    ----------
    article : Article
    mentions : list of Mention
        The article's place mentions (:func:`geo.mentions.find_mentions`).
    actors : Actors
    language : Language, optional
        Phrasing data (the bundled English data by default).
    weights : Weights, optional
        The source-weighting table (:class:`geo.weights.Weights`; the bundled one by default).

    Returns
    -------
    list of Claim
        Every claim found, doubtful ones and those read in page furniture
        included with their status, in text order.
    """
    lang = language or Language.load()
    found = actors.find(article.text)
    likely = _likely_enemy(actors, found)
    claims: list[Claim] = []
    # Two passes: the side the article shows attacking resolves "the remnants" in the second.
    preps = []
    contexts = _contexts(article, found)
    before = {**_days_restated(lang, article), **_days_before(lang, article)}
    # Each sentence is given only the mentions and sides that start inside it (it keeps those
    # that also end there): going through all of them for each would take the square of the size.
    places, sides = ByStart(mentions), ByStart(found)

    def within(sent: Sentence) -> tuple[list[Mention], list[ActorMention]]:
        return places.between(sent.start, sent.end), sides.between(sent.start, sent.end)

    for sent in article.sentences:
        prep = _prepare(lang, actors, article, sent, *within(sent), None, contexts.get(sent.start),
                        before.get(sent.start, ()))
        if prep is not None:
            preps.append(prep)
            for hit in prep.ctx.hits:
                claims.extend(_claims_of(lang, article, prep, hit, likely, weights))
    claims = _retracted_later(lang, article, _unverified_before(lang, article, claims))
    attacker = article_attacker(claims) or _on_the_offensive(lang, article.text, found)
    if attacker is None:
        return _report_wide(lang, article, mentions, claims, None, likely)
    out: list[Claim] = []
    first = ByStart(claims)
    for prep in preps:
        if _describes(lang, prep):
            again = _prepare(lang, actors, article, prep.sent, *within(prep.sent), attacker,
                             contexts.get(prep.sent.start), before.get(prep.sent.start, ()))
            if again is not None:
                for hit in again.ctx.hits:
                    out.extend(_claims_of(lang, article, again, hit, likely, weights))
                continue
        out.extend(c for c in first.between(prep.sent.start, prep.sent.end) if c.start < prep.sent.end)
    out = _retracted_later(lang, article, _unverified_before(lang, article, out))
    out.sort(key=lambda c: (c.start, c.site))
    return _report_wide(lang, article, mentions, out, attacker, likely)


def _report_wide(lang: Language, article: Article, mentions: Sequence[Mention], claims: list[Claim],
                 attacker: str | None, likely: Callable[[str], str | None]) -> list[Claim]:
    """Apply the steps that look across the report: sides guessed, holds before falls, places named among."""
    return _named_among(lang, article, mentions, _before_the_fall(_agentless(lang, claims, attacker), likely))


def _named_among(lang: Language, article: Article, mentions: Sequence[Mention],
                 claims: list[Claim]) -> list[Claim]:
    """Give the places a sentence names among those the one before counted that sentence's taking.

    "Troops took full control of X and a number of nearby settlements. The
    largest of them are Y and Z.": Y and Z were taken as X was. Only a sentence
    with no claim of its own that opens by restating ("the largest of them
    are", "among them are", "they include"), after one that takes places it
    does not name ("a number of villages", "12 settlements").
    """
    body = [s for s in article.sentences if s.role == "body"]
    among, unnamed = lang.rx("claims.named_among"), lang.rx("claims.unnamed_places")
    by_start, places = ByStart(claims), ByStart(list(mentions))
    added: list[Claim] = []
    for prev, sent in zip(body, body[1:], strict=False):
        opening = among.match(sent.text)
        counted = unnamed.search(prev.text)
        if opening is None or counted is None or \
                any(c.start < sent.end for c in by_start.between(sent.start, sent.end)):
            continue
        # The taking whose object the unnamed places are: its phrase before them, joined to
        # them by nothing but its own object ("took X and a number of villages"), not "took X,
        # while IS fled to a number of villages".
        at = prev.start + counted.start()
        takings = [c for c in by_start.between(prev.start, prev.end)
                   if c.type in (ClaimType.CAPTURE, ClaimType.FULL_CONTROL) and c.end <= at
                   and not lang.rx("claims.not_its_object").search(article.text[c.end:at])]
        if not takings:
            continue
        c = takings[-1]
        named = [m for m in places.between(sent.start, sent.end)
                 if m.site and m.start >= sent.start + opening.end()]
        if not named or not _only_names(lang, sent, named, opening.end()):
            continue  # "These villages are 10 km from X": not a list of them
        for m in named:
            added.append(replace(c, sentence=sent.text, start=m.start, end=m.end, site=m.place,
                                 site_text=m.text, derived="named among", part=False, reason=(
                                     f"{c.reason}; '{m.text}' named among the places it took")))
    if not added:
        return claims
    return sorted([*claims, *added], key=lambda c: (c.start, c.site))


def _only_names(lang: Language, sent: Sentence, named: Sequence[Mention], opened: int) -> bool:
    """Whether a sentence after its opening words is only the names listed, and words that join them."""
    text = sent.text[opened:]
    for m in sorted(named, key=lambda m: -m.start):  # named start after the opening words
        a, b = m.start - sent.start - opened, m.end - sent.start - opened
        text = text[:a] + "," + text[b:]
    said = lang.rx("claims.list_said").search(text)
    if said is not None and said.start() > 0:
        text = text[:said.start()]  # "..., Y and Z, the ministry said": who said it is not listed
    return bool(lang.rx("claims.list_glue").fullmatch(text))


_TAKINGS = (ClaimType.CAPTURE, ClaimType.FULL_CONTROL, ClaimType.ENTRY)


def _retracted_later(lang: Language, article: Article, claims: list[Claim]) -> list[Claim]:
    """Deny what the report later takes back: "That proved premature", "Reports that X fell were false".

    A short sentence that only takes back the one before it denies that
    sentence's claims; a taking the report calls premature or false further
    on denies the same side's earlier taking of the same site.
    """
    body = [s for s in article.sentences if s.role == "body"]
    by_start = ByStart(claims)
    back = lang.rx("doubt.retracted_back")
    undone = {prev.start for prev, s in zip(body, body[1:], strict=False)
              if back.search(" " + s.text) and len(s.text.split()) <= 20
              and not any(c.start < s.end for c in by_start.between(s.start, s.end))}
    held = Spans((s.start, s.end) for s in body if s.start in undone)
    said = lang.rx("doubt.retracted")
    # (site, side, where the report takes it back) for each taking it calls premature or false.
    takebacks = [(c.site, c.actor, c.start) for c in claims
                 if c.status == Status.DENIED and c.type in _TAKINGS and said.search(c.sentence)]
    if not undone and not takebacks:
        return claims
    out = []
    for c in claims:
        if c.status == Status.ASSERTED and c.type in _TAKINGS:
            if undone and held.cover(c.start):
                c = _replace(c, status=Status.DENIED, reason=c.reason + "; the next sentence takes it back")
            elif any(site == c.site and actor == c.actor and c.start < at for site, actor, at in takebacks):
                c = _replace(c, status=Status.DENIED,
                             reason=c.reason + "; the report later calls it premature or false")
        out.append(c)
    return out


def _unverified_before(lang: Language, article: Article, claims: list[Claim]) -> list[Claim]:
    """Hedge what a sentence reports when the next one says it could not be checked.

    "Pro-government outlets said troops had taken the hotel. There was no
    independent confirmation of those claims."
    """
    body = [s for s in article.sentences if s.role == "body"]
    by_start = ByStart(claims)
    doubted = {prev.start for prev, s in zip(body, body[1:], strict=False)
               if lang.unverified.search(s.text) and len(s.text.split()) <= 25
               and not any(c.start < s.end for c in by_start.between(s.start, s.end))}
    if not doubted:
        return claims
    # The doubted sentences as spans: one look-up a claim.
    held = Spans((s.start, s.end) for s in body if s.start in doubted)
    out = []
    for c in claims:
        if c.status == Status.ASSERTED and held.cover(c.start):
            c = _replace(c, status=Status.HEDGED,
                         reason=c.reason + "; the next sentence says it was not confirmed")
        out.append(c)
    return out


def _contexts(article: Article, found: Sequence[ActorMention]) -> dict[int, str]:
    """For each sentence (by start), the side its unnamed fighters likely belong to.

    The one side the sentence before names; when it names both or none, the
    side the report names most (clearly more than the other).
    """
    counts = Counter(a.actor for a in found)
    ranked = counts.most_common(2)
    main = ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] >= 1.5 * ranked[1][1]) \
        else None
    out: dict[int, str] = {}
    prev: list[str] = []
    by_start = ByStart(found)
    for sent in article.sentences:
        # The side the sentence before opens with (its subject, as a rule), else the main one.
        side = prev[0] if prev else main
        if side is not None:
            out[sent.start] = side
        if sent.role == "body":
            prev = [a.actor for a in by_start.between(sent.start, sent.end) if a.start < sent.end]
    return out


def _before_the_fall(claims: list[Claim], likely: Callable[[str], str | None]) -> list[Claim]:
    """Put a hold said of a site in the sentence of its fall before the fall.

    "Al-Maydan, the last district held by the militants, fell to the army":
    the militants' hold comes before the army's capture, not beside it. A
    taking no side is named for is by the holder's enemy: "operations
    managed to retake X, an IS stronghold" took X from IS.
    """
    claims = _taken_from_holder(claims, likely)
    # The earliest order of each side's capture, per sentence and site: one pass, not one a claim
    # (a sentence repeated through a long page would make that quadratic).
    first: dict[tuple[str, str], dict[str, int]] = {}
    for c in claims:
        if c.type in CONTROL_TYPES and c.counts and c.actor:
            sides = first.setdefault((c.sentence, c.site), {})
            sides[c.actor] = min(sides.get(c.actor, c.order), c.order)
    out = []
    for c in claims:
        rivals = [order for actor, order in first.get((c.sentence, c.site), {}).items()
                  if actor != c.actor]
        if c.type in STATE_TYPES and c.counts and rivals:
            c = replace(c, order=min(rivals) - 1,
                        reason=c.reason + "; before the capture the sentence tells")
        out.append(c)
    return out


def _taken_from_holder(claims: list[Claim], likely: Callable[[str], str | None]) -> list[Claim]:
    """Give a taking no side is named for to the enemy of the one side its sentence says holds the site."""
    holders: dict[tuple[str, str], set[str]] = {}
    for c in claims:
        if c.type == ClaimType.HOLD and c.counts and c.actor and c.tense == "present":
            holders.setdefault((c.sentence, c.site), set()).add(c.actor)
    if not holders:
        return claims
    out = []
    for c in claims:
        held = holders.get((c.sentence, c.site), set())
        if c.type in CONTROL_TYPES and c.counts and c.actor is None and not c.part and len(held) == 1:
            (holder,) = held
            taker = likely(holder)
            if taker:
                c = replace(c, actor=taker, loser=holder, guess=None,
                            reason=f"{c.reason}; taken from {holder}, whose the sentence says it was")
        out.append(c)
    return out


def _describes(lang: Language, prep: _Sentence) -> bool:
    text = prep.ctx.text
    return bool(lang.sides["defender"].search(text) or lang.sides["attacker"].search(text))


def article_attacker(claims: Sequence[Claim]) -> str | None:
    """Return the side an article shows on the offensive: the most frequent taker or attacker.

    Parameters
    ----------
    claims : sequence of Claim

    Returns
    -------
    str or None
        None when no side takes, enters or besieges anything, or two tie.
    """
    def ranked(types: tuple[str, ...], historical: bool) -> list[tuple[str, int]]:
        counts = Counter(c.actor for c in claims if c.actor and c.historical == historical
                         and c.status in (Status.ASSERTED, Status.HEADLINE, Status.CAPTION)
                         and c.type in types)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    # Who advances, storms and besieges in the battle of the day decides; then who takes
    # what; the battle's history ("fell to IS in May") only when the day says nothing.
    for types, historical in ((("entry", "siege"), False), (("capture", "full_control"), False),
                              (("capture", "full_control", "entry", "siege"), True)):
        top = ranked(types, historical)
        if not top:
            continue
        if len(top) == 1 or top[0][1] >= 2 * top[1][1]:
            return top[0][0]
        return None  # no side clearly on the offensive
    return None


def _on_the_offensive(lang: Language, text: str, found: Sequence[ActorMention]) -> str | None:
    """Return the one side an article names as the owner of an offensive, where its claims name none.

    "During the offensive of the Armed Forces of Ukraine ... 12 settlements were
    liberated", "the army's counteroffensive", "the army has liberated five
    settlements" (of no site the gazetteer knows): the side whose offensive it is.
    """
    of, owns, took = (lang.rx("claims.offensive_of"), lang.rx("claims.offensive_owner"),
                      lang.rx("claims.side_took"))
    sides = {a.actor for a in found if of.search(text, max(0, a.start - 40), a.start)
             or owns.match(text, a.end) or took.match(text, a.end)}
    return sides.pop() if len(sides) == 1 else None


def _agentless(lang: Language, claims: list[Claim], attacker: str | None) -> list[Claim]:
    """Guess the side of a capture, or of fighting near a site, nobody is named for: the article's attacker.

    "The city has been liberated": likely by the side the article shows on the
    offensive; "clashes are under way near the compound": pressed by it. Not
    fighting near another noun the site only locates ("fighting in villages
    near X", "fled fighting near X").
    """
    if attacker is None:
        return claims
    out = []
    for c in claims:
        if c.type in CONTROL_TYPES and c.actor is None and c.loser != attacker:
            c = _replace(c, guess=attacker, reason=c.reason + f"; likely taken by {attacker}, the "
                         "side the article shows on the offensive")
        elif c.type == ClaimType.SIEGE and c.actor is None and c.fighting == "around" \
                and _presses(lang, c):
            # "Clashes near X": pressed by the side the article shows attacking.
            c = _replace(c, guess=attacker, reason=c.reason + f"; likely pressed by {attacker}, the "
                         "side the article shows on the offensive")
        out.append(c)
    return out


def _presses(lang: Language, c: Claim) -> bool:
    """Whether a fight phrase is said of its site ("clashes near X"), not of what it locates.

    "Fighting in villages near X", "fled fighting near X": X only says where.
    """
    i = c.sentence.find(c.phrase) if c.phrase else -1
    j = c.sentence.find(c.site_text, i + 1) if i >= 0 else -1
    if j < 0:
        return False
    gap = c.sentence[i + len(c.phrase):j]
    return not lang.rx("claims.pressed_other").search(gap) \
        and not lang.rx("claims.pressed_other").search(c.sentence[max(0, i - 25):i])


def _replace(c: Claim, **kw: object) -> Claim:
    return replace(c, **kw)  # type: ignore[arg-type]


def _likely_enemy(actors: Actors, sides: Sequence[ActorMention]) -> Callable[[str], str | None]:
    """Return a function naming the side an article shows fighting a given side.

    When a side has one enemy, that one; when it has several, the one the
    article (whose side mentions are ``sides``) names most often, if it is
    named strictly more than the others.
    """
    counts: Counter[str] = Counter(a.actor for a in sides)

    def likely(side: str) -> str | None:
        only = actors.opponent(side)
        if only:
            return only
        enemies = list(actors[side].enemies) if side in actors else []
        ranked = sorted(((counts.get(e, 0), e) for e in enemies), reverse=True)
        if ranked and ranked[0][0] > 0 and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
            return ranked[0][1]
        return None

    return likely
