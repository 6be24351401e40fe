"""The whole run: articles -> mentions -> claims -> timeline -> maps and feeds."""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import fcntl
import glob
import hashlib
import os
import re
import secrets
import shutil
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from conflictmap.gazetteer import Gazetteer
from conflictmap.gazetteer.core import SETTLEMENTS
from conflictmap.gazetteer.world import ATTRIBUTION
from conflictmap.maps.formats import DEFAULT_FORMATS, WRITERS, Output
from conflictmap.maps.formats import write as write_formats

from .actors import Actors
from .articles import (
    Article,
    Metadata,
    NoDateError,
    Text,
    article_files,
    read_article,
    read_sidecar,
    read_texts,
)
from .claims import Claim, Language
from .engine import Engine, Reader, ReportReading, checked_engine, read_reports
from .errors import InputError
from .frames import Frames, frames
from .memo import SiteMemo
from .mentions import Mention
from .texts import is_table, read_table
from .timeline import Timeline, check_span
from .unresolved import Unresolved, tally

if TYPE_CHECKING:
    from .rows import Plan

__all__ = ["Reading", "assemble", "load_inputs", "read_articles", "read_theatre", "write_outputs",
           "write_tables", "build",
           "bundled_theatre", "OUTPUTS", "FORMATS", "DEFAULT_FORMATS", "parse_formats"]

#: What each output format writes into the output folder (and replaces
#: there: only the files of the formats asked for), as glob patterns.
OUTPUTS: dict[str, tuple[str, ...]] = {name: w.files for name, w in WRITERS.items()}
#: The formats ``--format`` knows, in the order they are written.
FORMATS = tuple(WRITERS)


def parse_formats(spec: str | Sequence[str] | None) -> tuple[str, ...]:
    """Return the formats named by ``--format``: a comma-separated list, or ``all``.

    Parameters
    ----------
    spec : str or sequence of str or None
        ``"html,geojson"``, ``"all"``, a list of names, or None for
        :data:`DEFAULT_FORMATS`.

    Returns
    -------
    tuple of str
        Known formats, in the order of :data:`FORMATS`.

    Raises
    ------
    InputError
        For an unknown format or an empty list.
    """
    if spec is None:
        return DEFAULT_FORMATS
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    names = {n.strip().lower() for n in items if n.strip()}
    if "all" in names:
        return FORMATS
    unknown = sorted(names - set(FORMATS))
    if unknown:
        raise InputError("--format", f"unknown format {unknown[0]!r} "
                                     f"(choose from {', '.join(FORMATS)} or all)")
    if not names:
        raise InputError("--format", f"no format given (choose from {', '.join(FORMATS)} or all)")
    return tuple(f for f in FORMATS if f in names)


def bundled_theatre(name: str = "raqqa") -> Theatre:
    """Return the paths of a theatre shipped with conflictmap.

    Parameters
    ----------
    name : str

    Returns
    -------
    dict
        ``articles`` (list of Path), ``actors`` (Path), ``gazetteer`` (list of Path).
    """
    root = Path(str(resources.files("conflictmap.geo").joinpath(f"data/{name}")))
    gaz = Path(str(resources.files("conflictmap.gazetteer").joinpath(f"data/{name}.geojson")))
    return {
        "articles": sorted((root / "articles").glob("*.txt")),
        "actors": root / "actors.yaml",
        "gazetteer": [gaz],
    }


class Theatre(TypedDict):
    """The input files of a theatre: its articles, actors file and gazetteer files."""

    articles: list[Path]
    actors: Path
    gazetteer: list[Path]


@dataclass
class Reading:
    """Everything read from a set of articles.

    Attributes
    ----------
    articles : list of Article
    mentions : dict of str to list of Mention
        Per article name.
    claims : list of Claim
    timeline : Timeline
    focus : str or None
        The city most articles are about.
    focuses : dict of str to str or None
        The city each article is about, by article name.
    unresolved : list of Unresolved
        Names the reports give parts of the city that the gazetteer lacks.
    """

    articles: list[Article]
    mentions: dict[str, list[Mention]]
    claims: list[Claim]
    timeline: Timeline
    focus: str | None
    focuses: dict[str, str | None] = field(default_factory=dict)
    unresolved: list[Unresolved] = field(default_factory=list)


