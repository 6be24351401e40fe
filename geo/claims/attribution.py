"""Stage 7: attribution — who asserts a claim, and how much it weighs.

A sentence is the reporter's own unless a reporting verb says otherwise
("..., an SDF commander said", "according to the Observatory"). The speaker
is a side (its spokesman), a third party (a monitor, the coalition, a
witness), an unaffiliated source, or a quotation. A side's word about its
own gains weighs less than a reporter's; its word about its own losses
weighs most (an admission against its interest). The weights are data, the
table ``geo/data/sources.yaml`` (:mod:`geo.weights`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..weights import Weights
from .language import Language
from .spans import Side

__all__ = ["Speaker", "speaker_of", "weigh"]


@dataclass(frozen=True)
class Speaker:
    """Who speaks in a sentence.

    ``who`` is ``reporter``, ``third party``, ``source``, ``quoted`` or a
    side's id; ``side`` is that id when the speaker is a side's voice.
    ``claimed`` is true when the verb is "claimed" rather than "said".
    """

    who: str
    side: str | None
    claimed: bool = False


def speaker_of(lang: Language, text: str, sides: Sequence[Side]) -> Speaker:
    """Return who asserts what a sentence says.

    Parameters
    ----------
    lang : Language
    text : str
        The sentence.
    sides : sequence of Side
        The sides named in it.

    Returns
    -------
    Speaker
        The speaker stands before the reporting verb ("Bali, a spokesman for
        the SDF, said"; "an IS statement said"), or after it when the verb
        follows a quotation ("..., said an SDF commander") or is "according
        to". It is a side's voice when a side is named in the comma-separated
        piece nearest the verb, a third party when a monitor, a coalition or
        a witness is, else ``source``. A sentence that opens with a quotation
        and names no speaker is ``quoted``; one with no reporting verb is the
        reporter's.
    """
    verbs = list(lang.reporting.finditer(text))
    if not verbs:
        stripped = text.lstrip()
        return Speaker("quoted" if stripped[:1] in "\"“‘" else "reporter", None)
    # The verb that governs: one right after a quotation or a comma, else the last.
    rep = next((m for m in verbs if text[max(0, m.start() - 3):m.start()].strip()[-1:] in
                (",", '"', "”", "’")), verbs[-1])
    claimed = rep.group().lower().startswith("claim")
    word = rep.group().lower()
    after = re.split(r"[,;.]", text[rep.end():rep.end() + 120])[0]
    mark = text[max(0, rep.start() - 3):rep.start()].strip()[-1:]
    # "..., said an SDF commander." / '"...," said X': the speaker follows a verb that
    # ends its sentence; in "Bali, a spokesman, said IS holds X" what follows is the claim.
    inverted = word.startswith("according") or (
        mark in ('"', "”", "’", ",") and len(after.split()) <= 8
        and not lang.rx("attribution.finite").search(after))
    if inverted:
        lo = rep.end()
        named = [s for s in sides if lo <= s.start and s.end <= lo + len(after)]
        if named:
            return Speaker(named[0].actor, named[0].actor, claimed)
        if lang.third_party.search(after):
            return Speaker("third party", None, claimed)
        if word.startswith("according"):
            return Speaker("source", None, claimed)
    # Before the verb: the comma-separated pieces, nearest first.
    cut = rep.start()
    first = True
    while cut > 0:
        lo = text.rfind(",", 0, cut)
        piece = text[max(lo, 0):cut]
        if first and lang.rx("attribution.pronoun").fullmatch(piece.strip(" ,")):
            break  # "..., he said": a speaker the sentence does not name
        first = False
        named = [s for s in sides if max(lo, 0) <= s.start and s.end <= cut]
        if lang.third_party.search(piece) and not (named and lang.spokesman.search(piece)):
            return Speaker("third party", None, claimed)
        if named:
            return Speaker(named[-1].actor, named[-1].actor, claimed)
        if lo < 0 or re.search(r"[\w]{3,}", piece) and \
                not lang.rx("attribution.apposition").match(text[lo + 1:cut]):
            # A piece that is a clause of its own ends the search: "troops took X, IS said".
            if lo < 0 or not _NAME_LIKE.match(text[lo + 1:cut]):
                break
        cut = lo
    return Speaker("source", None, claimed)


_NAME_LIKE = re.compile(r"\s*(?:[A-Z][\w.'’-]*\s*){1,4}$")


def weigh(speaker: Speaker, claim_type: str, actor: str | None, truncated: bool,
          outlet: str = "", weights: Weights | None = None) -> float:
    """Return how much a claim weighs against a conflicting one (0 to 1).

    Parameters
    ----------
    speaker : Speaker
    claim_type : str
    actor : str or None
        The claim's side.
    truncated : bool
        The page stops inside the sentence.
    outlet : str, optional
        The report's outlet (``Article.outlet``), weighed if the table lists it.
    weights : Weights, optional
        The source-weighting table (:class:`geo.weights.Weights`; the bundled
        ``geo/data/sources.yaml`` by default).

    Returns
    -------
    float
        By the bundled table: 0.8 for the reporter or a monitor, 0.7 for a
        source or a quotation; a side's claim of its own gain 0.6 ("claimed"
        0.5), of its enemy's loss 0.6; a side's word about its own loss, or
        conceding the other's gain, 0.95. Less for a sentence cut off by the
        page.
    """
    return (weights or Weights.load()).weigh(speaker, claim_type, actor, truncated, outlet)
