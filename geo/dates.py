"""When things happened: time expressions grounded against the publication date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["DateRef", "find_dates", "PRECISIONS", "HISTORICAL"]

#: Date precisions, finest first.
#: ``before``: some time before the report, undated ("since it seized the city").
PRECISIONS = ("day", "night", "range", "week", "month", "year", "before")
#: Precisions too coarse to place an event on a daily map: background history.
HISTORICAL = frozenset({"month", "year", "before"})

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
)
# Month names and their abbreviations, whole words only ("decades" is not December).
_MON = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
        r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")


@dataclass(frozen=True)
class DateRef:
    """A time expression found in a sentence.

    Attributes
    ----------
    start, end : int
        Offsets in the sentence.
    text : str
        The expression as written.
    date : datetime.date
        The day the expression places an event on (for a range, its last day:
        by then the event had happened).
    precision : str
        One of :data:`PRECISIONS`.
    first : datetime.date
        The first day the expression allows (equal to ``date`` for a day).
    """

    start: int
    end: int
    text: str
    date: dt.date
    precision: str
    first: dt.date


def _last_weekday(pub: dt.date, weekday: int, *, strictly_before: bool = False) -> dt.date:
    # News usage: "on Tuesday" in a Tuesday report is that same Tuesday.
    back = (pub.weekday() - weekday) % 7
    if back == 0 and strictly_before:
        back = 7
    return pub - dt.timedelta(days=back)


@lru_cache(maxsize=4096)
def _parse_explicit(text: str, pub: dt.date) -> dt.date | None:
    import dateparser  # slow to import; needed only for explicit dates

    base = dt.datetime.combine(pub, dt.time(12))
    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "past",
        "REQUIRE_PARTS": ["day", "month"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


# Each rule: a pattern and how to turn its match into (date, precision, first).
_W = "|".join(_WEEKDAYS)
# A day's number is one or two digits standing alone: "June 2015" is a month and a year, not June 20.
_PATTERNS: list[tuple[str, str]] = [
    ("explicit", rf"\b(?:(?:on|since)\s+)?(?:(?:{_W}),?\s*\(?\s*)?(?:{_MON}\s+\d{{1,2}}(?!\d)(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|(?<!\d)\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}(?:,?\s+\d{{4}})?)\)?"),
    ("weekday", rf"\b(?:(?:on|late|early|last|this)\s+)?(?P<wd>{_W})(?:\s+(?P<part>night|evening|morning|afternoon))?\b"),
    ("overnight", r"\b(?:overnight|last\s+night|during\s+the\s+night|in\s+the\s+early\s+hours)\b"),
    ("yesterday", r"\byesterday\b"),
    ("today", r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening))\b"),
    ("weekend", r"\b(?:over|at|during|on)\s+the\s+weekend\b|\bthis\s+weekend\b|\blast\s+weekend\b"),
    ("thisweek", r"\b(?:earlier|later)\s+this\s+week\b|\bthis\s+week\b|\bin\s+recent\s+days\b|\bin\s+the\s+(?:past|last)\s+(?:few|several|two|three)\s+days\b"),
    ("lastweek", r"\blast\s+week\b"),
    ("daysago", r"\b(?P<n>\d+|two|three|four|five|six)\s+days\s+ago\b"),
    ("month", rf"\b(?:in|since|by|during|until)\s+(?:(?:early|mid|late)[\s-]+|the\s+(?:end|start|beginning|middle|first\s+week|last\s+week)\s+of\s+)?(?P<month>{'|'.join(_MONTHS)})(?:\s+\d{{4}})?\b|\blast\s+(?:{'|'.join(_MONTHS)})\b|\blast\s+month\b|\b(?:few|several|two|three|some|\d+)\s+months\s+ago\b|\b(?:earlier|later)?\s*this\s+month\b|\bin\s+recent\s+months\b"),
    ("season", r"\b(?:in|since|by|during|until|last|this|over)\s+(?:the\s+)?(?:(?:early|late)\s+)?(?:spring|summer|autumn|winter|fall(?!\s+of\b))\b"),
    ("year", r"\b(?:in|since|by|during|until)\s+(?:(?:early|mid|late)[\s-]+)?(?:19|20)\d\d\b|\blast\s+year\b|\b(?:\d+\s+)?(?:years|decades)\s+ago\b|\b(?:earlier\s+)?this\s+year\b"),
]
_COMPILED = [(kind, re.compile(p, re.IGNORECASE)) for kind, p in _PATTERNS]
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _resolve(kind: str, m: re.Match[str], pub: dt.date) -> tuple[dt.date, str, dt.date] | None:
    day = dt.timedelta(days=1)
    if kind == "explicit":
        text = re.sub(rf"\b(?:on|since|{_W})\b|[(),]", " ", m.group(), flags=re.IGNORECASE)
        date = _parse_explicit(" ".join(text.split()), pub)
        if date and m.group().lower().startswith("since"):
            return pub, "range", date  # "fighting since May 23": still so on the report's day
        return (date, "day", date) if date else None
    if kind == "weekday":
        wd = _WEEKDAYS.index(m.group("wd").lower())
        strictly = m.group().lower().startswith("last")
        date = _last_weekday(pub, wd, strictly_before=strictly)
        return date, "night" if m.group("part") == "night" else "day", date
    if kind == "overnight":
        # The night before the publication date ends on that date.
        return pub, "night", pub - day
    if kind == "yesterday":
        return pub - day, "day", pub - day
    if kind == "today":
        return pub, "day", pub
    if kind == "weekend":
        if m.group().lower().startswith("last"):
            sunday = _last_weekday(pub, 6, strictly_before=True)
        else:
            sunday = _last_weekday(pub, 6) if pub.weekday() != 5 else pub
        return min(sunday, pub), "range", sunday - day
    if kind == "thisweek":
        monday = pub - dt.timedelta(days=pub.weekday())
        if m.group().lower().startswith("earlier") and pub > monday:
            return pub - day, "week", monday  # before the report's day: by yesterday at the latest
        return pub, "week", monday
    if kind == "lastweek":
        monday = pub - dt.timedelta(days=pub.weekday() + 7)
        return monday + 6 * day, "week", monday
    if kind == "daysago":
        n = m.group("n")
        back = int(n) if n.isdigit() else _NUMBERS[n.lower()]
        return pub - back * day, "day", pub - back * day
    if kind in ("month", "season"):
        return pub, "month", pub.replace(day=1)
    if kind == "year":
        return pub, "year", pub.replace(month=1, day=1)
    return None


def find_dates(text: str, published: dt.date) -> list[DateRef]:
    """Find the time expressions of a sentence and ground them.

    Parameters
    ----------
    text : str
        A sentence.
    published : datetime.date
        The article's publication date, the base of relative expressions.

    Returns
    -------
    list of DateRef
        In text order, without overlaps (the first rule that covers a span wins).

    Notes
    -----
    Rules beyond what ``dateparser`` does: a weekday named in a report
    published on that weekday is that same day; "overnight" is the night
    ending on the publication date; "over the weekend" and "earlier this
    week" are ranges dated by their last day; "in June", "in 2014", "last
    month" are coarse (month or year precision) and so historical.
    """
    found: list[DateRef] = []
    taken: list[tuple[int, int]] = []
    for kind, rx in _COMPILED:
        for m in rx.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            res = _resolve(kind, m, published)
            if res is None:
                continue
            date, precision, first = res
            if precision in ("day", "night", "week") and re.search(r"\bsince\s+$", text[max(0, m.start() - 8):m.start()],
                                                           re.IGNORECASE):
                # "in their hands since last week", "since Tuesday": still so on the report's day.
                date, precision, first = published, "range", date
            if date > published and precision in ("day", "night"):
                # Reports look back: a future day is a plan, not an event.
                continue
            taken.append((m.start(), m.end()))
            found.append(DateRef(m.start(), m.end(), m.group(), date, precision, first))
    return sorted(found, key=lambda r: r.start)