def read_articles(paths: Sequence[str | Path], dates: Mapping[str, dt.date] | None = None,
                  fallback: Mapping[str, dt.date] | None = None) -> list[Article]:
    """Read articles; a folder stands for the ``.txt`` files in it.

    An argument may also be a pattern (``'reports/2017-10-*/*.txt'``, ``**``
    for any depth of folders) or a CSV or Parquet table of texts, a report
    a row (see :mod:`geo.texts`).

    A folder's metadata table (``articles.csv`` or ``metadata.csv``, see
    :func:`geo.articles.read_sidecar`) gives its files their date, outlet,
    title and URL; a file's own header lines win over it, field by field,
    and ``dates`` over both.

    Parameters
    ----------
    paths : sequence of path
    dates : mapping of str to date, optional
        Publication dates given by the user, keyed by the path as written
        or by the file name.
    fallback : mapping of str to date, optional
        Dates by file name for articles that have no other (before datelines).

    Returns
    -------
    list of Article
        Sorted by publication date, then name.

    Raises
    ------
    InputError
        For the first file that cannot be used, a bad metadata table, or no
        article at all.
    """
    dates = dict(dates or {})
    files: list[Path] = []
    meta: dict[Path, Metadata] = {}
    rows: dict[str, str] = {}  # a table's reports: their names, by their texts' paths
    texts: list[tuple[Text, Metadata | None]] = []
    for p in _expanded(paths):
        if is_table(p) and Path(p).is_file():  # a CSV or Parquet file of texts, a report a row
            for row in read_table(p):
                rows[row.text.path] = row.name
                texts.append((row.text, row.meta))
            continue
        found = article_files(p)
        files.extend(found)
        if found != [Path(p)]:  # a folder
            table = read_sidecar(p, {f.name for f in found})
            meta.update((f, table[f.name]) for f in found if f.name in table)
    if not files and not rows:
        raise InputError("(arguments)", "no articles given")
    used = set()
    articles = []
    undated: list[tuple[Text, Metadata | None]] = []
    fallback = dict(fallback or {})
    # Each file is read and decoded once (its warnings said once), whatever dates it then takes.
    texts[:0] = zip(read_texts(files), [meta.get(f) for f in files], strict=True)

    def article(text: Text, day: dt.date | None, info: Metadata | None,
                near: Sequence[dt.date] | None = None) -> Article:
        art = read_article(text, day, near=near, meta=info)
        return replace(art, name=rows[text.path]) if text.path in rows else art

    for text, info in texts:
        name = rows.get(text.path) or Path(text.path).name
        # After read_text, so a loop of links has been refused; a table's row has no absolute path.
        absolute = text.path if text.path in rows else str(Path(text.path).resolve())
        keys = [k for k in (text.path, name, absolute) if k in dates]
        used.update(keys)
        try:
            articles.append(article(text, dates[keys[0]] if keys else None, info))
        except NoDateError:
            if name in fallback:
                articles.append(article(text, fallback[name], info))
            else:
                undated.append((text, info))
    # Articles without a date line take it from their dateline, the year from the others.
    near = [a.published for a in articles]
    for text, info in undated:
        articles.append(article(text, None, info, near))
    unused = [k for k in dates if k not in used]
    if unused:
        raise InputError(unused[0], "--date names a file that is not among the articles")
    names = Counter(a.name for a in articles)
    dup = [n for n, k in names.items() if k > 1]
    if dup:
        raise InputError(dup[0], "two articles share this file name; rename one")
    return sorted(articles, key=lambda a: (a.published, a.name))


_GLOB = re.compile(r"[*?[]")


def _expanded(paths: Sequence[str | Path]) -> list[str | Path]:
    """Expand the patterns among the arguments (a quoted ``'reports/*/*.txt'``), in sorted order."""
    out: list[str | Path] = []
    for p in paths:
        if os.path.lexists(p) or not _GLOB.search(str(p)):
            out.append(p)
            continue
        found = sorted(glob.glob(str(p), recursive=True))
        if not found:
            raise InputError(str(p), "the pattern matches no file")
        out.extend(found)
    return out


