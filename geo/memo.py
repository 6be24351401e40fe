"""What a timeline keeps between builds: each site's days, under a digest of what they came from.

A project's build adds a few reports to thousands. Most sites' claims are
then the same as last time, and so are their days: :class:`SiteMemo` hands
the timeline the days it worked out before for every site whose inputs
(its claims, the claims that only hint at a holder, the days mapped, the
sides, the timeline's own code) digest to the same key, and takes the
days of the sites it had to work out again. The store keeps them
(:meth:`geo.store.Store.memo`).

>>> memo = SiteMemo({"own:a": ("k1", b"days of a")})
>>> memo.get("own:a", "k1"), memo.get("own:a", "k2")
(b'days of a', None)
>>> memo.put("own:a", "k2", b"new days of a")
>>> memo.worked, sorted(memo.asked), sorted(memo.fresh)
(['own:a'], ['own:a'], ['own:a'])
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import orjson

from .actors import Actors
from .claims import Claim

__all__ = ["KIND", "SiteMemo", "claims_digest", "digest", "code_version"]

#: The store's name for this kind of memo.
KIND = "timeline"

_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(Claim)))


@lru_cache(maxsize=1)
def code_version() -> str:
    """Return a digest of the code that works out a site's days (a change of it voids every memo).

    Returns
    -------
    str
    """
    here = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=12)
    for name in ("timeline.py", "memo.py", "claims/__init__.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()


def digest(*parts: object) -> str:
    """Return a short digest of values whose ``repr`` is stable (strings, numbers, dates, tuples).

    >>> digest("a", 1) == digest("a", 1) != digest("a", 2)
    True
    """
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def claims_digest(claims: Iterable[Claim]) -> str:
    """Return a digest of claims, every field of each, in their order.

    Parameters
    ----------
    claims : iterable of Claim

    Returns
    -------
    str
    """
    # orjson writes every field in C (enums as their values, dates as ISO days), three times as
    # fast as repr: each field's type is its own, so the text tells the claims apart as repr did
    # (a float NaN would read as None, and no claim's confidence is NaN).
    return hashlib.blake2b(orjson.dumps([_FIELDS(c) for c in claims]), digest_size=16).hexdigest()


def sides_digest(actors: Actors) -> str:
    """Return a digest of what the timeline asks of the sides: each one's one enemy.

    Parameters
    ----------
    actors : Actors

    Returns
    -------
    str
    """
    return digest(tuple((a, actors.opponent(a)) for a in actors.ids))


class SiteMemo:
    """Sites' days from the last build, by name, and those worked out in this one.

    Parameters
    ----------
    kept : mapping of str to (str, bytes), optional
        What the store kept: name to (key, data).

    Attributes
    ----------
    fresh : dict of str to (str, bytes)
        What this build worked out, to be kept.
    worked : list of str
        The names worked out in this build (not found under their key).
    asked : set of str
        The names looked up in this build, found or not: those still wanted.
    """

    def __init__(self, kept: Mapping[str, tuple[str, bytes]] | None = None) -> None:
        self._kept = dict(kept or {})
        self.fresh: dict[str, tuple[str, bytes]] = {}
        self.worked: list[str] = []
        self.asked: set[str] = set()

    def get(self, name: str, key: str) -> bytes | None:
        """Return the data kept under ``name`` if it was kept under ``key``, else None.

        Parameters
        ----------
        name, key : str

        Returns
        -------
        bytes or None
        """
        self.asked.add(name)
        kept = self._kept.get(name)
        return kept[1] if kept is not None and kept[0] == key else None

    def put(self, name: str, key: str, data: bytes) -> None:
        """Keep what was worked out for ``name`` under ``key``.

        Parameters
        ----------
        name, key : str
        data : bytes
        """
        self.worked.append(name)
        self.fresh[name] = (key, data)
