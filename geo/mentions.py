"""Place mentions: the gazetteer's places named or referred to in an article."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from gazetteer import Gazetteer, Match

from .articles import Article

__all__ = ["Mention", "find_mentions", "focus_city", "PARTITIVE"]

_DETERMINERS = {"the", "its", "this", "that"}
# Modifiers that make a description new rather than a place named before: "the first district".
_NEW = {"first", "second", "third", "fourth", "fifth", "another", "other", "new", "next", "several",
        "some", "many", "two", "three", "four", "five", "few", "more", "nearby", "neighbouring",
        "neighboring", "adjacent", "different", "one"}
_STOP = re.compile(r"[.,;:!?()\[\]\"“”]")


@dataclass(frozen=True)
class Mention:
    """A place referred to in an article.

    Attributes
    ----------
    start, end : int
        Offsets in the article text.
    text : str
        As written.
    place : str
        The chosen place id.
    how : str
        ``name`` (a gazetteer name or alias) or ``reference`` (a definite
        description such as "the hospital", resolved in the focus city).
    candidates : tuple of str
        Every place the words may stand for (ranked, chosen first).
    site : bool
        Whether the place is a site of the theatre's control map.
    """

    start: int
    end: int
    text: str
    place: str
    how: str
    candidates: tuple[str, ...]
    site: bool


def focus_city(gaz: Gazetteer, article: Article, matches: list[Match] | None = None) -> str | None:
    """Return the theatre city an article is about (the one it names most).

    Parameters
    ----------
    gaz : Gazetteer
    article : Article
    matches : list of Match, optional
        ``gaz.match(article.text)`` when the caller has it already.

    Returns
    -------
    str or None
        A city id of the theatre layer; the theatre's largest city (most
        places under it) when the article names none; None without cities.
    """
    counts: Counter[str] = Counter()
    for m in gaz.match(article.text) if matches is None else matches:
        for pid in m.ids:
            city = gaz.city_of(pid)
            if city and gaz[city].layer != "world":
                counts[city] += 1
    if counts:
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    cities = [pid for pid in gaz.ids("theatre") if gaz[pid].kind == "city"]
    if not cities:
        return None
    sizes = Counter(gaz.city_of(pid) for pid in gaz.ids("theatre"))
    return sorted(cities, key=lambda c: (-sizes[c], c))[0]


def _references(gaz: Gazetteer, text: str, focus: str, names: list[Mention]) -> list[Mention]:
    """Definite descriptions ("the hospital", "the city's stadium") resolved in ``focus``.

    A description resolves to the site of its kind named last before it in
    the article ("... the Bato mosque, as militants dug in at the mosque"),
    else to the most prominent site of that kind in the focus city. One that
    stands in apposition to a name ("Al-Maydan, the last district held by
    ...") is that name again.
    """
    named = [(m.start, m.end) for m in names]
    kind_of = {m.place: gaz[m.place].kind for m in names if m.site}
    noun_kinds: dict[str, list[str]] = {}
    for kind, nouns in gaz.kind_nouns.items():
        for noun in nouns:
            noun_kinds.setdefault(noun.lower(), []).append(kind)
    if not noun_kinds:
        return []
    rx = re.compile(r"\b(" + "|".join(sorted(map(re.escape, noun_kinds), key=len, reverse=True)) + r")\b",
                    re.IGNORECASE)
    out = []
    for m in rx.finditer(text):
        if any(s <= m.start() < e for s, e in named):
            continue
        after = text[m.end():m.end() + 30]
        nxt = re.match(r"\s+([\w'’-]+)", after)
        if nxt and (nxt.group(1).lower() in noun_kinds or nxt.group(1)[0].isupper()):
            continue  # "city stadium": the head noun comes later; "Hospital Road": a name
        if after[:1] in ("'", "’") and after[1:2] == "s" and m.group(1).lower() not in ("city", "town"):
            continue
        # Walk back over at most three modifiers to a determiner or "city's".
        before = text[max(0, m.start() - 60):m.start()]
        words = re.findall(r"[\w'’-]+|[^\w\s]", before)[::-1]
        start = None
        pos = m.start()
        modifiers = []
        for i, w in enumerate(words[:5]):
            pos = text.rfind(w, 0, pos)
            if _STOP.fullmatch(w) or any(s <= pos < e for s, e in named) or w.lower() == "of":
                break
            low = w.lower()
            if low in _DETERMINERS or low in ("city's", "city’s", "town's", "town’s"):
                start = pos
                break
            modifiers.append(low)
            if i >= 3:
                break
        if start is None or any(w in _NEW for w in modifiers):
            continue  # "the first neighbourhood", "another district": not one named before
        noun = m.group(1).lower()
        kinds = noun_kinds[noun]
        later = [n for n in names if n.start >= m.end()]
        if later and re.fullmatch(r"\s+of\s+", text[m.end():later[0].start]):
            continue  # "the town of Tabqa": the name that follows says which
        earlier = [n for n in names if n.end <= start]
        if earlier and re.fullmatch(r",\s*", text[earlier[-1].end:start]) and \
                gaz[earlier[-1].place].kind in kinds:
            prev = earlier[-1]  # apposition: the description is the name again
            out.append(Mention(start, m.end(), text[start:m.end()], prev.place, "reference",
                               (prev.place,), prev.site))
            continue
        recent = [n for n in earlier if n.site and kind_of[n.place] in kinds]
        if "city" in kinds or "town" in kinds:
            # "the city" is the one the article is about; "the town" may be a town named just
            # before ("the small town of X ... retreated to the town") when the focus is a city.
            exact = [n for n in recent if kind_of[n.place] == noun and start - n.end <= 400]
            place = exact[-1].place if exact and gaz[focus].kind != noun else focus
            cands = (place,)
        elif recent:
            place = recent[-1].place
            cands = (place,)
        else:
            found = [p for kind in kinds for p in gaz.in_kind(focus, kind)]
            found = sorted({p.id: p for p in found}.values(), key=lambda p: (-p.prominence, p.id))
            if not found or (len(found) > 1 and found[0].prominence == found[1].prominence):
                continue  # no such site, or no way to tell which one
            place = found[0].id
            cands = tuple(p.id for p in found)
        out.append(Mention(start, m.end(), text[start:m.end()], place, "reference", cands,
                           gaz.is_site(place)))
    return out


#: Words that name part of a place ("a strip of", "the bulk of", "three quarters of"):
#: "the bulk of it" refers back to a place, and a claim about part of a site is not
#: a claim about all of it.
PARTITIVE = (r"strip|parts?|pockets?|corners?|edges?|outskirts|fringes?|sections?|areas?|most|"
             r"much|half|some|rest|remainder|portions?|slivers?|quarters|bulk|thirds?|percent|"
             r"per\s+cent|centre|center|heart|middle|north|south|east|west|northern|southern|"
             r"eastern|western")
_PART_OF_IT = re.compile(rf"\b(?:{PARTITIVE})\s+of\s+(it)\b", re.IGNORECASE)


def _partitive_pronouns(text: str, found: list[Mention]) -> list[Mention]:
    """Resolve ``it`` in "holds the bulk of it" to the site named last before it in the sentence."""
    out = []
    for m in _PART_OF_IT.finditer(text):
        start = max(text.rfind(c, 0, m.start()) for c in ".!?\n") + 1
        before = [f for f in found if start <= f.start and f.end <= m.start() and f.site]
        if before:
            prev = before[-1]
            out.append(Mention(m.start(1), m.end(1), m.group(1), prev.place, "reference",
                               (prev.place,), prev.site))
    return out


_NAME_BEFORE = re.compile(
    r"(?:^|[^.!?\n]\s|\b(?:Col|Gen|Brig|Lt|Maj|Capt|Sgt|Dr|Mr|Mrs|Ms|Gov|Sen|Rep|Prof|Cpl|Adm)\.\s)"
    r"([A-Z][a-z]+)\s+$")
# Words ending so are adjectives of place ("Iraqi Kurdistan", "Syrian Desert"), not first names.
_DEMONYM = re.compile(r"(?:an|ian|i|ese|ish|ic|ern)$")


def _surname(text: str, start: int, end: int) -> bool:
    """Whether a one-word name is a person's surname ("Saad Hamid", "Col. Rommel Dizon").

    It is when a capitalised word that is not a place adjective stands right
    before it, inside a sentence.
    """
    if " " in text[start:end].strip():
        return False
    m = _NAME_BEFORE.search(text[max(0, start - 30):start])
    return bool(m) and not _DEMONYM.search(m.group(1)) and m.group(1) not in ("The", "In", "At")


def find_mentions(gaz: Gazetteer, article: Article, focus: str | None = None,
                  matches: list[Match] | None = None) -> list[Mention]:
    """Find every place an article names or refers to.

    Parameters
    ----------
    gaz : Gazetteer
    article : Article
    focus : str, optional
        The city the article is about (default: :func:`focus_city`).
    matches : list of Match, optional
        ``gaz.match(article.text)`` when the caller has it already.

    Returns
    -------
    list of Mention
        In text order. Ambiguous names go to the candidate in the focus city
        first, then the theatre, then the largest.
    """
    text = article.text
    if matches is None:
        matches = gaz.match(text)
    focus = focus or focus_city(gaz, article, matches)
    out = []
    for m in matches:
        ranked = gaz.rank(m.ids, focus)
        best = ranked[0].place.id
        if ranked[0].place.layer == "world" and _surname(text, m.start, m.end):
            continue
        out.append(Mention(m.start, m.end, m.text, best, "name",
                           tuple(c.place.id for c in ranked), gaz.is_site(best)))
    if focus:
        out.extend(_references(gaz, text, focus, out))
    out.extend(_partitive_pronouns(text, out))
    return sorted(out, key=lambda m: (m.start, m.end))
