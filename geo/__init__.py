"""What happened where and when: articles, mentions, actors, claims and the timeline.

Data flows one way: :mod:`geo.articles` -> :mod:`geo.mentions` ->
:mod:`geo.claims` -> :mod:`geo.timeline` -> :mod:`geo.pipeline` (maps and feeds).
"""

from .actors import Actor, Actors
from .articles import Article, read_article
from .claims import Claim, extract_claims
from .errors import InputError
from .mentions import Mention, find_mentions
from .timeline import Interval, State, Timeline

__all__ = [
    "Actor", "Actors", "Article", "Claim", "InputError", "Interval", "Mention", "State",
    "Timeline", "extract_claims", "find_mentions", "read_article",
]
