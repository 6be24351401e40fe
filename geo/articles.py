"""News articles: their text, their publication date, their sentences."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import InputError
from .furniture import dateline_end, page_lines

__all__ = ["Article", "Metadata", "NoDateError", "Sentence", "SIDECARS", "HEADER_KEYS", "infer_date",
           "read_article", "read_sidecar", "split_sentences"]

# The date line some desks put first: " date 2017-10-17" then text on the same
# line or the next; it may also follow other header lines.
_HEADER = re.compile(r"[ \t]*date\s*[:=]?\s*(\d{4}-\d{2}-\d{2})\b[ \t]*(?:-[ \t]*)?", re.IGNORECASE)
_BLANK_LINES = re.compile(r"(?:[ \t]*\n)*")
#: Header line keys a report may open with (besides its date line), and the field each fills.
HEADER_KEYS = {"source": "outlet", "outlet": "outlet", "title": "title", "url": "url", "author": "author"}
# Only these keys: a first sentence such as "Update: the army ..." stays in the body.
_FIELD = re.compile(r"[ \t]*(" + "|".join(HEADER_KEYS)
                    + r")[ \t]*:[ \t]*([^\n]*?)[ \t]*(?:\n|$)", re.IGNORECASE)
# A link a popup may follow: a web address, never "javascript:" or a local file.
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
#: File names of the metadata table a folder of articles may hold, in the order looked for.
SIDECARS = ("articles.csv", "metadata.csv")
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
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
class Metadata:
    """What is known of an article besides its text, from its header lines or a sidecar table.

    Attributes
    ----------
    date : datetime.date or None
        The publication date.
    outlet, title, url, author : str
        Empty when not given.
    """

    date: dt.date | None = None
    outlet: str = ""
    title: str = ""
    url: str = ""
    author: str = ""

    def over(self, other: Metadata | None) -> Metadata:
        """Return these fields, with those of ``other`` where these are not given."""
        if other is None:
            return self
        return Metadata(self.date or other.date, self.outlet or other.outlet,
                        self.title or other.title, self.url or other.url, self.author or other.author)


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
        ``header`` (the file's date line), ``option`` (given by the user),
        ``sidecar`` (the folder's ``articles.csv``) or ``inferred`` (from a
        dateline in the text).
    outlet, title, url, author : str
        From the file's header lines or the folder's sidecar table; empty
        when not given.
    """

    path: str
    name: str
    text: str
    published: dt.date
    date_source: str
    outlet: str = ""
    title: str = ""
    url: str = ""
    author: str = ""

    @property
    def cite(self) -> str:
        """The article as a reader cites it: "AP, 17 Oct 2017: Title".

        The outlet, the day and the title, as far as they are known; the
        file name when neither the outlet nor the title is.
        """
        if not (self.outlet or self.title):
            return self.name
        d = self.published
        head = ", ".join(x for x in (self.outlet, f"{d.day} {_MONTH_ABBR[d.month - 1]} {d.year}") if x)
        return f"{head}: {self.title}" if self.title else head

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


def _checked_url(where: str, url: str) -> str:
    if url and not _URL.fullmatch(url):
        raise InputError(where, f"url {url[:60]!r} is not a web address (http:// or https://)")
    return url


def _split_header(spath: str, text: str) -> tuple[Metadata, str]:
    """Return the header block's fields and the body after it.

    The block is the run of lines at the top that are the date line or a
    ``key: value`` line of a key in :data:`HEADER_KEYS`, in any order; text
    after the date on the date line starts the body.
    """
    pos = 0
    blank = _BLANK_LINES.match(text)  # blank lines before the block, never inside it
    at = blank.end() if blank else 0
    day: dt.date | None = None
    fields: dict[str, str] = {}
    while True:
        found = _HEADER.match(text, at) if day is None else None
        line = None if found else _FIELD.match(text, at)
        if found:
            try:
                day = dt.date.fromisoformat(found.group(1))
            except ValueError:
                raise InputError(spath, f"bad date line: {found.group(1)!r} is not a date") from None
            pos = found.end()
            if text[pos:].split("\n", 1)[0].strip():
                break  # text on the date line starts the body
        elif line:
            key = HEADER_KEYS[line.group(1).lower()]
            if key in fields:
                raise InputError(spath, f"header line {line.group(1).lower()!r}: the {key} is given twice")
            fields[key] = line.group(2)
            pos = line.end()
        else:
            break
        # The body keeps the line end of a date line (offsets into it stay as they were).
        at = pos + 1 if text.startswith("\n", pos) and not text.startswith("\n", pos - 1) else pos
    return Metadata(day, **fields), text[pos:]


