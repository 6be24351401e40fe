"""Name normalisation that keeps character offsets.

Place names reach us in many spellings: ``Raqqa``, ``Raqqah``, ``Ar-Raqqah``,
``RAQA``; ``Na'im``, ``Naeem``, ``Naim``. Both the gazetteer's names and the
article text are folded to one *key* form with :func:`fold`, so that a plain
substring search over keys finds every spelling.  :func:`fold_with_offsets`
also returns, for every character of the key, the span of the original text
it came from, so a match in the key maps back to exact character offsets.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

__all__ = ["Folded", "fold", "fold_with_offsets", "name_variants", "ARTICLES"]

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
    """A folded text and, per key character, the original span it came from.

    Attributes
    ----------
    key : str
        The folded text.
    starts, ends : list of int
        ``text[starts[i]:ends[i]]`` is the original of ``key[i]``.
    """

    key: str
    starts: list[int]
    ends: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Return the original ``(start, end)`` of the key slice ``[start, end)``."""
        return self.starts[start], self.ends[end - 1]


@cache
def _fold_char(ch: str) -> str:
    """Fold one character to zero or more key characters (never uses ``str.lower``).

    ``str.lower`` changes length on some characters (``İ`` -> ``i̇``), so each
    character is folded on its own and its output is tied to its own offset.
    """
    if ch in _DROP:
        return ""
    out = []
    for part in unicodedata.normalize("NFKD", ch):
        if unicodedata.combining(part):
            continue
        part = part.casefold().translate(_ARABIC)
        for p in part:
            if p.isalnum():
                out.append(_LETTER.get(p, p))
            else:
                out.append(" ")
    return "".join(out)


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
    after a vowel is dropped (Raqqah -> raka, Raqa -> raka).
    """
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch in _DROP and i + 1 < n and text[i + 1] in "sS" and (i + 2 >= n or not text[i + 2].isalnum()):
            folded = " "  # possessive: Raqqa's -> "raka s"
        else:
            folded = _fold_char(ch)
        for f in folded:
            if f == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(f)
            starts.append(i)
            ends.append(i + 1)
    # Second pass: spelling-variant rules over the folded characters.
    out_c: list[str] = []
    out_s: list[int] = []
    out_e: list[int] = []
    m = len(chars)
    for j, c in enumerate(chars):
        nxt = chars[j + 1] if j + 1 < m else " "
        if c == "h" and out_c and out_c[-1] in _VOWELS and nxt == " " and len(out_c) > 2 \
                and out_c[-2] != " ":
            out_e[-1] = ends[j]  # the dropped h still belongs to the word's span
            continue
        if c == "e" and out_c and out_c[-1] == "e":
            out_c[-1] = "i"
            out_e[-1] = ends[j]
            continue
        if out_c and c == out_c[-1] and c.isalpha():
            out_e[-1] = ends[j]
            continue
        out_c.append(c)
        out_s.append(starts[j])
        out_e.append(ends[j])
    while out_c and out_c[-1] == " ":
        out_c.pop(), out_s.pop(), out_e.pop()
    return Folded("".join(out_c), out_s, out_e)


def fold(text: str) -> str:
    """Return the key form of ``text`` (see :func:`fold_with_offsets`).

    Examples
    --------
    >>> fold("Ar-Raqqah") == fold("ar raqa")
    True
    """
    return fold_with_offsets(text).key


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
