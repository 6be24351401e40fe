"""Day images for reports: ``days/YYYY-MM-DD.png`` and an animated ``days.gif``.

A day's picture is a control map a newspaper can print: each quarter's
ground (:func:`maps.areas.site_areas`) filled with the colour of the side
that held it that day, the cities' outlines and the river, the other sites
as points, the sites' names, a scale bar, a north arrow, the legend and a
source line.

Drawn with matplotlib (Agg, no pyplot, no network, no tiles) in the local UTM
projection, so shapes are true and the scale bar is in metres. The PNGs carry
no software or time stamp and use the DejaVu Sans font bundled with
matplotlib, so the same data give the same bytes. Names are drawn as plain
text (``parse_math=False``): a ``$`` in a name is a dollar sign.

What is drawn how:

- the view fits the quarters' ground (the city's areas), not far villages;
  with no quarters, the sites something is known of;
- a quarter's area is filled with its holder's colour, lighter where the
  state is inferred (no report that day), hatched where contested, with a
  dashed edge where the area is approximate (a Voronoi cell, not the
  gazetteer's polygon); fighting is an orange edge (:data:`maps.schema.FIGHT_STYLE`);
- a city with an outline carries its state on the outline (drawn in its
  holder's colour, with fighting as a ring just inside it);
- every other site is a point, ringed orange where it was fought; one that
  is unknown that day and that no report names is a small faint dot;
- a site is labelled when any report of the build speaks of it (non-empty
  evidence on any day), so labels stay in place from day to day and a site
  coloured by inference from a later report carries its name from the first
  day. Labels are placed greedily, cities first and then the sites reported
  on most days, each at the first of a few places beside its point that
  overlaps no other label, point, scale bar or north arrow; one that finds
  no such place is left out.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .areas import AREA_KINDS, CITY_KINDS, site_areas
from .schema import CONTESTED, FIGHT_STYLE, SITE_COLUMNS, SITE_DAY_COLUMNS, STYLE, UNKNOWN, check
from .style import has_evidence, safe_colour

if TYPE_CHECKING:  # matplotlib is imported when an image is drawn, not with the package
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.collections import PatchCollection, PathCollection
    from matplotlib.figure import Figure
    from matplotlib.path import Path as MplPath
    from matplotlib.text import Annotation, Text
    from matplotlib.typing import RcKeyType

__all__ = ["write_day_images", "write_gif", "COLOURS"]

_BAD_COLOUR = "#777777"

#: Colours of the states that are not an actor (as on the HTML map).
COLOURS = {k: v["colour"] for k, v in STYLE.items()}
_OUTLINE = {k: v["outline"] for k, v in STYLE.items()}
_BACKGROUND: dict[str, dict[str, Any]] = {"river": {"color": "#56B4E9", "linewidth": 3.0, "alpha": 0.8}}
_DPI = 100
_SIZE = (8.0, 6.4)
#: The map's axes (left, bottom, width, height in figure fractions): the title
#: above, the legend to the right, the source line below.
_MAP = (0.02, 0.075, 0.65, 0.805)
_LEGEND_X = 0.69
_LEGEND_CHARS = 34
_PAPER = "#f4f1ea"
#: Fill opacity of an area: light, so that the names on it read.
_FILL = {"reported": 0.55, "inferred": 0.25, UNKNOWN: 0.2}
_EDGE = "#555555"
_APPROXIMATE_DASH = (0, (4.0, 2.5))
_LINE = "#333333"
_HATCH = "///"
#: Point sizes (points squared): a city, another site, a site nothing is known of.
_POINT = {"city": 90.0, "site": 40.0, "faint": 10.0}
_LABELS_AT_MOST = 60
_LABEL_TRIES = 400
_PT = 72.0 / _DPI  # points per pixel: FIGHT_STYLE is in screen pixels, as on the HTML map
_RC: dict[RcKeyType, Any] = {"svg.hashsalt": "conflictmap", "path.simplify": True,
                             "font.family": "DejaVu Sans", "text.usetex": False,
                             "hatch.linewidth": 0.8}


# --- small pieces --------------------------------------------------------------------------

def _colour(controller: str, actors: Mapping[str, Mapping[str, str]]) -> str:
    if controller in actors:
        return safe_colour(actors[controller].get("colour"), _BAD_COLOUR)
    return COLOURS.get(controller, COLOURS[UNKNOWN])


def _on_paper(colour: str, alpha: float) -> tuple[float, float, float]:
    """Return ``colour`` at opacity ``alpha`` over the map's paper, as one opaque colour."""
    from matplotlib.colors import to_rgb

    top, paper = np.array(to_rgb(colour)), np.array(to_rgb(_PAPER))
    r, g, b = (alpha * top + (1 - alpha) * paper).tolist()
    return (r, g, b)


def _rgba(colours: Sequence[str], alpha: np.ndarray) -> Any:
    """Return an (n, 4) array of RGBA rows: the colours (each converted once), their opacities."""
    from matplotlib.colors import to_rgb

    palette = {c: to_rgb(c) for c in set(colours)}
    rgb = np.array([palette[c] for c in colours], dtype=float).reshape(-1, 3)
    return np.column_stack([rgb, alpha])


