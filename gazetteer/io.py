"""Reading gazetteer files of every supported format into one table of places.

Each reader returns a :class:`Loaded`: a DataFrame with the columns of
:data:`PLACE_FIELDS` (plus ``file`` and ``row``, where each place came from)
and the problems found in single rows.  Problems that need several rows
(duplicate ids, parents, swapped coordinates, ambiguous aliases) are found by
:mod:`gazetteer.validate` once all files are read.

Formats
-------
GeoJSON
    A FeatureCollection; properties ``id``, ``name``, ``aliases`` (list, or a
    string separated by ``|``), ``kind``, ``parent``, ``source`` and
    optionally ``precision``, ``prominence``, ``population``.
CSV
    A header row. Columns are recognised by name, in any order and case:
    ``name``; ``lat``/``latitude``/``y`` and ``lon``/``lng``/``long``/
    ``longitude``/``x``, or a WKT column ``wkt``/``geometry``/``geom``;
    optional ``id`` (made from the name when absent), ``aliases`` (``|``
    separated), ``kind``, ``parent``, ``source``, ``precision``,
    ``prominence``, ``population``.
GeoNames
    The ``allCountries.txt`` dump format (19 tab-separated columns, no
    header), recognised by its shape whatever the file is called; an
    ``alternateNamesV2.txt``-style file beside it adds aliases.
GeoPackage, Shapefile and other OGR formats
    Read through pyogrio with the same column names as CSV; geometries are
    reprojected to WGS84.

What a place must be
--------------------
Files come from strangers, so each place is checked before anything uses it,
and what is wrong is an error naming the file and the feature or line (the
build stops with that one line): every place has a location, a
:data:`GEOMETRY_TYPES` geometry, not empty, valid, of finite coordinates
within range and between 80°S and 84°N (heights are dropped); ids, names,
aliases, kinds and parents are text of at most :data:`MAX_NAME_LENGTH`
characters without control characters, at most :data:`MAX_ALIASES` aliases
a place (longer names are mistakes or attacks, and crash the name
automaton); numbers are whole and bounded; CSV files are UTF-8, never
guessed.  A GeoNames dump is not the user's to correct: its unusable aliases
are left out.  A place no name of which has a letter or digit is a warning.
"""

from __future__ import annotations

import csv
import io
import re
import reprlib
import stat
import unicodedata
import warnings
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import numpy as np
import orjson
import pandas as pd
import shapely
import yaml
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from .errors import GazetteerError
from .formats import READERS
from .names import fold

__all__ = [
    "PLACE_FIELDS", "Problem", "Loaded", "read_places", "read_geojson", "read_csv",
    "read_geonames", "read_alternate_names", "read_ogr", "sniff",
]

