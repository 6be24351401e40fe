"""GeoJSON and CSV feeds, written byte-for-byte reproducibly."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from .schema import CLAIM_COLUMNS, INTERVAL_COLUMNS, SITE_DAY_COLUMNS, check

__all__ = ["write_geojson", "write_site_days", "write_intervals", "write_claims_csv",
           "feature_collection"]

#: Decimal places of written coordinates (about 0.1 m).
PRECISION = 6


def _rfc7946(geom: BaseGeometry) -> dict[str, Any]:
    # RFC 7946: exterior rings counter-clockwise, holes clockwise.
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        if geom.geom_type == "Polygon":
            geom = orient(geom, 1.0)
        else:
            geom = type(geom)([orient(p, 1.0) for p in geom.geoms])
    geom = shapely.transform(geom, lambda xy: np.round(xy, PRECISION))
    return mapping(geom)


def _value(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item") and not isinstance(v, (list, dict, str)):
        return v.item()
    return v


def feature_collection(frame: gpd.GeoDataFrame, name: str | None = None) -> dict[str, Any]:
    """Return a GeoDataFrame as an RFC 7946 FeatureCollection (a dict).

    Parameters
    ----------
    frame : GeoDataFrame
        In EPSG:4326. Columns become properties; list and dict values stay
        JSON arrays and objects.
    name : str, optional
        Recorded as the collection's ``name`` (a member GDAL reads as the layer name).

    Returns
    -------
    dict
    """
    props = [c for c in frame.columns if c != frame.geometry.name]
    features = []
    for row in frame.itertuples(index=False):
        rec = row._asdict()
        geom = rec.pop(frame.geometry.name)
        features.append({
            "type": "Feature",
            "properties": {k: _value(rec[k]) for k in props},
            "geometry": None if geom is None or geom.is_empty else _rfc7946(geom),
        })
    doc: dict[str, Any] = {"type": "FeatureCollection"}
    if name:
        doc["name"] = name
    doc["features"] = features
    return doc


def write_geojson(frame: gpd.GeoDataFrame, path: str | Path, name: str | None = None) -> None:
    """Write a GeoDataFrame as RFC 7946 GeoJSON (no ``crs`` member, lon/lat, 6 decimals).

    Parameters
    ----------
    frame : GeoDataFrame
    path : str or Path
    name : str, optional
        The collection's name.
    """
    Path(path).write_bytes(orjson.dumps(feature_collection(frame, name), option=orjson.OPT_INDENT_2)
                           + b"\n")


def write_site_days(frame: gpd.GeoDataFrame, folder: str | Path) -> list[Path]:
    """Write one ``YYYY-MM-DD.geojson`` per day (one feature per site) into ``folder``.

    Parameters
    ----------
    frame : GeoDataFrame
        Site-days (:data:`maps.schema.SITE_DAY_COLUMNS`).
    folder : str or Path

    Returns
    -------
    list of Path
        The files written, by day.
    """
    check(frame, SITE_DAY_COLUMNS, "site-days")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for day, rows in frame.groupby("date", sort=True):
        path = folder / f"{day}.geojson"
        write_geojson(rows.sort_values("site", kind="stable"), path, name=f"control {day}")
        out.append(path)
    return out


def write_intervals(frame: gpd.GeoDataFrame, path: str | Path) -> None:
    """Write ``control.geojson``: one feature per site and interval of unchanged state.

    Parameters
    ----------
    frame : GeoDataFrame
        Intervals (:data:`maps.schema.INTERVAL_COLUMNS`).
    path : str or Path
    """
    check(frame, INTERVAL_COLUMNS, "intervals")
    write_geojson(frame.sort_values(["site", "start"], kind="stable"), path, name="control")


def write_claims_csv(frame: pd.DataFrame, path: str | Path) -> None:
    r"""Write ``claims.csv``, one row per claim (UTF-8, ``\\n`` line ends).

    Parameters
    ----------
    frame : DataFrame
        Claims (:data:`maps.schema.CLAIM_COLUMNS` first, other columns after).
    path : str or Path
    """
    check(frame, CLAIM_COLUMNS, "claims")
    cols = [*CLAIM_COLUMNS, *[c for c in frame.columns if c not in CLAIM_COLUMNS]]
    frame[cols].to_csv(path, index=False, lineterminator="\n", float_format="%.6f")