def read_theatre(
    articles: Sequence[Article], gaz: Gazetteer, actors: Actors, language: Language | None = None,
    start: dt.date | None = None, end: dt.date | None = None, *, jobs: int | None = None,
    engine: Engine | str = Engine.LOCAL, scheduler: str | None = None,
) -> Reading:
    """Read mentions and claims from articles and build the timeline.

    Parameters
    ----------
    articles : sequence of Article
    gaz : Gazetteer
    actors : Actors
    language : Language, optional
        The phrasing data (the bundled English data by default).
    start, end : datetime.date, optional
        The days mapped (default: :func:`first_day` to the last publication date); their
        span is checked where the articles are read (:func:`load_inputs`).
    jobs : int, optional
        Processes reading the reports (``None``: every core for a large build);
        see :func:`geo.engine.read_reports`. The result does not depend on it.
    engine : Engine or str
        ``"local"`` (this machine) or ``"dask"`` (a dask.distributed cluster).
    scheduler : str, optional
        The dask scheduler's address (default: a local cluster).

    Returns
    -------
    Reading
    """
    reports = read_reports(articles, Reader(gaz, actors, language), jobs=jobs, engine=engine,
                           scheduler=scheduler)
    return assemble(articles, reports, gaz, actors, start=start, end=end)


