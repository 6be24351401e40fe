"""Stage 7: attribution — who asserts a claim, and how much it weighs.

A sentence is the reporter's own unless a reporting verb says otherwise
("..., an SDF commander said", "according to the Observatory"). The speaker
is a side (its spokesman), a third party (a monitor, the coalition, a
witness), an unaffiliated source, or a quotation. A side's word about its
own gains weighs less than a reporter's; its word about its own losses
weighs most (an admission against its interest).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

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
        The side named in the comma-separated piece nearest a reporting verb
        ("Bali, a spokesman for the SDF, said"; "an IS statement said"),
        else a third party if such words stand there, else ``source``; a
        sentence opening with a quote and naming no speaker is ``quoted``.
    """
    rep = None
    for m in lang.reporting.finditer(text):
        rep = m  # the last reporting verb governs: "X said Y told them"
        if text[m.start() - 2:m.start()].strip() in (",", '"', "”", "’") or m.start() > len(text) / 2:
            break
    if rep is None:
        stripped = text.lstrip()
        return Speaker("quoted" if stripped[:1] in "\"“‘" else "reporter", None)
    claimed = rep.group().lower().startswith("claim")
    # The speaker stands around the verb: "X said" or "said X" / "according to X".
    after = text[rep.end():rep.end() + 80]
    before = text[:rep.start()]
    piece_before = before[before.rfind(",", 0, max(0, len(before) - 1)) + 1:] if "," in before else before
    piece_before = piece_before[-90:]
    for piece, lo in ((piece_before, rep.start() - len(piece_before)), (after.split(",")[0], rep.end())):
        hi = lo + len(piece)
        named = [s for s in sides if lo <= s.start and s.end <= hi]
        if lang.third_party.search(piece) and not (named and lang.spokesman.search(piece)):
            return Speaker("third party", None, claimed)
        if named:
            return Speaker(named[-1].actor if piece is piece_before else named[0].actor,
                           named[-1].actor if piece is piece_before else named[0].actor, claimed)
    # "Bali, a spokesman for the SDF, said": a side in the pieces before.
    cut = rep.start()
    while cut > 0:
        lo = text.rfind(",", 0, cut)
        named = [s for s in sides if lo < s.start and s.end <= cut]
        if named and lang.spokesman.search(text[max(lo, 0):cut]):
            return Speaker(named[0].actor, named[0].actor, claimed)
        if lo < 0:
            break
        cut = lo
    if lang.third_party.search(text[:rep.start()][-120:] + " " + after):
        return Speaker("third party", None, claimed)
    return Speaker("source", None, claimed)


def weigh(speaker: Speaker, claim_type: str, actor: str | None, role: str, truncated: bool) -> float:
    """Return how much a claim weighs against a conflicting one (0 to 1).

    Parameters
    ----------
    speaker : Speaker
    claim_type : str
    actor : str or None
        The claim's side.
    role : str
        The role of its sentence on the page (``body``, ``headline`` ...).
    truncated : bool
        The page stops inside the sentence.

    Returns
    -------
    float
        0.8 for the reporter or a monitor, 0.7 for a source or a quotation;
        a side's claim of its own gain 0.6 ("claimed" 0.5), of its enemy's
        0.6; a side's word about its own loss 0.95. Less for a sentence cut
        off by the page.
    """
    gain = claim_type in ("capture", "full_control", "hold", "presence", "entry")
    if speaker.side is None:
        w = {"reporter": 0.8, "third party": 0.8}.get(speaker.who, 0.7)
    elif actor == speaker.side:
        w = 0.6 if gain else 0.95
        if speaker.claimed and gain:
            w = 0.5
    elif actor is not None and claim_type in ("loss",):
        w = 0.6  # the enemy says a side lost it
    else:
        w = 0.95 if gain and actor is not None else 0.6  # a side concedes the other's gain
    if truncated:
        w -= 0.1
    return round(w, 2)
