"""A geopy geocoder that answers from a local gazetteer, with no network."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point as GeopyPoint
from shapely.geometry import Point

from .core import Candidate, Gazetteer

__all__ = ["LocalGazetteer"]


class LocalGazetteer(Geocoder):  # type: ignore[misc]  # geopy ships no type hints: Geocoder is Any
    """Geocode place names against a local gazetteer (geopy interface).

    Parameters
    ----------
    paths : sequence of path, optional
        Gazetteer files; the bundled Raqqa theatre when omitted.
    near : str, optional
        A place id or name whose places rank first (the focus city).
    gazetteer : Gazetteer, optional
        An already loaded gazetteer (overrides ``paths``).
    **kwargs
        Accepted and ignored, as geopy's network options do not apply.

    Examples
    --------
    >>> from gazetteer import LocalGazetteer
    >>> LocalGazetteer().geocode("Paradise Square").raw["id"]
    'raqqa-al-naim-square'
    """

    def __init__(
        self,
        paths: Sequence[str | Path] = (),
        *,
        near: str | None = None,
        gazetteer: Gazetteer | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.gazetteer = gazetteer or Gazetteer.from_files(paths)
        self.near = near

    def _location(self, cand: Candidate) -> Location:
        p = cand.place
        raw = {
            "id": p.id, "name": p.name, "aliases": list(p.aliases), "kind": p.kind,
            "parent": p.parent, "source": p.source, "precision": p.precision,
            "score": cand.score, "why": cand.why,
        }
        return Location(p.name, GeopyPoint(p.lat, p.lon), raw)

    def geocode(
        self, query: str, *, exactly_one: bool = True, limit: int | None = None,
        near: str | None = None, **kwargs: Any,
    ) -> Location | list[Location] | None:
        """Return the place(s) ``query`` names.

        Parameters
        ----------
        query : str
            A place name in any spelling.
        exactly_one : bool
            Return the best Location only (else a list).
        limit : int, optional
            With ``exactly_one=False``, the most results.
        near : str, optional
            Rank places inside this place first (default: the constructor's).

        Returns
        -------
        Location, list of Location, or None
            ``Location.raw`` is the gazetteer record with ``score`` and ``why``.
        """
        cands = [
            c for c in self.gazetteer.candidates(str(query), near=near or self.near, limit=limit or 10)
            if c.place.lat is not None
        ]
        if not cands:
            return None if exactly_one else []
        locs = [self._location(c) for c in cands]
        return locs[0] if exactly_one else locs

    def reverse(
        self, query: Any, *, exactly_one: bool = True, limit: int | None = None, **kwargs: Any
    ) -> Location | list[Location] | None:
        """Return the place(s) nearest to a ``(lat, lon)`` point.

        Distances are computed in the point's UTM zone, not in degrees.

        Parameters
        ----------
        query : geopy.Point, (lat, lon) tuple or "lat, lon" string
        exactly_one : bool
        limit : int, optional

        Returns
        -------
        Location, list of Location, or None
        """
        pt = GeopyPoint(query)
        places = self.gazetteer.places
        places = places[places.geometry.notna()]
        if places.empty:
            return None if exactly_one else []
        target = gpd.GeoSeries([Point(pt.longitude, pt.latitude)], crs="EPSG:4326")
        crs = target.estimate_utm_crs()
        dist = places.geometry.to_crs(crs).distance(target.to_crs(crs).iloc[0])
        order = dist.sort_values(kind="stable").index[: (1 if exactly_one else (limit or 10))]
        locs = [
            self._location(Candidate(self.gazetteer[places.at[i, "id"]], 1.0,
                                     f"{dist[i]:.0f} m away"))
            for i in order
        ]
        return locs[0] if exactly_one else locs
