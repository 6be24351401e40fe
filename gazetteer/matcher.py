"""Find many names in a text in one pass (Aho–Corasick over folded keys)."""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterable, Iterator
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
        slots: dict[str, int] = {}
        values: list[list] = []
        for key, value in entries:
            if not key:
                continue
            slot = slots.get(key)
            if slot is None:
                slots[key] = slot = len(values)
                values.append([value])
            elif value not in values[slot]:
                values[slot].append(value)
        # The automaton stores small ints (a slot), not Python objects: it
        # builds and pickles several times faster that way.
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for key, slot in slots.items():
            self._automaton.add_word(key, slot)
        self._values = [tuple(v) for v in values]
        self._lengths = array("H", (min(len(k), 65535) for k in slots))
        self._exact_case = exact_case or {}
        if values:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: str) -> tuple:
        """Return the values registered under a folded ``key`` (empty if none)."""
        slot = self._automaton.get(key, -1) if self._values else -1
        return self._values[slot] if slot >= 0 else ()

    def keys(self) -> Iterator[str]:
        """Iterate over the folded keys (for fuzzy search)."""
        return iter(self._automaton.keys()) if self._values else iter(())

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
        if not self._values:
            return []
        folded = fold_with_offsets(text)
        key = folded.key
        n = len(key)
        lengths = self._lengths
        found = []
        for end, slot in self._automaton.iter(key):
            start = end - lengths[slot] + 1
            # Word boundaries in key space: folding turned punctuation into spaces.
            if (start > 0 and key[start - 1] != " ") or (end + 1 < n and key[end + 1] != " "):
                continue
            found.append((start - end, start, end + 1, slot))
        # Longest first, then earliest, keeping only spans that do not overlap.
        found.sort()
        taken = bytearray(n)
        hits = []
        for _, s, e, slot in found:
            if any(taken[s:e]):
                continue
            ostart, oend = folded.span(s, e)
            original = text[ostart:oend]
            exact = self._exact_case.get(key[s:e])
            if exact is not None and original not in exact:
                continue
            taken[s:e] = b"\x01" * (e - s)
            hits.append(Hit(ostart, oend, original, self._values[slot]))
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
