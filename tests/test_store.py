"""The project store (geo/store.py) and near-duplicate detection (geo/dedup.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import typing

import numpy as np
import pytest
from conftest import AFP

from conflictmap.gazetteer import Gazetteer
from conflictmap.geo import dedup
from conflictmap.geo.actors import Actors
from conflictmap.geo.articles import Metadata
from conflictmap.geo.claims import Claim, ClaimType, Status
from conflictmap.geo.engine import ReportReading, read_report
from conflictmap.geo.errors import InputError
from conflictmap.geo.mentions import Mention
from conflictmap.geo.pipeline import read_articles
from conflictmap.geo.store import SCHEMA_VERSION, Store, StoreError, decode_reading, encode_reading
from conflictmap.geo.unresolved import Sighting

BATTLES = ("kobani", "ramadi", "severodonetsk", "tal_afar")

# ---------------------------------------------------------------- invented wire stories

STORY = """\
Government forces said on Thursday they had pushed into the eastern districts of Marwan after three \
weeks of fighting on the edge of the river town, the biggest gain of the offensive so far.
A spokesman for the army's northern command told reporters that troops had taken the grain silos \
near the old bridge before dawn and were clearing streets around the Tahrir roundabout house by house.
Residents reached by telephone described heavy shelling through the night and said families had \
sheltered in basements while drones circled over the Qasr neighbourhood.
The rebels, who seized Marwan two years ago, denied losing the silos and said their fighters still \
held the bridge and most of the western bank, where they have dug trenches along the canal.
Aid groups warned that about forty thousand civilians remained trapped in the town with little food \
or clean water, and called on both sides to open a corridor towards the southern highway.
"We can hear the fighting from the hospital, it has not stopped since Tuesday," a doctor said, asking \
not to be named for fear of reprisals. He said the hospital had received dozens of wounded.
Military analysts said the capture of the eastern districts would let the army cut the rebels' \
supply road from the hills, but warned that the narrow streets of the old town would slow any advance.
The offensive began in early spring after talks on a ceasefire collapsed, and it has been backed \
by air strikes on rebel positions along the river and on depots in the villages to the north.
A rebel commander said in a video posted online that his men had destroyed two armoured vehicles \
near the stadium and vowed to defend every street of Marwan until the last fighter.
The United Nations envoy said he was deeply concerned by reports of civilian deaths and urged the \
warring parties to respect international humanitarian law and allow aid convoys into the town.
Officials in the capital said the army would not stop until the whole of Marwan was back under \
state control, and that a curfew would be imposed in the districts it had retaken.
The fighting has already forced tens of thousands of people to flee to camps outside the provincial \
capital, where aid workers say shelters are overcrowded and winter supplies are running short.
"""


def _reprint(story: str) -> str:
    """Another outlet's copy: its own headline and intro line, the last fifth cut, re-wrapped."""
    body = story.split("\n", 1)[1]
    cut = body[: int(len(body) * 0.8)].rsplit(" ", 1)[0]
    return ("ARMY STORMS EAST OF REBEL-HELD MARWAN\n\n"
            "Troops fought their way into the east of Marwan on Thursday, the army said, in the "
            "offensive's largest advance yet.\n\n" + textwrap.fill(cut, 72))


REPRINT = _reprint(STORY)

# The same battle, the same places, another story.
OTHER = """\
Rebel fighters launched a counter-attack on the Tahrir roundabout in Marwan on Saturday, a war \
monitor said, two days after the army claimed to have entered the eastern districts of the town.
The monitor, which relies on a network of sources on the ground, said clashes had spread to the \
Qasr neighbourhood and the area around the grain silos, and that at least a dozen soldiers had died.
The army did not comment on the report but state television showed footage of tanks moving along \
the canal road and said the bridge over the river was under fire.
Civilians fleeing towards the southern highway told aid workers that the stadium had been hit by \
artillery and that bodies lay in the streets of the old town.
A rebel spokesman said the eastern districts had been "liberated from the invaders" and that his \
fighters had captured weapons and ammunition left behind by retreating troops.
Diplomats said a new round of talks on a ceasefire could open next month if the fighting in Marwan \
eased, but neither side has shown any sign of stepping back from the battle.
"""