#: Columns of a place record, in order.
PLACE_FIELDS = (
    "id", "name", "aliases", "kind", "parent", "source", "precision",
    "prominence", "population", "layer", "geometry",
)
#: Where each place came from: the file, and its line (CSV, GeoNames) or feature number.
ORIGIN_FIELDS = ("file", "row")
_PRECISIONS = ("exact", "approximate", "estimate")
#: Longest name, alias, id, kind or parent a place may have (characters).  Longer is not a
#: place name but a mistake or an attack: a key of megabytes crashes the name automaton.
MAX_NAME_LENGTH = 300
#: Longest ``source`` text (characters).
MAX_SOURCE_LENGTH = 2000
#: Most aliases one place may have.
MAX_ALIASES = 2000
#: Largest magnitude of ``prominence`` and ``population``.
MAX_NUMBER = 10**12
#: The latitudes UTM zones cover, in which distances are measured and maps drawn.
UTM_NORTH, UTM_SOUTH = 84, -80
#: The geometry types a place may have: what every writer draws.
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
# How deep the coordinates of each GeoJSON type nest above one position.
_GEOJSON_DEPTH = dict(zip(GEOMETRY_TYPES, (0, 1, 1, 2, 2, 3), strict=True))
# Control characters (C0, DEL, C1) and lone surrogates: never part of a name.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# The same, but a source may run over lines.
_CONTROL_SOURCE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Column names a user's table may use for each field (compared case-insensitively).
_COLUMNS = {
    "id": ("id", "place_id", "fid_text"),
    "name": ("name", "place", "placename", "toponym"),
    "aliases": ("aliases", "alias", "alternate_names", "alternatenames", "other_names"),
    "kind": ("kind", "type", "feature_type", "category"),
    "parent": ("parent", "parent_id", "within"),
    "source": ("source", "sources", "ref"),
    "precision": ("precision", "accuracy"),
    "prominence": ("prominence", "rank"),
    "population": ("population", "pop"),
    "lat": ("lat", "latitude", "y"),
    "lon": ("lon", "lng", "long", "longitude", "x"),
    "wkt": ("wkt", "geometry", "geom", "the_geom"),
}
GEONAMES_COLUMNS = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
    "feature_class", "feature_code", "country_code", "cc2", "admin1_code", "admin2_code",
    "admin3_code", "admin4_code", "population", "elevation", "dem", "timezone",
    "modification_date",
)


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong with a gazetteer, where it is, and how bad.

    Attributes
    ----------
    path : str
        The file.
    where : str
        The line or feature (``"line 12"``, ``"feature 3 (id 'x')"``), or ``""``.
    message : str
    level : str
        ``"error"`` (the file cannot be used) or ``"warning"`` (it can, but
        a user should look).
    """

    path: str
    where: str
    message: str
    level: str = "error"

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        return f"{self.path}: {where}{self.message}"

    def error(self) -> GazetteerError:
        """Return the problem as an exception."""
        return GazetteerError(self.path, f"{self.where}: {self.message}" if self.where else self.message)


@dataclass
class Loaded:
    """Places read from one file, and the problems found in single rows.

    Attributes
    ----------
    places : pandas.DataFrame
        Columns :data:`PLACE_FIELDS` then ``file`` and ``row``.
    problems : list of Problem
    kind : str
        The format read (geojson, csv, geonames, ogr, alternate-names).
    aliases : dict, optional
        For an alternate-names file: GeoNames id -> extra names.
    """

    places: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    kind: str = ""
    aliases: dict[str, list[str]] | None = None


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=[*PLACE_FIELDS, *ORIGIN_FIELDS])
    return frame.astype({"prominence": "int64", "population": "int64", "row": "int64"})


def _missing(value: Any) -> bool:
    """Whether a cell is empty: None, NaN or pandas' NA."""
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _short(value: Any, limit: int = 40) -> str:
    """Return ``repr(value)`` cut short, for a message quoting bad input however large or deep."""
    quote = reprlib.Repr()
    quote.maxlevel, quote.maxlist, quote.maxdict, quote.maxstring, quote.maxother = 2, 4, 4, limit, limit
    return quote.repr(value)


def name_problem(name: str, what: str = "name") -> str | None:
    """Return what is wrong with a name or alias, or None.

    Parameters
    ----------
    name : str
    what : str
        How the message calls it (``"name"``, ``"alias 3"``).

    Returns
    -------
    str or None
        Too long (over :data:`MAX_NAME_LENGTH` characters), or holding a
        control character.
    """
    if len(name) > MAX_NAME_LENGTH:
        return f"{what} is {len(name):,} characters long (at most {MAX_NAME_LENGTH})"
    bad = _CONTROL.search(name)
    if bad:
        return f"{what} contains the control character U+{ord(bad.group()):04X}"
    return None


def _odd_names(names: pd.Series) -> pd.Series:
    """Whether each name has a :func:`name_problem`, for a whole column at once."""
    return (names.str.len() > MAX_NAME_LENGTH) | names.str.contains(_CONTROL)


def _split_aliases(value: Any) -> list[str] | str:
    """Return a cell's aliases, or what is wrong with them."""
    if _missing(value):
        return []
    if isinstance(value, str):
        aliases = [a.strip() for a in value.split("|")]
    elif isinstance(value, (list, tuple, np.ndarray)) and all(isinstance(a, str) for a in value):
        aliases = [a.strip() for a in value]
    else:
        return "'aliases' must be a list of names"
    aliases = [a for a in aliases if a]
    if len(aliases) > MAX_ALIASES:
        return f"{len(aliases):,} aliases (at most {MAX_ALIASES:,})"
    for n, alias in enumerate(aliases, start=1):
        bad = name_problem(alias, f"alias {n}")
        if bad:
            return bad
    return aliases


def _int(value: Any) -> int | None:
    if _missing(value) or value == "":
        return 0
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (str, int, float, np.number)):
        return None
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None
    return number if abs(number) <= MAX_NUMBER else None


def _text(value: Any) -> str:
    if _missing(value):
        return ""
    return str(value).strip()


