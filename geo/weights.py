"""Source weighting as data: how much a claim weighs against a conflicting one.

The weights the reader gives a claim (by who says it, and what carried the
report) are a table, ``geo/data/sources.yaml``, documented in its comments. A
project's own ``sources.yaml`` overrides it key by key; the timeline weighs
same-day claims that disagree with the result (``Claim.confidence``).

Examples
--------
>>> from conflictmap.geo.claims.attribution import Speaker
>>> w = Weights.load()
>>> w.weigh(Speaker("reporter", None), "capture", "GOV", truncated=False)
0.8
>>> w.weigh(Speaker("INS", "INS", claimed=True), "capture", "INS", truncated=False)
0.5
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .errors import InputError, read_yaml

if TYPE_CHECKING:
    from .claims.attribution import Speaker

__all__ = ["GAINS", "KINDS", "ROLES", "Outlet", "Weights", "role_of"]

#: The speaker roles of the table, in its order.
ROLES = ("reporter", "third_party", "source", "quoted", "own_gain", "own_gain_claimed",
         "enemy_loss", "admission", "other")
#: The outlet kinds of the table.
KINDS = ("ground_reporter", "wire", "monitor", "side_media")
#: Claim types that are a gain for their side.
GAINS = frozenset(("capture", "full_control", "hold", "presence", "entry"))
_KEYS = ("roles", "truncated", "kinds", "outlets")
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 40


def role_of(speaker: Speaker, claim_type: str, actor: str | None) -> str:
    """Return the table's role for who says a claim.

    Parameters
    ----------
    speaker : Speaker
        Who asserts the sentence (:func:`geo.claims.attribution.speaker_of`).
    claim_type : str
    actor : str or None
        The claim's side.

    Returns
    -------
    str
        One of :data:`ROLES`.
    """
    if speaker.side is None:
        return {"reporter": "reporter", "third party": "third_party", "quoted": "quoted"}.get(
            speaker.who, "source")
    gain = claim_type in GAINS
    if actor == speaker.side:
        if gain:
            return "own_gain_claimed" if speaker.claimed else "own_gain"
        return "admission"  # its own loss: said against its interest
    if actor is not None and claim_type == "loss":
        return "enemy_loss"
    return "admission" if gain and actor is not None else "other"


def _favours(side: str, claim_type: str, actor: str | None) -> bool:
    """Whether a claim is in a side's favour: its own gain, or its enemy's loss."""
    if claim_type in GAINS:
        return actor == side
    return claim_type == "loss" and actor is not None and actor != side


def _key(name: str) -> str:
    """Return an outlet's name as it is looked up: case and runs of spaces do not matter."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class Outlet:
    """A listed outlet: its kind (one of :data:`KINDS`) and, for a side's media, the side's id."""

    kind: str
    side: str | None = None


@dataclass(frozen=True)
class Weights:
    """The source-weighting table.

    Parameters
    ----------
    roles : mapping of str to float
        Each speaker role's weight (:data:`ROLES`), from 0 to 1.
    truncated : float
        Taken off a claim in a sentence the page cuts off.
    kinds : mapping of str to float
        Each outlet kind's adjustment (:data:`KINDS`), from -1 to 1.
    outlets : mapping of str to Outlet
        Listed outlets, by name (looked up regardless of case and spacing).
    """

    roles: Mapping[str, float]
    truncated: float
    kinds: Mapping[str, float]
    outlets: Mapping[str, Outlet] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Weights:
        """Return the bundled table, overridden key by key by a file.

        Parameters
        ----------
        path : str or Path, optional
            A project's ``sources.yaml``; only the keys it gives change.
            The bundled table alone when omitted.

        Returns
        -------
        Weights

        Raises
        ------
        InputError
            One line naming the file and the key at fault: a weight that is not
            a number or is out of range, an unknown role, kind or key.
        """
        base = _bundled()
        return base if path is None else base.override(path)

    def override(self, path: str | Path) -> Weights:
        """Return this table with the keys a file gives replaced.

        Parameters
        ----------
        path : str or Path
            A table in the form of ``geo/data/sources.yaml`` (any subset of its keys).

        Returns
        -------
        Weights
        """
        return _parse(read_yaml(path, "source-weighting table"), str(path), self)

    def outlet(self, name: str) -> Outlet | None:
        """Return how an outlet is listed, or None."""
        return self.outlets.get(_key(name)) if name else None

    def weigh(self, speaker: Speaker, claim_type: str, actor: str | None, truncated: bool,
              outlet: str = "") -> float:
        """Return how much a claim weighs against a conflicting one (0 to 1).

        Parameters
        ----------
        speaker : Speaker
        claim_type : str
        actor : str or None
            The claim's side.
        truncated : bool
            The page stops inside the sentence.
        outlet : str, optional
            The report's outlet (``Article.outlet``).

        Returns
        -------
        float
            The role's weight, less :attr:`truncated` for a cut-off sentence,
            plus the kind's adjustment when the outlet is listed (a side's
            media only on what favours that side), kept within 0 and 1 and
            rounded to two places.
        """
        w = self.roles[role_of(speaker, claim_type, actor)]
        if truncated:
            w -= self.truncated
        listed = self.outlet(outlet)
        if listed is not None and (listed.side is None or _favours(listed.side, claim_type, actor)):
            w += self.kinds[listed.kind]
        return round(min(1.0, max(0.0, w)), 2)


