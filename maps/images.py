"""Day images for reports: ``days/YYYY-MM-DD.png`` and an animated ``days.gif``.

Drawn with matplotlib (Agg, no pyplot, no network, no tiles) through
GeoDataFrame ``.plot``. The PNGs carry no software or time stamp, so the same
data give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np

from .schema import CONTESTED, FIGHT_STYLE, SITE_COLUMNS, SITE_DAY_COLUMNS, STYLE, UNKNOWN, check

if TYPE_CHECKING:  # matplotlib is imported when an image is drawn, not with the package
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

__all__ = ["write_day_images", "write_gif", "COLOURS"]

#: Colours of the states that are not an actor (as on the HTML map).
COLOURS = {k: v["colour"] for k, v in STYLE.items()}
_OUTLINE = {k: v["outline"] for k, v in STYLE.items()}
_BACKGROUND = {"river": {"color": "#56B4E9", "linewidth": 3, "alpha": 0.8}}
_DPI = 100
_SIZE = (8.0, 6.4)
_AXES = (0.02, 0.02, 0.62, 0.86)
_LABELS_AT_MOST = 60
_RC: dict[RcKeyType, Any] = {"svg.hashsalt": "conflictmap", "path.simplify": True,
                             "font.family": "DejaVu Sans"}


def _colour(controller: str, actors: Mapping[str, Mapping[str, str]]) -> str:
    if controller in actors:
        return actors[controller]["colour"]
    return COLOURS.get(controller, COLOURS[UNKNOWN])


def _legend(actors: Mapping[str, Mapping[str, str]]) -> list[Any]:
    from matplotlib.lines import Line2D

    handles: list[Any] = [
        Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor=a["colour"],
               markeredgecolor="#222222", label=f"{a['name']} ({k})")
        for k, a in actors.items()
    ]
    handles += [
        Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor=COLOURS[CONTESTED],
               markeredgecolor=_OUTLINE[CONTESTED], markeredgewidth=2.0, label="contested (hatched areas)"),
        Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor=COLOURS[UNKNOWN],
               markeredgecolor=_OUTLINE[UNKNOWN], label="unknown"),
        Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor="#999999",
               markeredgecolor="#222222", alpha=0.4, label="inferred (no report that day)"),
        Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor="#FFFFFF",
               markeredgecolor=FIGHT_STYLE["colour"], markeredgewidth=2.5,
               label="fighting inside (orange ring)"),
        Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor="#FFFFFF",
               markeredgecolor=FIGHT_STYLE["colour"], markeredgewidth=1.2,
               label="fighting around (thin orange ring)"),
    ]
    return handles


class _Painter:
    """One figure for all the days: the map is drawn once, each day recolours it.

    The background, the sites' points, labels and legend do not change from
    day to day; only the points' colours, the areas and the date do, so a
    year of days costs a colour update and a PNG encoding each.
    """

    def __init__(self, sites: gpd.GeoDataFrame, site_days: gpd.GeoDataFrame,
                 actors: Mapping[str, Mapping[str, str]], *, title: str,
                 background: gpd.GeoDataFrame | None, bounds: Sequence[float] | None) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.colors import to_rgba
        from matplotlib.figure import Figure

        self.actors = actors
        self.rgba = to_rgba
        self.fig = fig = Figure(figsize=_SIZE, dpi=_DPI)
        FigureCanvasAgg(fig)
        self.ax = ax = fig.add_axes(_AXES)
        ax.set_facecolor("#f4f1ea")
        kinds = dict(zip(sites["site"], sites["kind"], strict=True)) if len(sites) else {}
        known = site_days[site_days["controller"] != UNKNOWN]
        if bounds is None:
            ref = known if len(known) else site_days
            bounds = tuple(ref.total_bounds) if len(ref) else (0.0, 0.0, 1.0, 1.0)
        minx, miny, maxx, maxy = bounds
        # Some room around the sites, for labels and the river or outline nearby.
        padx = max((maxx - minx) * 0.1, 0.006)
        pady = max((maxy - miny) * 0.1, 0.006)
        if background is not None and len(background):
            for kind, rows in background.groupby("kind", sort=True):
                style = _BACKGROUND.get(str(kind), {"color": "#999999", "linewidth": 1,
                                                    "alpha": 0.6})
                # Outlines of areas, lines as lines: the background is never filled.
                geoms = rows.geometry
                areas_bg = geoms.geom_type.isin(["Polygon", "MultiPolygon"])
                geoms = geoms.where(~areas_bg, geoms.boundary)
                gpd.GeoSeries(geoms, crs=rows.crs).plot(ax=ax, zorder=1, aspect=None, **style)
        # Every site of the days, once, in a fixed order: never known first, so
        # the sites something is known of draw on top.
        first = site_days.drop_duplicates("site").sort_values("site", kind="stable")
        ever = set(known["site"])
        first = first.iloc[np.argsort([s in ever for s in first["site"]], kind="stable")]
        is_area = first.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
        self.areas = first[is_area][["site", "geometry"]]
        points = first[~is_area]
        self.point_sites = points["site"].tolist()
        self.points = None
        if len(points):
            size = np.array([160 if kinds.get(s) == "city" else 60 for s in self.point_sites])
            points.plot(ax=ax, color=COLOURS[UNKNOWN], markersize=size, edgecolor=_OUTLINE[UNKNOWN],
                        linewidth=0.8, zorder=3, aspect=None)
            self.points = ax.collections[-1]
        self.drawn: list[Any] = []
        labelled = first[first["site"].isin(ever)]
        if len(labelled) > _LABELS_AT_MOST:
            labelled = labelled[[kinds.get(s) == "city" for s in labelled["site"]]]
        for row in labelled.itertuples(index=False):
            pt = row.geometry.representative_point()
            if minx - padx <= pt.x <= maxx + padx and miny - pady <= pt.y <= maxy + pady:
                ax.annotate(row.name, (pt.x, pt.y), xytext=(5, 3), textcoords="offset points",
                            fontsize=7, zorder=4,
                            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none",
                                  "alpha": 0.8})
        # Widen the view to the frame's shape (rather than shrink the frame): more
        # context, and the same layout whatever the data.
        aspect = 1.0 / max(np.cos(np.radians((miny + maxy) / 2)), 0.1)
        x0, x1, y0, y1 = minx - padx, maxx + padx, miny - pady, maxy + pady
        box = (_AXES[3] * _SIZE[1]) / (_AXES[2] * _SIZE[0])
        dx, dy = x1 - x0, y1 - y0
        if dy * aspect / dx < box:
            grow = (dx * box / aspect - dy) / 2
            y0, y1 = y0 - grow, y1 + grow
        else:
            grow = (dy * aspect / box - dx) / 2
            x0, x1 = x0 - grow, x1 + grow
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect(aspect)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        fig.text(0.02, 0.965, title, fontsize=10, fontweight="bold", va="top")
        self.date = fig.text(0.02, 0.925, "", fontsize=13, va="top")
        fig.legend(handles=_legend(actors), loc="upper left", bbox_to_anchor=(0.66, 0.88),
                   fontsize=8, frameon=False, title="Held by", title_fontsize=9)
        fig.text(0.66, 0.03, "Sites and river from the gazetteer; no basemap.", fontsize=6,
                 color="#555555")

    def paint(self, day: gpd.GeoDataFrame, date: str) -> None:
        """Colour the map for one day's rows of the site-days."""
        for artist in self.drawn:
            artist.remove()
        self.drawn = []
        self.date.set_text(date)
        fights = day["fighting"] if "fighting" in day.columns else ["none"] * len(day)
        state = {r.site: (r.controller, bool(r.inferred))
                 for r in day[["site", "controller", "inferred"]].itertuples(index=False)}
        fought = dict(zip(day["site"], fights, strict=True))
        if self.points is not None:
            face, edge, width = [], [], []
            for site in self.point_sites:
                controller, inferred = state.get(site, (UNKNOWN, False))
                face.append(self.rgba(_colour(controller, self.actors), 0.4 if inferred else 0.95))
                contested = controller == CONTESTED
                line = _OUTLINE.get(controller, "#222222")
                fight = fought.get(site, "none")
                if fight in ("inside", "around"):
                    # How it was fought: an orange ring, thick inside, thin around.
                    line = FIGHT_STYLE["colour"]
                edge.append(self.rgba(line, 0.5 if inferred else 1.0))
                width.append(2.5 if fight == "inside" else 1.4 if fight == "around"
                             else 2.0 if contested else 0.8)
            self.points.set_facecolor(face)
            self.points.set_edgecolor(edge)
            self.points.set_linewidth(width)
        if len(self.areas):
            areas = self.areas.copy()
            got = [state.get(s, (UNKNOWN, False)) for s in areas["site"]]
            areas["controller"] = [g[0] for g in got]
            areas["inferred"] = [g[1] for g in got]
            areas["colour"] = [_colour(c, self.actors) for c in areas["controller"]]
            before = len(self.ax.collections)
            for inferred in (False, True):
                for contested in (False, True):
                    sel = areas[(areas["inferred"] == inferred)
                                & ((areas["controller"] == CONTESTED) == contested)]
                    if len(sel):
                        sel.plot(ax=self.ax, color=sel["colour"].tolist(),
                                 alpha=0.35 if inferred else 0.75,
                                 edgecolor=_OUTLINE[CONTESTED] if contested else "#222222",
                                 linewidth=1.5 if contested else 0.8,
                                 linestyle=":" if inferred else "-",
                                 hatch="///" if contested else None, zorder=2, aspect=None)
            self.drawn = list(self.ax.collections[before:])
            self.ax.set_xlabel("")  # geopandas labels the axes with the CRS at each plot
            self.ax.set_ylabel("")


