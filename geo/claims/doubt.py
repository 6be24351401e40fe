"""Stage 5: doubt — whether a claim is asserted, or negated, intended, hedged, denied, conditional.

Cue words (``cues.yaml``: ``doubt``) standing before the phrase in its clause
take away its force: "have not entered", "preparing to storm", "reportedly
seized", "denied it had lost", "if the town falls". A few cues after it do
too: "its fall is inevitable", "the assault was repulsed". Dates are blanked
out first ("in May" is a month, not the modal "may").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..dates import DateRef
from .enums import Status
from .language import Language, PhraseHit

__all__ = ["STATUSES", "doubt", "retracted"]

#: Statuses the reading of a claim's words gives; only ``asserted`` moves the map.
STATUSES = (Status.ASSERTED, Status.SUPERSEDED, Status.DENIED, Status.NEGATED, Status.CONDITIONAL,
            Status.INTENT, Status.HEDGED, Status.GENERIC, Status.BACKGROUND, Status.TRUNCATED)
# Cues before the phrase, looked for in this order: the first found wins.
_ORDER = (Status.DENIED, Status.NEGATED, Status.CONDITIONAL, Status.INTENT, Status.HEDGED)
_WINDOW = 70  # characters before the phrase that its doubt cues stand in


def doubt(lang: Language, text: str, hit: PhraseHit, lo: int, hi: int, refs: Sequence[DateRef],
          *, ended: bool = False) -> Status:
    """Return the status of the claim made by ``hit``.

    Parameters
    ----------
    lang : Language
    text : str
        The sentence.
    hit : PhraseHit
    lo, hi : int
        The bounds of the phrase's clause (cues do not reach across them).
    refs : sequence of DateRef
        The sentence's time expressions (blanked out before cues are looked for).
    ended : bool
        The phrase is a hold said to be over ("no longer controls"): its
        negation is what makes it a loss, not a doubt.

    Returns
    -------
    Status
        One of :data:`STATUSES`.
    """
    for r in refs:
        text = text[:r.start] + " " * (r.end - r.start) + text[r.end:]
    window = text[max(lo, hit.start - _WINDOW):hit.start]
    if hit.phrase.form == "noun" and hit.phrase.type == "fight" and lang.rx("doubt.name_of_war").search(
            text[max(0, hit.start - 8):hit.start]) and re.match(r"\s+(?:for|over|of)\b", text[hit.end:]) \
            and not lang.rx("doubt.going_on").search(text[hit.end:hit.end + 80]):
        return Status.BACKGROUND  # "the fight over the city has killed thousands": the war's name
    if lang.doubt[Status.SUPERSEDED].search(text[:hit.start]):
        return Status.SUPERSEDED  # "an earlier version of this story said ...": corrected since
    if retracted(lang, text, hit):
        return Status.DENIED  # "... had taken X, but that proved premature": the report takes it back
    denials = list(lang.rx("doubt.denied_report").finditer(text, lo, hit.start))
    denial = denials[-1] if denials else None  # the last one before the phrase
    if denial is not None and not lang.rx("doubt.says_next").search(text, denial.end(), hit.start):
        return Status.DENIED  # "denied the information about the transfer of X under the control of Y"
    if lang.rx("doubt.temporal_present").search(text[lo:hit.start]) and (
            hit.phrase.form in ("base", "s") or lang.rx("doubt.present_be").search(text[lo:hit.start])):
        return Status.CONDITIONAL  # "once the city is cleared, the army will ...": not yet
    if re.search(r"\bto\s+$", window) and hit.phrase.type not in ("hold", "presence") \
            and not lang.rx("doubt.succeeded").search(window):
        return Status.INTENT  # "to capture", "preparing to storm"; but "managed to take" happened
    # A noun in -ing ("retaking") as the gerund it is.
    if (hit.phrase.form == "ing" or hit.text.lower().endswith("ing")) \
            and hit.phrase.type in ("capture", "full_control", "entry") \
            and lang.rx("doubt.on_gerund").search(window):
        return Status.INTENT  # "concentrated all its forces on capturing X"
    if re.search(r"\bclose(?:r)?\s+to\s+(?:\w+ly\s+)?$", window):
        return Status.INTENT  # "close to recapturing"
    if hit.phrase.form == "ing" and hit.phrase.type in ("capture", "full_control", "loss", "entry") \
            and not text[:hit.start].strip(" \"“‘'"):
        return Status.INTENT  # "Recapturing the city would be a victory": a gerund, not an event
    if hit.phrase.form == "ing" and lang.rx("doubt.by_gerund").fullmatch(text[:hit.start]) \
            and lang.rx("doubt.by_gerund_main").match(text[hit.end:]):
        return Status.INTENT  # "By seizing X, the Russians would gain ...": what it would bring
    if hit.phrase.form == "base" and hit.phrase.type in ("capture", "full_control", "loss", "entry") \
            and not lang.rx("doubt.auxiliary").search(text[max(lo, hit.start - 30):hit.start]):
        return Status.GENERIC  # "every metre the invaders take": no event of a day
    for status in _ORDER:
        if ended and status == Status.NEGATED:
            continue
        if lang.doubt[status].search(window):
            return status
        if status == Status.NEGATED and lang.doubt[status].search(hit.text):
            return status
    after = text[hit.end:min(hi, hit.end + 60)]
    if hit.phrase.form == "noun" and lang.rx("doubt.noun_ahead").match(after):
        return Status.INTENT  # "the hardest fighting will come in the city": not yet
    for status, words in lang.doubt_after.items():
        if words.search(after):
            return status
    if lang.unverified.search(text[:hit.start]):
        return Status.HEDGED  # "There was no independent confirmation of reports that troops took X"
    return Status.ASSERTED


def retracted(lang: Language, text: str, hit: PhraseHit) -> bool:
    """Whether the sentence takes its claim back after it: it proved premature, false, wrong.

    Either a clause refers back to it ("the army had taken X, but that proved
    premature") or the claim is what reports said ("Reports that IS had seized
    X turned out to be false").

    Parameters
    ----------
    lang : Language
    text : str
        The sentence.
    hit : PhraseHit

    Returns
    -------
    bool
    """
    after = text[hit.end:]
    if lang.rx("doubt.retracted_back").search(after):
        return True
    if not lang.rx("doubt.reported_that").search(text[:hit.start]):
        return False
    # The reports are what is taken back only if nothing else opens between the claim and the
    # verb: in "..., and IS claims of a counterattack were denied" the denial is of the others.
    said = lang.rx("doubt.retracted").search(after)
    return said is not None and not lang.rx("doubt.other_clause").search(after[:said.start()])
