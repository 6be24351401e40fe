"""The analyst's review: review.csv, decisions applied to real claims, and the review list."""

import csv
import datetime as dt
import io
from dataclasses import fields, replace
from pathlib import Path

import pytest

from conflictmap.geo.claims import Claim, ClaimType, Status
from conflictmap.geo.errors import InputError
from conflictmap.geo.review import (
    COLUMNS,
    KINDS,
    Decision,
    ReviewItem,
    add_decision,
    aliases,
    apply_decisions,
    claim_id,
    format_review,
    needs_review,
    parse_claim_id,
    read_decisions,
    review_rows,
    write_decisions,
)
from conflictmap.geo.timeline import Timeline
from conflictmap.geo.unresolved import Unresolved

HEADER = ",".join(COLUMNS) + "\n"
D16, D17 = dt.date(2017, 10, 16), dt.date(2017, 10, 17)
HOSPITAL, BARID, STADIUM = "raqqa-national-hospital", "raqqa-al-barid", "raqqa-municipal-stadium"


def timeline_of(reading, claims, actors) -> Timeline:
    """A timeline of the seeds' map built from ``claims`` (as the build makes it)."""
    tl = reading.timeline
    return Timeline(claims, tl.sites, actors, tl.days[0], tl.days[-1], parents=tl.parents)


def one(claims, site, **kw) -> Claim:
    found = [c for c in claims if c.site == site and all(getattr(c, k) == v for k, v in kw.items())]
    assert len(found) == 1, found
    return found[0]


# -- review.csv -----------------------------------------------------------------------------------
SAMPLE = [
    Decision("set", site="raqqa-old-city", date="2017-10-16", controller="SDF",
             note='seen on video, "Old City" gate', by="ana", at="2017-11-02"),
    Decision("alias", site="raqqa-al-naim-square", name="Paradise Square", by="ana", at="2017-11-02"),
    Decision("reject", claim="0a1b2c3d4e5f6a7b:120-131:raqqa", note="wrong side,\nsee the AP wire",
             by="bo", at="2017-11-01"),
    Decision("accept", claim="0a1b2c3d4e5f6a7b:7-15:raqqa-al-barid", note="", by="bo", at="2017-11-01"),
    Decision("set", site="raqqa", date="2017-10-17", controller="contested", by="ana", at="2017-11-03"),
]


def test_round_trip_is_byte_stable_and_sorted(tmp_path):
    path = tmp_path / "review.csv"
    write_decisions(path, SAMPLE)
    first = path.read_bytes()
    assert first.startswith(HEADER.encode()) and b"\r" not in first
    back = read_decisions(path)
    assert set(back) == set(SAMPLE) and len(back) == len(SAMPLE)
    # Sorted by action (accept, reject, set, alias), then site, date, claim, name.
    assert [d.action for d in back] == ["accept", "reject", "set", "set", "alias"]
    assert [d.site for d in back if d.action == "set"] == ["raqqa", "raqqa-old-city"]
    write_decisions(path, back)
    assert path.read_bytes() == first
    write_decisions(path, list(reversed(SAMPLE)))
    assert path.read_bytes() == first
    # Quoted only where needed: the plain rows are plain.
    lines = first.decode().split("\n")
    assert lines[1] == "accept,0a1b2c3d4e5f6a7b:7-15:raqqa-al-barid,,,,,,bo,2017-11-01"
    assert any(line.startswith("alias,,raqqa-al-naim-square,,,Paradise Square,,ana,") for line in lines)
    assert '"seen on video, ""Old City"" gate"' in first.decode()


def test_missing_file_is_no_decisions_and_write_leaves_no_temp(tmp_path):
    assert read_decisions(tmp_path / "review.csv") == []
    write_decisions(tmp_path / "review.csv", SAMPLE[:1])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["review.csv"]
    assert read_decisions(tmp_path / "review.csv") == SAMPLE[:1]