def _scalar(values: Mapping[str, Any], key: str, limit: int = MAX_NAME_LENGTH) -> str:
    """Return a text field, or raise ValueError saying what is wrong with it.

    Text and numbers are taken (an id may be a number); a list or a mapping is
    not a value but a mistake, and a control character has no place in it.
    """
    value = values.get(key)
    if _missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (str, int, float, np.number)):
        raise ValueError(f"{key!r} must be text, not {type(value).__name__} {_short(value)}")
    text = str(value).strip()
    if len(text) > limit:
        raise ValueError(f"{key!r} is {len(text):,} characters long (at most {limit:,})")
    bad = (_CONTROL_SOURCE if key == "source" else _CONTROL).search(text)
    if bad:
        raise ValueError(f"{key!r} contains the control character U+{ord(bad.group()):04X}")
    return text


def _check_geometry(geom: BaseGeometry | str | None) -> BaseGeometry | str:
    """Return a place's geometry made two-dimensional, or what is wrong with it.

    A place must have a location: every map, feed and image draws it.  The
    types are those of :data:`GEOMETRY_TYPES`; heights are dropped.
    """
    if isinstance(geom, str):
        return geom
    if geom is None:
        return "no geometry (every place needs a location)"
    if geom.geom_type not in GEOMETRY_TYPES:
        return f"unsupported geometry type {geom.geom_type!r} (use {', '.join(GEOMETRY_TYPES)})"
    if geom.is_empty:
        return "empty geometry"
    flat: BaseGeometry = shapely.force_2d(geom)
    coords = shapely.get_coordinates(flat)
    if not np.isfinite(coords).all():
        return "coordinates must be finite numbers (found NaN or infinity)"
    minx, miny, maxx, maxy = flat.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return f"coordinates out of range (lon {minx:g}..{maxx:g}, lat {miny:g}..{maxy:g})"
    if miny < UTM_SOUTH or maxy > UTM_NORTH:
        return (f"latitude {maxy if maxy > UTM_NORTH else miny:g} is too near a pole (maps are drawn in "
                f"UTM zones, which stop at {UTM_NORTH}°N and {-UTM_SOUTH}°S)")
    if not flat.is_valid:
        return f"invalid geometry ({shapely.is_valid_reason(flat)})"
    return flat


def _record(path: str, where: str, row: int, values: dict[str, Any], geom: BaseGeometry | str | None,
            layer: str, problems: list[Problem]) -> dict[str, Any] | None:
    """Check one place's values and return its record, or None (with a problem noted).

    ``geom`` is the place's geometry, or what the reader found wrong with it.
    """
    try:
        fields = {k: _scalar(values, k) for k in ("id", "kind", "parent", "precision")}
        fields["source"] = _scalar(values, "source", MAX_SOURCE_LENGTH)
    except ValueError as exc:
        problems.append(Problem(path, where, str(exc)))
        return None
    pid, name = fields["id"], values.get("name")
    if not pid:
        problems.append(Problem(path, where, "missing 'id'"))
        return None
    if not isinstance(name, str) or not name.strip():
        wrong = not _missing(name) and not isinstance(name, str)
        problems.append(Problem(path, where, f"'name' must be text, not {_short(name)}" if wrong
                                else "missing 'name'"))
        return None
    aliases = _split_aliases(values.get("aliases"))
    bad = name_problem(name.strip()) or (aliases if isinstance(aliases, str) else None)
    if bad:
        problems.append(Problem(path, where, bad))
        return None
    precision = fields["precision"] or "approximate"
    if precision not in _PRECISIONS:
        problems.append(Problem(
            path, where, f"'precision' must be one of {list(_PRECISIONS)}, not {_short(precision)}"))
        return None
    numbers = {k: _int(values.get(k)) for k in ("prominence", "population")}
    for k, v in numbers.items():
        if v is None or (k == "population" and v < 0):
            problems.append(Problem(path, where, f"{k!r} must be a whole number up to {MAX_NUMBER:.0e}"
                                                 f"{' and not negative' if k == 'population' else ''}, "
                                                 f"not {_short(values[k])}"))
            return None
    checked = _check_geometry(geom)
    if isinstance(checked, str):
        problems.append(Problem(path, where, checked))
        return None
    if not any(fold(n) for n in (name, *aliases)):
        problems.append(Problem(path, where, "no name or alias has a letter or digit: no report can "
                                             "name the place", "warning"))
    return {
        "id": pid, "name": name.strip(), "aliases": tuple(dict.fromkeys(aliases)),
        "kind": (fields["kind"] or "place").lower(),
        "parent": fields["parent"] or None, "source": fields["source"],
        "precision": precision, "prominence": numbers["prominence"],
        "population": numbers["population"], "layer": layer, "geometry": checked,
        "file": path, "row": row,
    }


