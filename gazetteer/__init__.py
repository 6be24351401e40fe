"""Where things are: places, their names, hierarchy and geometry, found in text.

This package imports nothing else of conflictmap.
"""

from .core import Candidate, Gazetteer, Match, Place, bundled_path
from .errors import GazetteerError
from .geocoder import LocalGazetteer
from .names import fold, fold_with_offsets, name_variants

__all__ = [
    "Candidate", "Gazetteer", "GazetteerError", "LocalGazetteer", "Match", "Place",
    "bundled_path", "fold", "fold_with_offsets", "name_variants",
]
