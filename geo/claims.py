"""Control claims: who captured, holds or fights over which site, when, says who."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from .actors import ActorMention, Actors
from .articles import Article, Sentence
from .dates import HISTORICAL, DateRef, find_dates
from .lexicon import Lexicon, PhraseHit
from .mentions import PARTITIVE, Mention

__all__ = ["Claim", "extract_claims", "CLAIM_TYPES", "CONTROL_TYPES"]

#: Claim types, after ACLED's territorial sub-events.
CLAIM_TYPES = ("capture", "full_control", "loss", "hold", "presence", "contested")
#: Types that end a day with one side in control.
CONTROL_TYPES = frozenset({"capture", "full_control"})
_PASSIVE = re.compile(
    r"\b(?:was|were|is|are|been|be|being|has\s+been|have\s+been|had\s+been)\s+(?:\w+ly\s+)?$",
    re.IGNORECASE,
)
# Between a single verb and its object only determiners and adjectives stand;
# a preposition means the site belongs to another phrase ("took part in Raqqa").
_BLOCKING = re.compile(r"\b(?:in|at|near|around|inside|into|part|place|for|on|with)\b",
                       re.IGNORECASE)
_STATUS_ORDER = ("denied", "negated", "hedged", "intent")
# Words after a verb that make it another verb: "took part", "taken down".
_PARTICLE = re.compile(
    r"^\s+(?:down|place|part|off|note|aim|care|away|hostage|hostages|prisoner|prisoners|"
    r"refuge|cover|shape|turns|advantage|responsibility|photos?|pictures?|to\s+\w+ing)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
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
    type : str
        One of :data:`CLAIM_TYPES`.
    actor : str or None
        The taker (capture), holder (hold, presence), loser (loss) or
        attacker (contested).
    loser : str or None
        For a capture, the side that lost the site when the text names it.
    date : datetime.date
        The day the claim is about; ``date_precision`` one of day / night /
        range / week / month / year; ``date_text`` the expression it came from.
    status : str
        ``asserted``, or why it does not count: ``negated``, ``intent``,
        ``hedged``, ``denied``.
    tense : str
        ``present`` or ``past`` (a hold described in the past tense).
    asserted_by : str
        ``reporter``, an actor id (its spokesman), ``third party``, ``source``
        (an unaffiliated speaker) or ``quoted``.
    confidence : float
    reason : str
        How the claim was read.
    taker : str or None
        For a loss, the side that took the site, when the text names it or
        the article makes it the only likely one.
    """

    article: str
    published: dt.date
    sentence: str
    start: int
    end: int
    site: str
    site_text: str
    type: str
    actor: str | None
    loser: str | None
    date: dt.date
    date_precision: str
    date_text: str
    status: str
    tense: str
    asserted_by: str
    confidence: float
    reason: str
    taker: str | None = None

    @property
    def historical(self) -> bool:
        """Whether the claim is background history (dated only to a month or year)."""
        return self.date_precision in HISTORICAL

    @property
    def counts(self) -> bool:
        """Whether the claim bears on the daily control map."""
        return self.status == "asserted" and not self.historical


# Words that make a claim about part of a site only: "a strip of the Old City".
_PARTITIVE = re.compile(
    rf"\b(?:{PARTITIVE})\s+of\s+"
    r"(?:the\s+|what\s+(?:was|is|were|had\s+been)\s+(?:once\s+)?)?(?:[\w-]+-held\s+)?$", re.IGNORECASE)
# Words that put a hold in the present, on the day of the report: "still", "remains".
_NOW = re.compile(r"\b(?:still|remains?|remained|now|continues?\s+to|yet)\b", re.IGNORECASE)
# A relative or parenthetical clause: its dates belong to it, not to the main clause.
_ASIDE = re.compile(r",\s+(?:where|which|who|when|whose|once|as|after|before|since|while|"
                    r"because)\b[^,;]*(?:,|$)", re.IGNORECASE)
# What joins coordinated sites: "the mosque and the cathedral", "X, Y and Z".
_CONJ = re.compile(r"^\s*(?:,\s*and|,|and|as\s+well\s+as|&|or|,\s*or)\s+(?:the\s+|both\s+)?$",
                   re.IGNORECASE)


