"""How it is shown: HTML map, GeoJSON, GeoPackage, CSV and images from documented GeoDataFrames.

This package imports nothing else of conflictmap; :mod:`maps.schema` documents
the frames its writers take, and every writer checks its input against it.
"""

from .feeds import (
    events,
    write_claims_csv,
    write_events_csv,
    write_interval_feeds,
    write_site_days,
)
from .gpkg import write_gpkg
from .html import DaySlider, OfflineMap, intervals_from_days, write_map
from .images import write_day_images, write_gif
from .schema import SchemaError

__all__ = [
    "DaySlider", "OfflineMap", "SchemaError", "events", "intervals_from_days", "write_claims_csv",
    "write_day_images", "write_events_csv", "write_gif",
    "write_gpkg", "write_interval_feeds", "write_map",
    "write_site_days",
]
