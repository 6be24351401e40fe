"""Stage 6: the day a claim is about, and its place among that day's claims.

The time expression nearest the phrase in its clause dates it ("on Monday
night", "overnight"); one inside an aside belongs to the aside ("the
headquarters, which they had shelled on Wednesday"). A hold in the present
("still", "remains") is true on the day of the report. The order within a
day comes from the words around the phrase: a capture said to be brief, or
made in the morning, comes before one made in the evening or "later".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..dates import DateRef
from .language import Language, PhraseHit

__all__ = ["When", "date_claim"]


def _since_other(lang: Language, text: str, ref_start: int, hit_start: int) -> bool:
    """Whether a time expression dates a "since" clause the phrase is not in."""
    lo = max(0, ref_start - 60)
    m = lang.rx("dating.since_clause").search(text[lo:ref_start])
    return m is not None and not lo + m.start() <= hit_start < ref_start


@dataclass(frozen=True)
class When:
    """When a claim happened: its day, how precisely, the words, and its order in the day.

    ``order`` is negative for what came early in the day (or was brief, or
    came before something else the sentence tells), positive for late.
    """

    date: dt.date
    precision: str
    text: str
    order: int


def _order(lang: Language, text: str, hit: PhraseHit, lo: int, hi: int, ref: DateRef | None) -> int:
    near = text[max(lo, hit.start - 40):min(hi, hit.end + 40)]
    if lang.brief.search(near):
        return -2
    # "after taking the square, they were forced to retreat": the adjunct came first.
    head = text[max(lo, hit.start - 25):hit.start].lower()
    if re.search(r"\b(?:after|following|having|before)\s+(?:\w+\s+){0,2}$", head):
        return -1
    words = (ref.text if ref else "") + " " + near
    if lang.late.search(words):
        return 1
    if lang.early.search(words):
        return -1
    return 0


def date_claim(lang: Language, text: str, hit: PhraseHit, lo: int, hi: int,
               refs: Sequence[DateRef], published: dt.date, *, present_state: bool) -> When:
    """Return when the claim made by ``hit`` happened.

    Parameters
    ----------
    lang : Language
    text : str
        The sentence.
    hit : PhraseHit
    lo, hi : int
        The phrase's clause.
    refs : sequence of DateRef
        The sentence's time expressions.
    published : datetime.date
        The report's date.
    present_state : bool
        The claim is a state (a hold, a presence): "still", "remains" date it
        to the report.

    Returns
    -------
    When
    """
    if present_state and lang.now.search(text[max(lo, hit.start - 25):min(hi, hit.end + 10)]):
        return When(published, "day", "", _order(lang, text, hit, lo, hi, None) or 1)
    earlier = lang.earlier_events.search(text, lo, hi)
    if earlier:
        return When(published, "before", earlier.group(), -1)  # "liberated Beiji in previous operations"
    lapse = lang.rx("dating.lapse").search(text[max(0, hit.start - 60):hit.start])
    if lapse:
        # "ten months after the militants overran the city": long before the sentence's day;
        # "two days after troops entered it": that many days before it.
        n = lang.number(lapse.group(1))
        unit = lapse.group(2).lower()
        if n and unit.startswith("day"):
            base = next((r.date for r in refs if r.end <= hit.start - len(lapse.group())), published)
            return When(base - dt.timedelta(days=n), "day", lapse.group().strip(), -1)
        if n:
            return When(published, "before", lapse.group().strip(), -1)
    asides = [m.span() for m in lang.rx("dating.aside").finditer(text)
              if not m.start() <= hit.start < m.end()]
    usable = [r for r in refs if not any(a <= r.start and r.end <= b for a, b in asides)
              # "for the first time since 2012" says how long, not when; so does "the worst since
              # the offensive began 20 days ago" (when something else began).
              and not re.search(r"\bfirst\s+time\s*$", text[max(0, r.start - 20):r.start], re.IGNORECASE)
              and not _since_other(lang, text, r.start, hit.start)
              # "the offensive launched on 2 March": the day something else began.
              and not (lang.rx("dating.launched").search(text[max(0, r.start - 70):r.start])
                       and not hit.start <= r.start <= hit.end + 30)]
    # With no date of its own, a claim takes the sentence's: "officials said earlier this
    # month that troops took X" happened by then. Not where the sentence dates, before it,
    # the start of what it came out of ("launched an operation on Monday ... and so far have
    # liberated X"): it came since, by the report, and no other clause's date is its own.
    launch = any(r.end <= hit.start for r in refs if r not in usable
                 and lang.rx("dating.launched").search(text[max(0, r.start - 70):r.start]))
    inside = [r for r in usable if lo <= r.start and r.end <= hi] or ([] if launch else usable)
    if not [r for r in inside if lo <= r.start and r.end <= hi]:
        since = lang.rx("dating.since_event").search(text[max(lo, hit.start - 40):hit.start])
        if since and not present_state:
            # "has destroyed its heritage since it seized the city": an event before the report.
            return When(published, "before", since.group().strip(), 0)
        which = lang.rx("dating.which_was").search(text[max(0, hit.start - 40):hit.start])
        if which and not present_state:
            return When(published, "before", which.group().strip(" ,"), -1)
    if not inside:
        return When(published, "day", "", _order(lang, text, hit, lo, hi, None))
    ref = min(inside, key=lambda r: (abs(r.start - hit.start), r.start))
    return When(ref.date, ref.precision, ref.text, _order(lang, text, hit, lo, hi, ref))