# ---------------------------------------------------------------- readings to store


@pytest.fixture(scope="module")
def seed_readings(seeds, gaz, actors) -> list[ReportReading]:
    articles = read_articles([seeds], dates={AFP: dt.date(2017, 10, 16)})
    return [read_report(a, gaz, actors) for a in articles]


@pytest.fixture(scope="module")
def corpus_readings(corpus_root) -> list[ReportReading]:
    out = []
    for battle in BATTLES:
        folder = corpus_root / battle
        g = Gazetteer.from_files([folder / "gazetteer.geojson"])
        a = Actors.load(folder / "actors.yaml")
        out += [read_report(art, g, a) for art in read_articles([folder / "articles"])]
    return out


def _claim(**changes) -> Claim:
    base = Claim(article="0123456789abcdef.txt", published=dt.date(2017, 10, 16), sentence="Troops took it.",
                 start=0, end=11, site="stadium", site_text="the stadium", type=ClaimType.CAPTURE,
                 actor="SDF", loser="IS", date=dt.date(2017, 10, 15), date_precision="day",
                 date_text="on Sunday", status=Status.ASSERTED, tense="past", asserted_by="reporter",
                 confidence=0.85, reason="capture phrase 'took'")
    return dataclasses.replace(base, **changes)


def _reading(name: str = "r.txt", claims: int = 3) -> ReportReading:
    mention = Mention(0, 11, "the stadium", "stadium", "name", ("stadium", "old-stadium"), True,
                      ("raqqa",))
    return ReportReading(name, "raqqa", [mention] * 2,
                         [_claim(start=i, end=i + 5) for i in range(claims)],
                         [Sighting("hoz", "Hoz", "neighbourhood", "In the Hoz neighbourhood.")])


def _assert_same(a: ReportReading, b: ReportReading) -> None:
    assert a == b
    for x, y in zip(a.claims, b.claims, strict=True):
        assert type(x.type) is ClaimType and type(x.status) is Status
        assert type(x.date) is dt.date and type(x.published) is dt.date
        assert x.type is y.type and x.status is y.status
    for m in a.mentions:
        assert type(m.candidates) is tuple and type(m.within) is tuple


# ---------------------------------------------------------------- the codec


def test_seed_readings_round_trip(seed_readings):
    assert len(seed_readings) == 3
    assert sum(len(r.claims) for r in seed_readings) > 10
    for r in seed_readings:
        _assert_same(decode_reading(encode_reading(r)), r)


def test_corpus_readings_round_trip(corpus_readings):
    assert len(corpus_readings) >= 40
    assert sum(len(r.claims) for r in corpus_readings) > 100
    for r in corpus_readings:
        back = decode_reading(encode_reading(r))
        _assert_same(back, r)
        assert back.focus == r.focus and (back.focus is None) == (r.focus is None)


def _every_field_changed(cls, sample):
    """A copy of ``sample`` whose every field differs from the default (None where it may be)."""
    hints = typing.get_type_hints(cls)
    changed = {}
    for f in dataclasses.fields(cls):
        v = getattr(sample, f.name)
        h = hints[f.name]
        if h is bool:
            changed[f.name] = not v
        elif h is int:
            changed[f.name] = v + 7
        elif h is float:
            changed[f.name] = v + 0.125
        elif h == int | None:
            changed[f.name] = 1234
        elif h == str | None:
            changed[f.name] = "elsewhere"
        elif h is str:
            changed[f.name] = v + " (changed)"
        elif h is dt.date:
            changed[f.name] = v + dt.timedelta(days=3)
        elif h is ClaimType:
            changed[f.name] = ClaimType.SIEGE
        elif h is Status:
            changed[f.name] = Status.HEDGED
        elif h == tuple[str, ...]:
            changed[f.name] = (*v, "another")
        else:
            pytest.fail(f"{cls.__name__}.{f.name}: a field of type {h} this test does not know; "
                        "add it here and check the store keeps it")
    return dataclasses.replace(sample, **changed)


