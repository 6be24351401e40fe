"""The sides of a battle, read from the user's actors file."""

from __future__ import annotations

import os
import re
import reprlib
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from conflictmap.gazetteer import name_variants
from conflictmap.gazetteer.io import MAX_ALIASES, name_problem
from conflictmap.gazetteer.matcher import NameIndex, index_names

from .errors import InputError

__all__ = ["Actor", "Actors", "ActorMention", "ACTOR_KINDS", "Controller", "CONTESTED", "UNKNOWN",
           "load_yaml"]


class Controller(StrEnum):
    """Who holds a site when it is no one side: the controller values that are not actor ids.

    A site's controller is an actor's id or one of these; no actor may take
    either as its id.  A member is its string (:class:`enum.StrEnum`), so it
    is written out as it is and compares equal to it.

    Examples
    --------
    >>> Controller.CONTESTED == "contested"
    True
    >>> ",".join(sorted({"sdf", Controller.UNKNOWN, "is"}))
    'is,sdf,unknown'
    >>> Controller("unknown") is UNKNOWN
    True
    """

    #: Both sides fight inside the site, or each holds part of it.
    CONTESTED = "contested"
    #: Nothing read says who holds it.
    UNKNOWN = "unknown"


#: The members under their older names, as module constants.
CONTESTED = Controller.CONTESTED
UNKNOWN = Controller.UNKNOWN
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
#: What a side is, for ACLED's sub-event types: a state's forces, a non-state group, or not said.
ACTOR_KINDS = ("state", "non-state", "unknown")
#: The keys an actor may have (``color`` is taken for ``colour``).
ACTOR_KEYS = ("id", "name", "aliases", "colour", "color", "enemies", "kind")
#: Largest actors file read (bytes): a real one is a few kilobytes.
MAX_YAML_BYTES = 1_000_000
#: Most YAML aliases (``*name``) a file may use.
MAX_YAML_ALIASES = 100
#: Most values a YAML file may stand for once its aliases are expanded.  An alias
#: repeats its whole anchored value, so a few nested ones stand for billions of
#: values ("billion laughs"), and anything that walks them never ends.
MAX_YAML_VALUES = 100_000
#: Most sides an actors file may have.
MAX_ACTORS = 100
#: Longest actor id (characters).
MAX_ID_LENGTH = 64
# Quotes a stranger's value in a message: short, however large or deep the value is.
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 2, 4, 4, 40, 40


class _Refused(yaml.YAMLError):
    """A YAML file refused for what it would expand to."""


class _LimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a file that uses more than :data:`MAX_YAML_ALIASES` aliases."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                # types-PyYAML leaves Parser.peek_event unannotated.
                line = self.peek_event().start_mark.line + 1  # type: ignore[no-untyped-call]
                raise _Refused(f"more than {MAX_YAML_ALIASES} YAML aliases (line {line})")
        return super().compose_node(parent, index)


def _expanded_size(node: yaml.Node, memo: dict[int, int], open_: set[int]) -> int:
    """Count the values ``node`` stands for with its aliases expanded; raise _Refused past the limit."""
    key = id(node)  # an alias is the anchored node itself: counted once, by identity
    if key in memo:
        return memo[key]
    if key in open_:
        raise _Refused("a YAML alias refers to the value that holds it")
    open_.add(key)
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
        _no_key_twice(node)
    total = 1
    for child in children:
        total += _expanded_size(child, memo, open_)
        if total > MAX_YAML_VALUES:
            raise _Refused(f"its YAML aliases expand to more than {MAX_YAML_VALUES:,} values")
    open_.discard(key)
    memo[key] = total
    return total


def _no_key_twice(node: yaml.MappingNode) -> None:
    """Refuse a mapping that gives a key twice: YAML would keep the last one, silently."""
    seen: set[str] = set()
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
            if key.value in seen:
                raise _Refused(f"the key {key.value!r:.40} is given twice (line {key.start_mark.line + 1})")
            seen.add(key.value)