def test_defaults_and_header_in_any_order(tmp_path, monkeypatch):
    assert tuple(f.name for f in fields(Decision)) == COLUMNS  # a row is a Decision's fields
    monkeypatch.setenv("USER", "carla")
    d = Decision("accept", claim="ab:1-2:x")
    assert d.by == "carla" and d.at == dt.date.today().isoformat()
    monkeypatch.delenv("USER")
    assert Decision("accept", claim="ab:1-2:x").by == "analyst"
    path = tmp_path / "review.csv"
    path.write_text("note,action,claim\nfine,accept,ab:1-2:x\n\n")
    assert read_decisions(path) == [Decision("accept", claim="ab:1-2:x", note="fine", by="", at="")]


@pytest.mark.parametrize("body, line, words", [
    ("promote,ab:1-2:x,,,,,,,\n", 2, "unknown action 'promote'"),
    ("accept,,,,,,,,\n", 2, "accept needs a claim"),
    ("accept,ab:1-2:x,,,,,,,\nset,,raqqa,2017-10-16,,,,,\n", 3, "set needs a controller"),
    ("set,,raqqa,,SDF,,,,\n", 2, "set needs a date"),
    ("alias,,raqqa,,,,,,\n", 2, "alias needs a name"),
    ("set,,raqqa,16/10/2017,SDF,,,,\n", 2, "is not a date"),
    ("set,,raqqa,2017-02-30,SDF,,,,\n", 2, "not a day of the calendar"),
    ("accept,ab:1-2:x,,,,,,,2017-13-01\n", 2, "at '2017-13-01'"),
    ("reject,raqqa-120,,,,,,,\n", 2, "not of the form stem:start-end:site"),
    ("reject,ab:9-2:x,,,,,,,\n", 2, "not of the form stem:start-end:site"),
    ("accept,ab:1-2:x,raqqa,,,,,,\n", 2, "accept takes no site"),
    ("accept,ab:1-2:x,,,,,a,,\nreject,ab:1-2:x,,,,,b,,\n", 3, "second decision for claim ab:1-2:x "
                                                             "(the first is on line 2)"),
    ("set,,raqqa,2017-10-16,SDF,,\"two\nlines\",,\nset,,raqqa,2017-10-16,IS,,,,\n", 4,
     "second decision for site raqqa on 2017-10-16 (the first is on line 2)"),
    ("accept,ab:1-2:x,,,,,\n", 2, "7 fields, the header has 9"),
])
def test_bad_rows_are_one_line_with_their_line(tmp_path, body, line, words):
    path = tmp_path / "review.csv"
    path.write_text(HEADER + body)
    with pytest.raises(InputError) as err:
        read_decisions(path)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(f"{path}: line {line}: "), msg
    assert words in msg, msg


@pytest.mark.parametrize("data, line, words", [
    (b"action,claim,colour\n", 1, "unknown column 'colour'"),
    (b"claim,note\nab:1-2:x,n\n", 1, "no 'action' column"),
    (HEADER.encode() + b"accept,ab:1-2:x,,,,,caf\xe9,,\n", 2, "not UTF-8"),
    (HEADER.encode() + b"accept,ab:1-2:x,,,,,\"a\x00b\",,\n", 2, "control character (U+0000)"),
])
def test_bad_files_are_one_line(tmp_path, data, line, words):
    path = tmp_path / "review.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        read_decisions(path)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(f"{path}: line {line}: ") and words in msg, msg


