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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

import numpy as np

__all__ = ["Folded", "FoldedWords", "alternation", "fold", "fold_many", "fold_with_offsets", "name_variants",
           "name_variants_many",
           "ARTICLES"]

# Apostrophe-like marks inside a name are dropped (Na'im -> naim); ʿayn and
# hamza transliterations are among them.
_DROP = set("'’‘`´ʿʾʻʼ")
# Arabic-script letters with several written forms folded to one.
_ARABIC = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": ""})
_VOWELS = set("aeiou")
# Transliteration choices that news desks make differently: q/k (Raqqa, Rakka), x/kh
# (Kurdish-Latin Xalid, Khalid), y/i (Lysychansk, Lisichansk; Sufiya, Sufia).
_LETTER = {"q": "k", "x": "k", "y": "i"}

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
        return _absorb(self.text, ostart, oend, stop)


def _absorb(text: str, ostart: int, oend: int, stop: int) -> tuple[int, int]:
    """Widen a match's end over what folding absorbed (see :meth:`Folded.span`)."""
    table, dropped = _TABLE, _DROPPED_CHAR
    # Walk on over what folding absorbed: letters, and marks or apostrophes between them.
    while oend < stop and (text[oend].isalnum() or table[ord(text[oend])] == dropped):
        oend += 1
    while oend > ostart + 1 and table[ord(text[oend - 1])] == dropped:
        oend -= 1
    return ostart, oend


# Code points of the folded alphabet that the rules look at.
_DROPPED, _SEP, _SPACE = 1, 2, 32
_DROPPED_CHAR = chr(_DROPPED)
_E, _H, _I, _S = ord("e"), ord("h"), ord("i"), ord("s")
_O, _U, _D_, _J, _T, _C = ord("o"), ord("u"), ord("d"), ord("j"), ord("t"), ord("c")
# Letters an h after them only marks as another sound of one letter: sh, kh, ch, th, dh,
# gh, ph, zh (Kurdish ş, French ch, Arabic th/dh transliterated with one letter or two).
_DIGRAPH = np.array(sorted(ord(c) for c in "sczkdtgp"), dtype=np.uint32)
_VOWEL_CODES = np.array(sorted(ord(v) for v in _VOWELS), dtype=np.uint32)
_IS_VOWEL = np.zeros(128, dtype=bool)
_IS_VOWEL[_VOWEL_CODES] = True
_IS_DIGRAPH = np.zeros(128, dtype=bool)
_IS_DIGRAPH[_DIGRAPH] = True