def _truth(values: Iterable[object]) -> np.ndarray:
    # Only a real True is true: a missing flag (NaN) is not.
    return np.array([v is True or v is np.True_ or v == 1 for v in values], dtype=bool)


def _fight_line(kind: str) -> tuple[float, Any]:
    """Return the width (points) and matplotlib line style of a fought edge, from :data:`FIGHT_STYLE`."""
    line = FIGHT_STYLE["inside"] if kind == "inside" else FIGHT_STYLE["around"]
    width = line["weight"] * _PT
    if not line["dash"]:
        return width, "solid"
    # The style's dashes are in pixels; matplotlib scales a dash pattern by the line's width.
    dashes = tuple(float(d) * _PT / width for d in line["dash"].replace(",", " ").split())
    return width, (0, dashes)


def _path(geom: shapely.Geometry) -> MplPath | None:
    """Return a matplotlib path of a (multi)polygon's rings, holes included; None if it has none."""
    from matplotlib.path import Path as MplPath

    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for part in shapely.get_parts(geom):
        if shapely.get_type_id(part) != 3:  # only polygons: make_valid may add lines or points
            continue
        for ring in (part.exterior, *part.interiors):
            xy = np.asarray(ring.coords)
            if len(xy) < 4:
                continue
            code = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            code[0], code[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(code)
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _paths(frame: gpd.GeoDataFrame) -> tuple[np.ndarray, list[MplPath]]:
    """Return the sites of ``frame`` that have a polygon, and their paths."""
    sites, paths = [], []
    for site, geom in zip(frame["site"], frame.geometry, strict=True):
        path = _path(geom)
        if path is not None:
            sites.append(site)
            paths.append(path)
    return np.array(sites, dtype=object), paths


def _patches(ax: Axes, paths: Sequence[MplPath], zorder: float, **style: Any) -> PatchCollection:
    """Add one collection of the paths to ``ax`` and return it."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import PathPatch

    coll = PatchCollection([PathPatch(p) for p in paths], match_original=False, zorder=zorder,
                           **style)
    ax.add_collection(coll, autolim=False)
    return coll


def _nice_length(span: float) -> float:
    """Return the round length (1, 2 or 5 times a power of ten) nearest a fifth of ``span``."""
    target = max(span / 5.0, 1.0)
    power = 10.0 ** math.floor(math.log10(target))
    steps = [f * power for f in (1.0, 2.0, 5.0, 10.0)]
    return min(steps, key=lambda s: abs(math.log(s / target)))


def _length_text(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


# --- what the map shows --------------------------------------------------------------------

class _Layers:
    """What the map shows, in the local projection, each frame sorted by site.

    ``filled``: the areas (quarters' ground, and any other polygonal site
    that is not a city), with ``approximate``; ``outlines``: cities;
    ``points``: every other site; ``quarters``: the quarters' ground, which
    the view fits; ``named``: the number of days a report speaks of each
    site; ``anchor``: where each site's label goes.
    """

    def __init__(self, sites: gpd.GeoDataFrame, site_days: gpd.GeoDataFrame,
                 areas: gpd.GeoDataFrame | None = None) -> None:
        table = self._table(sites, site_days)
        evidenced = site_days.loc[[has_evidence(e) for e in site_days["evidence"]], ["site", "date"]]
        self.named: dict[str, int] = evidenced.drop_duplicates().groupby("site").size().to_dict()
        self.crs = self._crs(table)
        self.kinds: dict[str, str] = dict(zip(table["site"], table["kind"], strict=True))
        self.names: dict[str, str] = dict(zip(table["site"], table["name"], strict=True))
        if areas is None:
            areas = site_areas(sites[sites.geometry.notna() & ~sites.geometry.is_empty])
        quarters = areas[areas["role"] == "area"]
        polygonal = table.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
        city = table["kind"].isin(list(CITY_KINDS)).to_numpy()
        # A polygonal site site_areas does not shade (a stadium's polygon) is an area too.
        others = table[polygonal & ~city & ~table["site"].isin(quarters["site"])]
        # A city's outline: its own polygon, else the union of its quarters' cells.
        own = table[polygonal & city]
        self.filled = self._local(quarters, others)
        self.outlines = self._local(areas[areas["role"] == "outline"], own)
        self.quarters = gpd.GeoSeries(quarters.geometry.values, crs="EPSG:4326").to_crs(self.crs)
        rest = table[~table["site"].isin({*self.filled["site"], *self.outlines["site"]})]
        anchors = rest.to_crs(self.crs).geometry.representative_point()
        self.points = gpd.GeoDataFrame({"site": rest["site"].to_numpy()}, geometry=anchors.values,
                                       crs=self.crs)
        self.anchor = self._anchors(table)

    @staticmethod
    def _table(sites: gpd.GeoDataFrame, site_days: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        # Every site of the map once: the sites frame, and any site only the days name.
        cols = ["site", "name", "kind", "geometry"]
        extra = site_days[~site_days["site"].isin(sites["site"])].drop_duplicates("site")
        table = pd.concat([sites[cols], extra.assign(kind="")[cols]], ignore_index=True)
        table = gpd.GeoDataFrame(table, geometry="geometry", crs="EPSG:4326")
        table = table[table.geometry.notna() & ~table.geometry.is_empty].copy()
        table["kind"] = table["kind"].fillna("").astype(str)
        table["name"] = table["name"].fillna("").astype(str)
        return table.sort_values("site", kind="stable").reset_index(drop=True)

    @staticmethod
    def _crs(table: gpd.GeoDataFrame) -> Any:
        # The UTM zone of the quarters, else of every site: metres, and shapes true.
        if not len(table):
            return "EPSG:3857"
        quarters = table[table["kind"].isin(list(AREA_KINDS))]
        return (quarters if len(quarters) else table).estimate_utm_crs()

    def _local(self, areas: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Return areas from site_areas and the sites' own polygons, as one projected frame."""
        frame = pd.concat([
            pd.DataFrame({"site": areas["site"].to_numpy(), "approximate": _truth(areas["approximate"]),
                          "geometry": areas.geometry.to_numpy()}),
            pd.DataFrame({"site": polygons["site"].to_numpy(), "approximate": False,
                          "geometry": polygons.geometry.to_numpy()}),
        ], ignore_index=True).sort_values("site", kind="stable").reset_index(drop=True)
        local = gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326").to_crs(self.crs)
        return local[local.geometry.notna() & (local.geometry.area > 0)]

    def _anchors(self, table: gpd.GeoDataFrame) -> dict[str, shapely.Point]:
        """Return where each site's label goes: its point, in its area, or over its outline's top."""
        anchor = dict(zip(self.points["site"], self.points.geometry, strict=True))
        own = dict(zip(table["site"], table.to_crs(self.crs).geometry, strict=True))
        for site, area in zip(self.filled["site"], self.filled.geometry, strict=True):
            # An approximate area is its quarter's point's cell: the name goes at the point.
            point = own.get(site)
            inside = point is not None and point.geom_type == "Point" and area.contains(point)
            anchor[site] = point if inside else area.representative_point()
        for site, outline in zip(self.outlines["site"], self.outlines.geometry, strict=True):
            xy = shapely.get_coordinates(outline)
            anchor[site] = shapely.Point(xy[np.argmax(xy[:, 1])])
        return anchor


def _view(layers: _Layers, known: set[str], background: gpd.GeoDataFrame | None
          ) -> tuple[float, float, float, float]:
    """Return the map's extent in projected metres: the city's ground, with some room around it."""
    from shapely.ops import nearest_points

    if len(layers.quarters):
        box = shapely.box(*layers.quarters.total_bounds)
        # A city's own polygon may reach beyond its quarters; a far village's does not count.
        near = layers.outlines[layers.outlines.intersects(box)]
        geoms = [*layers.quarters, *near.geometry]
    else:
        points = layers.points
        seen = points[points["site"].isin(known)]
        geoms = list((seen if len(seen) else points).geometry)
    if not geoms:
        return (0.0, 0.0, 1000.0, 1000.0)
    minx, miny, maxx, maxy = shapely.total_bounds(np.array(geoms, dtype=object)).tolist()
    span = max(maxx - minx, maxy - miny, 500.0)
    if background is not None:
        # Widen to the nearest part of a river close by, so that the river shows.
        area = shapely.box(minx, miny, maxx, maxy)
        for geom in background.geometry:
            if geom is None or geom.is_empty or geom.distance(area) > span * 0.15:
                continue
            p = nearest_points(geom, area)[0]
            minx, miny, maxx, maxy = min(minx, p.x), min(miny, p.y), max(maxx, p.x), max(maxy, p.y)
    # Points need more room than areas: their labels go beside them.
    pad = max(span * (0.04 if len(layers.quarters) else 0.08), 150.0)
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def _fit(bounds: tuple[float, float, float, float], box: tuple[float, float]
         ) -> tuple[float, float, float, float]:
    """Widen ``bounds`` (never shrink them) to the axes' width:height, so metres are square."""
    x0, y0, x1, y1 = bounds
    width, height = box
    dx, dy = x1 - x0, y1 - y0
    if dy / dx < height / width:
        grow = (dx * height / width - dy) / 2
        y0, y1 = y0 - grow, y1 + grow
    else:
        grow = (dy * width / height - dx) / 2
        x0, x1 = x0 - grow, x1 + grow
    return (x0, y0, x1, y1)


# --- labels --------------------------------------------------------------------------------

#: A label to place: text, anchor x and y (projected), marker radius (pixels), place, text style.
_LabelItem = tuple[str, float, float, float, str, dict[str, Any]]


def _overlaps(box: np.ndarray, boxes: np.ndarray) -> bool:
    if not len(boxes):
        return False
    return bool(np.any((box[0] < boxes[:, 2]) & (box[2] > boxes[:, 0])
                       & (box[1] < boxes[:, 3]) & (box[3] > boxes[:, 1])))


def _offsets(w: float, h: float, r: float, place: str) -> list[tuple[float, float]]:
    """Return candidate lower-left corners of a w×h label, relative to its anchor, best first (pixels).

    ``place`` is ``point`` (beside a marker of radius ``r``), ``area`` (on
    the area, else just off its point) or ``above`` (over the top of an outline).
    """
    if place == "area":
        return [(-w / 2, -h / 2), (-w / 2, 3.0), (-w / 2, -h - 3.0), (4.0, -h / 2), (-w - 4.0, -h / 2)]
    if place == "above":
        return [(-w / 2, 2.0), (-w / 2, -h - 2.0), (4.0, 2.0), (-w - 4.0, 2.0)]
    out = []
    for reach in (r, 2.5 * r + 6.0):  # beside the point, then a little further off in a crowd
        # Clear of the point and of the fighting ring that may go round it.
        g, d = reach + 5.0, 0.7 * reach + 3.5
        out += [(g, -h / 2), (-g - w, -h / 2), (-w / 2, g), (-w / 2, -g - h),
                (d, d), (-d - w, d), (d, -d - h), (-d - w, -d - h)]
    return out


def _place_labels(ax: Axes, renderer: RendererBase, items: Sequence[_LabelItem],
                  obstacles: np.ndarray) -> list[Annotation]:
    """Label what fits, in the order of ``items``, and return the labels placed.

    A label goes at its first candidate place inside the map that overlaps
    no label placed before and none of the ``obstacles`` (pixel boxes
    ``x0, y0, x1, y1``); an item with no such place gets no label.
    """
    import matplotlib.patheffects as pe

    inner = ax.bbox.padded(-2.0)
    placed = np.empty((0, 4))
    out: list[Annotation] = []
    halo = [pe.withStroke(linewidth=2.5, foreground="white")]
    for text, x, y, radius, place, style in items[:_LABEL_TRIES]:
        if len(out) >= _LABELS_AT_MOST:
            break
        px, py = ax.transData.transform((x, y))
        if not inner.contains(px, py):
            continue
        ann = ax.annotate(text, (x, y), xytext=(0, 0), textcoords="offset pixels", ha="left",
                          va="bottom", zorder=6, parse_math=False, annotation_clip=False,
                          path_effects=halo, **style)
        extent = ann.get_window_extent(renderer)
        w, h = extent.width, extent.height
        for dx, dy in _offsets(w, h, radius, place):
            box = np.array([px + dx - 1, py + dy - 1, px + dx + w + 1, py + dy + h + 1])
            if (box[0] < inner.x0 or box[2] > inner.x1 or box[1] < inner.y0 or box[3] > inner.y1
                    or _overlaps(box, obstacles) or _overlaps(box, placed)):
                continue
            ann.xyann = (dx, dy)
            placed = np.vstack([placed, box])
            out.append(ann)
            break
        else:
            ann.remove()
    return out


# --- legend, source line, scale bar, north arrow --------------------------------------------

def _legend(actors: Mapping[str, Mapping[str, str]], river: bool) -> list[Any]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    def area(colour: str, alpha: float, **kw: Any) -> Patch:
        # As the map shows it: the colour over the map's paper, not over the white page.
        return Patch(facecolor=_on_paper(colour, alpha), edgecolor=kw.pop("edgecolor", _EDGE),
                     linewidth=kw.pop("linewidth", 0.6), **kw)

    # A long side's name on two lines, so that the legend stays on the page.
    handles: list[Any] = [area(_colour(k, actors), _FILL["reported"],
                               label=textwrap.fill(f"{a['name']} ({k})", _LEGEND_CHARS))
                          for k, a in actors.items()]
    inside_w, inside_ls = _fight_line("inside")
    around_w, around_ls = _fight_line("around")
    handles += [
        area(COLOURS[CONTESTED], _FILL["reported"], hatch=_HATCH, edgecolor=_OUTLINE[CONTESTED],
             label="contested"),
        area(COLOURS[UNKNOWN], _FILL[UNKNOWN], label="unknown"),
        area(next((_colour(k, actors) for k in actors), COLOURS[UNKNOWN]), _FILL["inferred"],
             label="lighter: inferred, no report that day"),
        area(_PAPER, 1.0, linestyle=(0, (3.0, 2.0)), linewidth=0.9, label="approximate area"),
        Patch(facecolor="none", edgecolor=FIGHT_STYLE["colour"], linewidth=inside_w,
              linestyle=inside_ls, label="fighting inside"),
        Patch(facecolor="none", edgecolor=FIGHT_STYLE["colour"], linewidth=around_w,
              linestyle=around_ls, capstyle="round", label="fighting around"),
        Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor=COLOURS[UNKNOWN],
               markeredgecolor=_OUTLINE[UNKNOWN], label="site (no area)"),
        Line2D([], [], color=_LINE, linewidth=1.4, label="city outline (in its holder's colour)"),
    ]
    if river:
        handles.append(Line2D([], [], label="river", **_BACKGROUND["river"]))
    return handles


