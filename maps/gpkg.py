"""The GeoPackage: sites, control intervals, claims and mentions in one file for QGIS.

Written straight into SQLite following the OGC GeoPackage 1.2 encoding (the
version GDAL 3.6 and QGIS 3.22 read without a warning: application id
``GPKG``, ``user_version`` 10200; the ``gpkg_spatial_ref_sys``,
``gpkg_contents``, ``gpkg_geometry_columns`` and ``gpkg_extensions`` tables;
geometries as GeoPackage binary headers over ISO WKB): one ``executemany``
per layer instead of one OGR feature at a time, several times faster than
``to_file``, and read back by GDAL, QGIS and pyogrio.

Every geometry layer has its spatial index (the ``gpkg_rtree_index``
extension): the ``rtree_<table>_geom`` virtual table filled from the
geometries' envelopes, then the standard triggers that keep it in step when
someone edits the layer (they call GDAL's SQL functions, so they are created
after the rows are in).

``control_intervals`` keeps ``start`` and ``end`` as inclusive ``DATE``
fields (``end`` null while the state goes on) and adds ``valid_from`` and
``valid_to``, DATETIME fields for the Temporal Controller
(:mod:`maps.qgis`). The layer's default style, in the ``layer_styles`` table
QGIS reads when it loads a layer, switches the Temporal Controller on with
them and colours the sites by ``controller``: dragged into QGIS, the layer
plays day by day with no set-up.

Byte for byte reproducible: ``gpkg_contents.last_change`` and the style's
``update_time`` are the last day mapped, not the time of writing, and
nothing else depends on the clock.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import sqlite3
import struct
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, cast
from urllib.parse import quote

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike

from .feeds import _dumps
from .parts import Parts, PartsError
from .qgis import VALID_FROM, VALID_TO, control_qml, geometry_kind, with_validity
from .schema import (
    CLAIM_COLUMNS,
    MENTION_COLUMNS,
    SITE_COLUMNS,
    check,
    interval_days,
    sorted_intervals,
)

__all__ = ["write_gpkg", "LAYERS", "GPKG"]

#: The GeoPackage's file name in an output folder (what a layer's target in an index starts with).
GPKG = "conflictmap.gpkg"

#: Layers of ``conflictmap.gpkg``, with the columns written as DATE and DATETIME fields.
LAYERS: dict[str, dict[str, str]] = {
    "sites": {},
    "control_intervals": {"start": "DATE", "end": "DATE", VALID_FROM: "DATETIME", VALID_TO: "DATETIME"},
    "control_areas": {"start": "DATE", "end": "DATE", VALID_FROM: "DATETIME", VALID_TO: "DATETIME"},
    "claims": {"published": "DATE", "date": "DATE"},
    "mentions": {},
}

_DESCRIPTION = {
    "sites": "Places shown on the map",
    "control_intervals": "Who held each site: one row per run of unchanged state (start and end "
                         "inclusive, end null while ongoing; valid_from and valid_to for QGIS's "
                         "Temporal Controller)",
    "control_areas": "The same intervals on the ground each quarter covers: the gazetteer's "
                     "polygon, or an approximate cell (approximate = 1) shared out from points",
    "claims": "One row per claim read from the articles",
    "mentions": "Every place named in the articles",
}


def _texts(series: pd.Series, cut: Callable[[str], str | None] | None = None) -> list[str | None]:
    """Return a text column's values (None where missing), each passed through ``cut`` if given."""
    codes, uniques = pd.factorize(series)
    if 4 * len(uniques) <= len(series):
        # Few distinct texts (names, kinds, days): each is made once and the cells taken from them.
        made = list(uniques) if cut is None else [cut(v) for v in uniques]
        taken: list[str | None] = np.array([*made, None], dtype=object)[codes].tolist()
        return taken  # code -1 (missing) takes the last: None
    # cast: pandas-stubs leave None out of na_value's type; pandas accepts it.
    out = series.to_numpy(dtype=object, na_value=cast(Any, None)).tolist()
    return out if cut is None else [None if v is None else cut(v) for v in out]


def _text_values(series: pd.Series) -> list[Any]:
    """Values of a text column: nested values (evidence) as the JSON the GeoJSON feeds write."""
    if isinstance(series.dtype, pd.StringDtype):
        return _texts(series)  # text and None only: nothing to turn into text
    # cast: pandas-stubs leave None out of na_value's type; pandas accepts it.
    out = series.to_numpy(dtype=object, na_value=cast(Any, None)).tolist()
    for i, v in enumerate(out):
        if v is None or type(v) is str:
            continue
        if isinstance(v, (bool, np.bool_)):
            out[i] = "true" if v else "false"
        elif isinstance(v, (list, dict, tuple)):
            out[i] = _dumps(v).decode()
        else:
            out[i] = str(v)
    return out


