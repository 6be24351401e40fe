"""Reports kept as rows of a table: a CSV or Parquet file of texts, one report a row.

A researcher's corpus often comes as one table (a scrape, a news API export,
a dataset) rather than a folder of files. Its columns:

``text``
    The report (required). It may open with header lines as a file does.
``date``
    ``YYYY-MM-DD``; else the text's date line, else ``--date``.
``file``, ``name`` or ``id``
    What the report is called in the outputs and in ``--date`` (default:
    the table's name and the row's line, ``reports-17``).
``source`` (or ``outlet``), ``title``, ``url``, ``author``
    As in a folder's metadata table.

Other columns are ignored; empty cells give nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .articles import Metadata, Text, _checked_url, _read_bytes, article_limit, clean_text
from .errors import InputError

__all__ = ["TABLE_SUFFIXES", "Row", "is_table", "read_table"]

#: The table formats, by file suffix.
TABLE_SUFFIXES = (".csv", ".parquet")
_NAME_COLUMNS = ("file", "name", "id")
# A report's name becomes part of file names and ids: no folders in it.
_UNSAFE = re.compile(r"[/\\\x00-\x1f]")


def is_table(path: str | Path) -> bool:
    """Whether an argument is a table of reports (a ``.csv`` or ``.parquet`` file).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    bool

    Examples
    --------
    >>> is_table("reports.parquet"), is_table("report.txt")
    (True, False)
    """
    return Path(path).suffix.lower() in TABLE_SUFFIXES


@dataclass(frozen=True)
class Row:
    """One report of a table.

    Attributes
    ----------
    name : str
        What the outputs call it.
    text : Text
        Its text; the path is ``TABLE#NAME``.
    meta : Metadata
        Its date, outlet, title, url and author from the table's columns.
    """

    name: str
    text: Text
    meta: Metadata


def read_table(path: str | Path) -> list[Row]:
    """Read a table of reports.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (UTF-8, a header row) or ``.parquet`` file.

    Returns
    -------
    list of Row
        One per row with text, in the table's order; each text's path is
        ``TABLE#NAME``, so errors name the row.

    Raises
    ------
    InputError
        Naming the table (and the row): no ``text`` column, a report larger
        than :func:`~geo.articles.article_limit`, a bad date or url, two rows
        of one name, a file that is no readable table.
    """
    spath = str(path)
    rows = _parquet_rows(spath) if spath.lower().endswith(".parquet") else _csv_rows(spath)
    out: list[Row] = []
    seen: set[str] = set()
    most = article_limit()
    for where, row in rows:
        text = row.get("text", "")
        if not text.strip():
            continue
        name = next((row[c] for c in _NAME_COLUMNS if row.get(c)), "") or f"{Path(spath).stem}-{where}"
        name = _UNSAFE.sub("_", name)
        if name in seen:
            raise InputError(spath, f"row {where}: a second report named {name!r}")
        seen.add(name)
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > most:
            raise InputError(spath, f"row {where}: the report is larger than the {most} bytes "
                                    "an article may have")
        label = f"{spath}#{name}"
        out.append(Row(name, Text(label, clean_text(label, text), "utf-8", (), size),
                       _metadata(spath, where, row)))
    if not out:
        raise InputError(spath, "the table holds no report (no row has text)")
    return out


def _metadata(spath: str, where: int, row: Mapping[str, str]) -> Metadata:
    day = None
    if row.get("date"):
        try:
            day = dt.date.fromisoformat(row["date"][:10])
        except ValueError:
            raise InputError(spath, f"row {where}: bad date {row['date']!r} (use YYYY-MM-DD)") from None
    return Metadata(day, row.get("source") or row.get("outlet") or "", row.get("title", ""),
                    _checked_url(f"{spath}: row {where}", row.get("url", "")), row.get("author", ""))


def _columns(spath: str, names: list[str]) -> list[str]:
    columns = [str(c).strip().lower() for c in names]
    if "text" not in columns:
        raise InputError(spath, "a table of reports needs a 'text' column (one report a row)")
    return columns


def _csv_rows(spath: str) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = _read_bytes(spath, "table of reports", whole=True).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(spath, "the table of reports is not UTF-8 text") from None
    csv.field_size_limit(max(csv.field_size_limit(), article_limit() + 1))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        columns = _columns(spath, next(reader, []))
        for cells in reader:
            if len(cells) > len(columns):
                raise InputError(spath, f"row {reader.line_num}: more cells than columns")
            yield reader.line_num, {c: v.strip() for c, v in zip(columns, cells, strict=False)}
    except csv.Error as exc:
        raise InputError(spath, f"not a readable CSV table ({exc})") from None


def _parquet_rows(spath: str) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        pq: Any = importlib.import_module("pyarrow.parquet")  # optional, and untyped
    except ImportError:
        raise InputError(spath, "reading Parquet needs pyarrow: pip install 'conflictmap[dask]'") from None
    raw = _read_bytes(spath, "table of reports", whole=True)  # a file's checks: exists, regular, size
    try:
        table = pq.read_table(io.BytesIO(raw))
    except Exception as exc:  # pyarrow's errors have no common base but Exception
        raise InputError(spath, f"not a readable Parquet table ({type(exc).__name__})") from None
    columns = _columns(spath, table.column_names)
    data = table.to_pydict()
    for i in range(table.num_rows):
        yield i + 1, {c: "" if data[k][i] is None else str(data[k][i]).strip()
                      for c, k in zip(columns, table.column_names, strict=True)}
