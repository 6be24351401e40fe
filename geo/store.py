"""A project's embedded store: its reports, their readings and a few settings, in one SQLite file.

The file is ``DIR/store.sqlite`` in a project folder. It is opened in WAL mode,
and every write is one transaction, so a build killed half-way leaves the
store as it was before that write or after it, never in between; a second
process reading it is not blocked by a writer.

A reading (:class:`~geo.engine.ReportReading`) is kept as compact JSON,
zlib-compressed (:func:`encode_reading`), keyed by its report and by the
*reader* key (the reader's version and settings): readings of another key are
stale, and :meth:`Store.forget_readings` drops them. The codec follows the
dataclasses' fields and type hints, so a field added to a claim is stored
with no change here; a project folder may come from someone else, so nothing
in it is unpickled or otherwise run.

>>> import tempfile, os
>>> from conflictmap.geo.articles import Metadata
>>> with tempfile.TemporaryDirectory() as tmp, Store(os.path.join(tmp, "store.sqlite")) as store:
...     store.add_report("0123456789abcdef", "0123456789abcdef.txt", Metadata(outlet="AFP"),
...                      b"", None, "2024-05-01")
...     store.add_report("0123456789abcdef", "0123456789abcdef.txt", Metadata(), b"", None, "2024-05-02")
...     [r.outlet for r in store.reports()]
True
False
['AFP']
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import hashlib
import json
import operator
import sqlite3
import types
import typing
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from .articles import Metadata
from .claims import Claim
from .engine import ReportReading
from .errors import InputError
from .heap import collector_paused
from .mentions import Mention
from .unresolved import Sighting

__all__ = ["SCHEMA_VERSION", "Store", "StoreError", "StoredReport", "collector_paused", "decode_reading",
           "encode_reading", "reading_digest"]

#: The layout of the tables this module writes; a store of a higher version is refused.
SCHEMA_VERSION = 2
# What the first bytes of every SQLite 3 database file are.
_MAGIC = b"SQLite format 3\x00"
# Hashes asked for at a time: under SQLite's limit on bound parameters (999 in old builds).
_CHUNK = 900
# The distinct tuples a decoder of tuples keeps to share (see _shared), at most.
_SHARED_MAX = 4096
# The format of an encoded reading (the envelope's "v"), apart from the fields it names.
_CODEC_VERSION = 1
# The order of :meth:`Store.reports` and :meth:`Store.signatures`: by date (undated last), then name.
_ORDER = "ORDER BY published IS NULL, published, name"

_TABLES = """
CREATE TABLE IF NOT EXISTS reports (
    hash TEXT PRIMARY KEY, name TEXT, published TEXT, outlet TEXT, title TEXT, url TEXT,
    author TEXT, added TEXT, original TEXT NULL, signature BLOB);
CREATE TABLE IF NOT EXISTS readings (
    hash TEXT, reader TEXT, data BLOB, PRIMARY KEY (hash, reader));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS memo (
    kind TEXT, name TEXT, key TEXT, data BLOB, PRIMARY KEY (kind, name));
