"""conflictmap: day-by-day control maps of urban battles, read from news reports.

The folders ``gazetteer/`` (where things are), ``geo/`` (what happened where
and when) and ``maps/`` (how it is shown) are its subpackages
:mod:`conflictmap.gazetteer`, :mod:`conflictmap.geo` and :mod:`conflictmap.maps`.
The names below are imported on first use, so ``conflictmap --help`` does
not wait for geopandas.

>>> import conflictmap
>>> battle = conflictmap.build(conflictmap.demo_articles())
>>> battle.day("2017-10-17").set_index("site").loc["raqqa-national-hospital", "controller"]
'SDF'
"""

from __future__ import annotations

from importlib import import_module, metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    __version__: str
    from conflictmap.gazetteer import Gazetteer, GazetteerError, LocalGazetteer
    from conflictmap.geo.actors import Actors
    from conflictmap.geo.controlmap import ControlMap, build, demo_articles
    from conflictmap.geo.errors import InputError

_WHERE = {
    "build": "conflictmap.geo.controlmap", "ControlMap": "conflictmap.geo.controlmap",
    "demo_articles": "conflictmap.geo.controlmap", "Actors": "conflictmap.geo.actors",
    "InputError": "conflictmap.geo.errors", "Gazetteer": "conflictmap.gazetteer",
    "GazetteerError": "conflictmap.gazetteer", "LocalGazetteer": "conflictmap.gazetteer",
}
__all__ = ["Actors", "ControlMap", "Gazetteer", "GazetteerError", "InputError", "LocalGazetteer",
           "__version__", "build", "demo_articles"]


def _version() -> str:
    try:
        return metadata.version("conflictmap")
    except metadata.PackageNotFoundError:  # a source tree that is not installed
        return "unknown"


def __getattr__(name: str) -> Any:
    # Looked up on first use: the command line starts without reading the package metadata.
    if name == "__version__":
        return _version()
    if name not in _WHERE:
        raise AttributeError(f"module 'conflictmap' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
