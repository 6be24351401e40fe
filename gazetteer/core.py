"""The in-memory gazetteer: places, their names, hierarchy and lookup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import geopandas as gpd
import yaml
from rapidfuzz import fuzz, process

from .errors import GazetteerError
from .io import PLACE_FIELDS, read_geojson
from .matcher import NameIndex, index_names
from .names import fold, name_variants
from .world import world_places

__all__ = ["Gazetteer", "Place", "Candidate", "Match", "bundled_path"]


def bundled_path(name: str = "raqqa") -> Path:
    """Return the path of a gazetteer file shipped with conflictmap.

    Parameters
    ----------
    name : str
        The theatre's name (the file ``gazetteer/data/<name>.geojson``).

    Returns
    -------
    Path
    """
    return Path(str(resources.files("gazetteer").joinpath(f"data/{name}.geojson")))


def _kind_config() -> dict[str, Any]:
    return yaml.safe_load(resources.files("gazetteer").joinpath("data/kinds.yaml").read_text("utf-8"))


@dataclass(frozen=True)
class Place:
    """One place of the gazetteer.

    Attributes
    ----------
    id, name, kind : str
    aliases : tuple of str
    parent : str or None
        The id of the containing place.
    source, precision : str
        Where the coordinate comes from, and how exact it is.
    lon, lat : float or None
        A representative point, WGS84.
    layer : str
        ``"theatre"`` for the user's files, ``"world"`` for the GeoNames layer.
    """

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    parent: str | None
    source: str
    precision: str
    prominence: int
    population: int
    layer: str
    lon: float | None
    lat: float | None


@dataclass(frozen=True)
class Candidate:
    """A place a name may stand for, with the score and reason of its rank."""

    place: Place
    score: float
    why: str


@dataclass(frozen=True)
class Match:
    """A place name found in a text.

    Attributes
    ----------
    start, end : int
        Character offsets in the text.
    text : str
        The text as written.
    ids : tuple of str
        Every place the name may stand for (more than one when ambiguous).
    """

    start: int
    end: int
    text: str
    ids: tuple[str, ...]


class Gazetteer:
    """Places with names, kinds, a hierarchy and geometry, searchable in text.

    Parameters
    ----------
    records : iterable of dict
        Place records (see :data:`gazetteer.io.PLACE_FIELDS`). A later record
        with an id already seen replaces the earlier one.

    Examples
    --------
    >>> g = Gazetteer.from_files()          # the bundled Raqqa theatre
    >>> [m.text for m in g.match("Fighting in Raqqah's Al-Barid district")]
    ['Raqqah', 'Al-Barid district']
    """

    def __init__(self, records: Iterable[dict[str, Any]]) -> None:
        by_id: dict[str, dict[str, Any]] = {}
        for rec in records:
            by_id[rec["id"]] = rec
        self._records = by_id
        config = _kind_config()
        self.kind_nouns: dict[str, list[str]] = config["nouns"]
        self.background_kinds: frozenset[str] = frozenset(config["background"])

    # -- construction -------------------------------------------------------
    @classmethod
    def from_files(
        cls, paths: Sequence[str | Path] = (), *, world: bool = True
    ) -> Gazetteer:
        """Load gazetteer files (the bundled Raqqa theatre when none are given).

        Parameters
        ----------
        paths : sequence of path
            GeoJSON gazetteer files; later files override earlier ids.
        world : bool
            Add the GeoNames world layer (countries and large cities) under the
            theatre, so that places outside it are recognised as such.

        Returns
        -------
        Gazetteer

        Raises
        ------
        GazetteerError
            If a file cannot be read or does not validate.
        """
        paths = [Path(p) for p in paths] or [bundled_path()]
        theatre: list[dict[str, Any]] = []
        for path in paths:
            theatre.extend(read_geojson(path))
        gaz = cls([*(world_places() if world else ()), *theatre])
        gaz._validate(str(paths[-1]))
        if world:
            gaz._drop_world_duplicates()
        return gaz

    def _validate(self, path: str) -> None:
        for rec in self._records.values():
            if rec["parent"] and rec["parent"] not in self._records:
                raise GazetteerError(
                    path, f"place {rec['id']!r}: parent {rec['parent']!r} does not exist"
                )
        for pid in self._records:
            seen = {pid}
            cur = self._records[pid]["parent"]
            while cur:
                if cur in seen:
                    raise GazetteerError(path, f"place {pid!r}: parent cycle through {cur!r}")
                seen.add(cur)
                cur = self._records[cur]["parent"]

    def _drop_world_duplicates(self) -> None:
        # A world city that a theatre file also describes (same folded name, or
        # an alias) is the same place: keep the theatre's richer record.
        theatre_keys = {
            fold(n)
            for r in self._records.values()
            if r["layer"] != "world" and r["kind"] == "city"
            for n in (r["name"], *r["aliases"])
        }
        for pid in [
            pid
            for pid, r in self._records.items()
            if r["layer"] == "world"
            and r["kind"] == "city"
            and fold(r["name"]) in theatre_keys
        ]:
            del self._records[pid]

    # -- access -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, pid: object) -> bool:
        return pid in self._records

    def __getitem__(self, pid: str) -> Place:
        return self._place(pid)

    def _place(self, pid: str) -> Place:
        r = self._records[pid]
        pt = r["geometry"].representative_point() if r["geometry"] is not None else None
        return Place(
            id=r["id"], name=r["name"], kind=r["kind"], aliases=tuple(r["aliases"]),
            parent=r["parent"], source=r["source"], precision=r["precision"],
            prominence=r["prominence"], population=r["population"], layer=r["layer"],
            lon=None if pt is None else pt.x, lat=None if pt is None else pt.y,
        )

    @property
    def places(self) -> gpd.GeoDataFrame:
        """All places as a GeoDataFrame in EPSG:4326 (one row per place, sorted by id)."""
        rows = [self._records[k] for k in sorted(self._records)]
        return gpd.GeoDataFrame(
            {f: [r[f] for r in rows] for f in PLACE_FIELDS if f != "geometry"},
            geometry=[r["geometry"] for r in rows],
            crs="EPSG:4326",
        )

    def ids(self, layer: str | None = None) -> list[str]:
        """Return the place ids, sorted, optionally of one layer only."""
        return sorted(k for k, r in self._records.items() if layer is None or r["layer"] == layer)

    def ancestors(self, pid: str) -> list[str]:
        """Return the ids above ``pid`` (parent first, root last)."""
        out = []
        cur = self._records[pid]["parent"]
        while cur:
            out.append(cur)
            cur = self._records[cur]["parent"]
        return out

    def city_of(self, pid: str) -> str | None:
        """Return the id of the city ``pid`` is in (itself when a city), or None."""
        for cand in (pid, *self.ancestors(pid)):
            if self._records[cand]["kind"] in ("city", "town"):
                return cand
        return None

    def is_site(self, pid: str) -> bool:
        """Whether ``pid`` can carry a control state: a theatre place that is not background."""
        r = self._records[pid]
        return r["layer"] != "world" and r["kind"] not in self.background_kinds

    def sites(self) -> list[str]:
        """Return the ids of the theatre's sites, sorted."""
        return [pid for pid in self.ids() if self.is_site(pid)]

    def in_kind(self, city: str, kind: str) -> list[Place]:
        """Return the places of ``kind`` inside ``city``, most prominent first."""
        places = [
            self._place(pid)
            for pid, r in self._records.items()
            if r["kind"] == kind and pid != city and city in self.ancestors(pid)
        ]
        return sorted(places, key=lambda p: (-p.prominence, p.id))

    # -- names --------------------------------------------------------------
    @cached_property
    def _index(self) -> NameIndex:
        kinds = {pid: r["kind"] for pid, r in self._records.items()}
        return index_names(
            ((name, pid) for pid, r in self._records.items() for name in (r["name"], *r["aliases"])),
            lambda name, pid: name_variants(name, {kinds[pid]: self.kind_nouns.get(kinds[pid], [])}),
        )

    def match(self, text: str) -> list[Match]:
        """Find the place names in ``text``.

        Parameters
        ----------
        text : str

        Returns
        -------
        list of Match
            In text order; each with every place the name may stand for.
            Names written all in lower case (``said``, ``mobile``) are not
            taken for places.
        """
        out = []
        for hit in self._index.find(text):
            lowercase = not any(ch.isupper() or (ch.isalpha() and not ch.isascii())
                                for ch in hit.text)
            # "the clock tower" names a theatre place; a lone lowercase word
            # ("said", "mobile") or a world place in lowercase does not.
            if lowercase and (" " not in hit.text.strip() or
                              all(self._records[k]["layer"] == "world" for k in hit.keys)):
                continue
            out.append(Match(hit.start, hit.end, hit.text, tuple(sorted(hit.keys))))
        return out

    def rank(self, ids: Sequence[str], focus: str | None = None) -> list[Candidate]:
        """Rank the places a name may stand for.

        Parameters
        ----------
        ids : sequence of str
            The candidate place ids.
        focus : str, optional
            The id of the city the text is about; its places rank first.

        Returns
        -------
        list of Candidate
            Best first.
        """
        scored = []
        for pid in ids:
            r = self._records[pid]
            anc = self.ancestors(pid)
            if focus and (pid == focus or focus in anc):
                score, why = 1.0, f"in the focus city {focus}"
            elif r["layer"] != "world":
                score, why = 0.8, "in the theatre gazetteer"
            else:
                score, why = 0.5, "world layer"
            score += min(r["prominence"], 10) / 100 + min(r["population"], 10**8) / 10**10
            scored.append(Candidate(self._place(pid), round(score, 6), why))
        return sorted(scored, key=lambda c: (-c.score, c.place.id))

    def candidates(self, query: str, near: str | None = None, limit: int = 10) -> list[Candidate]:
        """Return the places a free-text query may name, best first.

        Exact and spelling-variant matches come first; a fuzzy match
        (rapidfuzz) is tried only when there is none, and scores lower.

        Parameters
        ----------
        query : str
            A place name in any spelling.
        near : str, optional
            A place id or name; places inside it rank first.
        limit : int
            The most candidates to return.

        Returns
        -------
        list of Candidate
        """
        focus = None
        if near:
            focus = near if near in self._records else None
            if focus is None:
                found = self.candidates(near, limit=1)
                focus = found[0].place.id if found else None
        keys = name_variants(query)
        ids = {pid for k in keys for pid in self._lookup.get(k, ())}
        if ids:
            return self.rank(sorted(ids), focus)[:limit]
        choices = list(self._lookup)
        fuzzy = process.extract(fold(query), choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=85)
        out = []
        for key, score, _ in fuzzy:
            for cand in self.rank(self._lookup[key], focus):
                out.append(
                    Candidate(cand.place, round(cand.score * score / 200, 6),
                              f"fuzzy match {score:.0f} on {key!r}; {cand.why}")
                )
        return sorted(out, key=lambda c: (-c.score, c.place.id))[:limit]

    @cached_property
    def _lookup(self) -> dict[str, list[str]]:
        table: dict[str, list[str]] = {}
        for pid, r in self._records.items():
            for name in (r["name"], *r["aliases"]):
                for key in name_variants(name):
                    bucket = table.setdefault(key, [])
                    if pid not in bucket:
                        bucket.append(pid)
        return table