def _credit_text(fig: Figure, renderer: RendererBase, credit: str, width: float) -> Text:
    """Draw the source line along the bottom, wrapped to ``width`` pixels (two lines at most)."""
    text = fig.text(0.02, 0.012, credit, fontsize=7, color="#444444", va="bottom",
                    parse_math=False)
    measured = text.get_window_extent(renderer).width
    if measured > width:
        chars = max(int(len(credit) * width / measured), 20)
        lines = textwrap.wrap(credit, chars)
        if len(lines) > 2:
            lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), chars, placeholder=" …")]
        text.set_text("\n".join(lines))
    return text


class _ScaleBar:
    """A bar of a round length (about a fifth of the map's width) in its lower left corner.

    ``metres`` is the length it stands for; ``ends`` its ends in data
    coordinates; ``box`` its pixel box, which labels keep off.
    """

    def __init__(self, ax: Axes, crs: Any) -> None:
        from matplotlib.patches import Rectangle

        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        per_px = (x1 - x0) / ax.bbox.width
        # A UTM metre is not quite a metre on the ground: the scale factor at the map's centre.
        factor = _scale_factor(crs, (x0 + x1) / 2, (y0 + y1) / 2)
        self.metres = _nice_length((x1 - x0) / factor)
        length = self.metres * factor
        left, base, bar = x0 + 14 * per_px, y0 + 14 * per_px, 5 * per_px
        half = length / 2
        ax.add_patch(Rectangle((left - 6 * per_px, base - 6 * per_px), length + 12 * per_px,
                               bar + 24 * per_px, facecolor="white", edgecolor="none", alpha=0.85,
                               zorder=7))
        for start, colour in ((left, "#111111"), (left + half, "white")):
            ax.add_patch(Rectangle((start, base), half, bar, facecolor=colour, edgecolor="#111111",
                                   linewidth=0.8, zorder=8))
        self.text = ax.text(left + half, base + bar + 3 * per_px, _length_text(self.metres),
                            fontsize=8, ha="center", va="bottom", zorder=8, parse_math=False)
        self.ends = ((left, base), (left + length, base))
        (px0, py0), (px1, py1) = ax.transData.transform(
            [(left - 6 * per_px, base - 6 * per_px), (left + length + 6 * per_px, base + bar + 18 * per_px)])
        self.box = [px0, py0, px1, py1]


