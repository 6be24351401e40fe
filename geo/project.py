"""A project: one battle followed for months, in one folder.

A desk adds a few reports a day, corrects what the reader got wrong, teaches
the gazetteer a spelling and republishes. The folder holds all of it::

    DIR/conflictmap.toml   settings: the gazetteer and actors files, the output folder
    DIR/gazetteer/         the project's gazetteer files
    DIR/actors.yaml        its actors
    DIR/reports/H.txt      each report's text with its header lines (H: its text's hash)
    DIR/store.sqlite       what each report says, as read (an embedded store)
    DIR/review.csv         the analyst's decisions (plain text: diff and share it)
    DIR/sources.yaml       optional: the source weights, over the bundled table
    DIR/out/               the map and feeds

:func:`init` makes one, :func:`add` brings reports in (an exact copy once, a
reprint of the same wire story linked to its original), :func:`build` reads
only what it has not read with this reader, gazetteer and actors, applies the
decisions, and writes the outputs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from conflictmap.gazetteer import Gazetteer
from conflictmap.maps.parts import Parts, PartsError

from .actors import Actors
from .articles import Article, Metadata, read_article
from .claims import Claim, Status, report_stem
from .dedup import SignatureIndex, from_bytes, signature, to_bytes
from .engine import Engine, Reader, checked_engine, read_reports, reader_version
from .errors import InputError
from .files import write_atomic
from .heap import long_lived, settle
from .memo import KIND as MEMO
from .memo import SiteMemo, digest
from .pipeline import (
    Reading,
    _lock_timeout,
    assemble,
    bundled_theatre,
    check_window,
    parse_formats,
    read_articles,
    window_dates,
    write_tables,
)
from .pipeline import _locked as locked
from .review import aliases, apply_decisions, read_decisions, write_decisions
from .rows import Run, claim_runs, forget, mention_runs, plan, rows_version, save
from .store import Store, StoredReport
from .timeline import check_span
from .weights import Weights

__all__ = ["Project", "Added", "Built", "init", "add", "read", "build", "report_hash", "reader_key", "CONFIG"]

#: The settings file that makes a folder a project.
CONFIG = "conflictmap.toml"


@dataclass(frozen=True)
class Project:
    """A project folder and its settings.

    Attributes
    ----------
    root : Path
    gazetteer : list of Path
        The gazetteer files, in the order they override each other.
    actors : Path
    out : Path
        Where :func:`build` writes (default ``DIR/out``).
    """

    root: Path
    gazetteer: list[Path]
    actors: Path
    out: Path

    @property
    def reports(self) -> Path:
        """The folder of the reports' texts."""
        return self.root / "reports"

    @property
    def store(self) -> Path:
        """The embedded store."""
        return self.root / "store.sqlite"

    @property
    def review(self) -> Path:
        """The analyst's decisions."""
        return self.root / "review.csv"

    @property
    def sources(self) -> Path:
        """The project's source weights (used when the file is there)."""
        return self.root / "sources.yaml"

    @classmethod
    def open(cls, root: str | Path) -> Project:
        """Open a project folder.

        Parameters
        ----------
        root : str or Path

        Returns
        -------
        Project

        Raises
        ------
        InputError
            When the folder is no project or its settings are wrong.
        """
        root = Path(root)
        config = root / CONFIG
        if not config.is_file():
            raise InputError(str(root), f"not a conflictmap project (no {CONFIG}): "
                                        "make one with 'conflictmap init DIR'")
        try:
            settings = tomllib.loads(config.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(str(config), f"not valid TOML ({exc})") from None
        files = settings.get("gazetteer", [])
        actors = settings.get("actors", "actors.yaml")
        out = settings.get("out", "out")
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files) or not files:
            raise InputError(str(config), "'gazetteer' must be a list of file names")
        if not isinstance(actors, str) or not isinstance(out, str):
            raise InputError(str(config), "'actors' and 'out' must be file names")
        return cls(root, [root / f for f in files], root / actors, root / out)

    @staticmethod
    def is_project(path: str | Path) -> bool:
        """Whether ``path`` is a project folder (it has a ``conflictmap.toml``)."""
        return (Path(path) / CONFIG).is_file()


