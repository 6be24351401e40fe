"""News articles: their text, their publication date, their sentences."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import InputError
from .furniture import dateline_end, page_lines

__all__ = ["Article", "NoDateError", "Sentence", "infer_date", "read_article", "split_sentences"]

# The date line some desks put first: " date 2017-10-17" then text on the same
# line or the next.
_HEADER = re.compile(r"^\s*date\s*[:=]?\s*(\d{4}-\d{2}-\d{2})\b[ \t]*(?:-[ \t]*)?", re.IGNORECASE)
_ENCODINGS = ("utf-8-sig", "utf-16", "cp1252")
# Links and tags a stored page may keep in its text.
_MARKUP = re.compile(r"https?://[^\s<>]+|www\.[^\s<>]+|<[^<>\n]{1,200}>|"
                     r"[^\s<>]+\.(?:html?|php|aspx?)\b[^\s<>]*>?")
# Abbreviations after which a full stop does not end a sentence.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "gen", "brig", "col", "lt", "maj", "capt", "sgt", "st", "no",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "vs", "etc", "approx", "gov", "sen", "rep", "prof", "u.s", "u.n", "u.k", "e.g", "i.e",
}


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article, with its character offsets.

    ``role`` is that of its paragraph (see :data:`geo.furniture.ROLES`):
    ``body`` for the report, or headline, caption, duplicate ...;
    ``truncated`` marks the sentence the stored page stops inside; in a live
    blog, ``clock`` is its entry's time (minutes after midnight) and ``day``
    the day header it stands under.
    """

    start: int
    end: int
    text: str
    role: str = "body"
    truncated: bool = False
    clock: int | None = None
    day: str | None = None
    verbatim: str = ""

    @property
    def evidence(self) -> str:
        """The sentence as the page gives it (``text`` has links and markup blanked out)."""
        return self.verbatim or self.text


@dataclass(frozen=True)
class Article:
    r"""A news report.

    Attributes
    ----------
    path : str
        Where it was read from (as the user named it).
    name : str
        The file name, used to cite the article.
    text : str
        The body, normalised to ``\\n`` line ends, without the date line.
    published : datetime.date
        The publication date.
    date_source : str
        ``header`` (the file's date line), ``option`` (given by the user) or
        ``inferred`` (from a dateline in the text).
    """

    path: str
    name: str
    text: str
    published: dt.date
    date_source: str

    @cached_property
    def sentences(self) -> list[Sentence]:
        """The article's sentences, in order, each with the role of its paragraph.

        Navigation, bylines and text in another language are left out;
        headlines, captions and repeated paragraphs are kept with their role.
        A dateline opening a paragraph ("BAGHDAD (Reuters) -") is not part
        of its first sentence.
        """
        out: list[Sentence] = []
        for line in page_lines(self.text):
            if line.role in ("navigation", "byline", "foreign", "stamp", "dayline"):
                continue
            # A hard-wrapped paragraph reads as one: its line breaks are spaces; links and
            # markup left in a stored page ("retake-Tamim.html\">") are blanked out.
            raw = self.text[line.start:line.end].replace("\n", " ")
            para = _MARKUP.sub(lambda m: " " * len(m.group()), raw)
            skip = dateline_end(para)
            found = split_sentences(para[skip:])
            for k, s in enumerate(found):
                start = line.start + skip + s.start
                a = start - line.start
                out.append(Sentence(start, start + len(s.text), s.text, line.role,
                                    line.truncated and k == len(found) - 1, line.clock, line.day,
                                    raw[a:a + len(s.text)]))
        return out


class NoDateError(InputError):
    """An article with no date line, no date given, and no dateline to infer one from."""


def _decode(path: str, raw: bytes) -> str:
    for enc in _ENCODINGS:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        return text
    raise InputError(path, "cannot decode the text (not UTF-8, UTF-16 or Windows-1252)")


_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# A wire dateline: "MOSUL, Iraq, July 4 —", "BEIRUT, Oct. 16, 2017 (AFP) -".
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Za-z'’ .-]{1,40}(?:,\s*[A-Z][A-Za-z .'’-]{1,30})?,\s*"
    r"(?P<month>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*)\.?\s+"
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>(?:19|20)\d\d))?\b")