def _view(bounds: tuple[float, ...], background: gpd.GeoDataFrame | None,
          reach: float = 0.03) -> tuple[float, ...]:
    # Widen the view to the nearest part of a river or outline close by, so it shows.
    if background is None or not len(background):
        return bounds
    import shapely
    from shapely.ops import nearest_points

    minx, miny, maxx, maxy = bounds
    box = shapely.box(minx, miny, maxx, maxy)
    for geom in background.geometry:
        if geom is None or geom.is_empty or geom.distance(box) > reach:
            continue
        p = nearest_points(geom, box)[0]
        minx, miny = min(minx, p.x), min(miny, p.y)
        maxx, maxy = max(maxx, p.x), max(maxy, p.y)
    return (minx, miny, maxx, maxy)


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
    png: bool = True,
    gif: str | Path | None = None,
    frame_ms: int = 700,
) -> list[Path]:
    """Write ``YYYY-MM-DD.png`` per day into ``folder``, and optionally an animated GIF.

    Parameters
    ----------
    folder : str or Path
    sites : GeoDataFrame
        :data:`maps.schema.SITE_COLUMNS`.
    site_days : GeoDataFrame
        :data:`maps.schema.SITE_DAY_COLUMNS`.
    actors : mapping
        ``id -> {"name", "colour"}``.
    title : str, optional
    background : GeoDataFrame, optional
    png : bool
        Write the PNGs (False: only the GIF).
    gif : str or Path, optional
        Where to write the animated GIF of all days.
    frame_ms : int
        Time each day is shown in the GIF.

    Returns
    -------
    list of Path
        The PNGs written, by day.
    """
    import matplotlib

    check(sites, SITE_COLUMNS, "sites")
    check(site_days, SITE_DAY_COLUMNS, "site-days")
    folder = Path(folder)
    known = site_days[site_days["controller"] != UNKNOWN]
    ref = known if len(known) else site_days
    bounds = _view(tuple(ref.total_bounds), background) if len(ref) else None
    out: list[Path] = []
    frames: list[bytes] = []
    with matplotlib.rc_context(_RC):
        painter = _Painter(sites, site_days, actors, title=title, background=background,
                           bounds=bounds)
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
            images.append(im.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT,
                                                     dither=Image.Dither.NONE))
    durations = [frame_ms] * len(images)
    durations[-1] = frame_ms * 3
    images[0].save(path, format="GIF", save_all=True, append_images=images[1:], loop=0,
                   duration=durations, optimize=False)