def _conjuncts(places: list[Mention], site: Mention, sentence: str) -> list[Mention]:
    """Return the sites coordinated with ``site`` ("X and Y", "X, Y and Z"), itself excluded."""
    ordered = sorted(places, key=lambda m: m.start)
    i = next(k for k, m in enumerate(ordered) if m is site)
    out = []
    j = i
    while j + 1 < len(ordered) and _CONJ.match(sentence[ordered[j].end:ordered[j + 1].start]):
        j += 1
        out.append(ordered[j])
    j = i
    while j > 0 and _CONJ.match(sentence[ordered[j - 1].end:ordered[j].start]):
        j -= 1
        out.append(ordered[j])
    return [m for m in out if m.site and m.place != site.place]


def _nearest_before(items, pos: int, lo: int, limit: int):
    best = None
    for it in items:
        if lo <= it.start and it.end <= pos and pos - it.end <= limit:
            best = it
    return best


def _first_after(items, pos: int, hi: int, limit: int):
    for it in items:
        if it.start >= pos and it.end <= hi and it.start - pos <= limit:
            return it
    return None


def _doubt(lex: Lexicon, sentence: str, lo: int, hit: PhraseHit, refs: list[DateRef]) -> str:
    # Date expressions are not cues: "in May" is a month, not a modal.
    for r in refs:
        if r.end <= hit.start:
            sentence = sentence[:r.start] + " " * (r.end - r.start) + sentence[r.end:]
    window = sentence[max(lo, hit.start - 70):hit.start]
    if re.search(r"\bto\s+$", window) and hit.pattern.type != "hold":
        return "intent"  # "to capture", "preparing to storm"
    for status in _STATUS_ORDER:
        if lex.doubt[status].search(window) or (
            status == "negated" and lex.doubt[status].search(hit.text)
        ):
            return status
    return "asserted"


def _speaker(lex: Lexicon, text: str, actors: list[ActorMention]) -> str:
    stripped = text.lstrip()
    if stripped[:1] in "\"“":
        return "quoted"
    rep = lex.reporting.search(text)
    if not rep:
        return "reporter"
    subject = text[:rep.start()]
    if lex.third_party.search(subject):
        return "third party"
    # The speaker stands in the comma-separated piece nearest the verb that
    # names a side: "Bali, a spokesman for the SDF, said" / "..., an SDF commander said".
    cut = rep.start()
    while cut > 0:
        lo = text.rfind(",", 0, cut)
        named = [a for a in actors if lo < a.start and a.end <= cut]
        if named:
            return named[0].actor
        if lo < 0:
            break
        cut = lo
    return "source"


def _by_prep(sentence: str, actors: list[ActorMention], after: int, hi: int, preps: str):
    rx = re.compile(rf"\b(?:{preps})\s+(?:[\w'’.-]+\s+){{0,3}}$", re.IGNORECASE)
    for a in actors:
        if a.start >= after and a.end <= hi and rx.search(sentence[after:a.start]):
            return a
    return None


def _claim_date(refs: list[DateRef], lo: int, hi: int, pos: int, published: dt.date,
                sentence: str = ""):
    asides = [m.span() for m in _ASIDE.finditer(sentence) if not m.start() <= pos < m.end()]
    refs = [r for r in refs if not any(a <= r.start and r.end <= b for a, b in asides)]
    inside = [r for r in refs if lo <= r.start and r.end <= hi] or refs
    if not inside:
        return published, "day", ""
    ref = min(inside, key=lambda r: (abs(r.start - pos), r.start))
    return ref.date, ref.precision, ref.text


