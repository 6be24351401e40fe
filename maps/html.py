"""The HTML control map: a self-contained folium page with a day slider."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import orjson
from branca.element import Element, Figure, MacroElement
from jinja2 import Template
from shapely.geometry import mapping
from xstatic.pkg import leaflet as xleaflet

from .feeds import PRECISION, _rounded
from .schema import (
    BACKGROUND_COLUMNS,
    FIGHT_STYLE,
    FIGHTING,
    INTERVAL_COLUMNS,
    SITE_COLUMNS,
    SITE_DAY_COLUMNS,
    STYLE,
    UNKNOWN,
    SchemaError,
    check,
    interval_days,
    sorted_intervals,
)

__all__ = ["DaySlider", "OfflineMap", "write_map", "intervals_from_days", "STYLE"]

_BACKGROUND_STYLE = {
    "river": {"color": "#56B4E9", "weight": 4, "opacity": 0.8},
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

    default_js: list = []
    default_css: list = []

    def __init__(self, tiles: str | None = None, **kwargs: Any) -> None:
        super().__init__(tiles=None, control_scale=True, **kwargs)
        base = Path(xleaflet.BASE_DIR)
        css = (base / "leaflet.css").read_text("utf-8")
        js = (base / "leaflet.js").read_text("utf-8").replace("</script", "<\\/script")
        # The source-map comment would make developer tools fetch a file we do not ship.
        js = "\n".join(ln for ln in js.splitlines() if not ln.startswith("//# sourceMappingURL"))
        _figure(self).header.add_child(
            Element(f"<style>{css}</style>\n<script>{js}</script>"), name="leaflet_inline"
        )
        if tiles:
            folium.TileLayer(tiles=tiles, attr="basemap: see the tile provider").add_to(self)


class DaySlider(MacroElement):
    """A folium plugin: sites coloured by who held them, one day at a time.

    Parameters
    ----------
    payload : dict
        The days, actors, sites with their intervals of unchanged state
        (``[first day, last day, 8 * controller + 2 * fighting + inferred, evidence
        refs...]``, day indices inclusive, controller an index into
        ``controllers``, fighting an index into :data:`maps.schema.FIGHTING`) and
        the evidence, each sentence once as ``[day offset from the first day,
        article index, sentence]`` (built by :func:`write_map`).
    """

    _template = Template(
        "{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}"
        "{% macro html(this, kwargs) %}{{ this.panel }}"
        '<script type="application/json" id="{{ this.data_id }}">{{ this.data }}</script>'
        "{% endmacro %}"
        "{% macro script(this, kwargs) %}{{ this.js }}{% endmacro %}"
    )

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__()
        self._name = "DaySlider"
        self.css = _template("day_slider.css")
        self.panel = _template("day_slider.html")
        self.data_id = "cm-data"
        self.data = _json_for_html(payload)

    # branca's MacroElement.render returns None, overriding Element.render (-> str).
    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Render into the parent map's figure."""
        if self._parent is None:
            raise RuntimeError("DaySlider is on no map: add it to one before rendering")
        self.js = Template(_template("day_slider.js")).render(
            data_id=self.data_id, map_name=self._parent.get_name()
        )
        super().render(**kwargs)


def _round_geometry(geom: Any) -> dict[str, Any]:
    return mapping(_rounded(geom))


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


#: Above this many sites with a known state, only cities get a permanent label.
LABELS_AT_MOST = 200


