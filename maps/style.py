"""Drawing choices shared by the HTML map and the day images.

Colours from an actors file and URLs from article metadata reach CSS, SVG
and links; they pass through here first, as a frame cell's evidence does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import orjson

__all__ = ["DEFAULT_COLOUR", "safe_colour", "safe_actors", "evidence_list", "has_evidence", "web_url"]

#: The colour of an actor whose colour is not ``#rgb`` or ``#rrggbb``.
DEFAULT_COLOUR = "#777777"
_HEX = re.compile(r"#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})")


def safe_colour(value: object, default: str = DEFAULT_COLOUR) -> str:
    """Return ``value`` upper-cased if it is a ``#rgb`` / ``#rrggbb`` colour, else ``default``.

    Parameters
    ----------
    value : object
        A colour as an actors file gives it.
    default : str, optional

    Returns
    -------
    str

    Examples
    --------
    >>> safe_colour("#0072b2"), safe_colour("red;background:url(x)")
    ('#0072B2', '#777777')
    """
    return value.upper() if isinstance(value, str) and _HEX.fullmatch(value) else default


def safe_actors(actors: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """Return ``id -> {"name", "colour"}`` with every colour checked by :func:`safe_colour`.

    Parameters
    ----------
    actors : mapping
        ``id -> {"name", "colour"}``.

    Returns
    -------
    dict
    """
    return {str(k): {"name": str(v.get("name", k)), "colour": safe_colour(v.get("colour"))}
            for k, v in actors.items()}


def evidence_list(value: object) -> list[dict[str, Any]]:
    """Return a frame cell's evidence as a list of dicts.

    A GeoPackage or CSV read back holds it as JSON text; a missing cell is no evidence.

    Parameters
    ----------
    value : object
        A list of dicts, its JSON text, or null.

    Returns
    -------
    list of dict
    """
    if isinstance(value, str):
        value = orjson.loads(value) if value.strip() else []
    if hasattr(value, "tolist"):  # a numpy array, as Parquet and Arrow give a list back
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [dict(ev) for ev in value if isinstance(ev, Mapping)]
    return []


def has_evidence(value: object) -> bool:
    """Return whether a frame cell holds at least one piece of evidence.

    Parameters
    ----------
    value : object
        As for :func:`evidence_list`.

    Returns
    -------
    bool
    """
    return bool(evidence_list(value))


def web_url(value: object) -> str:
    """Return ``value`` if it is an ``http:`` or ``https:`` URL with a host, else ``""``.

    Only such a URL becomes a link: ``javascript:``, ``data:`` and relative
    addresses stay text.

    Parameters
    ----------
    value : object

    Returns
    -------
    str

    Examples
    --------
    >>> web_url("https://apnews.com/a"), web_url("javascript:alert(1)")
    ('https://apnews.com/a', '')
    """
    return _web_url(value) if isinstance(value, str) else ""


@lru_cache(maxsize=1 << 14)
def _web_url(value: str) -> str:
    # Once a URL: every claim of a report cites the same one.
    if value != value.strip() or any(ord(c) < 33 for c in value):
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    return value if parts.scheme.lower() in ("http", "https") and parts.netloc else ""
