"""Find many names in a text in one pass (Aho–Corasick over folded keys)."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice

import ahocorasick
import numpy as np

from .names import _absorb, fold, fold_with_offsets

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
        self._exact_slots = np.array(sorted(slots[k] for k in self._exact_case if k in slots),
                                     dtype=np.int64)
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

    def _exact_mask(self) -> np.ndarray:
        # Which slots are names matched in their own case, as a look-up (made on first use,
        # so a matcher read back from the cache gets one too).
        mask: np.ndarray | None = self.__dict__.get("_exact_mask_array")
        if mask is None:
            mask = np.zeros(len(self._lengths), dtype=bool)
            mask[self._exact_slots] = True
            self.__dict__["_exact_mask_array"] = mask
        return mask

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
        self, text: str,
        drop: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    ) -> list[tuple[int, int, str, tuple[str, ...]]]:
        """Return what :meth:`find` does, as plain tuples (faster where hits are many).

        Parameters
        ----------
        text : str
        drop : callable, optional
            Given the start and end offsets (arrays) of the names found,
            once overlaps are resolved, returns a boolean array: True for
            names to leave out.  They are left out before any tuple is made.

        Returns
        -------
        list of tuple
            ``(start, end, text, keys)`` per name found, in text order.
        """
        if not self._values:
            return []
        folded = fold_with_offsets(text)
        key = folded.key
        n = len(key)
        flat = np.fromiter(chain.from_iterable(self._automaton.iter(f" {key} ")), dtype=np.int64)
        if not len(flat):
            return []
        # An automaton hit ends on the space after the name (in the padded key).
        slots = flat[1::2]
        length = np.frombuffer(self._lengths, dtype=np.uint16)[slots].astype(np.int64)
        end = flat[0::2] - 1
        start = end - length
        # Where names overlap the longest wins, then the latest (a noun phrase ends in its
        # head: "the ancient Palmyra citadel" is the citadel, not ancient Palmyra).  Most
        # names overlap no other and are taken as they are; only the others
        # are walked longest first.
        by_pos = np.lexsort((end, start))
        s_pos, e_pos = start[by_pos], end[by_pos]
        clash = np.zeros(len(start), dtype=bool)
        clash[1:] = s_pos[1:] < np.maximum.accumulate(e_pos)[:-1]
        clash[:-1] |= s_pos[1:] < e_pos[:-1]
        overlapping = np.zeros(len(start), dtype=bool)
        overlapping[by_pos] = clash
        exact_case = self._exact_case
        check_case = self._exact_mask()[slots] if exact_case else np.zeros(len(slots), bool)
        alone = np.flatnonzero(~overlapping & ~check_case)
        walk = np.flatnonzero(overlapping | check_case)
        walk = walk[np.lexsort((slots[walk], -start[walk], -length[walk]))]
        taken = bytearray(n)
        chosen = []
        for i, s, e in zip(walk.tolist(), start[walk].tolist(), end[walk].tolist(), strict=True):
            if taken.find(1, s, e) >= 0:
                continue
            if exact_case:
                exact = exact_case.get(key[s:e])
                if exact is not None:
                    written = slice(*folded.span(s, e))
                    if text[written] not in exact:
                        continue
            taken[s:e] = b"\x01" * (e - s)
            chosen.append(i)
        # Names that do not overlap start at distinct places: text order.
        keep = np.r_[alone, np.array(chosen, dtype=np.int64)]
        keep = keep[np.argsort(start[keep])]
        start, end, slots = start[keep], end[keep], slots[keep]
        starts = folded.starts
        ostart = starts[start].astype(np.int64)
        oend = starts[end - 1].astype(np.int64) + 1
        stop = np.where(end < n, starts[np.minimum(end, n - 1)], len(text))
        # Letters folding absorbed after a name (the h of Raqqah) lie
        # between its last key character and the next one.
        for i in np.flatnonzero(oend < stop).tolist():
            oend[i] = _absorb(text, int(ostart[i]), int(oend[i]), int(stop[i]))[1]
        if drop is not None:
            kept = ~drop(ostart, oend)
            ostart, oend, slots = ostart[kept], oend[kept], slots[kept]
        values = self._values
        return [(s, e, text[s:e], values[slot])
                for s, e, slot in zip(ostart.tolist(), oend.tolist(), slots.tolist(), strict=True)]


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