_TYPE_NAMES = {0: "POINT", 1: "LINESTRING", 3: "POLYGON", 4: "MULTIPOINT", 5: "MULTILINESTRING",
               6: "MULTIPOLYGON", 7: "GEOMETRYCOLLECTION"}
_SRS = [
    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined",
     "undefined cartesian coordinate reference system"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined",
     "undefined geographic coordinate reference system"),
    ("WGS 84 geodetic", 4326, "EPSG", 4326,
     'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
     'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
     'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
     'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
     "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"),
]
_SCHEMA = """
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
  description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
  identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,
  m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
  definition TEXT NOT NULL, scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
"""
#: The table QGIS keeps layer styles in (as QGIS creates it), registered as attributes.
_STYLES = """
CREATE TABLE layer_styles (id INTEGER PRIMARY KEY NOT NULL, f_table_catalog TEXT(256),
  f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256),
  styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT,
  owner TEXT(30), ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))
"""
_RTREE_DEFINITION = "http://www.geopackage.org/spec120/#extension_rtree"
#: The GeoPackage 1.2 R-tree triggers (spec annex F.3), by name suffix: when each fires and what
#: it does. {t}: table, {g}: geometry column, {r}: R-tree, {row}: NEW's envelope row.
_TRIGGERS = {
    "insert": ('AFTER INSERT ON "{t}" WHEN (NEW."{g}" NOT NULL AND NOT ST_IsEmpty(NEW."{g}"))',
               'INSERT OR REPLACE INTO "{r}" VALUES ({row});'),
    "update1": ('AFTER UPDATE OF "{g}" ON "{t}" WHEN OLD.fid = NEW.fid AND '
                '(NEW."{g}" NOTNULL AND NOT ST_IsEmpty(NEW."{g}"))',
                'INSERT OR REPLACE INTO "{r}" VALUES ({row});'),
    "update2": ('AFTER UPDATE OF "{g}" ON "{t}" WHEN OLD.fid = NEW.fid AND '
                '(NEW."{g}" ISNULL OR ST_IsEmpty(NEW."{g}"))',
                'DELETE FROM "{r}" WHERE id = OLD.fid;'),
    "update3": ('AFTER UPDATE ON "{t}" WHEN OLD.fid != NEW.fid AND '
                '(NEW."{g}" NOTNULL AND NOT ST_IsEmpty(NEW."{g}"))',
                'DELETE FROM "{r}" WHERE id = OLD.fid; INSERT OR REPLACE INTO "{r}" VALUES ({row});'),
    "update4": ('AFTER UPDATE ON "{t}" WHEN OLD.fid != NEW.fid AND '
                '(NEW."{g}" ISNULL OR ST_IsEmpty(NEW."{g}"))',
                'DELETE FROM "{r}" WHERE id IN (OLD.fid, NEW.fid);'),
    "delete": ('AFTER DELETE ON "{t}" WHEN OLD."{g}" NOT NULL',
               'DELETE FROM "{r}" WHERE id = OLD.fid;'),
}


def _geometry_type(geoms: np.ndarray) -> str:
    present = geoms[~shapely.is_missing(geoms)]
    kinds = set(shapely.get_type_id(present).tolist()) if len(present) else set()
    if len(kinds) == 1 and next(iter(kinds)) in _TYPE_NAMES:
        return _TYPE_NAMES[next(iter(kinds))]
    return "GEOMETRY"


def _blobs(geoms: np.ndarray) -> list[bytes | None]:
    """GeoPackage geometry blobs: the ``GP`` header (little endian, SRS 4326) then ISO WKB."""
    missing = shapely.is_missing(geoms)
    missing[~missing] = shapely.is_empty(geoms[~missing])
    present = np.where(missing, cast(Any, None), geoms)  # cast: numpy's ArrayLike leaves out None
    wkb = shapely.to_wkb(present, byte_order=1, flavor="iso").tolist()
    head_point = b"GP\x00\x01" + struct.pack("<i", 4326)
    kinds = shapely.get_type_id(present)
    if not missing.any() and (kinds == 0).all():
        return [head_point + w for w in wkb]  # points need no envelope
    bounds = shapely.bounds(present).tolist()
    out: list[bytes | None] = []
    for w, kind, b, miss in zip(wkb, kinds.tolist(), bounds, missing.tolist(), strict=True):
        if miss:
            out.append(None)
        elif kind == 0:
            out.append(head_point + w)
        else:
            # Envelope [minx, maxx, miny, maxy] (flag 1): readers can skip a feature without parsing it.
            out.append(b"GP\x00\x03" + struct.pack("<i4d", 4326, b[0], b[2], b[1], b[3]) + w)
    return out


