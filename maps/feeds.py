"""GeoJSON, GeoJSONSeq and CSV feeds, written byte-for-byte reproducibly.

The GeoJSON is built by hand with orjson rather than through GDAL: it is
several times faster (see ``benchmarks/maps.py``) and follows RFC 7946
exactly (no ``crs`` member, longitude then latitude, exterior rings
counter-clockwise, 6 decimals). Each feature takes one line, so the files
diff well and ``control.geojsonl`` (GeoJSONSeq, RFC 8142 without the record
separator, as GDAL writes ``.geojsonl``) holds the very same lines.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, cast

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import shapely
from shapely.geometry import mapping

from .parts import Parts, PartsError, copy_range, write_all
from .qgis import control_qml, geometry_kind, with_validity
from .schema import CLAIM_COLUMNS, EVENT_COLUMNS, SITE_DAY_COLUMNS, check, sorted_intervals

__all__ = ["write_site_days", "write_interval_feeds", "write_claims_csv", "write_events_csv",
           "write_csv", "geometry_json", "events", "acled_type"]

#: Decimal places of written coordinates (about 0.1 m).
PRECISION = 6

_POINT = 0
_POLYGONAL = (3, 6)  # shapely type ids of Polygon and MultiPolygon


def _default(obj: Any) -> Any:
    # What orjson does not know (it writes dates, tuples and numpy scalars itself).
    # NaT first: it is also an instance of datetime.
    if obj is pd.NaT or obj is pd.NA:
        return None
    if isinstance(obj, pd.Timestamp):
        return obj.date().isoformat()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"cannot write {type(obj).__name__} to GeoJSON")


def _dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, default=_default, option=orjson.OPT_SERIALIZE_NUMPY)


def _rounded(geom: shapely.Geometry) -> shapely.Geometry:
    if shapely.get_type_id(geom) in _POLYGONAL:
        # RFC 7946: exterior rings counter-clockwise, holes clockwise.
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    return shapely.transform(geom, lambda xy: np.round(xy, PRECISION))


def _geometry_values(geoms: Sequence[Any] | np.ndarray) -> list[bytes]:
    geoms = np.asarray(geoms, dtype=object)
    out: list[bytes] = [b"null"] * len(geoms)
    if not len(geoms):
        return out
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    types = shapely.get_type_id(geoms)
    points = (types == _POINT) & ~missing
    if points.any():
        xy = np.round(shapely.get_coordinates(geoms[points]), PRECISION)
        # Unique points through complex numbers: much faster than np.unique(axis=0).
        uniq, inverse = np.unique(xy[:, 0] + 1j * xy[:, 1], return_inverse=True)
        values = [_dumps({"type": "Point", "coordinates": [z.real, z.imag]}) for z in uniq.tolist()]
        for i, k in zip(np.flatnonzero(points).tolist(), inverse.ravel().tolist(), strict=True):
            out[i] = values[k]
    others = np.flatnonzero(~points & ~missing)
    if len(others):
        wkb = shapely.to_wkb(geoms[others])
        cache: dict[bytes, bytes] = {}
        for i, w in zip(others.tolist(), wkb, strict=True):
            v = cache.get(w)
            if v is None:
                v = cache[w] = _dumps(mapping(_rounded(geoms[i])))
            out[i] = v
    return out


def geometry_json(geoms: Sequence[Any] | np.ndarray) -> list[bytes]:
    """Return each geometry as RFC 7946 GeoJSON bytes (``b"null"`` for a missing one).

    Coordinates are rounded to :data:`PRECISION` decimals and polygon rings
    follow the right-hand rule. Repeated geometries (a site's point in each
    of its intervals) are serialised once.

    Parameters
    ----------
    geoms : array of shapely geometries
        In EPSG:4326.

    Returns
    -------
    list of bytes
    """
    return _geometry_values(geoms)


def _column(series: pd.Series) -> list[Any]:
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        values = series.tolist()
        for i in np.flatnonzero(series.isna().to_numpy()).tolist():
            values[i] = None
        return values
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return [None if pd.isna(v) else v.date().isoformat() for v in series]
    return series.tolist()


class _Memo:
    """Values already serialised, by column, kept across the frames of one feed."""

    def __init__(self) -> None:
        self.strings: dict[str, dict[str, bytes]] = {}
        self.lists: dict[str, dict[int, tuple[list[Any], bytes]]] = {}


class _Features:
    """A frame's features, serialised a slice of rows at a time.

    Each distinct value of a column is serialised once by orjson (a site's
    name, a controller, a day recur on many rows), and a feature is its
    values spliced into a template: several times faster than dumping a dict
    a row, and written a slice at a time so memory stays bounded.
    """

    def __init__(self, frame: gpd.GeoDataFrame, memo: _Memo | None = None) -> None:
        gname = frame.geometry.name
        self.props = [str(c) for c in frame.columns if c != gname]
        self.template = (b'{"type":"Feature","properties":{'
                         + b",".join(_dumps(p).replace(b"%", b"%%") + b":%b" for p in self.props)
                         + b'},"geometry":%b}')
        self.columns = [_column(frame[c]) for c in self.props]
        self.geoms = _geometry_values(frame.geometry.values)
        memo = memo if memo is not None else _Memo()
        self.caches = [memo.strings.setdefault(p, {}) for p in self.props]
        self.same = [memo.lists.setdefault(p, {}) for p in self.props]

    def __len__(self) -> int:
        return len(self.geoms)

    def _values(self, k: int, a: int, b: int) -> list[bytes]:
        cache = self.caches[k]
        dumps, opt = orjson.dumps, orjson.OPT_SERIALIZE_NUMPY
        out = []
        same = self.same[k]
        for v in self.columns[k][a:b]:
            if type(v) is str:  # only strings: 1, 1.0 and True would share a key
                got = cache.get(v)
                if got is None:
                    got = cache[v] = dumps(v)
            elif type(v) is list:
                # One evidence list is often shared by the rows of a run of days; the memo
                # holds it with its bytes, so its id names it while we write.
                held = same.get(id(v))
                if held is None:
                    held = same[id(v)] = (v, dumps(v, default=_default, option=opt))
                got = held[1]
            else:
                got = dumps(v, default=_default, option=opt)
            out.append(got)
        return out

    def lines(self, a: int = 0, b: int | None = None) -> list[bytes]:
        b = len(self) if b is None else b
        values = [self._values(k, a, b) for k in range(len(self.props))]
        return [self.template % row for row in zip(*values, self.geoms[a:b], strict=True)]

    def chunks(self, size: int = 4_000) -> Iterator[list[bytes]]:
        for a in range(0, len(self), size):
            yield self.lines(a, a + size)


def _head(name: str | None) -> bytes:
    head = {"type": "FeatureCollection", **({"name": name} if name else {})}
    return _dumps(head)[:-1] + b',"features":['


def _collection(lines: Sequence[bytes], name: str | None) -> bytes:
    return (_head(name) + b"\n" + b",\n".join(lines) + (b"\n" if lines else b"") + b"]}\n")


def write_site_days(frame: gpd.GeoDataFrame | Iterable[gpd.GeoDataFrame], folder: str | Path) -> list[Path]:
    """Write one ``YYYY-MM-DD.geojson`` per day (one feature per site) into ``folder``.

    Parameters
    ----------
    frame : GeoDataFrame or iterable of GeoDataFrame
        Site-days (:data:`maps.schema.SITE_DAY_COLUMNS`): one frame, or frames
        that each hold whole days (one a day, say), written as they come so
        that a year of sites need never be in memory at once.
    folder : str or Path

    Returns
    -------
    list of Path
        The files written, by day.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    memo = _Memo()  # names, days and evidence recur from one day's frame to the next
    for part in [frame] if isinstance(frame, pd.DataFrame) else frame:
        check(part, SITE_DAY_COLUMNS, "site-days")
        ordered = part.sort_values(["date", "site"], kind="stable")
        features = _Features(ordered, memo)
        dates = ordered["date"].astype(str).to_numpy()
        bounds: np.ndarray | list[int] = (
            np.flatnonzero(np.r_[True, dates[1:] != dates[:-1], True]) if len(dates) else [])
        for a, b in zip(bounds[:-1], bounds[1:], strict=False):
            day = dates[a]
            path = folder / f"{day}.geojson"
            path.write_bytes(_collection(features.lines(a, b), f"control {day}"))
            out.append(path)
    return out


