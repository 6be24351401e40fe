"""Day images as a reader sees them: pixels of the demo's PNGs, the scale bar, labels, source line."""

import hashlib
import json
import re
import struct

import geopandas as gpd
import matplotlib
import numpy as np
import pyproj
import pytest
import shapely
from PIL import Image
from shapely.geometry import Point, Polygon

from conflictmap.geo.cli import main
from conflictmap.geo.frames import frames as _frames
from conflictmap.geo.pipeline import bundled_theatre, load_inputs, read_theatre
from conflictmap.maps import images, write_day_images
from conflictmap.maps.areas import site_areas
from conflictmap.maps.schema import CONTESTED, FIGHT_STYLE, UNKNOWN

ACTORS = {"A": {"name": "Side A", "colour": "#0072B2"}, "B": {"name": "Side B", "colour": "#D55E00"}}
DAYS = ["2020-01-01", "2020-01-02"]
HEIGHT = 640


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The bundled demo's PNGs, GIF and day feeds, as the command line writes them."""
    out = tmp_path_factory.mktemp("images") / "demo"
    assert main(["demo", "--out", str(out), "--format", "png,gif,geojson", "-q"]) == 0
    return out


@pytest.fixture(scope="module")
def demo_frames():
    """The demo's frames and actors, as the pipeline hands them to the image writer."""
    arts, gaz, sides = load_inputs(bundled_theatre()["articles"])
    frames = dict(_frames(read_theatre(arts, gaz, sides), gaz))
    frames["days"] = frames["days"].frame()  # the pictures take all the days at once
    colours = {a.id: {"name": a.name, "colour": a.colour} for a in sides}
    return frames, colours


@pytest.fixture(scope="module")
def painter(demo_frames):
    """A painter of the demo's days: where things are on the page."""
    frames, colours = demo_frames
    with matplotlib.rc_context(images._RC):
        return images._Painter(frames["sites"], frames["days"], colours, title="t",
                               background=frames["background"], credit=None)


def _day_feed(demo, day):
    feats = json.loads((demo / "days" / f"{day}.geojson").read_text())["features"]
    return {f["properties"]["site"]: f["properties"] for f in feats}


def _pixels(painter, geoms_local):
    """Row and column in the PNG of projected points."""
    xy = painter.ax.transData.transform(shapely.get_coordinates(np.asarray(geoms_local, dtype=object)))
    return np.floor(HEIGHT - xy[:, 1]).astype(int), np.floor(xy[:, 0]).astype(int)


def _rgb(path):
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=float)


def _inside(painter, area_lonlat, inset_px=4.0, n=40):
    """A grid of projected points inside an area, ``inset_px`` from its edge."""
    area = gpd.GeoSeries([area_lonlat], crs="EPSG:4326").to_crs(painter.crs).iloc[0]
    per_px = np.diff(painter.ax.get_xlim())[0] / painter.ax.bbox.width
    core = area.buffer(-inset_px * per_px)
    x0, y0, x1, y1 = core.bounds
    grid = shapely.points(*np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n)))
    return [p for p in grid.ravel() if core.contains(p)]


def _share(pixels, colour, tolerance=10.0):
    return float(np.mean(np.abs(pixels - np.asarray(colour) * 255).max(axis=1) <= tolerance))


def _fill(controller, props, colours):
    alpha = images._FILL["inferred" if props["inferred"] else "reported"]
    return images._on_paper(colours[controller]["colour"], alpha)


# --- areas ---------------------------------------------------------------------------------

