"""Source weighting as data: the bundled table, a project's overrides, and what they change.

Two invented reports of one day disagree on who holds a district: a reporter
says the army holds it, the insurgents say they took it. Which of them the
timeline believes is the table's to say.
"""

import datetime as dt
import itertools

import pytest
from conftest import invented_theatre

from conflictmap.gazetteer import Gazetteer
from conflictmap.geo.actors import Actors
from conflictmap.geo.articles import read_article
from conflictmap.geo.claims import extract_claims
from conflictmap.geo.claims.attribution import Speaker, weigh
from conflictmap.geo.errors import InputError
from conflictmap.geo.mentions import find_mentions
from conflictmap.geo.timeline import Timeline
from conflictmap.geo.weights import KINDS, ROLES, Weights

PLACES = [("vel", "Velmora", "city", None, 30.0, 40.0),
          ("vel-north", "Kastani", "district", "vel", 30.0, 40.02)]
REPORTS = {
    "held.txt": "source: Field Dispatch\n\n"
                "Government forces held the Kastani district of Velmora on Tuesday, "
                "a week after the fighting began.\n",
    "taken.txt": "source: Rebel Voice\n\n"
                 "The insurgents said they had captured the Kastani district of Velmora on Tuesday.\n",
}
PUBLISHED = dt.date(2021, 3, 10)  # a Wednesday: "on Tuesday" is 9 March


@pytest.fixture(scope="module")
def theatre(tmp_path_factory):
    d = tmp_path_factory.mktemp("weights")
    gaz, actors = invented_theatre(d, PLACES)
    arts = []
    for name, text in REPORTS.items():
        (d / name).write_text(text)
        arts.append(read_article(d / name, PUBLISHED))
    return d, Gazetteer.from_files([gaz], world=False), Actors.load(actors), arts