def write_interval_feeds(frame: gpd.GeoDataFrame, geojson: str | Path | None = None,
                         seq: str | Path | None = None, *,
                         actors: Mapping[str, Mapping[str, str]] | None = None,
                         last_day: str | dt.date | None = None) -> None:
    """Write ``control.geojson`` and ``control.geojsonl`` from one serialisation of the intervals.

    Each feature is turned into JSON once and written to both files: the
    RFC 7946 FeatureCollection (no ``crs`` member, lon/lat, 6 decimals, one
    feature a line) and the GeoJSONSeq stream (one feature a line, no RFC
    8142 record separator, as GDAL writes and reads ``.geojsonl``). ``end``
    is null while the state goes on, so GDAL reads ``start`` and ``end`` as
    Date fields; ``valid_from`` and ``valid_to`` follow it for QGIS's
    Temporal Controller (:func:`maps.qgis.with_validity`). Beside each feed
    goes its QGIS default style, ``<name>.qml`` (``control.qml`` serves both
    feeds: QGIS looks for the file's name with ``.qml``).

    Parameters
    ----------
    frame : GeoDataFrame
        Intervals (:data:`maps.schema.INTERVAL_COLUMNS`), sorted here by site and start.
    geojson, seq : str or Path, optional
        Where to write each; a feed whose path is None is not written.
    actors : mapping, optional
        ``id -> {"name", "colour"}``: the style's colours (see :func:`maps.qgis.control_qml`).
    last_day : str or datetime.date, optional
        The last day mapped, which an ongoing interval is valid to; default:
        the last day the intervals name.
    """
    ordered = with_validity(sorted_intervals(frame), last_day)
    features = _Features(ordered)
    qml = control_qml(actors, ordered["controller"].astype(str).unique(),
                      geometry_kind(ordered.geometry.values))
    for style in dict.fromkeys(Path(p).with_suffix(".qml") for p in (geojson, seq) if p):
        style.write_bytes(qml)
    # A feed not asked for goes to the null device: one loop serves both.
    with open(geojson or os.devnull, "wb") as fc, open(seq or os.devnull, "wb") as fs:
        fc.write(_head("control") + b"\n")
        sep = b""
        for lines in features.chunks():
            fc.write(sep + b",\n".join(lines))
            fs.write(b"\n".join(lines) + b"\n")
            sep = b",\n"
        fc.write((b"\n" if sep else b"") + b"]}\n")


