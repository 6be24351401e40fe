"""Areas: the territory a control map shades, from polygons or approximated from points.

A control map shows ground, not dots. Where the gazetteer gives a quarter a
polygon, that polygon is its area. Where it gives only a point, the quarters
of one city share the city between them: each takes the Voronoi cell of its
point, clipped to the city's polygon when there is one, else to a disc
around each quarter as wide as the spacing of the quarters. Such areas are
marked ``approximate``: they say "this part of town", not a boundary.

A city without a polygon gets an approximate outline, the union of its
quarters' areas, drawn as a line so that the city reads as a place at the
first zoom.

>>> import geopandas as gpd
>>> from shapely import Point
>>> sites = gpd.GeoDataFrame(
...     {"site": ["c", "a", "b"], "name": ["City", "A", "B"],
...      "kind": ["city", "neighbourhood", "neighbourhood"], "parent": [None, "c", "c"]},
...     geometry=[Point(39.0, 35.95), Point(39.0, 35.95), Point(39.01, 35.95)], crs="EPSG:4326")
>>> areas = site_areas(sites)
>>> areas[["site", "role", "approximate"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
[{'site': 'a', 'role': 'area', 'approximate': True},
 {'site': 'b', 'role': 'area', 'approximate': True},
 {'site': 'c', 'role': 'outline', 'approximate': True}]
>>> bool(areas.geometry.iloc[0].intersects(areas.geometry.iloc[1]))  # cells meet, never overlap
True
>>> round(areas.geometry.iloc[0].intersection(areas.geometry.iloc[1]).area, 12)
0.0
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = ["AREA_KINDS", "CITY_KINDS", "AREA_COLUMNS", "site_areas"]

#: Kinds of site that are a part of a city's ground, shaded as an area.
AREA_KINDS = frozenset({"neighbourhood", "district", "quarter", "suburb", "sector", "block",
                        "area", "borough", "ward", "camp", "old city", "industrial zone"})
#: Kinds whose quarters share its ground, and which get an outline.
CITY_KINDS = frozenset({"city", "town", "village"})
#: Columns of the frame :func:`site_areas` returns.
AREA_COLUMNS = ("site", "role", "approximate", "geometry")

# A quarter's disc, when no polygon bounds its city: this multiple of the
# distance to its nearest neighbour (so neighbours' cells meet), within these bounds (metres).
_REACH = 1.5
_REACH_MIN, _REACH_MAX, _REACH_ALONE = 300.0, 1200.0, 600.0
_DECIMALS = 6


def _polygonal(geoms: Iterable[object]) -> np.ndarray:
    types = shapely.get_type_id(np.asarray(list(geoms), dtype=object))
    return np.isin(types, (3, 6))


def _reach(points: np.ndarray) -> np.ndarray:
    # The distance from each quarter to its nearest neighbour sets its reach.
    if len(points) < 2:
        return np.full(len(points), _REACH_ALONE)
    tree = shapely.STRtree(points)
    pairs, distance = tree.query_nearest(points, exclusive=True, return_distance=True,
                                         all_matches=False)
    # One answer a point, none where all the points coincide.
    nearest = np.full(len(points), _REACH_ALONE / _REACH)
    nearest[pairs[0]] = distance
    # A quarter in a dense cluster reaches as far as a typical one: no holes between cells.
    reach: np.ndarray = np.clip(np.maximum(nearest, np.median(nearest)) * _REACH, _REACH_MIN, _REACH_MAX)
    return reach


def _cells(points: np.ndarray, bound: shapely.Geometry | None) -> np.ndarray:
    """Voronoi cells of projected points, in their order, clipped to ``bound`` or their discs."""
    discs = shapely.buffer(points, _reach(points), quad_segs=16)
    if len(points) == 1:
        return np.array([discs[0] if bound is None else bound], dtype=object)
    extent = shapely.envelope(shapely.multipoints(points) if bound is None else bound)
    frame = shapely.buffer(extent, _REACH_MAX + 1000.0)
    # ordered: the cells come in the order of their points.
    out = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points),
                                                     extend_to=frame, ordered=True))
    # Each cell within its own disc, or within the city's polygon.
    cells: np.ndarray = shapely.intersection(out, discs if bound is None else bound)
    return cells


def _cities(frame: pd.DataFrame) -> list[str | None]:
    """Return the city each site is in: its nearest ancestor in ``frame`` of a kind in CITY_KINDS."""
    parent = dict(zip(frame["site"], frame["parent"] if "parent" in frame else [None] * len(frame),
                      strict=True))
    kind = dict(zip(frame["site"], frame["kind"], strict=True))
    out: list[str | None] = []
    for site in frame["site"]:
        up, seen = parent.get(site), {site}
        while isinstance(up, str) and up in kind and up not in seen and kind[up] not in CITY_KINDS:
            seen.add(up)
            up = parent.get(up)
        out.append(up if isinstance(up, str) and kind.get(up) in CITY_KINDS else None)
    return out


def _rounded(geoms: np.ndarray) -> np.ndarray:
    # Same input, same bytes: coordinates at feed precision, polygons made valid after rounding.
    rounded = shapely.set_precision(geoms, 10 ** -_DECIMALS)
    valid: np.ndarray = shapely.make_valid(rounded)
    return valid


def site_areas(sites: gpd.GeoDataFrame, *, kinds: Iterable[str] = AREA_KINDS) -> gpd.GeoDataFrame:
    """Return the ground each quarter covers, and each city's outline.

    Parameters
    ----------
    sites : GeoDataFrame
        Sites (:data:`maps.schema.SITE_COLUMNS`) in EPSG:4326, with an
        optional ``parent`` column (the id of the city a quarter is in).
        A quarter without a known parent in ``sites`` shares the ground
        with the other parentless quarters.
    kinds : iterable of str, optional
        The kinds shaded as areas (default :data:`AREA_KINDS`).

    Returns
    -------
    GeoDataFrame
        :data:`AREA_COLUMNS`, one row per area, sorted by site: ``role`` is
        ``area`` (a quarter, filled on the map) or ``outline`` (a city,
        drawn as a line); ``approximate`` is False for a polygon from the
        gazetteer.
    """
    empty = gpd.GeoDataFrame({c: [] for c in AREA_COLUMNS[:-1]}, geometry=[], crs="EPSG:4326")
    if sites.empty:
        return empty
    kinds = frozenset(kinds)
    frame = sites.sort_values("site", kind="stable").reset_index(drop=True)
    city = _cities(frame)
    given = _polygonal(frame.geometry.values)
    rows: list[tuple[str, str, bool, shapely.Geometry]] = []
    quarter = frame["kind"].isin(kinds).to_numpy()
    for i in np.flatnonzero(quarter & given).tolist():
        rows.append((frame["site"].iat[i], "area", False, frame.geometry.iat[i]))
    crs = frame.estimate_utm_crs()
    local = frame.to_crs(crs).geometry.values
    bounds = {frame["site"].iat[i]: local[i] for i in np.flatnonzero(given).tolist()}
    points = quarter & ~given & ~shapely.is_empty(local) & ~shapely.is_missing(local)
    groups: dict[str | None, list[int]] = {}
    for i in np.flatnonzero(points).tolist():
        groups.setdefault(city[i], []).append(i)
    outlines: dict[str, list[shapely.Geometry]] = {}
    for town, members in sorted(groups.items(), key=lambda kv: kv[0] or ""):
        local_cells = _cells(shapely.centroid(local[members]), bounds.get(town) if town else None)
        cells = list(gpd.GeoSeries(local_cells, crs=crs).to_crs("EPSG:4326").values)
        for i, cell in zip(members, cells, strict=True):
            rows.append((frame["site"].iat[i], "area", True, cell))
        if town and town not in bounds:
            outlines[town] = cells
    for town, cells in outlines.items():
        rows.append((town, "outline", True, shapely.union_all(cells)))
    if not rows:
        return empty
    rows.sort(key=lambda r: (r[0], r[1]))
    geoms = _rounded(np.array([r[3] for r in rows], dtype=object))
    return gpd.GeoDataFrame(
        {"site": [r[0] for r in rows], "role": [r[1] for r in rows],
         "approximate": [r[2] for r in rows]},
        geometry=list(geoms), crs="EPSG:4326")