def assemble(articles: Sequence[Article], reports: Sequence[ReportReading], gaz: Gazetteer,
             actors: Actors, claims: Sequence[Claim] | None = None, start: dt.date | None = None,
             end: dt.date | None = None, memo: SiteMemo | None = None) -> Reading:
    """Put the reports' readings together: the sites, the timeline, the city, the unresolved names.

    Parameters
    ----------
    articles : sequence of Article
    reports : sequence of ReportReading
        One per article, in their order.
    gaz : Gazetteer
    actors : Actors
    claims : sequence of Claim, optional
        The claims the timeline uses (default: the reports'; a project's
        analyst decisions give others).
    start, end : datetime.date, optional
        The days mapped (default: :func:`first_day` to the last publication date).
    memo : SiteMemo, optional
        Sites' days from an earlier build (see :class:`geo.timeline.Timeline`).

    Returns
    -------
    Reading
    """
    mentions = {r.name: r.mentions for r in reports}
    used = list(claims) if claims is not None else [c for r in reports for c in r.claims]
    by_article = {r.name: r.focus for r in reports}
    focuses = Counter(r.focus for r in reports if r.focus)
    # One end asked for, the other the reports': together they must still make a day.
    check_window(start or first_day(articles, used), end or max(a.published for a in articles),
                 asked=(start, end))
    start = start or first_day(articles, used)
    end = end or max(a.published for a in articles)
    # The user's own files map every site; a GeoNames dump only the sites the articles name.
    named = {m.place for ms in mentions.values() for m in ms if m.site}
    sites = sorted(set(gaz.sites()) | {p for p in named if gaz[p].layer == "geonames"})
    timeline = Timeline(used, sites, actors, start, end, parents=quarters(gaz, sites), memo=memo)
    focus = sorted(focuses.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if focuses else None
    return Reading(list(articles), mentions, used, timeline, focus, by_article,
                   tally((r.name, r.unresolved) for r in reports))


#: How many days before the first report the map may start, for what that report says of them
#: ("early on Thursday" in Friday's paper); no further, so that history stays history.
LOOKBACK_DAYS = 6


def first_day(articles: Sequence[Article], claims: Sequence[Claim]) -> dt.date:
    """Return the map's first day: the first report's, or the day before it that its claims speak of.

    Parameters
    ----------
    articles : sequence of Article
    claims : sequence of Claim

    Returns
    -------
    datetime.date
        The earliest of the first publication date and the days of counting
        claims at most :data:`LOOKBACK_DAYS` before it.
    """
    first = min(a.published for a in articles)
    earliest = first - dt.timedelta(days=LOOKBACK_DAYS)
    # The days first: few claims are of the days before the first report, and counts is a property.
    return min([first, *(c.date for c in claims if earliest <= c.date < first and c.counts)])


def check_window(start: dt.date | None, end: dt.date | None,
                 asked: tuple[dt.date | None, dt.date | None] | None = None) -> None:
    """Refuse a map window that ends before it starts.

    Parameters
    ----------
    start, end : datetime.date or None
        The first and last day mapped (None: not yet known).
    asked : (datetime.date or None, datetime.date or None), optional
        The days the user gave (``--from``, ``--until``) when ``start`` and
        ``end`` are filled in from the reports: the error names the one asked.

    Raises
    ------
    InputError
        Naming the option and both days.
    """
    if start is None or end is None or end >= start:
        return
    given_start, given_end = asked if asked is not None else (start, end)
    if given_end is not None and given_start is not None:
        raise InputError("--until", f"{end} is before --from {start}: the map would have no days")
    if given_end is not None:
        raise InputError("--until", f"{end} is before the reports' first day, {start}")
    raise InputError("--from", f"{start} is after the last report's day, {end}")


def window_dates(start: dt.date | None, end: dt.date | None) -> list[tuple[str, dt.date]]:
    """Return the window's days as :func:`geo.timeline.check_span` takes them.

    Parameters
    ----------
    start, end : datetime.date or None
        ``--from`` and ``--until``, where given.

    Returns
    -------
    list of (str, datetime.date)
        The option's name and day, for each given: the window's span counts like a report's date.
    """
    return [(name, day) for name, day in (("--from", start), ("--until", end)) if day is not None]


def quarters(gaz: Gazetteer, sites: Sequence[str]) -> dict[str, str]:
    """Return each site that is a quarter of another site (its city), as ``{quarter: city}``.

    Quarters are the sites inside a settlement: neighbourhoods, squares,
    buildings; a village or town whose parent is a city is not one of its
    quarters (it is held on its own), nor is a background place.

    Parameters
    ----------
    gaz : Gazetteer
    sites : sequence of str

    Returns
    -------
    dict of str to str
    """
    site_set = set(sites)
    out = {}
    for pid in sites:
        place = gaz[pid]
        if place.kind in SETTLEMENTS or not place.parent:
            continue
        # The nearest site it lies in: its district, else its city ("the Citadel" in the Old City).
        parent = next((a for a in gaz.ancestors(pid) if a in site_set), None)
        if parent is not None:
            out[pid] = parent
    return out


#: Seconds a build waits for another build writing the same folder
#: (the environment variable ``CONFLICTMAP_LOCK_TIMEOUT`` overrides it).
LOCK_TIMEOUT = 60.0
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _lock_timeout(timeout: float | None) -> float:
    if timeout is not None:
        return timeout
    value = os.environ.get("CONFLICTMAP_LOCK_TIMEOUT", "")
    try:
        return float(value) if value else LOCK_TIMEOUT
    except ValueError:
        raise InputError("CONFLICTMAP_LOCK_TIMEOUT", f"{value!r} is not a number of seconds") from None


@contextmanager
def _locked(out: Path, shown: str, timeout: float) -> Iterator[None]:
    # A lock file beside the folder (the folder itself is swapped), removed by its holder
    # when done; whoever then gets a lock on the removed file tries again on a new one.
    path = out.parent / f".{_tag(out)}.lock"
    deadline = time.monotonic() + timeout
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            if _lock_fd(fd, deadline) and _same_file(fd, path):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
        if time.monotonic() >= deadline:
            raise InputError(shown, "another conflictmap build is writing this folder "
                                    f"(waited {timeout:g} s)")
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            path.unlink()
        os.close(fd)  # and so unlocked, as it is when the process is killed


def _lock_fd(fd: int, deadline: float) -> bool:
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    here = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (here.st_dev, here.st_ino)


def _remove_stale(out: Path) -> None:
    # Called under the lock: no live build owns a temporary folder of ``out`` then, so
    # any left is a killed build's.
    stale = re.compile(rf"\.{re.escape(_tag(out))}\.(new|old)-[0-9a-f]{{8}}")
    for entry in sorted(os.scandir(out.parent), key=lambda e: e.name):
        if stale.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)


def _tag(out: Path) -> str:
    # The folder's name in the names of its lock and temporary folders, kept short enough.
    if len(out.name) <= 200:
        return out.name
    return out.name[:180] + "~" + hashlib.sha256(os.fsencode(out.name)).hexdigest()[:16]


def _temp_name(out: Path, role: str) -> Path:
    return out.parent / f".{_tag(out)}.{role}-{secrets.token_hex(4)}"