def test_every_field_of_claim_mention_and_sighting_round_trips():
    base = _reading()
    claim = _every_field_changed(Claim, base.claims[0])
    mention = _every_field_changed(Mention, base.mentions[0])
    sighting = _every_field_changed(Sighting, base.unresolved[0])
    for obj, cls in ((claim, Claim), (mention, Mention), (sighting, Sighting)):
        for f in dataclasses.fields(cls):  # nothing left at its default
            if f.default is not dataclasses.MISSING:
                assert getattr(obj, f.name) != f.default, f.name
    # Optional fields as None too (a claim with no actor, no clock, no taker ...).
    nones = dataclasses.replace(claim, actor=None, loser=None, taker=None, clock=None, guess=None)
    r = ReportReading("x.txt", None, [mention], [claim, nones], [sighting])
    back = decode_reading(encode_reading(r))
    _assert_same(back, r)
    assert back.claims[1].clock is None and back.claims[0].clock == claim.clock
    assert back.focus is None


def test_the_encoding_names_every_field_and_reads_an_older_layout():
    import json
    import zlib

    r = _reading()
    doc = json.loads(zlib.decompress(encode_reading(r)))
    for cls in (Claim, Mention, Sighting, ReportReading):
        assert doc["s"][cls.__qualname__] == [f.name for f in dataclasses.fields(cls)]
    # A reading stored before Claim had 'withdrawal' (a field with a default): it decodes,
    # the field at its default.
    i = doc["s"]["Claim"].index("withdrawal")
    del doc["s"]["Claim"][i]
    for c in doc["d"][3]:
        del c[i]
    old = zlib.compress(json.dumps(doc).encode())
    assert decode_reading(old) == r  # the sample's withdrawal is the default, False
    # A field this version does not know (a newer reader wrote it) is refused, not dropped.
    doc["s"]["Claim"].append("future_field")
    for c in doc["d"][3]:
        c.append(1)
    with pytest.raises(ValueError, match="future_field"):
        decode_reading(zlib.compress(json.dumps(doc).encode()))


@pytest.mark.parametrize("data", [b"", b"garbage", __import__("zlib").compress(b"[1, 2]"),
                                  __import__("zlib").compress(b'{"v": 1, "s": {}, "d": [1]}'),
                                  __import__("pickle").dumps(ReportReading("a", None, [], []))])
def test_bad_bytes_are_a_value_error(data):
    with pytest.raises(ValueError):
        decode_reading(data)


def test_a_field_type_the_codec_does_not_know_fails_at_once():
    from conflictmap.geo.store import _Codec

    @dataclasses.dataclass
    class Odd:
        where: dict[str, int]

    with pytest.raises(TypeError, match="cannot keep"):
        _Codec(Odd)


# ---------------------------------------------------------------- dedup


def test_a_reprint_is_found_and_another_story_of_the_same_battle_is_not():
    story, reprint, other = (dedup.signature(t) for t in (STORY, REPRINT, OTHER))
    # The numbers measured (the permutations are fixed, so they are the same everywhere).
    assert dedup.similarity(story, reprint) == pytest.approx(0.71, abs=0.01)
    assert dedup.containment(reprint, story) > 0.9
    assert dedup.similarity(story, other) < 0.05 and dedup.containment(other, story) < 0.05
    known = [("other", other), ("story", story)]
    assert dedup.find_original(reprint, known) == "story"
    assert dedup.find_original(other, [("story", story)]) is None
    assert dedup.find_original(story, [("other", other)]) is None
    # The first that is similar enough: the earliest.
    assert dedup.find_original(reprint, [("a", story), ("b", story)]) == "a"
    # A long report that quotes a short one whole is not its reprint (containment is one-sided).
    first_half = dedup.signature(" ".join(STORY.split()[:150]))
    assert dedup.find_original(first_half, [("story", story)]) == "story"
    assert dedup.find_original(story, [("half", first_half)]) is None
    assert dedup.find_original(dedup.signature(""), [("story", story)]) is None