def _to_lonlat(crs: Any, x: float, y: float) -> tuple[float, float]:
    import pyproj

    lon, lat = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
    return float(lon), float(lat)


def _scale_factor(crs: Any, x: float, y: float) -> float:
    """Return the projection's scale (map metres per ground metre) at ``x, y``."""
    import pyproj

    proj = pyproj.CRS.from_user_input(crs)
    lon, lat = _to_lonlat(proj, x, y)
    return float(pyproj.Proj(proj).get_factors(lon, lat).parallel_scale)


def _north_arrow(ax: Axes, crs: Any) -> list[float]:
    """Draw an arrow to true north in the upper right; return its pixel box.

    True north, not the grid's: UTM's meridians lean away from its central
    one, so the arrow is turned by the meridian's convergence at the centre.
    """
    import pyproj

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    lon, lat = _to_lonlat(crs, (x0 + x1) / 2, (y0 + y1) / 2)
    forward = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    (ax_, bx), (ay, by) = forward.transform([lon, lon], [lat, lat + 0.01])
    ux, uy = bx - ax_, by - ay
    norm = math.hypot(ux, uy) or 1.0
    ux, uy = ux / norm, uy / norm
    cx, cy = ax.bbox.x1 - 24, ax.bbox.y1 - 44
    ax.annotate("", xy=(cx + ux * 16, cy + uy * 16), xytext=(cx - ux * 16, cy - uy * 16),
                xycoords="figure pixels", textcoords="figure pixels", zorder=8,
                arrowprops={"arrowstyle": "-|>,head_length=0.7,head_width=0.35", "color": "#111111",
                            "linewidth": 1.6})
    ax.annotate("N", (cx + ux * 26, cy + uy * 26), xycoords="figure pixels", fontsize=10,
                fontweight="bold", ha="center", va="center", zorder=8, parse_math=False)
    return [cx - 14, cy - 20, cx + 14, cy + 36]


