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

from .schema import CONTESTED, SITE_COLUMNS, SITE_DAY_COLUMNS, UNKNOWN, check

if TYPE_CHECKING:  # matplotlib is imported when an image is drawn, not with the package
    from matplotlib.figure import Figure

__all__ = ["render_day", "write_day_images", "write_gif", "COLOURS"]

#: Colours of the states that are not an actor (as on the HTML map).
COLOURS = {CONTESTED: "#CC79A7", UNKNOWN: "#BBBBBB"}
_BACKGROUND = {"river": {"color": "#56B4E9", "linewidth": 3, "alpha": 0.8}}
_DPI = 100
_SIZE = (8.0, 6.4)
_AXES = (0.02, 0.02, 0.62, 0.86)
_LABELS_AT_MOST = 60
_RC = {"svg.hashsalt": "conflictmap", "path.simplify": True, "font.family": "DejaVu Sans"}


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
               markeredgecolor="#7A2E5C", markeredgewidth=2.0, label="contested (hatched areas)"),
        Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor=COLOURS[UNKNOWN],
               markeredgecolor="#555555", label="unknown"),
        Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor="#999999",
               markeredgecolor="#222222", alpha=0.4, label="inferred (no report that day)"),
    ]
    return handles


def render_day(
    sites: gpd.GeoDataFrame,
    day: gpd.GeoDataFrame,
    actors: Mapping[str, Mapping[str, str]],
    *,
    date: str,
    title: str = "",
    background: gpd.GeoDataFrame | None = None,
    bounds: Sequence[float] | None = None,
) -> Figure:
    """Draw one day's control map on a new matplotlib Figure (Agg canvas).

    Parameters
    ----------
    sites : GeoDataFrame
        :data:`maps.schema.SITE_COLUMNS` (for kinds and labels).
    day : GeoDataFrame
        That day's rows of the site-days (:data:`maps.schema.SITE_DAY_COLUMNS`).
    actors : mapping
        ``id -> {"name", "colour"}``.
    date : str
        The ISO day, shown in the title.
    title : str, optional
        Shown above the date.
    background : GeoDataFrame, optional
        Rivers and outlines drawn under the sites (``name``, ``kind``, ``geometry``).
    bounds : sequence of float, optional
        ``minx, miny, maxx, maxy`` of the view (default: the sites with a known state).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    check(day, SITE_DAY_COLUMNS, "site-days")
    fig = Figure(figsize=_SIZE, dpi=_DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes(_AXES)
    ax.set_facecolor("#f4f1ea")
    kinds = dict(zip(sites["site"], sites["kind"], strict=True)) if len(sites) else {}
    frame = day.sort_values("site", kind="stable").copy()
    frame["colour"] = [_colour(c, actors) for c in frame["controller"]]
    known = frame[frame["controller"] != UNKNOWN]
    if bounds is None:
        ref = known if len(known) else frame
        minx, miny, maxx, maxy = ref.total_bounds if len(ref) else (0.0, 0.0, 1.0, 1.0)
    else:
        minx, miny, maxx, maxy = bounds
    # Some room around the sites, for labels and the river or outline nearby.
    padx = max((maxx - minx) * 0.1, 0.006)
    pady = max((maxy - miny) * 0.1, 0.006)
    if background is not None and len(background):
        for kind, rows in background.groupby("kind", sort=True):
            style = _BACKGROUND.get(str(kind), {"color": "#999999", "linewidth": 1, "alpha": 0.6})
            # Outlines of areas, lines as lines: the background is never filled.
            geoms = rows.geometry
            areas_bg = geoms.geom_type.isin(["Polygon", "MultiPolygon"])
            geoms = geoms.where(~areas_bg, geoms.boundary)
            gpd.GeoSeries(geoms, crs=rows.crs).plot(ax=ax, zorder=1, **style)
    is_area = frame.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    areas, points = frame[is_area], frame[~is_area]
    # Unknown first, so the sites something is known of draw on top.
    for inferred in (False, True):
        for contested in (False, True):
            sel = areas[(areas["inferred"] == inferred)
                        & ((areas["controller"] == CONTESTED) == contested)]
            if len(sel):
                sel.plot(ax=ax, color=sel["colour"].tolist(), alpha=0.35 if inferred else 0.75,
                         edgecolor="#7A2E5C" if contested else "#222222",
                         linewidth=1.5 if contested else 0.8, linestyle=":" if inferred else "-",
                         hatch="///" if contested else None, zorder=2)
    order = np.argsort((points["controller"] != UNKNOWN).to_numpy(), kind="stable")
    points = points.iloc[order]
    if len(points):
        size = [160 if kinds.get(s) == "city" else 60 for s in points["site"]]
        contested = (points["controller"] == CONTESTED).to_numpy()
        inferred = points["inferred"].to_numpy(bool)
        edge = np.where(contested, "#7A2E5C", np.where(points["controller"] == UNKNOWN,
                                                       "#555555", "#222222"))
        alpha = np.where(inferred, 0.4, 0.95)
        for a in sorted(set(alpha.tolist())):
            sel = alpha == a
            points[sel].plot(ax=ax, color=points["colour"][sel].tolist(),
                             markersize=np.asarray(size)[sel], edgecolor=edge[sel].tolist(),
                             linewidth=np.where(contested[sel], 2.0, 0.8), alpha=a, zorder=3)
    labelled = known if len(known) <= _LABELS_AT_MOST else known[
        [kinds.get(s) == "city" for s in known["site"]]]
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
    fig.text(0.02, 0.925, date, fontsize=13, va="top")
    fig.legend(handles=_legend(actors), loc="upper left", bbox_to_anchor=(0.66, 0.88),
               fontsize=8, frameon=False, title="Held by", title_fontsize=9)
    fig.text(0.66, 0.03, "Sites and river from the gazetteer; no basemap.", fontsize=6,
             color="#555555")
    return fig


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
        for day, rows in site_days.groupby("date", sort=True):
            fig = render_day(sites, rows, actors, date=str(day), title=title,
                             background=background, bounds=bounds)
            data = _png(fig)
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