def _bad_coordinates(coords: Any, depth: int) -> str | None:
    """Return what is wrong with GeoJSON coordinates nested ``depth`` lists above a position."""
    if depth == 0:
        if coords == []:
            return None  # an empty geometry, said as such once it is made
        if (not isinstance(coords, list) or not 2 <= len(coords) <= 3
                or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coords)):
            return f"a position must be [longitude, latitude] numbers, not {_short(coords)}"
        if not all(abs(c) < 1e300 for c in coords):  # False for NaN and infinity
            return f"coordinates must be finite numbers, not {_short(coords)}"
        return None
    if not isinstance(coords, list):
        return f"coordinates must be nested {depth + 1} lists deep, not {_short(coords)}"
    for part in coords:
        bad = _bad_coordinates(part, depth - 1)
        if bad:
            return bad
    return None


def _geojson_geometry(raw: Any) -> BaseGeometry | str | None:
    """Return a feature's geometry (None when it has none), or what is wrong with it."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        return f"'geometry' must be a GeoJSON geometry object, not {_short(raw)}"
    gtype = raw.get("type")
    if gtype not in _GEOJSON_DEPTH:
        return f"unsupported geometry type {_short(gtype)} (use {', '.join(GEOMETRY_TYPES)})"
    coords = raw.get("coordinates")
    bad = _bad_coordinates(coords, _GEOJSON_DEPTH[gtype])
    if bad:
        return f"invalid geometry ({gtype}: {bad})"
    try:
        return shape({"type": gtype, "coordinates": coords})
    except (shapely.errors.ShapelyError, ValueError, TypeError, IndexError) as exc:
        return f"invalid geometry ({gtype}: {_first_line(exc)})"


def read_geojson(path: str | Path, layer: str = "theatre") -> Loaded:
    """Read a GeoJSON FeatureCollection of places.

    Parameters
    ----------
    path : str or Path
    layer : str
        Recorded on every place: ``"theatre"`` for a user's places.

    Returns
    -------
    Loaded
        A feature without a location, of a type other than
        :data:`GEOMETRY_TYPES`, with coordinates of the wrong shape or not
        finite, or with a name longer than :data:`MAX_NAME_LENGTH` is a
        problem naming the feature; heights (a third coordinate) are dropped.

    Raises
    ------
    GazetteerError
        If the file cannot be read or is not a FeatureCollection.
    """
    path = str(path)
    raw = _read_bytes(path)
    try:
        doc = orjson.loads(raw.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError as exc:
        raise GazetteerError(path, f"not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise GazetteerError(path, "not a GeoJSON FeatureCollection")
    features = doc.get("features") or []
    if not isinstance(features, list):
        raise GazetteerError(path, "'features' must be a list")
    problems: list[Problem] = []
    rows = []
    for n, feature in enumerate(features, start=1):
        props = feature.get("properties") or {} if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            problems.append(Problem(path, f"feature {n}", "not a GeoJSON Feature with 'properties'"))
            continue
        pid = props.get("id")
        named = isinstance(pid, (str, int)) and not isinstance(pid, bool) and str(pid).strip()
        where = f"feature {n}" + (f" (id {_short(str(pid).strip(), 60)})" if named else "")
        geom = _geojson_geometry(feature.get("geometry"))
        rec = _record(path, where, n, props, geom, layer, problems)
        if rec:
            rows.append(rec)
    if not rows and not problems:
        raise GazetteerError(path, "no features")
    return Loaded(_frame(rows), problems, "geojson")


def _first_line(exc: BaseException | str) -> str:
    """Return the first line of an exception's message (its type when it has none)."""
    lines = str(exc).strip().splitlines()
    return (lines[0] if len(lines[0]) <= 200 else lines[0][:197] + "...") if lines else type(exc).__name__


@contextmanager
def _reading(path: str, what: str) -> Iterator[None]:
    """Turn what goes wrong while reading ``path`` into one-line :class:`GazetteerError`."""
    try:
        yield
    except IsADirectoryError:
        raise GazetteerError(path, "is a folder, not a gazetteer file") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise GazetteerError(path, f"not {what} ({str(exc).splitlines()[0]})") from None
    except OSError as exc:
        raise GazetteerError(path, f"cannot read file ({exc.strerror})") from None


def _read_bytes(path: str) -> bytes:
    with _reading(path, "a gazetteer file"):
        return Path(path).read_bytes()


def _columns(names: Iterable[str]) -> dict[str, str]:
    """Map our field names to a table's column names (first match wins)."""
    lower = {n.strip().lower(): n for n in names}
    found = {}
    for fld, options in _COLUMNS.items():
        for opt in options:
            if opt in lower:
                found[fld] = lower[opt]
                break
    return found


