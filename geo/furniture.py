"""Page furniture: the parts of a stored news page that are not the report.

A page saved from the web carries its headline (often twice), photo captions,
bylines, datelines, navigation and sharing links, related headlines, cookie
notices in the site's language, and a last sentence cut off mid-word. This
module sorts the lines of a page into those roles so that the claim reader
reads the report once, and reads a headline or a caption as what it is.

The patterns are language data (``geo/data/en/furniture.yaml``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["Line", "ROLES", "page_lines", "dateline_end"]

#: Roles of a line: ``body`` is the report; the others are furniture.
ROLES = ("body", "headline", "subhead", "caption", "byline", "navigation", "foreign", "duplicate",
         "stamp", "dayline")
_TERMINAL = tuple('.!?"”’\')')
# Words after which a trailing agency name is a source, not a photo credit ("told AFP").
_SOURCE_VERBS = re.compile(r"\b(?:told|to|by|said|the|an?|according|with|via|from|tells)\s+\S+\.?\s*$",
                           re.IGNORECASE)
# A dateline opening a paragraph: "BAGHDAD (Reuters) -", "ERBIL, Kurdistan Region –",
# "TAL AFAR:", "Beirut:", "Kobane, Syria –", "June 15 (UPI) --", "MURSITPINAR Oct 6".
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Za-z'’.-]+(?:\s[A-Z][A-Za-z'’.-]+){0,3}(?:,\s*[A-Z][\w'’. -]{1,40}?)?"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2})"
    r"\s*(?:\([^()\n]{1,80}\)\s*)?(?:[-–—:]{1,2}|//)\s+"
    r"|^[A-Z]{3,}(?:\s[A-Z]{3,})?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\s+"
)


@dataclass(frozen=True)
class Line:
    """A paragraph of a page (hard-wrapped lines joined), with its role.

    Attributes
    ----------
    start, end : int
        Offsets in the article text.
    role : str
        One of :data:`ROLES`.
    truncated : bool
        The page stops inside it (no end mark): the last words may be missing.
    clock : int or None
        In a live blog, the time of the entry it belongs to (minutes after midnight).
    day : str or None
        In a live blog, the day header above it ("WEDNESDAY 3 AUGUST").
    """

    start: int
    end: int
    role: str
    truncated: bool = False
    clock: int | None = None
    day: str | None = None


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    text = resources.files("conflictmap.geo").joinpath("data/en/furniture.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return {
        "navigation": re.compile("(?:" + "|".join(data["navigation"]) + r")\Z", re.IGNORECASE),
        "bylines": re.compile("(?:" + "|".join(data["bylines"]) + r")\Z", re.IGNORECASE),
        "credits": [re.compile(p, re.IGNORECASE) for p in data["credits"]],
        "page_end": re.compile("(?:" + "|".join(data["page_end"]) + r")\Z", re.IGNORECASE),
        "links": re.compile("(?:" + "|".join(data["links"]) + r")\Z", re.IGNORECASE),
        "english": frozenset(data["english"]),
        "byline_tells": re.compile(data["byline_tells"]),  # lowercase verbs only: case-sensitive
        "byline_participles": frozenset(data["byline_participles"]),
    }


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of paragraphs: hard-wrapped lines of one paragraph are joined."""
    spans: list[tuple[int, int]] = []
    pos = 0
    wrapped = _hard_wrapped(text)
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        body = raw.strip()
        if not body:
            spans.append((-1, -1))  # a blank line ends a paragraph
            continue
        lead = len(raw) - len(raw.lstrip())
        s, e = start + lead, start + lead + len(body)
        if wrapped and spans and spans[-1][0] >= 0:
            prev = text[spans[-1][0]:spans[-1][1]]
            # A wire story wrapped at ~60 characters: the line stops mid-sentence. A title
            # ("Army Retakes Kastani District") and its copy are lines of their own.
            if len(prev) >= 40 and not prev.endswith(_TERMINAL) and (
                    body[:1].islower() or len(prev) >= 50) and not _title(prev) and body != prev:
                spans[-1] = (spans[-1][0], e)
                continue
        spans.append((s, e))
    return [s for s in spans if s[0] >= 0]


