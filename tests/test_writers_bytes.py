"""The fast writers write the very bytes of the slow ways they replaced.

The CSV files were pandas' ``to_csv``; the GeoPackage's point blobs were
shapely's WKB. Each test builds the old bytes and the new and compares them.
"""

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictmap.maps import events, feeds, gpkg, write_events_csv
from conflictmap.maps.feeds import write_csv
from conflictmap.maps.schema import CLAIM_COLUMNS

# Every character the csv module might quote for, and some it must not.
TRICKY = ["", "plain", "a,b", 'say "no"', "two\nlines", "carriage\rreturn", "both\r\n", " lead",
          "trail ", "tab\there", "é ü 中文", '"', ",", "\n", "semi;colon", "x" * 300]


def _pandas(frame, path, float_format=None, columns=None):
    (frame if columns is None else frame[columns]).to_csv(
        path, index=False, lineterminator="\n", float_format=float_format)
    return path.read_bytes()


def _ours(frame, path, float_format=None, columns=None):
    write_csv(frame, path, float_format=float_format, columns=columns)
    return path.read_bytes()


def _mixed(n=120, seed=3):
    rng = np.random.default_rng(seed)
    floats = rng.normal(0, 50, n)
    floats[::7] = np.nan
    floats[1], floats[2], floats[3], floats[4] = -0.0, 0.0, np.inf, 1e-9
    floats[5], floats[6] = 123456789.123456789, -2.5e17
    few = [TRICKY[i % 5] for i in range(n)]  # few distinct texts: taken from the distinct ones
    many = [f"{TRICKY[i % len(TRICKY)]} {i}" for i in range(n)]  # many: one at a time
    objects = [None, 1, 2.5, "t,x", [1, 2], True, float("nan"), np.float64(0.1), {"a": 1}, ""]
    frame = pd.DataFrame({
        "few": pd.array(few, dtype="str"),
        "many": pd.array(many, dtype="str"),
        "float": floats,
        "f32": floats.astype(np.float32),
        "int": rng.integers(-5, 5, n),
        "uint": rng.integers(0, 3, n).astype(np.uint8),
        "flag": rng.integers(0, 2, n).astype(bool),
        "obj": pd.Series([objects[i % len(objects)] for i in range(n)], dtype=object),
    })
    frame.loc[::9, "few"] = None
    frame.loc[::4, "many"] = None
    return frame


@pytest.mark.parametrize("float_format", [None, "%.6f", "%.2f"])
def test_csv_matches_pandas_on_every_kind_of_column(tmp_path, monkeypatch, float_format):
    monkeypatch.setattr(feeds, "_CSV_ROWS", 17)  # many chunks, the last one short
    frame = _mixed()
    ours = _ours(frame, tmp_path / "a.csv", float_format)
    assert ours == _pandas(frame, tmp_path / "b.csv", float_format)
    assert b'"a,b"' in ours and b'"say ""no"""' in ours and b'"two\nlines"' in ours  # quoting happened
    assert _ours(frame, tmp_path / "c.csv", float_format, ["many", "float"]) == \
        _pandas(frame, tmp_path / "d.csv", float_format, ["many", "float"])