def _slug(name: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-") or "place"


def _table_places(path: str, table: pd.DataFrame, geoms: Sequence[BaseGeometry | str | None],
                  rows: Sequence[int], where_word: str, layer: str) -> Loaded:
    cols = _columns(table.columns)
    if "name" not in cols:
        shown = ", ".join(_short(str(c), 30) for c in list(table.columns)[:12])
        more = ", ..." if len(table.columns) > 12 else ""
        raise GazetteerError(path, f"no 'name' column (columns: {shown}{more})")
    problems: list[Problem] = []
    out = []
    used: dict[str, int] = {}
    records = table.to_dict("records")
    for rec, geom, row in zip(records, geoms, rows, strict=True):
        values = {fld: rec.get(col) for fld, col in cols.items()}
        name = values.get("name")
        if "id" not in cols and isinstance(name, str) and name.strip():
            # No id column: a readable id from the name, numbered when repeated.
            base = _slug(name)
            used[base] = used.get(base, 0) + 1
            values["id"] = base if used[base] == 1 else f"{base}-{used[base]}"
        where = f"{where_word} {row}" + (f" (id {values['id']!r})" if _text(values.get("id")) else "")
        r = _record(path, where, row, values, geom, layer, problems)
        if r:
            out.append(r)
    return Loaded(_frame(out), problems)


def read_csv(path: str | Path, layer: str = "theatre") -> Loaded:
    """Read a CSV table of places (see the module docstring for its columns).

    Parameters
    ----------
    path : str or Path
    layer : str

    Returns
    -------
    Loaded
    """
    path = str(path)
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Guessing another encoding would put wrong names on the map without a word.
        line = raw.count(b"\n", 0, exc.start) + 1
        raise GazetteerError(path, f"line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02X}); "
                                   "save the file as UTF-8") from None
    body, lines, header = _csv_rows(path, text)
    if not body:
        raise GazetteerError(path, "no places (only a header)")
    table = pd.DataFrame(body, columns=header, dtype=object)
    cols = _columns(header)
    if "wkt" not in cols and not ("lat" in cols and "lon" in cols):
        raise GazetteerError(path, "no coordinate columns: every place needs lat and lon, or wkt")
    geoms = [_csv_geometry(rec, cols) for rec in table.to_dict("records")]
    loaded = _table_places(path, table, geoms, lines, "line", layer)
    loaded.kind = "csv"
    return loaded


def _csv_rows(path: str, text: str) -> tuple[list[list[str]], list[int], list[str]]:
    """Return a CSV text's rows that are not blank, their line numbers and the header."""
    # Lines as a text editor counts them: str.splitlines would also break at \x1c or U+2028.
    reader = csv.reader(io.StringIO(text, newline=""))
    body, lines = [], []
    try:
        header = next(reader, None)
        if header is None:
            raise GazetteerError(path, "empty file")
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                raise GazetteerError(path, f"line {reader.line_num}: {len(row)} fields, the header has "
                                           f"{len(header)}")
            body.append(row)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise GazetteerError(path, f"line {reader.line_num}: not CSV ({exc})") from None
    return body, lines, header


def _csv_geometry(rec: Mapping[Hashable, Any], cols: dict[str, str]) -> BaseGeometry | str | None:
    """Return a CSV row's geometry (None when it has none), or what is wrong with it."""
    if "wkt" in cols and _text(rec.get(cols["wkt"])):
        wkt = _text(rec[cols["wkt"]])
        try:
            return shapely.from_wkt(wkt)
        except (shapely.errors.ShapelyError, ValueError) as exc:
            return f"invalid WKT geometry ({(str(exc).splitlines() or ['unreadable'])[0]})"
    if "lat" in cols and "lon" in cols:
        lat, lon = _text(rec.get(cols["lat"])), _text(rec.get(cols["lon"]))
        if not lat and not lon:
            return None
        try:
            return shapely.Point(float(lon), float(lat))
        except ValueError:
            return f"coordinates are not numbers ({_short(lon)}, {_short(lat)})"
    return None


@cache
def _geonames_kinds() -> dict[str, dict[str, str]]:
    data = resources.files("conflictmap.gazetteer").joinpath("data/geonames.yaml")
    # A bundled file: "classes" and "codes", each a mapping of GeoNames letters to a kind.
    table: dict[str, dict[str, str]] = yaml.safe_load(data.read_text("utf-8"))
    return table


def geonames_kind(feature_class: str, feature_code: str) -> str:
    """Return our kind of place for a GeoNames feature class and code.

    Parameters
    ----------
    feature_class, feature_code : str
        E.g. ``"P"``, ``"PPLA"``; ``"S"``, ``"HSP"``.

    Returns
    -------
    str
    """
    table = _geonames_kinds()
    return table["codes"].get(feature_code) or table["classes"].get(feature_class, "place")


def sniff(path: str | Path) -> str:
    """Tell a gazetteer file's format from its name and first line.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    str
        ``geojson``, ``csv``, ``geonames``, ``alternate-names`` or ``ogr``.

    Raises
    ------
    GazetteerError
        If the format is not one conflictmap reads.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    # A .csv may be a GeoNames dump renamed: only the formats a suffix settles are taken on it.
    by_suffix = [r.name for r in READERS.values() if suffix in r.suffixes and r.name != "csv"]
    if by_suffix:
        return by_suffix[0]
    with _reading(str(path), "a text file"), open(p, encoding="utf-8", errors="replace") as fh:
        first = fh.readline(1 << 16).rstrip("\r\n")  # a file of one endless line is still told
    cells = first.split("\t")
    if len(cells) == len(GEONAMES_COLUMNS) and cells[0].isdigit():
        return "geonames"
    if len(cells) in (8, 10) and cells[0].isdigit() and cells[1].isdigit():
        return "alternate-names"
    if suffix == ".csv" or (suffix in (".tsv", ".txt") and len(cells) == 1 and "," in first):
        return "csv"
    if suffix in (".txt", ".tsv"):
        raise GazetteerError(
            str(path), f"not a GeoNames file: expected {len(GEONAMES_COLUMNS)} tab-separated "
                       f"columns, found {len(cells)} on line 1")
    raise GazetteerError(str(path), f"unknown gazetteer format {suffix or '(no suffix)'!r}; "
                                    "use .geojson, .csv, .gpkg, .shp or a GeoNames .txt")


def read_geonames(
    path: str | Path, countries: Iterable[str] | None = None,
    feature_classes: Iterable[str] | None = None, min_population: int = 0,
    layer: str = "theatre",
) -> Loaded:
    """Read a GeoNames dump (``allCountries.txt`` format).

    Parameters
    ----------
    path : str or Path
    countries : iterable of str, optional
        ISO 3166 codes to keep (``["SY", "IQ"]``); all when None.
    feature_classes : iterable of str, optional
        GeoNames feature classes to keep (``["P", "S"]``); all when None.
    min_population : int
        Populated places (class P) smaller than this are left out.
    layer : str

    Returns
    -------
    Loaded
        Ids are ``geonames:<geonameid>``; aliases are the ASCII name and the
        alternate names; a site (class S) or a section of a city (PPLX) gets
        the nearest city or town within 15 km as its parent.
    """
    path = str(path)
    with _reading(path, "a GeoNames file"):
        table = pd.read_csv(
            path, sep="\t", header=None, names=list(GEONAMES_COLUMNS), quoting=csv.QUOTE_NONE,
            dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8",
            usecols=["geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
                     "feature_class", "feature_code", "country_code", "population"],
            on_bad_lines="error", engine="c",
        )
    lines = np.arange(1, len(table) + 1)
    keep = np.ones(len(table), dtype=bool)
    if countries:
        keep &= table["country_code"].isin({c.upper() for c in countries}).to_numpy()
    if feature_classes:
        keep &= table["feature_class"].isin({c.upper() for c in feature_classes}).to_numpy()
    pop = pd.to_numeric(table["population"], errors="coerce").fillna(0).astype("int64").to_numpy()
    if min_population:
        keep &= ~((table["feature_class"] == "P").to_numpy() & (pop < min_population))
    table, lines, pop = table[keep], lines[keep], pop[keep]
    lat = pd.to_numeric(table["latitude"], errors="coerce").to_numpy()
    lon = pd.to_numeric(table["longitude"], errors="coerce").to_numpy()
    problems = []
    odd_name = _odd_names(table["name"]).to_numpy()
    bad = (np.isnan(lat) | np.isnan(lon) | (np.abs(lat) > 90) | (np.abs(lon) > 180) | odd_name
           | (table["name"].str.strip() == "").to_numpy() | ~table["geonameid"].str.isdigit().to_numpy())
    bad_rows = np.flatnonzero(bad)
    for i in bad_rows[:1000]:
        r = table.iloc[i]
        what = ("missing 'name'" if not r["name"].strip()
                else str(name_problem(r["name"])) if odd_name[i]
                else "geonameid is not a number" if not r["geonameid"].isdigit()
                else f"coordinates are not numbers ({r['longitude']!r}, {r['latitude']!r})"
                if np.isnan(lat[i]) or np.isnan(lon[i])
                else f"coordinates out of range (lon {r['longitude']}, lat {r['latitude']})")
        problems.append(Problem(path, f"line {lines[i]}", what))
    if len(bad_rows) > 1000:
        problems.append(Problem(path, "", f"... and {len(bad_rows) - 1000:,} more bad lines"))
    ok = ~bad
    table, lines, pop, lat, lon = table[ok], lines[ok], pop[ok], lat[ok], lon[ok]
    kinds_by_code = {
        (c, f): geonames_kind(c, f)
        for c, f in set(zip(table["feature_class"], table["feature_code"], strict=True))
    }
    names = table["name"].str.strip().tolist()
    aliases = [
        tuple(dict.fromkeys(a for a in _usable_names(ascii_, alts)
                            if a and a != name))
        for name, ascii_, alts in zip(names, table["asciiname"], table["alternatenames"], strict=True)
    ]
    frame = pd.DataFrame({
        "id": ("geonames:" + table["geonameid"]).tolist(),
        "name": names,
        "aliases": aliases,
        "kind": [kinds_by_code[k] for k in zip(table["feature_class"], table["feature_code"],
                                                strict=True)],
        "parent": None,
        "source": ("GeoNames " + table["geonameid"]).tolist(),
        "precision": "approximate",
        "prominence": 0,
        "population": pop,
        "layer": layer,
        "geometry": shapely.points(lon, lat),
        "file": path,
        "row": lines,
    })
    frame["parent"] = _nearest_city_parents(frame, table["feature_class"].to_numpy(),
                                            table["feature_code"].to_numpy(),
                                            table["country_code"].to_numpy())
    return Loaded(frame.reset_index(drop=True), problems, "geonames")


def _usable_names(ascii_: str, alternates: str) -> Sequence[str]:
    """Return a GeoNames place's other names, without those too long or holding control characters.

    A dump is not the user's own file to correct: such names are dropped, not
    reported one by one.  Most rows are short and clean, told by one search.
    """
    names = (ascii_, *alternates.split(","))
    if len(ascii_) + len(alternates) <= MAX_NAME_LENGTH and not _CONTROL.search(ascii_ + alternates):
        return names
    return [n for n in names if name_problem(n) is None][:MAX_ALIASES]


def local_crs(points: Any) -> Any:
    """Return the UTM zone of WGS84 ``points`` (a GeoSeries) to measure them in metres.

    Near a pole, where there is no UTM zone, an equidistant projection on
    their middle stands in.
    """
    try:
        return points.estimate_utm_crs()
    except RuntimeError:  # pyproj: "Unable to determine UTM CRS"
        minx, miny, maxx, maxy = points.total_bounds
        return f"+proj=aeqd +lat_0={(miny + maxy) / 2} +lon_0={(minx + maxx) / 2} +datum=WGS84 +units=m"


#: How far a site may be from the city it is taken to belong to.
PARENT_RADIUS_M = 15_000


def _nearest_city_parents(frame: pd.DataFrame, classes: np.ndarray, codes: np.ndarray,
                          countries: np.ndarray) -> list[str | None]:
    """Give sites and city sections the nearest city within 15 km as parent.

    Distances are measured in the UTM zone of each country's places.
    """
    import geopandas as gpd  # a heavy import only this reader needs

    parents: list[str | None] = [None] * len(frame)
    is_city = (classes == "P") & np.isin(codes, ["PPL", "PPLA", "PPLA2", "PPLA3", "PPLA4", "PPLC",
                                                  "PPLG", "PPLS"])
    needs = (classes == "S") | (codes == "PPLX") | (classes == "L") & (codes != "AREA")
    ids = frame["id"].to_numpy()
    for country in np.unique(countries[needs]):
        here = countries == country
        cities = np.flatnonzero(here & is_city)
        sites = np.flatnonzero(here & needs)
        if not len(cities) or not len(sites):
            continue
        pts = gpd.GeoSeries(frame["geometry"].to_numpy()[np.r_[cities, sites]], crs="EPSG:4326")
        projected = pts.to_crs(local_crs(pts)).to_numpy()
        tree = shapely.STRtree(projected[: len(cities)])
        (s_idx, c_idx), _ = tree.query_nearest(
            projected[len(cities):], max_distance=PARENT_RADIUS_M, return_distance=True,
            all_matches=False)
        for s, c in zip(s_idx, c_idx, strict=True):
            parents[sites[s]] = ids[cities[c]]
    return parents


def read_alternate_names(path: str | Path) -> Loaded:
    """Read a GeoNames ``alternateNamesV2.txt``-style file as extra aliases.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    Loaded
        No places; ``aliases`` maps ``geonames:<id>`` to its names. Links,
        postal codes and airport codes are left out.
    """
    path = str(path)
    with _reading(path, "a GeoNames alternate-names file"):
        table = pd.read_csv(path, sep="\t", header=None, quoting=csv.QUOTE_NONE, dtype=str,
                            keep_default_na=False, na_filter=False, usecols=[1, 2, 3],
                            encoding="utf-8")
    table.columns = ["geonameid", "isolanguage", "name"]
    skip = {"link", "wkdt", "post", "iata", "icao", "faac", "abbr", "unlc", "fr_1793", "tcid"}
    odd = _odd_names(table["name"])
    table = table[~table["isolanguage"].isin(skip) & (table["name"].str.strip() != "") & ~odd]
    aliases: dict[str, list[str]] = {}
    for gid, name in zip(table["geonameid"], table["name"], strict=True):
        aliases.setdefault(f"geonames:{gid}", []).append(name.strip())
    return Loaded(_frame([]), [], "alternate-names", aliases)


def read_ogr(path: str | Path, layer: str = "theatre", ogr_layer: str | int | None = None) -> Loaded:
    """Read places from a GeoPackage, Shapefile or other file GDAL reads.

    Parameters
    ----------
    path : str or Path
    layer : str
        Recorded on every place.
    ogr_layer : str or int, optional
        The layer of the file to read (the first when None).

    Returns
    -------
    Loaded
    """
    import pyogrio

    path = str(path)
    # GDAL's complaints come as Python warnings, which would print lines of their own.
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        try:
            frame = pyogrio.read_dataframe(path, layer=ogr_layer)
        except Exception as exc:  # GDAL, its drivers and shapely fail in many ways on a stranger's file
            raise GazetteerError(path, f"cannot read with GDAL ({_first_line(exc)})") from None
    gdal_said = [Problem(path, "", f"GDAL: {m}", "warning")
                 for m in dict.fromkeys(_first_line(w.message) for w in said)]
    if getattr(frame, "crs", None) is None and "geometry" not in frame:
        raise GazetteerError(path, "no geometry column: every place needs a location")
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        try:
            frame = frame.to_crs(4326)
        except Exception as exc:  # pyproj: an unknown or unusable CRS
            raise GazetteerError(path, f"cannot reproject to WGS84 ({_first_line(exc)})") from None
    geoms = list(frame.geometry)
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    loaded = _table_places(path, table, geoms, list(range(1, len(table) + 1)), "feature", layer)
    loaded.problems[:0] = gdal_said
    loaded.kind = "ogr"
    return loaded


def _regular_file(path: str) -> None:
    """Refuse what is not a file: a folder (but a File Geodatabase), or a pipe or device, read forever."""
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except OSError as exc:
        raise GazetteerError(path, f"cannot read file ({exc.strerror or exc})") from None
    except ValueError:  # os.stat refuses a name with a NUL character before asking the system
        raise GazetteerError(path, "cannot read file (a NUL character in the name)") from None
    if stat.S_ISDIR(mode):
        if p.suffix.lower() == ".gdb":
            return  # a File Geodatabase is a folder
        raise GazetteerError(path, "is a folder, not a gazetteer file")
    if not stat.S_ISREG(mode):
        raise GazetteerError(path, "not a regular file (a pipe or a device?)")


def read_places(path: str | Path, **options: Any) -> Loaded:
    """Read a gazetteer file of any format in :data:`gazetteer.formats.READERS`.

    Parameters
    ----------
    path : str or Path
    **options
        For GeoNames files: ``countries``, ``feature_classes``,
        ``min_population`` (see :func:`read_geonames`).

    Returns
    -------
    Loaded

    Raises
    ------
    GazetteerError
        If the file cannot be read at all.
    """
    _regular_file(str(path))
    fmt = sniff(path)
    try:
        if fmt == "geonames":
            return read_geonames(path, layer="geonames",
                                 **{k: v for k, v in options.items() if v is not None})
        return cast(Loaded, READERS[fmt].function()(path))
    except GazetteerError:
        raise
    except MemoryError:
        raise GazetteerError(str(path), "too large to read in memory") from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, RecursionError,
            shapely.errors.ShapelyError) as exc:
        # A shape no check above foresaw: still one line naming the file, never a traceback.
        raise GazetteerError(str(path), f"cannot read as {fmt} ({type(exc).__name__}: "
                                        f"{_first_line(exc)})") from None