def init(root: str | Path, gazetteer: Sequence[str | Path] = (),
         actors: str | Path | None = None) -> Project:
    """Make a project folder, with copies of its gazetteer and actors files.

    Parameters
    ----------
    root : str or Path
        A folder that does not exist yet or is empty.
    gazetteer : sequence of path, optional
        Its gazetteer files (default: the bundled Raqqa theatre's).
    actors : path, optional
        Its actors file (default: the bundled one).

    Returns
    -------
    Project

    Raises
    ------
    InputError
        When the folder is already a project or holds other files, or an input
        file cannot be read.
    """
    root = Path(root)
    if (root / CONFIG).exists():
        raise InputError(str(root), "is already a conflictmap project")
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise InputError(str(root), "exists and is not an empty folder")
    theatre = bundled_theatre()
    sources = [Path(g) for g in gazetteer] or theatre["gazetteer"]
    side_file = Path(actors) if actors else theatre["actors"]
    # Checked before anything is made: a bad file leaves no half project.
    Actors.load(side_file)
    Gazetteer.from_files(sources)
    names = _unique_names(sources)
    try:
        (root / "gazetteer").mkdir(parents=True, exist_ok=True)
        (root / "reports").mkdir()
        for src, name in zip(sources, names, strict=True):
            copy = shutil.copytree if src.is_dir() else shutil.copyfile
            copy(src, root / "gazetteer" / name)
        shutil.copyfile(side_file, root / "actors.yaml")
        write_decisions(root / "review.csv", [])
        lines = ["# conflictmap project settings", "gazetteer = [" + ", ".join(
            f'"gazetteer/{n}"' for n in names) + "]", 'actors = "actors.yaml"', 'out = "out"', ""]
        write_atomic(root / CONFIG, "\n".join(lines).encode("utf-8"))
        with Store(root / "store.sqlite"):
            pass
    except OSError as exc:
        raise InputError(str(root), f"cannot make the project: {exc.strerror or exc}") from None
    return Project.open(root)


def _unique_names(paths: Sequence[Path]) -> list[str]:
    out: list[str] = []
    for i, p in enumerate(paths):
        name = p.name
        out.append(name if name not in out else f"{i}-{name}")
    return out


@dataclass(frozen=True)
class Added:
    """What :func:`add` did.

    Attributes
    ----------
    added : list of str
        New reports' names (``H.txt``).
    copies : list of str
        Reports already in the project, byte for byte in their text.
    reprints : dict of str to str
        New reports that reprint one already there (the same wire story), to its name.
    """

    added: list[str]
    copies: list[str]
    reprints: dict[str, str]