def _sql_type(series: pd.Series, declared: str | None) -> str:
    if declared:
        return declared
    kind = series.dtype.kind
    return {"b": "BOOLEAN", "i": "INTEGER", "u": "INTEGER", "f": "REAL"}.get(kind, "TEXT")


def _column_values(series: pd.Series, declared: str | None) -> list[Any]:
    if declared:
        # A DATE is its ISO day; a DATETIME comes written (maps.qgis); empty is null.
        width = 10 if declared == "DATE" else None
        if isinstance(series.dtype, pd.StringDtype):  # text or None: no str() needed
            return _texts(series, lambda v: v[:width] if v else None)
        days = series.to_numpy(dtype=object, na_value=cast(Any, None)).tolist()
        return [None if v is None or v == "" else str(v)[:width] for v in days]
    kind = series.dtype.kind
    if kind == "b":
        return [int(v) for v in series.to_numpy(bool).tolist()]
    if kind in "iu":
        return series.to_numpy(np.int64).tolist()
    if kind == "f":
        floats = series.to_numpy(np.float64)
        out: list[Any] = floats.tolist()
        for i in np.flatnonzero(np.isnan(floats)).tolist():
            out[i] = None
        return out
    return _text_values(series)


def _write_layer(con: sqlite3.Connection, layer: str, frame: pd.DataFrame,
                 geoms: ArrayLike | _Points | None, types: Mapping[str, str], stamp: str) -> None:
    cols = [str(c) for c in frame.columns]
    decl = [f'"{c}" {_sql_type(frame[c], types.get(c))}' for c in cols]
    # The fids are written, so that the spatial index can name its rows.
    fids = list(range(1, len(frame) + 1))
    values = [fids, *(_column_values(frame[c], types.get(c)) for c in cols)]
    description = _DESCRIPTION.get(layer, layer)
    names = ", ".join(f'"{c}"' for c in cols)
    if geoms is None:
        con.execute(f'CREATE TABLE "{layer}" (fid INTEGER PRIMARY KEY NOT NULL, '
                    f'{", ".join(decl)})')
        con.execute("INSERT INTO gpkg_contents VALUES (?, 'attributes', ?, ?, ?, NULL, NULL, NULL, "
                    "NULL, NULL)", (layer, layer, description, stamp))
        marks = ", ".join("?" * len(values))
        con.executemany(f'INSERT INTO "{layer}" (fid, {names}) VALUES ({marks})',
                        zip(*values, strict=True))
        return
    shapes = _point_shapes(*geoms) if isinstance(geoms, _Points) else _shapes(geoms)
    con.execute(f'CREATE TABLE "{layer}" (fid INTEGER PRIMARY KEY NOT NULL, '
                f'geom {shapes.kind}{"".join(", " + d for d in decl)})')
    con.execute("INSERT INTO gpkg_contents VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, 4326)",
                (layer, layer, description, stamp, *shapes.extent))
    con.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)",
                (layer, shapes.kind))
    marks = ", ".join("?" * (len(values) + 1))
    con.executemany(f'INSERT INTO "{layer}" (fid, geom, {names}) VALUES ({marks})',
                    zip(fids, shapes.blobs, *values[1:], strict=True))
    _spatial_index(con, layer, "geom", shapes.fids, shapes.boxes)


