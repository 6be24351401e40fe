"""Find many names in a text in one pass (Aho–Corasick over folded keys)."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import ahocorasick

from .names import FoldedWords, fold

__all__ = ["NameIndex", "Hit", "index_names", "MAX_KEY_LENGTH"]

#: Longest folded key the index takes; longer ones are left out.  pyahocorasick
#: recurses once a character of a key, so a key of about a million characters
#: overflows the C stack (a segfault, not an exception); no name is this long.
MAX_KEY_LENGTH = 1_000


@dataclass(frozen=True, order=True)
class Hit:
    """One name found in a text.

    Attributes
    ----------
    start, end : int
        Character offsets in the original text.
    text : str
        The original text of the match.
    keys : tuple of str
        The values registered under the matched name (e.g. place ids).
    """

    start: int
    end: int
    text: str
    keys: tuple[str, ...]


class NameIndex:
    """A set of names, each mapped to one or more values, searchable in text.

    Names are folded (see :func:`gazetteer.names.fold`) so every spelling
    variant of a registered name is found.  Matches respect word boundaries;
    where matches overlap the longest wins, then the latest.

    Parameters
    ----------
    entries : iterable of (str, str)
        Folded key and the id it stands for (a place or an actor). One key may carry several
        values (an ambiguous name).
    exact_case : dict of str to set of str, optional
        Keys that match only where the text spells them exactly as one of
        the given forms (all-capital abbreviations such as ``IS`` that are also words).
    """

    def __init__(
        self,
        entries: Iterable[tuple[str, str]],
        exact_case: dict[str, set[str]] | None = None,
    ) -> None:
        slots: dict[str, int] = {}
        values: list[list[str]] = []
        for key, value in entries:
            if not key or len(key) > MAX_KEY_LENGTH:
                continue
            slot = slots.get(key)
            if slot is None:
                slots[key] = slot = len(values)
                values.append([value])
            elif value not in values[slot]:
                values[slot].append(value)
        # The automaton stores small ints (a slot), not Python objects: it
        # builds and pickles several times faster that way.  Each key is
        # stored between spaces and the text searched with a space at either
        # end, so the automaton reports whole words only, never the many
        # short names inside other words.
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for key, slot in slots.items():
            self._automaton.add_word(f" {key} ", slot)
        self._values = [tuple(v) for v in values]
        self._lengths = array("H", (len(k) for k in slots))  # each at most MAX_KEY_LENGTH
        # Read only now: index_names fills it while the entries stream in.
        self._exact_case = exact_case or {}
        self._exact_slots = frozenset(slots[k] for k in self._exact_case if k in slots)
        if values:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: str) -> tuple[str, ...]:
        """Return the values registered under a folded ``key`` (empty if none)."""
        if len(key) > MAX_KEY_LENGTH:
            return ()
        slot = self._automaton.get(f" {key} ", -1) if self._values else -1
        return self._values[slot] if slot >= 0 else ()

    def keys(self) -> Iterator[str]:
        """Iterate over the folded keys (for fuzzy search)."""
        return (k[1:-1] for k in self._automaton.keys()) if self._values else iter(())

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
        return [Hit(*h) for h in self.find_spans(text)]

    def find_spans(
        self, text: str, drop: Callable[[str], bool] | None = None,
    ) -> list[tuple[int, int, str, tuple[str, ...]]]:
        """Return what :meth:`find` does, as plain tuples (faster where hits are many).

        Parameters
        ----------
        text : str
        drop : callable, optional
            Given the text of a name found, once overlaps are resolved,
            True for names to leave out.

        Returns
        -------
        list of tuple
            ``(start, end, text, keys)`` per name found, in text order.
        """
        if not self._values:
            return []
        folded = FoldedWords(text)
        names = self._names_in(folded)
        if not names:
            return []
        values, out = self._values, []
        for (start, end), (_, _, slot) in zip(folded.spans([(s, e) for s, e, _ in names]), names,
                                              strict=True):
            written = text[start:end]
            if drop is None or not drop(written):
                out.append((start, end, written, values[slot]))
        return out

    def _names_in(self, folded: FoldedWords) -> list[tuple[int, int, int]]:
        """Return the names in a folded text as ``(start, end, slot)`` in the key, in text order.

        Where names overlap the longest wins, then the latest (a noun phrase ends in its
        head: "the ancient Palmyra citadel" is the citadel, not ancient Palmyra).
        """
        lengths = self._lengths
        # An automaton hit ends on the space after the name (in the padded key).
        found = sorted((end - 1 - lengths[slot], end - 1, slot)
                       for end, slot in self._automaton.iter(f" {folded.key} "))
        if not found:
            return []
        # Most names overlap no other and need no case check: they are taken as they are,
        # only the others are walked longest first.
        exact = self._exact_slots
        alone, walk = [], []
        reach = -1  # the furthest end of the names before
        next_starts = [hit[0] for hit in found[1:]]
        next_starts.append(len(folded.key) + 1)
        for hit, next_start in zip(found, next_starts, strict=True):
            start, end, slot = hit
            if start < reach or next_start < end or slot in exact:
                walk.append((start - end, -start, slot))  # in the walk's order: longest, latest
            else:
                alone.append(hit)
            if end > reach:
                reach = end
        if not walk:
            return alone
        # Names that do not overlap start at distinct places: text order.
        return sorted(alone + self._longest_first(walk, folded))

    def _longest_first(self, walk: list[tuple[int, int, int]], folded: FoldedWords
                       ) -> list[tuple[int, int, int]]:
        """Take, of names that overlap, the longest, then the latest, as written.

        ``walk`` holds ``(-length, -start, slot)`` of each; the names taken come back as
        ``(start, end, slot)``.
        """
        walk.sort()
        exact, key, text = self._exact_slots, folded.key, folded.text
        taken = bytearray(len(key))
        chosen = []
        for minus_length, minus_start, slot in walk:
            s, e = -minus_start, -minus_start - minus_length
            if taken.find(1, s, e) >= 0:
                continue
            if slot in exact and text[slice(*folded.span(s, e))] not in self._exact_case[key[s:e]]:
                continue
            taken[s:e] = b"\x01" * (e - s)
            chosen.append((s, e, slot))
        return chosen


def index_names(
    names: Iterable[tuple[str, str]], variants: Callable[[str, str], set[str]],
    variants_many: Callable[[list[tuple[str, str]]], list[set[str]]] | None = None,
) -> NameIndex:
    """Build a :class:`NameIndex` from ``(name, value)`` pairs.

    Parameters
    ----------
    names : iterable of (str, str)
        Names as written, and the id each stands for.
    variants : callable
        ``(name, value) -> set of keys`` under which a name is found.
    variants_many : callable, optional
        The same for a list of pairs at once (a list of sets); used instead
        of ``variants`` when given, on batches of names, in the same order.

    Returns
    -------
    NameIndex
        Short all-capital abbreviations (``IS``, ``UK``, ``U.S.``) match only
        as written, since they are also words; other names in every variant.
    """
    exact: dict[str, set[str]] = {}
    if variants_many is None:
        def variants_many(batch: list[tuple[str, str]]) -> list[set[str]]:
            return [variants(n, v) for n, v in batch]

    def batched() -> Iterator[tuple[str, str]]:
        # Entries stream into the index: a million names never sit in one list.
        pairs = iter(names)
        while batch := list(islice(pairs, 50_000)):
            found = iter(variants_many([(n, v) for n, v in batch if not _abbreviation(n)]))
            for name, value in batch:
                if _abbreviation(name):
                    key = fold(name)
                    exact.setdefault(key, set()).add(name)
                    yield key, value
                else:
                    for key in next(found):
                        yield key, value

    return NameIndex(batched(), exact_case=exact)  # reads exact_case once the entries are in


def _abbreviation(name: str) -> bool:
    bare = name.replace(".", "")
    return bare.isupper() and len(bare) <= 5
