"""The gazetteer formats conflictmap reads: one entry each, so a new format is one more entry.

Importing this module loads nothing heavy: a reader's function is imported
when it is first used, so help texts can list the formats at once.

>>> sorted(READERS)
['alternate-names', 'csv', 'geojson', 'geonames', 'ogr']
>>> READERS["ogr"].suffixes[:3]
('.fgb', '.gdb', '.gml')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

__all__ = ["READERS", "Reader", "describe"]


@dataclass(frozen=True)
class Reader:
    """A gazetteer format: how it is recognised and which function reads it.

    Attributes
    ----------
    name : str
        What :func:`gazetteer.io.sniff` answers for it.
    suffixes : tuple of str
        File name endings that settle the format (none: told by content).
    description : str
        For help texts.
    target : str
        ``module:function`` in this package; the function takes a path.
    """

    name: str
    suffixes: tuple[str, ...]
    description: str
    target: str

    def function(self) -> Callable[..., Any]:
        """Return the reading function (imported on first use)."""
        module, _, name = self.target.partition(":")
        return getattr(import_module(f".{module}", __package__), name)  # type: ignore[no-any-return]


#: Gazetteer formats by name.
READERS: dict[str, Reader] = {r.name: r for r in (
    Reader("geojson", (".geojson", ".json"), "GeoJSON (one feature per place)", "io:read_geojson"),
    Reader("csv", (".csv",), "CSV (name and lat/lon or WKT)", "io:read_csv"),
    Reader("geonames", (), "GeoNames dump (.txt)", "io:read_geonames"),
    Reader("alternate-names", (), "GeoNames alternate names (.txt)", "io:read_alternate_names"),
    Reader("ogr", (".fgb", ".gdb", ".gml", ".gpkg", ".kml", ".shp", ".shz", ".sqlite", ".zip"),
           "GeoPackage, Shapefile and other files GDAL reads", "io:read_ogr"),
)}


def describe() -> str:
    """Return the formats as one line for help texts.

    >>> describe().split(", ")[0]
    'GeoJSON (one feature per place)'
    """
    return ", ".join(r.description for r in READERS.values())