"""


class StoreError(InputError):
    """The store file cannot be used: not SQLite, a newer schema, locked, corrupt."""


@dataclass(frozen=True)
class StoredReport:
    """One report as the store holds it.

    Attributes
    ----------
    hash : str
        The first 16 hex digits of the sha256 of its body text.
    name : str
        Its file name (``<hash>.txt``).
    published : datetime.date or None
    outlet, title, url, author : str
    added : str
        When it was added (as the caller wrote it, ISO 8601).
    original : str or None
        The hash of the report it is a reprint of.
    signature : bytes
        Its MinHash signature (:func:`geo.dedup.to_bytes`).
    """

    hash: str
    name: str
    published: dt.date | None
    outlet: str
    title: str
    url: str
    author: str
    added: str
    original: str | None
    signature: bytes


# ---------------------------------------------------------------- readings as JSON

_Conv = Callable[[Any], Any]
# The names the type hints of the reading's dataclasses use; engine.py imports Claim only
# for the type checker, so it is given here.
_NAMES: dict[str, Any] = {"Claim": Claim, "Mention": Mention, "Sighting": Sighting,
                          "ReportReading": ReportReading}


class _Codec:
    """Encoders and decoders of the reading's dataclasses, made once from their type hints.

    ``stored`` is the field names an encoded reading lists for each class (its
    envelope's ``"s"``); decoding maps them onto the present fields, so a codec
    is made once for each stored layout met (in practice one).
    """

    def __init__(self, root: type, stored: dict[str, list[str]] | None = None) -> None:
        self.stored = stored or {}
        self.schema: dict[str, list[str]] = {}
        self.encode, self.decode = self._of(root)

    def _of(self, hint: Any) -> tuple[_Conv | None, _Conv | None]:
        # (encode, decode); None where the value is JSON as it is (str, int, float, bool).
        if hint in (str, int, float, bool, types.NoneType):
            return None, None
        if hint is dt.date:
            return dt.date.isoformat, dt.date.fromisoformat
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            # A dict of the members, not the enum's call: a third of the decoding time otherwise.
            return operator.attrgetter("value"), {m.value: m for m in hint}.__getitem__
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            return self._dataclass(hint)
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin in (types.UnionType, typing.Union):
            inner = [a for a in args if a is not types.NoneType]
            if len(inner) != 1:
                raise TypeError(f"the store cannot keep a field of type {hint}")
            enc, dec = self._of(inner[0])
            return _optional(enc), _optional(dec)
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            enc, dec = self._of(args[0])
            return _each(enc, list), _each(dec, tuple) if dec is not None else _shared()
        if origin is list:
            enc, dec = self._of(args[0])
            return _each(enc, list), _each(dec, list)
        # A new kind of field fails here, when the module is imported, not in a build.
        raise TypeError(f"the store cannot keep a field of type {hint}")

    def _dataclass(self, cls: type) -> tuple[_Conv, _Conv]:
        name = cls.__qualname__
        fields = tuple(f for f in dataclasses.fields(cls) if f.init)
        self.schema[name] = [f.name for f in fields]
        hints = typing.get_type_hints(cls, localns=_NAMES)
        convs = [self._of(hints[f.name]) for f in fields]
        get = operator.attrgetter(*(f.name for f in fields))
        encs = [(i, e) for i, (e, _) in enumerate(convs) if e is not None]

        def encode(obj: Any) -> list[Any]:
            values = list(get(obj)) if len(fields) > 1 else [get(obj)]
            for i, enc in encs:
                values[i] = enc(values[i])
            return values

        # Decoding: where each present field is among the stored values, or its default.
        stored = self.stored.get(name, self.schema[name])
        if not isinstance(stored, list) or not all(isinstance(n, str) for n in stored):
            raise ValueError(f"the field names of {name} are not a list of names")
        unknown = set(stored) - set(self.schema[name])
        if unknown:
            raise ValueError(f"{name} has no field {sorted(unknown)[0]!r} (a newer reader wrote it)")
        where = {n: i for i, n in enumerate(stored)}
        width = len(stored)
        # (stored index, decoder) of each field; index -1: the field's default (its factory's).
        steps: list[tuple[int, _Conv | None]] = []
        for f, (_, dec) in zip(fields, convs, strict=True):
            if f.name in where:
                steps.append((where[f.name], dec))
            elif f.default is not dataclasses.MISSING:
                steps.append((-1, _const(f.default)))
            elif f.default_factory is not dataclasses.MISSING:
                steps.append((-1, _made(f.default_factory)))
            else:
                raise ValueError(f"{name}.{f.name} is not stored and has no default")

        if stored == self.schema[name]:
            # The layout of this version (every reading it wrote): the stored values are the
            # constructor's arguments, the few that need it decoded in place. Most of a build
            # that reads nothing new is this loop, run for every claim and mention.
            fix = {i: dec for i, (_, dec) in enumerate(steps) if dec is not None}
            make = _maker(cls, [f.name for f in fields], fix)

            def decode_same(values: list[Any]) -> Any:
                if not isinstance(values, list) or len(values) != width:
                    raise ValueError(f"a {name} is not {width} values")
                return make(values)

            return encode, decode_same

        def decode(values: list[Any]) -> Any:
            if not isinstance(values, list) or len(values) != width:
                raise ValueError(f"a {name} is not {width} values")
            return cls(*[(values[i] if dec is None else dec(values[i] if i >= 0 else None))
                         for i, dec in steps])

        return encode, decode


def _maker(cls: type, names: list[str], decoders: Mapping[int, _Conv]) -> Callable[[list[Any]], Any]:
    """Return a function that makes a ``cls`` of its fields' stored values, in the order of ``names``.

    ``decoders`` turn the values at their places into the fields' (a date's
    text into a date). For a slotted dataclass with nothing to do after
    ``__init__`` (every claim and mention), the object is made and its slots
    set straight: a frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``, and that was a third of decoding a reading. The
    function is written out as ``dataclasses`` writes ``__init__``, from the
    class's own field names (never from stored data); any other class is
    called.
    """
    fields = dataclasses.fields(cls)
    if (not hasattr(cls, "__slots__") or hasattr(cls, "__post_init__") or [f.name for f in fields] != names
            or not all(f.init for f in fields)):
        steps = sorted(decoders.items())

        def call(values: list[Any]) -> Any:
            for i, dec in steps:
                values[i] = dec(values[i])
            return cls(*values)
        return call
    space: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    body = []
    for i, n in enumerate(names):
        space[f"_s{i}"] = getattr(cls, n).__set__  # the slot's own setter
        value = f"values[{i}]"
        if i in decoders:
            space[f"_d{i}"] = decoders[i]
            value = f"_d{i}({value})"
        body.append(f"    _s{i}(obj, {value})\n")
    source = f"def make(values):\n    obj = _new(_cls)\n{''.join(body)}    return obj\n"
    exec(source, space)  # noqa: S102 (our own code, made from the class's fields)
    made: Callable[[list[Any]], Any] = space["make"]
    return made


def _const(value: Any) -> _Conv:
    return lambda _: value


def _made(factory: Callable[[], Any]) -> _Conv:
    return lambda _: factory()


def _optional(conv: _Conv | None) -> _Conv | None:
    if conv is None:
        return None
    return lambda v: None if v is None else conv(v)


def _shared() -> _Conv:
    """Return a decoder of tuples of plain values that gives one object for each distinct tuple.

    A mention's candidates and the places it lies in are a few dozen distinct
    tuples over 200,000 mentions of 5,000 reports: shared, they take no memory
    of their own, and the cycle collector has 400,000 fewer objects to walk.
    Tuples are immutable, so sharing one is never seen; the table is emptied
    when it grows large (a process that decodes many unlike readings).
    """
    seen: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def decode(values: Any) -> tuple[Any, ...]:
        made = tuple(values)
        held = seen.get(made)
        if held is None:
            if len(seen) >= _SHARED_MAX:
                seen.clear()
            held = seen[made] = made
        return held

    return decode


def _each(conv: _Conv | None, make: type[list[Any]] | type[tuple[Any, ...]]) -> _Conv:
    if conv is None:
        return make
    if make is list:  # the comprehension is the list: no second copy
        return lambda v: [conv(x) for x in v]
    return lambda v: make(map(conv, v))


_CODEC = _Codec(ReportReading)
# Codecs for the stored layouts met, by their field names as JSON (one in practice).
_DECODERS: dict[str, _Codec] = {json.dumps(_CODEC.schema, sort_keys=True): _CODEC}


def _decoder(stored: Any) -> _Codec:
    if stored == _CODEC.schema:  # every reading this version wrote: no key to make
        return _CODEC
    if not isinstance(stored, dict):
        raise ValueError("no field names")
    key = json.dumps(stored, sort_keys=True)
    codec = _DECODERS.get(key)
    if codec is None:
        codec = _DECODERS[key] = _Codec(ReportReading, stored)
    return codec


def encode_reading(reading: ReportReading) -> bytes:
    """Return a reading as zlib-compressed compact JSON.

    Each dataclass is a list of its values, in the order of the field names
    the envelope lists once (``"s"``), so a reading stored before a field was
    added still decodes (the field takes its default).

    Parameters
    ----------
    reading : ReportReading

    Returns
    -------
    bytes
    """
    doc = {"v": _CODEC_VERSION, "s": _CODEC.schema, "d": _CODEC.encode(reading)}  # type: ignore[misc]
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), check_circular=False)
    # surrogatepass: a text read with surrogateescape comes back as it was.
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 6)


def decode_reading(data: bytes) -> ReportReading:
    """Return the reading :func:`encode_reading` wrote.

    Parameters
    ----------
    data : bytes

    Returns
    -------
    ReportReading
        Equal to the one encoded: enums as members, dates as dates, tuples as tuples.

    Raises
    ------
    ValueError
        When the bytes are not an encoded reading, or name fields this
        version does not have.
    """
    try:
        raw = zlib.decompress(data)
        try:
            doc = orjson.loads(raw)  # several times faster than json; the same values
        except orjson.JSONDecodeError:  # what only json reads: lone surrogates, NaN, huge numbers
            doc = json.loads(raw.decode("utf-8", "surrogatepass"))
        if not isinstance(doc, dict) or doc.get("v") != _CODEC_VERSION:
            raise ValueError(f"not a reading of format {_CODEC_VERSION}")
        reading = _decoder(doc["s"]).decode(doc["d"])  # type: ignore[misc]
    except ValueError:
        raise
    except (zlib.error, UnicodeDecodeError, KeyError, TypeError, IndexError, AttributeError) as e:
        raise ValueError(f"not an encoded reading ({type(e).__name__}: {e})") from None
    if not isinstance(reading, ReportReading):
        raise ValueError("not an encoded reading")
    return reading


def reading_digest(data: bytes) -> str:
    """Return a digest of an encoded reading (equal readings encode, and digest, the same).

    Parameters
    ----------
    data : bytes
        As :func:`encode_reading` made it.

    Returns
    -------
    str
    """
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# ---------------------------------------------------------------- the store


class Store:
    """The SQLite store of a project folder.

    Parameters
    ----------
    path : str or Path
        The file; created (with its tables) when it does not exist.
    timeout : float
        Seconds to wait for another process's write to end before giving up.

    Notes
    -----
    Opening runs ``PRAGMA quick_check`` (about half a millisecond a megabyte;
    see :meth:`integrity` for the full check).

    Raises
    ------
    StoreError
        When the file is not a SQLite database, is not a conflictmap store, was
        written by a newer version, is locked or corrupt. The message is one
        line naming the file.
    """

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = str(path)
        self.timeout = timeout
        if "\0" in self.path:
            raise StoreError(self.path.replace("\0", "\\0"), "a file name cannot hold a NUL character")
        self._sniff()
        try:
            # isolation_level=None: transactions are begun here (BEGIN IMMEDIATE), not by the module.
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as e:
            raise StoreError(self.path, f"cannot open the store ({e})") from None
        try:
            self._setup()
        except BaseException:
            self._db.close()
            raise

    def _sniff(self) -> None:
        p = Path(self.path)
        if p.is_dir():
            raise StoreError(self.path, "is a folder, not a store file")
        if not p.exists():
            if not p.parent.is_dir():
                raise StoreError(self.path, f"folder {p.parent} does not exist")
            return
        try:
            with open(p, "rb") as f:
                head = f.read(len(_MAGIC))
        except OSError as e:
            raise StoreError(self.path, f"cannot read the store ({e.strerror or e})") from None
        if head and head != _MAGIC:  # an empty file is a new store SQLite will write
            raise StoreError(self.path, "not a SQLite file (is it the store of a project?)")

    def _fail(self, e: sqlite3.Error) -> StoreError:
        text = str(e)
        if isinstance(e, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
            return StoreError(self.path, f"the store is locked by another process "
                                         f"(waited {self.timeout:g} s); is a build running?")
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            return StoreError(self.path, f"the store is corrupt ({text}); restore it from a backup "
                                         "or delete it to re-read the reports")
        return StoreError(self.path, f"store error: {text}")

    def _setup(self) -> None:
        with self._errors():
            mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode != "wal":
                raise StoreError(self.path, f"cannot use WAL mode here (journal mode {mode})")
            self._db.execute("PRAGMA synchronous=NORMAL")  # in WAL: atomic, durable but for power loss
            rows = self._db.execute("PRAGMA quick_check").fetchall()
            if [r[0] for r in rows] != ["ok"]:
                raise StoreError(self.path, f"the store is corrupt ({rows[0][0]}); restore it from a "
                                            "backup or delete it to re-read the reports")
            tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and "schema_version" not in tables:
                raise StoreError(self.path, "a SQLite file, but not a conflictmap store")
            with self._write():
                self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                row = self._db.execute("SELECT max(version) FROM schema_version").fetchone()
                version = row[0]
                if version is not None and version > SCHEMA_VERSION:
                    raise StoreError(self.path, f"written by a newer conflictmap (store schema {version}; "
                                                f"this version reads up to {SCHEMA_VERSION}): upgrade it")
                if version is None or version < SCHEMA_VERSION:
                    # New, or older: every table is made IF NOT EXISTS, so an old store gains the
                    # tables added since and keeps what it has.
                    for statement in _TABLES.split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                    self._db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        # SQLite's errors as one line naming the file.
        try:
            yield
        except sqlite3.Error as e:
            raise self._fail(e) from None

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        # One write transaction: BEGIN IMMEDIATE takes the write lock first (waiting up to the
        # timeout), so two writers never deadlock upgrading a read lock.
        with self._errors():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # ---------------------------------------------------------------- lifetime

    def close(self) -> None:
        """Close the file (a second close does nothing)."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- reports

    def add_report(self, hash: str, name: str, meta: Metadata, signature: bytes,
                   original: str | None, added: str) -> bool:
        """Add a report, unless one of the same hash is there.

        Parameters
        ----------
        hash : str
            The report's hash (its file stem).
        name : str
            Its file name.
        meta : Metadata
        signature : bytes
            Its MinHash signature, as :func:`geo.dedup.to_bytes` wrote it.
        original : str or None
            The hash of the known report it reprints.
        added : str
            When it was added (ISO 8601).

        Returns
        -------
        bool
            False when the hash is there already (the same text again).
        """
        row = (hash, name, meta.date.isoformat() if meta.date else None, meta.outlet, meta.title,
               meta.url, meta.author, added, original, signature)
        with self._write():
            cur = self._db.execute("INSERT OR IGNORE INTO reports VALUES (?,?,?,?,?,?,?,?,?,?)", row)
        return cur.rowcount == 1

    def reports(self) -> list[StoredReport]:
        """Return every report, by publication date (undated last), then name.

        Returns
        -------
        list of StoredReport
        """
        with self._errors():
            rows = self._db.execute("SELECT hash, name, published, outlet, title, url, author, added, "
                                    f"original, signature FROM reports {_ORDER}").fetchall()
        return [StoredReport(h, n, dt.date.fromisoformat(p) if p else None, o, t, u, a, ad, orig, bytes(s))
                for h, n, p, o, t, u, a, ad, orig, s in rows]

    def signatures(self) -> list[tuple[str, bytes]]:
        """Return every report's hash and signature, in the order of :meth:`reports`.

        Returns
        -------
        list of (str, bytes)
        """
        with self._errors():
            rows = self._db.execute(f"SELECT hash, signature FROM reports {_ORDER}").fetchall()
        return [(h, bytes(s)) for h, s in rows]

    # ---------------------------------------------------------------- readings

    def readings(self, reader: str, hashes: Iterable[str], *,
                 digests: dict[str, str] | None = None) -> dict[str, ReportReading]:
        """Return the readings stored for these reports under this reader key.

        Parameters
        ----------
        reader : str
            The reader key (version and settings).
        hashes : iterable of str
        digests : dict, optional
            Filled in with a digest of each reading found, as stored (see
            :func:`reading_digest`), by hash.

        Returns
        -------
        dict of str to ReportReading
            Only the reports that have one.

        Raises
        ------
        StoreError
            When a stored reading cannot be decoded.
        """
        wanted = list(dict.fromkeys(hashes))
        out: dict[str, ReportReading] = {}
        with collector_paused():
            for lo in range(0, len(wanted), _CHUNK):
                part = wanted[lo:lo + _CHUNK]
                marks = ",".join("?" * len(part))
                query = f"SELECT hash, data FROM readings WHERE reader = ? AND hash IN ({marks})"
                with self._errors():
                    rows = self._db.execute(query, (reader, *part)).fetchall()
                for h, data in rows:
                    if digests is not None:
                        digests[h] = reading_digest(data)
                    try:
                        out[h] = decode_reading(bytes(data))
                    except ValueError as e:
                        raise StoreError(self.path, f"the reading of report {h} cannot be decoded "
                                                    f"({e}); rebuild with a fresh store") from None
        return out

    def save_readings(self, reader: str, items: Iterable[tuple[str, ReportReading]], *,
                      digests: dict[str, str] | None = None) -> int:
        """Store readings under a reader key, all in one transaction (replacing any of the same key).

        Parameters
        ----------
        reader : str
        items : iterable of (str, ReportReading)
            Report hashes and their readings.
        digests : dict, optional
            Filled in with the digest of each reading stored, by hash (as :meth:`readings`).

        Returns
        -------
        int
            How many were stored.
        """
        # Encoded before the transaction begins: the write lock is held only to write.
        rows = [(h, reader, encode_reading(r)) for h, r in items]
        if digests is not None:
            digests.update((h, reading_digest(data)) for h, _, data in rows)
        with self._write():
            self._db.executemany("INSERT OR REPLACE INTO readings VALUES (?,?,?)", rows)
        return len(rows)

    def forget_readings(self, except_reader: str) -> int:
        """Drop the readings of every reader key but one (stale after a change of reader).

        Parameters
        ----------
        except_reader : str
            The key whose readings stay.

        Returns
        -------
        int
            How many were dropped.
        """
        with self._write():
            cur = self._db.execute("DELETE FROM readings WHERE reader != ?", (except_reader,))
        return int(cur.rowcount)

    # ---------------------------------------------------------------- memos

    def memo(self, kind: str) -> dict[str, tuple[str, bytes]]:
        """Return what was kept of one kind of work, as ``{name: (key, data)}``.

        A memo is work a build may reuse when its inputs, digested as the
        key, are the same (a site's timeline, say).

        Parameters
        ----------
        kind : str

        Returns
        -------
        dict of str to (str, bytes)
        """
        with self._errors():
            rows = self._db.execute("SELECT name, key, data FROM memo WHERE kind = ?", (kind,)).fetchall()
        return {str(n): (str(k), bytes(d)) for n, k, d in rows}

    def save_memo(self, kind: str, items: Mapping[str, tuple[str, bytes]], keep: Iterable[str]) -> None:
        """Keep work of one kind, in one transaction: write ``items`` and drop names not in ``keep``.

        Parameters
        ----------
        kind : str
        items : mapping of str to (str, bytes)
            Names and their (key, data), new or changed.
        keep : iterable of str
            Every name still wanted (those of ``items`` and those unchanged).
        """
        kept = set(keep) | set(items)
        with self._write():
            names = [r[0] for r in self._db.execute("SELECT name FROM memo WHERE kind = ?", (kind,))]
            gone = [(kind, n) for n in names if n not in kept]
            self._db.executemany("DELETE FROM memo WHERE kind = ? AND name = ?", gone)
            self._db.executemany("INSERT OR REPLACE INTO memo VALUES (?,?,?,?)",
                                 [(kind, n, k, d) for n, (k, d) in sorted(items.items())])

    # ---------------------------------------------------------------- settings and checks

    def get(self, key: str) -> str | None:
        """Return a value of the ``meta`` table, None when unset.

        Parameters
        ----------
        key : str

        Returns
        -------
        str or None
        """
        with self._errors():
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set(self, key: str, value: str) -> None:
        """Set a value of the ``meta`` table.

        Parameters
        ----------
        key, value : str
        """
        with self._write():
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def integrity(self) -> str:
        """Return the result of SQLite's full ``PRAGMA integrity_check``: ``"ok"`` when all is well.

        Returns
        -------
        str
            ``"ok"``, or the problems found, one a line.
        """
        with self._errors():
            rows = self._db.execute("PRAGMA integrity_check").fetchall()
        return "\n".join(str(r[0]) for r in rows)

