"""Checks that need several places at once: ids, parents, distances, shared names.

Every check returns :class:`~gazetteer.io.Problem` objects naming the file
and the line or feature, so ``conflictmap gazetteer check`` can list them all
and a build can stop at the first error.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .io import Problem, local_crs
from .names import fold_many

__all__ = ["duplicate_ids", "contain", "parents", "distances", "ambiguous_names", "where"]


def where(row: pd.Series | Mapping[str, Any]) -> str:
    """Return how a problem names a place: its line or feature, and its id."""
    unit = "line" if str(row["file"]).lower().endswith((".csv", ".txt", ".tsv")) else "feature"
    return f"{unit} {row['row']} (id {row['id']!r})"


def duplicate_ids(frame: pd.DataFrame) -> list[Problem]:
    """Report ids used twice in one file (across files, a later file overrides).

    Parameters
    ----------
    frame : DataFrame
        Places with ``file`` and ``row`` columns, in file order.

    Returns
    -------
    list of Problem
    """
    dup = frame.duplicated(["file", "id"], keep=False)
    out = []
    for (path, pid), rows in frame[dup].groupby(["file", "id"], sort=True):
        first = rows.iloc[0]
        for _, row in rows.iloc[1:].iterrows():
            out.append(Problem(str(path), where(row), f"duplicate id {pid!r} (first at "
                                                       f"{where(first).split(' (')[0]})"))
    return out


def contain(frame: pd.DataFrame) -> pd.Series:
    """Fill in missing parents from polygons that contain a place.

    Parameters
    ----------
    frame : DataFrame
        Merged places (unique ids).

    Returns
    -------
    Series
        The ``parent`` column, with the smallest containing polygon's id
        where a theatre place had none.
    """
    parent = frame["parent"].copy()
    geoms = frame["geometry"].to_numpy()
    theatre = (frame["layer"] != "world").to_numpy()
    has_geom = ~pd.isna(geoms)
    poly = np.zeros(len(frame), dtype=bool)
    poly[has_geom] = np.isin(shapely.get_type_id(geoms[has_geom]), [3, 6])
    poly &= theatre
    orphans = np.flatnonzero(theatre & has_geom & parent.isna().to_numpy())
    if not poly.any() or not len(orphans):
        return parent
    polys = np.flatnonzero(poly)
    areas = shapely.area(geoms[polys])
    tree = shapely.STRtree(geoms[polys])
    points = shapely.point_on_surface(geoms[orphans])
    o_idx, p_idx = tree.query(points, predicate="within")
    best: dict[int, int] = {}
    for o, p in zip(o_idx.tolist(), p_idx.tolist(), strict=True):
        child, container = orphans[o], polys[p]
        if child == container:
            continue
        # A polygon contains its own point; only a larger one can be a parent.
        if poly[child] and areas[p] <= shapely.area(geoms[child]):
            continue
        if child not in best or areas[p] < areas[np.searchsorted(polys, best[child])]:
            best[child] = container
    ids = frame["id"].to_numpy()
    for child, container in best.items():
        parent.iat[child] = ids[container]
    return parent


def parents(frame: pd.DataFrame) -> list[Problem]:
    """Report parents that do not exist and parent cycles.

    Parameters
    ----------
    frame : DataFrame
        Merged places (unique ids).

    Returns
    -------
    list of Problem
    """
    ids = frame["id"].tolist()
    parent = frame["parent"].tolist()
    link = dict(zip(ids, parent, strict=True))
    out = []
    for i in np.flatnonzero(frame["parent"].notna().to_numpy()).tolist():
        if parent[i] not in link:
            row = frame.iloc[i]
            out.append(Problem(row["file"], where(row), f"parent {row['parent']!r} does not exist"))
    done: set[str] = set()
    for pid in ids:
        seen: list[str] = []
        cur = pid
        while cur in link and cur not in done:
            if cur in seen:
                row = frame[frame["id"] == cur].iloc[0]
                loop = " -> ".join([*seen[seen.index(cur):], cur])
                out.append(Problem(row["file"], where(row), f"parent cycle: {loop}"))
                break
            seen.append(cur)
            cur = link[cur]
        done.update(seen)
    return out


def distances(frame: pd.DataFrame, extent_km: Mapping[str, float]) -> list[Problem]:
    """Report places far from their parent, or from the rest of their file.

    A place further from its parent than the parent's kind reaches
    (``extent_km``) is reported; when swapping its latitude and longitude
    would bring it back, the report says so, and is an error. A place more
    than 1,000 km from the middle of its file's places whose swapped point
    would lie among them is reported as swapped too. Distances are measured
    in the UTM zone of each file's places.

    Parameters
    ----------
    frame : DataFrame
        Merged places (unique ids).
    extent_km : mapping of str to float
        Reach of each kind of parent; ``default`` for the others.

    Returns
    -------
    list of Problem
    """
    out: list[Problem] = []
    theatre = frame[(frame["layer"] != "world") & frame["geometry"].notna()]
    if theatre.empty:
        return out
    # Parents are looked up by position; every distance is measured in one
    # array operation per file, and only the places found far are looked at
    # one by one.
    pos = {pid: i for i, pid in enumerate(frame["id"].tolist())}
    all_geoms = frame["geometry"].to_numpy()
    all_kinds = frame["kind"].tolist()
    default = extent_km.get("default", 50)
    for path, rows in theatre.groupby("file", sort=True):
        pts = gpd.GeoSeries(shapely.point_on_surface(rows["geometry"].to_numpy()), crs=4326)
        swapped = gpd.GeoSeries(shapely.points(pts.y.clip(-180, 180), pts.x.clip(-90, 90)), crs=4326)
        middle = shapely.Point(float(np.median(pts.x)), float(np.median(pts.y)))
        utm = local_crs(gpd.GeoSeries([middle], crs=4326))
        p_pts = pts.to_crs(utm).to_numpy()
        p_swapped = swapped.to_crs(utm).to_numpy()
        p_middle = gpd.GeoSeries([middle], crs=4326).to_crs(utm).iloc[0]
        # The places whose parent exists and has a geometry.
        child, parent_at = [], []
        for i, parent in enumerate(rows["parent"].tolist()):
            j = pos.get(parent) if isinstance(parent, str) else None
            if j is None:
                continue
            pgeom = all_geoms[j]
            if pgeom is None or (isinstance(pgeom, float) and np.isnan(pgeom)):
                continue
            child.append(i)
            parent_at.append(j)
        flagged = np.zeros(len(rows), dtype=bool)
        if child:
            pgeoms = all_geoms[parent_at]
            reach = np.array([float(extent_km.get(all_kinds[j], default)) * 1000 for j in parent_at])
            ppts = gpd.GeoSeries(shapely.point_on_surface(pgeoms), crs=4326).to_crs(utm).to_numpy()
            with np.errstate(invalid="ignore"):  # far outside the UTM zone: NaN, as one by one
                d_all = shapely.distance(p_pts[child], ppts)
            for k in np.flatnonzero(~(d_all <= reach)).tolist():
                i, pgeom, d = child[k], pgeoms[k], float(d_all[k])
                if pgeom.geom_type != "Point" and pgeom.buffer(0).contains(pts.iloc[i]):
                    continue
                flagged[i] = True
                row = rows.iloc[i]
                parent, pkind = row["parent"], all_kinds[parent_at[k]]
                ds = p_swapped[i].distance(ppts[k])
                if ds <= reach[k]:
                    out.append(Problem(str(path), where(row), (
                        f"latitude and longitude look swapped: the point is {d / 1000:,.0f} km from "
                        f"its parent {parent!r}, swapped it would be {ds / 1000:,.0f} km")))
                else:
                    out.append(Problem(str(path), where(row), (
                        f"{d / 1000:,.0f} km from its parent {parent!r} ({pkind}, which reaches "
                        f"about {reach[k] / 1000:,.0f} km)"), "warning"))
        if len(rows) < 4:
            continue
        with np.errstate(invalid="ignore"):
            d_mid = shapely.distance(p_pts, p_middle)
            ds_mid = shapely.distance(p_swapped, p_middle)
        for i in np.flatnonzero((d_mid > 1_000_000) & (ds_mid < 200_000) & ~flagged).tolist():
            d, ds = float(d_mid[i]), float(ds_mid[i])
            out.append(Problem(str(path), where(rows.iloc[i]), (
                f"latitude and longitude look swapped: the point is {d / 1000:,.0f} km from "
                f"the file's other places, swapped it would be {ds / 1000:,.0f} km")))
    return out


def ambiguous_names(frame: pd.DataFrame, city_of: Mapping[str, str | None]) -> list[Problem]:
    """Report a name shared by two places of the same kind in the same city.

    Such a name cannot be resolved from the text alone; the report makes the
    ambiguity visible rather than settling it silently.

    Parameters
    ----------
    frame : DataFrame
        Merged places (unique ids).
    city_of : mapping of str to str or None
        The city of each place id.

    Returns
    -------
    list of Problem
        Warnings.
    """
    groups: dict[tuple[str, str, str | None], set[str]] = defaultdict(set)
    rows = frame[frame["layer"] != "world"]
    ids, kinds = rows["id"].tolist(), rows["kind"].tolist()
    owners = [i for i, aliases in enumerate(rows["aliases"].tolist())
              for _ in range(1 + len(aliases))]
    names = [n for name, aliases in zip(rows["name"], rows["aliases"], strict=True)
             for n in (name, *aliases)]
    for i, key in zip(owners, fold_many(names), strict=True):
        if key:
            groups[(key, kinds[i], city_of.get(ids[i]))].add(ids[i])
    pos = {pid: i for i, pid in enumerate(ids)}
    out = []
    for (key, kind, city), found in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1],
                                                                             str(kv[0][2]))):
        if len(found) < 2:
            continue
        ordered = sorted(found)
        row = rows.iloc[pos[ordered[1]]]
        out.append(Problem(row["file"], where(row), (
            f"ambiguous name {key!r}: {', '.join(map(repr, ordered))} are all {kind}s in "
            f"{city or 'no city'}"), "warning"))
    return out


def merge(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate place tables; a later id replaces an earlier one.

    Parameters
    ----------
    frames : sequence of DataFrame

    Returns
    -------
    DataFrame
        Unique ids, in order of first appearance.
    """
    frames = [f for f in frames if len(f)]
    if not frames:
        raise ValueError("no places")
    both = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    last = both.drop_duplicates("id", keep="last")
    order = both.drop_duplicates("id", keep="first")["id"]
    return last.set_index("id", drop=False).loc[order.to_numpy()].reset_index(drop=True)
