"""Evaluation against gold: hand-computed scores, bad gold, and the seeds' control table."""

import datetime as dt
import json

import pytest
import yaml
from conftest import AFP, DATA

from conflictmap.geo.articles import Article
from conflictmap.geo.claims import Claim
from conflictmap.geo.cli import main
from conflictmap.geo.evaluate import format_report, load_gold, score
from conflictmap.geo.mentions import Mention
from conflictmap.geo.pipeline import Reading, bundled_theatre
from conflictmap.geo.timeline import Timeline

DAY = dt.date(2017, 10, 16)
TEXT = ("SDF fighters captured Al-Barid. IS holds the National Hospital. "
        "Clashes around the stadium. IS still holds Raqqa. Fighters haven't entered the hospital. "
        "IS captured Raqqa in 2014. They aim to take the Old City. Musafa Bali spoke. "
        "IS lost Al-Naim Square.")


def _claim(sentence, site, ctype, actor, *, status="asserted", precision="day", day=DAY,
           loser=None, text=TEXT):
    start = text.index(sentence)
    return Claim(
        article="a.txt", published=DAY, sentence=sentence, start=start,
        end=start + len(sentence), site=site, site_text=site, type=ctype, actor=actor,
        loser=loser, date=day, date_precision=precision, date_text="", status=status,
        tense="present", asserted_by="reporter", confidence=0.9, reason="hand-made",
    )


