"""Frames: the reading as the tables and GeoDataFrames the writers take (:mod:`maps.schema`).

Sites, intervals, claims, mentions and the background come whole; the
site-days (every site on every day) come one day at a time
(:class:`SiteDays`), so that writing a year of ten thousand sites never
holds the year in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

import geopandas as gpd
import pandas as pd

from conflictmap.gazetteer import Gazetteer
from conflictmap.gazetteer.core import SETTLEMENTS
from conflictmap.gazetteer.world import world_places
from conflictmap.maps.parts import Parts

from .articles import Article
from .claims import Claim
from .heap import collector_paused, settle

if TYPE_CHECKING:
    from .pipeline import Reading
    from .rows import Plan

__all__ = ["ANALYST", "COUNTRY_KM", "Frames", "SiteDays", "frames"]


def _references(articles: Sequence[Article]) -> dict[str, dict[str, str]]:
    """How each article is cited, by name: ``source`` (its outlet), ``title``, ``url``, ``cite``."""
    return {a.name: {"source": a.outlet, "title": a.title, "url": a.url, "cite": a.cite}
            for a in articles}


#: What an analyst's decision is cited as (``conflictmap set``, ``accept``): its source.
ANALYST = "analyst"


def _evidence(claims: Sequence[Claim], refs: Mapping[str, Mapping[str, str]]) -> list[dict[str, str]]:
    # A claim whose article is not among those read is cited by its file name; an analyst's
    # call by "analyst", with the note that says why.
    out = []
    for c in claims:
        ev = {"article": c.article, "date": c.date.isoformat(), "sentence": c.sentence,
              "type": c.type, "actor": c.actor or "",
              **(refs.get(c.article) or _unlisted(c))}
        if c.asserted_by == ANALYST:
            ev["analyst"] = _note(c)
        out.append(ev)
    return out


def _unlisted(c: Claim) -> dict[str, str]:
    if c.asserted_by == ANALYST:
        return {"source": ANALYST, "title": "", "url": "", "cite": f"{ANALYST}: {_note(c)}"}
    return {"source": "", "title": "", "url": "", "cite": c.article}


def _note(c: Claim) -> str:
    """Return the analyst's note, from the claim's reason ("...; set by analyst: NOTE")."""
    _, _, note = c.reason.rpartition(" by analyst:")
    return note.strip() or c.reason


# Kinds that are administrative areas where no settlement lies below them in a site's chain.
_AREA_KINDS = frozenset({"country", "province", "governorate", "region", "state", "district",
                         "subdistrict", "county"})
#: How near the world layer's nearest large city must be for its country to be a site's, in km.
COUNTRY_KM = 25.0


def _areas(gaz: Gazetteer, pid: str) -> list[str]:
    """Return the administrative areas a site lies in, widest first.

    They are the places above its (outermost) settlement; a site in no
    settlement lies in the places of its chain whose kind is an area's.
    """
    chain = [pid, *gaz.ancestors(pid)]
    towns = [i for i, a in enumerate(chain) if gaz[a].kind in SETTLEMENTS]
    above = chain[towns[-1] + 1:] if towns else [a for a in chain if gaz[a].kind in _AREA_KINDS]
    return above[::-1]


def _world_countries(points: Mapping[str, tuple[float, float]]) -> dict[str, str]:
    """Return the country of each point from the world layer: that of its nearest large city.

    Only a city within :data:`COUNTRY_KM` counts (nearer a border a farther
    one may be across it). Distances are measured in each point's UTM zone.
    """
    world = world_places(aliases=False)  # where the cities are, not what else they are called
    records = [r for r in world if r["kind"] == "city" and r["parent"]]
    country = {r["id"]: r["name"] for r in world if r["kind"] == "country"}
    cities = gpd.GeoSeries([r["geometry"] for r in records], crs="EPSG:4326")
    out: dict[str, str] = {}
    zones: dict[int, list[str]] = {}
    for key, (lon, lat) in sorted(points.items()):
        zones.setdefault((32600 if lat >= 0 else 32700) + int((lon + 180) // 6) % 60 + 1, []).append(key)
    for epsg, keys in sorted(zones.items()):
        here = gpd.GeoSeries(gpd.points_from_xy([points[k][0] for k in keys],
                                                [points[k][1] for k in keys]), crs="EPSG:4326")
        x0, y0, x1, y1 = here.total_bounds
        near = cities.cx[x0 - 1:x1 + 1, y0 - 1:y1 + 1]  # a degree around: far more than COUNTRY_KM
        if near.empty:
            continue
        theirs, ours = near.to_crs(epsg), here.to_crs(epsg)
        for key, pt in zip(keys, ours, strict=True):
            dist = theirs.distance(pt).to_numpy()
            best = int(dist.argmin())
            if dist[best] <= COUNTRY_KM * 1000:
                out[key] = country.get(records[near.index[best]]["parent"], "")
    return out


def _geography(gaz: Gazetteer, sites: Sequence[str]) -> dict[str, dict[str, str]]:
    """Return each site's ``country``, ``admin1``, ``admin2`` and ``admin3`` (names, or empty).

    The areas above the site's settlement, widest first, are the country (the
    one of kind ``country``) and then admin1 to admin3; a chain with no
    country takes it from the world layer (:func:`_world_countries`).
    """
    out: dict[str, dict[str, str]] = {}
    lacking: dict[str, tuple[float, float]] = {}
    for pid in sites:
        areas = _areas(gaz, pid)
        country = next((a for a in areas if gaz[a].kind == "country"), None)
        admin = [gaz[a].name for a in areas if a != country][:3]
        out[pid] = {"country": gaz[country].name if country else "",
                    **{f"admin{k}": (admin[k - 1] if k <= len(admin) else "") for k in (1, 2, 3)}}
        place = gaz[pid]
        if country is None and place.lon is not None and place.lat is not None:
            lacking[pid] = (place.lon, place.lat)
    for pid, name in _world_countries(lacking).items() if lacking else ():
        out[pid]["country"] = name
    return out


class Frames(TypedDict):
    """The tables of one reading, by name (see :func:`frames`)."""

    sites: gpd.GeoDataFrame
    days: SiteDays
    intervals: gpd.GeoDataFrame
    claims: pd.DataFrame | Parts
    mentions: pd.DataFrame | Parts
    background: gpd.GeoDataFrame
    unresolved: pd.DataFrame


def frames(reading: Reading, gaz: Gazetteer, plan: Plan | None = None) -> Frames:
    """Return the tables the writers take, by name.

    They are ``sites``, ``days``, ``intervals``, ``claims``, ``mentions``,
    ``background`` and ``unresolved``.

    Parameters
    ----------
    reading : Reading
    gaz : Gazetteer
    plan : Plan, optional
        Which reports' rows of the claims and mentions tables the last
        build's files hold (:func:`geo.rows.plan`): those tables are then
        :class:`~maps.parts.Parts`, whose frames hold only the other reports'
        rows.

    Returns
    -------
    dict
        GeoDataFrames and DataFrames of :mod:`maps.schema`'s columns; ``days``
        is a :class:`SiteDays`, which gives them one day at a time.
    """
    with collector_paused():  # a table a claim and a mention, none of them garbage
        made = _frames(reading, gaz, plan)
        settle()  # they live while the writers run: in a project's build, frozen before they start
        return made


def _frames(reading: Reading, gaz: Gazetteer, plan: Plan | None = None) -> Frames:
    places = gaz.places.set_index("id", drop=False)
    sites = places.loc[reading.timeline.sites]
    geom = dict(zip(sites["id"], sites.geometry, strict=True))
    names = dict(zip(sites["id"], sites["name"], strict=True))
    site_frame = gpd.GeoDataFrame(
        {"site": sites["id"].tolist(), "name": sites["name"].tolist(),
         "kind": sites["kind"].tolist(), "precision": sites["precision"].tolist(),
         "source": sites["source"].tolist(),
         "parent": [p if isinstance(p, str) else None for p in sites["parent"]]},
        geometry=sites.geometry.tolist(), crs="EPSG:4326",
    )
    refs = _references(reading.articles)
    days = SiteDays(reading, names, geom, refs)
    last = reading.timeline.days[-1]
    intervals = gpd.GeoDataFrame(
        [{"site": iv.site, "name": names[iv.site], "controller": iv.controller,
          "start": iv.start.isoformat(), "end": "" if iv.end == last else iv.end.isoformat(),
          "inferred": iv.inferred, "fighting": iv.fighting, "evidence": _evidence(iv.evidence, refs),
          "geometry": geom[iv.site]}
         for iv in reading.timeline.intervals()],
        geometry="geometry", crs="EPSG:4326",
    )
    sides = reading.timeline.actors
    by_name = {a.name: a for a in reading.articles}
    where = _geography(gaz, sorted({c.site for c in reading.claims}))

    def kind(aid: str | None) -> str:
        return sides[aid].kind if aid and aid in sides else ""

    claims: pd.DataFrame | Parts
    mentions: pd.DataFrame | Parts
    if plan is not None and _typed_claims(reading, gaz):
        runs = plan.fresh("claims")
        some = [c for r in runs for c in reading.claims[r.start:r.end]]
        claims = plan.parts("claims", _typed(CLAIM_FRAME_COLUMNS, CLAIM_DTYPES,
                                             _claim_columns(some, gaz, by_name, kind, where)),
                            [r.rows for r in runs])
    else:
        claims = _table(CLAIM_FRAME_COLUMNS, _claim_columns(reading.claims, gaz, by_name, kind, where))
    if plan is not None and _typed_mentions(reading, gaz):
        runs = plan.fresh("mentions")
        arts = [reading.articles[r.start].name for r in runs]
        mentions = plan.parts("mentions", _typed(MENTION_FRAME_COLUMNS, MENTION_DTYPES,
                                                 _mention_columns(reading, gaz, arts)),
                              [len(reading.mentions[n]) for n in arts])
    else:
        mentions = _table(MENTION_FRAME_COLUMNS, _mention_columns(reading, gaz))
    bg = places[(places["layer"] != "world") & (places["kind"].isin(["river"]))
                & places.geometry.notna()]
    background = gpd.GeoDataFrame({"name": bg["name"].tolist(), "kind": bg["kind"].tolist()},
                                  geometry=bg.geometry.tolist(), crs="EPSG:4326")
    return {"sites": site_frame, "days": days, "intervals": intervals, "claims": claims,
            "mentions": mentions, "background": background, "unresolved": _unresolved(reading)}


#: The columns of ``claims.csv``, in order (new ones go at the end).
CLAIM_FRAME_COLUMNS = (
    "article", "published", "date", "date_precision", "site", "site_name", "type", "actor",
    "loser", "status", "asserted_by", "confidence", "sentence", "reason", "longitude",
    "latitude", "site_text", "date_text", "tense", "counts", "start", "end", "site_precision",
    "site_kind", "part", "fighting", "order", "withdrawal", "date_source", "taker", "actor_kind",
    "taker_kind", "country", "admin1", "admin2", "admin3", "outlet", "title", "url", "cite", "encoding",
    "id")
#: The columns of ``mentions.csv``, in order.
MENTION_FRAME_COLUMNS = ("article", "start", "end", "text", "place", "name", "kind", "layer", "site",
                         "how", "candidates", "longitude", "latitude")


def _claim_columns(claims: Sequence[Claim], gaz: Gazetteer, by_name: Mapping[str, Article],
                   kind: Callable[[str | None], str], where: Mapping[str, Mapping[str, str]],
                   ) -> dict[str, list[Any]]:
    """Return the columns of the claims table, each made whole (see :data:`CLAIM_FRAME_COLUMNS`).

    A column at a time: no row is ever a dict, and a comprehension over the
    claims is far cheaper than the 42 appends a row would take.
    """
    place = {s: gaz[s] for s in {c.site for c in claims}}
    ps = [place[c.site] for c in claims]
    arts = [by_name.get(c.article) for c in claims]
    areas = [where[c.site] for c in claims]
    cites = {name: a.cite for name, a in by_name.items()}  # once a report, not once a claim
    return {
        "article": [c.article for c in claims],
        "published": [c.published.isoformat() for c in claims],
        "date": [c.date.isoformat() for c in claims],
        "date_precision": [c.date_precision for c in claims],
        "site": [c.site for c in claims],
        "site_name": [p.name for p in ps],
        "type": [c.type for c in claims],
        "actor": [c.actor or "" for c in claims],
        "loser": [c.loser or "" for c in claims],
        "status": [c.status for c in claims],
        "asserted_by": [c.asserted_by for c in claims],
        "confidence": [c.confidence for c in claims],
        "sentence": [c.sentence for c in claims],
        "reason": [c.reason for c in claims],
        "longitude": [p.lon for p in ps],
        "latitude": [p.lat for p in ps],
        "site_text": [c.site_text for c in claims],
        "date_text": [c.date_text for c in claims],
        "tense": [c.tense for c in claims],
        "counts": [c.counts for c in claims],
        "start": [c.start for c in claims],
        "end": [c.end for c in claims],
        "site_precision": [p.precision for p in ps],
        "site_kind": [p.kind for p in ps],
        "part": [c.part for c in claims],
        "fighting": [c.fighting for c in claims],
        "order": [c.order for c in claims],
        "withdrawal": [c.withdrawal for c in claims],
        "date_source": [a.date_source if a else "" for a in arts],
        "taker": [c.taker or "" for c in claims],
        "actor_kind": [kind(c.actor) for c in claims],
        "taker_kind": [kind(c.taker) for c in claims],
        **{k: [w[k] for w in areas] for k in ("country", "admin1", "admin2", "admin3")},
        "outlet": [a.outlet if a else (ANALYST if c.asserted_by == ANALYST else "")
                   for a, c in zip(arts, claims, strict=True)],
        "title": [a.title if a else "" for a in arts],
        "url": [a.url if a else "" for a in arts],
        "cite": [cites[c.article] if a else c.article for a, c in zip(arts, claims, strict=True)],
        "encoding": [a.encoding if a else "" for a in arts],
        "id": [c.id for c in claims],  # for an analyst's accept or reject
    }


def _mention_columns(reading: Reading, gaz: Gazetteer, names: Sequence[str] | None = None,
                     ) -> dict[str, list[Any]]:
    """Return the columns of the mentions table, each made whole (see :data:`MENTION_FRAME_COLUMNS`).

    Only the mentions of the articles ``names`` when given, in their order.
    """
    if names is None:
        names = [art.name for art in reading.articles]
    by_article = [(name, reading.mentions[name]) for name in names]
    ms = [m for _, found in by_article for m in found]
    place = {pid: gaz[pid] for pid in {m.place for m in ms}}
    ps = [place[m.place] for m in ms]
    return {
        "article": [name for name, found in by_article for _ in found],
        "start": [m.start for m in ms],
        "end": [m.end for m in ms],
        "text": [m.text for m in ms],
        "place": [m.place for m in ms],
        "name": [p.name for p in ps],
        "kind": [p.kind for p in ps],
        "layer": [p.layer for p in ps],
        "site": [m.site for m in ms],
        "how": [m.how for m in ms],
        "candidates": ["|".join(m.candidates) for m in ms],
        "longitude": [p.lon for p in ps],
        "latitude": [p.lat for p in ps],
    }


_TEXT = "str"
#: The dtypes of the claims table when every column has a value of its type somewhere; a table
#: written in parts is made with them, so its rows come out as the whole table's would.
CLAIM_DTYPES: dict[str, str] = {
    **{name: _TEXT for name in CLAIM_FRAME_COLUMNS},
    **dict.fromkeys(("confidence", "longitude", "latitude"), "float64"),
    **dict.fromkeys(("counts", "part", "withdrawal"), "bool"),
    **dict.fromkeys(("start", "end", "order"), "int64"),
}
#: The same for the mentions table.
MENTION_DTYPES: dict[str, str] = {
    **{name: _TEXT for name in MENTION_FRAME_COLUMNS},
    **dict.fromkeys(("longitude", "latitude"), "float64"),
    "site": "bool", "start": "int64", "end": "int64",
}


def _located(gaz: Gazetteer, places: Iterable[str]) -> bool:
    # Whether the longitude and latitude columns have a number somewhere (else pandas makes
    # them columns of None, which the GeoPackage declares TEXT).
    ps = [gaz[p] for p in places]
    return any(p.lon is not None for p in ps) and any(p.lat is not None for p in ps)


def _typed_claims(reading: Reading, gaz: Gazetteer) -> bool:
    """Whether the whole claims table would have :data:`CLAIM_DTYPES` (what parts need)."""
    claims = reading.claims
    return bool(claims) and all(type(c.confidence) is float for c in claims) and \
        _located(gaz, {c.site for c in claims})


def _typed_mentions(reading: Reading, gaz: Gazetteer) -> bool:
    """Whether the whole mentions table would have :data:`MENTION_DTYPES`."""
    return _located(gaz, {m.place for ms in reading.mentions.values() for m in ms})


def _typed(names: Sequence[str], dtypes: Mapping[str, str], columns: Mapping[str, list[Any]]) -> pd.DataFrame:
    """Return the columns as a DataFrame of the given dtypes (a table of any rows, none included)."""
    if list(columns) != list(names):
        raise ValueError(f"the columns made are not {list(names)}")
    return pd.DataFrame({n: pd.Series(columns[n], dtype=dtypes[n]) for n in names}, columns=list(names))


def _table(names: Sequence[str], columns: Mapping[str, list[Any]]) -> pd.DataFrame:
    """Return the columns as a DataFrame, in the order of ``names`` (which they must all be)."""
    if list(columns) != list(names):  # a column added to the names and not made, or misnamed
        raise ValueError(f"the columns made are not {list(names)}")
    if not columns[names[0]]:  # empty lists would make float columns; no rows, text ones
        return pd.DataFrame([], columns=list(names))
    return pd.DataFrame(columns, columns=list(names))


class SiteDays:
    """Every site's state on every day, as one GeoDataFrame a day (:data:`maps.schema.SITE_DAY_COLUMNS`).

    Iterating gives the days in order, each made when it is asked for: the
    writers stream them, and memory holds one day of sites, never the year.

    Parameters
    ----------
    reading : Reading
    names, geometry : mapping
        Each site's name and geometry, by id.
    refs : mapping
        How each article is cited, by name.
    """

    def __init__(self, reading: Reading, names: Mapping[str, str], geometry: Mapping[str, Any],
                 refs: Mapping[str, Mapping[str, str]]) -> None:
        self._timeline = reading.timeline
        self._names, self._geometry, self._refs = names, geometry, refs
        # A run of unchanged days shares one evidence tuple: it is cited once, and the writers,
        # given the same list each day, serialise it once. The tuple is held, so its id is its own.
        self._cited: dict[int, tuple[tuple[Claim, ...], list[dict[str, str]]]] = {}

    def __len__(self) -> int:
        return len(self._timeline.days)

    def __iter__(self) -> Iterator[gpd.GeoDataFrame]:
        for day in self._timeline.days:
            yield self.on(day)

    def on(self, day: dt.date) -> gpd.GeoDataFrame:
        """Return the sites' states at the end of ``day``, one row a site.

        Parameters
        ----------
        day : datetime.date
            A day of the timeline.

        Returns
        -------
        GeoDataFrame
        """
        date = day.isoformat()
        rows = [{"site": site, "name": self._names[site], "date": date,
                 "controller": st.controller, "inferred": st.inferred, "fighting": st.fighting,
                 "evidence": self._cite(st.evidence), "geometry": self._geometry[site]}
                for site, st in self._timeline.states_on(day)]
        return gpd.GeoDataFrame(rows, columns=_DAY_COLUMNS, geometry="geometry", crs="EPSG:4326")

    def _cite(self, evidence: tuple[Claim, ...]) -> list[dict[str, str]]:
        held = self._cited.get(id(evidence))
        if held is None:
            held = self._cited[id(evidence)] = (evidence, _evidence(evidence, self._refs))
        return held[1]

    def frame(self) -> gpd.GeoDataFrame:
        """Return all the days in one GeoDataFrame (what a caller that needs them together takes).

        Returns
        -------
        GeoDataFrame
        """
        return gpd.GeoDataFrame(pd.concat(list(self), ignore_index=True), geometry="geometry",
                                crs="EPSG:4326")


_DAY_COLUMNS = ["site", "name", "date", "controller", "inferred", "fighting", "evidence", "geometry"]


def _unresolved(reading: Reading) -> pd.DataFrame:
    return pd.DataFrame(
        [{"name": u.name, "kind": u.kind, "count": u.count, "articles": "|".join(u.articles),
          "sentence": u.sentence} for u in reading.unresolved],
        columns=["name", "kind", "count", "articles", "sentence"])