def test_an_area_takes_its_holders_colour_and_changes_with_the_feed(demo, demo_frames, painter):
    frames, colours = demo_frames
    days = sorted(p.stem for p in (demo / "days").glob("*.png"))
    feeds = {d: _day_feed(demo, d) for d in days}
    areas = site_areas(frames["sites"])
    areas = areas[areas["role"] == "area"]
    # A quarter the day feed gives to one side, then to another.
    changing = [s for s in areas["site"]
                if len({feeds[d][s]["controller"] for d in days} - {UNKNOWN, CONTESTED}) > 1
                and all(feeds[d][s]["controller"] in colours for d in days)]
    assert changing, "the demo should have a quarter that changes hands"
    site = changing[0]
    area = areas.set_index("site").geometry[site]
    rows, cols = _pixels(painter, _inside(painter, area))
    assert len(rows) > 30
    shares = []
    for day in days:
        props = feeds[day][site]
        pixels = _rgb(demo / "days" / f"{day}.png")[rows, cols]
        own = _share(pixels, _fill(props["controller"], props, colours))
        others = [_share(pixels, _fill(c, props, colours)) for c in colours if c != props["controller"]]
        shares.append((props["controller"], own))
        # Most of the area shows its holder's colour (its name covers some), none another side's.
        assert own > 0.5, (day, props["controller"], own)
        assert max(others) < 0.02, (day, others)
    assert len({c for c, _ in shares}) > 1


def test_the_view_fits_the_city_in_square_metres(demo_frames, painter):
    frames, _ = demo_frames
    layers = images._Layers(frames["sites"], frames["days"])
    (x0, x1), (y0, y1) = painter.ax.get_xlim(), painter.ax.get_ylim()
    qx0, qy0, qx1, qy1 = layers.quarters.total_bounds
    assert x0 <= qx0 and qx1 <= x1 and y0 <= qy0 and qy1 <= y1
    # The city fills the map's long side: far villages did not widen it.
    assert max((qx1 - qx0) / (x1 - x0), (qy1 - qy0) / (y1 - y0)) > 0.6
    # The site farthest from the city (a town up the river) is off the map.
    local = frames["sites"].to_crs(painter.crs).geometry
    far = local.iloc[int(np.argmax(local.distance(shapely.box(qx0, qy0, qx1, qy1))))]
    assert not (x0 <= far.x <= x1 and y0 <= far.y <= y1)
    # Metres are square on the page.
    sx, sy = np.ptp(painter.ax.transData.transform([(0, 0), (1000, 1000)]), axis=0)
    assert sx == pytest.approx(sy, rel=1e-6)


def test_fighting_inside_the_city_rings_its_outline(demo, demo_frames, painter):
    frames, _ = demo_frames
    days = sorted(p.stem for p in (demo / "days").glob("*.png"))
    outlines = painter.outlines
    assert outlines is not None
    site = outlines.sites[0]
    geom = site_areas(frames["sites"]).set_index("site").geometry[site]
    local = gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(painter.crs).iloc[0]
    per_px = np.diff(painter.ax.get_xlim())[0] / painter.ax.bbox.width
    ring = local.buffer(-3.5 * per_px).exterior
    along = [ring.interpolate(t, normalized=True) for t in np.linspace(0, 1, 200, endpoint=False)]
    rows, cols = _pixels(painter, along)
    orange = np.array(matplotlib.colors.to_rgb(FIGHT_STYLE["colour"]))
    seen = {}
    for day in days:
        fighting = _day_feed(demo, day)[site]["fighting"]
        seen[fighting] = _share(_rgb(demo / "days" / f"{day}.png")[rows, cols], orange, 40)
    assert seen.get("inside", 0) > 0.5 and seen.get("none", 1) < 0.05, seen


# --- scale bar, north arrow, labels, source line --------------------------------------------

