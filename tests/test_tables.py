"""Reports as rows of a table (CSV or Parquet): read as the same reports in files are."""

import csv
import datetime as dt

import pyogrio
import pytest
from conftest import AFP

from conflictmap.geo.articles import read_article
from conflictmap.geo.cli import main
from conflictmap.geo.errors import InputError
from conflictmap.geo.texts import read_table


def _rows(seeds):
    out = []
    for f in sorted(seeds.glob("*.txt")):
        art = read_article(f, dt.date(2017, 10, 16) if f.name == AFP else None)
        out.append({"id": f.stem, "date": art.published.isoformat(), "source": "Wire",
                    "title": f"Report {f.stem}", "text": art.text})
    return out


def _write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def _controllers(out):
    got = {}
    for day in sorted((out / "days").glob("*.geojson")):
        frame = pyogrio.read_dataframe(day)
        got[day.stem] = dict(zip(frame["site"], frame["controller"], strict=True))
    return got


@pytest.fixture(scope="module")
def folder_build(seeds, tmp_path_factory):
    out = tmp_path_factory.mktemp("folder") / "out"
    assert main(["build", str(seeds), "--date", f"{AFP}=2017-10-16", "--out", str(out), "-q"]) == 0
    return out


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_a_table_of_reports_maps_as_their_files_do(suffix, seeds, folder_build, tmp_path):
    rows = _rows(seeds)
    table = tmp_path / f"reports.{suffix}"
    if suffix == "csv":
        _write_csv(table, rows)
    else:
        pa = pytest.importorskip("pyarrow")
        import pyarrow.parquet as pq
        pq.write_table(pa.Table.from_pylist(rows), table)
    out = tmp_path / "out"
    assert main(["build", str(table), "--out", str(out), "-q"]) == 0
    got = _controllers(out)
    assert got == _controllers(folder_build)
    assert any(c not in ("unknown",) for day in got.values() for c in day.values())
    claims = list(csv.DictReader((out / "claims.csv").open(encoding="utf-8")))
    assert claims and {c["article"] for c in claims} <= {r["id"] for r in rows}
    assert {c["outlet"] for c in claims} == {"Wire"}  # the table's columns are the reports' metadata
    # Every engine reads a table as it reads files.
    assert main(["build", str(table), "--jobs", "2", "--out", str(tmp_path / "two"), "-q"]) == 0
    assert (tmp_path / "two" / "claims.csv").read_bytes() == (out / "claims.csv").read_bytes()


def test_rows_without_a_name_are_named_by_their_row(tmp_path):
    table = _write_csv(tmp_path / "t.csv", [{"date": "2017-10-16", "text": "Troops entered Raqqa."},
                                            {"date": "", "text": ""}])
    (row,) = read_table(table)
    assert row.name == "t-2" and row.text.path.endswith("t.csv#t-2")
    assert row.meta.date == dt.date(2017, 10, 16)


@pytest.mark.parametrize("rows, words", [
    ([{"body": "x"}], "needs a 'text' column"),
    ([{"date": "16/10/2017", "text": "Troops entered Raqqa."}], "row 2: bad date"),
    ([{"id": "a", "date": "2017-10-16", "text": "One."}, {"id": "a", "date": "2017-10-16", "text": "Two."}],
     "row 3: a second report named 'a'"),
    ([{"id": "a", "date": "2017-10-16", "text": ""}], "holds no report"),
    ([{"date": "2017-10-16", "url": "javascript:alert(1)", "text": "Troops entered Raqqa."}], "row 2"),
])
def test_a_bad_table_is_one_line_naming_it(rows, words, tmp_path, capsys):
    table = _write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError, match=words):
        read_table(table)
    assert main(["build", str(table), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.csv" in err and words in err
    assert not (tmp_path / "out").exists()


def test_a_table_that_is_not_utf8_or_not_parquet_is_refused(tmp_path):
    bad = tmp_path / "r.csv"
    bad.write_bytes("text\nCaf\xe9".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_table(bad)
    pytest.importorskip("pyarrow")
    fake = tmp_path / "r.parquet"
    fake.write_text("text\nnot parquet\n")
    with pytest.raises(InputError, match="not a readable Parquet table"):
        read_table(fake)


def test_a_pattern_names_the_files_it_matches(seeds, folder_build, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(seeds / "00*.txt"), "--date", f"{AFP}=2017-10-16", "--out", str(out),
                 "-q"]) == 0
    assert (out / "claims.csv").read_bytes() == (folder_build / "claims.csv").read_bytes()
    assert main(["build", str(seeds / "nothing-*.txt"), "--out", str(tmp_path / "none")]) == 2
    assert "the pattern matches no file" in capsys.readouterr().err