def test_signatures_are_fixed_and_the_permutations_exact():
    s = dedup.signature(STORY)
    assert s.dtype == np.uint64 and s.shape == (128,)
    # Pinned: a change of seed, shingling or hashing would make stored signatures useless.
    assert [int(v) for v in s[:3]] == PINNED
    assert (dedup.signature(STORY.upper().replace("\n", "  ")) == s).all()
    assert (dedup.from_bytes(dedup.to_bytes(s)) == s).all()
    assert len(dedup.to_bytes(s)) == 1024
    with pytest.raises(ValueError):
        dedup.from_bytes(b"short")
    # The vectorised (a*x+b) mod (2^61-1) against Python's big integers.
    p = (1 << 61) - 1
    xs = [0, 1, 2, p - 1, p - 2, 2**32 - 1, 2**32, 2**60 + 12345, *random.Random(4).sample(range(p), 40)]
    got = dedup._permute(np.array(xs, dtype=np.uint64))
    for i, x in enumerate(xs):
        want = [(int(a) * x + int(b)) % p for a, b in zip(dedup._A, dedup._B, strict=True)]
        assert [int(v) for v in got[i]] == want


PINNED = [4922530815423315, 4739396980060995, 7916285934230934]


def test_ten_thousand_known_signatures_take_milliseconds():
    rng = np.random.default_rng(1)
    known = [(f"{i:016x}", rng.integers(0, 2**61, 128, dtype=np.uint64)) for i in range(10_000)]
    sig = dedup.signature(STORY)
    start = time.perf_counter()
    assert dedup.find_original(sig, known) is None
    assert time.perf_counter() - start < 0.5  # ~25 ms measured; a loaded CI machine is slower
    index = dedup.SignatureIndex(known)
    index.add("story", sig)
    assert index.find(dedup.signature(REPRINT)) == "story" and len(index) == 10_001


# ---------------------------------------------------------------- the store


def _meta(day: int | None, outlet: str = "AFP") -> Metadata:
    return Metadata(dt.date(2017, 10, day) if day else None, outlet, f"title {day}", "http://x", "A. Writer")


def test_exact_duplicate_is_refused_and_a_reprint_points_at_its_original(tmp_path):
    path = tmp_path / "store.sqlite"
    with Store(path) as store:
        sig = dedup.signature(STORY)
        assert store.add_report("aaaa", "aaaa.txt", _meta(16), dedup.to_bytes(sig), None, "2024-01-01")
        assert not store.add_report("aaaa", "aaaa.txt", _meta(17, "Reuters"), b"", None, "2024-01-02")
        known = [(h, dedup.from_bytes(b)) for h, b in store.signatures()]
        new = dedup.signature(REPRINT)
        original = dedup.find_original(new, known)
        assert original == "aaaa"
        assert store.add_report("bbbb", "bbbb.txt", _meta(17), dedup.to_bytes(new), original, "2024-01-02")
        other = dedup.signature(OTHER)
        assert dedup.find_original(other, [(h, dedup.from_bytes(b)) for h, b in store.signatures()]) is None
        (first, second) = store.reports()
        assert (first.hash, first.outlet, first.added, first.original) == ("aaaa", "AFP", "2024-01-01", None)
        assert second.original == "aaaa" and second.published == dt.date(2017, 10, 17)


def test_reopening_keeps_everything(tmp_path, seed_readings):
    path = tmp_path / "store.sqlite"
    items = [(f"{i:016x}", r) for i, r in enumerate(seed_readings)]
    with Store(path) as store:
        store.add_report("c", "c.txt", _meta(None), b"\x01\x02", None, "t2")
        store.add_report("b", "b.txt", _meta(20), b"", None, "t1")
        store.add_report("a", "a.txt", _meta(20), b"", None, "t1")
        store.add_report("d", "d.txt", _meta(3), b"", "b", "t1")
        assert store.save_readings("v1", items) == 3
        store.save_readings("v0", items[:1])
        store.set("reader", "v1")
        store.set("reader", "v2")
    with Store(path) as store:
        assert [r.hash for r in store.reports()] == ["d", "a", "b", "c"]  # by date (none last), name
        assert store.reports()[-1].published is None and store.reports()[-1].signature == b"\x01\x02"
        assert [h for h, _ in store.signatures()] == ["d", "a", "b", "c"]
        assert store.get("reader") == "v2" and store.get("nothing") is None
        got = store.readings("v1", [h for h, _ in items] + ["missing"])
        assert got == dict(items)
        assert set(store.readings("v0", [h for h, _ in items])) == {items[0][0]}
        assert store.readings("v9", [h for h, _ in items]) == {}
        assert store.forget_readings("v1") == 1
        assert store.readings("v0", [h for h, _ in items]) == {}
        assert store.integrity() == "ok"