# --- what each day changes -----------------------------------------------------------------

def _state(day: gpd.GeoDataFrame, sites: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return each site's controller, inferred flag and fighting on a day, in ``sites``' order."""
    rows = day.drop_duplicates("site").set_index("site")
    controller = rows["controller"].reindex(sites).fillna(UNKNOWN).astype(str).to_numpy()
    inferred = _truth(rows["inferred"].reindex(sites))
    if "fighting" in rows.columns:
        fighting = rows["fighting"].reindex(sites).fillna("none").astype(str).to_numpy()
    else:
        fighting = np.full(len(sites), "none", dtype=object)
    return controller, inferred, fighting


def _fought(ax: Axes, paths: Sequence[MplPath], fighting: np.ndarray) -> list[Any]:
    """Draw the fought paths' edges in the fighting style; return what was drawn."""
    drawn = []
    for kind in ("around", "inside"):
        fought = np.flatnonzero(fighting == kind)
        if len(fought):
            width, style = _fight_line(kind)
            drawn.append(_patches(ax, [paths[i] for i in fought.tolist()], 3.5, facecolor="none",
                                  edgecolor=FIGHT_STYLE["colour"], linewidth=width, linestyle=style,
                                  capstyle="round"))
    return drawn


class _Areas:
    """The areas, one collection recoloured each day; contested hatching and fighting on top."""

    def __init__(self, ax: Axes, filled: gpd.GeoDataFrame, actors: Mapping[str, Mapping[str, str]]
                 ) -> None:
        self.ax, self.actors = ax, actors
        self.sites, self.paths = _paths(filled)
        approximate = dict(zip(filled["site"], _truth(filled["approximate"]), strict=True))
        self.fill = _patches(ax, self.paths, 2, edgecolor=_EDGE, linewidth=0.5,
                             linestyle=[_APPROXIMATE_DASH if approximate[s] else "solid"
                                        for s in self.sites])

    def paint(self, day: gpd.GeoDataFrame) -> list[Any]:
        from matplotlib.patches import PathPatch
        from matplotlib.path import Path as MplPath

        controller, inferred, fighting = _state(day, self.sites)
        known = np.isin(controller, [*self.actors, CONTESTED])
        alpha = np.where(~known, _FILL[UNKNOWN], np.where(inferred, _FILL["inferred"], _FILL["reported"]))
        self.fill.set_facecolor(_rgba([_colour(c, self.actors) for c in controller], alpha))
        drawn: list[Any] = []
        contested = np.flatnonzero(controller == CONTESTED)
        if len(contested):
            # One compound path: Agg hatches it in one pass, not once per area.
            hatched = PathPatch(MplPath.make_compound_path(*[self.paths[i] for i in contested]),
                                facecolor="none", edgecolor=_OUTLINE[CONTESTED], hatch=_HATCH,
                                linewidth=1.0, zorder=2.5)
            self.ax.add_artist(hatched)  # not add_patch: no data limits to update, the view is fixed
            drawn.append(hatched)
        return drawn + _fought(self.ax, self.paths, fighting)


class _Outlines:
    """The cities' outlines, each day in its holder's colour; fighting as a ring just inside."""

    def __init__(self, ax: Axes, outlines: gpd.GeoDataFrame, actors: Mapping[str, Mapping[str, str]]
                 ) -> None:
        self.ax, self.actors = ax, actors
        self.sites, self.paths = _paths(outlines)
        inset = 3.5 * (ax.get_xlim()[1] - ax.get_xlim()[0]) / ax.bbox.width  # 3.5 pixels, in metres
        geoms = dict(zip(outlines["site"], outlines.geometry, strict=True))
        self.inner = [_path(geoms[s].buffer(-inset)) or p for s, p in zip(self.sites, self.paths,
                                                                           strict=True)]
        self.line = _patches(ax, self.paths, 3, facecolor="none", edgecolor=_LINE, linewidth=1.4)

    def paint(self, day: gpd.GeoDataFrame) -> list[Any]:
        controller, inferred, fighting = _state(day, self.sites)
        known = np.isin(controller, [*self.actors, CONTESTED])
        colours = [_colour(c, self.actors) if k else _LINE for c, k in zip(controller, known, strict=True)]
        self.line.set_edgecolor(_rgba(colours, np.where(inferred & known, 0.5, 1.0)))
        self.line.set_linewidth(np.where(known, 2.4, 1.4).tolist())
        return _fought(self.ax, self.inner, fighting)


class _Points:
    """The sites that are not areas, one scatter recoloured each day; fighting as rings around."""

    def __init__(self, ax: Axes, points: gpd.GeoDataFrame, layers: _Layers,
                 actors: Mapping[str, Mapping[str, str]]) -> None:
        self.ax, self.actors = ax, actors
        # The named drawn last, on top of the faint.
        order = np.argsort([s in layers.named for s in points["site"]], kind="stable")
        self.sites = points["site"].to_numpy()[order]
        self.xy = shapely.get_coordinates(points.geometry.values)[order]
        self.named = np.array([s in layers.named for s in self.sites], dtype=bool)
        self.city = np.array([layers.kinds.get(s) in CITY_KINDS for s in self.sites], dtype=bool)
        self.size = np.where(self.city, _POINT["city"], _POINT["site"])
        self.dots: PathCollection = ax.scatter(self.xy[:, 0], self.xy[:, 1], s=self.size, zorder=4,
                                               c=COLOURS[UNKNOWN], edgecolors=_OUTLINE[UNKNOWN],
                                               linewidths=0.8)

    def boxes(self) -> list[list[float]]:
        """Return the pixel boxes of the named sites' points, which labels keep off."""
        out = []
        for (x, y), size in zip(self.xy[self.named], self.size[self.named], strict=True):
            px, py = self.ax.transData.transform((x, y))
            r = _radius(size)
            out.append([px - r, py - r, px + r, py + r])
        return out

    def paint(self, day: gpd.GeoDataFrame) -> list[Any]:
        controller, inferred, fighting = _state(day, self.sites)
        known = np.isin(controller, [*self.actors, CONTESTED])
        faint = ~known & ~self.named
        dim = faint | inferred
        self.dots.set_facecolor(_rgba([_colour(c, self.actors) for c in controller],
                                      np.where(dim, 0.45, 0.95)))
        self.dots.set_edgecolor(_rgba([_OUTLINE.get(c, "#222222") for c in controller],
                                      np.where(faint, 0.0, np.where(inferred, 0.5, 1.0))))
        self.dots.set_linewidth(np.where(controller == CONTESTED, 1.6, 0.8).tolist())
        self.dots.set_sizes(np.where(faint, _POINT["faint"], self.size))
        drawn = []
        for kind in ("around", "inside"):
            fought = np.flatnonzero(fighting == kind)
            if len(fought):
                width, style = _fight_line(kind)
                # A ring around the point, so that its own colour still shows.
                ring = (np.sqrt(self.size[fought]) + 2 * width + 2) ** 2
                rings = self.ax.scatter(self.xy[fought, 0], self.xy[fought, 1], s=ring, zorder=5,
                                        facecolors="none", edgecolors=FIGHT_STYLE["colour"],
                                        linewidths=width, linestyle=style)
                rings.set_capstyle("round")
                drawn.append(rings)
        return drawn


def _radius(size: float) -> float:
    """Return a scatter marker's radius in pixels from its size (points squared)."""
    return math.sqrt(size) / 2 / _PT


class _Painter:
    """One figure for all the days: the map is drawn once, each day recolours it.

    The ground, river, labels, scale bar, north arrow, legend and source
    line do not change from day to day; the areas', outlines' and points'
    colours, the contested hatching, the fighting and the date do, so a year
    of days costs a recolouring and a PNG encoding each.
    """

    def __init__(self, sites: gpd.GeoDataFrame, site_days: gpd.GeoDataFrame,
                 actors: Mapping[str, Mapping[str, str]], *, title: str,
                 background: gpd.GeoDataFrame | None, credit: str | None,
                 areas: gpd.GeoDataFrame | None = None) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        layers = _Layers(sites, site_days, areas)
        self.crs = layers.crs
        self.fig = fig = Figure(figsize=_SIZE, dpi=_DPI)
        renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]  # unannotated in matplotlib
        self.ax = ax = fig.add_axes(_MAP)
        ax.set_facecolor(_PAPER)
        ax.set_xticks([])
        ax.set_yticks([])
        bg = background.to_crs(layers.crs) if background is not None and len(background) else None
        known = set(site_days.loc[site_days["controller"] != UNKNOWN, "site"])
        x0, y0, x1, y1 = _fit(_view(layers, known, bg), (_MAP[2] * _SIZE[0], _MAP[3] * _SIZE[1]))
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="datalim")
        ax.apply_aspect()
        if bg is not None:
            self._background(bg)
        self.areas = _Areas(ax, layers.filled, actors) if len(layers.filled) else None
        self.outlines = _Outlines(ax, layers.outlines, actors) if len(layers.outlines) else None
        self.points = _Points(ax, layers.points, layers, actors) if len(layers.points) else None
        self.scale = _ScaleBar(ax, layers.crs)
        arrow = _north_arrow(ax, layers.crs)
        obstacles = np.array([self.scale.box, arrow, *(self.points.boxes() if self.points else [])])
        self.labels = _place_labels(ax, renderer, self._label_items(layers), obstacles)
        fig.text(0.02, 0.975, title, fontsize=10, fontweight="bold", va="top", parse_math=False)
        self.date = fig.text(0.02, 0.935, "", fontsize=13, va="top", parse_math=False)
        river = bg is not None and bool((bg["kind"] == "river").any())
        legend = fig.legend(handles=_legend(actors, river), loc="upper left",
                            bbox_to_anchor=(_LEGEND_X, _MAP[1] + _MAP[3]), fontsize=7.5,
                            frameon=False, title="Held by", title_fontsize=9, alignment="left",
                            handlelength=2.2, handleheight=1.1)
        for text in [*legend.get_texts(), legend.get_title()]:
            text.set_parse_math(False)
        self.credit = _credit_text(fig, renderer, credit or "Sites and river from the gazetteer; "
                                   "no basemap · conflictmap", _SIZE[0] * _DPI * 0.96)
        self.drawn: list[Any] = []

    def _background(self, background: gpd.GeoDataFrame) -> None:
        for kind, rows in background.groupby("kind", sort=True):
            style = _BACKGROUND.get(str(kind), {"color": "#999999", "linewidth": 1.0, "alpha": 0.6})
            # Outlines of areas, lines as lines: the background is never filled.
            geoms = rows.geometry.boundary.where(rows.geom_type.isin(["Polygon", "MultiPolygon"]),
                                                 rows.geometry)
            gpd.GeoSeries(geoms, crs=rows.crs).plot(ax=self.ax, zorder=1, aspect=None, **style)
        self.ax.set_xlabel("")  # geopandas labels the axes with the CRS
        self.ax.set_ylabel("")

    def _label_items(self, layers: _Layers) -> list[_LabelItem]:
        filled = set(self.areas.sites) if self.areas else set()
        outlined = set(self.outlines.sites) if self.outlines else set()
        order = sorted(layers.named, key=lambda s: (layers.kinds.get(s) not in CITY_KINDS,
                                                    -layers.named[s], s))
        items = []
        for site in order:
            anchor, name = layers.anchor.get(site), layers.names.get(site, "")
            if anchor is None or not name.strip():
                continue
            city = layers.kinds.get(site) in CITY_KINDS
            style = {"fontsize": 9.0, "fontweight": "bold"} if city else {"fontsize": 7.0}
            place = "area" if site in filled else "above" if site in outlined else "point"
            radius = _radius(_POINT["city" if city else "site"])
            items.append((name, anchor.x, anchor.y, radius, place, {"color": "#111111", **style}))
        return items

    def paint(self, day: gpd.GeoDataFrame, date: str) -> None:
        """Colour the map for one day's rows of the site-days."""
        for artist in self.drawn:
            artist.remove()
        self.drawn = []
        self.date.set_text(date)
        for layer in (self.areas, self.outlines, self.points):
            if layer is not None:
                self.drawn += layer.paint(day)


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    # No "Software" text chunk and no time stamp: the same map, the same bytes.
    fig.savefig(buf, format="png", dpi=_DPI, metadata={"Software": None})
    return buf.getvalue()


