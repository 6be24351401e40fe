"""Neighbourhoods the reports name that the gazetteer lacks: listed, counted, never mapped."""

import csv

from conflictmap.geo.cli import main

REPORT_A = """ date 2017-10-12
Fighting spread to the Hoz neighbourhood and the Kifah and Nour districts of Raqqa on Thursday.
The SDF said its fighters had entered the Hoz neighbourhood from the east.
"""
REPORT_B = """ date 2017-10-13
A commander said the districts of Kifah and Nour had been cleared, and that the Old City was next.
"""


def test_unknown_districts_are_listed_with_counts_and_sentences(tmp_path):
    (tmp_path / "a.txt").write_text(REPORT_A, "utf-8")
    (tmp_path / "b.txt").write_text(REPORT_B, "utf-8")
    out = tmp_path / "out"
    assert main(["build", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--out", str(out),
                 "--format", "csv", "-q"]) == 0
    with open(out / "unresolved.csv", newline="", encoding="utf-8") as f:
        rows = {r["name"]: r for r in csv.DictReader(f)}
    assert set(rows) == {"Hoz", "Kifah", "Nour"}, rows
    assert rows["Hoz"]["count"] == "2" and rows["Hoz"]["kind"] == "neighbourhood"
    assert rows["Kifah"]["articles"] == "a.txt|b.txt" and rows["Kifah"]["kind"] == "district"
    assert rows["Hoz"]["sentence"].startswith("Fighting spread to the Hoz neighbourhood")
    # The Old City is in the gazetteer: known places are not candidates.
    assert "Old City" not in rows


def test_a_claim_about_unknown_districts_of_the_city_does_not_land_on_it(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2017-10-12\nThe SDF captured the Kifah and Nour districts "
                                    "of Raqqa on Thursday.\n", "utf-8")
    out = tmp_path / "out"
    assert main(["build", str(tmp_path / "a.txt"), "--out", str(out), "--format", "csv", "-q"]) == 0
    with open(out / "claims.csv", newline="", encoding="utf-8") as f:
        claims = list(csv.DictReader(f))
    # Districts of the city: a part of it (contested on the map), never the whole of it.
    took = [c for c in claims if c["site"] == "raqqa" and c["type"] == "capture"]
    assert took and all(c["part"] == "True" for c in took), took
