"""How the reports are read: in this process, on every core, or on a dask cluster.

Each report is read on its own — its place mentions, the city it is about and
its control claims (:func:`read_report`); only the timeline needs all of them.
So reading is a map over reports, and an engine is what runs that map. Every
engine gives the results back in the reports' order, which is why a build's
outputs are the same byte for byte whatever engine and however many jobs.

>>> Engine("dask") is Engine.DASK
True
>>> jobs_for(3, 1_000) == 1  # a small build is read in this process
True
"""

from __future__ import annotations

import enum
import hashlib
import logging
import multiprocessing
import os
import signal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .mentions import Mention, find_mentions, focus_city
from .unresolved import Sighting, sightings

if TYPE_CHECKING:
    from conflictmap.gazetteer import Gazetteer

    from .actors import Actors
    from .articles import Article
    from .claims import Claim, Language
    from .weights import Weights

__all__ = ["Engine", "Reader", "ReportReading", "checked_engine", "default_jobs", "jobs_for", "read_report",
           "read_reports", "reader_version"]

#: Below this much text (bytes of all reports), starting worker processes costs more
#: than it saves, so a build left to choose its jobs reads in one process.
PARALLEL_MIN_BYTES = 256 * 1024
# Reports sent to a worker at a time: few enough to balance, many enough to amortise.
_CHUNK = 16
# Reports in flight on a dask cluster at once: bounds the client's memory.
_DASK_BATCH = 2000


class Engine(enum.StrEnum):
    """What runs the per-report reading."""

    #: This machine: one process, or a pool of ``jobs`` processes.
    LOCAL = "local"
    #: A ``dask.distributed`` cluster: a local one, or a scheduler's address.
    DASK = "dask"


@dataclass(frozen=True)
class ReportReading:
    """What one report says: compact, picklable, independent of the others.

    Attributes
    ----------
    name : str
        The report's file name.
    focus : str or None
        The city it is about.
    mentions : list of Mention
    claims : list of Claim
    unresolved : list of Sighting
        Names it gives parts of the city that the gazetteer lacks.
    """

    name: str
    focus: str | None
    mentions: list[Mention]
    claims: list[Claim]
    unresolved: list[Sighting] = field(default_factory=list)


def read_report(article: Article, gaz: Gazetteer, actors: Actors,
                language: Language | None = None, weights: Weights | None = None) -> ReportReading:
    """Read one report: the places it names, the city it is about, its claims.

    Parameters
    ----------
    article : Article
    gaz : Gazetteer
    actors : Actors
    language : Language, optional
        The phrasing data (the bundled English data by default).
    weights : Weights, optional
        The source weights (the bundled table by default).

    Returns
    -------
    ReportReading
    """
    from .claims import extract_claims  # the reader's heaviest import, needed only here

    matches = gaz.match(article.text)  # once: both the focus and the mentions read them
    focus = focus_city(gaz, article, matches)
    mentions = find_mentions(gaz, article, focus, matches)
    claims = extract_claims(article, mentions, actors, language, weights)
    out = ReportReading(article.name, focus, mentions, claims, sightings(article, mentions))
    # Its sentences are read: a build of many reports need not keep them all (they come back
    # when asked for).
    article.__dict__.pop("sentences", None)
    return out


@dataclass(frozen=True)
class Reader:
    """:func:`read_report` with its gazetteer, actors and language bound (what a worker holds)."""

    gaz: Gazetteer
    actors: Actors
    language: Language | None = None
    weights: Weights | None = None

    def __call__(self, article: Article) -> ReportReading:
        """Read one report (see :func:`read_report`)."""
        return read_report(article, self.gaz, self.actors, self.language, self.weights)


# What a report's reading depends on besides the gazetteer and actors: these modules and
# the language data (paths relative to the geo package).
_READER = ("actors.py", "articles.py", "claims", "dates.py", "engine.py", "furniture.py",
           "mentions.py", "unresolved.py", "weights.py", "data")


