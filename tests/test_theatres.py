"""Other battles, read with their own gazetteer and actors: the reading generalises."""

import datetime as dt
import io
import re
import tokenize
from pathlib import Path

import pytest
import yaml

from conflictmap.geo.evaluate import evaluate
from conflictmap.geo.pipeline import read_articles

ROOT = Path(__file__).resolve().parent.parent
THEATRES = Path(__file__).parent / "data" / "theatres"
NAMES = ("mosul", "aleppo", "marawi")


@pytest.fixture(scope="module", params=NAMES)
def theatre(request):
    d = THEATRES / request.param
    # No --date: the undated reports take their date from their datelines.
    report = evaluate(d / "gold.yaml", [d / "articles"], gazetteer=[d / "gazetteer.geojson"],
                      actors=d / "actors.yaml", dates={})
    return request.param, report


def test_control_cells_at_least_90_percent(theatre):
    name, report = theatre
    assert report.cells_total >= 150, name
    assert report.cells_correct / report.cells_total >= 0.90, (name, report.cells_correct)


def test_claims_are_mostly_right(theatre):
    name, report = theatre
    assert report.claims.precision >= 0.75 and report.claims.recall >= 0.75, name


@pytest.mark.parametrize("name", NAMES)
def test_undated_reports_take_their_dateline(name):
    gold = yaml.safe_load((THEATRES / name / "gold.yaml").read_text())
    arts = {a.name: a for a in read_articles([THEATRES / name / "articles"])}
    inferred = [a for a in arts.values() if a.date_source == "inferred"]
    assert inferred, name
    for a in inferred:
        assert a.published == dt.date.fromisoformat(str(gold["dates"][a.name]))


def _theatre_names() -> set[str]:
    """Every actor and place name of every theatre we have data for."""
    names: set[str] = set()
    data = [*THEATRES.glob("*/actors.yaml"), ROOT / "geo" / "data" / "raqqa" / "actors.yaml"]
    for path in data:
        for actor in yaml.safe_load(path.read_text())["actors"]:
            names.update([actor["id"], actor["name"], *actor.get("aliases", [])])
    for path in [*THEATRES.glob("*/gazetteer.geojson"), ROOT / "gazetteer" / "data" / "raqqa.geojson"]:
        for f in yaml.safe_load(path.read_text())["features"]:
            names.update([f["properties"]["name"], *f["properties"].get("aliases", [])])
    # Generic words that are also aliases ("militants", "rebels") are not names of a battle.
    return {n for n in names if len(n) > 3 and not n.islower()}


def _code_without_docs(path: Path):
    """Yield (line, text) of a module's code and string literals, not its docstrings or comments."""
    toks = list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))
    prev = tokenize.NEWLINE
    for tok in toks:
        if tok.type == tokenize.STRING and prev in (tokenize.NEWLINE, tokenize.INDENT,
                                                    tokenize.DEDENT, tokenize.NL):
            continue  # a docstring: documentation may give examples
        if tok.type not in (tokenize.COMMENT, tokenize.NL):
            yield tok.start[0], tok.string
        if tok.type not in (tokenize.COMMENT, tokenize.NL):
            prev = tok.type


def test_no_battle_names_in_the_code():
    names = _theatre_names()
    assert len(names) > 100
    pattern = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, names), key=len, reverse=True))
                         + r")\b")
    found = []
    for pkg in ("gazetteer", "geo", "maps"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            for line, text in _code_without_docs(path):
                found += [f"{path.relative_to(ROOT)}:{line}: {m.group()}" for m in pattern.finditer(text)]
    assert not found, "\n".join(found)