def _write_parts_layer(con: sqlite3.Connection, layer: str, parts: Parts, types: Mapping[str, str],
                       stamp: str) -> None:
    """Write a point layer in parts: the frame's rows inserted, the kept parts' copied from ``old``.

    The statements are those of :func:`_write_layer`, in its order, and the
    rows go in in the same order with the same values, so the file is the
    same byte for byte. The previous file's layer must have been made by the
    same statement. Where each part's rows went is recorded in
    ``parts.index``.
    """
    target = f"{GPKG}:{layer}"
    frame = parts.frame.reset_index(drop=True)
    cols = [str(c) for c in frame.columns]
    decl = [f'"{c}" {_sql_type(frame[c], types.get(c))}' for c in cols]
    points = _points(frame)
    if points is None:
        raise PartsError(f"{target}: a layer in parts needs longitude and latitude")
    runs = parts.runs(target)
    # Every row's coordinates, in order: the spatial index and the extent cover the kept rows too.
    lons, lats = [], []
    for kept, a, b, _ in runs:
        if kept:
            got = _kept_points(con, layer, a, b)
            if got is None:
                raise PartsError(f"{target}: the previous layer's rows {a + 1} to {b} are not its points")
            lons.append(got[0])
            lats.append(got[1])
        else:
            lons.append(points.lon[a:b])
            lats.append(points.lat[a:b])
    whole = _point_shapes(np.concatenate(lons) if lons else np.empty(0),
                          np.concatenate(lats) if lats else np.empty(0), with_blobs=False)
    blobs = _point_shapes(points.lon, points.lat).blobs
    values = [_column_values(frame[c], types.get(c)) for c in cols]
    description = _DESCRIPTION.get(layer, layer)
    names = ", ".join(f'"{c}"' for c in cols)
    create = (f'CREATE TABLE "{layer}" (fid INTEGER PRIMARY KEY NOT NULL, '
              f'geom {whole.kind}{"".join(", " + d for d in decl)})')
    if any(kept for kept, *_ in runs):
        before = con.execute("SELECT sql FROM old.sqlite_master WHERE type = 'table' AND name = ?",
                             (layer,)).fetchone()
        if before is None or before[0] != create:
            raise PartsError(f"{target}: the previous layer was made otherwise")
    con.execute(create)
    con.execute("INSERT INTO gpkg_contents VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, 4326)",
                (layer, layer, description, stamp, *whole.extent))
    con.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)",
                (layer, whole.kind))
    marks = ", ".join("?" * (len(values) + 2))
    index: list[tuple[str, int, int]] = []
    fid = 0
    for kept, a, b, ps in runs:
        if kept and fid == a == 0 and b == con.execute(f'SELECT max(fid) FROM old."{layer}"').fetchone()[0]:
            # The whole previous layer, its fids as they were (a report added last): copied as it
            # is, SQLite moving its records without decoding them; the same rows, the same file.
            con.execute(f'INSERT INTO "{layer}" SELECT * FROM old."{layer}"')
        elif kept:
            con.execute(f'INSERT INTO "{layer}" (fid, geom, {names}) SELECT fid + ?, geom, {names} '
                        f'FROM old."{layer}" WHERE fid > ? AND fid <= ? ORDER BY fid', (fid - a, a, b))
        if kept:
            for p in ps:
                lo, hi = cast(Mapping[str, tuple[int, int]], p.kept)[target]
                index.append((p.name, fid + lo - a, fid + hi - a))
        else:
            con.executemany(f'INSERT INTO "{layer}" (fid, geom, {names}) VALUES ({marks})',
                            zip(range(fid + 1, fid + 1 + b - a), blobs[a:b], *(v[a:b] for v in values),
                                strict=True))
            at = fid
            for p in ps:
                index.append((p.name, at, at + p.rows))
                at += p.rows
        fid += b - a
    _spatial_index(con, layer, "geom", whole.fids, whole.boxes)
    parts.index[target] = index


