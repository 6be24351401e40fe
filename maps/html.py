"""The HTML control map: a self-contained folium page with a day slider.

The page shades each quarter's area in the colour of its day's holder,
draws cities' outlines and rivers for orientation without a basemap, names
every site some evidence speaks of, and plays the days through with a list
of what changed on each. Every text from an article, a gazetteer or an
actors file reaches the page as JSON data and the DOM as text.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html as html_lib
import re
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import folium
import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement
from jinja2 import Template
from shapely.ops import nearest_points, polylabel
from xstatic.pkg import leaflet as xleaflet

from .areas import CITY_KINDS, site_areas
from .feeds import PRECISION
from .schema import (
    BACKGROUND_COLUMNS,
    FIGHT_STYLE,
    FIGHTING,
    INTERVAL_COLUMNS,
    SITE_COLUMNS,
    SITE_DAY_COLUMNS,
    STYLE,
    SchemaError,
    check,
    interval_days,
    sorted_intervals,
)
from .style import evidence_list, safe_actors, web_url

__all__ = ["DaySlider", "OfflineMap", "write_map", "intervals_from_days", "tile_source", "STYLE"]

# Leaflet path options of the background, by kind.
_BACKGROUND_STYLE = {
    "river": {"color": "#56B4E9", "weight": 5, "opacity": 0.9},
    "default": {"color": "#999999", "weight": 1, "fillOpacity": 0.05},
}


def _template(name: str) -> str:
    return resources.files("conflictmap.maps").joinpath(f"templates/{name}").read_text("utf-8")


def _json_for_html(obj: Any) -> str:
    # Safe inside <script type="application/json">: no "<", ">" or "&" left
    # to end the element or start markup, whatever the articles said.
    text = orjson.dumps(obj, option=orjson.OPT_SORT_KEYS).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _figure(element: Element) -> Figure:
    """Return the page an element is drawn in (folium puts every map in a Figure)."""
    root = element.get_root()
    assert isinstance(root, Figure), "the element is in no Figure"
    return root


class OfflineMap(folium.Map):
    """A folium Map that fetches nothing: Leaflet is inlined and no tiles are loaded.

    Leaflet comes from the ``xstatic-leaflet`` wheel (BSD-2-Clause licence,
    kept in its package) and is written into the page, so the map works
    from a file or a USB stick with no network.

    Parameters
    ----------
    tiles : str, optional
        A tile URL template for users who want a basemap; none by default.
    **kwargs
        Passed to :class:`folium.Map`.
    """

    default_js: list[tuple[str, str]] = []
    default_css: list[tuple[str, str]] = []

    def __init__(self, tiles: str | None = None, **kwargs: Any) -> None:
        super().__init__(tiles=None, control_scale=True, **kwargs)
        base = Path(xleaflet.BASE_DIR)
        css = (base / "leaflet.css").read_text("utf-8")
        js = (base / "leaflet.js").read_text("utf-8").replace("</script", "<\\/script")
        # The source-map comment would make developer tools fetch a file we do not ship.
        js = "\n".join(ln for ln in js.splitlines() if not ln.startswith("//# sourceMappingURL"))
        leaflet = _Text("<style>{{ this.text[0] }}</style>\n<script>{{ this.text[1] }}</script>", (css, js))
        _figure(self).header.add_child(leaflet, name="leaflet_inline")
        # Where the basemap's tiles come from, as a CSP source; None without tiles.
        self.tile_origin: str | None = None
        if tiles:
            layer = folium.TileLayer(tiles=tiles, attr="basemap: see the tile provider")
            self.tile_origin = tile_source(layer.tiles)
            layer.add_to(self)


class _Text(Element):
    """An element whose text is data of its template, never template source.

    (branca's ``Element(text)`` would read ``{{ ... }}`` in ``text`` as Jinja.)
    """

    def __init__(self, template: str, text: Any) -> None:
        super().__init__()
        self._template = Template(template)
        self.text = text


class DaySlider(MacroElement):
    """A folium plugin: sites coloured by who held them, one day at a time.

    Parameters
    ----------
    payload : dict
        Built by :func:`write_map`: the days, the actors, the sites with
        their intervals of unchanged state (``[first day, last day,
        8 * controller + 2 * fighting + inferred, evidence refs...]``, day
        indices inclusive, controller an index into ``controllers``,
        fighting an index into :data:`maps.schema.FIGHTING`), their areas
        and outlines as packed rings (integers of ``1 / scale`` degrees,
        each vertex the step from the one before), the background, and the
        evidence, each sentence once as ``[day offset from the first day,
        source index, sentence]`` with ``sources`` as ``[citation, http(s)
        URL or ""]``.
    """

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca leaves MacroElement.__init__ unannotated
        self._name = "DaySlider"
        self.css = _template("day_slider.css")
        self.panel = _template("day_slider.html")
        self.data_id = "cm-data"
        self.data = _json_for_html(payload)

    # branca's MacroElement.render returns None, overriding Element.render (-> str).
    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Render into the parent map's figure.

        Not through branca's macros: those hand their output to the page as
        Jinja source, so ``{{ ... }}`` in a name would be run as a template
        while the page is written.
        """
        if self._parent is None:
            raise RuntimeError("DaySlider is on no map: add it to one before rendering")
        js = Template(_template("day_slider.js")).render(data_id=self.data_id,
                                                         map_name=self._parent.get_name())
        figure, name = _figure(self), self.get_name()
        figure.header.add_child(_Text("<style>{{ this.text }}</style>", self.css), name=name)
        data = '<script type="application/json" id="{{ this.text[1] }}">{{ this.text[2] }}</script>'
        figure.html.add_child(_Text("{{ this.text[0] }}" + data, (self.panel, self.data_id, self.data)),
                              name=name)
        figure.script.add_child(_Text("{{ this.text }}", js), name=name)


def intervals_from_days(site_days: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Collapse site-days into intervals of unchanged state (the HTML map's input).

    Parameters
    ----------
    site_days : GeoDataFrame
        :data:`maps.schema.SITE_DAY_COLUMNS`.

    Returns
    -------
    GeoDataFrame
        :data:`maps.schema.INTERVAL_COLUMNS`; ``end`` is empty for a run that
        lasts to the last day.
    """
    check(site_days, SITE_DAY_COLUMNS, "site-days")
    last = str(site_days["date"].max()) if len(site_days) else ""
    rows: list[dict[str, Any]] = []
    for row in site_days.sort_values(["site", "date"], kind="stable").itertuples(index=False):
        cur = rows[-1] if rows else None
        fight = getattr(row, "fighting", "none")
        if (cur is not None and cur["site"] == row.site and cur["controller"] == row.controller
                and cur["inferred"] == bool(row.inferred) and cur["fighting"] == fight):
            cur["end"] = row.date
            for ev in row.evidence:
                if ev not in cur["evidence"]:
                    cur["evidence"].append(ev)
            continue
        rows.append({"site": row.site, "name": row.name, "controller": row.controller,
                     "start": row.date, "end": row.date, "inferred": bool(row.inferred),
                     "fighting": fight, "evidence": list(row.evidence), "geometry": row.geometry})
    for r in rows:
        if r["end"] == last:
            r["end"] = ""
    return gpd.GeoDataFrame(rows, columns=[*INTERVAL_COLUMNS[:-2], "fighting", *INTERVAL_COLUMNS[-2:]],
                            geometry="geometry", crs=site_days.crs)


# Coordinates in the page: integers of 10**-PRECISION degrees, each vertex as
# the step from the one before, so ten thousand areas stay about a megabyte.
_SCALE = 10 ** PRECISION
#: Above this many sites, the page draws on one canvas instead of SVG paths.
SVG_AT_MOST = 3000


def _packed_ring(coords: Any, closed: bool) -> list[int]:
    xy = np.asarray(coords, dtype=float)[:, :2]
    if closed and len(xy) > 1:
        xy = xy[:-1]  # Leaflet closes rings itself
    q = np.rint(xy * _SCALE).astype(np.int64)
    steps: list[int] = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel().tolist()
    return steps


def _parts(geom: Any, simple: str) -> list[Any]:
    """Return the parts of ``geom`` whose type is ``simple``, however deep in multi-parts and collections."""
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == simple:
        return [geom]
    return [p for part in getattr(geom, "geoms", ()) for p in _parts(part, simple)]


def _polygons(geom: Any) -> list[Any]:
    """Return the polygons of a geometry (a collection from ``make_valid`` keeps its polygonal parts)."""
    return _parts(geom, "Polygon")


def _lines(geom: Any) -> list[Any]:
    return _parts(geom, "LineString")


def _packed_polygons(geom: Any) -> list[list[list[int]]]:
    """``[[exterior, hole...], ...]`` of packed rings, for ``L.polygon``."""
    return [[_packed_ring(p.exterior.coords, True), *(_packed_ring(h.coords, True) for h in p.interiors)]
            for p in _polygons(geom)]


def _packed_lines(geom: Any) -> list[list[int]]:
    return [_packed_ring(ln.coords, False) for ln in _lines(geom)]


def _anchor(geom: Any) -> list[float]:
    """Where an area's label goes: the point of its largest part farthest from its edge."""
    part = max(_polygons(geom), key=lambda p: p.area)
    pt = polylabel(part, tolerance=10 ** -PRECISION * 10)
    return [round(pt.x, PRECISION), round(pt.y, PRECISION)]


def _top(geom: Any) -> list[float]:
    """Return the northernmost vertex of an outline: a city's name goes above it."""
    xy = shapely.get_coordinates(geom)
    x, y = xy[int(np.argmax(xy[:, 1]))]
    return [round(float(x), PRECISION), round(float(y), PRECISION)]


def _iso_day(value: Any) -> str:
    """Return the ISO day of a str, date or datetime64 cell; "" for null (an open end)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, str):
        return value[:10]
    if isinstance(value, (dt.date, np.datetime64)):
        return pd.Timestamp(value).date().isoformat()
    return str(value)[:10]


def _normalised(intervals: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Intervals as read back by GDAL (datetimes, NaT, JSON evidence, integer flags) as written."""
    out = intervals.copy()
    out["start"] = [_iso_day(v) for v in out["start"]]
    out["end"] = [_iso_day(v) for v in out["end"]]
    out["inferred"] = [bool(v) and not pd.isna(v) for v in out["inferred"]]
    out["evidence"] = [evidence_list(v) for v in out["evidence"]]
    if "fighting" in out.columns:
        out["fighting"] = [v if v in FIGHTING else "none" for v in out["fighting"]]
    return out


class _Evidence:
    """The page's evidence table: each sentence once, its source (citation and link) once."""

    def __init__(self, first_day: str) -> None:
        self.first = dt.date.fromisoformat(first_day)
        self.rows: list[list[Any]] = []
        self.sources: list[list[str]] = []
        self._rows: dict[tuple[str, int, str], int] = {}
        self._sources: dict[tuple[str, str], int] = {}

    def _offset(self, day: str) -> int | str:
        # Evidence dates as days after the first day mapped: 3 bytes, not 12.
        try:
            return (dt.date.fromisoformat(day) - self.first).days
        except (TypeError, ValueError):
            return day

    def ref(self, ev: Mapping[str, Any]) -> int:
        """Return the index of one piece of evidence, adding it (and its source) if new."""
        cite = str(ev.get("cite") or ev.get("article") or "")
        src = (cite, web_url(ev.get("url")))
        s = self._sources.setdefault(src, len(self.sources))
        if s == len(self.sources):
            self.sources.append(list(src))
        key = (str(ev.get("date", "")), s, str(ev.get("sentence", "")))
        k = self._rows.setdefault(key, len(self.rows))
        if k == len(self.rows):
            self.rows.append([self._offset(key[0]), s, key[2]])
        return k


def _site_intervals(intervals: gpd.GeoDataFrame, day_index: Mapping[str, int], evidence: _Evidence
                    ) -> tuple[dict[str, list[list[int]]], list[str]]:
    """Each site's intervals as ``[first, last, 8 * controller + 2 * fighting + inferred, refs...]``."""
    last = len(day_index) - 1
    controllers: list[str] = []
    ctl_index: dict[str, int] = {}
    per_site: dict[str, list[list[int]]] = {}
    ordered = sorted_intervals(intervals)
    fighting = ordered["fighting"] if "fighting" in ordered.columns else ["none"] * len(ordered)
    rows = zip(ordered["site"], ordered["controller"], ordered["start"], ordered["end"],
               ordered["inferred"], ordered["evidence"], fighting, strict=True)
    for site, controller, first, end, inferred, evs, fight in rows:
        c = ctl_index.setdefault(controller, len(controllers))
        if c == len(controllers):
            controllers.append(controller)
        s = day_index.get(first, 0)
        e = day_index.get(end, last) if end else last
        state = 8 * c + 2 * FIGHTING.index(fight) + (1 if inferred else 0)
        per_site.setdefault(site, []).append([s, e, state, *(evidence.ref(ev) for ev in evs)])
    return per_site, controllers


#: A site's area or outline and whether it is approximate, by site.
_Shapes = dict[str, tuple[Any, bool]]


def _shapes(sites: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> tuple[_Shapes, _Shapes]:
    """Each site's shaded area and each city's outline, as ``site -> (geometry, approximate)``."""
    shaded: _Shapes = {}
    outline: _Shapes = {}
    for row in areas.itertuples(index=False):
        if _polygons(row.geometry):
            (outline if row.role == "outline" else shaded)[row.site] = (row.geometry, bool(row.approximate))
    for site, kind, geom in zip(sites["site"], sites["kind"], sites.geometry, strict=True):
        if not _polygons(geom):
            continue
        if kind in CITY_KINDS:
            outline[site] = (geom, False)
        else:
            shaded.setdefault(site, (geom, False))
    return shaded, outline


def _site_entries(sites: gpd.GeoDataFrame, per_site: Mapping[str, list[list[int]]],
                  shaded: _Shapes, outline: _Shapes) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in sites.sort_values("site", kind="stable").itertuples(index=False):
        geom = row.geometry
        pt = geom.representative_point()
        ivs = per_site.get(row.site, [])
        entry: dict[str, Any] = {
            "id": row.site, "name": str(row.name), "kind": str(row.kind),
            "lon": round(pt.x, PRECISION), "lat": round(pt.y, PRECISION),
            "precision": str(row.precision), "source": str(row.source), "iv": ivs,
        }
        if any(len(iv) > 3 for iv in ivs):
            entry["ev"] = 1
        if row.site in shaded:
            area, approx = shaded[row.site]
            entry["area"] = _packed_polygons(area)
            entry["at"] = _anchor(area)
            if approx:
                entry["approx"] = 1
        elif _lines(geom):
            entry["line"] = _packed_lines(geom)
        if row.site in outline:
            ring, approx = outline[row.site]
            entry["outline"] = _packed_polygons(ring)
            entry["at"] = _top(ring)
            if approx:
                entry["approx"] = 1
        out.append(entry)
    # Sites some evidence speaks of last, so they draw above the quiet ones; cities on top.
    out.sort(key=lambda s: ("ev" in s, s["kind"] in CITY_KINDS, s["id"]))
    return out


def _opening_view(sites: gpd.GeoDataFrame, shaded: _Shapes, outline: _Shapes, evidenced: set[str]
                  ) -> tuple[float, float, float, float]:
    """Return the bounds the page opens on: sites with evidence, their areas, their cities' outlines.

    Far villages nothing is reported of stay out of it; with no evidence at all, every site is framed.
    """
    if not evidenced:
        geoms = [*sites.geometry, *(g for g, _ in shaded.values()), *(g for g, _ in outline.values())]
    else:
        named = sites[sites["site"].isin(evidenced)].geometry
        points = shapely.points([(g.representative_point().x, g.representative_point().y) for g in named])
        own = [shaded[s][0] for s in sorted(evidenced) if s in shaded]
        # A city's outline is in view when it holds a site with evidence.
        around = [g for g, _ in outline.values() if bool(np.any(shapely.intersects(g, points)))]
        geoms = [*named, *own, *around]
    minx, miny, maxx, maxy = shapely.total_bounds(np.asarray(geoms, dtype=object))
    return float(minx), float(miny), float(maxx), float(maxy)


def _context(background: gpd.GeoDataFrame | None, view: tuple[float, float, float, float]
             ) -> list[dict[str, Any]]:
    """Rivers and other background shapes, each with a label point near the opening view's centre."""
    if background is None or not len(background):
        return []
    centre = shapely.Point((view[0] + view[2]) / 2, (view[1] + view[3]) / 2)
    out: list[dict[str, Any]] = []
    for row in background.sort_values(["name", "kind"], kind="stable").itertuples(index=False):
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        near = nearest_points(geom, centre)[0]
        entry: dict[str, Any] = {"name": str(row.name), "kind": str(row.kind),
                                 "at": [round(near.x, PRECISION), round(near.y, PRECISION)]}
        if _polygons(geom):
            entry["area"] = _packed_polygons(geom)
        elif _lines(geom):
            entry["line"] = _packed_lines(geom)
        else:
            continue
        out.append(entry)
    return out


def _payload(
    sites: gpd.GeoDataFrame, intervals: gpd.GeoDataFrame, days: list[str],
    actors: Mapping[str, Mapping[str, str]], *, title: str, credit: str, start: str | None,
    areas: gpd.GeoDataFrame, background: gpd.GeoDataFrame | None,
) -> dict[str, Any]:
    day_index = {d: i for i, d in enumerate(days)}
    evidence = _Evidence(days[0])
    per_site, controllers = _site_intervals(intervals, day_index, evidence)
    shaded, outline = _shapes(sites, areas)
    entries = _site_entries(sites, per_site, shaded, outline)
    minx, miny, maxx, maxy = _opening_view(sites, shaded, outline, {s["id"] for s in entries if "ev" in s})
    return {
        "title": title, "credit": credit, "days": days,
        "start": day_index.get(start, 0) if start else 0,
        "view": [[round(miny, PRECISION), round(minx, PRECISION)],
                 [round(maxy, PRECISION), round(maxx, PRECISION)]],
        "actors": safe_actors(actors),
        "style": {**STYLE, "fighting": FIGHT_STYLE, "context": _BACKGROUND_STYLE},
        "controllers": controllers, "sites": entries, "scale": _SCALE,
        "context": _context(background, (minx, miny, maxx, maxy)),
        "sources": evidence.sources, "evidence": evidence.rows,
        "svg": len(entries) <= SVG_AT_MOST,
    }


def _stable_ids(root: Any) -> None:
    """Replace folium's random element ids with a counter, for byte-identical pages."""
    counter = 0
    stack = [root]
    while stack:
        el = stack.pop(0)
        el._id = f"{counter:04d}"
        counter += 1
        stack.extend(el._children.values())


def write_map(
    path: str | Path,
    sites: gpd.GeoDataFrame,
    intervals: gpd.GeoDataFrame,
    actors: Mapping[str, Mapping[str, str]],
    *,
    days: Sequence[str] | None = None,
    background: gpd.GeoDataFrame | None = None,
    areas: gpd.GeoDataFrame | None = None,
    title: str = "Control map",
    credit: str = "",
    start: str | None = None,
    tiles: str | None = None,
) -> None:
    """Write the day-by-day control map as one self-contained HTML page.

    The page embeds each site's intervals of unchanged state (not one state
    per site and day) and the evidence sentences once each; the day's state
    is worked out in the browser, so a year of ten thousand sites stays a
    page of a few megabytes. Quarters are shaded as areas
    (:func:`maps.areas.site_areas`), cities get an outline, and every site
    some evidence speaks of a permanent label.

    Parameters
    ----------
    path : str or Path
        The HTML file to write.
    sites : GeoDataFrame
        :data:`maps.schema.SITE_COLUMNS`, optionally ``parent``.
    intervals : GeoDataFrame
        :data:`maps.schema.INTERVAL_COLUMNS` (site-days,
        :data:`maps.schema.SITE_DAY_COLUMNS`, are accepted too and collapsed).
        As read back from the GeoPackage too: ``start`` and ``end`` as
        datetimes (NaT for an open end), ``evidence`` as JSON text,
        ``inferred`` as an integer.
    actors : mapping
        ``id -> {"name", "colour"}``; a colour that is not ``#rgb`` or
        ``#rrggbb`` is drawn as :data:`maps.style.DEFAULT_COLOUR`.
    days : sequence of str, optional
        The ISO days of the slider, consecutive (default: from the first
        start to the last start or end).
    background : GeoDataFrame, optional
        Context drawn under the sites (rivers, outlines): columns ``name``,
        ``kind``, ``geometry``. Keeps the map readable with no basemap.
    areas : GeoDataFrame, optional
        :data:`maps.areas.AREA_COLUMNS`; default ``site_areas(sites)``.
    title, credit : str
        Shown in the panel (the title also as the page's title).
    start : str, optional
        The ISO day shown first (default: the first).
    tiles : str, optional
        A basemap tile URL template; none by default (the page fetches nothing).
    """
    check(sites, SITE_COLUMNS, "sites")
    if "date" in intervals.columns and "start" not in intervals.columns:
        intervals = intervals_from_days(intervals)
    check(intervals, INTERVAL_COLUMNS, "intervals")
    intervals = _normalised(intervals)
    if background is not None:
        check(background, BACKGROUND_COLUMNS, "background")
    if days is None:
        days = _day_span(intervals)
    days = [str(d) for d in days]
    if not days:
        raise SchemaError("intervals frame holds no day to map")
    if areas is None:
        areas = site_areas(sites)
    payload = _payload(sites, intervals, days, actors, title=title, credit=credit, start=start,
                       areas=areas, background=background)
    # The page frames payload["view"] itself, with room for the panel on a desktop or a phone.
    m = OfflineMap(tiles=tiles, zoom_control=True, prefer_canvas=False, zoom_snap=0.25, zoom_delta=1)
    # The title after the charset (a long one must not push it past the first 1024 bytes).
    _figure(m).header.add_child(_Text("<title>{{ this.text }}</title>", html_lib.escape(title)),
                                name="title", index=1)
    DaySlider(payload).add_to(m)
    _stable_ids(m.get_root())
    page = with_policy(m.get_root().render(), m.tile_origin)
    Path(path).write_text(page, encoding="utf-8")


def _day_span(intervals: gpd.GeoDataFrame) -> list[str]:
    bounds = interval_days(intervals)
    if not bounds:
        return []
    first, last = dt.date.fromisoformat(min(bounds)), dt.date.fromisoformat(max(bounds))
    return [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


# --- Content-Security-Policy ------------------------------------------------------------------

_RAW_START = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)
_HOST_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")


def _inline_elements(page: str) -> Iterator[tuple[str, str, str]]:
    """Yield ``(tag, attributes, text)`` of each ``<script>`` and ``<style>``, as the HTML parser ends it.

    A raw-text element ends at the first ``</script`` (``</style``) followed by
    a space, ``/`` or ``>``, whatever its text means; nothing inside it is a
    start tag.
    """
    pos = 0
    while (start := _RAW_START.search(page, pos)) is not None:
        tag = start.group(1).lower()
        end = re.compile(rf"</{tag}[\t\n\f\r />]", re.IGNORECASE).search(page, start.end())
        if end is None:
            raise RuntimeError(f"a <{tag}> element of the page is never closed")
        text = page[start.end():end.start()]
        if tag == "script" and "<!--" in text:
            # The parser's escaped-script states would end this element elsewhere.
            raise RuntimeError("an inline script holds '<!--'")
        yield tag, start.group(2), text
        pos = end.end()


def _hash_source(text: str) -> str:
    # The browser hashes the text as parsed: line ends normalised, NUL replaced.
    parsed = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    digest = hashlib.sha256(parsed.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def tile_source(url: str) -> str:
    """Return the CSP source a tile URL template loads from: scheme, host and port.

    A host label holding a placeholder (``{s}``) and any label before it
    becomes ``*``: ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` gives
    ``https://*.tile.example.org``.

    Parameters
    ----------
    url : str
        A Leaflet tile URL template.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If the URL is not ``http(s)://host...`` with a host of letters, digits,
        hyphens and placeholders (anything else could widen the page's
        policy), or holds Jinja markup.
    """
    if re.search(r"\{[{%#]|[}%#]\}", url):
        # folium hands its tile layer to the page as Jinja source: this would run as a template.
        raise ValueError(f"tiles URL {url[:80]!r} holds template markup ({{{{, {{% or {{#)")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError(f"tiles URL {url[:80]!r} has a bad host or port") from None
    host = parts.netloc.rsplit(":", 1)[0] if port is not None else parts.netloc
    if parts.scheme.lower() not in ("http", "https") or not host or "@" in host:
        raise ValueError(f"tiles URL {url[:80]!r} is not an http(s) address with a host")
    labels = host.split(".")
    placeholders = [i for i, label in enumerate(labels) if "{" in label or "}" in label]
    if placeholders:
        labels = labels[placeholders[-1] + 1:]
    if not labels or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise ValueError(f"tiles URL {url[:80]!r} has a host a Content-Security-Policy cannot name")
    return (f"{parts.scheme.lower()}://{'*.' if placeholders else ''}{'.'.join(labels).lower()}"
            f"{'' if port is None else f':{port}'}")


def content_policy(page: str, tiles: str | None = None) -> str:
    """Return the Content-Security-Policy of a page: its own inline scripts and styles, nothing else.

    Each inline ``<script>`` and ``<style>`` is allowed by the sha256 of its
    text (data scripts, ``type="application/json"``, never run and need
    none); no ``'unsafe-inline'``, no ``'unsafe-eval'`` (Leaflet needs
    neither: it styles elements through the CSSOM, which a policy does not
    govern). Images only as ``data:`` URLs, and from the tile host when
    there is one.

    Parameters
    ----------
    page : str
        The rendered page, without its policy.
    tiles : str, optional
        The tile host as a CSP source (:func:`tile_source`).

    Returns
    -------
    str
    """
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for tag, attrs, text in _inline_elements(page):
        if tag == "script" and re.search(r"\btype\s*=\s*[\"']?application/json", attrs, re.IGNORECASE):
            continue
        source = _hash_source(text)
        if source not in hashes[tag]:
            hashes[tag].append(source)
    directives = [
        "default-src 'none'",
        "script-src " + " ".join(hashes["script"]),
        "style-src " + " ".join(hashes["style"]),
        "img-src data:" + (f" {tiles}" if tiles else ""),
        *([f"connect-src {tiles}"] if tiles else []),
        "base-uri 'none'", "form-action 'none'", "object-src 'none'",
    ]
    return "; ".join(d for d in directives if not d.endswith("-src "))


def with_policy(page: str, tiles: str | None = None) -> str:
    """Return the page with its :func:`content_policy` as the first element of its head.

    Parameters
    ----------
    page : str
        A rendered page with one ``<head>``.
    tiles : str, optional
        The tile host as a CSP source (:func:`tile_source`).

    Returns
    -------
    str
    """
    head = re.search(r"<head>[ \t]*\n?", page, re.IGNORECASE)
    if head is None:
        raise RuntimeError("the page has no <head>")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_policy(page, tiles)}" />\n'
    return page[:head.end()] + meta + page[head.end():]
