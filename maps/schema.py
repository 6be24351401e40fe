"""The GeoDataFrames the writers of this package take.

Every writer checks its input against these column lists first, so a caller
learns of a missing column by name, not from deep inside a writer.

Sites (``SITE_COLUMNS``), one row per place shown on the map:

========== ======== ==================================================
column     type     meaning
========== ======== ==================================================
site       str      stable id of the place
name       str      display name
kind       str      city, neighbourhood, hospital, stadium, square ...
precision  str      exact / approximate / estimate (of the coordinate)
source     str      where the coordinate comes from
parent     str      optional: the id of the site it is part of (a quarter's
                    city), or null; :func:`maps.areas.site_areas` uses it
geometry   geometry Point or Polygon, EPSG:4326
========== ======== ==================================================

Site-days (``SITE_DAY_COLUMNS``), one row per site and day:

========== ======== ==================================================
site, name str      as above
date       str      ISO day, ``YYYY-MM-DD``
controller str      an actor id, ``contested`` or ``unknown``
inferred   bool     no evidence speaks of that day; implied by later evidence
fighting   str      optional: ``none``, ``around`` (besieged, shelled, fought
                    around: the holder keeps it) or ``inside`` (fought in)
evidence   list     of dicts ``{article, date, sentence}``, optionally also
                    ``type``, ``actor``, ``source`` (outlet), ``title``,
                    ``url`` and ``cite`` (how to cite the report)
geometry   geometry as above
========== ======== ==================================================

Intervals (``INTERVAL_COLUMNS``), one row per site and run of unchanged state:
``site``, ``name``, ``controller``, ``start`` and ``end`` (ISO days, both
inclusive; ``end`` is empty (``""`` or null) while the state lasts to the last day mapped),
``inferred``, ``evidence``, ``geometry``, and optionally ``fighting`` (as for site-days;
an interval is a run of unchanged controller, inferred and fighting).

Claims (``CLAIM_COLUMNS``) are a plain DataFrame, one row per claim read:
``article``, ``published`` and ``date`` (ISO days), ``date_precision`` (day,
night, range, week, month, year), ``site`` and ``site_name``, ``type``,
``actor``, ``loser``, ``status``, ``asserted_by``, ``confidence``,
``sentence``, ``reason``, ``longitude``, ``latitude``; other columns follow.
Optional ``site_precision`` (exact / approximate / estimate) and
``site_kind`` give the events feed its ``geo_precision``; optional ``taker``
(who took a lost site), ``actor_kind`` and ``taker_kind`` (``state``,
``non-state``, ``unknown``), ``withdrawal`` and ``fighting`` its ACLED types;
optional ``country``, ``admin1``, ``admin2``, ``admin3`` (the site's
administrative areas, widest first), ``outlet`` and ``url`` (of the article;
``title`` and ``cite`` too) its geography and source.

Mentions (``MENTION_COLUMNS``), a plain DataFrame, one row per place named:
``article``, ``start``, ``end`` (character offsets), ``text``, ``place``,
``name``, ``kind``, ``layer``, ``site``, ``how``, ``candidates``; with
``longitude`` and ``latitude`` they become points in the GeoPackage.

Events (``EVENT_COLUMNS``) are the claims in ACLED's columns and event types,
written as ``events.csv`` by :func:`maps.feeds.write_events_csv`, one row per claim
(ACLED's columns first, then this project's):

============== ====================================================================
column         meaning
============== ====================================================================
event_id       ``<article>:<offset>:<site>``, stable across builds
event_date     the day the claim is about, ISO ``YYYY-MM-DD``
year           of ``event_date``
time_precision 1 = the day is known, 2 = within a week (or a range of days),
               3 = within a month or longer (ACLED's codes)
event_type     ``Battles`` or ``Strategic developments``
sub_event_type ``Government regains territory`` (taken by a state's forces),
               ``Non-state actor overtakes territory`` (by any other side),
               empty for a taking whose taker's kind is unknown;
               ``Non-violent transfer of territory`` (a withdrawal); ``Armed
               clash`` (entry, contest, siege, or a hold with fighting);
               ``Other`` (a hold or presence with no fighting reported)
actor1         the side that gains, holds or attacks the site (an actor id);
               for a loss, the taker
actor2         the side that lost the site, when known
country        the site's country: its gazetteer chain's, else the world
               layer's nearest large city's (within 25 km); empty if neither
admin1..admin3 the administrative areas above the site's settlement, widest
               first, as the gazetteer names them (empty below what it gives)
location       the site's name
latitude       WGS84, 6 decimals
longitude      WGS84, 6 decimals
geo_precision  1 = the site's own coordinate (exact), 2 = an approximate or
               estimated coordinate, 3 = a district, province or governorate
source         the article's outlet, else its file name
source_url     the article's URL, when given
notes          the sentence, as written
site           the site's id
claim_type     the claim's own type: capture, full_control, loss, hold,
               presence, entry, contested, siege
status         asserted, or why it does not count (negated, intent, hedged, denied)
asserted_by    reporter, an actor id, third party, source or quoted
confidence     0 to 1
============== ====================================================================

Actors are given as a mapping ``id -> {"name": str, "colour": "#rrggbb"}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict, TypeVar

import pandas as pd

__all__ = [
    "SITE_COLUMNS", "SITE_DAY_COLUMNS", "INTERVAL_COLUMNS", "CLAIM_COLUMNS", "MENTION_COLUMNS",
    "EVENT_COLUMNS", "BACKGROUND_COLUMNS", "CONTESTED", "UNKNOWN", "FIGHTING", "FIGHT_STYLE", "STYLE",
    "SchemaError",
    "check",
    "interval_days", "sorted_intervals",
]

CONTESTED = "contested"
UNKNOWN = "unknown"
#: How a site was fought over on a day: not at all, around it (it keeps its holder), inside it.
FIGHTING = ("none", "around", "inside")
#: Colours of the states that are not an actor, on every map and image
#: (colour-blind-safe: a reddish purple with a dark outline, and grey).
STYLE = {
    CONTESTED: {"colour": "#CC79A7", "outline": "#7A2E5C"},
    UNKNOWN: {"colour": "#BBBBBB", "outline": "#555555"},
}


class FightLine(TypedDict):
    """The outline of a fought site: its width and dash pattern (None: solid)."""

    weight: float
    dash: str | None


class FightStyle(TypedDict):
    """The type of :data:`FIGHT_STYLE`."""

    colour: str
    inside: FightLine
    around: FightLine


#: How fighting is drawn: the outline of a site (orange, Okabe-Ito), solid and thick where
#: it was fought inside, dotted where it was fought around.
FIGHT_STYLE: FightStyle = {"colour": "#E69F00", "inside": {"weight": 4.0, "dash": None},
                           "around": {"weight": 3.5, "dash": "1 5"}}
SITE_COLUMNS = ("site", "name", "kind", "precision", "source", "geometry")
SITE_DAY_COLUMNS = ("site", "name", "date", "controller", "inferred", "evidence", "geometry")
INTERVAL_COLUMNS = (
    "site", "name", "controller", "start", "end", "inferred", "evidence", "geometry",
)
CLAIM_COLUMNS = (
    "article", "published", "date", "date_precision", "site", "site_name", "type", "actor",
    "loser", "status", "asserted_by", "confidence", "sentence", "reason", "longitude",
    "latitude",
)
MENTION_COLUMNS = (
    "article", "start", "end", "text", "place", "name", "kind", "layer", "site", "how", "candidates",
)
EVENT_COLUMNS = (
    "event_id", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
    "actor2", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
    "geo_precision", "source", "source_url", "notes", "site", "claim_type", "status", "asserted_by",
    "confidence",
)
#: Context drawn under the sites (rivers, outlines): ``name``, ``kind``, ``geometry``.
BACKGROUND_COLUMNS = ("name", "kind", "geometry")


class SchemaError(ValueError):
    """A frame handed to a writer lacks columns the writer needs."""


def check(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise :class:`SchemaError` if ``frame`` lacks any of ``columns``.

    Parameters
    ----------
    frame : DataFrame
    columns : iterable of str
    what : str
        The frame's role, for the message.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(f"{what} frame lacks columns: {', '.join(missing)}")
    if "geometry" in columns and getattr(frame, "crs", None) is not None:
        if frame.crs.to_epsg() != 4326:
            raise SchemaError(f"{what} frame must be in EPSG:4326, not {frame.crs}")


def interval_days(frame: pd.DataFrame) -> list[str]:
    """Return the ISO days named in an interval frame's ``start`` and ``end`` (empty ends left out).

    Parameters
    ----------
    frame : DataFrame
        Intervals (:data:`INTERVAL_COLUMNS`).

    Returns
    -------
    list of str
    """
    return [str(d)[:10] for d in (*frame["start"], *frame["end"]) if isinstance(d, str) and d]


#: A frame type kept through sorting: a GeoDataFrame of intervals comes back one.
_FrameT = TypeVar("_FrameT", bound=pd.DataFrame)


def sorted_intervals(frame: _FrameT) -> _FrameT:
    """Check an interval frame and return it in writing order: by site, then start.

    Parameters
    ----------
    frame : DataFrame
        Intervals (:data:`INTERVAL_COLUMNS`).

    Returns
    -------
    DataFrame
    """
    check(frame, INTERVAL_COLUMNS, "intervals")
    return frame.sort_values(["site", "start"], kind="stable")