def test_csv_matches_pandas_on_edge_shapes(tmp_path):
    cases = {
        "one empty column": pd.DataFrame({"x": pd.array(["", "a", "", None], dtype="str")}),
        "empty name": pd.DataFrame({"": ["", "b"]}),
        "no rows": pd.DataFrame({"name": [], "count": []}, dtype=object),
        "no rows typed": pd.DataFrame({"a": pd.array([], dtype="str"), "b": np.array([], float)}),
        "quoted header": pd.DataFrame({"a,b": [1], 'q"': [2]}),
        "all missing": pd.DataFrame({"s": pd.array([None, None], dtype="str"), "f": [np.nan, np.nan]}),
        # Left to pandas: dates, categories, nullable numbers, duplicate and non-text names.
        "dates": pd.DataFrame({"d": pd.to_datetime(["2020-01-01", None]), "s": ["a", "b"]}),
        "category": pd.DataFrame({"c": pd.Categorical(["x,y", "z"])}),
        "nullable": pd.DataFrame({"i": pd.array([1, None], dtype="Int64")}),
        "duplicates": pd.DataFrame([[1, 2]], columns=["a", "a"]),
        "numbered": pd.DataFrame({0: ["a"], 1: ["b"]}),
    }
    for name, frame in cases.items():
        for fmt in (None, "%.6f"):
            assert _ours(frame, tmp_path / "a.csv", fmt) == _pandas(frame, tmp_path / "b.csv", fmt), name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.none(), st.sampled_from(TRICKY),
                          st.text(alphabet=st.sampled_from('ab ,"\n\r\té'), max_size=6)),
                min_size=1, max_size=40),
       st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.just(-0.0)),
                min_size=40, max_size=40))
def test_csv_matches_pandas_on_any_text(tmp_path, texts, numbers):
    frame = pd.DataFrame({"t": pd.array(texts, dtype="str"), "n": numbers[:len(texts)],
                          "o": pd.Series(texts, dtype=object)})
    for fmt in (None, "%.6f"):
        assert _ours(frame, tmp_path / "a.csv", fmt) == _pandas(frame, tmp_path / "b.csv", fmt)


def _claims(n=50):
    rng = np.random.default_rng(11)
    types = ["capture", "loss", "hold", "presence", "entry", "contested", "siege", "full_control"]
    frame = pd.DataFrame({c: pd.array([f"{c} {i % 4}" for i in range(n)], dtype="str")
                          for c in CLAIM_COLUMNS})
    frame["date"] = pd.array([f"2020-01-{1 + i % 9:02d}" for i in range(n)], dtype="str")
    frame["date_precision"] = pd.array([["day", "week", "month", None][i % 4] for i in range(n)],
                                       dtype="str")
    frame["type"] = pd.array([types[i % len(types)] for i in range(n)], dtype="str")
    frame["sentence"] = pd.array([f'He said, "taken {i}"\nthen' for i in range(n)], dtype="str")
    frame["confidence"] = rng.random(n)
    frame["longitude"], frame["latitude"] = rng.normal(39, 1, n), rng.normal(36, 1, n)
    frame.loc[::5, "latitude"] = np.nan
    frame.loc[::3, "actor"] = None
    frame["start"] = np.arange(n) * 7
    frame["taker"] = pd.array([None if i % 2 else "B" for i in range(n)], dtype="str")
    frame["taker_kind"] = pd.array([["state", "non-state", None][i % 3] for i in range(n)], dtype="str")
    frame["withdrawal"] = [i % 6 == 1 for i in range(n)]
    frame["site_kind"] = pd.array([["district", "city", None][i % 3] for i in range(n)], dtype="str")
    frame["url"] = pd.Series([None if i % 2 else f"https://x/{i}?a,b" for i in range(n)], dtype=object)
    return frame


def test_events_csv_is_what_pandas_writes_of_events(tmp_path):
    for frame in (_claims(), _claims().drop(columns=["start", "taker", "url", "withdrawal"]),
                  _claims().iloc[::-1].set_axis(range(100, 150))):  # an index not 0..n-1
        write_events_csv(frame, tmp_path / "a.csv")
        events(frame).to_csv(tmp_path / "b.csv", index=False, lineterminator="\n", float_format="%.6f")
        ours = (tmp_path / "a.csv").read_bytes()
        assert ours == (tmp_path / "b.csv").read_bytes()
        assert ours.count(b"\n") > len(frame)  # the header, the rows and the quoted line breaks