def _among(codes: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Return which codes an ASCII table marks (a look-up: ``np.isin`` sorts every call)."""
    marked: np.ndarray = (codes < 128) & table[np.minimum(codes, 127)]
    return marked


def _fold_one(code: int) -> int:
    """Fold one character to exactly one code point (``_DROPPED`` when it goes).

    Keeping the length lets the key's offsets be computed with array
    operations.  ``str.lower`` is never used: it changes length on some
    characters (``İ``).
    """
    ch = chr(code)
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


# Every code point's fold, filled in on first sight of the character (0: not yet seen; no
# character folds to 0, which _fold_one makes a space).
_LUT = np.zeros(0x110000, dtype=np.uint32)


def _translate(codes: np.ndarray) -> np.ndarray:
    # Only characters never seen before are folded one by one; a text of known ones is
    # one vector look-up.
    folded: np.ndarray = _LUT[codes]
    if not folded.all():
        for code in np.unique(codes[folded == 0]).tolist():
            _LUT[code] = _fold_one(code)
        folded = _LUT[codes]
    return folded


def _fold_codes(text: str, separated: bool = False) -> tuple[np.ndarray, np.ndarray]:
    # Each rule looks only where it can apply (the rare apostrophe, pair of
    # e's, doubled letter or h), and the text is compacted once per rule that
    # drops characters: a text of megabytes folds at tens of MB/s.
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    a = _translate(codes)
    if separated:
        # Only fold_many's joins are separators; in a text the character is a control, a space.
        a[codes == _SEP] = _SEP
    n = len(a)
    gone = np.flatnonzero(a == _DROPPED)
    if len(gone):
        _possessives(a, gone)
        keep = a != _DROPPED
        a, starts = a[keep], np.flatnonzero(keep).astype(np.int32)
    else:
        starts = np.arange(n, dtype=np.int32)
    n = len(a)
    if not n:
        return a, starts
    # Runs of spaces collapse to their first space, and a run at either end
    # of a name (the text's ends, or next to a separator) goes altogether.
    sp = a == _SPACE
    if sp.any():
        after_brk = np.empty(n, dtype=bool)
        after_brk[0] = True
        np.logical_or(sp[:-1], a[:-1] == _SEP, out=after_brk[1:])
        drop = sp & after_brk
        last = sp.copy()
        last[:-1] &= ~sp[1:]
        ends = np.flatnonzero(last)  # the last space of each run
        heads = np.flatnonzero(sp & ~drop)  # the first, when it is not already dropped
        if len(heads):
            # Each kept head's run ends at the first run end after it.
            run_end = ends[np.searchsorted(ends, heads)]
            nxt = run_end + 1
            at_end = nxt >= n
            drop[heads[at_end | (a[np.minimum(nxt, n - 1)] == _SEP)]] = True
        if drop.any():
            keep = ~drop
            a, starts = a[keep], starts[keep]
    return _respelled(a, starts)


def _possessives(a: np.ndarray, gone: np.ndarray) -> None:
    """Write a space for the dropped mark of each possessive ``'s`` in ``a`` (at the offsets ``gone``)."""
    n = len(a)
    # A possessive 's ends the name: "Raqqa's" -> "raka s", not "rakas"; so does
    # one a quote closes ("the 'Raqqa's' streets").
    g = gone[gone + 1 < n]
    g = g[a[g + 1] == _S]
    if len(g):
        after = g + 2 + _run(gone, g + 2)  # past the dropped marks after the s
        last = np.minimum(after, n - 1)
        g = g[(after >= n) | (a[last] == _SPACE) | (a[last] == _SEP)]
    a[g] = _SPACE


def _respelled(a: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Apply the spelling rules to folded codes until they change nothing (see :func:`_respell`)."""
    # What a pass drops can bring letters together that a rule reads ("thht" -> "tht"):
    # the text is passed again until nothing changes, so that a key folds to itself.
    # Every change drops a character: a pass that drops none changed nothing.
    while True:
        n = len(a)
        a, kept = _respell(a, np.arange(n, dtype=np.int32))
        starts = starts[kept]
        if len(a) == n:
            return a, starts


def _respell(a: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One pass of the spelling rules over folded codes (see :func:`fold_with_offsets`)."""
    a, starts = _spellings(a, starts)
    n = len(a)
    # "ee" -> "i" (Naeem -> naim), pairs taken left to right in each run of
    # e's as a regex would; then doubled letters collapse (Raqqa -> raka),
    # digits do not.  The second e of a pair is written as an i too, so the
    # doubled-letter rule drops it: one pass removes both.
    first = _pairs(a == _E)
    if len(first):
        a[first] = _I
        a[first + 1] = _I
    dup = np.flatnonzero(a[1:] == a[:-1]) + 1
    if len(dup):
        v = a[dup]
        dup = dup[(v != _SPACE) & (v != _SEP) & ~((v >= 48) & (v <= 57))]
        if len(dup):
            keep = np.ones(n, dtype=bool)
            keep[dup] = False
            a, starts = a[keep], starts[keep]
            n = len(a)
    # A word-final h after a vowel goes (Raqqah -> raka), in words of three letters or more.
    hs = np.flatnonzero(a == _H)
    hs = hs[hs >= 2]
    if len(hs):
        nxt = a[np.minimum(hs + 1, n - 1)]
        before2 = a[hs - 2]
        hs = hs[_among(a[hs - 1], _IS_VOWEL)
                & ((hs == n - 1) | (nxt == _SPACE) | (nxt == _SEP))
                & (before2 != _SPACE) & (before2 != _SEP)]
        if len(hs):
            keep = np.ones(n, dtype=bool)
            keep[hs] = False
            a, starts = a[keep], starts[keep]
    return a, starts


def _run(gone: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Return how many of the sorted offsets ``gone`` follow on one another from each of ``at``."""
    # gone[i] - i is the same along a run of consecutive offsets: a run ends where it changes.
    i = np.searchsorted(gone, at)
    inside = (i < len(gone)) & (gone[np.minimum(i, len(gone) - 1)] == at)
    level = gone - np.arange(len(gone))
    end = np.searchsorted(level, level[np.minimum(i, len(gone) - 1)], side="right")
    return np.where(inside, end - i, 0)


def _pairs(mask: np.ndarray) -> np.ndarray:
    """Return where pairs of marked letters start, taken left to right in each run as a regex would."""
    pairs = np.flatnonzero(mask[:-1] & mask[1:])
    if not len(pairs):
        return pairs
    new = np.empty(len(pairs), dtype=bool)
    new[0] = True
    np.not_equal(np.diff(pairs), 1, out=new[1:])
    block = pairs[new][np.cumsum(new) - 1]
    starts: np.ndarray = pairs[(pairs - block) % 2 == 0]
    return starts


def _spellings(a: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spelling choices of transliteration: oo/ou -> u, dj -> j, the h of sh, kh, th ... goes."""
    n = len(a)
    if n < 2:
        return a, starts
    oo = _pairs(a == _O)
    if len(oo):  # "Mishtanoor" -> "mishtanur" (the doubled u collapses later)
        a[oo] = _U
        a[oo + 1] = _U
    # Each spelling keeps its first letter's place, rewritten, and drops the rest: the key
    # letter of "Nour"'s "ou" starts where the o does, so a name's span starts where it does.
    drop = np.zeros(n, dtype=bool)
    writes: list[tuple[np.ndarray, int]] = []
    for first, second, letter in ((_O, _U, _U), (_D_, _J, _J)):  # "Nour" -> "nur", "Djarablous" -> "jarablus"
        at = np.flatnonzero((a[:-1] == first) & (a[1:] == second))
        writes.append((at, letter))
        drop[at + 1] = True
    if n >= 3:  # "tch" (French, English) and "tsch" (German) are "ch": Lastotchkyne, Lastochkyne
        t, c, h = a == _T, a == _C, a == _H
        tch = np.flatnonzero(t[:-2] & c[1:-1] & h[2:])
        writes.append((tch, _C))
        drop[tch + 1] = True
        if n >= 4:
            tsch = np.flatnonzero(t[:-3] & (a[1:-2] == _S) & c[2:-1] & h[3:])
            writes.append((tsch, _C))
            drop[tsch + 1] = drop[tsch + 2] = True
    drop[1:] |= (a[1:] == _H) & _among(a[:-1], _IS_DIGRAPH)  # "Sheikh" -> "seik", "Dhubbat" -> "dubat"
    for at, letter in writes:
        a[at] = letter
    if drop.any():
        keep = ~drop
        return a[keep], starts[keep]
    return a, starts


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
    character becomes a space and runs of spaces collapse; ``q`` and ``x``
    become ``k``, ``y`` becomes ``i``; ``oo`` and ``ou`` become ``u``, ``dj``
    becomes ``j``, and the ``h`` of ``sh``, ``kh``, ``ch``, ``th``, ``dh``,
    ``gh``, ``ph``, ``zh`` goes, ``tch`` and ``tsch`` are ``ch`` (so Kurdish-Latin ``Şêx`` and ``Sheikh``,
    French ``Djarablous`` and ``Jarablus`` come closer); ``ee`` becomes ``i``;
    doubled letters collapse; a word-final ``h`` after a vowel is dropped
    (Raqqah -> raka, Raqa -> raka).  Every step is
    an array operation over the whole text, so an article of megabytes folds
    in a fraction of a second.
    """
    a, starts = _fold_codes(text)
    return Folded(a.tobytes().decode("utf-32-le"), starts, text)


class FoldedWords:
    """A text folded word by word: the key :func:`fold_with_offsets` gives, offsets on demand.

    The spelling rules never reach across a space, so each word of a text folds
    on its own, and most words of a text were seen in an earlier one: their
    keys are looked up, not worked out.  No offset is worked out until
    :meth:`spans` is asked for some, and then only for the words they touch.

    Parameters
    ----------
    text : str

    Attributes
    ----------
    key : str
        The folded text, as ``fold_with_offsets(text).key``.
    text : str
        The original text.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        marked = _translate(_codes(text)).tobytes().decode("utf-32-le")
        # The translated text with its dropped marks, when it has some (for offsets).
        self._marked: str | None = None
        if _DROPPED_CHAR in marked:
            self._marked = marked = _POSSESSIVE.sub(" ", marked)
            marked = marked.replace(_DROPPED_CHAR, "")
        self._letters = marked
        # Letters, digits and spaces only: str.split() cuts at the runs of spaces and drops
        # those at either end, as the collapse of _fold_codes does.
        self._words = marked.split()
        self.key = " ".join(map(_WORD_KEYS.__getitem__, self._words))
        self._layout: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None] | None = None

    def _positions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
        """Return the offsets that map the key back to the text (made on first use).

        Where the key's spaces are; where each word starts and ends among the letters
        (the translated text without its dropped marks); and where each letter is in
        the text (None when the letters are the text's characters one for one).
        """
        if self._layout is None:
            # Edges of the runs of letters, read with a space either side: they alternate,
            # a word's first letter then the space after its last.
            space = np.ones(len(self._letters) + 2, dtype=bool)
            space[1:-1] = _codes(self._letters) == _SPACE
            edges = np.flatnonzero(space[1:] != space[:-1])
            kept = None if self._marked is None else np.flatnonzero(_codes(self._marked) != _DROPPED)
            self._layout = np.flatnonzero(_codes(self.key) == _SPACE), edges[0::2], edges[1::2], kept
        return self._layout

    def spans(self, slices: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """Return the original ``(start, end)`` of key slices, as :meth:`Folded.span` does.

        Parameters
        ----------
        slices : sequence of (int, int)
            Slices ``[start, end)`` of :attr:`key` that are runs of whole words (what the
            matcher finds): each starts at a word's first letter and ends after a word's last.

        Returns
        -------
        list of (int, int)
        """
        if not slices:
            return []
        spaces, firsts, ends, kept = self._positions()
        # A word's index is how many spaces come before it. Its first letter is never one a
        # rule drops, so a slice starts where its first word does.
        m = len(slices)
        words = np.searchsorted(spaces, [s for s, _ in slices] + [e for _, e in slices])
        lasts = words[m:]
        last_letters = firsts[lasts] + [_LAST_OFFSETS[self._words[w]] for w in lasts.tolist()]
        at = np.concatenate((firsts[words[:m]], last_letters, ends[lasts]))
        if kept is not None:
            # The last word may end at the end of the letters: no letter after it (nor is one needed).
            at = kept[np.minimum(at, len(kept) - 1)]
        offsets = at.tolist()
        n, text, out = len(self.key), self.text, []
        for (_, e), ostart, olast, oafter in zip(slices, offsets[:m], offsets[m:2 * m], offsets[2 * m:],
                                                 strict=True):
            stop = oafter if e < n else len(text)
            oend = olast + 1
            if oend < stop:  # letters folding absorbed after the last key one (the h of Raqqah)
                ostart, oend = _absorb(text, ostart, oend, stop)
            out.append((ostart, oend))
        return out

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Return the original ``(start, end)`` of one key slice of whole words (see :meth:`spans`)."""
        return self.spans([(start, end)])[0]


def _codes(text: str) -> np.ndarray:
    """Return the code points of ``text``, as an array."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


_V = TypeVar("_V")
# A possessive 's ends the name, as in _possessives (a regular expression of the same rule).
_POSSESSIVE = re.compile(f"{_DROPPED_CHAR}(?=s{_DROPPED_CHAR}*(?: |\\Z))")


def _fold_word(word: str) -> tuple[str, tuple[int, ...]]:
    """Fold one word of translated codes (no space, no dropped mark): its key, its letters' offsets."""
    codes = np.frombuffer(word.encode("utf-32-le"), dtype=np.uint32).copy()  # the rules write in place
    a, starts = _respelled(codes, np.arange(len(word), dtype=np.int32))
    return a.tobytes().decode("utf-32-le"), tuple(starts.tolist())


#: How many words' keys are kept: a bound on memory for a stream of new words.
_MAX_WORDS = 1 << 17


class _WordKeys(dict[str, str]):
    """Each translated word's key, folded on first sight (see :data:`_LAST_OFFSETS`)."""

    def __missing__(self, word: str) -> str:
        key, starts = _fold_word(word)
        _remember(self, word, key)
        _remember(_LAST_OFFSETS, word, starts[-1])
        return key


class _LastOffsets(dict[str, int]):
    """Where the last key letter of each translated word comes from in it.

    Filled as the word's key is made, for the words of the names found; worked
    out again if the word was forgotten since.
    """

    def __missing__(self, word: str) -> int:
        last = _fold_word(word)[1][-1]
        _remember(self, word, last)
        return last


def _remember(cache: dict[str, _V], word: str, value: _V) -> None:
    if len(cache) >= _MAX_WORDS:
        cache.clear()
    cache[word] = value


_WORD_KEYS = _WordKeys()
_LAST_OFFSETS = _LastOffsets()


class _Table(dict[int, str]):
    """``str.translate`` table of :func:`_fold_one`, filled on first sight."""

    def __missing__(self, code: int) -> str:
        self[code] = out = chr(_fold_one(code))
        return out


_TABLE = _Table()
_D = re.escape(chr(_DROPPED))
_SHORT_CLEAN = (
    (re.compile(f"{_D}(?=s{_D}*(?: |$))"), " "),
    (re.compile(_D), ""),
    (re.compile(" +"), " "),
)
_SHORT_RULES = (
    (re.compile("oo"), "uu"),
    (re.compile("ts(?=ch)|t(?=ch)|o(?=u)|d(?=j)"), ""),
    (re.compile("(?<=[sczkdtgp])h"), ""),
    (re.compile("ee"), "i"),
    (re.compile(r"([^\W\d_])\1+"), r"\1"),
    (re.compile("(?<=[^ ][aeiou])h(?= |$)"), ""),
)
# Whatever one of _SHORT_RULES would change (a test for another pass, cheaper than one).
_SHORT_AGAIN = re.compile(r"oo|ou|dj|[sczkdtgp]h|ee|([^\W\d_])\1|[^ ][aeiou]h(?= |$)")


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
    for rule, repl in _SHORT_CLEAN:
        key = rule.sub(repl, key)
    key = key.strip(" ")
    while True:  # until a pass changes nothing, as in _fold_codes
        for rule, repl in _SHORT_RULES:
            key = rule.sub(repl, key)
        if _SHORT_AGAIN.search(key) is None:
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
    a, _ = _fold_codes(joined, separated=True)
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


@lru_cache(maxsize=256)
def _fold_group(words: tuple[str, ...]) -> tuple[str, ...]:
    """Fold a group of kind words once, not once per name (a gazetteer has a million)."""
    return tuple(fold(w) for w in words)


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
    return _expand(keys, kind_words)


def name_variants_many(
    names: Sequence[str], kind_words: Sequence[dict[str, list[str]] | None],
) -> list[set[str]]:
    """Return :func:`name_variants` of each name, folding them all in one pass.

    Parameters
    ----------
    names : sequence of str
    kind_words : sequence of dict or None
        The kind words of each name (see :func:`name_variants`).

    Returns
    -------
    list of set of str
        The same sets as ``name_variants(name, words)`` for each pair.
    """
    names = list(names)
    dashed = [n.replace("-", "") for n in names if "-" in n]
    texts = [*names, *dashed]
    folded = fold_many(texts)
    sep = chr(_SEP)
    for i, t in enumerate(texts):
        if sep in t:  # fold_many reads this character as its separator
            folded[i] = fold(t)
    rest = iter(folded[len(names):])
    out = []
    for name, key, words in zip(names, folded[: len(names)], kind_words, strict=True):
        keys = {key}
        if "-" in name:
            keys.add(next(rest))
        out.append(_expand(keys, words))
    return out


def _expand(keys: set[str], kind_words: dict[str, list[str]] | None) -> set[str]:
    """Add to a name's folded ``keys`` its article and kind-word variants."""
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
                folded = _fold_group(tuple(group))
                if len(words) > 1 and words[-1] in folded:
                    for alt in folded:
                        keys.add(" ".join([*words[:-1], alt]))
    keys.discard("")
    return keys


_Tree = dict[str, "_Tree"]


def alternation(words: Iterable[str], char: Callable[[str], str] = re.escape) -> str:
    """Return a regex alternation of the words, longest first, as a tree of their shared beginnings.

    The regex engine tries an alternation one branch at a time at every offset;
    a tree tries one letter. It matches what the flat alternation of the words,
    longest first, does.

    >>> alternation(["plant", "plaza", "port"])
    'p(?:la(?:nt|za)|ort)'
    >>> alternation(["city", "cit"])
    'cit(?:y)?'

    ``char`` gives each character's pattern (``re.escape`` by default).
    """
    tree: _Tree = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Tree) -> str:
        branches = [char(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        alt = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{alt})?" if "" in node else alt

    return build(tree)
