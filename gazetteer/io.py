"""Reading gazetteer files into place records."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import orjson
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from .errors import GazetteerError

__all__ = ["read_geojson", "PLACE_FIELDS"]

#: Columns of a place record, in order.
PLACE_FIELDS = (
    "id", "name", "aliases", "kind", "parent", "source", "precision",
    "prominence", "population", "layer", "geometry",
)
_PRECISIONS = {"exact", "approximate", "estimate"}


def _check_coordinates(path: str, where: str, geom: BaseGeometry) -> None:
    minx, miny, maxx, maxy = geom.bounds
    if any(math.isnan(v) for v in (minx, miny, maxx, maxy)):
        raise GazetteerError(path, f"{where}: geometry has no coordinates")
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise GazetteerError(
            path, f"{where}: coordinates out of range (lon {minx}..{maxx}, lat {miny}..{maxy})"
        )


def read_geojson(path: str | Path, layer: str = "theatre") -> list[dict[str, Any]]:
    """Read a GeoJSON FeatureCollection of places.

    Parameters
    ----------
    path : str or Path
        A GeoJSON file whose features have the properties ``id``, ``name``,
        ``aliases`` (list), ``kind``, ``parent`` (id or null) and ``source``;
        optionally ``precision`` (exact / approximate / estimate),
        ``prominence`` and ``population``.
    layer : str
        Recorded on every place: where it came from.

    Returns
    -------
    list of dict
        One record per feature, keyed by :data:`PLACE_FIELDS`.

    Raises
    ------
    GazetteerError
        If the file cannot be read or a feature is malformed; the message
        names the file and the feature.
    """
    path = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise GazetteerError(path, f"cannot read file ({exc.strerror})") from None
    try:
        doc = orjson.loads(raw.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError as exc:
        raise GazetteerError(path, f"not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise GazetteerError(path, "not a GeoJSON FeatureCollection")
    records = []
    for n, feature in enumerate(doc.get("features") or [], start=1):
        props = (feature or {}).get("properties") or {}
        where = f"feature {n}" + (f" (id {props['id']!r})" if props.get("id") else "")
        pid = props.get("id")
        name = props.get("name")
        if pid in (None, ""):
            raise GazetteerError(path, f"{where}: missing 'id'")
        if not isinstance(name, str) or not name.strip():
            raise GazetteerError(path, f"{where}: missing 'name'")
        aliases = props.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [a.strip() for a in aliases.split("|") if a.strip()]
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise GazetteerError(path, f"{where}: 'aliases' must be a list of names")
        precision = props.get("precision") or "approximate"
        if precision not in _PRECISIONS:
            raise GazetteerError(
                path, f"{where}: 'precision' must be one of {sorted(_PRECISIONS)}, not {precision!r}"
            )
        geom = None
        if feature.get("geometry"):
            try:
                geom = shape(feature["geometry"])
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                raise GazetteerError(path, f"{where}: invalid geometry ({exc})") from None
            if geom.is_empty:
                raise GazetteerError(path, f"{where}: empty geometry")
            _check_coordinates(path, where, geom)
            if not geom.is_valid:
                raise GazetteerError(path, f"{where}: invalid geometry (self-intersecting?)")
        records.append(
            {
                "id": str(pid),
                "name": name.strip(),
                "aliases": [a.strip() for a in aliases if a.strip()],
                "kind": str(props.get("kind") or "place").lower(),
                "parent": str(props["parent"]) if props.get("parent") else None,
                "source": str(props.get("source") or ""),
                "precision": precision,
                "prominence": int(props.get("prominence") or 0),
                "population": int(props.get("population") or 0),
                "layer": layer,
                "geometry": geom,
            }
        )
    if not records:
        raise GazetteerError(path, "no features")
    return records