def report_hash(text: str) -> str:
    """Return a report's id: the first 16 hex digits of its text's SHA-256.

    >>> report_hash("Troops entered the city.")
    'b7d7c1ce59e2f0c5'
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def add(project: Project, paths: Sequence[str | Path],
        dates: Mapping[str, dt.date] | None = None) -> Added:
    """Bring reports into a project: files, folders, patterns or tables of texts.

    A report whose text is already there is not added again; one that
    reprints a report already there (the same story under another outlet or
    headline, found by its shingles' MinHash) is added and linked to it, and
    never counts as a second source.

    Parameters
    ----------
    project : Project
    paths : sequence of path
        As ``conflictmap build`` takes them.
    dates : mapping, optional
        Publication dates by path or file name.

    Returns
    -------
    Added
    """
    articles = read_articles(paths, dates)
    added: list[str] = []
    copies: list[str] = []
    reprints: dict[str, str] = {}
    with _locked(project), Store(project.store) as store:
        stored = store.signatures()
        known = SignatureIndex([(h, from_bytes(s)) for h, s in stored])
        have = {h for h, _ in stored}
        for art in articles:
            h = report_hash(art.text)
            name = f"{h}.txt"
            if h in have:
                copies.append(art.name)
                continue
            sig = signature(art.text)
            original = known.find(sig)
            write_atomic(project.reports / name, _with_header(art).encode("utf-8"))
            meta = Metadata(art.published, art.outlet, art.title, art.url, art.author)
            store.add_report(h, name, meta, to_bytes(sig), original,
                             dt.date.today().isoformat())
            known.add(h, sig)
            have.add(h)
            added.append(name)
            if original is not None:
                reprints[name] = f"{original}.txt"
    return Added(added, copies, reprints)


def _with_header(art: Article) -> str:
    lines = [f"date: {art.published.isoformat()}"]
    for key, value in (("source", art.outlet), ("title", art.title), ("url", art.url),
                       ("author", art.author)):
        if value:
            lines.append(f"{key}: {' '.join(value.split())}")
    return "\n".join(lines) + "\n\n" + art.text + ("" if art.text.endswith("\n") else "\n")


@dataclass(frozen=True)
class Built:
    """What :func:`build` did.

    Attributes
    ----------
    reading : Reading
    read : int
        Reports read now.
    reused : int
        Reports whose reading came from the store.
    warnings : list of str
        Decisions that matched nothing, and the like.
    gazetteer : Gazetteer
        With the analyst's aliases.
    actors : Actors
    recomputed : list of str
        The sites whose days were worked out again (the others came from the store).
    runs : dict of str to list of Run
        The rows of the claims and mentions tables, a run a report, keyed by
        what they are made from (:mod:`geo.rows`).
    kept : dict of str to int
        Of :func:`build`: by table (``claims``, ``mentions``), the reports
        whose rows were copied from the last build's files, not made again.
    """

    reading: Reading
    read: int
    reused: int
    warnings: list[str]
    gazetteer: Gazetteer
    actors: Actors
    recomputed: list[str] = field(default_factory=list)
    runs: dict[str, list[Run]] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    @property
    def site_days(self) -> tuple[int, int]:
        """Return (site-days worked out again, site-days mapped)."""
        timeline = self.reading.timeline
        return len(self.recomputed) * len(timeline.days), len(timeline.sites) * len(timeline.days)


def reader_key(project: Project, gaz: Gazetteer) -> str:
    """Return what a reading depends on: the reader, the gazetteer (with its aliases), actors, weights.

    A report is read again when this changes.

    Parameters
    ----------
    project : Project
    gaz : Gazetteer
        As loaded for the build, the analyst's aliases taught.

    Returns
    -------
    str
    """
    digest = hashlib.sha256(f"{reader_version()} {gaz.fingerprint}".encode())
    for path in (project.actors, project.sources):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def read(project: Project, *, jobs: int | None = None, engine: Engine | str = Engine.LOCAL,
         scheduler: str | None = None, max_days: int | None = None, start: dt.date | None = None,
         end: dt.date | None = None) -> Built:
    """Read what the store lacks and apply the analyst's decisions; nothing is written but the store.

    Parameters
    ----------
    project : Project
    jobs, engine, scheduler, max_days, start, end
        As :func:`geo.pipeline.build`.

    Returns
    -------
    Built
        With ``gazetteer`` and ``actors`` as used.
    """
    check_window(start, end)
    with _locked(project), long_lived():
        return _read(project, jobs, engine, scheduler, max_days, start, end)


def _read(project: Project, jobs: int | None, engine: Engine | str, scheduler: str | None,
          max_days: int | None, start: dt.date | None = None, end: dt.date | None = None) -> Built:
    decisions = read_decisions(project.review)
    gaz = _gazetteer(project, aliases(decisions))
    sides = Actors.load(project.actors)
    with Store(project.store) as store:
        stored = store.reports()
        if not stored:
            raise InputError(str(project.root), "the project has no reports: "
                                                "add some with 'conflictmap add DIR REPORT ...'")
        key = reader_key(project, gaz)
        hashes = [r.hash for r in stored]
        digests: dict[str, str] = {}  # of each stored reading: what its rows are keyed by
        have = store.readings(key, hashes, digests=digests)
        settle()  # the readings live to the end of the build: no collection need walk them
        articles = _articles(project, store, stored, key, have)
        check_span([(a.path, a.published) for a in articles] + window_dates(start, end), max_days)
        todo = [a for a, h in zip(articles, hashes, strict=True) if h not in have]
        fresh = read_reports(todo, Reader(gaz, sides, weights=_weights(project)), jobs=jobs,
                             engine=engine, scheduler=scheduler) if todo else []
        settle()  # and so do the new ones
        read_now = {report_stem(r.name): r for r in fresh}
        store.save_readings(key, read_now.items(), digests=digests)
        store.forget_readings(except_reader=key)
        by_hash = {**have, **read_now}
        originals = {r.name: r.original for r in stored if r.original}
        reports = [by_hash[h] for h in hashes]
        mine = {r.name: [_as_reprint(c, originals) for c in by_hash[r.hash].claims] for r in stored}
        claims = [c for r in stored for c in mine[r.name]]
        claims, warnings = apply_decisions(claims, decisions, actors_ids={a.id for a in sides},
                                           sites=set(gaz.sites()))
        # What each report's rows of the tables are made from, for the next build to keep them.
        base = digest(rows_version(), key)
        read_as = {r.name: digest(digests[r.hash], r.original) for r in stored}
        runs = {"claims": claim_runs(claims, articles, base,
                                     {n: (read_as[n], mine[n]) for n in read_as}),
                "mentions": mention_runs(articles, base, read_as)}
        # Only the sites whose claims changed are worked out again; the memo keeps the rest.
        memo = SiteMemo(store.memo(MEMO))
        reading = assemble(articles, reports, gaz, sides, claims, start=start, end=end, memo=memo)
        store.save_memo(MEMO, memo.fresh, keep=memo.asked)
    return Built(reading, len(fresh), len(have), warnings, gaz, sides,
                 reading.timeline.recomputed, runs)


#: The memo of what reading a report's file gave besides its text (:func:`_articles`).
ARTICLE_MEMO = "article"


def _articles(project: Project, store: Store, stored: Sequence[StoredReport], key: str,
              have: Mapping[str, object]) -> list[Article]:
    """Return the reports as articles, reading only the files of those the store has not read.

    A report with a stored reading under ``key`` needs no text downstream,
    only what its file's header and bytes said (date, outlet, encoding,
    warnings ...): that is kept in a memo, keyed by the reader key and the
    file's size and modification time, so an edited or replaced file is read
    again. Such an article has an empty ``text``.
    """
    memo = store.memo(ARTICLE_MEMO)
    fresh: dict[str, tuple[str, bytes]] = {}
    out: list[Article] = []
    for r in stored:
        path = project.reports / r.name
        h = r.hash
        stamp = _stamp(path, key)
        kept = memo.get(h)
        if h in have and stamp is not None and kept is not None and kept[0] == stamp:
            out.append(_article_from_memo(str(path), r.name, kept[1]))
            continue
        art = read_article(path)  # a missing file fails here as before
        out.append(art)
        if stamp is not None:
            fresh[h] = (stamp, _article_memo(art))
    store.save_memo(ARTICLE_MEMO, fresh, keep=[r.hash for r in stored])
    return out


def _stamp(path: Path, key: str) -> str | None:
    """Return a report file's memo key (the reader key, its size and mtime); None if it cannot be statted."""
    try:
        st = path.stat()
    except OSError:
        return None
    return f"{key}:{st.st_size}:{st.st_mtime_ns}"