def _hard_wrapped(text: str) -> bool:
    """Whether a page is wrapped at a fixed width (wire copy at ~60 characters a line).

    A page stored with a paragraph per line has long lines; one wrapped by the
    wire has almost none, and many lines of similar middling length.
    """
    lines = [ln for ln in text.split("\n") if ln.strip()]
    long = sum(len(ln) > 100 for ln in lines)
    middling = sum(50 <= len(ln) <= 100 for ln in lines)
    return middling >= 5 and long < 0.05 * len(lines)


def _title(line: str) -> bool:
    """Whether a line is written as a title: most of its longer words capitalised."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _words(line: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", line.lower())


def _caption(line: str, credits: list[re.Pattern[str]]) -> bool:
    tail = line[-160:]
    for rx in credits:
        m = rx.search(tail)
        if m and (m.end() >= len(tail) - 1 or rx.pattern.startswith("(?:--")):
            lone = not re.search(r"[/\s]", m.group().strip())
            if lone and _SOURCE_VERBS.search(tail[:m.end()]) and tail[m.start():m.start() + 1] not in "[(":
                continue  # "..., a spokesman told AFP."
            return True
    return False


def _heading(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 25 and not line.endswith(_TERMINAL)


def _key(line: str) -> str:
    return " ".join(_words(line))


class _Seen:
    """The keys of the paragraphs read so far: equal to one, or the start of one, in log time."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.ordered: list[str] = []

    def __contains__(self, key: str) -> bool:
        return key in self.keys

    def add(self, key: str) -> None:
        if key not in self.keys:
            self.keys.add(key)
            insort(self.ordered, key)

    def extends(self, key: str) -> bool:
        """Return whether an earlier key starts with ``key``."""
        i = bisect_left(self.ordered, key)  # the keys that start with it come first from here
        return i < len(self.ordered) and self.ordered[i].startswith(key)


def page_lines(text: str) -> list[Line]:
    r"""Sort the paragraphs of a page into report and furniture.

    Parameters
    ----------
    text : str
        The article text (without its date line).

    Returns
    -------
    list of Line
        In text order. Headlines are the unpunctuated short lines before the
        first paragraph of the report (and any line repeating one); subheads
        are short unpunctuated lines inside it; captions end with a photo
        credit; a paragraph that repeats an earlier one (or is a cut-off
        teaser of it) is a duplicate.

    Examples
    --------
    >>> text = "Troops Take Hill\n\nTroops Take Hill\n\nTroops took the hill on Monday.\n\n3 min read"
    >>> [l.role for l in page_lines(text)]
    ['headline', 'duplicate', 'body', 'navigation']
    """
    data = _data()
    spans = _paragraphs(text)
    lines: list[Line] = []
    seen = _Seen()
    # Earlier body paragraphs of 60+ characters by key, for cut-off teasers repeated in full.
    teasers: dict[str, list[int]] = {}
    teaser_sizes: set[int] = set()  # their lengths: a key's prefixes to look up, not every teaser
    body_seen = ended = links = False
    for s, e in spans:
        line = text[s:e]
        words = _words(line)
        key = _key(line)
        bare = line.strip(" .:|")
        if data["page_end"].match(bare):
            ended = True
        if data["links"].match(bare):
            links = True
        elif links and (line.endswith(_TERMINAL) or len(words) >= 20 or (len(words) >= 12 and "," in line)):
            links = False  # the report again (a link's headline is short and unpunctuated)
        if ended or links or data["navigation"].match(bare) or not words:
            role = "navigation"
        elif len(words) >= 12 and sum(w in data["english"] for w in words) < 0.08 * len(words):
            role = "foreign"
        elif len(line) <= 90 and data["bylines"].match(line.strip(" .")) and not _lede(line, data):
            role = "byline"
        elif key and (key in seen or (len(key) >= 60 and seen.extends(key))):
            role = "duplicate"
        elif _caption(line, data["credits"]):
            role = "caption"
        elif _heading(line) and not body_seen:
            role = "headline"
        elif _heading(line) and len(line.split()) <= 10:
            role = "subhead"
        else:
            role = "body"
            body_seen = True
        if role == "body" and len(key) >= 60:
            # A cut-off teaser ("... 18 months ag...") repeated in full: the full one counts.
            for size in [z for z in teaser_sizes if z <= len(key)]:
                for n in teasers.get(key[:size], ()):
                    if lines[n].role == "body":
                        lines[n] = Line(lines[n].start, lines[n].end, "duplicate")
        if role in ("body", "headline", "caption", "subhead") and key:
            seen.add(key)
        if role == "body" and len(key) >= 60:
            teasers.setdefault(key, []).append(len(lines))
            teaser_sizes.add(len(key))
        lines.append(Line(s, e, role))
    lines = _live_blog(text, lines)
    # A short unpunctuated last line is the page cut off, not a subhead.
    for n in range(len(lines) - 1, -1, -1):
        if lines[n].role in ("body", "subhead"):
            lines[n] = replace(lines[n], role="body")
            break
    # The page stops inside its last paragraph of report.
    for n in range(len(lines) - 1, -1, -1):
        if lines[n].role == "body":
            last = text[lines[n].start:lines[n].end]
            if not last.endswith(_TERMINAL):
                lines[n] = replace(lines[n], truncated=True)
            break
    return lines