def test_optional_columns_as_before():
    frame = _claims()
    frame["floats"] = [np.nan, 1.5] * 25
    frame["objects"] = pd.Series([None, float("nan"), pd.NA, "x", 3] * 10, dtype=object)
    for column, default in [("actor", ""), ("withdrawal", False), ("start", 0), ("floats", -1.0),
                            ("objects", "d"), ("absent", "z")]:
        old = ([default] * len(frame) if column not in frame.columns else
               [default if v is None or (isinstance(v, float) and np.isnan(v)) else v
                for v in frame[column]])
        new = feeds._optional(frame, column, default)
        assert len(new) == len(old) and all(
            (a is b) or (type(a) is type(b) and a == b) for a, b in zip(new, old, strict=True)), column


def test_point_blobs_are_shapelys_wkb():
    rng = np.random.default_rng(2)
    lon, lat = rng.normal(39, 0.1, 500), rng.normal(36, 0.1, 500)
    lon[:4], lat[:4] = [-0.0, 0.0, 180.0, -179.999999], [0.0, -0.0, -90.0, 89.5]
    lon[10::13] = np.nan
    lat[11::17] = np.nan
    points = shapely.points(lon, lat)
    points[np.isnan(lon) | np.isnan(lat)] = None
    fast, slow = gpkg._point_shapes(lon, lat), gpkg._shapes(points)
    assert fast.blobs == slow.blobs and fast.kind == slow.kind == "POINT"
    assert fast.extent == slow.extent
    assert np.array_equal(fast.fids, slow.fids) and np.array_equal(fast.boxes, slow.boxes)
    assert fast.blobs[10] is None and fast.blobs[0] is not None and fast.blobs[0][3] == 1
    nothing = gpkg._point_shapes(np.array([np.nan]), np.array([1.0]))
    empty = gpkg._shapes(np.array([None], dtype=object))
    assert (nothing.kind, nothing.extent, nothing.blobs) == (empty.kind, empty.extent, empty.blobs)


def test_gpkg_texts_as_before():
    values = pd.array(["2020-01-02T10:00", "", None, "2020-01-03"] * 10 + [f"u{i}" for i in range(3)],
                      dtype="str")
    series = pd.Series(values)
    many = pd.Series(pd.array([f"t{i}" if i % 3 else None for i in range(40)] + [""], dtype="str"))
    for s in (series, many):
        raw = s.to_numpy(dtype=object, na_value=None).tolist()
        assert gpkg._texts(s) == raw
        assert gpkg._column_values(s, "DATE") == [None if not v else v[:10] for v in raw]
        assert gpkg._column_values(s, "DATETIME") == [None if not v else v for v in raw]
    floats = pd.Series([1.5, np.nan, -0.0, np.inf])
    out = gpkg._column_values(floats, None)
    assert out[1] is None and out[0] == 1.5 and str(out[2]) == "-0.0" and out[3] == np.inf


def _report_rows(name, n, seed):
    """A report's claims and mentions, typed as a build makes them (maps.parts needs the whole's dtypes)."""
    rng = np.random.default_rng(seed)
    lon = rng.normal(39.0, 0.05, n)
    lon[::4] = np.nan  # a site with no location
    claims = pd.DataFrame({
        **{c: pd.array([f"{TRICKY[(seed + i) % len(TRICKY)]} {c}" for i in range(n)], dtype="str")
           for c in CLAIM_COLUMNS},
        "article": pd.array([name] * n, dtype="str"),
        "published": pd.array(["2017-10-16"] * n, dtype="str"),
        "date": pd.array(["2017-10-15T00:00"] * n, dtype="str"),
        "confidence": rng.random(n),
        "longitude": lon, "latitude": rng.normal(35.9, 0.05, n),
        "start": np.arange(n, dtype=np.int64), "counts": rng.integers(0, 2, n).astype(bool),
    })
    mentions = pd.DataFrame({
        "article": pd.array([name] * (2 * n), dtype="str"),
        "start": np.arange(2 * n, dtype=np.int64), "end": np.arange(2 * n, dtype=np.int64) + 3,
        **{c: pd.array([f"{TRICKY[(seed + i) % 5]}{c}" for i in range(2 * n)], dtype="str")
           for c in ("text", "place", "name", "kind", "layer", "how", "candidates")},
        "site": np.ones(2 * n, dtype=bool),
        "longitude": np.repeat(lon, 2), "latitude": np.full(2 * n, 35.9),
    })
    return claims, mentions