@lru_cache(maxsize=1)
def reader_version() -> str:
    """Return a digest of the reader: its code and its language data.

    A stored reading is valid while this, the gazetteer's
    :attr:`~gazetteer.core.Gazetteer.fingerprint` and the actors stay the
    same (see :func:`geo.project.reader_key`).

    Returns
    -------
    str
        16 hex digits.
    """
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in _READER:
        path = root / name
        for f in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if f.is_file() and f.suffix in (".py", ".yaml", ".yml", ".txt", ".csv", ".json"):
                h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def default_jobs() -> int:
    """Return the cores this process may use.

    Returns
    -------
    int
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def jobs_for(count: int, size: int, jobs: int | None = None) -> int:
    """Return how many processes read ``count`` reports of ``size`` bytes in all.

    Parameters
    ----------
    count : int
        Number of reports.
    size : int
        Their text, in bytes (characters will do).
    jobs : int, optional
        What the user asked for; ``None`` lets the build choose: every core,
        but one process for a build too small to gain from more.

    Returns
    -------
    int
        Never more than the reports.
    """
    if jobs is None:
        jobs = default_jobs() if size >= PARALLEL_MIN_BYTES else 1
    return max(1, min(jobs, count))


def checked_engine(engine: Engine | str, scheduler: str | None = None) -> Engine:
    """Return the engine asked for, or say in one line why it cannot be.

    Parameters
    ----------
    engine : Engine or str
    scheduler : str, optional

    Returns
    -------
    Engine

    Raises
    ------
    InputError
        For an unknown engine, or a scheduler without ``dask``.
    """
    try:
        chosen = Engine(engine)
    except ValueError:
        raise InputError("--engine", f"unknown engine {engine!r}: choose local or dask") from None
    if scheduler is not None and chosen is not Engine.DASK:
        raise InputError("--scheduler", "a scheduler address needs --engine dask")
    return chosen


def read_reports(
    articles: Sequence[Article], reader: Reader, *, jobs: int | None = None,
    engine: Engine | str = Engine.LOCAL, scheduler: str | None = None,
) -> list[ReportReading]:
    """Read every report, in the reports' order, with the engine asked for.

    Parameters
    ----------
    articles : sequence of Article
    reader : Reader
    jobs : int, optional
        Processes on this machine (``None``: see :func:`jobs_for`), or the
        workers of the local dask cluster.
    engine : Engine or str
        ``"local"`` or ``"dask"``.
    scheduler : str, optional
        A dask scheduler's address (``tcp://host:8786``); without it ``"dask"``
        starts a ``LocalCluster``.

    Returns
    -------
    list of ReportReading
        One per article, in the articles' order.

    Raises
    ------
    InputError
        For an unknown engine, a dask engine without dask installed, or a
        scheduler that cannot be reached.
    """
    if checked_engine(engine, scheduler) is Engine.DASK:
        return _on_dask(articles, reader, jobs, scheduler)
    n = jobs_for(len(articles), sum(len(a.text) for a in articles), jobs)
    if n == 1 or len(articles) < 2:
        return [reader(a) for a in articles]
    # The first report is read here: it builds the gazetteer's name index and loads the
    # phrasing data once, before the fork, instead of once in every worker.
    first = reader(articles[0])
    return [first, *_on_pool(articles[1:], reader, n)]


# The pool's workers hold the reader and the reports from their start: with fork they
# inherit them, with spawn they are pickled once per worker, never once per report.
_WORKER: tuple[Reader, Sequence[Article]] | None = None


def _start_worker(reader: Reader, articles: Sequence[Article]) -> None:
    global _WORKER
    _WORKER = (reader, articles)
    # Ctrl-C reaches the whole process group; the parent answers it, the workers stay quiet.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's own SIGTERM handler (inherited by fork) is for the parent: a worker the
    # pool stops just ends.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _read_at(i: int) -> ReportReading:
    assert _WORKER is not None, "a pool worker reads only after it has started"
    reader, articles = _WORKER
    return reader(articles[i])


def _on_pool(articles: Sequence[Article], reader: Reader, jobs: int) -> Iterator[ReportReading]:
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    chunk = max(1, min(_CHUNK, len(articles) // (jobs * 4)))
    with ctx.Pool(jobs, initializer=_start_worker, initargs=(reader, articles)) as pool:
        yield from pool.imap(_read_at, range(len(articles)), chunksize=chunk)
        pool.close()  # all read: let the workers end on their own rather than be stopped
        pool.join()


def _on_dask(articles: Sequence[Article], reader: Reader, jobs: int | None,
             scheduler: str | None) -> list[ReportReading]:
    try:
        import distributed
    except ImportError:
        raise InputError("--engine dask",
                         "needs dask.distributed: pip install 'conflictmap[dask]'") from None
    dask: Any = distributed  # its calls are not fully typed
    # The cluster's own chatter (dashboard, worker start and stop) is not the build's news.
    for name in ("distributed", "dask"):
        logging.getLogger(name).setLevel(logging.ERROR)
    cluster: Any = None
    try:
        if scheduler is None:
            # This machine only: the scheduler and its status page listen on loopback, any free port.
            cluster = dask.LocalCluster(n_workers=jobs or default_jobs(), threads_per_worker=1,
                                        processes=True, host="127.0.0.1",
                                        dashboard_address="127.0.0.1:0")
            client = dask.Client(cluster)
        else:
            client = dask.Client(scheduler, timeout="10s")
    except OSError as e:
        raise InputError(scheduler or "--engine dask", f"cannot reach the dask scheduler: {e}") from None
    try:
        held = client.scatter(reader, broadcast=True)  # the gazetteer travels once per worker
        out: list[ReportReading] = []
        for i in range(0, len(articles), _DASK_BATCH):
            batch = articles[i:i + _DASK_BATCH]
            futures = client.map(_read_with, batch, reader=held, pure=False)
            out.extend(client.gather(futures))
        return out
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _read_with(article: Article, reader: Reader) -> ReportReading:
    return reader(article)