def test_the_memo_keeps_what_is_saved_and_drops_what_is_not_kept(tmp_path):
    path = tmp_path / "store.sqlite"
    with Store(path) as store:
        store.save_memo("timeline", {"own:a": ("k1", b"A"), "own:b": ("k2", b"B")}, keep=())
        store.save_memo("other", {"own:a": ("x", b"X")}, keep=())
    with Store(path) as store:
        assert store.memo("timeline") == {"own:a": ("k1", b"A"), "own:b": ("k2", b"B")}
        # b changed, a unchanged (kept), nothing else: a stays, b is replaced; the other kind stays.
        store.save_memo("timeline", {"own:b": ("k3", b"B2")}, keep=["own:a"])
        assert store.memo("timeline") == {"own:a": ("k1", b"A"), "own:b": ("k3", b"B2")}
        store.save_memo("timeline", {}, keep=["own:b"])
        assert store.memo("timeline") == {"own:b": ("k3", b"B2")}
        assert store.memo("other") == {"own:a": ("x", b"X")}


def test_a_store_of_schema_1_gains_the_memo_and_keeps_its_reports(tmp_path, seed_readings):
    path = tmp_path / "old.sqlite"
    with Store(path) as store:
        store.add_report("a", "a.txt", _meta(20), b"", None, "t1")
        store.save_readings("v1", [("a", seed_readings[0])])
    with sqlite3.connect(path) as db:  # as version 1 left it: no memo table
        db.execute("DROP TABLE memo")
        db.execute("UPDATE schema_version SET version = 1")
    with Store(path) as store:
        assert [r.hash for r in store.reports()] == ["a"]
        assert store.readings("v1", ["a"]) == {"a": seed_readings[0]}
        assert store.memo("timeline") == {}
        store.save_memo("timeline", {"own:a": ("k", b"d")}, keep=())
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION


def test_many_hashes_are_asked_for_in_chunks(tmp_path):
    items = [(f"{i:016x}", _reading(f"{i}.txt", claims=1)) for i in range(2500)]
    with Store(tmp_path / "s.sqlite") as store:
        store.save_readings("k", items)
        got = store.readings("k", (h for h, _ in items))
        assert len(got) == 2500 and got[items[2499][0]].name == "2499.txt"


def test_wal_mode_is_on(tmp_path):
    path = tmp_path / "store.sqlite"
    Store(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"reports", "readings", "meta", "schema_version"} <= tables


def _one_line_naming(err: StoreError, path) -> str:
    text = str(err)
    assert isinstance(err, InputError)
    assert "\n" not in text and text.startswith(str(path) + ": ")
    return text


@pytest.mark.parametrize("content", [b"not a database at all\n" * 50, b"\x00" * 4096, b"PK\x03\x04zip"])
def test_a_file_that_is_not_sqlite_is_one_line(tmp_path, content):
    path = tmp_path / "store.sqlite"
    path.write_bytes(content)
    with pytest.raises(StoreError) as e:
        Store(path)
    assert "not a SQLite file" in _one_line_naming(e.value, path)
    assert path.read_bytes() == content  # left as it was


def test_other_bad_stores_are_one_line(tmp_path):
    newer = tmp_path / "newer.sqlite"
    Store(newer).close()
    with sqlite3.connect(newer) as db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError) as e:
        Store(newer)
    assert "newer" in _one_line_naming(e.value, newer)

    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE photos (id INTEGER)")
    with pytest.raises(StoreError) as e:
        Store(foreign)
    assert "not a conflictmap store" in _one_line_naming(e.value, foreign)

    folder = tmp_path / "folder.sqlite"
    folder.mkdir()
    with pytest.raises(StoreError) as e:
        Store(folder)
    _one_line_naming(e.value, folder)
    with pytest.raises(StoreError) as e:
        Store(tmp_path / "nowhere" / "store.sqlite")
    _one_line_naming(e.value, tmp_path / "nowhere" / "store.sqlite")