def write_day_images(
    folder: str | Path,
    sites: gpd.GeoDataFrame,
    site_days: gpd.GeoDataFrame,
    actors: Mapping[str, Mapping[str, str]],
    *,
    title: str = "",
    background: gpd.GeoDataFrame | None = None,
    credit: str | None = None,
    png: bool = True,
    gif: str | Path | None = None,
    frame_ms: int = 700,
    areas: gpd.GeoDataFrame | None = None,
) -> list[Path]:
    """Write ``YYYY-MM-DD.png`` per day into ``folder``, and optionally an animated GIF.

    Parameters
    ----------
    folder : str or Path
    sites : GeoDataFrame
        :data:`maps.schema.SITE_COLUMNS`, with the optional ``parent`` that
        gives a quarter its city (see :func:`maps.areas.site_areas`).
    site_days : GeoDataFrame
        :data:`maps.schema.SITE_DAY_COLUMNS`.
    actors : mapping
        ``id -> {"name", "colour"}``.
    title : str, optional
    background : GeoDataFrame, optional
        :data:`maps.schema.BACKGROUND_COLUMNS`: rivers and the like, drawn as lines.
    credit : str, optional
        The source line along the bottom (the reports, the gazetteer); a
        short default when not given.
    png : bool
        Write the PNGs (False: only the GIF).
    gif : str or Path, optional
        Where to write the animated GIF of all days.
    frame_ms : int
        Time each day is shown in the GIF.
    areas : GeoDataFrame, optional
        :data:`maps.areas.AREA_COLUMNS` of ``sites``, when the caller has them
        already; default ``site_areas`` of the sites that have a geometry.

    Returns
    -------
    list of Path
        The PNGs written, by day.
    """
    import matplotlib

    check(sites, SITE_COLUMNS, "sites")
    check(site_days, SITE_DAY_COLUMNS, "site-days")
    folder = Path(folder)
    out: list[Path] = []
    frames: list[bytes] = []
    with matplotlib.rc_context(_RC):
        painter = _Painter(sites, site_days, actors, title=title, background=background,
                           credit=credit, areas=areas)
        for day, rows in site_days.groupby("date", sort=True):
            painter.paint(rows, str(day))
            data = _png(painter.fig)
            if png:
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / f"{day}.png"
                path.write_bytes(data)
                out.append(path)
            if gif is not None:
                frames.append(data)
    if gif is not None and frames:
        write_gif(frames, gif, frame_ms=frame_ms)
    return out


def write_gif(frames: Sequence[bytes | str | Path], path: str | Path, frame_ms: int = 700) -> None:
    """Write PNG frames (bytes or files) as one looping animated GIF.

    Parameters
    ----------
    frames : sequence of bytes or path
    path : str or Path
    frame_ms : int
        Time each frame is shown; the last one stays three times as long.
    """
    from PIL import Image

    images = []
    for f in frames:
        src = io.BytesIO(f) if isinstance(f, bytes) else f
        with Image.open(src) as im:
            # An octree keeps the few pixels of a small point's colour; median cut merged them away.
            images.append(im.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE,
                                                     dither=Image.Dither.NONE))
    durations = [frame_ms] * len(images)
    durations[-1] = frame_ms * 3
    images[0].save(path, format="GIF", save_all=True, append_images=images[1:], loop=0,
                   duration=durations, optimize=False)