def load_yaml(path: str | Path, what: str) -> Any:
    """Read a YAML file a stranger may have written; every failure is one :class:`InputError` line.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file is, for the message ("actors file").

    Returns
    -------
    object
        The parsed document.

    Notes
    -----
    The file is at most :data:`MAX_YAML_BYTES` long, UTF-8, and uses at most
    :data:`MAX_YAML_ALIASES` aliases, standing for at most :data:`MAX_YAML_VALUES`
    values once they are expanded; only plain YAML types are built.
    """
    spath = str(path)
    if "\0" in spath:  # os.stat would raise ValueError, not OSError
        raise InputError(spath, f"cannot read {what} (a NUL character in the name)")
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a pipe would be waited on forever
            raise InputError(spath, f"{what} is not a regular file")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_YAML_BYTES + 1)
    except OSError as exc:
        raise InputError(spath, f"cannot read {what} ({exc.strerror or exc})") from None
    if len(raw) > MAX_YAML_BYTES:
        raise InputError(spath, f"{what} is larger than {MAX_YAML_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(spath, f"{what} is not UTF-8 text") from None
    try:
        # The reader refuses characters YAML does not allow (NUL, most controls) as it starts.
        loader = _LimitedLoader(text)
    except yaml.YAMLError as exc:
        raise InputError(spath, f"not valid YAML ({_first_line(exc)})") from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {}, set())
        return loader.construct_document(node)
    except _Refused as exc:
        raise InputError(spath, f"{what} refused: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        if isinstance(exc, yaml.constructor.ConstructorError):
            raise InputError(spath, f"{what} uses a YAML tag that is not plain data{where}") from None
        raise InputError(spath, f"not valid YAML{where}") from None
    except RecursionError:
        raise InputError(spath, f"{what} is nested too deeply") from None
    finally:
        loader.dispose()


def _first_line(exc: yaml.YAMLError) -> str:
    # PyYAML's reader says the character, then where on a second line: keep the first.
    return str(exc).split("\n")[0].strip().rstrip(":")


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


def _strings(entry: dict[str, Any], key: str, who: str) -> list[str]:
    """Return a list of text values of an actor (empty when not given), or raise ValueError."""
    value = entry.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{who}: {key!r} must be a list of text values, not {_short(value)}")
    return [v.strip() for v in value if v.strip()]


def _short(value: Any) -> str:
    return _REPR.repr(value)


def _actor_id(entry: dict[str, Any], n: int) -> str:
    """Return the id of the ``n``-th actor, or raise ValueError."""
    aid = entry.get("id")
    if aid is None or aid == "":
        raise ValueError(f"actor {n}: missing 'id'")
    if not isinstance(aid, str) or not aid.strip():
        raise ValueError(f"actor {n}: 'id' must be text, not {_short(aid)}")
    aid = aid.strip()
    bad = name_problem(aid, "'id'") or (f"'id' is {len(aid)} characters long (at most {MAX_ID_LENGTH})"
                                        if len(aid) > MAX_ID_LENGTH else None)
    if bad:
        raise ValueError(f"actor {n}: {bad}")
    if aid in tuple(Controller):
        raise ValueError(f"actor {n}: id {aid!r} is reserved (it means no side)")
    return aid


def _colour(entry: dict[str, Any], who: str) -> str:
    """Return an actor's colour as ``#RRGGBB``, or raise ValueError."""
    colour = entry.get("colour", entry.get("color"))
    if not isinstance(colour, str) or not _COLOUR.fullmatch(colour.strip()):
        raise ValueError(f"{who}: 'colour' must look like #1a2b3c or #abc, not {_short(colour)}")
    colour = colour.strip().upper()
    # #rgb: each digit doubled, as CSS reads it.
    return colour if len(colour) == 7 else "#" + "".join(c * 2 for c in colour[1:])


def _actor(entry: Any, n: int) -> Actor:
    """Check the ``n``-th entry of an actors file and return its actor, or raise ValueError."""
    if not isinstance(entry, dict):
        raise ValueError(f"actor {n}: expected a mapping with 'id', 'name' and 'colour'")
    aid = _actor_id(entry, n)
    who = f"actor {aid!r}"
    unknown = sorted(str(k) for k in entry if k not in ACTOR_KEYS)
    if unknown:
        raise ValueError(f"{who}: unknown key {_short(unknown[0])} (expected {', '.join(ACTOR_KEYS)})")
    name = aid if entry.get("name") is None else entry["name"]
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{who}: 'name' must be text, not {_short(name)}")
    aliases = _strings(entry, "aliases", who)
    if len(aliases) > MAX_ALIASES:
        raise ValueError(f"{who}: {len(aliases):,} aliases (at most {MAX_ALIASES:,})")
    for i, alias in enumerate([name.strip(), *aliases]):
        bad = name_problem(alias, f"alias {i}" if i else "'name'")
        if bad:
            raise ValueError(f"{who}: {bad}")
    kind = entry.get("kind") or "unknown"
    if not isinstance(kind, str) or kind.strip().lower() not in ACTOR_KINDS:
        raise ValueError(f"{who}: 'kind' must be one of {', '.join(ACTOR_KINDS)}, not {_short(kind)}")
    return Actor(aid, name.strip(), tuple(aliases), _colour(entry, who),
                 tuple(_strings(entry, "enemies", who)), kind.strip().lower())


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
            A YAML mapping with a list ``actors``, each with ``id`` (text),
            ``name``, ``aliases`` (list of text), ``colour`` (``#rrggbb`` or
            ``#rgb``) and optionally ``enemies`` (list of ids) and ``kind``
            (``state`` for a state's forces, ``non-state`` for any other armed
            group; see :data:`ACTOR_KINDS`); no other keys.  Names and
            aliases follow the gazetteer's limits (300 characters, no control
            characters, 2,000 aliases); the file those of :func:`load_yaml`.

        Returns
        -------
        Actors

        Raises
        ------
        InputError
            Naming the file and the entry at fault.
        """
        spath = str(path)
        doc = load_yaml(path, "actors file")
        entries = doc.get("actors") if isinstance(doc, dict) else None
        if not isinstance(entries, list) or not entries:
            raise InputError(spath, "expected a mapping with a non-empty list 'actors'")
        if len(entries) > MAX_ACTORS:
            raise InputError(spath, f"{len(entries)} actors (at most {MAX_ACTORS})")
        actors: list[Actor] = []
        first: dict[str, int] = {}
        for n, entry in enumerate(entries, start=1):
            try:
                actor = _actor(entry, n)
            except ValueError as exc:
                raise InputError(spath, str(exc)) from None
            if actor.id in first:
                raise InputError(spath, f"actor {n}: duplicate id {actor.id!r} (first at actor "
                                        f"{first[actor.id]})")
            first[actor.id] = n
            actors.append(actor)
        for a in actors:
            for enemy in a.enemies:
                if enemy not in first:
                    raise InputError(spath, f"actor {a.id!r}: enemy {enemy!r} is not an actor")
                if enemy == a.id:
                    raise InputError(spath, f"actor {a.id!r}: is its own enemy")
        return cls(actors)

    def __iter__(self) -> Iterator[Actor]:
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