def read_article(path: str | Path, date: dt.date | None = None,
                 near: Sequence[dt.date] | None = None, meta: Metadata | None = None) -> Article:
    """Read a news article from a text file.

    Parameters
    ----------
    path : str or Path
        A text file in any common encoding (UTF-8 with or without BOM,
        UTF-16 with BOM, Windows-1252), any line ends. It may open with a
        header block: a date line `` date YYYY-MM-DD`` (text may follow on
        the same line) and lines ``source:`` (the outlet; ``outlet:`` is the
        same), ``title:``, ``url:`` and ``author:``, in any order. Only these
        keys make header lines; the block is not part of the text.
    date : datetime.date, optional
        The publication date, when the user gives it; it overrides the date
        line and ``meta``.
    near : sequence of datetime.date, optional
        Dates of the other articles: when given, an article with neither a
        date line nor ``date`` takes its date from its dateline (see
        :func:`infer_date`), with ``date_source`` ``inferred``.
    meta : Metadata, optional
        What the folder's sidecar table says of the file; its header lines
        win field by field.

    Returns
    -------
    Article

    Raises
    ------
    InputError
        If the file cannot be read or decoded, is empty, has a bad date line,
        a header key twice or a ``url`` that is not a web address, or has no
        date from the date line, ``meta`` or ``date``.
    """
    spath = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(spath, f"cannot read article ({exc.strerror})") from None
    text = _decode(spath, raw).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    header, text = _split_header(spath, text)
    if not text.strip():
        raise InputError(spath, "the article has no text")
    _checked_url(spath, header.url)
    info = header.over(meta)
    name = Path(spath).name

    def article(day: dt.date, source: str) -> Article:
        return Article(spath, name, text, day, source, info.outlet, info.title, info.url, info.author)

    if date is not None:
        return article(date, "option")
    if header.date is not None:
        return article(header.date, "header")
    if info.date is not None:
        return article(info.date, "sidecar")
    if near is not None:
        inferred = infer_date(text, near)
        if inferred is not None:
            return article(inferred, "inferred")
    raise NoDateError(
        spath, "no publication date: add a first line ' date YYYY-MM-DD' "
        "or pass --date PATH=YYYY-MM-DD"
    )


def read_sidecar(folder: str | Path, names: Collection[str]) -> dict[str, Metadata]:
    """Read the metadata table of a folder of articles, if it has one.

    Parameters
    ----------
    folder : str or Path
        Looked in for ``articles.csv`` or ``metadata.csv`` (:data:`SIDECARS`).
    names : collection of str
        The file names of the folder's articles.

    Returns
    -------
    dict of str to Metadata
        By file name; empty when the folder has no table. The table has a
        header row with a ``file`` column (an article's file name) and any
        of ``date`` (``YYYY-MM-DD``), ``source`` (or ``outlet``), ``title``,
        ``url`` and ``author``; other columns are ignored, empty cells give
        nothing.

    Raises
    ------
    InputError
        Naming the table and its line: both tables present, no ``file``
        column, a row naming no article of ``names`` or one named twice, a
        bad date or url, a row with more cells than the header.
    """
    tables = [Path(folder) / n for n in SIDECARS if (Path(folder) / n).is_file()]
    if not tables:
        return {}
    spath = str(tables[0])
    if len(tables) > 1:
        raise InputError(str(tables[1]), f"the folder also has {tables[0].name}: keep one metadata table")
    try:
        text = tables[0].read_text("utf-8-sig")
    except OSError as exc:
        raise InputError(spath, f"cannot read metadata table ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(spath, "metadata table is not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    columns = [c.strip().lower() for c in next(reader, [])]
    if "file" not in columns:
        raise InputError(spath, "line 1: no 'file' column (the file name of each article)")
    if "source" in columns and "outlet" in columns:
        raise InputError(spath, "line 1: both 'source' and 'outlet' columns: keep one")
    out: dict[str, Metadata] = {}
    for cells in reader:
        where = f"line {reader.line_num}"
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(columns):
            raise InputError(spath, f"{where}: more cells than columns (quote a value with a comma)")
        row = {c: v.strip() for c, v in zip(columns, cells, strict=False)}
        name = row.get("file", "")
        if name not in names:
            raise InputError(spath, f"{where}: {name!r} is not an article of this folder")
        if name in out:
            raise InputError(spath, f"{where}: {name!r} is given twice")
        day = None
        if row.get("date"):
            try:
                day = dt.date.fromisoformat(row["date"])
            except ValueError:
                raise InputError(spath, f"{where}: bad date {row['date']!r} (use YYYY-MM-DD)") from None
        out[name] = Metadata(day, row.get("source") or row.get("outlet") or "", row.get("title", ""),
                                 _checked_url(f"{spath}: {where}", row.get("url", "")),
                                 row.get("author", ""))
    return out


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
