"""What QGIS needs to play the control intervals day by day: validity times and a default style.

QGIS's Temporal Controller shows a feature in a frame ``[begin, end)`` when
``valid_from < end`` and ``valid_to > begin`` (its end is exclusive), and it
compares with the frame's date *and time*. The intervals' own ``start`` and
``end`` are inclusive ISO days, so QGIS would show a state that starts on the
17th in the frame of the 16th, and drop a state that ends on the 16th from it.
:func:`with_validity` adds two DATETIME fields that QGIS reads as they are:

* ``valid_from``: the first day at ``00:00:00.000Z``;
* ``valid_to``: the last day at ``23:59:59.999Z``, the last instant of the
  last day; an ongoing interval's is the end of the last day mapped.

Why not the next midnight: QGIS 3.22 compiles the Temporal Controller's
filter on a GeoPackage to SQL, which compares the stored text with
``'YYYY-MM-DDT00:00:00.000'``; the GeoPackage's ``...T00:00:00.000Z`` sorts
after it, so an interval ending at the next midnight would still show on that
day. The last millisecond compares the same as text and as a time. Why not
null for an ongoing interval: QGIS sets the Temporal Controller's full range
from the fields' maximum, which then stops at the last change, and play would
skip the last day; ``end`` stays null to say the state goes on.

:func:`control_qml` writes the QGIS style (QML) that turns this on when the
layer is loaded: the temporal configuration (separate start and end fields,
``valid_from`` and ``valid_to``) and a renderer categorized by ``controller``
in the actors' colours, with ``contested`` and ``unknown`` as on every other
map (:data:`maps.schema.STYLE`).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import shapely

from .schema import CONTESTED, STYLE, UNKNOWN
from .style import safe_colour

__all__ = ["VALID_FROM", "VALID_TO", "with_validity", "control_qml", "geometry_kind"]

VALID_FROM = "valid_from"
VALID_TO = "valid_to"

#: Points take a marker, lines a line and polygons a fill symbol.
GEOMETRIES = ("point", "line", "polygon")

#: Colours for controllers the actors mapping does not name (Okabe-Ito, after the actors' usual ones).
_SPARE = ("#009E73", "#F0E442", "#56B4E9", "#E69F00", "#000000")
_OUTLINE = "#222222"  # an actor's outline, as on the HTML map


def _days(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return the ISO days of a column (str, date or datetime), and where it is empty (``""`` or null)."""
    text = values.astype(str).str.strip()
    empty = (values.isna() | (text == "")).to_numpy()
    return text.str[:10].to_numpy(dtype=object), empty


def with_validity(frame: pd.DataFrame, last_day: str | dt.date | None = None) -> pd.DataFrame:
    """Return the intervals with ``end`` null while ongoing and ``valid_from``/``valid_to`` after it.

    Parameters
    ----------
    frame : DataFrame
        Intervals with ``start`` and ``end`` as ISO days (``end`` empty while ongoing:
        ``""``, None, NaN or NaT).
    last_day : str or datetime.date, optional
        The last day mapped: an ongoing interval is valid to its end. Default:
        the last day the intervals name, which is earlier when nothing
        changed on the last day mapped, so a writer should be told it.

    Returns
    -------
    DataFrame
        A copy; ``start`` and ``end`` are ISO day strings (``end`` None while
        ongoing), the validity times ISO 8601 UTC strings with milliseconds.
    """
    starts, _ = _days(frame["start"])
    ends, ongoing = _days(frame["end"])
    if last_day is not None:
        last = str(last_day)[:10]
    else:
        last = max([*starts.tolist(), *ends[~ongoing].tolist()], default="1970-01-01")
    out = frame.copy()
    out["start"] = starts
    # Object dtype: pandas would read a column of days with None as strings with NaN.
    open_ends: list[str | None] = [None if o else e
                                   for e, o in zip(ends.tolist(), ongoing.tolist(), strict=True)]
    out["end"] = pd.Series(open_ends, index=frame.index, dtype=object)
    at = list(out.columns).index("end") + 1
    out.insert(at, VALID_FROM, starts + "T00:00:00.000Z")
    out.insert(at + 1, VALID_TO, np.where(ongoing, last, ends) + "T23:59:59.999Z")
    return out


def geometry_kind(geoms: Any) -> str:
    """Return ``"point"``, ``"line"`` or ``"polygon"``: the symbols a layer of ``geoms`` takes.

    Parameters
    ----------
    geoms : array of shapely geometries

    Returns
    -------
    str
        The one family of the geometries present; ``"point"`` when they mix
        families or there are none (QGIS splits such a layer by geometry type).
    """
    arr = np.asarray(geoms, dtype=object)
    present = arr[~shapely.is_missing(arr)] if len(arr) else arr
    dims = set(shapely.get_dimensions(present).tolist()) if len(present) else set()
    return GEOMETRIES[dims.pop()] if len(dims) == 1 and dims <= {0, 1, 2} else "point"


def _rgba(colour: Any, default: str) -> str:
    # QML colours are "r,g,b,a"; a colour that is not #rgb or #rrggbb gets the default.
    text = safe_colour(colour, default)
    digits = text[1:] if len(text) == 7 else "".join(c * 2 for c in text[1:])
    return ",".join(str(int(digits[i:i + 2], 16)) for i in (0, 2, 4)) + ",255"


