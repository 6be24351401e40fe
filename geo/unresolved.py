"""Places the reports name that the gazetteer lacks: candidate sites for the analyst to add.

A capitalised name followed by "neighbourhood", "district", "quarter" (and
their plurals, for a list: "the Kifah and Nour districts") that no gazetteer
place matches is a site the map cannot show. Each is listed in
``unresolved.csv`` with how often and where the reports name it, so that the
gazetteer can grow where the reports go.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .articles import Article
from .mentions import Mention

__all__ = ["Unresolved", "Sighting", "find_unresolved", "sightings", "tally", "KIND_WORDS"]

#: Nouns that say the capitalised words before them name a part of a city.
KIND_WORDS = ("neighbourhood", "neighborhood", "district", "quarter", "suburb", "area")
_NAME = r"(?:(?:al|el|ad|an|ar|as|ash|at|az)[-‐‑ ])?[A-Z][\w'’ʿ]*(?:[-‐‑][A-Z0-9][\w'’ʿ]*)*\d*"
_NAMES = rf"{_NAME}(?:\s+{_NAME}){{0,3}}"
# "the Hoz neighbourhood", "Kifah district", "the al-Askari and al-Qadisiya districts".
_BEFORE = re.compile(
    rf"(?P<names>{_NAMES}(?:\s*,\s*{_NAMES})*(?:,?\s+and\s+{_NAMES})?)\s+"
    rf"(?P<kind>(?:{'|'.join(KIND_WORDS)})s?)\b")
# "the neighbourhood of Hoz", "the districts of Kifah and Nour".
_AFTER = re.compile(
    rf"\b(?P<kind>(?:{'|'.join(KIND_WORDS)})s?)\s+of\s+(?P<names>{_NAMES}(?:\s*,\s*{_NAMES})*"
    rf"(?:,?\s+and\s+{_NAMES})?)")
# Capitalised words that are not names of places.
_NOT_NAMES = {"the", "a", "an", "this", "that", "its", "their", "his", "her", "our", "in", "on", "at",
              "of", "and", "or", "for", "from", "to", "with", "by", "but", "as", "industrial",
              "residential", "central", "northern", "southern", "eastern", "western", "old", "new",
              "north", "south", "east", "west", "commercial", "government", "business", "military"}


@dataclass
class Unresolved:
    """A name the reports give a part of the city that no gazetteer place has.

    Attributes
    ----------
    name : str
        As written the first time.
    kind : str
        The noun that named it a neighbourhood, district ...
    count : int
        How many times the reports name it.
    articles : list of str
    sentence : str
        The first sentence naming it.
    """

    name: str
    kind: str
    count: int
    articles: list[str]
    sentence: str


def _split(names: str) -> list[str]:
    parts = re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", names)
    return [p.strip() for p in parts if p.strip()]


def find_unresolved(articles: Sequence[Article], mentions: Mapping[str, Sequence[Mention]]
                    ) -> list[Unresolved]:
    """List the candidate sites the articles name that the gazetteer lacks.

    Parameters
    ----------
    articles : sequence of Article
    mentions : mapping of str to sequence of Mention
        The places found in each article, by article name.

    Returns
    -------
    list of Unresolved
        Most often named first, then by name.

    Examples
    --------
    >>> import datetime as dt
    >>> a = Article("a.txt", "a.txt", "Troops entered the Zuhur district.", dt.date(2020, 1, 1), "header")
    >>> [u.name for u in find_unresolved([a], {"a.txt": []})]
    ['Zuhur']
    """
    return tally((art.name, sightings(art, mentions.get(art.name, ()))) for art in articles)


@dataclass(frozen=True, slots=True)
class Sighting:
    """One name an article gives a part of the city that the gazetteer lacks."""

    key: str
    name: str
    kind: str
    sentence: str


def sightings(article: Article, mentions: Sequence[Mention]) -> list[Sighting]:
    """Return the names of one article that look like sites but matched no place, in text order.

    Parameters
    ----------
    article : Article
    mentions : sequence of Mention
        The places found in it.

    Returns
    -------
    list of Sighting
    """
    out: list[Sighting] = []
    known = [(m.start, m.end) for m in mentions]
    for sent in article.sentences:
        if sent.role not in ("body", "headline", "caption"):
            continue
        for rx in (_BEFORE, _AFTER):
            for m in rx.finditer(sent.text):
                start = sent.start + m.start("names")
                for name in _split(m.group("names")):
                    words = name.split()
                    while words and words[0].lower() in _NOT_NAMES:
                        words = words[1:]
                    name = " ".join(words)
                    if not name or name.lower() in _NOT_NAMES or not name[0].isalpha():
                        continue
                    pos = article.text.find(name, start)
                    if pos < 0 or any(a < pos + len(name) and pos < b for a, b in known):
                        continue
                    out.append(Sighting(name.casefold(), name, m.group("kind").rstrip("s"), sent.text))
    return out


def tally(per_article: Iterable[tuple[str, Sequence[Sighting]]]) -> list[Unresolved]:
    """Count the articles' sightings by name (see :func:`find_unresolved`).

    Parameters
    ----------
    per_article : iterable of (str, sequence of Sighting)
        Each article's name and sightings, in the articles' order.

    Returns
    -------
    list of Unresolved
        Most often named first, then by name; each with the sentence it was first seen in.
    """
    found: dict[str, Unresolved] = {}
    for article, seen in per_article:
        for s in seen:
            u = found.get(s.key)
            if u is None:
                u = found[s.key] = Unresolved(s.name, s.kind, 0, [], s.sentence)
            u.count += 1
            if article not in u.articles:
                u.articles.append(article)
    return sorted(found.values(), key=lambda u: (-u.count, u.name.casefold()))
