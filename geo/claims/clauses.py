"""Stage 1: clause segmentation.

A sentence of wire copy packs several statements: "Having secured the port,
the marines pushed on to the old town, where rebels still hold the citadel,
a spokesman said." Each claim phrase is read inside its clause: its roles
and its doubt do not reach across a clause boundary. A clause that lacks a
subject of its own (a fronted adjunct, a participle after a comma, the
second half of "took X and pushed into Y") borrows its host clause's; a
relative clause ("the citadel, which rebels hold") is about the word before
it, its antecedent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .enums import Status
from .language import Language

__all__ = ["Clause", "segment", "KINDS"]

#: Kinds of clause: ``main``; ``adjunct`` (fronted: "Having taken X, ..."),
#: ``relative`` (", which ..."), ``subordinate`` (", after ...", ", while ..."),
#: ``participle`` (", leaving ...", ", killing ..."), ``coordinate`` (", and ...",
#: "; ..."), ``resume`` (the main clause again after an aside closed),
#: ``attribution`` (", according to ...").
KINDS = ("main", "adjunct", "relative", "subordinate", "participle", "coordinate", "resume",
         "attribution")


@dataclass(frozen=True)
class Clause:
    """A clause of a sentence.

    Attributes
    ----------
    start, end : int
        Offsets in the sentence.
    kind : str
        One of :data:`KINDS`.
    host : int or None
        Index of the clause whose subject this one borrows when it has none.
    antecedent : int or None
        For a relative clause, the offset where the word it is about ends
        (just before its comma).
    """

    start: int
    end: int
    kind: str
    host: int | None = None
    antecedent: int | None = None


def _kind_of(lang: Language, boundary: str) -> str:
    if boundary == " that ":
        return "main"
    if boundary in lang.asides:
        return "relative"
    if boundary in lang.words("clauses.attribution"):
        return "attribution"
    if boundary in lang.words("clauses.coord"):
        return "coordinate"
    if lang.rx("clauses.participle").match(boundary + " "):
        return "participle"
    return "subordinate"


def _cuts(text: str, lang: Language) -> list[tuple[int, int, str]]:
    """Boundaries found in ``text``: (where the clause starts, where its words start, boundary)."""
    low = text.lower()
    found: dict[int, tuple[int, str]] = {}
    for b in lang.boundaries:
        start = 0
        while True:
            i = low.find(b, start)
            if i < 0:
                break
            start = i + 1
            # A longer boundary at the same place wins (", hours after" over ", after").
            if i not in found or len(found[i][1]) < len(b):
                found[i] = (i + len(b), b)
    # A comma followed by an -ing word is a participle clause (", killing 10").
    for m in re.finditer(r",\s+(?!according\b)(?=\w+ing\b)", text):
        if m.start() not in found:
            found[m.start()] = (m.end(), m.group())
    # "Officials said on Monday that troops took X": what is said is a clause of its own.
    for m in lang.rx("clauses.said_that").finditer(text):
        found.setdefault(m.end() - 1, (m.end(), " that "))
    out = sorted((i, j, b) for i, (j, b) in found.items())
    # Drop boundaries that fall inside a longer one found just before.
    kept: list[tuple[int, int, str]] = []
    for cut in out:
        if kept and cut[0] < kept[-1][1]:
            continue
        kept.append(cut)
    return kept


def _fronted(text: str, lang: Language) -> int | None:
    """Where a fronted adjunct ends ("Having secured the port, ..."), or None."""
    stripped = text.lstrip("\"“‘' ")
    first = re.match(r"[\w'’-]+(?:\s+[\w'’-]+){0,3}", stripped)
    if not first:
        return None
    lead = first.group().split()
    opener = any(" ".join(lead[:n]).lower() in lang.adjunct_openers for n in range(1, len(lead) + 1))
    if not (opener or lead[0].lower().endswith("ing")):
        return None
    comma = text.find(",")
    if comma <= 0:
        return None
    if not opener and lang.rx("clauses.finite").search(text[:comma]):
        return None  # "Fighting is continuing in X, ...": a gerund subject, not an adjunct
    if lead[0].lower() in lang.words("clauses.concessive") and (
            lang.doubt[Status.DENIED].search(text[:comma]) or lang.doubt[Status.HEDGED].search(text[:comma])):
        return None  # "Although denied by the SDF, IS said ...": the doubt is the main clause's
    return comma


def segment(text: str, lang: Language) -> list[Clause]:
    """Split a sentence into clauses.

    Parameters
    ----------
    text : str
        The sentence.
    lang : Language

    Returns
    -------
    list of Clause
        In text order, covering the sentence.

    Examples
    --------
    >>> from geo.claims.language import Language
    >>> s = "Having secured the port, the marines took the town, which rebels held."
    >>> [(text[c.start:c.end], c.kind) for c in segment(s, Language.load()) for text in [s]]
    [('Having secured the port', 'adjunct'), (', the marines took the town', 'main'), \
(', which rebels held.', 'relative')]
    """
    cuts = _cuts(text, lang)
    front = _fronted(text, lang)
    clauses: list[Clause] = []
    pos = 0
    if front is not None and not any(i < front for i, _, _ in cuts):
        clauses.append(Clause(0, front, "adjunct", host=1))
        pos = front
    bounds = [(i, b) for i, _, b in cuts if i >= pos]
    main = len(clauses)
    clauses.append(Clause(pos, bounds[0][0] if bounds else len(text), "main"))
    for n, (i, b) in enumerate(bounds):
        end = bounds[n + 1][0] if n + 1 < len(bounds) else len(text)
        kind = _kind_of(lang, b)
        host: int | None = main
        antecedent = i if kind == "relative" else None
        if kind in ("relative", "subordinate", "participle", "attribution"):
            # An aside closed by a comma, after which the host clause goes on:
            # "IS, after briefly taking the square, was forced to retreat".
            comma = text.find(",", i + len(b), end)
            if comma > 0 and lang.rx("clauses.resumes").match(text[comma + 1:end]):
                clauses.append(Clause(i, comma, kind, host, antecedent))
                clauses.append(Clause(comma, end, "resume", host))
                continue
        if kind == "main":
            # What was said: the clause before it is the saying ("officials said ... that").
            clauses[main] = Clause(clauses[main].start, clauses[main].end, "attribution",
                                   clauses[main].host, clauses[main].antecedent)
            main = len(clauses)
            host = None
        elif kind == "coordinate":
            main = len(clauses)  # a new statement: later asides are about it
        clauses.append(Clause(i, end, kind, host, antecedent))
    return clauses
