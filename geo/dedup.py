"""Near-duplicate reports: the same wire story reprinted by several outlets.

An agency's story comes back from many papers, each with its own headline, an
intro line of its own, or the end cut to fit the page. Read as separate
reports, one story would count as several witnesses to the same claim. A
report's *signature* is a MinHash of its word shingles (five folded words
each): the fraction of equal values between two signatures estimates the
Jaccard similarity of their shingle sets, and a reprint shares most of its
shingles with the original while two stories about the same fighting, with
the same place names, share almost none.

A reprint is found by *containment*, not by the Jaccard similarity: the share
of the new report's shingles the known one has. A reprint cut by a fifth, with
a headline and intro line of its own, has a Jaccard similarity of about 0.67
to its original (the cut end counts against it), yet nine tenths of its own
shingles are the original's. Both come from the two signatures alone: over the
permutations, ``new == known`` happens with probability |N∩K|/|N∪K| and
``new <= known`` with |N|/|N∪K| (the union's least shingle is the new
report's), so their ratio estimates |N∩K|/|N| (:func:`containment`). It is
one-sided on purpose: a long report that quotes a short known one whole is not
its reprint.

The permutations are fixed (derived with blake2b from a constant, not drawn
from a random generator), so a signature is the same in every run and on every
machine, and can be stored (:func:`to_bytes`) and compared later.

>>> story = ("Government troops pushed into the old market on Tuesday after a night of "
...          "shelling, and commanders said the bridge over the river was back in their hands "
...          "while the rebels fell back towards the northern quarters of the town.")
>>> reprint = "Army retakes market. " + story
>>> round(similarity(signature(story), signature(reprint)), 1) >= 0.8
True
>>> similarity(signature(story), signature("The rebels said they held the bridge.")) < 0.1
True
>>> cut = signature(" ".join(story.split()[:22]))  # the first half only
>>> round(similarity(signature(story), cut), 1), containment(cut, signature(story))
(0.6, 1.0)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["MIN_EQUAL", "NUM_PERM", "SHINGLE", "THRESHOLD", "SignatureIndex", "containment",
           "find_original", "from_bytes", "signature", "similarity", "to_bytes"]

#: Values in a signature (permutations): the estimate's standard error is about 1/sqrt(128) ≈ 0.09.
NUM_PERM = 128
#: Words in a shingle.
SHINGLE = 5
#: The containment at or above which a report is taken for a reprint of a known one.
THRESHOLD = 0.7
#: The least number of equal values a reprint's signature shares with its original's: below
#: it, the estimate rests on too few values (a few words against a long story) to be trusted.
MIN_EQUAL = 6

Signature = npt.NDArray[np.uint64]

_P = (1 << 61) - 1  # the Mersenne prime the permutations work modulo
_MASK61 = np.uint64(_P)
_MASK32 = np.uint64(0xFFFFFFFF)
_MASK29 = np.uint64((1 << 29) - 1)
# What an empty text's signature holds: above every permuted value, equal to no real one.
_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
# Shingles permuted at a time: bounds the (shingles x 128) matrix of a very long report.
_BLOCK = 4096
_WORD = re.compile(r"[^\W_]+")


def _constants(tag: str) -> npt.NDArray[np.uint64]:
    # blake2b, not numpy's generator: the same numbers whatever numpy's version.
    vals = [int.from_bytes(hashlib.blake2b(f"conflictmap-minhash-{tag}-{i}".encode(), digest_size=8)
                           .digest(), "little") % _P for i in range(NUM_PERM)]
    return np.array(vals, dtype=np.uint64)


_A = np.maximum(_constants("a"), np.uint64(1))  # a multiplier of 0 would be no permutation
_B = _constants("b")
_A_HI, _A_LO = _A >> np.uint64(32), _A & _MASK32


def _mod61(v: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    # v mod 2^61-1 for v < 2^64: 2^61 ≡ 1, so fold the high bits onto the low ones (twice is enough).
    v = (v & _MASK61) + (v >> np.uint64(61))
    v = (v & _MASK61) + (v >> np.uint64(61))
    return np.where(v >= _MASK61, v - _MASK61, v)


def _permute(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Return ``(a*x + b) mod (2^61 - 1)`` for every x (rows) and permutation (columns).

    The product of two 61-bit numbers does not fit 64 bits, so it is made of
    32-bit halves: ``a*x = ah*xh*2^64 + (ah*xl + al*xh)*2^32 + al*xl``, with
    ``2^64 ≡ 8`` and ``2^61 ≡ 1`` modulo the prime; every partial sum fits.
    """
    x = x[:, None]
    x_hi, x_lo = x >> np.uint64(32), x & _MASK32
    high = (_A_HI * x_hi) << np.uint64(3)  # < 2^58 * 8
    mid = _A_HI * x_lo + _A_LO * x_hi  # < 2^62
    # mid * 2^32 = (mid >> 29) * 2^61 + (mid mod 2^29) * 2^32 ≡ (mid >> 29) + (mid mod 2^29) << 32
    mid = (mid >> np.uint64(29)) + ((mid & _MASK29) << np.uint64(32))
    low = _mod61(_A_LO * x_lo)  # the one product that may use all 64 bits
    total = _mod61(high + mid) + low  # < 2^62
    return _mod61(_mod61(total) + _B)