def _new_folder(out: Path) -> Path:
    # Created with the umask's mode (mkdtemp's 0700 would hide the published folder).
    while True:
        path = _temp_name(out, "new")
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def _out_path(out_dir: str | Path) -> Path:
    """Return the folder a build swaps, or raise why ``out_dir`` cannot be one."""
    shown = str(out_dir)
    if "\x00" in shown:  # no system call takes it: said here, before one raises ValueError
        raise InputError(shown, "cannot write: a NUL character in the name")
    out = Path(os.path.abspath(out_dir))
    if out.parent == out:
        raise InputError(shown, "cannot write outputs over the root folder")
    if os.path.islink(out):
        if not out.exists():
            raise InputError(shown, "is a symbolic link to nothing (a dangling link)")
        out = Path(os.path.realpath(out))  # the folder it points at is the one replaced
    if out.exists() and not out.is_dir():
        raise InputError(shown, "output path exists and is not a folder")
    for parent in out.parents:
        if os.path.islink(parent) and not parent.exists():
            raise InputError(shown, f"cannot write: {parent} is a symbolic link to nothing")
        if parent.exists():
            if not parent.is_dir():
                raise InputError(shown, f"cannot write: {parent} is a file, not a folder")
            break
    cwd = Path.cwd()
    if out == cwd or out in cwd.parents:
        # The swap would leave the shell standing in a deleted folder.
        raise InputError(shown, "is the current folder or holds it; give a folder of its own")
    if out.is_dir() and os.path.ismount(out):
        raise InputError(shown, "is a mount point; give a folder inside it (outputs are swapped "
                                "in by renaming their folder)")
    return out


def _checked_out(out_dir: str | Path) -> Path:
    try:
        return _out_path(out_dir)
    except OSError as exc:  # a name too long, a folder we may not look into
        raise InputError(str(out_dir), f"cannot write: {exc.strerror or exc}") from None


def _replaced(out: Path, formats: Sequence[str]) -> set[Path]:
    return {p for fmt in formats for pattern in OUTPUTS[fmt] for p in out.glob(pattern)}


def _keep(old: Path, new: Path, replaced: set[Path]) -> None:
    """Hard-link (or copy) into ``new`` what ``old`` holds that this build does not replace."""
    device = os.stat(old).st_dev
    for entry in sorted(os.scandir(old), key=lambda e: e.name):
        path, target = Path(entry.path), new / entry.name
        if path in replaced:
            continue
        if entry.is_dir(follow_symlinks=False):
            if entry.stat().st_dev != device:
                raise InputError(str(path), "is a mount point inside the output folder")
            if not target.is_dir():
                target.mkdir()
                shutil.copymode(path, target)
            _keep(path, target, replaced)  # a folder both hold (days/) gets the old's other files
        elif os.path.lexists(target):
            continue  # a file this build writes
        elif entry.is_symlink():
            os.symlink(os.readlink(path), target)
        elif entry.is_file():
            try:
                os.link(path, target)
            except OSError:  # a file system without hard links
                shutil.copy2(path, target)


def _fsync_tree(folder: Path) -> None:
    # Everything on disk before the folder is published under its name.
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # a C library without it
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # the file system cannot
        return False
    raise OSError(err, os.strerror(err), str(b))


@contextmanager
def _signals_held() -> Iterator[None]:
    # Ctrl-C or SIGTERM between two renames would leave no folder: they wait until after.
    held = {signal.SIGINT, signal.SIGTERM}
    main = threading.current_thread() is threading.main_thread()
    if main:
        signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        if main:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def _swap(new: Path, out: Path, old: Path) -> None:
    """Put the complete folder ``new`` at ``out``.

    With ``renameat2(RENAME_EXCHANGE)`` the old folder and the new trade
    places in one step (the old ends up at ``new``). Elsewhere it is two
    renames, ``out -> old`` then ``new -> out``: between them, for the
    time of one system call, ``out`` does not exist.
    """
    with _signals_held():
        if not out.exists():
            os.rename(new, out)
        elif not _exchange(new, out):
            os.rename(out, old)
            try:
                os.rename(new, out)
            except BaseException:
                os.rename(old, out)
                raise
        _fsync_dir(out.parent)