def _payload(
    sites: gpd.GeoDataFrame, intervals: gpd.GeoDataFrame, days: list[str],
    actors: Mapping[str, Mapping[str, str]], title: str, credit: str, start: str | None,
) -> dict[str, Any]:
    day_index = {d: i for i, d in enumerate(days)}
    last = len(days) - 1
    first_day = dt.date.fromisoformat(days[0])
    offsets: dict[str, int | str] = {}

    def offset(day: str) -> int | str:
        # Evidence dates as days after the first day mapped: 3 bytes, not 12.
        if day not in offsets:
            try:
                offsets[day] = (dt.date.fromisoformat(day) - first_day).days
            except (TypeError, ValueError):
                offsets[day] = day
        return offsets[day]
    evidence: list[list[Any]] = []
    ev_index: dict[tuple, int] = {}
    articles: list[str] = []
    art_index: dict[str, int] = {}
    controllers: list[str] = []
    ctl_index: dict[str, int] = {}
    per_site: dict[str, list[list[Any]]] = {}
    ordered = sorted_intervals(intervals)
    cols = [ordered[c].tolist() for c in ("site", "controller", "start", "end", "inferred",
                                          "evidence")]
    fighting = (ordered["fighting"].tolist() if "fighting" in ordered.columns
                else ["none"] * len(ordered))
    for site, controller, first, end, inferred, evs, fight in zip(*cols, fighting, strict=True):
        refs = []
        for ev in evs if isinstance(evs, (list, tuple)) else ():
            key = (ev["date"], ev["article"], ev["sentence"])
            k = ev_index.get(key)
            if k is None:
                a = art_index.get(ev["article"])
                if a is None:
                    a = art_index[ev["article"]] = len(articles)
                    articles.append(ev["article"])
                k = ev_index[key] = len(evidence)
                evidence.append([offset(ev["date"]), a, ev["sentence"]])
            refs.append(k)
        c = ctl_index.get(controller)
        if c is None:
            c = ctl_index[controller] = len(controllers)
            controllers.append(controller)
        s = day_index.get(str(first), 0)
        e = day_index.get(str(end), last) if end else last
        f = FIGHTING.index(fight) if fight in FIGHTING else 0
        per_site.setdefault(site, []).append([s, e, 8 * c + 2 * f + (1 if inferred else 0), *refs])
    out_sites: list[dict[str, Any]] = []
    for row in sites.sort_values("site", kind="stable").itertuples(index=False):
        geom = row.geometry
        pt = geom.representative_point()
        ivs = per_site.get(row.site, [])
        known = any(controllers[iv[2] >> 3] != UNKNOWN for iv in ivs)
        entry: dict[str, Any] = {
            "id": row.site, "name": row.name, "kind": row.kind,
            "lon": round(pt.x, PRECISION), "lat": round(pt.y, PRECISION),
            "precision": row.precision, "source": row.source, "iv": ivs,
        }
        if geom.geom_type != "Point":
            entry["geometry"] = _round_geometry(geom)
        if known:
            entry["listed"] = 1
        if known or row.kind == "city":
            entry["label"] = 1
        out_sites.append(entry)
    if sum("label" in s for s in out_sites) > LABELS_AT_MOST:
        for entry in out_sites:
            if entry["kind"] != "city":
                entry.pop("label", None)
    # Known sites last, so they draw above the grey ones.
    out_sites.sort(key=lambda s: ("listed" in s, s["kind"] == "city", s["id"]))
    return {
        "title": title, "credit": credit, "days": days,
        "start": day_index.get(start, last) if start else last,
        "actors": {k: {"name": v["name"], "colour": v["colour"]} for k, v in actors.items()},
        "style": {**STYLE, "fighting": FIGHT_STYLE}, "controllers": controllers, "sites": out_sites,
        "articles": articles, "evidence": evidence,
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
    title: str = "Control map",
    credit: str = "",
    start: str | None = None,
    tiles: str | None = None,
) -> None:
    """Write the day-by-day control map as one self-contained HTML page.

    The page embeds each site's intervals of unchanged state (not one state
    per site and day) and the evidence sentences once each; the day's state
    is worked out in the browser, so a year of ten thousand sites stays a
    page of a few megabytes.

    Parameters
    ----------
    path : str or Path
        The HTML file to write.
    sites : GeoDataFrame
        :data:`maps.schema.SITE_COLUMNS`. Polygon sites are shaded as areas,
        the others drawn as points.
    intervals : GeoDataFrame
        :data:`maps.schema.INTERVAL_COLUMNS` (site-days,
        :data:`maps.schema.SITE_DAY_COLUMNS`, are accepted too and collapsed).
    actors : mapping
        ``id -> {"name", "colour"}``.
    days : sequence of str, optional
        The ISO days of the slider, consecutive (default: from the first
        start to the last start or end).
    background : GeoDataFrame, optional
        Context drawn under the sites (rivers, outlines): columns ``name``,
        ``kind``, ``geometry``. Keeps the map readable with no basemap.
    title, credit : str
        Shown in the panel.
    start : str, optional
        The ISO day shown first (default: the last).
    tiles : str, optional
        A basemap tile URL template; none by default (the page fetches nothing).
    """
    check(sites, SITE_COLUMNS, "sites")
    if "date" in intervals.columns and "start" not in intervals.columns:
        intervals = intervals_from_days(intervals)
    check(intervals, INTERVAL_COLUMNS, "intervals")
    if background is not None:
        check(background, BACKGROUND_COLUMNS, "background")
    if days is None:
        days = _day_span(intervals)
    days = [str(d) for d in days]
    if not days:
        raise SchemaError("intervals frame holds no day to map")
    # Frame the sites something is known of, not every place of the theatre.
    known = set(intervals.loc[intervals["controller"] != UNKNOWN, "site"])
    framed = sites[sites["site"].isin(known)] if known else sites
    minx, miny, maxx, maxy = framed.total_bounds
    m = OfflineMap(tiles=tiles, zoom_control=True, prefer_canvas=False)
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding_top_left=(60, 60),
                 padding_bottom_right=(360, 60), max_zoom=16)
    _figure(m).title = title
    if background is not None and len(background):
        for row in background.sort_values("name", kind="stable").itertuples(index=False):
            style = _BACKGROUND_STYLE.get(row.kind, _BACKGROUND_STYLE["default"])
            folium.GeoJson(
                _round_geometry(row.geometry), name=row.name, interactive=False,
                style_function=lambda _f, s=style: s,
            ).add_to(m)
    DaySlider(_payload(sites, intervals, days, actors, title, credit, start)).add_to(m)
    _stable_ids(m.get_root())
    html = m.get_root().render()
    Path(path).write_text(html, encoding="utf-8")


def _day_span(intervals: gpd.GeoDataFrame) -> list[str]:
    bounds = interval_days(intervals)
    if not bounds:
        return []
    first, last = dt.date.fromisoformat(min(bounds)), dt.date.fromisoformat(max(bounds))
    return [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
