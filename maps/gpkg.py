"""The GeoPackage: sites, control intervals, claims and mentions in one file for QGIS.

Written through pyogrio's raw writer so that ``start`` and ``end`` become
real ``DATE`` fields (OFTDate): QGIS's Temporal Controller finds them by
name and type and shows the control map day by day with no set-up. An
ongoing interval has a null ``end``, which QGIS reads as open-ended.

Byte for byte reproducible: GDAL stamps ``gpkg_contents.last_change`` with
the time of writing unless the ``OGR_CURRENT_DATE`` option is set, so it is
set to the last day mapped for the duration of the write; nothing else in the
file depends on the clock.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import pyogrio
import shapely
from pyogrio.raw import write as ogr_write

from .schema import CLAIM_COLUMNS, INTERVAL_COLUMNS, MENTION_COLUMNS, SITE_COLUMNS, check

__all__ = ["write_gpkg", "LAYERS"]

#: Layers of ``conflictmap.gpkg``, with the columns written as DATE fields.
LAYERS: dict[str, tuple[str, ...]] = {
    "sites": (),
    "control_intervals": ("start", "end"),
    "claims": ("published", "date"),
    "mentions": (),
}

_DESCRIPTION = {
    "sites": "Places shown on the map",
    "control_intervals": "Who held each site: one row per run of unchanged state (start and end "
                         "inclusive; end null while ongoing)",
    "claims": "One row per claim read from the articles",
    "mentions": "Every place named in the articles",
}


def _dates(series: pd.Series) -> np.ndarray:
    values = ["NaT" if v is None or v == "" else str(v)[:10]
              for v in series.to_numpy(dtype=object, na_value=None).tolist()]
    return np.array(values, dtype="datetime64[D]")


def _field(series: pd.Series) -> np.ndarray:
    kind = series.dtype.kind
    if kind == "b":
        return series.to_numpy(bool)
    if kind in "iu":
        return series.to_numpy(np.int64)
    if kind == "f":
        return series.to_numpy(np.float64)
    out = series.to_numpy(dtype=object, na_value=None, copy=True)
    for i, v in enumerate(out.tolist()):
        if v is None or type(v) is str:
            continue
        if isinstance(v, (list, dict, tuple)):
            # Evidence and other nested values: a JSON string GDAL and QGIS read as text.
            out[i] = orjson.dumps(v, option=orjson.OPT_SERIALIZE_NUMPY).decode()
        elif isinstance(v, (bool, np.bool_)):
            out[i] = "true" if v else "false"
        else:
            out[i] = str(v)
    return out


def _geometry_type(geoms: np.ndarray) -> str | None:
    present = geoms[~shapely.is_missing(geoms)]
    if not len(present):
        return "Unknown"
    kinds = set(shapely.get_type_id(present).tolist())
    names = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString",
             6: "MultiPolygon"}
    if len(kinds) == 1 and next(iter(kinds)) in names:
        return names[next(iter(kinds))]
    return "Unknown"


def _write_layer(path: Path, layer: str, frame: pd.DataFrame, geoms: np.ndarray | None,
                 dates: Iterable[str]) -> None:
    date_cols = set(dates)
    names = [str(c) for c in frame.columns]
    fields = [_dates(frame[c]) if c in date_cols else _field(frame[c]) for c in frame.columns]
    kwargs: dict[str, Any] = {}
    if geoms is not None:
        geoms = np.asarray(geoms, dtype=object)
        kwargs.update(geometry_type=_geometry_type(geoms), crs="EPSG:4326")
        wkb = shapely.to_wkb(geoms)
    else:
        wkb = None
    ogr_write(str(path), wkb, fields, names, layer=layer, driver="GPKG",
              layer_options={"DESCRIPTION": _DESCRIPTION.get(layer, layer)}, **kwargs)


def _points(frame: pd.DataFrame) -> np.ndarray | None:
    if not {"longitude", "latitude"} <= set(frame.columns):
        return None
    lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(float)
    lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(float)
    pts = shapely.points(lon, lat)
    pts[np.isnan(lon) | np.isnan(lat)] = None
    return pts


def write_gpkg(
    path: str | Path,
    *,
    sites: gpd.GeoDataFrame,
    intervals: gpd.GeoDataFrame,
    claims: pd.DataFrame | None = None,
    mentions: pd.DataFrame | None = None,
    current_date: str | dt.date | None = None,
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
        (``end`` empty while ongoing) become DATE fields, ``evidence`` a JSON string.
    claims : DataFrame, optional
        :data:`maps.schema.CLAIM_COLUMNS`; points from ``longitude``/``latitude``.
    mentions : DataFrame, optional
        :data:`maps.schema.MENTION_COLUMNS`; points when it has
        ``longitude``/``latitude``, else a table without geometry.
    current_date : str or datetime.date, optional
        The time stamp GDAL records (``gpkg_contents.last_change``); default:
        the last day of the intervals, so that the same data give the same bytes.

    Returns
    -------
    Path
    """
    check(sites, SITE_COLUMNS, "sites")
    check(intervals, INTERVAL_COLUMNS, "intervals")
    if claims is not None:
        check(claims, CLAIM_COLUMNS, "claims")
    if mentions is not None:
        check(mentions, MENTION_COLUMNS, "mentions")
    path = Path(path)
    if current_date is None:
        days = [d for d in (*intervals["start"].astype(str), *intervals["end"].astype(str)) if d]
        current_date = max(days) if days else "1970-01-01"
    stamp = f"{str(current_date)[:10]}T00:00:00Z"
    ordered_sites = sites.sort_values("site", kind="stable")
    ordered = intervals.sort_values(["site", "start"], kind="stable")
    layers: list[tuple[str, pd.DataFrame, np.ndarray | None]] = [
        ("sites", ordered_sites.drop(columns=ordered_sites.geometry.name),
         ordered_sites.geometry.values),
        ("control_intervals", ordered.drop(columns=ordered.geometry.name), ordered.geometry.values),
    ]
    if claims is not None:
        layers.append(("claims", claims, _points(claims)))
    if mentions is not None:
        layers.append(("mentions", mentions, _points(mentions)))
    # Written beside the target and moved in: a failed write leaves no half file.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".gpkg", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
        for name, frame, geoms in layers:
            _write_layer(tmp, name, frame.reset_index(drop=True), geoms, LAYERS.get(name, ()))
        tmp.replace(path)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
        tmp.unlink(missing_ok=True)
    return path