def _shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE:  # a text shorter than a shingle is one shingle
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def signature(text: str) -> Signature:
    """Return the MinHash signature of a text.

    Parameters
    ----------
    text : str
        The report's text. Words are folded first: lower-cased, letters and
        digits only, so punctuation, capitals and line breaks do not count.

    Returns
    -------
    numpy.ndarray
        ``NUM_PERM`` uint64 values, the least permuted shingle hash of each
        permutation. A text without words has every value at the maximum,
        equal to no real value.

    Examples
    --------
    >>> s = signature("Fighting went on in the old city overnight, residents said.")
    >>> s.dtype, s.shape
    (dtype('uint64'), (128,))
    >>> bool((s == signature("FIGHTING went on -- in the old city, overnight; residents said")).all())
    True
    """
    shingles = sorted(_shingles(text))
    out = np.full(NUM_PERM, _EMPTY, dtype=np.uint64)
    if not shingles:
        return out
    hashed = np.array([int.from_bytes(hashlib.blake2b(s, digest_size=8).digest(), "little") % _P
                       for s in shingles], dtype=np.uint64)
    for lo in range(0, len(hashed), _BLOCK):
        out = np.minimum(out, _permute(hashed[lo:lo + _BLOCK]).min(axis=0))
    return out


def similarity(a: Signature, b: Signature) -> float:
    """Return the fraction of equal values of two signatures (an estimate of their Jaccard similarity).

    Parameters
    ----------
    a, b : numpy.ndarray
        Signatures from :func:`signature`.

    Returns
    -------
    float
        Between 0 and 1.
    """
    return float(np.count_nonzero(a == b)) / NUM_PERM


def containment(new: Signature, known: Signature) -> float:
    """Return the estimated share of the new report's shingles that the known one has.

    Parameters
    ----------
    new, known : numpy.ndarray
        Signatures from :func:`signature`.

    Returns
    -------
    float
        Between 0 and 1: ``count(new == known) / count(new <= known)``; 0
        when the new text has no words.
    """
    if _empty(new):
        return 0.0
    below = int(np.count_nonzero(new <= known))
    return float(np.count_nonzero(new == known)) / below if below else 0.0


def _empty(sig: Signature) -> bool:
    return bool((sig == _EMPTY).all())


def find_original(sig: Signature, known: Sequence[tuple[str, Signature]],
                  threshold: float = THRESHOLD) -> str | None:
    """Return the id of the first known report this one is a reprint of (its containment in it).

    Parameters
    ----------
    sig : numpy.ndarray
        The new report's signature.
    known : sequence of (str, numpy.ndarray)
        The known reports' ids and signatures, in the order to prefer (the
        earliest first, so that a reprint points at the original).
    threshold : float
        The least :func:`containment` of the new report in a known one that
        makes it a reprint (with at least :data:`MIN_EQUAL` equal values).

    Returns
    -------
    str or None
        None when none is similar enough, or the text had no words.

    Notes
    -----
    One comparison over all known signatures at once; for many new reports
    against a growing set, keep a :class:`SignatureIndex` instead.
    """
    return SignatureIndex(known).find(sig, threshold)


class SignatureIndex:
    """Known signatures, stacked once: a reprint is looked for in all of them in one comparison.

    Parameters
    ----------
    known : sequence of (str, numpy.ndarray), optional

    Examples
    --------
    >>> index = SignatureIndex()
    >>> index.add("a1", signature("The army said it had taken the airport on Sunday morning."))
    >>> index.find(signature("The army said it had taken the airport on Sunday morning, again."))
    'a1'
    >>> len(index)
    1
    """

    def __init__(self, known: Sequence[tuple[str, Signature]] = ()) -> None:
        self._ids = [k for k, _ in known]
        self._rows = np.stack([s for _, s in known]) if known else np.empty((0, NUM_PERM), np.uint64)

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, key: str, sig: Signature) -> None:
        """Add a report's signature (after those already known).

        Parameters
        ----------
        key : str
        sig : numpy.ndarray
        """
        size = len(self._ids)
        if size == len(self._rows):  # grow by doubling: adding n reports is O(n) copies
            grown = np.empty((max(16, 2 * size), NUM_PERM), np.uint64)
            grown[:size] = self._rows
            self._rows = grown
        self._rows[size] = sig
        self._ids.append(key)

    def find(self, sig: Signature, threshold: float = THRESHOLD) -> str | None:
        """Return the id of the first known report ``sig`` is a reprint of, as :func:`find_original`.

        Parameters
        ----------
        sig : numpy.ndarray
        threshold : float

        Returns
        -------
        str or None
        """
        if not self._ids or _empty(sig):
            return None
        rows = self._rows[:len(self._ids)]
        equal = np.count_nonzero(rows == sig, axis=1)
        below = np.count_nonzero(sig <= rows, axis=1)
        # equal / below >= threshold, without dividing (below may be 0); the tiny slack absorbs
        # the float product (0.7 * 10 is 7.000000000000001).
        hits = np.flatnonzero((equal >= MIN_EQUAL) & (equal >= threshold * below - 1e-9))
        return self._ids[int(hits[0])] if hits.size else None


def to_bytes(sig: Signature) -> bytes:
    """Return a signature as bytes (little-endian uint64, whatever the machine).

    Parameters
    ----------
    sig : numpy.ndarray

    Returns
    -------
    bytes
        ``8 * NUM_PERM`` bytes.
    """
    return np.asarray(sig, dtype="<u8").tobytes()


def from_bytes(data: bytes) -> Signature:
    """Return the signature :func:`to_bytes` wrote.

    Parameters
    ----------
    data : bytes

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        When ``data`` is not ``8 * NUM_PERM`` bytes.

    Examples
    --------
    >>> s = signature("Shelling was heard near the stadium.")
    >>> bool((from_bytes(to_bytes(s)) == s).all())
    True
    """
    if len(data) != 8 * NUM_PERM:
        raise ValueError(f"a signature is {8 * NUM_PERM} bytes, not {len(data)}")
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)