def _categories(actors: Mapping[str, Mapping[str, str]],
                controllers: Iterable[str]) -> list[tuple[str, str, str, str, float]]:
    """Return (value, label, fill, outline, outline width in mm) of every category, actors first."""
    cats = [(str(k), str(v.get("name", k)), _rgba(v.get("colour"), STYLE[UNKNOWN]["colour"]),
             _rgba(_OUTLINE, _OUTLINE), 0.3) for k, v in actors.items()]
    cats += [(state, state, _rgba(STYLE[state]["colour"], "#000000"),
              _rgba(STYLE[state]["outline"], "#000000"), 0.6 if state == CONTESTED else 0.3)
             for state in (CONTESTED, UNKNOWN) if state not in actors]
    known = {c[0] for c in cats}
    extra = sorted({str(c) for c in controllers} - known)
    cats += [(c, c, _rgba(_SPARE[i % len(_SPARE)], "#000000"), _rgba(_OUTLINE, _OUTLINE), 0.3)
             for i, c in enumerate(extra)]
    return cats


def _options(parent: ET.Element, options: Mapping[str, str]) -> None:
    box = ET.SubElement(parent, "Option", type="Map")
    for name, value in options.items():
        ET.SubElement(box, "Option", name=name, value=value, type="QString")


def _layer(kind: str, level: int) -> dict[str, str]:
    return {"class": kind, "enabled": "1", "locked": "0", "pass": str(level)}


def _symbol(parent: ET.Element, index: int, geometry: str, fill: str, outline: str,
            width: float, known: bool) -> None:
    # Unknown sites are drawn first (symbol level 0) and points smaller, under the known ones.
    level = int(known)
    kind = {"point": "marker", "line": "line", "polygon": "fill"}[geometry]
    symbol = ET.SubElement(parent, "symbol", name=str(index), type=kind, alpha="1",
                           clip_to_extent="1", force_rhr="0")
    if geometry == "point":
        layer = ET.SubElement(symbol, "layer", _layer("SimpleMarker", level))
        _options(layer, {"name": "circle", "color": fill, "outline_color": outline,
                         "outline_style": "solid", "outline_width": f"{width:g}",
                         "outline_width_unit": "MM", "size": "3.5" if known else "2.4",
                         "size_unit": "MM"})
    elif geometry == "line":
        layer = ET.SubElement(symbol, "layer", _layer("SimpleLine", level))
        _options(layer, {"line_color": fill, "line_style": "solid", "line_width": "0.8",
                         "line_width_unit": "MM"})
    else:
        layer = ET.SubElement(symbol, "layer", _layer("SimpleFill", level))
        _options(layer, {"color": fill, "style": "solid", "outline_color": outline,
                         "outline_style": "solid", "outline_width": f"{width:g}",
                         "outline_width_unit": "MM"})


def control_qml(actors: Mapping[str, Mapping[str, str]] | None, controllers: Iterable[str] = (),
                geometry: str = "point") -> bytes:
    """Return the QGIS style of the control intervals: temporal set-up and colours by controller.

    Parameters
    ----------
    actors : mapping or None
        ``id -> {"name", "colour"}``, in legend order; None: no actors named.
    controllers : iterable of str, optional
        The controllers in the data: any that is not an actor, ``contested``
        or ``unknown`` gets a category of its own in a spare colour, so that
        no feature goes undrawn.
    geometry : {"point", "line", "polygon"}
        The layer's geometry: the symbols are markers, lines or fills.

    Returns
    -------
    bytes
        UTF-8 QML, the same bytes for the same input.
    """
    if geometry not in GEOMETRIES:
        raise ValueError(f"geometry must be one of {', '.join(GEOMETRIES)}, not {geometry!r}")
    root = ET.Element("qgis", version="3.22.0", styleCategories="Symbology|Temporal")
    temporal = ET.SubElement(root, "temporal", enabled="1", mode="2", startField=VALID_FROM,
                             endField=VALID_TO, limitMode="0", accumulate="0", durationField="",
                             durationUnit="min", fixedDuration="0", startExpression="",
                             endExpression="")
    fixed = ET.SubElement(temporal, "fixedRange")
    ET.SubElement(fixed, "start")
    ET.SubElement(fixed, "end")
    renderer = ET.SubElement(root, "renderer-v2", type="categorizedSymbol", attr="controller",
                             symbollevels="1", forceraster="0", enableorderby="0")
    cats = _categories(actors or {}, controllers)
    box = ET.SubElement(renderer, "categories")
    for i, (value, label, *_) in enumerate(cats):
        ET.SubElement(box, "category", value=value, label=label, symbol=str(i), render="true")
    symbols = ET.SubElement(renderer, "symbols")
    for i, (value, _, fill, outline, width) in enumerate(cats):
        _symbol(symbols, i, geometry, fill, outline, width, known=value != UNKNOWN)
    ET.SubElement(root, "layerGeometryType").text = str(GEOMETRIES.index(geometry))
    ET.indent(root, space=" ")
    return (b"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            + ET.tostring(root, encoding="unicode").encode() + b"\n")
