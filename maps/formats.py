"""The output formats: one entry each, so a new format is one more entry.

Each :class:`Writer` says which files it writes into the output folder (and
so which it replaces there) and writes them from the frames of
:mod:`maps.schema`. The CLI's ``--format`` help and the list of known
formats come from :data:`WRITERS`. Importing this module loads nothing
heavy: a writer imports its module when it runs.

>>> list(WRITERS)
['html', 'geojson', 'gpkg', 'csv', 'png', 'gif']
>>> WRITERS["gpkg"].files
('conflictmap.gpkg',)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["WRITERS", "Writer", "Output", "DEFAULT_FORMATS", "describe", "write"]


@dataclass
class Output:
    """What the writers are given: the frames and what the page says around them.

    Attributes
    ----------
    frames : mapping
        ``sites``, ``days``, ``intervals`` (GeoDataFrames), ``claims``,
        ``mentions``, ``unresolved`` (DataFrames), ``background``
        (GeoDataFrame), as :mod:`maps.schema` documents them.
    actors : mapping
        ``id -> {"name", "colour"}``.
    days : list of datetime.date
        The days mapped, first to last.
    title, credit : str
        The map's title and its source line.
    tiles : str or None
        A basemap tile URL template for the HTML map (None: no tiles).
    formats : tuple of str
        All the formats being written (the images writer makes the GIF and
        the PNGs in one pass).
    cache : dict
        What one writer works out for others (the quarters' areas).
    """

    frames: Mapping[str, Any]
    actors: Mapping[str, Mapping[str, str]]
    days: Sequence[dt.date]
    title: str = ""
    credit: str = ""
    tiles: str | None = None
    formats: tuple[str, ...] = field(default_factory=tuple)
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Writer:
    """An output format.

    Attributes
    ----------
    name : str
        As ``--format`` names it.
    files : tuple of str
        Glob patterns, relative to the output folder, of what it writes.
    description : str
        For help texts.
    write : callable
        ``write(output, folder)``; writers that share a callable run it once.
    default : bool
        Written when no format is asked for.
    """

    name: str
    files: tuple[str, ...]
    description: str
    write: Callable[[Output, Path], None]
    default: bool = False


def _html(out: Output, folder: Path) -> None:
    from .html import write_map

    write_map(folder / "index.html", out.frames["sites"], out.frames["intervals"], out.actors,
              days=[d.isoformat() for d in out.days], background=out.frames["background"],
              title=out.title, credit=out.credit, tiles=out.tiles, areas=_areas(out))


def _areas(out: Output) -> Any:
    # Computed once for all the formats that show ground.
    from .areas import site_areas

    if "areas" not in out.cache:
        sites = out.frames["sites"]
        areas = site_areas(sites)
        names = sites.set_index("site")[["name", "kind"]]
        out.cache["areas"] = areas.join(names, on="site")[["site", "name", "kind", "role",
                                                           "approximate", "geometry"]]
    return out.cache["areas"]


def _geojson(out: Output, folder: Path) -> None:
    from .feeds import write_areas, write_interval_feeds, write_site_days

    write_interval_feeds(out.frames["intervals"], folder / "control.geojson",
                         folder / "control.geojsonl", actors=out.actors, last_day=out.days[-1])
    write_site_days(out.frames["days"], folder / "days")
    write_areas(_areas(out), folder / "areas.geojson")


def _gpkg(out: Output, folder: Path) -> None:
    from .gpkg import write_gpkg

    f = out.frames
    write_gpkg(folder / "conflictmap.gpkg", sites=f["sites"], intervals=f["intervals"],
               claims=f["claims"], mentions=f["mentions"], current_date=out.days[-1],
               actors=out.actors, areas=_areas(out))


def _csv(out: Output, folder: Path) -> None:
    from .feeds import write_claims_csv, write_csv, write_events_csv

    f = out.frames
    write_claims_csv(f["claims"], folder / "claims.csv")
    write_events_csv(f["claims"], folder / "events.csv")
    write_csv(f["mentions"], folder / "mentions.csv", float_format="%.6f")
    write_csv(f["unresolved"], folder / "unresolved.csv")


def _images(out: Output, folder: Path) -> None:
    import geopandas as gpd
    import pandas as pd

    from .images import write_day_images

    f = out.frames
    days = f["days"]
    if not isinstance(days, pd.DataFrame):  # days given one by one: the pictures need them together
        days = gpd.GeoDataFrame(pd.concat(list(days), ignore_index=True), geometry="geometry",
                                crs="EPSG:4326")
    write_day_images(folder / "days", f["sites"], days, out.actors, title=out.title,
                     background=f["background"], credit=out.credit, png="png" in out.formats,
                     gif=folder / "days.gif" if "gif" in out.formats else None, areas=_areas(out))


#: The output formats by name, in the order they are written.
WRITERS: dict[str, Writer] = {w.name: w for w in (
    Writer("html", ("index.html",), "the map page", _html, default=True),
    Writer("geojson", ("control.geojson", "control.geojsonl", "control.qml", "days/*.geojson",
                       "areas.geojson"),
           "interval and day feeds", _geojson, default=True),
    Writer("gpkg", ("conflictmap.gpkg",), "GeoPackage for QGIS", _gpkg, default=True),
    Writer("csv", ("claims.csv", "events.csv", "mentions.csv", "unresolved.csv"),
           "claims, ACLED-style events, mentions, unresolved names", _csv, default=True),
    Writer("png", ("days/*.png",), "a picture of each day", _images),
    Writer("gif", ("days.gif",), "the days animated", _images),
)}
#: What a build writes when no format is asked for.
DEFAULT_FORMATS = tuple(name for name, w in WRITERS.items() if w.default)


def describe() -> str:
    """Return the formats as one line for help texts.

    >>> describe().startswith("html (the map page), geojson")
    True
    """
    return ", ".join(f"{w.name} ({w.description})" for w in WRITERS.values())


def write(out: Output, folder: str | Path, formats: Sequence[str]) -> None:
    """Write ``formats`` (names of :data:`WRITERS`) into ``folder``, each writer once.

    Parameters
    ----------
    out : Output
    folder : str or Path
    formats : sequence of str
    """
    folder = Path(folder)
    done: list[Callable[[Output, Path], None]] = []
    for name in formats:
        fn = WRITERS[name].write
        if fn not in done:
            fn(out, folder)
            done.append(fn)