def write_areas(frame: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write ``areas.geojson``: the ground each quarter covers, and the cities' outlines.

    Parameters
    ----------
    frame : GeoDataFrame
        :func:`maps.areas.site_areas` (``site``, ``role``, ``approximate``,
        geometry), with any other columns (``name``, ``kind``) written too.
    path : str or Path

    Returns
    -------
    Path
    """
    path = Path(path)
    ordered = frame.sort_values(["site", "role"], kind="stable").reset_index(drop=True)
    path.write_bytes(_collection(_Features(ordered).lines(), "areas"))
    return path


# CSV, written as pandas' ``to_csv(index=False, lineterminator="\n")`` writes it, byte for byte,
# but from the columns straight: pandas turns every cell into an object and hands the rows to
# the csv module one by one, which costs several times what the file needs.


def _csv_specials() -> str:
    # The characters that make the csv module (which pandas writes with) quote a field, asked
    # of the module itself: whether a lone "\r" is quoted depends on the Python version.
    out = ""
    for c in '\r\n,"':
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([f"a{c}b", ""])
        out += c if buf.getvalue().startswith('"') else ""
    return out


_NEEDS_QUOTES = re.compile("[" + re.escape(_csv_specials()) + "]")
_USUAL_SPECIALS = "[" + re.escape('\n,"') + "]"  # as Python 3.11 has them (a lone "\r" is not)
#: Rows formatted and written at a time, so that memory stays bounded (pandas writes in chunks too).
_CSV_ROWS = 20_000


def _quoted(values: list[str]) -> list[str]:
    # QUOTE_MINIMAL with doubled quotes; one search over a joined chunk clears most columns at once.
    search = _NEEDS_QUOTES.search
    if search("".join(values)) is None:
        return values
    if _NEEDS_QUOTES.pattern == _USUAL_SPECIALS:  # three substring tests beat a regex search
        return ['"' + v.replace('"', '""') + '"' if '"' in v or "," in v or "\n" in v else v
                for v in values]
    return ['"' + v.replace('"', '""') + '"' if search(v) else v for v in values]


def _numbers(chunk: np.ndarray, text: Callable[[Any], str]) -> list[str]:
    # Numbers repeat (a site's coordinates, a confidence): each distinct one is written once.
    # Distinct by their bits, so that -0.0 and 0.0 keep their own texts.
    bits = chunk.view(np.int64) if chunk.dtype == np.float64 else chunk
    uniq, first, inverse = np.unique(bits, return_index=True, return_inverse=True)
    texts = np.array([text(v) for v in chunk[first].tolist()], dtype=object)
    out: list[str] = texts[inverse.ravel()].tolist()
    return out


def _csv_cell(value: Any) -> str:
    # A value of an object column that is not text: as the csv module writes it (floats by
    # repr, the rest by str, quoted if need be); a second, empty field avoids its lone-empty rule.
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([value, None])
    return buf.getvalue()[:-2]


_Cells = Callable[[int, int], list[str]]


def _csv_cells(values: pd.Series | Sequence[Any], float_format: str | None) -> _Cells | None:
    """Return a column's cells of rows ``a:b`` as pandas' ``get_values_for_csv`` makes them.

    Missing values are empty fields. None for a dtype that pandas might
    write otherwise (dates, categories, other extension types): the caller
    leaves the file to pandas.
    """
    if not isinstance(values, pd.Series):
        if set(map(type, values)) <= {str}:  # all text (the test runs in C, not a value at a time)
            texts = list(values)
            return lambda a, b: _quoted(texts[a:b])
        values = pd.Series(values)  # inferred as a DataFrame column is
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype):
        codes, uniques = pd.factorize(values)
        if 4 * len(uniques) <= len(values):
            # Few distinct texts (names, kinds, days): each is quoted once and the cells taken
            # from them, much faster than turning every cell into an object.
            table = np.array([*_quoted(list(uniques)), ""], dtype=object)  # code -1: missing
            return lambda a, b: table[codes[a:b]].tolist()
        array = values.array
        return lambda a, b: _quoted(array[a:b].to_numpy(dtype=object, na_value="").tolist())
    if not isinstance(dtype, np.dtype):
        return None
    data = values.to_numpy()
    if dtype.kind in "biu":
        return lambda a, b: _quoted(_numbers(data[a:b], str))
    if dtype == np.float64 and float_format is not None:
        fmt = float_format
        return lambda a, b: _quoted(_numbers(data[a:b], lambda v: "" if v != v else fmt % v))
    if dtype.kind == "f" and float_format is None:
        def plain(a: int, b: int) -> list[str]:
            # numpy's shortest repr of the float's own width, as pandas writes it.
            chunk = data[a:b]
            texts = chunk.astype(str)
            texts[np.isnan(chunk)] = ""
            return _quoted(texts.tolist())
        return plain
    if dtype.kind == "f":
        other = float_format  # float32 and the like: a value at a time, as pandas does
        return lambda a, b: _quoted([other % v if v == v else "" for v in data[a:b].tolist()])
    if dtype.kind == "O":
        missing = pd.isna(data)

        def objects(a: int, b: int) -> list[str]:
            return ["" if m else _quoted([v])[0] if type(v) is str else _csv_cell(v)
                    for v, m in zip(data[a:b].tolist(), missing[a:b].tolist(), strict=True)]
        return objects
    return None


def _csv_rows(columns: Mapping[Any, pd.Series | Sequence[Any]], float_format: str | None,
              ) -> tuple[str, Callable[[int, int], list[str]], int] | None:
    """Return the header line, the rows ``a:b`` as lines, and the rows, as pandas would write them.

    None when pandas might write a column otherwise (see :func:`_csv_cells`).
    """
    names = list(columns)
    if not names or not all(type(n) is str for n in names):
        return None
    cells = [_csv_cells(v, float_format) for v in columns.values()]
    if any(c is None for c in cells):
        return None
    n = len(next(iter(columns.values())))
    if any(len(v) != n for v in columns.values()):
        return None
    lone = len(names) == 1  # the csv module quotes a row that is one empty field
    head = _quoted(names)
    header = '""\n' if lone and head == [""] else ",".join(head) + "\n"

    def rows(a: int, b: int) -> list[str]:
        parts = [cast(_Cells, c)(a, b) for c in cells]
        if lone:
            parts = [['""' if v == "" else v for v in parts[0]]]
        return list(map(",".join, zip(*parts, strict=True)))

    return header, rows, n


def _write_columns(columns: Mapping[Any, pd.Series | Sequence[Any]], path: str | Path,
                   float_format: str | None) -> bool:
    """Write ``columns`` as pandas would write them as a frame; False (nothing written) if it cannot."""
    made = _csv_rows(columns, float_format)
    if made is None:
        return False
    header, rows, n = made
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(header)
        for a in range(0, n, _CSV_ROWS):
            f.write("\n".join(rows(a, min(a + _CSV_ROWS, n))) + "\n")
    return True


def _write_parts(columns: Mapping[Any, pd.Series | Sequence[Any]], parts: Parts, path: str | Path,
                 target: str, float_format: str | None) -> None:
    """Write a table in parts: the frame's rows made here, the kept parts' bytes copied.

    ``columns`` are those of ``parts.frame`` as :func:`_write_columns` takes
    them; where each part went is recorded in ``parts.index[target]``.
    """
    made = _csv_rows(columns, float_format)
    if made is None:
        raise PartsError(f"{target}: a column pandas would write otherwise")
    header, rows, _ = made
    index: list[tuple[str, int, int]] = []
    old = None
    buf: list[bytes] = []
    held = 0
    with open(path, "wb", buffering=0) as f:
        try:
            if parts.any_kept:
                old = open(parts.source(target), "rb", buffering=0)  # noqa: SIM115 (closed below)
            data = header.encode("utf-8")
            pos = len(data)
            buf.append(data)
            for kept, a, b, ps in parts.runs(target):
                if kept:
                    write_all(f, b"".join(buf))
                    buf, held = [], 0
                    copy_range(cast(BinaryIO, old), f, a, b)
                    for p in ps:
                        s, e = cast(Mapping[str, tuple[int, int]], p.kept)[target]
                        index.append((p.name, pos + s - a, pos + e - a))
                    pos += b - a
                    continue
                # A chunk of rows at a time, however the parts fall, so memory stays bounded:
                # ``lines`` holds the rows lo:hi of the frame.
                lines: list[str] = []
                row = lo = hi = a
                for p in ps:
                    if row + p.rows > hi:
                        lines, lo = lines[row - lo:], row
                        more = min(b, row + max(_CSV_ROWS, p.rows))
                        lines += rows(hi, more)
                        hi = more
                    mine = lines[row - lo:row - lo + p.rows]
                    block = ("\n".join(mine) + "\n").encode("utf-8") if mine else b""
                    index.append((p.name, pos, pos + len(block)))
                    pos += len(block)
                    row += p.rows
                    buf.append(block)
                    held += len(block)
                    if held >= 1 << 22:
                        write_all(f, b"".join(buf))
                        buf, held = [], 0
            write_all(f, b"".join(buf))
        finally:
            if old is not None:
                old.close()
    parts.index[target] = index


def write_csv(frame: pd.DataFrame | Parts, path: str | Path, *, columns: Sequence[str] | None = None,
              float_format: str | None = None) -> None:
    r"""Write ``frame`` as ``frame[columns].to_csv(path, index=False, lineterminator="\n")`` does.

    The same bytes (quoting, missing values as empty fields, pandas'
    formatting of numbers), several times faster for the dtypes of this
    package's frames (text, numbers, flags); anything else is left to pandas.

    Parameters
    ----------
    frame : DataFrame or Parts
        Given in :class:`~maps.parts.Parts`, the kept parts' rows are copied
        from the previous file of the same name, and where every part went is
        recorded in its ``index``.
    path : str or Path
    columns : sequence of str, optional
        The columns to write, in order (default: all).
    float_format : str, optional
        A ``%`` format for float columns (default: as pandas writes them).
    """
    if isinstance(frame, Parts):
        rows = frame.frame
        cols = list(rows.columns) if columns is None else list(columns)
        _write_parts({c: rows[c] for c in cols}, frame, path, Path(path).name, float_format)
        return
    cols = list(frame.columns) if columns is None else list(columns)
    if frame.columns.is_unique and len(set(cols)) == len(cols):
        if _write_columns({c: frame[c] for c in cols}, path, float_format):
            return
    (frame if columns is None else frame[cols]).to_csv(path, index=False, lineterminator="\n",
                                                         float_format=float_format)


def write_claims_csv(frame: pd.DataFrame | Parts, path: str | Path) -> None:
    r"""Write ``claims.csv``, one row per claim (UTF-8, ``\\n`` line ends).

    Parameters
    ----------
    frame : DataFrame or Parts
        Claims (:data:`maps.schema.CLAIM_COLUMNS` first, other columns after);
        in parts, see :func:`write_csv`.
    path : str or Path
    """
    rows = frame.frame if isinstance(frame, Parts) else frame
    check(rows, CLAIM_COLUMNS, "claims")
    cols = [*CLAIM_COLUMNS, *[c for c in rows.columns if c not in CLAIM_COLUMNS]]
    write_csv(frame, path, columns=cols, float_format="%.6f")


_TIME_PRECISION = {"day": 1, "night": 1, "range": 2, "week": 2}
_WIDE_KINDS = {"district", "province", "governorate", "region", "country"}
#: ACLED's event and sub-event types of a change of hands, by the kind of side that gains the site.
TAKEOVER = {"state": ("Battles", "Government regains territory"),
            "non-state": ("Battles", "Non-state actor overtakes territory")}
CLASH = ("Battles", "Armed clash")
HANDOVER = ("Strategic developments", "Non-violent transfer of territory")
# A side holding or present in a site with no fighting reported: context, no battle.
STANDING = ("Strategic developments", "Other")
_CHANGES = frozenset({"capture", "full_control", "loss"})
_FIGHTS = frozenset({"entry", "contested", "siege"})


def _geo_precision(precision: Any, kind: Any) -> int:
    if isinstance(kind, str) and kind in _WIDE_KINDS:
        return 3
    return 1 if precision == "exact" else 2


def acled_type(claim_type: str, gainer_kind: str = "", withdrawal: bool = False,
               fighting: str = "none") -> tuple[str, str]:
    """Return ACLED's event type and sub-event type of a claim.

    Parameters
    ----------
    claim_type : str
        capture, full_control, loss, entry, contested, siege, hold, presence.
    gainer_kind : str
        ``state`` or ``non-state``: the side the site passes to (the taker
        of a capture or a loss); anything else when not known.
    withdrawal : bool
        A loss by leaving the site without a fight.
    fighting : str
        ``none``, ``around`` or ``inside``: the fighting the claim reports.

    Returns
    -------
    tuple of str
        A change of hands is ``Battles`` / ``Government regains territory``
        or ``Non-state actor overtakes territory`` by the gainer's kind (the
        sub-event empty when its kind is unknown), a withdrawal ``Strategic
        developments`` / ``Non-violent transfer of territory``; entry,
        contest and siege ``Battles`` / ``Armed clash``; a hold or presence
        ``Battles`` / ``Armed clash`` when fighting is reported, else
        ``Strategic developments`` / ``Other``.
    """
    if claim_type in _CHANGES:
        if claim_type == "loss" and withdrawal:
            return HANDOVER
        return TAKEOVER.get(gainer_kind, ("Battles", ""))
    if claim_type in _FIGHTS or fighting in ("inside", "around"):
        return CLASH
    return STANDING


def _optional(frame: pd.DataFrame, column: str, default: Any) -> list[Any]:
    # A column's values with None and NaN as ``default``; the common dtypes without a test a value.
    if column not in frame.columns:
        return [default] * len(frame)
    series = frame[column]
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype) and isinstance(dtype.na_value, float):
        return series.to_numpy(dtype=object, na_value=default).tolist()  # text or NaN only
    if isinstance(dtype, np.dtype) and dtype.kind in "biu":
        return series.tolist()
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return [default if v != v else v for v in series.tolist()]
    return [default if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in series]


def events(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the claims as events in ACLED's columns and types (:data:`maps.schema.EVENT_COLUMNS`).

    ``actor1`` is the side that gains, holds or attacks the site (the taker
    of a loss), ``actor2`` the other one when known; ``event_type`` and
    ``sub_event_type`` come from :func:`acled_type`, the claim's own type is
    kept in ``claim_type``.

    Parameters
    ----------
    frame : DataFrame
        Claims (:data:`maps.schema.CLAIM_COLUMNS`). Used when present:
        ``start``, ``site_precision`` and ``site_kind`` (``event_id`` and
        ``geo_precision``), ``taker``, ``actor_kind``, ``taker_kind``,
        ``withdrawal`` and ``fighting`` (the types), ``country``,
        ``admin1`` to ``admin3``, ``outlet`` and ``url`` (``source`` is the
        outlet, else the article's file name; ``source_url``).

    Returns
    -------
    DataFrame
    """
    check(frame, CLAIM_COLUMNS, "claims")
    out = pd.DataFrame(_event_columns(frame), index=frame.index, columns=list(EVENT_COLUMNS))
    return out.reset_index(drop=True)