def test_a_folder_is_one_line(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        read_decisions(tmp_path)


def test_add_decision_replaces_the_earlier_one(tmp_path):
    path = tmp_path / "review.csv"
    add_decision(path, Decision("accept", claim="ab:1-2:x", note="first", at="2017-11-01"))
    add_decision(path, Decision("set", site="x", date="2017-10-16", controller="IS", at="2017-11-01"))
    add_decision(path, Decision("alias", site="x", name="Hoz", at="2017-11-01"))
    add_decision(path, Decision("alias", site="x", name="Hawz", at="2017-11-01"))
    out = add_decision(path, Decision("reject", claim="ab:1-2:x", note="second", at="2017-11-02"))
    out = add_decision(path, Decision("set", site="x", date="2017-10-16", controller="SDF", at="2017-11-02"))
    out = add_decision(path, Decision("alias", site="x", name="HOZ", at="2017-11-02"))
    assert out == read_decisions(path)
    assert [(d.action, d.note or d.controller or d.name) for d in out] == [
        ("reject", "second"), ("set", "SDF"), ("alias", "HOZ"), ("alias", "Hawz")]
    assert aliases(out) == {"x": ["HOZ", "Hawz"]}
    assert aliases(SAMPLE) == {"raqqa-al-naim-square": ["Paradise Square"]}


def test_write_refuses_duplicates(tmp_path):
    with pytest.raises(ValueError, match="second decision for claim"):
        write_decisions(tmp_path / "review.csv", [SAMPLE[2], replace(SAMPLE[2], note="again")])
    assert not (tmp_path / "review.csv").exists()


def test_claim_id(seed_build):
    reading, _ = seed_build
    c = reading.claims[0]
    cid = claim_id(c)
    assert cid == f"{Path(c.article).stem}:{c.start}-{c.end}:{c.site}"
    assert parse_claim_id(cid) == (Path(c.article).stem, c.start, c.end, c.site)


# -- applying decisions to the seeds' claims --------------------------------------------------------
def test_accept_makes_a_claim_count(seed_build, actors):
    reading, _ = seed_build
    # "have not entered the hospital": negated, so the hospital stays IS's that day.
    entry = one(reading.claims, HOSPITAL, type=ClaimType.ENTRY, status=Status.NEGATED)
    assert not entry.counts
    before = timeline_of(reading, reading.claims, actors).on(D16)[HOSPITAL]
    assert before.controller == "IS" and entry not in before.evidence
    claims, warnings = apply_decisions(reading.claims, [Decision("accept", claim=claim_id(entry),
                                                                 note="they did")], actors_ids=actors.ids)
    assert warnings == [] and len(claims) == len(reading.claims)
    new = one(claims, HOSPITAL, type=ClaimType.ENTRY)
    assert new.counts and new.confidence == 1.0 and new.asserted_by == "analyst"
    assert new.reason.endswith("; accepted by analyst: they did")
    after = timeline_of(reading, claims, actors).on(D16)[HOSPITAL]
    assert after.controller == "contested" and new in after.evidence


def test_reject_removes_a_claim_from_the_timeline(seed_build, actors):
    reading, _ = seed_build
    capture = one(reading.claims, BARID, type=ClaimType.CAPTURE)
    assert capture.counts
    assert timeline_of(reading, reading.claims, actors).on(D16)[BARID].controller == "SDF"
    claims, warnings = apply_decisions(reading.claims, [Decision("reject", claim=claim_id(capture),
                                                                 note="old news")], actors_ids=actors.ids)
    assert warnings == [] and len(claims) == len(reading.claims)
    rejected = one(claims, BARID, type=ClaimType.CAPTURE)
    assert not rejected.counts and "rejected by analyst: old news" in rejected.reason
    state = timeline_of(reading, claims, actors).on(D16)[BARID]
    assert state.controller != "SDF" and rejected not in state.evidence and capture not in state.evidence


def test_set_changes_that_day_and_the_days_after(seed_build, actors):
    reading, _ = seed_build
    d15 = dt.date(2017, 10, 15)
    tl = timeline_of(reading, reading.claims, actors)
    assert [tl.on(d)[STADIUM].controller for d in (d15, D16, D17)] == ["IS", "IS", "IS"]
    claims, warnings = apply_decisions(
        reading.claims, [Decision("set", site=STADIUM, date="2017-10-15", controller="SDF", note="video")],
        actors_ids=actors.ids, sites=reading.timeline.sites)
    assert warnings == []
    made = one(claims, STADIUM, article="analyst")
    assert (made.type, made.actor, made.date, made.status, made.sentence) == (
        ClaimType.CAPTURE, "SDF", d15, Status.ASSERTED, "video")
    tl = timeline_of(reading, claims, actors)
    # The 15th is the SDF's and the 16th follows it; the 17th has its own reports of IS fighters
    # there (in a site the SDF held, so not the SDF's alone).
    assert [tl.on(d)[STADIUM].controller for d in (d15, D16)] == ["SDF", "SDF"]
    assert tl.on(D17)[STADIUM].controller in ("IS", "contested")
    assert made in tl.on(D16)[STADIUM].evidence


def test_set_contested_and_unknown_drop_the_days_claims(seed_build, actors):
    reading, _ = seed_build
    n_hospital_16 = sum(c.site == HOSPITAL and c.date == D16 for c in reading.claims)
    assert n_hospital_16 >= 2
    claims, warnings = apply_decisions(reading.claims, [
        Decision("set", site=HOSPITAL, date="2017-10-16", controller="contested"),
        Decision("set", site=BARID, date="2017-10-16", controller="unknown"),
    ], actors_ids=actors.ids)
    assert warnings == []
    assert [c.article for c in claims if c.site == HOSPITAL and c.date == D16] == ["analyst"]
    assert not [c for c in claims if c.site == BARID and c.date == D16]
    tl = timeline_of(reading, claims, actors)
    assert tl.on(D16)[HOSPITAL].controller == "contested"
    assert tl.on(D17)[BARID].controller == "unknown"


def test_a_decision_survives_shifted_offsets(seed_build, actors):
    reading, _ = seed_build
    capture = one(reading.claims, BARID, type=ClaimType.CAPTURE)
    decision = Decision("reject", claim=claim_id(capture))
    # A new reader moved every offset of that report by three characters.
    shifted = [replace(c, start=c.start + 3, end=c.end + 3) if c.article == capture.article else c
               for c in reading.claims]
    assert claim_id(capture) not in {claim_id(c) for c in shifted}
    claims, warnings = apply_decisions(shifted, [decision], actors_ids=actors.ids)
    assert warnings == []
    assert one(claims, BARID, type=ClaimType.CAPTURE).status == Status.REJECTED
    assert timeline_of(reading, claims, actors).on(D16)[BARID].controller != "SDF"
    # Moved past its old span, or to another report, it matches nothing, and says so.
    far = [replace(c, start=c.start + 500, end=c.end + 500) for c in reading.claims]
    claims, warnings = apply_decisions(far, [decision], actors_ids=actors.ids)
    assert len(warnings) == 1 and claim_id(capture) in warnings[0] and "\n" not in warnings[0]
    assert all(c.status != Status.REJECTED for c in claims)


def test_decisions_that_match_nothing_are_warned_of(seed_build, actors):
    reading, _ = seed_build
    claims, warnings = apply_decisions(reading.claims, [
        Decision("accept", claim="ffff:1-2:raqqa"),
        Decision("set", site=STADIUM, date="2017-10-15", controller="PKK"),
        Decision("set", site="atlantis", date="2017-10-15", controller="SDF"),
    ], actors_ids=actors.ids, sites=reading.timeline.sites)
    assert claims == reading.claims
    assert len(warnings) == 3 and all("\n" not in w for w in warnings)
    assert "ffff:1-2:raqqa" in warnings[0] and "'PKK'" in warnings[1] and "'atlantis'" in warnings[2]


# -- the review list --------------------------------------------------------------------------------
def test_needs_review_on_the_seeds(seed_build):
    reading, _ = seed_build
    items = needs_review(reading.claims, reading.timeline, reading.unresolved, low=0.7)
    kinds = [it.kind for it in items]
    assert {"conflict", "contested", "low_confidence", "single_source"} <= set(kinds)
    # Most important first: the kinds in their order.
    rank = list(KINDS)
    assert kinds == sorted(kinds, key=rank.index)
    ids = {claim_id(c) for c in reading.claims}
    for it in items:
        assert it.summary and "\n" not in it.summary and it.sentence
        assert set(it.claims) <= ids
    # Reports of the 17th disagree on Raqqa: the SDF took it, IS is still inside.
    conflict = next(it for it in items if it.kind == "conflict")
    assert (conflict.site, conflict.start) == ("raqqa", D17)
    assert "SDF" in conflict.summary and "IS" in conflict.summary
    # Raqqa's contested days are one run, listed once.
    contested = [it for it in items if it.kind == "contested" and it.site == "raqqa"]
    assert len(contested) == 1 and (contested[0].start, contested[0].end) == (dt.date(2017, 10, 14), D17)
    # Al-Barid's fall rests on one report.
    barid = [it for it in items if it.kind == "single_source" and it.site == BARID]
    assert len(barid) == 1 and "001_d70dbf89028dd6cf" in barid[0].summary
    weak = [it for it in items if it.kind == "low_confidence"]
    assert weak and all(parse_claim_id(it.ref) for it in weak)
    assert not [it for it in needs_review(reading.claims, reading.timeline, [], low=0.0)
                if it.kind == "low_confidence"]


def test_needs_review_names_and_outlets(seed_build):
    reading, _ = seed_build
    names = [Unresolved("Hoz", "neighbourhood", 3, ["a.txt", "b.txt"], "Troops entered the Hoz district.")]
    items = needs_review(reading.claims, reading.timeline, names)
    assert items[-1].kind == "unresolved" and items[-1].ref == "Hoz" and "3 times in 2 reports" in \
        items[-1].summary and items[-1].sentence == names[0].sentence
    # Raqqa on the 16th-17th rests on two reports; from one outlet, it rests on one source.
    tl_items = needs_review(reading.claims, reading.timeline, [])
    outlets = {a.name: "Wire" for a in reading.articles}
    by_outlet = needs_review(reading.claims, reading.timeline, [], outlets=outlets)
    ones = [it for it in by_outlet if it.kind == "single_source" and "one outlet (Wire)" in it.summary]
    assert ones and not [it for it in tl_items if "one outlet" in it.summary]


def test_decided_things_leave_the_list(seed_build, actors):
    reading, _ = seed_build
    claims, _ = apply_decisions(reading.claims, [
        Decision("set", site="raqqa", date="2017-10-17", controller="SDF"),
        Decision("set", site=BARID, date="2017-10-16", controller="SDF")], actors_ids=actors.ids)
    tl = timeline_of(reading, claims, actors)
    items = needs_review(claims, tl, [])
    assert not [it for it in items if it.kind == "conflict"]
    assert not [it for it in items if it.site == BARID]
    assert all("analyst" not in it.claims for it in items)


def test_nothing_to_review_for_an_empty_reading(seed_build, actors):
    reading, _ = seed_build
    empty = timeline_of(reading, [], actors)
    assert needs_review([], empty, []) == []
    assert format_review([]) == "Nothing to review.\n"
    assert review_rows([]) == []


def test_format_and_rows(seed_build):
    reading, _ = seed_build
    items = needs_review(reading.claims, reading.timeline, reading.unresolved, low=0.7)
    text = format_review(items)
    assert text.startswith(f"{len(items)} items to review\n")
    for kind in {it.kind for it in items}:
        assert f"{KINDS[kind]} ({sum(it.kind == kind for it in items)})" in text
    for it in items:
        assert it.summary in text
    assert "000_711dca9dc5b6a81a:113-122:raqqa" in text
    rows = review_rows(items)
    assert len(rows) == len(items)
    keys = {"kind", "ref", "site", "start", "end", "summary", "sentence", "claims"}
    assert all(set(r) == keys for r in rows)
    assert all(isinstance(v, str) and "\n" not in v for r in rows for v in r.values())
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    assert len(list(csv.DictReader(io.StringIO(buf.getvalue())))) == len(items)
    conflict = next(r for r in rows if r["kind"] == "conflict")
    assert conflict["start"] == "2017-10-17" and " | " in conflict["sentence"]


def test_review_item_is_plain():
    it = ReviewItem("unresolved", "Hoz", "'Hoz' is unknown", "A sentence.")
    assert review_rows([it]) == [{"kind": "unresolved", "ref": "Hoz", "site": "", "start": "", "end": "",
                                  "summary": "'Hoz' is unknown", "sentence": "A sentence.", "claims": ""}]