@lru_cache(maxsize=1)
def _bundled() -> Weights:
    ref = resources.files("conflictmap.geo").joinpath("data/sources.yaml")
    with resources.as_file(ref) as path:
        table = _parse(read_yaml(path, "source-weighting table"), str(path), None)
    missing = [f"roles.{r}" for r in ROLES if r not in table.roles] + \
        [f"kinds.{k}" for k in KINDS if k not in table.kinds]
    if missing:  # the bundled table is the default of every key: it must give them all
        raise InputError(str(path), f"{missing[0]}: missing")
    return table


# -- reading a table ------------------------------------------------------------
def _number(path: str, key: str, value: Any, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(path, f"{key}: {_SHORT.repr(value)} is not a number")
    if not lo <= value <= hi:
        raise InputError(path, f"{key}: {value} is out of range ({lo:g} to {hi:g})")
    return float(value)


def _mapping(path: str, key: str, value: Any) -> Mapping[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InputError(path, f"{key}: expected a mapping, got {_SHORT.repr(value)}")
    return value


def _known(path: str, key: str, name: Any, known: tuple[str, ...], what: str) -> str:
    if not isinstance(name, str) or name not in known:
        raise InputError(path, f"{key}: unknown {what} {_SHORT.repr(name)} (known: {', '.join(known)})")
    return name


def _outlet(path: str, key: str, value: Any) -> Outlet:
    if isinstance(value, str):
        value = {"kind": value}
    spec = _mapping(path, key, value)
    extra = [k for k in spec if k not in ("kind", "side")]
    if extra:
        raise InputError(path, f"{key}: unknown key {_SHORT.repr(extra[0])} (known: kind, side)")
    kind = _known(path, f"{key}.kind", spec.get("kind"), KINDS, "outlet kind")
    side = spec.get("side")
    if kind == "side_media" and not (isinstance(side, str) and side.strip()):
        raise InputError(path, f"{key}.side: a side's media needs the side's actor id")
    if kind != "side_media" and side is not None:
        raise InputError(path, f"{key}.side: only a side's media (side_media) has a side")
    return Outlet(kind, side.strip() if isinstance(side, str) else None)


def _parse(doc: Any, path: str, base: Weights | None) -> Weights:
    """Return ``base`` with the keys of a parsed table replaced; every fault is one line."""
    doc = _mapping(path, "the table", doc)
    for k in doc:
        _known(path, str(k), k, _KEYS, "key")
    roles = dict(base.roles) if base else {}
    for name, value in _mapping(path, "roles", doc.get("roles")).items():
        key = f"roles.{name}"
        roles[_known(path, key, name, ROLES, "role")] = _number(path, key, value, 0.0, 1.0)
    kinds = dict(base.kinds) if base else {}
    for name, value in _mapping(path, "kinds", doc.get("kinds")).items():
        key = f"kinds.{name}"
        kinds[_known(path, key, name, KINDS, "kind")] = _number(path, key, value, -1.0, 1.0)
    truncated = base.truncated if base else 0.0
    if "truncated" in doc:
        truncated = _number(path, "truncated", doc["truncated"], 0.0, 1.0)
    outlets = dict(base.outlets) if base else {}
    for name, value in _mapping(path, "outlets", doc.get("outlets")).items():
        if not isinstance(name, str) or not name.strip():
            raise InputError(path, f"outlets: {_SHORT.repr(name)} is not an outlet's name")
        outlets[_key(name)] = _outlet(path, f"outlets.{' '.join(name.split())}", value)
    return Weights(MappingProxyType(roles), truncated, MappingProxyType(kinds),
                   MappingProxyType(outlets))
