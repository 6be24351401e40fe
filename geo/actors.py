"""The sides of a battle, read from the user's actors file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from conflictmap.gazetteer import name_variants
from conflictmap.gazetteer.matcher import NameIndex, index_names

from .errors import InputError, read_yaml

__all__ = ["Actor", "Actors", "ActorMention", "ACTOR_KINDS", "CONTESTED", "UNKNOWN"]

#: Controller values that are not actors.
CONTESTED = "contested"
UNKNOWN = "unknown"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
#: What a side is, for ACLED's sub-event types: a state's forces, a non-state group, or not said.
ACTOR_KINDS = ("state", "non-state", "unknown")


@dataclass(frozen=True)
class Actor:
    """One side: its id, display name, names in reports, colour, enemies and kind.

    ``kind`` is one of :data:`ACTOR_KINDS` (``unknown`` when the file does not say).
    """

    id: str
    name: str
    aliases: tuple[str, ...]
    colour: str
    enemies: tuple[str, ...]
    kind: str = "unknown"


@dataclass(frozen=True)
class ActorMention:
    """A side named in a text, with character offsets."""

    start: int
    end: int
    text: str
    actor: str


class Actors:
    """The sides of a theatre.

    Parameters
    ----------
    actors : sequence of Actor
    """

    def __init__(self, actors: list[Actor]) -> None:
        self._actors = {a.id: a for a in actors}

    @classmethod
    def load(cls, path: str | Path) -> Actors:
        """Read an actors YAML file.

        Parameters
        ----------
        path : str or Path
            A YAML mapping with a list ``actors``, each with ``id``, ``name``,
            ``aliases`` (list), ``colour`` (``#rrggbb``) and optionally
            ``enemies`` (list of ids) and ``kind`` (``state`` for a state's
            forces, ``non-state`` for any other armed group; see
            :data:`ACTOR_KINDS`).

        Returns
        -------
        Actors

        Raises
        ------
        InputError
            Naming the file and the entry at fault.
        """
        spath = str(path)
        doc = read_yaml(path, "actors file")
        entries = doc.get("actors") if isinstance(doc, dict) else None
        if not isinstance(entries, list) or not entries:
            raise InputError(spath, "expected a mapping with a non-empty list 'actors'")
        actors = []
        for n, e in enumerate(entries, start=1):
            if not isinstance(e, dict) or not e.get("id"):
                raise InputError(spath, f"actor {n}: missing 'id'")
            aid = str(e["id"])
            if aid in (CONTESTED, UNKNOWN):
                raise InputError(spath, f"actor {n}: id {aid!r} is reserved")
            colour = str(e.get("colour") or e.get("color") or "")
            if not _COLOUR.match(colour):
                raise InputError(spath, f"actor {aid!r}: 'colour' must look like #1a2b3c")
            aliases = e.get("aliases") or []
            if not isinstance(aliases, list):
                raise InputError(spath, f"actor {aid!r}: 'aliases' must be a list")
            enemies = e.get("enemies") or []
            if not isinstance(enemies, list):
                raise InputError(spath, f"actor {aid!r}: 'enemies' must be a list of actor ids")
            kind = str(e.get("kind") or "unknown").strip().lower()
            if kind not in ACTOR_KINDS:
                raise InputError(spath, f"actor {aid!r}: 'kind' must be one of {', '.join(ACTOR_KINDS)}")
            actors.append(
                Actor(aid, str(e.get("name") or aid), tuple(str(a) for a in aliases),
                      colour.upper(), tuple(str(x) for x in enemies), kind)
            )
        ids = [a.id for a in actors]
        if len(set(ids)) != len(ids):
            raise InputError(spath, "duplicate actor id")
        for a in actors:
            for enemy in a.enemies:
                if enemy not in ids:
                    raise InputError(spath, f"actor {a.id!r}: enemy {enemy!r} is not an actor")
        return cls(actors)

    def __iter__(self):
        return iter(self._actors.values())

    def __getitem__(self, aid: str) -> Actor:
        return self._actors[aid]

    def __contains__(self, aid: object) -> bool:
        return aid in self._actors

    @property
    def ids(self) -> list[str]:
        """Actor ids in file order."""
        return list(self._actors)

    def opponent(self, aid: str) -> str | None:
        """Return the one enemy of ``aid``, or None when it has none or several."""
        enemies = self._actors[aid].enemies if aid in self._actors else ()
        return enemies[0] if len(enemies) == 1 else None

    @cached_property
    def _index(self) -> NameIndex:
        # "IS" is also a verb: index_names matches abbreviations only as written.
        return index_names(
            ((alias, a.id) for a in self._actors.values() for alias in (a.id, a.name, *a.aliases)),
            lambda name, _value: name_variants(name),
        )

    def find(self, text: str) -> list[ActorMention]:
        """Return the sides named in ``text``, in order.

        Parameters
        ----------
        text : str

        Returns
        -------
        list of ActorMention
            A name that several sides share is left out (it says nothing).
        """
        return [
            ActorMention(h.start, h.end, h.text, h.keys[0])
            for h in self._index.find(text)
            if len(h.keys) == 1
        ]
