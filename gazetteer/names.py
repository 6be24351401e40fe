"""Name normalisation that keeps character offsets.

Place names reach us in many spellings: ``Raqqa``, ``Raqqah``, ``Ar-Raqqah``,
``RAQA``; ``Na'im``, ``Naeem``, ``Naim``. Both the gazetteer's names and the
article text are folded to one *key* form with :func:`fold`, so that a plain
substring search over keys finds every spelling.  :func:`fold_with_offsets`
also returns, for every character of the key, the span of the original text
it came from, so a match in the key maps back to exact character offsets.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Folded", "fold", "fold_many", "fold_with_offsets", "name_variants", "ARTICLES"]

# Apostrophe-like marks inside a name are dropped (Na'im -> naim); ʿayn and
# hamza transliterations are among them.
_DROP = set("'’‘`´ʿʾʻʼ")
# Arabic-script letters with several written forms folded to one.
_ARABIC = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": ""})
_VOWELS = set("aeiou")
# Transliteration choices that news desks make differently.
_LETTER = {"q": "k"}

#: Arabic article forms put before a name (al-Barid, el-Barid, ar-Raqqah ...).
ARTICLES = ("al", "el", "ul")
# Sun letters assimilate the article's l: ar-Raqqah, as-Sukhnah, ash-Shaddadi.
_SUN = ("t", "th", "d", "dh", "r", "z", "s", "sh", "n")


@dataclass(frozen=True)
class Folded:
    """A folded text and, per key character, where it starts in the original.

    Attributes
    ----------
    key : str
        The folded text.
    starts : numpy.ndarray of int
        ``starts[i]`` is the offset in the original text of ``key[i]``.
    text : str
        The original text.
    """

    key: str
    starts: np.ndarray
    text: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Return the original ``(start, end)`` of the key slice ``[start, end)``.

        The end takes in the letters the key absorbed (the second ``q`` of
        Raqqa, the final ``h`` of Raqqah) but not the punctuation after them.
        """
        ostart = int(self.starts[start])
        stop = int(self.starts[end]) if end < len(self.starts) else len(self.text)
        oend = int(self.starts[end - 1]) + 1
        text = self.text
        # Walk on over what folding absorbed: letters, and marks or apostrophes between them.
        while oend < stop and (text[oend].isalnum() or _fold_one(ord(text[oend])) == _DROPPED):
            oend += 1
        while oend > ostart + 1 and _fold_one(ord(text[oend - 1])) == _DROPPED:
            oend -= 1
        return ostart, oend


# Code points of the folded alphabet that the rules look at.
_DROPPED, _SEP, _SPACE = 1, 2, 32
_E, _H, _I, _S = ord("e"), ord("h"), ord("i"), ord("s")
_VOWEL_CODES = np.array(sorted(ord(v) for v in _VOWELS), dtype=np.uint32)


def _fold_one(code: int) -> int:
    """Fold one character to exactly one code point (``_DROPPED`` when it goes).

    Keeping the length lets the key's offsets be computed with array
    operations.  ``str.lower`` is never used: it changes length on some
    characters (``İ``).
    """
    ch = chr(code)
    if code == _SEP:
        return code
    if ch in _DROP or unicodedata.combining(ch) or unicodedata.category(ch) == "Cf":
        return _DROPPED
    parts = [
        p
        for part in unicodedata.normalize("NFKD", ch)
        if not unicodedata.combining(part)
        for p in part.casefold().translate(_ARABIC)
    ]
    if not parts:
        return _DROPPED  # tatweel and the like: nothing to keep
    if parts[0].isdigit():
        return ord(str(unicodedata.digit(parts[0], 0)))
    if parts[0].isalnum():
        # Ligatures (ß, æ, ﬁ) keep their first letter: names and text fold alike.
        return ord(_LETTER.get(parts[0], parts[0]))
    return _SPACE


# Every code point's fold, filled in on first sight of the character.
_LUT = np.zeros(0x110000, dtype=np.uint32)
_KNOWN = np.zeros(0x110000, dtype=bool)