# A live blog's time stamp on a line of its own: "19:40", "19:40 - UPDATE", "10:41 PM", "09:30 GMT".
_STAMP = re.compile(
    r"^(?:(?:UPDATE|UPDATED|BREAKING|LATEST)\s*[-–—:|]?\s*)?(?P<h>\d{1,2})[:.](?P<m>\d{2})"
    r"(?:\s*(?P<ap>[AaPp])\.?\s?[Mm]\.?)?(?:\s*\(?(?:GMT|UTC|local|[A-Z]{3,4})(?:[+-]\d{1,2})?\)?)?"
    r"(?:\s*[-–—|:]\s*(?:UPDATE|UPDATED|BREAKING|LATEST)\w*)?\.?$")
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# A day header: "THURSDAY 4 AUGUST", "Wednesday, August 3", "15 February 2024".
_DAYLINE = re.compile(
    rf"^(?:{_WEEKDAY},?\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?)"
    rf"(?:,?\s+\d{{4}})?$|^{_WEEKDAY}$", re.IGNORECASE)


def _live_blog(text: str, lines: list[Line]) -> list[Line]:
    """Mark a live blog's time stamps and day headers, and give each entry its time and day."""
    clock: int | None = None
    day: str | None = None
    out = []
    for line in lines:
        body = text[line.start:line.end].strip()
        stamp = _STAMP.match(body)
        if stamp:
            h, m = int(stamp.group("h")), int(stamp.group("m"))
            ap = (stamp.group("ap") or "").lower()
            if ap == "p" and h < 12:
                h += 12
            elif ap == "a" and h == 12:
                h = 0
            if h < 24 and m < 60:
                clock = 60 * h + m
                out.append(replace(line, role="stamp", clock=clock, day=day))
                continue
        if len(body) <= 40 and _DAYLINE.match(body):
            day, clock = body, None
            out.append(replace(line, role="dayline", day=day))
            continue
        out.append(replace(line, clock=clock, day=day) if clock is not None or day else line)
    return out


def _lede(line: str, data: dict[str, Any]) -> bool:
    # A byline pattern must not swallow a sentence of the report: a long one, or a short
    # one with a verb ("By Tuesday, the city had fallen."); a byline names, it does not tell.
    if len(line.split()) > 8 and line.endswith("."):
        return True
    return any(w not in data["byline_participles"] for w in data["byline_tells"].findall(line))


def dateline_end(paragraph: str) -> int:
    """Return where a wire dateline opening a paragraph ends (0 when it has none).

    >>> dateline_end("BAGHDAD (Reuters) - Troops took the bridge.")
    20
    >>> dateline_end("Troops took the bridge.")
    0
    """
    m = _DATELINE.match(paragraph)
    if not m:
        return 0
    rest = paragraph[m.end():]
    # Only when a sentence follows: "Kobane, Syria – Clashes continued ..."
    return m.end() if rest[:1].isupper() or rest[:1] in "\"“" else 0