def _event_columns(frame: pd.DataFrame) -> dict[str, Any]:
    # The columns of events(), as lists and the claims' own Series (by position).
    n = len(frame)
    offsets = frame["start"] if "start" in frame.columns else pd.Series(range(n), index=frame.index)
    precision = _optional(frame, "site_precision", "")
    kinds = _optional(frame, "site_kind", "")
    date = frame["date"].astype(str)
    ctypes = frame["type"].astype(str).tolist()
    actor, loser = _optional(frame, "actor", ""), _optional(frame, "loser", "")
    taker, taker_kind = _optional(frame, "taker", ""), _optional(frame, "taker_kind", "")
    actor_kind = _optional(frame, "actor_kind", "")
    loss = [t == "loss" for t in ctypes]
    # A loss names the loser as its actor: ACLED's actor1 is the side that gains.
    actor1 = [tk if lo else a for lo, tk, a in zip(loss, taker, actor, strict=True)]
    actor2 = [a if lo else ls for lo, a, ls in zip(loss, actor, loser, strict=True)]
    gainer_kind = [tk if lo else ak for lo, tk, ak in zip(loss, taker_kind, actor_kind, strict=True)]
    # A frame read back from CSV holds its flags as text.
    types = [acled_type(t, str(k), w is True or str(w).lower() == "true", str(f)) for t, k, w, f in
             zip(ctypes, gainer_kind, _optional(frame, "withdrawal", False),
                 _optional(frame, "fighting", "none"), strict=True)]
    outlet = _optional(frame, "outlet", "")
    return {
        # One phrase may claim several coordinated sites: the site keeps ids unique.
        "event_id": [f"{a}:{o}:{s}" for a, o, s in
                     zip(frame["article"].tolist(), offsets.tolist(), frame["site"].tolist(),
                         strict=True)],
        "event_date": date,
        "year": date.str[:4],
        "time_precision": [_TIME_PRECISION.get(p, 3) for p in frame["date_precision"].tolist()],
        "event_type": [t[0] for t in types],
        "sub_event_type": [t[1] for t in types],
        "actor1": actor1,
        "actor2": actor2,
        "country": _optional(frame, "country", ""),
        "admin1": _optional(frame, "admin1", ""),
        "admin2": _optional(frame, "admin2", ""),
        "admin3": _optional(frame, "admin3", ""),
        "location": frame["site_name"],
        "latitude": frame["latitude"],
        "longitude": frame["longitude"],
        "geo_precision": [_geo_precision(p, k) for p, k in zip(precision, kinds, strict=True)],
        "source": [o or a for o, a in zip(outlet, frame["article"].tolist(), strict=True)],
        "source_url": _optional(frame, "url", ""),
        "notes": frame["sentence"],
        "site": frame["site"],
        "claim_type": ctypes,
        "status": frame["status"],
        "asserted_by": frame["asserted_by"],
        "confidence": frame["confidence"],
    }


def write_events_csv(frame: pd.DataFrame | Parts, path: str | Path) -> None:
    r"""Write ``events.csv``: the claims in ACLED's columns and event types, one row per claim.

    Parameters
    ----------
    frame : DataFrame or Parts
        Claims (see :func:`events`); in parts, see :func:`write_csv`.
    path : str or Path
    """
    if isinstance(frame, Parts):
        check(frame.frame, CLAIM_COLUMNS, "claims")
        _write_parts(_event_columns(frame.frame), frame, path, Path(path).name, "%.6f")
        return
    check(frame, CLAIM_COLUMNS, "claims")
    if not _write_columns(_event_columns(frame), path, "%.6f"):
        events(frame).to_csv(path, index=False, lineterminator="\n", float_format="%.6f")