def _translate(codes: np.ndarray) -> np.ndarray:
    if len(codes) < 4096:
        new = [c for c in set(codes.tolist()) if not _KNOWN[c]]
    else:
        new = np.flatnonzero(np.bincount(codes, minlength=0x110000).astype(bool) & ~_KNOWN).tolist()
    for code in new:
        _LUT[code] = _fold_one(code)
        _KNOWN[code] = True
    return _LUT[codes]


def _shift(flags: np.ndarray, by: int, fill: bool) -> np.ndarray:
    """``out[i] = flags[i - by]``, with ``fill`` where that falls outside."""
    out = np.full(len(flags), fill)
    if by > 0:
        out[by:] = flags[: len(flags) - by]
    elif by < 0:
        out[:by] = flags[-by:]
    return out


def _merge(a: np.ndarray, starts: np.ndarray, drop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Remove the ``drop`` positions (a kept character absorbs the ones dropped after it)."""
    if not drop.any():
        return a, starts
    keep = ~drop
    return a[keep], starts[keep]


def _fold_codes(text: str) -> tuple[np.ndarray, np.ndarray]:
    a = _translate(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32))
    # A possessive 's ends the name: "Raqqa's" -> "raka s", not "rakas".
    possessive = (a == _DROPPED) & _shift(a == _S, -1, False) & _shift(
        (a == _SPACE) | (a == _SEP), -2, True)
    a[possessive] = _SPACE
    keep = a != _DROPPED
    a, starts = a[keep], np.flatnonzero(keep).astype(np.int32)
    if not len(a):
        return a, starts
    # Runs of spaces collapse; spaces at either end of a name go.
    brk = (a == _SPACE) | (a == _SEP)
    a, starts = _merge(a, starts, (a == _SPACE) & _shift(brk, 1, True))
    a, starts = _merge(a, starts, (a == _SPACE) & _shift(a == _SEP, -1, True))
    # "ee" -> "i" (Naeem -> naim).
    e = a == _E
    pair = e & _shift(e, -1, False)
    if pair.any():
        # Pairs are taken left to right in each run of e's, as a regex would.
        idx = np.arange(len(a))
        run_start = np.maximum.accumulate(np.where(e & ~_shift(e, 1, False), idx, 0))
        first = pair & ((idx - run_start) % 2 == 0)
        a = np.where(first, _I, a).astype(np.uint32)
        a, starts = _merge(a, starts, _shift(first, 1, False))
    # Doubled letters collapse (Raqqa -> raka); digits do not.
    letter = (a != _SPACE) & (a != _SEP) & ~((a >= 48) & (a <= 57))
    a, starts = _merge(a, starts, np.r_[False, a[1:] == a[:-1]] & letter)
    # A word-final h after a vowel goes (Raqqah -> raka), in words of three letters or more.
    brk = (a == _SPACE) | (a == _SEP)
    drop = (
        (a == _H)
        & _shift(np.isin(a, _VOWEL_CODES), 1, False)
        & _shift(brk, -1, True)
        & ~_shift(brk, 2, True)
    )
    return _merge(a, starts, drop)


def fold_with_offsets(text: str) -> Folded:
    """Fold ``text`` to its key form, keeping offsets.

    Parameters
    ----------
    text : str
        Any text: a place name or a whole article.

    Returns
    -------
    Folded
        The key and the original span of each key character.

    Notes
    -----
    The rules, applied in order: Unicode compatibility decomposition with
    diacritics dropped; case folding; apostrophes and ʿayn dropped, except a
    possessive ``'s`` which becomes a word break; any other non-alphanumeric
    character becomes a space and runs of spaces collapse; ``q`` becomes
    ``k``; ``ee`` becomes ``i``; doubled letters collapse; a word-final ``h``
    after a vowel is dropped (Raqqah -> raka, Raqa -> raka).  Every step is
    an array operation over the whole text, so an article of megabytes folds
    in a fraction of a second.
    """
    a, starts = _fold_codes(text)
    return Folded(a.tobytes().decode("utf-32-le"), starts, text)


class _Table(dict):
    """``str.translate`` table of :func:`_fold_one`, filled on first sight."""

    def __missing__(self, code: int) -> str:
        self[code] = out = chr(_fold_one(code))
        return out


_TABLE = _Table()
_D = re.escape(chr(_DROPPED))
_SHORT_RULES = (
    (re.compile(f"{_D}(?=s(?: |$))"), " "),
    (re.compile(_D), ""),
    (re.compile(" +"), " "),
    (re.compile("ee"), "i"),
    (re.compile(r"([^\W\d_])\1+"), r"\1"),
    (re.compile("(?<=[^ ][aeiou])h(?= |$)"), ""),
)


def fold(text: str) -> str:
    """Return the key form of ``text`` (see :func:`fold_with_offsets`).

    Examples
    --------
    >>> fold("Ar-Raqqah") == fold("ar raqa")
    True
    """
    if len(text) > 256:
        return fold_with_offsets(text).key
    # Names are folded one at a time by the thousand: the same rules as the
    # array version, with string operations that cost less on short strings.
    key = text.translate(_TABLE)
    for i, (rule, repl) in enumerate(_SHORT_RULES):
        key = rule.sub(repl, key)
        if i == 2:
            key = key.strip(" ")
    return key


def fold_many(texts: Sequence[str]) -> list[str]:
    """Fold many names in one pass (the same keys as :func:`fold` on each).

    Parameters
    ----------
    texts : sequence of str

    Returns
    -------
    list of str
    """
    if not texts:
        return []
    sep = chr(_SEP)
    joined = sep.join(t.replace(sep, " ") for t in texts)
    a, _ = _fold_codes(joined)
    keys = a.tobytes().decode("utf-32-le").split(sep)
    if len(keys) != len(texts):  # pragma: no cover - the separator is never folded away
        raise AssertionError("fold_many lost a separator")
    return keys


def _strip_article(key: str) -> str | None:
    """Return ``key`` without a leading Arabic article, or None if it has none."""
    head, _, rest = key.partition(" ")
    if not rest:
        return None
    if head in ARTICLES:
        return rest
    # Assimilated article: "ar raka", "as sukna", "ash shadadi".
    for sun in _SUN:
        if head == "a" + sun and rest.startswith(sun):
            return rest
    return None


def name_variants(name: str, kind_words: dict[str, list[str]] | None = None) -> set[str]:
    """Return the key forms under which ``name`` is found in text.

    Parameters
    ----------
    name : str
        A place name or alias as written in the gazetteer.
    kind_words : dict of str to list of str, optional
        Groups of interchangeable kind words, e.g.
        ``{"square": ["square", "roundabout", "circle"]}``; a name ending in
        one of them is also found with the others.

    Returns
    -------
    set of str
        Key forms: the name itself; with and without an Arabic article (and
        its assimilated forms); hyphenated parts joined (Deir ez-Zor ->
        Deir ezZor); kind words swapped.
    """
    keys = {fold(name)}
    if "-" in name:
        keys.add(fold(name.replace("-", "")))
    for key in list(keys):
        core = _strip_article(key)
        if core:
            keys.add(core)
            key = core
        # Every article form a desk may write before the core name.
        if len(key) >= 3 and core is not None:
            first = key.split(" ")[0]
            forms = list(ARTICLES) + ["a" + s for s in _SUN if first.startswith(s)]
            for art in forms:
                keys.add(f"{art} {key}")
                keys.add(f"{art}{key}")
    if kind_words:
        for key in list(keys):
            words = key.split(" ")
            for group in kind_words.values():
                folded = [fold(w) for w in group]
                if len(words) > 1 and words[-1] in folded:
                    for alt in folded:
                        keys.add(" ".join([*words[:-1], alt]))
    keys.discard("")
    return keys
