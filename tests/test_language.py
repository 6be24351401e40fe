"""The English language data: every cue is a word, every phrase inflects, none is lost to YAML."""

from importlib import resources
from pathlib import Path

import pytest
import yaml

from conflictmap.geo.claims.language import Language, inflections

DATA = Path(str(resources.files("conflictmap.geo").joinpath("data/en")))
FILES = sorted(p.name for p in DATA.glob("*.yaml"))


def _leaves(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from ([(f"{path}/{k!r} (key)", k)] if not isinstance(k, str) else [])
            yield from _leaves(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        yield path, node


@pytest.mark.parametrize("name", FILES)
def test_every_word_is_a_string(name):
    # YAML 1.1 reads on, off, yes, no as booleans and 1e3 as a number: quote them.
    data = yaml.safe_load((DATA / name).read_text("utf-8"))
    bad = [(p, v) for p, v in _leaves(data) if not isinstance(v, str)
           and not (isinstance(v, int) and not isinstance(v, bool) and ("numbers" in p or "ordinals" in p))
           and not (isinstance(v, bool) and p.endswith(("/case", "/whole")))]
    assert not bad, bad[:5]


def test_language_data_loads_and_has_phrases_of_every_type():
    lang = Language.load()
    types = {p.type for p in lang.phrases}
    assert {"capture", "full_control", "loss", "hold", "presence", "entry", "siege", "move",
            "fight"} <= types


@pytest.mark.parametrize("lemma,forms", [
    ("capture", {"captures", "captured", "capturing"}),
    ("seize", {"seizes", "seized", "seizing"}),
    ("storm", {"storms", "stormed", "storming"}),
    ("occupy", {"occupies", "occupied", "occupying"}),
    ("shell", {"shells", "shelled", "shelling"}),
    ("take", {"takes", "took", "taken", "taking"}),
])
def test_inflections_are_generated(lemma, forms):
    irregular = yaml.safe_load((DATA / "verbs.yaml").read_text("utf-8")).get("irregular") or {}
    got = {w for spellings in inflections(lemma, {str(k): tuple(v) for k, v in irregular.items()}).values()
           for w in spellings}
    assert forms <= got, got