def _table(tmp_path, text, name="sources.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _read(theatre, weights=None):
    _, gaz, actors, arts = theatre
    return [c for a in arts for c in extract_claims(a, find_mentions(gaz, a), actors, weights=weights)
            if c.site == "vel-north" and c.counts]


def _holders(theatre, weights=None):
    _, _, actors, _ = theatre
    t = Timeline(_read(theatre, weights), ["vel-north"], actors, dt.date(2021, 3, 8), dt.date(2021, 3, 11))
    return [str(t.on(d)["vel-north"].controller) for d in t.days]


# -- the bundled table ------------------------------------------------------------
def _legacy(speaker, claim_type, actor, truncated):
    """The weights as code, before they were a table (kept here to hold the table to them)."""
    gain = claim_type in ("capture", "full_control", "hold", "presence", "entry")
    if speaker.side is None:
        w = {"reporter": 0.8, "third party": 0.8}.get(speaker.who, 0.7)
    elif actor == speaker.side:
        w = 0.6 if gain else 0.95
        if speaker.claimed and gain:
            w = 0.5
    elif actor is not None and claim_type in ("loss",):
        w = 0.6
    else:
        w = 0.95 if gain and actor is not None else 0.6
    if truncated:
        w -= 0.1
    return round(w, 2)


def test_the_bundled_table_loads_whole():
    w = Weights.load()
    assert set(w.roles) == set(ROLES) and set(w.kinds) == set(KINDS)
    assert w.roles["reporter"] == 0.8 and w.roles["own_gain_claimed"] == 0.5
    assert w.truncated == 0.1 and dict(w.outlets) == {}


def test_the_bundled_table_gives_the_weights_the_code_gave():
    speakers = [Speaker("reporter", None), Speaker("third party", None), Speaker("source", None),
                Speaker("quoted", None), Speaker("GOV", "GOV"), Speaker("GOV", "GOV", claimed=True),
                Speaker("INS", "INS")]
    types = ["capture", "full_control", "loss", "hold", "presence", "entry", "contested", "siege"]
    for sp, ty, actor, cut in itertools.product(speakers, types, ["GOV", "INS", None], [False, True]):
        # Any outlet: none is listed by default.
        got = weigh(sp, ty, actor, cut, outlet="Rebel Voice")
        assert got == _legacy(sp, ty, actor, cut), (sp, ty, actor, cut)


def test_a_project_table_overrides_key_by_key(tmp_path):
    w = Weights.load(_table(tmp_path, "roles:\n  own_gain: 0.7\n"))
    base = Weights.load()
    assert w.roles["own_gain"] == 0.7
    assert {k: v for k, v in w.roles.items() if k != "own_gain"} == \
        {k: v for k, v in base.roles.items() if k != "own_gain"}
    assert w.kinds == base.kinds and w.truncated == base.truncated
    assert Weights.load(_table(tmp_path, "# nothing changed\n", "empty.yaml")) == base


# -- what the table changes ---------------------------------------------------------
def test_the_two_reports_conflict_on_one_day(theatre):
    claims = _read(theatre)
    assert sorted((c.type, c.actor, c.asserted_by, c.confidence) for c in claims) == \
        [("capture", "INS", "INS", 0.6), ("hold", "GOV", "reporter", 0.8)]
    assert {c.date for c in claims} == {dt.date(2021, 3, 9)}
    # 0.8 against 0.6 is not enough to believe either.
    assert _holders(theatre) == ["GOV", "contested", "contested", "contested"]


def test_an_edited_table_changes_which_claim_wins(theatre, tmp_path):
    # A side's word about its own gain made to weigh more than the reporter's.
    trusting = Weights.load(_table(tmp_path, "roles: {own_gain: 0.95, reporter: 0.5}\n"))
    assert _holders(theatre, trusting) == ["GOV", "INS", "INS", "INS"]
    doubting = Weights.load(_table(tmp_path, "roles: {own_gain: 0.3}\n", "doubt.yaml"))
    assert _holders(theatre, doubting) == ["GOV", "GOV", "GOV", "GOV"]


def test_an_outlet_listed_as_a_sides_media_weighs_its_claims_less(theatre, tmp_path):
    w = Weights.load(_table(tmp_path, "outlets:\n  rebel   VOICE: {kind: side_media, side: INS}\n"))
    got = {c.actor: c.confidence for c in _read(theatre, w)}
    assert got == {"GOV": 0.8, "INS": 0.4}  # the listed outlet only; case and spacing aside
    assert _holders(theatre, w) == ["GOV", "GOV", "GOV", "GOV"]
    # What a side's media concedes keeps its weight: an admission is against its interest.
    ins = Speaker("INS", "INS")
    assert w.weigh(ins, "loss", "INS", False, "Rebel Voice") == 0.95
    assert w.weigh(ins, "capture", "GOV", False, "Rebel Voice") == 0.95
    assert w.weigh(ins, "capture", "INS", False, "Rebel Voice") == 0.4
    assert w.weigh(Speaker("reporter", None), "loss", "GOV", False, "Rebel Voice") == 0.6


def test_an_outlet_kind_adjusts_every_claim_of_its_reports(tmp_path):
    w = Weights.load(_table(tmp_path, "kinds: {wire: 0.15}\noutlets: {Wire Co: wire}\n"))
    rep = Speaker("reporter", None)
    assert w.weigh(rep, "hold", "GOV", False, "Wire Co") == 0.95
    assert w.weigh(rep, "hold", "GOV", False, "Other Co") == 0.8
    assert w.weigh(Speaker("GOV", "GOV"), "loss", "GOV", False, "Wire Co") == 1.0  # kept within 1


# -- bad tables ----------------------------------------------------------------------
@pytest.mark.parametrize("text, key, says", [
    ("roles: {reporter: high}\n", "roles.reporter", "is not a number"),
    ("roles: {reporter: true}\n", "roles.reporter", "is not a number"),
    ("roles: {reporter: .nan}\n", "roles.reporter", "is not a number"),
    ("roles: {reporter: 1.5}\n", "roles.reporter", "out of range"),
    ("roles: {own_gain: -0.1}\n", "roles.own_gain", "out of range"),
    ("truncated: 2\n", "truncated", "out of range"),
    ("kinds: {wire: -3}\n", "kinds.wire", "out of range"),
    ("roles: {reporterr: 0.5}\n", "roles.reporterr", "unknown role"),
    ("kinds: {blog: 0.1}\n", "kinds.blog", "unknown kind"),
    ("outlets: {X News: tabloid}\n", "outlets.X News.kind", "unknown outlet kind"),
    ("outlets: {X News: side_media}\n", "outlets.X News.side", "needs the side"),
    ("outlets: {X News: {kind: wire, side: GOV}}\n", "outlets.X News.side", "only a side's media"),
    ("weights: {reporter: 0.5}\n", "weights", "unknown key"),
    ("roles: [0.5]\n", "roles", "expected a mapping"),
    ("- 0.5\n", "the table", "expected a mapping"),
    ("roles: {reporter: [\n", "", "not valid YAML"),
])
def test_a_bad_table_is_one_line_naming_the_file_and_key(tmp_path, text, key, says):
    path = _table(tmp_path, text)
    with pytest.raises(InputError) as err:
        Weights.load(path)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(f"{path}: {key}"), msg
    assert says in msg, msg


def test_a_missing_table_is_one_line(tmp_path):
    with pytest.raises(InputError, match="cannot read source-weighting table"):
        Weights.load(tmp_path / "absent.yaml")
