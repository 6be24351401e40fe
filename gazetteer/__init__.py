"""Where things are: places, their names, hierarchy and geometry, found in text.

This package imports nothing else of conflictmap.
"""

from .core import Candidate, Gazetteer, Match, Place, bundled_path, check_files
from .errors import GazetteerError
from .geocoder import LocalGazetteer
from .io import Problem, read_places
from .names import fold, fold_with_offsets, name_variants

__all__ = [
    "Candidate", "Gazetteer", "GazetteerError", "LocalGazetteer", "Match", "Place",
    "Problem", "bundled_path", "check_files", "fold", "fold_with_offsets", "name_variants",
    "read_places",
]