def _replace(output: Output, out: Path, formats: Sequence[str]) -> None:
    """Write ``formats`` into a new folder beside ``out`` and swap it in whole.

    The new folder gets the files of ``formats`` and everything of the old
    folder that they do not replace (hard links), so a reader, a crash or
    a kill sees either the old folder or the new, never a mix.
    """
    # The names first, the folder inside the try: a signal at any moment leaves nothing behind.
    new, old = _temp_name(out, "new"), _temp_name(out, "old")
    try:
        new = _new_folder(out)
        write_formats(output, new, formats)
        if out.is_dir():
            shutil.copymode(out, new)
            _keep(out, new, _replaced(out, formats))
        _fsync_tree(new)
        _swap(new, out, old)
    finally:
        # After the swap these hold the old folder; before it, the unfinished new one.
        _remove(new, old)


def _remove(*paths: Path) -> None:
    """Remove temporary folders, even if a signal comes while doing so (it is raised after)."""
    pending: BaseException | None = None
    while True:
        try:
            with _signals_held():
                for path in paths:
                    shutil.rmtree(path, ignore_errors=True)
            break
        except BaseException as exc:  # a signal before the mask took hold: remove, then raise it
            pending = exc
    if pending is not None:
        raise pending


def _credit(reading: Reading) -> str:
    # The source line of the map and the pictures: whose reports, whose places.
    outlets = Counter(a.outlet for a in reading.articles if a.outlet)
    named = ", ".join(o for o, _ in sorted(outlets.items(), key=lambda kv: (-kv[1], kv[0]))[:4])
    more = "…" if len(outlets) > 4 else ""
    n = len(reading.articles)
    reports = f"{n} report{'s' if n != 1 else ''}" + (f" ({named}{more})" if named else "")
    return (f"Sources: {reports}, {len(reading.claims)} claims read · sites and river from the "
            f"gazetteer, no basemap · {ATTRIBUTION} · conflictmap")


def write_outputs(reading: Reading, gaz: Gazetteer, actors: Actors, out_dir: str | Path,
                  tiles: str | None = None, formats: str | Sequence[str] | None = None,
                  lock_timeout: float | None = None) -> Path:
    """Write the map and feeds into ``out_dir``, replacing only what the chosen formats write.

    The complete new folder (the files written and the old folder's other
    files) is made beside ``out_dir`` and then swapped in, so that
    ``out_dir`` is at every moment either the whole old output or the
    whole new one. A build waits for another writing the same folder (a
    lock file ``.NAME.lock`` beside it) and removes the temporary folders
    of builds that were killed.

    Parameters
    ----------
    reading : Reading
    gaz : Gazetteer
    actors : Actors
    out_dir : str or Path
    tiles : str, optional
        A basemap tile URL template for the HTML map.
    formats : str or sequence of str, optional
        Among :data:`FORMATS` (see :data:`OUTPUTS` for their files), or
        ``"all"``; default :data:`DEFAULT_FORMATS`.
    lock_timeout : float, optional
        Seconds to wait for another build of the same folder (default
        ``CONFLICTMAP_LOCK_TIMEOUT`` or :data:`LOCK_TIMEOUT`).

    Returns
    -------
    Path
        The output folder.

    Raises
    ------
    InputError
        If the folder cannot be written (the old one is then left as it was).
    """
    write_tables(reading, gaz, actors, out_dir, tiles=tiles, formats=formats, lock_timeout=lock_timeout)
    return Path(out_dir)


def write_tables(reading: Reading, gaz: Gazetteer, actors: Actors, out_dir: str | Path,
                 tiles: str | None = None, formats: str | Sequence[str] | None = None,
                 lock_timeout: float | None = None, plan: Plan | None = None) -> Frames:
    """Write the outputs as :func:`write_outputs` does, and return the tables written.

    Parameters
    ----------
    reading, gaz, actors, out_dir, tiles, formats, lock_timeout
        As :func:`write_outputs`.
    plan : Plan, optional
        Which reports' rows of the claims and mentions tables to copy from the
        files in ``out_dir`` (:func:`geo.rows.plan`); those tables are then
        written in parts, and their indexes say where each report's rows went.

    Returns
    -------
    Frames
        As :func:`geo.frames.frames` made them, ``claims`` and ``mentions``
        in :class:`~maps.parts.Parts` when a plan is given.

    Raises
    ------
    InputError
        If the folder cannot be written (the old one is then left as it was).
    maps.parts.PartsError
        When a kept part cannot be copied (nothing is published then).
    """
    formats = parse_formats(formats)
    timeout = _lock_timeout(lock_timeout)
    out = _checked_out(out_dir)  # before the work: a wrong path is said at once
    tables = frames(reading, gaz, plan)
    focus_name = gaz[reading.focus].name if reading.focus else "the theatre"
    days = reading.timeline.days
    title = f"Who held what in {focus_name}, {days[0]} to {days[-1]}"
    credit = _credit(reading)
    colours = {a.id: {"name": a.name, "colour": a.colour} for a in actors}
    output = Output(tables, colours, days,
                    title=title, credit=credit, tiles=tiles, formats=formats)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with _locked(out, str(out_dir), timeout):
            out = _checked_out(out_dir)  # again: it may have changed while we waited
            _remove_stale(out)
            _replace(output, out, formats)
    except OSError as exc:
        raise InputError(str(out_dir), f"cannot write: {exc.strerror or exc}") from None
    return tables


