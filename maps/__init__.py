"""How it is shown: HTML map, GeoJSON, GeoPackage, CSV and images from documented GeoDataFrames.

This package imports nothing else of conflictmap; :mod:`maps.schema` documents
the frames its writers take, and every writer checks its input against it.
:mod:`maps.formats` lists the output formats. Names are imported on first
use, so that help texts can read the formats without loading geopandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .areas import site_areas
    from .feeds import events, write_claims_csv, write_events_csv, write_interval_feeds, write_site_days
    from .formats import WRITERS
    from .gpkg import write_gpkg
    from .html import DaySlider, OfflineMap, intervals_from_days, write_map
    from .images import write_day_images, write_gif
    from .schema import SchemaError

_WHERE = {
    "site_areas": "areas", "events": "feeds", "write_claims_csv": "feeds",
    "write_events_csv": "feeds", "write_interval_feeds": "feeds", "write_site_days": "feeds",
    "WRITERS": "formats", "write_gpkg": "gpkg", "DaySlider": "html", "OfflineMap": "html",
    "intervals_from_days": "html", "write_map": "html", "write_day_images": "images",
    "write_gif": "images", "SchemaError": "schema",
}
__all__ = [
    "DaySlider", "OfflineMap", "SchemaError", "WRITERS", "events", "intervals_from_days",
    "site_areas", "write_claims_csv", "write_day_images", "write_events_csv", "write_gif",
    "write_gpkg", "write_interval_feeds", "write_map", "write_site_days",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)
