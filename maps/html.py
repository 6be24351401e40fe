"""The HTML control map: a self-contained folium page with a day slider."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import orjson
from branca.element import Element, MacroElement
from jinja2 import Template
from xstatic.pkg import leaflet as xleaflet

from .schema import CONTESTED, SITE_COLUMNS, SITE_DAY_COLUMNS, UNKNOWN, check

__all__ = ["DaySlider", "OfflineMap", "write_map", "STYLE"]

#: Colours of the states that are not an actor (colour-blind-safe: a
#: reddish purple with a dashed outline, and grey).
STYLE = {
    CONTESTED: {"colour": "#CC79A7", "outline": "#7A2E5C"},
    UNKNOWN: {"colour": "#BBBBBB", "outline": "#555555"},
}
_BACKGROUND_STYLE = {
    "river": {"color": "#56B4E9", "weight": 4, "opacity": 0.8},
    "default": {"color": "#999999", "weight": 1, "fillOpacity": 0.05},
}


def _template(name: str) -> str:
    return resources.files("maps").joinpath(f"templates/{name}").read_text("utf-8")


def _json_for_html(obj: Any) -> str:
    # Safe inside <script type="application/json">: no "<", ">" or "&" left
    # to end the element or start markup, whatever the articles said.
    text = orjson.dumps(obj, option=orjson.OPT_SORT_KEYS).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


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
        self.get_root().header.add_child(
            Element(f"<style>{css}</style>\n<script>{js}</script>"), name="leaflet_inline"
        )
        if tiles:
            folium.TileLayer(tiles=tiles, attr="basemap: see the tile provider").add_to(self)


class DaySlider(MacroElement):
    """A folium plugin: sites coloured by who held them, one day at a time.

    Parameters
    ----------
    payload : dict
        The days, actors, sites with their daily states, and evidence
        (built by :func:`write_map`).
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
        self.payload = payload
        self.css = _template("day_slider.css")
        self.panel = _template("day_slider.html")
        self.data_id = "cm-data"
        self.data = _json_for_html(payload)

    def render(self, **kwargs: Any) -> None:
        """Render into the parent map's figure."""
        self.js = Template(_template("day_slider.js")).render(
            data_id=self.data_id, map_name=self._parent.get_name()
        )
        super().render(**kwargs)


def _payload(
    sites: gpd.GeoDataFrame, site_days: gpd.GeoDataFrame, actors: Mapping[str, Mapping[str, str]],
    title: str, credit: str, start: str | None,
) -> dict[str, Any]:
    days = sorted(site_days["date"].unique())
    evidence: list[dict[str, str]] = []
    ev_index: dict[tuple, int] = {}
    states: dict[str, dict[str, list]] = {}
    for row in site_days.itertuples(index=False):
        refs = []
        for ev in row.evidence:
            key = (ev["date"], ev["article"], ev["sentence"])
            if key not in ev_index:
                ev_index[key] = len(evidence)
                evidence.append({"date": ev["date"], "article": ev["article"],
                                 "sentence": ev["sentence"]})
            refs.append(ev_index[key])
        states.setdefault(row.site, {})[row.date] = [row.controller, bool(row.inferred), refs]
    out_sites = []
    for row in sites.sort_values("site", kind="stable").itertuples(index=False):
        pt = row.geometry.representative_point()
        per_day = states.get(row.site, {})
        seq = [per_day.get(d, [UNKNOWN, False, []]) for d in days]
        known = any(s[0] != UNKNOWN for s in seq)
        geom = None
        if row.geometry.geom_type != "Point":
            geom = orjson.loads(orjson.dumps(row.geometry.__geo_interface__))
        out_sites.append({
            "id": row.site, "name": row.name, "kind": row.kind,
            "lon": round(pt.x, 6), "lat": round(pt.y, 6), "geometry": geom,
            "precision": row.precision, "source": row.source,
            "states": seq, "listed": known, "label": known or row.kind == "city",
        })
    # Known sites last, so they draw above the grey ones.
    out_sites.sort(key=lambda s: (s["listed"], s["kind"] == "city", s["id"]))
    return {
        "title": title, "credit": credit, "days": days,
        "start": days.index(start) if start in days else len(days) - 1,
        "actors": {k: {"name": v["name"], "colour": v["colour"]} for k, v in actors.items()},
        "style": STYLE, "sites": out_sites, "evidence": evidence,
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
    site_days: gpd.GeoDataFrame,
    actors: Mapping[str, Mapping[str, str]],
    *,
    background: gpd.GeoDataFrame | None = None,
    title: str = "Control map",
    credit: str = "",
    start: str | None = None,
    tiles: str | None = None,
) -> None:
    """Write the day-by-day control map as one self-contained HTML page.

    Parameters
    ----------
    path : str or Path
        The HTML file to write.
    sites : GeoDataFrame
        :data:`maps.schema.SITE_COLUMNS`.
    site_days : GeoDataFrame
        :data:`maps.schema.SITE_DAY_COLUMNS`.
    actors : mapping
        ``id -> {"name", "colour"}``.
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
    check(site_days, SITE_DAY_COLUMNS, "site-days")
    # Frame the sites something is known of, not every place of the theatre.
    known = set(site_days.loc[site_days["controller"] != UNKNOWN, "site"])
    framed = sites[sites["site"].isin(known)] if known else sites
    minx, miny, maxx, maxy = framed.total_bounds
    m = OfflineMap(tiles=tiles, zoom_control=True, prefer_canvas=False)
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding_top_left=(60, 60),
                 padding_bottom_right=(360, 60), max_zoom=16)
    m.get_root().title = title
    if background is not None and len(background):
        for row in background.sort_values("name", kind="stable").itertuples(index=False):
            style = _BACKGROUND_STYLE.get(row.kind, _BACKGROUND_STYLE["default"])
            folium.GeoJson(
                row.geometry.__geo_interface__, name=row.name, interactive=False,
                style_function=lambda _f, s=style: s,
            ).add_to(m)
    DaySlider(_payload(sites, site_days, actors, title, credit, start)).add_to(m)
    _stable_ids(m.get_root())
    html = m.get_root().render()
    Path(path).write_text(html, encoding="utf-8")
