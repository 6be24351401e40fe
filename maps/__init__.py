"""How it is shown: HTML map, GeoJSON feeds and CSV from documented GeoDataFrames.

This package imports nothing else of conflictmap; :mod:`maps.schema` documents
the frames its writers take.
"""

from .feeds import write_claims_csv, write_geojson, write_intervals, write_site_days
from .html import DaySlider, OfflineMap, write_map
from .schema import SchemaError

__all__ = [
    "DaySlider", "OfflineMap", "SchemaError", "write_claims_csv", "write_geojson",
    "write_intervals", "write_map", "write_site_days",
]