def _read_hit(
    lex: Lexicon, actors: Actors, article: Article, sent: Sentence, hit: PhraseHit,
    places: list[Mention], sides: list[ActorMention], refs: list[DateRef],
    likely: Callable[[str], str | None], speaker: str,
) -> list[Claim]:
    s = sent.text
    pat = hit.pattern
    lo, hi = lex.clause(s, hit.start, hit.end)
    # "were fighting in": a progressive, not a passive ("was besieged").
    head = hit.text.split()[0].lower()
    progressive = head.endswith("ing") and head != "being"
    passive = pat.passive and not progressive and bool(_PASSIVE.search(s[max(0, hit.start - 25):
                                                                         hit.start]))
    single_word = " " not in hit.text.strip()
    if single_word and _PARTICLE.match(s[hit.end:]):
        return []
    # -- the site ---------------------------------------------------------
    where = ("before",) if passive else tuple(pat.site.split("|"))
    if where == ("after", "before") and re.match(r"\s+(?:the|a|an|its|their)\s+[a-z]", s[hit.end:]) \
            and not _first_after(places, hit.end, hi, 60):
        where = ("after",)  # "fighting for the sprawling compound": its own object, unnamed
    site = None
    for direction in where:
        if direction == "after":
            site = _first_after(places, hit.end, hi, 30 if pat.nominal else pat.near)
            if site and pat.type not in ("contested", "presence") and single_word and \
                    _BLOCKING.search(s[hit.end:site.start]):
                site = None
        else:
            site = _nearest_before(places, hit.start, lo, pat.near)
            rel = re.search(r",\s+(?:which|who|where)\b[^,]*,\s*(?:\w+\s+){0,2}$", s[:hit.start])
            if site is None and rel:
                # "The hospital, which IS had turned into a base, remains ...":
                # the subject stands before the relative clause.
                site = _nearest_before(places, rel.start(), 0, pat.near)
            aside = re.search(r",[^,]*,\s*$", s[:hit.start])
            if site is not None and aside and aside.start() < site.start and not rel:
                # "The clock tower, at the heart of the old market, remains ...": the
                # subject stands before the aside, not inside it.
                site = _nearest_before(places, aside.start(), 0, pat.near) or site
            inner = re.search(r",\s+(?:which|that)\b[^,]*$", s[:hit.start])
            if site is None and inner:
                # "The Citadel, which government troops have held": the phrase is
                # inside the relative clause; its object is what the clause is about.
                site = _nearest_before(places, inner.start(), 0, 5)
        if site:
            break
    if site is None and pat.type in ("hold", "presence") and not s[hit.end:].strip(" .,'\"”’"):
        # "... still holed up inside." ends the sentence: inside the place
        # named last, even across a clause boundary.
        site = _nearest_before(places, hit.start, 0, 150)
    if site is None or not site.site:
        return []  # no place, or a place off the theatre's map (Mosul, Britain)
    # -- the sides --------------------------------------------------------
    others = [a for a in sides if not (site.start <= a.start < site.end)]
    actor = loser = None
    how = ""
    role = next(iter(pat.roles), None)
    if pat.type in ("capture", "full_control"):
        by = _by_prep(s, others, hit.end, hi, "by|to")
        frm = _by_prep(s, others, hit.end, hi, "from")
        loser = frm.actor if frm else None
        if hit.gap:
            gap = [a for a in others if hit.gap[0] <= a.start and a.end <= hit.gap[1]]
            loser = gap[0].actor if gap else loser
        after = _first_after(others, hit.end, hi, 80) if pat.roles.get("winner") == "after" \
            else None
        if after:
            actor, how = after.actor, f"'{after.text}' after the phrase"
        elif by and (passive or pat.nominal):
            actor, how = by.actor, f"'{by.text}' after the phrase"
        elif not passive and pat.roles.get("winner") == "before":
            near = 15 if pat.nominal else 100
            subj = _nearest_before([a for a in others if a.actor != loser], hit.start, lo, near)
            if subj:
                actor, how = subj.actor, f"subject '{subj.text}'"
        if actor is None and loser is not None:
            # "the city has been liberated from IS": the taker is the side
            # the sentence names first that is not the loser.
            cand = [a for a in others if a.actor != loser and a.end <= hit.start]
            if cand:
                actor, how = cand[0].actor, f"'{cand[0].text}' earlier in the sentence"
            elif speaker in actors and speaker != loser:
                actor, how = speaker, "the side whose spokesman says so"
        if actor is None and loser is not None:
            actor = likely(loser)
            if actor:
                how = f"the only side of the article fighting {loser}"
        if actor == loser:
            loser = None
    else:
        direction = pat.roles.get(role or "", "before")
        gap = [a for a in others if hit.gap and hit.gap[0] <= a.start and a.end <= hit.gap[1]]
        if direction == "gap":
            found = gap[0] if gap else None
        elif passive and direction == "before":
            found = _by_prep(s, others, hit.end, hi, "by")
        elif direction == "after":
            found = _first_after(others, hit.end, hi, 80)
        else:
            found = _nearest_before(others, hit.start, lo, pat.near if role == "holder" and
                                    pat.site == "before" else 100)
        rel = re.search(r",\s+(?:which|who|that)\b[^,]*$", s[:hit.start])
        if found is None and direction == "before" and rel:
            # "The SDF, which now holds the bulk of it": the side the clause is about.
            found = _nearest_before(others, rel.start(), 0, 5)
        if found:
            actor, how = found.actor, f"'{found.text}' {direction} the phrase"
    if pat.type in ("hold", "presence", "loss") and actor is None:
        return []  # civilians "still inside" or "fled": not about control
    kind = pat.type
    partitive = _PARTITIVE.search(s[max(0, site.start - 40):site.start])
    if partitive and site.start < hit.start and "," in s[site.end:hit.start]:
        partitive = None  # "the edge of X, the last pocket held by": the part is another clause's
    if kind in ("hold", "presence", "capture", "full_control") and partitive:
        kind = "contested"  # a strip of it, parts of it: the site is divided
    elif kind == "hold" and re.search(r"\b(?:completely|fully|entirely|totally|wholly)\b",
                                      s[max(lo, hit.start - 20):hit.end]):
        kind = "full_control"
    status = _doubt(lex, s, lo, hit, refs)
    tense = "present"
    if pat.type in ("hold", "presence") and lex.past.search(s[max(lo, hit.start - 45):hit.start]):
        tense = "past"
    if pat.type in ("hold", "presence") and _NOW.search(s[max(lo, hit.start - 25):hit.end]):
        # "is still held by", "remains in the hands of": true on the day of the report.
        date, precision, date_text = article.published, "day", ""
    else:
        date, precision, date_text = _claim_date(refs, lo, hi, hit.start, article.published, s)
    confidence = 0.9 if actor else 0.4
    if site.how == "reference":
        confidence -= 0.1
    taker = None
    if pat.type == "loss" and actor is not None:
        by = _by_prep(s, others, hit.end, hi, "by|to")
        taker = by.actor if by and by.actor != actor else likely(actor)
    reason = f"{pat.type} phrase '{hit.text}', site '{site.text}'"
    if actor:
        reason += f", side {actor} from {how}"
    if loser:
        reason += f", loser {loser}"
    if status != "asserted":
        reason += f"; {status}"
    if kind != pat.type:
        reason += f"; part of the site only, so {kind}"
    claims = []
    for m in (site, *_conjuncts(places, site, s)):
        claims.append(Claim(
            article=article.name, published=article.published, sentence=s,
            start=sent.start + hit.start, end=sent.start + hit.end, site=m.place,
            site_text=m.text, type=kind, actor=actor, loser=loser, date=date,
            date_precision=precision, date_text=date_text, status=status, tense=tense,
            asserted_by=speaker, confidence=round(confidence, 2),
            reason=reason if m is site else f"{reason}; '{m.text}' coordinated with '{site.text}'",
            taker=taker,
        ))
    return claims


