"""The Python interface: read reports into a :class:`ControlMap`, look at it, write it.

>>> import conflictmap                                      # doctest: +SKIP
>>> battle = conflictmap.build(["reports/"], gazetteer=["places.geojson"],
...                            actors="actors.yaml")          # doctest: +SKIP
>>> battle.day("2017-10-16")[["name", "controller"]]          # doctest: +SKIP
>>> battle.to_file("out/")                                    # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd

from conflictmap.gazetteer import Gazetteer
from conflictmap.maps.parts import Parts

from .actors import Actors
from .errors import InputError
from .frames import Frames, frames
from .pipeline import (
    OUTPUTS,
    Reading,
    bundled_theatre,
    load_inputs,
    parse_formats,
    read_theatre,
    write_outputs,
)

__all__ = ["ControlMap", "build", "demo_articles"]


def demo_articles() -> list[Path]:
    """Return the bundled demo's report files (the battle for Raqqa, October 2017)."""
    return list(bundled_theatre()["articles"])


def _single_files() -> dict[str, tuple[str, str]]:
    # A file name ending names the format whose first file it is: ".gpkg" -> conflictmap.gpkg.
    out: dict[str, tuple[str, str]] = {}
    for fmt, patterns in OUTPUTS.items():
        first = patterns[0]
        if "*" not in first and "/" not in first:
            out.setdefault(Path(first).suffix, (fmt, first))
    return out


class ControlMap:
    """Who held which site on which day, as read from a set of reports.

    Built by :func:`build`; its frames follow :mod:`maps.schema`.

    Attributes
    ----------
    reading : Reading
        Articles, mentions, claims and the timeline.
    gazetteer : Gazetteer
    actors : Actors
    """

    def __init__(self, reading: Reading, gazetteer: Gazetteer, actors: Actors) -> None:
        self.reading = reading
        self.gazetteer = gazetteer
        self.actors = actors

    def __repr__(self) -> str:
        days = self.days
        span = f"{days[0]} to {days[-1]}" if days else "no days"
        return (f"<ControlMap: {len(self.reading.articles)} articles, {len(self.reading.claims)} "
                f"claims, {len(self.reading.timeline.sites)} sites, {span}>")

    @cached_property
    def _frames(self) -> Frames:
        return frames(self.reading, self.gazetteer)

    @property
    def days(self) -> list[dt.date]:
        """The days mapped, first to last."""
        return list(self.reading.timeline.days)

    @property
    def sites(self) -> gpd.GeoDataFrame:
        """One row per site on the map (:data:`maps.schema.SITE_COLUMNS`)."""
        return self._frames["sites"].copy()

    @property
    def intervals(self) -> gpd.GeoDataFrame:
        """One row per site and run of unchanged state (as ``control.geojson``)."""
        return self._frames["intervals"].copy()

    @property
    def claims(self) -> pd.DataFrame:
        """One row per claim read, doubtful ones included (as ``claims.csv``)."""
        return _whole(self._frames["claims"]).copy()

    @property
    def mentions(self) -> pd.DataFrame:
        """One row per place named in the reports (as ``mentions.csv``)."""
        return _whole(self._frames["mentions"]).copy()

    def day(self, date: str | dt.date) -> gpd.GeoDataFrame:
        """Return each site's state at the end of ``date`` (as ``days/DATE.geojson``).

        Parameters
        ----------
        date : str or datetime.date
            ISO ``YYYY-MM-DD``, within :attr:`days`.

        Returns
        -------
        GeoDataFrame
            One row per site: ``site``, ``name``, ``date``, ``controller``,
            ``inferred``, ``fighting``, ``evidence``, ``geometry``.

        Raises
        ------
        InputError
            For a date that is not one of :attr:`days`.
        """
        try:
            day = date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date))
        except ValueError:
            raise InputError(str(date), "not a date (YYYY-MM-DD)") from None
        days = self.days
        if day not in days:
            raise InputError(str(date), f"not a day of this map ({days[0]} to {days[-1]})")
        return self._frames["days"].on(day)

    def to_file(self, path: str | Path, format: str | Sequence[str] | None = None,
                tiles: str | None = None) -> Path:
        """Write the map and feeds into a folder, or one of them into a file.

        Parameters
        ----------
        path : str or Path
            A folder (written as ``conflictmap build --out`` writes it), or a
            file whose ending names one output: ``.html`` (the map),
            ``.geojson`` / ``.geojsonl`` (the intervals), ``.gpkg``, ``.csv``
            (the claims), ``.gif``.
        format : str or sequence of str, optional
            For a folder: what to write (``"html,gpkg"``, ``"all"``; default
            as the CLI).
        tiles : str, optional
            A basemap tile URL template for the HTML map.

        Returns
        -------
        Path
        """
        path = Path(path)
        single = _single_files().get(path.suffix.lower()) if not path.is_dir() else None
        if single is None:
            return write_outputs(self.reading, self.gazetteer, self.actors, path, tiles=tiles,
                                 formats=parse_formats(format))
        fmt, name = single
        if path.suffix.lower() == ".geojsonl":
            name = "control.geojsonl"
        return self._write_one(fmt, name, path, tiles)

    def to_html(self, path: str | Path, tiles: str | None = None) -> Path:
        """Write the map as one HTML page that needs no network.

        Parameters
        ----------
        path : str or Path
        tiles : str, optional
            A basemap tile URL template (by default no tiles are loaded).

        Returns
        -------
        Path
        """
        return self._write_one("html", "index.html", Path(path), tiles)

    def _write_one(self, fmt: str, name: str, path: Path, tiles: str | None) -> Path:
        # Written whole beside the target, then moved in: never half a file.
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(prefix=f".{path.name}.", dir=path.parent) as tmp:
                out = Path(tmp) / "out"
                write_outputs(self.reading, self.gazetteer, self.actors, out, tiles=tiles,
                              formats=(fmt,))
                (out / name).replace(path)
        except OSError as exc:  # a full disk, a folder we may not write, a folder at ``path``
            raise InputError(str(path), f"cannot write: {exc.strerror or exc}") from None
        return path


def build(articles: Sequence[str | Path], *, gazetteer: Sequence[str | Path] = (),
          actors: str | Path | None = None,
          dates: Mapping[str, dt.date | str] | None = None) -> ControlMap:
    """Read reports and return who held which site on which day; nothing is written.

    Parameters
    ----------
    articles : sequence of path
        Report text files, or folders of ``.txt`` files.
    gazetteer : sequence of path, optional
        Gazetteer files (default: the bundled Raqqa theatre).
    actors : path, optional
        The actors YAML (default: the bundled Raqqa actors).
    dates : mapping, optional
        Publication dates (``date`` or ISO string) by path or file name.

    Returns
    -------
    ControlMap

    Raises
    ------
    InputError, GazetteerError
        For input that cannot be used (the message names the file).
    """
    parsed = {}
    for key, value in (dates or {}).items():
        try:
            parsed[str(key)] = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        except ValueError:
            raise InputError(str(key), f"{value!r} is not a date (YYYY-MM-DD)") from None
    arts, gaz, sides = load_inputs(articles, gazetteer=gazetteer, actors=actors, dates=parsed)
    return ControlMap(read_theatre(arts, gaz, sides), gaz, sides)


def _whole(table: pd.DataFrame | Parts) -> pd.DataFrame:
    # Frames made without a plan hold every table whole.
    if isinstance(table, Parts):
        raise TypeError("a table in parts")
    return table