def test_a_corrupt_store_is_one_line(tmp_path):
    path = tmp_path / "store.sqlite"
    with Store(path) as store:
        store.save_readings("k", [(f"{i:016x}", _reading(f"{i}.txt", 20)) for i in range(300)])
    size = path.stat().st_size
    assert size > 40_000
    with open(path, "r+b") as f:  # the header stays; pages past the first are overwritten
        f.seek(4096 * 2)
        f.write(random.Random(3).randbytes(4096 * 4))
    with pytest.raises(StoreError) as e:
        Store(path)
    assert "corrupt" in _one_line_naming(e.value, path)


def test_a_locked_store_is_one_line_after_the_timeout(tmp_path):
    path = tmp_path / "store.sqlite"
    Store(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        start = time.perf_counter()
        with pytest.raises(StoreError) as e:
            Store(path, timeout=0.3)
        assert time.perf_counter() - start >= 0.3
        assert "locked" in _one_line_naming(e.value, path)
        # A store opened before the lock reads on (WAL), and its write waits and fails clearly.
    finally:
        other.execute("ROLLBACK")
    with Store(path, timeout=0.3) as store:
        other.execute("BEGIN IMMEDIATE")
        try:
            assert store.reports() == []
            with pytest.raises(StoreError, match="locked"):
                store.set("k", "v")
        finally:
            other.execute("ROLLBACK")
            other.close()
        store.set("k", "v")
        assert store.get("k") == "v"


def test_a_stored_reading_that_cannot_be_decoded_is_one_line(tmp_path):
    path = tmp_path / "store.sqlite"
    with Store(path) as store:
        store.save_readings("k", [("abc", _reading())])
    with sqlite3.connect(path) as db:
        db.execute("UPDATE readings SET data = ?", (b"\x80\x04junk",))
    with Store(path) as store, pytest.raises(StoreError) as e:
        store.readings("k", ["abc"])
    assert "abc" in _one_line_naming(e.value, path)


# ---------------------------------------------------------------- a write killed half-way

_WRITER = """
import sys
sys.path[:0] = [{tests!r}]
from test_store import _reading
from conflictmap.geo import store as st
store = st.Store(sys.argv[1])
reading = _reading("r.txt", claims=4)
items = [(f"{{i:016x}}", reading) for i in range({n})]
# Encoded once, here: else most of the loop is encoding, outside the transaction, and few
# kills would land inside one.
encoded = st.encode_reading(reading)
st.encode_reading = lambda r: encoded
print("ready", flush=True)
t = int(sys.argv[2])
while True:
    store.save_readings(f"tx{{t}}", items)  # one transaction of {n} readings
    store.forget_readings(f"tx{{t}}")  # so the file stays the size of one or two of them
    t += 1
"""


def test_a_killed_write_leaves_all_or_none_of_its_transaction(tmp_path):
    n = 20_000
    path = tmp_path / "store.sqlite"
    Store(path).close()
    script = tmp_path / "writer.py"
    script.write_text(_WRITER.format(tests=os.path.dirname(__file__), n=n))
    rng = random.Random(14)
    start = 0
    for _ in range(4):
        child = subprocess.Popen([sys.executable, str(script), str(path), str(start)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.2, 1.5))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        start += 1000  # the next child's transactions have keys of their own
    with Store(path) as store:
        assert store.integrity() == "ok"
        with sqlite3.connect(path) as db:
            counts = dict(db.execute("SELECT reader, count(*) FROM readings GROUP BY reader").fetchall())
        assert counts, "no transaction was committed before the kills: the test proved nothing"
        assert set(counts.values()) == {n}, counts  # each transaction wholly there, or not at all
        some = next(iter(counts))
        assert len(store.readings(some, [f"{i:016x}" for i in range(n)])) == n