def test_scale_bar_length_matches_its_label(demo, painter):
    bar = painter.scale
    number, unit = re.fullmatch(r"([\d.]+) (m|km)", bar.text.get_text()).groups()
    metres = float(number) * (1000 if unit == "km" else 1)
    assert metres == bar.metres
    assert metres / 10 ** np.floor(np.log10(metres)) in (1.0, 2.0, 5.0)  # a round length
    # Measured on the ground (geodesic), not in the projection the map is drawn in.
    to_lonlat = pyproj.Transformer.from_crs(painter.crs, "EPSG:4326", always_xy=True)
    (lon0, lat0), (lon1, lat1) = (to_lonlat.transform(x, y) for x, y in bar.ends)
    ground = pyproj.Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2]
    assert ground == pytest.approx(metres, rel=0.05)
    # A round length about a fifth of the map's width.
    assert metres / np.diff(painter.ax.get_xlim())[0] == pytest.approx(0.2, abs=0.1)
    # And the bar is in the picture: dark from its left end to its right end, on a white ground.
    (px0, py), (px1, _) = painter.ax.transData.transform(bar.ends)
    row = int(HEIGHT - py - 3)  # the bar is 5 pixels high above its base
    line = _rgb(next((demo / "days").glob("*.png")))[row]
    dark = np.flatnonzero(line[int(px0) - 8:int(px1) + 8].max(axis=1) < 90) + int(px0) - 8
    assert dark.max() - dark.min() == pytest.approx(px1 - px0, rel=0.05)
    # The left half is solid black, the right half white inside its edge.
    middle = int((px0 + px1) / 2)
    assert line[int(px0) + 2:middle - 2].max() < 90 and line[middle + 3:int(px1) - 3].min() > 200


def test_north_arrow_points_to_true_north(painter):
    arrow = next(a for a in painter.ax.texts if a.get_text() == "" and a.arrow_patch is not None)
    (tx, ty), (hx, hy) = arrow.xyann, arrow.xy
    angle = np.degrees(np.arctan2(hx - tx, hy - ty))
    lon, lat = pyproj.Transformer.from_crs(painter.crs, "EPSG:4326", always_xy=True).transform(
        np.mean(painter.ax.get_xlim()), np.mean(painter.ax.get_ylim()))
    convergence = pyproj.Proj(pyproj.CRS(painter.crs)).get_factors(lon, lat).meridian_convergence
    # Grid north is the page's up; true north leans from it by the meridian's convergence.
    assert abs(angle) == pytest.approx(abs(convergence), abs=0.5)


def test_every_site_a_report_names_is_labelled_without_overlaps(demo_frames, painter):
    frames, _ = demo_frames
    days = frames["days"]
    named = set(days.loc[[len(e) > 0 for e in days["evidence"]], "site"])
    names = dict(zip(frames["sites"]["site"], frames["sites"]["name"], strict=True))
    renderer = painter.fig.canvas.get_renderer()
    boxes = [lab.get_window_extent(renderer) for lab in painter.labels]
    assert sorted(lab.get_text() for lab in painter.labels) == sorted(names[s] for s in named)
    for i, a in enumerate(boxes):
        assert painter.ax.bbox.x0 <= a.x0 and a.x1 <= painter.ax.bbox.x1
        assert not any(a.overlaps(b) for b in boxes[i + 1:])
    # A site nothing is known of and no report names is a faint dot, without a name.
    points = painter.points
    faint = [s for s in points.sites if s not in named]
    assert faint
    assert all(names[s] not in {lab.get_text() for lab in painter.labels} for s in faint)
    painter.paint(days[days["date"] == days["date"].min()], "x")
    sizes = dict(zip(points.sites, points.dots.get_sizes(), strict=True))
    assert {sizes[s] for s in faint} == {images._POINT["faint"]}


def _frames_synthetic(name="Point one"):
    sq = Polygon([(10.0, 50.0), (10.01, 50.0), (10.01, 50.006), (10.0, 50.006)])
    sites = gpd.GeoDataFrame(
        {"site": ["p1", "sq"], "name": [name, "The square"], "kind": ["hospital", "neighbourhood"],
         "precision": ["exact"] * 2, "source": ["test"] * 2},
        geometry=[Point(10.005, 50.003), sq], crs="EPSG:4326")
    rows = [{"site": s, "name": n, "date": d, "controller": c, "inferred": False,
             "evidence": [{"article": "a", "date": d, "sentence": "s"}], "geometry": g}
            for d in DAYS for s, n, c, g in zip(sites["site"], sites["name"], ("A", "B"), sites.geometry,
                                                strict=True)]
    return sites, gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def _dark_columns(path, top):
    strip = _rgb(path)[top:]
    return np.flatnonzero((strip.min(axis=2) < 150).any(axis=0)), np.flatnonzero(
        (strip.min(axis=2) < 150).any(axis=1))


