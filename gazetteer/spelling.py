"""Names spelt as no file lists them: matching on the consonants a transliteration keeps.

Arabic, Kurdish and Slavic names reach English copy through many desks:
``al-Naimi``, ``El-Neîmî`` and ``al-Nuaimi`` are one quarter; ``al-Sirb``,
``el-Serb`` and ``al-Sireb`` another. Transliterations agree on the
consonants far more than on the vowels, so each name also gets a *skeleton*:
per word, its consonants, and whether it starts and ends with a vowel
(``naimi`` -> ``(False, "nm", True)``). Arabic articles are left out and a
kind word ("square", "crossing") is kept as it is. A skeleton only stands
for a place where the text looks like a name (capitalised, not a word the
text also writes in lower case) and is long enough, or is marked as a name
by an article or a kind word next to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .names import ARTICLES, fold

__all__ = ["Skeleton", "skeleton", "name_spans", "STRONG"]

#: A skeleton: per word, (starts with a vowel, consonants, ends with a vowel) or the kind word.
Skeleton = tuple[object, ...]
_VOWELS = set("aeiou")
# Article forms of Arabic names, in folded spelling (al, el, and the assimilated ar, as ...).
_ARTICLES = {*ARTICLES, "ar", "as", "at", "ad", "az", "an", "ash", "ath", "adh"}
#: Consonants a skeleton needs to stand for a place on its own (more than "nm" of "Naimi").
STRONG = 4


def _word(w: str) -> tuple[bool, str, bool] | None:
    cons = "".join(c for c in w if c not in _VOWELS and c.isalpha())
    if not cons:
        return None
    return (w[0] in _VOWELS, cons, w[-1] in _VOWELS)


def skeleton(key: str, kind_words: Iterable[str] = ()) -> tuple[Skeleton, int] | None:
    """Return the skeleton of a folded name and how many consonants it keeps.

    Parameters
    ----------
    key : str
        A folded name (:func:`gazetteer.names.fold`).
    kind_words : iterable of str
        Folded kind words ("square", "roundabout"), kept whole.

    Returns
    -------
    tuple or None
        None for a name of articles and vowels only.

    Examples
    --------
    >>> skeleton(fold("El-Neîmî")) == skeleton(fold("al-Nuaimi"))
    True
    """
    kinds = set(kind_words)
    out: list[object] = []
    weight = 0
    for w in key.split():
        if w in _ARTICLES:
            continue
        if w in kinds:
            out.append(w)
            continue
        sk = _word(w)
        if sk is None:
            return None
        out.append(sk)
        weight += len(sk[1])
    if not out or all(isinstance(x, str) for x in out):
        return None
    return tuple(out), weight


# A run of name-like words: capitalised words, joined by hyphens, spaces and
# the articles al-/el- ("Suk El-Hal", "al-Kura al-Ardiya", "Şêx Eqîl").
_NAME_RUN = re.compile(
    r"(?:\b(?:[aeAE][lL]|[Aa][rstdzn]|[Aa]sh)[-‐‑ ])?"
    r"[^\W\d_a-z][\w'’ʿ]*(?:[-‐‑ ](?:(?:[aeAE][lL]|[Aa][rstdzn])[-‐‑ ])?[^\W\d_a-z][\w'’ʿ]*){0,4}")


def name_spans(text: str) -> Iterable[tuple[int, int]]:
    """Yield the spans of runs of capitalised words (candidate names) in ``text``."""
    for m in _NAME_RUN.finditer(text):
        yield m.start(), m.end()


def index(names: Iterable[tuple[str, str]], kind_words: Mapping[str, Iterable[str]]
          ) -> dict[Skeleton, tuple[set[str], int]]:
    """Skeletons of ``(name, place id)`` pairs: skeleton -> (place ids, consonants).

    ``kind_words`` gives each place's interchangeable kind words.
    """
    out: dict[Skeleton, tuple[set[str], int]] = {}
    for name, pid in names:
        words = {fold(w) for w in kind_words.get(pid, ())}
        found = skeleton(fold(name), words)
        if found is None:
            continue
        sk, weight = found
        variants = [sk]
        last = sk[-1]
        if isinstance(last, str):
            variants += [sk[:-1] + (w,) for w in words if w != last]
        for v in variants:
            ids, _ = out.setdefault(v, (set(), weight))
            ids.add(pid)
    return out