def extract_claims(
    article: Article, mentions: list[Mention], actors: Actors, lexicon: Lexicon | None = None,
) -> list[Claim]:
    """Read the control claims of an article.

    Parameters
    ----------
    article : Article
    mentions : list of Mention
        The article's place mentions (:func:`geo.mentions.find_mentions`).
    actors : Actors
    lexicon : Lexicon, optional
        Phrasing data (the bundled English lexicon by default).

    Returns
    -------
    list of Claim
        Every claim found, doubtful ones included with their status, in text
        order; one claim per phrase.
    """
    lex = lexicon or Lexicon.load()
    out = []
    all_sides = actors.find(article.text)
    likely = _likely_enemy(actors, all_sides)
    for sent in article.sentences:
        local = _heads([
            Mention(m.start - sent.start, m.end - sent.start, m.text, m.place, m.how,
                    m.candidates, m.site)
            for m in mentions if sent.start <= m.start and m.end <= sent.end
        ], sent.text)
        if not local:
            continue
        hits = lex.phrases(sent.text)
        if not hits:
            continue
        sides = [replace(a, start=a.start - sent.start, end=a.end - sent.start)
                 for a in all_sides if sent.start <= a.start and a.end <= sent.end]
        refs = find_dates(sent.text, article.published)
        speaker = _speaker(lex, sent.text, sides)
        for hit in hits:
            out.extend(_read_hit(lex, actors, article, sent, hit, local, sides, refs, likely,
                                 speaker))
    return out


def _heads(places: list[Mention], sentence: str) -> list[Mention]:
    """Drop places that only qualify the next one ("Mosul's Old City" is about the Old City)."""
    out = []
    for i, m in enumerate(places):
        nxt = places[i + 1] if i + 1 < len(places) else None
        if nxt is not None and sentence[m.end:m.end + 2] in ("'s", "’s") and \
                nxt.start - m.end <= 40 and not re.search(r"[,;.]", sentence[m.end:nxt.start]):
            continue
        out.append(m)
    return out


def _likely_enemy(actors: Actors, sides: list[ActorMention]):
    """Return a function naming the side an article shows fighting a given side.

    When a side has one enemy, that one; when it has several, the one the
    article (whose side mentions are ``sides``) names most often, if it is
    named strictly more than the others.
    """
    counts: dict[str, int] = {}
    for a in sides:
        counts[a.actor] = counts.get(a.actor, 0) + 1

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
