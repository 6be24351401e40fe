"""The fast read path of a build: the store's decoder, claim ids, decisions, cleaning, tables."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import PurePath

import pytest
from test_store import _claim  # the sample claim the store's tests use

from conflictmap.geo import store as store_module
from conflictmap.geo.articles import _CONTROLS, _LINE_LIKE, clean_text
from conflictmap.geo.claims import ClaimType, Status, report_stem
from conflictmap.geo.engine import ReportReading
from conflictmap.geo.frames import CLAIM_FRAME_COLUMNS, _table
from conflictmap.geo.mentions import Mention
from conflictmap.geo.review import REJECTED, Decision, apply_decisions
from conflictmap.geo.store import Store, collector_paused, decode_reading, encode_reading
from conflictmap.geo.unresolved import Sighting


def _mention(start: int, place: str, within: tuple[str, ...]) -> Mention:
    return Mention(start, start + 5, place.title(), place, "name", (place, "elsewhere"), True, within)


def _reading(name: str, places: list[str]) -> ReportReading:
    return ReportReading(name, "raqqa", [_mention(i * 10, p, ("raqqa", "raqqa-governorate"))
                                         for i, p in enumerate(places)],
                         [_claim(article=name, start=i, end=i + 4) for i in range(3)],
                         [Sighting("hoz", "Hoz", "neighbourhood", "In the Hoz neighbourhood.")])


# ---------------------------------------------------------------- the collector


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_it_was_found(enabled):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(KeyError), collector_paused():
            raise KeyError("a failure half-way")
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


# ---------------------------------------------------------------- decoding


def test_readings_decode_equal_with_equal_tuples_shared(tmp_path):
    readings = {f"{i:016x}": _reading(f"{i:016x}.txt", ["stadium", "hospital", "stadium"]) for i in range(4)}
    with Store(tmp_path / "store.sqlite") as store:
        store.save_readings("key", readings.items())
        assert gc.isenabled()
        back = store.readings("key", readings)
        assert gc.isenabled()  # paused while decoding only
    assert back == readings
    mentions = [m for r in back.values() for m in r.mentions]
    assert len(mentions) == 12
    # Every mention's chain of places is one tuple object, and so is every equal candidates tuple.
    assert len({id(m.within) for m in mentions}) == 1
    assert len({id(m.candidates) for m in mentions}) == 2  # ("stadium", ...) and ("hospital", ...)
    assert all(type(m.candidates) is tuple and type(m.within) is tuple for m in mentions)
    claims = [c for r in back.values() for c in r.claims]
    assert all(type(c.type) is ClaimType and type(c.status) is Status for c in claims)
    assert all(type(c.date) is dt.date for c in claims)


def test_the_table_of_shared_tuples_is_bounded_and_decoding_stays_right(monkeypatch):
    # A small bound, passed many distinct tuples: the table is emptied, the values never change.
    monkeypatch.setattr(store_module, "_SHARED_MAX", 3)
    decode = store_module._shared()
    made = [decode([f"p{i}", "raqqa"]) for i in range(10)]
    assert made == [(f"p{i}", "raqqa") for i in range(10)]
    again = decode(["p9", "raqqa"])
    assert again == ("p9", "raqqa") and again is made[9]  # still held: the last in


def test_an_older_layout_still_decodes_by_the_general_path():
    import json
    import zlib

    r = _reading("0123456789abcdef.txt", ["stadium"])
    doc = json.loads(zlib.decompress(encode_reading(r)))
    # Stored before Mention had 'within': the present layout's fast path must not take it.
    i = doc["s"]["Mention"].index("within")
    del doc["s"]["Mention"][i]
    for m in doc["d"][2]:
        del m[i]
    back = decode_reading(zlib.compress(json.dumps(doc).encode()))
    assert [m.within for m in back.mentions] == [()]
    assert back.claims == r.claims and back.unresolved == r.unresolved
    # A mention of the wrong width is refused, in the fast path too.
    doc = json.loads(zlib.decompress(encode_reading(r)))
    doc["d"][2][0].append("extra")
    with pytest.raises(ValueError, match="Mention is not"):
        decode_reading(zlib.compress(json.dumps(doc).encode()))


# ---------------------------------------------------------------- claim ids


@pytest.mark.parametrize("name", ["0123456789abcdef.txt", "in/a/folder/r.txt", "a.b.txt", ".hidden",
                                  "no-suffix", "trailing.", "x.tar.gz", "dir/", "r.TXT"])
def test_report_stem_is_the_paths_stem(name):
    assert report_stem(name) == PurePath(name).stem
    assert _claim(article=name, start=3, end=9, site="old-town").id == (
        f"{PurePath(name).stem}:3-9:old-town")


# ---------------------------------------------------------------- decisions


def test_no_decisions_give_the_claims_back_as_a_new_list():
    claims = [_claim(start=i, end=i + 4) for i in range(5)]
    out, warnings = apply_decisions(claims, [], actors_ids={"SDF", "IS"})
    assert out == claims and out is not claims and warnings == []
    out.pop()
    assert len(claims) == 5


def test_a_set_alone_needs_no_index_and_a_reject_finds_a_report_in_a_folder():
    day = dt.date(2017, 10, 15)
    claims = [_claim(article="in/folder/0123456789abcdef.txt", start=40, end=46),
              _claim(article="in/folder/0123456789abcdef.txt", site="hospital", start=60, end=66)]
    out, warnings = apply_decisions(claims, [Decision("set", site="stadium", date="2017-10-15",
                                                      controller="IS")],
                                    actors_ids={"SDF", "IS"}, sites={"stadium", "hospital"})
    assert warnings == []
    assert [(c.article, c.site, c.actor) for c in out] == [
        ("in/folder/0123456789abcdef.txt", "hospital", "SDF"), ("analyst", "stadium", "IS")]
    assert out[1].date == day
    # Offsets moved by two: matched by the report's stem (its folder dropped) and the site.
    out, warnings = apply_decisions(claims, [Decision("reject", claim="0123456789abcdef:42-48:stadium")],
                                    actors_ids={"SDF", "IS"})
    assert warnings == []
    assert [c.status for c in out] == [REJECTED, Status.ASSERTED]


# ---------------------------------------------------------------- cleaning a report's text


def test_clean_text_changes_exactly_what_the_two_patterns_say():
    odd = [chr(c) for c in range(0x3000) if _CONTROLS.match(chr(c)) or _LINE_LIKE.match(chr(c))]
    assert "\x85" in odd and "\u2028" in odd and "\x07" in odd and "\t" not in odd
    for ch in odd:
        if ch == "\x00":
            continue  # refused, not cleaned
        text = "Troops entered" + ch + " the town.\n" * 30
        assert clean_text("a.txt", text) == _LINE_LIKE.sub("\n", _CONTROLS.sub(" ", text)), repr(ch)
    plain = "Troops entered the town.\r\nThey held it.\tAl-Naïmi, ‘the square’ — 2017.\rEnd"
    assert clean_text("a.txt", plain) == plain.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- tables


def test_a_table_must_be_made_of_its_named_columns():
    columns = {n: [1] for n in CLAIM_FRAME_COLUMNS}
    assert list(_table(CLAIM_FRAME_COLUMNS, columns).columns) == list(CLAIM_FRAME_COLUMNS)
    missing = dict(columns)
    del missing["id"]
    with pytest.raises(ValueError, match="columns made"):
        _table(CLAIM_FRAME_COLUMNS, missing)
    swapped = {"published": [1], "article": [1], **{n: [1] for n in CLAIM_FRAME_COLUMNS[2:]}}
    with pytest.raises(ValueError, match="columns made"):
        _table(CLAIM_FRAME_COLUMNS, swapped)
    empty = _table(CLAIM_FRAME_COLUMNS, {n: [] for n in CLAIM_FRAME_COLUMNS})
    assert len(empty) == 0 and all(str(t) != "float64" for t in empty.dtypes)
