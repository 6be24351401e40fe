"""The GeoDataFrames the writers of this package take.

Every writer checks its input against these column lists first, so a caller
learns of a missing column by name, not from deep inside a writer.

Sites (``SITE_COLUMNS``), one row per place shown on the map:

========== ======== ==================================================
column     type     meaning
========== ======== ==================================================
site       str      stable id of the place
name       str      display name
kind       str      city, neighbourhood, hospital, stadium, square ...
precision  str      exact / approximate / estimate (of the coordinate)
source     str      where the coordinate comes from
geometry   geometry Point or Polygon, EPSG:4326
========== ======== ==================================================

Site-days (``SITE_DAY_COLUMNS``), one row per site and day:

========== ======== ==================================================
site, name str      as above
date       str      ISO day, ``YYYY-MM-DD``
controller str      an actor id, ``contested`` or ``unknown``
inferred   bool     no evidence speaks of that day; implied by later evidence
evidence   list     of dicts ``{article, date, sentence}``
geometry   geometry as above
========== ======== ==================================================

Intervals (``INTERVAL_COLUMNS``), one row per site and run of unchanged state:
``site``, ``name``, ``controller``, ``start`` and ``end`` (ISO days, both
inclusive; ``end`` is empty while the state lasts to the last day mapped),
``inferred``, ``evidence``, ``geometry``.

Claims (``CLAIM_COLUMNS``) are a plain DataFrame, one row per claim read.

Actors are given as a mapping ``id -> {"name": str, "colour": "#rrggbb"}``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

__all__ = [
    "SITE_COLUMNS", "SITE_DAY_COLUMNS", "INTERVAL_COLUMNS", "CLAIM_COLUMNS",
    "CONTESTED", "UNKNOWN", "SchemaError", "check",
]

CONTESTED = "contested"
UNKNOWN = "unknown"
SITE_COLUMNS = ("site", "name", "kind", "precision", "source", "geometry")
SITE_DAY_COLUMNS = ("site", "name", "date", "controller", "inferred", "evidence", "geometry")
INTERVAL_COLUMNS = (
    "site", "name", "controller", "start", "end", "inferred", "evidence", "geometry",
)
CLAIM_COLUMNS = (
    "article", "published", "date", "date_precision", "site", "site_name", "type", "actor",
    "loser", "status", "asserted_by", "confidence", "sentence", "reason", "longitude",
    "latitude",
)


class SchemaError(ValueError):
    """A frame handed to a writer lacks columns the writer needs."""


def check(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise :class:`SchemaError` if ``frame`` lacks any of ``columns``.

    Parameters
    ----------
    frame : DataFrame
    columns : iterable of str
    what : str
        The frame's role, for the message.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(f"{what} frame lacks columns: {', '.join(missing)}")
    if "geometry" in columns and getattr(frame, "crs", None) is not None:
        if frame.crs.to_epsg() != 4326:
            raise SchemaError(f"{what} frame must be in EPSG:4326, not {frame.crs}")
