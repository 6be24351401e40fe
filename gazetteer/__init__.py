"""Where things are: places, their names, hierarchy and geometry, found in text.

This package imports nothing else of conflictmap. Its names are imported on
first use, so that reading :data:`gazetteer.formats.READERS` (help texts)
does not wait for geopandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .core import Candidate, Gazetteer, Match, Place, bundled_path, check_files
    from .errors import GazetteerError
    from .geocoder import LocalGazetteer
    from .io import Problem, read_places
    from .names import fold, fold_with_offsets, name_variants

_WHERE = {
    "Candidate": "core", "Gazetteer": "core", "Match": "core", "Place": "core",
    "bundled_path": "core", "check_files": "core", "GazetteerError": "errors",
    "LocalGazetteer": "geocoder", "Problem": "io", "read_places": "io", "fold": "names",
    "fold_with_offsets": "names", "name_variants": "names",
}
__all__ = [
    "Candidate", "Gazetteer", "GazetteerError", "LocalGazetteer", "Match", "Place",
    "Problem", "bundled_path", "check_files", "fold", "fold_with_offsets", "name_variants",
    "read_places",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)
