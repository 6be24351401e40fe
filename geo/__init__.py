"""What happened where and when: articles, mentions, actors, claims and the timeline.

Data flows one way: :mod:`geo.articles` -> :mod:`geo.mentions` ->
:mod:`geo.claims` -> :mod:`geo.timeline` -> :mod:`geo.pipeline` (maps and feeds).
"""

from importlib import import_module
from typing import Any

# Names are imported on first use: `conflictmap --help` should not wait for geopandas.
_WHERE = {
    "Actor": "actors", "Actors": "actors", "Article": "articles", "read_article": "articles",
    "Claim": "claims", "extract_claims": "claims", "InputError": "errors",
    "Mention": "mentions", "find_mentions": "mentions", "Interval": "timeline",
    "State": "timeline", "Timeline": "timeline",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'conflictmap.geo' has no attribute {name!r}")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)