def _kept_points(con: sqlite3.Connection, layer: str, a: int, b: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Return the points of rows ``a + 1`` to ``b`` of the attached previous layer (NaN where none).

    Read from their blobs, which hold the coordinates as written: one
    object a row, not three as the longitude and latitude columns would
    take. None when a row is missing or holds anything but a point blob.
    """
    rows = con.execute(f'SELECT geom FROM old."{layer}" WHERE fid > ? AND fid <= ? ORDER BY fid',
                       (a, b)).fetchall()
    if len(rows) != b - a:
        return None
    raw = b"".join(_NO_POINT if g is None else g for (g,) in rows)
    if len(raw) != _POINT_BLOB.itemsize * len(rows):
        return None
    records = np.frombuffer(raw, dtype=_POINT_BLOB)
    missing = records["srs"] == -1
    if not ((records["head"] == b"GP\x00\x01") & (records["type"] == 1) & (records["order"] == 1)
            & ((records["srs"] == 4326) | missing)).all():
        return None
    x, y = records["x"].copy(), records["y"].copy()
    x[missing] = y[missing] = np.nan
    return x, y


class _Points(NamedTuple):
    """A layer's points as coordinates (NaN where a row has none): no shapely objects needed."""

    lon: np.ndarray
    lat: np.ndarray


@dataclass
class _Shapes:
    """A layer's geometries as the GeoPackage records them.

    Attributes
    ----------
    kind : str
        ``geometry_type_name``.
    extent : list
        ``min_x, min_y, max_x, max_y`` of ``gpkg_contents`` (None when there is no geometry).
    blobs : list
        Each row's GeoPackage geometry, None where it has none.
    fids, boxes : ndarray
        The rows the spatial index holds (non-empty geometries) and their
        envelopes ``minx, maxx, miny, maxy``.
    """

    kind: str
    extent: list[float | None]
    blobs: list[bytes | None]
    fids: np.ndarray
    boxes: np.ndarray


def _shapes(geoms: ArrayLike) -> _Shapes:
    geoms = np.asarray(geoms, dtype=object)
    missing = shapely.is_missing(geoms)
    present = geoms[~missing]
    extent: list[float | None] = (shapely.total_bounds(present).tolist() if len(present)
                                  else [None] * 4)
    keep = ~(missing | shapely.is_empty(geoms))
    bounds = shapely.bounds(geoms[keep]) if keep.any() else np.empty((0, 4))  # minx, miny, maxx, maxy
    return _Shapes(_geometry_type(geoms), extent, _blobs(geoms), np.flatnonzero(keep) + 1,
                   bounds[:, [0, 2, 1, 3]])


#: A point's GeoPackage blob: the ``GP`` header (no envelope, SRS 4326), then ISO WKB, little endian.
_POINT_BLOB = np.dtype([("head", "S4"), ("srs", "<i4"), ("order", "u1"), ("type", "<u4"),
                        ("x", "<f8"), ("y", "<f8")])


# A row with no point, as _kept_points reads it: a point blob of SRS -1.
_NO_POINT = np.array([(b"GP\x00\x01", -1, 1, 1, np.nan, np.nan)], dtype=_POINT_BLOB).tobytes()


def _point_shapes(lon: np.ndarray, lat: np.ndarray, with_blobs: bool = True) -> _Shapes:
    """:func:`_shapes` of the points ``(lon, lat)`` (none where either is NaN), in numpy alone.

    The same bytes as shapely's ISO WKB of the points, some ten times
    faster than making and encoding a shapely point a row. Without
    ``with_blobs``, only the layer's kind, extent and index are made.
    """
    keep = ~(np.isnan(lon) | np.isnan(lat))
    x, y = lon[keep], lat[keep]
    if not with_blobs:
        return _Shapes("POINT" if len(x) else "GEOMETRY",
                       [float(x.min()), float(y.min()), float(x.max()), float(y.max())] if len(x)
                       else [None] * 4, [], np.flatnonzero(keep) + 1, np.column_stack([x, x, y, y]))
    records = np.zeros(len(x), dtype=_POINT_BLOB)
    records["head"], records["srs"], records["order"], records["type"] = b"GP\x00\x01", 4326, 1, 1
    records["x"], records["y"] = x, y
    raw, size = records.tobytes(), _POINT_BLOB.itemsize
    blobs: list[bytes | None] = [raw[i:i + size] for i in range(0, len(raw), size)]
    if not keep.all():
        placed: list[bytes | None] = [None] * len(lon)
        for i, blob in zip(np.flatnonzero(keep).tolist(), blobs, strict=True):
            placed[i] = blob
        blobs = placed
    if not len(x):
        return _Shapes("GEOMETRY", [None] * 4, blobs, np.flatnonzero(keep) + 1, np.empty((0, 4)))
    extent: list[float | None] = [float(x.min()), float(y.min()), float(x.max()), float(y.max())]
    return _Shapes("POINT", extent, blobs, np.flatnonzero(keep) + 1, np.column_stack([x, x, y, y]))


#: Most cells an SQLite R-tree node holds (RTREE_MAXCELLS in SQLite's rtree.c).
_RTREE_FANOUT = 51
_RTREE_CELL = np.dtype([("id", ">i8"), ("box", ">f4", 4)])  # big endian: rowid, minx, maxx, miny, maxy
_ROUND_TOWARDS, _ROUND_AWAY = 1.0 - 1.0 / 8388608.0, 1.0 + 1.0 / 8388608.0


def _float32_boxes(boxes: np.ndarray) -> np.ndarray:
    """Float32 boxes that hold the float64 ones, rounded as SQLite's R-tree rounds what it stores."""
    out = boxes.astype(np.float32)
    lo, hi = boxes[:, 0::2], boxes[:, 1::2]
    down, up = out[:, 0::2], out[:, 1::2]
    shrink = down > lo
    down[shrink] = (lo * np.where(lo < 0, _ROUND_AWAY, _ROUND_TOWARDS))[shrink]
    grow = up < hi
    up[grow] = (hi * np.where(hi < 0, _ROUND_TOWARDS, _ROUND_AWAY))[grow]
    return out


def _tiles(boxes: np.ndarray) -> list[np.ndarray]:
    """Sort-tile-recursive packing: the boxes in groups of at most a node's cells, near ones together."""
    x = (boxes[:, 0] + boxes[:, 1]) / 2
    y = (boxes[:, 2] + boxes[:, 3]) / 2
    per_slice = _RTREE_FANOUT * math.ceil(math.sqrt(math.ceil(len(boxes) / _RTREE_FANOUT)))
    by_x = np.argsort(x, kind="stable")
    groups = []
    for a in range(0, len(by_x), per_slice):
        column = by_x[a:a + per_slice]
        column = column[np.argsort(y[column], kind="stable")]
        groups += [column[b:b + _RTREE_FANOUT] for b in range(0, len(column), _RTREE_FANOUT)]
    return groups


def _pack_rtree(con: sqlite3.Connection, rtree: str, fids: np.ndarray, boxes: np.ndarray) -> None:
    """Fill an empty R-tree in one go, writing its node tables as SQLite lays them out.

    One insert at a time costs SQLite a search and sometimes a split per row
    (over a second for 100,000 intervals); a packed tree is built bottom-up
    from sorted tiles instead, as GDAL does. Node 1 is the root; its first two
    bytes are the tree's depth. Each level is laid out in numpy at once.
    """
    size = con.execute(f'SELECT length(data) FROM "{rtree}_node" WHERE nodeno = 1').fetchone()[0]
    # Each level, the leaves first: its nodes' children and their boxes, node after node, and
    # how many children each node has.
    levels: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    ids, cells = fids.astype(np.int64), _float32_boxes(boxes)
    while len(ids) > _RTREE_FANOUT:
        groups = _tiles(cells.astype(np.float64))
        order = np.concatenate(groups)
        counts = np.array([len(g) for g in groups], dtype=np.int64)
        starts = np.r_[0, np.cumsum(counts)[:-1]]
        ids, cells = ids[order], cells[order]
        levels.append((ids, cells, counts))
        ids = np.arange(len(groups), dtype=np.int64)  # children by place in the level below
        cells = np.column_stack([np.minimum.reduceat(cells[:, 0], starts),
                                 np.maximum.reduceat(cells[:, 1], starts),
                                 np.minimum.reduceat(cells[:, 2], starts),
                                 np.maximum.reduceat(cells[:, 3], starts)]).astype(np.float32)
    tree = [*levels, (ids, cells, np.array([len(ids)], dtype=np.int64))]  # the root last
    # Node numbers: the root, then each level from the top down.
    first = {len(levels): 1}
    for k in range(len(levels) - 1, -1, -1):
        first[k] = first[k + 1] + len(tree[k + 1][2])
    node = np.dtype([("depth", ">u2"), ("count", ">u2"), ("cells", _RTREE_CELL, (_RTREE_FANOUT,))])
    rows: list[tuple[int, bytes]] = []
    leaf_of: list[tuple[int, int]] = []
    parent_of: list[tuple[int, int]] = []
    for k in range(len(tree) - 1, -1, -1):
        children, child_boxes, counts = tree[k]
        nodenos = first[k] + np.arange(len(counts))
        owner = np.repeat(np.arange(len(counts)), counts)  # each child's node, and its slot there
        slot = np.arange(len(children)) - np.repeat(np.cumsum(counts) - counts, counts)
        table = np.zeros(len(counts), dtype=node)
        table["depth"] = len(levels) if k == len(levels) else 0
        table["count"] = counts
        named = children if k == 0 else children + first[k - 1]
        table["cells"]["id"][owner, slot] = named
        table["cells"]["box"][owner, slot] = child_boxes
        raw, width = table.tobytes(), node.itemsize
        for i, (no, n) in enumerate(zip(nodenos.tolist(), counts.tolist(), strict=True)):
            rows.append((no, raw[i * width:i * width + 4 + _RTREE_CELL.itemsize * n].ljust(size, b"\0")))
        pairs = list(zip(named.tolist(), np.repeat(nodenos, counts).tolist(), strict=True))
        if k == 0:
            leaf_of += pairs
        else:
            parent_of += pairs
    con.execute(f'DELETE FROM "{rtree}_node"')
    con.executemany(f'INSERT INTO "{rtree}_node" VALUES (?, ?)', rows)
    con.executemany(f'INSERT INTO "{rtree}_rowid" VALUES (?, ?)', leaf_of)
    con.executemany(f'INSERT INTO "{rtree}_parent" VALUES (?, ?)', parent_of)


def _spatial_index(con: sqlite3.Connection, table: str, column: str, fids: np.ndarray,
                   boxes: np.ndarray) -> None:
    """Write the ``gpkg_rtree_index`` extension: the R-tree of the envelopes, its triggers, its row."""
    rtree = f"rtree_{table}_{column}"
    con.execute(f'CREATE VIRTUAL TABLE "{rtree}" USING rtree(id, minx, maxx, miny, maxy)')
    if len(fids):
        _pack_rtree(con, rtree, fids, boxes)
    row = ", ".join(["NEW.fid", *(f'ST_{f}(NEW."{column}")' for f in ("MinX", "MaxX", "MinY", "MaxY"))])
    for suffix, (when, action) in _TRIGGERS.items():
        fill = {"t": table, "g": column, "r": rtree, "row": row}
        con.execute(f'CREATE TRIGGER "{rtree}_{suffix}" {when.format(**fill)} '
                    f'BEGIN {action.format(**fill)} END')
    con.execute("INSERT INTO gpkg_extensions VALUES (?, ?, 'gpkg_rtree_index', ?, 'write-only')",
                (table, column, _RTREE_DEFINITION))


def _default_styles(con: sqlite3.Connection, styles: list[tuple[str, bytes]], stamp: str) -> None:
    """Store each table's QML as its default style, where QGIS looks when it loads the layer."""
    con.execute(_STYLES)
    con.execute("INSERT INTO gpkg_contents VALUES ('layer_styles', 'attributes', 'layer_styles', "
                "'QGIS layer styles', ?, NULL, NULL, NULL, NULL, NULL)", (stamp,))
    for i, (table, qml) in enumerate(styles, start=1):
        con.execute("INSERT INTO layer_styles VALUES (?, '', '', ?, 'geom', ?, ?, '', 1, ?, '', NULL, ?)",
                    (i, table, "control by day", qml.decode(),
                     "Plays day by day in the Temporal Controller; coloured by controller", stamp))


def _on_areas(timed: pd.DataFrame, areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the intervals of the sites that have an area, on that area (``role`` ``area``)."""
    ground = areas[areas["role"] == "area"][["site", "approximate", "geometry"]]
    ground = ground.drop_duplicates("site")
    joined = timed.merge(pd.DataFrame(ground), on="site", how="inner", sort=False)
    joined["approximate"] = joined["approximate"].astype(bool)
    return joined


def _points(frame: pd.DataFrame) -> _Points | None:
    if not {"longitude", "latitude"} <= set(frame.columns):
        return None
    lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(float)
    lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(float)
    return _Points(lon, lat)


def write_gpkg(
    path: str | Path,
    *,
    sites: gpd.GeoDataFrame,
    intervals: gpd.GeoDataFrame,
    claims: pd.DataFrame | Parts | None = None,
    mentions: pd.DataFrame | Parts | None = None,
    current_date: str | dt.date | None = None,
    actors: Mapping[str, Mapping[str, str]] | None = None,
    areas: gpd.GeoDataFrame | None = None,
) -> Path:
    """Write ``conflictmap.gpkg`` with the layers of :data:`LAYERS`.

    Parameters
    ----------
    path : str or Path
        The GeoPackage to write; an existing file is replaced.
    sites : GeoDataFrame
        :data:`maps.schema.SITE_COLUMNS`.
    intervals : GeoDataFrame
        :data:`maps.schema.INTERVAL_COLUMNS`; ``start``/``end`` as ISO days
        (``end`` empty or null while ongoing) become DATE fields, followed by
        ``valid_from``/``valid_to`` (DATETIME, :func:`maps.qgis.with_validity`);
        ``evidence`` becomes a JSON string.
    claims : DataFrame or Parts, optional
        :data:`maps.schema.CLAIM_COLUMNS`; points from ``longitude``/``latitude``.
        In :class:`~maps.parts.Parts`, the kept parts' rows are copied from
        the previous build's GeoPackage, and where each part went is recorded
        in its ``index`` (``conflictmap.gpkg:claims``).
    mentions : DataFrame or Parts, optional
        :data:`maps.schema.MENTION_COLUMNS`; points when it has
        ``longitude``/``latitude``, else a table without geometry (not in parts).
    current_date : str or datetime.date, optional
        The last day mapped: the time stamp recorded as
        ``gpkg_contents.last_change`` and the day an ongoing interval is valid
        to; default: the last day the intervals name, so that the same data
        give the same bytes.
    actors : mapping, optional
        ``id -> {"name", "colour"}`` (as :func:`maps.html.write_map` takes):
        the colours of the default style of ``control_intervals``; without it
        every controller but ``contested`` and ``unknown`` gets a spare colour.
    areas : GeoDataFrame, optional
        :func:`maps.areas.site_areas` of the sites: the intervals of the
        quarters are written again on their areas as ``control_areas``
        (with ``approximate``), styled and timed as ``control_intervals``,
        so QGIS shades territory day by day.

    Returns
    -------
    Path
    """
    check(sites, SITE_COLUMNS, "sites")
    ordered = sorted_intervals(intervals)
    if claims is not None:
        check(claims.frame if isinstance(claims, Parts) else claims, CLAIM_COLUMNS, "claims")
    if mentions is not None:
        check(mentions.frame if isinstance(mentions, Parts) else mentions, MENTION_COLUMNS, "mentions")
    path = Path(path)
    if current_date is None:
        days = interval_days(intervals)
        current_date = max(days) if days else "1970-01-01"
    # GeoPackage datetimes carry milliseconds (Req 15).
    stamp = f"{str(current_date)[:10]}T00:00:00.000Z"
    ordered_sites = sites.sort_values("site", kind="stable")
    timed = with_validity(ordered.drop(columns=ordered.geometry.name), current_date)
    layers: list[tuple[str, pd.DataFrame | Parts, ArrayLike | _Points | None]] = [
        ("sites", ordered_sites.drop(columns=ordered_sites.geometry.name),
         ordered_sites.geometry.values),
        ("control_intervals", timed, ordered.geometry.values),
    ]
    controllers = ordered["controller"].astype(str).unique()
    styles = [("control_intervals", control_qml(actors, controllers,
                                                geometry_kind(ordered.geometry.values)))]
    if areas is not None:
        ground = _on_areas(timed, areas)
        if len(ground):
            layers.append(("control_areas", ground.drop(columns="geometry"),
                           np.asarray(ground["geometry"].to_numpy(), dtype=object)))
            styles.append(("control_areas", control_qml(actors, controllers, "polygon")))
    for name, table in (("claims", claims), ("mentions", mentions)):
        if isinstance(table, Parts):
            layers.append((name, table, None))
        elif table is not None:
            layers.append((name, table, _points(table)))
    previous = {table.source(GPKG) for table in (claims, mentions)
                if isinstance(table, Parts) and table.any_kept}
    if len(previous) > 1:
        raise PartsError(f"{GPKG}: the kept rows come from two previous files")
    # Written beside the target and moved in: a failed write leaves no half file.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".gpkg", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        con = sqlite3.connect(tmp, uri=bool(previous))
        try:
            # The file is new and moved in only when complete: no journal is needed.
            con.execute("PRAGMA page_size = 65536")  # fewer, larger pages: faster bulk inserts
            con.execute("PRAGMA journal_mode = OFF")
            con.execute("PRAGMA synchronous = OFF")
            con.execute("PRAGMA application_id = 1196444487")  # 'GPKG'
            # GeoPackage 1.2: GDAL 3.6 warns that it may only partly support 1.4.
            con.execute("PRAGMA user_version = 10200")
            for old in previous:  # kept rows are read from the last build's file, never written to
                con.execute("ATTACH DATABASE ? AS old", (f"file:{quote(str(old))}?mode=ro&immutable=1",))
            with con:
                con.executescript(_SCHEMA)
                con.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", _SRS)
                for name, frame, geoms in layers:
                    if isinstance(frame, Parts):
                        _write_parts_layer(con, name, frame, LAYERS.get(name, {}), stamp)
                    else:
                        _write_layer(con, name, frame.reset_index(drop=True), geoms,
                                     LAYERS.get(name, {}), stamp)
                _default_styles(con, styles, stamp)
        finally:
            con.close()
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path