def _article_memo(art: Article) -> bytes:
    # Every field but the text and the paths, as the file gave them (the store's own metadata
    # is what `add` was given, before the header's whitespace was tidied).
    return json.dumps([art.published.isoformat(), art.date_source, art.outlet, art.title, art.url,
                       art.author, art.encoding, list(art.warnings)], ensure_ascii=False).encode("utf-8")


def _article_from_memo(path: str, name: str, data: bytes) -> Article:
    published, source, outlet, title, url, author, encoding, warnings = json.loads(data)
    return Article(path, name, "", dt.date.fromisoformat(published), source, outlet, title, url,
                   author, encoding, tuple(warnings))


def build(project: Project, out: str | Path | None = None, *, formats: str | Sequence[str] | None = None,
          jobs: int | None = None, engine: Engine | str = Engine.LOCAL, scheduler: str | None = None,
          max_days: int | None = None, tiles: str | None = None, start: dt.date | None = None,
          end: dt.date | None = None) -> Built:
    """Read what is new, apply the analyst's decisions, and write the map and feeds.

    Parameters
    ----------
    project : Project
    out : path, optional
        Default: the project's ``out`` folder.
    formats, jobs, engine, scheduler, max_days, tiles, start, end
        As :func:`geo.pipeline.build`.

    Returns
    -------
    Built
    """
    engine = checked_engine(engine, scheduler)
    formats = parse_formats(formats)
    check_window(start, end)
    with _locked(project), long_lived():
        built = _read(project, jobs, engine, scheduler, max_days, start, end)
        target = Path(out or project.out)
        where = Path(os.path.realpath(target))
        with Store(project.store) as store:
            kept = plan(store, where, formats, built.runs["claims"], built.runs["mentions"])
            forget(store, formats)
        try:
            tables = write_tables(built.reading, built.gazetteer, built.actors, target, tiles=tiles,
                                  formats=formats, plan=kept)
        except PartsError:  # the last build's files are not what the store says: make every row
            tables = write_tables(built.reading, built.gazetteer, built.actors, target, tiles=tiles,
                                  formats=formats, plan=replace(kept, kept={}))
        written = {t: p for t in ("claims", "mentions") if isinstance(p := tables[t], Parts)}
        with Store(project.store) as store:
            save(store, where, written, built.runs)
    kept_rows = {t: sum(part.kept is not None for part in p.parts) for t, p in written.items()}
    return replace(built, kept=kept_rows)


def _weights(project: Project) -> Weights | None:
    return Weights.load(project.sources) if project.sources.is_file() else None


def _as_reprint(claim: Claim, originals: Mapping[str, str]) -> Claim:
    """Return a reprint's claim as shown but not counted: it is its original's, not a second source.

    ``originals`` maps a reprint's file name to its original's hash.
    """
    original = originals.get(claim.article)
    if original is None or claim.status != Status.ASSERTED:
        return claim
    return replace(claim, status=Status.DUPLICATE, reason=f"{claim.reason}; a reprint of {original}.txt")


def _gazetteer(project: Project, taught: Mapping[str, Sequence[str]]) -> Gazetteer:
    gaz = Gazetteer.from_files(project.gazetteer)
    if not taught:
        return gaz
    unknown = sorted(s for s in taught if s not in gaz)
    if unknown:
        raise InputError(str(project.review), f"alias for {unknown[0]!r}, which the gazetteer lacks")
    return gaz.with_aliases(taught)


@contextmanager
def _locked(project: Project) -> Iterator[None]:
    with locked(project.root / "store", str(project.root), _lock_timeout(None)):
        yield
