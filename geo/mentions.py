"""Place mentions: the gazetteer's places named or referred to in an article."""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate
from typing import Generic, Protocol, TypeVar

from conflictmap.gazetteer import Gazetteer, Match, fold
from conflictmap.gazetteer.core import SETTLEMENTS, Spans
from conflictmap.gazetteer.names import alternation

from .articles import Article

__all__ = ["Mention", "find_mentions", "focus_city", "PARTITIVE"]

_DETERMINERS = {"the", "its", "this", "that"}
# Kinds of area a noun may name: "the district of X" is X.
_AREAS = {"district", "neighbourhood", "quarter", "suburb", "province", "governorate", "region", "area"}
# Modifiers that make a description new rather than a place named before: "the first district".
_NEW = {"first", "second", "third", "fourth", "fifth", "another", "other", "new", "next", "several",
        "some", "many", "two", "three", "four", "five", "few", "more", "nearby", "neighbouring",
        "neighboring", "adjacent", "different", "one"}
_STOP = re.compile(r"[.,;:!?()\[\]\"“”]")


@dataclass(frozen=True, slots=True)
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
        ``name`` (a gazetteer name or alias), ``spelling`` (a spelling no file
        lists, matched on its consonants: "El-Neîmî" for al-Naimi) or
        ``reference`` (a definite description such as "the hospital",
        resolved in the focus city).
    candidates : tuple of str
        Every place the words may stand for (ranked, chosen first).
    site : bool
        Whether the place is a site of the theatre's control map.
    within : tuple of str
        The places the chosen one is in (parent first), from the gazetteer.
    """

    start: int
    end: int
    text: str
    place: str
    how: str
    candidates: tuple[str, ...]
    site: bool
    within: tuple[str, ...] = ()


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


class _Starts(Protocol):
    @property
    def start(self) -> int: ...


_T = TypeVar("_T", bound=_Starts)


class ByStart(Generic[_T]):
    """Items of an article (mentions, sides, claims) looked up by where they start, in log time.

    ``between`` returns what ``[x for x in items if lo <= x.start <= hi]``
    would, in the items' own order, without going through them all: each
    sentence looks only at its own.
    """

    def __init__(self, items: Sequence[_T]) -> None:
        self._items = items
        self._order = sorted(range(len(items)), key=lambda i: items[i].start)
        self._starts = [items[i].start for i in self._order]

    def between(self, lo: int, hi: int) -> list[_T]:
        picked = sorted(self._order[bisect_left(self._starts, lo):bisect_right(self._starts, hi)])
        return [self._items[i] for i in picked]


class _Last:
    """The last mention (in the list's own order) that ends by a given offset.

    Built once over a list, it answers for any offset in log time what
    ``[n for n in names if n.end <= pos][-1]`` would.
    """

    def __init__(self, names: Sequence[tuple[int, Mention]]) -> None:
        ordered = sorted(names, key=lambda im: im[1].end)
        self._ends = [m.end for _, m in ordered]
        self._ordered = ordered
        self._best = list(accumulate((i for i, _ in ordered), max))
        self._by_index = dict(names)

    def by(self, pos: int) -> Mention | None:
        k = bisect_right(self._ends, pos)
        return self._by_index[self._best[k - 1]] if k else None

    def ending(self, lo: int, hi: int) -> list[tuple[int, Mention]]:
        """Return the mentions ending within ``lo..hi``, as (index, mention)."""
        return self._ordered[bisect_left(self._ends, lo):bisect_right(self._ends, hi)]


class _FirstAfter:
    """The first mention (in the list's own order) that starts at or after an offset.

    The offsets asked about only grow, so a heap of the mentions by index
    drops, for good, those that start before them.
    """

    def __init__(self, names: Sequence[Mention]) -> None:
        self._heap = [(i, m.start) for i, m in enumerate(names)]
        self._names = names
        self._pos = -1

    def at(self, pos: int) -> Mention | None:
        if pos < self._pos:
            raise ValueError("offsets must not go back")
        self._pos = pos
        while self._heap and self._heap[0][1] < pos:
            heapq.heappop(self._heap)
        return self._names[self._heap[0][0]] if self._heap else None


_APPOSITION = re.compile(r",\s*")
_OF_THE = re.compile(r"\s+of\s+(?:the\s+)?")


def _references(gaz: Gazetteer, text: str, focus: str, names: list[Mention]) -> list[Mention]:
    """Definite descriptions ("the hospital", "the city's stadium", "the coke plant") resolved in ``focus``.

    A description's noun is a kind's ("the hospital": a site of kind
    hospital) or the head of a site's name ("the plant": the Coke and
    Chemical Plant; "the market": Souq al-Hal). It resolves to the site named
    last before it that fits, else to the one whose name shares its
    modifiers ("the coke plant"), else to the only (or most prominent) one in
    the focus city. One that stands in apposition to a name ("Al-Maydan, the
    last district held by ...") is that name again, when its noun fits the
    name's kind. "The city" is the city the article is about; "the town" a
    town named just before, when the article is about a city. A description
    that is new ("the first district", "another neighbourhood") is none.

    Each description costs a few look-ups in the names seen before and after
    it (log time), so the whole text is read in n log n.
    """
    named = Spans((m.start, m.end) for m in names)
    kind_of = {m.place: gaz[m.place].kind for m in names if m.site}
    noun_kinds, rx = _description_nouns(gaz)
    if rx is None:
        return []
    heads = gaz.head_nouns
    # Names introduced with their noun: "the town of X", "X town", "the village of X".
    introduced: dict[str, set[int]] = {}
    for n in names:
        intro = re.search(r"\b(\w+)\s+of\s+(?:the\s+)?$", text[max(0, n.start - 20):n.start]) or \
            re.match(r"\s+(\w+)\b", text[n.end:n.end + 12])
        if intro:
            introduced.setdefault(intro.group(1).lower(), set()).add(n.start)
    before = _Last(list(enumerate(names)))
    after = _FirstAfter(names)
    fits = _Fitting(gaz, names, kind_of, introduced)
    out = []
    for m in rx.finditer(text):
        later = after.at(m.end())
        if named.cover(m.start()):
            continue
        noun = m.group(1).lower()
        follows = text[m.end():m.end() + 30]
        nxt = re.match(r"\s+([\w'’-]+)", follows)
        if nxt and (nxt.group(1).lower() in noun_kinds or nxt.group(1).lower() in heads
                    or nxt.group(1)[0].isupper()):
            continue  # "city stadium": the head noun comes later; "Hospital Road": a name
        if follows[:1] in ("'", "’") and follows[1:2] == "s" and noun not in ("city", "town"):
            continue
        found = _determiner(text, m.start(), named.cover)
        if found is None:
            continue
        start, modifiers = found
        names_in = re.findall(r"\b[A-Z][\w'’-]*", text[start:m.start()])
        if text[start:start + 1].isupper():
            names_in = names_in[1:]  # "The" opening a sentence
        if any(fold(w) not in gaz.site_name_words for w in names_in):
            continue  # "the Hoz neighbourhood": a name the gazetteer does not know, not a known site
        kinds = noun_kinds.get(noun, [])
        of_name = re.match(r"\s+of\s+(?:the\s+)?[A-Z]", text[m.end():m.end() + 12])
        known = later if later and _OF_THE.fullmatch(text, m.end(), later.start) else None
        if of_name and not (known and gaz[known.place].kind in SETTLEMENTS
                            and not set(kinds) & {*SETTLEMENTS, *_AREAS}):
            # "the town of Tabqa": the name that follows says which, known or not; but "the old
            # citadel of Palmyra" is the citadel in that town.
            continue
        prev = before.by(start)
        if prev is not None and _APPOSITION.fullmatch(text, prev.end, start) and (
                gaz[prev.place].kind in kinds or prev.place in heads.get(noun, ())):
            # apposition: the description is the name again
            out.append(Mention(start, m.end(), text[start:m.end()], prev.place, "reference",
                               (prev.place,), prev.site))
            continue
        head_of = heads.get(noun, ()) if m.group(1).islower() else ()
        resolved = _resolve_description(gaz, noun, kinds, modifiers, focus, head_of,
                                        fits.introduced(noun, start), fits.recent(kinds, head_of, start))
        if resolved is None:
            continue
        place, cands = resolved
        out.append(Mention(start, m.end(), text[start:m.end()], place, "reference", cands,
                           gaz.is_site(place)))
    return out


class _Fitting:
    """The sites named before a description that it may stand for, found in log time.

    ``recent``: the last site (in the names' order) ending by the description
    whose kind is one of its kinds or that its noun heads; ``introduced``: the
    last one introduced by the noun itself ("the town of X") ending at most
    400 characters before it. Each kind of question is indexed once.
    """

    def __init__(self, gaz: Gazetteer, names: Sequence[Mention], kind_of: Mapping[str, str],
                 introduced_as: Mapping[str, set[int]]) -> None:
        self._sites = [(i, n) for i, n in enumerate(names) if n.site]
        self._kind_of = kind_of
        self._introduced_as = introduced_as
        self._by_noun: dict[str, _Last] = {}
        self._by_fit: dict[tuple[tuple[str, ...], tuple[str, ...]], _Last] = {}

    def introduced(self, noun: str, start: int) -> Mention | None:
        if noun not in self._by_noun:
            self._by_noun[noun] = _Last([(i, n) for i, n in self._sites if self._kind_of[n.place] == noun
                                         and n.start in self._introduced_as.get(noun, ())])
        ending = self._by_noun[noun].ending(start - 400, start)
        return max(ending, key=lambda im: im[0])[1] if ending else None

    def recent(self, kinds: Sequence[str], heads: Sequence[str], start: int) -> Mention | None:
        key = (tuple(kinds), tuple(heads))
        if key not in self._by_fit:
            self._by_fit[key] = _Last([(i, n) for i, n in self._sites
                                       if n.place in heads or self._kind_of[n.place] in kinds])
        return self._by_fit[key].by(start)


@lru_cache(maxsize=8)
def _description_nouns(gaz: Gazetteer) -> tuple[dict[str, list[str]], re.Pattern[str] | None]:
    """Return the nouns a description of a site may end in (with their kinds) and their pattern.

    Built once per gazetteer: kind nouns ("hospital", "square") and the head nouns of its
    sites' names ("plant", "silos").
    """
    noun_kinds: dict[str, list[str]] = {}
    for kind, nouns in gaz.kind_nouns.items():
        for noun in nouns:
            noun_kinds.setdefault(noun.lower(), []).append(kind)
    words = set(noun_kinds) | set(gaz.head_nouns)
    if not words:
        return noun_kinds, None
    return noun_kinds, re.compile(r"\b(" + alternation(words) + r")\b", re.IGNORECASE)




def _determiner(text: str, pos: int, named: Callable[[int], bool]) -> tuple[int, list[str]] | None:
    """Walk back from a noun over at most three modifiers to a determiner or "city's".

    ``named`` says whether an offset lies inside a name. Returns the
    description's start and its modifiers, or None when no determiner opens
    it or a modifier makes it new ("the first district").
    """
    before = text[max(0, pos - 60):pos]
    words = re.findall(r"[\w'’-]+|[^\w\s]", before)[::-1]
    modifiers: list[str] = []
    for i, w in enumerate(words[:5]):
        pos = text.rfind(w, 0, pos)
        if _STOP.fullmatch(w) or named(pos) or w.lower() == "of":
            return None
        low = w.lower()
        if low in _DETERMINERS or low in ("city's", "city’s", "town's", "town’s"):
            return None if any(m in _NEW for m in modifiers) else (pos, modifiers)
        modifiers.append(low)
        if i >= 3:
            return None
    return None


def _named_modifiers(gaz: Gazetteer, pid: str, noun: str) -> bool:
    """Whether a site's own name qualifies ``noun`` with words of its own ("Clock" Tower)."""
    place = gaz[pid]
    city = gaz.city_of(pid)
    town = gaz.name_words(city) if city else frozenset()
    for name in (place.name, *place.aliases):
        words = fold(name).split()
        if words and words[-1] == fold(noun):
            own = [w for w in words[:-1] if w not in gaz.generic_modifiers and w not in town
                   and w not in ("al", "el", "the", "of")]
            if own:
                return True
    return False


def _resolve_description(gaz: Gazetteer, noun: str, kinds: list[str], modifiers: list[str], focus: str,
                         heads: tuple[str, ...], introduced: Mention | None,
                         recent: Mention | None) -> tuple[str, tuple[str, ...]] | None:
    """Return the site a description stands for, and the candidates it had (see :func:`_references`).

    ``introduced`` is the last settlement the noun itself introduced shortly
    before ("the town of X"), ``recent`` the last site named before that fits
    the noun (see :class:`_Fitting`).
    """
    if "city" in kinds or "town" in kinds:
        # "the small town of X ... retreated to the town": a settlement just introduced by the
        # same noun, when the article is about a place of another kind; else the focus.
        place = introduced.place if introduced and gaz[focus].kind != noun else focus
        return place, (place,)
    fitting = set(heads) | {p.id for kind in kinds for p in gaz.in_kind(focus, kind)}
    local = [pid for pid in fitting if pid == focus or focus in gaz.ancestors(pid)] or sorted(fitting)
    folded = {fold(w) for w in modifiers}
    sharing = [pid for pid in local if folded & gaz.name_words(pid)]
    if len(sharing) == 1:
        return sharing[0], (sharing[0],)
    if not sharing and modifiers:
        # "the observation tower" is not the Clock Tower, nor "the complex's tower" anything named.
        own = {fold(m) for m in modifiers if fold(m) not in gaz.generic_modifiers}
        local = [pid for pid in local if not (
            any(m.endswith(("'s", "’s")) and m[:-2] not in ("city", "town", "village") for m in modifiers)
            or own and _named_modifiers(gaz, pid, noun))]
        if not local:
            return None
    if noun in gaz.generic_heads and not kinds:
        return None  # "the area": only "the industrial area" says which
    if recent:
        return recent.place, (recent.place,)
    ranked = sorted((gaz[pid] for pid in (sharing or local)), key=lambda p: (-p.prominence, p.id))
    if not ranked or (len(ranked) > 1 and ranked[0].prominence == ranked[1].prominence):
        return None  # no such site, or no way to tell which one
    return ranked[0].id, tuple(p.id for p in ranked)


#: Words that name part of a place ("a strip of", "the bulk of", "three quarters of"):
#: "the bulk of it" refers back to a place, and a claim about part of a site is not
#: a claim about all of it.
PARTITIVE = (r"strip|parts?|pockets?|corners?|edges?|outskirts|fringes?|sections?|areas?|most|"
             r"much|half|some|rest|remainder|portions?|slivers?|quarters|bulk|thirds?|percent|"
             r"per\s+cent|centre|center|heart|middle|north|south|east|west|northern|southern|"
             r"eastern|western")
_PART_OF_IT = re.compile(rf"\b(?:{PARTITIVE})\s+of\s+(it)\b", re.IGNORECASE)
# "took full control of its neighbourhoods": all its parts, by their plain plural, are all of it
# when the words before say all of them ("eleven of its districts", "its eastern districts" do not).
_ALL_ITS_PARTS = re.compile(r"\b(its)\s+(?:neighbou?rhoods|districts|quarters)\b", re.IGNORECASE)
_ALL_OF = re.compile(r"(?:\ball\s+(?:of\s+)?|\bcontrol\s+(?:of|over)\s+|\beach\s+of\s+|"
                     r"\bevery\s+one\s+of\s+)$", re.IGNORECASE)
# Most reports hold neither pronoun: a quick look spares the patterns above.
_PLACE_PRONOUN = re.compile(r"\bits\s|\bof\s+it\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?\n]")


def _pronoun_places(text: str) -> Iterator[re.Match[str]]:
    """Yield the pronouns that stand for a place: "the bulk of it", "all its districts"."""
    if not _PLACE_PRONOUN.search(text):
        return
    yield from _PART_OF_IT.finditer(text)
    for m in _ALL_ITS_PARTS.finditer(text):
        if _ALL_OF.search(text, max(0, m.start() - 20), m.start()):
            yield m


def _partitive_pronouns(text: str, found: list[Mention]) -> list[Mention]:
    """Resolve ``it`` in "holds the bulk of it" (and ``its`` in "all its districts") to a site.

    The site is the one named last before the pronoun in its sentence.
    """
    out = []
    stops = [m.start() for m in _SENTENCE_END.finditer(text)]
    by_start = ByStart(found)
    for m in _pronoun_places(text):
        k = bisect_left(stops, m.start())
        start = stops[k - 1] + 1 if k else 0
        # The sites named in the sentence before "it", the last of them in the list's order.
        before = [n for n in by_start.between(start, m.start()) if n.end <= m.start() and n.site]
        if before:
            prev = before[-1]
            out.append(Mention(m.start(1), m.end(1), m.group(1), prev.place, "reference",
                               (prev.place,), prev.site))
    return out


# What makes a city's name the name of the region around it ("Kherson Oblast", "Idlib province").
_REGION_AFTER = re.compile(r"\s+(?:oblast|region|province|governorate|raion|rayon|county)\b", re.IGNORECASE)
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
    return m is not None and not _DEMONYM.search(m.group(1)) and m.group(1) not in ("The", "In", "At")


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
    spelt = gaz.match_spellings(text, [(m.start, m.end) for m in matches])
    for m, how in [*((m, "name") for m in matches), *((m, "spelling") for m in spelt)]:
        ranked = gaz.rank(m.ids, focus)
        best = ranked[0].place.id
        if ranked[0].place.layer == "world" and _surname(text, m.start, m.end):
            continue
        if ranked[0].place.kind in SETTLEMENTS and _REGION_AFTER.match(text, m.end):
            continue  # "Kherson Oblast", "the Donetsk region": the region named after the city, not it
        out.append(Mention(m.start, m.end, m.text, best, how,
                           tuple(c.place.id for c in ranked), gaz.is_site(best)))
    if focus:
        out.extend(_references(gaz, text, focus, out))
    out.extend(_partitive_pronouns(text, out))
    return sorted((replace(m, within=tuple(gaz.ancestors(m.place))) for m in out),
                  key=lambda m: (m.start, m.end))