def test_source_line_is_drawn_along_the_bottom(tmp_path):
    sites, days = _frames_synthetic()
    short = "Sources: 2 reports"
    long = "Sources: " + " · ".join(f"report {i} (Agency {i})" for i in range(40))
    a = write_day_images(tmp_path / "a", sites, days, ACTORS, credit=short)[0]
    b = write_day_images(tmp_path / "b", sites, days, ACTORS, credit=long)[0]
    cols_a, _ = _dark_columns(a, HEIGHT - 30)
    cols_b, rows_b = _dark_columns(b, HEIGHT - 40)
    assert 30 < cols_a.max() - cols_a.min() < 200  # the short line, at the left
    assert cols_b.max() > 600 and cols_b.max() < 800 - 5  # the long one spans the page, wrapped
    assert rows_b.max() - rows_b.min() > 12  # on two lines
    # The map above it is the same.
    assert np.array_equal(_rgb(a)[:HEIGHT - 60], _rgb(b)[:HEIGHT - 60])


def test_dollars_in_names_are_text_not_mathtext(tmp_path):
    sites, days = _frames_synthetic(name=r"Price $5 and $x^2$ \alpha_b")
    actors = {"A": {"name": "Side $A$", "colour": "#0072B2"}, "B": {"name": "B", "colour": "red;x"}}
    paths = write_day_images(tmp_path, sites, days, actors, title="Title $x$", credit="Source $y$")
    assert len(paths) == 2
    with matplotlib.rc_context(images._RC):
        p = images._Painter(sites, days, actors, title="Title $x$", background=None, credit="$y$")
    texts = [t for t in p.labels if "$" in t.get_text()]
    assert [t.get_text() for t in texts] == [r"Price $5 and $x^2$ \alpha_b"]
    assert not any(t.get_parse_math() for t in [*texts, *p.fig.texts, p.credit])
    legend = p.fig.legends[0]
    assert "Side $A$ (A)" in [t.get_text() for t in legend.get_texts()]
    assert not any(t.get_parse_math() for t in legend.get_texts())


# --- files -----------------------------------------------------------------------------------

def _png_chunks(data):
    pos, chunks = 8, []
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        chunks.append((data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]))
        pos += 12 + n
    return chunks


def test_day_images_are_800_by_640_without_stamps(demo):
    pngs = sorted((demo / "days").glob("*.png"))
    assert [p.stem for p in pngs] == sorted(p.stem for p in (demo / "days").glob("*.geojson"))
    for p in pngs:
        data = p.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        chunks = _png_chunks(data)
        assert struct.unpack(">II", chunks[0][1][:8]) == (800, 640)
        assert not any(kind in (b"tEXt", b"iTXt", b"tIME") for kind, _ in chunks)
    with Image.open(demo / "days.gif") as gif:
        assert gif.n_frames == len(pngs)
        # Each frame is its day's picture, every colour kept (a point's too, not merged away).
        for i, p in enumerate(pngs):
            gif.seek(i)
            frame = np.asarray(gif.convert("RGB"), dtype=float)
            assert np.abs(frame - _rgb(p)).max() <= 20, p.name


def test_two_runs_are_byte_identical(demo, demo_frames, tmp_path):
    frames, colours = demo_frames
    runs = [write_day_images(tmp_path / str(i), frames["sites"], frames["days"], colours, title="t",
                             background=frames["background"], credit="c") for i in range(2)]
    digests = [[hashlib.sha256(p.read_bytes()).hexdigest() for p in run] for run in runs]
    assert digests[0] == digests[1] and len(set(digests[0])) == len(digests[0])
