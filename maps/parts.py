"""Tables written in parts: each part's rows made now, or copied from the last build's file.

The claims and mentions tables are one run of rows per report, and a row
depends only on its report (and on the gazetteer, actors and code, which the
caller keys them by). A project that adds one report to ten thousand would
otherwise turn 160,000 unchanged claims into a DataFrame and then into text
and SQLite records again. :class:`Parts` gives a writer the new rows as a
frame and, for every other part, where its rows lie in the previous build's
file: a byte range of a CSV file, a range of fids of a GeoPackage layer. The
writer copies those (``copy_file_range``; ``INSERT ... SELECT``) and records
where every part went in the new file (:data:`Index`), for the next build.

A part is kept only when its rows would be written the same, so a file
written in parts is the same byte for byte as one written whole.

>>> parts = Parts(None, [Part("a.txt", 2), Part("b.txt", 0, {"claims.csv": (10, 50)})])
>>> parts.fresh, parts.any_kept
(2, True)
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["Part", "Parts", "Index", "PartsError", "copy_range", "stamp", "write_all", "TARGETS"]

#: What an index names: a CSV file by its name, a GeoPackage layer as ``FILE:LAYER``.
TARGETS = {"claims": ("claims.csv", "events.csv", "conflictmap.gpkg:claims"),
           "mentions": ("mentions.csv", "conflictmap.gpkg:mentions")}

#: Where each part's rows went in each file written: ``target -> [(name, start, end), ...]``
#: (byte offsets of a CSV file, ``fid - 1`` of a layer; ``end`` exclusive).
Index = dict[str, list[tuple[str, int, int]]]


class PartsError(RuntimeError):
    """A kept part cannot be copied (its previous file is not what the index says)."""


@dataclass(frozen=True)
class Part:
    """One part of a table: a report's rows.

    Attributes
    ----------
    name : str
        What the index calls it (the report's file name).
    rows : int
        Its rows in :attr:`Parts.frame` (0 when kept).
    kept : mapping of str to (int, int), optional
        Where its rows lie in the previous build's files, by target; None
        when its rows are in the frame.
    """

    name: str
    rows: int
    kept: Mapping[str, tuple[int, int]] | None = None


@dataclass
class Parts:
    """A per-report table as new rows and rows kept in the previous build's files.

    Attributes
    ----------
    frame : DataFrame
        The rows of the parts that are not kept, in order (the claims or
        mentions frame of :mod:`maps.schema`, with the dtypes the whole
        table would have).
    parts : sequence of Part
        Every part, in the table's order.
    previous : Path, optional
        The previous build's output folder, where kept rows are read.
    stamps : mapping of str to str, optional
        The identity the caller found each previous file with (see
        :func:`stamp`): a file that is no longer that one is not read.
    index : dict
        Filled in by the writers: where each part went in each file (:data:`Index`).
    """

    frame: Any
    parts: Sequence[Part]
    previous: Path | None = None
    stamps: Mapping[str, str] = field(default_factory=dict)
    index: Index = field(default_factory=dict)

    def source(self, target: str) -> Path:
        """Return the previous file of a target, checked to be the one the caller found.

        Parameters
        ----------
        target : str

        Returns
        -------
        Path

        Raises
        ------
        PartsError
            When there is no previous folder or the file is no longer the one found.
        """
        name = target.partition(":")[0]
        if self.previous is None:
            raise PartsError(f"{target}: kept rows but no previous build")
        path = self.previous / name
        if name in self.stamps and stamp(path) != self.stamps[name]:
            raise PartsError(f"{path}: changed since the build looked at it")
        return path

    @property
    def fresh(self) -> int:
        """Rows in the frame."""
        return sum(p.rows for p in self.parts if p.kept is None)

    @property
    def any_kept(self) -> bool:
        """Whether any part is copied from the previous files."""
        return any(p.kept is not None for p in self.parts)

    def runs(self, target: str) -> list[tuple[bool, int, int, list[Part]]]:
        """Return the parts in runs: ``(kept, start, end, parts)``.

        A kept run is parts whose rows follow one another in the previous
        file (``start``, ``end``: their range there); a fresh run is parts
        whose rows follow one another in the frame (its row positions).

        Parameters
        ----------
        target : str
            Among :data:`TARGETS`.

        Returns
        -------
        list of tuple
        """
        out: list[tuple[bool, int, int, list[Part]]] = []
        row = 0
        for p in self.parts:
            if p.kept is None:
                if out and not out[-1][0]:
                    out[-1][3].append(p)  # the run's list is its own: extended in place
                    out[-1] = (False, out[-1][1], row + p.rows, out[-1][3])
                else:
                    out.append((False, row, row + p.rows, [p]))
                row += p.rows
                continue
            a, b = p.kept[target]
            if out and out[-1][0] and out[-1][2] == a:
                out[-1][3].append(p)
                out[-1] = (True, out[-1][1], b, out[-1][3])
            else:
                out.append((True, a, b, [p]))
        return out


def stamp(path: Path) -> str | None:
    """Return what tells a file from another: its size and modification time.

    Not its inode or path: a copy of a project (``cp -a``) keeps its outputs'
    stamps and may copy from them, as they hold the same bytes.

    Parameters
    ----------
    path : Path

    Returns
    -------
    str or None
        None when it cannot be statted.
    """
    try:
        st = os.stat(path)
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}"


def write_all(dst: BinaryIO, data: bytes) -> None:
    """Write all of ``data`` to an unbuffered binary file (whose writes may be short).

    Parameters
    ----------
    dst : binary file
    data : bytes
    """
    view = memoryview(data)
    while view:
        n = dst.write(view)
        view = view[n or 0:]


def copy_range(src: BinaryIO, dst: BinaryIO, start: int, end: int) -> None:
    """Append bytes ``start:end`` of ``src`` to ``dst`` (both unbuffered binary files).

    In the kernel where it can (``copy_file_range``: no copy through this
    process, a shared extent on file systems that have them); read and
    written otherwise.

    Parameters
    ----------
    src, dst : binary file
        Opened with ``buffering=0``; ``dst`` is written at its position.
    start, end : int

    Raises
    ------
    PartsError
        When ``src`` ends before ``end``.
    """
    sfd, dfd = src.fileno(), dst.fileno()
    offset = start
    fast = hasattr(os, "copy_file_range")
    while offset < end:
        n = 0
        if fast:
            try:
                n = os.copy_file_range(sfd, dfd, end - offset, offset)
            except OSError:  # across file systems on old kernels, or not supported
                fast = False
                continue
        else:
            chunk = os.pread(sfd, min(end - offset, 1 << 24), offset)
            n = len(chunk)
            write_all(dst, chunk)
        if n == 0:
            raise PartsError(f"{getattr(src, 'name', 'the previous file')} ends before byte {end}")
        offset += n