def load_inputs(
    articles: Sequence[str | Path], *, gazetteer: Sequence[str | Path] = (),
    actors: str | Path | None = None, dates: Mapping[str, dt.date] | None = None,
    fallback: Mapping[str, dt.date] | None = None, max_days: int | None = None,
    start: dt.date | None = None, end: dt.date | None = None,
) -> tuple[list[Article], Gazetteer, Actors]:
    """Read the articles, the gazetteer and the actors (the bundled theatre's by default).

    The small files are read first, so that a mistake in them is reported
    before a large gazetteer is loaded.

    Parameters
    ----------
    articles : sequence of path
    gazetteer : sequence of path, optional
    actors : path, optional
    dates : mapping, optional
        Publication dates by path or file name (they override date lines).
    fallback : mapping, optional
        Dates by file name for articles with no date line (before datelines).
    max_days : int, optional
        The most days the articles' dates may span, checked as soon as they are read.
    start, end : datetime.date, optional
        The days to be mapped (``--from``, ``--until``): their span counts too.

    Returns
    -------
    tuple
        ``(articles, gazetteer, actors)``.
    """
    theatre = bundled_theatre()
    arts = read_articles(articles, dates, fallback)
    check_span([(a.path, a.published) for a in arts] + window_dates(start, end), max_days)
    sides = Actors.load(actors or theatre["actors"])
    gaz = Gazetteer.from_files(list(gazetteer) or theatre["gazetteer"])
    return arts, gaz, sides


def build(
    articles: Sequence[str | Path], *, gazetteer: Sequence[str | Path] = (),
    actors: str | Path | None = None, dates: Mapping[str, dt.date] | None = None,
    out_dir: str | Path = "out", tiles: str | None = None,
    formats: str | Sequence[str] | None = None, max_days: int | None = None,
    jobs: int | None = None, engine: Engine | str = Engine.LOCAL, scheduler: str | None = None,
    start: dt.date | None = None, end: dt.date | None = None,
) -> Reading:
    """Read articles and write the control map and feeds.

    Parameters
    ----------
    articles : sequence of path
        Article files or folders of ``.txt`` files.
    gazetteer : sequence of path, optional
        Gazetteer files (default: the bundled Raqqa theatre).
    actors : path, optional
        The actors file (default: the bundled Raqqa actors).
    dates : mapping, optional
        Publication dates by path or file name.
    out_dir : path
    tiles : str, optional
    formats : str or sequence of str, optional
        What to write (see :func:`write_outputs`); checked before anything is read.
    max_days : int, optional
        The most days the articles' dates may span (three years by default): a
        report dated further out is an :class:`InputError`, before any reading.
    jobs, engine, scheduler
        How the reports are read (see :func:`read_theatre`); the outputs are
        the same byte for byte whatever they are.
    start, end : datetime.date, optional
        The first and last day mapped (default: the reports' first and last);
        a state carries on to ``end`` ("the map through today"), and claims
        of days after it are left out.

    Returns
    -------
    Reading
    """
    formats = parse_formats(formats)
    engine = checked_engine(engine, scheduler)  # like the formats: said before anything is read
    check_window(start, end)
    arts, gaz, sides = load_inputs(articles, gazetteer=gazetteer, actors=actors, dates=dates,
                                   max_days=max_days, start=start, end=end)
    reading = read_theatre(arts, gaz, sides, start=start, end=end, jobs=jobs, engine=engine,
                           scheduler=scheduler)
    write_outputs(reading, gaz, sides, out_dir, tiles=tiles, formats=formats)
    return reading