def _mention(text, place, gaz, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(text, start + 1)
    return Mention(start, start + len(text), text, place, "name", (place,), gaz.is_site(place))


@pytest.fixture()
def reading(gaz, actors):
    claims = [
        _claim("SDF fighters captured Al-Barid.", "raqqa-al-barid", "capture", "SDF"),
        _claim("IS holds the National Hospital.", "raqqa-national-hospital", "hold", "IS"),
        # the same unit read twice is one prediction
        _claim("IS holds the National Hospital.", "raqqa-national-hospital", "presence", "IS"),
        _claim("Clashes around the stadium.", "raqqa-municipal-stadium", "contested", None),
        _claim("IS still holds Raqqa.", "raqqa", "hold", "IS"),
        _claim("Fighters haven't entered the hospital.", "raqqa-national-hospital", "capture",
               "SDF", status="negated"),
        _claim("IS captured Raqqa in 2014.", "raqqa", "capture", "IS", precision="year",
               day=dt.date(2014, 1, 1)),
        _claim("They aim to take the Old City.", "raqqa-old-city", "capture", None),
        _claim("IS lost Al-Naim Square.", "raqqa-al-naim-square", "loss", "IS"),
    ]
    mentions = [
        _mention("Al-Barid", "raqqa-al-barid", gaz),
        _mention("the National Hospital", "raqqa-national-hospital", gaz),
        _mention("stadium", "raqqa-al-naim-square", gaz),  # wrong place
        _mention("Raqqa", "raqqa", gaz),
        _mention("Raqqa", "raqqa", gaz, occurrence=1),
        _mention("Bali", "geonames:1277539", gaz),  # a person, not a place
    ]
    art = Article("a.txt", "a.txt", TEXT, DAY, "header")
    timeline = Timeline(claims, gaz.sites(), actors, DAY, DAY)
    return Reading([art], {"a.txt": mentions}, claims, timeline, "raqqa")


def _gold(tmp_path, doc, name="gold.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return path


GOLD = {
    "claims": [
        {"article": "a.txt", "site": "Al-Barid", "actor": "SDF", "type": "capture", "date": "2017-10-16"},
        # a capture and a loss of one site on one day are one unit
        {"article": "a.txt", "site": "Al-Barid", "actor": "IS", "type": "loss", "date": "2017-10-16"},
        {"article": "a.txt", "site": "National Hospital", "actor": "IS", "type": "hold",
         "date": "2017-10-16"},
        # contested: one unit whichever sides are listed
        {"article": "a.txt", "site": "the stadium", "actor": "SDF", "type": "contested",
         "date": "2017-10-16"},
        {"article": "a.txt", "site": "raqqa-municipal-stadium", "actor": "IS", "type": "contested",
         "date": "2017-10-16"},
        # a predicted loss by IS matches a capture by its enemy SDF
        {"article": "a.txt", "site": "Al-Naim Square", "actor": "SDF", "type": "capture",
         "date": "2017-10-16"},
        # wrong day in the prediction: a false negative and a false positive
        {"article": "a.txt", "site": "Raqqa", "actor": "IS", "type": "hold", "date": "2017-10-15"},
    ],
    "not_claims": [
        {"article": "a.txt", "sentence_fragment": "aim to take the Old City", "why": "intent"},
        {"article": "a.txt", "sentence_fragment": "haven't entered the hospital", "why": "negation"},
        {"article": "a.txt", "sentence_fragment": "captured Al-Barid", "why": "backed by gold"},
    ],
    "toponyms": [
        {"article": "a.txt", "text": "Al-Barid", "place": "raqqa-al-barid"},
        {"article": "a.txt", "text": "National Hospital", "place": "raqqa-national-hospital"},
        {"article": "a.txt", "text": "the stadium", "place": "raqqa-municipal-stadium"},
        {"article": "a.txt", "text": "Raqqa", "place": "Raqqa"},
    ],
    "control": [
        {"site": "raqqa-al-barid", "date": "2017-10-16", "controller": "SDF"},
        {"site": "raqqa-national-hospital", "date": "2017-10-16", "controller": "IS"},
        {"site": "raqqa-municipal-stadium", "date": "2017-10-16", "controller": "contested"},
        {"site": "raqqa", "date": "2017-10-16", "controller": "SDF"},
    ],
}


def test_scores_computed_by_hand(tmp_path, reading, gaz, actors):
    report = score(reading, load_gold(_gold(tmp_path, GOLD)), gaz, actors)
    # claims: tp Al-Barid, hospital, stadium, square; fp Raqqa 16th, Old City; fn Raqqa 15th
    c = report.claims
    assert (c.tp, c.fp, c.fn) == (4, 2, 1)
    assert c.precision == pytest.approx(4 / 6)
    assert c.recall == pytest.approx(4 / 5)
    assert c.f1 == pytest.approx(2 * (4 / 6) * (4 / 5) / (4 / 6 + 4 / 5))
    # toponyms: tp Al-Barid, (the) National Hospital, Raqqa; fp stadium->square, Bali; fn the stadium
    t = report.toponyms
    assert (t.tp, t.fp, t.fn) == (3, 2, 1)
    assert (t.precision, t.recall) == (pytest.approx(0.6), pytest.approx(0.75))
    assert t.f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    # only the intent fragment yields a counting claim the gold does not back
    assert (report.not_claims, report.violations) == (3, 1)
    # the map says IS holds Raqqa on the 16th; the gold says SDF
    assert (report.cells_correct, report.cells_total) == (3, 4)
    assert report.cell_accuracy == pytest.approx(0.75)
    kinds = [(m.kind, m.what) for m in report.misses]
    assert kinds.count(("claim", "false positive")) == 2
    assert kinds.count(("claim", "false negative")) == 1
    assert ("not_claim", "violation") in kinds
    wrong = [m for m in report.misses if m.kind == "control"]
    assert wrong[0].item == "raqqa · 2017-10-16" and wrong[0].sentence == "IS still holds Raqqa."
    fn = next(m for m in report.misses if m.what == "false negative" and m.kind == "claim")
    assert fn.article == "a.txt" and "2017-10-15" in fn.item and fn.sentence
    text = format_report(report)
    assert "claims     P  66.7 %  R  80.0 %  F1  72.7 %" in text
    assert "3/4 cells correct (75.0 %)" in text
    assert format_report(score(reading, load_gold(_gold(tmp_path, GOLD)), gaz, actors)) == text


def test_capture_matches_loss_only_between_enemies(tmp_path, reading, gaz, actors):
    doc = {"claims": [
        # a loss by IS in the gold; the reading has a capture by SDF (IS's enemy): a match
        {"article": "a.txt", "site": "Al-Barid", "actor": "IS", "type": "loss", "date": "2017-10-16"},
        # the reading's loss by IS is no capture by IS
        {"article": "a.txt", "site": "Al-Naim Square", "actor": "IS", "type": "capture",
         "date": "2017-10-16"},
    ]}
    report = score(reading, load_gold(_gold(tmp_path, doc)), gaz, actors)
    found = {m.item for m in report.misses if m.what == "false negative"}
    assert found == {"capture by IS · raqqa-al-naim-square · 2017-10-16"}
    assert report.toponyms is None and report.cell_accuracy is None


def _articles(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2017-10-16\nSDF fighters captured Al-Barid on Monday.\n",
                                    "utf-8")
    return tmp_path / "a.txt"


GOOD_CLAIM = {"article": "a.txt", "site": "Al-Barid", "actor": "SDF", "type": "capture",
              "date": "2017-10-16"}


@pytest.mark.parametrize("doc,needle", [
    ("claims: [", "not valid YAML at line"),
    ("- 1\n- 2\n", "expected a mapping"),
    ({"claim": [GOOD_CLAIM]}, "unknown section 'claim'"),
    ({"claims": [{**GOOD_CLAIM, "type": "captured"}]}, "claims entry 1: 'type' must be one of"),
    ({"claims": [GOOD_CLAIM, {k: v for k, v in GOOD_CLAIM.items() if k != "actor"}]},
     "claims entry 2: missing 'actor'"),
    ({"claims": [{**GOOD_CLAIM, "date": "2017-13-01"}]}, "claims entry 1: 'date' must be YYYY-MM-DD"),
    ({"claims": [{**GOOD_CLAIM, "sentence": "x"}]}, "claims entry 1: unknown key 'sentence'"),
    ({"claims": [{**GOOD_CLAIM, "article": "b.txt"}]}, "article 'b.txt' is not among the articles"),
    ({"claims": [{**GOOD_CLAIM, "actor": "YPG"}]}, "actor 'YPG' is not in the actors file"),
    ({"claims": [{**GOOD_CLAIM, "site": "Atlantis Gardens"}]}, "'Atlantis Gardens' is not in the gazetteer"),
    ({"claims": [{**GOOD_CLAIM, "site": "Mosul"}]}, "is not a site of the map"),
    ({"claims": [GOOD_CLAIM], "not_claims": [{"article": "a.txt", "sentence_fragment": "took"}]},
     "not_claims entry 1: fragment 'took' does not occur in a.txt"),
    ({"toponyms": [{"article": "a.txt", "text": "Raqqa", "place": "raqqa"}]},
     "toponyms entry 1: 'Raqqa' does not occur in a.txt"),
    ({"control": [{"site": "raqqa", "date": "2017-10-16", "controller": "nobody"}]},
     "control entry 1: controller 'nobody' is not an actor"),
    ({"control": [{"site": "raqqa", "date": "2017-10-16", "controller": "IS"},
                  {"site": "raqqa", "date": "2017-10-16", "controller": "SDF"}]},
     "control entry 2: raqqa on 2017-10-16 already has controller 'IS'"),
    ({"dates": {"a.txt": "2017-10-16"}}, "no gold annotations"),
])
def test_bad_gold_is_one_line_exit_2(tmp_path, capsys, doc, needle):
    art = _articles(tmp_path)
    gold = tmp_path / "gold.yaml"
    if isinstance(doc, str):
        gold.write_text(doc, "utf-8")
    else:
        _gold(tmp_path, doc)
    assert main(["eval", str(gold), "--articles", str(art)]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.err
    assert str(gold) in lines[0] and needle in lines[0], lines[0]


def test_missing_gold_file(tmp_path, capsys):
    assert main(["eval", str(tmp_path / "nope.yaml"), "--articles", str(_articles(tmp_path))]) == 2
    assert "cannot read gold file" in capsys.readouterr().err


def test_gold_dates_apply_to_articles_without_a_date_line(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("SDF fighters captured Al-Barid overnight.\n", "utf-8")
    gold = _gold(tmp_path, {"dates": {"a.txt": "2017-10-16"}, "claims": [GOOD_CLAIM]})
    assert main(["eval", str(gold), "--articles", str(tmp_path / "a.txt"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["days"] == ["2017-10-16", "2017-10-16"]
    assert report["claims"]["tp"] == 1


def test_seeds_control_table_is_exact(seeds, capsys):
    gold = DATA / "seeds" / "gold.yaml"
    args = ["eval", str(gold), "--articles", str(seeds), "--date", f"{AFP}=2017-10-16"]
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["articles"] == 3
    assert report["control"] == {"correct": 20, "total": 20, "accuracy": 1.0}
    assert [m for m in report["misses"] if m["kind"] == "control"] == []
    assert report["claims"]["tp"] > 0 and report["toponyms"]["tp"] > 0
    assert main(args) == 0
    first = capsys.readouterr().out
    assert "20/20 cells correct (100.0 %)" in first
    assert main(args) == 0
    assert capsys.readouterr().out == first  # deterministic


# --- truth tables (site,date,accept CSV, as the corpus gives them) ---------------------------

TRUTH = ("site,date,controller,accept,source,note\n"
         "raqqa-al-barid,2017-10-16,SDF,SDF,a.txt,taken on Monday\n"
         "raqqa-national-hospital,2017-10-16,IS,IS|contested,a.txt,reports disagree\n")


def test_a_truth_table_scores_each_cell_against_its_accepted_answers(tmp_path, capsys):
    art = tmp_path / "a.txt"
    art.write_text(" date 2017-10-16\nSDF fighters captured Al-Barid on Monday. Fighting raged inside "
                   "the National Hospital, where IS militants were holed up.\n", "utf-8")
    truth = tmp_path / "truth.csv"
    truth.write_text(TRUTH, "utf-8")
    assert main(["eval", str(truth), "--articles", str(art), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # Al-Barid is SDF; the hospital is contested, which the table accepts.
    assert (report["control"]["correct"], report["control"]["total"]) == (2, 2)


@pytest.mark.parametrize("text,needle", [
    ("site,date\nraqqa,2017-10-16\n", "needs a header with 'site', 'date' and 'accept'"),
    ("site,date,accept\nraqqa,2017-10-32,IS\n", "row 2: 'date' must be YYYY-MM-DD"),
    ("site,date,accept\nraqqa,2017-10-16,\n", "row 2: 'site' and 'accept' must not be empty"),
    ("site,date,accept\nraqqa,2017-10-16,IS\nraqqa,2017-10-16,SDF\n",
     "row 3: raqqa on 2017-10-16 appears twice"),
    ("site,date,controller,accept\nraqqa,2017-10-16,SYR,IS|contested\n",
     "row 2: 'accept' must include the controller 'SYR'"),
    ("site,date,accept\n", "has a header but no rows"),
    ("site,date,accept\natlantis,2017-10-16,IS\n", "row 2: site 'atlantis'"),
])
def test_bad_truth_table_is_one_line_exit_2(tmp_path, capsys, text, needle):
    truth = tmp_path / "truth.csv"
    truth.write_text(text, "utf-8")
    assert main(["eval", str(truth), "--articles", str(_articles(tmp_path))]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(truth) in err[0] and needle in err[0], err


@pytest.mark.parametrize("args,needle", [
    (["eval", "gold.yaml", "--corpus", "."], "--corpus takes no GOLD"),
    (["eval", "--corpus", ".", "--actors", "a.yaml"], "--corpus takes no --actors"),
    (["eval", "gold.yaml", "--articles", "a.txt", "--battle", "ramadi"], "--battle needs --corpus"),
])
def test_eval_options_that_do_not_go_together(capsys, args, needle):
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0], err


def test_corpus_mode_scores_every_battle_and_the_corpus(tmp_path, capsys):
    for name in ("one", "two"):
        d = tmp_path / name
        (d / "articles").mkdir(parents=True)
        (d / "articles" / "a.txt").write_text(" date 2017-10-16\nSDF fighters captured Al-Barid on "
                                              "Monday.\n", "utf-8")
        (d / "truth.csv").write_text("site,date,accept\nraqqa-al-barid,2017-10-16,SDF\n", "utf-8")
        # Each battle brings its own gazetteer and actors: here the bundled Raqqa ones.
        theatre = bundled_theatre()
        (d / "gazetteer.geojson").write_bytes(theatre["gazetteer"][0].read_bytes())
        (d / "actors.yaml").write_bytes(theatre["actors"].read_bytes())
    assert main(["eval", "--corpus", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "one: 1/1" in out and "two: 1/1" in out and "corpus: 2/2" in out, out
