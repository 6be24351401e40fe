"""News articles: their text, their publication date, their sentences."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import errno
import functools
import io
import logging
import os
import re
import stat
import threading
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import InputError
from .furniture import dateline_end, page_lines

__all__ = ["Article", "Metadata", "NoDateError", "Sentence", "SIDECARS", "HEADER_KEYS", "infer_date",
           "read_article", "read_sidecar", "split_sentences", "Text", "read_text", "article_limit",
           "MAX_ARTICLE_BYTES", "LIMIT_VARIABLE", "LEGACY_ENCODINGS", "missing", "article_files",
           "read_texts", "MAX_TOTAL_BYTES", "TOTAL_VARIABLE"]

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
# Links and tags a stored page may keep in its text.
_MARKUP = re.compile(r"https?://[^\s<>]+|www\.[^\s<>]+|<[^<>\n]{1,200}>|"
                     r"[^\s<>]+\.(?:html?|php|aspx?)\b[^\s<>]*>?")
# Abbreviations after which a full stop does not end a sentence.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "gen", "brig", "col", "lt", "maj", "capt", "sgt", "st", "no",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "vs", "etc", "approx", "gov", "sen", "rep", "prof", "u.s", "u.n", "u.k", "e.g", "i.e",
}


@dataclass(frozen=True, slots=True)
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
    encoding : str
        The codec its bytes were read with (``utf-8``, ``utf-8-sig``,
        ``utf-16``, ``cp1256`` ...; see :func:`read_text`).
    warnings : tuple of str
        What reading it repaired, one line each ("a.txt: byte offset 812 is
        not UTF-8 (read as U+FFFD)").
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
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = ()

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


# --- Reading the bytes of a report: what it is, how large, in which encoding -------------------

#: Largest article read, in bytes, unless the environment variable
#: ``CONFLICTMAP_MAX_ARTICLE_BYTES`` says otherwise (a whole number, or with a
#: ``K``, ``M`` or ``G`` suffix: ``50M``).
MAX_ARTICLE_BYTES = 20 * 2**20
LIMIT_VARIABLE = "CONFLICTMAP_MAX_ARTICLE_BYTES"
#: Most bytes all the articles of a build may have together, unless the
#: environment variable ``CONFLICTMAP_MAX_TOTAL_BYTES`` says otherwise.
MAX_TOTAL_BYTES = 200 * 2**20
TOTAL_VARIABLE = "CONFLICTMAP_MAX_TOTAL_BYTES"
_LIMIT = re.compile(r"\s*(\d{1,15})\s*([KMG]?)B?\s*", re.IGNORECASE)
# Single-byte encodings of news desks, the commonest first: a tie between them goes to the first.
LEGACY_ENCODINGS = ("cp1252", "cp1256", "cp1251", "cp1250", "cp1253", "cp1254", "cp1255", "cp1257",
                    "koi8_r", "koi8_u", "latin_1")
# Byte-order marks: the name an article records, and the codec that reads the bytes after it.
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32", "utf-32-be"),
         (b"\xef\xbb\xbf", "utf-8-sig", "utf-8"), (b"\xff\xfe", "utf-16", "utf-16-le"),
         (b"\xfe\xff", "utf-16", "utf-16-be"))
# Files a desk may save by mistake under a .txt name, by their first bytes.
_SIGNATURES = ((b"PK\x03\x04", "a ZIP archive (.zip, .docx, .odt?)"), (b"%PDF-", "a PDF document"),
               (b"\xd0\xcf\x11\xe0", "an Office document (.doc?)"), (b"\x1f\x8b", "a gzip archive"),
               (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF87a", "a GIF image"),
               (b"GIF89a", "a GIF image"), (b"\xfd7zXZ", "an xz archive"),
               (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"\x7fELF", "a program"),
               (b"SQLite format 3\x00", "an SQLite database"))
# Control characters that are no part of a text; line-like ones become line ends (the
# reader splits lines at "\n" only), the others spaces, so that offsets stay as they are.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f]")
_LINE_LIKE = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# What either matches: most reports hold none, and one search says so (a build reads every report).
_UNCLEAN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Text:
    r"""An article file's text as decoded, before its header is read.

    Attributes
    ----------
    path : str
    text : str
        With ``\\n`` line ends and no control characters.
    encoding : str
        The codec used (``utf-8``, ``utf-8-sig``, ``utf-16``, ``utf-16-le``,
        ``cp1256`` ...).
    warnings : tuple of str
        What was repaired, one line each (bytes that are not UTF-8 ...).
    size : int
        The file's size in bytes.
    """

    path: str
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()
    size: int = 0


def article_limit() -> int:
    """Return the largest article size read, in bytes.

    Returns
    -------
    int
        ``CONFLICTMAP_MAX_ARTICLE_BYTES`` when set, else :data:`MAX_ARTICLE_BYTES`.

    Raises
    ------
    InputError
        If the variable is not a size (``20000000``, ``50M``).
    """
    return _size(LIMIT_VARIABLE, MAX_ARTICLE_BYTES)


def total_limit() -> int:
    """Return the most bytes a build reads in all.

    Returns
    -------
    int
        ``CONFLICTMAP_MAX_TOTAL_BYTES`` when set, else :data:`MAX_TOTAL_BYTES`.
    """
    return _size(TOTAL_VARIABLE, MAX_TOTAL_BYTES)


def _size(variable: str, default: int) -> int:
    value = os.environ.get(variable, "")
    if not value.strip():
        return default
    m = _LIMIT.fullmatch(value)
    if not m or int(m.group(1)) == 0:
        raise InputError(variable, f"{value[:40]!r} is not a size in bytes (e.g. 20000000 or 50M)")
    unit: int = 1024 ** " KMG".index(m.group(2).upper() or " ")  # int ** int is typed int | float
    return int(m.group(1)) * unit


def read_texts(paths: Sequence[str | Path]) -> list[Text]:
    """Read article files with :func:`read_text`, no more bytes in all than a build may take.

    Parameters
    ----------
    paths : sequence of str or Path

    Returns
    -------
    list of Text
        In the order of ``paths``.

    Raises
    ------
    InputError
        As :func:`read_text`; or naming the file that takes the articles
        together past ``CONFLICTMAP_MAX_TOTAL_BYTES`` (:data:`MAX_TOTAL_BYTES`).
    """
    most = total_limit()
    out: list[Text] = []
    total = 0
    for p in paths:
        out.append(read_text(p))
        total += out[-1].size
        if total > most:
            raise InputError(str(p), f"with this one the articles are more than {_megabytes(most)} in all "
                                     f"(set {TOTAL_VARIABLE} to allow more)")
    return out


def _megabytes(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n} bytes"


def _why(exc: OSError) -> str:
    """Return the reason an operating-system error gives, in words a user acts on."""
    if exc.errno == errno.ELOOP:
        return "a loop of symbolic links"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return (exc.strerror or type(exc).__name__).lower()


def missing(path: str | Path) -> str:
    """Say why ``path`` cannot be found: no such file, or a link to nothing.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    str
        One line for an :class:`InputError`.
    """
    try:
        target = os.readlink(path)
    except OSError:
        return "no such file or folder"
    return f"a symbolic link to {target[:200]!r}, which does not exist"


def _a(noun: str) -> str:
    return ("an " if noun[:1] in ("a", "e", "i", "o", "u") else "a ") + noun


def _kind(spath: str, mode: int | None, what: str) -> str:
    """Say what a path that is not a regular file is ("is a socket ..."); empty if it is one."""
    if mode is None:
        try:
            mode = os.stat(spath).st_mode
        except OSError:
            return ""
    if stat.S_ISREG(mode):
        return ""
    kind = ("a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device")
    return f"is {kind}, not {_a(what)} file"


def _read_bytes(spath: str, what: str = "article", whole: bool = False) -> bytes:
    """Return a regular file's bytes: at most :func:`article_limit`, or ``whole``, :func:`total_limit`."""
    limit, variable = (total_limit(), TOTAL_VARIABLE) if whole else (article_limit(), LIMIT_VARIABLE)
    too_big = f"more than the {_megabytes(limit)} {_a(what)} may be (set {variable} to allow more)"
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer; fstat then refuses it.
        fd = os.open(spath, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(spath, f"cannot read {what}: {missing(spath)}") from None
    except OSError as exc:
        raise InputError(spath, _kind(spath, None, what) or f"cannot read {what}: {_why(exc)}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(spath, _kind(spath, st.st_mode, what))
        if st.st_size > limit:
            raise InputError(spath, f"{what} is {_megabytes(st.st_size)}, {too_big}")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as f:
            raw = f.read(limit + 1)  # a file that grows while it is read stops at the limit
    except OSError as exc:
        raise InputError(spath, f"cannot read {what}: {_why(exc)}") from None
    finally:
        os.close(fd)
    if len(raw) > limit:
        raise InputError(spath, f"{what} is {too_big}")
    return raw


class _Marks(threading.local):
    offsets: list[int]
    most: int = 0


class _TooDamaged(Exception):
    """More undecodable sequences than a damaged text has."""


_MARKS = _Marks()


def _mark(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: note where an undecodable sequence starts, read it as U+FFFD."""
    assert isinstance(exc, UnicodeDecodeError)
    _MARKS.offsets.append(exc.start)
    if len(_MARKS.offsets) > _MARKS.most:
        raise _TooDamaged
    return "\ufffd", exc.end


codecs.register_error("conflictmap-mark", _mark)


def _repaired(spath: str, raw: bytes, codec: str, skip: int = 0) -> tuple[str, tuple[str, ...]]:
    """Decode ``raw[skip:]``, U+FFFD for each undecodable sequence, and a warning naming the first."""
    # Damage is a few bytes in a hundred; more is a file in another encoding, or not text.
    _MARKS.offsets, _MARKS.most = [], 16 + len(raw) // 100
    name = codec.upper().replace("_", "-").removesuffix("-LE").removesuffix("-BE")
    try:
        text = raw[skip:].decode(codec, "conflictmap-mark")
        damaged = False
    except _TooDamaged:
        damaged = True
    bad, _MARKS.offsets = _MARKS.offsets, []
    if damaged:
        raise InputError(spath, f"not {name} text: more than {len(bad) - 1} places are not {name}, "
                                f"the first at byte offset {bad[0] + skip}")
    if not bad:
        return text, ()
    where = (f"byte offset {bad[0] + skip} is" if len(bad) == 1
             else f"{len(bad)} places, the first at byte offset {bad[0] + skip}, are")
    return text, (f"{spath}: {where} not {name} (read as U+FFFD)",)


# What no code page's right reading puts inside a word: a symbol or superscript against a
# letter ("zajź³a"), an accent on a Latin letter ("marted́"), or a capital after a small letter
# or after a capital inside a word ("ДЖАЮ" is Hebrew read as KOI8-R).
_ODD = re.compile(r"(?<=[^\W\d_])[^\x00-\x7f]|[^\x00-\x7f](?=[^\W\d_])")
_ODD_CATEGORIES = ("So", "Sm", "Sc", "Sk", "No", "Co", "Cn", "Cc", "Cf")
_SAMPLE = 1 << 16


def _oddities(text: str) -> int:
    """Count the characters a wrong code page tends to make (see ``_ODD``) in ``text``."""
    odd = 0
    for m in _ODD.finditer(text):
        ch, k = m.group(), m.start()
        before = text[k - 1] if k else " "
        cat = unicodedata.category(ch)
        if cat in _ODD_CATEGORIES:
            odd += 1
        elif cat == "Mn" and before.isascii():
            odd += 1
        elif cat == "Lu" and before.isalpha():
            odd += 1
    return odd


@functools.cache
def _undefined(codec: str) -> tuple[int, ...]:
    """Return the bytes a single-byte code page has no character for."""
    out = []
    for b in range(256):
        try:
            bytes([b]).decode(codec)
        except UnicodeDecodeError:
            out.append(b)
    return tuple(out)


def _legacy(spath: str, raw: bytes) -> str:
    """Return the single-byte encoding ``raw`` reads best in.

    The code pages that decode it are ranked by the oddities their reading
    has (see ``_ODD``), then by charset-normalizer's measures of mess and of
    language, then by :data:`LEGACY_ENCODINGS`' order.
    """
    from charset_normalizer import from_bytes

    sample = raw[:_SAMPLE]
    measured = {str(m.encoding): (round(m.chaos, 2), -round(m.coherence, 2))
                for m in from_bytes(raw, cp_isolation=list(LEGACY_ENCODINGS))}
    readings = {enc: sample.decode(enc) for enc in LEGACY_ENCODINGS
                if not any(bytes([b]) in raw for b in _undefined(enc))}
    if not readings or not measured:
        raise InputError(spath, "cannot tell the text's encoding (not UTF-8, UTF-16 or a "
                                "Windows/ISO single-byte code page)")
    # charset-normalizer measures one of the code pages that read the bytes alike: all take it.
    same = {e: next((m for m in measured if readings.get(m) == r), "") for e, r in readings.items()}
    return min(readings, key=lambda e: (_oddities(readings[e]), measured.get(same[e], (1.0, 0.0)),
                                        LEGACY_ENCODINGS.index(e)))


def _nul_utf16(raw: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` for UTF-16 text saved without its byte-order mark, else None."""
    if len(raw) % 2 or len(raw) < 4:
        return None
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    half = len(raw) // 2
    if even == 0 and odd * 50 >= half:  # one NUL in fifty characters: a text of a script beyond Latin
        return "utf-16-le"
    if odd == 0 and even * 50 >= half:
        return "utf-16-be"
    return None


def _utf8_or_legacy(spath: str, raw: bytes) -> tuple[str, str, tuple[str, ...]]:
    """Read bytes without a byte-order mark: UTF-8, damaged UTF-8 or a single-byte code page."""
    try:
        return "utf-8", raw.decode("utf-8"), ()
    except UnicodeDecodeError:
        pass
    # A few bad bytes among more whole UTF-8 characters are damage; more bad than whole, a code page.
    quick = raw.decode("utf-8", "replace")
    bad = quick.count("\ufffd") - raw.count("\ufffd".encode())
    whole = len(quick) - len(quick.encode("ascii", "ignore")) - bad
    if bad > whole:
        codec = _legacy(spath, raw)
        return codec, raw.decode(codec), ()
    text, warned = _repaired(spath, raw, "utf-8")
    return "utf-8", text, warned


def _not_text(spath: str, raw: bytes) -> None:
    for magic, what in _SIGNATURES:
        if raw.startswith(magic):
            raise InputError(spath, f"is {what}, not a plain-text article")


def article_files(path: str | Path) -> list[Path]:
    """Return the articles an argument names: the file itself, or a folder's ``.txt`` files.

    A folder's files are those directly in it (no walk into subfolders, so
    no link can lead into an endless one) whose names end in ``.txt`` and
    do not start with a dot (hidden files, such as the ``._name.txt`` a Mac
    leaves beside a copy), sorted by name.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    list of Path

    Raises
    ------
    InputError
        If the path does not exist, is a dangling link or a loop of links,
        or is a folder that cannot be listed or holds no ``.txt`` file.
    """
    spath = str(path)
    try:
        is_dir = stat.S_ISDIR(os.stat(spath).st_mode)
    except FileNotFoundError:
        raise InputError(spath, f"cannot read article: {missing(spath)}") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        why = _why(exc) if isinstance(exc, OSError) else "a NUL character in the name"
        raise InputError(spath, f"cannot read article: {why}") from None
    if not is_dir:
        return [Path(path)]
    try:
        with os.scandir(spath) as entries:
            names = sorted(e.name for e in entries if e.name.endswith(".txt") and not e.name.startswith("."))
    except OSError as exc:
        raise InputError(spath, f"cannot read folder: {_why(exc)}") from None
    if not names:
        raise InputError(spath, "folder holds no .txt articles")
    return [Path(path) / n for n in names]


def read_text(path: str | Path) -> Text:
    """Read an article file's bytes and decode them as a news desk saved them.

    UTF-8 (with or without byte-order mark), UTF-16 and UTF-32 with a
    byte-order mark, UTF-16 without one; bytes that are not UTF-8 are either
    a few stray bytes in UTF-8 text (each read as U+FFFD, with a warning
    naming the file and the byte offset) or a single-byte code page
    (:data:`LEGACY_ENCODINGS`: Windows-1252, -1256 Arabic, -1251 Cyrillic
    ...), told apart by charset-normalizer. Warnings are kept on the result
    (and logged at level INFO, logger ``conflictmap.geo.articles``): printing
    them is the caller's, so that a build that fails says one line.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    Text

    Raises
    ------
    InputError
        If the path is missing, a dangling link or a loop of links, not a
        regular file (a folder, pipe, socket or device), unreadable, larger
        than :func:`article_limit`, not text (NUL bytes, a known binary
        format, many control characters), or in no encoding it knows.
    """
    spath = str(path)
    try:
        spath.encode("utf-8")
    except UnicodeEncodeError:  # the bytes of the name are not UTF-8: no output could name it
        shown = spath.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise InputError(shown, "the file name is not UTF-8: rename the file") from None
    raw = _read_bytes(spath)
    _not_text(spath, raw)
    bom = next((b for b in _BOMS if raw.startswith(b[0])), None)
    if bom is not None:
        codec = bom[1]
        text, warned = _repaired(spath, raw, bom[2], len(bom[0]))
    elif b"\x00" in raw:
        codec = _nul_utf16(raw) or ""
        if not codec:
            raise InputError(spath, f"binary data (a NUL byte at byte offset {raw.index(0)}), "
                                    "not a text article")
        text, warned = _repaired(spath, raw, codec)
    else:
        codec, text, warned = _utf8_or_legacy(spath, raw)
    text = clean_text(spath, text)
    for w in warned:
        _LOG.info("%s", w)  # said by the caller (Article.warnings) once the build has succeeded
    return Text(spath, text, codec, warned, len(raw))


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


def read_article(path: str | Path | Text, date: dt.date | None = None,
                 near: Sequence[dt.date] | None = None, meta: Metadata | None = None) -> Article:
    """Read a news article from a text file.

    Parameters
    ----------
    path : str, Path or Text
        A text file in any common encoding (see :func:`read_text`), any
        line ends, or a file :func:`read_text` has read. It may open with a
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
        If the file cannot be read or decoded (see :func:`read_text`), is
        empty, has a bad date line,
        a header key twice or a ``url`` that is not a web address, or has no
        date from the date line, ``meta`` or ``date``.
    """
    read = path if isinstance(path, Text) else read_text(path)
    spath = read.path
    header, text = _split_header(spath, read.text)
    if not text.strip():
        raise InputError(spath, "the article has no text")
    _checked_url(spath, header.url)
    info = header.over(meta)
    name = Path(spath).name

    def article(day: dt.date, source: str) -> Article:
        return Article(spath, name, text, day, source, info.outlet, info.title, info.url, info.author,
                       read.encoding, read.warnings)

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
        spath, "no publication date: add a first line 'date: YYYY-MM-DD' "
        "or pass --date PATH=YYYY-MM-DD"
    )


def clean_text(spath: str, text: str) -> str:
    r"""Return decoded text with ``\n`` line ends and no control characters.

    Parameters
    ----------
    spath : str
        Where the text came from, for the error.
    text : str

    Returns
    -------
    str

    Raises
    ------
    InputError
        If it holds a NUL or so many control characters that it is no text.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _UNCLEAN.search(text) is None:
        return text
    controls = len(_CONTROLS.findall(text))
    if "\x00" in text or controls * 200 > len(text):
        raise InputError(spath, f"binary data ({controls} control characters), not a text article")
    return _LINE_LIKE.sub("\n", _CONTROLS.sub(" ", text))


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
        bad date or url, a row with more cells than the header; or naming
        the table alone when it is no readable regular file (a dangling
        link, a folder, a pipe), larger than :func:`article_limit`, not
        UTF-8 or not CSV.
    """
    # A name there that is no readable file (a link to nothing, a folder) is said, not passed over.
    tables = [Path(folder) / n for n in SIDECARS if os.path.lexists(Path(folder) / n)]
    if not tables:
        return {}
    spath = str(tables[0])
    if len(tables) > 1:
        raise InputError(str(tables[1]), f"the folder also has {tables[0].name}: keep one metadata table")
    try:
        text = _read_bytes(spath, "metadata table").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(spath, "metadata table is not UTF-8 text") from None
    try:
        return _sidecar_rows(spath, text, names)
    except csv.Error as exc:  # a cell past the csv module's size limit
        raise InputError(spath, f"not a readable CSV table ({exc})") from None


def _sidecar_rows(spath: str, text: str, names: Collection[str]) -> dict[str, Metadata]:
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
    out: list[Sentence] = []
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
        _add_sentence(out, text, start, end)
        start = end
    _add_sentence(out, text, start, len(text))
    return out


#: The longest sentence read whole, in characters. Real ones stay under 600; a run of text
#: with no full stop (a table, a list, a scraped page) is read in clauses of at most this.
MAX_SENTENCE = 1000
_CLAUSE_BREAK = re.compile(r"[;,:—–]\s|\s")


def _add_sentence(out: list[Sentence], text: str, start: int, end: int) -> None:
    """Append ``text[start:end]``, stripped, as sentences of at most :data:`MAX_SENTENCE`."""
    while start < end:
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        start += lead
        body = text[start:end].rstrip()
        if not body:
            return
        if len(body) <= MAX_SENTENCE:
            out.append(Sentence(start, start + len(body), body))
            return
        # Cut at the last clause break (else space) that keeps the piece within the limit.
        window = body[:MAX_SENTENCE]
        cuts = [m.end() for m in _CLAUSE_BREAK.finditer(window) if m.group()[0] in ";,:—–"]
        cut = (cuts[-1] if cuts and cuts[-1] > MAX_SENTENCE // 2 else
               (window.rfind(" ") + 1 if window.rfind(" ") > MAX_SENTENCE // 2 else MAX_SENTENCE))
        piece = body[:cut].rstrip()
        out.append(Sentence(start, start + len(piece), piece))
        start += cut