def infer_date(text: str, near: Sequence[dt.date] = ()) -> dt.date | None:
    """Infer an article's publication date from a dateline at its start.

    Parameters
    ----------
    text : str
        The article text.
    near : sequence of datetime.date
        Publication dates of the other articles read with it; a dateline
        without a year ("MOSUL, Iraq, July 4 —") takes the year that puts it
        nearest to them.

    Returns
    -------
    datetime.date or None
        None when the text has no dateline, or gives no year and there is
        no other article to take one from.
    """
    m = _DATELINE.match(text)
    if not m:
        return None
    month = _MONTH_NAMES.index(m.group("month")[:3].lower()) + 1
    day = int(m.group("day"))
    years = [int(m.group("year"))] if m.group("year") else sorted({d.year + k for d in near
                                                                   for k in (-1, 0, 1)})
    options = []
    for year in years:
        try:
            options.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not options:
        return None
    if len(options) == 1 or not near:
        return options[0] if len(options) == 1 else None
    return min(options, key=lambda d: (min(abs((d - n).days) for n in near), d))


def read_article(path: str | Path, date: dt.date | None = None,
                 near: Sequence[dt.date] | None = None) -> Article:
    """Read a news article from a text file.

    Parameters
    ----------
    path : str or Path
        A text file in any common encoding (UTF-8 with or without BOM,
        UTF-16 with BOM, Windows-1252), any line ends. Its first line may be
        a date line `` date YYYY-MM-DD`` followed by text.
    date : datetime.date, optional
        The publication date, when the user gives it; it overrides the date line.
    near : sequence of datetime.date, optional
        Dates of the other articles: when given, an article with neither a
        date line nor ``date`` takes its date from its dateline (see
        :func:`infer_date`), with ``date_source`` ``inferred``.

    Returns
    -------
    Article

    Raises
    ------
    InputError
        If the file cannot be read or decoded, is empty, or has no date
        from either the date line or ``date``.
    """
    spath = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(spath, f"cannot read article ({exc.strerror})") from None
    text = _decode(spath, raw).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    found = _HEADER.match(text)
    header_date = None
    if found:
        try:
            header_date = dt.date.fromisoformat(found.group(1))
        except ValueError:
            raise InputError(spath, f"bad date line: {found.group(1)!r} is not a date") from None
        text = text[found.end():]
    if not text.strip():
        raise InputError(spath, "the article has no text")
    if date is not None:
        return Article(spath, Path(spath).name, text, date, "option")
    if header_date is None and near is not None:
        inferred = infer_date(text, near)
        if inferred is not None:
            return Article(spath, Path(spath).name, text, inferred, "inferred")
    if header_date is None:
        raise NoDateError(
            spath, "no publication date: add a first line ' date YYYY-MM-DD' "
            "or pass --date PATH=YYYY-MM-DD"
        )
    return Article(spath, Path(spath).name, text, header_date, "header")


_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n\s*\n|\n")


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences, keeping character offsets.

    Ends a sentence at ``.``, ``!`` or ``?`` (with any closing quotes) before
    white space and a capital, digit or opening quote, and at every line
    break; not after common abbreviations (``Brig.``, ``U.S.``) or initials.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of Sentence
    """
    out = []
    start = 0
    for m in _END.finditer(text):
        end = m.end()
        if "\n" not in m.group():
            before = text[start:m.start()].rsplit(None, 1)
            word = before[-1].lower().strip("\"'“‘(") if before else ""
            nxt = text[end:].lstrip()[:1]
            if word.rstrip(".") in _ABBREV or re.fullmatch(r"(?:[a-z]\.)*[a-z]", word):
                continue
            if nxt and not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘(" or not nxt.isascii()):
                continue
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        body = chunk.strip()
        if body:
            out.append(Sentence(start + lead, start + lead + len(body), body))
        start = end
    tail = text[start:]
    if tail.strip():
        lead = len(tail) - len(tail.lstrip())
        out.append(Sentence(start + lead, start + lead + len(tail.strip()), tail.strip()))
    return out
