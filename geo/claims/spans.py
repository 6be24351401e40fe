"""Stage 2: the site and side spans of a sentence.

Sites are the article's place mentions that fall in the sentence (a name
that only qualifies the next one, "Mosul's Old City", is left out). Sides
are the actors named in it ("IS", "Kurdish fighters") and the sides it
names by description: first person inside a quote ("our forces": the
speaker's side), what one side calls the other ("the terrorists", "the
occupiers": the speaker's enemy), and the side holding out or attacking
("the remnants", "the attackers"), resolved against the article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from ..actors import ActorMention, Actors
from ..articles import Sentence
from ..mentions import Mention
from .language import Language

__all__ = ["Side", "local_sites", "named_sides", "described_sides", "quotes"]


@dataclass(frozen=True)
class Side:
    """A side named in a sentence (offsets within the sentence).

    ``how`` is ``name`` (an actor's name or alias), or how a description was
    resolved: ``first person``, ``pejorative``, ``alias word`` ("the
    government"), ``name head`` ("Russian" before "-held" or a claim noun:
    never a verb's subject), ``people`` ("the Ukrainians"), ``context``
    (unnamed fighters), ``defender``, ``attacker``.
    """

    start: int
    end: int
    text: str
    actor: str
    how: str = "name"


def local_sites(lang: Language, mentions: Sequence[Mention], sent: Sentence) -> list[Mention]:
    """Return the mentions inside ``sent``, with offsets made relative to it.

    A name that only qualifies the next one ("Mosul's Old City", "Raqqa's
    al-Badu") is left out: the claim is about the second.
    """
    inside = [replace(m, start=m.start - sent.start, end=m.end - sent.start)
              for m in mentions if sent.start <= m.start and m.end <= sent.end]
    out = []
    dropped: set[int] = set()
    text = sent.text
    for i, m in enumerate(inside):
        if lang.rx("spans.road").match(text[m.end:m.end + 20]) and m.how != "reference":
            continue  # "the Jarabulus road": a road named after the place, not the place
        nxt = inside[i + 1] if i + 1 < len(inside) else None
        if nxt is not None and nxt.start - m.end <= 40 and not re.search(r"[,;.]", text[m.end:nxt.start]):
            if text[m.end:m.end + 2] in ("'s", "’s"):
                continue
            if lang.rx("spans.qualifier").match(text[m.end:nxt.start]):
                if nxt.place in m.within:
                    # "the Kastani district of Velmora": the second name is the city it is in.
                    dropped.add(i + 1)
                else:
                    continue  # "the Ramadi district of al-Taamim": the first qualifies the second
        if i not in dropped:
            out.append(m)
    return out


def named_sides(found: Sequence[ActorMention], sent: Sentence, sites: Sequence[Mention]) -> list[Side]:
    """Return the actors named in ``sent`` (from the article's actor mentions).

    A side's name inside a site's name ("Kurdish security headquarters",
    "the Free Syrian Army base") is part of the site, not a side. A capital
    outside the theatre that the actors file names as a side ("Moscow
    withdrew from X") is the side.
    """
    out = []
    for a in found:
        if not (sent.start <= a.start and a.end <= sent.end):
            continue
        s, e = a.start - sent.start, a.end - sent.start
        if any(m.start <= s and e <= m.end and (m.site or (m.start, m.end) != (s, e)) for m in sites):
            continue
        out.append(Side(s, e, a.text, a.actor))
    return out


def quotes(text: str) -> list[tuple[int, int]]:
    """Return the spans of quoted speech in a sentence (an unclosed quote runs to its end)."""
    spans = []
    for m in re.finditer(r"[“\"]([^”\"]*)(?:[”\"]|$)", text):
        spans.append((m.start(), m.end()))
    return spans


def described_sides(lang: Language, actors: Actors, text: str, named: Sequence[Side],
                    speaker: str | None, main_attacker: str | None,
                    context: str | None = None) -> list[Side]:
    """Return the sides a sentence names by description, resolved.

    Parameters
    ----------
    lang : Language
    actors : Actors
    text : str
        The sentence.
    named : sequence of Side
        Its sides named outright (a description inside one is part of it).
    speaker : str or None
        The side whose spokesman speaks in the sentence, if known.
    main_attacker : str or None
        The side the article shows on the offensive (see
        :func:`geo.claims.article_attacker`).
    context : str or None
        The side the sentence before was about (its first side named).

    Returns
    -------
    list of Side
        First person inside a quote is the speaker's side (or, with no known
        speaker, the enemy of the one other side the quote names); a
        pejorative is the speaker's enemy, else the enemy of the sides the
        quote calls ours, else the side whose own actors file lists such
        words; "the remnants" is the enemy of the main attacker, "the
        attackers" the main attacker.
    """
    taken = [(s.start, s.end) for s in named]
    spans = quotes(text)
    out: list[Side] = []

    def free(m: re.Match[str]) -> bool:
        return not any(a < m.end() and m.start() < b for a, b in taken)

    for m in lang.sides["first_person"].finditer(text):
        if not free(m) or not any(a <= m.start() < b for a, b in spans):
            continue
        side = speaker
        if side is None:
            others = {s.actor for s in named if any(a <= s.start < b for a, b in spans)}
            if len(others) == 1:
                side = actors.opponent(next(iter(others)))
        if side:
            out.append(Side(m.start(), m.end(), m.group(), side, "first person"))
            taken.append(m.span())
    ours = {s.actor for s in out}
    for m in lang.sides["pejorative"].finditer(text):
        if not free(m):
            continue
        side = None
        if speaker:
            side = actors.opponent(speaker)
        elif len(ours) == 1:
            side = actors.opponent(next(iter(ours)))
        else:
            side = _listed_pejorative(lang, actors)
        if side and side not in ours:
            out.append(Side(m.start(), m.end(), m.group(), side, "pejorative"))
            taken.append(m.span())
    for m in lang.sides["by_alias_word"].finditer(text):
        if not free(m):
            continue
        side = _listed_word(actors, m.group().lower().removeprefix("the ").strip())
        if side:
            out.append(Side(m.start(), m.end(), m.group(), side, "alias word"))
            taken.append(m.span())
    # "Russian-held parts", "Kurdish attacks": a people's word that opens one side's names only.
    for m in _DEMONYM_BEFORE.finditer(text):
        glued = m.group(2) == "-" and m.group(3).lower() in lang.glued_participles
        if not free(m) or not (glued or m.group(3).lower() in lang.claim_nouns) or \
                m.group(1).lower() in lang.determiners or m.group(1).lower() in lang.governing:
            continue
        side = _name_head(actors, m.group(1))
        if side:
            out.append(Side(m.start(1), m.end(1), m.group(1), side, "name head"))
            taken.append(m.span(1))
    # "the Ukrainians", "the Russians": the people of one side's names, as a side.
    for m in _PEOPLE.finditer(text):
        side = _name_head(actors, m.group(1)[:-1]) if free(m) else None
        if side:
            out.append(Side(m.start(), m.end(), m.group(), side, "people"))
            taken.append(m.span())
    for m in lang.sides["generic"].finditer(text):
        if not free(m):
            continue
        # "the fighters": the side the sentence names before them, else the one before it.
        before = [s for s in (*named, *out) if s.end <= m.start()]
        side = before[0].actor if before else context
        if side:
            out.append(Side(m.start(), m.end(), m.group(), side, "context"))
            taken.append(m.span())
    # "It also seized X" opening a sentence: the side the sentence before was about.
    opening = lang.rx("spans.opening_pronoun").match(text)
    if opening and context and not any(s.start < opening.end(1) for s in (*named, *out)):
        out.append(Side(opening.start(1), opening.end(1), opening.group(1), context, "context"))
        taken.append(opening.span(1))
    # "Troops said on Monday that they had retaken X": the side speaking, the subject that
    # opens the sentence, the one side named before its verb of saying and none between it and
    # the pronoun ("The SDF accused IS of ... and said that it ..." names two: no one).
    for m in lang.rx("spans.reported_pronoun").finditer(text):
        before = [s for s in (*named, *out) if s.end <= m.start()]
        if len({s.actor for s in before}) != 1 or not lang.rx("spans.speaker_opens").fullmatch(
                text[:before[0].start]) \
                or any(m.start() <= s.start < m.start(1) for s in (*named, *out)):
            continue
        if not any(a < m.end(1) and m.start(1) < b for a, b in taken):
            out.append(Side(m.start(1), m.end(1), m.group(1), before[-1].actor, "speaker"))
            taken.append(m.span(1))
    if main_attacker:
        defender = actors.opponent(main_attacker)
        for role, side in (("defender", defender), ("attacker", main_attacker)):
            if not side:
                continue
            for m in lang.sides[role].finditer(text):
                if free(m):
                    out.append(Side(m.start(), m.end(), m.group(), side, role))
                    taken.append(m.span())
    return sorted(out, key=lambda s: s.start)


_PEOPLE = re.compile(r"\b(?:the\s+)?([A-Z][a-z]+s)\b")
_DEMONYM_BEFORE = re.compile(r"\b([A-Z][a-z]+)(?:(-)|\s+)([a-z]+)")


@lru_cache(maxsize=4096)
def _name_head(actors: Actors, word: str) -> str | None:
    """Return the one side whose names of several words begin with ``word`` ("Russian troops")."""
    low = word.lower()
    sides = {a.id for a in actors for alias in (a.name, *a.aliases)
             if len(alias.split()) > 1 and alias.split()[0].lower() == low}
    return next(iter(sides)) if len(sides) == 1 else None


@lru_cache(maxsize=4096)
def _listed_word(actors: Actors, word: str) -> str | None:
    """Return the one side whose names use ``word`` ("government" in "government forces")."""
    sides = {a.id for a in actors for alias in (a.name, *a.aliases)
             if word in re.findall(r"[\w-]+", alias.lower())}
    return next(iter(sides)) if len(sides) == 1 else None


def _listed_pejorative(lang: Language, actors: Actors) -> str | None:
    """Return the one side whose actors file lists pejoratives among its names ("terrorists")."""
    words = lang.sides["pejorative"]
    sides = {a.id for a in actors for alias in a.aliases if alias in words}
    return next(iter(sides)) if len(sides) == 1 else None