def _write(folder, claims, mentions):
    """Write every per-report table into ``folder``; return the files' bytes by name."""
    import geopandas as gpd
    from shapely.geometry import Point

    from conflictmap.maps import write_claims_csv, write_gpkg

    folder.mkdir(exist_ok=True)
    sites = gpd.GeoDataFrame(
        {"site": ["s"], "name": ["S"], "kind": ["square"], "precision": ["exact"], "source": ["t"]},
        geometry=[Point(39.0, 35.9)], crs="EPSG:4326")
    intervals = sites.assign(controller="A", start="2017-10-15", end="", inferred=False, evidence=[[]])[
        ["site", "name", "controller", "start", "end", "inferred", "evidence", "geometry"]]
    write_claims_csv(claims, folder / "claims.csv")
    write_events_csv(claims, folder / "events.csv")
    write_csv(mentions, folder / "mentions.csv", float_format="%.6f")
    write_gpkg(folder / "conflictmap.gpkg", sites=sites, intervals=intervals, claims=claims,
               mentions=mentions, current_date="2017-10-16")
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_tables_in_parts_are_the_bytes_of_whole_ones(tmp_path, monkeypatch):
    from conflictmap.maps.parts import Part, Parts, stamp

    monkeypatch.setattr(feeds, "_CSV_ROWS", 7)  # fresh parts that fall across chunks
    sizes = {"a.txt": 10, "b.txt": 5, "c.txt": 12, "e.txt": 0, "f.txt": 9}
    made = {name: _report_rows(name, n, k) for k, (name, n) in enumerate(sizes.items())}

    def whole(names):
        return [pd.concat([made[n][t] for n in names], ignore_index=True) for t in (0, 1)]

    def fresh(names):
        claims, mentions = whole(names)
        return (Parts(claims, [Part(n, sizes[n]) for n in names]),
                Parts(mentions, [Part(n, 2 * sizes[n]) for n in names]))

    before = list(sizes)
    claims, mentions = fresh(before)
    assert _write(tmp_path / "one", claims, mentions) == _write(tmp_path / "whole", *whole(before))
    # The next build: b's rows change, d is new between c and e, f is gone; a, c and e are kept.
    made["b.txt"] = _report_rows("b.txt", 6, 40)
    made["d.txt"] = _report_rows("d.txt", 4, 41)
    sizes.update({"b.txt": 6, "d.txt": 4})
    after = ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]
    kept = {"a.txt", "c.txt", "e.txt"}
    ranges = {t: {n: (a, b) for n, a, b in index} for parts in (claims, mentions)
              for t, index in parts.index.items()}
    new = [n for n in after if n not in kept]
    stamps = {f: stamp(tmp_path / "one" / f) for f in ("claims.csv", "events.csv", "mentions.csv",
                                                        "conflictmap.gpkg")}

    def parts(frame, targets, rows):
        return Parts(frame, [Part(n, 0, {t: ranges[t][n] for t in targets}) if n in kept
                             else Part(n, rows * sizes[n]) for n in after], tmp_path / "one", stamps)

    fresh_claims, fresh_mentions = whole(new)
    again = parts(fresh_claims, ("claims.csv", "events.csv", "conflictmap.gpkg:claims"), 1)
    again_m = parts(fresh_mentions, ("mentions.csv", "conflictmap.gpkg:mentions"), 2)
    assert _write(tmp_path / "two", again, again_m) == _write(tmp_path / "whole2", *whole(after))
    # Where each report went, for the build after.
    assert [n for n, _, _ in again.index["claims.csv"]] == after
    assert [b - a for _, a, b in again.index["conflictmap.gpkg:claims"]] == [sizes[n] for n in after]
