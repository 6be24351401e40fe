"""Find many names in a text in one pass (Aho–Corasick over folded keys)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import ahocorasick

from .names import fold, fold_with_offsets

__all__ = ["NameIndex", "Hit", "index_names"]


@dataclass(frozen=True, order=True)
class Hit:
    """One name found in a text.

    Attributes
    ----------
    start, end : int
        Character offsets in the original text.
    text : str
        The original text of the match.
    keys : tuple
        The values registered under the matched name (e.g. place ids).
    """

    start: int
    end: int
    text: str
    keys: tuple


class NameIndex:
    """A set of names, each mapped to one or more values, searchable in text.

    Names are folded (see :func:`gazetteer.names.fold`) so every spelling
    variant of a registered name is found.  Matches respect word boundaries;
    where matches overlap the longest wins, then the earliest.

    Parameters
    ----------
    entries : iterable of (str, hashable)
        Folded key and the value it stands for. One key may carry several
        values (an ambiguous name).
    exact_case : iterable of str, optional
        Keys that match only where the text spells them exactly as given
        (all-capital abbreviations such as ``IS`` that are also words).
    """

    def __init__(
        self,
        entries: Iterable[tuple[str, Hashable]],
        exact_case: dict[str, set[str]] | None = None,
    ) -> None:
        values: dict[str, list] = {}
        for key, value in entries:
            if key:
                bucket = values.setdefault(key, [])
                if value not in bucket:
                    bucket.append(value)
        self._automaton = ahocorasick.Automaton()
        for key, vals in values.items():
            self._automaton.add_word(key, (len(key), tuple(vals)))
        self._exact_case = exact_case or {}
        self._size = len(values)
        if values:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return self._size

    def find(self, text: str) -> list[Hit]:
        """Return the non-overlapping names found in ``text``, in text order.

        Parameters
        ----------
        text : str
            The text to search.

        Returns
        -------
        list of Hit
        """
        if not self._size:
            return []
        folded = fold_with_offsets(text)
        key = folded.key
        n = len(key)
        found = []
        for end, (length, vals) in self._automaton.iter(key):
            start = end - length + 1
            # Word boundaries in key space: folding turned punctuation into spaces.
            if (start > 0 and key[start - 1] != " ") or (end + 1 < n and key[end + 1] != " "):
                continue
            ostart, oend = folded.span(start, end + 1)
            original = text[ostart:oend]
            exact = self._exact_case.get(key[start : end + 1])
            if exact is not None and original not in exact:
                continue
            found.append((-(oend - ostart), ostart, oend, original, vals))
        # Longest first, then earliest, keeping only spans that do not overlap.
        found.sort(key=lambda f: (f[0], f[1]))
        taken: list[tuple[int, int]] = []
        hits = []
        for _, s, e, original, vals in found:
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            hits.append(Hit(s, e, original, vals))
        hits.sort()
        return hits


def index_names(names: Iterable[tuple[str, Hashable]], variants) -> NameIndex:
    """Build a :class:`NameIndex` from ``(name, value)`` pairs.

    Parameters
    ----------
    names : iterable of (str, hashable)
        Names as written, and what each stands for.
    variants : callable
        ``(name, value) -> set of keys`` under which a name is found.

    Returns
    -------
    NameIndex
        Short all-capital abbreviations (``IS``, ``UK``, ``U.S.``) match only
        as written, since they are also words; other names in every variant.
    """
    entries = []
    exact: dict[str, set[str]] = {}
    for name, value in names:
        bare = name.replace(".", "")
        if bare.isupper() and len(bare) <= 5:
            exact.setdefault(fold(name), set()).add(name)
            entries.append((fold(name), value))
        else:
            entries.extend((key, value) for key in variants(name, value))
    return NameIndex(entries, exact_case=exact)
